"""Inside a deep net at initialisation: per-layer activations and gradients.

A stack of ``depth`` blocks ``Dense(width, width) → [BatchNorm] → activation`` gets one
batch of standard-normal inputs ``X`` ``(batch, width)``; a random upstream gradient
``G`` ``(batch, width)`` is sent back from the last block (the loss ``L = Σ h_depth ⊙ G``).
``measure`` records every block's output ``h_l`` and the gradient ``∂L/∂h_l`` reaching it,
and ``draw`` shows them layer by layer, so you can see a signal collapse, explode or
saturate on the way forward and the gradient vanish or explode on the way back.

The weights are ``gain / √width`` times standard-normal entries: for these square layers
gain 1 is Xavier's scale √(2/(in+out)) and gain √2 is He's √(2/in).

    state = measure(depth=20, activation="relu", gain=math.sqrt(2))
    fig = draw(state)                    # the figure the playground shows
    widget = playground()                # sliders wired to measure + draw (JupyterLab)
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .. import layers as L
from ..model import Sequential

#: Activation layers by the name the playground's dropdown shows.
ACTIVATIONS: dict[str, type[L.Layer]] = {
    "tanh": L.Tanh, "relu": L.ReLU, "sigmoid": L.Sigmoid, "linear": L.Identity}

#: Gains of the two classic scales for square layers (std = gain / √width).
GAINS: dict[str, float] = {"xavier": 1.0, "he": math.sqrt(2)}

MAX_DEPTH, MAX_WIDTH = 30, 256

#: Overflow is part of the lesson (a too-large gain explodes), not an error: no warnings
#: (they would print under the widget), just inf and nan in the numbers and the figure.
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


@dataclass
class NetState:
    """What one forward and backward pass showed, block by block (index 0 is block 1).

    ``activations[l]`` is block l+1's output ``(batch, width)``; ``grads[l]`` is
    ``∂L/∂activations[l]`` ``(batch, width)``; ``weight_grad_norms[l]`` is the Frobenius
    norm of ``∂L/∂W`` of block l+1's Dense layer.
    """

    depth: int
    width: int
    activation: str
    gain: float
    batch_norm: bool
    activations: list[np.ndarray]
    grads: list[np.ndarray]
    weight_grad_norms: np.ndarray

    @property
    def activation_stds(self) -> np.ndarray:
        """``(depth,)``: the standard deviation of each block's output over all entries."""
        with np.errstate(**_QUIET):
            return np.array([float(h.std()) for h in self.activations])

    @property
    def grad_stds(self) -> np.ndarray:
        """``(depth,)``: the standard deviation of ``∂L/∂h_l`` for each block."""
        with np.errstate(**_QUIET):
            return np.array([float(g.std()) for g in self.grads])

    def label(self) -> str:
        bn = ", batch norm" if self.batch_norm else ""
        return (f"{self.depth} × {self.activation} (width {self.width}), "
                f"gain {self.gain:.2f}{bn}")


def _check_arguments(depth: int, width: int, activation: str, gain: float,
                     batch_size: int) -> None:
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    if not 2 <= width <= MAX_WIDTH:
        raise ValueError(f"width must be between 2 and {MAX_WIDTH}, got {width}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    if not (gain > 0 and math.isfinite(gain)):
        raise ValueError(f"gain must be a positive number, got {gain}; 1 is Xavier, 1.41 is He")
    if batch_size < 2:
        raise ValueError(f"batch_size must be at least 2 (batch norm needs a spread), "
                         f"got {batch_size}")


def build(depth: int, width: int, activation: str, gain: float, batch_norm: bool = False, *,
          rng: np.random.Generator) -> Sequential:
    """The deep net: ``depth`` blocks of ``Dense(width, width)`` with weights of std
    ``gain / √width``, an optional ``BatchNorm``, and the activation."""
    _check_arguments(depth, width, activation, gain, 2)
    blocks: list[L.Layer] = []
    for _ in range(depth):
        dense = L.Dense(width, width, rng=rng, init="xavier")  # std √(2/(2·width)) = 1/√width
        dense.params["W"] *= np.float32(gain)
        blocks.append(dense)
        if batch_norm:
            blocks.append(L.BatchNorm(width))
        blocks.append(ACTIVATIONS[activation]())
    return Sequential(*blocks)


def measure(depth: int = 20, width: int = 256, activation: str = "tanh", gain: float = 1.0,
            batch_norm: bool = False, *, batch_size: int = 256, seed: int = 0) -> NetState:
    """One forward pass (training mode) of a standard-normal batch ``(batch_size, width)``
    and one backward pass of a standard-normal upstream gradient, recording each block's
    output and the gradient reaching it. Same arguments, same numbers (``seed``)."""
    _check_arguments(depth, width, activation, gain, batch_size)
    rng = np.random.default_rng(seed)
    model = build(depth, width, activation, gain, batch_norm, rng=rng)
    X = rng.standard_normal((batch_size, width), dtype=np.float32)
    G = rng.standard_normal((batch_size, width), dtype=np.float32)
    with np.errstate(**_QUIET):
        activations, x = [], X
        for layer in model:
            x = layer.forward(x, training=True)
            if isinstance(layer, tuple(ACTIVATIONS.values())):
                activations.append(x)
        grads_reversed, g = [], G
        for layer in reversed(model.layers):
            if isinstance(layer, tuple(ACTIVATIONS.values())):
                grads_reversed.append(g)  # ∂L/∂(this block's output)
            g = layer.backward(g)
        dense_layers = [layer for layer in model if isinstance(layer, L.Dense)]
        norms = np.array([float(np.linalg.norm(d.grads["W"])) for d in dense_layers])
    return NetState(depth, width, activation, float(gain), bool(batch_norm), activations,
                    grads_reversed[::-1], norms)


def histograms(values: list[np.ndarray], edges: np.ndarray) -> np.ndarray:
    """``(len(edges) - 1, len(values))``: the fraction of each array's entries in each bin
    (a column per layer, ready for ``imshow``). Entries outside the edges are not counted."""
    columns = [np.histogram(v[np.isfinite(v)], bins=edges)[0] / max(v.size, 1) for v in values]
    return np.array(columns, dtype=float).T


#: log10 |value| range shown: from vanished (1e-12) to exploded (1e6).
LOG_RANGE = (-12.0, 6.0)
#: The bounded activations' histograms show the values themselves (saturation is visible).
VALUE_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def draw(state: NetState, fig: Figure | None = None) -> Figure:
    """Three panels: each block's output histogram (a column per layer), each block's
    gradient histogram on a log scale of |∂L/∂h|, and the per-layer standard deviations
    of the outputs (forward) and of the gradients reaching them (backward).
    Draws on ``fig`` (cleared first) or on a new figure; the playground instead keeps one
    :class:`DeepNetView` and updates it."""
    if fig is None:
        fig = Figure(figsize=(12, 3.8))
    else:
        fig.clear()
    return DeepNetView(fig).update(state)


class DeepNetView:
    """The deep-net figure, built once and updated in place for each redraw.

    The axes, the two histogram images, the two lines, the legend and the titles are made
    here, once; ``update`` gives them a new state's data. A figure rebuilt per redraw made
    matplotlib create (and measure) every tick, label and text again, which took about half
    of each redraw; updated artists keep their ticks, and their texts' sizes stay cached.
    """

    def __init__(self, fig: Figure | None = None) -> None:
        from . import with_agg_canvas

        # one canvas for every redraw: its renderer keeps the texts' sizes cached
        self.fig = with_agg_canvas(fig if fig is not None else Figure(figsize=(12, 3.8)))
        self.ax_act, self.ax_grad, self.ax_line = self.fig.subplots(1, 3)
        empty = np.zeros((1, 1))
        # colours from 0 to the largest fraction (set per update), as imshow's vmin=0 gave
        self.act_image = self.ax_act.imshow(empty, origin="lower", aspect="auto", cmap="Blues",
                                            vmin=0, vmax=1)
        self.grad_image = self.ax_grad.imshow(empty, origin="lower", aspect="auto",
                                              cmap="Oranges", vmin=0, vmax=1)
        # every title at a fixed height (y=1.0): matplotlib otherwise measures the tick labels
        # to place it, which took a third of a redraw
        self.ax_act.set_xlabel("layer")
        self.ax_act.set_title("forward: histogram of $h$ per layer", y=1.0)
        self.ax_grad.set(xlabel="layer", ylabel=r"$\log_{10} |\partial L / \partial h|$",
                         ylim=LOG_RANGE)
        self.ax_grad.set_title("backward: histogram of the gradient", y=1.0)
        (self.forward_line,) = self.ax_line.semilogy([1], [1], "o-", ms=3,
                                                     label="std of $h$ (forward)")
        (self.backward_line,) = self.ax_line.semilogy(
            [1], [1], "s-", ms=3, label=r"std of $\partial L/\partial h$ (backward)")
        self.ax_line.set_xlabel("layer")
        self.ax_line.set_title("per-layer scale", y=1.0)
        self.ax_line.grid(alpha=0.3)
        self.ax_line.legend(fontsize=8, loc="best")   # "best" is found again at every draw
        self.title = self.fig.suptitle("", fontsize=10)
        # Fixed margins instead of tight_layout: the layout never changes, and computing it
        # took about as long as drawing (the playground redraws on every slider move).
        self.fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.83, wspace=0.32)

    def update(self, state: NetState) -> Figure:
        """Show ``state`` in the same artists: new histograms, lines, limits and title."""
        with np.errstate(**_QUIET):
            self._update(state)
        return self.fig

    def _update(self, state: NetState) -> None:
        extent_x = (0.5, state.depth + 0.5)
        log_edges = np.linspace(*LOG_RANGE, 55)
        if state.activation in VALUE_RANGES:
            edges = np.linspace(*VALUE_RANGES[state.activation], 42)
            values, ylabel = state.activations, f"{state.activation} output $h$"
        else:  # unbounded: a log scale shows collapse and explosion (zeros are left out)
            edges, ylabel = log_edges, rf"$\log_{{10}} |h|$ ({state.activation}, zeros not shown)"
            values = [np.log10(np.abs(h)) for h in state.activations]
        _show_histograms(self.act_image, histograms(values, edges),
                         (*extent_x, edges[0], edges[-1]))
        self.ax_act.set_ylabel(ylabel)
        logs = [np.log10(np.abs(g)) for g in state.grads]
        _show_histograms(self.grad_image, histograms(logs, log_edges), (*extent_x, *LOG_RANGE))

        layers_axis = np.arange(1, state.depth + 1)
        self.forward_line.set_data(layers_axis, np.maximum(state.activation_stds, 1e-30))
        self.backward_line.set_data(layers_axis, np.maximum(state.grad_stds, 1e-30))
        self.ax_line.relim()                  # the y range the new lines span, as plot gave
        self.ax_line.autoscale_view(scalex=False)
        for ax in (self.ax_act, self.ax_grad, self.ax_line):
            ax.set_xlim(*extent_x)
        self.title.set_text(state.label())


def _show_histograms(image, hist: np.ndarray, extent: tuple) -> None:
    """Put ``hist`` in ``image`` over ``extent``, its colours from 0 to its largest
    fraction (as ``imshow(..., vmin=0)`` scales a new image)."""
    image.set_data(hist)
    image.set_extent(extent)
    image.axes.set_ylim(extent[2:])     # (set_extent leaves limits set by hand as they are)
    image.set_clim(0, hist.max() if hist.size else 1)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size (no tight bounding box: that would draw it
    twice, and the fixed margins already fit)."""
    buffer = io.BytesIO()
    # a light compression: the default level took a fifth of a redraw (as in optimizers.py)
    fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def playground(*, depth: int = 20, width: int = 128, activation: str = "tanh",
               gain: float = 1.0, batch_norm: bool = False):
    """The live playground: depth, width, activation, gain (with Xavier and He buttons)
    and batch norm; one redraw per action (see ``playgrounds.Redrawer``), a status line
    that says "working…" until it is done. The controls sit above the figure, in rows that
    wrap on a narrow page; the figure scales down to the width left. The arguments are the
    starting state. Returns the widget box, whose ``figure`` is the drawing shown (at first,
    the starting state's: pass it to ``playgrounds.show`` as the static fallback)."""
    import ipywidgets as w

    from . import Redrawer, figure_image, slider_layout, slider_style, status_label, wrap

    _check_arguments(depth, width, activation, gain, 2)
    style = slider_style()
    depth_slider = w.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="depth",
                               style=style, layout=slider_layout(), continuous_update=False)
    width_slider = w.IntSlider(value=width, min=16, max=MAX_WIDTH, step=16, description="width",
                               style=style, layout=slider_layout(), continuous_update=False)
    activation_menu = w.Dropdown(options=list(ACTIVATIONS), value=activation,
                                 description="activation", style=style,
                                 layout=w.Layout(width="260px"))
    # continuous_update=False: a value set by a button (He's 1.414) is not rounded to the
    # slider's step and sent back as a second change
    gain_slider = w.FloatLogSlider(value=gain, base=10, min=-1, max=1, step=0.01,
                                   readout_format=".2f", description="gain", style=style,
                                   layout=slider_layout(), continuous_update=False)
    xavier = w.Button(description="Xavier (gain 1)", layout=w.Layout(width="auto"))
    he = w.Button(description="He (gain √2)", layout=w.Layout(width="auto"))
    batch_norm_box = w.Checkbox(value=batch_norm, description="batch norm", indent=False,
                                layout=w.Layout(width="auto"))
    figure_px = 12 * 80
    image = figure_image(figure_px)
    status = status_label()
    note = w.HTML("weight std = gain / √width", layout=w.Layout(width="auto", margin="0 0 0 16px"))
    for control, name in [(depth_slider, "depth-slider"), (width_slider, "width-slider"),
                          (activation_menu, "activation-dropdown"), (gain_slider, "gain-slider"),
                          (xavier, "xavier-button"), (he, "he-button"),
                          (batch_norm_box, "batchnorm-checkbox")]:
        control.add_class(f"mlpfs-{name}")
    view = DeepNetView(Figure(figsize=(12, 3.8), dpi=80))   # one figure, updated per action

    def draw_now() -> None:
        state = measure(depth_slider.value, width_slider.value, activation_menu.value,
                        gain_slider.value, batch_norm_box.value, batch_size=128)
        image.value = png(view.update(state))
        status.value = state.label()

    redrawer = Redrawer(draw_now, status)

    def set_gain(value: float) -> None:
        gain_slider.value = value  # the observer asks for the redraw

    xavier.on_click(lambda _button: set_gain(GAINS["xavier"]))
    he.on_click(lambda _button: set_gain(GAINS["he"]))
    for control in (depth_slider, width_slider, activation_menu, gain_slider, batch_norm_box):
        control.observe(redrawer.request, names="value")
    redrawer.flush()
    # children[0].children are the controls themselves (notebook 08 finds them there)
    controls = wrap([depth_slider, width_slider, activation_menu, gain_slider, xavier, he,
                     batch_norm_box, note])
    box = w.VBox([controls, status, image], layout=w.Layout(width="100%"))
    box.add_class("mlpfs-deep-net-playground")  # scopes the shared classes above in a page
    box.redraw = lambda _change=None: redrawer.flush()  # for tests: a plain function
    box.redrawer, box.image, box.status = redrawer, image, status
    # the current drawing (at first the starting state's, for a static fallback) and its view
    box.figure, box.view = view.fig, view
    return box
