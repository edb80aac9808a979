"""A throw-away PostgreSQL cluster on a Unix socket, for a gradebook that parallel graders share.

    with throwaway_postgres.cluster() as url:     # postgresql+psycopg://...
        ...                                               # nbgrader --CourseDirectory.db_url=url

nbgrader keeps its gradebook in one SQLite file by default, which takes one writer at a
time: graders running side by side fail with "database is locked". PostgreSQL takes many.
The tests and the grading benchmark start their own cluster with Debian's server binaries
(package ``postgresql``): ``initdb`` in a new temporary folder, listening on a Unix socket in
that folder only (no TCP port), stopped and deleted afterwards. PostgreSQL refuses to run as
root, so as root the cluster runs as the ``postgres`` user, which the package creates.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

DATABASE = "gradebook"


def server_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), or None if not installed."""
    # Debian keeps them off PATH, one folder per major version: take the newest.
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(args: list[str]) -> list[str]:
    """``args`` run as the ``postgres`` user when this process is root."""
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster in a new temporary folder and yield the SQLAlchemy URL of its
    database ``gradebook``; stop it and delete the folder on exit. RuntimeError with the
    server's log if it does not start, and with how to install it if it is missing."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server is not installed: `apt-get install postgresql` "
                           "(Debian) puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin")
    # Its own folder in the system's temporary folder, which every user can reach: the
    # server's user must own it (pytest's folders are private to the user running pytest).
    folder = Path(tempfile.mkdtemp(prefix="mlpfs-postgres-"))
    data, socket_dir, log = folder / "data", folder / "socket", folder / "server.log"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (folder, socket_dir):
            os.chown(path, user.pw_uid, user.pw_gid)

    def run(*args: str) -> None:
        done = subprocess.run(_as_server_user([str(bin_dir / args[0]), *args[1:]]),
                              capture_output=True, text=True)
        if done.returncode:
            server_log = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n"
                               f"{done.stderr}\n{server_log[-3000:]}")

    try:
        run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        # No TCP at all; the socket lives in the cluster's own folder. Enough connections
        # for many graders, each of which holds a few.
        options = f"-c listen_addresses='' -k {socket_dir} -c max_connections=200 -c fsync=off"
        run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        try:
            run("createdb", "-h", str(socket_dir), "-U", "postgres", DATABASE)
            yield f"postgresql+psycopg://postgres@/{DATABASE}?host={socket_dir}"
        finally:
            run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
