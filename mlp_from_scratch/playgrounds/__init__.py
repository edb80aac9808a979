"""Live playgrounds for the notebooks: thin ipywidgets shells over tested functions.

Each module here holds one playground: a plain function that computes and draws a state
(tested directly), and a function that wires widgets to it. ``show`` displays a
playground so that JupyterLab shows the live widget while a static renderer (GitHub,
nbviewer), which cannot run widgets, shows a picture of its starting state.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the modules that draw import matplotlib; one that only computes need not
    from matplotlib.figure import Figure

#: What nbval compares and a plain-text reader sees under a playground.
STATIC_TEXT = "[live playground: run this notebook in JupyterLab to use it]"


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (for a static fallback or an ``ipywidgets.Image``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def cropped_png(fig: Figure) -> bytes:
    """The figure as PNG bytes cropped to what is drawn on it, with a margin: the picture
    ``figure_png`` gives, from one draw on the figure's own canvas.

    (``savefig(bbox_inches="tight")`` lays the figure out once to measure it and draws it
    again at the cropped size: two passes, and the change of size makes a new renderer for
    each, so that no text size or mathtext stays cached from one frame to the next.) Falls
    back to ``figure_png`` when something is drawn outside the figure (it would be cut).
    """
    import matplotlib
    import numpy as np
    from PIL import Image

    canvas = with_agg_canvas(fig).canvas
    if not hasattr(canvas, "buffer_rgba"):     # a pyplot figure on another backend
        return figure_png(fig)
    canvas.draw()
    pad = matplotlib.rcParams["savefig.pad_inches"]             # what savefig pads with
    box = fig.get_tightbbox(canvas.get_renderer()).padded(pad)   # inches
    dpi, (width, height) = fig.dpi, canvas.get_width_height(physical=True)
    # savefig's size (its canvas truncates the cropped size to whole pixels), at the nearest
    # whole-pixel offset (savefig shifts the drawing by a fraction of a pixel instead)
    x0, y0 = round(box.x0 * dpi), round(box.y0 * dpi)
    x1, y1 = x0 + int(box.width * dpi), y0 + int(box.height * dpi)
    if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
        return figure_png(fig)
    pixels = np.asarray(canvas.buffer_rgba())[height - y1:height - y0, x0:x1]  # rows top-down
    buffer = io.BytesIO()
    # a light compression: the default level takes several times longer, for a few kB
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def with_agg_canvas(fig: Figure) -> Figure:
    """``fig`` with an Agg canvas of its own, if it had none (a ``Figure`` made without
    pyplot has a bare canvas). Returns ``fig``.

    Each ``savefig`` of a figure without one makes a new Agg canvas, hence a new renderer,
    and the renderer holds matplotlib's caches of text sizes and of parsed mathtext: every
    frame of a playground measured and parsed every label and tick label again (about half
    of a redraw). A figure redrawn many times keeps one canvas, and its texts stay cached.
    """
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if type(fig.canvas) is FigureCanvasBase:
        FigureCanvasAgg(fig)
    return fig


def show(widget, static_figure: Figure) -> None:
    """Display ``widget`` with ``static_figure`` as its fallback, in one output.

    The output carries the widget view (rendered by JupyterLab), a PNG of the figure
    (rendered where widgets cannot run) and a fixed line of text (all that nbval compares,
    so the cell stays checked without masking).
    """
    from IPython.display import display

    display({
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": widget.model_id},
        "image/png": base64.b64encode(figure_png(static_figure)).decode("ascii"),
        "text/plain": STATIC_TEXT,
    }, raw=True)


# --- what every playground's widgets share: layout, one redraw per action -----------------

#: Text a playground's status line shows from the moment an action arrives until its
#: redraw is done, so that a slow redraw is never mistaken for an ignored click.
WORKING = "working…"

#: Width of every slider (its description, a track of at least 200 px, and the readout)
#: and of the description column in front of it.
#: (ipywidgets takes about 96 px of a slider for the readout and margins: 400 − 90 − 96 =
#: a 214-px track.)
SLIDER_WIDTH, DESCRIPTION_WIDTH = "400px", "90px"


def one_thread():
    """A context in which NumPy's BLAS uses one thread. The playgrounds' products are small
    (at most 256 × 256): a second thread only adds hand-over time, and on a busy machine a
    lot of it (a 128 × 128 product took 0.17 ms at one thread and 4 ms at two, measured
    here with other processes keeping the cores busy). A no-op without threadpoolctl."""
    import contextlib
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class Redrawer:
    """One redraw per user action, however many changes the action sends.

    ``request`` is the observer of every control. Outside an event loop (tests, scripts) it
    calls ``draw`` at once. Inside the kernel's event loop it shows ``WORKING`` in
    ``status`` and schedules one call of ``draw`` ``delay`` seconds later; changes that arrive
    before that call (the steps of a dragged slider, the several values a button sets, the
    messages queued while the last redraw ran) find it pending and add nothing: the one
    redraw reads the controls' newest values, so it replaces every redraw they would have
    asked for. ``hold`` groups programmatic changes into one request at its end.
    ``count`` is the number of redraws so far (for tests and the benchmark).
    """

    def __init__(self, draw, status=None, *, delay: float = 0.03) -> None:
        self.draw, self.status, self.delay = draw, status, delay
        self.pending, self.count, self._held, self._asked = False, 0, 0, False

    def request(self, _change=None) -> None:
        if self._held:
            self._asked = True
            return
        import asyncio
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        if self.pending:
            return
        self.pending = True
        if self.status is not None:
            self.status.value = WORKING
        loop.call_later(self.delay, self.flush)

    def flush(self) -> None:
        """Redraw now (what the scheduled call runs)."""
        self.pending = False
        self.count += 1
        with one_thread():
            self.draw()

    def hold(self):
        """``with redrawer.hold(): ...``: changes inside ask for one redraw, at the end."""
        import contextlib

        @contextlib.contextmanager
        def held():
            self._held += 1
            try:
                yield
            finally:
                self._held -= 1
            if not self._held and self._asked:
                self._asked = False
                self.request()
        return held()


def figure_image(natural_width: int, dom_class: str = "mlpfs-figure"):
    """An ``ipywidgets.Image`` for a figure ``natural_width`` pixels wide: shown at that
    width where there is room and scaled down (aspect kept) to the width there is."""
    import ipywidgets as w

    image = w.Image(format="png", layout=w.Layout(     # no side margins: 100% is the width
        width="100%", max_width=f"{natural_width}px", height="auto", object_fit="contain",
        margin="2px 0"))
    image.add_class(dom_class)
    return image


def slider_layout(width: str = SLIDER_WIDTH):
    """Every slider's layout: wide enough for a 200-px track, never wider than the page."""
    import ipywidgets as w

    return w.Layout(width=width, max_width="100%", min_width="300px")


def slider_style(description_width: str = DESCRIPTION_WIDTH) -> dict:
    return {"description_width": description_width}


def _labels(values, fmt: str) -> list[str]:
    """Readout labels for ``values``: ``fmt``, with more digits where two would read alike."""
    labels = [format(v, fmt) for v in values]
    digits = 4
    while len(set(labels)) < len(labels) and digits < 10:
        seen = {label: labels.count(label) for label in labels}
        labels = [format(v, f".{digits}g") if seen[label] > 1 else label
                  for v, label in zip(values, labels)]
        digits += 1
    return labels


def wrap(children, **layout):
    """A row of controls that wraps onto further lines when the page is narrow."""
    import ipywidgets as w

    layout = {"flex_flow": "row wrap", "align_items": "center", "width": "100%", **layout}
    return w.HBox(list(children), layout=w.Layout(**layout))


def status_label(dom_class: str = "mlpfs-status"):
    """The playground's status line: one line, as wide as the page, never cut."""
    import ipywidgets as w

    label = w.HTML(layout=w.Layout(width="100%", min_height="24px"))
    label.add_class(dom_class)
    return label


def choice_slider(values, value, description: str, dom_class: str, fmt: str = ".3g", *,
                  width: str = SLIDER_WIDTH, description_width: str = DESCRIPTION_WIDTH):
    """A slider over explicit ``values``: the readout is the value used, exactly.

    (A ``FloatLogSlider`` shows and sends back its value rounded to its step, so that a
    value set by a button, 50, reads "50.1", and the rounded value comes back as a change.)
    ``value`` is added to ``values`` if it is not one of them.
    """
    import ipywidgets as w

    options = sorted({float(v) for v in values} | {float(value)})
    slider = w.SelectionSlider(options=list(zip(_labels(options, fmt), options)),
                               value=float(value), description=description,
                               style=slider_style(description_width),
                               layout=slider_layout(width), continuous_update=True)
    slider.add_class(dom_class)
    return slider
