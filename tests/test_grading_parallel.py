"""A class graded by parallel nbgrader workers on one PostgreSQL gradebook (tools/grade.py).

A throw-away PostgreSQL cluster on a Unix socket (tools/throwaway_postgres.py) holds the
gradebook; nbgrader generates notebook 03's assignment into it, then tools/grade.py grades
eight simulated students with two workers at once. Every student's score per test cell
must be what their answers earn: the solutions full marks, the untouched release zero, one
wrong answer (from tests/exercises/nb03.py) exactly that task's points lost, and a solution
that exits the kernel's cell with SystemExit or KeyboardInterrupt only its own task's
points. Notebook 03 because it is quick to run (the whole series is graded, one student at
a time, by tests/test_grading_e2e.py).

Skipped, with how to install it, where PostgreSQL's server or psycopg is missing; ``.ci/run``
installs the server (Debian's ``postgresql``), ``make test`` installs psycopg.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course as course_tool  # noqa: E402
import grade  # noqa: E402
import nbgrader_cells  # noqa: E402
import throwaway_postgres  # noqa: E402
from exercises import harness  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "03_vectorized_layers.ipynb"

pytestmark = [
    pytest.mark.skipif(throwaway_postgres.server_bin() is None,
                       reason="needs PostgreSQL's server: `apt-get install postgresql` "
                              "(.ci/run installs it)"),
    pytest.mark.skipif(os.environ.get("MLP_FROM_SCRATCH_NO_NUMBA") == "1",
                       reason="already run once with Numba by `make test`"),
]


def _fill(release, source, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The release with every solution cell holding the reference solution (without
    nbgrader's markers), or ``answers[grade_id]`` where given."""
    nb = nbformat.read(release, as_version=4)
    reference = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source, as_version=4).cells
                 if nbgrader_cells.is_solution(c)}
    for cell in nb.cells:
        if nbgrader_cells.is_solution(cell):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            cell.source = answers.get(grade_id) or "\n".join(
                line for line in reference[grade_id].splitlines()
                if line.strip() not in (nbgrader_cells.SOLUTION_BEGIN,
                                        nbgrader_cells.SOLUTION_END))
    return nb


def test_eight_students_graded_by_two_workers_on_postgresql_get_what_they_earned(tmp_path):
    pytest.importorskip("psycopg", reason="needs psycopg: `pip install psycopg[binary]` "
                                          "(the instructor extra)")
    tasks = nbgrader_cells.tasks(nbformat.read(NOTEBOOK, as_version=4))
    answers = harness.load_answers(ROOT / "tests" / "exercises" / "nb03.py")
    name = NOTEBOOK.stem
    root = tmp_path / "course"
    course_tool.copy_sources(root, [NOTEBOOK])
    first, *_ = tasks

    # student: (the answers that differ from the reference, the tasks they lose)
    students = {
        "solutions_a": (None, set()),
        "solutions_b": (None, set()),
        "blank_a": ("release", {t.grade_id for t in tasks}),
        "blank_b": ("release", {t.grade_id for t in tasks}),
        **{f"wrong_{t.grade_id}": ({t.grade_id: answers[t.grade_id]["wrong"][0][0]}, {t.grade_id})
           for t in tasks},
        "exits": ({first.grade_id: "raise SystemExit(0)\n"}, {first.grade_id}),
        "interrupts": ({first.grade_id: "raise KeyboardInterrupt\n"}, {first.grade_id}),
    }
    assert len(students) >= 8

    with throwaway_postgres.cluster(tmp_path / "postgres") as db:
        course_tool.nbgrader("generate_assignment", name, "--force",
                             f"--CourseDirectory.db_url={db}", root=root)
        source = root / "source" / name / NOTEBOOK.name
        release = root / "release" / name / NOTEBOOK.name
        for student, (given, _) in students.items():
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True)
            nb = (nbformat.read(source, as_version=4) if given is None
                  else nbformat.read(release, as_version=4) if given == "release"
                  else _fill(release, source, given))
            nbformat.write(nb, folder / NOTEBOOK.name)

        results = grade.grade(root, db, sorted(students), workers=2)
        assert sorted(r.student for r in results) == sorted(students)
        assert all(r.ok for r in results), [r.log for r in results if not r.ok]

        from nbgrader.api import Gradebook
        cells = nbformat.read(source, as_version=4).cells
        test_ids = {t.grade_id: [cells[i].metadata["nbgrader"]["grade_id"] for i in t.test_indices]
                    for t in tasks}
        with Gradebook(db, "mlp_from_scratch") as gb:
            for student, (_, loses) in students.items():
                sub = gb.find_submission_notebook(name, name, student)
                scores = {g.name: (g.score, g.max_score) for g in sub.grades}
                for task, grade_ids in test_ids.items():
                    for grade_id in grade_ids:
                        score, top = scores[grade_id]
                        expected = 0 if task in loses else top
                        assert score == expected, \
                            f"{student}, {grade_id}: {score} of {top}, expected {expected}"
                assert sub.score == sum(t.points for t in tasks if t.grade_id not in loses), student
