"""Gradient checking: compare analytic gradients with central differences.

For a correct implementation in float64 with h = 1e-5, the relative error
‖a − n‖ / (‖a‖ + ‖n‖) is around 1e-10 to 1e-8; above 1e-6 something is wrong (or an
input sits on a kink such as ReLU's at 0). In float32 even a correct gradient only
reaches about 1e-3, so check in float64.

A relative error means nothing when the true gradient is 0 (the bias of a Dense layer
followed by BatchNorm): both vectors are rounding noise, and their relative error is
about 1. So the checks also give an absolute error, the root-mean-square of a − n,
and a gradient counts as correct when *either* is small: the relative error below
``EXPECTED_BELOW`` or the absolute error below ``ABSOLUTE_FLOOR``; ``gradient_report``
says which one applied.

During ``check_layer`` and ``check_model``, every pass draws the same Dropout mask (the
layers' generators are rewound before each pass) and BatchNorm's running statistics are
saved and restored, so the check neither sees a moving target nor changes the model.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .layers import Layer
from .losses import Loss
from .model import Sequential
from .validation import check_generator, check_instance, check_real, check_real_array

if TYPE_CHECKING:
    import pandas as pd

#: A relative error below this means the analytic gradient is right (float64, h = 1e-5).
EXPECTED_BELOW = 1e-7

#: An absolute (root-mean-square) error below this means the gradient is right even when
#: the relative error is meaningless: central differences in float64 with h = 1e-5 carry
#: rounding noise of about 1e-16 · |L| / h ≈ 1e-11 · |L| per entry.
ABSOLUTE_FLOOR = 1e-8

#: Relative errors below this are float64 rounding noise (a correct gradient gives 1e-12 to
#: 1e-10): their digits change with the CPU's BLAS kernels and thread count, so
#: ``gradient_report`` shows them only as below it.
NOISE_BELOW = 1e-9


class GradientErrors(dict):
    """Relative errors by name (a plain ``dict`` of floats, as before), with the matching
    absolute errors in ``absolute``."""

    def __init__(self) -> None:
        super().__init__()
        self.absolute: dict[str, float] = {}

    def add(self, name: str, analytic: np.ndarray, numeric: np.ndarray) -> None:
        self[name] = relative_error(analytic, numeric)
        self.absolute[name] = absolute_error(analytic, numeric)

    def ok(self, name: str, expected_below: float = EXPECTED_BELOW) -> bool:
        """True when the relative error, or else the absolute error, is small enough."""
        return self[name] < expected_below or self.absolute[name] < ABSOLUTE_FLOOR

    def all_ok(self, expected_below: float = EXPECTED_BELOW) -> bool:
        return all(self.ok(name, expected_below) for name in self)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂f/∂x by central differences, (f(x + h e_i) − f(x − h e_i)) / 2h for every entry i.

    ``f`` takes no arguments and reads ``x``, which is perturbed in place one entry at a
    time and restored afterwards; the error of the estimate shrinks like h².
    ``x`` must be a writeable float array (an integer array would round every x + h).
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments that reads x, got {f!r}")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x must be a float NumPy array that f reads (float64 for accurate "
                        f"checks), got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    if not x.flags.writeable:
        raise ValueError("x is read-only; numerical_gradient perturbs it in place")
    h = check_real(h, "h", low=0.0, low_open=True, fix="a small step such as 1e-5")
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖), scale-free: 0 when equal, 1 for a sign error (a = −n), about
    0.71 for unrelated vectors of similar length."""
    a, n = _pair(analytic, numeric)
    denominator = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denominator) if denominator else 0.0


def _pair(analytic: np.ndarray, numeric: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = check_real_array(analytic, "analytic").astype(np.float64, copy=False)
    n = check_real_array(numeric, "numeric").astype(np.float64, copy=False)
    if a.shape != n.shape:
        raise ValueError(f"analytic gradient of shape {a.shape} and numeric gradient of shape "
                         f"{n.shape} cannot be compared; they must have the parameter's shape")
    return a, n


def absolute_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Root-mean-square of a − n: the typical error of one entry (0 for empty arrays)."""
    a, n = _pair(analytic, numeric)
    return float(np.linalg.norm(a - n) / math.sqrt(a.size)) if a.size else 0.0


@contextlib.contextmanager
def _held_still(layers: Sequence[Layer]) -> Iterator[Callable[[], None]]:
    """Keep a check's passes comparable: yields ``rewind()``, which puts every layer's
    generator (Dropout's ``rng``) back where it was, so each pass draws the same mask.
    On exit, buffers (BatchNorm's running statistics) and generators are restored."""
    buffers = [(b, b.copy()) for layer in layers for b in layer.buffers.values()]
    generators = {id(g): g for layer in layers
                  if isinstance(g := getattr(layer, "rng", None), np.random.Generator)}
    states = [(g, g.bit_generator.state) for g in generators.values()]

    def rewind() -> None:
        for g, state in states:
            g.bit_generator.state = state

    try:
        yield rewind
    finally:
        for b, saved in buffers:
            b[...] = saved
        rewind()


def check_layer(layer: Layer, x: np.ndarray, *, rng: np.random.Generator,
                training: bool = True, h: float = 1e-5) -> dict[str, float]:
    """Relative errors of a layer's input gradient and of each parameter's gradient.

    Uses the scalar L = Σ y ⊙ G for a fixed random G, whose gradient ∂L/∂y is G, so
    ``backward(G)`` must return ∂L/∂x. Use a float64 layer and input. Returns
    ``{"input": error, "W": error, ...}`` (a ``GradientErrors``, whose ``absolute``
    holds the absolute errors). Dropout keeps one mask and BatchNorm's running
    statistics are left as they were.
    """
    check_instance(layer, Layer, "layer", "Dense(3, 4, rng=rng, dtype=np.float64)")
    check_generator(rng)
    x = np.array(check_real_array(x, "x"), dtype=np.float64)
    with _held_still([layer]) as rewind:
        rewind()
        G = rng.standard_normal(layer.forward(x, training).shape)

        def L() -> float:
            rewind()
            return float(np.sum(layer.forward(x, training) * G))

        # backward runs first, on the cache of the forward above; the checks then perturb.
        errors = GradientErrors()
        errors.add("input", layer.backward(G), numerical_gradient(L, x, h))
        for name, p in layer.params.items():
            analytic = layer.grads[name].copy()
            errors.add(name, analytic, numerical_gradient(L, p, h))
    return errors


def check_model(model: Sequential, loss: Loss, X: np.ndarray, y: np.ndarray,
                h: float = 1e-5) -> dict[str, float]:
    """Relative error of every parameter's gradient of ``loss(model(X), y)``.

    Keys are ``"<layer index>.<name>"`` such as ``"0.W"``. Use a float64 model. Returns a
    ``GradientErrors`` (its ``absolute`` holds the absolute errors). Dropout keeps one
    mask and BatchNorm's running statistics are left as they were.
    """
    check_instance(model, Sequential, "model", "Sequential(Dense(2, 1, rng=rng))")
    check_instance(loss, Loss, "loss", "SoftmaxCrossEntropy()")
    X = np.asarray(check_real_array(X, "X"), dtype=model.dtype)
    with _held_still(model.layers) as rewind:

        def L() -> float:
            rewind()
            return loss(model.forward(X, training=True), y)[0]

        rewind()
        model.backward(loss(model.forward(X, training=True), y)[1])
        errors = GradientErrors()
        for i, layer in enumerate(model.layers):
            for name, p in layer.params.items():
                errors.add(f"{i}.{name}", layer.grads[name].copy(), numerical_gradient(L, p, h))
    return errors


def gradient_report(errors: Mapping[str, float], expected_below: float = EXPECTED_BELOW) -> pd.DataFrame:
    """A table of relative errors beside the size a correct gradient gives.

    Errors are shown to one significant digit, and those below ``NOISE_BELOW`` only as
    "< 1e-09": their digits are rounding noise that differs from machine to machine. When
    ``errors`` comes from ``check_layer`` or ``check_model``, a gradient whose relative
    error is too large but whose absolute error is below ``ABSOLUTE_FLOOR``
    (a true gradient of 0) is marked "yes (absolute error ...)": the floor applied.
    """
    # Imported here, not at the top: pandas takes longer to import than the whole package.
    import pandas as pd

    if not isinstance(errors, Mapping) or not errors:
        raise ValueError("errors must be a non-empty dict of relative errors, such as "
                         "check_layer or check_model return")
    expected_below = check_real(expected_below, "expected_below", low=0.0, low_open=True)
    absolute = getattr(errors, "absolute", {})

    def verdict(name: str, e: float) -> str:
        if e < expected_below:
            return "yes"
        if name in absolute and absolute[name] < ABSOLUTE_FLOOR:
            return f"yes (absolute error < {ABSOLUTE_FLOOR:.0e})"
        return "NO"

    return pd.DataFrame(
        {
            "relative error": [f"< {NOISE_BELOW:.0e}" if e < NOISE_BELOW else f"{e:.0e}"
                               for e in errors.values()],
            "correct if below": f"{expected_below:.0e}",
            "ok": [verdict(name, e) for name, e in errors.items()],
        },
        index=pd.Index(list(errors), name="gradient of"),
    )
