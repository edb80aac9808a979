"""Notebook 04's judged tasks: the backward passes, the XOR training loop and the three
exercises (tools/judge.py).

Every gradient a student's code returns is compared, in the grading process, with central
differences of a loss computed there (``mfs.numerical_gradient``, the package's losses and
layers), as the notebook's test cells do, with the same messages. The later tasks are graded
with reference pieces in place of the earlier ones (``network_backward`` gets a reference
``dense_backward`` and ``tanh_backward``; ``train_xor`` a reference ``network_backward``), so
a wrong earlier piece costs only its own points. ``train_xor`` is compared step for step
with gradient descent run in the grading process from the same start.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (Verdict, alone_hint, array_of, call_error, number_of, raise_if_broken,
                   raise_if_changed, run_sandboxed)

#: What a correct gradient's relative error against finite differences stays below, in float64
#: (as ``mfs.checks.check_gradient``), and in float32 against the float64 gradient.
BELOW = 1e-7
BELOW_FLOAT32 = 1e-5


# Trusted code, run in the child before the student's cell (and in the grading process, to
# make the same inputs), in pieces: a task's child holds only the pieces it may use, since the
# student's code can reach everything there (through any given function's __globals__), and
# never a reference of the task itself.

# ``mfs``, a stand-in that offers only what a task may use from the package; the package's
# sigmoid and MSE in NumPy; the copies the student's function gets.
_BASE = '''
class _Package:
    """The grader's `mfs`: the NumPy stand-ins a task may use, and a refusal for anything
    else (the package's own code would do the student's work)."""

    def __init__(self, **pieces):
        self.__dict__.update(pieces)

    def __getattr__(self, name):
        offered = ", ".join(f"mfs.{n}" for n in sorted(self.__dict__))
        raise PermissionError(
            f"refused while grading: mfs.{name}, the package's own code; the task is to write "
            "it yourself, in NumPy" + (f" (while grading, mfs offers only {offered})" if offered else ""))


def sigmoid(z):
    """The package's stable sigmoid, in NumPy."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


class MSE:
    """mfs.MSE in NumPy: (mean of (y_hat - y)**2, its gradient 2 (y_hat - y) / N)."""

    def __call__(self, y_hat, y):
        y_hat, y = np.asarray(y_hat), np.asarray(y)
        if y_hat.ndim != 2:
            raise ValueError("MSE: the predictions y_hat must have shape (batch, outputs), "
                             f"got shape {y_hat.shape}")
        if y.ndim == 1 and y_hat.shape[1] == 1:
            y = y[:, None]
        if y.shape != y_hat.shape:
            raise ValueError(f"MSE: targets of shape {y.shape} do not match outputs of "
                             f"shape {y_hat.shape}")
        diff = y_hat - y.astype(y_hat.dtype, copy=False)
        return float(np.mean(diff * diff)), diff * (2 / diff.size)


'''

# the notebook's worked helpers (section 6), which a solution may call
_HELPERS = '''
def network_forward(X, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    H = np.tanh(Z1)
    y_hat = H @ W2 + b2
    return y_hat, (X, Z1, H)


def init_params(n_in, n_hidden, n_out, rng):
    return {"W1": rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / (n_in + n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / (n_hidden + n_out)),
            "b2": np.zeros(n_out)}
'''

# reference pieces of the earlier tasks
_LAYERS = '''
def dense_backward(X, W, G):
    return X.T @ G, G.sum(axis=0), G @ W.T


def tanh_backward(Z, G):
    return G * (1 - np.tanh(Z) ** 2)
'''

_NETWORK_REFERENCE = _LAYERS + '''
def network_backward(grad_y_hat, W1, W2, cache):
    X, Z1, H = cache
    dW2, db2, dH = dense_backward(H, W2, grad_y_hat)
    dW1, db1, _ = dense_backward(X, W1, tanh_backward(Z1, dH))
    return dW1, db1, dW2, db2
'''


def _inputs(code: str) -> dict:
    """The namespace of trusted inputs code, run in the grading process."""
    namespace: dict = {"np": np, "math": math}
    exec(code, namespace)
    return namespace


# --- reading what came back -------------------------------------------------------------

def _parts(plain: dict, count: int, what: str) -> list[dict]:
    """The ``count`` values of a returned tuple, or the notebook's Verdict on its form."""
    if "items" not in plain or len(plain["items"]) != count:
        raise Verdict(what)
    return plain["items"]


def _array(plain: dict, name: str, shape: tuple) -> np.ndarray:
    """An array of ``shape`` and finite, as ``mfs.checks.check_array`` demands, in its words."""
    if plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: does your code return (or assign) its result?")
    value = array_of(plain, name)
    if value.shape != tuple(shape):
        raise Verdict(f"{name} has shape {value.shape}, expected {tuple(shape)}")
    if value.dtype.kind == "f" and not np.isfinite(value).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return value


def _raised(call: dict, function: str, where: str = "", alone: str = "") -> None:
    """The notebook's message for a call that raised (a NotAnswered for the stub)."""
    error = call_error(call, function, alone)
    if error is not None:
        kind, _, message = error.partition(":")
        raise Verdict(f"{function} raised {kind}{' for ' + where if where else ''}:{message}")
    raise_if_changed(call, function, _ARGUMENTS.get(function, []))


#: The array arguments of each task's function, by position (for "changed its input").
_ARGUMENTS = {"dense_backward": ["X", "W", "G"], "tanh_backward": ["Z", "G"],
              "network_backward": ["grad_y_hat", "W1", "W2", "cache"],
              "bce_grad": ["z", "y"], "scale_backward": ["X", "s", "G"]}


def _gradient_error(value: np.ndarray, f, x: np.ndarray) -> float:
    """Relative error of ``value`` against central differences of ``f`` with respect to ``x``."""
    import mlp_from_scratch as mfs

    return mfs.relative_error(value.astype(np.float64), mfs.numerical_gradient(f, x))


def _check_gradient(name: str, value: np.ndarray, f, x: np.ndarray) -> None:
    error = _gradient_error(value, f, x)
    if not error < BELOW:
        raise Verdict(f"{name}: relative error {error:.0e} against finite differences "
                      f"(a correct gradient gives < {BELOW:.0e})")


def _check_float32(name: str, value: np.ndarray, expected: np.ndarray) -> None:
    """A float32 result: float32 still, and near the float64 gradient."""
    import mlp_from_scratch as mfs

    if value.dtype != np.float32:
        raise Verdict(f"{name} is {value.dtype} for float32 inputs: something changed the dtype")
    error = mfs.relative_error(value, expected)
    if not error < BELOW_FLOAT32:
        raise Verdict(f"{name} for float32 inputs: relative error {error:.0e} against the "
                      f"gradient in float64 (a correct one gives < {BELOW_FLOAT32:.0e})")


def _alone(*names: str) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] + " (the grader's reference ones)"


# --- nb04_dense_backward ------------------------------------------------------------------

_DENSE = _BASE + '''
def _dense_case(batch, n_in, n_out, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal(shape).astype(dtype)
                 for shape in [(batch, n_in), (n_in, n_out), (batch, n_out)])


def cases():
    """(X, W, G): the notebook's layers, square ones included (which a transposed W fits),
    and one in float32."""
    hidden = [(4, 4, 4), (3, 5, 5), (1, 2, 3), (6, 3, 3), (3, 3, 2)]
    shapes = [(5, 3, 4, 1), (2, 6, 1, 2)] + [(*s, 3) for s in hidden]
    return [_dense_case(*s) for s in shapes] + [_dense_case(5, 3, 4, 4, np.float32)]


given = {"mfs": _Package()}
'''


def _judge_dense_backward(source: str) -> None:
    cases = _inputs(_DENSE)["cases"]()
    got = run_sandboxed(source, _DENSE, function="dense_backward")
    raise_if_broken(got, "dense_backward")
    for (X, W, G), call in zip(cases, got["calls"]):
        sizes = f"X {X.shape}, W {W.shape}, G {G.shape}"
        _raised(call, "dense_backward", sizes)
        parts = _parts(call["out"], 3, "dense_backward should return the three arrays (dW, db, dX)")
        dW, db, dX = (_array(p, f"{name} (for {sizes})", shape) for p, name, shape
                      in zip(parts, ["dW", "db", "dX"], [W.shape, (W.shape[1],), X.shape]))
        if X.dtype == np.float32:
            exact = _exact_dense(X.astype(np.float64), W, G)
            for name, value in zip(["dW", "db", "dX"], [dW, db, dX]):
                _check_float32(name, value, exact[name])
            continue
        layer, X64 = _dense_layer(W), X.copy()

        def L():
            return float(np.sum(layer.forward(X64) * G))

        for name, value, wrt in [("dW", dW, layer.params["W"]), ("db", db, layer.params["b"]),
                                 ("dX", dX, X64)]:
            _check_gradient(f"{name} for {sizes}", value, L, wrt)


def _dense_layer(W: np.ndarray):
    """The package's Dense layer holding W (float64), the bias at 0."""
    import mlp_from_scratch as mfs

    layer = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=np.float64)
    layer.params["W"][...] = W
    layer.params["b"][...] = 0
    return layer


def _exact_dense(X: np.ndarray, W: np.ndarray, G: np.ndarray) -> dict:
    """The package's gradients (float64) for a float32 case, where differences are too coarse."""
    layer = _dense_layer(W)
    layer.forward(X, training=True)
    dX = layer.backward(G.astype(np.float64))
    return {"dW": layer.grads["W"].copy(), "db": layer.grads["b"].copy(), "dX": dX}


# --- nb04_tanh_backward -------------------------------------------------------------------

_TANH = _BASE + '''
def _tanh_cases(shape, seed):
    """The notebook's three calls for one shape: (Z, G), (Z, 2 G), and Z = ±6 with G = 1."""
    rng = np.random.default_rng(seed)
    Z, G = rng.standard_normal(shape), rng.standard_normal(shape)
    flat = np.full(shape, 6.0) * np.sign(rng.standard_normal(shape))
    return [(Z, G), (Z, 2 * G), (flat, np.ones(shape))]


SHAPES = [((5, 4), 1), ((1, 7), 2), ((6, 2), 3)]


def cases():
    Z32 = np.random.default_rng(4).standard_normal((3, 3)).astype(np.float32)
    return [c for shape, seed in SHAPES for c in _tanh_cases(shape, seed)] + [(Z32, np.ones_like(Z32))]


given = {"mfs": _Package()}
'''


def _judge_tanh_backward(source: str) -> None:
    namespace = _inputs(_TANH)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _TANH, function="tanh_backward")
    raise_if_broken(got, "tanh_backward")
    calls = got["calls"]
    for k, (shape, _) in enumerate(namespace["SHAPES"]):
        Z, G = cases[3 * k]
        dZ, dZ2, dZ_flat = (_tanh_result(call, case[0]) for call, case in
                            zip(calls[3 * k: 3 * k + 3], cases[3 * k: 3 * k + 3]))
        if not np.allclose(dZ2, 2 * dZ):
            raise Verdict("doubling G did not double dL/dZ: the backward pass must scale the "
                          "upstream gradient G")
        if not np.all(np.abs(dZ_flat) < 1e-3):
            raise Verdict("at Z = ±6, where tanh is flat, dL/dZ should be nearly 0 and is not: "
                          "is the derivative evaluated at the right quantity?")
        Z64 = Z.copy()
        _check_gradient(f"dL/dZ for Z of shape {shape}", dZ, lambda: float(np.sum(np.tanh(Z64) * G)), Z64)
    Z32, G32 = cases[-1]
    dZ32 = _tanh_result(calls[-1], Z32)
    if dZ32.dtype != np.float32:
        raise Verdict("tanh_backward returns float64 for float32 inputs: something changed the dtype")
    _check_float32("dL/dZ", dZ32, G32.astype(np.float64) / np.cosh(Z32.astype(np.float64)) ** 2)


def _tanh_result(call: dict, Z: np.ndarray) -> np.ndarray:
    _raised(call, "tanh_backward", f"Z of shape {Z.shape}")
    return _array(call["out"], f"dL/dZ for Z of shape {Z.shape}", Z.shape)


# --- nb04_network_backward ----------------------------------------------------------------

_NETWORK = _BASE + _HELPERS + _LAYERS + '''
def _network_setup(batch, n_in, n_hidden, n_out, seed):
    """The notebook's network: parameters (biases not 0), data, MSE gradient and cache."""
    rng = np.random.default_rng(seed)
    p = init_params(n_in, n_hidden, n_out, rng)
    p["b1"], p["b2"] = rng.standard_normal(n_hidden) * 0.5, rng.standard_normal(n_out) * 0.5
    X, y = rng.standard_normal((batch, n_in)), rng.standard_normal((batch, n_out))
    y_hat, cache = network_forward(X, p["W1"], p["b1"], p["W2"], p["b2"])
    return p, X, y, MSE()(y_hat, y)[1], cache


NETWORKS = [(4, 2, 4, 1, 1), (6, 3, 5, 2, 2), (3, 3, 3, 3, 3), (1, 2, 6, 1, 4)]


def cases():
    out = []
    for sizes in NETWORKS:
        p, X, y, grad, cache = _network_setup(*sizes)
        out.append((grad, p["W1"], p["W2"], cache))
    return out


given = {"dense_backward": dense_backward, "tanh_backward": tanh_backward,
         "network_forward": network_forward, "init_params": init_params, "mfs": _Package()}
'''

_NETWORK_ALONE = _alone("dense_backward", "tanh_backward", "network_forward", "init_params")
_NAMES = ["W1", "b1", "W2", "b2"]


def _judge_network_backward(source: str) -> None:
    import mlp_from_scratch as mfs

    namespace = _inputs(_NETWORK)
    got = run_sandboxed(source, _NETWORK, function="network_backward")
    raise_if_broken(got, "network_backward", _NETWORK_ALONE)
    for (batch, n_in, n_hidden, n_out, seed), call in zip(namespace["NETWORKS"], got["calls"]):
        p, X, y, _, _ = namespace["_network_setup"](batch, n_in, n_hidden, n_out, seed)
        sizes = f"a {n_in}-{n_hidden}-{n_out} network on a batch of {batch}"
        _raised(call, "network_backward", sizes, _NETWORK_ALONE)
        parts = _parts(call["out"], 4, "network_backward should return the four arrays (dW1, db1, dW2, db2)")
        result = [_array(part, f"d{name} (for {sizes})", p[name].shape) for part, name in zip(parts, _NAMES)]

        def L():
            return mfs.MSE()(namespace["network_forward"](X, p["W1"], p["b1"], p["W2"], p["b2"])[0], y)[0]

        errors, notes = {}, []
        for name, value in zip(_NAMES, result):
            numeric = mfs.numerical_gradient(L, p[name])
            errors[name] = mfs.relative_error(value.astype(np.float64), numeric)
            if errors[name] >= BELOW and np.vdot(numeric, numeric) > 0:
                notes += _direction_note(name, value.astype(np.float64), numeric)
        _report_network(sizes, errors, notes)


def _direction_note(name: str, value: np.ndarray, numeric: np.ndarray) -> list[str]:
    """What a wrong gradient that is a multiple of the right one says (the notebook's words)."""
    import mlp_from_scratch as mfs

    c = np.vdot(value, numeric) / np.vdot(numeric, numeric)
    if mfs.relative_error(value, c * numeric) >= 1e-6:
        return []
    return [f"d{name} points the opposite way: a sign is flipped" if c < 0 else
            f"d{name} is the right direction but the wrong size: a constant factor (such as "
            "the batch size) is applied twice or not at all"]


def _report_network(sizes: str, errors: dict, notes: list[str]) -> None:
    """The notebook's verdict: every error, which gradients are wrong, where to look."""
    wrong = [n for n in _NAMES if errors[n] >= BELOW]
    if not wrong:
        return
    right = [f"d{n}" for n in _NAMES if n not in wrong]
    where = ("the output layer's gradients are right, so the mistake is between the output "
             "layer and the first layer" if wrong == ["W1", "b1"] else
             "every gradient is wrong: look at the first step, the output layer" if len(wrong) == 4
             else "")
    raise Verdict(
        f"for {sizes}, relative errors against finite differences (a correct gradient gives "
        f"< {BELOW:.0e}): " + ", ".join(f"d{n} {errors[n]:.0e}" for n in _NAMES) + "; wrong: "
        + ", ".join(f"d{n}" for n in wrong) + (f"; right: {', '.join(right)}" if right else "")
        + (f"; {where}" if where else "") + ("; " + "; ".join(notes) if notes else ""))


# --- nb04_train_xor -----------------------------------------------------------------------

_TRAIN = _BASE + _HELPERS + _NETWORK_REFERENCE + '''
#: (seed, lr, num_epochs): the notebook's four starts, and one more with another lr and
#: number of epochs (which a loop that ignores its arguments gets wrong)
RUNS = [(0, 0.1, 1000), (1, 0.1, 1000), (2, 0.1, 1000), (3, 0.1, 1000), (4, 0.05, 200)]
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def cases():
    """(X, y, start parameters, lr, num_epochs), each with arrays of its own."""
    return [(XOR_X.copy(), XOR_Y.copy(), init_params(2, 4, 1, np.random.default_rng(seed)), lr, n)
            for seed, lr, n in RUNS]


_backward_calls = []


def _counted_network_backward(grad_y_hat, W1, W2, cache):
    """The reference network_backward, counting its calls."""
    _backward_calls.append(1)
    return network_backward(grad_y_hat, W1, W2, cache)


def drive(namespace, X, y, start, lr, num_epochs):
    """Train from ``start`` (a dict the student's function gets, holding the arrays to be
    updated in place) and report: the losses returned, how often network_backward ran, the
    original arrays after training and which of them the dict no longer holds."""
    namespace["network_backward"] = _counted_network_backward   # the reference, wherever defined
    del _backward_calls[:]
    params = dict(start)
    try:
        losses = namespace["train_xor"](params, X, y, lr, num_epochs)
    except BaseException as error:
        return {"error": f"{type(error).__name__}: {error}", "count": len(_backward_calls)}
    replaced = [name for name in start if name not in params or params[name] is not start[name]]
    return {"losses": _compact(losses, num_epochs), "count": len(_backward_calls),
            "arrays": dict(start), "replaced": replaced}


def _compact(losses, num_epochs):
    """The losses as one float64 array, or what they are if they are not that many numbers.
    Kept small: run_sandboxed reads the child's result only once the child has ended, so a
    result larger than the pipe's 64 kB would block the child until the time limit."""
    if losses is None:
        return "None"
    try:
        array = np.array(losses, dtype=np.float64)
    except Exception:
        return f"a {type(losses).__name__}, not a list of numbers"
    if array.size > 2 * num_epochs:
        return f"{array.size} numbers"
    return array


given = {"network_forward": network_forward, "network_backward": _counted_network_backward,
         "init_params": init_params, "dense_backward": dense_backward,
         "tanh_backward": tanh_backward, "mfs": _Package(MSE=MSE)}
'''

_TRAIN_ALONE = _alone("network_forward", "network_backward", "init_params", "dense_backward",
                      "tanh_backward") + ", and mfs.MSE"


def _judge_train_xor(source: str) -> None:
    namespace = _inputs(_TRAIN)
    got = run_sandboxed(source, _TRAIN, function="train_xor")
    raise_if_broken(got, "train_xor", _TRAIN_ALONE)
    for (seed, lr, num_epochs), (X, y, start, _, _), call in zip(
            namespace["RUNS"], namespace["cases"](), got["calls"]):
        _raised(call, "train_xor", "", _TRAIN_ALONE)   # what the drive did not catch
        report = call["out"].get("dict", {})
        if "error" in report:
            _train_error(report)
        if call["changed_inputs"]:
            raise Verdict(f"train_xor changed its input {'Xy'[call['changed_inputs'][0]]}: "
                          "training must leave the data as it was")
        losses = _losses(report["losses"], num_epochs)
        count = int(number_of(report["count"], "count"))
        if count != num_epochs:
            raise Verdict(f"train_xor called network_backward {count} times in {num_epochs} "
                          "epochs; the gradients must come from network_backward (the grader's "
                          "reference one), every epoch")
        trained = {name: array_of(report["arrays"]["dict"][name], name) for name in _NAMES}
        _check_in_place(start, trained, [p["str"] for p in report["replaced"]["items"]])
        expected_losses, expected = _reference_training(namespace, X, y, start, lr, num_epochs)
        _check_losses_and_outputs(namespace, X, y, losses, expected_losses[0], trained, lr,
                                  num_epochs, seed, check_targets=(lr, num_epochs) == (0.1, 1000))
        differ = [name for name in _NAMES if not np.allclose(trained[name], expected[name],
                                                              rtol=1e-6, atol=1e-9)]
        if differ:
            raise Verdict(f"after {num_epochs} epochs (lr {lr}, seed {seed}) {', '.join(differ)} "
                          f"differ from what {num_epochs} gradient descent steps "
                          "θ ← θ − lr · ∂L/∂θ give from the same start")
        off = ~np.isclose(losses, expected_losses, rtol=1e-6, atol=1e-12)
        if off.any():
            raise Verdict(f"the losses returned (lr {lr}, seed {seed}) differ from the MSE of "
                          f"the parameters before each step, from epoch {int(np.argmax(off)) + 1} "
                          "on: record each epoch's loss before its step")


def _train_error(report: dict) -> None:
    """train_xor raised (a NotAnswered for the stub): the error, and how far it got."""
    call_error({"error": report["error"]["str"]}, "train_xor")
    count = int(number_of(report["count"], "count"))
    raise Verdict(f"train_xor raised {report['error']['str']} (after it called network_backward "
                  f"{count} times)" + alone_hint(report["error"]["str"], _TRAIN_ALONE))


def _losses(plain: dict, num_epochs: int) -> np.ndarray:
    """The returned losses, one number per epoch."""
    what = plain.get("str")
    if what is None:
        try:
            losses = array_of(plain, "the losses")
        except Verdict as verdict:
            raise Verdict("train_xor should return the list of its losses, one per epoch: "
                          f"{verdict}") from None
        if losses.ndim and losses.shape[0] == num_epochs and losses.size == num_epochs:
            return losses.reshape(-1).astype(np.float64)
        what = f"{losses.shape[0] if losses.ndim else 'one number'}" + (
            f" (an array of shape {losses.shape})" if losses.ndim > 1 else "")
    raise Verdict(f"train_xor should return one loss per epoch ({num_epochs}), got {what}")


def _check_in_place(start: dict, trained: dict, replaced: list[str]) -> None:
    """The steps must land in the arrays the caller gave, every one of them."""
    if replaced:
        raise Verdict(f"after training, params holds new arrays for {', '.join(replaced)}, not "
                      "the ones train_xor was given: the steps must be written into those "
                      "arrays, in place (e.g. with -=); a new array put into the dict leaves "
                      "the caller's arrays (and anything that shares them) as they were")
    unchanged = [name for name in _NAMES if np.array_equal(trained[name], start[name])]
    if len(unchanged) == len(_NAMES):
        raise Verdict("the arrays in params are unchanged after training: the steps must be "
                      "written into those arrays, in place (e.g. with -=): a new array bound to a "
                      "local name leaves the caller's arrays as they were")
    if unchanged:
        raise Verdict(f"{', '.join(unchanged)} never changed during training: the gradient "
                      "descent step must update every array of params, weights and biases")


def _check_losses_and_outputs(namespace: dict, X, y, losses, first_loss, trained, lr,
                              num_epochs, seed, check_targets) -> None:
    """The notebook's checks: the first loss is the start's, the loss fell, XOR is learned."""
    if not abs(losses[0] - first_loss) < 1e-9 * max(1.0, first_loss):
        raise Verdict("the first loss returned is not the loss of the starting parameters: "
                      "record each epoch's loss before its step")
    if not losses[-1] < losses[0]:
        raise Verdict(f"the loss rose from {losses[0]:.3g} to {losses[-1]:.3g}: the steps go uphill")
    y_hat = namespace["network_forward"](X, *(trained[name] for name in _NAMES))[0]
    if check_targets and not np.all(np.abs(y_hat - y) < 0.1):
        raise Verdict(f"after {num_epochs} epochs (lr {lr}, seed {seed}) the outputs are "
                      f"{np.round(y_hat[:, 0], 2)} for the targets {y[:, 0]}: training did not "
                      "reach XOR's targets")


def _reference_training(namespace: dict, X, y, start: dict, lr: float, num_epochs: int):
    """Full-batch gradient descent from ``start`` in the grading process: (losses, params)."""
    import mlp_from_scratch as mfs

    params, losses, loss = {k: v.copy() for k, v in start.items()}, [], mfs.MSE()
    for _ in range(num_epochs):
        y_hat, cache = namespace["network_forward"](X, *(params[name] for name in _NAMES))
        value, grad = loss(y_hat, y)
        for name, g in zip(_NAMES, namespace["network_backward"](grad, params["W1"], params["W2"], cache)):
            params[name] -= lr * g
        losses.append(value)
    return np.array(losses), params


# --- nb04_bce_grad ------------------------------------------------------------------------

_BCE = _BASE + '''
def cases():
    """(z, y) of the notebook's shapes: one output, several outputs, a single entry."""
    out = []
    for shape, seed in [((8, 1), 1), ((5, 3), 2), ((1, 1), 3)]:
        rng = np.random.default_rng(seed)
        z = rng.standard_normal(shape) * 2
        out.append((z, (rng.random(shape) < 0.5).astype(np.float64)))
    return out


given = {"mfs": _Package(sigmoid=sigmoid)}
'''

_BCE_ALONE = "mfs.sigmoid (the grader's stand-in)"


def _judge_bce_grad(source: str) -> None:
    import mlp_from_scratch as mfs

    got = run_sandboxed(source, _BCE, function="bce_grad")
    raise_if_broken(got, "bce_grad", _BCE_ALONE)
    for (z, y), call in zip(_inputs(_BCE)["cases"](), got["calls"]):
        _raised(call, "bce_grad", f"z of shape {z.shape}", _BCE_ALONE)
        name = f"dL/dz for z of shape {z.shape}"
        grad = _array(call["out"], name, z.shape)
        bce = mfs.BinaryCrossEntropyWithLogits()
        _check_gradient(name, grad, lambda: bce(z, y)[0], z)


# --- nb04_scale_backward ------------------------------------------------------------------

_SCALE = _BASE + '''
def cases():
    """(X, s, G): the notebook's three layers, a square one and a single example included."""
    out = []
    for batch, features, seed in [(5, 3, 1), (4, 4, 2), (1, 6, 3)]:
        rng = np.random.default_rng(seed)
        X, s, G = rng.standard_normal((batch, features)), rng.standard_normal(features), \\
            rng.standard_normal((batch, features))
        out.append((X, s, G))
    return out


given = {"mfs": _Package()}
'''


def _judge_scale_backward(source: str) -> None:
    got = run_sandboxed(source, _SCALE, function="scale_backward")
    raise_if_broken(got, "scale_backward")
    for (X, s, G), call in zip(_inputs(_SCALE)["cases"](), got["calls"]):
        _raised(call, "scale_backward", f"X of shape {X.shape}")
        dX, ds = _parts(call["out"], 2, "scale_backward should return the pair (dX, ds)")
        dX = _array(dX, f"dX (for X of shape {X.shape})", X.shape)
        ds = _array(ds, f"ds (for s of shape {s.shape})", s.shape)

        def L():
            return float(np.sum(X * s * G))

        _check_gradient(f"dX for X of shape {X.shape}", dX, L, X)
        _check_gradient(f"ds for X of shape {X.shape}", ds, L, s)


# --- nb04_predict_error -------------------------------------------------------------------

def _judge_predict_error(source: str) -> None:
    import mlp_from_scratch as mfs

    got = run_sandboxed(source, "", values=("predicted_error",))
    raise_if_broken(got, None)
    plain = got["values"].get("predicted_error")
    if plain is not None and plain.get("type") == "NoneType":
        raise Verdict("predicted_error is None: replace None with your answer")
    if plain is not None and plain.get("dtype", "").endswith("b1"):
        raise Verdict("predicted_error should be a number, got bool")
    value = number_of(plain, "predicted_error")
    if not math.isfinite(value):
        raise Verdict(f"predicted_error should be a finite number, got {value}")
    if not 0 <= value <= 1:
        raise Verdict(f"predicted_error is {value:.12g}, but a relative error "
                      "‖a − n‖ / (‖a‖ + ‖n‖) lies between 0 and 1")
    if abs(value - 0.25) < 0.01:
        raise Verdict("predicted_error is the factor the gradients are off by, not the relative error")
    n = np.random.default_rng(5).standard_normal(50)
    if not abs(value - mfs.relative_error(n / 4, n)) < 0.01:
        raise Verdict(f"predicted_error {value:.2g} is not the relative error of a gradient off "
                      "by that factor")


TASKS = {
    "nb04_dense_backward": _judge_dense_backward,
    "nb04_tanh_backward": _judge_tanh_backward,
    "nb04_network_backward": _judge_network_backward,
    "nb04_train_xor": _judge_train_xor,
    "nb04_bce_grad": _judge_bce_grad,
    "nb04_scale_backward": _judge_scale_backward,
    "nb04_predict_error": _judge_predict_error,
}
