"""Classification metrics."""

from __future__ import annotations

import numpy as np

from .validation import check_int, check_real_array


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of predictions equal to the targets.

    ``y_pred`` holds labels, ``(batch,)`` or ``(batch, outputs)`` for several 0/1 outputs
    (then every output counts once). ``y_true`` may be labels of the same shape, a
    ``(batch, 1)`` column, or one-hot rows ``(batch, classes)`` against ``(batch,)`` labels.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 2 and y_pred.ndim == 1 and len(y_true) == len(y_pred):
        y_true = y_true[:, 0] if y_true.shape[1] == 1 else y_true.argmax(axis=1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"targets of shape {y_true.shape} and predictions of shape "
                         f"{y_pred.shape} cannot be compared")
    # count_nonzero / size is np.mean's value without its overhead: fit calls this every step.
    return float(np.count_nonzero(y_true == y_pred) / y_true.size) if y_true.size else float("nan")


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int | None = None) -> np.ndarray:
    """Counts ``(num_classes, num_classes)``: entry [i, j] is how many examples of true
    class i were predicted as class j, so the diagonal holds the correct ones."""
    y_true = check_real_array(y_true, "y_true").ravel()
    y_pred = check_real_array(y_pred, "y_pred").ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{y_true.size} targets but {y_pred.size} predictions")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        # Float labels such as 1.5 would be truncated by the cast below: only whole numbers.
        if labels.dtype.kind == "f" and labels.size and not np.all(labels == np.round(labels)):
            raise ValueError(f"{name} must hold class labels (whole numbers), got values such "
                             "as " + str(labels[labels != np.round(labels)][0]) +
                             "; pass loss.predict(y_hat), not the raw outputs")
    if num_classes is not None:
        num_classes = check_int(num_classes, "num_classes")
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    for name, labels in (("targets", y_true), ("predictions", y_pred)):
        if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(f"{name} must be labels in 0..{num_classes - 1}, got values "
                             f"from {labels.min()} to {labels.max()}")
    counts = np.bincount(y_true.astype(np.int64) * num_classes + y_pred.astype(np.int64),
                         minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)
