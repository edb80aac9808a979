"""A class graded by parallel nbgrader workers on one PostgreSQL gradebook (tools/grade.py).

A throw-away PostgreSQL cluster on a Unix socket (tools/throwaway_postgres.py) holds the
gradebook; nbgrader generates notebook 03's assignment into it, then tools/grade.py grades
eight simulated students with two workers at once. Every student's score per test cell
must be what their answers earn: the solutions full marks, the untouched release zero, one
wrong answer (from tests/exercises/nb03.py) exactly that task's points lost, and a solution
that exits the kernel's cell with SystemExit or KeyboardInterrupt only its own task's
points. The others attack the grading (tools/judge.py, tools/grading_kernel.py): replaced
checks and numpy comparisons, values whose comparisons always succeed, a call into the
package, a kernel that swallows every error, os._exit, a killed kernel, writes to the other
students' submissions, the course and the gradebook. Each gains nothing on the task it
attacks, loses nothing elsewhere, and the course's files stay as they were. Notebook 03 because it is quick to run (the whole series is graded, one student at
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

DENSE = "def dense_forward(X, W, b):\n"
ZEROS = DENSE + "    return np.zeros((X.shape[0], W.shape[1]), X.dtype)\n"
#: Submissions that try to rig the grading of notebook 03's judged tasks: name -> (task, solution).
ATTACKS = {
    # the kernel's checks and numpy's comparisons replaced by ones that accept anything
    "replaced_checks": ("nb03_dense_forward",
                        "import mlp_from_scratch.checks as checks\n"
                        "for _n in dir(checks):\n"
                        "    if _n.startswith('check_'):\n"
                        "        setattr(checks, _n, lambda *a, **k: a[1] if len(a) > 1 else None)\n"
                        "np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, bool)\n"
                        "np.allclose = np.array_equal = lambda *a, **k: True\n"
                        "np.testing.assert_allclose = lambda *a, **k: None\n" + ZEROS),
    # an answer whose comparisons always succeed
    "rigged_values": ("nb03_dense_forward",
                      "class Agree(np.ndarray):\n"
                      "    __eq__ = lambda s, o: np.ones(s.shape, bool)\n"
                      "    __ne__ = lambda s, o: np.zeros(s.shape, bool)\n"
                      "    __bool__ = lambda s: True\n"
                      + ZEROS.replace("X.dtype)", "X.dtype).view(Agree)")),
    # the package's reference does the work
    "delegates": ("nb03_dense_forward",
                  DENSE + "    layer = mfs.Dense(W.shape[0], W.shape[1], rng=np.random.default_rng(0),"
                          " dtype=X.dtype)\n"
                          "    layer.params['W'][...], layer.params['b'][...] = W, b\n"
                          "    return layer.forward(X)\n"),
    # every later cell of the kernel wrapped so that nothing raises any more, and wrong values
    "swallows_errors": ("nb03_counting",
                        "def _swallow(lines):\n"
                        "    return ['try:\\n', '    pass\\n'] + ['    ' + l for l in lines] + "
                        "['\\nexcept BaseException:\\n    pass\\n']\n"
                        "get_ipython().input_transformers_post.append(_swallow)\n"
                        "def count_network(sizes, batch_size):\n    return 1, 2\n"),
    # the process ended or killed: the rest of the notebook cannot run
    "exits_the_process": ("nb03_dense_forward", "import os\nos._exit(1)\n"),
    "kills_the_kernel": ("nb03_dense_forward",
                         "import signal\nsignal.raise_signal(signal.SIGKILL)\n"),
    # other students' submissions, the course's source and the gradebook overwritten
    "writes_the_course": ("nb03_counting",
                          "import glob\n"
                          "for _path in glob.glob('../../../*/**/*.ipynb', recursive=True):\n"
                          "    try:\n"
                          "        open(_path, 'w').write('{}')\n"
                          "    except OSError as error:\n"
                          "        print(error)\n"
                          "try:\n"
                          "    import psycopg\n"
                          "    for _socket in glob.glob('/tmp/mlpfs-postgres-*/socket'):\n"
                          "        psycopg.connect(host=_socket, dbname='gradebook', user='postgres',"
                          " autocommit=True).execute('UPDATE grade SET auto_score = 0')\n"
                          "except Exception as error:\n"
                          "    print(error)\n"
                          "def count_network(sizes, batch_size):\n    return 1, 2\n"),
}

pytestmark = [
    pytest.mark.skipif(throwaway_postgres.server_bin() is None,
                       reason="needs PostgreSQL's server: `apt-get install postgresql` "
                              "(.ci/run installs it)"),
    pytest.mark.skipif(os.environ.get("MLP_FROM_SCRATCH_NO_NUMBA") == "1",
                       reason="already run once with Numba by `make test`"),
]


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
        # Attacks on what judges (tools/judge.py): each gains nothing on the task it attacks.
        **{f"attacks_{name}": ({task: source}, {task}) for name, (task, source) in ATTACKS.items()},
    }
    assert len(students) >= 8 + len(ATTACKS)

    with throwaway_postgres.cluster() as db:
        course_tool.nbgrader("generate_assignment", name, "--force",
                             f"--CourseDirectory.db_url={db}", root=root)
        source = root / "source" / name / NOTEBOOK.name
        release = root / "release" / name / NOTEBOOK.name
        for student, (given, _) in students.items():
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True)
            nb = (nbformat.read(source, as_version=4) if given is None
                  else nbformat.read(release, as_version=4) if given == "release"
                  else harness.filled_release(release, source, given))
            nbformat.write(nb, folder / NOTEBOOK.name)
        course_files = {p: p.read_bytes() for p in root.glob("[!a]*/**/*.ipynb")}

        results = grade.grade(root, db, sorted(students), workers=2)
        assert {p: p.read_bytes() for p in course_files} == course_files, \
            "a submission changed the course's source, release or another student's submission"
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
