"""Small datasets: logic gates and 2-D toy problems, plus one-hot and train/validation split.

Inputs are float32 ``(n, features)``; labels are int64 ``(n,)`` unless said otherwise.
"""

from __future__ import annotations

import numpy as np

from .validation import check_generator, check_int, check_real, check_real_array

_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "xor": [0, 1, 1, 0],
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input gate: X ``(4, 2)`` rows 00, 01, 10, 11 and y ``(4,)``.

    ``name`` is one of "and", "or", "nand", "xor" (any case).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a gate name such as 'xor', got {name!r}")
    key = name.lower()
    if key not in _GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(_GATES)}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return X, np.array(_GATES[key], dtype=np.int64)


def xor3() -> tuple[np.ndarray, np.ndarray]:
    """The 3-input, 2-output XOR variant: a one-bit full adder.

    X ``(8, 3)`` holds every triple of bits (a, b, c); Y ``(8, 2)`` holds
    the sum bit a ⊕ b ⊕ c (a three-way XOR) and the carry bit, 1 when at least two
    inputs are 1. Together they are the binary number a + b + c.
    """
    X = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], dtype=np.int64)
    total = X.sum(axis=1)
    Y = np.stack([total % 2, total // 2], axis=1)
    return X.astype(np.float32), Y


def make_moons(n: int, *, noise: float = 0.1, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, ``n`` points (classes alternate 0, 1, 0, ...)."""
    n, noise = check_int(n, "n"), _noise(noise)
    check_generator(rng)
    y = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.stack([np.cos(angle), np.sin(angle)], axis=1),
                 np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    X = X + noise * rng.standard_normal((n, 2))
    return X.astype(np.float32), y.astype(np.int64)


def make_circles(n: int, *, noise: float = 0.05, factor: float = 0.5,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A circle of class 0 around a smaller one (radius ``factor``) of class 1."""
    n, noise = check_int(n, "n"), _noise(noise)
    factor = check_real(factor, "factor", low=0.0, low_open=True,
                        fix="the inner circle's radius, e.g. 0.5")
    check_generator(rng)
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    X = X + noise * rng.standard_normal((n, 2))
    return X.astype(np.float32), y.astype(np.int64)


def make_spirals(n: int, *, classes: int = 3, noise: float = 0.2,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (CS231n's spiral data), ``n`` points in all."""
    n, noise = check_int(n, "n"), _noise(noise)
    classes = check_int(classes, "classes")
    check_generator(rng)
    y = np.arange(n) % classes
    radius = rng.uniform(0, 1, n)
    angle = y * (2 * np.pi / classes) + 4 * radius + noise * rng.standard_normal(n)
    X = radius[:, None] * np.stack([np.sin(angle), np.cos(angle)], axis=1)
    return X.astype(np.float32), y.astype(np.int64)


def one_hot(y: np.ndarray, num_classes: int, dtype: type = np.float32) -> np.ndarray:
    """Labels ``(n,)`` to one-hot rows ``(n, num_classes)`` (float32 by default:
    ``np.eye(k)[y]`` would give float64 and double the cost of everything after it)."""
    num_classes = check_int(num_classes, "num_classes")
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot needs integer labels of shape (n,), got {y.dtype} {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must be in 0..{num_classes - 1}, got values from "
                         f"{y.min()} to {y.max()}")
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def train_val_split(
    X: np.ndarray, y: np.ndarray, val_size: int | float, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``X_train, X_val, y_train, y_val``.

    ``val_size`` is a count of rows, or a fraction of them when below 1.
    """
    X, y = check_real_array(X, "X"), check_real_array(y, "y")
    check_generator(rng)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must have one row per example, got shapes {X.shape} and "
                         f"{y.shape}")
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)}")
    if isinstance(val_size, (bool, np.bool_)) or not isinstance(val_size, (int, float, np.integer,
                                                                            np.floating)):
        raise TypeError(f"val_size must be a count of rows or a fraction below 1, got "
                        f"{val_size!r}")
    if isinstance(val_size, (float, np.floating)) and not (0 < val_size < 1
                                                           or float(val_size).is_integer()):
        raise ValueError(f"val_size {val_size} must be a fraction in (0, 1) or a whole count "
                         "of rows")
    n_val = round(val_size * n) if 0 < val_size < 1 else int(val_size)
    if not 0 < n_val < n:
        raise ValueError(f"val_size {val_size} leaves no rows for training or validation "
                         f"out of {n}")
    order = rng.permutation(n)
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]


def _noise(noise: float) -> float:
    return check_real(noise, "noise", low=0.0, fix="the standard deviation of the noise, e.g. 0.1")
