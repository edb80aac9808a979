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

# The bound and the fit epoch exactly as benchmark.py times them. It imports only the standard
# library at first, so NumPy still loads after main() has set the thread count.
import benchmark


def per_epoch(part, calls: int, repeats: int) -> float:
    """Median over ``repeats`` of the seconds ``calls`` calls of ``part()`` take."""
    part()  # warm-up: compiling, first touches of memory
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
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

    arch, batch = [int(v) for v in args.arch.split("-")], benchmark.BATCH
    batches = -(-args.rows // batch)
    rng = np.random.default_rng(0)
    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    X, y = X[:args.rows], y[:args.rows]
    order = rng.permutation(len(X))
    batch_rows = itertools.cycle([order[i:i + batch] for i in range(0, len(X) - batch + 1, batch)])
    x = np.empty((batch, arch[0]), np.float32)
    outputs = [rng.standard_normal((batch, width), dtype=np.float32) for width in arch[1:]]
    hidden = outputs[:-1]  # what ReLU sees
    b = [np.zeros(width, np.float32) for width in arch[1:]]
    db = [np.empty_like(c) for c in b]
    n = sum((a + 1) * c for a, c in zip(arch, arch[1:]))  # weights and biases
    p, g, m, v = (np.abs(rng.standard_normal(n, dtype=np.float32)) * np.float32(0.01)
                  for _ in range(4))
    adam = [np.float32(c) for c in (0.9, 0.1, 0.999, 0.001, 1e-3, 1e-8)]
    labels = y[:batch].astype(np.int64)
    bound, _ = benchmark.matmul(arch, args.threads)
    fit, _ = benchmark.mlp_from_scratch(arch, args.threads)

    # name: (one call, calls per epoch)
    parts = {
        "gather the batch": (lambda: np.take(X, next(batch_rows), axis=0, out=x, mode="clip"),
                             batches),
        "matrix products": (lambda: bound(X, y), 1),
        "bias: add and sum": (lambda: [(o.__iadd__(c), np.sum(o, axis=0, out=d))
                                       for o, c, d in zip(outputs, b, db)], batches),
        "ReLU forward": (lambda: [kernels.relu(h) for h in hidden], batches),
        "ReLU backward": (lambda: [kernels.relu_backward(h, h) for h in hidden], batches),
        "softmax cross-entropy": (lambda: kernels.softmax_cross_entropy(outputs[-1], labels),
                                  batches),
        "Adam's update": (lambda: kernels.adam_update(p, g, m, v, *adam), batches),
    }
    seconds = {name: per_epoch(part, calls, args.repeats) for name, (part, calls) in parts.items()}
    total = sum(seconds.values())
    fit_seconds = per_epoch(lambda: fit(X, y), 1, args.repeats)

    print(f"{args.arch}, batches of {batch}, {args.rows} rows, {args.threads} thread(s), "
          f"kernels: {kernels.BACKEND}; seconds per epoch (medians of {args.repeats})")
    for name, s in seconds.items():
        print(f"  {name:<24}{s:8.3f}  {s / seconds['matrix products']:6.1%} of the products")
    print(f"  {'sum of the parts':<24}{total:8.3f}")
    print(f"  {'mfs.fit, one epoch':<24}{fit_seconds:8.3f}  "
          f"(beyond the sum: {fit_seconds - total:.3f})")


if __name__ == "__main__":
    main()
