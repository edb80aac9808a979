"""Notebook 02's network playground: its plain functions and its callbacks, without a browser."""

import asyncio

import numpy as np
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch.playgrounds import network as nw


@pytest.mark.parametrize("name, n, classes", [("xor", 4, 2), ("moons", 200, 2),
                                              ("circles", 200, 2), ("spirals", 300, 3)])
def test_datasets_have_the_promised_shapes(name, n, classes):
    X, y = nw.make_dataset(name, seed=1)
    assert X.shape == (n, 2) and X.dtype == np.float32
    assert y.shape == (n,) and set(np.unique(y)) == set(range(classes))
    X2, y2 = nw.make_dataset(name, seed=1)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)          # the seed decides


def test_config_rejects_bad_values_naming_them():
    for kwargs, match in [({"dataset": "iris"}, "dataset 'iris'"), ({"activation": "elu"}, "activation"),
                          ({"hidden": 0}, "hidden=0"), ({"depth": 9}, "depth=9"), ({"lr": -1.0}, "lr=-1.0")]:
        with pytest.raises(ValueError, match=match):
            nw.Config(**kwargs)


def test_build_model_stacks_depth_blocks_and_one_output_per_class():
    rng = np.random.default_rng(0)
    model = nw.build_model(2, nw.Config(hidden=5, depth=3, activation="tanh"), rng)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "Tanh"] * 3 + ["Dense"]
    assert model.layers[-1].params["W"].shape == (5, 1)
    model = nw.build_model(3, nw.Config(hidden=4, depth=1, activation="relu"), rng)
    assert model.layers[-1].params["W"].shape == (4, 3) and model.layers[0].init == "he"


def test_training_is_deterministic_and_matches_fit():
    config = nw.Config(dataset="moons", hidden=6, activation="tanh", lr=0.3, seed=4)
    a = nw.train_epochs(nw.new_state(config), 30)
    b = nw.train_epochs(nw.train_epochs(nw.new_state(config), 10), 20)   # in chunks, as the UI trains
    assert a.epoch == b.epoch == 30 and np.allclose(a.losses, b.losses)
    # the same run written with the package directly
    X, y = nw.make_dataset("moons", 4)
    rng = np.random.default_rng(4)
    model = nw.build_model(2, config, rng)
    history = mfs.fit(model, X, y, loss=mfs.BinaryCrossEntropyWithLogits(), optimizer=mfs.SGD(0.3),
                      num_epochs=30, batch_size=32, rng=rng)
    assert np.allclose(history["loss"], a.losses)
    assert a.losses[-1] < 0.6 * a.losses[0]                              # it learns


def test_xor_reproduces_the_notebooks_stuck_and_solved_runs():
    stuck = nw.train_epochs(nw.new_state(nw.Config("xor", 2, 1, "relu", 0.3, 0)), 300)
    entropy = lambda p: -(p * np.log(p) + (1 - p) * np.log(1 - p))
    assert stuck.accuracies[-1] == 0.75 and abs(stuck.losses[-1] - 0.75 * entropy(1 / 3)) < 0.01   # a plateau
    solved = nw.train_epochs(nw.new_state(nw.Config("xor", 8, 1, "tanh", 1.0, 0)), 300)
    assert solved.accuracies[-1] == 1.0


def test_a_diverging_run_stops_and_says_so():
    state = nw.new_state(nw.Config("moons", 32, 4, "relu", 10.0, 0))
    nw.train_epochs(state, 200)
    if state.diverged:                                       # it may also just bounce about
        assert "diverged" in nw.status_line(state)
        before = state.epoch
        assert nw.train_epochs(state, 5).epoch == before


def test_probabilities_sum_to_one_for_two_and_three_classes():
    for dataset in ["circles", "spirals"]:
        state = nw.new_state(nw.Config(dataset=dataset))
        P = nw.probabilities(state, state.X)
        assert P.shape == (len(state.X), state.num_classes) and np.allclose(P.sum(axis=1), 1)


def test_set_lr_changes_the_running_optimizer_and_validates():
    state = nw.new_state(nw.Config())
    nw.set_lr(state, 0.05)
    assert state.optimizer.lr == 0.05 and state.config.lr == 0.05
    with pytest.raises(ValueError, match="lr=0"):
        nw.set_lr(state, 0.0)


def test_live_view_shows_the_state_and_updates_in_place():
    state = nw.new_state(nw.Config("moons", 8, 1, "relu", 0.3, 0))
    view = nw.LiveView(state)
    assert view.ax_loss.get_title() == "not trained yet: press Train"
    assert [t.get_text() for t in view.ax_loss.get_legend().get_texts()] == ["training loss"]
    first = view.png()
    nw.train_epochs(state, 5)
    view.update(state)
    x, y = view.curve.get_data()
    assert list(x) == [1, 2, 3, 4, 5] and np.allclose(y, state.losses)   # the loss curve's series
    assert view.ax_loss.get_title().startswith("epoch 5: loss")
    assert view.ax.get_title() == "moons: 1×8 relu, lr 0.3, seed 0"
    assert view.boundary is not None                                     # the P = 0.5 line is drawn
    assert view.png() != first and view.png()[:4] == b"\x89PNG"


def test_draw_surface_is_a_3d_figure_for_two_and_three_classes():
    for dataset, label in [("xor", "P(class 1)"), ("spirals", "P(predicted class)")]:
        fig = nw.draw_surface(nw.new_state(nw.Config(dataset=dataset)))
        assert fig.axes[0].name == "3d" and fig.axes[0].get_zlabel() == label


def test_train_live_redraws_after_every_chunk_and_stops_when_asked():
    state = nw.new_state(nw.Config("xor", 3, 1, "tanh", 1.0, 0))
    seen = []
    asyncio.run(nw.train_live(state, lambda s: seen.append(s.epoch), num_epochs=50, redraw_every=20))
    assert seen == [20, 40, 50]
    seen.clear()
    asyncio.run(nw.train_live(state, lambda s: seen.append(s.epoch), num_epochs=100, redraw_every=10,
                              should_stop=lambda: len(seen) >= 2))
    assert seen == [60, 70]


def test_the_widget_callbacks_train_reset_and_draw_the_surface():
    ui, static = nw.network_playground("xor", hidden=2, activation="relu", seed=0,
                                       epochs_per_click=40, static_epochs=20)
    hooks = ui._mlpfs
    box, controls = hooks["state"], hooks["controls"]
    assert static.axes[1].get_title().startswith("epoch 20")              # the static figure is trained
    assert hooks["status"].value == "not trained yet: press Train"
    first = hooks["image"].value
    assert asyncio.run(hooks["train_task"]()) is None                     # what Train schedules
    assert box["state"].epoch == 40 and hooks["image"].value != first
    assert hooks["status"].value.startswith("epoch 40")

    async def click_train_and_wait():                                     # the button, in an event loop
        hooks["train"]()
        assert box["task"] is not None and not box["task"].done()       # training runs in the background
        await box["task"]

    asyncio.run(click_train_and_wait())
    assert box["state"].epoch == 80
    controls["lr"].value = 0.1                                            # lr changes the running run
    assert box["state"].optimizer.lr == pytest.approx(0.1) and box["state"].epoch == 80
    controls["width"].value = 3                                           # other controls start again
    assert box["state"].epoch == 0 and box["state"].config.hidden == 3
    assert hooks["surface_image"].layout.display == "none"
    assert hooks["surface"]() is None
    assert hooks["surface_image"].value[:4] == b"\x89PNG" and hooks["surface_image"].layout.display is None
    assert hooks["reset"]() is None and hooks["surface_image"].layout.display == "none"
    classes = set()
    for widget in [*controls.values(), hooks["image"], hooks["surface_image"], hooks["status"]]:
        classes |= set(widget._dom_classes)
    assert {"mlpfs-dataset-dropdown", "mlpfs-width-slider", "mlpfs-depth-slider",
            "mlpfs-activation-dropdown", "mlpfs-lr-slider", "mlpfs-seed-slider", "mlpfs-figure",
            "mlpfs-surface-figure", "mlpfs-status"} <= classes
    assert all(w.description for w in controls.values())


def test_the_lr_slider_offers_the_exact_rate_it_starts_with():
    assert nw.learning_rates(0.3) == list(nw.LEARNING_RATES)
    assert nw.learning_rates(0.25) == sorted([*nw.LEARNING_RATES, 0.25])
    ui, _ = nw.network_playground("moons", lr=0.25, static_epochs=1)
    assert ui._mlpfs["controls"]["lr"].value == 0.25 and ui._mlpfs["state"]["state"].config.lr == 0.25


def test_a_run_that_blows_up_and_then_sits_flat_is_called_diverged():
    # lr 10 on a 3×20 ReLU net: the loss jumps to about 1e5, then the dead units leave it
    # flat near 1.04 and the accuracy at 50%, with no NaN for fit to catch
    state = nw.train_epochs(nw.new_state(nw.Config("xor", 20, 3, "relu", 10.0, 0)), 100)
    assert not state.diverged and max(state.losses) > 1e3
    assert state.blew_up_at is not None and state.blew_up_at <= 5
    line = nw.status_line(state)
    assert line.startswith(f"diverged at epoch {state.blew_up_at}") and "lower it" in line
    assert nw.LiveView(state).ax_loss.get_title() == nw.title_line(state) and len(nw.title_line(state)) < 45
    good = nw.train_epochs(nw.new_state(nw.Config("xor", 3, 1, "relu", 0.3, 0)), 300)
    assert good.blew_up_at is None and nw.status_line(good).startswith("epoch 300")


def test_the_loss_axis_before_training_spans_losses_not_zero():
    view = nw.LiveView(nw.new_state(nw.Config("xor", 2)))
    low, high = view.ax_loss.get_ylim()
    assert view.ax_loss.get_yscale() == "log" and 0 < low < 0.1 and 1 < high < 10


def test_the_surface_follows_training_and_train_shows_work_at_once():
    ui, _ = nw.network_playground("xor", hidden=3, seed=0, epochs_per_click=60, static_epochs=1)
    hooks = ui._mlpfs
    hooks["surface"]()
    assert hooks["state"]["surface_epoch"] == 0
    first_surface = hooks["surface_image"].value

    async def click_train():
        hooks["train"]()
        assert hooks["status"].value.startswith("training…")     # before the first epoch
        await hooks["state"]["task"]

    asyncio.run(click_train())
    assert hooks["state"]["state"].epoch == 60
    assert hooks["state"]["surface_epoch"] == 60 and hooks["surface_image"].value != first_surface


def test_controls_that_start_again_coalesce_into_one_reset():
    ui, _ = nw.network_playground("xor", static_epochs=1)
    hooks = ui._mlpfs
    before = hooks["resetter"].count

    async def drag_width():
        for width in (3, 4, 5, 6):
            hooks["controls"]["width"].value = width
        assert hooks["status"].value == "working…"
        while hooks["resetter"].pending:
            await asyncio.sleep(0.01)

    asyncio.run(drag_width())
    assert hooks["resetter"].count == before + 1 and hooks["state"]["state"].config.hidden == 6


def test_redraws_and_resets_update_one_figure_and_the_surface_keeps_its_axes():
    ui, _ = nw.network_playground("xor", hidden=2, static_epochs=1)
    hooks = ui._mlpfs
    view = hooks["state"]["view"]
    fig, axes, points, image = view.fig, list(view.fig.axes), view.points_shown, view.image
    nw.train_epochs(hooks["state"]["state"], 20)
    hooks["redraw"]()
    hooks["controls"]["dataset"].value = "moons"                          # a new run, new data
    assert hooks["state"]["view"] is view and view.fig is fig and view.fig.axes == axes
    assert view.points_shown is points
    assert list(view.ax.images) == [image] and view.ax.collections.count(points) == 1
    np.testing.assert_array_equal(points.get_offsets(), hooks["state"]["state"].X)
    assert view.ax.get_xlim() == view.extent[:2] and view.ax_loss.get_xlim() == (0, 10)
    # the reused view draws what a new one draws for the same state
    assert view.png() == nw.LiveView(hooks["state"]["state"]).png()
    hooks["surface"]()
    surface = hooks["state"]["surface_view"]
    surface_axes = list(surface.fig.axes)
    nw.train_epochs(hooks["state"]["state"], 5)
    hooks["surface"]()
    assert hooks["state"]["surface_view"] is surface and surface.fig.axes == surface_axes
    assert len(surface.ax.collections) == 2                              # the old surface is gone
    assert surface.ax.get_title().startswith("moons, epoch 5")
