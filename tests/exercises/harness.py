"""Run a notebook's cells in one IPython namespace and try every answer of every task.

At each solution cell that has an entry in ``ANSWERS``, the namespace is snapshotted, and
each answer is run followed by every test cell of its task (hidden tests included, as
nbgrader's autograder runs them); then the namespace is restored and the notebook goes on
with the reference solution. :func:`verdict` says whether an answer was treated right.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import os
import re
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import nbgrader_cells  # noqa: E402


@dataclass
class Outcome:
    """What running one answer and its task's test cells did."""
    errors: list[tuple[str, BaseException]] = field(default_factory=list)  # (cell, exception)
    output: str = ""

    def first_error(self) -> tuple[str, BaseException] | None:
        return self.errors[0] if self.errors else None


def filled_release(release: Path, source: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A student's submission for the grading tests: the release of ``source`` with every
    solution cell holding the reference solution as a student would type it (without
    nbgrader's markers), or ``answers[grade_id]`` where given."""
    nb = nbformat.read(release, as_version=4)
    reference = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source, as_version=4).cells
                 if nbgrader_cells.is_solution(c)}
    markers = (nbgrader_cells.SOLUTION_BEGIN, nbgrader_cells.SOLUTION_END)
    for cell in nb.cells:
        if nbgrader_cells.is_solution(cell):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            cell.source = answers.get(grade_id) or "\n".join(
                line for line in reference[grade_id].splitlines() if line.strip() not in markers)
    return nb


def load_answers(path: Path) -> dict:
    """``ANSWERS`` from ``tests/exercises/nbNN.py`` (empty if the file does not define it)."""
    spec = importlib.util.spec_from_file_location(f"_exercises_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "ANSWERS", {})


def coverage_problems(nb, answers: dict) -> list[str]:
    """Tasks without enough answers, and answers for tasks that do not exist."""
    out = []
    ids = [t.grade_id for t in nbgrader_cells.tasks(nb)]
    for grade_id in ids:
        entry = answers.get(grade_id)
        if entry is None:
            out.append(f"task {grade_id!r} has no entry in ANSWERS")
            continue
        if len(entry.get("correct", [])) < 1:
            out.append(f"task {grade_id!r} needs at least 1 correct answer")
        if len(entry.get("wrong", [])) < 2:
            out.append(f"task {grade_id!r} needs at least 2 wrong answers")
        for i, wrong in enumerate(entry.get("wrong", []), 1):
            if not (isinstance(wrong, tuple) and len(wrong) == 2
                    and all(isinstance(s, str) for s in wrong)):
                out.append(f"task {grade_id!r}: wrong answer {i} should be (SOURCE, REGEX)")
    for grade_id in answers:
        if grade_id not in ids:
            out.append(f"ANSWERS has {grade_id!r}, which is no task in the notebook")
    return out


def answer_list(answers: dict) -> list[tuple[str, str, int]]:
    """(grade_id, "correct" | "wrong", number from 1) for every answer, in order."""
    return [(grade_id, kind, i)
            for grade_id, entry in answers.items()
            for kind in ("correct", "wrong")
            for i in range(1, len(entry.get(kind, [])) + 1)]


def _shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.reset(new_session=False)
    return shell


def _run(shell, source: str, label: str, errors: list) -> None:
    result = shell.run_cell(source, store_history=False)
    error = result.error_before_exec or result.error_in_exec
    if error is not None:
        errors.append((label, error))


def _snapshot(namespace: dict) -> dict:
    """A shallow copy, with small arrays and random generators copied too, so an answer that
    changes them in place (or draws from a shared ``rng``) cannot change what the next
    answer sees."""
    import numpy as np

    out = {}
    for name, value in namespace.items():
        if isinstance(value, np.random.Generator) or (
                isinstance(value, np.ndarray) and value.size <= 1_000_000):
            value = copy.deepcopy(value)
        out[name] = value
    return out


def run_with_answers(notebook: Path, answers: dict) -> dict[tuple[str, str, int], Outcome]:
    """Run ``notebook`` (in its folder, matplotlib on Agg) and every answer in ``answers``.

    Raises RuntimeError if a cell of the notebook itself (including the reference solutions
    and their test cells) fails.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    nb = nbformat.read(notebook, as_version=4)
    by_cell = {t.solution_index: t for t in nbgrader_cells.tasks(nb)}
    outcomes: dict[tuple[str, str, int], Outcome] = {}
    shell = _shell()
    cwd = os.getcwd()
    os.chdir(notebook.parent)
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            task = by_cell.get(index)
            if task is not None and task.grade_id in answers:
                saved = _snapshot(shell.user_ns)
                entry = answers[task.grade_id]
                tries = [("correct", i, src) for i, src in enumerate(entry.get("correct", []), 1)]
                tries += [("wrong", i, w[0]) for i, w in enumerate(entry.get("wrong", []), 1)]
                for kind, i, source in tries:
                    outcome = Outcome()
                    buffer = io.StringIO()
                    # A wrong answer may overflow or divide by zero: what matters is the
                    # check's verdict, not numpy's warnings on the way.
                    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer), \
                            warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        _run(shell, source, "the answer's own cell", outcome.errors)
                        for j in task.test_indices:
                            label = nb.cells[j].metadata["nbgrader"]["grade_id"]
                            _run(shell, nb.cells[j].source, label, outcome.errors)
                    plt.close("all")
                    outcome.output = buffer.getvalue()
                    outcomes[(task.grade_id, kind, i)] = outcome
                    shell.user_ns.clear()
                    shell.user_ns.update(_snapshot(saved))
            errors: list = []
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                _run(shell, cell.source, f"cell {index}", errors)
            plt.close("all")
            if errors:
                label, error = errors[0]
                raise RuntimeError(
                    f"{notebook.name}, cell {index} fails on its own (with the reference "
                    f"solutions): {type(error).__name__}: {error}\n{buffer.getvalue()[-3000:]}")
    finally:
        os.chdir(cwd)
        shell.reset(new_session=False)
    return outcomes


def verdict(answers: dict, key: tuple[str, str, int], outcome: Outcome | None) -> str | None:
    """None if the answer was treated as it should be, else what went wrong."""
    grade_id, kind, i = key
    name = f"{kind} answer {i} of task {grade_id!r}"
    if outcome is None:
        return f"{name} was never tried: the notebook has no solution cell {grade_id!r}"
    first = outcome.first_error()
    if kind == "correct":
        if first is None:
            return None
        label, error = first
        return (f"{name} was rejected by {label}: {type(error).__name__}: {error}\n"
                f"--- output ---\n{outcome.output[-3000:]}")
    regex = answers[grade_id]["wrong"][i - 1][1]
    if first is None:
        return f"{name} was accepted by every test cell of the task: its checks miss this mistake"
    label, error = first
    described = f"{label} raised {type(error).__name__}: {error}"
    if not isinstance(error, AssertionError):
        return (f"{name} should fail a check with an AssertionError, but {described}\n"
                f"--- output ---\n{outcome.output[-3000:]}")
    if not re.search(regex, str(error), re.IGNORECASE):
        return f"{name}: the message does not match {regex!r}: {described}"
    return None


def format_exception(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()
