"""Where an MNIST epoch goes: each part of mlp_from_scratch's training step, timed alone.

    python benchmarks/epoch_parts.py                       # 784-512-256-10, one thread
    python benchmarks/epoch_parts.py --arch 784-1024-512-10 --threads 2

The step of benchmark.py (Dense-ReLU layers, softmax cross-entropy, Adam, batches of 128) is
split into the arithmetic every implementation of it has to do: gathering the shuffled batch,
the matrix products (benchmark.py's bound), the bias additions and sums, ReLU forward and
backward, the loss, Adam's update. Each part runs alone for one epoch's worth of batches, with
the package's own compiled loops (kernels.py), and the parts are added up. Then one whole
epoch of ``mfs.fit`` runs on the same data: what it takes beyond the sum is Python's
bookkeeping (checks, method calls, allocations) and the parts disturbing each other's caches.
The sum is the floor for any code built on these kernels; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time


def per_epoch(part, batches: int, repeats: int) -> float:
    """Median over ``repeats`` of the seconds ``batches`` calls of ``part()`` take."""
    part()  # warm-up: compiling, first touches of memory
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batches):
            part()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", default="784-512-256-10")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--rows", type=int, default=60_000, help="rows per epoch")
    args = ap.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)  # before NumPy loads its BLAS
    import numpy as np
    import mlp_from_scratch as mfs
    from mlp_from_scratch import kernels

    arch = [int(v) for v in args.arch.split("-")]
    batch = 128
    batches = -(-args.rows // batch)
    rng = np.random.default_rng(0)
    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    X, y = X[:args.rows], y[:args.rows]
    order = rng.permutation(len(X))
    batch_rows = itertools.cycle([order[i:i + batch] for i in range(0, len(X) - batch + 1, batch)])
    x = np.empty((batch, arch[0]), np.float32)
    W = [rng.standard_normal((a, b), dtype=np.float32) * np.float32(0.05)
         for a, b in zip(arch, arch[1:])]
    b = [np.zeros(w.shape[1], np.float32) for w in W]
    acts = [x] + [np.empty((batch, w.shape[1]), np.float32) for w in W]
    hidden = acts[1:-1]  # what ReLU sees
    dW, db = [np.empty_like(w) for w in W], [np.empty_like(v) for v in b]
    n = sum(w.size + v.size for w, v in zip(W, b))
    p, g, m, v = (rng.standard_normal(n, dtype=np.float32) * np.float32(0.01) for _ in range(4))
    v = np.abs(v)
    adam = [np.float32(c) for c in (0.9, 0.1, 0.999, 0.001, 1e-3, 1e-8)]
    labels = y[:batch].astype(np.int64)

    def products():  # as benchmark.py's bound: forward x W, backward xᵀ g and g Wᵀ
        for i, w in enumerate(W):
            np.matmul(acts[i], w, out=acts[i + 1])
        for i in reversed(range(len(W))):
            np.matmul(acts[i].T, acts[i + 1], out=dW[i])
            if i > 0:
                np.matmul(acts[i + 1], W[i].T, out=acts[i])

    parts = {
        "gather the batch": lambda: np.take(X, next(batch_rows), axis=0, out=x, mode="clip"),
        "matrix products": products,
        "bias: add and sum": lambda: [(a.__iadd__(c), np.sum(a, axis=0, out=d))
                                      for a, c, d in zip(acts[1:], b, db)],
        "ReLU forward": lambda: [kernels.relu(h) for h in hidden],
        "ReLU backward": lambda: [kernels.relu_backward(h, h) for h in hidden],
        "softmax cross-entropy": lambda: kernels.softmax_cross_entropy(acts[-1], labels),
        "Adam's update": lambda: kernels.adam_update(p, g, m, v, *adam),
    }
    seconds = {name: per_epoch(part, batches, args.repeats) for name, part in parts.items()}
    total = sum(seconds.values())

    layers = [layer for a, c in zip(arch, arch[1:])
              for layer in (mfs.Dense(a, c, rng=rng), mfs.ReLU())][:-1]
    model = mfs.Sequential(*layers)
    optimizer, loss = mfs.Adam(1e-3), mfs.SoftmaxCrossEntropy()
    fit = per_epoch(lambda: mfs.fit(model, X, y, loss=loss, optimizer=optimizer, num_epochs=1,
                                    batch_size=batch, rng=rng), 1, args.repeats)

    print(f"{args.arch}, batches of {batch}, {args.rows} rows, {args.threads} thread(s), "
          f"kernels: {kernels.BACKEND}; seconds per epoch (medians of {args.repeats})")
    for name, s in seconds.items():
        print(f"  {name:<24}{s:8.3f}  {s / seconds['matrix products']:6.1%} of the products")
    print(f"  {'sum of the parts':<24}{total:8.3f}")
    print(f"  {'mfs.fit, one epoch':<24}{fit:8.3f}  (beyond the sum: {fit - total:.3f})")


if __name__ == "__main__":
    main()
