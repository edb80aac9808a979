"""Run notebooks under numeric set-ups other than nbval's own, as other machines would.

    python tools/numeric_setups.py                    # the plan: every notebook, its two set-ups
    python tools/numeric_setups.py notebooks/05_*.ipynb --setup Nehalem-1-numpy
    python tools/numeric_setups.py --list             # the plan on this CPU

A student's laptop is not the machine the stored outputs were made on: another CPU makes
OpenBLAS pick other kernels, another core count splits a matrix product differently, and
without Numba the package runs the NumPy versions of its loops. Each changes the last bits
of float32 sums, which a long training run can grow into another seed diverging. This tool
forces each variation on one machine:

* ``OPENBLAS_CORETYPE``: the kernel family OpenBLAS uses (every one this CPU can run);
* the BLAS thread count (1, 2 or 4, set through threadpoolctl, which unlike the environment
  variable may exceed the core count);
* ``MLP_FROM_SCRATCH_NO_NUMBA=1``: the NumPy path.

Each notebook runs twice, through nbval (``pytest``):

* **compare**: another kernel family at nbval's own 2 threads with Numba: the stored
  outputs must come out the same, as on a maintainer's machine of another CPU model;
* **run**: another kernel family, 1 or 4 threads and the NumPy path, as on a student's
  laptop: no cell may raise (``--nbval-lax``; every claim is an assert).

An IPython start-up file applies the thread count in the kernel and records what OpenBLAS
really runs (threadpoolctl), and the run fails if that is not what was asked for. Nothing
is saved: the stored outputs stay those of ``make notebooks``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Run by the kernel at start-up (IPython's profile start-up folder): set the BLAS thread
# count and write what OpenBLAS and the package really use to $NUMERIC_SETUP_REPORT.
_STARTUP = """\
import json as _json, os as _os, threadpoolctl as _tpc
import numpy as _np   # loads OpenBLAS, so that threadpoolctl finds it
_tpc.threadpool_limits(int(_os.environ["NUMERIC_SETUP_THREADS"]))
import mlp_from_scratch.kernels as _kernels
with open(_os.environ["NUMERIC_SETUP_REPORT"], "w") as _f:
    _json.dump({"blas": [[i["architecture"], i["num_threads"]] for i in _tpc.threadpool_info()
                         if i["internal_api"] == "openblas"],
                "backend": _kernels.BACKEND}, _f)
del _json, _os, _np, _tpc, _kernels, _f
"""


@dataclass(frozen=True)
class Setup:
    coretype: str | None   # OPENBLAS_CORETYPE; None: the family OpenBLAS picks for this CPU
    threads: int
    numba: bool
    compare: bool          # compare the stored outputs (else: only no cell may raise)

    @property
    def name(self) -> str:
        return (f"{self.coretype or 'own'}-{self.threads}-{'numba' if self.numba else 'numpy'}"
                + ("-compare" if self.compare else ""))

    def env(self, report: Path, ipython_dir: Path) -> dict[str, str]:
        """The environment of the nbval run (its kernel inherits it)."""
        env = {**os.environ, "IPYTHONDIR": str(ipython_dir),
               "NUMERIC_SETUP_THREADS": str(self.threads), "NUMERIC_SETUP_REPORT": str(report),
               # the variable OpenBLAS reads at load time (it caps it at the core count)
               "OPENBLAS_NUM_THREADS": str(min(self.threads, os.cpu_count() or 1)),
               "OMP_NUM_THREADS": str(self.threads), "MKL_NUM_THREADS": str(self.threads)}
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("MLP_FROM_SCRATCH_NO_NUMBA", None)
        if self.coretype:
            env["OPENBLAS_CORETYPE"] = self.coretype
        if not self.numba:
            env["MLP_FROM_SCRATCH_NO_NUMBA"] = "1"
        return env

    def expected(self, own: str | None) -> dict:
        """What the start-up file must report under this set-up."""
        # threadpoolctl reports Prescott (the oldest x86-64 kernels) as Katmai.
        family = {"Prescott": "Katmai"}.get(self.coretype, self.coretype) or own
        return {"architecture": family, "threads": self.threads,
                "backend": "numba" if self.numba else "numpy"}


# OpenBLAS kernel families for x86-64, newest first, with the CPU flag each needs: a
# family the CPU lacks (SkylakeX without AVX-512) kills the process.
_FAMILIES = [("SkylakeX", "avx512f"), ("Haswell", "avx2"), ("Sandybridge", "avx"),
             ("Nehalem", "sse4_2"), ("Prescott", "pni")]   # Linux calls SSE3 "pni"


def kernel_families() -> list[str]:
    """The OpenBLAS kernel families this CPU can run, newest first; [] off x86-64 Linux
    (other processors name their families otherwise: there only threads and the NumPy
    path vary)."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return []
    return [name for name, flag in _FAMILIES if flag in flags]


def own_family() -> str | None:
    """The kernel family OpenBLAS picks for this CPU by itself."""
    import threadpoolctl
    import numpy  # noqa: F401  (loads OpenBLAS)
    return next((i["architecture"] for i in threadpoolctl.threadpool_info()
                 if i["internal_api"] == "openblas"), None)


def plan(families: list[str] | None = None, own: str | None = None) -> dict[str, list[Setup]]:
    """Each notebook's two set-ups. The compare runs rotate over the families other than
    the CPU's own (which nbval's plain run covers); the plain runs over all of them, all on
    the NumPy path, at 4 threads for the first notebooks (one per family) and 1 thread for
    the rest. So every notebook meets another kernel family, another thread count and the
    NumPy path, and every family meets both thread counts.

    Why the lighter notebooks take the 4 threads: on a 2-core machine 4 BLAS threads are
    more than the cores, and OpenBLAS's waiting threads spin: notebook 07's thousands of
    small products ran for more than 10 minutes of CPU that way (20 s at 2 threads)."""
    families = kernel_families() if families is None else families
    own = own_family() if own is None and families else own
    others = [f for f in families if {"Prescott": "Katmai"}.get(f, f) != own] or [None]
    runs = families or [None]
    return {path.name: [Setup(others[k % len(others)], 2, numba=True, compare=True),
                        Setup(runs[k % len(runs)], 4 if k < len(runs) else 1,
                              numba=False, compare=False)]
            for k, path in enumerate(NOTEBOOKS)}


def run(notebook: Path, setup: Setup, own: str | None) -> subprocess.CompletedProcess:
    """nbval over ``notebook`` under ``setup``; the completed process, its output holding
    nbval's report and, if the set-up was not what was asked for, a line saying so."""
    with tempfile.TemporaryDirectory() as tmp:
        ipython_dir, report = Path(tmp, "ipython"), Path(tmp, "report.json")
        startup = ipython_dir / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-numeric-setup.py").write_text(_STARTUP)
        args = [sys.executable, "-m", "pytest", str(notebook), "-q", "-p", "no:cacheprovider",
                "--durations=0", "--durations-min=1000"]   # no slowest-tests table here
        if not setup.compare:
            args.append("--nbval-lax")
        done = subprocess.run(args, cwd=ROOT, env=setup.env(report, ipython_dir),
                              capture_output=True, text=True)
        got = json.loads(report.read_text()) if report.exists() else {}
    expected = setup.expected(own)
    seen = {"architecture": None, "threads": None, "backend": got.get("backend")}
    if got.get("blas"):
        (seen["architecture"], seen["threads"]), *_ = got["blas"]
    if seen != expected:
        done.returncode = done.returncode or 1
        done.stdout += f"\nthe kernel ran {seen}, not the set-up asked for, {expected}\n"
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--setup", action="append", default=[],
                        help="CORETYPE-THREADS-numba|numpy[-compare] (default: the plan)")
    parser.add_argument("--list", action="store_true", help="print the plan and exit")
    args = parser.parse_args(argv)
    own, the_plan = own_family(), plan()
    if args.list:
        print("OpenBLAS's own kernel family here:", own)
        for name, setups in the_plan.items():
            print(f"  {name}:", *(s.name for s in setups))
        return 0
    paths = [p.resolve() for p in args.notebooks] or NOTEBOOKS
    failures = 0
    for path in paths:
        setups = [_parse(s) for s in args.setup] or the_plan[path.name]
        for setup in setups:
            done = run(path, setup, own)
            last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(f"{path.name} under {setup.name}: {last}", flush=True)
            if done.returncode:
                failures += 1
                print(done.stdout[-8000:], done.stderr[-2000:], sep="\n", flush=True)
    return 1 if failures else 0


def _parse(name: str) -> Setup:
    coretype, threads, path, *compare = name.split("-")
    return Setup(None if coretype == "own" else coretype, int(threads), path == "numba",
                 compare == ["compare"])


if __name__ == "__main__":
    sys.exit(main())
