"""The real nbgrader flow, end to end, on a temporary course built from the notebooks.

One assignment per notebook (as a course releases them, one a week, each with its own
grade), all generated in one ``nbgrader generate_assignment "*"`` run and all graded in one
``nbgrader autograde "*"`` run, for three students:

- ``solutions``: the notebooks themselves, with the reference solutions: full marks;
- ``untouched``: the student release as handed out: zero marks, and every error is an
  unanswered task's ``NotImplementedError`` or a check's own AssertionError (never a
  NameError, never a timeout);
- ``one_wrong``: the release with every solution cell filled with the reference solution,
  except the notebook's last task, filled with its first wrong answer from
  ``tests/exercises/nbNN.py`` (the last task, because a chain task such as 04's assembled
  network builds on the earlier ones): it loses the points of that task's failing test
  cells and no other.

The three are then graded again with ``MLPFS_JUDGE_ONLY=1`` (``tools/grade.py --judge-only``):
by the judges alone, without running the notebooks, every test cell must get the same points.

Grades are read from nbgrader's gradebook. Notebooks without graded tasks are skipped with
the reason. The course uses the repository's ``nbgrader_config.py`` (timeouts) with another
root; MNIST is found through the installed package.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course as course_tool  # noqa: E402
import nbgrader_cells  # noqa: E402
from exercises import harness  # noqa: E402

# MLPFS_E2E_NOTEBOOKS="notebooks/04_backpropagation.ipynb ..." grades only those (quicker
# while writing a notebook's tasks).
NOTEBOOKS = ([Path(p).resolve() for p in os.environ["MLPFS_E2E_NOTEBOOKS"].split()]
             if os.environ.get("MLPFS_E2E_NOTEBOOKS")
             else sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))

# `make test` re-runs the unit tests on the NumPy versions of the compiled loops; this
# module does not depend on them, and running every notebook again would double its time.
pytestmark = pytest.mark.skipif(os.environ.get("MLP_FROM_SCRATCH_NO_NUMBA") == "1",
                                reason="already run once with Numba by `make test`")

STUDENTS = ("solutions", "untouched", "one_wrong")
NOT_ANSWERED = {"NotImplementedError"}
CHECK_FAILED = {"AssertionError", "CheckFailed"}


def _tasks(notebook: Path):
    return nbgrader_cells.tasks(json.loads(notebook.read_text()))


GRADED = [n for n in NOTEBOOKS if _tasks(n)]


def _skip_ungraded(notebook: Path) -> None:
    if notebook not in GRADED:
        pytest.skip(f"{notebook.name} has no graded tasks yet (no solution cell with nbgrader "
                    "metadata), so it is not part of the course")


def _answers(notebook: Path) -> dict:
    path = ROOT / "tests" / "exercises" / f"nb{notebook.name[:2]}.py"
    return harness.load_answers(path) if path.exists() else {}


@dataclass
class Graded:
    """One student's graded notebook: total, per test cell, and the errors in its outputs."""
    score: float
    max_score: float
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)   # grade_id: (score, max)
    errors: list[tuple[str, str, str]] = field(default_factory=list)      # (cell, ename, evalue)


@dataclass
class Course:
    root: Path
    seconds: float
    graded: dict[tuple[str, str], Graded]              # (student, assignment) -> Graded
    judge_only: dict[tuple[str, str], dict]            # (student, assignment) -> Graded.cells
    wrong: dict[str, tuple[str, str] | None]           # assignment -> (task, regex) or None


def _errors(path: Path) -> list[tuple[str, str, str]]:
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                label = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {i}")
                found.append((label, output.ename, output.evalue))
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    if not GRADED:
        pytest.skip("no notebook has graded tasks yet")
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("course")
    names = course_tool.copy_sources(root, GRADED)
    start = time.perf_counter()
    course_tool.nbgrader("generate_assignment", "*", "--force", root=root)
    wrong = {}
    for notebook, name in zip(GRADED, names):
        source = root / "source" / name / notebook.name
        release = root / "release" / name / notebook.name
        submitted = root / "submitted"
        (submitted / "solutions" / name).mkdir(parents=True)
        nbformat.write(nbformat.read(source, as_version=4),
                       submitted / "solutions" / name / notebook.name)
        (submitted / "untouched" / name).mkdir(parents=True)
        nbformat.write(nbformat.read(release, as_version=4),
                       submitted / "untouched" / name / notebook.name)
        answers = _answers(notebook)
        last = [t.grade_id for t in _tasks(notebook) if answers.get(t.grade_id, {}).get("wrong")]
        wrong[name] = (last[-1], *answers[last[-1]]["wrong"][0]) if last else None
        (submitted / "one_wrong" / name).mkdir(parents=True)
        one_wrong = dict([wrong[name][:2]]) if wrong[name] else {}
        nbformat.write(harness.filled_release(release, source, one_wrong),
                       submitted / "one_wrong" / name / notebook.name)
    course_tool.nbgrader("autograde", "*", "--force", root=root)
    seconds = time.perf_counter() - start

    def read_grades() -> dict[tuple[str, str], Graded]:
        graded = {}
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "mlp_from_scratch") as gb:
            for notebook, name in zip(GRADED, names):
                for student in STUDENTS:
                    sub = gb.find_submission_notebook(notebook.stem, name, student)
                    graded[student, name] = Graded(
                        sub.score, sub.max_score,
                        {g.name: (g.score, g.max_score) for g in sub.grades},
                        _errors(root / "autograded" / student / name / notebook.name))
        return graded

    graded = read_grades()
    start = time.perf_counter()
    course_tool.nbgrader("autograde", "*", "--force", root=root, env={"MLPFS_JUDGE_ONLY": "1"})
    judge_seconds = time.perf_counter() - start
    judge_only = {key: g.cells for key, g in read_grades().items()}
    print(f"\ngenerate + autograde of {len(GRADED)} notebooks x {len(STUDENTS)} students: "
          f"{seconds:.0f} s; autograde by the judges alone: {judge_seconds:.0f} s")
    return Course(root, seconds, graded, judge_only,
                  {k: (v[0], v[2]) if v else None for k, v in wrong.items()})


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_release_has_stubs_and_no_solutions_or_hidden_tests(course, notebook):
    _skip_ungraded(notebook)
    release = nbformat.read(course.root / "release" / notebook.stem / notebook.name, as_version=4)
    for cell in release.cells:
        assert nbgrader_cells.SOLUTION_BEGIN not in cell.source
        assert "HIDDEN TESTS" not in cell.source
        assert not cell.get("outputs"), "the release should have no outputs"
        if nbgrader_cells.is_solution(cell):
            assert "raise NotImplementedError()" in cell.source
    source = nbformat.read(notebook, as_version=4)
    hidden = [line for c in source.cells if nbgrader_cells.is_test(c)
              for line in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                                     c.source, re.S)]
    text = "\n".join(c.source for c in release.cells)
    for block in hidden:
        assert block.strip() not in text, "a hidden test is in the release"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_get_full_marks(course, notebook):
    _skip_ungraded(notebook)
    graded = course.graded["solutions", notebook.stem]
    assert graded.max_score > 0
    assert graded.errors == [], "the reference solutions raise errors when autograded"
    assert graded.score == graded.max_score, {k: v for k, v in graded.cells.items() if v[0] != v[1]}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_untouched_release_gets_zero_and_fails_only_as_unanswered_or_by_a_check(course, notebook):
    _skip_ungraded(notebook)
    graded = course.graded["untouched", notebook.stem]
    assert graded.score == 0, {k: v for k, v in graded.cells.items() if v[0]}
    other = [e for e in graded.errors if e[1] not in NOT_ANSWERED | CHECK_FAILED]
    assert not other, f"errors other than NotImplementedError or a check's own message: {other}"
    for label, ename, evalue in graded.errors:
        if ename in CHECK_FAILED:
            assert evalue.strip(), f"{label} fails with an AssertionError without a message"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_one_wrong_answer_loses_exactly_its_tasks_points(course, notebook):
    _skip_ungraded(notebook)
    wrong = course.wrong[notebook.stem]
    assert wrong, f"{notebook.name}: no wrong answer in tests/exercises/nb{notebook.name[:2]}.py"
    task, regex = wrong
    graded = course.graded["one_wrong", notebook.stem]
    of_task = {k: v for k, v in graded.cells.items() if nbgrader_cells.CHECK_ID.match(k)
               and nbgrader_cells.CHECK_ID.match(k).group("task") == task}
    others = {k: v for k, v in graded.cells.items() if k not in of_task}
    assert all(score == top for score, top in others.values()), \
        f"points lost outside {task}: {[k for k, v in others.items() if v[0] != v[1]]}"
    lost = sum(top - score for score, top in of_task.values())
    assert lost > 0, f"the wrong answer to {task} lost no points"
    assert graded.score == graded.max_score - lost
    errors = [e for e in graded.errors if e[0] in of_task]
    assert errors and errors[0][1] in CHECK_FAILED and re.search(regex, errors[0][2], re.I), \
        f"{task}: expected a check's message matching {regex!r}, got {errors[:1]}"
    assert [e for e in graded.errors if e[0] not in {task, *of_task}] == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_judge_only_grading_gives_every_cell_the_same_points(course, notebook):
    _skip_ungraded(notebook)
    for student in STUDENTS:
        assert course.judge_only[student, notebook.stem] == course.graded[student, notebook.stem].cells, student
