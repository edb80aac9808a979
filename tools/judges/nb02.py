"""Notebook 02's judged tasks: a 2-layer forward pass, ReLU weights that compute XOR and
the probability that a fresh 2-4-1 ReLU network starts dead (tools/judge.py).

The student's solution cell runs alone in the sandboxed child; the grading process
rebuilds what came back and compares it with the package's layers (``mfs.Dense``,
``mfs.Tanh``, ``mfs.ReLU``) or with the values the notebook's checks ask for.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (Verdict, answer_of, array_of, call_error, judged_calls, number_of, raise_if_broken,
                   raise_if_not_close, run_sandboxed)


def _namespace(code: str) -> dict:
    """The trusted inputs code run in the grading process too, so both sides see the same cases."""
    namespace: dict = {"np": np, "math": math}
    exec(code, namespace)
    return namespace


# ---------------------------------------------------------------- two_layer_forward

_FORWARD_CASES = '''
def relu(z):
    # what the notebook passes as mfs.relu, in NumPy
    return np.maximum(z, 0)


def cases():
    """(X, W1, b1, W2, b2, activation), in the order of the notebook's checks: the visible
    Tanh case, then per hidden size a ReLU case in float64 and a Tanh case in float32."""
    rng = np.random.default_rng(202)
    shapes = [(5, 3), (3, 4), (4,), (4, 2), (2,)]
    out = [(*[rng.normal(size=s) for s in shapes], np.tanh)]
    rng = np.random.default_rng(203)
    for batch, inputs, hidden, outputs in [(1, 2, 2, 1), (7, 5, 3, 4)]:
        arrays = [rng.normal(size=s) for s in
                  [(batch, inputs), (inputs, hidden), (hidden,), (hidden, outputs), (outputs,)]]
        out.append((*arrays, relu))
        out.append((*[a.astype(np.float32) for a in arrays], np.tanh))
    return out


def drive(namespace, X, W1, b1, W2, b2, activation):
    """The forward pass on one case; what it returned, and the inputs as they are afterwards
    (compared in the grading process, so a patched comparison in here changes nothing)."""
    result = namespace["two_layer_forward"](X, W1, b1, W2, b2, activation)
    pair = isinstance(result, tuple) and len(result) == 2
    return {"pair": pair, "inputs": [X, W1, b1, W2, b2],
            "types": [type(r).__name__ for r in result] if pair else [],
            "H": result[0] if pair else None, "Z": result[1] if pair else None}
'''


def _judge_forward(source: str) -> None:
    cases = _namespace(_FORWARD_CASES)["cases"]()
    got = run_sandboxed(source, _FORWARD_CASES, function="two_layer_forward")
    raise_if_broken(got, "two_layer_forward")
    for (*arrays, activation), call in zip(cases, got["calls"]):
        X, W1, b1, W2, b2 = arrays
        sizes = f"X {X.shape}, W1 {W1.shape}, W2 {W2.shape}"
        error = call_error(call, "two_layer_forward")
        if error:
            name, _, detail = error.partition(":")
            raise Verdict(f"two_layer_forward raised {name} for {sizes}:{detail}")
        fields = call["out"].get("dict", {})
        if not fields or not number_of(fields["pair"], "pair"):
            raise Verdict("two_layer_forward should return a pair (H, Z)")
        after = fields["inputs"]["items"]
        if not all(np.array_equal(array_of(a, "an input"), g) for a, g in zip(after, arrays)):
            raise Verdict("two_layer_forward changed one of its inputs")
        H_ref, Z_ref = _reference_forward(*arrays, activation)
        rtol = 1e-4 if X.dtype == np.float32 else 1e-6
        H = _array(fields, "H", 0, H_ref.shape)
        Z = _array(fields, "Z", 1, Z_ref.shape)
        raise_if_not_close(f"H for X {X.shape}", H, H_ref, rtol, rtol)
        if (not np.allclose(Z, Z_ref, rtol=rtol, atol=rtol)
                and np.allclose(Z, activation(Z_ref), rtol=rtol, atol=rtol)):
            raise Verdict("Z went through the activation too: the output layer here applies none")
        raise_if_not_close(f"Z for X {X.shape}", Z, Z_ref, rtol, rtol)
        if X.dtype == np.float32 and (H.dtype != np.float32 or Z.dtype != np.float32):
            raise Verdict(f"float32 inputs gave H {H.dtype} and Z {Z.dtype}: keep float32 "
                          "(no float64 constants)")
    if len(got["calls"]) != len(cases):
        raise Verdict("two_layer_forward was not called on every case")


def _array(fields: dict, name: str, index: int, shape: tuple) -> np.ndarray:
    """check_array's test and messages, on what came back."""
    kind = fields["types"]["items"][index].get("str", "?")
    if kind != "ndarray":
        raise Verdict(f"{name} should be a NumPy array, got {kind[:40]}")
    value = array_of(fields[name], name)
    if value.dtype.kind == "b":
        raise Verdict(f"{name} should hold real numbers, got dtype bool")
    if value.shape != shape:
        raise Verdict(f"{name} has shape {value.shape}, expected {shape}")
    if not np.isfinite(value).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return value


def _reference_forward(X, W1, b1, W2, b2, activation) -> tuple[np.ndarray, np.ndarray]:
    """The package's layers holding the same parameters: (H, Z), as the notebook's check."""
    import mlp_from_scratch as mfs

    dense1 = mfs.Dense(*W1.shape, rng=np.random.default_rng(0), dtype=W1.dtype)
    dense2 = mfs.Dense(*W2.shape, rng=np.random.default_rng(0), dtype=W2.dtype)
    dense1.params["W"][...], dense1.params["b"][...] = W1, b1
    dense2.params["W"][...], dense2.params["b"][...] = W2, b2
    hidden_layer = mfs.Tanh() if activation is np.tanh else mfs.ReLU()
    H = hidden_layer.forward(dense1.forward(X))
    return H, dense2.forward(H)


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
            raise Verdict(f"{setting} = {p:g} is not the fraction of fresh 2-4 layers dead on XOR's inputs (the "
                          "check counts about 0.004): a layer is dead when every one of its units is")
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
    "nb02_forward": _readable(_judge_forward),
    "nb02_xor_relu_weights": _readable(_judge_xor_relu_weights),
    "nb02_all_dead": _readable(_judge_all_dead),
}
