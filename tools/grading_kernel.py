"""Run by every kernel that nbgrader starts to grade a submission, before its first cell.

nbgrader_config.py passes this file to the kernel (``InteractiveShellApp.exec_files``). It
keeps a submission's code from harming anything outside its own notebook while it runs:

* files may be written only in the notebook's own folder (``autograded/<student>/<name>/``)
  and in a scratch folder of this kernel's: never the gradebook, the course's source,
  release or submitted folders, nor another student's files;
* no programs, no killing processes, no network or Unix sockets, no database drivers (the
  gradebook's server is reachable from this machine), no loading the C library or a
  database client library through ctypes;
* ``os._exit`` raises SystemExit instead of ending the process (a kernel killed by other
  means is restarted by the grader: tools/judge.py, ``GradingExecute``).

An audit hook (PEP 578) cannot be removed once installed, so a solution cell cannot switch
this off. Each refusal is a PermissionError whose message says what was refused.
"""


def _seed_caches(scratch: str) -> None:
    """Copy matplotlib's font list and the package's compiled Numba kernels into
    ``scratch``, where this kernel's matplotlib and Numba will look for them (a missing or
    stale copy only means they are rebuilt: about 5 s per kernel on the project's machine)."""
    import glob
    import hashlib
    import os
    import shutil

    fonts = os.environ.get("MPLCONFIGDIR") or os.path.expanduser("~/.cache/matplotlib")
    for path in glob.glob(os.path.join(fonts, "fontlist-*.json")):
        shutil.copy(path, scratch)
    # Numba's cache folder for a source file (numba.core.caching's
    # get_suitable_cache_subpath): <folder name>_<sha1 of the folder's path>.
    try:
        import importlib.util
        package = os.path.dirname(importlib.util.find_spec("mlp_from_scratch").origin)
    except (ImportError, AttributeError):
        return
    target = os.path.join(scratch, "_".join([os.path.basename(package),
                                             hashlib.sha1(package.encode()).hexdigest()]))
    os.makedirs(target, exist_ok=True)
    for path in glob.glob(os.path.join(package, "__pycache__", "kernels.*.nb[ic]")):
        shutil.copy(path, target)


def _install() -> None:
    import os
    import posix
    import sys
    import tempfile

    scratch = tempfile.mkdtemp(prefix="mlpfs-grading-")
    # Caches that would otherwise be written beside the package or in the home folder
    # (and so could be poisoned for the next student) go to the scratch folder, seeded
    # with copies of the existing ones so that no kernel pays for rebuilding them.
    _seed_caches(scratch)
    for variable in ("TMPDIR", "MPLCONFIGDIR", "NUMBA_CACHE_DIR"):
        os.environ[variable] = scratch
    tempfile.tempdir = scratch
    allowed = tuple(os.path.realpath(p) + os.sep for p in (os.getcwd(), scratch))
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    changes = frozenset({"os.remove", "os.unlink", "os.rename", "os.rmdir", "os.mkdir",
                         "os.chmod", "os.chown", "os.truncate", "os.link", "os.symlink",
                         "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move"})
    copies = frozenset({"shutil.copyfile", "os.link", "os.symlink"})
    blocked = frozenset({"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                         "os.forkpty", "subprocess.Popen", "os.kill", "os.killpg", "pty.spawn",
                         "socket.connect", "socket.bind", "sys.addaudithook"})
    drivers = ("psycopg", "psycopg2", "pg8000", "asyncpg", "sqlalchemy", "pymysql", "MySQLdb",
               "nbgrader")
    libraries = ("libc", "libpq", "sqlite", "libmysql")

    def refuse(what: str) -> None:
        raise PermissionError(f"refused while grading: {what} (a graded notebook may write "
                              "only in its own folder, and may not start or stop programs)")

    def inside(path) -> bool:
        try:
            name = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return (name + os.sep).startswith(allowed)

    def audit(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & write_flags)
            if writes and not (isinstance(path, int) or inside(path)):
                refuse(f"writing {path!r}")
        elif event in changes:
            # a copy or a link reads its source anywhere and writes only its destination
            written = args[1:2] if event in copies else args
            if not all(inside(a) for a in written if isinstance(a, (str, bytes, os.PathLike))):
                refuse(f"{event}{args!r}")
        elif event in blocked:
            refuse(event)
        elif event == "import" and str(args[0]).split(".")[0] in drivers:
            refuse(f"import {args[0]}")
        elif event == "ctypes.dlopen" and (args[0] is None or any(
                name in str(args[0]) for name in libraries)):
            refuse(f"loading the library {args[0]}")
        elif event == "sqlite3.connect" and str(args[0]) != ":memory:":
            refuse(f"opening the database {args[0]!r}")

    def no_exit(status=0):
        raise SystemExit(f"refused while grading: os._exit({status})")

    os._exit = posix._exit = no_exit
    sys.addaudithook(audit)


_install()
del _install, _seed_caches
