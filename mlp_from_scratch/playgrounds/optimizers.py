"""Optimizers on a 2-D bowl: its condition number and rotation as knobs.

The bowl is ``f(θ) = ½ θᵀ H θ`` with ``H = R diag(κ, 1) Rᵀ``, ``R`` the rotation by
``angle`` degrees: eigenvalues κ (steep) and 1 (flat) whatever the angle. ``run`` moves
the package's own optimizers (``SGD``, momentum, ``RMSProp``, ``Adam``) on it from the same
start, and ``draw`` shows their paths over the contours beside their losses per step, so
you can see plain gradient descent zig-zag, momentum build up speed, and RMSProp and Adam
lose their advantage when the valley is not aligned with the axes.

    state = run(kappa=50, angle=45, settings=default_settings())
    fig = draw(state)                    # the figure the playground shows
    widget = playground()                # sliders wired to run + draw (JupyterLab)
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from ..optimizers import SGD, Adam, Optimizer, RMSProp

#: The optimizers shown, by name, with the hyper-parameters each takes (besides ``lr``).
OPTIMIZERS: dict[str, tuple[str, ...]] = {
    "SGD": (), "momentum": ("momentum",), "RMSProp": ("rho",), "Adam": ("beta1", "beta2")}

#: The start, before rotation: far along the flat direction, a little off in the steep one.
START = (-1.0, 2.5)
MAX_KAPPA, MAX_STEPS = 1000.0, 500
#: A path whose distance to the minimum passes this has diverged: it stops there.
DIVERGED = 1e3
COLORS = {"SGD": "C0", "momentum": "C1", "RMSProp": "C3", "Adam": "C4"}


def default_settings() -> dict[str, dict[str, float]]:
    """Hyper-parameters that work on the default bowl (κ = 50): the ones of notebook 06."""
    return {"SGD": {"lr": 0.035}, "momentum": {"lr": 0.02, "momentum": 0.8},
            "RMSProp": {"lr": 0.05, "rho": 0.9}, "Adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999}}


def predicted_settings(kappa: float) -> dict[str, dict[str, float]]:
    """What κ predicts for plain gradient descent and heavy-ball momentum on this bowl
    (eigenvalues κ and 1): lr 2/(κ+1), and Polyak's lr 4/(√κ+1)² with momentum
    ((√κ−1)/(√κ+1))²."""
    _check_kappa(kappa)
    root = math.sqrt(kappa)
    return {"SGD": {"lr": 2 / (kappa + 1)},
            "momentum": {"lr": 4 / (root + 1) ** 2, "momentum": ((root - 1) / (root + 1)) ** 2}}


def _check_kappa(kappa: float) -> None:
    if not 1 <= kappa <= MAX_KAPPA:
        raise ValueError(f"kappa must be between 1 and {MAX_KAPPA:g} (it is λmax/λmin), got {kappa}")


def hessian(kappa: float, angle: float) -> np.ndarray:
    """``(2, 2)``: ``diag(kappa, 1)`` rotated by ``angle`` degrees."""
    _check_kappa(kappa)
    return rotation(angle) @ np.diag([float(kappa), 1.0]) @ rotation(angle).T


def rotation(angle: float) -> np.ndarray:
    """``(2, 2)``: the rotation by ``angle`` degrees (counter-clockwise)."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return np.array([[c, -s], [s, c]])


def loss(points: np.ndarray, H: np.ndarray) -> np.ndarray:
    """``f = ½ θᵀ H θ`` for points of shape ``(..., 2)``; returns shape ``(...)``."""
    return 0.5 * np.einsum("...i,ij,...j->...", points, H, points)


def make_optimizer(name: str, hyper: dict[str, float]) -> Optimizer:
    """The package's optimizer called ``name`` with the hyper-parameters in ``hyper``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {list(OPTIMIZERS)}")
    expected = {"lr", *OPTIMIZERS[name]}
    if set(hyper) != expected:
        raise ValueError(f"{name} takes the hyper-parameters {sorted(expected)}, got {sorted(hyper)}")
    if name == "SGD":
        return SGD(hyper["lr"])
    if name == "momentum":
        return SGD(hyper["lr"], momentum=hyper["momentum"])
    if name == "RMSProp":
        return RMSProp(hyper["lr"], rho=hyper["rho"])
    return Adam(hyper["lr"], beta1=hyper["beta1"], beta2=hyper["beta2"])


@dataclass
class BowlState:
    """The bowl and every optimizer's path on it.

    ``paths[name]`` is ``(steps + 1, 2)``: the start and the point after each step, cut
    short (and ``diverged[name]`` True) where the distance to the minimum passed
    ``DIVERGED``.
    """

    kappa: float
    angle: float
    num_steps: int
    settings: dict[str, dict[str, float]]
    paths: dict[str, np.ndarray] = field(default_factory=dict)
    diverged: dict[str, bool] = field(default_factory=dict)

    @property
    def H(self) -> np.ndarray:
        return hessian(self.kappa, self.angle)

    def losses(self, name: str) -> np.ndarray:
        """``(len(path),)``: f at each point of ``name``'s path."""
        return loss(self.paths[name], self.H)

    def final_loss(self, name: str) -> float:
        """f at the end of ``name``'s path (inf if it diverged)."""
        return math.inf if self.diverged[name] else float(self.losses(name)[-1])


def run(kappa: float = 50.0, angle: float = 0.0, settings: dict | None = None,
        num_steps: int = 60) -> BowlState:
    """Every optimizer in ``settings`` (name → hyper-parameters; default: all four with
    ``default_settings()``) takes ``num_steps`` steps on the bowl from ``START`` rotated by
    ``angle``, so that rotating the bowl rotates the whole problem."""
    _check_kappa(kappa)
    if not 1 <= num_steps <= MAX_STEPS:
        raise ValueError(f"num_steps must be between 1 and {MAX_STEPS}, got {num_steps}")
    settings = default_settings() if settings is None else settings
    H = hessian(kappa, angle)
    start = rotation(angle) @ np.array(START)
    state = BowlState(float(kappa), float(angle), int(num_steps), settings)
    for name, hyper in settings.items():
        optimizer = make_optimizer(name, hyper)
        p = start.copy()
        path, diverged = [p.copy()], False
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(num_steps):
                optimizer.step([p], [H @ p])  # p is updated in place
                if not np.linalg.norm(p) < DIVERGED:  # also catches NaN
                    diverged = True
                    break
                path.append(p.copy())
        state.paths[name], state.diverged[name] = np.array(path), diverged
    return state


def describe(name: str, hyper: dict[str, float]) -> str:
    """A legend label: the name and its hyper-parameters, e.g. ``momentum (lr 0.02, μ 0.8)``."""
    symbols = {"lr": "lr", "momentum": "μ", "rho": "ρ", "beta1": "β₁", "beta2": "β₂"}
    return f"{name} (" + ", ".join(f"{symbols[k]} {v:.3g}" for k, v in hyper.items()) + ")"


#: The loss panel's fixed range of log10 f (fixed, so a redraw never relayouts the axes).
LOG_F_RANGE = (-10.0, 3.5)


class BowlFigure:
    """The playground's figure, built once: a redraw only moves the lines' data and
    rewrites the texts (and the contours when κ or the angle changed), which is several
    times faster than drawing a new figure on every slider move.

    Left: the paths over the bowl's contours (equal axes, a window around the start and
    the minimum). Right: log10 f along each path, per step.
    """

    def __init__(self, fig: Figure | None = None) -> None:
        self.fig = Figure(figsize=(11, 4.4), dpi=80) if fig is None else fig
        self.fig.clear()
        self.ax_paths, self.ax_loss = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        self.path_lines, self.loss_lines, self.end_marks = {}, {}, {}
        for name in OPTIMIZERS:
            color = COLORS[name]
            self.path_lines[name], = self.ax_paths.plot([], [], ".-", color=color, markersize=2.5,
                                                        linewidth=1)
            self.loss_lines[name], = self.ax_loss.plot([], [], color=color, label=name)
            self.end_marks[name], = self.ax_loss.plot([], [], "x", color=color, markersize=8)
        self.ax_paths.plot(0, 0, "k*", markersize=10)
        self.legend = self.ax_paths.legend(list(self.path_lines.values()), list(OPTIMIZERS),
                                           fontsize=8, loc="lower right", framealpha=0.9)
        self.ax_paths.set(xlabel="θ₁", ylabel="θ₂", aspect="equal")
        self.ax_loss.set(xlabel="step", ylabel="log₁₀ f(θ)", ylim=LOG_F_RANGE)
        self.ax_loss.grid(alpha=0.3)
        self._contours, self._bowl = None, None
        # Fixed margins instead of tight_layout: the layout never changes.
        self.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.88, wspace=0.22)

    def update(self, state: BowlState) -> Figure:
        """Show ``state``; returns the figure."""
        if self._bowl != (state.kappa, state.angle):
            self._bowl = (state.kappa, state.angle)
            if self._contours is not None:
                self._contours.remove()
            corner = rotation(state.angle) @ np.array(START)
            half = 1.15 * max(abs(corner).max(), 1.0)
            grid = np.linspace(-half, half, 101)
            xs, ys = np.meshgrid(grid, grid)
            f_grid = loss(np.stack([xs, ys], axis=-1), state.H)
            self._contours = self.ax_paths.contour(
                xs, ys, f_grid, levels=np.geomspace(max(f_grid.min(), 1e-3), f_grid.max(), 12),
                colors="0.75", linewidths=0.7)
            self.ax_paths.set(xlim=(-half, half), ylim=(-half, half))
            self.ax_paths.set_title(f"κ = {state.kappa:.3g}, rotated {state.angle:.0f}°")
        for name, text in zip(OPTIMIZERS, self.legend.get_texts()):
            shown = name in state.paths
            for line in (self.path_lines[name], self.loss_lines[name], self.end_marks[name]):
                line.set_visible(shown)
            if not shown:
                text.set_text(f"{name}: off")
                continue
            path = state.paths[name]
            log_f = np.clip(np.log10(np.maximum(state.losses(name), 1e-300)), *LOG_F_RANGE)
            self.path_lines[name].set_data(path[:, 0], path[:, 1])
            self.loss_lines[name].set_data(np.arange(len(path)), log_f)
            if state.diverged[name]:
                self.end_marks[name].set_data([len(path) - 1], [min(log_f[-1], LOG_F_RANGE[1] - 0.1)])
            else:
                self.end_marks[name].set_data([], [])
            result = "diverged" if state.diverged[name] else f"f = {state.final_loss(name):.1e}"
            text.set_text(f"{describe(name, state.settings[name])}: {result}")
        self.ax_loss.set_xlim(0, state.num_steps)
        # The colours are the left panel's legend; the title gives the rate to try for SGD.
        self.ax_loss.set_title(f"loss per step (colours as on the left)\n"
                               f"plain GD's best lr for this κ: 2/(κ+1) = {2 / (state.kappa + 1):.3g}",
                               fontsize=10)
        return self.fig


def draw(state: BowlState, fig: Figure | None = None) -> Figure:
    """A new drawing of ``state`` (on ``fig`` if given, cleared first); see ``BowlFigure``."""
    return BowlFigure(fig).update(state)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size (the fixed margins already fit)."""
    buffer = io.BytesIO()
    # A light compression: encoding at the default level took a fifth of a redraw.
    fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


#: The values each slider offers (explicit values: the readout is the value used, and a
#: value set by a button is one of them, so the browser never rounds it and sends it back).
KAPPAS = (1, 1.5, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000)
_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8)
#: Largest learning rate each optimizer's slider offers.
MAX_LR = {"SGD": 1.0, "momentum": 1.0, "RMSProp": 1.0, "Adam": 3.0}
HYPER_VALUES = {
    "momentum": tuple(round(0.05 * k, 2) for k in range(20)) + (0.97, 0.99),
    "rho": (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999),
    "beta1": tuple(round(0.05 * k, 2) for k in range(20)) + (0.97, 0.99),
    "beta2": (0.9, 0.95, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)}


def slider_values(name: str, hyper: str) -> list[float]:
    """The values the playground's slider for ``name``'s ``hyper`` offers: a grid, the
    default, and for SGD and momentum what every κ on the κ slider predicts."""
    if hyper == "lr":
        grid = {float(f"{m * 10.0 ** e:.6g}") for e in range(-4, 1) for m in _MANTISSAS}
        values = {v for v in grid if v <= MAX_LR[name]} | {MAX_LR[name]}
    else:
        values = set(HYPER_VALUES[hyper])
    values.add(default_settings()[name][hyper])
    if name in ("SGD", "momentum"):
        values |= {predicted_settings(k)[name][hyper] for k in KAPPAS}
    return sorted(values)


def status(state: BowlState) -> str:
    """The playground's status line: the bowl, and which paths diverged."""
    line = f"κ = {state.kappa:g}, rotated {state.angle:g}°, {state.num_steps} steps"
    diverged = [name for name, gone in state.diverged.items() if gone]
    if diverged:
        line += ": " + ", ".join(diverged) + " diverged (a cross on the right): lower its lr"
    return line


def playground():
    """The live playground: the bowl's condition number and rotation, the number of steps,
    each optimizer's hyper-parameters and a check box to show it, and a button that sets
    SGD and momentum to what κ predicts. One redraw per action (``playgrounds.Redrawer``):
    Reset and "κ's optimum" set many sliders and redraw once. The controls sit above the
    figure in columns that wrap on a narrow page; the figure scales to the width left.
    Returns the widget box; its ``figure`` is the drawing shown (at first the default
    state's: pass it to ``playgrounds.show`` as the static fallback), its ``redraw`` the
    callback and its ``redrawer`` the coalescing observer."""
    import ipywidgets as w

    from . import Redrawer, choice_slider, figure_image, slider_layout, slider_style, status_label, wrap

    width, label_width = "400px", "80px"
    defaults = default_settings()
    kappa = choice_slider(KAPPAS, 50.0, "κ", "mlpfs-kappa-slider", width=width,
                          description_width=label_width)

    def int_slider(description, value, dom, **kwargs):
        control = w.IntSlider(value=value, description=description, continuous_update=True,
                              style=slider_style(label_width), layout=slider_layout(width), **kwargs)
        control.add_class(f"mlpfs-{dom}")
        return control

    angle = int_slider("rotation °", 0, "angle-slider", min=0, max=90, step=5)
    steps = int_slider("steps", 60, "steps-slider", min=10, max=300, step=10)
    controls: dict[str, dict[str, w.Widget]] = {}
    shown: dict[str, w.Checkbox] = {}
    for name, extra in OPTIMIZERS.items():
        key = name.lower()
        controls[name] = {hyper: choice_slider(
            slider_values(name, hyper), defaults[name][hyper], hyper, f"mlpfs-{key}-{hyper}-slider",
            ".4g" if hyper == "beta2" else ".3g", width=width, description_width=label_width)
            for hyper in ("lr", *extra)}
        shown[name] = w.Checkbox(value=True, description=name, indent=False,
                                 layout=w.Layout(width="auto"))
        shown[name].add_class(f"mlpfs-show-{key}-checkbox")
    predict = w.Button(description="κ's optimum for SGD and momentum",
                       layout=w.Layout(width="auto"))
    predict.add_class("mlpfs-predict-button")
    reset = w.Button(description="reset", layout=w.Layout(width="auto"))
    reset.add_class("mlpfs-reset-button")
    image = figure_image(11 * 80)
    status_line = status_label()
    drawing = BowlFigure()

    def current_settings() -> dict[str, dict[str, float]]:
        return {name: {k: float(c.value) for k, c in controls[name].items()}
                for name in OPTIMIZERS if shown[name].value}

    def draw_now() -> None:
        state = run(float(kappa.value), angle.value, current_settings(), steps.value)
        image.value = png(drawing.update(state))
        status_line.value = status(state)

    redrawer = Redrawer(draw_now, status_line)

    def set_values(values: dict[str, dict[str, float]]) -> None:
        for name, hyper in values.items():
            for k, v in hyper.items():
                control = controls[name][k]
                # the nearest value offered (what κ's on the κ slider predict is offered)
                control.value = min((value for _, value in control.options),
                                    key=lambda offered: abs(offered - v))

    def on_predict(_button=None) -> None:
        with redrawer.hold():
            set_values(predicted_settings(float(kappa.value)))

    def on_reset(_button=None) -> None:
        with redrawer.hold():
            kappa.value, angle.value, steps.value = 50.0, 0, 60
            for checkbox in shown.values():
                checkbox.value = True
            set_values(default_settings())

    predict.on_click(on_predict)
    reset.on_click(on_reset)
    columns = [w.VBox([w.HTML("<b>bowl</b>"), kappa, angle, steps, w.HBox([predict, reset])])]
    for name in OPTIMIZERS:
        columns.append(w.VBox([shown[name], *controls[name].values()]))
    box = w.VBox([wrap(columns, align_items="flex-start"), status_line, image],
                 layout=w.Layout(width="100%"))
    box.add_class("mlpfs-optimizer-playground")
    for control in (kappa, angle, steps, *shown.values(),
                    *(c for group in controls.values() for c in group.values())):
        control.observe(redrawer.request, names="value")
    box.redraw = lambda _change=None: redrawer.flush()
    box.redrawer = redrawer
    box.on_predict, box.on_reset = on_predict, on_reset
    box.controls, box.kappa, box.angle, box.steps, box.shown = controls, kappa, angle, steps, shown
    box.image, box.figure, box.status = image, drawing.fig, status_line
    redrawer.flush()
    return box
