"""Notebook 08's judged tasks: batch normalization's forward and backward passes, layer
normalization's backward pass, folding batch normalization into the Dense layer before it, and
two questions (tools/judge.py): which biases get no gradient, measured with the package's
layers, and how long the running statistics take to warm up.

``batchnorm_forward`` updates the running statistics in place, and ``fold_batchnorm`` takes
layer objects, so the child *drives* both: it calls the student's function on its own copies
of the inputs (and on NumPy stand-ins of ``mfs.Dense`` and ``mfs.BatchNorm``) and sends back
the outputs together with those inputs as they are after the call. The grading process
compares with the package's ``mfs.BatchNorm`` and, for the backward passes, with central
differences of the forward passes (the package has no layer normalization: its forward pass
is written here, in the grading process), with the check cells' messages.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (Verdict, answer_of, array_of, call_error, judged_calls, kind_of, number_of,
                   raise_if_broken, raise_if_not_close, run_sandboxed)

# The child's copies of NumPy functions, taken before the student's cell runs (which could
# replace np.array and friends: the values sent back must not go through the student's code).
_BOUND = '''
_array, _copy = np.array, np.copy


def _snapshot(value):
    """An array the student's function returned, copied now (a later call must not change
    it); anything else as it is."""
    return _array(value, copy=True, subok=False) if isinstance(value, np.ndarray) else value
'''

# Task 1's reference, given to the later tasks' cells: a backward pass or a fold may reuse
# the forward pass, and a wrong forward of the student's costs only task 1's points.
_GIVEN_FORWARD = '''

def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.9, eps=1e-5):
    """The reference forward pass (task 1): normalise with the batch's statistics and update
    the running ones in place (training), or normalise with the running ones (evaluation)."""
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var[...] = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


given = {"batchnorm_forward": batchnorm_forward}
'''
_GIVEN = "a reference batchnorm_forward (task 1's)"

_FORWARD_CASES = _BOUND + '''

def cases():
    """(running_mean, running_var, steps), each step (x, gamma, beta, training, keywords): the
    check cell's visible training, tiny-variance and evaluation calls, then three hidden runs of
    three training steps and an evaluation with other momenta, shapes and float32."""
    check_rng = np.random.default_rng(41)
    X = check_rng.normal(loc=[5.0, -3.0, 0.5], scale=[2.0, 0.5, 10.0], size=(8, 3))
    gamma, beta = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 0.3])
    tiny = check_rng.normal(size=(8, 3)) * np.array([1.0, 1e-3, 1.0])    # feature 1: variance about 1e-6
    out = [(np.zeros(3), np.ones(3), [(X, gamma, beta, True, {})]),
           (np.zeros(3), np.ones(3), [(tiny, np.ones(3), np.zeros(3), True, {})]),
           (np.array([4.0, -2.0, 1.0]), np.array([3.0, 0.5, 80.0]), [(X, gamma, beta, False, {})])]
    hidden_rng = np.random.default_rng(42)
    for dtype, momentum, shape in ((np.float64, 0.5, (32, 7)), (np.float32, 0.9, (5, 2)),
                                   (np.float64, 0.99, (2, 4))):
        g = hidden_rng.uniform(0.5, 2, shape[1]).astype(dtype)
        bt = hidden_rng.normal(size=shape[1]).astype(dtype)
        steps = [((hidden_rng.normal(size=shape) * 3 + 1).astype(dtype), g, bt, training, {"momentum": momentum})
                 for training in (True, True, True, False)]
        out.append((np.zeros(shape[1], dtype), np.ones(shape[1], dtype), steps))
    return out


def drive(namespace, running_mean, running_var, steps):
    """The steps in order on one pair of running statistics (updated by the student's
    function, as a layer's state); per step y and every input as it is after the call."""
    function = namespace["batchnorm_forward"]
    running_mean, running_var, out = _copy(running_mean), _copy(running_var), []
    for x, gamma, beta, training, keywords in steps:
        x, gamma, beta = _copy(x), _copy(gamma), _copy(beta)
        try:
            y = _snapshot(function(x, gamma, beta, running_mean, running_var, training, **keywords))
        except Exception as error:
            out.append({"error": f"{type(error).__name__}: {error}"})
            break
        out.append({"y": y, "x": _copy(x), "gamma": _copy(gamma), "beta": _copy(beta),
                    "running_mean": _copy(running_mean), "running_var": _copy(running_var)})
    return out
'''


def _backward_drive(function: str) -> str:
    """The child's drive for a backward pass ``function(grad_out, x, gamma)`` (batchnorm_backward
    or layernorm_backward): the student's function on copies; what it returned and its inputs
    after the call."""
    return f'''

def drive(namespace, grad_out, x, gamma):
    inputs = [_copy(grad_out), _copy(x), _copy(gamma)]
    result = namespace[{function!r}](*inputs)
    if isinstance(result, (tuple, list)):
        result = tuple(_snapshot(r) for r in result)
    return {{"result": result, "inputs": [_copy(a) for a in inputs]}}
'''


_BACKWARD_CASES = _BOUND + _GIVEN_FORWARD + '''

def cases():
    """(grad_out, x, gamma): the check cell's visible case, then each hidden shape in float64
    and in float32."""
    check_rng = np.random.default_rng(51)
    X = check_rng.normal(loc=2.0, scale=3.0, size=(6, 4))
    G = check_rng.standard_normal((6, 4))
    out = [(G, X, check_rng.uniform(0.5, 2.0, 4))]
    hidden_rng = np.random.default_rng(52)
    for shape in ((3, 3), (17, 5)):
        xh = hidden_rng.normal(size=shape) * hidden_rng.uniform(0.1, 5, shape[1])
        gh = hidden_rng.standard_normal(shape)
        gamma = hidden_rng.uniform(0.5, 2.0, shape[1])
        out += [(gh, xh, gamma), (gh.astype(np.float32), xh.astype(np.float32), gamma.astype(np.float32))]
    return out

''' + _backward_drive("batchnorm_backward")

# layernorm_backward's calls: one case's arrays, the student's function on copies
_LAYERNORM_CALL = _BOUND + '''

def _case(shape, seed):
    """The check cell's _layer_norm_case without beta: grad_out, x, gamma."""
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=2.0, scale=3.0, size=shape) * rng.uniform(0.2, 3.0, (shape[0], 1))
    return rng.standard_normal(shape), x, rng.uniform(0.5, 2.0, shape[1])

''' + _backward_drive("layernorm_backward")

_LAYERNORM_CASES = _LAYERNORM_CALL + '''

def cases():
    """(grad_out, x, gamma): the check cell's visible case, the same with row 1 replaced, a
    batch of one row and the visible case in float32; then each hidden shape in float64 and
    in float32."""
    grad_out, x, gamma = _case((6, 4), 81)
    other_rng = np.random.default_rng(82)
    x_other, grad_out_other = x.copy(), grad_out.copy()
    x_other[1], grad_out_other[1] = other_rng.normal(loc=-4.0, scale=9.0, size=4), other_rng.standard_normal(4)
    out = [(grad_out, x, gamma), (grad_out_other, x_other, gamma), _case((1, 5), 83),
           tuple(a.astype(np.float32) for a in (grad_out, x, gamma))]
    for seed, shape in enumerate(((3, 64), (17, 5), (2, 3)), 84):
        case = _case(shape, seed)
        out += [case, tuple(a.astype(np.float32) for a in case)]
    return out
'''

# the check cell's wide layer: the formula answers in milliseconds, finite differences in minutes
_LAYERNORM_WIDE_CASES = _LAYERNORM_CALL + '''

def cases():
    return [_case((2, 100_000), 87)]
'''

_FOLD_CASES = _BOUND + _GIVEN_FORWARD + '''

class Dense:
    """A NumPy stand-in for mfs.Dense(in_features, out_features): params W (in, out), b (out,)."""

    def __init__(self, W, b):
        self.in_features, self.out_features = W.shape
        self.params = {"W": W, "b": b}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {}

    def forward(self, x, training=False):
        return x @ self.params["W"] + self.params["b"]


class BatchNorm:
    """A NumPy stand-in for mfs.BatchNorm(num_features): params gamma, beta; buffers
    running_mean, running_var; momentum, eps."""

    def __init__(self, gamma, beta, running_mean, running_var, momentum=0.9, eps=1e-5):
        self.in_features, self.momentum, self.eps = len(gamma), momentum, eps
        self.params = {"gamma": gamma, "beta": beta}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {"running_mean": running_mean, "running_var": running_var}

    def forward(self, x, training=False):
        if training:
            mean, var = x.mean(axis=0), x.var(axis=0)
            for name, value in (("running_mean", mean), ("running_var", var)):
                self.buffers[name] *= self.momentum
                self.buffers[name] += (1 - self.momentum) * value
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        return self.params["gamma"] * (x - mean) / np.sqrt(var + self.eps) + self.params["beta"]


def _layers(seed, gamma_one=False, beta_zero=False, tiny_var=False):
    """The check cell's layers_to_fold: (W, b, gamma, beta, running_mean, running_var)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(5, 4)) * np.sqrt(2 / 9)
    b = rng.normal(size=4)
    gamma = np.ones(4) if gamma_one else rng.uniform(0.3, 3.0, 4)
    beta = np.zeros(4) if beta_zero else rng.normal(size=4) * 2
    running_mean = rng.normal(size=4)
    running_var = np.full(4, 1e-6) if tiny_var else rng.uniform(0.5, 4.0, 4)
    return W, b, gamma, beta, running_mean, running_var


def cases():
    """The check cell's four pairs of layers (γ = 1 and β = 0, γ ≠ 1, β ≠ 0, all random), then
    the hidden one with a running variance of 1e-6."""
    return [_layers(62, gamma_one=True, beta_zero=True), _layers(62, beta_zero=True),
            _layers(62, gamma_one=True), _layers(62), _layers(63, tiny_var=True)]


def drive(namespace, W, b, gamma, beta, running_mean, running_var):
    """fold_batchnorm on stand-in layers; its result, the layers' arrays after the call, and
    whether it put other objects in the layers' places."""
    arrays = [_copy(a) for a in (W, b, gamma, beta, running_mean, running_var)]
    dense, bn = Dense(*arrays[:2]), BatchNorm(*arrays[2:])
    places = [(dense.params, "W"), (dense.params, "b"), (bn.params, "gamma"), (bn.params, "beta"),
              (bn.buffers, "running_mean"), (bn.buffers, "running_var")]
    eps = bn.eps
    result = namespace["fold_batchnorm"](dense, bn)
    if isinstance(result, (tuple, list)):
        result = tuple(_snapshot(r) for r in result)
    rebound = bn.eps is not eps or any(d.get(k) is not a for (d, k), a in zip(places, arrays))
    return {"result": result, "after": [_copy(a) for a in arrays], "rebound": int(rebound)}
'''

_FOLD_WHAT = ["with γ = 1 and β = 0", "with γ ≠ 1 (does your fold use γ?)",
              "with β ≠ 0 (does your fold use β?)", "with every parameter random",
              "with a running variance of 1e-6 (check ε)"]


def _cases(inputs: str) -> list[tuple]:
    """The cases of ``inputs``, made in the grading process (the child makes its own)."""
    namespace: dict = {"np": np, "math": math}
    exec(inputs, namespace)
    return namespace["cases"]()


def _array(plain: dict, name: str, shape: tuple) -> np.ndarray:
    """check_array's rules on an array the child sent back: a NumPy array of real numbers of
    ``shape``, with no NaN or infinity."""
    if plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: does your code return (or assign) its result?")
    if "bytes" not in plain:
        kind = "list or tuple" if "items" in plain else "str" if "str" in plain else plain.get("type", "dict")
        raise Verdict(f"{name} should be a NumPy array, got {kind}")
    value = array_of(plain, name)
    if value.dtype.kind == "b":
        raise Verdict(f"{name} should hold real numbers, got dtype {value.dtype}")
    if value.shape != tuple(shape):
        raise Verdict(f"{name} has shape {value.shape}, expected {tuple(shape)}")
    if not np.isfinite(value).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return value


# --- batchnorm_forward --------------------------------------------------------------------

def _reference_forward(running_mean, running_var, steps) -> list[tuple]:
    """(y, running_mean, running_var) after each step, from the package's BatchNorm in float64."""
    import mlp_from_scratch as mfs

    layer = mfs.BatchNorm(len(running_mean), momentum=steps[0][4].get("momentum", 0.9), dtype=np.float64)
    layer.buffers["running_mean"][...], layer.buffers["running_var"][...] = running_mean, running_var
    out = []
    for x, gamma, beta, training, _ in steps:
        layer.params["gamma"][...], layer.params["beta"][...] = gamma, beta
        y = layer.forward(x.astype(np.float64), training=training)
        out.append((y, layer.buffers["running_mean"].copy(), layer.buffers["running_var"].copy()))
    return out


def _forward_step(step: dict, inputs: tuple, running: tuple, mode: str) -> dict:
    """One call's result as arrays: the errors and changed inputs said first."""
    x, gamma, beta, training, _ = inputs
    error = call_error({"error": step["error"]["str"]} if "error" in step else {}, "batchnorm_forward")
    if error is not None:
        raise Verdict(f"batchnorm_forward raised {error.split(':')[0]} in {mode} mode for x of shape "
                      f"{x.shape}:{error.split(':', 1)[1] if ':' in error else ''}")
    for name, before in (("x", x), ("gamma", gamma), ("beta", beta)):
        if not np.array_equal(array_of(step[name], name), before):
            raise Verdict(f"batchnorm_forward changed its input {name} ({mode} mode): a layer's forward "
                          f"pass computes a new array and leaves {name} as it was")
    after = {name: array_of(step[name], name) for name in ("running_mean", "running_var")}
    if not training and not all(np.array_equal(after[n], r) for n, r in zip(after, running)):
        raise Verdict("evaluation mode changed the running statistics")
    return {"y": step["y"], **after}


def _judge_forward(source: str) -> None:
    got = run_sandboxed(source, _FORWARD_CASES, function="batchnorm_forward")
    raise_if_broken(got, "batchnorm_forward")
    for index, (case, call) in enumerate(zip(_cases(_FORWARD_CASES), got["calls"])):
        if "error" in call:   # raised outside the steps (KeyboardInterrupt, SystemExit)
            raise Verdict(f"batchnorm_forward raised {call_error(call, 'batchnorm_forward')}")
        reference = _reference_forward(*case)
        running = (case[0], case[1])
        results = []
        for step, inputs in zip(call["out"]["items"], case[2]):
            mode = "training" if inputs[3] else "evaluation"
            results.append(_forward_step(step["dict"], inputs, running, mode))
            running = (results[-1]["running_mean"], results[-1]["running_var"])
        check = (_check_visible_training, _check_tiny, _check_evaluation, _hidden)[min(index, 3)]
        check(case, results, reference)


def _check_visible_training(case, results, reference) -> None:
    (x, gamma, beta, _, _), = case[2]
    got = results[0]
    y = _array(got["y"], "y (training mode)", x.shape)
    x_hat = (y - beta) / gamma
    if not np.allclose(x_hat.mean(axis=0), 0, atol=1e-8):
        raise Verdict("training mode: the normalised features are not centred on the batch mean")
    if not np.allclose(x_hat.var(axis=0), 1, atol=1e-3):
        raise Verdict("training mode: each normalised feature should have variance 1 over the batch, as "
                      f"x.var(axis=0) measures it; yours have {np.round(x_hat.var(axis=0), 3)}")
    if np.allclose(got["running_mean"], 0):
        raise Verdict("the running mean did not move towards the batch mean (update it in place)")
    if np.allclose(got["running_var"], 1):
        raise Verdict("the running variance did not move towards the batch variance (update it in place)")
    moved = got["running_mean"] / x.mean(axis=0)
    if not np.allclose(moved, 0.1):
        raise Verdict(f"the running mean moved {moved.mean():.0%} of the way to the batch mean; with "
                      "momentum 0.9 the package's convention keeps 90 % of the old value")
    if not np.allclose((got["running_var"] - 1) / (x.var(axis=0) - 1), 0.1):
        raise Verdict("the running variance did not move 10 % of the way to the batch variance that x.var(axis=0) "
                      "measures (the biased one, which training normalises with)")
    raise_if_not_close("running_var", got["running_var"], reference[0][2], rtol=1e-10)


def _check_tiny(case, results, reference) -> None:
    x = case[2][0][0]
    y = _array(results[0]["y"], "y (training mode)", x.shape)
    if not np.allclose(y, reference[0][0], rtol=1e-6, atol=1e-9):
        raise Verdict("a feature with a tiny variance (about 1e-6) is normalised wrongly: check where ε enters")


def _check_evaluation(case, results, reference) -> None:
    (x, gamma, beta, _, _), = case[2]
    y = _array(results[0]["y"], "y (evaluation mode)", x.shape)
    if np.allclose(((y - beta) / gamma).mean(axis=0), 0, atol=1e-6):
        raise Verdict("evaluation mode normalises with the batch's statistics instead of the running ones")
    raise_if_not_close("y (evaluation mode)", y, reference[0][0], rtol=1e-8)


def _hidden(case, results, reference) -> None:
    shape = case[2][0][0].shape
    for step, (got, expected) in enumerate(zip(results[:3], reference), 1):
        name = f"y, training step {step}, shape {shape}"
        raise_if_not_close(name, _array(got["y"], name, shape), expected[0], rtol=1e-4, atol=1e-5)
    raise_if_not_close("running_mean after 3 steps", results[2]["running_mean"], reference[2][1], rtol=1e-4, atol=1e-6)
    raise_if_not_close("running_var after 3 steps", results[2]["running_var"], reference[2][2], rtol=1e-4, atol=1e-6)
    name = f"y, evaluation, shape {shape}"
    raise_if_not_close(name, _array(results[3]["y"], name, shape), reference[3][0], rtol=1e-4, atol=1e-5)


# --- batchnorm_backward -------------------------------------------------------------------

def _gradient_error(analytic: np.ndarray, of: str, grad_out: np.ndarray, x: np.ndarray,
                    gamma: np.ndarray) -> float:
    """The relative error of ``analytic`` against central differences of L = Σ y ⊙ grad_out,
    y the package's BatchNorm forward in training mode, with respect to ``of`` (x or gamma)."""
    import mlp_from_scratch as mfs
    from mlp_from_scratch.gradcheck import numerical_gradient, relative_error

    layer = mfs.BatchNorm(x.shape[1], dtype=np.float64)
    layer.params["gamma"][...] = gamma
    x = x.astype(np.float64)
    target = {"x": x, "gamma": layer.params["gamma"], "beta": layer.params["beta"]}[of]
    return relative_error(analytic, numerical_gradient(
        lambda: float(np.sum(layer.forward(x, training=True) * grad_out)), target))


def _judge_backward(source: str) -> None:
    from mlp_from_scratch.gradcheck import EXPECTED_BELOW

    got = run_sandboxed(source, _BACKWARD_CASES, function="batchnorm_backward")
    raise_if_broken(got, "batchnorm_backward", _GIVEN)
    grad_x64 = None
    for index, ((grad_out, x, gamma), call) in enumerate(zip(_cases(_BACKWARD_CASES), got["calls"])):
        error = call_error(call, "batchnorm_backward", _GIVEN)
        if error is not None:
            raise Verdict(f"batchnorm_backward raised {error.split(':')[0]} for x of shape {x.shape} "
                          f"({x.dtype}):{error.split(':', 1)[1] if ':' in error else ''}")
        out = call["out"]["dict"]
        for name, before, after in zip(("grad_out", "x", "gamma"), (grad_out, x, gamma), out["inputs"]["items"]):
            if not np.array_equal(array_of(after, name), before):
                raise Verdict(f"batchnorm_backward changed its input {name}: a backward pass computes new "
                              f"arrays and leaves {name} as it was")
        result = out["result"]
        if "items" not in result or len(result["items"]) != 3:
            raise Verdict("return three arrays: grad_x, grad_gamma, grad_beta")
        suffix = "" if index == 0 else f", shape {x.shape}"
        features = (x.shape[1],)
        grad_x = _array(result["items"][0], f"grad_x{suffix}", x.shape)
        grad_gamma = _array(result["items"][1], f"grad_gamma{suffix}", features)
        grad_beta = _array(result["items"][2], f"grad_beta{suffix}", features)
        if x.dtype == np.float32:   # the hidden float32 run: the same as the student's float64 one
            if not np.allclose(grad_x, grad_x64, rtol=1e-3, atol=1e-4):
                raise Verdict(f"float32 inputs, shape {x.shape}: grad_x is wrong")
            continue
        checks = [("grad_beta", grad_beta, "beta"), ("grad_gamma", grad_gamma, "gamma"), ("grad_x", grad_x, "x")]
        if index:   # the hidden shapes check grad_x, then grad_gamma
            checks = [checks[2], checks[1]]
        for name, analytic, of in checks:
            if index == 0 and of == "x" and not np.allclose(grad_x.sum(axis=0), 0, atol=1e-8):
                raise Verdict("grad_x does not sum to zero over the batch, column by column, as the exact "
                              "gradient does: adding the same amount to every row of a column changes nothing "
                              "after the normalization")
            relative = _gradient_error(analytic, of, grad_out, x, gamma)
            if not relative < EXPECTED_BELOW:
                raise Verdict(f"{name}{suffix}: relative error {relative:.0e} against finite differences "
                              f"(a correct gradient gives < {EXPECTED_BELOW:.0e})")
        grad_x64 = grad_x


# --- layernorm_backward -------------------------------------------------------------------

_LAYERNORM_WHAT = ["x of shape (6, 4)", "x of shape (6, 4), row 1 replaced", "a batch of one row, x of shape (1, 5)",
                   "float32 x of shape (6, 4)"] + [
    f"{kind}x of shape {shape}" for shape in ((3, 64), (17, 5), (2, 3)) for kind in ("", "float32 ")]


def _layer_norm(x: np.ndarray, gamma: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Layer normalization's forward pass (beta = 0: it does not change any gradient)."""
    return gamma * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)


def _layernorm_error(analytic: np.ndarray, of: str, grad_out: np.ndarray, x: np.ndarray,
                     gamma: np.ndarray) -> float:
    """The relative error of ``analytic`` against central differences of L = Σ y ⊙ grad_out,
    y layer normalization's forward pass, with respect to ``of`` (x, gamma or beta)."""
    from mlp_from_scratch.gradcheck import numerical_gradient, relative_error

    x, gamma, beta = x.copy(), gamma.copy(), np.zeros_like(gamma)
    target = {"x": x, "gamma": gamma, "beta": beta}[of]
    return relative_error(analytic, numerical_gradient(
        lambda: float(np.sum((_layer_norm(x, gamma) + beta) * grad_out)), target))


def _layernorm_arrays(call: dict, case: tuple, what: str) -> tuple:
    """The three arrays of one call, once its errors, changed inputs and shapes are said."""
    grad_out, x, gamma = case
    error = call_error(call, "layernorm_backward")
    if error is not None:
        raise Verdict(f"layernorm_backward raised {error.split(':')[0]} for {what}:"
                      f"{error.split(':', 1)[1] if ':' in error else ''}")
    out = call["out"]["dict"]
    for name, before, after in zip(("grad_out", "x", "gamma"), case, out["inputs"]["items"]):
        if not np.array_equal(array_of(after, name), before):
            raise Verdict(f"layernorm_backward changed its input {name}: a backward pass computes new arrays "
                          f"and leaves {name} as it was")
    result = out["result"]
    if "items" not in result or len(result["items"]) != 3:
        raise Verdict("layernorm_backward should return three arrays: grad_x, grad_gamma, grad_beta")
    return (_array(result["items"][0], f"grad_x ({what})", x.shape),
            _array(result["items"][1], f"grad_gamma ({what})", gamma.shape),
            _array(result["items"][2], f"grad_beta ({what})", gamma.shape))


def _layernorm_gradients_ok(arrays: tuple, case: tuple, what: str) -> None:
    """The check cell's _check_layernorm_backward: finite differences, and each row's sum."""
    from mlp_from_scratch.gradcheck import EXPECTED_BELOW

    grad_x, grad_gamma, grad_beta = arrays
    for name, analytic, of in (("grad_beta", grad_beta, "beta"), ("grad_gamma", grad_gamma, "gamma"),
                               ("grad_x", grad_x, "x")):
        if of == "x" and not np.allclose(grad_x.sum(axis=1), 0, atol=1e-8):
            raise Verdict(f"grad_x ({what}) does not sum to zero over each row's features: adding the same "
                          "amount to every feature of a row changes nothing after layer normalization")
        relative = _layernorm_error(analytic, of, *case)
        if not relative < EXPECTED_BELOW:
            raise Verdict(f"{name} ({what}): relative error {relative:.0e} against finite differences "
                          f"(a correct gradient gives < {EXPECTED_BELOW:.0e})")


def _layernorm_float32_ok(arrays: tuple, in_float64: tuple, what: str) -> None:
    """The check cell's _check_float32: float32 kept, and close to the float64 result."""
    for name, value, expected in zip(("grad_x", "grad_gamma", "grad_beta"), arrays, in_float64):
        if value.dtype != np.float32:
            raise Verdict(f"{name} is {value.dtype} for float32 inputs ({what}): something promoted it; "
                          "a layer keeps its inputs' dtype")
        if not np.allclose(value, expected, rtol=1e-3, atol=1e-4):
            raise Verdict(f"{name} for float32 inputs ({what}) is far from the float64 result")


def _layernorm_wide_ok(source: str) -> None:
    """The check cell's _check_wide_layer: within 5 s, and each gradient along a random direction."""
    got = run_sandboxed(source, _LAYERNORM_WIDE_CASES, function="layernorm_backward", timeout=30, cpu=5)
    what = "a wide layer, x of shape (2, 100000)"
    if "CPU time" in got.get("crashed", ""):
        raise Verdict(f"layernorm_backward ran over 5 s for {what}: a backward pass computes the gradients "
                      "from the formula you derived, where finite differences nudge each input in turn")
    raise_if_broken(got, "layernorm_backward")
    (case,) = _cases(_LAYERNORM_WIDE_CASES)
    grad_out, x, gamma = case
    arrays = _layernorm_arrays(got["calls"][0], case, what)
    direction_rng = np.random.default_rng(88)
    for name, analytic, which in (("grad_beta", arrays[2], 2), ("grad_gamma", arrays[1], 1), ("grad_x", arrays[0], 0)):
        v = direction_rng.standard_normal(analytic.shape)
        slope = []
        for t in (1e-5, -1e-5):
            args = [x, gamma, np.zeros_like(gamma)]
            args[which] = args[which] + t * v
            slope.append(float(np.sum((_layer_norm(*args[:2]) + args[2]) * grad_out)))
        numerical, yours = (slope[0] - slope[1]) / 2e-5, float(np.sum(analytic * v))
        if not abs(yours - numerical) <= 1e-6 * abs(numerical):
            raise Verdict(f"{name} ({what}): along a random direction v, sum({name} * v) is {yours:.6g}, "
                          f"where the slope of L is {numerical:.6g}")


def _judge_layernorm(source: str) -> None:
    got = run_sandboxed(source, _LAYERNORM_CASES, function="layernorm_backward")
    raise_if_broken(got, "layernorm_backward")
    cases = _cases(_LAYERNORM_CASES)
    # in the check cell's order: the visible call, the row-1 call, their finite differences,
    # a batch of one row, float32; then the hidden shapes
    arrays = [None] * len(cases)

    def at(index: int) -> tuple:
        what = _LAYERNORM_WHAT[index].removeprefix("float32 ")
        if arrays[index] is None:
            arrays[index] = _layernorm_arrays(got["calls"][index], cases[index],
                                              ("float32 " if cases[index][1].dtype == np.float32 else "") + what)
        return arrays[index]

    if len(got["calls"]) != len(cases):
        raise Verdict("layernorm_backward was not called on every case (did your cell stop the grader?)")
    grad_x, other = at(0)[0], at(1)[0]
    if not np.allclose(np.delete(other, 1, axis=0), np.delete(grad_x, 1, axis=0), rtol=1e-9, atol=1e-12):
        raise Verdict("replacing row 1 of x and grad_out changed grad_x in other rows: layer normalization "
                      "normalizes each row with that row's own statistics, so a row's gradient depends on that row alone")
    _layernorm_gradients_ok(at(0), cases[0], _LAYERNORM_WHAT[0])
    _layernorm_gradients_ok(at(2), cases[2], _LAYERNORM_WHAT[2])
    _layernorm_float32_ok(at(3), at(0), _LAYERNORM_WHAT[0])
    _layernorm_wide_ok(source)
    for index in range(4, len(cases), 2):
        what = _LAYERNORM_WHAT[index]
        _layernorm_gradients_ok(at(index), cases[index], what)
        _layernorm_float32_ok(at(index + 1), at(index), what)


# --- fold_batchnorm -----------------------------------------------------------------------

def _reference_fold(W, b, gamma, beta, running_mean, running_var, x) -> np.ndarray:
    """The package's Dense, then BatchNorm in evaluation mode, on x."""
    import mlp_from_scratch as mfs

    dense = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=np.float64)
    dense.params["W"][...], dense.params["b"][...] = W, b
    bn = mfs.BatchNorm(len(gamma), dtype=np.float64)
    bn.params["gamma"][...], bn.params["beta"][...] = gamma, beta
    bn.buffers["running_mean"][...], bn.buffers["running_var"][...] = running_mean, running_var
    return bn.forward(dense.forward(x), training=False)


def _judge_fold(source: str) -> None:
    got = run_sandboxed(source, _FOLD_CASES, function="fold_batchnorm")
    raise_if_broken(got, "fold_batchnorm", _GIVEN)
    x = np.random.default_rng(61).normal(size=(20, 5))
    for index, (case, call, what) in enumerate(zip(_cases(_FOLD_CASES), got["calls"], _FOLD_WHAT)):
        error = call_error(call, "fold_batchnorm", _GIVEN)
        if error is not None:
            raise Verdict(f"fold_batchnorm raised {error}")
        out = call["out"]["dict"]
        after = [array_of(a, "a layer's array") for a in out["after"]["items"]]
        if int(array_of(out["rebound"], "rebound")) or not all(np.array_equal(a, c) for a, c in zip(after, case)):
            raise Verdict("fold_batchnorm changed the layers")
        if len(out["result"].get("items", ())) != 2:
            raise Verdict("return a pair (W, b)")
        W, b = out["result"]["items"]
        W, b = _array(W, "W", case[0].shape), _array(b, "b", case[1].shape)
        tolerance = {"rtol": 1e-6, "atol": 1e-8} if index == 4 else {"rtol": 1e-4, "atol": 1e-4}
        raise_if_not_close(f"x @ W + b, {what},", x @ W + b, _reference_fold(*case, x), **tolerance)


# --- the two questions --------------------------------------------------------------------

_BIAS_CASES = """
def cases():
    # the check's network first, then networks the notebook never builds
    return [(["Dense", "BatchNorm", "ReLU", "Dense"],),
            (["Dense", "Dense", "BatchNorm", "Tanh", "Dense"],),
            (["Dense", "Identity", "BatchNorm", "BatchNorm", "ReLU", "Dense"],),
            (["Dense", "ReLU", "BatchNorm", "Dense", "BatchNorm", "Tanh", "Dense"],),
            (["Dense", "Dropout", "BatchNorm", "Dense", "ReLU", "Dense"],),
            (["BatchNorm", "Dense"],), (["Dense", "Tanh", "Dense", "Identity"],)]


def drive(namespace, layers):
    passed = list(layers)            # the student's function gets a copy; what it leaves is sent back
    return {"out": namespace["zero_gradient_biases"](passed), "after": passed}
"""


def _bias_gradients(layers: list[str], seed: int, width: int = 4, batch: int = 32) -> dict[int, float]:
    """The largest |gradient| of each bias (Dense's b, BatchNorm's β) of a random network of the
    package's layers, in training mode, under a random linear loss: the check cell's measurement."""
    import mlp_from_scratch as mfs

    rng = np.random.default_rng(seed)
    make = {"Dense": lambda: mfs.Dense(width, width, rng=rng, dtype=np.float64),
            "BatchNorm": lambda: mfs.BatchNorm(width, dtype=np.float64),
            "ReLU": mfs.ReLU, "Tanh": mfs.Tanh, "Identity": mfs.Identity,
            "Dropout": lambda: mfs.Dropout(0.5, rng=rng)}
    net = [make[name]() for name in layers]
    for layer in net:
        for key in ("b", "beta"):
            if key in layer.params:
                layer.params[key][...] = rng.normal(size=width)
        if "gamma" in layer.params:
            layer.params["gamma"][...] = rng.uniform(0.5, 2.0, width)
    out = rng.normal(size=(batch, width))
    for layer in net:
        out = layer.forward(out, training=True)
    grad = rng.normal(size=out.shape)
    largest = {}
    for i in reversed(range(len(net))):
        grad = net[i].backward(grad)
        for key in ("b", "beta"):
            if key in net[i].grads:
                largest[i] = float(np.abs(net[i].grads[key]).max())
    return largest


def _measured_dead(layers: list[str]) -> list[int]:
    """The biases whose gradient is below 1e-6 (the others are above 0.1) in three random networks."""
    runs = [_bias_gradients(layers, seed) for seed in range(3)]
    return [i for i in sorted(runs[0]) if max(run[i] for run in runs) < 1e-6]


def _judge_bias(source: str) -> None:
    for index, ((layers,), out) in enumerate(judged_calls(source, _BIAS_CASES, "zero_gradient_biases")):
        after = out["dict"]["after"]
        if [item.get("str") for item in after.get("items", ())] != layers:
            raise Verdict("zero_gradient_biases changed its input")
        result = out["dict"]["out"]
        wrong_form = "zero_gradient_biases should return a list of layer indices (ints), got "
        if "items" not in result:
            raise Verdict(wrong_form + kind_of(result))
        if not all(item.get("shape") == [] and item["dtype"][1] in "iu" for item in result["items"]):
            raise Verdict(wrong_form + "other values in it")
        yours = [int(number_of(item, "an index")) for item in result["items"]]
        if yours != sorted(set(yours)):
            raise Verdict(f"zero_gradient_biases({layers}) = {yours}: list each index once, in increasing order")
        with_bias = [i for i, name in enumerate(layers) if name in ("Dense", "BatchNorm")]
        if not set(yours) <= set(with_bias):
            raise Verdict(f"zero_gradient_biases({layers}) = {yours}, but only the layers {with_bias} have a bias "
                          "(indices count from 0)")
        truth = _measured_dead(layers)
        if yours != truth:
            if index == 0:   # the notebook's own network shows the measurement; elsewhere only what is wrong
                sizes = _bias_gradients(layers, 0)
                said = ", ".join(f"layer {i}: {size:.1e}" for i, size in sizes.items())
                raise Verdict(f"zero_gradient_biases({layers}) = {yours}, but the measured largest bias gradients "
                              f"are {said}")
            wrong = ("lists a layer whose bias does get a gradient" if set(yours) - set(truth)
                     else "misses a layer whose bias gets zero gradient")
            raise Verdict(f"zero_gradient_biases({layers}) {wrong}")


_WARMUP_NAMES = ("mean_batches", "variance_batches")
# the check's setting first, then momenta, statistics and tolerances the notebook never runs
_WARMUP_CASES = """
def cases():
    return [(0.9, 10.0, 9.0, 0.01), (0.99, 5.0, 0.25, 0.05), (0.9, -3.0, 1.0, 0.01), (0.5, 1.0, 1.5, 0.1),
            (0.95, -2.0, 16.0, 0.001)]
"""


def _counted_warmup(momentum: float, mean: float, variance: float, tolerance: float,
                    start_var: float = 1.0, absolute: bool = False) -> tuple[int, int]:
    """The package's BatchNorm fed batches [mean - s, mean + s] (batch variance s² = variance): the
    batches until its running mean and running variance are first within the relative tolerance.
    For the diagnoses: its running variance set to ``start_var`` first, or an absolute tolerance."""
    import mlp_from_scratch as mfs

    layer = mfs.BatchNorm(1, momentum=momentum, dtype=np.float64)
    layer.buffers["running_var"][...] = start_var
    batch = np.array([[mean - math.sqrt(variance)], [mean + math.sqrt(variance)]])
    scale = (1.0, 1.0) if absolute else (abs(mean), variance)
    counts: list[int | None] = [None, None]
    t = 0
    while None in counts:
        close = [abs(layer.buffers["running_mean"][0] - mean) <= tolerance * scale[0],
                 abs(layer.buffers["running_var"][0] - variance) <= tolerance * scale[1]]
        counts = [t if count is None and now else count for count, now in zip(counts, close)]
        layer.forward(batch, training=True)
        t += 1
    return counts[0], counts[1]


# a momentum whose warm-up lasts billions of batches: only a formula answers it in time
_WARMUP_FAR = """
def cases():
    return [(1 - 1e-9, 3.0, 4.0, 0.01)]
"""


def _closed_form_warmup(momentum: float, mean: float, variance: float, tolerance: float) -> tuple[int, int]:
    """After t batches a running value is target + (start − target)·momentum^t: the first t at which
    the gap is within tolerance·|target|, for the mean (from 0) and the variance (from 1)."""
    def batches(start: float, target: float) -> int:
        gap, allowed = abs(start - target), tolerance * abs(target)
        return 0 if gap <= allowed else math.ceil(math.log(allowed / gap) / math.log(momentum))

    return batches(0.0, mean), batches(1.0, variance)


def _warmup_counts(setting: tuple, out: dict) -> list[float]:
    """The pair one call returned, checked for form: two whole numbers of at least 0."""
    if "items" not in out or len(out["items"]) != 2:
        raise Verdict(f"running_warmup should return a pair {_WARMUP_NAMES}")
    values = [answer_of(plain, name) for plain, name in zip(out["items"], _WARMUP_NAMES)]
    for name, value in zip(_WARMUP_NAMES, values):
        if value != int(value) or value < 0:
            raise Verdict(f"{name} = {value:g} for running_warmup{setting}: it counts batches, a whole number "
                          "of at least 0")
    return values


def _warmup_diagnosis(setting: tuple, index: int, value: float, truth: int) -> str:
    """A wrong count that another layer, or another reading of the task, would give (the check's
    _diagnosis)."""
    momentum, mean, variance, tolerance = setting
    if value == _counted_warmup(1 - momentum, mean, variance, tolerance)[index]:
        return ("; that is the count of a layer with momentum 1 - momentum: momentum is the share of the old "
                "running value each batch keeps")
    if index == 1 and value == _counted_warmup(*setting, start_var=0.0)[1]:
        return "; that is the count of a running variance starting at 0, but mfs.BatchNorm's starts at 1"
    if value == _counted_warmup(*setting, absolute=True)[index]:
        return "; that is the count for an absolute tolerance, but the tolerance is relative to the target"
    if abs(value - truth) == 1:
        return ("; one batch off: count the batches until the running value is first within the tolerance, "
                "the batch that gets it there included")
    return ""


def _judge_warmup(source: str) -> None:
    for index, (setting, out) in enumerate(judged_calls(source, _WARMUP_CASES, "running_warmup")):
        counts = zip(_WARMUP_NAMES, _warmup_counts(setting, out), _counted_warmup(*setting))
        for which, (name, value, truth) in enumerate(counts):
            if value != truth:
                # the notebook's own setting shows the count; elsewhere only the direction is said
                said = (f"but mfs.BatchNorm gets there after {truth} batches" if index == 0 else
                        f"too {'many' if value > truth else 'few'}: mfs.BatchNorm gets there "
                        f"{'sooner' if value > truth else 'later'}")
                raise Verdict(f"{name} = {value:g} for running_warmup{setting}, {said}"
                              + _warmup_diagnosis(setting, which, value, truth))
    for setting, out in judged_calls(source, _WARMUP_FAR, "running_warmup", timeout=10,
                                     too_slow="that warm-up lasts billions of batches, more than a loop can "
                                              "count; write each count as a formula"):
        if _warmup_counts(setting, out) != list(_closed_form_warmup(*setting)):
            raise Verdict(f"running_warmup{setting} is not the warm-up of a momentum that close to 1: is your "
                          "formula exact for every momentum, or does it only hold for some?")


TASKS = {
    "nb08_batchnorm_forward": _judge_forward,
    "nb08_batchnorm_backward": _judge_backward,
    "nb08_layernorm_backward": _judge_layernorm,
    "nb08_fold_batchnorm": _judge_fold,
    "nb08_bias_before_bn": _judge_bias,
    "nb08_running_warmup": _judge_warmup,
}
