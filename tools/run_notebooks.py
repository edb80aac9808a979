"""Re-execute notebooks in place from a fresh kernel and store clean outputs.

    python tools/run_notebooks.py                       # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/01_*.ipynb  # some of them
    python tools/run_notebooks.py --metadata-only       # only lock cells, do not execute
    python tools/run_notebooks.py --check               # exit 1 if a notebook needs this tool

Before executing, the nbgrader metadata is normalised (tools/nbgrader_cells.py): solution
and test cells must already carry theirs (the tool stops with the notebook and cell
otherwise), and every other non-empty code cell is locked as ``nbNN_locked_<k>``, so that
nbgrader restores it if a student edits it.

Each notebook runs in its own folder (as nbval runs it), then nbstripout removes what
changes on every run (widget state with random ids, timing metadata) but keeps the
outputs and execution counts that nbval compares.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbgrader_cells  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def normalise(path: Path) -> nbformat.NotebookNode:
    """The notebook with its nbgrader metadata normalised; SystemExit naming the notebook
    and cells if its solution or test cells are wrong."""
    nb = nbformat.read(path, as_version=4)
    try:
        nbgrader_cells.normalise(nb, path.name)
    except ValueError as error:
        raise SystemExit(f"{_shown(path)}: {error}") from None
    return nb


def run(path: Path) -> None:
    from nbclient import NotebookClient

    nb = normalise(path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    subprocess.run([sys.executable, "-m", "nbstripout", "--keep-output", "--keep-count", str(path)],
                   check=True)
    print(f"{_shown(path)}: {time.perf_counter() - start:.1f} s")


def check(paths: list[Path]) -> int:
    """Print what is wrong with each notebook's nbgrader metadata; the number of notebooks
    that need ``tools/run_notebooks.py``."""
    bad = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        problems = nbgrader_cells.problems(nb, path.name)
        if problems or not nbgrader_cells.is_normalised(nb, path.name):
            bad += 1
            print(f"{_shown(path)}: nbgrader metadata not normalised; "
                  "run tools/run_notebooks.py", *problems, sep="\n  ")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="only report notebooks whose nbgrader metadata is not normalised")
    mode.add_argument("--metadata-only", action="store_true",
                      help="normalise the nbgrader metadata without executing")
    args = parser.parse_args(argv)
    paths = ([p.resolve() for p in args.notebooks]
             or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    if args.check:
        return 1 if check(paths) else 0
    for path in paths:
        if args.metadata_only:
            nbformat.write(normalise(path), path)
        else:
            run(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
