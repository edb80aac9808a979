"""MNIST test accuracy of the package's best recipe after 30, 60 and 120 seconds of training.

    python benchmarks/accuracy_vs_time.py                  # budgets 30 60 120 (about 4 minutes)
    python benchmarks/accuracy_vs_time.py --budgets 30     # one budget

The recipe (notebook 09's model, the package's public API): 784-512-256-10, ReLU, Dropout(0.2)
after each hidden layer, float32; every batch shifted by a random 0-2 pixels (``augment``);
Adam (lr 1e-3), batch 128, a warm-up then a cosine decay over the run. ``fit`` checks every
scheduled rate before it starts, so the budget becomes a number of epochs: one timed epoch
of a throwaway model (outside the budget) gives this machine's speed, and the run trains
as many whole epochs as fit in the budget (at least one). Each budget is a fresh run from
the same seed; the time actually trained is reported beside it, and the final evaluation
is outside it. Writes ``benchmarks/results/accuracy_vs_time.csv``.
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
HIDDEN, DROPOUT, SHIFT, LR, BATCH = (512, 256), 0.2, 2, 1e-3, 128


def shift(X_batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move each 28x28 image by up to SHIFT pixels in x and y, filling the uncovered border
    with the background (a standardized 0 pixel)."""
    n, size = len(X_batch), 28 + 2 * SHIFT
    padded = np.full((n, size, size), np.float32(-MEAN / STD), dtype=X_batch.dtype)
    padded[:, SHIFT:SHIFT + 28, SHIFT:SHIFT + 28] = X_batch.reshape(n, 28, 28)
    # Every 28x28 window of every padded image, as a view (n, 2s+1, 2s+1, 28, 28) ...
    windows = np.lib.stride_tricks.sliding_window_view(padded, (28, 28), axis=(1, 2))
    dy, dx = rng.integers(0, 2 * SHIFT + 1, size=(2, n))
    return windows[np.arange(n), dy, dx].reshape(n, 784)  # ... and one chosen per image


def build(rng: np.random.Generator) -> mfs.Sequential:
    layers, width = [], 784
    for h in HIDDEN:
        layers += [mfs.Dense(width, h, rng=rng), mfs.ReLU(), mfs.Dropout(DROPOUT, rng=rng)]
        width = h
    return mfs.Sequential(*layers, mfs.Dense(width, 10, rng=rng))


def seconds_per_epoch(X, y) -> float:
    """One epoch of a throwaway model, timed: this machine's speed, now."""
    rng = np.random.default_rng(123)
    start = time.perf_counter()
    mfs.fit(build(rng), X, y, loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.Adam(lr=LR),
            num_epochs=1, batch_size=BATCH, rng=rng, augment=shift)
    return time.perf_counter() - start


def run(budget: float, epoch_s: float, seed: int, X, y, X_test, y_test) -> dict:
    rng = np.random.default_rng(seed)
    model = build(rng)
    num_epochs = max(1, int(budget / epoch_s))
    total = num_epochs * -(-len(X) // BATCH)

    def schedule(step: int) -> float:  # a 3% warm-up, then a cosine decay to 0
        frac = step / total
        if frac < 0.03:
            return LR * max(frac / 0.03, 0.01)
        return 0.5 * LR * (1 + math.cos(math.pi * (frac - 0.03) / 0.97))

    loss = mfs.SoftmaxCrossEntropy()
    start = time.perf_counter()
    mfs.fit(model, X, y, loss=loss, optimizer=mfs.Adam(lr=LR), num_epochs=num_epochs,
            batch_size=BATCH, rng=rng, lr_schedule=schedule, augment=shift)
    trained = time.perf_counter() - start
    model.eval()
    return {"budget_s": budget, "train_s": round(trained, 1), "epochs": num_epochs,
            "test_accuracy": round(mfs.accuracy(y_test, loss.predict(model.predict(X_test))), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[30, 60, 120])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args()
    data = [*mfs.load_mnist("train", normalize="standardize", flatten=True),
            *mfs.load_mnist("test", normalize="standardize", flatten=True)]
    print(f"kernels {mfs.kernels.BACKEND}; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores", flush=True)
    rows = []
    for budget in args.budgets:
        load, epoch_s = os.getloadavg()[0], seconds_per_epoch(*data[:2])
        rows.append({**run(budget, epoch_s, args.seed, *data), "load_average_before": round(load, 2),
                     "load_average_after": round(os.getloadavg()[0], 2)})
        print(f"  budget {budget:5.0f} s: {rows[-1]['epochs']} epochs in {rows[-1]['train_s']} s, "
              f"test accuracy "
              f"{rows[-1]['test_accuracy']:.4f} (load {load:.2f} -> "
              f"{rows[-1]['load_average_after']:.2f})", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "accuracy_vs_time.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out}/accuracy_vs_time.csv")


if __name__ == "__main__":
    main()
