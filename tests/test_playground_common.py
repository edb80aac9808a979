"""What every playground shares (mlp_from_scratch.playgrounds): one redraw per action, the
"working…" status, sliders that read the value they hold, figures that scale to the page."""

import asyncio

import pytest

from mlp_from_scratch import playgrounds as pg

widgets = pytest.importorskip("ipywidgets")


async def settle(redrawer) -> None:
    """Let the event loop run until no redraw is pending (as the kernel would)."""
    for _ in range(500):
        if not redrawer.pending:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the redraw never ran")


class Counter:
    def __init__(self, status=None, on_draw=None):
        self.seen, self.on_draw = [], on_draw
        self.redrawer = pg.Redrawer(self.draw, status)
        self.value = 0

    def draw(self):
        self.seen.append(self.value)
        if self.on_draw:
            self.on_draw()


def test_outside_an_event_loop_every_request_draws_at_once():
    counter = Counter()
    for value in range(3):
        counter.value = value
        counter.redrawer.request()
    assert counter.seen == [0, 1, 2] and counter.redrawer.count == 3


def test_in_the_event_loop_many_changes_make_one_redraw_with_the_newest_values():
    status = widgets.HTML("ready")
    counter = Counter(status)

    async def drag():
        for value in range(10):                      # ten slider steps in a row
            counter.value = value
            counter.redrawer.request()
        assert status.value == pg.WORKING             # shown at once, before the redraw
        assert counter.seen == []
        await settle(counter.redrawer)

    asyncio.run(drag())
    assert counter.seen == [9]


def test_a_change_arriving_during_a_redraw_replaces_the_pending_one():
    counter = Counter()
    arrived = []

    def during():       # while the first redraw runs, three more changes arrive
        if len(counter.seen) == 1:
            for value in (20, 21, 22):
                counter.value = value
                counter.redrawer.request()
                arrived.append(value)

    counter.on_draw = during

    async def act():
        counter.value = 1
        counter.redrawer.request()
        await settle(counter.redrawer)
        await asyncio.sleep(0.1)
        await settle(counter.redrawer)

    asyncio.run(act())
    assert arrived == [20, 21, 22] and counter.seen == [1, 22]


def test_hold_groups_changes_into_one_request():
    counter = Counter()
    with counter.redrawer.hold():
        for value in range(5):
            counter.value = value
            counter.redrawer.request()
        assert counter.seen == []
    assert counter.seen == [4]
    with counter.redrawer.hold():
        pass                                          # no change: no redraw
    assert counter.seen == [4]


def test_choice_slider_reads_exactly_the_value_it_holds():
    slider = pg.choice_slider([1, 2, 5, 10, 20, 50, 100], 50.0, "κ", "mlpfs-kappa-slider")
    assert slider.value == 50.0 and slider.label == "50"
    tricky = pg.choice_slider([0.0392, 0.03922], 2 / 51, "lr", "mlpfs-x")
    labels = [label for label, _ in tricky.options]
    assert len(set(labels)) == len(labels) == 3       # close values get more digits, not twins


def test_figures_scale_down_to_the_width_there_is():
    image = pg.figure_image(960)
    assert image.layout.width == "100%" and image.layout.max_width == "960px"
    assert image.layout.height == "auto"
    row = pg.wrap([widgets.Button(description="a")])
    assert row.layout.flex_flow == "row wrap"


def test_every_widget_in_the_notebooks_has_a_picture_for_readers_without_a_kernel():
    """Opened without running (GitHub, nbviewer, an untrusted notebook in JupyterLab), an
    output shows its best mime type other than the widget: every widget output must carry a
    PNG of the playground and the fixed text, never a widget's repr (``interactive(...``)."""
    import json
    from pathlib import Path

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    bare = []
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "application/vnd.jupyter.widget-view+json" not in data:
                    continue
                if "image/png" not in data or "".join(data.get("text/plain", "")) != pg.STATIC_TEXT:
                    bare.append(f"{path.name} cell {index}: {''.join(data.get('text/plain', ''))[:40]}")
    assert bare == [], "widgets shown without a picture (use playgrounds.show):\n" + "\n".join(bare)


def test_a_figure_redrawn_many_times_keeps_one_renderer_and_crops_like_savefig():
    """Its own Agg canvas keeps one renderer (and with it the sizes of its texts) from one
    picture to the next; ``cropped_png`` gives the picture ``figure_png`` gives."""
    import io

    import numpy as np
    from matplotlib.figure import Figure
    from PIL import Image

    fig = pg.with_agg_canvas(Figure(figsize=(4, 3), dpi=80))
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 3])
    ax.set(title="a title", xlabel="$x_1$")
    assert pg.cropped_png(fig) == pg.figure_png(fig)   # the label sticks out: savefig's way
    fig.subplots_adjust(bottom=0.2)                    # now all of it is inside the figure
    renderer = fig.canvas.get_renderer()
    first, second = pg.cropped_png(fig), pg.cropped_png(fig)
    assert fig.canvas.get_renderer() is renderer                          # one renderer
    sizes = [Image.open(io.BytesIO(png)).size for png in (first, second, pg.figure_png(fig))]
    assert sizes[0] == sizes[1] == sizes[2] and sizes[0][0] < 320            # cropped, as savefig
    pixels = [np.asarray(Image.open(io.BytesIO(p)).convert("L"), dtype=float)
              for p in (pg.cropped_png(fig), pg.figure_png(fig))]
    assert np.abs(pixels[0] - pixels[1]).mean() < 10                       # the same picture
