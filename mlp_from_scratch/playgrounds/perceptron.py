"""Notebook 01's perceptron: Rosenblatt's rule, and a playground that steps through it.

The plain functions are the tested reference for notebook 01 (its graded task
``perceptron_epoch`` is checked against :func:`perceptron_epoch`); the playground shows
one update per click: the misclassified point that caused it, ringed, and the decision
line before and after.

Shapes: ``X`` is ``(batch, features)``, ``y`` ``(batch,)`` of 0/1, ``w`` ``(features,)``,
``b`` a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step, 1 where ``z > 0`` else 0 (int64, the shape of ``z``)."""
    return (np.asarray(z) > 0).astype(np.int64)


def _start(X: np.ndarray, y: np.ndarray, w, b) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    w = np.array(w, dtype=np.float64)             # a copy: the caller's w never changes
    if X.ndim != 2 or y.shape != (len(X),) or w.shape != (X.shape[1],):
        raise ValueError(f"need X (batch, features), y (batch,) and w (features,); got X "
                         f"{X.shape}, y {y.shape}, w {w.shape}")
    return X, y, w, float(b)


def perceptron_epoch(X: np.ndarray, y: np.ndarray, w, b: float, lr: float
                     ) -> tuple[np.ndarray, float]:
    """One epoch of Rosenblatt's rule: visit the rows of ``X`` in order and, after each
    mistake, ``w += lr (y_i - y_hat_i) x_i`` and ``b += lr (y_i - y_hat_i)``.

    Each prediction uses ``w`` and ``b`` as updated by the rows before it. Returns the
    new ``(w, b)``; the arrays passed in are not changed.
    """
    w, b, _ = perceptron_updates(X, y, w, b, lr)[-1]
    return w, b


def perceptron_updates(X: np.ndarray, y: np.ndarray, w, b: float, lr: float
                       ) -> list[tuple[np.ndarray, float, int | None]]:
    """The states of one epoch: ``[(w, b, None), (w, b, i), ...]``, the start and then
    the state after each update, with ``i`` the row whose mistake caused it."""
    X, y, w, b = _start(X, y, w, b)
    states: list[tuple[np.ndarray, float, int | None]] = [(w.copy(), b, None)]
    for i, (x_i, y_i) in enumerate(zip(X, y)):
        error = int(y_i) - int(step(x_i @ w + b))   # -1, 0 or +1
        if error:
            w = w + lr * error * x_i
            b = b + lr * error
            states.append((w.copy(), b, i))
    return states


def train_perceptron(X: np.ndarray, y: np.ndarray, *, lr: float, num_epochs: int, w,
                     b: float = 0.0) -> tuple[np.ndarray, float, list, list[float]]:
    """Rosenblatt's rule for up to ``num_epochs`` epochs, stopping after the first epoch
    that ends with every row right (nothing would change any more).

    Returns the final ``(w, b)``, the snapshots ``[(w, b), ...]`` (the start, then one per
    update) and the training accuracy after each epoch.
    """
    X, y, w, b = _start(X, y, w, b)
    snapshots, accuracies = [(w.copy(), b)], []
    for _ in range(num_epochs):
        states = perceptron_updates(X, y, w, b, lr)
        snapshots += [(w_k, b_k) for w_k, b_k, _ in states[1:]]
        w, b, _ = states[-1]
        accuracies.append(float(np.mean(step(X @ w + b) == y)))
        if accuracies[-1] == 1.0:
            break
    return w, b, snapshots, accuracies


# --- the playground ---------------------------------------------------------------------

@dataclass
class StepperState:
    """Where the stepper is: the current line, the next row to visit, what just happened."""
    w: np.ndarray
    b: float
    lr: float
    position: int = 0                       # the next row to visit
    epoch: int = 1
    updates: int = 0
    last: int | None = None                 # the row whose mistake caused the last update
    previous: tuple[np.ndarray, float] | None = None
    converged: bool = False
    history: list = field(default_factory=list)   # (w, b) after each update


def new_stepper(w, b: float = 0.0, lr: float = 0.2) -> StepperState:
    w = np.array(w, dtype=np.float64)
    return StepperState(w=w, b=float(b), lr=float(lr), history=[(w.copy(), float(b))])


def next_update(state: StepperState, X: np.ndarray, y: np.ndarray, *,
                max_visits: int = 1000) -> StepperState:
    """Visit rows (in order, epoch after epoch) until one is misclassified, and apply the
    rule to it: one update. If a whole epoch passes without a mistake, mark the state
    converged and leave the line where it is. Returns a new state."""
    X, y, w, b = _start(X, y, state.w, state.b)
    position, epoch, clean = state.position, state.epoch, 0
    for _ in range(max_visits):
        i = position
        error = int(y[i]) - int(step(X[i] @ w + b))
        position = (position + 1) % len(X)
        if position == 0:
            epoch += 1
        if error:
            new_w, new_b = w + state.lr * error * X[i], b + state.lr * error
            return StepperState(w=new_w, b=new_b, lr=state.lr, position=position, epoch=epoch,
                                updates=state.updates + 1, last=i, previous=(w, b),
                                history=state.history + [(new_w.copy(), new_b)])
        clean += 1
        if clean >= len(X):
            break
    return StepperState(w=w, b=b, lr=state.lr, position=position, epoch=epoch,
                        updates=state.updates, last=None, previous=None, converged=True,
                        history=state.history)


def line_points(w: np.ndarray, b: float, lim: tuple[float, float] = (-0.5, 1.5)
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """Two points of the line ``w[0] u + w[1] v + b = 0`` across the window, or None when
    ``w`` is zero (no line)."""
    t = np.array(lim, dtype=np.float64)
    if abs(w[1]) >= abs(w[0]) and w[1] != 0:
        return t, -(w[0] * t + b) / w[1]
    if w[0] != 0:
        return -(w[1] * t + b) / w[0], t
    return None


def draw_stepper(state: StepperState, X: np.ndarray, y: np.ndarray, title: str = "") -> Figure:
    """The four (or more) points coloured by label, the half-plane where the neuron fires,
    the line before the last update (dashed) and after it (solid), the row that caused the
    update ringed."""
    fig = Figure(figsize=(4.6, 4.2), dpi=90)
    ax = fig.add_subplot()
    g = np.linspace(-0.5, 1.5, 101)
    xx, yy = np.meshgrid(g, g)
    fires = step(state.w[0] * xx + state.w[1] * yy + state.b)
    ax.contourf(xx, yy, fires, levels=[-0.5, 0.5, 1.5], colors=["#cfd8ff", "#ffd0c8"], alpha=0.6)
    if state.previous is not None:
        points = line_points(*state.previous)
        if points is not None:
            ax.plot(*points, color="0.4", ls="--", lw=1.5, label="line before")
    points = line_points(state.w, state.b)
    if points is not None:
        ax.plot(*points, color="k", lw=2, label="line now")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", vmin=0, vmax=1, s=120, edgecolors="k",
               zorder=3)
    if state.last is not None:
        ax.scatter(X[state.last, 0], X[state.last, 1], s=450, facecolors="none",
                   edgecolors="gold", lw=3, zorder=4, label="the mistake")
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title=title or describe(state))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize=7, markerscale=0.4)
    return fig


def describe(state: StepperState) -> str:
    """One line: epoch, updates, and what the last click did."""
    if state.converged:
        return f"converged: a whole epoch without a mistake ({state.updates} updates)"
    if state.last is None:
        return "start: click 'Next update'"
    return f"update {state.updates} (epoch {state.epoch}): row {state.last} was wrong"


def perceptron_stepper(gate: str = "and", *, w=(-0.3, 0.4), b: float = 0.1, lr: float = 0.5):
    """The playground: a gate menu, a learning-rate slider, 'Next update' and 'Reset';
    the figure shows the line moving one update per click. Returns ``(widget,
    static_figure)`` for :func:`mlp_from_scratch.playgrounds.show`."""
    import ipywidgets as widgets

    from ..data import logic_gate
    from . import figure_png

    start_w, start_b = np.array(w, dtype=np.float64), float(b)
    gate_menu = widgets.Dropdown(options=["and", "or", "nand", "xor"], value=gate,
                                 description="gate")
    gate_menu.add_class("mlpfs-gate-dropdown")
    lr_slider = widgets.FloatSlider(value=lr, min=0.1, max=1.0, step=0.1, description="lr")
    lr_slider.add_class("mlpfs-lr-slider")
    next_button = widgets.Button(description="Next update", button_style="primary")
    next_button.add_class("mlpfs-next-button")
    reset_button = widgets.Button(description="Reset")
    reset_button.add_class("mlpfs-reset-button")
    image = widgets.Image(format="png", layout=widgets.Layout(width="414px"))   # its own size
    image.add_class("mlpfs-figure")
    status = widgets.Label()
    status.add_class("mlpfs-status")
    box = {"state": new_stepper(start_w, start_b, lr)}

    def redraw() -> None:
        X, y = logic_gate(gate_menu.value)
        image.value = figure_png(draw_stepper(box["state"], X, y))
        status.value = describe(box["state"])

    def on_next(_=None) -> None:
        X, y = logic_gate(gate_menu.value)
        box["state"] = next_update(box["state"], X, y)
        redraw()

    def on_reset(_=None) -> None:
        box["state"] = new_stepper(start_w, start_b, lr_slider.value)
        redraw()

    next_button.on_click(on_next)
    reset_button.on_click(on_reset)
    gate_menu.observe(lambda change: on_reset(), names="value")
    lr_slider.observe(lambda change: on_reset(), names="value")
    redraw()
    ui = widgets.VBox([widgets.HBox([gate_menu, lr_slider]),
                       widgets.HBox([next_button, reset_button, status]), image])
    ui.add_class("mlpfs-perceptron-playground")
    X, y = logic_gate(gate)
    static = draw_stepper(new_stepper(start_w, start_b, lr), X, y)
    ui._mlpfs = {"next": on_next, "reset": on_reset, "state": box,
                 "gate": gate_menu, "lr": lr_slider, "image": image, "status": status}
    return ui, static
