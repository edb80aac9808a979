"""The deep-net playground: its measurements against the variance argument and the package's
layers, its figure, and its widget callbacks called as plain functions."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch.playgrounds import deep_net


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_measure_shapes_and_determinism():
    state = deep_net.measure(depth=5, width=32, activation="tanh", gain=1.0, batch_size=16, seed=3)
    assert len(state.activations) == len(state.grads) == 5
    assert all(h.shape == (16, 32) and h.dtype == np.float32 for h in state.activations)
    assert all(g.shape == (16, 32) for g in state.grads)
    assert state.activation_stds.shape == state.grad_stds.shape == state.weight_grad_norms.shape == (5,)
    again = deep_net.measure(depth=5, width=32, activation="tanh", gain=1.0, batch_size=16, seed=3)
    np.testing.assert_array_equal(state.activation_stds, again.activation_stds)
    other = deep_net.measure(depth=5, width=32, activation="tanh", gain=1.0, batch_size=16, seed=4)
    assert not np.array_equal(state.activation_stds, other.activation_stds)


def test_build_scales_weights_by_gain():
    model = deep_net.build(3, 200, "relu", 2.0, rng=np.random.default_rng(0))
    stds = [layer.params["W"].std() for layer in model if isinstance(layer, mfs.Dense)]
    np.testing.assert_allclose(stds, 2.0 / math.sqrt(200), rtol=0.02)
    with_bn = deep_net.build(3, 16, "tanh", 1.0, batch_norm=True, rng=np.random.default_rng(0))
    assert [type(layer).__name__ for layer in with_bn][:3] == ["Dense", "BatchNorm", "Tanh"]


def test_forward_and_backward_match_a_hand_written_net():
    # The same forward and backward pass written with plain NumPy, on the model's weights.
    rng = np.random.default_rng(7)
    model = deep_net.build(4, 24, "tanh", 1.3, rng=rng)
    X = rng.standard_normal((10, 24), dtype=np.float32)
    G = rng.standard_normal((10, 24), dtype=np.float32)
    state = deep_net.measure(depth=4, width=24, activation="tanh", gain=1.3, batch_size=10, seed=7)
    weights = [layer.params["W"] for layer in model if isinstance(layer, mfs.Dense)]
    hs, h = [], X
    for W in weights:
        h = np.tanh(h @ W)
        hs.append(h)
    grads, g = [G], G
    for W, h in zip(weights[::-1], hs[::-1]):
        g = (g * (1 - h**2)) @ W.T
        grads.append(g)
    grads = grads[:-1][::-1]  # ∂L/∂h_l for l = 1..4
    for ours, theirs in zip(hs, state.activations):
        np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-6)
    for ours, theirs in zip(grads, state.grads):
        np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(state.grads[-1], G)


@pytest.mark.parametrize("gain, factor", [(1.0, 1 / math.sqrt(2)), (math.sqrt(2), 1.0), (2.0, math.sqrt(2))])
def test_relu_spread_follows_the_variance_argument(gain, factor):
    state = deep_net.measure(depth=12, width=256, activation="relu", gain=gain, seed=1)
    measured = (state.activation_stds[-1] / state.activation_stds[5]) ** (1 / 6)
    assert measured == pytest.approx(factor, rel=0.05)
    backward = (state.grad_stds[0] / state.grad_stds[6]) ** (1 / 6)
    assert backward == pytest.approx(factor, rel=0.05)


def test_batch_norm_keeps_every_layer_normalised():
    state = deep_net.measure(depth=10, width=64, activation="linear", gain=3.0, batch_norm=True,
                             batch_size=64)
    np.testing.assert_allclose(state.activation_stds, 1.0, rtol=1e-3)


def test_exploding_net_gives_inf_without_warnings():
    with np.errstate(all="raise"):
        state = deep_net.measure(depth=30, width=256, activation="linear", gain=10.0, batch_size=8)
    assert not np.isfinite(state.activation_stds[-1])
    deep_net.draw(state)  # draws without raising


@pytest.mark.parametrize("kwargs, word", [
    ({"depth": 0}, "depth"), ({"depth": 31}, "depth"), ({"width": 1}, "width"),
    ({"width": 512}, "width"), ({"activation": "gelu"}, "activation"), ({"gain": 0.0}, "gain"),
    ({"gain": float("nan")}, "gain"), ({"batch_size": 1}, "batch_size")])
def test_bad_arguments_name_themselves(kwargs, word):
    with pytest.raises(ValueError, match=word):
        deep_net.measure(**kwargs)


def test_histograms_are_fractions_per_layer():
    values = [np.array([0.1, 0.2, 0.9, 5.0]), np.zeros(2)]
    hist = deep_net.histograms(values, np.array([0.0, 0.5, 1.0]))
    assert hist.shape == (2, 2)
    np.testing.assert_allclose(hist[:, 0], [0.5, 0.25])   # 5.0 is outside the edges
    np.testing.assert_allclose(hist[:, 1], [1.0, 0.0])


@pytest.mark.parametrize("activation", list(deep_net.ACTIVATIONS))
def test_draw_has_three_labelled_panels(activation):
    state = deep_net.measure(depth=6, width=32, activation=activation, gain=1.0, batch_size=16)
    fig = deep_net.draw(state)
    act_ax, grad_ax, line_ax = fig.axes[:3]
    assert act_ax.get_xlabel() == grad_ax.get_xlabel() == line_ax.get_xlabel() == "layer"
    assert [line.get_label() for line in line_ax.lines] == [
        "std of $h$ (forward)", r"std of $\partial L/\partial h$ (backward)"]
    np.testing.assert_allclose(line_ax.lines[0].get_ydata(), state.activation_stds)
    np.testing.assert_allclose(line_ax.lines[1].get_ydata(), state.grad_stds)
    assert act_ax.images[0].get_array().shape[1] == 6   # one column per layer
    assert activation in fig._suptitle.get_text()


def test_playground_controls_and_callbacks():
    pytest.importorskip("ipywidgets")
    box = deep_net.playground()
    controls = {cls: widget for widget in _walk(box) for cls in widget._dom_classes}
    assert "mlpfs-deep-net-playground" in box._dom_classes
    expected = {"mlpfs-depth-slider", "mlpfs-width-slider", "mlpfs-activation-dropdown",
                "mlpfs-gain-slider", "mlpfs-xavier-button", "mlpfs-he-button",
                "mlpfs-batchnorm-checkbox", "mlpfs-figure"}
    assert expected <= set(controls)
    image = controls["mlpfs-figure"]
    first = image.value
    assert "20 × tanh (width 128), gain 1.00" in box.figure._suptitle.get_text()  # the default state
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    controls["mlpfs-activation-dropdown"].value = "relu"
    assert image.value != first                                   # a change redraws
    controls["mlpfs-he-button"].click()
    assert controls["mlpfs-gain-slider"].value == pytest.approx(math.sqrt(2), abs=0.01)
    after_he = image.value
    controls["mlpfs-xavier-button"].click()
    assert controls["mlpfs-gain-slider"].value == pytest.approx(1.0)
    assert image.value != after_he
    controls["mlpfs-batchnorm-checkbox"].value = True
    controls["mlpfs-depth-slider"].value = 30
    controls["mlpfs-width-slider"].value = 256
    assert box.redraw() is None                                   # callbacks return None
    for control in expected - {"mlpfs-figure"}:
        assert controls[control].description, control


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_slider_steps_in_the_kernel_redraw_once_with_working_shown_at_once():
    pytest.importorskip("ipywidgets")
    import asyncio

    box = deep_net.playground()
    controls = {cls: widget for widget in _walk(box) for cls in widget._dom_classes}
    depth = controls["mlpfs-depth-slider"]
    before = box.redrawer.count

    async def arrow_keys():
        for value in (19, 18, 17, 16, 15):            # five arrow-key steps in a row
            depth.value = value
        assert box.status.value == "working…"
        while box.redrawer.pending:
            await asyncio.sleep(0.01)

    asyncio.run(arrow_keys())
    assert box.redrawer.count == before + 1
    assert box.figure._suptitle.get_text().startswith("15 ×")
    assert box.status.value == box.figure._suptitle.get_text()


def test_layout_puts_the_controls_above_a_figure_that_scales():
    pytest.importorskip("ipywidgets")
    box = deep_net.playground(gain=0.3, batch_norm=True)
    controls, status, image = box.children
    assert controls.layout.flex_flow == "row wrap" and image is box.image
    assert image.layout.width == "100%" and image.layout.max_width == "960px"
    # notebook 08 finds the controls among children[0].children
    classes = {c for control in controls.children for c in control._dom_classes}
    assert {"mlpfs-gain-slider", "mlpfs-batchnorm-checkbox"} <= classes
    assert "gain 0.30, batch norm" in box.figure._suptitle.get_text()
    for control in controls.children:
        if type(control).__name__.endswith("Slider"):
            assert control.layout.width == "400px" and control.style.description_width == "90px"


def test_an_action_updates_the_same_artists_instead_of_building_a_new_figure():
    pytest.importorskip("ipywidgets")
    box = deep_net.playground()
    controls = {cls: widget for widget in _walk(box) for cls in widget._dom_classes}
    fig = box.figure
    axes, images = list(fig.axes), [ax.images[0] for ax in fig.axes[:2]]
    lines, legend = list(fig.axes[2].lines), fig.axes[2].get_legend()
    canvas, first = fig.canvas, box.image.value
    controls["mlpfs-activation-dropdown"].value = "relu"
    controls["mlpfs-depth-slider"].value = 7
    assert box.image.value != first and box.figure is fig and fig.canvas is canvas
    assert fig.axes == axes and fig.axes[2].get_legend() is legend
    assert [list(ax.images) for ax in fig.axes[:2]] == [[images[0]], [images[1]]]   # one image each
    assert list(fig.axes[2].lines) == lines
    assert images[0].get_array().shape[1] == 7 and len(lines[0].get_xdata()) == 7   # new data
    assert fig.axes[0].get_xlim() == (0.5, 7.5) and "7 × relu" in fig._suptitle.get_text()
    # its picture is what a figure drawn from scratch for this state shows
    state = deep_net.measure(7, 128, "relu", 1.0, batch_size=128)
    fresh = deep_net.DeepNetView(deep_net.Figure(figsize=(12, 3.8), dpi=80)).update(state)
    assert deep_net.png(fresh) == box.image.value
