"""Points the student's code cannot rig: each judged task is graded outside the notebook's kernel.

nbgrader runs a submission in one kernel: the student's solution cells and the test cells
after them share it, so a solution can replace the checks, numpy's comparisons, or the
kernel's own error reporting, and every test "passes". The judge takes the decision away
from that kernel. After nbgrader has executed the notebook (its outputs stay, for the
student's feedback), ``JudgeTasks`` re-decides the test cells of every task in ``TASKS``:

1. **The student's code runs in a child process** (``run_sandboxed``): a fresh Python
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

A task not in ``TASKS`` is graded by its test cells in the kernel, as before.
``nbgrader_config.py`` puts ``JudgeTasks`` right after nbgrader's ``Execute``.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_cells import CHECK_ID  # noqa: E402

try:   # nbgrader is there when grading; the judge itself works without it (tests)
    from nbgrader.preprocessors import Execute, NbGraderPreprocessor
except ImportError:  # pragma: no cover
    Execute = NbGraderPreprocessor = object

ROOT = Path(__file__).resolve().parent.parent

#: Limits of one task's child process.
MEMORY_BYTES = 2 * 1024**3
CPU_SECONDS = 20
WALL_SECONDS = 60


# Run in the child, as ``python -I -c BOOT``: limits, the task's inputs, the audit hook,
# then the student's source and the calls. Reads the request (JSON) on stdin and writes
# the result (JSON) to the pipe whose descriptor the request names; what the student prints goes to stdout, unread.
BOOT = r'''
import json, os, resource, sys
request = json.loads(sys.stdin.read())
result_file = os.fdopen(request["fd"], "w")
resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
resource.setrlimit(resource.RLIMIT_CPU, (request["cpu"], request["cpu"] + 1))  # SIGXCPU first
import base64, io, math, numpy as np

inputs_ns = {"np": np, "math": math}
exec(request["inputs"], inputs_ns)
cases = inputs_ns["cases"]()        # made before any student code runs

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

def plain(value):
    """What a returned value is, as data only: numbers as dtype, shape and bytes."""
    if isinstance(value, (bool, int, float, np.number, np.ndarray, list, tuple)):
        array = np.array(value, copy=True, subok=False)
        if array.dtype.kind in "biuf":
            return {"dtype": array.dtype.str, "shape": list(array.shape),
                    "bytes": base64.b64encode(array.tobytes()).decode("ascii")}
    return {"type": type(value).__name__}

namespace = {"np": np, "math": math, "__name__": "__main__"}
results = {"defined": [], "calls": []}
try:
    exec(compile(request["source"], "<your solution cell>", "exec"), namespace)
except BaseException as error:
    results["source_error"] = f"{type(error).__name__}: {error}"
else:
    results["defined"] = sorted(n for n in namespace if not n.startswith("__"))
    results["values"] = {n: plain(namespace[n]) for n in request["values"] if n in namespace}
    function = namespace.get(request["function"]) if request["function"] else None
    if function is not None and "wrap" in inputs_ns:   # e.g. a guard against row loops
        function = inputs_ns["wrap"](function)
    for case in cases if function is not None else []:
        before = [np.array(a, copy=True) for a in case]
        try:
            out = function(*case)
        except BaseException as error:
            results["calls"].append({"error": f"{type(error).__name__}: {error}"})
            continue
        changed = [i for i, (a, b) in enumerate(zip(case, before))
                   if isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True)]
        results["calls"].append({"out": plain(out), "changed_inputs": changed})
result_file.write(json.dumps(results))
result_file.close()
'''


def run_sandboxed(source: str, inputs: str, function: str | None = None,
                  values: tuple[str, ...] = (), *, timeout: float = WALL_SECONDS,
                  memory: int = MEMORY_BYTES, cpu: int = CPU_SECONDS) -> dict:
    """Run the student's ``source`` in a child process and return what it produced, as data.

    ``inputs`` is code defining ``cases()``, a list of argument tuples, and optionally
    ``wrap(function)`` (both made before the student's code runs); ``function``, wrapped,
    is called on each case; ``values`` are names whose
    values are returned. The result: ``defined`` (names the source defined), ``calls``
    (per case ``{"out": plain}`` or ``{"error": "..."}``, and the indices of array inputs
    the call changed), ``values``, or ``source_error``; ``{"crashed": "..."}`` if the
    process ended without a result (an exit, a timeout, memory).
    """
    read_end, write_end = os.pipe()
    request = {"source": source, "inputs": inputs, "function": function, "fd": write_end,
               "values": list(values), "memory": memory, "cpu": cpu,
               "package_dir": str(Path(__import__("mlp_from_scratch").__file__).parent)}
    env = {"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "HOME": os.environ.get("HOME", "/")}
    try:
        child = subprocess.Popen([sys.executable, "-I", "-c", BOOT], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 pass_fds=(write_end,), env=env)
    finally:
        os.close(write_end)
    try:
        _, stderr = child.communicate(json.dumps(request).encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        os.close(read_end)
        return {"crashed": f"your code ran longer than {timeout:.0f} s (an endless loop?) "
                           "and was stopped"}
    with os.fdopen(read_end, "rb") as pipe:
        raw = pipe.read()
    try:
        return json.loads(raw)
    except ValueError:
        tail = stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        why = {-signal.SIGXCPU: f"it used more than {cpu} s of CPU time (an endless loop?)",
               -signal.SIGKILL: "it was killed (more memory or time than the grader allows)"}.get(
            child.returncode, f"the process ended with exit code {child.returncode}")
        return {"crashed": f"your code stopped the grading process before it returned: {why}"
                           + (f" ({tail[0]})" if tail[0] else "")}


def array_of(plain: dict, name: str) -> np.ndarray:
    """The array a child returned, rebuilt from its bytes; a Verdict if what came back was
    not an array of real numbers."""
    if "bytes" not in plain:
        raise Verdict(f"{name} should be a NumPy array of numbers, got {plain.get('type')}")
    dtype = np.dtype(plain["dtype"])
    if dtype.kind not in "biuf":
        raise Verdict(f"{name} should hold real numbers, got dtype {dtype}")
    return np.frombuffer(base64.b64decode(plain["bytes"]), dtype=dtype).reshape(plain["shape"])


class Verdict(Exception):
    """A judged task failed; the message is what the student reads."""


class NotAnswered(Verdict):
    """The task still holds the release's stub."""


def judge_source(grade_id: str, source: str) -> Verdict | None:
    """Why the student's ``source`` of task ``grade_id`` fails, or None if it passes."""
    try:
        TASKS[grade_id](source)
    except Verdict as verdict:
        return verdict
    return None


# ----------------------------------------------------------------- notebook 03's tasks

_DENSE_CASES = '''
def cases():
    """(X, W, b): three layer sizes in float64 and float32, square layers (which catch a
    transposed W), X = 0 (which shows b) and one-hot rows (which show W's rows)."""
    out = []
    for seed, shapes in [(1, [(5, 3, 2), (1, 4, 6), (7, 2, 3)]),
                         (4, [(4, 4, 4), (6, 3, 3), (4, 3, 4), (3, 5, 3), (1, 1, 1), (8, 5, 2)])]:
        for batch, n_in, n_out in shapes:
            for dtype in (np.float64, np.float32):
                rng = np.random.default_rng(seed)
                X = rng.standard_normal((batch, n_in)).astype(dtype)
                W = rng.standard_normal((n_in, n_out)).astype(dtype)
                b = rng.standard_normal(n_out).astype(dtype)
                out.append((X, W, b))
                out.append((np.zeros_like(X), W, b))
                out.append((np.eye(n_in, dtype=dtype)[np.arange(batch) % n_in], W, np.zeros_like(b)))
    return out
'''


def _judge_dense_forward(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_DENSE_CASES, namespace)
    cases = namespace["cases"]()
    # One example at a time is the loop the task replaces: an X that refuses row access
    # exists only in the child, so the judge asks the child to run the calls with it.
    got = run_sandboxed(source, _DENSE_CASES + _ROW_GUARD, function="dense_forward")
    _raise_if_broken(got, "dense_forward")
    for (X, W, b), call in zip(cases, got["calls"]):
        sizes = f"X {X.shape}, W {W.shape}"
        if "error" in call:
            error = call["error"]
            _raise_if_unanswered(error)
            if error.startswith("_RowAccess"):
                raise Verdict("dense_forward walks through X one example (row) at a time; the "
                              "task is the whole batch without a Python loop")
            raise Verdict(f"dense_forward raised {error.split(':')[0]} for X of shape {X.shape}, "
                          f"W of shape {W.shape}, b of shape {b.shape}:{error.split(':', 1)[1]}"
                          + _ALONE * error.startswith("NameError"))
        if call["changed_inputs"]:
            raise Verdict(f"dense_forward changed its input {'XWb'[call['changed_inputs'][0]]} "
                          f"({sizes}): a layer's forward pass must leave its inputs as they were")
        out = array_of(call["out"], f"the output for {sizes}")
        if out.shape != (X.shape[0], W.shape[1]):
            raise Verdict(f"the output for {sizes} has shape {out.shape}, expected "
                          f"{(X.shape[0], W.shape[1])}")
        if out.dtype != X.dtype:
            raise Verdict(f"the output is {out.dtype} for {X.dtype} inputs ({sizes}); something "
                          "in dense_forward changed the dtype")
        if not np.isfinite(out).all():
            raise Verdict(f"the output for {sizes} contains NaN or infinity")
        expected = _reference_dense(X, W, b)
        tolerance = {"rtol": 1e-4, "atol": 1e-5} if X.dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-12}
        wrong = ~np.isclose(out, expected, **tolerance)
        if wrong.any():
            if not X.any():
                raise Verdict(f"with X = 0 ({sizes}) every row of the output should be the bias "
                              "b: the bias must be added to every example")
            if not b.any() and W.shape[0] == W.shape[1]:
                raise Verdict(f"for a layer {W.shape} with b = 0, an example that is 1 at input i "
                              "and 0 elsewhere should give neuron j the weight from input i to "
                              "neuron j; it does not: check which axis of W indexes the inputs")
            raise Verdict(f"the output for {sizes} is wrong in {int(wrong.sum())} of {wrong.size} "
                          "entries")


_ROW_GUARD = '''
class _RowAccess(Exception):
    pass


class _OneExampleAtATime(np.ndarray):
    def __iter__(self):
        raise _RowAccess("one example at a time")

    def __getitem__(self, key):
        first = key[0] if isinstance(key, tuple) and key else key
        if isinstance(first, (int, np.integer)):
            raise _RowAccess("one example at a time")
        return super().__getitem__(key)


def wrap(function):
    def call(X, W, b):
        out = function(X.view(_OneExampleAtATime), W, b)
        return np.asarray(out) if isinstance(out, np.ndarray) else out
    return call
'''


def _reference_dense(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The package's Dense layer on (X, W, b): the reference, in the grading process."""
    import mlp_from_scratch as mfs

    layer = mfs.Dense(W.shape[0], W.shape[1], rng=np.random.default_rng(0), dtype=X.dtype)
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer.forward(X)


_ALONE = (" (the grader runs your solution cell on its own, with NumPy as np and math: "
          "a judged task may use nothing else from the notebook)")


def _raise_if_unanswered(error: str) -> None:
    if error.startswith("NotImplementedError"):
        raise NotAnswered("not answered yet: the solution still raises NotImplementedError")


def _raise_if_broken(got: dict, name: str) -> None:
    """Verdicts that need no comparison: the process crashed, the cell raised, or it does
    not define ``name``."""
    if "crashed" in got:
        raise Verdict(got["crashed"])
    if "source_error" in got:
        _raise_if_unanswered(got["source_error"])
        raise Verdict(f"your solution cell raised {got['source_error']}"
                      + _ALONE * got["source_error"].startswith("NameError"))
    if name not in got["defined"]:
        raise Verdict(f"your solution cell does not define {name}")


def _judge_counting(source: str) -> None:
    got = run_sandboxed(source, "def cases():\n    return []\n",
                        values=("num_parameters", "num_multiply_adds"))
    _raise_if_broken(got, "num_parameters")
    sizes = [784, 256, 10]
    weights = sum(a * c for a, c in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    answers = {}
    for name in ("num_parameters", "num_multiply_adds"):
        plain = got["values"].get(name)
        if plain is None or "bytes" not in plain or plain["shape"]:
            raise Verdict(f"{name} should be a number, got "
                          f"{plain.get('type') if plain else 'nothing'}")
        answers[name] = float(array_of(plain, name))
    if answers["num_parameters"] == weights:
        raise Verdict("num_parameters counts the weights but not the biases")
    if answers["num_parameters"] != weights + biases:
        raise Verdict(f"num_parameters is {answers['num_parameters']:g}, which is not the number "
                      "of weights and biases of the 784-256-10 network")
    if answers["num_multiply_adds"] == weights:
        raise Verdict("num_multiply_adds counts one example, not a batch of 32")
    if answers["num_multiply_adds"] != 32 * weights:
        raise Verdict(f"num_multiply_adds is {answers['num_multiply_adds']:g}, which is not the "
                      "number of multiply-adds of the products of one forward pass of 32 examples")


#: The judged tasks, by the grade_id of their solution cell.
#: Each raises Verdict, or returns None, for the student's solution-cell source.
TASKS: dict[str, Callable[[str], None]] = {
    "nb03_dense_forward": _judge_dense_forward,
    "nb03_counting": _judge_counting,
}


class JudgeTasks(NbGraderPreprocessor):
    """After nbgrader's Execute: every test cell of a judged task gets the judge's verdict
    in place of whatever the kernel printed or raised."""

    def preprocess(self, nb, resources):
        sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        verdicts = {grade_id: judge_source(grade_id, source)
                    for grade_id, source in sources.items() if grade_id in TASKS}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            task = _task_of(meta.get("grade_id", "")) if meta.get("grade") else None
            if task in verdicts:
                cell.outputs = _outputs(verdicts[task])
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
