"""Autograding throughput: students per hour for 1, 2 and 4 parallel nbgrader workers.

    python benchmarks/grading.py                                  # the whole series, 4 students
    python benchmarks/grading.py --notebooks notebooks/03_*.ipynb --students 8 --workers 1 2

A throw-away course gets one assignment per notebook; every simulated student submits the
solution notebooks (the slowest case: every cell runs to the end). The gradebook is a
throw-away PostgreSQL cluster on a Unix socket (tools/throwaway_postgres.py), so parallel
workers can write to it. For each worker count, tools/grade.py grades every student afresh
and the script prints the wall time, seconds per student and students per hour; it also
prints the series' plain Run All time (each notebook executed once by nbclient, without
nbgrader), the floor that one student's grading cannot go below with one worker.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="*", type=Path,
                        default=sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks]

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
            for workers in args.workers:
                shutil.rmtree(root / "autograded", ignore_errors=True)
                start = time.perf_counter()
                results = grade.grade(root, db, students, workers)
                seconds = time.perf_counter() - start
                failed = [r.student for r in results if not r.ok]
                print(f"{workers} worker(s): {len(students)} students in {seconds:.0f} s, "
                      f"{seconds / len(students):.0f} s per student, "
                      f"{3600 * len(students) / seconds:.0f} students per hour"
                      + (f"; FAILED: {failed}" if failed else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
