"""Make the student version of solution notebooks.

    python tools/make_student_version.py OUT_DIR [notebooks/05_optimizers.ipynb ...]

In each code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers) become ``raise NotImplementedError("Exercise: ...")``, keeping the
indentation; every output is cleared so students run the notebook themselves. The
solution notebooks in notebooks/ are not changed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")


def strip_solutions(source: str) -> str:
    """Replace every solution block in one cell's source with a placeholder."""
    out, inside = [], False
    for line in source.splitlines():
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise ValueError("### BEGIN SOLUTION inside another solution block")
            inside = True
            out.append(f'{begin.group(1)}# YOUR CODE HERE')
            out.append(f'{begin.group(1)}raise NotImplementedError("Exercise: write your solution here")')
        elif END.match(line):
            if not inside:
                raise ValueError("### END SOLUTION without ### BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("### BEGIN SOLUTION without ### END SOLUTION")
    return "\n".join(out)


def student_version(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs, cell.execution_count = [], None
    return nb


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in sys.argv[2:]] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    for path in paths:
        nbformat.write(student_version(path), out_dir / path.name)
        print(f"{out_dir / path.name}")
