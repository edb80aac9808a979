"""Loss functions.

Calling a loss, ``loss, grad = SoftmaxCrossEntropy()(y_hat, y)``, returns the mean loss
over the batch (a float) and its gradient ∂L/∂y_hat with the shape of ``y_hat``
``(batch, outputs)``: exactly what ``Sequential.backward`` takes. ``predict`` turns the
network's outputs into the labels that ``accuracy`` compares with ``y``: a class index
for softmax, a 0/1 label per output for the others.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .activations import sigmoid


class Loss:
    """Base class: ``__call__(y_hat, y) -> (mean loss, dL/dy_hat)`` and ``predict``."""

    def __call__(self, y_hat: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    threshold = 0.5

    def predict(self, y_hat: np.ndarray) -> np.ndarray:
        """0/1 labels from outputs ``(batch, outputs)`` by thresholding each output;
        ``(batch,)`` for a single output."""
        labels = (y_hat > self.threshold).astype(np.int64)
        return labels[:, 0] if labels.shape[1] == 1 else labels

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _targets_like(y_hat: np.ndarray, y: np.ndarray, name: str) -> np.ndarray:
    """Targets as an array of ``y_hat``'s shape and dtype; ``(batch,)`` is taken as one column.

    Casting here matters: float32 outputs minus int64 labels would silently give float64.
    """
    y = np.asarray(y)
    if y.ndim == 1 and y_hat.ndim == 2 and y_hat.shape[1] == 1:
        y = y[:, None]
    if y.shape != y_hat.shape:
        raise ValueError(f"{name}: targets of shape {y.shape} do not match outputs of shape "
                         f"{y_hat.shape}")
    return y.astype(y_hat.dtype, copy=False)


class MSE(Loss):
    """Mean squared error over all entries: L = mean((ŷ − y)²), ∂L/∂ŷ = 2(ŷ − y)/N."""

    def __call__(self, y_hat, y):
        diff = y_hat - _targets_like(y_hat, y, "MSE")
        return float(np.mean(diff * diff)), diff * (2 / diff.size)


def _check_binary(y: np.ndarray, name: str) -> None:
    if y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"{name}: targets must lie in [0, 1], got values from {y.min()} to {y.max()}")


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy on probabilities p (after a sigmoid), averaged over all entries:
    L = −mean(y log p + (1 − y) log(1 − p)), ∂L/∂p = (p − y) / (p (1 − p)) / N.

    p is clipped away from 0 and 1 so a saturated sigmoid gives a large but finite loss.
    Prefer ``BinaryCrossEntropyWithLogits``: it is exact where this one must clip.
    """

    def __call__(self, y_hat, y):
        y = _targets_like(y_hat, y, "BinaryCrossEntropy")
        _check_binary(y, "BinaryCrossEntropy")
        eps = np.finfo(y_hat.dtype).eps
        p = np.clip(y_hat, eps, 1 - eps)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))
        return float(loss), (p - y) / (p * (1 - p) * p.size)


class BinaryCrossEntropyWithLogits(Loss):
    """Binary cross-entropy on logits z (no sigmoid layer), averaged over all entries.

    L = mean(max(z, 0) − z y + log(1 + e^{−|z|})) is the same as BCE(σ(z), y) but never
    takes the log of 0, and the gradient is simply ∂L/∂z = (σ(z) − y) / N.
    """

    threshold = 0.0  # σ(z) > 0.5 exactly when z > 0

    def __call__(self, y_hat, y):
        y = _targets_like(y_hat, y, "BinaryCrossEntropyWithLogits")
        _check_binary(y, "BinaryCrossEntropyWithLogits")
        z = y_hat
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        return float(loss), (sigmoid(z) - y) / z.size


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, from logits z ``(batch, classes)``.

    Targets are integer labels ``(batch,)`` in 0..classes−1 or one-hot rows
    ``(batch, classes)``. With log-softmax computed stably,
    L = −mean_n log softmax(z_n)[y_n] and ∂L/∂z = (softmax(z) − onehot(y)) / batch.
    """

    def __call__(self, y_hat, y):
        z = y_hat
        batch, classes = z.shape
        y = np.asarray(y)
        if y.ndim == 1:
            if y.shape[0] != batch:
                raise ValueError(f"SoftmaxCrossEntropy: {y.shape[0]} labels for {batch} outputs")
            if not np.issubdtype(y.dtype, np.integer):
                raise ValueError(f"SoftmaxCrossEntropy: labels must be integers, got dtype {y.dtype}")
            if batch and (y.min() < 0 or y.max() >= classes):
                raise ValueError(f"SoftmaxCrossEntropy: labels must be in 0..{classes - 1} for "
                                 f"{classes} outputs, got labels from {y.min()} to {y.max()}")
            # fit's case, every step: the one-hot formulas below as one compiled loop.
            loss, grad = kernels.softmax_cross_entropy(z, y)
            return float(loss), grad
        y = _targets_like(z, y, "SoftmaxCrossEntropy")
        shifted = z - z.max(axis=1, keepdims=True)  # exp cannot overflow
        e = np.exp(shifted)
        sums = e.sum(axis=1, keepdims=True)
        loss = -(y * (shifted - np.log(sums))).sum(axis=1).mean()  # log softmax = shifted − log Σe
        return float(loss), (e / sums - y) / batch  # softmax(z) − y

    def predict(self, y_hat):
        """Class labels ``(batch,)``: the index of the largest logit."""
        return y_hat.argmax(axis=1)
