"""The notebooks' nbgrader cells: find the graded tasks, check their metadata, lock the rest.

The contract (INSTRUCTORS.md, "Adding a task"): a task is a *solution cell* with metadata
``{"nbgrader": {"solution": true, "grade": false, "locked": false, "grade_id": "nbNN_<task>",
...}}`` followed by one or more *test cells* ``<grade_id>_check``, ``<grade_id>_check2``, ...
with ``"grade": true, "locked": true, "points": N``. Every other non-empty code cell is made
read-only by :func:`normalise` (``nbNN_locked_<k>``), so that nbgrader restores it at
autograding if a student edits it, and a student's release cannot break later cells.

Used by ``tools/run_notebooks.py`` (normalise before executing), ``tools/task_table.py``,
``tests/test_project.py`` and the grading tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
CHECK_ID = re.compile(r"^(?P<task>nb\d\d_\w+?)_check\d*$")


def prefix_of(path: str | Path) -> str:
    """``notebooks/04_backpropagation.ipynb`` -> ``nb04``."""
    match = re.match(r"(\d\d)_", Path(path).name)
    if not match:
        raise ValueError(f"notebook name {Path(path).name!r} does not start with two digits "
                         "and an underscore, such as 04_backpropagation.ipynb")
    return f"nb{match.group(1)}"


def solution_metadata(grade_id: str) -> dict:
    return {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
            "solution": True, "task": False}


def check_metadata(grade_id: str, points: float) -> dict:
    return {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
            "schema_version": 3, "solution": False, "task": False}


def locked_metadata(grade_id: str) -> dict:
    return {"grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False, "task": False}


def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution(cell) -> bool:
    return cell["cell_type"] == "code" and bool(_meta(cell).get("solution")) \
        and not _meta(cell).get("grade")


def is_test(cell) -> bool:
    return cell["cell_type"] == "code" and bool(_meta(cell).get("grade")) \
        and not _meta(cell).get("solution")


@dataclass
class Task:
    """One graded task: its solution cell and the test cells that grade it."""
    grade_id: str
    solution_index: int                                  # index in nb["cells"]
    test_indices: list[int] = field(default_factory=list)
    points: float = 0.0


def tasks(nb) -> list[Task]:
    """The notebook's tasks in order, each with its test cells (found by grade_id)."""
    found = {}
    for i, cell in enumerate(nb["cells"]):
        if is_solution(cell):
            grade_id = _meta(cell).get("grade_id", "")
            found[grade_id] = Task(grade_id, i)
    for i, cell in enumerate(nb["cells"]):
        if is_test(cell):
            match = CHECK_ID.match(_meta(cell).get("grade_id", ""))
            if match and match.group("task") in found:
                task = found[match.group("task")]
                task.test_indices.append(i)
                task.points += float(_meta(cell).get("points", 0))
    return list(found.values())


def problems(nb, name: str) -> list[str]:
    """What breaks the contract, each naming the notebook and the cell (index from 0).

    Empty when the notebook's graded cells are right; the locked cells are not looked at
    here (see :func:`is_normalised`).
    """
    prefix = prefix_of(name)
    out = []
    ids: dict[str, int] = {}
    solution_ids = set()
    for i, cell in enumerate(nb["cells"]):
        where = f"{name}, cell {i}"
        source, meta = _source(cell), _meta(cell)
        if cell["cell_type"] != "code":
            if SOLUTION_BEGIN in source or HIDDEN_BEGIN in source:
                out.append(f"{where}: a {cell['cell_type']} cell holds nbgrader markers; "
                           "only code cells are graded here")
            continue
        grade_id = meta.get("grade_id")
        if grade_id is not None:
            if grade_id in ids:
                out.append(f"{where}: grade_id {grade_id!r} is used by cell {ids[grade_id]} too")
            ids[grade_id] = i
        if SOLUTION_BEGIN in source or SOLUTION_END in source:
            if not is_solution(cell):
                out.append(f"{where}: holds '{SOLUTION_BEGIN}' but is not a solution cell; give "
                           f"it metadata {{'nbgrader': {solution_metadata(prefix + '_<task>')}}}")
            elif source.count(SOLUTION_BEGIN) != source.count(SOLUTION_END):
                out.append(f"{where}: '{SOLUTION_BEGIN}' and '{SOLUTION_END}' do not pair up")
        if is_solution(cell):
            if meta != solution_metadata(grade_id or ""):
                out.append(f"{where}: solution metadata should be exactly "
                           f"{solution_metadata(grade_id or prefix + '_<task>')}, got {meta}")
            if not (grade_id or "").startswith(prefix + "_") or CHECK_ID.match(grade_id or ""):
                out.append(f"{where}: solution grade_id {grade_id!r} should be "
                           f"'{prefix}_<task>' (and not end in _check)")
            if SOLUTION_BEGIN not in source:
                out.append(f"{where}: solution cell {grade_id!r} has no '{SOLUTION_BEGIN}' block")
            solution_ids.add(grade_id)
        if HIDDEN_BEGIN in source or HIDDEN_END in source:
            opened = 0
            for line in source.splitlines():
                if line.strip() == HIDDEN_BEGIN:
                    opened += 1
                elif line.strip() == HIDDEN_END:
                    opened -= 1
                if opened not in (0, 1):
                    break
            if opened != 0 or source.count(HIDDEN_BEGIN) != source.count(HIDDEN_END):
                out.append(f"{where}: '{HIDDEN_BEGIN}' / '{HIDDEN_END}' are not balanced")
            if not is_test(cell):
                out.append(f"{where}: holds hidden tests but is not a test cell (grade: true)")
        looks_like_check = bool(CHECK_ID.match(grade_id or ""))
        if looks_like_check or is_test(cell):
            points = meta.get("points")
            if not is_test(cell) or meta != check_metadata(grade_id, points):
                out.append(f"{where}: test cell {grade_id!r} should have metadata exactly "
                           f"{check_metadata(grade_id or prefix + '_<task>_check', 1)} "
                           f"(with its points), got {meta}")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                out.append(f"{where}: test cell {grade_id!r} needs points > 0, got {points!r}")
            match = CHECK_ID.match(grade_id or "")
            if not match:
                out.append(f"{where}: test cell grade_id {grade_id!r} should be "
                           "'<solution grade_id>_check' (or _check2, ...)")
    for task in tasks(nb):
        following = [j for j in range(task.solution_index + 1, len(nb["cells"]))
                     if nb["cells"][j]["cell_type"] == "code"][:1]
        if not following or following[0] not in task.test_indices:
            out.append(f"{name}, cell {task.solution_index}: solution cell {task.grade_id!r} is "
                       f"not followed by a test cell {task.grade_id + '_check'!r} with points")
    for grade_id, i in ids.items():
        match = CHECK_ID.match(grade_id)
        if match and match.group("task") not in solution_ids:
            out.append(f"{name}, cell {i}: test cell {grade_id!r} belongs to no solution cell "
                       f"{match.group('task')!r}")
    return out


def normalise(nb, name: str) -> bool:
    """Lock every non-empty code cell that is neither a solution nor a test cell, numbering
    them ``nbNN_locked_<k>`` in order; strip nbgrader metadata from empty code cells.

    Raises ValueError listing :func:`problems` first. Returns whether anything changed.
    Idempotent: a second call changes nothing.
    """
    found = problems(nb, name)
    if found:
        raise ValueError("nbgrader metadata is wrong:\n  " + "\n  ".join(found))
    prefix = prefix_of(name)
    changed = False
    k = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or is_solution(cell) or is_test(cell):
            continue
        metadata = cell.setdefault("metadata", {})
        if not _source(cell).strip():
            if "nbgrader" in metadata:
                del metadata["nbgrader"]
                changed = True
            continue
        k += 1
        wanted = locked_metadata(f"{prefix}_locked_{k}")
        if metadata.get("nbgrader") != wanted:
            metadata["nbgrader"] = wanted
            changed = True
    return changed


def is_normalised(nb, name: str) -> bool:
    """Whether :func:`normalise` would leave the notebook as it is (False if it has problems)."""
    import copy

    try:
        return not normalise(copy.deepcopy(nb), name)
    except ValueError:
        return False
