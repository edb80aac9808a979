"""MNIST test accuracy of notebook 09's recipe after 30, 60 and 120 seconds of training.

    python benchmarks/accuracy_vs_time.py                          # budgets 30 60 120, seed 0
    python benchmarks/accuracy_vs_time.py --budgets 30 --seeds 0 1 2 3

The recipe is described in benchmarks/README.md. ``fit`` checks every scheduled rate before
it starts, so a budget becomes a number of whole epochs: one timed epoch of a throwaway model
(outside the budget) gives this machine's speed now. Each run is a fresh model from its seed;
the time actually trained is reported, the final evaluation is outside it. Writes
``benchmarks/results/accuracy_vs_time.csv``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

import mlp_from_scratch as mfs
from mlp_from_scratch.mnist import MEAN, STD

# Notebook 09's recipe (its sections 4-6); tests/test_project.py checks that the two agree.
HIDDEN, DROPOUT, SHIFT, LR, BATCH = (256, 128), 0.1, 1, 4e-3, 512


def shift(X_batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each 28x28 image moved by up to SHIFT pixels in x and y; the border gets background."""
    n, size = len(X_batch), 28 + 2 * SHIFT
    padded = np.full((n, size, size), np.float32(-MEAN / STD), dtype=X_batch.dtype)
    padded[:, SHIFT:SHIFT + 28, SHIFT:SHIFT + 28] = X_batch.reshape(n, 28, 28)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (28, 28), axis=(1, 2))  # a view
    dy, dx = rng.integers(0, 2 * SHIFT + 1, size=(2, n))
    return windows[np.arange(n), dy, dx].reshape(n, 784)  # one window per image


def train(X, y, num_epochs: int, seed: int) -> tuple[mfs.Sequential, float]:
    """The recipe for ``num_epochs``: the model and the seconds its training took."""
    rng = np.random.default_rng(seed)
    layers, width = [], 784
    for h in HIDDEN:
        layers += [mfs.Dense(width, h, rng=rng), mfs.ReLU(), mfs.Dropout(DROPOUT, rng=rng)]
        width = h
    model = mfs.Sequential(*layers, mfs.Dense(width, 10, rng=rng))
    # A warm-up of one epoch, as in the notebook, then a cosine decay to 0 at the last step (the
    # one-epoch speed probe gets a two-epoch schedule, of which fit uses the first epoch).
    steps = -(-len(X) // BATCH)
    schedule = mfs.warmup_cosine(LR, warmup_steps=steps, total_steps=max(num_epochs, 2) * steps)
    start = time.perf_counter()
    mfs.fit(model, X, y, loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.Adam(lr=LR), num_epochs=num_epochs,
            batch_size=BATCH, rng=rng, lr_schedule=schedule, augment=shift)
    return model, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[30, 60, 120])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = ap.parse_args()
    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    X_test, y_test = mfs.load_mnist("test", normalize="standardize", flatten=True)
    print(f"kernels {mfs.kernels.BACKEND}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rows = []
    for budget in args.budgets:
        for seed in args.seeds:
            load = os.getloadavg()[0]
            epochs = max(1, int(budget / train(X, y, 1, seed=123)[1]))  # this machine's speed now
            model, trained = train(X, y, epochs, seed)
            accuracy = mfs.accuracy(y_test, model.predict(X_test).argmax(axis=1))
            rows.append({"budget_s": budget, "seed": seed, "train_s": round(trained, 1), "epochs": epochs,
                         "test_accuracy": round(accuracy, 4), "load_average_before": round(load, 2),
                         "load_average_after": round(os.getloadavg()[0], 2)})
            print(f"  budget {budget:5.0f} s, seed {seed}: {epochs} epochs in {trained:.1f} s, test accuracy "
                  f"{accuracy:.4f} (load {load:.2f} -> {rows[-1]['load_average_after']:.2f})", flush=True)
    table = pd.DataFrame(rows)
    print(table.groupby("budget_s")["test_accuracy"].agg(["mean", "min", "max"]).round(4))
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "accuracy_vs_time.csv", index=False)
    print(f"wrote {args.out}/accuracy_vs_time.csv")


if __name__ == "__main__":
    main()
