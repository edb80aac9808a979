"""Notebook 05's judged tasks: ``forward_stds``, ``init_weights``, the prediction ``predicted_std``,
``orthogonal_init`` and ``lsuv_scales`` (tools/judge.py).

The student's cell runs alone in the sandboxed child; what comes back is plain data, and
every property the test cells check is decided here, against the package's layers.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from judge import (Verdict, answer_of, array_of, call_error, judged_calls, number_of, raise_if_broken,
                   run_sandboxed)


def _returned_array(plain: dict, name: str, shape: tuple | None = None) -> np.ndarray:
    """What the child returned, with the properties of ``checks.check_array``: a NumPy
    array of real numbers, of ``shape`` if given, with no NaN or infinity."""
    if plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: does your code return (or assign) its result?")
    marker = plain.get("dict", {})   # what the child's _capped sent for a large or odd value
    if "big_shape" in marker:
        got = tuple(int(number_of(n, "size")) for n in marker["big_shape"]["items"])
        raise Verdict(f"{name} has shape {got}, expected {tuple(shape) if shape else 'a smaller array'}")
    if "sequence" in marker or "items" in plain:
        raise Verdict(f"{name} should be a NumPy array, got a list or tuple")
    if "other" in marker:
        raise Verdict(f"{name} should be a NumPy array, got {marker['other']['str']}")
    if "bytes" not in plain:
        got = "a string" if "str" in plain else plain.get("type", "a dict")
        raise Verdict(f"{name} should be a NumPy array, got {got}")
    array = array_of(plain, name)
    if array.dtype.kind == "b":
        raise Verdict(f"{name} should hold real numbers, got dtype bool")
    if shape is not None and array.shape != tuple(shape):
        raise Verdict(f"{name} has shape {array.shape}, expected {tuple(shape)}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return array


# ---------------------------------------------------------------- forward_stds

# The nets of the test cells: the visible tanh one, and the hidden float32 ReLU, sigmoid
# and identity ones. The activations are NumPy stand-ins for mfs.tanh and the others (the
# argument the student's function receives; lsuv's cases use them too); the reference uses
# the package's layers.
_ACTIVATIONS = '''
def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(z, 0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def identity(z):
    return z
'''

_FORWARD_INPUTS = _ACTIVATIONS + '''

def cases():
    rng = np.random.default_rng(5)
    X_check = rng.standard_normal((64, 32))
    weights_check = [rng.standard_normal((32, 32)) * 1.3 / np.sqrt(32) for _ in range(6)]
    rng = np.random.default_rng(6)
    X_hidden = rng.standard_normal((50, 16)).astype(np.float32)
    weights_hidden = [(rng.standard_normal((16, 16)) * 1.6 / 4).astype(np.float32) for _ in range(10)]
    return [(X_check, weights_check, tanh), (X_hidden, weights_hidden, relu),
            (X_hidden.copy(), weights_hidden[:1], sigmoid), (X_check.copy(), weights_check, identity)]


# made before the student's code runs: the names cannot be replaced by it
_array, _ndarray, _isinstance, _type, _list, _len = np.array, np.ndarray, isinstance, type, list, len


def _capped(value, limit=100):
    # what goes back, small enough for the result pipe: a plain ndarray copy; for a large
    # array its shape, for a list or tuple its length, for other objects their type
    if _isinstance(value, _ndarray):
        a = _array(value, copy=True, subok=False)
        return a if a.size <= limit else {"big_shape": _list(a.shape)}
    if value is None or _isinstance(value, (bool, int, float, np.number)):
        return value
    if _isinstance(value, (list, tuple)):
        return {"sequence": _len(value)}
    return {"other": _type(value).__name__}


def wrap(function):
    def call(*args):
        return _capped(function(*args))
    return call
'''


def _reference_forward_stds(X: np.ndarray, weights: list, activation: str) -> np.ndarray:
    """The std of each layer's output of the same net built from the package's Dense layers
    and activation functions (the functions, not the layers: mfs.ReLU's compiled loop would
    cost a compilation in the grading process, for the same numbers)."""
    import mlp_from_scratch as mfs

    function = {"tanh": mfs.tanh, "relu": mfs.relu, "sigmoid": mfs.sigmoid, "identity": mfs.identity}[activation]
    stds, h = [], X
    for W in weights:
        dense = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=W.dtype)
        dense.params["W"][...] = W
        h = function(dense.forward(h))
        stds.append(h.std())
    return np.array(stds)


def _judge_forward_stds(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_FORWARD_INPUTS, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _FORWARD_INPUTS, function="forward_stds")
    raise_if_broken(got, "forward_stds")
    for (X, weights, activation), call in zip(cases, got["calls"]):
        net = f"{len(weights)} {activation.__name__} layers on X of shape {X.shape}"
        error = call_error(call, "forward_stds")
        if error:
            raise Verdict(f"forward_stds raised {error} (for {net})")
        if call["changed_inputs"]:
            raise Verdict(f"forward_stds changed its input X ({net}): it must leave X as it was")
        stds = _returned_array(call["out"], "forward_stds(...)", shape=(len(weights),))
        expected = _reference_forward_stds(X, weights, activation.__name__)
        wrong = ~np.isclose(stds, expected, rtol=1e-4, atol=1e-7)
        if wrong.any():
            first = int(np.argmax(wrong)) + 1
            if first == 1:
                raise Verdict(f"the std of layer 1's output is wrong ({net}): is it the standard "
                              "deviation, over all entries, of what the first layer outputs after "
                              "its activation?")
            raise Verdict(f"layer 1 is right but the std of layer {first}'s output is wrong ({net}): "
                          "does each layer take the previous layer's output as its input?")


# ---------------------------------------------------------------- init_weights

# What the child sends back must fit in the result pipe's buffer (64 KiB: run_sandboxed reads
# it only after the child has exited, so a larger result blocks the child until the time
# limit). A 3 x 5000 matrix alone is more, so the child sends a summary of each matrix, made
# with NumPy functions captured before the student's code runs (replacing np.mean or
# np.array_equal afterwards changes nothing) on a plain-ndarray copy (no rigged __eq__).
_SUMMARY = """
_array, _ndarray, _isinstance, _type, _list = np.array, np.ndarray, isinstance, type, list
_sum, _all, _isfinite, _subtract, _multiply = (np.add.reduce, np.logical_and.reduce, np.isfinite,
                                               np.subtract, np.multiply)


def _plain_array(value):
    # the value as a plain ndarray copy, or None if it is no ndarray
    if not _isinstance(value, _ndarray):
        return None
    return _array(value, copy=True, subok=False)


def _summary(value):
    # dtype, shape, finiteness, mean and standard deviation (float64) of an array
    a = _plain_array(value)
    if a is None:
        return {"kind": "None" if value is None else _type(value).__name__}
    out = {"kind": "array", "dtype": a.dtype.str, "shape": _list(a.shape)}
    if a.dtype.kind in "iuf" and a.size:
        a = a.astype(np.float64)
        mean = _sum(a, axis=None) / a.size
        d = _subtract(a, mean)
        out.update(finite=bool(_all(_isfinite(a), axis=None)), mean=mean,
                   std=(_sum(_multiply(d, d), axis=None) / a.size) ** 0.5)
    return out


def _same(a, b):
    # True when two values are arrays of one shape with equal entries
    a, b = _plain_array(a), _plain_array(b)
    return a is not None and b is not None and a.shape == b.shape and bool(_all(a == b, axis=None))
"""

# The test cells' calls, in their order: square layers, then fan_in != fan_out, the leaky
# ReLU's square layer, then the hidden shapes and slopes; each (fan_in, fan_out, kind,
# tolerance, alpha) with a generator of seed 11, another of seed 11 and one of seed 12, all
# made before the student's code runs. Then an unknown kind, which must raise. The test
# cell's 30-layer spread check needs no judging of its own: the leaky scale is checked here
# against the derived one, which keeps the spread.
_INIT_SHAPES = ([(256, 256, kind, 0.03, None) for kind in ("he", "xavier")]
                + [(400, 100, kind, 0.03, None) for kind in ("he", "xavier")]
                + [(256, 256, "leaky_relu", 0.03, 0.5)]
                + [(a, b, kind, t, None) for kind in ("he", "xavier")
                   for a, b, t in ((100, 400, 0.03), (1000, 10, 0.05), (3, 5000, 0.03))]
                + [(a, b, "leaky_relu", 0.03, alpha)
                   for a, b, alpha in ((400, 100, 0.0), (100, 400, 1.0), (300, 200, 0.2))])

_INIT_INPUTS = _SUMMARY + f"""
SHAPES = {[(a, b, kind, alpha) for a, b, kind, _, alpha in _INIT_SHAPES]!r}


def cases():
    out = [(a, b, kind, alpha, np.random.default_rng(11), np.random.default_rng(11), np.random.default_rng(12))
           for a, b, kind, alpha in SHAPES]
    return out + [(10, 10, "lecun", None, np.random.default_rng(0), None, None)]


def drive(namespace, fan_in, fan_out, kind, alpha, rng, again, other):
    # three draws (seeds 11, 11, 12) summarised; for the unknown kind, whether it raised ValueError
    init_weights = namespace["init_weights"]
    extra = {{}} if alpha is None else {{"alpha": alpha}}
    if again is None:
        try:
            init_weights(fan_in, fan_out, kind, rng)
        except ValueError:
            return "raised ValueError"
        return "returned"
    W, W_again, W_other = (init_weights(fan_in, fan_out, kind, r, **extra) for r in (rng, again, other))
    return {{"W": _summary(W), "again": _summary(W_again), "same": _same(W, W_again),
            "other": _summary(W_other), "differs": not _same(W, W_other)}}
"""


def _judge_init_weights(source: str) -> None:
    got = run_sandboxed(source, _INIT_INPUTS, function="init_weights")
    raise_if_broken(got, "init_weights")
    for (fan_in, fan_out, kind, tolerance, alpha), call in zip(_INIT_SHAPES, got["calls"]):
        _judge_one_init(fan_in, fan_out, kind, tolerance, alpha, call)
    unknown = got["calls"][-1]
    error = call_error(unknown, "init_weights")
    if error or unknown["out"] != {"str": "raised ValueError"}:
        raise Verdict("init_weights(10, 10, 'lecun', rng) should raise ValueError for an unknown kind"
                      + (f"; it raised {error}" if error else ""))


def _summarised_array(summary: dict, name: str, shape: tuple) -> dict:
    """checks.check_array's properties, on the child's summary of a returned value."""
    kind = summary["kind"].get("str")
    if kind == "None":
        raise Verdict(f"{name} is None: does your code return (or assign) its result?")
    if kind != "array":
        raise Verdict(f"{name} should be a NumPy array, got {kind}")
    dtype = np.dtype(summary["dtype"]["str"])
    if dtype.kind not in "iuf":
        raise Verdict(f"{name} should hold real numbers, got dtype {dtype}")
    got_shape = tuple(int(number_of(n, "a size")) for n in summary["shape"]["items"])
    if got_shape != tuple(shape):
        raise Verdict(f"{name} has shape {got_shape}, expected {tuple(shape)}")
    if not number_of(summary["finite"], "finite"):
        raise Verdict(f"{name} contains NaN or infinity")
    return {"dtype": dtype, "mean": number_of(summary["mean"], "mean"), "std": number_of(summary["std"], "std")}


_LEAKY_HINT = "work out E[leaky(z)^2] for a symmetric z, as section 3 did for ReLU"


def _judge_one_init(fan_in: int, fan_out: int, kind: str, tolerance: float, alpha: float | None,
                    call: dict) -> None:
    """The test cell's check_init: shape, float32, the draws from rng alone, mean 0, and the
    scale for the kind: the package's for "he" and "xavier", the derived one for the leaky
    ReLU (E[leaky(z)²] = (1 + α²)/2 Var(z), so Var(w) = 2 / ((1 + α²) fan_in))."""
    import mlp_from_scratch as mfs

    name = f"init_weights({fan_in}, {fan_out}, {kind!r}, rng{'' if alpha is None else f', alpha={alpha}'})"
    error = call_error(call, "init_weights")
    if error:
        raise Verdict(f"{name} raised {error}")
    parts = call["out"]["dict"]
    W = _summarised_array(parts["W"]["dict"], name, (fan_in, fan_out))
    if W["dtype"] != np.float32:
        raise Verdict(f"{name} has dtype {W['dtype']}, expected float32")
    for other in ("again", "other"):
        _summarised_array(parts[other]["dict"], name, (fan_in, fan_out))
    if not number_of(parts["same"], "same") or not number_of(parts["differs"], "differs"):
        raise Verdict(f"{name} does not draw from rng alone: the same seed must give the same "
                      "matrix, another seed another one")
    size = fan_in * fan_out
    if not abs(W["mean"]) < 5 * W["std"] / np.sqrt(size) + 1e-12:
        raise Verdict(f"{name} does not have mean 0")
    if kind == "leaky_relu":
        if abs(W["std"] / math.sqrt(2 / ((1 + alpha**2) * fan_in)) - 1) > tolerance:
            raise Verdict(f"{name} has std {W['std']:.4g}: not the scale that keeps the spread of leaky "
                          f"ReLUs with slope {alpha}; {_LEAKY_HINT}")
        return
    expected = mfs.Dense(fan_in, fan_out, rng=np.random.default_rng(13), init=kind).params["W"].std()
    if abs(W["std"] / expected - 1) > tolerance:
        shape = "a square layer" if fan_in == fan_out else f"a layer with fan_in={fan_in} != fan_out={fan_out}"
        raise Verdict(f"{name} has std {W['std']:.4g}: the wrong scale for {shape} and kind={kind!r}")


# ---------------------------------------------------------------- predicted_std

# The test cell's nets: the measured one, then the hidden ones with the hint each failure gives.
_PREDICT_MEASURED = ([200] * 11, 0.12, "relu")
_PREDICT_HIDDEN = [
    ([100, 400, 50, 300], 0.1, "relu", "the widths differ: each layer sums over its own fan-in"),
    ([784, 256, 256, 10], 0.05, "linear", "a linear layer passes on all of its variance"),
    ([64] * 6, 0.01, "relu", "follow the variance from z_1 layer by layer"),
    ([30] * 9, 1.0, "relu", "follow the variance from z_1 layer by layer"),
    ([50, 7], 0.3, "relu", "with one layer, z_1 = X W_1 has no activation before it"),
]
_PREDICT_CASES = f"""
_list = list   # bound before the student's code runs


def cases():
    return [{_PREDICT_MEASURED!r}] + {[case[:3] for case in _PREDICT_HIDDEN]!r}


def wrap(function):
    # the student's function on a copy of widths; whether it changed that copy comes back too
    def call(widths, weight_std, activation):
        given = _list(widths)
        out = function(given, weight_std, activation)
        return {{"out": out, "changed": given != _list(widths)}}
    return call
"""


@functools.cache
def _measured_std(widths: tuple, weight_std: float, nets: int = 100, batch: int = 256) -> float:
    """The test cell's measurement: the standard deviation of the net's output h_L over the pooled
    entries of ``nets`` seeded nets of the package's Dense and ReLU layers, each on its own
    standard-normal batch. Its arrays are small enough for the package's ReLU to run its NumPy
    version, so grading does not load Numba into nbgrader's process (about 1 s per student)."""
    import mlp_from_scratch as mfs

    moments = []
    for seed in range(nets):
        rng = np.random.default_rng(seed)
        X_net = rng.standard_normal((batch, widths[0]), dtype=np.float32)
        denses = [mfs.Dense(n_in, n_out, rng=rng) for n_in, n_out in zip(widths[:-1], widths[1:])]
        for dense, n_in in zip(denses, widths):
            dense.params["W"] *= weight_std / math.sqrt(2 / n_in)
        net = mfs.Sequential(*[layer for dense in denses for layer in (dense, mfs.ReLU())])
        out = net.forward(X_net).astype(np.float64)
        moments.append([out.mean(), np.mean(out**2)])
    mean, second_moment = np.mean(moments, axis=0)
    return math.sqrt(second_moment - mean**2)


def _exact_std(widths: list, weight_std: float, activation: str) -> float:
    """Var(z_1) = n_0 Var(w); each later layer multiplies it by n_{l-1} Var(w) E[act(z)^2] / Var(z);
    then Var(relu(z)) = (1/2 - 1/(2 pi)) Var(z) for a centred normal z_L."""
    kept = 0.5 if activation == "relu" else 1.0
    last = 0.5 - 1 / (2 * math.pi) if activation == "relu" else 1.0
    return math.sqrt(widths[0] * weight_std**2 * math.prod(n * weight_std**2 * kept for n in widths[1:-1]) * last)


def _judge_predict_std(source: str) -> None:
    # in the test cell's order: each call's form, then its value (the measured net first)
    hints = [None] + [case[3] for case in _PREDICT_HIDDEN]
    for ((widths, weight_std, activation), out), hint in zip(judged_calls(source, _PREDICT_CASES, "predicted_std"),
                                                             hints):
        call = f"predicted_std({widths}, {weight_std}, {activation!r})"
        parts = out.get("dict", {})
        if number_of(parts.get("changed"), "changed"):
            raise Verdict(f"{call} changed its argument widths: leave the caller's list as it was")
        value = answer_of(parts.get("out"), call)
        if not value > 0:
            raise Verdict(f"{call} = {value:g}: a standard deviation is positive")
        if hint is None:
            measured = _measured_std(tuple(widths), weight_std)
            if not abs(value / measured - 1) < 0.1:
                raise Verdict(f"predicted_std([200] * 11, 0.12, 'relu') = {value:.4g} is more than 10 % too "
                              f"{'large' if value > measured else 'small'} for what 100 such nets measure. "
                              "Follow the variance from z_1 layer by layer (how many factors, what does ReLU keep?), "
                              "then ask what the last ReLU makes of z_L's spread: a standard deviation is measured "
                              "around the mean")
            continue
        exact = _exact_std(widths, weight_std, activation)
        if not math.isclose(value, exact, rel_tol=1e-6):
            if abs(value / exact - 1) < 0.05:
                raise Verdict(f"{call} = {value:.6g} is close, but not exact: a simulation is not exact enough, "
                              "work it out as a formula")
            raise Verdict(f"{call} = {value:.6g} is too {'large' if value > exact else 'small'}: {hint}")


# ---------------------------------------------------------------- orthogonal_init

# The test cell's calls, in its order: (fan_in, fan_out, gain) checked for shape, float32, the
# draws from rng alone (seeds 11, 11, 12) and orthonormality times the gain; then (fan_in,
# fan_out, seed) whose 300 draws from one generator are checked for the signs of Haar matrices.
_ORTHO_STEPS = [("orthogonal", 64, 32, None), ("orthogonal", 64, 32, 2.0), ("haar", 8, 4, 20),
                ("orthogonal", 32, 64, None), ("orthogonal", 40, 40, None), ("orthogonal", 32, 64, 0.5),
                ("haar", 4, 8, 21), ("haar", 5, 5, 22)]
_HAAR_DRAWS = 300

_ORTHO_INPUTS = f"""
STEPS = {_ORTHO_STEPS!r}


def cases():
    out = []
    for kind, fan_in, fan_out, extra in STEPS:
        if kind == "orthogonal":
            out += [(fan_in, fan_out, np.random.default_rng(seed), extra) for seed in (11, 11, 12)]
        else:
            rng = np.random.default_rng(extra)
            out += [(fan_in, fan_out, rng, None)] * {_HAAR_DRAWS}
    return out


def wrap(function):
    # the default gain is used when the test cell gives none
    def call(fan_in, fan_out, rng, gain):
        if gain is None:
            return function(fan_in, fan_out, rng)
        return function(fan_in, fan_out, rng, gain=gain)
    return call
"""


def _orthogonal_result(call: dict, fan_in: int, fan_out: int, gain: float | None) -> tuple[str, np.ndarray]:
    """The test cell's _run_orthogonal: the call's error, shape, finiteness and float32."""
    name = f"orthogonal_init({fan_in}, {fan_out}, rng" + ("" if gain is None else f", gain={gain}") + ")"
    error = call_error(call, "orthogonal_init")
    if error:
        raise Verdict(f"{name} raised {error}")
    W = _returned_array(call["out"], name, shape=(fan_in, fan_out))
    if W.dtype != np.float32:
        raise Verdict(f"{name} has dtype {W.dtype}, expected float32")
    return name, W


def _judge_orthogonal_init(source: str) -> None:
    got = run_sandboxed(source, _ORTHO_INPUTS, function="orthogonal_init")
    raise_if_broken(got, "orthogonal_init")
    calls = iter(got["calls"])
    for kind, fan_in, fan_out, extra in _ORTHO_STEPS:
        if kind == "orthogonal":
            name, W = _orthogonal_result(next(calls), fan_in, fan_out, extra)
            again = _orthogonal_result(next(calls), fan_in, fan_out, extra)[1]
            other = _orthogonal_result(next(calls), fan_in, fan_out, extra)[1]
            if not np.array_equal(W, again) or np.array_equal(W, other):
                raise Verdict(f"{name} does not draw from rng alone: the same seed must give the same "
                              "matrix, another seed another one")
            _judge_orthonormal(name, W, 1.0 if extra is None else extra)
        else:
            positive = []
            for _ in range(_HAAR_DRAWS):
                name, W = _orthogonal_result(next(calls), fan_in, fan_out, None)
                positive.append(np.diag(W) > 0)
            share = float(np.mean(positive))
            if not 0.4 <= share <= 0.6:
                raise Verdict(f"over {_HAAR_DRAWS} draws of {name}, {100 * share:.0f} % of the diagonal "
                              "entries W[i, i] were positive: W is not uniformly (Haar) distributed, where "
                              "each sign is equally likely (the check accepts 40 to 60 %)")


def _judge_orthonormal(name: str, W: np.ndarray, gain: float) -> None:
    """Orthonormal columns (fan_in >= fan_out) or rows, every one of norm ``gain``."""
    W = W.astype(np.float64)
    gram, which = (W.T @ W, "columns") if W.shape[0] >= W.shape[1] else (W @ W.T, "rows")
    norms = np.sqrt(np.diag(gram))
    cosines = gram / np.outer(norms, norms) - np.eye(len(gram))
    if not np.abs(cosines).max() < 1e-4:
        raise Verdict(f"{name}: the {which} of W are not orthogonal to each other "
                      f"(cosines up to {np.abs(cosines).max():.2g})")
    if not np.abs(norms - gain).max() < 1e-4 * gain:
        raise Verdict(f"{name}: the {which} of W have norms from {norms.min():.4g} to {norms.max():.4g}; "
                      f"with gain={gain} every one should have norm {gain}")


# ---------------------------------------------------------------- lsuv

# The test cell's nets, in its order: 6 tanh layers (visible), then 4 float32 relu layers of
# other widths, 5 linear layers and 1 sigmoid layer (hidden). Each case has arrays of its own.
_LSUV_INPUTS = _ACTIVATIONS + '''

def cases():
    rng = np.random.default_rng(30)
    X_check = rng.standard_normal((64, 32))
    weights_check = [3 / math.sqrt(32) * rng.standard_normal((32, 32)) for _ in range(6)]
    rng = np.random.default_rng(31)
    widths = [20, 30, 10, 15]
    X_hidden = rng.standard_normal((100, 20)).astype(np.float32)
    weights_hidden = [(0.3 / math.sqrt(a) * rng.standard_normal((a, b))).astype(np.float32)
                      for a, b in zip(widths, widths[1:] + [5])]
    weights_linear = [2 / 4 * rng.standard_normal((16, 16)) for _ in range(5)]
    X_linear = 3 * rng.standard_normal((40, 16))
    return [(weights_check, X_check, tanh), (weights_hidden, X_hidden, relu),
            (weights_linear, X_linear, identity), ([weights_check[0].copy()], X_check.copy(), sigmoid)]


# made before the student's code runs: the names cannot be replaced by it
_tobytes, _ndarray, _isinstance, _list, _len, _range, _all = (np.ndarray.tobytes, np.ndarray, isinstance,
                                                              list, len, range, all)


def drive(namespace, weights, X, activation):
    # the student's function on its own list; whether it changed that list or its arrays
    passed = _list(weights)
    before = [_tobytes(W) for W in weights]
    out = namespace["lsuv_scales"](passed, X, activation)
    changed = _len(passed) != _len(before) or not _all(
        _isinstance(passed[i], _ndarray) and _tobytes(passed[i]) == before[i] for i in _range(_len(before)))
    return {"new": out, "weights_changed": changed}
'''

_LSUV_NETS = ["6 tanh layers of width 32", "4 float32 relu layers of widths 30, 10, 15, 5",
              "5 linear layers of width 16", "1 sigmoid layer"]


def _numpy_activation(name: str):
    return {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z,
            "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[name]


def _judge_lsuv(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_LSUV_INPUTS, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _LSUV_INPUTS, function="lsuv_scales")
    raise_if_broken(got, "lsuv_scales")
    for (weights, X, activation), what, call in zip(cases, _LSUV_NETS, got["calls"]):
        error = call_error(call, "lsuv_scales")
        if error:
            raise Verdict(f"lsuv_scales raised {error} (for {what})")
        if 1 in call["changed_inputs"]:
            raise Verdict(f"lsuv_scales changed its input X ({what}): it must leave X as it was")
        parts = call["out"]["dict"]
        if number_of(parts["weights_changed"], "weights_changed"):
            raise Verdict(f"lsuv_scales changed its input weights ({what}): return new matrices and leave "
                          "the given list and its arrays as they were")
        new = parts["new"]
        if "items" not in new or len(new["items"]) != len(weights):
            raise Verdict(f"lsuv_scales should return a list of {len(weights)} weight matrices ({what})")
        rescaled = []
        for k, (plain, W) in enumerate(zip(new["items"], weights), 1):
            W_new = _returned_array(plain, f"layer {k}'s new weights ({what})", shape=W.shape).astype(np.float64)
            W = W.astype(np.float64)
            scale = np.sum(W_new * W) / np.sum(W * W)
            if not (scale > 0 and np.linalg.norm(W_new - scale * W) <= 1e-4 * np.linalg.norm(scale * W)):
                raise Verdict(f"layer {k}'s new weights are not a positive multiple of its old ones ({what}): "
                              "LSUV rescales each matrix by one positive number")
            rescaled.append(W_new)
        _judge_unit_stds(rescaled, X, _numpy_activation(activation.__name__), what)


def _judge_unit_stds(weights: list, X: np.ndarray, activation, what: str) -> None:
    """Every layer's pre-activations have std 1 on X in the rescaled net (plain NumPy forward)."""
    stds, h = [], X.astype(np.float64)
    for W in weights:
        z = h @ W
        stds.append(z.std())
        h = activation(z)
    wrong = np.abs(np.array(stds) - 1) > 1e-3
    if wrong.any():
        k = int(np.argmax(wrong)) + 1
        if k == 1:
            raise Verdict(f"after lsuv_scales, layer 1's pre-activations X @ W_1 have std {stds[0]:.3g} on X "
                          f"({what}); they should have std 1")
        raise Verdict(f"after lsuv_scales, the layers before layer {k} have std 1 but its pre-activations have "
                      f"std {stds[k - 1]:.3g} on X ({what}): a layer's std depends on every layer before it, "
                      "as lsuv_scales returns them")


TASKS = {
    "nb05_forward_stds": _judge_forward_stds,
    "nb05_init_weights": _judge_init_weights,
    "nb05_predict_std": _judge_predict_std,
    "nb05_orthogonal_init": _judge_orthogonal_init,
    "nb05_lsuv": _judge_lsuv,
}

