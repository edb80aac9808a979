"""Notebook 03's judged tasks: ``dense_forward`` and the parameter counts (tools/judge.py)."""

from __future__ import annotations

import math

import numpy as np

from judge import Verdict, alone_hint, array_of, number_of, raise_if_broken, raise_if_unanswered, run_sandboxed


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
    raise_if_broken(got, "dense_forward")
    for (X, W, b), call in zip(cases, got["calls"]):
        sizes = f"X {X.shape}, W {W.shape}"
        if "error" in call:
            error = call["error"]
            raise_if_unanswered(error)
            if error.startswith("_RowAccess"):
                raise Verdict("dense_forward walks through X one example (row) at a time; the "
                              "task is the whole batch without a Python loop")
            raise Verdict(f"dense_forward raised {error.split(':')[0]} for X of shape {X.shape}, "
                          f"W of shape {W.shape}, b of shape {b.shape}:{error.split(':', 1)[1]}"
                          + alone_hint(error))
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
            if W.shape[0] == W.shape[1] and np.allclose(out, X @ W.T + b, **tolerance):
                raise Verdict(f"for the square layer {W.shape} the output is X @ W.T + b: an example "
                              "that is 1 at input i should give neuron j the weight W[i, j]; check "
                              "which axis of W indexes the inputs")
            raise Verdict(f"the output for {sizes} is wrong in {int(wrong.sum())} of {wrong.size} "
                          "entries")


_ROW_GUARD = '''
# the notebook's worked loops (cells 5 and 7), which a solution may call
def dense_loops(X, W, b):
    y = np.zeros((X.shape[0], W.shape[1]))
    for n in range(X.shape[0]):
        for j in range(W.shape[1]):
            y[n, j] = sum(X[n, i] * W[i, j] for i in range(X.shape[1])) + b[j]
    return y


def dense_per_example(X, W, b):
    return np.stack([x @ W + b for x in X])


given = {"dense_loops": dense_loops, "dense_per_example": dense_per_example}

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


def _judge_counting(source: str) -> None:
    got = run_sandboxed(source, "def cases():\n    return []\n",
                        values=("num_parameters", "num_multiply_adds"))
    raise_if_broken(got, "num_parameters")
    sizes = [784, 256, 10]
    weights = sum(a * c for a, c in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    answers = {name: number_of(got["values"].get(name), name)
               for name in ("num_parameters", "num_multiply_adds")}
    if answers["num_parameters"] == weights:
        raise Verdict("num_parameters counts the weights but not the biases")
    if answers["num_parameters"] != weights + biases:
        raise Verdict(f"num_parameters is {answers['num_parameters']:.12g}, which is not the number "
                      "of weights and biases of the 784-256-10 network")
    if answers["num_multiply_adds"] == weights:
        raise Verdict("num_multiply_adds counts one example, not a batch of 32")
    if answers["num_multiply_adds"] != 32 * weights:
        raise Verdict(f"num_multiply_adds is {answers['num_multiply_adds']:.12g}, which is not the "
                      "number of multiply-adds of the products of one forward pass of 32 examples")


TASKS = {
    "nb03_dense_forward": _judge_dense_forward,
    "nb03_counting": _judge_counting,
}
