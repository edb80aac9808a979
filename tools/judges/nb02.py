"""Notebook 02's judged tasks: step-network weights that compute parity, ReLU weights that
compute XOR and the probability that a fresh 2-4-1 ReLU network starts dead (tools/judge.py).

The student's solution cell runs alone in the sandboxed child; the grading process
rebuilds what came back, runs the networks itself on every input, and compares with the
values the notebook's checks ask for.
"""

from __future__ import annotations

import itertools

import numpy as np

from judge import Verdict, answer_of, array_of, judged_calls, number_of, raise_if_broken, run_sandboxed


# ---------------------------------------------------------------- parity with step units

_PARITY_CASES = '''
def step(z):
    return (z > 0).astype(np.int64)


given = {"step": step}


def cases():
    """n: the check's 2 and 3, then the hidden tests' 1, 4, 5, 8 and 10."""
    return [(n,) for n in (2, 3, 1, 4, 5, 8, 10)]


def drive(namespace, n):
    """The four arrays parity_weights returned, with their types (check_array wants NumPy arrays)."""
    result = namespace["parity_weights"](n)
    four = isinstance(result, tuple) and len(result) == 4
    names = ("W1", "b1", "W2", "b2")
    return {"four": four, "types": [type(r).__name__ for r in result] if four else [],
            **(dict(zip(names, result)) if four else {})}
'''


def _judge_parity(source: str) -> None:
    for (n,), out in judged_calls(source, _PARITY_CASES, "parity_weights"):
        fields = out.get("dict", {})
        if not fields or not number_of(fields["four"], "four"):
            raise Verdict(f"parity_weights({n}) should return a tuple (W1, b1, W2, b2)")
        W1 = _array(fields, "W1", 0)
        if W1.ndim != 2 or W1.shape[0] != n:
            raise Verdict(f"W1 has shape {W1.shape}, expected ({n}, hidden)")
        hidden = W1.shape[1]
        if not 1 <= hidden <= n:
            raise Verdict(f"parity_weights({n}) uses {hidden} hidden units; at most {n} are allowed")
        b1 = _array(fields, "b1", 1, (hidden,))
        W2 = _array(fields, "W2", 2, (hidden, 1))
        b2 = _array(fields, "b2", 3, (1,))
        X_all = np.array(list(itertools.product([0, 1], repeat=n)), dtype=np.float64)
        parity = X_all.sum(axis=1).astype(np.int64) % 2
        H = ((X_all @ W1 + b1) > 0).astype(np.float64)
        y_hat = ((H @ W2 + b2) > 0)[:, 0].astype(np.int64)
        wrong = np.flatnonzero(y_hat != parity)
        if len(wrong):
            first = wrong[0]
            raise Verdict(f"for n = {n} the network gives {y_hat[first]} on the input "
                          f"{''.join(str(int(x)) for x in X_all[first])}, whose parity is {parity[first]} "
                          f"({len(wrong)} of {len(parity)} inputs wrong)")


def _array(fields: dict, name: str, index: int, shape: tuple | None = None) -> np.ndarray:
    """check_array's test and messages, on what came back."""
    kind = fields["types"]["items"][index].get("str", "?")
    if kind != "ndarray":
        raise Verdict(f"{name} should be a NumPy array, got {kind[:40]}")
    value = array_of(fields[name], name)
    if value.dtype.kind == "b":
        raise Verdict(f"{name} should hold real numbers, got dtype bool")
    if shape is not None and value.shape != shape:
        raise Verdict(f"{name} has shape {value.shape}, expected {shape}")
    if not np.isfinite(value).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return value


# ---------------------------------------------------------------- XOR with ReLU weights

# What the cell may use: the notebook's XOR data, its step network (cell 4) and
# mfs.logic_gate, in NumPy.
_RELU_GIVEN = '''
import types


class _Mfs(types.SimpleNamespace):
    """The grader's stand-in for the package: only the pieces this task may use."""

    def __getattr__(self, name):
        raise AttributeError(f"mfs.{name} is not available while grading: the grader gives "
                             "your cell only mfs.logic_gate (a NumPy stand-in)")


def _logic_gate(name):
    tables = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "xor": [0, 1, 1, 0]}
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return X, np.array(tables[str(name).lower()], dtype=np.int64)


def step(z):
    return (z > 0).astype(np.int64)


X, y = _logic_gate("xor")
given = {"mfs": _Mfs(logic_gate=_logic_gate), "step": step, "X": X, "y": y,
         "W1": np.array([[1.0, -1.0], [1.0, -1.0]]), "b1": np.array([-0.5, 1.5]),
         "W2": np.array([[1.0], [1.0]]), "b2": np.array([-1.5])}
'''

_RELU_NAMES = {"W1_relu": (2, 2), "b1_relu": (2,), "W2_relu": (2, 1), "b2_relu": (1,)}
_RELU_ALONE = ("the notebook's X, y and step network (step, W1, b1, W2, b2), and mfs.logic_gate "
               "(the grader's copies)")


def _judge_xor_relu_weights(source: str) -> None:
    got = run_sandboxed(source, _RELU_GIVEN, values=tuple(_RELU_NAMES))
    raise_if_broken(got, None, _RELU_ALONE)
    weights = {name: _weight(got["values"].get(name), name, shape)
               for name, shape in _RELU_NAMES.items()}
    # the network the notebook's check runs: ReLU hidden layer, linear output
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    targets = np.array([0, 1, 1, 0])
    z = (np.maximum(inputs @ weights["W1_relu"] + weights["b1_relu"], 0) @ weights["W2_relu"]
         + weights["b2_relu"])
    for (x1, x2), z_n, y_n in zip(inputs.astype(int), z[:, 0], targets):
        if not abs(z_n - y_n) < 1e-6:
            raise Verdict(f"the network's output for input ({x1}, {x2}) is {z_n:.3g}, but XOR "
                          f"gives {y_n} there")


def _weight(plain: dict | None, name: str, shape: tuple) -> np.ndarray:
    """check_array's test and messages, on the value that came back."""
    if plain is None:
        raise Verdict(f"your solution cell does not define {name}")
    if plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: does your code return (or assign) its result?")
    if "bytes" not in plain or not plain["shape"]:
        kind = "a list or tuple" if "items" in plain else ("a number" if "bytes" in plain
                                                            else plain.get("type", "text"))
        raise Verdict(f"{name} should be a NumPy array, got {kind}")
    value = array_of(plain, name)
    if value.dtype.kind == "b":
        raise Verdict(f"{name} should hold real numbers, got dtype bool")
    if value.shape != shape:
        raise Verdict(f"{name} has shape {value.shape}, expected {shape}")
    if not np.isfinite(value).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return value


# ---------------------------------------------------------------- p_all_dead

# the check's setting first, then layers and a coding the notebook never runs
_ALL_DEAD_CASES = """
def cases():
    return [(2, 4, "0/1"), (3, 2, "0/1"), (1, 5, "0/1"), (4, 3, "0/1"), (2, 4, "±1"), (3, 1, "±1")]
"""


def _judge_all_dead(source: str) -> None:
    for (num_inputs, hidden, coding), out in judged_calls(source, _ALL_DEAD_CASES, "p_all_dead"):
        setting = f"p_all_dead({num_inputs}, {hidden}, {coding!r})"
        if out.get("type") == "NoneType":
            raise Verdict(f"{setting} returned None: return the probability")
        p = answer_of(out, setting)
        if not 0 <= p <= 1:
            raise Verdict(f"{setting} = {p:g}, but a probability lies between 0 and 1")
        # 0/1 bits: a unit is dead exactly when all its weights are negative (the unit inputs e_i give z = w_i);
        # ±1 bits: x and -x are both inputs and z(-x) = -z(x), so no unit with a nonzero weight is dead
        exact = 0.5 ** (num_inputs * hidden) if coding == "0/1" else 0.0
        if (num_inputs, hidden, coding) == (2, 4, "0/1") and not abs(p - exact) < 0.002:
            raise Verdict(f"{setting} = {p:g} is not the fraction of fresh 2-4 layers dead on XOR's inputs (it is "
                          "more than 0.002 from the check's count over 20,000 fresh layers): a layer is dead "
                          "when every one of its units is")
        if not abs(p - exact) <= 1e-9 * exact + 1e-12:
            raise Verdict(f"{setting} = {p:g} is not the probability that every unit of that fresh layer is dead "
                          "on all its binary inputs: which weights leave a unit's z <= 0 on every input of that "
                          "coding?")


def _readable(judge_task):
    """The judge, with what came back malformed as a verdict rather than a crash of the grader:
    the child's data is the student's to shape (a cell can replace the child's own helpers)."""
    def judged(source: str) -> None:
        try:
            judge_task(source)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            raise Verdict("what your code returned could not be read back by the grader "
                          f"({type(error).__name__}); return plain NumPy arrays and numbers") from error
    judged.__doc__ = judge_task.__doc__
    return judged


TASKS = {
    "nb02_parity": _readable(_judge_parity),
    "nb02_xor_relu_weights": _readable(_judge_xor_relu_weights),
    "nb02_all_dead": _readable(_judge_all_dead),
}
