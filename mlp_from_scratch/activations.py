"""Activation functions and their derivatives.

Each function takes pre-activations ``z`` of any shape, usually ``(batch, features)``,
and returns an array of the same shape and dtype. The ``*_derivative`` functions give
the elementwise derivative ``dσ/dz`` that backpropagation multiplies the upstream
gradient by; softmax couples its outputs, so it has a Jacobian instead.
"""

from __future__ import annotations

import numpy as np

from .validation import check_real, check_real_array


def _real(z: np.ndarray) -> np.ndarray:
    """``z`` as a real array: lists are converted, complex or string input is a TypeError
    (a complex z would silently lose its imaginary part)."""
    return check_real_array(z, "z")


def identity(z: np.ndarray) -> np.ndarray:
    """σ(z) = z."""
    z = _real(z)
    return z


def identity_derivative(z: np.ndarray) -> np.ndarray:
    """dσ/dz = 1."""
    z = _real(z)
    return np.ones_like(z)


def relu(z: np.ndarray) -> np.ndarray:
    """σ(z) = max(z, 0)."""
    z = _real(z)
    return np.maximum(z, 0)


def relu_derivative(z: np.ndarray) -> np.ndarray:
    """dσ/dz of ReLU, elementwise; at the kink z = 0 we pick 0."""
    z = _real(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """σ(z) = z for z > 0, αz otherwise: negative inputs keep a small gradient."""
    z = _real(z)
    alpha = check_real(alpha, "alpha", low=0.0, fix="the slope for z < 0, e.g. 0.01")
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """dσ/dz = 1 for z > 0, α otherwise."""
    z = _real(z)
    alpha = check_real(alpha, "alpha", low=0.0, fix="the slope for z < 0, e.g. 0.01")
    return np.where(z > 0, 1, alpha).astype(z.dtype)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{-z}), computed without overflow or a warning in either tail
    (the naive formula overflows ``exp`` for z ≪ 0)."""
    z = _real(z)
    return sigmoid_from_exp(z, np.exp(-np.abs(z)))


def sigmoid_from_exp(z: np.ndarray, e: np.ndarray) -> np.ndarray:
    """σ(z) from ``e = exp(-|z|)`` (the logits loss has computed it already)."""
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """dσ/dz of the sigmoid, elementwise (notebook 01 derives it)."""
    z = _real(z)
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    """σ(z) = tanh(z)."""
    z = _real(z)
    return np.tanh(z)


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """dσ/dz of tanh, elementwise (notebook 04 derives it)."""
    z = _real(z)
    t = np.tanh(z)
    return 1 - t * t


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis: ``(batch, classes)`` logits to probabilities.

    Computed without overflow for logits of any size (notebook 09's Task 1 asks how).
    """
    z = _real(z)
    if z.ndim == 0:
        raise ValueError("softmax needs at least one axis of logits, got a scalar")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """Jacobian ∂s_i/∂z_j = s_i (δ_ij − s_j) of softmax, shape ``(batch, classes, classes)``.

    Built for teaching and checking; the Softmax layer never forms it (see its backward).
    """
    z = _real(z)
    if z.ndim != 2:
        raise ValueError(f"softmax_jacobian takes logits of shape (batch, classes), got shape "
                         f"{z.shape}")
    s = softmax(z)
    return s[:, :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[:, None, :])
