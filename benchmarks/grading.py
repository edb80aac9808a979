"""Autograding throughput: students per hour for 1, 2 and 4 parallel nbgrader workers, with
the notebooks run (full) and by the judges alone (judge-only), side by side.

    python benchmarks/grading.py                                  # the whole series, 4 students
    python benchmarks/grading.py --notebooks notebooks/03_*.ipynb --students 8 --workers 1 2
    python benchmarks/grading.py --modes judge-only --workers 1 2

A throw-away course gets one assignment per notebook; every simulated student submits the
solution notebooks (the slowest case: every cell runs to the end). The gradebook is a
throw-away PostgreSQL cluster on a Unix socket (tools/throwaway_postgres.py), so parallel
workers can write to it. For each worker count, tools/grade.py grades every student afresh
and the script prints the wall time, seconds per student and students per hour; it also
prints the series' plain Run All time (each notebook executed once by nbclient, without
nbgrader), the floor that one student's full grading cannot go below with one worker. Both
modes grade the same submissions in the same run, so their ratio is what the machine's load
cannot move much.

``--rounds R`` grades every student R times for each worker count, and after each round
counts the **stalls**: cells of the autograded notebooks that nbgrader interrupted at its
per-cell time limit (an error ``KeyboardInterrupt`` or ``CellTimeoutError``: a cell that
waited on something that never came, such as a widget without a browser) and any other
error (the submissions are the solutions, so every cell should run cleanly). A run of the
series many times in a row with no stall is the proof that grading never waits on a widget.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import course as course_tool  # noqa: E402
import grade  # noqa: E402
import throwaway_postgres  # noqa: E402


def run_all_seconds(notebooks: list[Path]) -> float:
    """Seconds to execute every notebook once, top to bottom, in a fresh kernel each."""
    from nbclient import NotebookClient

    start = time.perf_counter()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        # allow_errors: a timing claim that fails on a loaded machine must not stop the benchmark
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def errors_in(autograded: Path) -> Counter:
    """How many cells of the autograded notebooks under ``autograded`` ended in each kind of
    error; an interruption at the cell time limit is a ``stall``, counted with the notebook
    and cell it happened in (so a training cell the load made slow can be told from a cell
    that waits on a widget)."""
    found: Counter = Counter()
    for path in autograded.glob("*/*/*.ipynb"):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    ename = output.get("ename", "")
                    found[f"stall: {path.parent.name} cell {index}"
                          if ename in ("KeyboardInterrupt", "CellTimeoutError")
                          else f"{path.parent.name}: {ename}"] += 1
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="*", type=Path,
                        default=sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--modes", nargs="*", choices=["full", "judge-only"], default=["full", "judge-only"])
    parser.add_argument("--rounds", type=int, default=1,
                        help="grade every student this many times for each worker count")
    parser.add_argument("--no-run-all", action="store_true",
                        help="skip the plain Run All timing (e.g. for a stall run)")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks]

    if not args.no_run_all:
        print(f"plain Run All of {len(notebooks)} notebooks: {run_all_seconds(notebooks):.0f} s",
              flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "course")
        names = course_tool.copy_sources(root, notebooks)
        students = [f"student{k:03d}" for k in range(args.students)]
        with throwaway_postgres.cluster() as db:
            course_tool.nbgrader("generate_assignment", "*", "--force",
                                 f"--CourseDirectory.db_url={db}", root=root)
            for student in students:
                for name, notebook in zip(names, notebooks):
                    folder = root / "submitted" / student / name
                    folder.mkdir(parents=True)
                    shutil.copy(root / "source" / name / notebook.name, folder)
            stalls, per_student = 0, {}
            for workers in args.workers:
                for mode in args.modes:
                    for round_ in range(1, args.rounds + 1):
                        shutil.rmtree(root / "autograded", ignore_errors=True)
                        start = time.perf_counter()
                        results = grade.grade(root, db, students, workers, judge_only=mode == "judge-only")
                        seconds = time.perf_counter() - start
                        per_student[workers, mode] = seconds / len(students)
                        failed = [r.student for r in results if not r.ok]
                        errors = errors_in(root / "autograded")
                        stalls += sum(n for kind, n in errors.items() if kind.startswith("stall"))
                        print(f"{mode}, {workers} worker(s), round {round_}: {len(students)} students in "
                              f"{seconds:.0f} s, {seconds / len(students):.1f} s per student, "
                              f"{3600 * len(students) / seconds:.0f} students per hour, slowest "
                              f"student {max(r.seconds for r in results):.0f} s; "
                              f"cells with errors: {dict(errors) or 'none'}"
                              + (f"; FAILED: {failed}" if failed else ""), flush=True)
                if {"full", "judge-only"} <= set(args.modes):
                    print(f"{workers} worker(s): judge-only grades "
                          f"{per_student[workers, 'full'] / per_student[workers, 'judge-only']:.0f} times "
                          "as fast as full", flush=True)
            gradings = len(students) * len(notebooks) * args.rounds * len(args.workers) * len(args.modes)
            print(f"{gradings} notebook gradings, {stalls} stalls")
    return 1 if stalls else 0


if __name__ == "__main__":
    sys.exit(main())
