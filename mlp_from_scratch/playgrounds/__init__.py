"""Live playgrounds for the notebooks: thin ipywidgets shells over tested functions.

Each module here holds one playground: a plain function that computes and draws a state
(tested directly), and a function that wires widgets to it. ``show`` displays a
playground so that JupyterLab shows the live widget while a static renderer (GitHub,
nbviewer), which cannot run widgets, shows a picture of its starting state.
"""

from __future__ import annotations

import base64
import io

from matplotlib.figure import Figure

#: What nbval compares and a plain-text reader sees under a playground.
STATIC_TEXT = "[live playground: run this notebook in JupyterLab to use it]"


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (for a static fallback or an ``ipywidgets.Image``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


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
