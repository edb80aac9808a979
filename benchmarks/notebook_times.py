"""How long each notebook takes to run top to bottom in a fresh kernel, and the series' total.

    python benchmarks/notebook_times.py                    # every notebook in notebooks/
    python benchmarks/notebook_times.py notebooks/09_mnist.ipynb
    MLP_FROM_SCRATCH_NO_NUMBA=1 python benchmarks/notebook_times.py   # without Numba

Runs each notebook as a student's "Run All" would (nbclient, the kernel of this Python, the
notebook's folder as working directory), nothing saved; the time includes starting the
kernel. Prints a table with the machine's load average before and after each notebook, and
writes ``benchmarks/results/notebook_times.csv``.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path,
                    default=sorted((HERE.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args(argv)
    backend = "numpy" if os.environ.get("MLP_FROM_SCRATCH_NO_NUMBA", "0") not in ("", "0") else "default"
    print(f"{len(args.notebooks)} notebooks, kernels {backend}, load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    rows = []
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        load, start = os.getloadavg()[0], time.perf_counter()
        try:
            NotebookClient(nb, timeout=1800, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            error = ""
        except Exception as err:  # time the others anyway; the table says which one failed
            error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
        rows.append({"notebook": path.name, "seconds": round(time.perf_counter() - start, 1),
                     "error": error,
                     "load_average_before": round(load, 2),
                     "load_average_after": round(os.getloadavg()[0], 2), "kernels": backend})
        print(f"  {path.name:<32} {rows[-1]['seconds']:6.1f} s   load average "
              f"{load:.2f} -> {rows[-1]['load_average_after']:.2f}  {error}", flush=True)
    total = round(sum(r["seconds"] for r in rows), 1)
    print(f"  {'total':<32} {total:6.1f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "_numpy" if backend == "numpy" else ""
    with open(args.out / f"notebook_times{suffix}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + [{"notebook": "total", "seconds": total, "kernels": backend}])
    print(f"wrote {args.out}/notebook_times{suffix}.csv")


if __name__ == "__main__":
    sys.exit(main())
