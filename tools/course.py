"""Build the nbgrader course from the notebooks and generate the student release.

    python tools/course.py                     # every notebook -> course/release/ (make assignments)
    python tools/course.py notebooks/04_*.ipynb
    python tools/course.py --root /tmp/course  # another course folder

Each notebook becomes its own assignment, named after it (``04_backpropagation``), so a
course can release them one at a time, each with its own deadline and grade: it is copied
to ``<root>/source/<name>/<name>.ipynb`` and ``nbgrader generate_assignment`` writes
``<root>/release/<name>/<name>.ipynb`` (solutions replaced by ``raise NotImplementedError()``,
hidden tests removed, outputs cleared) for every assignment in ``<root>/source/``.
nbgrader reads ``nbgrader_config.py`` at the repository root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = ROOT / "course"


def nbgrader_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with ``env`` added, for an nbgrader process: nbgrader calls
    ``alembic`` through PATH, so this Python's ``bin/`` goes first on PATH."""
    bin_dir = Path(sys.executable).parent
    return dict(os.environ, **(env or {}), PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def nbgrader(*args: str, root: Path, check: bool = True,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader *args`` on the course in ``root`` with the repository's config, and
    ``env`` added to the environment (``MLPFS_JUDGE_ONLY``, which nbgrader_config.py reads)."""
    command = [str(Path(sys.executable).parent / "nbgrader"), *args, f"--CourseDirectory.root={root}"]
    result = subprocess.run(command, cwd=ROOT, env=nbgrader_env(env), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout[-5000:]}\n{result.stderr[-10000:]}")
    return result


def copy_sources(root: Path, notebooks: list[Path]) -> list[str]:
    """Copy each notebook to ``root/source/<name>/<name>.ipynb``; the assignment names."""
    names = []
    for notebook in notebooks:
        folder = root / "source" / notebook.stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / notebook.name)
        names.append(notebook.stem)
    return names


def generate(root: Path, notebooks: list[Path]) -> list[str]:
    """Copy the notebooks into the course and generate their release; the assignment names."""
    names = copy_sources(root, notebooks)
    # One nbgrader run for all of them ("*" is a glob over source/): each run costs seconds
    # of start-up.
    nbgrader("generate_assignment", "*", "--force", root=root)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="the course folder (default: course/ in the repository)")
    args = parser.parse_args(argv)
    notebooks = ([p.resolve() for p in args.notebooks]
                 or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    root = args.root.resolve()
    for name in generate(root, notebooks):
        print(f"{root / 'release' / name / (name + '.ipynb')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
