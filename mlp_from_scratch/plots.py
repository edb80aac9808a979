"""Plots. Each function draws with matplotlib's object API and returns its figure or
axes, so a notebook can add to it; none calls ``plt.show()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .validation import check_int, check_real, check_real_array

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Each function imports pyplot (and plot_history pandas) itself: importing them takes longer
# than the whole package, and `import mlp_from_scratch` should not wait for them.


def _points(X: np.ndarray, name: str = "X") -> np.ndarray:
    X = check_real_array(X, name)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"{name} must be points of shape (n, 2) with n >= 1, got shape {X.shape}")
    return X


def _predictions(predict: Callable, grid: np.ndarray, what: str) -> np.ndarray:
    """``predict(grid)`` with one value per grid point, else a ValueError saying why."""
    if not callable(predict):
        raise TypeError(f"predict must be a function of points (m, 2), got {predict!r}")
    values = check_real_array(predict(grid), "predict's result")
    if values.size != len(grid) or (values.ndim == 2 and values.shape[1] != 1) or values.ndim > 2:
        raise ValueError(
            f"predict returned shape {values.shape} for {len(grid)} points; it must return "
            f"{what} per point, shape ({len(grid)},). For a model with several outputs use "
            "lambda P: loss.predict(model.predict(P))")
    return values.reshape(-1)


def plot_history(history: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Loss and accuracy per epoch from ``fit``'s history, training and validation side
    by side (validation only when the history has it)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    if not isinstance(history, pd.DataFrame):
        history = pd.DataFrame(history)
    missing = {"epoch", "loss", "accuracy"} - set(history.columns)
    if missing:
        raise ValueError(f"history needs the columns epoch, loss and accuracy (as fit returns), "
                         f"missing {sorted(missing)}")
    if len(history) == 0:
        raise ValueError("history is empty: there is no epoch to plot (did fit run with "
                         "num_epochs >= 1?)")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(history["epoch"], history[metric], label="training")
        if f"val_{metric}" in history:
            ax.plot(history["epoch"], history[f"val_{metric}"], label="validation")
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _grid(x_range: tuple[float, float], y_range: tuple[float, float], points: int):
    xs = np.linspace(*x_range, points, dtype=np.float32)
    ys = np.linspace(*y_range, points, dtype=np.float32)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    ax: Axes | None = None,
    points: int = 200,
    padding: float = 0.5,
    title: str | None = None,
) -> Axes:
    """Colour the plane by the class ``predict`` gives each point and scatter ``X``
    ``(n, 2)`` coloured by its labels ``y``.

    ``predict`` maps points ``(m, 2)`` to labels ``(m,)``, e.g.
    ``lambda P: loss.predict(model.predict(P))``.
    """
    import matplotlib.pyplot as plt

    X = _points(X)
    y = check_real_array(y, "y")
    if y.shape != (len(X),):
        raise ValueError(f"y must hold one label per point, shape ({len(X)},), got {y.shape}")
    points = check_int(points, "points", minimum=2)
    padding = check_real(padding, "padding", low=0.0)
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity; the plot needs finite points")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    xx, yy, grid = _grid((lo[0], hi[0]), (lo[1], hi[1]), points)
    labels = _predictions(predict, grid, "one label").reshape(xx.shape)
    if not np.isfinite(labels).all() or labels.min() < 0 or y.min() < 0:
        raise ValueError("predict and y must give class labels 0, 1, 2, ... (no NaN or negative "
                         "values); use lambda P: loss.predict(model.predict(P))")
    classes = int(max(labels.max(), np.max(y))) + 1
    levels = np.arange(classes + 1) - 0.5
    ax.contourf(xx, yy, labels, levels=levels, cmap="coolwarm" if classes == 2 else "viridis",
                alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm" if classes == 2 else "viridis",
               vmin=0, vmax=classes - 1, edgecolors="k", s=25)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title or "decision regions")
    return ax


def plot_decision_surface_3d(
    predict: Callable[[np.ndarray], np.ndarray],
    *,
    ax: Axes | None = None,
    points: int = 40,
    X: np.ndarray | None = None,
    y: np.ndarray | None = None,
    title: str | None = None,
) -> Axes:
    """The network's output over the unit square as a 3-D surface, with the points
    ``X`` ``(n, 2)`` at heights ``y`` (by default the XOR truth table).

    ``predict`` maps points ``(m, 2)`` to one output each, ``(m,)`` or ``(m, 1)``.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.figure(figsize=(5.5, 4.5))
        ax = fig.add_subplot(projection="3d")
    points = check_int(points, "points", minimum=2)
    if (X is None) != (y is None):
        raise ValueError("give both X and y (the points and their heights), or neither")
    if X is None:
        X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
        y = np.array([0, 1, 1, 0])
    X, y = _points(X), check_real_array(y, "y")
    if y.shape != (len(X),):
        raise ValueError(f"y must hold one height per point, shape ({len(X)},), got {y.shape}")
    xx, yy, grid = _grid((0.0, 1.0), (0.0, 1.0), points)
    zz = _predictions(predict, grid, "one output").reshape(xx.shape)
    ax.plot_surface(xx, yy, zz, cmap="coolwarm", alpha=0.8, linewidth=0)
    ax.scatter(X[:, 0], X[:, 1], y, c="k", s=40, depthshade=False)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", zlabel="output", title=title or "output surface")
    return ax


def plot_confusion_matrix(cm: np.ndarray, *, ax: Axes | None = None,
                          class_names: list[str] | None = None) -> Axes:
    """Confusion matrix ``(classes, classes)`` as a heat map with the count in each cell
    (rows: true class, columns: predicted class)."""
    import matplotlib.pyplot as plt

    cm = check_real_array(cm, "cm")
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.size == 0:
        raise ValueError(f"cm must be a square matrix (classes, classes), got shape {cm.shape}; "
                         "make it with confusion_matrix(y_true, y_pred)")
    if not np.isfinite(cm).all() or cm.min() < 0:
        raise ValueError("cm must hold counts (finite numbers >= 0)")
    k = len(cm)
    if class_names is not None and len(class_names) != k:
        raise ValueError(f"class_names has {len(class_names)} names for {k} classes")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5.5))
    names = class_names or [str(i) for i in range(k)]
    # A log-like scale keeps the small off-diagonal counts visible next to the diagonal.
    ax.imshow(np.log1p(cm), cmap="Blues")
    for i in range(k):
        for j in range(k):
            light = np.log1p(cm[i, j]) > 0.6 * np.log1p(cm.max())
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if light else "black")
    ax.set(xticks=range(k), yticks=range(k), xticklabels=names, yticklabels=names,
           xlabel="predicted", ylabel="true", title="confusion matrix")
    return ax


def plot_digits(
    images: np.ndarray,
    labels: np.ndarray | None = None,
    predictions: np.ndarray | None = None,
    *,
    ncols: int = 10,
    cmap: str = "gray_r",
    title: str | None = None,
) -> Figure:
    """A grid of images ``(n, 28, 28)`` (or ``(n, 784)``) titled with their labels, and
    with ``true → predicted`` in red where a prediction is wrong."""
    import matplotlib.pyplot as plt

    images = check_real_array(images, "images")
    ncols = check_int(ncols, "ncols")
    if images.ndim not in (2, 3) or len(images) == 0:
        raise ValueError(f"images must be a non-empty stack (n, 28, 28) or (n, 784), got shape "
                         f"{images.shape}")
    n = len(images)
    side = int(round(np.sqrt(images[0].size)))
    if side * side != images[0].size or (images.ndim == 3 and images.shape[1] != images.shape[2]):
        raise ValueError(f"each image must be square, got {images.shape[1:]} "
                         f"({images[0].size} pixels)")
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} has {len(values)} entries for {n} images")
    if predictions is not None and labels is None:
        raise ValueError("predictions need the true labels too: plot_digits(images, labels, "
                         "predictions)")
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 1.1, nrows * 1.3), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i].reshape(side, side), cmap=cmap)
        if labels is not None:
            wrong = predictions is not None and predictions[i] != labels[i]
            text = f"{labels[i]}" + (f" → {predictions[i]}" if wrong else "")
            ax.set_title(text, fontsize=9, color="red" if wrong else "black")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
