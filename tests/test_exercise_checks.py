"""Every graded task's checks are proven to catch mistakes.

For each ``tests/exercises/nbNN.py``, the notebook ``notebooks/NN_*.ipynb`` runs once (in one
IPython namespace, in its folder); at each solution cell, every answer in ``ANSWERS`` runs
followed by all of the task's test cells, hidden tests included. A correct answer must pass
them all; a wrong one must fail with an AssertionError whose message matches its regex (the
message points at the mistake). One test per answer; see ``tests/exercises/harness.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from exercises import harness

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = Path(__file__).resolve().parent / "exercises"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# `make test` re-runs the unit tests on the NumPy versions of the compiled loops; this
# module does not depend on them, and running every notebook again would double its time.
pytestmark = pytest.mark.skipif(os.environ.get("MLP_FROM_SCRATCH_NO_NUMBA") == "1",
                                reason="already run once with Numba by `make test`")


def _answers_file(notebook: Path) -> Path:
    return EXERCISES / f"nb{notebook.name[:2]}.py"


def _answers(notebook: Path) -> dict:
    path = _answers_file(notebook)
    return harness.load_answers(path) if path.exists() else {}


def _tasks(notebook: Path) -> list:
    return harness.nbgrader_cells.tasks(json.loads(notebook.read_text()))


def _cases():
    cases = []
    for notebook in NOTEBOOKS:
        answers = _answers(notebook)
        for key in harness.answer_list(answers):
            grade_id, kind, i = key
            cases.append(pytest.param(notebook, key, id=f"{grade_id}-{kind}{i}"))
    return cases


_cache: dict[Path, object] = {}


@pytest.fixture(scope="module")
def notebook_run():
    """Runs a notebook with its answers once; keeps only the latest notebook's outcomes
    (or the error that stopped it), since the tests come notebook by notebook."""
    def run(notebook: Path):
        if notebook not in _cache:
            _cache.clear()
            try:
                _cache[notebook] = harness.run_with_answers(notebook, _answers(notebook))
            except RuntimeError as error:
                _cache[notebook] = error
        result = _cache[notebook]
        if isinstance(result, RuntimeError):
            pytest.fail(str(result), pytrace=False)
        return result
    yield run
    _cache.clear()


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if _tasks(n) or _answers(n)],
                         ids=lambda p: p.name)
def test_every_task_has_a_correct_and_two_wrong_answers(notebook):
    problems = harness.coverage_problems(nbformat.read(notebook, as_version=4), _answers(notebook))
    assert not problems, (f"{_answers_file(notebook).relative_to(ROOT)}:\n  "
                          + "\n  ".join(problems))


@pytest.mark.parametrize("notebook, key", _cases())
def test_answer_is_graded_as_it_should_be(notebook_run, notebook, key):
    outcomes = notebook_run(notebook)
    problem = harness.verdict(_answers(notebook), key, outcomes.get(key))
    assert problem is None, f"{notebook.name}: {problem}"


# --- the harness itself, on a notebook made here -------------------------------------------

SETUP = "import numpy as np\nfactor = 2"
SOLUTION = ("def double(x):\n    \"\"\"x: an array.\"\"\"\n    ### BEGIN SOLUTION\n"
            "    return factor * x\n    ### END SOLUTION")
CHECK = ("x = np.arange(3.0)\nassert double(x).shape == x.shape, 'double(x) has the wrong shape'\n"
         "### BEGIN HIDDEN TESTS\nassert np.allclose(double(x), [0, 2, 4]), 'double(x) is wrong'\n"
         "### END HIDDEN TESTS")
AFTER = "assert factor == 2\nresult = double(np.ones(2))\nassert result.tolist() == [2, 2]"


def _synthetic(tmp_path, check=CHECK) -> Path:
    from nbgrader_cells import check_metadata, solution_metadata

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A task"),
                nbformat.v4.new_code_cell(SETUP),
                nbformat.v4.new_code_cell(SOLUTION),
                nbformat.v4.new_code_cell(check),
                nbformat.v4.new_code_cell("%timeit -n1 -r1 double(np.ones(3))"),
                nbformat.v4.new_code_cell(AFTER)]
    nb.cells[2].metadata["nbgrader"] = solution_metadata("nb01_double")
    nb.cells[3].metadata["nbgrader"] = check_metadata("nb01_double_check", 2)
    path = tmp_path / "01_synthetic.ipynb"
    nbformat.write(nb, path)
    return path


ANSWERS = {"nb01_double": {
    "correct": ["def double(x):\n    return x + x"],
    "wrong": [("def double(x):\n    return 3 * x", r"double\(x\) is wrong"),
              ("def double(x):\n    factor = 5\n    return x[:1]", "wrong shape"),
              ("def double(x):\n    return undefined_name", "anything")],
}}


def _verdicts(path, answers=ANSWERS):
    outcomes = harness.run_with_answers(path, answers)
    return {key: harness.verdict(answers, key, outcomes.get(key))
            for key in harness.answer_list(answers)}


def test_harness_accepts_right_checks_and_names_each_misbehaving_answer(tmp_path):
    verdicts = _verdicts(_synthetic(tmp_path))
    assert verdicts[("nb01_double", "correct", 1)] is None
    assert verdicts[("nb01_double", "wrong", 1)] is None      # caught by the hidden test
    assert verdicts[("nb01_double", "wrong", 2)] is None      # caught by the visible test
    # A NameError is no check's message: the harness says so.
    assert "should fail a check with an AssertionError, but" in verdicts[("nb01_double", "wrong", 3)]
    assert "NameError" in verdicts[("nb01_double", "wrong", 3)]


def test_harness_fails_a_check_that_accepts_a_wrong_answer(tmp_path):
    weak = "assert double(np.zeros(2)).shape == (2,), 'double(x) has the wrong shape'"
    verdicts = _verdicts(_synthetic(tmp_path, check=weak))
    assert "accepted by every test cell" in verdicts[("nb01_double", "wrong", 1)]


def test_harness_fails_a_rejected_correct_answer_and_a_message_that_does_not_match(tmp_path):
    answers = {"nb01_double": {
        "correct": ["def double(x):\n    return x * 2.5"],
        "wrong": [("def double(x):\n    return 3 * x", "shape"),
                  ("def double(x):\n    return x[:1]", "shape")]}}
    verdicts = _verdicts(_synthetic(tmp_path), answers)
    assert "correct answer 1 of task 'nb01_double' was rejected by nb01_double_check" \
        in verdicts[("nb01_double", "correct", 1)]
    assert "does not match 'shape'" in verdicts[("nb01_double", "wrong", 1)]
    assert verdicts[("nb01_double", "wrong", 2)] is None


def test_harness_restores_the_namespace_after_each_answer(tmp_path):
    # Wrong answer 2 sets `factor = 5` inside the function only; this one changes the
    # namespace itself: the cells after the task must still see factor == 2.
    answers = {"nb01_double": {
        "correct": ["factor = 7\ndef double(x):\n    return 2 * x"],
        "wrong": [("def double(x):\n    return 3 * x", "wrong"),
                  ("import numpy as np\nnp_saved = np\ndef double(x):\n    return x", "wrong")]}}
    verdicts = _verdicts(_synthetic(tmp_path), answers)    # AFTER asserts factor == 2
    assert all(v is None for v in verdicts.values()), verdicts


def test_harness_reports_a_notebook_cell_that_fails_on_its_own(tmp_path):
    path = _synthetic(tmp_path, check="assert False, 'the reference fails'")
    with pytest.raises(RuntimeError, match="01_synthetic.ipynb, cell 3 fails on its own"):
        harness.run_with_answers(path, ANSWERS)


def test_coverage_needs_one_correct_and_two_wrong_answers_for_every_task(tmp_path):
    nb = nbformat.read(_synthetic(tmp_path), as_version=4)
    assert harness.coverage_problems(nb, ANSWERS) == []
    thin = {"nb01_double": {"correct": [], "wrong": [("x", "y")]}, "nb01_other": {}}
    assert harness.coverage_problems(nb, thin) == [
        "task 'nb01_double' needs at least 1 correct answer",
        "task 'nb01_double' needs at least 2 wrong answers",
        "ANSWERS has 'nb01_other', which is no task in the notebook"]
    assert harness.coverage_problems(nb, {}) == ["task 'nb01_double' has no entry in ANSWERS"]
