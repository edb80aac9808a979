"""MNIST test accuracy of the package's best recipe after 30, 60 and 120 seconds of training.

    python benchmarks/accuracy_vs_time.py                  # budgets 30 60 120 (about 4 minutes)
    python benchmarks/accuracy_vs_time.py --budgets 30     # one budget

The recipe, all with the package's public API:

* 784-512-256-10 (notebook 08's model), ReLU, Dropout(0.2) after each hidden layer, float32;
* every training batch shifted by a random 0-2 pixels in each direction (``augment``);
* Adam (lr 1e-3), batch 128, a warm-up then a cosine decay of the learning rate over the
  *time* budget (``lr_schedule`` reads the clock), so any budget ends at a small rate;
* ``fit`` runs epoch after epoch until the budget is spent: the schedule, which ``fit``
  calls before every step, raises ``OutOfTime`` then (mid-epoch, so no second is wasted).

Each budget is a fresh run from the same seed. The budget counts training only: the final
evaluation on the 10,000 test images is outside it. Writes
``benchmarks/results/accuracy_vs_time.csv``.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import time
from pathlib import Path

import numpy as np

import mlp_from_scratch as mfs
from mlp_from_scratch.mnist import MEAN, STD

HERE = Path(__file__).resolve().parent


def shift_augment(max_shift: int):
    """``augment(X_batch, rng)``: move each 28x28 image by up to ``max_shift`` pixels in x
    and y, filling the uncovered border with the background (a standardized 0 pixel)."""
    background = np.float32(-MEAN / STD)
    size = 28 + 2 * max_shift

    def augment(X_batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        n = len(X_batch)
        padded = np.full((n, size, size), background, dtype=X_batch.dtype)
        padded[:, max_shift:max_shift + 28, max_shift:max_shift + 28] = X_batch.reshape(n, 28, 28)
        # Every 28x28 window of every padded image, as a view (n, 2s+1, 2s+1, 28, 28) ...
        windows = np.lib.stride_tricks.sliding_window_view(padded, (28, 28), axis=(1, 2))
        dy, dx = rng.integers(0, 2 * max_shift + 1, size=(2, n))
        return windows[np.arange(n), dy, dx].reshape(n, 784)  # ... and one chosen per image

    return augment


class OutOfTime(Exception):
    pass


class TimeBudget:
    """A learning-rate schedule over wall-clock time that stops ``fit`` when time is up
    (by raising ``OutOfTime``)."""

    def __init__(self, seconds: float, lr: float, warmup: float = 0.03):
        self.seconds, self.lr, self.warmup = seconds, lr, warmup
        self.start = time.perf_counter()
        self.steps = 0  # updates made

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def schedule(self, step: int) -> float:
        frac = self.elapsed() / self.seconds
        if frac >= 1:
            raise OutOfTime  # before this step's update: the last gradient is dropped
        self.steps = step + 1
        if frac < self.warmup:
            return self.lr * max(frac / self.warmup, 0.01)
        return 0.5 * self.lr * (1 + math.cos(math.pi * (frac - self.warmup) / (1 - self.warmup)))


def build(hidden: list[int], dropout: float, rng: np.random.Generator) -> mfs.Sequential:
    layers, width = [], 784
    for h in hidden:
        layers += [mfs.Dense(width, h, rng=rng), mfs.ReLU()]
        if dropout:
            layers.append(mfs.Dropout(dropout, rng=rng))
        width = h
    return mfs.Sequential(*layers, mfs.Dense(width, 10, rng=rng))


def run(budget: float, args, data) -> dict:
    X, y, X_test, y_test = data
    rng = np.random.default_rng(args.seed)
    model = build(args.hidden, args.dropout, rng)
    loss = mfs.SoftmaxCrossEntropy()
    clock = TimeBudget(budget, args.lr)
    try:
        mfs.fit(model, X, y, loss=loss, optimizer=mfs.Adam(lr=args.lr), num_epochs=10**6,
                batch_size=args.batch_size, rng=rng, lr_schedule=clock.schedule,
                augment=shift_augment(args.shift) if args.shift else None)
    except OutOfTime:
        pass
    trained = clock.elapsed()
    model.eval()
    accuracy = mfs.accuracy(y_test, loss.predict(model.predict(X_test)))
    steps_per_epoch = -(-len(X) // args.batch_size)
    return {"budget_s": budget, "train_s": round(trained, 1),
            "epochs": round(clock.steps / steps_per_epoch, 2), "test_accuracy": round(accuracy, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[30, 60, 120])
    ap.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--shift", type=int, default=2, help="max random shift in pixels (0: none)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(HERE / "results"))
    args = ap.parse_args()

    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    X_test, y_test = mfs.load_mnist("test", normalize="standardize", flatten=True)
    recipe = (f"784-{'-'.join(map(str, args.hidden))}-10, dropout {args.dropout}, "
              f"shift {args.shift}px, Adam lr {args.lr}, batch {args.batch_size}")
    print(f"{recipe}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    rows = []
    for budget in args.budgets:
        load = os.getloadavg()[0]
        row = {**run(budget, args, (X, y, X_test, y_test)), "load_average_before": round(load, 2),
               "load_average_after": round(os.getloadavg()[0], 2), "recipe": recipe}
        rows.append(row)
        print(f"  budget {budget:5.0f} s: {row['epochs']:6.2f} epochs in {row['train_s']:6.1f} s, "
              f"test accuracy {row['test_accuracy']:.4f}  (load {load:.2f} -> "
              f"{row['load_average_after']:.2f})", flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "accuracy_vs_time.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {out.name}/accuracy_vs_time.csv")


if __name__ == "__main__":
    main()
