"""The notebooks' figures show what their cells computed, under the labels the prose reads.

These checks are about plotting scaffolding (legend texts, titles, which array a panel
draws, labels inside the frame), so they live here rather than in the cells a student
reads, where only the experiment and the check of its claim belong. Each check runs in the
notebook's own kernel right after its cell, while the cell's names (``fig``, ``ax``,
``axes``) are still bound: the notebook is executed up to its last checked cell with the
checks inserted, by nbclient, as nbval runs it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# notebook -> {cell id: code run right after that cell}
CHECKS: dict[str, dict[str, str]] = {
    "02_xor.ipynb": {
        # every axis label of the 3-D panels is drawn whole, inside the figure
        # (tight_layout does not see 3-D labels, so the cell places them by hand)
        "21": """
from matplotlib.backends.backend_agg import FigureCanvasAgg
canvas = FigureCanvasAgg(fig)     # plt.show() closed the figure and took its canvas
canvas.draw()
renderer, frame = canvas.get_renderer(), fig.bbox
for ax in fig.axes:
    for axis, text in [(ax.xaxis, "$x_1$"), (ax.yaxis, "$x_2$"), (ax.zaxis, None)]:
        box = axis.label.get_window_extent(renderer)
        assert text is None or axis.label.get_text() == text, axis.label.get_text()
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, \\
            (ax.get_title(), axis.label.get_text())
""",
        # one labelled bar series per network, its heights the table's counts
        "26": """
assert [t.get_text() for t in legend.get_texts()] == [*bars.columns, f"all {num_seeds} seeds"]
assert [c.get_label() for c in ax.containers] == list(bars.columns)
for container, name in zip(ax.containers, bars.columns):
    assert [p.get_height() for p in container] == bars[name].tolist(), name
""",
        # each panel's first lines are the sweep's num_seeds loss curves, none longer than the sweep
        "28": """
for ax in axes:
    assert all(len(line.get_xdata()) <= sweep_epochs for line in ax.get_lines()[:num_seeds]), ax.get_title()
""",
    },
    "03_vectorized_layers.ipynb": {
        # the three series, in the order and with the labels of the printed table
        "17": """
assert [t.get_text() for t in ax.get_legend().get_texts()] == list(timings)
assert all(np.array_equal(line.get_ydata(), ts) for line, ts in zip(ax.get_lines(), timings.values()))
""",
        "39": """
assert [ax.get_title() for ax in axes] == [title for _, title, _, _ in panels]
assert all(np.array_equal(ax.get_images()[0].get_array(), array) for ax, (array, *_) in zip(axes, panels))
""",
    },
    "04_backpropagation.ipynb": {
        "9": """
assert [t.get_text() for t in ax.get_legend().get_texts()] == [
    "forward difference (L(w+h) − L(w)) / h", "central difference (L(w+h) − L(w−h)) / 2h", "h = 1e-5"]
assert np.array_equal(ax.get_lines()[1].get_ydata(), errors_central)
""",
        "19": """
assert [ax.get_title() for ax in axes] == ["ReLU", "sigmoid", "tanh"]
assert [[t.get_text() for t in ax.get_legend().get_texts()] for ax in axes] == [
    [f"{name}(z)", f"{name}'(z)"] for name in ("ReLU", "sigmoid", "tanh")]
""",
        "72": """
assert np.array_equal(ax.get_lines()[0].get_ydata(), losses)
""",
        # the three rates on one shared loss scale, each panel with the five seeds in order
        "81": """
assert [ax.get_title() for ax in axes] == [f"{label}: lr = {rate}" for label, rate in learning_rates.items()]
assert all(axes[0].get_shared_y_axes().joined(axes[0], ax) for ax in axes[1:])
assert all(np.array_equal(ax.get_lines()[k].get_ydata(), histories[label, seed]["loss"])
           for ax, label in zip(axes, learning_rates) for k, seed in enumerate(seeds))
assert len(inset.get_lines()) == len(seeds) + 1 and inset.get_ylim() == (0, 1)
""",
        # one curve per format, each followed by its best step's star
        "107": """
assert [t.get_text() for t in ax.get_legend().get_texts()] == ["float64", "float32"]
for k, (name, m) in enumerate(medians.items()):
    assert np.array_equal(ax.get_lines()[2 * k].get_ydata(), m), name
    assert list(ax.get_lines()[2 * k + 1].get_xydata()[0]) == list(best[name]), name
""",
    },
    "05_initialization.ipynb": {
        "7": """
assert [line.get_label() for line in axes[0].lines] == [f"hidden unit {j}" for j in range(3)]
""",
        "15": """
assert [line.get_label() for line in axes[0, 0].lines] == [f"gain {name}" for name in gains]
assert np.array_equal(axes[1, 1].lines[2].get_ydata(), states["relu", "√2 (He)"].grad_stds)
""",
        # the one legend below both panels names every line of a panel, in order
        "33": """
assert [t.get_text() for t in fig.legends[0].get_texts()] == [line.get_label() for line in axes[0].lines]
assert len(axes[0].lines) == 6 and axes[0].lines[0].get_label() == "inputs 0/1, weights × 0.1"
""",
        "27": """
assert [line.get_label() for line in ax.lines[::4]] == [f"gain {name}" for name in tanh_gains]
""",
        "44": """
assert [line.get_label() for line in axes[1].lines][:2] == ["gain 0.5 (too small)", "gain 1 (Xavier)"]
""",
    },
    "06_optimizers.ipynb": {
        "9": """
assert [t.get_text() for t in axes[1].get_legend().get_texts()] == ["SGD, batch_size = 10", "full batch"]
assert [t.get_text() for t in axes[0].get_xticklabels()] == ["10", "50", "200"]
""",
        "25": """
assert sorted(t.get_text()[:12] for t in axes[1].get_legend().get_texts()) == sorted(
    ["momentum, lr", "predicted μ*", "diverges: μ "])
assert sorted(t.get_text()[:12] for t in axes[0].get_legend().get_texts()) == sorted(
    ["predicted ln", "measured (gr", "η* = 2/(λmin", "diverges: lr"])
""",
        "55": """
assert [t.get_text() for t in ax.get_legend().get_texts()] == ["with bias correction", "without bias correction"]
""",
        "58": """
assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])
assert [t.get_text() for t in axes[0].get_legend().get_texts()] == defaults
assert [t.get_text() for t in axes[1].get_legend().get_texts()] == ["SGD (lr 0.05)", "momentum 0.9 (lr 0.05)",
                                                                     "SGD (lr 0.5)", "momentum 0.9 (lr 0.005)"]
""",
        # the test losses of the tuned runs, one column per optimizer, on the validation panel's scale
        "62": """
assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])
assert [t.get_text() for t in axes[1].get_xticklabels()] == [n.replace(" ", "\\n") for n in tuned_optimizers]
assert [sorted(line.get_ydata()) for line in axes[1].get_lines()] == [sorted(test_loss[n]) for n in tuned_optimizers]
""",
        "72": """
assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"random search, sigma = {s}" for s in sigmas] + [
    "gradient descent with momentum"]
""",
        "75": """
assert [t.get_text() for t in axes[1].get_legend().get_texts()] == list(schedules)
""",
        "85": """
assert sorted(t.get_text() for t in axes[0].get_legend().get_texts()) == sorted(["at initialisation", *decay_settings])
assert [t.get_text() for t in axes[0].get_xticklabels()] == list(groups)
""",
        # one star per learning rate in each heat map, filled exactly where the best λ is interior; λ = 0 labelled
        "91": """
for ax, name in zip(axes[:2], heat):
    stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert len(stars) == len(wd_lrs)
    assert [line.get_markerfacecolor() != "none" for line in stars] == interior[name].tolist(), name
    assert ax.get_yticklabels()[0].get_text() == "0 (none)"
assert [line.get_label() for line in axes[2].get_lines()] == [*heat, "∝ lr"]
""",
    },
    "07_dropout.ipynb": {
        "7": """
assert [[line.get_label() for line in ax.get_lines()] for ax in axes] == [
    ["training", "validation"], ["training"], ["validation", f"lowest (epoch {best_epoch})"]]
""",
        "24": """
assert [line.get_label() for line in axes[0].get_lines()] == ["no dropout", "dropout p = 0.5"]
""",
        "28": """
assert [c.get_label() for c in axes[0].containers] == ["last epoch: mean ± std", "early stopping: mean ± std"]
""",
    },
    "08_batch_normalization.ipynb": {
        "14": """
assert [line.get_label() for line in axes[1].get_lines()] == [f"feature {j}" for j in range(4)]
""",
        "18": """
assert [line.get_label() for line in axes[0].get_lines() if not line.get_label().startswith("_")] == \
    ["plain", "BatchNorm", "chance, ln 10"]
""",
        "22": """
assert [line.get_label() for line in axes[0].get_lines()] == ["plain", "BatchNorm"]
""",
        "32": """
assert [line.get_label() for line in ax.get_lines()][:4] == [
    "lr = 0.05, mean", "lr = 0.05, each seed", "lr = 0.05 × batch size / 64, mean", "lr = 0.05 × batch size / 64, each seed"]
""",
        "37": """
assert [line.get_label() for line in ax.get_lines()] == [
    "plain, mean", "plain, each seed", "BatchNorm, mean", "BatchNorm, each seed", "chance"]
""",
    },
    "09_mnist.ipynb": {
        "11": """
assert [t.get_text() for t in ax.get_legend().get_texts()] == ["perfectly balanced", "training (60,000)", "test (10,000)"]
""",
        # one row per variant of the ablation, labelled as the printed table
        "42": """
assert [t.get_text() for t in ax.get_yticklabels()] == list(ablation)
assert [t.get_text() for t in ax.get_legend().get_texts()] == ["one seed", "mean of 3 seeds"]
""",
        "48": """
assert colour_bar.ax.get_ylabel() == "test images (log scale)"
""",
        # a bin that holds images, none read right, is marked: a bar of height 0 looks like an empty bin;
        # with no such bin there is no marker (an empty unclipped line would break tight_layout)
        "61": """
label = "images in the bin, none read right"
for top, (c, a) in zip(fig.axes[1::2], ((counts, acc_bins), (counts_T, acc_T))):
    marked = [line.get_xdata() for line in top.get_lines() if line.get_label() == label]
    expected = (np.flatnonzero((c > 0) & (a == 0)) + 0.5) / NUM_BINS
    assert len(marked) == (len(expected) > 0) and all(np.allclose(x, expected) for x in marked)
legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
assert (label in legend) == ((counts > 0) & (acc_bins == 0)).any()
""",
        "66": """
assert [t.get_text() for t in example_figure.axes[1].get_xticklabels()] == [str(d) for d in range(10)]
assert len(example_figure.axes[1].patches) == 10
""",
    },
}


def with_checks(notebook: nbformat.NotebookNode, checks: dict[str, str]) -> nbformat.NotebookNode:
    """The notebook up to its last checked cell, each check inserted right after its cell."""
    ids = [cell.get("id") for cell in notebook.cells]
    missing = sorted(set(checks) - set(ids))
    assert not missing, f"checked cells {missing} are no longer in the notebook: update CHECKS"
    cells = []
    for cell in notebook.cells[: max(ids.index(key) for key in checks) + 1]:
        cells.append(cell)
        if cell.get("id") in checks:
            cells.append(nbformat.v4.new_code_cell(checks[cell["id"]]))
    notebook.cells = cells
    return notebook


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_figures_show_what_their_cells_computed(name):
    notebook = with_checks(nbformat.read(NOTEBOOKS / name, as_version=4), CHECKS[name])
    # a failing check raises CellExecutionError with its traceback and the check's code
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()


def test_a_figure_check_that_does_not_hold_fails():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.set_title('loss')\nplt.show()",
        id="1")])
    with_checks(notebook, {"1": "assert ax.get_title() == 'accuracy'"})
    with pytest.raises(Exception, match="AssertionError"):
        NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
