"""The judge (tools/judge.py): a task's points decided outside the notebook's kernel.

The student's source runs in a sandboxed child process; what comes back is plain data; the
grading process compares. Each test gives the judge a submission, right, wrong or trying
to rig the grading, and checks its verdict. The same attacks go through the real nbgrader
autograde in tests/test_grading_parallel.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import judge  # noqa: E402
import nbgrader_cells  # noqa: E402
from exercises import harness  # noqa: E402

DENSE = "def dense_forward(X, W, b):\n"


def answers(task: str) -> dict:
    """The task's entry in tests/exercises/nbNN.py."""
    return harness.load_answers(ROOT / "tests" / "exercises" / f"{task[:4]}.py")[task]


def verdict(task: str, source: str) -> str:
    failure = judge.judge_source(task, source)
    return "passed" if failure is None else f"{type(failure).__name__}: {failure}"


@pytest.mark.parametrize("task", sorted(judge.tasks()))
def test_every_right_answer_passes_and_every_wrong_one_fails_with_its_message(task):
    # judged_correct / judged_wrong: answers the in-kernel checks treat otherwise (a right
    # form they reject; a wrong one they cannot see, such as a loop that never trains biases)
    entry = answers(task)
    for source in entry["correct"] + entry.get("judged_correct", []):
        assert verdict(task, source) == "passed", source
    for source, message in entry["wrong"] + entry.get("judged_wrong", []):
        got = verdict(task, source)
        assert got != "passed", source
        assert re.search(message, got), f"{source}\n{got}\ndoes not match {message!r}"


@pytest.mark.parametrize("task", sorted(judge.tasks()))
def test_the_notebooks_reference_solution_passes(task):
    notebook = next((ROOT / "notebooks").glob(f"{task[2:4]}_*.ipynb"))
    cell = next(c for c in nbformat.read(notebook, as_version=4).cells
                if nbgrader_cells.is_solution(c) and c.metadata["nbgrader"]["grade_id"] == task)
    markers = (nbgrader_cells.SOLUTION_BEGIN, nbgrader_cells.SOLUTION_END)
    source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
    assert verdict(task, source) == "passed"


@pytest.mark.parametrize("task", sorted(judge.tasks()))
def test_every_judged_task_refuses_an_answer_that_delegates_to_the_package(task):
    delegating = answers(task).get("delegating", [])
    assert delegating, f"tests/exercises/{task[:4]}.py has no delegating answer for {task}"
    for source in delegating:
        assert re.search(r"refused while grading: import mlp_from_scratch", verdict(task, source)), source


@pytest.mark.parametrize("name, source, message", [
    ("the package's file read", DENSE + f"    open({str(ROOT / 'mlp_from_scratch' / 'layers.py')!r})\n"
     "    return X @ W + b\n", r"refused while grading: reading the package's file"),
    ("a notebook global", DENSE + "    return mfs.Dense(1, 1)\n", r"NameError.*runs your solution cell on its own"),
    ("a file written", "open('/tmp/judge-test', 'w')\n" + DENSE + "    return X @ W + b\n",
     r"refused while grading: opening '/tmp/judge-test' for writing"),
    ("a program started", "import subprocess\nsubprocess.run(['true'])\n", r"refused while grading: subprocess"),
    ("checks replaced", "import numpy\nnumpy.isclose = lambda *a, **k: True\n"
     + DENSE + "    return np.zeros((len(X), W.shape[1]), X.dtype)\n", r"is wrong in \d+ of"),
    ("rigged comparisons", "class R(np.ndarray):\n    __eq__ = lambda s, o: True\n    __bool__ = lambda s: True\n"
     + DENSE + "    return np.zeros((len(X), W.shape[1]), X.dtype).view(R)\n", r"is wrong in \d+ of"),
    ("an input changed", DENSE + "    b += 1\n    return X @ W + b - 1\n", r"changed its input b"),
    ("rows one at a time", DENSE + "    return np.stack([x @ W + b for x in X])\n", r"one example \(row\) at a time"),
    ("SystemExit", "raise SystemExit(0)\n", r"raised SystemExit"),
    ("KeyboardInterrupt", DENSE + "    raise KeyboardInterrupt\n", r"raised KeyboardInterrupt"),
    ("os._exit", "import os\nos._exit(3)\n", r"stopped the grading process.*exit code 3"),
    ("8 GB", "x = bytearray(8 * 1024**3)\n", r"MemoryError"),
    ("the stub", DENSE + "    raise NotImplementedError()\n", r"NotAnswered: not answered yet"),
])
def test_attacks_on_dense_forward_gain_nothing_and_say_what_was_refused(name, source, message):
    got = verdict("nb03_dense_forward", source)
    assert got != "passed" and re.search(message, got), f"{name}: {got}"


def test_an_endless_loop_is_stopped_by_the_time_limits():
    got = judge.run_sandboxed("while True:\n    pass\n", "def cases():\n    return []\n",
                              timeout=20, cpu=2)
    assert "crashed" in got and ("CPU time" in got["crashed"] or "longer than" in got["crashed"])


def test_one_task_cannot_leave_anything_behind_for_the_next():
    # every task runs in a fresh fork of the zygote: what one changes dies with its process
    rig = "np.isclose = lambda *a, **k: True\nnp.left_behind = 1\nimport sys\nsys.path.append('x')\n"
    assert "source_error" not in judge.run_sandboxed(rig, "")
    got = judge.run_sandboxed("import sys\n"
                              "seen = (hasattr(np, 'left_behind'), bool(np.isclose(0.0, 1.0)), 'x' in sys.path)\n",
                              "", values=("seen",))
    assert [judge.number_of(item, "seen") for item in got["values"]["seen"]["items"]] == [0, 0, 0]


def test_a_process_that_ends_itself_is_reported_and_the_next_task_still_runs():
    got = judge.run_sandboxed("import os\nos._exit(3)\n", "")
    assert "exit code 3" in got["crashed"]
    assert judge.run_sandboxed("x = 1\n", "", values=("x",))["values"]["x"]["shape"] == []


def test_values_come_back_as_plain_data():
    got = judge.run_sandboxed("class Lie(int):\n    __eq__ = lambda s, o: True\n"
                              "num_parameters = Lie(5)\nnum_multiply_adds = 'many'\n",
                              "def cases():\n    return []\n",
                              values=("num_parameters", "num_multiply_adds"))
    assert judge.array_of(got["values"]["num_parameters"], "n") == 5   # the int, not the Lie
    assert got["values"]["num_multiply_adds"] == {"str": "many"}
    failure = judge.judge_source("nb03_counting", "def count_network(sizes, batch_size):\n"
                                                  "    return 203530, 'many'\n")
    assert "should be a number" in str(failure)


def test_strings_tuples_and_dicts_come_back_item_by_item_as_plain_data():
    got = judge.run_sandboxed("class Agree(str):\n    __eq__ = lambda s, o: True\n"
                              "answer = Agree('b')\npair = (np.ones(2), {'k': 1.5, 3: 'x'})\n",
                              "", values=("answer", "pair"))
    assert got["values"]["answer"] == {"str": "b"}
    first, second = judge.items_of(got["values"]["pair"], "pair", 2)
    assert judge.array_of(first, "first").tolist() == [1.0, 1.0]
    assert judge.number_of(second["dict"]["k"], "k") == 1.5 and list(second["dict"]) == ["k"]
    with pytest.raises(judge.Verdict, match="should be a tuple of 3 values, got a sequence of 2"):
        judge.items_of(got["values"]["pair"], "pair", 3)


def test_an_input_changed_behind_patched_numpy_is_still_seen():
    source = ("np.array_equal = lambda *a, **k: True\nnp.array = lambda a, *r, **k: a\n"
              + DENSE + "    b += 1\n    return X @ W + b - 1\n")
    assert re.search(r"changed its input b", verdict("nb03_dense_forward", source))


def test_the_start_up_code_is_not_the_cells_main_module():
    source = ("import __main__\n"
              "__main__.plain = lambda value, depth=0: {'bytes': 'not base64', 'shape': [1]}\n"
              + DENSE + "    return X.reshape(len(X), -1) @ W + b\n"
              "assert __main__.dense_forward is dense_forward\n")
    assert verdict("nb03_dense_forward", source) == "passed"   # its plain() went nowhere


def test_forged_results_fail_the_task_without_stopping_the_grader(monkeypatch):
    # what a cell could still send (by reaching the result pipe): data that is not the format
    import judges.nb03

    monkeypatch.setattr(judges.nb03, "run_sandboxed", lambda *a, **k: {
        "defined": ["dense_forward"], "calls": [{"out": {"bytes": "not base64", "shape": [1]},
                                                 "changed_inputs": []}]})
    assert re.search(r"could not be read back by the grader", verdict("nb03_dense_forward", DENSE))


def test_a_result_larger_than_a_pipe_comes_back_whole():
    got = judge.run_sandboxed("big = np.arange(100_000, dtype=np.float64)\n", "", values=("big",))
    assert judge.array_of(got["values"]["big"], "big").sum() == 99_999 * 100_000 / 2


def test_a_result_beyond_the_cap_is_refused_not_read():
    got = judge.run_sandboxed("big = np.zeros(10_000_000)\n", "", values=("big",))
    assert "more than 64 MB" in got["crashed"]


def test_every_graded_task_of_the_series_is_judged():
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    graded = {t.grade_id for path in notebooks
              for t in nbgrader_cells.tasks(nbformat.read(path, as_version=4))}
    assert graded == set(judge.tasks()), "a task not judged, or a judge for no task"


def test_judge_only_grading_refuses_a_graded_cell_no_judge_decides():
    # unexecuted, such a cell would keep no output, and nbgrader would count it as passed
    solution = nbformat.v4.new_code_cell("def f(x):\n    return x\n", metadata={"nbgrader": {
        "grade_id": "nb03_counting", "solution": True, "grade": False}})
    graded = nbformat.v4.new_code_cell("assert f(1) == 1\n", metadata={"nbgrader": {
        "grade_id": "nb99_unjudged_check", "grade": True, "points": 1}})
    notebook = nbformat.v4.new_notebook(cells=[solution, graded])
    with pytest.raises(ValueError, match="'nb99_unjudged_check' belongs to no judged task"):
        judge.JudgeTasks(judge_only=True).preprocess(notebook, {})
    judge.JudgeTasks().preprocess(notebook, {})    # after the kernel ran it, its output decides
