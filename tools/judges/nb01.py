"""Notebook 01's judged tasks: one perceptron epoch, a sigmoid neuron's gradient, whether one
step neuron computes a given truth table, a cross-entropy computed from the logits and the
logit where float32's two-step loss becomes infinite (tools/judge.py).

Each judge runs the student's solution cell alone in the sandboxed child, with the
notebook's worked helpers (``step``, ``neuron``, ``sigmoid``, ...) re-implemented in NumPy
as ``given``, and decides in the grading process against the package's reference.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (Verdict, array_of, call_error, number_of, raise_if_broken, raise_if_changed,
                   raise_if_not_close, run_sandboxed)

# The notebook's helpers (cells 3 and 18), in NumPy: a solution may call them.
_HELPERS = '''
import types


def step(z):
    # Heaviside step: 1 where z > 0, else 0
    return (np.asarray(z) > 0).astype(np.int64)


def neuron(X, w, b, activation=step):
    return activation(X @ w + b)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class _Mfs(types.SimpleNamespace):
    """The grader's stand-in for the package: only the pieces this task may use."""

    def __getattr__(self, name):
        raise AttributeError(
            f"mfs.{name} is not available while grading: the grader gives your cell only "
            + ", ".join(f"mfs.{n}" for n in sorted(vars(self))) + " (NumPy stand-ins)")


def _stable_sigmoid(z):
    # the package's sigmoid: no overflow in either tail
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_derivative(z):
    s = _stable_sigmoid(z)
    return s * (1 - s)


def _logic_gate(name):
    tables = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "xor": [0, 1, 1, 0]}
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return X, np.array(tables[str(name).lower()], dtype=np.int64)
'''


def _namespace(code: str) -> dict:
    """The trusted inputs code run in the grading process too, so both sides see the same cases."""
    namespace: dict = {"np": np, "math": math}
    exec(code, namespace)
    return namespace


# ---------------------------------------------------------------- perceptron_epoch

_EPOCH_CASES = _HELPERS + '''
given = {"step": step, "neuron": neuron}


def cases():
    """(X, y, w, b, lr), in the order of the notebook's checks: an epoch with nothing to
    learn, one mistake on a label 1 and on a label 0, two equal rows (the second right only
    after the first one's update), then random data (the hidden tests)."""
    out = [(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32), np.array([0, 0, 0, 1]),
            np.array([1.0, 1.0]), -1.5, 0.5)]
    x_one = np.array([[1.0, 2.0]])
    out.append((x_one, np.array([1]), np.array([0.0, 0.0]), 0.0, 0.5))
    out.append((x_one, np.array([0]), np.array([1.0, 1.0]), 0.0, 0.5))
    out.append((np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([1, 1]), np.array([0.0, 0.0]), 0.0, 1.0))
    rng = np.random.default_rng(11)
    X_random = rng.normal(size=(8, 2))
    y_random = (rng.random(8) < 0.5).astype(np.int64)
    out.append((X_random, y_random, np.array([0.3, -0.2]), 0.1, 0.25))
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        X_h = rng.normal(size=(20, 3)).astype(np.float32)
        y_h = (X_h @ rng.normal(size=3) + 0.3 * rng.normal(size=20) > 0).astype(np.int64)
        out.append((X_h, y_h, rng.normal(size=3), -0.2, 0.1))
    return out


def drive(namespace, X, y, w, b, lr):
    """The epoch on one case; what it returned, and the w it was given as it is afterwards
    (compared in the grading process, so a patched comparison in here changes nothing)."""
    result = namespace["perceptron_epoch"](X, y, w, b, lr)
    pair = isinstance(result, tuple) and len(result) == 2
    return {"pair": pair, "w_given": w,
            "w_type": type(result[0]).__name__ if pair else "",
            "w": result[0] if pair else None, "b": result[1] if pair else None}
'''

_EPOCH_ALONE = "the notebook's step and neuron (the grader's copies)"


def _judge_perceptron_epoch(source: str) -> None:
    cases = _namespace(_EPOCH_CASES)["cases"]()
    got = run_sandboxed(source, _EPOCH_CASES, function="perceptron_epoch")
    raise_if_broken(got, "perceptron_epoch", _EPOCH_ALONE)
    for index, ((X, y, w, b, lr), call) in enumerate(zip(cases, got["calls"])):
        error = call_error(call, "perceptron_epoch", _EPOCH_ALONE)
        if error:
            raise Verdict(f"perceptron_epoch raised {error}")
        raise_if_changed(call, "perceptron_epoch", ["X", "y"])   # w: checked with the result
        w_new, b_new = _epoch_result(call["out"], w)
        _check_epoch(index, X, y, w, b, lr, w_new, b_new)
    if len(got["calls"]) != len(cases):
        raise Verdict("perceptron_epoch was not called on every case")


def _epoch_result(out: dict, w: np.ndarray) -> tuple[np.ndarray, float]:
    """(w, b) as the student's epoch returned them, after the checks of form."""
    fields = out.get("dict", {})
    if not fields or not number_of(fields["pair"], "pair"):
        raise Verdict("perceptron_epoch should return a pair (w, b)")
    if not np.array_equal(array_of(fields["w_given"], "the w given"), w):
        raise Verdict("perceptron_epoch changed the w it was given: update a copy instead")
    if fields["w_type"].get("str") != "ndarray":
        raise Verdict(f"w should be a NumPy array, got {fields['w_type'].get('str', '?')[:40]}")
    w_new = array_of(fields["w"], "w")
    if w_new.shape != w.shape:
        raise Verdict(f"w has shape {w_new.shape}, expected {w.shape}")
    if not np.isfinite(w_new).all():
        raise Verdict("w contains NaN or infinity")
    b_new = number_of(fields["b"], "b")
    if not math.isfinite(b_new):
        raise Verdict(f"b should be a finite number, got {b_new}")
    return w_new.astype(np.float64), b_new


def _check_epoch(index, X, y, w, b, lr, w_new, b_new) -> None:
    """What the notebook's visible and hidden checks ask of case ``index``."""
    if index == 0 and not (np.array_equal(w_new, w) and b_new == b):
        raise Verdict("w or b changed although every example was already classified correctly")
    if index in (1, 2):
        z_before, z_after = X[0] @ w + b, X[0] @ w_new + b_new
        if y[0] == 1 and not z_after > z_before:
            raise Verdict("after a mistake on an example labelled 1, w.x + b should grow; it did not")
        if y[0] == 0 and not z_after < z_before:
            raise Verdict("after a mistake on an example labelled 0, w.x + b should shrink; it did not")
        if b_new == b:
            raise Verdict("b did not change after a mistake")
        w_ref, b_ref = _reference_epoch(X, y, w, b, lr)
        if not (np.allclose(w_new, w_ref) and np.isclose(b_new, b_ref)):
            raise Verdict(f"after a mistake on x = (1, 2) at lr 0.5, w moved by {(w_new - w).round(4).tolist()} "
                          f"and b by {b_new - b:.4g}: not the rule's step, in which each weight and the bias "
                          "move by lr times the rate at which z changes with them")
    if index == 3 and not (np.allclose(w_new, [1.0, 0.0]) and np.isclose(b_new, 1.0)):
        raise Verdict("the second row was already right after the first row's update, yet w or b "
                      "changed again: each prediction must use w and b as updated by the rows before it")
    w_ref, b_ref = _reference_epoch(X, y, w, b, lr)
    what = {1: "after one update", 2: "after one update", 4: "after one epoch on random data"}.get(
        index, f"after one epoch ({X.shape[0]} rows, {X.shape[1]} features)")
    tolerance = {"rtol": 1e-5, "atol": 1e-6 if index >= 5 else 1e-7}
    raise_if_not_close(f"w {what}", w_new, w_ref, **tolerance)
    raise_if_not_close(f"b {what}", np.array([b_new]), np.array([b_ref]), **tolerance)


def _reference_epoch(X, y, w, b, lr) -> tuple[np.ndarray, float]:
    """The package's epoch (the notebook's hidden tests compare with it)."""
    from mlp_from_scratch.playgrounds.perceptron import perceptron_epoch

    return perceptron_epoch(X, y, w, b, lr)


# ---------------------------------------------------------------- neuron_gradients

_GRADIENT_CASES = _HELPERS + '''
mfs = _Mfs(sigmoid=_stable_sigmoid, sigmoid_derivative=_sigmoid_derivative)
given = {"step": step, "neuron": neuron, "sigmoid": sigmoid, "mfs": mfs}


def cases():
    """(X, y, w, b): the visible check's case, then the hidden ones (one example, 50, one feature)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    out = [(X, np.array([0, 1, 1, 0, 1, 0]), rng.normal(size=3), float(rng.normal()))]
    for seed, (batch, features) in enumerate([(1, 2), (50, 5), (7, 1)]):
        rng = np.random.default_rng(200 + seed)
        out.append((rng.normal(size=(batch, features)), (rng.random(batch) < 0.5).astype(np.int64),
                    rng.normal(size=features), float(rng.normal())))
    return out


def drive(namespace, X, y, w, b):
    """The gradient at one case (on a copy of w, as the notebook's check passes it)."""
    result = namespace["neuron_gradients"](X, y, w.copy(), b)
    pair = isinstance(result, tuple) and len(result) == 2
    return {"pair": pair, "grad_w_type": type(result[0]).__name__ if pair else "",
            "grad_w": result[0] if pair else None, "grad_b": result[1] if pair else None}
'''

_GRADIENT_ALONE = ("the notebook's sigmoid, step and neuron, and mfs.sigmoid and "
                   "mfs.sigmoid_derivative (the grader's copies)")


def _judge_neuron_gradient(source: str) -> None:
    cases = _namespace(_GRADIENT_CASES)["cases"]()
    got = run_sandboxed(source, _GRADIENT_CASES, function="neuron_gradients")
    raise_if_broken(got, "neuron_gradients", _GRADIENT_ALONE)
    for (X, y, w, b), call in zip(cases, got["calls"]):
        error = call_error(call, "neuron_gradients", _GRADIENT_ALONE)
        if error:
            raise Verdict(f"neuron_gradients raised {error}")
        raise_if_changed(call, "neuron_gradients", ["X", "y"])   # w: the drive passes a copy
        fields = call["out"].get("dict", {})
        if not fields or not number_of(fields["pair"], "pair"):
            raise Verdict("neuron_gradients should return a pair (grad_w, grad_b)")
        if fields["grad_w_type"].get("str") != "ndarray":
            raise Verdict(f"grad_w should be a NumPy array of shape {w.shape}, got "
                          f"{fields['grad_w_type'].get('str', '?')[:40]}")
        grad_w = array_of(fields["grad_w"], "grad_w")
        if grad_w.shape != w.shape:
            raise Verdict(f"grad_w has shape {grad_w.shape}, expected {w.shape}")
        grad_b = number_of(fields["grad_b"], "grad_b")
        _check_gradient("grad_w", grad_w.astype(np.float64), X, y, w, b, "w")
        _check_gradient("grad_b", np.array([grad_b]), X, y, w, b, "b")
    if len(got["calls"]) != len(cases):
        raise Verdict("neuron_gradients was not called on every case")


def _check_gradient(name: str, analytic: np.ndarray, X, y, w, b, wrt: str) -> None:
    """check_gradient's test and message: central differences of the mean cross-entropy."""
    import mlp_from_scratch as mfs
    from mlp_from_scratch.gradcheck import EXPECTED_BELOW, numerical_gradient, relative_error

    w, b_array = np.array(w, dtype=np.float64), np.array([b], dtype=np.float64)

    def mean_bce():
        p = mfs.sigmoid(X @ w + b_array[0])
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    if not np.isfinite(analytic).all():
        raise Verdict(f"{name} contains NaN or infinity")
    error = relative_error(analytic, numerical_gradient(mean_bce, w if wrt == "w" else b_array))
    if not error < EXPECTED_BELOW:
        raise Verdict(f"{name}: relative error {error:.0e} against finite differences "
                      f"(a correct gradient gives < {EXPECTED_BELOW:.0e})")


# ---------------------------------------------------------------- is_separable

_SEPARABLE_GIVEN = _HELPERS + '''
import itertools

mfs = _Mfs(logic_gate=_logic_gate)
values = np.linspace(-2, 2, 41)
_W1, _W2, _B = np.meshgrid(values, values, values, indexing="ij")
candidates = np.column_stack([_W1.ravel(), _W2.ravel(), _B.ravel()])   # (68921, 3)


def separating_lines(X, y):
    # Rows (w1, w2, b) of `candidates` whose step neuron gets every example right.
    Z = X @ candidates[:, :2].T + candidates[:, 2]
    right = step(Z) == y[:, None]
    return candidates[right.all(axis=0)]


given = {"step": step, "candidates": candidates, "separating_lines": separating_lines, "mfs": mfs}
_isinstance, _type, _bool_types = isinstance, type, (bool, np.bool_)   # bound before the student's code


def separable_codes(n):
    # every function one step neuron computes with integer weights in {-3, ..., 3}^n and an integer bias (all
    # thresholds of the integer w . x), each as the number sum_k outputs[k] 2^k; {-3, ..., 3} is enough for
    # n <= 4: it finds 4, 14, 104 and 1882 functions (OEIS A000609), and {-4, ..., 4} finds no more
    X = np.array(list(itertools.product([0, 1], repeat=n)))
    Z = X @ np.array(list(itertools.product(range(-3, 4), repeat=n))).T           # (2^n, 7^n)
    fires = Z[:, :, None] + np.arange(-3 * n, 3 * n + 2) > 0                        # every useful bias
    return set(np.unique(np.tensordot(1 << np.arange(2 ** n), fires, axes=1)).tolist())


def table_of(code, n):
    return np.array([(code >> k) & 1 for k in range(2 ** n)])


def cases():
    """(outputs,) in the order of the notebook's check: the 16 functions of two inputs; then the hidden
    ones: every function of one and of three inputs, eight chosen functions of four inputs (five that
    need a weight of 3, three parities) and a seeded sample of 150 separable and 150 random ones."""
    X_four = np.array(list(itertools.product([0, 1], repeat=4)))
    chosen = [(X_four @ np.array(w) + b > 0).astype(np.int64) for w, b in
              [((3, 2, 1, 1), -4), ((3, 2, 2, 1), -4), ((1, 1, 1, 3), -3), ((-3, 1, 1, 1), 0), ((1, 1, 1, 1), -3)]]
    chosen += [X_four.sum(axis=1) % 2, X_four[:, 1:].sum(axis=1) % 2, X_four[:, 0] ^ X_four[:, 1]]
    rng = np.random.default_rng(23)
    sample = ([int(c) for c in rng.choice(sorted(separable_codes(4)), 150, replace=False)]
              + [int(c) for c in rng.integers(0, 2 ** 16, 150)])
    tables = ([np.array(bits) for bits in itertools.product([0, 1], repeat=4)]
              + [table_of(c, 1) for c in range(4)] + [table_of(c, 3) for c in range(256)] + chosen
              + [table_of(c, 4) for c in sample])
    return [(np.asarray(t, dtype=np.int64),) for t in tables]


def wrap(function):
    # what the call returned: its type's name, and the value itself only if it is True or False
    def call(outputs):
        out = function(outputs)
        return {"kind": _type(out).__name__, "value": out if _isinstance(out, _bool_types) else None}
    return call
'''

_SEPARABLE_ALONE = ("the notebook's step, candidates and separating_lines, and mfs.logic_gate "
                    "(the grader's copies)")


def _judge_separable(source: str) -> None:
    reference = _namespace(_SEPARABLE_GIVEN)
    cases = reference["cases"]()
    got = run_sandboxed(source, _SEPARABLE_GIVEN, function="is_separable")
    raise_if_broken(got, "is_separable", _SEPARABLE_ALONE)
    answers = []
    for (outputs,), call in zip(cases, got["calls"]):
        error = call_error(call, "is_separable", _SEPARABLE_ALONE)
        if error:
            raise Verdict(f"is_separable({outputs.tolist()}) raised {error}")
        raise_if_changed(call, "is_separable", ["outputs"])
        fields = call["out"].get("dict", {})
        value = fields.get("value", {})
        if "bytes" not in value or value["shape"] or not value["dtype"].endswith("b1"):
            raise Verdict(f"is_separable({outputs.tolist()}) should return True or False, got "
                          f"{fields.get('kind', {}).get('str', '?')[:40]}")
        answers.append(bool(array_of(value, "is_separable")))
        if len(answers) == 16:   # the notebook's check first measures all 16 functions of two inputs
            _check_separable(cases[:16], answers, _section_4_lines(cases[:16]))
    if len(answers) != len(cases):
        raise Verdict("is_separable was not called on every case")
    codes = {n: reference["separable_codes"](n) for n in (1, 3, 4)}
    truths = [int(outputs @ (1 << np.arange(len(outputs)))) in codes[int(np.log2(len(outputs)))]
              for (outputs,) in cases[16:]]
    _check_separable(cases[16:], answers[16:], truths)


def _section_4_lines(cases: list) -> list[bool]:
    """Whether section 4's brute-force search finds a line for each function of two inputs."""
    values = np.linspace(-2, 2, 41)
    grid = np.stack(np.meshgrid(values, values, values, indexing="ij"), axis=-1).reshape(-1, 3)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    fires = (X @ grid[:, :2].T + grid[:, 2] > 0).astype(np.int64)          # (4, 68921)
    return [bool((fires == outputs[:, None]).all(axis=0).any()) for (outputs,) in cases]


def _check_separable(cases: list, answers: list[bool], truths: list[bool]) -> None:
    """The notebook's verdict for the first wrong answer: which way it is wrong, and what that means."""
    for (outputs,), answer, truth in zip(cases, answers, truths):
        if answer == truth:
            continue
        table, n = outputs.tolist(), int(np.log2(len(outputs)))
        if truth and outputs.min() == outputs.max():
            raise Verdict(f"is_separable({table}) is False, but a step neuron computes this constant function: "
                          "w = 0 and a bias of the right sign")
        if truth:
            raise Verdict(f"is_separable({table}) is False, but one step neuron computes this function of {n} "
                          "inputs: your search missed its weights (a grid too narrow, too few biases or too few "
                          "epochs)")
        raise Verdict(f"is_separable({table}) is True, but no step neuron computes this function of {n} inputs: "
                      "no weights and bias put its rows with output 1 and its rows with output 0 on two sides of "
                      "one line (hyperplane)")


# ---------------------------------------------------------------- stable_bce

_BCE_CASES = _HELPERS + """
given = {"sigmoid": sigmoid, "step": step, "neuron": neuron}
_errstate, _ndarray, _isinstance = np.errstate, np.ndarray, isinstance   # bound before the student's code


def cases():
    # (z, y) in the order of the notebook's checks: the sign pair, one example and 8 copies of it,
    # 50 moderate logits, confident mistakes at |z| = 40; then the hidden ones
    rng = np.random.default_rng(5)
    out = [(np.array([5.0]), np.array([1])), (np.array([-5.0]), np.array([1])),
           (np.array([0.7]), np.array([1])), (np.full(8, 0.7), np.ones(8, dtype=np.int64)),
           (3 * rng.standard_normal(50), rng.integers(0, 2, 50)),
           (np.array([40.0, -40.0]), np.array([0, 1])),
           (np.array([1e4, -1e4]), np.array([0, 1])),
           (np.array([1e4, -1e4, 1e4, -1e4, 0.0]), np.array([1, 0, 0, 1, 1])),
           (np.array([-1e4]), np.array([0]))]
    for dtype in (np.float32, np.float64):
        rng = np.random.default_rng(6)
        out.append(((30 * rng.standard_normal(200)).astype(dtype), (rng.random(200) < 0.5).astype(np.float64)))
        out.append((np.array([1e4, -1e4, 100, -100], dtype=dtype), np.array([0, 1, 0, 1])))
    return out


def wrap(function):
    # the call with NumPy raising on overflow, log(0) and invalid values, as in the notebook's check;
    # an array comes back as its shape only
    def call(z, y):
        with _errstate(over="raise", divide="raise", invalid="raise"):
            out = function(z, y)
        if _isinstance(out, _ndarray):
            return {"array_shape": [int(n) for n in out.shape]}
        return out
    return call
"""

_BCE_WHAT = {4: "50 logits of moderate size", 5: "two confident mistakes at |z| = 40",
             6: "two confident mistakes at |z| = 1e4", 7: "confident answers at |z| = 1e4",
             8: "one confident right answer at z = -1e4",
             9: "200 logits of all sizes (float32, float labels)",
             10: "confident mistakes up to |z| = 1e4 (float32)",
             11: "200 logits of all sizes (float64, float labels)",
             12: "confident mistakes up to |z| = 1e4 (float64)"}

_FLOAT_ERRORS = {
    "overflow": "an exponential of a large positive number overflowed (even one in a branch of np.where "
                "that is thrown away afterwards counts)",
    "divide by zero": "a log of 0: sigmoid(z) or 1 - sigmoid(z) was rounded to exactly 0 before its log was taken",
    "invalid": "an invalid operation such as inf - inf or 0 * inf, from an intermediate that became infinite",
}

_BCE_ALONE = "the notebook's sigmoid, step and neuron (the grader's copies)"


def _judge_stable_bce(source: str) -> None:
    cases = _namespace(_BCE_CASES)["cases"]()
    got = run_sandboxed(source, _BCE_CASES, function="bce_with_logits")
    raise_if_broken(got, "bce_with_logits", _BCE_ALONE)
    if len(got["calls"]) != len(cases):
        raise Verdict("bce_with_logits was not called on every case")
    # in the order of the notebook's checks, so that both report the same first failure
    losses = [_bce_loss(z, y, call) for (z, y), call in zip(cases[:2], got["calls"][:2])]
    right, wrong = losses
    if min(right, wrong) < 0:
        raise Verdict(f"the loss is negative ({min(right, wrong):.4g}): a cross-entropy, minus the log of a "
                      "probability, is never negative")
    if not right < wrong:
        raise Verdict("a confident right answer (z = 5, label 1) costs more than a confident wrong one (z = -5, "
                      "label 1): a label and its probability are swapped, or the sign of z is")
    one, eight = (_bce_loss(z, y, call) for (z, y), call in zip(cases[2:4], got["calls"][2:4]))
    if not np.isclose(eight, one, rtol=1e-6):
        raise Verdict(f"8 copies of one example cost {eight / one:.3g} times that example's loss: the loss of a "
                      "batch is the mean over its examples, not their sum")
    for index in range(4, len(cases)):
        z, y = cases[index]
        loss = _bce_loss(z, y, got["calls"][index])
        _check_bce_value(_BCE_WHAT[index], loss, _reference_bce(z, y))


def _bce_loss(z: np.ndarray, y: np.ndarray, call: dict) -> float:
    """The loss one call returned, after the checks of form (run_bce's in the notebook)."""
    largest = f"|z| up to {np.abs(z).max():g} ({z.dtype})"
    error = call_error(call, "bce_with_logits", _BCE_ALONE)
    if error:
        if error.startswith("FloatingPointError"):
            why = next((text for key, text in _FLOAT_ERRORS.items() if key in error), "")
            raise Verdict(f"bce_with_logits hit a floating-point error for {largest} "
                          f"({error.split(': ', 1)[-1]}): {why}")
        raise Verdict(f"bce_with_logits raised {error.split(':')[0]} for z of shape {z.shape} ({z.dtype}):"
                      + error.split(":", 1)[-1])
    raise_if_changed(call, "bce_with_logits", ["z", "y"])
    out = call["out"]
    if "dict" in out and "array_shape" in out["dict"]:
        shape = tuple(int(number_of(n, "size")) for n in out["dict"]["array_shape"]["items"])
        raise Verdict("bce_with_logits should return one number, the mean over the batch; "
                      f"it returned an array of shape {shape}")
    if "bytes" not in out or out["shape"] or out["dtype"][1] == "b":
        raise Verdict(f"the loss should be a number, got {'a bool' if out.get('dtype', ' ')[1:2] == 'b' else out.get('type', 'something else')}")
    loss = number_of(out, "the loss")
    if not math.isfinite(loss):
        raise Verdict(f"the loss is {loss} for {largest}: a probability was rounded to 0 or 1, "
                      "or an exponential overflowed, on the way")
    return loss


def _check_bce_value(what: str, loss: float, expected: float) -> None:
    """check_bce's test and messages, in the grading process."""
    if np.isclose(loss, expected, rtol=1e-5, atol=1e-10):
        return
    if expected > 20 and loss < 0.9 * expected:
        raise Verdict(f"{what}: the loss is {loss:.4g}, far below what such confident mistakes cost: the "
                      "loss must keep growing with |z| (by about 1 per unit of z); clipping the "
                      "probabilities caps it")
    raise Verdict(f"{what}: the loss is wrong (relative error {abs(loss / expected - 1):.1e}; a correct "
                  "loss is within 1e-5)")


def _reference_bce(z: np.ndarray, y: np.ndarray) -> float:
    """The package's logits loss, in float64 (the notebook's checks compare with it)."""
    import mlp_from_scratch as mfs

    loss, _ = mfs.BinaryCrossEntropyWithLogits()(z.astype(np.float64)[:, None], y)
    return loss


# ---------------------------------------------------------------- predict_inf

# significant bits: the notebook's two formats (its visible check), then half precision, bfloat16,
# x87 extended and quadruple precision
_INF_BITS = (24, 53, 11, 8, 64, 113)
_INF_CASES = f"\ndef cases():\n    return [(bits,) for bits in {_INF_BITS}]\n"


def _judge_predict_inf(source: str) -> None:
    got = run_sandboxed(source, _HELPERS + 'given = {"sigmoid": sigmoid}\n' + _INF_CASES, function="inf_logit")
    raise_if_broken(got, "inf_logit", "the notebook's sigmoid (the grader's copy)")
    values = {}
    for bits, call in zip(_INF_BITS, got["calls"]):
        name = f"inf_logit({bits})"
        error = call_error(call, "inf_logit")
        if error:
            raise Verdict(f"{name} raised {error}")
        out = call["out"]
        if out.get("type") == "NoneType":
            raise Verdict(f"{name} is None: replace None with your answer")
        if "bytes" not in out or out["shape"] or out["dtype"][1] == "b":
            raise Verdict(f"{name} should be a number, got " + ("a string" if "str" in out else "something else"))
        value = number_of(out, name)
        if not math.isfinite(value):
            raise Verdict(f"{name} should be a finite number, got {value}")
        if not value > 0:
            raise Verdict(f"{name} is {value}: for z <= 0, sigmoid(z) <= 0.5 and the loss is finite")
        values[bits] = value
    if not values[53] > values[24]:
        raise Verdict("inf_logit(53) is not above inf_logit(24): more significant bits keep 1 - sigmoid(z) "
                      "apart from 0 for larger logits")
    # with p significant bits, 1 + e^-z rounds to 1 once e^-z < 2^-p (half the gap above 1): z > p ln 2
    for bits, value in values.items():
        if not abs(value - bits * math.log(2)) < 0.2:
            raise Verdict(f"inf_logit({bits}) is more than 0.2 away from the logit where the two-step loss of "
                          f"label 0 becomes infinite with {bits} significant bits")


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
    "nb01_perceptron_epoch": _readable(_judge_perceptron_epoch),
    "nb01_neuron_gradient": _readable(_judge_neuron_gradient),
    "nb01_separable_count": _readable(_judge_separable),
    "nb01_stable_bce": _readable(_judge_stable_bce),
    "nb01_predict_inf": _readable(_judge_predict_inf),
}
