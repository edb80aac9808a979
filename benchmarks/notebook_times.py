"""How long each notebook takes to run top to bottom in a fresh kernel, and the series' total.

    python benchmarks/notebook_times.py                    # every notebook in notebooks/
    python benchmarks/notebook_times.py notebooks/09_mnist.ipynb
    MLP_FROM_SCRATCH_NO_NUMBA=1 python benchmarks/notebook_times.py   # without Numba

Runs each notebook as a student's "Run All" would (nbclient, this Python's kernel, the
notebook's folder as working directory), nothing saved; the time includes starting the
kernel. Writes ``benchmarks/results/notebook_times[_numpy].csv``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path,
                    default=sorted((HERE.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args(argv)
    numpy_path = os.environ.get("MLP_FROM_SCRATCH_NO_NUMBA", "0") not in ("", "0")
    print(f"{len(args.notebooks)} notebooks, {'NumPy path' if numpy_path else 'default kernels'}, "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    rows = []
    for path in args.notebooks:
        load, start, error = os.getloadavg()[0], time.perf_counter(), ""
        try:
            NotebookClient(nbformat.read(path, as_version=4), timeout=1800, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        except Exception as err:  # time the others anyway; the table says which one failed
            error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
        rows.append({"notebook": path.name, "seconds": round(time.perf_counter() - start, 1), "error": error,
                     "load_average_before": round(load, 2), "load_average_after": round(os.getloadavg()[0], 2)})
        print(f"  {path.name:<32} {rows[-1]['seconds']:6.1f} s   load average {load:.2f} -> "
              f"{rows[-1]['load_average_after']:.2f}  {error}", flush=True)
    table = pd.DataFrame(rows + [{"notebook": "total", "seconds": round(sum(r["seconds"] for r in rows), 1)}])
    print(f"  {'total':<32} {table['seconds'].iloc[-1]:6.1f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"notebook_times{'_numpy' if numpy_path else ''}.csv"
    table.to_csv(path, index=False)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
