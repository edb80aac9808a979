"""Points the student's code cannot rig: each judged task is graded outside the notebook's kernel.

nbgrader runs a submission in one kernel: the student's solution cells and the test cells
after them share it, so a solution can replace the checks, numpy's comparisons, or the
kernel's own error reporting, and every test "passes". The judge takes the decision away
from that kernel. After nbgrader has executed the notebook (its outputs stay, for the
student's feedback), ``JudgeTasks`` re-decides the test cells of every judged task (``tools/judges/``):

1. **The student's code runs in a child process** (``run_sandboxed``): a fork of a clean
   Python that has imported NumPy and nothing else (the zygote, one per grading process),
   with a memory limit, a CPU-time limit and a wall-clock limit, and an audit hook
   installed before any student code, which cannot be removed: it refuses to import the
   package (``mlp_from_scratch``, whose reference would answer the task), to read its
   files, to write or delete any file, to start programs and to open sockets. The task's
   inputs are made there *before* the student's source runs, the student's function is
   called on them, and what it returns goes back as plain data: dtype, shape and raw bytes.
2. **The grading process decides**: it rebuilds the arrays from those bytes (no object of
   the student's survives the trip, so no rigged ``__eq__``), makes the same inputs itself
   and compares with the package's reference, using functions the student's code never
   reached. It then rewrites the task's test cells: none of the kernel's errors stay, and a
   failed judgement becomes one error whose message is what the student reads.

A task not in ``tasks()`` (``tools/judges/``) is graded by its test cells in the kernel, as before.
``nbgrader_config.py`` puts ``JudgeTasks`` right after nbgrader's ``Execute``; or, with
``MLPFS_JUDGE_ONLY=1`` (``tools/grade.py --judge-only``), in its place: the points are the
judges' either way, so the notebook need not run (``JudgeTasks.judge_only``).
"""

from __future__ import annotations

import atexit
import base64
import copy
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_cells import CHECK_ID  # noqa: E402

from traitlets import Bool  # noqa: E402 (Jupyter's configuration library, always installed with it)

try:   # nbgrader is there when grading; the judge itself works without it (tests)
    from nbgrader.preprocessors import Execute, NbGraderPreprocessor
except ImportError:  # pragma: no cover
    Execute = NbGraderPreprocessor = object

ROOT = Path(__file__).resolve().parent.parent

#: Limits of one task's child process.
MEMORY_BYTES = 2 * 1024**3
CPU_SECONDS = 20
WALL_SECONDS = 60
RESULT_BYTES = 64 * 1024**2


# Run in the child (a fork of the ZYGOTE below): limits, the task's inputs, the audit hook,
# then the student's source and the calls. Reads the request (JSON) on stdin and writes the
# result (JSON) to the pipe RESULT_FD; what the student prints goes to stdout, unread.
BOOT = r'''
import json, os, resource, sys
request = json.loads(sys.stdin.read())
result_file = os.fdopen(RESULT_FD, "w")
resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
resource.setrlimit(resource.RLIMIT_CPU, (request["cpu"], request["cpu"] + 1))  # SIGXCPU first
import base64, io, math, numpy as np

inputs_ns = {"np": np, "math": math}
exec(request["inputs"], inputs_ns)
cases = inputs_ns["cases"]() if "cases" in inputs_ns else []   # made before any student code runs
given = inputs_ns.get("given", {})   # reference pieces and stand-ins the student's cell may use

FORBIDDEN_MODULE = "mlp_from_scratch"
PACKAGE_DIR = request["package_dir"]
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
BLOCKED = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "os.kill", "os.killpg", "pty.spawn",
    "socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo",
    "os.remove", "os.unlink", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
    "os.truncate", "os.link", "os.symlink", "os.utime", "shutil.rmtree", "shutil.copyfile",
    "shutil.move", "sqlite3.connect", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata",
    "ctypes.addressof", "ctypes.call_function", "ctypes.string_at",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.addaudithook",
    "code.__new__", "function.__new__",
})
WHY = ("the task is to write it yourself, in NumPy, without the package and without "
       "touching files, programs or the network")

def refuse(what):
    raise PermissionError(f"refused while grading: {what}; {WHY}")

def audit(event, args):
    if event == "import" and str(args[0]).split(".")[0] == FORBIDDEN_MODULE:
        refuse(f"import {args[0]}")
    if event == "open":
        path, mode, flags = args
        if isinstance(path, (str, bytes, os.PathLike)):
            name = os.path.realpath(os.fsdecode(path))
            if name.startswith(PACKAGE_DIR):
                refuse(f"reading the package's file {name}")
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS):
            refuse(f"opening {path!r} for writing")
    if event in BLOCKED:
        refuse(event)
    if event == "object.__setattr__" and len(args) > 1 and args[1] in ("__code__", "__closure__"):
        refuse("replacing a function's code")

sys.addaudithook(audit)

to_array = np.array   # bound before the student's code can replace numpy's

def plain(value, depth=0):
    """What a value is, as data only: numbers as dtype, shape and bytes; strings as text;
    tuples, lists and dicts item by item. Nothing of the student's objects survives."""
    if isinstance(value, str):
        return {"str": str.__str__(value)[:10_000]}
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= 10_000:
        return {"items": [plain(v, depth + 1) for v in value]}
    if isinstance(value, dict) and depth < 4 and len(value) <= 1_000:
        return {"dict": {str.__str__(k): plain(v, depth + 1) for k, v in dict.items(value)
                         if isinstance(k, str)}}
    if isinstance(value, (bool, int, float, np.number, np.ndarray)):
        array = to_array(value, copy=True, subok=False)
        if array.dtype.kind in "biuf":
            return {"dtype": array.dtype.str, "shape": list(array.shape),
                    "bytes": base64.b64encode(array.tobytes()).decode("ascii")}
    return {"type": type(value).__name__}

wrap = inputs_ns.get("wrap", lambda function: function)   # bound before the student's code

def call(namespace, *case):
    """The default drive: the student's function on one case (wrapped, e.g. by a guard)."""
    return wrap(namespace[request["function"]])(*case)

drive = inputs_ns.get("drive", call)
# The student's cell runs as the module __main__ of its own, so that `import __main__`
# reaches its names, not this start-up code's (the request, the results, plain).
import types
student = types.ModuleType("__main__")
student.__dict__.update({"np": np, "math": math, **given})
namespace = student.__dict__
sys.modules["__main__"] = student
results = {"defined": [], "calls": []}
try:
    exec(compile(request["source"], "<your solution cell>", "exec"), namespace)
except BaseException as error:
    results["source_error"] = f"{type(error).__name__}: {error}"
else:
    results["defined"] = sorted(n for n in namespace if not n.startswith("__"))
    results["values"] = {n: plain(namespace[n]) for n in request["values"] if n in namespace}
    ready = request["function"] is None or request["function"] in namespace
    for case in cases if ready else []:
        # bytes, with ndarray's own methods: a cell may have replaced numpy's functions
        before = [a.tobytes() if isinstance(a, np.ndarray) else None for a in case]
        try:
            out = drive(namespace, *case)
        except BaseException as error:
            results["calls"].append({"error": f"{type(error).__name__}: {error}"})
            continue
        changed = [i for i, (a, b) in enumerate(zip(case, before))
                   if b is not None and a.tobytes() != b]
        results["calls"].append({"out": plain(out), "changed_inputs": changed})
result_file.write(json.dumps(results))
result_file.close()
'''


# One per grading process, as ``python -I -c ZYGOTE <socket fd> BOOT``: a clean Python that has
# imported NumPy and nothing of the course, and forks a child for each task. Starting a fresh
# interpreter and importing NumPy costs about 80 ms; a fork costs a few, and 54 judged tasks per
# student add up. The zygote never runs student code and never sees a request: it receives the
# child's three pipe ends (request, result, stderr) and a time limit over the socket, forks,
# stops the child at the limit, and answers with its exit code. Each child is a copy of the
# untouched zygote, so no student's code can reach another's, nor anything of the grader's.
ZYGOTE = r'''
import json, os, select, signal, socket, sys, traceback
import base64, io, math, resource, types, numpy as np   # what every child imports, once
control = socket.socket(fileno=int(sys.argv[1]))
BOOT = sys.argv[2]
while True:
    message, fds, _, _ = socket.recv_fds(control, 64, 3)
    if not message:   # the grading process has gone
        break
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            request_fd, result_fd, error_fd = fds
            null = os.open(os.devnull, os.O_WRONLY)
            for fd, target in ((request_fd, 0), (null, 1), (error_fd, 2)):
                os.dup2(fd, target)
                os.close(fd)
            exec(BOOT, {"__name__": "__sandbox__", "RESULT_FD": result_fd})
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)   # never back into this loop
    for fd in fds:
        os.close(fd)
    pidfd = os.pidfd_open(pid)
    timed_out = not select.select([pidfd], [], [], float(message))[0]
    if timed_out:
        os.kill(pid, signal.SIGKILL)   # not yet reaped, so the pid is still this child's
    os.close(pidfd)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    control.sendall(json.dumps({"returncode": status, "timed_out": timed_out}).encode() + b"\n")
'''


class _Zygote:
    """The grading process's handle on its zygote: started at the first judged task."""

    _current: _Zygote | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        env = {"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "HOME": os.environ.get("HOME", "/")}
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-c", ZYGOTE, str(theirs.fileno()), BOOT],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
                env=env)
        self.socket, self.owner = ours, os.getpid()

    @classmethod
    def run(cls, child_fds: tuple[int, int, int], timeout: float,
            while_running: Callable[[], None]) -> dict:
        """Fork a child on ``child_fds``, call ``while_running`` (it feeds and drains the
        pipes), and return the zygote's answer: ``returncode`` and ``timed_out``."""
        with cls._lock:
            if cls._current is None or cls._current.owner != os.getpid() or (
                    cls._current.process.poll() is not None):
                cls._current = cls()
                atexit.register(cls._current.close)
            zygote = cls._current
            socket.send_fds(zygote.socket, [repr(float(timeout)).encode()], list(child_fds))
            for fd in child_fds:
                os.close(fd)
            while_running()
            zygote.socket.settimeout(timeout + 60)
            answer = b""
            while not answer.endswith(b"\n"):
                chunk = zygote.socket.recv(4096)
                if not chunk:
                    cls._current = None
                    raise RuntimeError("the judge's zygote process ended while judging")
                answer += chunk
            return json.loads(answer)

    def close(self) -> None:
        self.socket.close()   # the zygote reads the end of its socket and leaves
        self.process.wait()


def run_sandboxed(source: str, inputs: str, function: str | None = None,
                  values: tuple[str, ...] = (), *, timeout: float = WALL_SECONDS,
                  memory: int = MEMORY_BYTES, cpu: int = CPU_SECONDS) -> dict:
    """Run the student's ``source`` in a child process and return what it produced, as data.

    ``inputs`` is trusted code, run in the child before the student's: it may define
    ``cases()``, a list of argument tuples; ``given``, a dict of names the student's cell
    may use (reference pieces of earlier tasks, stand-ins for the package's objects);
    ``wrap(function)``, applied to the student's function (a guard); and
    ``drive(namespace, *case)``, what to do with the student's namespace for one case (by
    default: call ``namespace[function]`` on the case). ``values`` are names whose values
    are returned. The result: ``defined`` (names the source defined), ``calls`` (per case
    ``{"out": plain}`` or ``{"error": "..."}``, and the indices of array inputs the call
    changed), ``values``, or ``source_error``; ``{"crashed": "..."}`` if the process ended
    without a result (an exit, a timeout, memory). Cases run only if the source defined
    ``function`` (or ``function`` is None).
    """
    request = {"source": source, "inputs": inputs, "function": function,
               "values": list(values), "memory": memory, "cpu": cpu,
               "package_dir": str(Path(__import__("mlp_from_scratch").__file__).parent)}
    (request_read, request_write), (result_read, result_write), (error_read, error_write) = (
        os.pipe(), os.pipe(), os.pipe())
    result, error_tail = bytearray(), bytearray()

    def drain_result() -> None:   # read while the child runs: a pipe holds only 64 KiB
        with os.fdopen(result_read, "rb") as pipe:
            while (chunk := pipe.read(1 << 16)) and len(result) <= RESULT_BYTES:
                result.extend(chunk)   # past the limit the pipe closes: the child's write fails

    def drain_errors() -> None:   # only the last line is reported
        with os.fdopen(error_read, "rb") as pipe:
            while chunk := pipe.read(1 << 16):
                error_tail[:] = (error_tail + chunk)[-4096:]

    def feed_and_drain() -> None:
        readers = [threading.Thread(target=drain, daemon=True) for drain in (drain_result, drain_errors)]
        for reader in readers:
            reader.start()
        with os.fdopen(request_write, "wb") as pipe:
            try:
                pipe.write(json.dumps(request).encode())
            except BrokenPipeError:   # the child ended before reading it: its exit code says why
                pass
        for reader in readers:
            reader.join()

    ended = _Zygote.run((request_read, result_write, error_write), timeout, feed_and_drain)
    if ended["timed_out"]:
        return {"crashed": f"your code ran longer than {timeout:.0f} s (an endless loop?) "
                           "and was stopped"}
    if len(result) > RESULT_BYTES:
        return {"crashed": f"your code returned more than {RESULT_BYTES >> 20} MB of results"}
    try:
        return json.loads(bytes(result))
    except ValueError:
        tail = error_tail.decode(errors="replace").strip().splitlines()[-1:] or [""]
        returncode = ended["returncode"]
        why = {-signal.SIGXCPU: f"it used more than {cpu} s of CPU time (an endless loop?)",
               -signal.SIGKILL: "it was killed (more memory or time than the grader allows)"}.get(
            returncode, f"the process ended with exit code {returncode}")
        return {"crashed": f"your code stopped the grading process before it returned: {why}"
                           + (f" ({tail[0]})" if tail[0] else "")}

def array_of(plain: dict, name: str) -> np.ndarray:
    """The array a child returned, rebuilt from its bytes (a tuple or list of numbers or of
    equal-shaped arrays is stacked); a Verdict if what came back was not real numbers."""
    if "items" in plain:
        parts = [array_of(p, f"{name}[{i}]") for i, p in enumerate(plain["items"])]
        if len({p.shape for p in parts}) > 1:
            raise Verdict(f"{name} should be one array, got a list of arrays of different shapes")
        return np.array(parts)
    if "bytes" not in plain:
        raise Verdict(f"{name} should be a NumPy array of numbers, got {kind_of(plain)}")
    dtype = np.dtype(plain["dtype"])
    if dtype.kind not in "biuf":
        raise Verdict(f"{name} should hold real numbers, got dtype {dtype}")
    return np.frombuffer(base64.b64decode(plain["bytes"]), dtype=dtype).reshape(plain["shape"])


def number_of(plain: dict | None, name: str) -> float:
    """A single real number a child returned; a Verdict for anything else."""
    if plain is None:
        raise Verdict(f"{name} is not defined by your solution cell")
    if "bytes" not in plain or plain["shape"]:
        raise Verdict(f"{name} should be a number, got {kind_of(plain)}")
    return float(array_of(plain, name))


def answer_of(plain: dict | None, name: str) -> float:
    """A student's number as ``checks.check_number`` takes it: defined, not None, not a bool,
    one real and finite number; a Verdict for anything else."""
    if plain is not None and plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: replace None with your answer")
    if plain is not None and plain.get("dtype", "").endswith("b1"):
        raise Verdict(f"{name} should be a number, got bool")
    value = number_of(plain, name)
    if not math.isfinite(value):
        raise Verdict(f"{name} should be a finite number, got {value}")
    return value


def items_of(plain: dict, name: str, length: int) -> list[dict]:
    """The ``length`` items of a tuple or list a child returned; a Verdict for anything else."""
    if "items" not in plain or len(plain["items"]) != length:
        raise Verdict(f"{name} should be a tuple of {length} values, got {kind_of(plain)}")
    return plain["items"]


def kind_of(plain: dict) -> str:
    """What a plain value is, in words, for a message."""
    if "items" in plain:
        return f"a sequence of {len(plain['items'])} values"
    if "bytes" in plain:
        return f"an array of shape {tuple(plain['shape'])}" if plain["shape"] else "a number"
    if "str" in plain:
        return f"the text {plain['str'][:40]!r}"
    return "a dict" if "dict" in plain else f"a {plain.get('type')}"


class Verdict(Exception):
    """A judged task failed; the message is what the student reads."""


class NotAnswered(Verdict):
    """The task still holds the release's stub."""


def raise_if_unanswered(error: str) -> None:
    """A NotAnswered verdict if the child's ``error`` is the release's stub."""
    if error.startswith("NotImplementedError"):
        raise NotAnswered("not answered yet: the solution still raises NotImplementedError")


def raise_if_broken(got: dict, name: str | None, alone: str = "") -> None:
    """Verdicts that need no comparison: the process crashed, the cell raised, or it does
    not define ``name``. ``alone`` is what the cell may use, said on a NameError."""
    if "crashed" in got:
        raise Verdict(got["crashed"])
    if "source_error" in got:
        raise_if_unanswered(got["source_error"])
        raise Verdict(f"your solution cell raised {got['source_error']}"
                      + alone_hint(got["source_error"], alone))
    if name is not None and name not in got["defined"]:
        raise Verdict(f"your solution cell does not define {name}")


def call_error(call: dict, name: str, alone: str = "") -> str | None:
    """The error a call raised (a NotAnswered verdict for the stub), or None."""
    if "error" not in call:
        return None
    raise_if_unanswered(call["error"])
    return call["error"] + alone_hint(call["error"], alone)


def judged_calls(source: str, inputs: str, function: str, *, timeout: float = WALL_SECONDS,
                 too_slow: str = "") -> Iterator[tuple[tuple, dict]]:
    """The student's ``function`` run on each case of ``inputs`` (its ``cases()``, made again
    here in the grading process): ``(case, out)`` for each call, ``out`` what the call
    returned as plain data; a Verdict if the process crashed, the cell raised or does not
    define ``function``, or a call raised (named with its arguments). ``too_slow`` is said
    when the calls ran past ``timeout`` (a far case that only a formula answers in time)."""
    got = run_sandboxed(source, inputs, function=function, timeout=timeout)
    if too_slow and "crashed" in got:
        raise Verdict(f"{function} did not return ({got['crashed']}): {too_slow}")
    raise_if_broken(got, function)
    namespace: dict = {"np": np, "math": math}
    exec(inputs, namespace)
    for case, call in zip(namespace["cases"](), got["calls"]):
        error = call_error(call, function)
        if error is not None:
            raise Verdict(f"{function}({', '.join(map(repr, case))}) raised {error}")
        yield case, call["out"]


def returned_pair(call: dict, call_text: str, names: tuple[str, str]) -> tuple[dict, dict]:
    """The two values a call returned, as the child sent them back; a Verdict if the call
    raised (``call_text`` names the call, as in ``"momentum_warmup(0.8, 0.5)"``) or returned
    something other than a pair ``names``."""
    function = call_text.split("(")[0].split()[0]
    error = call_error(call, function)
    if error is not None:
        kind, _, detail = error.partition(":")
        raise Verdict(f"{call_text} raised {kind}:{detail}")
    out = call["out"]
    if "items" not in out or len(out["items"]) != 2:
        got = ("a number" if "bytes" in out else
               f"{len(out['items'])} values" if "items" in out else out.get("type", "something else"))
        raise Verdict(f"{function} should return a pair ({names[0]}, {names[1]}), got {got}")
    return out["items"][0], out["items"][1]


def raise_if_changed(call: dict, function: str, names: list[str]) -> None:
    """A Verdict if the call changed one of its array inputs (``names``: the arguments'
    names, in order): a function must leave what it is given as it was."""
    changed = [i for i in call.get("changed_inputs", []) if i < len(names)]
    if changed:
        name = names[changed[0]]
        raise Verdict(f"{function} changed its input {name}: compute on a copy, or without "
                      "writing into it (a caller still needs its arrays)")


def raise_if_not_close(name: str, value: np.ndarray, expected: np.ndarray, rtol: float = 1e-5,
                       atol: float = 1e-7) -> None:
    """check_close's verdict, in the grading process: how many entries are wrong, and the
    first, never the values."""
    wrong = ~np.isclose(value, expected, rtol=rtol, atol=atol)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        where = f" (the first at index {first})" if first else ""
        raise Verdict(f"{name} is wrong in {int(wrong.sum())} of {wrong.size} "
                      f"entr{'y' if wrong.size == 1 else 'ies'}{where}")


def alone_hint(error: str, alone: str = "") -> str:
    """On a NameError: that the judge runs the solution cell on its own, and with what."""
    if not error.startswith("NameError"):
        return ""
    return (" (the grader runs your solution cell on its own, with NumPy as np and math"
            + (f" and {alone}" if alone else "") + ": a judged task may use nothing else "
            "from the notebook)")


def tasks() -> dict[str, Callable[[str], None]]:
    """The judged tasks, by the grade_id of their solution cell: each raises Verdict, or
    returns None, for the student's solution-cell source (``tools/judges/nbNN.py``)."""
    from judges import TASKS

    return TASKS


def judge_source(grade_id: str, source: str) -> Verdict | None:
    """Why the student's ``source`` of task ``grade_id`` fails, or None if it passes."""
    try:
        tasks()[grade_id](source)
    except Verdict as verdict:
        return verdict
    except Exception as error:   # data the child forged (its cell can reach the child's result)
        return Verdict(f"what your code returned could not be read back by the grader "
                       f"({type(error).__name__}: {error})")
    return None


class JudgeTasks(NbGraderPreprocessor):
    """After nbgrader's Execute: every test cell of a judged task gets the judge's verdict
    in place of whatever the kernel printed or raised.

    With ``judge_only`` the notebook was not executed, so a test cell without a verdict
    would keep no output and nbgrader would count it as passed: every graded cell must then
    belong to a judged task, or the notebook is not graded at all (an error, not points)."""

    judge_only = Bool(False, help="the notebook was not executed: every graded cell must be "
                                   "a judged task's").tag(config=True)

    def preprocess(self, nb, resources):
        sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        verdicts = {grade_id: judge_source(grade_id, source)
                    for grade_id, source in sources.items() if grade_id in tasks()}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            task = _task_of(meta.get("grade_id", "")) if meta.get("grade") else None
            if task in verdicts:
                cell.outputs = _outputs(verdicts[task])
            elif meta.get("grade") and self.judge_only:
                raise ValueError(f"graded cell {meta.get('grade_id')!r} belongs to no judged task: "
                                 "grade this notebook without --judge-only, so that its kernel runs")
        return nb, resources


def _task_of(check_id: str) -> str | None:
    match = CHECK_ID.match(check_id)
    return match.group("task") if match else None


def _outputs(failure: Verdict | None) -> list:
    from nbformat.v4 import new_output

    if failure is None:
        return [new_output("stream", name="stdout",
                           text="judged outside the notebook's kernel: passed\n")]
    ename = "NotImplementedError" if isinstance(failure, NotAnswered) else "CheckFailed"
    return [new_output("error", ename=ename, evalue=str(failure),
                       traceback=[f"{ename}: {failure} (judged outside the notebook's kernel)"])]


class GradingExecute(Execute):
    """nbgrader's Execute, in a kernel that a submission cannot use against the course
    (tools/grading_kernel.py runs first in it), and that survives a submission killing it:
    the cell that killed the kernel gets an error, the kernel is restarted, the cells before
    it are run again (their outputs kept as they were), and grading goes on. nbgrader's own
    Execute would give up on the whole notebook, losing the student every point."""

    def preprocess(self, nb, resources=None, km=None):
        self._killers: set[int] = set()
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        from nbclient.exceptions import DeadKernelError
        from nbclient.util import run_sync
        from nbformat.v4 import new_output

        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._killers.add(index)
            why = ("this cell ended the notebook's Python process; the grader restarted it, "
                   "ran the cells above again and went on without this one")
            cell.outputs.append(new_output("error", ename="KernelDied", evalue=why,
                                           traceback=[f"KernelDied: {why}"]))
            run_sync(self.km.restart_kernel)(now=True)
            self.wait_for_reply(self.kc.kernel_info())
            for j, earlier in enumerate(self.nb.cells[:index]):
                if earlier.cell_type == "code" and j not in self._killers:
                    self.execute_cell(copy.deepcopy(earlier), j, store_history=False)
            return cell, self.resources
