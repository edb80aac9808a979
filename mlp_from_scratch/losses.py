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
from .activations import sigmoid_from_exp
from .validation import check_real_array

_FLOAT32 = np.dtype(np.float32)


def _outputs(y_hat: np.ndarray, name: str) -> np.ndarray:
    """The network's outputs as a float32/float64 array ``(batch, outputs)``, batch ≥ 1."""
    y_hat = check_real_array(y_hat, lambda: f"{name}: the predictions y_hat")
    if y_hat.dtype != np.float32 and y_hat.dtype != np.float64:
        raise TypeError(f"{name}: the predictions y_hat have dtype {y_hat.dtype}; a loss takes "
                        "the network's float outputs (integers would truncate the targets): "
                        "pass y_hat.astype(np.float32)")
    if y_hat.ndim != 2:
        raise ValueError(f"{name}: the predictions y_hat must have shape (batch, outputs), got "
                         f"shape {y_hat.shape}" +
                         ("; for one output per example use y_hat.reshape(-1, 1)"
                          if y_hat.ndim == 1 else ""))
    if len(y_hat) == 0:
        raise ValueError(f"{name}: y_hat has no rows; a mean loss needs at least one example")
    return y_hat


def _check_target_values(y: np.ndarray, name: str, unit_interval: str = "") -> None:
    """Raise unless the float targets ``y`` are finite and, when ``unit_interval`` says
    which targets and how to fix them, lie in [0, 1]. Two passes over the (small)
    targets, min and max, which are NaN when any entry is."""
    lo, hi = y.min(), y.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{name}: the targets y contain NaN or infinity; check how they "
                         "were made (np.isnan(y).any(axis=-1) finds the rows)")
    if unit_interval and not (0 <= lo and hi <= 1):
        raise ValueError(f"{name}: {unit_interval.format(lo=lo, hi=hi)}")


class Loss:
    """Base class: ``__call__(y_hat, y) -> (mean loss, dL/dy_hat)`` and ``predict``.

    Every loss checks its arguments first (cheap: shapes, dtypes and the min and max of
    the targets) and raises ``ValueError`` or ``TypeError`` naming the problem.
    """

    def __call__(self, y_hat: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    def _prepare(self, y_hat: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Checked ``(y_hat, y)``; subclasses add their own conditions."""
        name = type(self).__name__
        y_hat = _outputs(y_hat, name)
        y = _targets_like(y_hat, y, name)
        _check_target_values(y, name, self._target_range)
        return y_hat, y

    #: What the targets must be besides finite, for ``_check_target_values``: "" (any
    #: number) or a message for targets outside [0, 1].
    _target_range = ""

    def check_targets(self, y: np.ndarray, num_outputs: int) -> None:
        """Raise unless ``y`` (all of a data set's targets) suits a network with
        ``num_outputs`` outputs. ``fit`` calls it once before the first step, so a bad
        label is reported before any parameter changes."""
        # A zero-stride view stands in for the outputs: no memory, and 0 is a valid
        # output for every loss.
        self._prepare(np.broadcast_to(_FLOAT32.type(0), (len(y), num_outputs)), y)

    threshold = 0.5

    def predict(self, y_hat: np.ndarray) -> np.ndarray:
        """0/1 labels from outputs ``(batch, outputs)`` by thresholding each output;
        ``(batch,)`` for a single output."""
        y_hat = _outputs(y_hat, f"{type(self).__name__}.predict")
        labels = (y_hat > self.threshold).astype(np.int64)
        return labels[:, 0] if labels.shape[1] == 1 else labels

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _targets_like(y_hat: np.ndarray, y: np.ndarray, name: str) -> np.ndarray:
    """Targets as an array of ``y_hat``'s shape and dtype; ``(batch,)`` is taken as one column.

    Casting here matters: float32 outputs minus int64 labels would silently give float64.
    """
    y = check_real_array(y, lambda: f"{name}: the targets y")
    if y.ndim == 1 and y_hat.ndim == 2 and y_hat.shape[1] == 1:
        y = y[:, None]
    if y.shape != y_hat.shape:
        raise ValueError(f"{name}: targets of shape {y.shape} do not match outputs of shape "
                         f"{y_hat.shape}")
    return y.astype(y_hat.dtype, copy=False)


class MSE(Loss):
    """Mean squared error over all entries: L = mean((ŷ − y)²), ∂L/∂ŷ = 2(ŷ − y)/N."""

    def __call__(self, y_hat, y):
        y_hat, y = self._prepare(y_hat, y)
        diff = y_hat - y
        return float(np.mean(diff * diff)), diff * (2 / diff.size)


_BINARY_TARGETS = ("targets must lie in [0, 1], got values from {lo} to {hi}; use 0/1 labels "
                   "(or probabilities)")


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy on probabilities p (after a sigmoid), averaged over all entries:
    L = −mean(y log p + (1 − y) log(1 − p)); calling it returns (L, ∂L/∂p), ∂L/∂p of p's shape.

    p must lie in [0, 1] (else ``ValueError``: put a ``Sigmoid`` last, or use the logits
    loss). It is then clipped to [ε, 1 − ε], ε the dtype's machine epsilon (1.2e-7 in
    float32, 2.2e-16 in float64), so a saturated sigmoid gives a large but finite loss:
    at most −log ε ≈ 15.9 per entry in float32 (36.0 in float64), where PyTorch's
    ``BCELoss`` clamps each log at −100 instead. In the clipped region the gradient is
    that of the clipped p, not 0. Prefer ``BinaryCrossEntropyWithLogits``: it is exact
    where this one must clip.
    """

    _target_range = _BINARY_TARGETS

    def _prepare(self, y_hat, y):
        y_hat, y = super()._prepare(y_hat, y)
        lo, hi = y_hat.min(), y_hat.max()
        if lo < 0 or hi > 1:  # NaN passes: a diverged run is reported by fit
            raise ValueError(f"BinaryCrossEntropy takes probabilities in [0, 1], got predictions "
                             f"from {lo:.4g} to {hi:.4g}; put a Sigmoid layer last, or use "
                             "BinaryCrossEntropyWithLogits on the raw outputs")
        return y_hat, y

    def __call__(self, y_hat, y):
        y_hat, y = self._prepare(y_hat, y)
        eps = np.finfo(y_hat.dtype).eps
        p = np.clip(y_hat, eps, 1 - eps)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))
        return float(loss), (p - y) / (p * (1 - p) * p.size)


class BinaryCrossEntropyWithLogits(Loss):
    """Binary cross-entropy on logits z (no sigmoid layer), averaged over all entries.

    The same as BCE(σ(z), y), computed from z directly so that it never takes the log of 0
    and never overflows, whatever |z| (notebook 01's Exercise 2 asks how).
    """

    threshold = 0.0  # σ(z) > 0.5 exactly when z > 0
    _target_range = _BINARY_TARGETS

    def __call__(self, y_hat, y):
        z, y = self._prepare(y_hat, y)
        e = np.exp(-np.abs(z))  # ≤ 1: the loss's log term and σ(z) share it
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(e))
        return float(loss), (sigmoid_from_exp(z, e) - y) / z.size


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, from logits z ``(batch, classes)``.

    Targets are integer labels ``(batch,)`` in 0..classes−1 or one-hot rows
    ``(batch, classes)``. Returns L = −mean_n log softmax(z_n)[y_n], computed without
    overflow for logits of any size, and ∂L/∂z ``(batch, classes)``, whose closed form
    notebook 04's Exercise 1 asks you to derive.
    """

    def _prepare(self, y_hat, y):
        name = "SoftmaxCrossEntropy"
        z = _outputs(y_hat, name)
        batch, classes = z.shape
        y = check_real_array(y, lambda: f"{name}: the targets y")
        if y.ndim == 1:
            if y.shape[0] != batch:
                raise ValueError(f"{name}: {y.shape[0]} labels for {batch} outputs")
            if y.dtype.kind not in "iu":
                raise ValueError(f"{name}: labels must be integers, got dtype {y.dtype}; "
                                 "convert them with y.astype(np.int64)")
            lo, hi = y.min(), y.max()
            if lo < 0 or hi >= classes:
                raise ValueError(f"{name}: labels must be in 0..{classes - 1} for "
                                 f"{classes} outputs, got labels from {lo} to {hi}")
            return z, y
        y = _targets_like(z, y, name)
        _check_target_values(y, name, "one-hot targets must lie in [0, 1], got values from "
                                      "{lo} to {hi}")
        return z, y

    def __call__(self, y_hat, y):
        z, y = self._prepare(y_hat, y)
        batch = len(z)
        if y.ndim == 1:
            # fit's case, every step: the one-hot formulas below as one compiled loop,
            # which indexes z[i, y[i]] without bounds checks: _prepare checked the range.
            if not z.flags.c_contiguous:
                z = np.ascontiguousarray(z)
            loss, grad = kernels.softmax_cross_entropy(z, y.astype(np.int64, copy=False))
            return float(loss), grad
        shifted = z - z.max(axis=1, keepdims=True)  # exp cannot overflow
        e = np.exp(shifted)
        sums = e.sum(axis=1, keepdims=True)
        loss = -(y * (shifted - np.log(sums))).sum(axis=1).mean()  # log softmax = shifted − log Σe
        return float(loss), (e / sums - y) / batch  # softmax(z) − y

    def predict(self, y_hat):
        """Class labels ``(batch,)``: the index of the largest logit."""
        return _outputs(y_hat, "SoftmaxCrossEntropy.predict").argmax(axis=1)
