"""Notebook 04's judged tasks: the backward passes, the XOR training loop, the library of
section 7 (``Dense``, the activation layers, ``Sequential``, ``check_layer_gradients``) and the
five exercises (tools/judge.py).

Every gradient a student's code returns is compared, in the grading process, with central
differences of a loss computed there (``mfs.numerical_gradient``, the package's losses and
layers), as the notebook's test cells do, with the same messages. The later tasks are graded
with reference pieces in place of the earlier ones (``network_backward`` gets a reference
``dense_backward`` and ``tanh_backward``; ``train_xor`` a reference ``network_backward``), so
a wrong earlier piece costs only its own points. ``train_xor`` is compared step for step
with gradient descent run in the grading process from the same start.

The library's classes keep state between calls, so the child drives them (forward, backward,
parameters(), ...) and sends back copies of what they returned; ``Sequential`` is driven on
the grader's reference layers (NumPy, recording their calls), not on the student's, and
``check_layer_gradients`` is given the grader's layers, correct ones and ones with a planted
bug.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (Verdict, alone_hint, answer_of, array_of, call_error, judged_calls, number_of,
                   raise_if_broken, raise_if_changed, raise_if_not_close, raise_if_unanswered, returned_pair,
                   run_sandboxed)

#: What a correct gradient's relative error against finite differences stays below, in float64
#: (as ``mfs.checks.check_gradient``), and in float32 against the float64 gradient.
BELOW = 1e-7
BELOW_FLOAT32 = 1e-5


# Trusted code, run in the child before the student's cell (and in the grading process, to
# make the same inputs), in pieces: a task's child holds only the pieces it may use, since the
# student's code can reach everything there (through any given function's __globals__), and
# never a reference of the task itself.

# ``mfs``, a stand-in that offers only what a task may use from the package; the package's
# MSE in NumPy; the copies the student's function gets.
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
              "smoothed_ce_grad": ["Z", "y"], "scale_backward": ["X", "s", "G"],
              "softmax_backward": ["S", "G"]}


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
                      "the ones train_xor was given: training must change the caller's arrays "
                      "themselves, and a new array put into the dict leaves them (and anything "
                      "that shares them) as they were")
    unchanged = [name for name in _NAMES if np.array_equal(trained[name], start[name])]
    if len(unchanged) == len(_NAMES):
        raise Verdict("the arrays in params are unchanged after training: training must change "
                      "the caller's arrays themselves, the objects in params, and a new array bound "
                      "to a local name leaves them as they were")
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


# --- nb04_smoothed_ce_grad ----------------------------------------------------------------

_SMOOTHED = _BASE + '''
def cases():
    """(Z, y, smoothing): the check's sizes and smoothings, each with its logits as drawn, then
    moved by +1000 and by -1000 (softmax, and so the gradient, is the same)."""
    out = []
    for shape, smoothing, seed in [((6, 4), 0.1, 1), ((1, 3), 0.0, 2), ((5, 10), 0.3, 3), ((8, 2), 0.05, 4)]:
        rng = np.random.default_rng(seed)
        Z = rng.standard_normal(shape) * 2
        y = rng.integers(0, shape[1], size=shape[0])
        out += [(Z + shift, y, smoothing) for shift in (0.0, 1000.0, -1000.0)]
    # last: one row with a spread of 1600, whose smallest probabilities underflow to 0
    out.append((np.array([[800.0, 0.0, -800.0], [0.5, -1.0, 2.0]]), np.array([1, 0]), 0.1))
    return out


given = {"mfs": _Package()}
'''


def _smoothed_targets(y: np.ndarray, classes: int, smoothing: float) -> np.ndarray:
    """The exercise's target rows q_n: 1 - smoothing more on the label, smoothing / classes on every class."""
    q = np.full((len(y), classes), smoothing / classes)
    q[np.arange(len(y)), y] += 1 - smoothing
    return q


def _judge_smoothed_ce_grad(source: str) -> None:
    import mlp_from_scratch as mfs

    got = run_sandboxed(source, _SMOOTHED, function="smoothed_ce_grad")
    raise_if_broken(got, "smoothed_ce_grad")
    cases = _inputs(_SMOOTHED)["cases"]()
    spread = len(cases) - 1                 # the row 800, 0, -800: checked after the first size, as the notebook does
    for start in range(0, spread, 3):       # the logits as drawn, then moved by +1000 and -1000
        Z, y, smoothing = cases[start]
        what = f"Z of shape {Z.shape} and smoothing {smoothing}"
        _raised(got["calls"][start], "smoothed_ce_grad", what)
        grad = _array(got["calls"][start]["out"], f"dL/dZ for {what}", Z.shape)
        q = _smoothed_targets(y, Z.shape[1], smoothing)
        _check_gradient(f"dL/dZ for {what}", grad, lambda: mfs.SoftmaxCrossEntropy()(Z, q)[0], Z)
        for shift, call in zip((1000.0, -1000.0), got["calls"][start + 1:start + 3]):
            moved_what = (f"{what}, every logit moved by {shift:+g} (does exp overflow, or every exp "
                          "underflow to 0?)")
            _raised(call, "smoothed_ce_grad", moved_what)
            moved = _array(call["out"], f"dL/dZ for {moved_what}", Z.shape)
            if not np.allclose(moved, grad, rtol=1e-6, atol=1e-12):
                raise Verdict(f"dL/dZ for {what} changed when every logit moved by {shift:+g}, which leaves "
                              "softmax, and so the loss, as it was")
        if start == 0:
            _judge_spread(cases[spread], got["calls"][spread])


def _judge_spread(case: tuple, call: dict) -> None:
    import mlp_from_scratch as mfs

    Z, y, smoothing = case
    what = "the logits [[800, 0, -800], [0.5, -1, 2]] (labels [1, 0], smoothing 0.1)"
    _raised(call, "smoothed_ce_grad", what)
    grad = _array(call["out"], f"dL/dZ for {what}", Z.shape)
    expected = mfs.SoftmaxCrossEntropy()(Z, _smoothed_targets(y, Z.shape[1], smoothing))[1]
    if not np.allclose(grad, expected, rtol=1e-6, atol=1e-12):
        raise Verdict(f"dL/dZ for {what} is not the gradient of L, where a row's probabilities "
                      "underflow to 0: it must hold for logits of any size")


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

# the factors in the order the check cell first asks for them: a correct gradient, section 5's two
# cases, 1/4 and 4 for the symmetry, then the factors only the hidden tests ask about
_ERROR_CASES = """
def cases():
    return [(1.0,), (2.0,), (-1.0,), (0.25,), (4.0,), (0.5,), (0.0,), (-2.5,), (-0.3,), (1e-3,)]
"""

#: section 5's measured cases, which the check tests the rule on
_ERROR_SHOWN = {2.0: (1 / 3, "a gradient twice too large"), -1.0: (1.0, "a sign error")}


def _judge_predict_error(source: str) -> None:
    import mlp_from_scratch as mfs

    calls = judged_calls(source, _ERROR_CASES, "predicted_error")
    values: dict[float, float] = {}

    def predicted(factor: float) -> float:
        # the cell's _predicted: the student's value, a Verdict at the call that first asks for it
        while factor not in values:
            (asked,), out = next(calls)
            call = f"predicted_error({asked})"
            value = values[asked] = answer_of(out, call)
            if not 0 <= value <= 1:
                raise Verdict(f"{call} = {value:.6g}, but a relative error ‖a − n‖ / (‖a‖ + ‖n‖) lies between 0 "
                              "and 1")
        return values[factor]

    # the check cell, in its order
    if not abs(predicted(1.0)) < 1e-9:
        raise Verdict(f"predicted_error(1.0) = {predicted(1.0):.6g}, but an analytic gradient equal to the true "
                      "one has the relative error 0")
    for factor, (shown, case) in _ERROR_SHOWN.items():
        if not abs(predicted(factor) - shown) < 1e-9:
            raise Verdict(f"predicted_error({factor}) = {predicted(factor):.6g}, but section 5 measured "
                          f"{shown:.6g} for {case}")
    small, large = predicted(0.25), predicted(4.0)
    if not abs(small - large) < 1e-9:
        raise Verdict(f"predicted_error(0.25) = {small:.6g} and predicted_error(4.0) = {large:.6g} differ, "
                      "but a = n / 4 is n = 4 a: the same pair of vectors with their roles swapped, and "
                      "‖a − n‖ / (‖a‖ + ‖n‖) does not change when a and n swap")
    # the hidden tests: the bug measured (a gradient of 50 entries divided by the batch once more)
    n = np.random.default_rng(5).standard_normal(50)
    measured = mfs.relative_error(n / 4, n)
    if abs(small - 0.25) < 1e-9:
        raise Verdict("predicted_error(0.25) = 0.25 is the factor the gradient is off by, not the "
                      "relative error")
    if not abs(small - measured) < 1e-6:
        raise Verdict(f"predicted_error(0.25) = {small:.6g} is not what the gradient check measures for a "
                      "gradient 1/4 times the true one: write ‖a − n‖ and ‖a‖ + ‖n‖ with a = factor · n")
    for factor in [2.0, 4.0, 0.5, 1.0, 0.0, -1.0, -2.5, -0.3, 1e-3]:
        value, exact = predicted(factor), abs(factor - 1) / (abs(factor) + 1)
        if not abs(value - exact) < 1e-9:
            raise Verdict(f"predicted_error({factor}) = {value:.6g} is too {'large' if value > exact else 'small'}"
                          + (": what does a negative factor do to ‖a‖ and to ‖a − n‖?" if factor < 0 else
                             ": ‖a − n‖ and ‖a‖ + ‖n‖ are both multiples of ‖n‖"))


# --- nb04_softmax_backward ---------------------------------------------------------------

_SOFTMAX = _BASE + '''
def _softmax(Z):
    """The package's softmax, in NumPy (the same operations as mfs.softmax)."""
    e = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_cases(batch, classes, seed):
    """The notebook's calls for one shape: (S, G), (S, 2 G), and S, G with rows 1, 2, ... new."""
    rng = np.random.default_rng(seed)
    Z, G = 2 * rng.standard_normal((batch, classes)), rng.standard_normal((batch, classes))
    S = _softmax(Z)
    out = [(S, G), (S, 2 * G)]
    if batch > 1:
        S_other, G_other = S.copy(), G.copy()
        S_other[1:] = _softmax(2 * rng.standard_normal((batch - 1, classes)))
        G_other[1:] = rng.standard_normal((batch - 1, classes))
        out.append((S_other, G_other))
    return out


SHAPES = [((5, 4), 1), ((4, 4), 2), ((1, 7), 3), ((3, 2), 4), ((64, 10), 5)]


def _float32_case():
    rng = np.random.default_rng(6)
    Z = 2 * rng.standard_normal((6, 5))
    return Z, _softmax(Z).astype(np.float32), rng.standard_normal((6, 5)).astype(np.float32)


def _wide_case():
    """30,000 classes: one row's Jacobian (7.2 GB) cannot fit the child's memory limit."""
    rng = np.random.default_rng(7)
    Z = 2 * rng.standard_normal((2, 30_000))
    return Z, _softmax(Z), rng.standard_normal((2, 30_000))


def cases():
    """The check cell's calls, shape by shape, then the float32 one, then the wide one."""
    _, S32, G32 = _float32_case()
    _, S_wide, G_wide = _wide_case()
    return ([c for (batch, classes), seed in SHAPES for c in _softmax_cases(batch, classes, seed)]
            + [(S32, G32), (S_wide, G_wide)])


given = {"mfs": _Package()}
'''


def _judge_softmax_backward(source: str) -> None:
    import mlp_from_scratch as mfs

    namespace = _inputs(_SOFTMAX)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _SOFTMAX, function="softmax_backward")
    raise_if_broken(got, "softmax_backward")
    k = 0
    for (batch, classes), seed in namespace["SHAPES"]:
        rng = np.random.default_rng(seed)
        Z, G = 2 * rng.standard_normal((batch, classes)), rng.standard_normal((batch, classes))
        S = cases[k][0]
        dZ, dZ2 = (_softmax_result(got["calls"][k + i], cases[k + i][0]) for i in (0, 1))
        if not np.allclose(dZ2, 2 * dZ):
            raise Verdict("doubling G did not double dL/dZ: a backward pass is linear in the upstream "
                          "gradient G")
        if batch > 1:
            other = _softmax_result(got["calls"][k + 2], cases[k + 2][0])
            if not np.allclose(other[0], dZ[0], rtol=1e-12, atol=1e-15):
                raise Verdict("row 0 of dL/dZ changed when only the other rows of S and G changed: softmax "
                              "acts on each row alone, so each row of dL/dZ depends only on its own row of "
                              "S and G (does a sum run over the batch?)")
        k += 3 if batch > 1 else 2
        sums = dZ.sum(axis=1)
        if not np.allclose(sums, 0, atol=1e-10):
            hint = (" (yours is S * G, the Jacobian's diagonal alone: each s_i depends on every logit of its "
                    "row)" if np.allclose(dZ, S * G) else "")
            raise Verdict(f"the rows of dL/dZ should sum to 0 and do not (row 0 sums to {sums[0]:.3g}): adding "
                          "the same number to every logit of a row leaves softmax unchanged, so moving all "
                          f"the logits of a row together cannot change the loss{hint}")
        _check_gradient(f"dL/dZ for S of shape {S.shape}", dZ,
                        lambda: float(np.sum(mfs.softmax(Z) * G)), Z)
    Z, S32, G32 = namespace["_float32_case"]()
    dZ32 = _softmax_result(got["calls"][k], S32)
    if dZ32.dtype != np.float32:
        raise Verdict(f"softmax_backward returns {dZ32.dtype} for float32 inputs: something changed the dtype")
    exact = mfs.numerical_gradient(lambda: float(np.sum(mfs.softmax(Z) * G32.astype(np.float64))), Z)
    error = mfs.relative_error(dZ32, exact)
    if not error < BELOW_FLOAT32:
        raise Verdict(f"dL/dZ for float32 inputs: relative error {error:.0e} against the gradient in "
                      f"float64 (a correct one gives < {BELOW_FLOAT32:.0e})")
    Z, S, G = namespace["_wide_case"]()
    call = got["calls"][k + 1]
    if call.get("error", "").startswith("MemoryError"):
        raise Verdict(f"softmax_backward ran out of memory for S of shape {S.shape}: a classes × classes matrix "
                      "(the Jacobian, of one row or of all) does not fit a wide layer; simplify the sum until "
                      "none is left")
    layer = mfs.Softmax()
    layer.forward(Z)
    if not np.allclose(_softmax_result(call, S), layer.backward(G), rtol=1e-9, atol=1e-15):
        raise Verdict(f"dL/dZ for S of shape {S.shape} is wrong")


def _softmax_result(call: dict, S: np.ndarray) -> np.ndarray:
    _raised(call, "softmax_backward", f"S of shape {S.shape} ({S.dtype})")
    return _array(call["out"], f"dL/dZ for S of shape {S.shape}", S.shape)


# --- nb04_predict_float32 -----------------------------------------------------------------

_FORMATS_CASES = """
def cases():
    return [(float(np.finfo(np.float64).eps), float(np.finfo(np.float32).eps), 2, "float32 against float64, order 2"),
            (float(np.finfo(np.float32).eps), float(np.finfo(np.float32).eps), 2, "float32 against float32, order 2"),
            (float(np.finfo(np.float32).eps), float(np.finfo(np.float32).eps), 1, "float32 against float32, order 1"),
            (2.0**-23, 2.0**-10, 2, "float16 (eps 2^-10) against float32 (eps 2^-23), order 2"),
            (2.0**-23, 2.0**-7, 2, "bfloat16 (eps 2^-7) against float32 (eps 2^-23), order 2"),
            (2.0**-52, 1e-4, 2, "a format with eps 1e-4 against float64 (eps 2^-52), order 2"),
            (2.0**-23, 2.0**-10, 1, "float16 (eps 2^-10) against float32 (eps 2^-23), order 1 (forward difference)"),
            (2.0**-52, 2.0**-23, 1, "float32 against float64, order 1 (forward difference)"),
            (2.0**-52, 1e-4, 4, "a format with eps 1e-4 against float64 (eps 2^-52), order 4 (five-point)")]


def drive(namespace, eps_fine, eps_coarse, order, formats):
    return namespace["float_format_ratios"](eps_fine, eps_coarse, order)
"""


def _ratio_number(plain: dict, name: str, formats: str) -> float:
    """check_number's rules on one of the two ratios the child sent back."""
    value = answer_of(plain, name)
    if not value > 0:
        raise Verdict(f"{name} is {value:.12g} for {formats}: a ratio of two steps or of two errors is positive")
    return value


def _judge_predict_float32(source: str) -> None:
    got = run_sandboxed(source, _FORMATS_CASES, function="float_format_ratios")
    raise_if_broken(got, "float_format_ratios")
    namespace: dict = {"np": np}
    exec(_FORMATS_CASES, namespace)
    for (eps_fine, eps_coarse, order, formats), call in zip(namespace["cases"](), got["calls"]):
        pair = returned_pair(call, f"float_format_ratios for {formats}", ("step_ratio", "error_ratio"))
        ratios = [_ratio_number(plain, name, formats) for plain, name in zip(pair, ["step_ratio", "error_ratio"])]
        if eps_fine == eps_coarse:
            for name, value in zip(["step_ratio", "error_ratio"], ratios):
                if not abs(value - 1) < 1e-9:
                    raise Verdict(f"{name} is {value:.6g} for two formats of the same precision (order {order}): "
                                  "the sweep would be the same in both, so both ratios are 1")
            continue
        if formats == "float32 against float64, order 2":
            continue   # the notebook's own setting: its measurement is on screen, only the form is checked
        # truncation ∝ h^order and rounding ∝ eps / h balance at h ∝ eps^(1 / (order + 1))
        for name, value, power in zip(["step_ratio", "error_ratio"], ratios, [1 / (order + 1), order / (order + 1)]):
            off = math.log10(value) - power * math.log10(eps_coarse / eps_fine)
            if not abs(off) < math.log10(2):
                raise Verdict(f"{name} = {value:.3g} for {formats} is {abs(off):.2f} decades "
                              f"{'above' if off > 0 else 'below'} what the balance of the truncation error (∝ h^order) "
                              "and the rounding error (∝ precision / h) gives (a factor of 2 is allowed)")


# --- the library (section 7): Dense, the activations, Sequential, check_layer_gradients ----
#
# The student's classes keep state between calls, so the child *drives* them: it builds the
# object, calls forward and backward on copies of the inputs made before the student's code
# ran, and sends back copies of what came back (plain ndarrays, made with np.array bound
# before the student's cell ran), with the step that raised, if one did. Every verdict is
# decided here, with the notebook's messages.

_LIBRARY = _BASE + '''
import warnings as _warnings

_array, _ndarray, _isinstance, _type, _len, _str = np.array, np.ndarray, isinstance, type, len, str
_dict, _list, _bool, _int, _float, _np_number = dict, list, bool, int, float, np.number
_tobytes, _copy = np.ndarray.tobytes, np.ndarray.copy
_errstate, _catch, _simplefilter = np.errstate, _warnings.catch_warnings, _warnings.simplefilter


class _Stop(Exception):
    """A step of the student's code raised: the drive stops there and says where."""


def _snap(value):
    """A returned value, kept: a plain ndarray copy; None; or the name of its type."""
    if _isinstance(value, _ndarray):
        return _array(value, copy=True, subok=False)
    if value is None:
        return None
    return "<" + _type(value).__name__ + ">"


def _same(a, b):
    """The student's array a holds exactly b (b one of ours)."""
    return _isinstance(a, _ndarray) and a.shape == b.shape and a.dtype == b.dtype and _tobytes(a) == _tobytes(b)


def _step(out, what, call):
    """Run one call of the student's code, as the notebook's check does: RuntimeWarnings are
    errors; an error is recorded with the step (the stub's NotImplementedError included)."""
    try:
        with _catch(), _errstate(over="warn", divide="warn", invalid="warn"):
            _simplefilter("error", RuntimeWarning)
            return call()
    except BaseException as error:
        out["error"] = _type(error).__name__ + ": " + _str(error)
        out["at"] = what
        raise _Stop()


def _param(layer, name):
    params = getattr(layer, "params", None)
    return params.get(name) if _isinstance(params, _dict) else None


def _grad(layer, name):
    grads = getattr(layer, "grads", None)
    return grads.get(name) if _isinstance(grads, _dict) else None
'''


def _library_cases(inputs: str) -> list:
    return _inputs(inputs)["cases"]()


def _out(call: dict, function: str, where: str = "") -> dict:
    """The drive's report as {name: plain}; a Verdict for a step that raised."""
    error = call_error(call, function)
    if error is not None:
        raise Verdict(f"{function} raised {error}")
    report = call["out"].get("dict", {})
    if "error" in report:
        failure = report["error"]["str"]
        raise_if_unanswered(failure)
        kind, _, message = failure.partition(":")
        at = report["at"]["str"]
        if kind == "RuntimeWarning":
            raise Verdict(f"{at} gave a RuntimeWarning ({message.strip()}): the formula is not "
                          "numerically stable for these inputs")
        raise Verdict(f"{at} raised {kind}:{message}" + alone_hint(failure))
    return report


def _got(report: dict, key: str, name: str, shape: tuple | None = None) -> np.ndarray:
    """A returned array with check_array's properties, in its words."""
    plain = report.get(key)
    if plain is None or plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: does your code return (or assign) its result?")
    if "str" in plain:
        raise Verdict(f"{name} should be a NumPy array, got {plain['str'].strip('<>')}")
    value = array_of(plain, name)
    if value.dtype.kind not in "iuf":
        raise Verdict(f"{name} should hold real numbers, got dtype {value.dtype}")
    if shape is not None and value.shape != tuple(shape):
        raise Verdict(f"{name} has shape {value.shape}, expected {tuple(shape)}")
    if value.dtype.kind == "f" and not np.isfinite(value).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return value


def _flag(report: dict, key: str) -> bool:
    return bool(number_of(report[key], key))


# --- nb04_dense_layer ---------------------------------------------------------------------

_DENSE_LAYER = _LIBRARY + '''
def _dense_case(batch, n_in, n_out, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal(shape).astype(dtype)
                 for shape in [(n_in, n_out), (n_out,), (batch, n_in), (batch, n_out)])


#: the check cell's layers: (batch, in, out, seed, dtype)
BASIC = [(5, 3, 4, 1, "float64"), (2, 6, 1, 2, "float64"), (4, 4, 4, 3, "float64"), (1, 3, 2, 3, "float64"),
         (3, 5, 5, 3, "float64"), (6, 2, 2, 3, "float64"), (5, 3, 4, 4, "float32")]


def cases():
    out = [("basic", _dense_case(b, i, o, s, np.dtype(d))) for b, i, o, s, d in BASIC]
    W, b, x1, G = _dense_case(4, 3, 3, 5)
    out.append(("two", (W, b, x1, np.random.default_rng(6).standard_normal(x1.shape), G)))
    out.append(("update", _dense_case(3, 2, 4, 7)))
    return out


def drive(namespace, kind, arrays):
    cls, out = namespace["Dense"], {}
    try:
        if kind == "basic":
            W, b, x, G = arrays
            sizes = f"W {W.shape}, x {x.shape}"
            layer = _step(out, f"Dense(W, b) for {sizes}", lambda: cls(_copy(W), _copy(b)))
            out["dicts"] = _isinstance(getattr(layer, "params", None), _dict) and _isinstance(getattr(layer, "grads", None), _dict)
            out["kept"] = (out["dicts"] and _len(layer.params) == 2 and _same(_param(layer, "W"), W)
                           and _same(_param(layer, "b"), b))
            x_passed, G_passed = _copy(x), _copy(G)
            out["y"] = _snap(_step(out, f"forward for {sizes}", lambda: layer.forward(x_passed)))
            out["x_same"] = _same(x_passed, x)
            out["grad_x"] = _snap(_step(out, f"backward for {sizes}", lambda: layer.backward(G_passed)))
            out["G_same"] = _same(G_passed, G)
            out["W_same"], out["b_same"] = _same(_param(layer, "W"), W), _same(_param(layer, "b"), b)
            out["grad_W"], out["grad_b"] = _snap(_grad(layer, "W")), _snap(_grad(layer, "b"))
        elif kind == "two":
            W, b, x1, x2, G = arrays
            layer = _step(out, "Dense(W, b)", lambda: cls(_copy(W), _copy(b)))
            _step(out, "forward", lambda: layer.forward(_copy(x1)))
            _step(out, "a second forward", lambda: layer.forward(_copy(x2)))
            out["grad_x"] = _snap(_step(out, "backward", lambda: layer.backward(_copy(G))))
            out["grad_W"] = _snap(_grad(layer, "W"))
        else:
            W, b, x, G = arrays
            layer = _step(out, "Dense(W, b)", lambda: cls(_copy(W), _copy(b)))
            _step(out, "forward", lambda: layer.forward(_copy(x)))

            def update():
                layer.params["W"] -= 0.5
                layer.params["b"] += 1.0
            _step(out, "changing self.params in place", update)
            out["y"] = _snap(_step(out, "forward", lambda: layer.forward(_copy(x))))
    except _Stop:
        pass
    return out


given = {"mfs": _Package()}
'''


def _dense_L(W, b, x, G):
    return lambda: float(np.sum((x @ W + b) * G))


def _judge_dense_layer(source: str) -> None:
    import mlp_from_scratch as mfs

    got = run_sandboxed(source, _DENSE_LAYER, function="Dense")
    raise_if_broken(got, "Dense")
    for (kind, arrays), call in zip(_library_cases(_DENSE_LAYER), got["calls"]):
        report = _out(call, "Dense")
        if kind == "basic":
            W, b, x, G = (a.copy() for a in arrays)
            sizes = f"W {W.shape}, x {x.shape}"
            if not _flag(report, "dicts"):
                raise Verdict("a Dense layer needs the dicts self.params and self.grads (the layer contract)")
            if not _flag(report, "kept"):
                raise Verdict('Dense(W, b) should keep W and b as self.params["W"] and self.params["b"]')
            if not _flag(report, "x_same"):
                raise Verdict("forward changed its input x: a layer computes new arrays and leaves x as it was")
            y = _got(report, "y", f"forward's output (for {sizes})", (len(x), W.shape[1]))
            if not _flag(report, "G_same"):
                raise Verdict("backward changed its input grad_y: a layer below or an optimizer may still need it")
            for name in ("W", "b"):
                if not _flag(report, f"{name}_same"):
                    raise Verdict(f'backward changed self.params["{name}"]: backward computes gradients, '
                                  "and only the optimizer changes the parameters")
            grad_x = _got(report, "grad_x", f"backward's result dL/dx (for {sizes})", x.shape)
            grad_W = _got(report, "grad_W", f'self.grads["W"] after backward (for {sizes})', W.shape)
            grad_b = _got(report, "grad_b", f'self.grads["b"] after backward (for {sizes})', b.shape)
            for name, value in [("forward's output", y), ("dL/dx", grad_x), ('self.grads["W"]', grad_W),
                                ('self.grads["b"]', grad_b)]:
                if value.dtype != x.dtype:
                    raise Verdict(f"{name} is {value.dtype} for {x.dtype} inputs and parameters: "
                                  "something changed the dtype")
            if x.dtype == np.float32:
                W, b, x, G = (a.astype(np.float64) for a in (W, b, x, G))
                for name, value, wrt in [("dL/dx", grad_x, x), ('self.grads["W"]', grad_W, W),
                                         ('self.grads["b"]', grad_b, b)]:
                    error = mfs.relative_error(value, mfs.numerical_gradient(_dense_L(W, b, x, G), wrt))
                    if not error < 1e-5:
                        raise Verdict(f"{name} for float32 inputs: relative error {error:.0e} against "
                                      "finite differences in float64")
                continue
            raise_if_not_close(f"forward's output (for {sizes})", y, x @ W + b)
            for name, value, wrt in [("dL/dx", grad_x, x), ('self.grads["W"]', grad_W, W),
                                     ('self.grads["b"]', grad_b, b)]:
                _check_gradient(f"{name} for {sizes}", value, _dense_L(W, b, x, G), wrt)
        elif kind == "two":
            W, b, x1, x2, G = (a.copy() for a in arrays)
            grad_x = _got(report, "grad_x", "dL/dx")
            grad_W = _got(report, "grad_W", 'self.grads["W"]', W.shape)
            first = mfs.relative_error(grad_W, mfs.numerical_gradient(_dense_L(W, b, x1, G), W))
            last = mfs.relative_error(grad_W, mfs.numerical_gradient(_dense_L(W, b, x2, G), W))
            if first < BELOW <= last:
                raise Verdict("after forward(x1) and forward(x2), backward gave the gradients for x1: "
                              "they must be for the input of the most recent forward")
            _check_gradient('self.grads["W"] after two forwards', grad_W, _dense_L(W, b, x2, G), W)
            if grad_x.shape != x2.shape:
                raise Verdict(f"dL/dx has shape {grad_x.shape}, expected {x2.shape}")
            _check_gradient("dL/dx after two forwards", grad_x, _dense_L(W, b, x2, G), x2)
        else:
            W, b, x, _ = arrays
            y = _got(report, "y", "forward's output")
            if not (y.shape == (len(x), W.shape[1]) and np.allclose(y, x @ (W - 0.5) + (b + 1.0))):
                raise Verdict('after self.params["W"] and ["b"] were changed in place (as an optimizer '
                              "does), forward did not compute with the new values: it must read self.params")


# --- nb04_activation_layers ---------------------------------------------------------------

_ACTIVATIONS = _LIBRARY + '''
NAMES = ("ReLU", "Tanh", "Sigmoid")


def _pair(shape, seed):
    rng = np.random.default_rng(seed)
    z, G = rng.standard_normal(shape) * 2, rng.standard_normal(shape)
    z[np.abs(z) < 1e-3] = 0.5
    return z, G


def cases():
    """The check cell's calls: (kind, class name, arrays)."""
    out = []
    for seed, shape in [(1, (5, 4)), (2, (1, 6)), (3, (7, 3))]:
        out += [("basic", name, _pair(shape, seed)) for name in NAMES]
    z32 = np.random.default_rng(4).standard_normal((4, 3)).astype(np.float32)
    out += [("basic", name, (z32, np.ones_like(z32))) for name in NAMES]
    rng = np.random.default_rng(5)
    z1, z2, G = (rng.standard_normal((3, 4)) for _ in range(3))
    out += [("two", name, (z1, z2, G)) for name in NAMES]
    z0 = np.array([[0.0, 1.0, -1.0], [0.0, 0.0, 2.0]])
    out.append(("basic", "ReLU", (z0, np.ones_like(z0))))
    for dtype in (np.float64, np.float32):
        big = np.array([[-1000.0, -100.0, -30.0, 0.0, 30.0, 100.0, 1000.0]], dtype=dtype)
        out.append(("basic", "Sigmoid", (big, np.ones_like(big))))
    return out


def drive(namespace, kind, name, arrays):
    out = {}
    if name not in namespace:
        return {"missing": name}
    cls = namespace[name]
    try:
        layer = _step(out, name + "()", cls)
        params, grads = getattr(layer, "params", None), getattr(layer, "grads", None)
        out["empty"] = (_isinstance(params, _dict) and _isinstance(grads, _dict)
                        and _len(params) == 0 and _len(grads) == 0)
        if kind == "basic":
            z, G = arrays
            what = f"on z of shape {z.shape} ({z.dtype})"
            z_passed, G_passed = _copy(z), _copy(G)
            out["y"] = _snap(_step(out, f"{name}.forward {what}", lambda: layer.forward(z_passed)))
            out["grad"] = _snap(_step(out, f"{name}.backward {what}", lambda: layer.backward(G_passed)))
            out["z_same"], out["G_same"] = _same(z_passed, z), _same(G_passed, G)
        else:
            z1, z2, G = arrays
            _step(out, name + ".forward", lambda: layer.forward(_copy(z1)))
            _step(out, name + ".forward", lambda: layer.forward(_copy(z2)))
            out["grad"] = _snap(_step(out, name + ".backward", lambda: layer.backward(_copy(G))))
    except _Stop:
        pass
    return out


given = {"mfs": _Package()}
'''

_ACTIVATION_FUNCTIONS = {"ReLU": lambda z: np.maximum(z, 0), "Tanh": np.tanh,
                         "Sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2))}


def _judge_activation_layers(source: str) -> None:
    import mlp_from_scratch as mfs

    got = run_sandboxed(source, _ACTIVATIONS, function=None)
    raise_if_broken(got, None)
    for name in ("ReLU", "Tanh", "Sigmoid"):
        if name not in got["defined"]:
            raise Verdict(f"your cell does not define the class {name}")
    for (kind, name, arrays), call in zip(_library_cases(_ACTIVATIONS), got["calls"]):
        report = _out(call, name)
        f = _ACTIVATION_FUNCTIONS[name]
        if not _flag(report, "empty"):
            raise Verdict(f"{name}() should have params = {{}} and grads = {{}}: it has no parameters")
        if kind == "two":
            z1, z2, G = (a.copy() for a in arrays)
            grad = _got(report, "grad", f"{name}.backward's result", z2.shape)
            if mfs.relative_error(grad, mfs.numerical_gradient(lambda: float(np.sum(f(z2) * G)), z2)) >= BELOW:
                raise Verdict(f"after forward(z1) and forward(z2), {name}.backward's result is not the "
                              "gradient at z2: it must be for the input of the most recent forward")
            continue
        z, G = (a.copy() for a in arrays)
        y = _got(report, "y", f"{name}.forward's output", z.shape)
        grad = _got(report, "grad", f"{name}.backward's result", z.shape)
        if not _flag(report, "z_same"):
            raise Verdict(f"{name}.forward changed its input x: a layer computes new arrays and leaves its "
                          "inputs as they were")
        if not _flag(report, "G_same"):
            raise Verdict(f"{name}.backward changed its input grad_y: a layer computes new arrays and leaves "
                          "its inputs as they were")
        for what, value in [("forward's output", y), ("backward's result", grad)]:
            if value.dtype != z.dtype:
                raise Verdict(f"{name}.{what} is {value.dtype} for {z.dtype} inputs: something changed the dtype")
        if np.abs(z).max() >= 1000:        # the sigmoid at |z| up to 1e3
            raise_if_not_close(f"Sigmoid.forward at z = ±30, ±100, ±1000 ({z.dtype.name})", y,
                   np.array([[0, 0, 0, 0.5, 1, 1, 1]]), rtol=0, atol=1e-12)
            raise_if_not_close(f"Sigmoid.backward at z = ±30, ±100, ±1000 ({z.dtype.name})", grad,
                   np.array([[0, 0, 0, 0.25, 0, 0, 0]]), rtol=0, atol=1e-12)
        elif np.any(z == 0):               # ReLU at exactly 0
            if not np.array_equal(grad, [[0, 1, 0], [0, 0, 1]]):
                raise Verdict("ReLU's backward at z = 0 should give 0 (the convention), and 1 * grad_y where z > 0")
        elif z.dtype == np.float32:
            raise_if_not_close(f"{name}.forward's output for float32 inputs", y, f(z.astype(np.float64)), rtol=1e-5, atol=1e-6)
        else:
            raise_if_not_close(f"{name}.forward's output", y, f(z))
            _check_gradient(f"{name}.backward for z of shape {z.shape}", grad,
                            lambda: float(np.sum(f(z) * G)), z)


# --- nb04_sequential ----------------------------------------------------------------------

_SEQUENTIAL = _LIBRARY + '''
class _RefDense:
    """The grader's reference Dense (NumPy): reads its params at every call."""

    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}

    def forward(self, x, training=False):
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_y):
        self.grads["W"][...] = self._x.T @ grad_y
        self.grads["b"][...] = grad_y.sum(axis=0)
        return grad_y @ self.params["W"].T


class _RefTanh:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        self._y = np.tanh(x)
        return self._y

    def backward(self, grad_y):
        return grad_y * (1 - self._y ** 2)


class _RefReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        self._mask = x > 0
        return np.maximum(x, 0)

    def backward(self, grad_y):
        return grad_y * self._mask


class _Recorded:
    """A reference layer that records the calls it gets (training: 1 True, 0 False, 2 other)."""

    def __init__(self, layer, log, index):
        self.layer, self.log, self.index = layer, log, index
        self.params, self.grads = layer.params, layer.grads

    def forward(self, x, training=False):
        self.log.append((self.index, 1 if training is True else 0 if training is False else 2))
        return self.layer.forward(x, training)

    def backward(self, grad_y):
        self.log.append((self.index, -1))
        return self.layer.backward(grad_y)


#: the check cell's networks: (layers, batch, seed)
NETWORKS = [([("Dense", 3, 5), ("Tanh",), ("Dense", 5, 2)], 4, 1), ([("Dense", 4, 3)], 2, 2), ([("Tanh",)], 3, 3),
            ([("Dense", 3, 4), ("ReLU",), ("Dense", 4, 4), ("Tanh",), ("Dense", 4, 2)], 5, 4),
            ([("Dense", 4, 4), ("Tanh",), ("Dense", 4, 4)], 1, 5)]


def setup(spec, batch, seed):
    """The network's parameters, input and output gradient."""
    rng = np.random.default_rng(seed)
    params = [(rng.standard_normal(s[1:]) * np.sqrt(2 / sum(s[1:])), rng.standard_normal(s[2]) * 0.5)
              if s[0] == "Dense" else None for s in spec]
    n_in = spec[0][1] if spec[0][0] == "Dense" else 3
    x = rng.standard_normal((batch, n_in))
    n_out = next((s[2] for s in reversed(spec) if s[0] == "Dense"), n_in)
    return params, x, rng.standard_normal((batch, n_out))


def cases():
    return [(spec, *setup(spec, batch, seed)) for spec, batch, seed in NETWORKS]


def drive(namespace, spec, params, x, G):
    out, log = {}, []
    inner = [_RefDense(_copy(p[0]), _copy(p[1])) if s[0] == "Dense" else
             {"Tanh": _RefTanh, "ReLU": _RefReLU}[s[0]]() for s, p in zip(spec, params)]
    layers = [_Recorded(layer, log, i) for i, layer in enumerate(inner)]
    what = f"a Sequential of {len(spec)} layer(s) ({', '.join(s[0] for s in spec)})"
    try:
        model = _step(out, f"Sequential(*layers) for {what}", lambda: namespace["Sequential"](*layers))
        kept = getattr(model, "layers", None)
        out["kept"] = (_isinstance(kept, _list) and _len(kept) == _len(layers)
                       and all(a is b for a, b in zip(kept, layers)))
        for training in (False, True):
            del log[:]
            x_passed = _copy(x)
            call = (lambda: model.forward(x_passed, training=True)) if training else (lambda: model.forward(x_passed))
            out[f"y{int(training)}"] = _snap(_step(out, f"forward for {what}", call))
            out[f"log{int(training)}"] = _list(log)
            out[f"x_same{int(training)}"] = _same(x_passed, x)
        _step(out, f"forward for {what}", lambda: model.forward(_copy(x), training=True))
        del log[:]
        out["blog"] = log
        G_passed = _copy(G)
        out["grad_x"] = _snap(_step(out, "backward", lambda: model.backward(G_passed)))
        out["blog"] = [i for i, _ in log]
        out["G_same"] = _same(G_passed, G)
        expected = [p for layer in inner for p in layer.params.values()]
        got = _step(out, "parameters()", model.parameters)
        out["params_n"] = _len(got) if _isinstance(got, _list) else -1
        out["params_same"] = [a is b for a, b in zip(got, expected)] if _isinstance(got, _list) else []
        got = _step(out, "gradients()", model.gradients)
        out["grads_n"] = _len(got) if _isinstance(got, _list) else -1
        out["grads"] = [_snap(g) for g in got] if _isinstance(got, _list) else []
    except _Stop:
        if "blog" in out:
            out["blog"] = [i for i, _ in log]
    return out


given = {"mfs": _Package()}
'''


def _seq_forward(spec, params, x):
    for s, p in zip(spec, params):
        x = x @ p[0] + p[1] if s[0] == "Dense" else np.tanh(x) if s[0] == "Tanh" else np.maximum(x, 0)
    return x


def _judge_sequential(source: str) -> None:
    got = run_sandboxed(source, _SEQUENTIAL, function="Sequential")
    raise_if_broken(got, "Sequential")
    for (spec, params, x, G), call in zip(_library_cases(_SEQUENTIAL), got["calls"]):
        params = [None if p is None else (p[0].copy(), p[1].copy()) for p in params]
        n, what = len(spec), f"a Sequential of {len(spec)} layer(s) ({', '.join(s[0] for s in spec)})"
        report = call.get("out", {}).get("dict", {})
        if "error" in report and report.get("at", {}).get("str") == "backward":
            order = [int(number_of(i, "index")) for i in report["blog"]["items"]]
            failure = report["error"]["str"]
            raise_if_unanswered(failure)
            if order and order[0] != n - 1:
                raise Verdict(f"backward called the layers' backward starting at layer {order[0]} of "
                              f"0..{n - 1}; it raised {failure.partition(':')[0]} there: in which order "
                              "does the gradient pass through the layers?")
            raise Verdict(f"Sequential.backward for {what} raised {failure}" + alone_hint(failure))
        report = _out(call, "Sequential")
        if not _flag(report, "kept"):
            raise Verdict("Sequential(*layers) should keep the layers, in order, as the list self.layers")
        for training in (0, 1):
            shown = ", training=True" if training else ""
            log = [[int(number_of(v, "log")) for v in entry["items"]] for entry in report[f"log{training}"]["items"]]
            if not _flag(report, f"x_same{training}"):
                raise Verdict("Sequential.forward changed its input x")
            if [i for i, _ in log] != list(range(n)):
                raise Verdict(f"forward(x{shown}) called the layers' forward in the order "
                              f"{[i for i, _ in log]} (layer indices), not once each in order")
            if any(t != training for _, t in log):
                passed = [{1: True, 0: False}.get(t, "other") for _, t in log]
                raise Verdict(f"forward(x{shown}) passed training={passed} to the layers: each layer must "
                              "get the model's training")
            y = _got(report, f"y{training}", f"Sequential.forward's output for {what}")
            expected = _seq_forward(spec, params, x)
            if y.shape != expected.shape:
                raise Verdict(f"Sequential.forward's output for {what} has shape {y.shape}, expected {expected.shape}")
            raise_if_not_close(f"Sequential.forward's output for {what}", y, expected)
        if not _flag(report, "G_same"):
            raise Verdict("Sequential.backward changed its input grad_y")
        order = [int(number_of(i, "index")) for i in report["blog"]["items"]]
        if order != list(range(n))[::-1]:
            raise Verdict(f"backward called the layers' backward in the order {order} (layer indices "
                          f"0..{n - 1}): in which order does the gradient pass through the layers?")
        grad_x = _got(report, "grad_x", f"Sequential.backward's result (for {what})", x.shape)
        L = lambda: float(np.sum(_seq_forward(spec, params, x) * G))  # noqa: E731
        _check_gradient(f"dL/dx for {what}", grad_x, L, x)
        expected = [(i, name, p) for i, pair in enumerate(params) if pair is not None
                    for name, p in zip("Wb", pair)]
        for method, count in [("parameters()", report["params_n"]), ("gradients()", report["grads_n"])]:
            count = int(number_of(count, "count"))
            if count != len(expected):
                raise Verdict(f"{method} should return a list of {len(expected)} arrays for {what} "
                              f"(one per parameter of every layer), got "
                              + (f"{count}" if count >= 0 else "something else"))
        same = [bool(number_of(s, "same")) for s in report["params_same"]["items"]]
        for k, ((i, name, p), mine, g) in enumerate(zip(expected, same, report["grads"]["items"])):
            if not mine:
                raise Verdict(f"parameters()[{k}] should be layer {i}'s params['{name}'], that array itself "
                              "(not a copy): an optimizer updates it in place")
            if "bytes" not in g or tuple(g["shape"]) != p.shape:
                raise Verdict(f"gradients()[{k}] should be layer {i}'s grads['{name}'], the gradient that "
                              f"matches parameters()[{k}]")
            _check_gradient(f"gradients()[{k}] (layer {i}'s {name}) for {what}", array_of(g, "gradient"), L, p)


# --- nb04_check_layer_gradients -----------------------------------------------------------

_CHECK_LAYER = _LIBRARY + '''
class _Dense:
    """The grader's layers (NumPy), correct ones and ones with a planted bug."""

    def __init__(self, W, b):
        self.params, self.grads = {"W": W, "b": b}, {}

    def forward(self, x, training=False):
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_y):
        self.grads["W"], self.grads["b"] = self._x.T @ grad_y, grad_y.sum(axis=0)
        return grad_y @ self.params["W"].T


class _TanhDense(_Dense):
    def forward(self, x, training=False):
        self._a = np.tanh(super().forward(x, training))
        return self._a

    def backward(self, grad_y):
        return super().backward(grad_y * (1 - self._a ** 2))


class _TransposedDense(_Dense):
    def backward(self, grad_y):
        super().backward(grad_y)
        return grad_y @ self.params["W"]


class _DoubledBiasDense(_Dense):
    def backward(self, grad_y):
        grad_x = super().backward(grad_y)
        self.grads["b"] = 2 * self.grads["b"]
        return grad_x


class _Tanh:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        self._a = np.tanh(x)
        return self._a

    def backward(self, grad_y):
        return grad_y * (1 - self._a ** 2)


KINDS = {"Dense": _Dense, "TanhDense": _TanhDense, "TransposedDense": _TransposedDense,
         "DoubledBiasDense": _DoubledBiasDense}


def _layer(n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in), np.random.default_rng(seed + 100).standard_normal(n_out)


def cases():
    """(kind, W, b, x, what): the check cell's layers."""
    rng = np.random.default_rng(1)
    out = [("Dense", *_layer(3, 4, 2), rng.standard_normal((5, 3)), "a correct Dense(3, 4)"),
           ("TransposedDense", *_layer(4, 4, 3), rng.standard_normal((5, 4)), "a Dense(4, 4) with a wrong dL/dx")]
    rng = np.random.default_rng(4)
    out += [("DoubledBiasDense", *_layer(3, 2, 5), rng.standard_normal((4, 3)),
             "a Dense(3, 2) whose grads['b'] is twice too large"),
            ("TanhDense", *_layer(3, 3, 6), rng.standard_normal((4, 3)), "a correct tanh(x W + b) layer"),
            ("Tanh", None, None, rng.standard_normal((3, 5)), "a correct Tanh layer (no parameters)"),
            ("TanhDense", *_layer(2, 3, 7), rng.standard_normal((6, 2)).astype(np.float32),
             "a correct float64 tanh(x W + b) layer given a float32 x"),
            ("Dense", *_layer(2, 2, 8), rng.standard_normal((1, 2)), "a correct Dense(2, 2) on a batch of 1")]
    return out


def drive(namespace, kind, W, b, x, what):
    out = {}
    layer = _Tanh() if kind == "Tanh" else KINDS[kind](_copy(W), _copy(b))
    x_passed = _copy(x)
    try:
        result = _step(out, f"check_layer_gradients for {what}",
                       lambda: namespace["check_layer_gradients"](layer, x_passed))
    except _Stop:
        return out
    out["result"] = ("<" + _type(result).__name__ + ">" if _isinstance(result, (_bool, _ndarray))
                     or not _isinstance(result, (_int, _float, _np_number)) else _array(result, subok=False))
    out["params"] = {name: _snap(p) for name, p in layer.params.items()} if _isinstance(layer.params, _dict) else None
    out["x_same"] = _same(x_passed, x)
    return out


given = {"mfs": _Package()}
'''


def _judge_check_layer_gradients(source: str) -> None:
    got = run_sandboxed(source, _CHECK_LAYER, function="check_layer_gradients")
    raise_if_broken(got, "check_layer_gradients")
    for (kind, W, b, x, what), call in zip(_library_cases(_CHECK_LAYER), got["calls"]):
        report = _out(call, "check_layer_gradients")
        before = {} if W is None else {"W": W, "b": b}
        after = report["params"].get("dict", {}) if "dict" in report["params"] else None
        if after is None or set(after) != set(before):
            raise Verdict(f"after check_layer_gradients, layer.params of {what} no longer holds the "
                          "layer's arrays")
        for name, saved in before.items():
            plain = after[name]
            now = array_of(plain, name) if "bytes" in plain else None
            if now is None or now.shape != saved.shape:
                raise Verdict(f"after check_layer_gradients, layer.params['{name}'] of {what} is no longer "
                              "an array of its shape")
            changed = ~(now == saved)
            if changed.any():
                raise Verdict(f"after check_layer_gradients, layer.params['{name}'] of {what} differs from "
                              f"before in {int(changed.sum())} of {changed.size} entries: every perturbed "
                              "entry must get back exactly the value it had")
        if not _flag(report, "x_same"):
            raise Verdict(f"check_layer_gradients changed the x it was given (for {what})")
        plain = report["result"]
        if "str" in plain:
            raise Verdict(f"check_layer_gradients' result for {what} should be a number, got "
                          f"{plain['str'].strip('<>')}")
        value = number_of(plain, f"check_layer_gradients' result for {what}")
        if not math.isfinite(value):
            raise Verdict(f"check_layer_gradients' result for {what} should be a finite number, got {value}")
        if kind == "TransposedDense":
            if not value > 1e-3:
                raise Verdict(f"for a Dense(4, 4) whose dL/dx is wrong (its parameter gradients are right), "
                              f"check_layer_gradients returned {value:.1e}: a bug in dL/dx must show (> 1e-3)")
        elif kind == "DoubledBiasDense":
            if not value > 1e-3:
                raise Verdict(f"for a Dense(3, 2) whose grads['b'] is twice too large (dL/dx and grads['W'] "
                              f"right), check_layer_gradients returned {value:.1e}: every parameter's gradient "
                              "must be checked")
            if not abs(value - 1 / 3) < 1e-4:
                raise Verdict(f"for a Dense(3, 2) whose grads['b'] is twice too large (the rest right), "
                              f"check_layer_gradients returned {value:.4g}; a gradient twice too large has the "
                              "relative error ||a - n|| / (||a|| + ||n||) = 1/3, and the result is the largest "
                              "over x and every parameter")
        elif not 0 <= value < BELOW:
            raise Verdict(f"for {what}, whose gradients are right, check_layer_gradients returned "
                          f"{value:.1e}; a correct layer gives < 1e-07 (central differences in float64)")


TASKS = {
    "nb04_dense_backward": _judge_dense_backward,
    "nb04_tanh_backward": _judge_tanh_backward,
    "nb04_network_backward": _judge_network_backward,
    "nb04_train_xor": _judge_train_xor,
    "nb04_dense_layer": _judge_dense_layer,
    "nb04_activation_layers": _judge_activation_layers,
    "nb04_sequential": _judge_sequential,
    "nb04_check_layer_gradients": _judge_check_layer_gradients,
    "nb04_smoothed_ce_grad": _judge_smoothed_ce_grad,
    "nb04_scale_backward": _judge_scale_backward,
    "nb04_predict_error": _judge_predict_error,
    "nb04_softmax_backward": _judge_softmax_backward,
    "nb04_predict_float32": _judge_predict_float32,
}
