"""Draw a digit: a canvas the student draws on, read by the network trained in notebook 09.

A drawing is turned into an input the network knows by the steps that made MNIST itself
(LeCun et al.): crop the ink, scale it to fit a 20×20 box keeping its aspect ratio (with
anti-aliasing: each small pixel is the mean of the large pixels it covers), put it in a
28×28 field with its centre of mass in the middle, then standardise with the training
images' mean and standard deviation. Each step is a plain function, tested on MNIST
digits re-rendered large:

    image = render_strokes([[(60, 40), (200, 40), (120, 250)]])  # (280, 280), ink in [0, 1]
    digit = to_mnist(image)                       # (28, 28), ink in [0, 1], as MNIST / 255
    x = standardize(digit, mean, std)             # (1, 784), what the model reads
    probs = probabilities(model, x)               # (10,)
    fig = draw(digit, probs)                      # the figure the playground shows
    widget = playground(model, mean, std)         # the canvas, a Clear button, the figure

Strokes are recorded as points in Python and rendered by :func:`render_strokes`, so what
the network reads does not depend on the browser's own drawing (and the callbacks can be
tested without one).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

#: MNIST's layout: the digit fitted into a BOX × BOX square, in a SIZE × SIZE field.
BOX, SIZE = 20, 28
#: Where MNIST puts a digit's centre of mass, in array indices (row, column): measured,
#: 14.0 ± 0.3 over the test digits (tests/test_playground_digits.py checks).
CENTRE = 14.0
#: The drawing canvas: CANVAS × CANVAS pixels, strokes LINE_WIDTH pixels wide, so a
#: digit drawn across most of it is about as thick, relative to its size, as MNIST's.
CANVAS, LINE_WIDTH = 280, 22.0


def _points(stroke: Sequence[Sequence[float]]) -> np.ndarray:
    points = np.asarray(stroke, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"a stroke must be a list of (x, y) points, got an array of shape "
                         f"{points.shape}; e.g. [(10, 20), (30, 40)]")
    return points


def render_strokes(strokes: Sequence[Sequence[Sequence[float]]], size: int = CANVAS,
                   width: float = LINE_WIDTH) -> np.ndarray:
    """Ink image ``(size, size)`` float32 in [0, 1] of ``strokes``, each a list of ``(x, y)``
    canvas points (x to the right, y down, as mouse events give them) joined by lines
    ``width`` pixels wide with round ends; a one-point stroke is a dot. Edges are
    anti-aliased over one pixel."""
    if not (isinstance(size, (int, np.integer)) and size > 0):
        raise ValueError(f"size must be a positive int, got {size!r}")
    if not width > 0:
        raise ValueError(f"width must be a positive number of pixels, got {width!r}")
    image = np.zeros((size, size), np.float32)
    r = width / 2
    for stroke in strokes:
        points = _points(stroke)
        if len(points) == 1:
            points = np.vstack([points, points])
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
            # Only the pixels near the segment: its bounding box widened by the radius.
            c0, c1 = (int(np.clip(np.floor(min(x0, x1) - r - 1), 0, size)),
                      int(np.clip(np.ceil(max(x0, x1) + r + 1), 0, size)))
            r0, r1 = (int(np.clip(np.floor(min(y0, y1) - r - 1), 0, size)),
                      int(np.clip(np.ceil(max(y0, y1) + r + 1), 0, size)))
            if c0 >= c1 or r0 >= r1:
                continue
            py, px = np.mgrid[r0:r1, c0:c1] + 0.5          # pixel centres
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = (np.clip(((px - x0) * dx + (py - y0) * dy) / length2, 0, 1)
                 if length2 > 0 else 0.0)
            distance = np.hypot(px - (x0 + t * dx), py - (y0 + t * dy))
            ink = np.clip(r + 0.5 - distance, 0, 1).astype(np.float32)
            np.maximum(image[r0:r1, c0:c1], ink, out=image[r0:r1, c0:c1])
    return image


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """``(n_out, n_in)``: row i averages the input cells that output cell i covers,
    weighted by how much of each it covers (area-averaging resampling along one axis)."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    lo, hi = edges[:-1, None], edges[1:, None]
    cells = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, cells + 1) - np.maximum(lo, cells), 0, None)
    return overlap / (n_in / n_out)


def resample(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` ``(h, w)`` resized to ``(height, width)`` by area averaging: each output
    pixel is the mean of the input area it covers (anti-aliased shrinking)."""
    image = np.asarray(image, dtype=np.float64)
    return _area_matrix(image.shape[0], height) @ image @ _area_matrix(image.shape[1], width).T


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The ink-weighted mean (row, column) of ``image`` ``(h, w)``, in array indices."""
    image = np.asarray(image, dtype=np.float64)
    total = image.sum()
    if total <= 0:
        raise ValueError("the image has no ink, so it has no centre of mass")
    return (float(image.sum(axis=1) @ np.arange(image.shape[0]) / total),
            float(image.sum(axis=0) @ np.arange(image.shape[1]) / total))


def to_mnist(image: np.ndarray, threshold: float = 0.1) -> np.ndarray:
    """A drawing ``(h, w)`` (ink high, any scale) as MNIST would hold it: ``(28, 28)``
    float32 with ink in [0, 1].

    The pixels above ``threshold`` times the darkest ink mark the digit's extent; that crop
    is scaled so that its longer side is 20 pixels (aspect ratio kept), then placed in the
    28×28 field with its centre of mass at the centre (moved only as far as the field
    allows). A drawing with no ink gives an empty field.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or min(image.shape) == 0:
        raise ValueError(f"image must be a 2-D array (height, width), got shape {image.shape}")
    if not np.isfinite(image).all():
        raise ValueError("image contains NaN or infinity")
    out = np.zeros((SIZE, SIZE), np.float32)
    peak = image.max()
    if peak <= 0:
        return out
    image = image / peak
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)
    small = resample(crop, max(1, round(h * scale)), max(1, round(w * scale)))
    cy, cx = centre_of_mass(small)
    top = int(np.clip(_nearest_pixel(CENTRE - cy), 0, SIZE - small.shape[0]))
    left = int(np.clip(_nearest_pixel(CENTRE - cx), 0, SIZE - small.shape[1]))
    out[top:top + small.shape[0], left:left + small.shape[1]] = np.clip(small, 0, 1)
    return out


def _nearest_pixel(x: float) -> int:
    """``x`` rounded to the nearest integer, halves up. A symmetric digit's centre of mass
    lies exactly half-way between two pixels, and the matrix products behind it land a few
    ulps either side depending on the CPU's BLAS kernels and thread count; Python's
    ``round`` would then pick either pixel. Values within 1e-6 of a half all go up, so
    every machine places the digit alike."""
    return math.floor(x + 0.5 + 1e-6)


def enlarge(digit: np.ndarray, factor: int = CANVAS // SIZE) -> np.ndarray:
    """An MNIST digit ``(28, 28)`` (uint8 or [0, 1]) as a large drawing ``(28·factor,
    28·factor)`` in [0, 1], each pixel a ``factor`` × ``factor`` block: what a student
    drawing that digit on the canvas would give, at best."""
    digit = np.asarray(digit, dtype=np.float32)
    if digit.dtype.kind == "f" and digit.max() > 1:
        digit = digit / 255
    return np.kron(digit, np.ones((factor, factor), np.float32))


def standardize(digit: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``(28, 28)`` ink in [0, 1] -> ``(1, 784)`` float32 ``(x - mean) / std``, the
    preprocessing the notebook's model was trained with."""
    digit = np.asarray(digit, dtype=np.float32)
    if digit.shape != (SIZE, SIZE):
        raise ValueError(f"digit must have shape (28, 28), got {digit.shape}; pass it "
                         "through to_mnist first")
    if not std > 0:
        raise ValueError(f"std must be positive, got {std!r}")
    return ((digit.reshape(1, -1) - np.float32(mean)) / np.float32(std)).astype(np.float32)


def probabilities(model, x: np.ndarray) -> np.ndarray:
    """The model's class probabilities ``(classes,)`` for one input row ``x`` ``(1, 784)``
    (evaluation mode: dropout off)."""
    logits = model.predict(x)
    z = logits[0] - logits[0].max()
    e = np.exp(z)
    return e / e.sum()


def draw(digit: np.ndarray, probs: np.ndarray | None, fig: Figure | None = None) -> Figure:
    """Two panels: what the network reads (the 28×28 digit) and its probability for each
    class (the most probable one highlighted). ``probs=None`` draws an empty chart (nothing
    drawn yet)."""
    fig = fig if fig is not None else Figure(figsize=(7.5, 3.0), dpi=80)
    fig.clear()
    ax_digit, ax_bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.7]})
    ax_digit.imshow(digit, cmap="gray", vmin=0, vmax=1)
    ax_digit.set_title("what the network reads (28×28)", fontsize=10)
    ax_digit.set_xticks([])
    ax_digit.set_yticks([])
    classes = np.arange(10)
    values = np.zeros(10) if probs is None else np.asarray(probs, dtype=np.float64)
    colours = ["#bbbbbb"] * 10
    if probs is not None:
        best = int(values.argmax())
        colours[best] = "#d62728"
        ax_bars.set_title(f"the network says {best} ({values[best]:.0%})", fontsize=10)
    else:
        ax_bars.set_title("draw a digit on the canvas", fontsize=10)
    ax_bars.bar(classes, values, color=colours)
    ax_bars.set(xticks=classes, ylim=(0, 1), xlabel="digit", ylabel="probability")
    ax_bars.grid(axis="y", alpha=0.3)
    fig.subplots_adjust(left=0.03, right=0.98, bottom=0.17, top=0.88, wspace=0.25)
    return fig


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    return buffer.getvalue()


def playground(model, mean: float, std: float):
    """The live playground: a 280×280 canvas to draw on with the mouse (white on black),
    a Clear button, and a figure of what the network reads and its probabilities, redrawn
    when a stroke ends. Returns the widget box; ``box.figure`` is the current drawing, and
    ``box.press``, ``box.move``, ``box.release`` and ``box.clear`` are the callbacks as
    plain functions (for tests)."""
    import ipywidgets as w
    from ipycanvas import Canvas

    from . import Redrawer, figure_image, status_label, wrap

    canvas = Canvas(width=CANVAS, height=CANVAS,
                    layout=w.Layout(width=f"{CANVAS}px", height=f"{CANVAS}px",
                                    min_width=f"{CANVAS}px"))
    clear_button = w.Button(description="Clear", tooltip="erase the drawing",
                            layout=w.Layout(width="auto"))
    image = figure_image(600)
    image.layout.flex = "1 1 320px"
    status = status_label()
    canvas.add_class("mlpfs-digit-canvas")
    clear_button.add_class("mlpfs-clear-button")
    fig = Figure(figsize=(7.5, 3.0), dpi=80)
    strokes: list[list[tuple[float, float]]] = []
    drawing = [False]

    def paint_background() -> None:
        canvas.fill_style = "black"
        canvas.fill_rect(0, 0, CANVAS, CANVAS)
        canvas.stroke_style = "white"
        canvas.fill_style = "white"
        canvas.line_width = LINE_WIDTH
        canvas.line_cap = "round"
        canvas.line_join = "round"

    def draw_now() -> None:
        if strokes:
            digit = to_mnist(render_strokes(strokes))
            probs = probabilities(model, standardize(digit, mean, std))
            best = int(probs.argmax())
            status.value = f"the network says {best} ({probs[best]:.0%})"
        else:
            digit, probs = np.zeros((SIZE, SIZE), np.float32), None
            status.value = "draw a digit on the black square with the mouse"
        image.value = png(draw(digit, probs, fig))

    redrawer = Redrawer(draw_now, status)

    def press(x: float, y: float) -> None:
        drawing[0] = True
        strokes.append([(float(x), float(y))])
        canvas.fill_circle(x, y, LINE_WIDTH / 2)

    def move(x: float, y: float) -> None:
        if not drawing[0]:
            return
        x0, y0 = strokes[-1][-1]
        strokes[-1].append((float(x), float(y)))
        canvas.stroke_line(x0, y0, x, y)

    def release(x: float, y: float) -> None:
        if not drawing[0]:
            return
        drawing[0] = False
        redrawer.request()

    def clear(_button=None) -> None:
        strokes.clear()
        drawing[0] = False
        canvas.clear()
        paint_background()
        redrawer.request()

    canvas.on_mouse_down(press)
    canvas.on_mouse_move(move)
    canvas.on_mouse_up(release)
    canvas.on_mouse_out(release)
    clear_button.on_click(clear)
    paint_background()
    redrawer.flush()
    left = w.VBox([canvas, clear_button], layout=w.Layout(width=f"{CANVAS + 4}px"))
    box = w.VBox([status, wrap([left, image], align_items="flex-start")],
                 layout=w.Layout(width="100%"))
    box.add_class("mlpfs-digits-playground")
    box.figure, box.strokes = fig, strokes
    box.press, box.move, box.release, box.clear = press, move, release, clear
    box.redraw = lambda: redrawer.flush()
    box.image, box.status, box.redrawer = image, status, redrawer
    return box
