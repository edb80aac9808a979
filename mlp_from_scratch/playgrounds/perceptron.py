"""Notebook 01's perceptron: Rosenblatt's rule, and a playground that steps through it.

The plain functions run the rule for notebook 01's experiments; the playground shows
one update per click: the misclassified point that caused it, ringed, and the decision
line before and after.

Shapes: ``X`` is ``(batch, features)``, ``y`` ``(batch,)`` of 0/1, ``w`` ``(features,)``,
``b`` a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # matplotlib is imported by the drawing functions only: the grader imports
    from matplotlib.figure import Figure   # perceptron_epoch from here and never draws


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
    """One epoch of Rosenblatt's rule (notebook 01's task): visit the rows of ``X`` in
    order and update ``w`` and ``b`` after each mistake.

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
    #: ``(j, k)`` once update k left the line and the next row exactly as update j did:
    #: the rule is going round a cycle and will never converge.
    cycle: tuple[int, int] | None = None
    seen: dict = field(default_factory=dict)      # (w, b, next row) -> the update that left it


def _key(w: np.ndarray, b: float, position: int) -> tuple:
    return (*np.round(w, 9).tolist(), round(float(b), 9), int(position))


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
            updates, key = state.updates + 1, _key(new_w, new_b, position)
            cycle = state.cycle or ((state.seen[key], updates) if key in state.seen else None)
            return StepperState(w=new_w, b=new_b, lr=state.lr, position=position, epoch=epoch,
                                updates=updates, last=i, previous=(w, b),
                                history=state.history + [(new_w.copy(), new_b)], cycle=cycle,
                                seen={**state.seen, key: state.seen.get(key, updates)})
        clean += 1
        if clean >= len(X):
            break
    return StepperState(w=w, b=b, lr=state.lr, position=position, epoch=epoch,
                        updates=state.updates, last=None, previous=None, converged=True,
                        history=state.history, seen=state.seen)


def linearly_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether a straight line puts every point of ``X`` ``(batch, 2)`` on its label's side
    (``y`` ``(batch,)`` of 0/1), exactly: as the direction ``u`` turns, the order of the
    projections ``X @ u`` changes only where ``u`` is normal to the line through two points,
    so one direction between each pair of neighbouring such angles tries them all."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
        raise ValueError(f"need X (batch, 2) and y (batch,); got X {X.shape}, y {y.shape}")
    ones, zeros = X[y == 1], X[y == 0]
    if len(ones) == 0 or len(zeros) == 0:
        return True
    d = (X[:, None, :] - X[None, :, :]).reshape(-1, 2)
    d = d[np.hypot(d[:, 0], d[:, 1]) > 0]
    critical = np.sort(np.mod(np.arctan2(d[:, 1], d[:, 0]) + np.pi / 2, 2 * np.pi))
    if len(critical) == 0:
        return False                                  # all points equal, labels differ
    between = (critical + np.roll(critical, -1) + np.r_[np.zeros(len(critical) - 1), 2 * np.pi]) / 2
    for angle in between:
        u = np.array([np.cos(angle), np.sin(angle)])
        if (ones @ u).min() > (zeros @ u).max() or (zeros @ u).min() > (ones @ u).max():
            return True
    return False


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
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.6, 4.2), dpi=90, layout="constrained")   # always 414 × 378 px
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
           title=title or _short(state))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize=7, markerscale=0.4)
    return fig


def describe(state: StepperState, separable: bool = True) -> str:
    """One line: epoch, updates, and what the last click did; with ``separable=False``
    (see :func:`linearly_separable`) it says that the rule can never converge, and once
    the updates go round a cycle, which updates repeat."""
    never = ("" if separable else
             "; no straight line separates these points, so the rule can never converge")
    if state.converged:
        return f"converged: a whole epoch without a mistake ({state.updates} updates)"
    if state.last is None:
        return "start: click 'Next update'" + never
    line = f"update {state.updates} (epoch {state.epoch}): row {state.last} was wrong"
    if state.cycle is not None:
        first, again = state.cycle
        line += (f"; never converges: update {again} put the line back where update {first} "
                 f"left it, so the updates repeat in a cycle forever")
    return line + ("" if state.cycle is not None and not separable else never)


def _short(state: StepperState) -> str:
    """The figure's title (the status line under the controls says more)."""
    if state.converged:
        return f"converged after {state.updates} updates"
    if state.last is None:
        return "start"
    return f"update {state.updates}: row {state.last} was wrong"


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size: the same pixel size for every state, so
    the page does not jump while a slider moves (a tight bounding box would change it)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    return buffer.getvalue()


def perceptron_stepper(gate: str = "and", *, w=(-0.3, 0.4), b: float = 0.1, lr: float = 0.5):
    """The playground: a gate menu, a learning-rate slider, 'Next update' and 'Reset';
    the figure shows the line moving one update per click, and the status line says when
    the rule has converged or can never converge (XOR). Returns ``(widget,
    static_figure)`` for :func:`mlp_from_scratch.playgrounds.show`."""
    import ipywidgets as widgets

    from ..data import logic_gate
    from . import Redrawer, figure_image, slider_layout, slider_style, status_label, wrap

    start_w, start_b = np.array(w, dtype=np.float64), float(b)
    gate_menu = widgets.Dropdown(options=["and", "or", "nand", "xor"], value=gate,
                                 description="gate", style=slider_style("40px"),
                                 layout=widgets.Layout(width="160px"))
    gate_menu.add_class("mlpfs-gate-dropdown")
    lr_slider = widgets.FloatSlider(value=lr, min=0.1, max=1.0, step=0.1, description="lr",
                                    style=slider_style("40px"), layout=slider_layout("350px"))
    lr_slider.add_class("mlpfs-lr-slider")
    next_button = widgets.Button(description="Next update", button_style="primary",
                                 layout=widgets.Layout(width="auto"))
    next_button.add_class("mlpfs-next-button")
    reset_button = widgets.Button(description="Reset", layout=widgets.Layout(width="auto"))
    reset_button.add_class("mlpfs-reset-button")
    image = figure_image(414)
    status = status_label()
    box = {"state": new_stepper(start_w, start_b, lr)}

    def redraw() -> None:
        X, y = logic_gate(gate_menu.value)
        image.value = png(draw_stepper(box["state"], X, y))
        status.value = describe(box["state"], linearly_separable(X, y))

    def on_next(_=None) -> None:
        X, y = logic_gate(gate_menu.value)
        box["state"] = next_update(box["state"], X, y)
        redraw()

    def reset_now() -> None:
        box["state"] = new_stepper(start_w, start_b, lr_slider.value)
        redraw()

    resetter = Redrawer(reset_now, status)

    def on_reset(_=None) -> None:
        resetter.request()

    next_button.on_click(on_next)
    reset_button.on_click(on_reset)
    gate_menu.observe(resetter.request, names="value")
    lr_slider.observe(resetter.request, names="value")
    redraw()
    ui = widgets.VBox([wrap([gate_menu, lr_slider, next_button, reset_button]), status, image],
                      layout=widgets.Layout(width="100%"))
    ui.add_class("mlpfs-perceptron-playground")
    X, y = logic_gate(gate)
    static = draw_stepper(new_stepper(start_w, start_b, lr), X, y)
    ui._mlpfs = {"next": on_next, "reset": on_reset, "state": box, "resetter": resetter,
                 "gate": gate_menu, "lr": lr_slider, "image": image, "status": status}
    return ui, static


# --- notebook 01's neuron playground: three sliders, one step neuron ----------------------

#: The four input rows of every two-input gate: 00, 01, 10, 11.
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
#: Each gate's truth table on ``INPUTS``.
GATES = {"AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "NAND": (1, 1, 1, 0), "XOR": (0, 1, 1, 0)}


def neuron_outputs(w1: float, w2: float, b: float) -> np.ndarray:
    """``(4,)``: the step neuron's output ``step(w1 x1 + w2 x2 + b)`` on the rows 00, 01,
    10, 11."""
    return step(INPUTS @ np.array([w1, w2], dtype=np.float64) + b)


def gate_name(y_hat) -> str:
    """The name of the gate with truth table ``y_hat`` (rows 00, 01, 10, 11), or
    "no named gate"."""
    table = tuple(int(v) for v in y_hat)
    return next((name for name, t in GATES.items() if t == table), "no named gate")


def neuron_status(w1: float, w2: float, b: float) -> str:
    """The playground's status line: the truth table and the gate it is."""
    y_hat = neuron_outputs(w1, w2, b)
    rows = ", ".join(f"{x1}{x2} → {int(v)}" for (x1, x2), v in zip(INPUTS.astype(int), y_hat))
    return f"y_hat: {rows}: <b>{gate_name(y_hat)}</b>"


def draw_neuron(w1: float, w2: float, b: float) -> Figure:
    """The four inputs coloured by the neuron's output, the half-plane where it fires and
    its decision line ``w1 x1 + w2 x2 + b = 0``; the title names the gate. Always the same
    pixel size (414 × 378)."""
    from matplotlib.figure import Figure

    w = np.array([w1, w2], dtype=np.float64)
    y_hat = neuron_outputs(w1, w2, b)
    fig = Figure(figsize=(4.6, 4.2), dpi=90, layout="constrained")
    ax = fig.add_subplot()
    g = np.linspace(-0.5, 1.5, 101)
    xx, yy = np.meshgrid(g, g)
    ax.contourf(xx, yy, step(w1 * xx + w2 * yy + b), levels=[-0.5, 0.5, 1.5],
                colors=["#cfd8ff", "#ffd0c8"], alpha=0.6)
    points = line_points(w, float(b))
    if points is not None:
        ax.plot(*points, color="k", lw=2)
    ax.scatter(INPUTS[:, 0], INPUTS[:, 1], c=y_hat, cmap="coolwarm", vmin=0, vmax=1, s=150,
               edgecolors="k", zorder=3)
    for (x1, x2), v in zip(INPUTS, y_hat):
        ax.annotate(str(int(v)), (x1, x2), xytext=(9, 9), textcoords="offset points",
                    fontsize=11, weight="bold")
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title=f"w = ({w1:.1f}, {w2:.1f}), b = {b:.1f}: {gate_name(y_hat)}")
    return fig


def neuron_playground(w1: float = 1.0, w2: float = 1.0, b: float = -1.5):
    """Notebook 01's playground: sliders for ``w1``, ``w2`` and ``b``; the figure shows the
    decision line and the half-plane where the neuron fires, the status line its truth
    table and the gate it computes. One redraw per action; the figure keeps its size.
    Returns ``(widget, static_figure)`` for :func:`mlp_from_scratch.playgrounds.show`."""
    import ipywidgets as widgets

    from . import Redrawer, figure_image, slider_layout, slider_style, status_label, wrap

    sliders = {}
    for name, value in (("w1", w1), ("w2", w2), ("b", b)):
        sliders[name] = widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1,
                                            description=name, readout_format=".1f",
                                            style=slider_style("30px"),
                                            layout=slider_layout("340px"))
        sliders[name].add_class(f"mlpfs-{name}-slider")
    image = figure_image(414)
    status = status_label()

    def draw_now() -> None:
        values = [sliders[name].value for name in ("w1", "w2", "b")]
        image.value = png(draw_neuron(*values))
        status.value = neuron_status(*values)

    redrawer = Redrawer(draw_now, status)
    for slider in sliders.values():
        slider.observe(redrawer.request, names="value")
    redrawer.flush()
    ui = widgets.VBox([wrap(sliders.values()), status, image], layout=widgets.Layout(width="100%"))
    ui.add_class("mlpfs-neuron-playground")
    ui._mlpfs = {"sliders": sliders, "image": image, "status": status, "redrawer": redrawer}
    return ui, draw_neuron(w1, w2, b)
