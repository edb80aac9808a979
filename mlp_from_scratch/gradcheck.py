"""Gradient checking: compare analytic gradients with central differences.

For a correct implementation in float64 with h = 1e-5, the relative error
‖a − n‖ / (‖a‖ + ‖n‖) is around 1e-10 to 1e-8; above 1e-6 something is wrong (or an
input sits on a kink such as ReLU's at 0). In float32 even a correct gradient only
reaches about 1e-3, so check in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .layers import Layer
from .losses import Loss
from .model import Sequential

#: A relative error below this means the analytic gradient is right (float64, h = 1e-5).
EXPECTED_BELOW = 1e-7


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂f/∂x by central differences, (f(x + h e_i) − f(x − h e_i)) / 2h for every entry i.

    ``f`` takes no arguments and reads ``x``, which is perturbed in place one entry at a
    time and restored afterwards; the error of the estimate shrinks like h².
    """
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
    """‖a − n‖ / (‖a‖ + ‖n‖), scale-free: 0 when equal, |c − 1| / (|c| + 1) when a = c·n
    (1 for a sign error), about 0.71 for unrelated vectors of similar length."""
    a, n = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denominator) if denominator else 0.0


def check_layer(layer: Layer, x: np.ndarray, *, rng: np.random.Generator,
                training: bool = True, h: float = 1e-5) -> dict[str, float]:
    """Relative errors of a layer's input gradient and of each parameter's gradient.

    Uses the scalar L = Σ y ⊙ G for a fixed random G, whose gradient ∂L/∂y is G, so
    ``backward(G)`` must return ∂L/∂x. Use a float64 layer and input. Returns
    ``{"input": error, "W": error, ...}``.
    """
    x = np.array(x, dtype=np.float64)
    G = rng.standard_normal(layer.forward(x, training).shape)

    def L() -> float:
        return float(np.sum(layer.forward(x, training) * G))

    # backward runs first, on the cache of the forward above; the checks then perturb.
    errors = {"input": relative_error(layer.backward(G), numerical_gradient(L, x, h))}
    for name, p in layer.params.items():
        analytic = layer.grads[name].copy()
        errors[name] = relative_error(analytic, numerical_gradient(L, p, h))
    return errors


def check_model(model: Sequential, loss: Loss, X: np.ndarray, y: np.ndarray,
                h: float = 1e-5) -> dict[str, float]:
    """Relative error of every parameter's gradient of ``loss(model(X), y)``.

    Keys are ``"<layer index>.<name>"`` such as ``"0.W"``. Use a float64 model.
    """
    X = np.asarray(X, dtype=model.dtype)

    def L() -> float:
        return loss(model.forward(X, training=True), y)[0]

    model.backward(loss(model.forward(X, training=True), y)[1])
    errors = {}
    for i, layer in enumerate(model.layers):
        for name, p in layer.params.items():
            errors[f"{i}.{name}"] = relative_error(layer.grads[name].copy(),
                                                   numerical_gradient(L, p, h))
    return errors


def gradient_report(errors: Mapping[str, float], expected_below: float = EXPECTED_BELOW) -> pd.DataFrame:
    """A table of relative errors beside the size a correct gradient gives.

    Errors are shown to one significant digit; their exact digits depend on the machine.
    """
    return pd.DataFrame(
        {
            "relative error": [f"{e:.0e}" for e in errors.values()],
            "correct if below": f"{expected_below:.0e}",
            "ok": ["yes" if e < expected_below else "NO" for e in errors.values()],
        },
        index=pd.Index(list(errors), name="gradient of"),
    )
