"""Mini-batches and the training loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from .losses import Loss
from .metrics import accuracy
from .model import Sequential, all_finite
from .optimizers import Optimizer
from .schedules import Schedule


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite. ``history`` holds the epochs completed before."""

    def __init__(self, message: str, history: pd.DataFrame) -> None:
        super().__init__(message)
        self.history = history


def minibatches(
    X: np.ndarray, y: np.ndarray, batch_size: int, *, rng: np.random.Generator | None = None,
    reuse_buffer: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs of at most ``batch_size`` rows covering the data
    once. With ``rng``, the rows are shuffled by a new permutation on every call (so each
    epoch sees a new order); without it, they come in order.

    With ``reuse_buffer``, every shuffled ``X_batch`` is gathered into one array that the
    next batch overwrites, instead of a new array per step: ``fit`` uses it, since it is
    done with a batch before asking for the next. Don't keep such a batch across steps.
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if rng is None:  # in order: slices are views, nothing to gather
        for start in range(0, len(X), batch_size):
            yield X[start:start + batch_size], y[start:start + batch_size]
        return
    order = rng.permutation(len(X))
    buffer = np.empty((min(batch_size, len(X)), *X.shape[1:]), X.dtype) if reuse_buffer else None
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        if buffer is None:
            yield X[rows], y[rows]
        else:
            # mode="clip": rows from a permutation are always in range, and the default
            # mode="raise" would copy through an extra buffer to check them.
            yield np.take(X, rows, axis=0, out=buffer[:len(rows)], mode="clip"), y[rows]


def evaluate(model: Sequential, X: np.ndarray, y: np.ndarray, loss: Loss,
             batch_size: int = 2048) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on ``(X, y)`` in evaluation mode."""
    y_hat = model.predict(X, batch_size)
    return loss(y_hat, y)[0], accuracy(y, loss.predict(y_hat))


def _check_data(X: np.ndarray, y: np.ndarray, model: Sequential, name: str) -> None:
    if X.ndim != 2:
        raise ValueError(f"{name} must have shape (batch, features), got shape {X.shape}; "
                         "flatten images with X.reshape(len(X), -1)")
    if len(X) != len(y):
        raise ValueError(f"{name} has {len(X)} rows but its targets have {len(y)}")
    if model.in_features is not None and X.shape[1] != model.in_features:
        raise ValueError(f"{name} has {X.shape[1]} features but the model's first layer "
                         f"expects {model.in_features}")
    if not all_finite(X):
        raise ValueError(f"{name} contains NaN or infinity; check the preprocessing")


def fit(
    model: Sequential,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: Loss,
    optimizer: Optimizer,
    num_epochs: int,
    batch_size: int = 32,
    rng: np.random.Generator,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    lr_schedule: Schedule | None = None,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    progress: int = 0,
    callback: Callable[[dict], None] | None = None,
) -> pd.DataFrame:
    """Train ``model`` on ``X`` ``(n, features)`` and ``y`` with mini-batch updates.

    Each epoch visits the training rows once in a new random order from ``rng``.
    ``lr_schedule(step)`` sets the learning rate before each step; ``augment(X_batch,
    rng)`` may transform each training batch; ``progress=k`` prints a rounded line every
    k epochs (no timings, so a notebook's stored output stays stable); ``callback(row)``
    runs after each epoch with that epoch's history row.

    Returns the history, one row per epoch: ``epoch, loss, accuracy`` (means over the
    epoch's batches, in training mode), ``val_loss, val_accuracy`` (evaluation mode,
    after the epoch) when ``validation_data`` is given, and the final ``lr``.

    Raises ``TrainingDiverged`` as soon as a batch loss is NaN or infinite.
    """
    X, y = np.asarray(X), np.asarray(y)
    _check_data(X, y, model, "X")
    if validation_data is not None:
        _check_data(np.asarray(validation_data[0]), np.asarray(validation_data[1]), model,
                    "validation X")
    rows: list[dict] = []
    step = 0
    for epoch in range(1, num_epochs + 1):
        model.train()
        total_loss, correct, seen = 0.0, 0.0, 0
        for X_batch, y_batch in minibatches(X, y, batch_size, rng=rng, reuse_buffer=True):
            if augment is not None:
                X_batch = augment(X_batch, rng)
            # Overflow is expected when training diverges; the check below reports it
            # with advice, so numpy's own warnings would only add noise.
            with np.errstate(over="ignore", invalid="ignore"):
                y_hat = model.forward(X_batch, training=True)
                batch_loss, grad = loss(y_hat, y_batch)
                if not np.isfinite(batch_loss):
                    raise TrainingDiverged(
                        f"the loss became {batch_loss} at epoch {epoch}, step {step + 1} "
                        f"(learning rate {optimizer.lr:.3g}): training diverged. Try a "
                        "learning rate 3-10 times lower, and check the inputs are scaled "
                        "to about unit size.",
                        pd.DataFrame(rows),
                    )
                model.backward(grad, input_grad=False)  # ∂L/∂X of the data is never used
                if lr_schedule is not None:
                    optimizer.lr = lr_schedule(step)
                optimizer.step([model.param_vector], [model.grad_vector])
            step += 1
            n = len(X_batch)
            total_loss += batch_loss * n
            correct += accuracy(y_batch, loss.predict(y_hat)) * n
            seen += n
        row = {"epoch": epoch, "loss": total_loss / seen, "accuracy": correct / seen}
        if validation_data is not None:
            row["val_loss"], row["val_accuracy"] = evaluate(model, *validation_data, loss)
        row["lr"] = optimizer.lr
        rows.append(row)
        if progress and (epoch % progress == 0 or epoch == num_epochs):
            print("  ".join([f"epoch {epoch:>{len(str(num_epochs))}}/{num_epochs}"] +
                            [f"{k} {v:.4f}" for k, v in row.items() if k not in ("epoch", "lr")]))
        if callback is not None:
            callback(row)
    model.eval()
    return pd.DataFrame(rows)
