"""Autograde a whole class with several nbgrader processes at once, on one shared gradebook.

    python tools/grade.py --workers 4 --db postgresql+psycopg://grader@dbhost/gradebook
    python tools/grade.py --root /srv/course --workers 2 --db ... --students alice bob
    python tools/grade.py --judge-only --workers 2 --db ...
    make grade WORKERS=4 DB=postgresql+psycopg://... [JUDGE_ONLY=1]

``nbgrader autograde`` grades one submission after another in one process. This tool runs
``--workers`` nbgrader processes side by side, each taking the next student from a queue and
grading all of that student's submitted assignments (what ``nbgrader autograde "*" --student
S`` does, through nbgrader's Python API: a worker starts once and grades student after
student, so nbgrader's start-up, 2-3 s, is paid per worker, not per student). Every
worker writes to the same gradebook, so it must take parallel writers: PostgreSQL (or any
server database SQLAlchemy reaches), not the default SQLite file, which takes one writer at a
time (``--workers 1`` works with it). The assignments must already be in that gradebook
(``nbgrader generate_assignment`` run with the same ``--CourseDirectory.db_url``); the
students are added before any worker starts, so no two workers create the same row.

``--judge-only`` does not run the notebooks: every task is judged outside the kernel
(tools/judge.py), and the points are the judges' in either mode, so they are the same; the
feedback then shows each task's verdict without the notebook's outputs.

Each worker's kernels get an equal share of the machine's cores for their BLAS threads
(``cores // workers``, at least 1), unless ``OMP_NUM_THREADS`` is set already: two workers
that each ran two BLAS threads on two cores would spend their time waiting for each other's
threads.

A student whose grading fails (nbgrader reports an error) is reported with the end of its
log and makes the exit code 1; the other students are graded all the same.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import DEFAULT_ROOT, ROOT, nbgrader_env  # noqa: E402


@dataclass
class Result:
    student: str
    seconds: float
    ok: bool
    log: str


def submitted_students(root: Path) -> list[str]:
    """Every student with a folder in ``root/submitted/``, sorted."""
    folder = root / "submitted"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def add_students(db_url: str, course_id: str, students: list[str]) -> None:
    """Create every student's gradebook row before the workers start (an ``autograde`` that
    creates one while another worker does the same would fail on the unique id)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        for student in students:
            gb.update_or_create_student(student)


def blas_threads(workers: int, cores: int | None = None) -> dict[str, str]:
    """The BLAS thread variables for each of ``workers`` processes sharing ``cores`` (default:
    this machine's): an equal share, at least 1; empty if ``OMP_NUM_THREADS`` is set, so a
    choice made by hand is kept."""
    if "OMP_NUM_THREADS" in os.environ:
        return {}
    share = str(max(1, (cores or os.cpu_count() or 1) // max(1, workers)))
    return {name: share for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def grade(root: Path, db_url: str, students: list[str], workers: int, judge_only: bool = False,
          course_id: str = "mlp_from_scratch") -> list[Result]:
    """Autograde every assignment of every student in ``students``, ``workers`` at a time
    (``judge_only``: by the judges alone, without running the notebooks); one Result per
    student, in the order they finished."""
    add_students(db_url, course_id, students)
    todo: queue.Queue[str] = queue.Queue()
    for student in students:
        todo.put(student)
    results: list[Result] = []
    lock = threading.Lock()
    env = {"MLPFS_JUDGE_ONLY": "1" if judge_only else "0", **blas_threads(workers)}

    def work() -> None:
        worker = Worker(root, db_url, env)
        try:
            while True:
                try:
                    student = todo.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                ok, log = worker.grade(student)
                if worker.ended():   # not a student's doing: nbgrader itself failed
                    worker.close()
                    worker = Worker(root, db_url, env)
                with lock:
                    results.append(Result(student, time.perf_counter() - start, ok, log))
        finally:
            worker.close()

    threads = [threading.Thread(target=work) for _ in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class Worker:
    """One nbgrader process (``python tools/grade.py --serve``) that grades the students it is
    sent, one at a time, until it is closed."""

    def __init__(self, root: Path, db_url: str, env: dict[str, str]) -> None:
        self.errors = tempfile.TemporaryFile()  # its output, read only if it ends unexpectedly
        # The answers come on a pipe of their own: the kernels nbgrader starts write to the
        # worker's stdout, and nothing they print must pass for an answer.
        answers, theirs = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(theirs), "--root", str(root), "--db", db_url],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=self.errors, stderr=self.errors, text=True,
            pass_fds=(theirs,), env=nbgrader_env(env))
        os.close(theirs)
        self.answers = os.fdopen(answers)

    def grade(self, student: str) -> tuple[bool, str]:
        """Whether all of ``student``'s assignments were graded, and the end of the log."""
        try:
            self.process.stdin.write(student + "\n")
            self.process.stdin.flush()
            answer = self.answers.readline()
        except BrokenPipeError:
            answer = ""
        if not answer:
            self.errors.seek(0)
            return False, ("the grading process ended:\n"
                           + self.errors.read()[-6000:].decode(errors="replace"))
        done = json.loads(answer)
        return done["ok"], done["log"][-9000:]

    def ended(self) -> bool:
        return self.process.poll() is not None

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()
        self.answers.close()
        self.errors.close()


def serve(answers_fd: int, root: Path, db_url: str) -> None:
    """The worker's side: for each student named on a line of stdin, autograde all their
    assignments with nbgrader's API and answer on ``answers_fd`` with a line of JSON,
    ``{"ok": ..., "log": ...}``. The configuration is the repository's nbgrader_config.py, as
    for the command line."""
    answers = os.fdopen(answers_fd, "w")
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    api = NbGraderAPI(config=config)
    for line in sys.stdin:
        done = api.autograde("*", line.strip(), force=True)
        answers.write(json.dumps({"ok": done["success"],
                                  "log": done.get("log", "") + done.get("error", "")}) + "\n")
        answers.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="the course folder (default: course/ in the repository)")
    parser.add_argument("--db", required=True,
                        help="the gradebook's SQLAlchemy URL (PostgreSQL for more than one worker)")
    parser.add_argument("--workers", type=int, default=2, help="nbgrader processes at once")
    parser.add_argument("--students", nargs="*", help="default: every folder in submitted/")
    parser.add_argument("--judge-only", action="store_true",
                        help="grade by the judges alone, without running the notebooks")
    parser.add_argument("--serve", type=int, metavar="FD", help=argparse.SUPPRESS)  # a Worker
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.root.resolve(), args.db)
        return 0
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    if args.workers > 1 and args.db.startswith("sqlite"):
        parser.error("an SQLite gradebook takes one writer at a time: use --workers 1, or a "
                     "PostgreSQL gradebook (see INSTRUCTORS.md)")
    root = args.root.resolve()
    students = args.students or submitted_students(root)
    if not students:
        parser.error(f"no students: {root / 'submitted'} has no student folders")
    start = time.perf_counter()
    results = grade(root, args.db, students, args.workers, args.judge_only)
    seconds = time.perf_counter() - start
    for r in sorted(results, key=lambda r: r.student):
        print(f"{r.student}: {'graded' if r.ok else 'FAILED'} in {r.seconds:.0f} s")
        if not r.ok:
            print(r.log)
    print(f"{len(results)} students in {seconds:.0f} s with {args.workers} workers: "
          f"{3600 * len(results) / seconds:.0f} students per hour")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
