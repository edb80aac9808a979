"""The optimizer playground: its bowl, its paths against hand-written update rules and the
predictions of the condition number, its figure, and its widget callbacks as plain functions."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlp_from_scratch.playgrounds import optimizers as op


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("angle", [0, 30, 45, 90])
def test_hessian_has_eigenvalues_kappa_and_one_along_the_rotated_axes(angle):
    H = op.hessian(20.0, angle)
    np.testing.assert_allclose(H, H.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [1.0, 20.0])
    steep = op.rotation(angle) @ [1.0, 0.0]
    np.testing.assert_allclose(H @ steep, 20.0 * steep)
    assert np.isclose(op.loss(steep, H), 10.0)


def test_bad_arguments_name_the_argument_and_the_fix():
    with pytest.raises(ValueError, match=r"kappa must be between 1 and 1000.*got 0.5"):
        op.hessian(0.5, 0)
    with pytest.raises(ValueError, match=r"num_steps must be between 1 and 500, got 0"):
        op.run(num_steps=0)
    with pytest.raises(ValueError, match=r"unknown optimizer 'AdaGrad'"):
        op.run(settings={"AdaGrad": {"lr": 0.1}})
    with pytest.raises(ValueError, match=r"momentum takes the hyper-parameters \['lr', 'momentum'\]"):
        op.run(settings={"momentum": {"lr": 0.1}})


def _by_hand(name, hyper, H, start, num_steps):
    # The update rules written out with plain NumPy, independently of the package.
    p = np.array(start, dtype=float)
    m = v = np.zeros(2)
    path = [p.copy()]
    for t in range(1, num_steps + 1):
        g = H @ p
        if name == "SGD":
            p = p - hyper["lr"] * g
        elif name == "momentum":
            v = hyper["momentum"] * v + g
            p = p - hyper["lr"] * v
        elif name == "RMSProp":
            v = hyper["rho"] * v + (1 - hyper["rho"]) * g**2
            p = p - hyper["lr"] * g / (np.sqrt(v) + 1e-8)
        else:
            m = hyper["beta1"] * m + (1 - hyper["beta1"]) * g
            v = hyper["beta2"] * v + (1 - hyper["beta2"]) * g**2
            m_hat, v_hat = m / (1 - hyper["beta1"] ** t), v / (1 - hyper["beta2"] ** t)
            p = p - hyper["lr"] * m_hat / (np.sqrt(v_hat) + 1e-8)
        path.append(p.copy())
    return np.array(path)


@pytest.mark.parametrize("angle", [0, 45])
def test_paths_follow_the_update_rules(angle):
    state = op.run(kappa=30, angle=angle, num_steps=40)
    start = op.rotation(angle) @ np.array(op.START)
    assert list(state.paths) == list(op.OPTIMIZERS)
    for name, hyper in op.default_settings().items():
        assert state.paths[name].shape == (41, 2) and not state.diverged[name]
        np.testing.assert_allclose(state.paths[name], _by_hand(name, hyper, state.H, start, 40),
                                   rtol=1e-9, atol=1e-12)


def test_rotation_moves_sgd_and_momentum_with_the_bowl_but_not_rmsprop_and_adam():
    aligned, rotated = op.run(50, 0), op.run(50, 45)
    R = op.rotation(45)
    for name in ("SGD", "momentum"):
        np.testing.assert_allclose(rotated.paths[name], aligned.paths[name] @ R.T, atol=1e-12)
        assert math.isclose(rotated.final_loss(name), aligned.final_loss(name), rel_tol=1e-9)
    # the lesson of notebook 06: per-coordinate scaling only helps on the aligned bowl
    for name in ("RMSProp", "Adam"):
        assert rotated.final_loss(name) > 10 * aligned.final_loss(name)
        assert rotated.final_loss(name) > rotated.final_loss("SGD")
    assert math.isclose(rotated.final_loss("RMSProp"), 0.67, rel_tol=0.01)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_predicted_settings_are_the_best_ones_on_the_bowl(kappa):
    predicted = op.predicted_settings(kappa)
    assert math.isclose(predicted["SGD"]["lr"], 2 / (kappa + 1))
    final = op.run(kappa, 30, predicted, num_steps=200)
    rate = (kappa - 1) / (kappa + 1)  # gradient descent's per-step factor at the best lr
    distance = np.linalg.norm(final.paths["SGD"], axis=1)
    np.testing.assert_allclose(distance[1:] / distance[:-1], rate, rtol=1e-9)
    # other settings end further from the minimum after 200 steps (momentum: a larger μ can
    # do as well over a finite run, since at μ* the error decays like (1 + ct)ρ^t)
    def distance_after(settings, name):
        return np.linalg.norm(op.run(kappa, 30, {name: settings}, 200).paths[name][-1])

    best_sgd, best_momentum = (distance_after(predicted[n], n) for n in ("SGD", "momentum"))
    for factor in (0.8, 1.02):
        assert distance_after({"lr": factor * predicted["SGD"]["lr"]}, "SGD") > best_sgd
    for factor in (0.9, 1.1):
        hyper = dict(predicted["momentum"], lr=factor * predicted["momentum"]["lr"])
        assert distance_after(hyper, "momentum") > best_momentum
    hyper = dict(predicted["momentum"], momentum=0.9 * predicted["momentum"]["momentum"])
    assert distance_after(hyper, "momentum") > best_momentum


def test_a_diverging_path_stops_without_warnings_and_is_drawn():
    with np.errstate(all="raise"):  # no overflow reaches the user
        state = op.run(50, 0, {"SGD": {"lr": 0.1}, "Adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999}})
    assert state.diverged == {"SGD": True, "Adam": False}
    assert np.linalg.norm(state.paths["SGD"][-1]) < op.DIVERGED and len(state.paths["SGD"]) < 61
    assert state.final_loss("SGD") == math.inf
    fig = op.draw(state)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts[0] == "SGD (lr 0.1): diverged"
    assert texts[1] == "momentum: off" and texts[2] == "RMSProp: off"
    assert texts[3].startswith("Adam (lr 0.3, β₁ 0.9, β₂ 0.999): f = ")


def test_draw_shows_every_path_and_its_losses():
    state = op.run(50, 45)
    fig = op.draw(state)
    ax_paths, ax_loss = fig.axes
    for name, line in zip(op.OPTIMIZERS, ax_paths.get_lines()):
        np.testing.assert_array_equal(line.get_xydata(), state.paths[name])
    loss_lines = [line for line in ax_loss.get_lines() if line.get_label() in op.OPTIMIZERS]
    assert [line.get_label() for line in loss_lines] == list(op.OPTIMIZERS)
    np.testing.assert_allclose(loss_lines[0].get_ydata(), np.log10(state.losses("SGD")))
    assert ax_paths.get_title() == "κ = 50, rotated 45°"
    assert op.png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_playground_callbacks_redraw_and_set_the_predictions(capsys):
    widget = op.playground()
    classes = {c for child in _walk(widget) for c in child._dom_classes}
    assert {"mlpfs-kappa-slider", "mlpfs-angle-slider", "mlpfs-steps-slider", "mlpfs-figure",
            "mlpfs-sgd-lr-slider", "mlpfs-momentum-lr-slider", "mlpfs-momentum-momentum-slider",
            "mlpfs-rmsprop-lr-slider", "mlpfs-rmsprop-rho-slider", "mlpfs-adam-lr-slider",
            "mlpfs-adam-beta1-slider", "mlpfs-adam-beta2-slider", "mlpfs-show-sgd-checkbox",
            "mlpfs-predict-button", "mlpfs-reset-button"} <= classes
    controls = [c for c in _walk(widget) if type(c).__name__.endswith(("Slider", "Button", "Checkbox"))]
    # bowl: 3 sliders, 2 buttons; 4 learning rates, 4 other hyper-parameters, 4 check boxes
    assert len(controls) == 3 + 2 + 4 + 4 + 4 and all(c.description for c in controls)
    first = widget.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"

    widget.controls["Adam"]["lr"].value = 2.0          # the observer redraws
    assert widget.image.value != first
    legend = [t.get_text() for t in widget.figure.axes[0].get_legend().get_texts()]
    assert legend[3].startswith("Adam (lr 2,")

    widget.kappa.value = 100.0
    assert widget.on_predict() is None
    assert math.isclose(widget.controls["SGD"]["lr"].value, 2 / 101, rel_tol=1e-6)
    assert math.isclose(widget.controls["momentum"]["momentum"].value, (9 / 11) ** 2, rel_tol=1e-3)
    assert widget.figure.axes[0].get_title() == "κ = 100, rotated 0°"

    widget.shown["RMSProp"].value = False
    legend = [t.get_text() for t in widget.figure.axes[0].get_legend().get_texts()]
    assert legend[2] == "RMSProp: off"

    assert widget.on_reset() is None
    assert widget.kappa.value == 50 and widget.controls["Adam"]["lr"].value == pytest.approx(0.3)
    assert widget.shown["RMSProp"].value
    assert widget.redraw() is None
    assert capsys.readouterr().out == ""


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_reset_and_the_optimum_button_redraw_once_and_kappa_reads_50():
    widget = op.playground()
    widget.kappa.value = 200.0
    widget.angle.value = 45
    widget.controls["Adam"]["lr"].value = 2.0
    before = widget.redrawer.count
    widget.on_predict()
    assert widget.redrawer.count == before + 1
    assert widget.controls["SGD"]["lr"].value == pytest.approx(2 / 201)
    widget.on_reset()
    assert widget.redrawer.count == before + 2
    assert widget.kappa.value == 50.0 and widget.kappa.label == "50"
    assert widget.controls["SGD"]["lr"].label == "0.035"
    assert widget.controls["Adam"]["lr"].value == 0.3
    widget.on_reset()                                   # nothing to change: no redraw
    assert widget.redrawer.count == before + 2


def test_every_value_a_button_sets_is_one_the_slider_offers():
    # so the browser never rounds it to a step and sends the rounded value back
    widget = op.playground()
    for kappa in op.KAPPAS:
        widget.kappa.value = float(kappa)
        widget.on_predict()
        for name, hyper in op.predicted_settings(kappa).items():
            for key, value in hyper.items():
                assert widget.controls[name][key].value == value, (kappa, name, key)
    for name, hyper in op.default_settings().items():
        for key, value in hyper.items():
            assert value in op.slider_values(name, key)


def test_checkbox_labels_are_whole_and_the_status_says_what_diverged():
    widget = op.playground()
    for checkbox in widget.shown.values():
        assert checkbox.layout.width == "auto" and not checkbox.indent
    assert widget.status.value == "κ = 50, rotated 0°, 60 steps"
    widget.controls["SGD"]["lr"].value = 0.1
    assert "SGD diverged" in widget.status.value
    assert widget.image.layout.max_width == "880px"
