"""Notebook 01's perceptron reference and its stepping playground, as plain functions."""

import numpy as np
import pytest

from mlp_from_scratch.data import logic_gate
from mlp_from_scratch.playgrounds import perceptron as pp


def hand_epoch(X, y, w, b, lr):
    # Rosenblatt's rule written out independently, in plain Python floats
    w, b = [float(v) for v in w], float(b)
    for x_i, y_i in zip(X.tolist(), y.tolist()):
        y_hat = 1 if sum(a * c for a, c in zip(w, x_i)) + b > 0 else 0
        error = y_i - y_hat
        w = [a + lr * error * c for a, c in zip(w, x_i)]
        b += lr * error
    return np.array(w), b


def test_perceptron_epoch_matches_the_rule_written_out(rng):
    for _ in range(20):
        X = rng.normal(size=(12, 3))
        y = (rng.random(12) < 0.5).astype(np.int64)
        w0, b0 = rng.normal(size=3), float(rng.normal())
        w, b = pp.perceptron_epoch(X, y, w0, b0, 0.3)
        w_ref, b_ref = hand_epoch(X, y, w0, b0, 0.3)
        np.testing.assert_allclose(w, w_ref)
        assert b == pytest.approx(b_ref)


def test_perceptron_epoch_leaves_its_inputs_alone_and_skips_right_rows():
    X, y = logic_gate("and")
    w0 = np.array([1.0, 1.0])
    w, b = pp.perceptron_epoch(X, y, w0, -1.5, 0.5)
    assert w is not w0 and np.array_equal(w, [1.0, 1.0]) and b == -1.5
    w, b = pp.perceptron_epoch(X, y, np.zeros(2), 0.0, 1.0)
    assert np.array_equal(w0, [1.0, 1.0])


def test_updates_record_the_row_that_caused_each_update():
    X, y = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([1, 1])
    states = pp.perceptron_updates(X, y, [0.0, 0.0], 0.0, 1.0)
    assert [i for _, _, i in states] == [None, 0]          # the second row is right after the first update
    assert np.array_equal(states[-1][0], [1.0, 0.0]) and states[-1][1] == 1.0


def test_train_perceptron_learns_the_separable_gates_and_never_xor(rng):
    for gate in ["and", "or", "nand"]:
        X, y = logic_gate(gate)
        w, b, snapshots, accuracies = pp.train_perceptron(X, y, lr=0.2, num_epochs=50, w=rng.normal(size=2))
        assert np.array_equal(pp.step(X @ w + b), y) and accuracies[-1] == 1.0
        assert len(snapshots) >= 1 and len(accuracies) < 50
    X, y = logic_gate("xor")
    *_, accuracies = pp.train_perceptron(X, y, lr=0.2, num_epochs=100, w=[0.1, -0.2])
    assert len(accuracies) == 100 and max(accuracies) < 1.0


def test_bad_shapes_name_the_arguments():
    with pytest.raises(ValueError, match="w \\(features,\\)"):
        pp.perceptron_epoch(np.zeros((4, 2)), np.zeros(4), np.zeros(3), 0.0, 0.1)


def test_next_update_steps_one_update_at_a_time_until_converged():
    X, y = logic_gate("and")
    state = pp.new_stepper([-0.3, 0.4], 0.1, 0.5)
    w, b, snapshots, _ = pp.train_perceptron(X, y, lr=0.5, num_epochs=50, w=[-0.3, 0.4], b=0.1)
    seen = []
    for _ in range(100):
        state = pp.next_update(state, X, y)
        if state.converged:
            break
        seen.append((state.w.copy(), state.b))
        i = state.last
        assert pp.step(X[i] @ state.previous[0] + state.previous[1]) != y[i]   # the ringed row was wrong
    assert state.converged and len(seen) == len(snapshots) - 1
    for (w_k, b_k), (w_s, b_s) in zip(seen, snapshots[1:]):
        np.testing.assert_allclose(w_k, w_s)
        assert b_k == pytest.approx(b_s)
    assert pp.next_update(state, X, y).converged                                 # stays put


def test_next_update_on_xor_never_converges():
    X, y = logic_gate("xor")
    state = pp.new_stepper([0.0, 0.0], 0.0, 0.5)
    for _ in range(50):
        state = pp.next_update(state, X, y)
        assert not state.converged and state.last is not None


def test_draw_stepper_shows_both_lines_and_rings_the_mistake():
    X, y = logic_gate("and")
    state = pp.next_update(pp.new_stepper([-0.3, 0.4], 0.1, 0.5), X, y)
    fig = pp.draw_stepper(state, X, y)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["line before", "line now", "the mistake"]
    assert "row" in ax.get_title() and "update 1" in ax.get_title()
    assert pp.line_points(np.zeros(2), 1.0) is None


def test_the_widget_callbacks_step_reset_and_redraw():
    ui, static = pp.perceptron_stepper("and")
    hooks = ui._mlpfs
    first_png = hooks["image"].value
    assert first_png and static.axes
    assert hooks["next"]() is None                         # callbacks return None
    assert hooks["state"]["state"].updates == 1 and hooks["image"].value != first_png
    assert "update 1" in hooks["status"].value
    hooks["gate"].value = "xor"                            # a new gate starts over
    assert hooks["state"]["state"].updates == 0
    hooks["next"]()
    hooks["reset"]()
    assert hooks["state"]["state"].updates == 0 and hooks["status"].value.startswith("start")
    classes = {c for w in [hooks["gate"], hooks["lr"], hooks["image"]] for c in w._dom_classes}
    assert {"mlpfs-gate-dropdown", "mlpfs-lr-slider", "mlpfs-figure"} <= classes


def test_linearly_separable_is_exact_on_the_gates_and_simple_cases():
    for gate in ("and", "or", "nand"):
        assert pp.linearly_separable(*logic_gate(gate))
    assert not pp.linearly_separable(*logic_gate("xor"))
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    assert pp.linearly_separable(X, np.array([0, 0, 1]))
    assert not pp.linearly_separable(X, np.array([0, 1, 0]))       # the middle of a line
    with pytest.raises(ValueError, match="X \\(batch, 2\\)"):
        pp.linearly_separable(np.zeros((3, 3)), np.zeros(3))


def test_the_stepper_says_xor_can_never_converge_and_finds_the_cycle():
    ui, _ = pp.perceptron_stepper("xor")
    hooks = ui._mlpfs
    assert "can never converge" in hooks["status"].value            # before the first click
    for _ in range(5):
        hooks["next"]()
    state = hooks["state"]["state"]
    assert state.cycle == (1, 5)                                    # w, b and next row repeat
    assert "never converges: update 5 put the line back where update 1" in hooks["status"].value
    hooks["gate"].value = "and"
    assert "never" not in hooks["status"].value


def test_the_neuron_playground_names_the_gate_and_keeps_its_size():
    ui, static = pp.neuron_playground(1.0, 1.0, -1.5)
    hooks = ui._mlpfs
    assert pp.gate_name(pp.neuron_outputs(1.0, 1.0, -1.5)) == "AND"
    assert hooks["status"].value.endswith("<b>AND</b>") and "11 → 1" in hooks["status"].value
    size = hooks["image"].value[16:24]                               # PNG width and height
    hooks["sliders"]["b"].value = -0.5
    assert hooks["status"].value.endswith("<b>OR</b>")
    hooks["sliders"]["w1"].value = -2.9                              # a longer title
    assert hooks["image"].value[16:24] == size                       # the page does not jump
    assert pp.gate_name([0, 1, 1, 0]) == "XOR" and pp.gate_name([1, 0, 0, 1]) == "no named gate"
    assert static.axes[0].get_title().endswith("AND")
    for slider in hooks["sliders"].values():
        assert slider.layout.width == "340px"


def test_the_stepper_figure_keeps_its_size():
    ui, _ = pp.perceptron_stepper("and")
    hooks = ui._mlpfs
    size = hooks["image"].value[16:24]
    for _ in range(3):
        hooks["next"]()
        assert hooks["image"].value[16:24] == size
