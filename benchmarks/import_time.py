"""How long ``import mlp_from_scratch`` takes, and which heavy libraries it imports.

    python benchmarks/import_time.py                      # 9 rounds
    python benchmarks/import_time.py --rounds 21
    python benchmarks/import_time.py --root /tmp/old      # the package of another checkout

Each round starts four fresh processes of this Python in turn, ``python -c pass``,
``python -c "import numpy"``, ``python -c "import mlp_from_scratch"`` and the import followed
by a look at ``kernels.BACKEND`` (which imports Numba, as a process's first large training
step does), and times each from start to exit, in wall time and in CPU time (which leaves out the waits for
a core on a busy machine); an import's time is the median over rounds of its difference
from ``pass`` (so the interpreter's own start-up, and a change of the machine's speed slower
than a round, cancel out). NumPy's own import is the floor: the package cannot import
faster.
A first, untimed round warms the disk cache. Then one more process reports which of the
heavy libraries the import loaded (``sys.modules``) and, from ``python -X importtime``, how
long each took (cumulative, with what it imported in turn; ``-X importtime`` itself slows
imports down, so these add up to more than the timed figure).

The processes run in ``--root`` (default: this repository), so they import the package
found there before an installed one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["numpy", "pandas", "matplotlib", "matplotlib.pyplot", "numba"]
IMPORT = "import mlp_from_scratch"
FIRST_KERNEL = IMPORT + "; mlp_from_scratch.kernels.BACKEND"


def seconds(code: str, root: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of a fresh ``python -c code`` in ``root``,
    from start to exit. On a busy machine the wall time includes the waits for a core; the
    CPU time does not."""
    cpu, start = os.times(), time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
    wall, after = time.perf_counter() - start, os.times()
    return wall, (after.children_user + after.children_system
                  - cpu.children_user - cpu.children_system)


def loaded(root: Path) -> dict[str, bool]:
    """Which of HEAVY are in ``sys.modules`` after the import, in a fresh process."""
    code = f"import sys; {IMPORT}; print(*[m in sys.modules for m in {HEAVY!r}])"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, check=True,
                         capture_output=True, text=True).stdout.split()
    return dict(zip(HEAVY, (flag == "True" for flag in out)))


def importtime(root: Path) -> dict[str, float]:
    """Cumulative seconds per module from ``python -X importtime`` (the module's own line,
    at its first import)."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", IMPORT], cwd=root,
                         check=True, capture_output=True, text=True).stderr
    cumulative = {}
    for line in err.splitlines():   # "import time:   self [us] | cumulative | name"
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            cumulative.setdefault(parts[2].strip(), int(parts[1]) / 1e6)
    return cumulative


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the folder holding the mlp_from_scratch to import")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    print(f"{sys.executable}, Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; the package in {root}")
    codes = ["pass", "import numpy", IMPORT, FIRST_KERNEL]
    for code in codes:   # warm the disk cache
        seconds(code, root)
    times = {code: [] for code in codes}
    for _ in range(args.rounds):
        for code in codes:
            times[code].append(seconds(code, root))
    bare = times["pass"]
    print(f"python -c pass: {statistics.median(t[0] for t in bare):.3f} s (median of "
          f"{args.rounds} rounds); beyond it, medians of the per-round differences:")
    for code in codes[1:]:
        for i, what in enumerate(["wall", "CPU"]):
            diffs = [t[i] - b[i] for t, b in zip(times[code], bare)]
            print(f"  {code:<58} {what:<4} {statistics.median(diffs):.3f} s   (range "
                  f"{min(diffs):.3f}-{max(diffs):.3f} s)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    cumulative = importtime(root)
    print("imported by it (cumulative seconds under -X importtime):")
    for name, present in loaded(root).items():
        figure = f"{cumulative[name]:.3f} s" if present and name in cumulative else ""
        print(f"  {name:<18} {'yes' if present else 'no ':<4} {figure}")


if __name__ == "__main__":
    main()
