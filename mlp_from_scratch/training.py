"""Mini-batches and the training loop."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from .layers import BatchNorm
from .losses import Loss
from .metrics import accuracy
from .model import Sequential, all_finite
from .optimizers import Optimizer
from .schedules import Schedule
from .validation import (check_generator, check_instance, check_int, check_real,
                         check_real_array)

if TYPE_CHECKING:
    import pandas as pd


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite. ``history`` holds the epochs completed before."""

    def __init__(self, message: str, history: pd.DataFrame) -> None:
        super().__init__(message)
        self.history = history


def _batch_bounds(n: int, batch_size: int, min_rows: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each batch; a last batch shorter than ``min_rows`` is merged
    into the one before it (when there is one)."""
    starts = list(range(0, n, batch_size))
    if len(starts) > 1 and n - starts[-1] < min_rows:
        starts.pop()
    return list(zip(starts, starts[1:] + [n]))


def minibatches(
    X: np.ndarray, y: np.ndarray, batch_size: int, *, rng: np.random.Generator | None = None,
    reuse_buffer: bool = False, min_rows: int = 1,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs of ``batch_size`` rows covering the data once
    (the last batch holds what is left). With ``rng``, the rows are shuffled by a new
    permutation on every call (so each epoch sees a new order); without it, they come
    in order.

    A last batch with fewer than ``min_rows`` rows is merged into the one before it
    (``fit`` asks for 2 when the model has BatchNorm, whose batch statistics need 2 rows).

    With ``reuse_buffer``, every shuffled ``X_batch`` is gathered into one array that the
    next batch overwrites, instead of a new array per step: ``fit`` uses it, since it is
    done with a batch before asking for the next. Don't keep such a batch across steps.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must be arrays with one row per example, got shapes "
                         f"{X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    batch_size = check_int(batch_size, "batch_size")
    min_rows = check_int(min_rows, "min_rows")
    if rng is not None:
        check_generator(rng)
    bounds = _batch_bounds(len(X), batch_size, min_rows)
    if rng is None:  # in order: slices are views, nothing to gather
        for start, stop in bounds:
            yield X[start:stop], y[start:stop]
        return
    buffer = _batch_buffer(X, bounds) if reuse_buffer else None
    yield from _shuffled_batches(X, y, bounds, rng.permutation(len(X)), buffer)


def _batch_buffer(X: np.ndarray, bounds: list[tuple[int, int]]) -> np.ndarray:
    """An array for the largest batch's rows of ``X``, which every batch overwrites."""
    largest = max((stop - start for start, stop in bounds), default=0)
    return np.empty((largest, *X.shape[1:]), X.dtype)


def _shuffled_batches(
    X: np.ndarray, y: np.ndarray, bounds: list[tuple[int, int]], order: np.ndarray,
    buffer: np.ndarray | None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The batches of ``minibatches``: the rows ``order[start:stop]`` for each of
    ``bounds``, gathered into ``buffer`` when there is one."""
    for start, stop in bounds:
        rows = order[start:stop]
        if buffer is None:
            yield X[rows], y[rows]
        else:
            # mode="clip": rows from a permutation are always in range, and the default
            # mode="raise" would copy through an extra buffer to check them.
            yield np.take(X, rows, axis=0, out=buffer[:len(rows)], mode="clip"), y[rows]


def evaluate(model: Sequential, X: np.ndarray, y: np.ndarray, loss: Loss,
             batch_size: int = 2048) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on ``(X, y)`` in evaluation mode."""
    check_instance(model, Sequential, "model", "Sequential(Dense(2, 1, rng=rng))")
    check_instance(loss, Loss, "loss", "SoftmaxCrossEntropy()")
    y_hat = model.predict(X, batch_size)
    return loss(y_hat, y)[0], accuracy(y, loss.predict(y_hat))


def _check_data(X: np.ndarray, y: np.ndarray, model: Sequential, name: str) -> None:
    if y.ndim == 0:
        raise ValueError(f"the targets of {name} must have one entry per row, got a scalar")
    if X.ndim != 2:
        raise ValueError(f"{name} must have shape (batch, features), got shape {X.shape}; "
                         "flatten images with X.reshape(len(X), -1)")
    if len(X) != len(y):
        raise ValueError(f"{name} has {len(X)} rows but its targets have {len(y)}")
    if model.in_features is not None and X.shape[1] != model.in_features:
        raise ValueError(f"{name} has {X.shape[1]} features but the model's first layer "
                         f"expects {model.in_features}")
    if len(X) == 0:
        raise ValueError(f"{name} has no rows; there is nothing to train or evaluate on")
    if not all_finite(X):
        raise ValueError(f"{name} contains NaN or infinity; check the preprocessing")


def _check_callable(value: object, name: str) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a function or None, got {value!r}")


def _check_schedule(lr_schedule: Schedule, total_steps: int) -> list[float]:
    """Every learning rate the schedule will set, checked before training starts (a few
    thousand calls of a small function: milliseconds)."""
    rates = [lr_schedule(step) for step in range(total_steps)]
    for step, lr in enumerate(rates):
        if (isinstance(lr, (bool, np.bool_)) or not isinstance(lr, numbers.Real)
                or not 0 <= lr < math.inf):
            raise ValueError(f"lr_schedule({step}) returned {lr!r}; a schedule must return a "
                             "finite learning rate >= 0 at every step: check its arguments")
    return [float(lr) for lr in rates]


def _divergence_message(batch_loss: float, epoch: int, step: int, optimizer: Optimizer,
                        model: Sequential, X_batch: np.ndarray, y_batch: np.ndarray) -> str:
    """What fit saw when the loss stopped being finite. Runs once, on failure, so it may
    afford passes over the batch and the parameters."""
    lr, decay = optimizer.lr, optimizer.weight_decay
    seen = []
    if not all_finite(X_batch):
        seen.append("the input batch contains NaN or infinity (was it changed by augment?)")
    y_batch = np.asarray(y_batch)
    if y_batch.dtype.kind == "f" and not all_finite(y_batch):
        seen.append("the targets contain NaN or infinity")
    if not (isinstance(lr, numbers.Real) and 0 < lr < math.inf):
        seen.append(f"the learning rate is {lr!r}, not a positive finite number")
    if not (isinstance(decay, numbers.Real) and 0 <= decay < math.inf):
        seen.append(f"weight_decay is {decay!r}, not a finite number >= 0")
    if seen:
        return (f"the loss became {batch_loss} at epoch {epoch}, step {step + 1}: "
                + "; ".join(seen) + ". Fix that and train again.")
    if not all_finite(model.param_vector):
        seen.append("the parameters already hold NaN or infinity, so an earlier step "
                    "overshot")
    largest = float(np.abs(X_batch).max()) if X_batch.size else 0.0
    if largest > 1e3:
        seen.append(f"the inputs reach {largest:.3g}")
    return (f"the loss became {batch_loss} at epoch {epoch}, step {step + 1} "
            f"(learning rate {lr:.3g}): training diverged"
            + (" (" + "; ".join(seen) + ")" if seen else "") +
            ". Try a learning rate 3-10 times lower, and check the inputs are scaled "
            "to about unit size.")


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

    Raises ``TrainingDiverged`` as soon as a batch loss is NaN or infinite; its message
    says what was seen (NaN inputs or targets, NaN parameters, a learning rate or weight
    decay that is not a finite number).

    Every argument, every training and validation target, and every rate the schedule
    will set are checked *before the first step*, so a mistake raises ``ValueError`` or
    ``TypeError`` with the model unchanged. If anything fails during training, the model
    is put back in the mode (training or evaluation) it was in.

    When the model has a ``BatchNorm`` layer and ``len(X) % batch_size == 1``, the last
    row of each epoch joins the batch before it (a batch of 1 row has no variance).
    """
    # Imported here, not at the top: pandas takes longer to import than the whole package.
    import pandas as pd

    check_instance(model, Sequential, "model", "Sequential(Dense(2, 1, rng=rng))")
    check_instance(loss, Loss, "loss", "SoftmaxCrossEntropy()")
    check_instance(optimizer, Optimizer, "optimizer", "Adam(1e-3)")
    num_epochs = check_int(num_epochs, "num_epochs")
    batch_size = check_int(batch_size, "batch_size")
    check_generator(rng)
    progress = check_int(progress, "progress", minimum=0)
    for name, value in (("lr_schedule", lr_schedule), ("augment", augment),
                        ("callback", callback)):
        _check_callable(value, name)
    X, y = check_real_array(X, "X"), check_real_array(y, "y")
    _check_data(X, y, model, "X")
    # The model's output width (only activation layers: the input's width).
    outputs = model.out_features if model.out_features is not None else X.shape[1]
    loss.check_targets(y, outputs)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val), got "
                            f"{type(validation_data).__name__}")
        validation_data = (check_real_array(validation_data[0], "validation X"),
                           check_real_array(validation_data[1], "validation y"))
        _check_data(*validation_data, model, "validation X")
        loss.check_targets(validation_data[1], outputs)
    if lr_schedule is None:  # otherwise the schedule sets every rate, checked below
        check_real(optimizer.lr, "optimizer.lr", low=0.0, low_open=True,
                   fix="set a positive learning rate, e.g. optimizer.lr = 1e-3")
    check_real(optimizer.weight_decay, "optimizer.weight_decay", low=0.0)
    optimizer.check_params([model.param_vector])
    min_rows = 1
    if any(isinstance(layer, BatchNorm) for layer in model.layers):
        min_rows = 2  # batch statistics need two rows: merge a 1-row remainder
        if batch_size < 2 or len(X) < 2:
            raise ValueError(f"a model with BatchNorm needs training batches of at least 2 "
                             f"rows, but batch_size is {batch_size} and X has {len(X)} rows")
    # What minibatches(X, y, batch_size, rng=rng, reuse_buffer=True, min_rows=min_rows)
    # does, with its checks and set-up done once here instead of once per epoch: on a tiny
    # data set such as XOR's 4 rows they cost as much as the step itself.
    bounds = _batch_bounds(len(X), batch_size, min_rows)
    buffer = _batch_buffer(X, bounds)
    rates = (None if lr_schedule is None
             else _check_schedule(lr_schedule, num_epochs * len(bounds)))

    rows: list[dict] = []
    step = 0
    was_training = model.training
    try:
        for epoch in range(1, num_epochs + 1):
            model.train()
            total_loss, correct, seen = 0.0, 0.0, 0
            for X_batch, y_batch in _shuffled_batches(X, y, bounds, rng.permutation(len(X)),
                                                      buffer):
                if augment is not None:
                    X_batch = augment(X_batch, rng)
                # Overflow is expected when training diverges; the check below reports it
                # with advice, so numpy's own warnings would only add noise.
                with np.errstate(over="ignore", invalid="ignore"):
                    # X was checked to be finite as a whole: skip the per-batch pass.
                    y_hat = model._forward(X_batch, training=True)
                    batch_loss, grad = loss(y_hat, y_batch)
                    if not np.isfinite(batch_loss):
                        raise TrainingDiverged(
                            _divergence_message(batch_loss, epoch, step, optimizer, model,
                                                X_batch, y_batch),
                            pd.DataFrame(rows),
                        )
                    model.backward(grad, input_grad=False)  # ∂L/∂X of the data is never used
                    if rates is not None:
                        optimizer.lr = rates[step]
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
                                [f"{k} {v:.4f}" for k, v in row.items()
                                 if k not in ("epoch", "lr")]))
            if callback is not None:
                callback(row)
    except BaseException:
        model.training = was_training
        raise
    model.eval()
    return pd.DataFrame(rows)
