"""Seconds per epoch on MNIST: mlp_from_scratch against PyTorch CPU and scikit-learn.

    python benchmarks/benchmark.py            # full epochs, 5 runs each (about 4 minutes, quiet 2 cores)
    python benchmarks/benchmark.py --quick    # 10,000-row epochs, 3 runs each (under a minute)
    python benchmarks/benchmark.py --closest 120   # time only while the CPUs share a cache (a VM)

For each architecture (784-256-128-10, 784-512-256-10, 784-1024-512-10; float32, batch 128,
Adam at lr 1e-3, ReLU, softmax cross-entropy) it times one epoch of

* ``mlp_from_scratch``: ``mfs.fit(..., num_epochs=1)``, the call students make;
* ``torch``: PyTorch CPU, a plain training loop with ``torch.optim.Adam`` (when installed);
* ``sklearn``: ``MLPClassifier(solver="adam").partial_fit``, one epoch a call (when installed);
* ``matmul``: only the epoch's matrix products, forward (x W) and backward (xᵀ g, and g Wᵀ
  for every layer but the first, whose input gradient nobody needs), with NumPy on the
  same shapes: the matrix-multiply bound, the time no NumPy implementation can beat.

Every contender runs in its own worker process (so PyTorch's and NumPy's thread pools never
share a process) with the same thread count, and the parent alternates them run by run,
rotating the order, so a change in the machine's load hits all of them alike. For every run
it records how many cores *other* processes kept busy (from /proc/stat): on a 2-core machine
one busy process slows 2-thread BLAS several times over, so read the ratios, and distrust
runs whose ``other_load`` is well above 0. Before and after every run it also times a cache
line's round trip between the first two CPUs (``core_round_trip.c``, compiled with the
system's C compiler on first use): a virtual machine's host moves its virtual CPUs between
cores that share a cache and cores that don't, which no load figure shows, and then reports
the figures a second time from only the rounds that ran entirely on the closest placement.
``--closest NS`` goes further and times only while the round trip is at most NS.

Writes ``benchmarks/results/benchmark[_quick].{csv,png,json}`` and ``..._runs.csv``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARCHS = ["784-256-128-10", "784-512-256-10", "784-1024-512-10"]
CONTENDERS = ["mlp_from_scratch", "torch", "sklearn", "matmul"]
BATCH, LR, SEED = 128, 1e-3, 0


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="10,000-row epochs (times scaled to 60,000 rows), 3 runs each")
    ap.add_argument("--repeats", type=int, help="runs per contender and architecture (default 5, quick 3)")
    ap.add_argument("--rows", type=int, help="training rows per epoch (default 60000, quick 10000)")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for every contender (default: the cores this process may use)")
    ap.add_argument("--archs", default=",".join(ARCHS), help="comma-separated, e.g. 784-256-128-10")
    ap.add_argument("--contenders", default=",".join(CONTENDERS))
    ap.add_argument("--out", default=str(HERE / "results"), help="folder for the results")
    ap.add_argument("--baseline", metavar="DIR",
                    help="also time the mlp_from_scratch package found in DIR, e.g. a git worktree "
                         "of an older commit (`git worktree add /tmp/old HEAD~1`): contender 'baseline'")
    ap.add_argument("--closest", type=float, metavar="NS",
                    help="time only on the closest placement of the CPUs: before each run, wait "
                         "until the core round trip is at most NS nanoseconds, and run again (up "
                         "to twice) a run after which it was above NS; e.g. 120 on a virtual "
                         "machine whose trips are 50-100 ns close and 300-800 ns apart")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.threads is None:
        args.threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    args.repeats = args.repeats or (3 if args.quick else 5)
    args.rows = args.rows or (10_000 if args.quick else 60_000)
    return args


def thread_env(threads: int) -> dict[str, str]:
    """Environment that pins every BLAS / OpenMP pool to ``threads`` threads; it must be in
    place before NumPy or PyTorch is imported, so the workers get it at start-up."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        env[var] = str(threads)
    return env


# --------------------------------------------------------------------------- workers
# A worker reads one JSON request per line ({"arch": [...], "rows": n}), trains one epoch
# (building and warming up the model the first time it sees an architecture) and answers
# with one JSON line. It keeps its models, so later runs continue training them.

def load_data(rows: int):
    import mlp_from_scratch as mfs
    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    return X[:rows], y[:rows]


class MfsWorker:
    def __init__(self, threads):
        import numpy as np
        import mlp_from_scratch as mfs
        self.np, self.mfs, self.models = np, mfs, {}

    def build(self, arch):
        mfs, rng = self.mfs, self.np.random.default_rng(SEED)
        layers = []
        for i, (a, b) in enumerate(zip(arch[:-1], arch[1:])):
            layers.append(mfs.Dense(a, b, rng=rng))
            if i < len(arch) - 2:
                layers.append(mfs.ReLU())
        return mfs.Sequential(*layers), mfs.Adam(lr=LR), rng

    def epoch(self, key, X, y):
        model, optimizer, rng = self.models[key]
        history = self.mfs.fit(model, X, y, loss=self.mfs.SoftmaxCrossEntropy(), optimizer=optimizer,
                               num_epochs=1, batch_size=BATCH, rng=rng)
        return float(history["loss"].iloc[-1])

    def info(self):
        np = self.np
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return {"numpy": np.__version__, "blas": f"{blas.get('name')} {blas.get('version')}"}


class TorchWorker:
    def __init__(self, threads):
        import torch
        torch.set_num_threads(threads)
        torch.manual_seed(SEED)
        self.torch, self.models = torch, {}

    def build(self, arch):
        nn = self.torch.nn
        layers = []
        for i, (a, b) in enumerate(zip(arch[:-1], arch[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(arch) - 2:
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers)
        return model, self.torch.optim.Adam(model.parameters(), lr=LR), None

    def epoch(self, key, X, y):
        torch = self.torch
        model, optimizer, _ = self.models[key]
        if getattr(self, "_data_id", None) != id(X):  # convert once, not in the timed part
            self._data_id, self._X, self._y = id(X), torch.from_numpy(X), torch.from_numpy(y)
        Xt, yt = self._X, self._y
        order = torch.randperm(len(Xt))
        total = 0.0
        for start in range(0, len(Xt), BATCH):
            rows = order[start:start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(Xt[rows]), yt[rows])
            loss.backward()
            optimizer.step()
            total += loss.item()  # as fit does: the epoch's loss is reported
        return total / -(-len(Xt) // BATCH)

    def info(self):
        torch = self.torch
        return {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                "torch_blas": "MKL" if torch.backends.mkl.is_available() else "other",
                "torch_mkldnn": torch.backends.mkldnn.is_available()}


class SklearnWorker:
    def __init__(self, threads):
        import numpy as np
        import sklearn
        from sklearn.neural_network import MLPClassifier
        self.np, self.sklearn, self.MLP, self.models = np, sklearn, MLPClassifier, {}

    def build(self, arch):
        clf = self.MLP(hidden_layer_sizes=tuple(arch[1:-1]), activation="relu", solver="adam",
                       batch_size=BATCH, learning_rate_init=LR, shuffle=True, random_state=SEED)
        return clf, None, None

    def epoch(self, key, X, y):
        clf = self.models[key][0]
        clf.partial_fit(X, y, classes=self.np.arange(10))  # one pass over X in batches
        return float(clf.loss_)

    def info(self):
        clf = next(iter(self.models.values()))[0] if self.models else None
        dtype = str(clf.coefs_[0].dtype) if clf is not None and hasattr(clf, "coefs_") else None
        return {"sklearn": self.sklearn.__version__, "sklearn_dtype": dtype}


class MatmulWorker:
    """Only the epoch's matrix products, at the shapes the MLP uses, with NumPy."""

    def __init__(self, threads):
        import numpy as np
        self.np, self.models = np, {}

    def build(self, arch):
        np, rng = self.np, self.np.random.default_rng(SEED)
        f32 = np.float32
        W = [rng.standard_normal((a, b), dtype=f32) * f32(0.05) for a, b in zip(arch[:-1], arch[1:])]
        return W, None, None

    def _arrays(self, arch_W, n, X):
        np = self.np
        acts = [np.ascontiguousarray(X[:n])] + [np.empty((n, w.shape[1]), np.float32) for w in arch_W]
        grads = [np.ones((n, w.shape[1]), np.float32) * np.float32(1e-3) for w in arch_W]
        gin = [np.empty((n, w.shape[0]), np.float32) for w in arch_W]
        dW = [np.empty_like(w) for w in arch_W]
        return acts, grads, gin, dW

    def epoch(self, key, X, y):
        np = self.np
        W = self.models[key][0]
        batches = [BATCH] * (len(X) // BATCH) + ([len(X) % BATCH] if len(X) % BATCH else [])
        cache = {n: self._arrays(W, n, X) for n in set(batches)}
        for n in batches:
            acts, grads, gin, dW = cache[n]
            for i, w in enumerate(W):                       # forward: x W
                np.matmul(acts[i], w, out=acts[i + 1])
            for i in reversed(range(len(W))):               # backward: xᵀ g, then g Wᵀ
                np.matmul(acts[i].T, grads[i], out=dW[i])
                if i > 0:
                    np.matmul(grads[i], W[i].T, out=gin[i])
        return None

    def info(self):
        return {}


WORKERS = {"mlp_from_scratch": MfsWorker, "torch": TorchWorker, "sklearn": SklearnWorker,
           "matmul": MatmulWorker, "baseline": MfsWorker}


def worker_main(name: str, threads: int, rows: int) -> None:
    try:
        worker = WORKERS[name](threads)
    except ImportError as err:
        print(json.dumps({"unavailable": str(err)}), flush=True)
        return
    X, y = load_data(rows)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("info"):
            print(json.dumps(worker.info()), flush=True)
            continue
        key = "-".join(map(str, request["arch"]))
        if key not in worker.models:
            worker.models[key] = worker.build(request["arch"])
            warm = min(len(X), 2048)
            worker.epoch(key, X[:warm], y[:warm])  # first-call costs stay out of the timings
        cpu0, t0 = time.process_time(), time.perf_counter()
        loss = worker.epoch(key, X, y)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        print(json.dumps({"seconds": seconds, "cpu": cpu, "loss": loss}), flush=True)


# --------------------------------------------------------------------------- parent

def machine_busy_seconds() -> float | None:
    """CPU-seconds all processes have used since boot (Linux), to measure others' load."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def core_round_trip_tool(out: Path) -> Path | None:
    """Compile ``core_round_trip.c`` into ``out`` (once); None without a C compiler or a
    second CPU, and the benchmark then records no round trips."""
    exe = out / "core_round_trip"
    source = HERE / "core_round_trip.c"
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        return None
    if not exe.exists() or exe.stat().st_mtime < source.stat().st_mtime:
        cc = os.environ.get("CC", "cc")
        try:
            subprocess.run([*shlex.split(cc), "-O2", "-pthread", "-o", str(exe), str(source)], check=True,
                           capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as err:
            print(f"  no core round trips: could not compile {source.name} with {cc} ({err})")
            return None
    return exe


def core_round_trip_ns(tool: Path | None) -> float | None:
    """Median round trip of a cache line between the first two CPUs this process may use."""
    if tool is None:
        return None
    a, b = sorted(os.sched_getaffinity(0))[:2]
    try:
        done = subprocess.run([str(tool), str(a), str(b)], capture_output=True, text=True,
                              timeout=10, check=True)
        return float(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def wait_for_closest(tool: Path, limit_ns: float, timeout_s: float = 120.0) -> float | None:
    """Poll the core round trip until it is at most ``limit_ns`` or ``timeout_s`` has passed
    (the host moves the CPUs every few seconds); returns the last round trip."""
    deadline = time.monotonic() + timeout_s
    while True:
        trip = core_round_trip_ns(tool)
        if trip is None or trip <= limit_ns or time.monotonic() > deadline:
            return trip
        time.sleep(0.2)


def near_rounds(runs: list[dict], limit: float | None = None) -> tuple[float, list[dict]]:
    """The rounds (per architecture) in which every run, before and after, saw a core round
    trip within ``limit`` ns, by default twice the fastest one measured: the rounds that ran
    entirely with the two CPUs as close as this machine ever placed them. Returns the limit
    and their runs (NaN and no runs when no round trip was measured)."""
    trips = [r["core_round_trip_ns"] for r in runs if r.get("core_round_trip_ns") is not None]
    if not trips:
        return float("nan"), []
    limit = limit or 2 * min(trips)
    far = {(r["arch"], r["run"]) for r in runs
           if r.get("core_round_trip_ns") is None or r["core_round_trip_ns"] > limit}
    return limit, [r for r in runs if (r["arch"], r["run"]) not in far]


def matmul_flops(arch: list[int], rows: int) -> float:
    """Forward x W and backward xᵀ g for every layer, g Wᵀ for all but the first."""
    pairs = list(zip(arch[:-1], arch[1:]))
    per_row = sum(2 * a * b for a, b in pairs) * 2 + sum(2 * a * b for a, b in pairs[1:])
    return float(per_row * rows)


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def median(values):
    """statistics.median, but NaN for no values (no load figure off Linux)."""
    values = list(values)
    return statistics.median(values) if values else float("nan")


def summarize(runs: list[dict], arch: list[int], names: list[str]) -> dict:
    """Medians, the matmul bound's GFLOP/s, and the ratios of mlp_from_scratch to each peer.

    A shared (virtual) machine's speed drifts from minute to minute in ways no load figure
    shows, so a ratio compares runs of the same round, which ran back to back: ``mfs/torch``
    is the median over rounds of (this round's mlp_from_scratch time) / (this round's torch
    time), and drift slower than a round cancels out. ``best mfs/torch`` is the ratio of
    each contender's fastest run, the least disturbed one.
    """
    key = "-".join(map(str, arch))
    times = {n: {r["run"]: r["seconds_per_epoch"] for r in runs
                 if r["arch"] == key and r["contender"] == n} for n in names}
    load = median([r["other_load"] for r in runs if r["arch"] == key and r["other_load"] is not None])
    row = {"arch": key, **{f"{n}_s": median(t.values()) for n, t in times.items()},
           "median_other_load": load, "rounds": len(times[names[0]])}
    if "matmul" in times:
        row["matmul_gflops"] = matmul_flops(arch, 60_000) / row["matmul_s"] / 1e9
    mfs = times.get("mlp_from_scratch", {})
    for other in ("torch", "sklearn", "matmul", "baseline"):
        if mfs and other in times:
            row[f"mfs/{other}"] = median([mfs[r] / times[other][r] for r in mfs])
            row[f"best mfs/{other}"] = min(mfs.values()) / min(times[other].values())
    if "torch" in times and "matmul" in times:
        row["torch/matmul"] = median([times["torch"][r] / times["matmul"][r] for r in times["torch"]])
    return row


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker_main(args.worker, args.threads, args.rows)
        return
    archs = [[int(v) for v in a.split("-")] for a in args.archs.split(",")]
    names = args.contenders.split(",") + (["baseline"] if args.baseline else [])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "_quick" if args.quick else ""
    scale = 60_000 / args.rows  # report seconds per full 60,000-row epoch

    print(f"threads {args.threads}, rows per epoch {args.rows}"
          f"{' (times scaled to 60,000)' if scale != 1 else ''}, {args.repeats} runs each, "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    workers = {}
    for name in names:  # start them all at once: they load MNIST in parallel
        env = thread_env(args.threads)
        if name == "baseline":  # import the other copy of the package first
            import mlp_from_scratch.mnist as mnist
            env["PYTHONPATH"] = os.pathsep.join([str(Path(args.baseline).resolve()),
                                                 env.get("PYTHONPATH", "")])
            env.setdefault(mnist.DATA_ENV, str(mnist.default_data_dir()))
        workers[name] = subprocess.Popen(
            [sys.executable, __file__, "--worker", name, "--threads", str(args.threads),
             "--rows", str(args.rows)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=HERE)
    for name in list(workers):
        reply = json.loads(workers[name].stdout.readline() or '{"unavailable": "worker died"}')
        if "unavailable" in reply:
            print(f"  {name}: not available ({reply['unavailable']}), skipped")
            workers.pop(name).wait()
    names = [n for n in names if n in workers]

    def ask(name, request):
        workers[name].stdin.write(json.dumps(request) + "\n")
        workers[name].stdin.flush()
        return json.loads(workers[name].stdout.readline())

    tool = core_round_trip_tool(out)
    if args.closest and tool is None:
        sys.exit("--closest needs the core round trip, which this machine cannot measure")

    def timed_run(name, arch, rep):
        """One epoch of ``name`` on ``arch``, with the load and round trips around it."""
        trip0 = (wait_for_closest(tool, args.closest) if args.closest else core_round_trip_ns(tool))
        busy0, t0 = machine_busy_seconds(), time.perf_counter()
        reply = ask(name, {"arch": arch})
        wall = time.perf_counter() - t0
        busy1 = machine_busy_seconds()
        trips = [trip0, core_round_trip_ns(tool)]
        other = None if busy0 is None else max(0.0, (busy1 - busy0 - reply["cpu"]) / wall)
        return {"arch": "-".join(map(str, arch)), "contender": name, "run": rep + 1,
                "seconds_per_epoch": reply["seconds"] * scale,
                "cpu_seconds_per_epoch": reply["cpu"] * scale,
                "other_load": other, "core_round_trip_ns": None if None in trips else max(trips),
                "loss": reply["loss"]}

    load_start = os.getloadavg()
    runs, repeated = [], 0
    tries = 3 if args.closest else 1  # --closest runs again, at most twice, a run off the placement
    for rep in range(args.repeats):
        for arch in archs:
            order = names[rep % len(names):] + names[:rep % len(names)]  # rotate who goes first
            for name in order:
                for attempt in range(1, tries + 1):
                    run = timed_run(name, arch, rep)
                    trip, other = run["core_round_trip_ns"], run["other_load"]
                    print(f"  run {rep + 1} {run['arch']:>16} {name:>16}: "
                          f"{run['seconds_per_epoch']:7.2f} s/epoch  other load "
                          f"{'?' if other is None else f'{other:.2f}'}  core round trip "
                          f"{'?' if trip is None else f'{trip:.0f} ns'}", flush=True)
                    if not args.closest or trip is None or trip <= args.closest or attempt == tries:
                        break
                    print("    (the CPUs moved apart during the run: run it again)")
                    repeated += 1
                runs.append(run)  # the last try; off the placement, near_rounds leaves it out
    info = {"threads": args.threads, "rows": args.rows, "repeats": args.repeats,
            "quick": args.quick, "closest_ns": args.closest, "runs_repeated": repeated,
            "cpu": cpu_model(), "cores": os.cpu_count(),
            "python": platform.python_version(), "load_average_start": load_start,
            "load_average_end": os.getloadavg(),
            "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    for name in names:
        info.update(ask(name, {"info": True}))
        workers[name].stdin.close()
        workers[name].wait()

    import csv
    summary = [summarize(runs, arch, names) for arch in archs]
    limit, near = near_rounds(runs, args.closest)
    near_summary = ([summarize(near, arch, names) for arch in archs]
                    if near and len(near) < len(runs) else [])

    header = (["arch"] + [f"{n}_s" for n in names]
              + [k for k in summary[0] if "/" in k or k.endswith("gflops")]
              + ["median_other_load", "rounds"])
    print(f"\nseconds per epoch (median over rounds; ratios: median of the per-round "
          f"ratios), {args.threads} threads, "
          f"{info.get('blas', '?')}; load average {load_start[0]:.2f} -> {info['load_average_end'][0]:.2f}")
    print_table(summary, header)
    if near_summary:
        print(f"\nthe same, from only the rounds whose CPUs were placed closest (core round "
              f"trip at most {limit:.0f} ns before and after every run)")
        print_table(near_summary, header)

    with open(out / f"benchmark{suffix}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["rounds_used"] + header)
        w.writeheader()
        for used, rows in (("all", summary), ("closest placement", near_summary)):
            w.writerows({"rounds_used": used,
                         **{h: (f"{r[h]:.4f}" if isinstance(r.get(h), float) else r.get(h))
                            for h in header}} for r in rows)
    with open(out / f"benchmark{suffix}_runs.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(runs[0]))
        w.writeheader()
        w.writerows(runs)
    (out / f"benchmark{suffix}.json").write_text(json.dumps(info, indent=2) + "\n")
    plot(summary, names, args, info, out / f"benchmark{suffix}.png")
    print(f"\nwrote {out.name}/benchmark{suffix}.csv, benchmark{suffix}_runs.csv, "
          f"benchmark{suffix}.json, benchmark{suffix}.png")


def print_table(summary: list[dict], header: list[str]) -> None:
    print("  ".join(f"{h:>16}" for h in header))
    for row in summary:
        print("  ".join(f"{row[h]:>16}" if h in ("arch", "rounds") else
                        f"{row.get(h, float('nan')):>16.3f}" for h in header))


def plot(summary, names, args, info, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    labels = {"mlp_from_scratch": "mlp_from_scratch", "torch": "PyTorch CPU",
              "sklearn": "scikit-learn", "matmul": "matmul bound (NumPy)",
              "baseline": "mlp_from_scratch (baseline)"}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(summary))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        values = [row[f"{name}_s"] for row in summary]
        bars = ax.bar(x + (i - (len(names) - 1) / 2) * width, values, width, label=labels[name],
                      hatch="//" if name == "matmul" else None,
                      color="none" if name == "matmul" else None,
                      edgecolor="gray" if name == "matmul" else None)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x, [row["arch"] for row in summary])
    ax.set_ylabel("seconds per epoch (60,000 images)")
    ax.set_title(f"MNIST MLP, float32, batch {BATCH}, Adam; {args.threads} threads; "
                 f"median of {args.repeats}{' (quick)' if args.quick else ''}\n"
                 f"{info['cpu']}; cores kept busy by other processes (median): "
                 f"{median([row['median_other_load'] for row in summary]):.2f}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
