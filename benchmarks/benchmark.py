"""Seconds per MNIST epoch: mlp_from_scratch (with Numba, and on its NumPy path) against
PyTorch CPU, scikit-learn and the matrix-multiply bound, side by side in one run.

    python benchmarks/benchmark.py            # full epochs, 5 rounds
    python benchmarks/benchmark.py --quick    # 10,000-row epochs (scaled to 60,000), 3 rounds

Each contender runs in its own process, a fresh one for each architecture; they take turns,
one epoch each, in rounds; a ratio is the median over rounds of that round's ratio. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

try:
    import resource  # Unix only
except ImportError:
    resource = None

HERE = Path(__file__).resolve().parent
ARCHS = ["784-256-128-10", "784-512-256-10", "784-1024-512-10"]
CONTENDERS = ["mlp_from_scratch", "mfs_numpy", "torch", "sklearn", "matmul"]
OURS = ("mlp_from_scratch", "mfs_numpy")
BATCH, LR, SEED = 128, 1e-3, 0


# --------------------------------------------------------------------------- contenders
# Each returns (epoch(X, y), versions) for one architecture; the model persists across epochs.

def mlp_from_scratch(arch, threads):
    import numpy as np
    import mlp_from_scratch as mfs
    rng = np.random.default_rng(SEED)
    layers = [m for a, b in zip(arch, arch[1:]) for m in (mfs.Dense(a, b, rng=rng), mfs.ReLU())]
    model, optimizer, loss = mfs.Sequential(*layers[:-1]), mfs.Adam(lr=LR), mfs.SoftmaxCrossEntropy()

    def epoch(X, y):
        mfs.fit(model, X, y, loss=loss, optimizer=optimizer, num_epochs=1, batch_size=BATCH, rng=rng)
    return epoch, {"numpy": np.__version__, "kernels": mfs.kernels.BACKEND}


def torch(arch, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(SEED)
    layers = [m for a, b in zip(arch, arch[1:]) for m in (torch.nn.Linear(a, b), torch.nn.ReLU())]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)

    def epoch(X, y):
        X, y = torch.from_numpy(X), torch.from_numpy(y)
        order = torch.randperm(len(X))
        for start in range(0, len(X), BATCH):
            rows = order[start:start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(X[rows]), y[rows])
            loss.backward()
            optimizer.step()
            loss.item()  # as fit does: the epoch's loss is read
    return epoch, {"torch": torch.__version__}


def sklearn(arch, threads):
    import numpy as np
    import sklearn
    from sklearn.neural_network import MLPClassifier
    clf = MLPClassifier(hidden_layer_sizes=tuple(arch[1:-1]), solver="adam", batch_size=BATCH,
                        learning_rate_init=LR, random_state=SEED)
    return (lambda X, y: clf.partial_fit(X, y, classes=np.arange(10))), {"sklearn": sklearn.__version__}


def matmul(arch, threads):
    import numpy as np
    rng = np.random.default_rng(SEED)
    W = [rng.standard_normal((a, b), dtype=np.float32) * np.float32(0.05) for a, b in zip(arch, arch[1:])]
    dW, buffers = [np.empty_like(w) for w in W], {}

    def epoch(X, y):
        for start in range(0, len(X), BATCH):
            x = X[start:start + BATCH]
            if len(x) not in buffers:  # outputs written in place, as the fastest code would
                buffers[len(x)] = [np.empty((len(x), w.shape[1]), np.float32) for w in W]
            acts = [x, *buffers[len(x)]]
            for i, w in enumerate(W):               # forward: x W
                np.matmul(acts[i], w, out=acts[i + 1])
            for i in reversed(range(len(W))):       # backward: xᵀ g, then g Wᵀ (any g of
                np.matmul(acts[i].T, acts[i + 1], out=dW[i])  # the right shape will do)
                if i > 0:
                    np.matmul(acts[i + 1], W[i].T, out=acts[i])
    return epoch, {}


def page_faults() -> int | None:
    """Page faults this process has taken so far (Unix). Each one hands the process a fresh
    page of memory that the system zeroes first: code that allocates new arrays on every
    batch can take hundreds of thousands per epoch, how many depending on what the process
    allocated and freed before (glibc's malloc adapts to it)."""
    return None if resource is None else resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def worker(name: str, threads: int, rows: int) -> None:
    """Answer one JSON line per request: {"arch": [...]} -> seconds, CPU time and page faults
    of an epoch."""
    try:
        make = globals()[name.replace("mfs_numpy", "mlp_from_scratch")]
        make([784, 10], threads)
    except ImportError as err:
        print(json.dumps({"unavailable": str(err)}), flush=True)
        return
    import mlp_from_scratch as mfs
    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    X, y = X[:rows], y[:rows]
    print(json.dumps({"ready": True}), flush=True)
    epochs, versions = {}, {}
    for line in sys.stdin:
        arch = json.loads(line)["arch"]
        if str(arch) not in epochs:
            epochs[str(arch)], info = make(arch, threads)
            versions.update(info)
            epochs[str(arch)](X[:2048], y[:2048])  # warm-up: first-call costs stay out
        cpu0, t0, faults0 = time.process_time(), time.perf_counter(), page_faults()
        epochs[str(arch)](X, y)
        faults = None if faults0 is None else page_faults() - faults0
        print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - cpu0,
                          "faults": faults, "versions": versions}), flush=True)


# --------------------------------------------------------------------------- the parent

def busy_seconds() -> float | None:
    """CPU-seconds every process has used since boot (Linux), to measure others' load."""
    try:
        fields = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    except OSError:
        return None
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def summarize(runs: list[dict], arch: list[int], names: list[str]) -> dict:
    """Medians per contender, and ours against each other contender as the median of the
    per-round ratios (a drift of the machine's speed cancels out)."""
    key = "-".join(map(str, arch))
    times = {n: {r["round"]: r["seconds_per_epoch"] for r in runs
                 if r["arch"] == key and r["contender"] == n} for n in names}
    loads = [r["other_load"] for r in runs if r["arch"] == key and r["other_load"] is not None]
    row = {"arch": key, **{f"{n}_s": statistics.median(t.values()) for n, t in times.items()},
           "median_other_load": statistics.median(loads) if loads else float("nan"),
           "rounds": len(times[names[0]])}
    for n in names:
        faults = [r["page_faults"] for r in runs if r["arch"] == key and r["contender"] == n
                  and r.get("page_faults") is not None]
        if faults:
            row[f"{n}_faults"] = statistics.median(faults)
    for ours in (n for n in OURS if n in times):
        for other in (n for n in names if n != ours and n != "mlp_from_scratch"):
            label = "mfs" if ours == "mlp_from_scratch" else ours
            row[f"{label}/{other}"] = statistics.median(
                times[ours][r] / times[other][r] for r in times[ours])
    return row


def start_workers(names: list[str], threads: int, rows: int, env: dict) -> dict:
    """A worker process per available contender, each with MNIST loaded."""
    workers = {}
    for name in names:
        w = subprocess.Popen([sys.executable, __file__, "--worker", name, "--threads",
                              str(threads), "--rows", str(rows)], cwd=HERE, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env={**env, "MLP_FROM_SCRATCH_NO_NUMBA": str(int(name == "mfs_numpy"))})
        if "unavailable" in (reply := json.loads(w.stdout.readline() or '{"unavailable": "died"}')):
            print(f"{name}: skipped, not available ({reply['unavailable']})")
            w.wait()
        else:
            workers[name] = w
    return workers


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10,000-row epochs, 3 rounds")
    ap.add_argument("--rows", type=int, help="rows per epoch (times are scaled to 60,000)")
    ap.add_argument("--repeats", type=int, help="rounds (default 5, quick 3)")
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0))
                    if hasattr(os, "sched_getaffinity") else os.cpu_count())
    ap.add_argument("--archs", default=",".join(ARCHS))
    ap.add_argument("--contenders", default=",".join(CONTENDERS))
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    rows = args.rows or (10_000 if args.quick else 60_000)
    if args.worker:
        return worker(args.worker, args.threads, rows)
    repeats = args.repeats or (3 if args.quick else 5)
    archs = [[int(v) for v in a.split("-")] for a in args.archs.split(",")]
    env = {**os.environ, **{v: str(args.threads) for v in (
        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}}
    names, runs, versions, load = args.contenders.split(","), [], {}, [os.getloadavg()[0]]
    print(f"{args.threads} threads, {rows} rows per epoch, {repeats} rounds; load average "
          f"{load[0]:.2f} on {os.cpu_count()} cores", flush=True)
    for arch in archs:
        # Fresh processes for each architecture, as a user trains one model per process: what
        # an earlier model allocated and freed changes how often a peer's allocations fault.
        workers = start_workers(names, args.threads, rows, env)
        names = list(workers)  # without the unavailable ones
        if not names:
            sys.exit("no contender could run")
        for rnd in range(1, repeats + 1):
            for name in names[rnd % len(names):] + names[:rnd % len(names)]:  # rotate who goes first
                busy0, t0 = busy_seconds(), time.perf_counter()
                workers[name].stdin.write(json.dumps({"arch": arch}) + "\n")
                workers[name].stdin.flush()
                reply = json.loads(workers[name].stdout.readline())
                wall, busy1, versions[name] = time.perf_counter() - t0, busy_seconds(), reply["versions"]
                seconds = reply["seconds"] * 60_000 / rows  # other processes' load, in cores:
                other = None if busy0 is None else max(0.0, (busy1 - busy0 - reply["cpu"]) / wall)
                faults = None if reply["faults"] is None else round(reply["faults"] * 60_000 / rows)
                runs.append({"round": rnd, "arch": "-".join(map(str, arch)), "contender": name,
                             "seconds_per_epoch": seconds, "other_load": other,
                             "page_faults": faults})
                print(f"  round {rnd} {runs[-1]['arch']:>15} {name:>16}: {seconds:6.2f} s/epoch, "
                      f"{(faults or 0) / 1000:5.0f}k page faults, other load {other or 0:.2f}",
                      flush=True)
        for w in workers.values():
            w.stdin.close()
            w.wait()
    summary = [summarize(runs, arch, names) for arch in archs]
    load.append(os.getloadavg()[0])
    print(f"\nseconds per 60,000-image epoch and ratios (medians), load average {load[0]:.2f} -> {load[1]:.2f}")
    for key in summary[0]:
        print(f"{key:>24}" + "".join(f"{row[key]:>16.3f}" if isinstance(row[key], float)
                                     else f"{row[key]:>16}" for row in summary))
    path = Path(args.out) / f"benchmark{'_quick' if args.quick else ''}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "threads": args.threads, "rows": rows, "rounds": repeats, "load_average": load,
        "python": platform.python_version(), "machine": platform.platform(), "cores": os.cpu_count(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "versions": versions,
        "summary": summary, "runs": runs}, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
