"""Notebook 07's judged tasks: the ``Dropout`` layer, the noise of stacked dropout layers,
``mc_dropout_probabilities``, ``mc_disagreement``, ``max_norm`` and the ``DropConnect`` layer (tools/judge.py).

The student's cell runs alone in the sandboxed child. What the child sends back must fit in
the result pipe's buffer (64 KiB: ``run_sandboxed`` reads it only after the child has ended,
so a larger result blocks the child until the time limit): the dropout checks run on
4000 x 50 inputs, so for those the child sends measurements of each output (counts, sums,
extremes), made with NumPy ufuncs captured before the student's code runs, on plain-ndarray
copies; small outputs come back whole. Every verdict is decided here.
"""

from __future__ import annotations

import base64
import functools
import math

import numpy as np

from judge import (Verdict, answer_of, array_of, call_error, judged_calls, number_of, raise_if_broken,
                   raise_if_unanswered, run_sandboxed)

# Captured in the child before the student's code runs: replacing np.sum, np.array_equal or
# a builtin afterwards changes none of these (ufuncs and C functions cannot be patched).
_CAPTURED = '''
_array, _ndarray, _isinstance, _type, _list, _len, _float, _int = (np.array, np.ndarray, isinstance,
                                                                   type, list, len, float, int)
_sum, _all, _max, _min = np.add.reduce, np.logical_and.reduce, np.maximum.reduce, np.minimum.reduce
_isfinite, _abs, _multiply, _subtract, _divide = np.isfinite, np.absolute, np.multiply, np.subtract, np.divide
_f64 = np.float64


def _plain_array(value):
    # the value as a plain ndarray copy (no subclass, no rigged __eq__), or None
    if not _isinstance(value, _ndarray):
        return None
    return _array(value, copy=True, subok=False)


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


def _kind(value):
    # what a returned value is, for the messages
    a = _plain_array(value)
    if a is None:
        return {"kind": "None" if value is None else _type(value).__name__}
    return {"kind": "array", "dtype": a.dtype.str, "shape": _list(a.shape),
            "finite": a.dtype.kind not in "iuf" or bool(_all(_isfinite(a), axis=None))}
'''


def _checked(plain: dict, name: str, shape: tuple) -> None:
    """checks.check_array's properties, on the child's description of a returned value."""
    kind = plain["dict"]["kind"]["str"]
    if kind == "None":
        raise Verdict(f"{name} is None: does your code return its result?")
    if kind != "array":
        raise Verdict(f"{name} should be a NumPy array, got {kind}")
    dtype = np.dtype(plain["dict"]["dtype"]["str"])
    if dtype.kind not in "iuf":
        raise Verdict(f"{name} should hold real numbers, got dtype {dtype}")
    got = tuple(int(number_of(n, "size")) for n in plain["dict"]["shape"]["items"])
    if got != tuple(shape):
        raise Verdict(f"{name} has shape {got}, expected {tuple(shape)}")
    if not number_of(plain["dict"]["finite"], "finite"):
        raise Verdict(f"{name} contains NaN or infinity")


def _small_array(plain: dict, name: str, shape: tuple) -> np.ndarray:
    """A small returned array, whole, with check_array's properties."""
    if plain.get("type") == "NoneType":
        raise Verdict(f"{name} is None: does your code return its result?")
    marker = plain.get("dict", {})
    if "big_shape" in marker:
        got = tuple(int(number_of(n, "size")) for n in marker["big_shape"]["items"])
        raise Verdict(f"{name} has shape {got}, expected {tuple(shape)}")
    if "bytes" not in plain:
        got = marker["other"]["str"] if "other" in marker else "a list or tuple"
        raise Verdict(f"{name} should be a NumPy array, got {got}")
    array = array_of(plain, name)
    if array.dtype.kind == "b":
        raise Verdict(f"{name} should hold real numbers, got dtype bool")
    if array.shape != tuple(shape):
        raise Verdict(f"{name} has shape {array.shape}, expected {tuple(shape)}")
    if not np.isfinite(array).all():
        raise Verdict(f"{name} contains NaN or infinity")
    return array


# ---------------------------------------------------------------- Dropout

# The test cells' inputs (read-only: a forward or backward that writes into its input is
# told so), the generators of their seeds, and for each gradient check the perturbed inputs
# x ± h e_i of numerical_gradient with a fresh generator of the layer's seed for each.
_DROPOUT_INPUTS = _CAPTURED + '''
H = 1e-5


def _readonly(a):
    a.flags.writeable = False
    return a


def _gradient_case(p, x, g, seed):
    plus, minus = [], []
    for i in np.ndindex(x.shape):
        for out, step in ((plus, H), (minus, -H)):
            moved = x.copy()
            moved[i] = x[i] + step
            out.append((_readonly(moved), np.random.default_rng(seed)))
    return {"p": p, "x": x, "g": g, "rng": np.random.default_rng(seed), "plus": plus, "minus": minus}


def cases():
    X1 = _readonly(np.random.default_rng(11).uniform(0.5, 1.5, size=(4000, 50)))
    data = {"forward": [(p, X1, np.random.default_rng(12)) for p in (0.2, 0.6)], "hidden": []}
    for dtype in (np.float32, np.float64):
        x = _readonly(np.random.default_rng(13).uniform(0.5, 1.5, size=(3000, 20)).astype(dtype))
        data["hidden"].append((x, [(p, np.random.default_rng(14)) for p in (0.1, 0.5, 0.9)],
                               np.random.default_rng(15), np.random.default_rng(16), np.random.default_rng(16)))
    X2 = _readonly(np.random.default_rng(21).standard_normal((6, 5)))
    G2 = _readonly(np.random.default_rng(22).standard_normal((6, 5)))
    x3 = _readonly(np.random.default_rng(24).standard_normal((7, 3)))
    g3 = _readonly(np.random.default_rng(25).standard_normal((7, 3)))
    data["backward"] = [_gradient_case(p, X2, G2, 23) for p in (0.3, 0.6)]
    data["hidden_backward"] = [_gradient_case(p, x3, g3, 26) for p in (0.1, 0.8)]
    data["zero"] = (X2, G2, np.random.default_rng(27))
    data["float32"] = (_readonly(X1.astype(np.float32)), np.random.default_rng(17))
    data["float32_backward"] = (_readonly(X2.astype(np.float32)), _readonly(G2.astype(np.float32)),
                                np.random.default_rng(28))
    data["refused"] = {p: np.random.default_rng(seed) for p, seed in ((1.5, 18), (-0.1, 19), (float("nan"), 19))}
    data["p_one"] = (_readonly(X1[:100].astype(np.float32)), _readonly(np.ones((100, 50), dtype=np.float32)),
                     np.random.default_rng(20))
    data["memory"] = (_readonly(np.random.default_rng(28).uniform(0.5, 1.5, size=(2000, 200)).astype(np.float32)),
                      _RecordingGenerator(np.random.PCG64(29)))
    return [(data,)]


import tracemalloc

_tm_start, _tm_memory, _tm_stop, _tm_tracing = (tracemalloc.start, tracemalloc.get_traced_memory,
                                                tracemalloc.stop, tracemalloc.is_tracing)
_DRAWN = []
_Generator = np.random.Generator
_generator_attribute = np.random.Generator.__getattribute__


class _RecordingGenerator(np.random.Generator):
    # a numpy Generator that notes the dtype and size of every array it draws
    def __getattribute__(self, name):
        attribute = _generator_attribute(self, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def recorded(*args, **kwargs):
            out = attribute(*args, **kwargs)
            if _isinstance(out, _ndarray):
                _DRAWN.append((out.dtype.str, _int(out.size)))
            return out
        return recorded


def _construct(Dropout, p, rng):
    # Dropout(p, rng): the layer, or what it raised (NotImplementedError goes on up)
    try:
        return Dropout(p, rng), None
    except NotImplementedError:
        raise
    except Exception as error:
        return None, {"type": _type(error).__name__, "message": str(error)}


def _measure(value, x, p):
    # shape and dtype, then what the forward checks need, over the whole output
    out = _kind(value)
    a = _plain_array(value)
    if a is None or a.dtype.kind not in "iuf" or a.shape != x.shape or not out["finite"]:
        return out
    a, x = a.astype(_f64), x.astype(_f64)
    zero = a == 0
    kept = ~zero
    factors = _divide(a[kept], x[kept])
    scaled = _divide(x[kept], 1 - p)
    out.update(
        zeros=_int(_sum(zero, axis=None)), ratio=_float(_sum(a, axis=None) / _sum(x, axis=None)),
        changed=_int(_sum(~(_abs(_subtract(a, x)) <= 1e-12 * _abs(x)), axis=None)),
        changed_1e6=_int(_sum(~(_abs(_subtract(a, x)) <= 1e-6 * _abs(x)), axis=None)),
        factor_ptp=_float(_max(factors) - _min(factors)) if factors.size else 0.0,
        misscaled=_int(_sum(~(_abs(_subtract(a[kept], scaled)) <= 1e-8 + 1e-5 * _abs(scaled)), axis=None)))
    return out


def _same(a, b):
    a, b = _plain_array(a), _plain_array(b)
    return a is not None and b is not None and a.shape == b.shape and bool(_all(a == b, axis=None))


def _loss(value, g):
    # sum(forward(x) * g), the loss of the gradient checks; None if the output is no array of g's shape
    a = _plain_array(value)
    if a is None or a.shape != g.shape or a.dtype.kind not in "iuf":
        return None
    return _float(_sum(_multiply(a.astype(_f64), g), axis=None))


def _run(Dropout, data, step):
    # one flat dict (the trip back goes only four levels deep): "forward0.eval", "hidden1.p2", ...
    result = {}
    for i, (p, X, rng) in enumerate(data["forward"]):
        step[0] = f"Dropout({p}, rng) and its forward(x, training=False)"
        layer = Dropout(p, rng)
        result[f"forward{i}.eval"] = _measure(layer.forward(X, training=False), X, p)
        step[0] = f"Dropout({p}, rng).forward(x, training=True)"
        out = layer.forward(X, training=True)
        second = layer.forward(X, training=True)
        result[f"forward{i}.train"] = _measure(out, X, p)
        result[f"forward{i}.second_same"] = _same(out, second)
    for i, (x, runs, rng0, rng_a, rng_b) in enumerate(data["hidden"]):
        step[0] = f"Dropout(p, rng).forward(x, training=True) on {x.dtype} inputs"
        for j, (p, rng) in enumerate(runs):
            result[f"hidden{i}.p{j}"] = _measure(Dropout(p, rng).forward(x, training=True), x, p)
        step[0] = f"Dropout(0.0, rng).forward(x, training=True) on {x.dtype} inputs"
        result[f"hidden{i}.zero"] = _measure(Dropout(0.0, rng0).forward(x, training=True), x, 0.0)
        step[0] = f"Dropout(0.5, rng).forward(x, training=True) on {x.dtype} inputs"
        a = Dropout(0.5, rng_a).forward(x, training=True)
        result[f"hidden{i}.same_seed"] = _same(a, Dropout(0.5, rng_b).forward(x, training=True))
        result[f"hidden{i}.same_kind"] = _kind(a)
    x32, rng = data["float32"]
    step[0] = "Dropout(0.5, rng).forward(x, training=False) for float32 x"
    layer = Dropout(0.5, rng)
    result["float32.eval"] = _kind(layer.forward(x32, training=False))
    step[0] = "Dropout(0.5, rng).forward(x, training=True) for float32 x"
    result["float32.train"] = _kind(layer.forward(x32, training=True))
    for k, (p, rng) in enumerate(data["refused"].items()):
        step[0] = f"Dropout({p}, rng)"
        layer, error = _construct(Dropout, p, rng)
        result[f"refused{k}"] = error if error is not None else "built"
    x, g, rng = data["p_one"]
    step[0] = "Dropout(1.0, rng)"
    layer, error = _construct(Dropout, 1.0, rng)
    result["p_one"] = {"refused": error} if error is not None else {}
    if layer is not None:
        try:
            with np.errstate(all="ignore"):
                out, grad = _plain_array(layer.forward(x, training=True)), _plain_array(layer.backward(g))
                out_eval = _plain_array(layer.forward(x, training=False))
            result["p_one"]["works"] = (out is not None and grad is not None and out_eval is not None
                                        and out.shape == x.shape and grad.shape == g.shape
                                        and bool(_all(out == 0, axis=None)) and bool(_all(grad == 0, axis=None))
                                        and _same(out_eval, x))
        except NotImplementedError:
            raise
        except Exception as error:
            result["p_one"]["error"] = f"{_type(error).__name__}: {error}"
    x, rng = data["memory"]
    step[0] = "Dropout(0.3, rng).forward(x, training=True) for float32 x"
    layer = Dropout(0.3, rng)
    del _DRAWN[:]
    _tm_start()
    try:
        out = layer.forward(x, training=True)
        peak, tracing = _tm_memory()[1], _tm_tracing()
    finally:
        _tm_stop()
    memory = _kind(out)
    a = _plain_array(out)
    if a is not None and a.shape == x.shape and a.dtype.kind in "iuf":
        memory["zeros"] = _int(_sum(a == 0, axis=None))
    memory.update(peak=_int(peak), tracing=tracing, drawn=_list(_DRAWN))
    result["memory"] = memory
    for part in ("backward", "hidden_backward"):
        for i, case in enumerate(data[part]):
            p, x, g, key = case["p"], case["x"], case["g"], f"{part}{i}."
            step[0] = f"Dropout({p}, rng).forward(x, training=True)"
            layer = Dropout(p, case["rng"])
            result[key + "out"] = _capped(layer.forward(x, training=True))
            step[0] = f"Dropout({p}, rng).backward(G) after a training-mode forward"
            result[key + "grad"] = _capped(layer.backward(g))
            result[key + "again"] = _capped(layer.backward(g))
            step[0] = f"Dropout({p}, rng).forward(x, training=True) of the gradient check"
            result[key + "plus"] = [_loss(Dropout(p, r).forward(moved, training=True), g)
                                    for moved, r in case["plus"]]
            result[key + "minus"] = [_loss(Dropout(p, r).forward(moved, training=True), g)
                                     for moved, r in case["minus"]]
            step[0] = f"Dropout({p}, rng).backward(G) after an evaluation-mode forward"
            layer.forward(x, training=False)
            result[key + "eval_grad"] = _capped(layer.backward(g))
    X2, G2, rng = data["zero"]
    step[0] = "Dropout(0.0, rng).backward(G) after a training-mode forward"
    layer = Dropout(0.0, rng)
    layer.forward(X2, training=True)
    result["zero_grad"] = _capped(layer.backward(G2))
    x, g, rng = data["float32_backward"]
    step[0] = "Dropout(0.5, rng).backward(G) for float32 x and G"
    layer = Dropout(0.5, rng)
    layer.forward(x, training=True)
    result["float32_grad"] = _kind(layer.backward(g))
    return result


def drive(namespace, data):
    step = ["Dropout(p, rng)"]
    try:
        return _run(namespace["Dropout"], data, step)
    except BaseException as error:
        return {"failed": step[0], "error": f"{_type(error).__name__}: {error}"}
'''


def _layer_result(source: str, inputs: str, name: str, read_only: str) -> dict:
    """What the child's ``drive`` recorded of the student's layer class ``name``, or a
    Verdict: the step that raised, with ``read_only`` when it wrote into a read-only input."""
    got = run_sandboxed(source, inputs, function=name)
    raise_if_broken(got, name)
    call = got["calls"][0]
    error = call_error(call, name)
    if error:
        raise Verdict(f"running the checks raised {error}")
    result = call["out"]["dict"]
    if "failed" in result:
        error = result["error"]["str"]
        raise_if_unanswered(error)
        if "read-only" in error:
            raise Verdict(f"{result['failed']['str']} {read_only}")
        raise Verdict(f"{result['failed']['str']} raised {error}")
    return result


def _judge_dropout(source: str) -> None:
    result = _layer_result(source, _DROPOUT_INPUTS, "Dropout",
                           "writes into its input (read-only here): a layer must leave its input "
                           "as it was and return a new array")
    _judge_forward(result)
    _judge_hidden_forward(result)
    _judge_backward(result)


def _judge_forward(result: dict) -> None:
    """The first check cell's visible part: the identity in evaluation mode; in training a
    fraction p dropped, the mean kept, one factor for the survivors, a new mask each pass."""
    for i, p in enumerate((0.2, 0.6)):
        part = {k.split(".", 1)[1]: v for k, v in result.items() if k.startswith(f"forward{i}.")}
        _checked(part["eval"], "forward(x, training=False)", (4000, 50))
        evaluation = {k: number_of(v, k) for k, v in part["eval"]["dict"].items() if "bytes" in v}
        if evaluation["zeros"]:
            raise Verdict(f"p = {p}: evaluation mode still drops units")
        if evaluation["changed"]:
            raise Verdict(f"p = {p}: evaluation mode changes its input; it should be the identity")
        _checked(part["train"], "forward(x, training=True)", (4000, 50))
        train = {k: number_of(v, k) for k, v in part["train"]["dict"].items() if "bytes" in v}
        dropped = train["zeros"] / (4000 * 50)
        if not abs(dropped - p) < 0.02:
            raise Verdict(f"p = {p}: training mode drops a fraction {dropped:.2f} of the entries; p is "
                          "the probability of dropping one")
        if not abs(train["ratio"] - 1) < 0.02:
            raise Verdict(f"p = {p}: in training mode the mean output is {train['ratio']:.2f} times the "
                          "mean input; the expected output should equal the input")
        if not train["factor_ptp"] < 1e-9:
            raise Verdict(f"p = {p}: the entries that survive are not all scaled by the same factor")
        if number_of(part["second_same"], "second"):
            raise Verdict(f"p = {p}: two training-mode passes drop the same entries")
    for training in (False, True):
        name = f"forward(x, training={training}) for float32 x"
        kind = result["float32.train" if training else "float32.eval"]
        _checked(kind, name, (4000, 50))
        dtype = np.dtype(kind["dict"]["dtype"]["str"])
        if dtype != np.float32:
            raise Verdict(f"forward(x, training={training}) returns {dtype} for float32 x: float32 activations "
                          "should stay float32")
    _refused(result["refused0"], 1.5)


def _refused(outcome: dict, p: float) -> None:
    """The test cell's refused(p): the constructor raises a ValueError that names p."""
    if outcome.get("str") == "built":
        raise Verdict(f"Dropout({p}, rng) constructs a layer: {p} is not a probability; the constructor should "
                      "raise a ValueError")
    kind, message = outcome["dict"]["type"]["str"], outcome["dict"]["message"]["str"]
    if kind != "ValueError":
        raise Verdict(f"Dropout({p}, rng) raises {kind}: {message}; a p your layer refuses should raise a ValueError")
    if not any(text in message.lower() for text in (repr(p), str(p), f"{p:g}")):
        raise Verdict(f"Dropout({p}, rng) raises ValueError({message!r}): name the value of p")


def _judge_hidden_forward(result: dict) -> None:
    """The first check cell's hidden part: float32 and float64, p from 0.1 to 0.9, p = 0, and
    the masks drawn from the layer's own generator."""
    for i, dtype in enumerate(("float32", "float64")):
        part = {k.split(".", 1)[1]: v for k, v in result.items() if k.startswith(f"hidden{i}.")}
        for p, measured in zip((0.1, 0.5, 0.9), (part[f"p{j}"] for j in range(3))):
            try:
                _checked(measured, "the output", (3000, 20))
            except Verdict:
                raise Verdict(f"p = {p}, {dtype}: the output has the wrong shape") from None
            m = {k: number_of(v, k) for k, v in measured["dict"].items() if "bytes" in v}
            if not abs(m["zeros"] / (3000 * 20) - p) < 0.03:
                raise Verdict(f"p = {p}, {dtype}: wrong fraction dropped")
            if not abs(m["ratio"] - 1) < 0.1:
                raise Verdict(f"p = {p}, {dtype}: the mean is not preserved")
            if m["misscaled"]:
                raise Verdict(f"p = {p}, {dtype}: the survivors are scaled wrongly")
        _checked(part["zero"], "forward(x, training=True) with p = 0", (3000, 20))
        if number_of(part["zero"]["dict"]["changed_1e6"], "changed"):
            raise Verdict("p = 0: training mode should be the identity (nothing dropped)")
        if not number_of(part["same_seed"], "same"):
            raise Verdict("two layers with generators of the same seed draw different masks: use self.rng")
        got = np.dtype(part["same_kind"]["dict"]["dtype"]["str"])
        if got != np.dtype(dtype):
            raise Verdict(f"forward returns {got} for {dtype} x: keep the input's dtype")
    _refused(result["refused1"], -0.1)
    p_one = result["p_one"]["dict"]
    if "refused" in p_one:
        _refused(p_one["refused"], 1.0)
    elif "error" in p_one:
        raise Verdict(f"Dropout(1.0, rng) constructs a layer, and then raises {p_one['error']['str']}; a p your "
                      "layer accepts must work in both passes, one it cannot serve the constructor refuses with a "
                      "ValueError")
    elif not number_of(p_one["works"], "works"):
        raise Verdict("Dropout(1.0, rng) constructs a layer that gives nan, infinities or nonzero values: a p your "
                      "layer accepts must work in both passes, one it cannot serve the constructor refuses with a "
                      "ValueError")
    _refused(result["refused2"], float("nan"))
    _judge_memory(result["memory"])


def _judge_memory(memory: dict) -> None:
    """The hidden memory test: a float32 x of 2000 x 200, p = 0.3; no random numbers wider than
    float32 of x's size, and a peak below 4.5 times x's memory."""
    nbytes = 2000 * 200 * 4
    _checked(memory, "forward(x, training=True) for float32 x", (2000, 200))
    if not abs(number_of(memory["dict"]["zeros"], "zeros") / (2000 * 200) - 0.3) < 0.01:
        raise Verdict("p = 0.3, float32: wrong fraction dropped")
    if not number_of(memory["dict"]["tracing"], "tracing"):
        raise Verdict("forward on a float32 x stopped the memory measurement (tracemalloc): leave it running")
    for drawn in memory["dict"]["drawn"]["items"]:
        dtype, size = np.dtype(drawn["items"][0]["str"]), int(number_of(drawn["items"][1], "size"))
        if dtype.itemsize > 4 and size >= 2000 * 200:
            raise Verdict(f"for a float32 x your layer draws its random numbers as {dtype}, an array twice the "
                          "memory of x: draw them in a dtype no wider than float32")
    peak = number_of(memory["dict"]["peak"], "peak")
    if not peak < 4.5 * nbytes:
        raise Verdict(f"forward on a float32 x of {nbytes / 1e6:.1f} MB allocates up to {peak / 1e6:.1f} MB "
                      f"({peak / nbytes:.1f} times x), where float32 work needs 2 to 3 times (the random numbers, a "
                      "mask, the output): is some intermediate array float64, cast back to float32 at the end?")


def _judge_backward(result: dict) -> None:
    """The second check cell: backward reuses the forward pass's mask, matches finite
    differences with the mask held fixed, and is the identity after evaluation mode and for p = 0."""
    from mlp_from_scratch.gradcheck import EXPECTED_BELOW, relative_error

    def gradient_check(p, part, shape):
        grad = _small_array(part["grad"], "backward(G)", shape)
        plus, minus = part["plus"]["items"], part["minus"]["items"]
        if any("bytes" not in f for f in plus + minus):
            raise Verdict(f"p = {p}: forward(x, training=True) should return an array of x's shape {shape}")
        numeric = (np.array([number_of(f, "f") for f in plus])
                   - np.array([number_of(f, "f") for f in minus])).reshape(shape) / (2 * 1e-5)
        error = relative_error(grad, numeric)
        if not error < EXPECTED_BELOW:
            raise Verdict(f"p = {p}: dL/dx: relative error {error:.0e} against finite differences "
                          f"(a correct gradient gives < {EXPECTED_BELOW:.0e})")
        return grad

    def part_of(name, i):
        return {k.split(".", 1)[1]: v for k, v in result.items() if k.startswith(f"{name}{i}.")}

    for i, p in enumerate((0.3, 0.6)):
        part = part_of("backward", i)
        grad = _small_array(part["grad"], "backward(G)", (6, 5))
        again = _small_array(part["again"], "backward(G)", (6, 5))
        if not np.array_equal(grad, again):
            raise Verdict(f"p = {p}: two backward calls after one forward give different gradients; "
                          "backward must reuse the forward pass's mask")
        out = _small_array(part["out"], "forward(x, training=True)", (6, 5))
        if np.any(grad[out == 0] != 0):
            raise Verdict(f"p = {p}: entries dropped in the forward pass get a gradient")
        gradient_check(p, part, (6, 5))
        G = np.random.default_rng(22).standard_normal((6, 5))
        eval_grad = _small_array(part["eval_grad"], "backward(G)", (6, 5))
        if not np.allclose(eval_grad, G, rtol=1e-12, atol=0):
            raise Verdict(f"p = {p}: after an evaluation-mode forward, backward should pass the gradient "
                          "through unchanged")
    _checked(result["float32_grad"], "backward(G) for float32 x and G", (6, 5))
    dtype = np.dtype(result["float32_grad"]["dict"]["dtype"]["str"])
    if dtype != np.float32:
        raise Verdict(f"backward returns {dtype} for float32 x and G: float32 gradients should stay float32")
    for i, p in enumerate((0.1, 0.8)):
        gradient_check(p, part_of("hidden_backward", i), (7, 3))
    G = np.random.default_rng(22).standard_normal((6, 5))
    if not np.allclose(_small_array(result["zero_grad"], "backward(G)", (6, 5)), G):
        raise Verdict("p = 0: backward should be the identity")


# ---------------------------------------------------------------- the noise of stacked dropout layers


# the check's visible cases first (a variance of 0, the two notations, the measured stack), then
# stacks the notebook never runs
_NOISE_ZERO = [([], "drop"), ([0.0], "drop"), ([1.0, 1.0], "keep")]
_NOISE_MEASURED = ([0.5, 0.2], "drop")
_NOISE_CASES = f"""
def cases():
    return {_NOISE_ZERO!r} + [([0.3], "drop"), ([0.7], "keep"), {_NOISE_MEASURED!r},
            ([0.8], "drop"), ([0.9], "keep"), ([0.2, 0.5, 0.1], "drop"), ([0.8, 0.5], "keep"), ([0.99], "drop")]
"""


def _judge_noise_variance(source: str) -> None:
    values, exact = {}, {}
    for (rates, convention), out in judged_calls(source, _NOISE_CASES, "dropout_noise_variance"):
        text = f"dropout_noise_variance({rates}, {convention!r})"
        values[text] = value = answer_of(out, text)
        # each layer multiplies by an independent factor m / q of mean 1, with E[(m / q)²] = 1 / q
        keep = [1 - rate if convention == "drop" else rate for rate in rates]
        exact[text] = math.prod(1 / q for q in keep) - 1
        if value < 0:
            raise Verdict(f"{text} = {value:g}: a variance cannot be negative")
        if (rates, convention) in _NOISE_ZERO and value != 0:
            raise Verdict(f"{text} should be 0: these layers keep every unit, so the output is always 1")
    # in the check's order: the two notations, the measured stack, then every stack exactly
    if not math.isclose(values["dropout_noise_variance([0.3], 'drop')"],
                        values["dropout_noise_variance([0.7], 'keep')"], rel_tol=1e-9):
        raise Verdict("dropping with probability 0.3 is keeping with probability 0.7, yet dropout_noise_variance("
                      "[0.3], 'drop') and dropout_noise_variance([0.7], 'keep') differ: read each rate in its "
                      "convention")
    text = f"dropout_noise_variance({_NOISE_MEASURED[0]}, {_NOISE_MEASURED[1]!r})"
    if not abs(values[text] / exact[text] - 1) < 0.02:
        raise Verdict(f"{text} = {values[text]:g}, but the variance is {exact[text]:.3f}: each layer "
                      "multiplies the signal by its own independent factor, 0 or the survivors' scale, with a mean of 1")
    for text, value in values.items():
        if not math.isclose(value, exact[text], rel_tol=1e-9, abs_tol=1e-12):
            raise Verdict(_noise_verdict(text, value, exact[text]))


def _noise_verdict(text: str, value: float, exact: float) -> str:
    """The message for a wrong variance: near misses are told that only a formula is exact."""
    if abs(value / exact - 1) < 0.02:
        return (f"{text} = {value:.6g} is close to the variance of the output, but not exact: a simulation is not "
                "exact enough, work it out as a formula in the rates")
    return (f"{text} = {value:.6g} is not the variance of the output: each layer multiplies the signal by an "
            "independent factor of mean 1")


# ---------------------------------------------------------------- Monte-Carlo dropout

# A NumPy stand-in of mfs.Sequential (Dense, ReLU, Dropout; forward with the training flag,
# predict in evaluation mode, train/eval, layers) with the test cell's weights, which the
# grading process takes from the package; and mfs.softmax, which the task may use.
_MC_STAND_IN = _CAPTURED + '''
import base64
import types


def _decode(text, shape):
    return np.frombuffer(base64.b64decode(text), dtype=np.float64).reshape(shape).copy()


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


given = {"mfs": types.SimpleNamespace(softmax=softmax)}


class Layer:
    in_features = None

    def __init__(self):
        self.params, self.grads, self.buffers = {}, {}, {}

    def _check_input(self, x):
        if x.ndim != 2 or (self.in_features is not None and x.shape[1] != self.in_features):
            raise ValueError(f"{self!r} expects input of shape (batch, {self.in_features or 'features'}), "
                             f"got shape {x.shape}")
        return x

    def __repr__(self):
        return f"{type(self).__name__}()"


class Dense(Layer):
    def __init__(self, W, b):
        super().__init__()
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.in_features, self.out_features = W.shape

    def forward(self, x, training=False):
        return self._check_input(x) @ self.params["W"] + self.params["b"]


class ReLU(Layer):
    def forward(self, x, training=False):
        return np.maximum(self._check_input(x), 0)


class Dropout(Layer):
    def __init__(self, p, rng):
        super().__init__()
        self.p, self.rng = p, rng

    def forward(self, x, training=False):
        x = self._check_input(x)
        if not training or self.p == 0:
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        return x * (keep * x.dtype.type(1 / (1 - self.p)))


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
        self.in_features, self.training = layers[0].in_features, False

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self

    def forward(self, x, training=None):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"the model expects inputs of shape (batch, {self.in_features}), got shape {x.shape}")
        training = self.training if training is None else training
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def predict(self, x, batch_size=2048):
        return self.forward(x, training=False)

    def parameters(self):
        return [p for layer in self.layers for p in layer.params.values()]

    def __iter__(self):
        return iter(self.layers)

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]


def _generator(state):
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    return rng


def drive(namespace, net, X, tol, training):
    # one call in the test cell's order: the pair, the passes as a number, the mode after the call
    net.training = training
    out = namespace["mc_dropout_probabilities"](net, X, tol)
    result = {"mode_after": net.training is True, "mode_kept": net.training is training}
    if _isinstance(out, tuple) and _len(out) == 2:
        passes = out[1]
        whole = _isinstance(passes, (int, np.integer)) and passes >= 2
        result.update(pair=True, probabilities=_capped(out[0]), passes=_int(passes) if whole else 0,
                      passes_repr=repr(passes)[:100])
    else:
        result["pair"] = False
    return result
'''

# The test cell's calls, in its order: (net seed, generator seed or None for the net's own
# stream, inputs seed, batch, tol, training mode, what). The net of seed 31 serves two calls
# in a row, its masks continuing one stream, as in the test cell.
_MC_CALLS = ([(31, None, 32, 5, 0.02, False, "tol = 0.02"), (31, None, 32, 5, 0.01, False, "tol = 0.01")]
             + [(35, 40 + k, 36, 1, 0.05, False, f"one example, generator {k + 1} of 20") for k in range(20)]
             + [(37, None, 38, 4, 0.03, True, "a model in training mode")]
             + [(39, 60 + k, 40, 1, 0.05, False, f"another example, generator {k + 1} of 20") for k in range(20)])


def _package_net(seed):
    """The test cell's small_dropout_net(seed), from the package."""
    import mlp_from_scratch as mfs

    net_rng = np.random.default_rng(seed)
    net = mfs.Sequential(mfs.Dense(3, 6, rng=net_rng, dtype=np.float64), mfs.ReLU(),
                         mfs.Dropout(0.5, rng=net_rng), mfs.Dense(6, 4, rng=net_rng, dtype=np.float64))
    net.param_vector *= 3
    return net, net_rng


@functools.cache
def _mc_inputs() -> tuple[str, tuple]:
    """The child's inputs code (the stand-in nets, with the weights and the mask generators'
    states of the test cell's), and per call (X, W1, b1, W2, b2) for the decisions."""
    code, params, built = [_MC_STAND_IN, "def cases():", "    nets = {}", "    out = []"], [], set()
    for seed, generator, x_seed, batch, tol, training, _ in _MC_CALLS:
        net, net_rng = _package_net(seed)
        weights = [net[0].params["W"], net[0].params["b"], net[3].params["W"], net[3].params["b"]]
        W1, b1, W2, b2 = (f"_decode({base64.b64encode(a.tobytes()).decode()!r}, {a.shape!r})" for a in weights)
        rng = (f"np.random.default_rng({generator})" if generator is not None
               else f"_generator({net_rng.bit_generator.state!r})")
        key = seed if generator is None else (seed, generator)
        if key not in built:   # the net of seed 31 is built once and serves two calls
            built.add(key)
            code.append(f"    nets[{key!r}] = Sequential(Dense({W1}, {b1}), ReLU(), Dropout(0.5, {rng}), "
                        f"Dense({W2}, {b2}))")
        code.append(f"    out.append((nets[{key!r}], np.random.default_rng({x_seed}).standard_normal(({batch}, 3)), "
                    f"{tol!r}, {training!r}))")
        params.append((np.random.default_rng(x_seed).standard_normal((batch, 3)), *(w.copy() for w in weights)))
    return "\n".join(code + ["    return out", ""]), tuple(params)


def _softmax(z: np.ndarray) -> np.ndarray:
    import mlp_from_scratch as mfs

    return mfs.softmax(z)


def _eval_prediction(X, W1, b1, W2, b2) -> np.ndarray:
    """The evaluation-mode network's probabilities (dropout is the identity)."""
    return _softmax(np.maximum(X @ W1 + b1, 0) @ W2 + b2)


def _exact_average(X, W1, b1, W2, b2) -> np.ndarray:
    """The test cell's exact_average: the softmax probabilities averaged over all 2^6 masks."""
    import itertools

    h = np.maximum(X @ W1 + b1, 0)
    masks = np.array(list(itertools.product([0, 1], repeat=6)))
    logits = (h[None] * masks[:, None] * 2) @ W2 + b2
    return _softmax(logits.reshape(-1, 4)).reshape(logits.shape).mean(axis=0)


def _judge_mc_dropout(source: str) -> None:
    inputs, params = _mc_inputs()
    got = run_sandboxed(source, inputs, function="mc_dropout_probabilities")
    raise_if_broken(got, "mc_dropout_probabilities", "mfs.softmax")
    passes = []
    for k, (call, nets, (_, _, _, batch, tol, training, what)) in enumerate(zip(got["calls"], params, _MC_CALLS)):
        error = call_error(call, "mc_dropout_probabilities", "mfs.softmax")
        if error:
            raise Verdict(f"mc_dropout_probabilities raised {error} ({what})")
        if call["changed_inputs"]:
            raise Verdict("mc_dropout_probabilities changed its input X: leave X as it was")
        out = call["out"]["dict"]
        if not number_of(out["mode_kept"], "mode"):
            modes = ("evaluation", "training")
            after = modes[bool(number_of(out["mode_after"], "mode"))]
            raise Verdict(f"mc_dropout_probabilities left a model that was in {modes[training]} mode in {after} "
                          "mode: leave the mode as it was")
        if not number_of(out["pair"], "pair"):
            raise Verdict("mc_dropout_probabilities should return a pair (probabilities, num_passes)")
        probabilities = _small_array(out["probabilities"], f"the probabilities ({what})", (batch, 4))
        if not number_of(out["passes"], "passes"):
            raise Verdict(f"num_passes is {out['passes_repr']['str']} ({what}): a whole number of passes, at least 2")
        if not np.allclose(probabilities.sum(axis=1), 1, atol=1e-6):
            raise Verdict(f"each row should be a probability distribution, summing to 1 ({what})")
        passes.append(int(number_of(out["passes"], "passes")))
        error = np.abs(probabilities - _exact_average(*nets)).max()
        if not error < 6 * tol:
            raise Verdict(f"{what}: after {passes[-1]} passes an entry is {error / tol:.1f} tol away from the "
                          "average over all dropout masks (a reliable estimate is within 6 tol)")
        if k == 0 and np.allclose(probabilities, _eval_prediction(*nets), atol=1e-4):
            raise Verdict("the result equals the evaluation-mode prediction: dropout was not active in the passes")
        if k == 1 and not 2.5 < passes[1] / passes[0] < 6.5:
            raise Verdict(f"halving tol multiplied the number of passes by {passes[1] / passes[0]:.1f} ({passes[0]} "
                          f"to {passes[1]}): how does the standard error of an average shrink with the number of "
                          "passes?")


# ---------------------------------------------------------------- mc_disagreement

# The test cell's passes, visible then hidden; made in the child before the student's code
# runs, and again here for the decisions.
_DISAGREEMENT_CASES = '''
def cases():
    same = np.repeat(np.array([[[0.97, 0.01, 0.01, 0.01], [0.25, 0.25, 0.25, 0.25], [0.6, 0.3, 0.1, 0.0]]]), 5,
                     axis=0)
    split = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    hidden = [np.random.default_rng(80 + seed).dirichlet(np.full(classes, 0.5), size=(samples, batch))
              for seed, (samples, batch, classes) in enumerate([(10, 4, 3), (1, 3, 5), (50, 6, 10), (2, 1, 2)])]
    return [(same,), (split,)] + [(P,) for P in hidden]
'''


def _entropy(q: np.ndarray) -> np.ndarray:
    """H(q) = -sum_k q_k ln q_k over the last axis, with 0 ln 0 = 0."""
    return -np.sum(q * np.log(np.where(q > 0, q, 1)), axis=-1)


def _judge_mc_disagreement(source: str) -> None:
    namespace: dict = {"np": np}
    exec(_DISAGREEMENT_CASES, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _DISAGREEMENT_CASES, function="mc_disagreement")
    raise_if_broken(got, "mc_disagreement")
    whats = (["5 passes that agree (a confident, a uniform and a partly zero row)",
              "two passes certain of different classes"]
             + [f"random passes of shape {P.shape}" for (P,) in cases[2:]])
    for k, ((P,), call, what) in enumerate(zip(cases, got["calls"], whats)):
        error = call_error(call, "mc_disagreement")
        if error:
            raise Verdict(f"mc_disagreement raised {error} for {what}")
        if call["changed_inputs"]:
            raise Verdict(f"mc_disagreement changed its input ({what}): leave the passes as they were")
        out = call["out"]
        if "bytes" in out and out.get("shape") == [P.shape[1]] and not np.all(np.isfinite(array_of(out, "out"))):
            raise Verdict(f"mc_disagreement gives {array_of(out, 'out').tolist()} for {what}: not finite. Where a "
                          "probability is 0, q ln q is 0 (its limit), but NumPy's 0 * np.log(0) is nan")
        value = _small_array(out, f"mc_disagreement for {what}", P.shape[1:2]).astype(np.float64)
        if np.any(value < -1e-12):
            raise Verdict(f"mc_disagreement gives {value.round(4).tolist()} for {what}: negative, which a "
                          "disagreement never is (is a sign the wrong way round?)")
        if k == 1:
            if not np.isclose(value[0], math.log(2), rtol=1e-9):
                raise Verdict(f"mc_disagreement gives {value[0]:.4f} for two passes certain of different classes, "
                              "(1, 0) and (0, 1): work out each entropy of this case by hand and compare")
            continue
        expected = _entropy(P.mean(axis=0)) - _entropy(P).mean(axis=0)
        if not np.allclose(value, expected, rtol=1e-9, atol=1e-12):
            raise Verdict(f"mc_disagreement gives {value.round(4).tolist()} for {what}, not the right values")


# ---------------------------------------------------------------- max-norm

# The test cell's (W, c) pairs, visible then hidden; made in the child before the student's
# code runs, and again here for the decision.
_MAX_NORM_CASES = '''
W_check = np.random.default_rng(61).standard_normal((5, 7)) * np.array([0.2, 1.5, 0.3, 0.9, 0.1, 2.0, 0.5])
W32 = (np.random.default_rng(62).standard_normal((30, 20)) * np.linspace(0.05, 0.8, 20)).astype(np.float32)
W_zero = W_check.copy()
W_zero[:, 2] = 0
W_edge = W_check.copy()
W_edge[:, 0] = [1.5, 0, 0, 0, 0]
W_square = np.random.default_rng(63).standard_normal((6, 6)) * np.array([0.1, 0.2, 2.0, 0.3, 3.0, 0.2])
W_fan1 = np.random.default_rng(64).standard_normal((1, 9))


def cases():
    return [(W_check, 1.5), (W_check, 0.8), (W32, 2.0), (W_check, 3), (W_zero, 0.5), (W_edge, 1.5),
            (W_square, 1.0), (W_fan1, 0.7), (W_check, 100.0)]
'''

_MAX_NORM_DRIVE = _CAPTURED + _MAX_NORM_CASES + '''
_shares_memory = np.shares_memory


def drive(namespace, W, c):
    out = namespace["max_norm"](W, c)
    if _isinstance(out, _ndarray):
        return {"out": _array(out, copy=True, subok=False), "shares": _shares_memory(out, W)}
    return {"out": None if out is None else {"other": _type(out).__name__}, "shares": False}
'''


def _judge_max_norm(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_MAX_NORM_CASES, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _MAX_NORM_DRIVE, function="max_norm")
    raise_if_broken(got, "max_norm")
    for (W, c), call in zip(cases, got["calls"]):
        error = call_error(call, "max_norm")
        if error:
            raise Verdict(f"max_norm raised {error} (W of shape {W.shape})")
        if call["changed_inputs"]:
            raise Verdict("max_norm changed its input W: return a new array and leave W as it was")
        result = call["out"]["dict"]
        new = _small_array(result["out"], f"max_norm(W, {c}) for W of shape {W.shape}", W.shape)
        if new.dtype != W.dtype:
            raise Verdict(f"max_norm returned dtype {new.dtype} for W of dtype {W.dtype}: keep W's dtype")
        if number_of(result["shares"], "shares"):
            raise Verdict("max_norm returned W itself (or a view of it): return a new array")
        _max_norm_verdict(W, c, new)
        if W is cases[5][0] and not np.array_equal(new[:, 0], W[:, 0]):
            raise Verdict("a column of norm exactly c was changed")


def _max_norm_verdict(W: np.ndarray, c: float, result: np.ndarray) -> None:
    """The test cell's decisions on max_norm(W, c), in its order."""
    tol = 1e-5 if W.dtype == np.float32 else 1e-9
    old, new = W.astype(np.float64), result.astype(np.float64)
    before, after = np.sqrt(np.sum(old**2, axis=0)), np.sqrt(np.sum(new**2, axis=0))

    def multiples(a, b):
        # for each column (axis 0) of b: is a's column a nonnegative multiple of it?
        scale = np.sum(a * b, axis=0) / np.maximum(np.sum(b * b, axis=0), 1e-300)
        residual = np.sqrt(np.sum((a - scale * b) ** 2, axis=0))
        return (residual <= tol * np.sqrt(np.sum(b * b, axis=0)) + 1e-30) & (scale >= 0)

    same_direction = multiples(new, old)
    if not same_direction.all():
        if multiples(new.T, old.T).all():
            raise Verdict("the rows of W were rescaled: a unit's incoming weights are a column W[:, j] "
                          "(W has shape (fan_in, fan_out))")
        j = int(np.flatnonzero(~same_direction)[0])
        raise Verdict(f"column {j} is not a nonnegative multiple of the original column W[:, {j}]: max-norm "
                      "rescales a unit's whole weight vector and keeps its direction (clipping entries one by "
                      "one changes it)")
    above, within = before > c, before <= c
    factors = after[before > 0] / before[before > 0]
    if above.any() and within.any() and np.ptp(factors) <= tol and not np.allclose(factors, 1):
        raise Verdict(f"every column was scaled by the same factor {factors[0]:.3f}: the limit c applies to "
                      "each column's own norm, not to the matrix as a whole")
    for j in np.flatnonzero(above):
        if not abs(after[j] - c) <= tol * c:
            raise Verdict(f"column {j} had norm {before[j]:.3f}, above c = {c}, and has norm {after[j]:.3f} "
                          "after max_norm: a column above the limit should end with norm c")
    for j in np.flatnonzero(within):
        if not np.allclose(new[:, j], old[:, j], rtol=tol, atol=0):
            raise Verdict(f"column {j} had norm {before[j]:.3f}, within c = {c}, and was changed (norm "
                          f"{after[j]:.3f} after): a column within the limit stays as it is")


# ---------------------------------------------------------------- DropConnect

# The test cells' inputs (read-only in the child: a layer that writes into one is told so).
# The child runs the calls of both test cells in their order and sends back every array
# whole (the result is read while the child runs); every decision is made here.
_DROPCONNECT_DATA = '''
H = 1e-5
FORWARD_CASES = [(0.5, 42), (0.8, 42), (0.3, 43), (0.95, 43)]                 # visible, then hidden
BACKWARD_CASES = [(0.5, 51, True, (6, 5, 4)), (0.75, 51, True, (6, 5, 4)), (0.5, 52, False, (6, 5, 4)),
                  (0.2, 53, True, (3, 7, 2)), (0.9, 54, True, (1, 3, 6)), (1.0, 55, True, (6, 5, 4))]


def forward_inputs():
    check_rng = np.random.default_rng(41)
    W, b = check_rng.standard_normal((50, 40)), check_rng.standard_normal(40)
    X = check_rng.uniform(0.5, 1.5, size=(8, 50))
    return W, b, X


def backward_inputs(seed, shapes):
    batch, fan_in, fan_out = shapes
    data_rng = np.random.default_rng(seed)
    X, W, b = (data_rng.standard_normal(s) for s in [(batch, fan_in), (fan_in, fan_out), (fan_out,)])
    return X, W, b, data_rng.standard_normal((batch, fan_out))
'''

_DROPCONNECT_INPUTS = _CAPTURED + _DROPCONNECT_DATA + '''

def _readonly(a):
    a = a.copy()
    a.flags.writeable = False
    return a


def _whole(value):
    # a returned value as a plain ndarray copy, or what it is
    if _isinstance(value, _ndarray):
        return _array(value, copy=True, subok=False)
    return None if value is None else {"other": _type(value).__name__}


def _moved(a, i, step):
    out = a.copy()
    out[i] = a[i] + step
    out.flags.writeable = False
    return out


def cases():
    return [(0,)]


def _loss(value, G):
    a = _plain_array(value)
    if a is None or a.shape != G.shape or a.dtype.kind not in "iuf":
        return None
    return _float(_sum(_multiply(a.astype(_f64), G), axis=None))


def _run(DropConnect, step):
    result = {}
    W, b, X = (_readonly(a) for a in forward_inputs())
    fan_in = W.shape[0]
    probe = _readonly(np.vstack([np.eye(fan_in), np.eye(fan_in)]))
    for i, (keep, seed) in enumerate(FORWARD_CASES):
        key = f"forward{i}."
        step[0] = "DropConnect(W, b, keep, rng)"
        layer = DropConnect(W, b, keep, np.random.default_rng(seed))
        step[0] = "forward(x, training=False)"
        result[key + "eval"] = _whole(layer.forward(X, False))
        step[0] = "forward(x, training=True)"
        result[key + "train"] = _whole(layer.forward(X, True))
        result[key + "probe"] = _whole(layer.forward(probe, True))
        result[key + "probe2"] = _whole(layer.forward(probe, True))
    step[0] = "forward(x, training=True)"
    result["keep1"] = _whole(DropConnect(W, b, 1.0, np.random.default_rng(44)).forward(X, True))
    result["same_a"] = _whole(DropConnect(W, b, 0.5, np.random.default_rng(45)).forward(probe, True))
    result["same_b"] = _whole(DropConnect(W, b, 0.5, np.random.default_rng(45)).forward(probe, True))
    result["same_x"] = _whole(DropConnect(W, b, 0.5, np.random.default_rng(45)).forward(X, True))
    for i, (keep, seed, training, shapes) in enumerate(BACKWARD_CASES):
        key = f"backward{i}."
        X, W, b, G = (_readonly(a) for a in backward_inputs(seed, shapes))
        step[0] = "DropConnect(W, b, keep, rng)"
        layer = DropConnect(W, b, keep, np.random.default_rng(seed + 1))
        step[0] = f"forward(x, training={training})"
        layer.forward(X, training)
        step[0] = "backward(G)"
        result[key + "grad_x"] = _whole(layer.backward(G))
        result[key + "grad_W"] = _whole(layer.grads["W"])
        result[key + "grad_b"] = _whole(layer.grads["b"])
        result[key + "again_x"] = _whole(layer.backward(G))
        result[key + "again_W"] = _whole(layer.grads["W"])
        step[0] = "forward of the gradient check (a fresh layer of the same seed)"
        arrays = (X, W, b)
        for name, which in (("x", 0), ("W", 1), ("b", 2)):
            for sign, h in (("plus", H), ("minus", -H)):
                losses = []
                for index in np.ndindex(arrays[which].shape):
                    moved = list(arrays)
                    moved[which] = _moved(arrays[which], index, h)
                    fresh = DropConnect(moved[1], moved[2], keep, np.random.default_rng(seed + 1))
                    losses.append(_loss(fresh.forward(moved[0], training), G))
                result[f"{key}{sign}_{name}"] = losses
    return result


def drive(namespace, _):
    step = ["DropConnect(W, b, keep, rng)"]
    try:
        return _run(namespace["DropConnect"], step)
    except BaseException as error:
        return {"failed": step[0], "error": f"{_type(error).__name__}: {error}"}
'''


def _judge_dropconnect(source: str) -> None:
    result = _layer_result(source, _DROPCONNECT_INPUTS, "DropConnect",
                           "changed its input (x, W, b and grad_out are read-only here): a layer "
                           "leaves its inputs as they were")
    data: dict = {"np": np}
    exec(_DROPCONNECT_DATA, data)
    _judge_dropconnect_forward(result, data)
    _judge_dropconnect_backward(result, data)


def _judge_dropconnect_forward(result: dict, data: dict) -> None:
    """The first test cell: W unmasked in evaluation, one mask per pass shared by the batch,
    a fraction 1 - keep dropped, the survivors scaled by one factor that keeps the mean."""
    W, b, X = data["forward_inputs"]()
    fan_in, fan_out = W.shape

    def seen(plain, keep):
        out = _small_array(plain, "forward(x, training=True)", (2 * fan_in, fan_out))
        used = out - b
        if not np.allclose(used[:fan_in], used[fan_in:], rtol=1e-12, atol=1e-12):
            raise Verdict(f"keep = {keep}: two identical examples of one batch were given different weights: draw "
                          "one mask of W's shape per forward pass, shared by the batch")
        return used[:fan_in]

    for i, (keep, _) in enumerate(data["FORWARD_CASES"]):
        part = {k.split(".", 1)[1]: v for k, v in result.items() if k.startswith(f"forward{i}.")}
        out = _small_array(part["eval"], "forward(x, training=False)", (len(X), fan_out))
        if not np.allclose(out, X @ W + b, rtol=1e-10, atol=1e-10):
            raise Verdict(f"keep = {keep}: in evaluation mode the output differs from x @ W + b: evaluation uses "
                          "W unmasked and unscaled")
        out = _small_array(part["train"], "forward(x, training=True)", (len(X), fan_out))
        if np.any(out == 0) or np.any(out == b):
            raise Verdict(f"keep = {keep}: some outputs are exactly 0 or exactly b, as if a unit's whole output "
                          "were dropped (that is dropout on the outputs); DropConnect drops single weights, so an "
                          "output loses only some of its inputs")
        used = seen(part["probe"], keep)
        dropped = np.abs(used) < 1e-12
        if not abs(dropped.mean() - (1 - keep)) < 0.05:
            raise Verdict(f"keep = {keep}: a fraction {dropped.mean():.2f} of the weights is dropped; keep is the "
                          "probability of keeping a weight")
        factors = used[~dropped] / W[~dropped]
        if not np.ptp(factors) < 1e-9:
            raise Verdict(f"keep = {keep}: the weights that survive are not all scaled by the same factor")
        if not abs(factors[0] * keep - 1) < 1e-9:
            raise Verdict(f"keep = {keep}: the surviving weights are multiplied by {factors[0]:.3f}, so the "
                          f"expected output is {factors[0] * keep:.2f} (x @ W) + b instead of x @ W + b")
        if np.array_equal(used, seen(part["probe2"], keep)):
            raise Verdict(f"keep = {keep}: two training-mode passes drop the same weights")
    if not np.allclose(_small_array(result["keep1"], "forward(x, training=True)", (len(X), fan_out)), X @ W + b):
        raise Verdict("keep = 1: training mode should drop nothing")
    used_a, used_b = seen(result["same_a"], 0.5), seen(result["same_b"], 0.5)
    if not np.array_equal(used_a, used_b):
        raise Verdict("two layers with generators of the same seed draw different masks: use self.rng")
    out = _small_array(result["same_x"], "forward(x, training=True)", (len(X), fan_out))
    if not np.allclose(out, X @ used_a + b):
        raise Verdict("keep = 0.5: the training output is not x times the weights of one mask plus b")


def _judge_dropconnect_backward(result: dict, data: dict) -> None:
    """The second test cell: the gradients reuse the forward pass's mask and match finite
    differences of the student's own forward with the mask held fixed."""
    from mlp_from_scratch.gradcheck import EXPECTED_BELOW, relative_error

    for i, (keep, seed, training, shapes) in enumerate(data["BACKWARD_CASES"]):
        X, W, b, G = data["backward_inputs"](seed, shapes)
        mode = f"keep = {keep}, training={training}"
        part = {k.split(".", 1)[1]: v for k, v in result.items() if k.startswith(f"backward{i}.")}
        grad_x = _small_array(part["grad_x"], "backward(G)", X.shape)
        grad_W = _small_array(part["grad_W"], 'grads["W"] after backward', W.shape)
        grad_b = _small_array(part["grad_b"], 'grads["b"] after backward', b.shape)
        again_x = _small_array(part["again_x"], "backward(G)", X.shape)
        again_W = _small_array(part["again_W"], 'grads["W"] after backward', W.shape)
        if not (np.array_equal(grad_x, again_x) and np.array_equal(grad_W, again_W)):
            raise Verdict(f"{mode}: two backward calls after one forward give different gradients; backward must "
                          "use the forward pass's mask")
        for name, analytic in (("x", grad_x), ("W", grad_W), ("b", grad_b)):
            plus, minus = part[f"plus_{name}"]["items"], part[f"minus_{name}"]["items"]
            if any("bytes" not in f for f in plus + minus):
                raise Verdict(f"{mode}: forward(x, training={training}) should return an array of shape {G.shape}")
            numeric = (np.array([number_of(f, "f") for f in plus])
                       - np.array([number_of(f, "f") for f in minus])).reshape(analytic.shape) / (2 * 1e-5)
            error = relative_error(analytic, numeric)
            if not error < EXPECTED_BELOW:
                raise Verdict(f"{mode}: dL/d{name}: relative error {error:.0e} against finite differences "
                              f"(a correct gradient gives < {EXPECTED_BELOW:.0e})")


TASKS = {
    "nb07_dropout": _judge_dropout,
    "nb07_noise_variance": _judge_noise_variance,
    "nb07_mc_dropout": _judge_mc_dropout,
    "nb07_mc_disagreement": _judge_mc_disagreement,
    "nb07_max_norm": _judge_max_norm,
    "nb07_dropconnect": _judge_dropconnect,
}
