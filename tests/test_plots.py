import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import mlp_from_scratch as mfs


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_history_plot_has_both_curves():
    history = pd.DataFrame({"epoch": [1, 2], "loss": [1.0, 0.5], "accuracy": [0.5, 0.8],
                            "val_loss": [1.1, 0.7], "val_accuracy": [0.4, 0.7]})
    fig = mfs.plot_history(history)
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["training", "validation"]
    np.testing.assert_array_equal(acc_ax.lines[1].get_ydata(), [0.4, 0.7])
    assert loss_ax.get_xlabel() == "epoch"


def test_decision_boundary_colours_regions_by_prediction(rng):
    X, y = mfs.make_moons(50, rng=rng)
    ax = mfs.plot_decision_boundary(lambda P: (P[:, 0] > 0.5).astype(int), X, y, points=30)
    assert ax.get_xlabel() == "$x_1$" and len(ax.collections) >= 2


def test_surface_3d_over_unit_square():
    ax = mfs.plot_decision_surface_3d(lambda P: P[:, 0] * P[:, 1], points=10, title="AND-ish")
    assert ax.name == "3d" and ax.get_title() == "AND-ish"


def test_confusion_matrix_writes_counts():
    cm = np.array([[5, 1], [0, 7]])
    ax = mfs.plot_confusion_matrix(cm, class_names=["no", "yes"])
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1", "5", "7"]


def test_digit_grid_titles_mark_mistakes(rng):
    images = rng.integers(0, 255, (12, 784)).astype(np.uint8)
    labels = np.arange(12) % 10
    predictions = labels.copy()
    predictions[3] = 8
    fig = mfs.plot_digits(images, labels, predictions, ncols=5)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(fig.axes) == 15 and titles[3] == "3 → 8" and titles[0] == "0"
