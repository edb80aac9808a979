"""Notebook 02's network playground: train a small MLP on a 2-D data set and watch it learn.

Pick a data set (XOR, moons, circles, spirals), the hidden width and depth, the activation,
the learning rate and the seed; *Train* runs epochs in the background and redraws the
decision regions and the loss curve every few epochs, *Reset* starts again from the seed,
and *3-D surface* draws the output over the plane on request.

The plain functions below hold everything the widget does, so they are tested directly::

    state = new_state(Config(dataset="xor", hidden=2, activation="relu", seed=3))
    train_epochs(state, 200)              # the same numbers as mfs.fit with that seed
    fig = draw_state(state)               # regions + loss curve
    fig3d = draw_surface(state)           # the output as a 3-D surface
    ui, static = network_playground()     # the ipywidgets shell over them

Shapes: ``X`` is ``(n, 2)`` float32, ``y`` ``(n,)`` int64.
"""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from matplotlib.figure import Figure

from .. import data
from .. import layers as L
from ..losses import BinaryCrossEntropyWithLogits, Loss, SoftmaxCrossEntropy
from ..model import Sequential
from ..optimizers import SGD
from ..training import TrainingDiverged, fit
from . import one_thread, with_agg_canvas

DATASETS = ("xor", "moons", "circles", "spirals")
ACTIVATIONS: dict[str, type[L.Layer]] = {"relu": L.ReLU, "tanh": L.Tanh, "sigmoid": L.Sigmoid}
MAX_DEPTH, MAX_WIDTH = 4, 32
#: A run whose loss passes this many times the untrained model's loss has diverged.
BLOW_UP = 10.0

#: What the one-line prompt under the controls suggests.
PROMPT = ("Try: XOR with 2 ReLU units, seeds 0 to 5: which runs get stuck? Then give it 3 units. "
          "On spirals, compare depth 1 and depth 3.")


@dataclass(frozen=True)
class Config:
    """Everything that defines a run; two runs with equal configs train identically."""
    dataset: str = "moons"
    hidden: int = 8
    depth: int = 1
    activation: str = "tanh"
    lr: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset {self.dataset!r} is not one of {list(DATASETS)}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation {self.activation!r} is not one of {list(ACTIVATIONS)}")
        if not 1 <= self.hidden <= MAX_WIDTH:
            raise ValueError(f"hidden={self.hidden}: choose a width from 1 to {MAX_WIDTH}")
        if not 1 <= self.depth <= MAX_DEPTH:
            raise ValueError(f"depth={self.depth}: choose 1 to {MAX_DEPTH} hidden layers")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"lr={self.lr}: the learning rate must be a positive number")


def make_dataset(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The data set ``name`` (one of ``DATASETS``): XOR's four corners, or 200 moons or
    circles points, or 300 points on three spiral arms, drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    if name == "xor":
        return data.logic_gate("xor")
    if name == "moons":
        return data.make_moons(200, noise=0.15, rng=rng)
    if name == "circles":
        return data.make_circles(200, noise=0.08, factor=0.5, rng=rng)
    if name == "spirals":
        return data.make_spirals(300, classes=3, noise=0.15, rng=rng)
    raise ValueError(f"dataset {name!r} is not one of {list(DATASETS)}")


def build_model(num_classes: int, config: Config, rng: np.random.Generator) -> Sequential:
    """``depth`` blocks Dense → activation of ``hidden`` units, then one output logit (two
    classes) or one per class; He initialisation for ReLU, Xavier otherwise."""
    init = "he" if config.activation == "relu" else "xavier"
    layers: list[L.Layer] = []
    width_in = 2
    for _ in range(config.depth):
        layers += [L.Dense(width_in, config.hidden, rng=rng, init=init),
                   ACTIVATIONS[config.activation]()]
        width_in = config.hidden
    layers.append(L.Dense(width_in, 1 if num_classes == 2 else num_classes, rng=rng, init=init))
    return Sequential(*layers)


@dataclass
class TrainingState:
    """A run in progress: the model, its optimizer and data, and the loss so far."""
    config: Config
    X: np.ndarray
    y: np.ndarray
    model: Sequential
    loss: Loss
    optimizer: SGD
    rng: np.random.Generator
    batch_size: int
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    diverged: bool = False
    start_loss: float = math.nan        # the untrained model's loss on the data

    @property
    def blew_up_at(self) -> int | None:
        """The first epoch (1-based) whose loss passed ``BLOW_UP`` times the untrained
        model's, or None. A step that large has thrown the weights far away: the loss may
        come back down (ReLU units killed on the way often leave it flat, above where it
        started), but the run has diverged."""
        limit = BLOW_UP * self.start_loss
        for epoch, value in enumerate(self.losses, start=1):
            if not value <= limit:            # also NaN
                return epoch
        return None

    @property
    def epoch(self) -> int:
        return len(self.losses)

    @property
    def num_classes(self) -> int:
        return 3 if self.config.dataset == "spirals" else 2


def new_state(config: Config) -> TrainingState:
    """A fresh run: data, model and the generator that shuffles the batches, all from
    ``config.seed``."""
    X, y = make_dataset(config.dataset, config.seed)
    rng = np.random.default_rng(config.seed)
    num_classes = int(y.max()) + 1
    loss = BinaryCrossEntropyWithLogits() if num_classes == 2 else SoftmaxCrossEntropy()
    model = build_model(num_classes, config, rng)
    with np.errstate(over="ignore", invalid="ignore"):
        start_loss = float(loss(model.predict(X), y)[0])
    return TrainingState(config=config, X=X, y=y, model=model, loss=loss,
                         optimizer=SGD(config.lr), rng=rng, batch_size=min(32, len(X)),
                         start_loss=start_loss)


def set_lr(state: TrainingState, lr: float) -> None:
    """Change the learning rate of a run in progress (the next epoch uses it)."""
    state.config = replace(state.config, lr=lr)      # validates lr
    state.optimizer.lr = lr


def train_epochs(state: TrainingState, num_epochs: int) -> TrainingState:
    """Train ``num_epochs`` more epochs (mini-batches of up to 32, shuffled by the run's
    generator) and append each epoch's loss and accuracy. A run that diverges is marked
    ``diverged`` and stops changing."""
    if state.diverged or num_epochs <= 0:
        return state
    try:
        history = fit(state.model, state.X, state.y, loss=state.loss, optimizer=state.optimizer,
                      num_epochs=num_epochs, batch_size=state.batch_size, rng=state.rng)
    except TrainingDiverged as error:
        history = error.history
        state.diverged = True
    state.losses += [float(v) for v in history.get("loss", [])]
    state.accuracies += [float(v) for v in history.get("accuracy", [])]
    return state


def _window(X: np.ndarray, padding: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    return X.min(axis=0) - padding, X.max(axis=0) + padding


def probabilities(state: TrainingState, points: np.ndarray) -> np.ndarray:
    """Class probabilities ``(m, classes)`` of the model at ``points`` ``(m, 2)``."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = state.model.predict(points.astype(np.float32)).astype(np.float64)
        if z.shape[1] == 1:
            p1 = 1 / (1 + np.exp(-np.clip(z[:, 0], -50, 50)))
            return np.column_stack([1 - p1, p1])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def grid(state: TrainingState, points: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``xx, yy`` ``(points, points)`` over the data's window and the class probabilities
    there, ``(points, points, classes)``."""
    lo, hi = _window(state.X)
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], points), np.linspace(lo[1], hi[1], points))
    P = probabilities(state, np.column_stack([xx.ravel(), yy.ravel()]))
    return xx, yy, P.reshape(points, points, -1)


_CLASS_COLOURS = np.array([[0.23, 0.30, 0.75], [0.71, 0.02, 0.15], [0.13, 0.55, 0.13]])


def _region_image(P: np.ndarray) -> np.ndarray:
    """An RGB image ``(h, w, 3)``: each pixel the colours of the classes mixed by their
    probabilities, pale where the model is unsure."""
    colours = _CLASS_COLOURS[: P.shape[-1]]
    mixed = P @ colours
    confidence = P.max(axis=-1, keepdims=True)
    strength = (confidence - 1 / P.shape[-1]) / (1 - 1 / P.shape[-1])
    return 1 - 0.55 * strength * (1 - mixed)


def status_line(state: TrainingState) -> str:
    """One line: the epoch, the last loss and accuracy, or where it stands."""
    if state.diverged:
        return f"diverged at epoch {state.epoch + 1}: lower the learning rate and press Reset"
    if not state.losses:
        return "not trained yet: press Train"
    blew_up = state.blew_up_at
    if blew_up is not None:
        return (f"diverged at epoch {blew_up}: the loss passed {BLOW_UP:g}× the untrained "
                f"{state.start_loss:.3g} and reached {max(state.losses):.3g}; now epoch "
                f"{state.epoch}: loss {state.losses[-1]:.4f}, accuracy "
                f"{state.accuracies[-1]:.0%}. The learning rate is too large: lower it and "
                f"press Reset")
    return (f"epoch {state.epoch}: loss {state.losses[-1]:.4f}, "
            f"accuracy {state.accuracies[-1]:.0%}")


def title_line(state: TrainingState) -> str:
    """The loss panel's title: the status line, short enough for the panel."""
    blew_up = state.blew_up_at
    if blew_up is not None and not state.diverged:
        return f"diverged at epoch {blew_up}: loss up to {max(state.losses):.2g}"
    return status_line(state)


class LiveView:
    """The playground's figure, built once and updated in place for each redraw (new data
    in the same artists), which is several times faster than drawing a new figure. A new
    run (Reset, another data set) goes into the same artists too.

    Left: the decision regions (coloured by the predicted class, pale where the model is
    unsure) with the data and, for two classes, the line P = 0.5; right: the training
    loss per epoch on a log scale.
    """

    def __init__(self, state: TrainingState, *, points: int = 80) -> None:
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        self.points = points
        # one canvas for every redraw: its renderer keeps the texts' sizes cached
        self.fig = with_agg_canvas(Figure(figsize=(8.4, 3.6), dpi=80))
        self.ax, self.ax_loss = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.05, 1]})
        self.fig.subplots_adjust(left=0.085, right=0.975, bottom=0.14, top=0.9, wspace=0.25)
        self.image = self.ax.imshow(np.ones((points, points, 3)), origin="lower", aspect="auto",
                                    interpolation="bilinear")
        self.boundary = None
        self.points_shown = self.ax.scatter([], [], edgecolors="k", linewidths=0.5)
        self.data_shown = None          # the X whose points and window are drawn
        self.ax.set(xlabel="$x_1$", ylabel="$x_2$")
        for axis in (self.ax.xaxis, self.ax.yaxis):  # few enough ticks to stay apart at this size
            axis.set_major_locator(MaxNLocator(5))
        (self.curve,) = self.ax_loss.plot([], [], color="tab:blue", lw=1.5, label="training loss")
        self.ax_loss.set_yscale("log")
        # plain tick labels (0.1, 0.5): the default ones (10^-1) go through mathtext, which
        # costs more than the rest of a redraw; minor ticks get labels only on a short range
        self._plain = FuncFormatter(lambda v, _: f"{v:.2g}")
        self._blank = FuncFormatter(lambda v, _: "")
        self._untrained_minor = self.ax_loss.yaxis.get_minor_formatter()
        self.ax_loss.yaxis.set_major_formatter(self._plain)
        self.ax_loss.set(xlabel="epoch", ylabel="loss")
        self.ax_loss.legend(loc="upper right", fontsize=8)
        self.ax_loss.grid(alpha=0.3)
        self.update(state)

    def _show_data(self, state: TrainingState) -> None:
        """A new data set (or a new run's): its points, and the window around them."""
        lo, hi = _window(state.X)
        self.extent = (lo[0], hi[0], lo[1], hi[1])
        self.image.set_extent(self.extent)
        self.points_shown.set_offsets(state.X)
        self.points_shown.set_facecolor(_CLASS_COLOURS[state.y])
        self.points_shown.set_sizes([60 if len(state.X) < 10 else 14])
        self.ax.set(xlim=self.extent[:2], ylim=self.extent[2:])
        self.data_shown = state.X

    def update(self, state: TrainingState) -> Figure:
        """Show ``state``: new regions, boundary, loss curve and titles."""
        if state.X is not self.data_shown:
            self._show_data(state)
        xx, yy, P = grid(state, self.points)
        self.image.set_data(_region_image(P))
        if self.boundary is not None:
            self.boundary.remove()
            self.boundary = None
        if P.shape[-1] == 2 and P[..., 1].min() < 0.5 < P[..., 1].max():
            self.boundary = self.ax.contour(xx, yy, P[..., 1], levels=[0.5], colors="k",
                                            linewidths=1)
        c = state.config
        # titles at a fixed height (y=1.0): placed automatically, matplotlib measures every
        # tick label to find room for them, a fifth of a redraw
        self.ax.set_title(f"{c.dataset}: {c.depth}×{c.hidden} {c.activation}, lr {c.lr:.3g}, "
                          f"seed {c.seed}", y=1.0)
        self._show_losses(state)
        self.ax_loss.set_title(title_line(state), y=1.0)
        return self.fig

    def _show_losses(self, state: TrainingState) -> None:
        epochs = np.arange(1, state.epoch + 1)
        losses = np.asarray(state.losses, dtype=np.float64)
        self.curve.set_data(epochs, losses)
        if not len(losses):
            # before training, the range a loss of these nets spans (not matplotlib's ±0.04
            # of an empty axis)
            self.ax_loss.set(xlim=(0, 10), ylim=(0.01, 2))
            self.ax_loss.yaxis.set_minor_formatter(self._untrained_minor)
            return
        low, high = np.nanmin(losses), np.nanmax(losses)
        self.ax_loss.set_xlim(0, max(10, state.epoch))
        bottom, top = max(low / 1.5, 1e-4), max(high * 1.5, 2 * max(low, 1e-4))
        self.ax_loss.set_ylim(bottom, top)
        self.ax_loss.yaxis.set_minor_formatter(self._plain if top / bottom < 6 else self._blank)

    def png(self) -> bytes:
        """The figure as PNG bytes (no tight bounding box: the layout is fixed)."""
        buffer = io.BytesIO()
        # a light compression: the default level took a tenth of a redraw
        self.fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
        return buffer.getvalue()


def draw_state(state: TrainingState, *, points: int = 80) -> Figure:
    """The playground's figure for ``state`` (see :class:`LiveView`)."""
    return LiveView(state, points=points).fig


class SurfaceView:
    """The 3-D view of the model's output, its figure and axes built once: each ``update``
    replaces only the surface and the points (a 3-D surface cannot take new data in place).
    A new figure per redraw made matplotlib build and measure its axes, panes and ticks
    again every time."""

    def __init__(self, *, points: int = 40) -> None:
        self.points = points
        self.fig = with_agg_canvas(Figure(figsize=(5.2, 4.2), dpi=80))
        self.ax = self.fig.add_subplot(projection="3d")
        self.ax.view_init(elev=30, azim=-60)
        self.artists: list = []

    def update(self, state: TrainingState) -> Figure:
        """Show the output of ``state``'s model: P(class 1) for two classes, the probability
        of the predicted class for more; the data at height 1 or 0 (two classes) or at
        their class's probability."""
        for artist in self.artists:
            artist.remove()     # with no data left, the next surface sets the x, y limits
        ax = self.ax
        xx, yy, P = grid(state, self.points)
        if P.shape[-1] == 2:
            zz, label = P[..., 1], "P(class 1)"
            heights = state.y.astype(float)
            surface = ax.plot_surface(xx, yy, zz, cmap="coolwarm", alpha=0.8, linewidth=0,
                                      vmin=0, vmax=1)
        else:      # the confidence, coloured by the class the model predicts there
            zz, label = P.max(axis=-1), "P(predicted class)"
            heights = probabilities(state, state.X)[np.arange(len(state.y)), state.y]
            surface = ax.plot_surface(xx, yy, zz, facecolors=_region_image(P), alpha=0.85,
                                      linewidth=0, shade=False)
        dots = ax.scatter(state.X[:, 0], state.X[:, 1], heights, c=_CLASS_COLOURS[state.y],
                          s=10, depthshade=False)
        self.artists = [surface, dots]
        ax.set(xlabel="$x_1$", ylabel="$x_2$", zlabel=label, zlim=(0, 1),
               title=f"{state.config.dataset}, epoch {state.epoch}: {label}")
        ax.title.set_fontsize(9)
        return self.fig


def draw_surface(state: TrainingState, *, points: int = 40) -> Figure:
    """The model's output over the data's window as a 3-D surface, in a new figure (see
    :class:`SurfaceView`)."""
    return SurfaceView(points=points).update(state)


async def train_live(state: TrainingState, redraw: Callable[[TrainingState], None], *,
                     num_epochs: int, redraw_every: int,
                     should_stop: Callable[[], bool] = lambda: False) -> TrainingState:
    """Train ``num_epochs`` epochs in chunks of ``redraw_every``, calling ``redraw(state)``
    after each chunk and then yielding to the event loop, so that a notebook's widgets stay
    responsive (a click on Pause is seen between chunks)."""
    done = 0
    while done < num_epochs and not state.diverged and not should_stop():
        chunk = min(redraw_every, num_epochs - done)
        with one_thread():
            train_epochs(state, chunk)
        done += chunk
        redraw(state)
        await asyncio.sleep(0.01)
    return state


#: Seconds between redraws of the 3-D surface while a run trains.
SURFACE_EVERY = 1.0

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def learning_rates(lr: float) -> list[float]:
    """The rates the lr slider offers: ``LEARNING_RATES`` and ``lr`` itself, in order."""
    return sorted(set(LEARNING_RATES) | {float(lr)})


def redraw_every(config: Config) -> int:
    """Epochs per redraw: enough that training, not drawing, takes most of the time."""
    return {"xor": 20, "moons": 5, "circles": 5, "spirals": 4}[config.dataset]


def network_playground(dataset: str = "xor", *, hidden: int = 2, depth: int = 1,
                       activation: str = "relu", lr: float = 0.3, seed: int = 0,
                       epochs_per_click: int = 300, static_epochs: int = 300):
    """The playground: controls for the data set, width, depth, activation, learning rate
    and seed; Train (pause while running), Reset, 3-D surface; the figure and a status line.

    Returns ``(widget, static_figure)`` for :func:`mlp_from_scratch.playgrounds.show`; the
    static figure is the default run after ``static_epochs`` epochs (what a reader without
    a kernel sees). The widget's callbacks are in ``widget._mlpfs`` for tests.
    """
    import time

    import ipywidgets as widgets

    from . import (WORKING, Redrawer, cropped_png, figure_image, slider_layout, slider_style,
                   status_label, wrap)

    config = Config(dataset, hidden, depth, activation, lr, seed)
    style = slider_style("80px")

    def control(widget, dom_class):
        widget.add_class(dom_class)
        return widget

    def int_slider(value, low, high, description, dom_class):
        return control(widgets.IntSlider(value=value, min=low, max=high, description=description,
                                         style=style, layout=slider_layout("390px")), dom_class)

    dataset_menu = control(widgets.Dropdown(options=list(DATASETS), value=dataset,
                                            description="data set", style=style,
                                            layout=widgets.Layout(width="220px")),
                           "mlpfs-dataset-dropdown")
    width_slider = int_slider(hidden, 1, MAX_WIDTH, "width", "mlpfs-width-slider")
    depth_slider = int_slider(depth, 1, MAX_DEPTH, "depth", "mlpfs-depth-slider")
    activation_menu = control(widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                               description="activation", style=style,
                                               layout=widgets.Layout(width="220px")),
                              "mlpfs-activation-dropdown")
    # a slider over fixed rates, so the rate shown is the rate used (a log slider would
    # snap 0.3 to 10^-0.5 = 0.316)
    lr_slider = control(widgets.SelectionSlider(options=learning_rates(lr), value=lr,
                                                description="lr", style=style,
                                                layout=slider_layout("390px")),
                        "mlpfs-lr-slider")
    seed_slider = int_slider(seed, 0, 20, "seed", "mlpfs-seed-slider")
    auto = widgets.Layout(width="auto")
    train_button = control(widgets.Button(description="Train", button_style="primary",
                                          layout=auto, tooltip=f"train {epochs_per_click} "
                                                               "epochs; click again to pause"),
                           "mlpfs-train-button")
    reset_button = control(widgets.Button(description="Reset", layout=auto,
                                          tooltip="start again from the seed"),
                           "mlpfs-reset-button")
    surface_button = control(widgets.Button(description="3-D surface", layout=auto,
                                            tooltip="draw the output as a 3-D surface; it "
                                                    "follows training"),
                             "mlpfs-surface-button")
    image = figure_image(672)
    image.layout.flex = "1 1 400px"
    surface_image = figure_image(416, "mlpfs-surface-figure")
    surface_image.layout.flex = "1 1 260px"
    surface_image.layout.display = "none"
    status = status_label()
    prompt = control(widgets.HTML(f"<i>{PROMPT}</i>", layout=widgets.Layout(width="100%")),
                     "mlpfs-prompt")

    box: dict = {"state": new_state(config), "task": None, "stop": False, "surface_at": -1.0}
    box["view"] = LiveView(box["state"])

    def current_config() -> Config:
        return Config(dataset_menu.value, width_slider.value, depth_slider.value,
                      activation_menu.value, float(lr_slider.value), seed_slider.value)

    def surface_shown() -> bool:
        return surface_image.layout.display != "none"

    def draw_surface_now(state: TrainingState) -> None:
        if "surface_view" not in box:       # built on the first click (most never click)
            box["surface_view"] = SurfaceView()
        surface_image.value = cropped_png(box["surface_view"].update(state))
        box["surface_at"] = time.monotonic()
        box["surface_epoch"] = state.epoch

    def redraw(state: TrainingState | None = None, *, last: bool = False) -> None:
        with one_thread():
            draw_now(state or box["state"], last)

    def draw_now(state: TrainingState, last: bool = False) -> None:
        box["view"].update(state)
        image.value = box["view"].png()
        status.value = status_line(state)
        # the 3-D view follows training: redrawn at most once a second while it runs (it
        # takes longer than the 2-D figure), and at the end of every run (see train_task)
        if surface_shown() and box.get("surface_epoch") != state.epoch and (
                last or not running() or time.monotonic() - box["surface_at"] >= SURFACE_EVERY):
            draw_surface_now(state)

    def running() -> bool:
        return box["task"] is not None and not box["task"].done()

    def stop() -> None:
        box["stop"] = True
        train_button.description = "Train"

    def reset_now() -> None:
        stop()
        box["state"] = new_state(current_config())      # shown in the same view
        surface_image.layout.display = "none"
        box["surface_epoch"] = None
        redraw()

    resetter = Redrawer(reset_now, status)

    def on_reset(_=None) -> None:
        resetter.request()

    async def train_task() -> None:
        try:
            await train_live(box["state"], redraw, num_epochs=epochs_per_click,
                             redraw_every=redraw_every(box["state"].config),
                             should_stop=lambda: box["stop"])
        finally:
            train_button.description = "Train"
            redraw(last=True)        # the surface catches up with the last epoch

    def on_train(_=None) -> None:
        if running():
            stop()
            return
        box["stop"] = False
        train_button.description = "Pause"
        status.value = f"training… (epoch {box['state'].epoch})"
        box["task"] = asyncio.ensure_future(train_task())

    def on_surface(_=None) -> None:
        status.value = WORKING
        with one_thread():
            draw_surface_now(box["state"])
        surface_image.layout.display = None
        status.value = status_line(box["state"])

    def on_lr(change) -> None:
        set_lr(box["state"], float(change["new"]))     # takes effect at the next epoch

    train_button.on_click(on_train)
    reset_button.on_click(on_reset)
    surface_button.on_click(on_surface)
    lr_slider.observe(on_lr, names="value")
    for widget in (dataset_menu, width_slider, depth_slider, activation_menu, seed_slider):
        widget.observe(resetter.request, names="value")
    redraw()

    ui = widgets.VBox([
        wrap([dataset_menu, activation_menu, width_slider, depth_slider, lr_slider, seed_slider]),
        wrap([train_button, reset_button, surface_button]),
        status, prompt, wrap([image, surface_image], align_items="flex-start")],
        layout=widgets.Layout(width="100%"))
    ui.add_class("mlpfs-network-playground")
    ui._mlpfs = {"train": on_train, "reset": on_reset, "surface": on_surface, "redraw": redraw,
                 "train_task": train_task, "state": box, "image": image, "resetter": resetter,
                 "surface_image": surface_image, "status": status, "controls": {
                     "dataset": dataset_menu, "width": width_slider, "depth": depth_slider,
                     "activation": activation_menu, "lr": lr_slider, "seed": seed_slider}}
    static_state = train_epochs(new_state(config), static_epochs)
    return ui, draw_state(static_state)
