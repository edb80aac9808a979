import numpy as np
import pandas as pd
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch.model import all_finite


def xor_model(seed):
    rng = np.random.default_rng(seed)
    model = mfs.Sequential(mfs.Dense(2, 8, rng=rng, init="xavier"), mfs.Tanh(),
                           mfs.Dense(8, 1, rng=rng, init="xavier"))
    return model, rng


def train_xor(seed=0, **kwargs):
    X, y = mfs.logic_gate("xor")
    model, rng = xor_model(seed)
    history = mfs.fit(model, X, y, loss=mfs.BinaryCrossEntropyWithLogits(),
                      optimizer=mfs.Adam(lr=0.05), num_epochs=200, batch_size=4, rng=rng, **kwargs)
    return model, history


def test_fit_learns_xor_to_100_percent():
    model, history = train_xor()
    X, y = mfs.logic_gate("xor")
    assert mfs.accuracy(y, mfs.BinaryCrossEntropyWithLogits().predict(model.predict(X))) == 1.0
    assert history["accuracy"].iloc[-1] == 1.0
    assert history["loss"].iloc[-1] < 0.05 < history["loss"].iloc[0]
    assert list(history.columns) == ["epoch", "loss", "accuracy", "lr"]
    assert history["epoch"].tolist() == list(range(1, 201))


def test_same_seed_gives_bit_identical_weights():
    a, _ = train_xor(seed=3)
    b, _ = train_xor(seed=3)
    c, _ = train_xor(seed=4)
    np.testing.assert_array_equal(a.param_vector, b.param_vector)
    assert not np.array_equal(a.param_vector, c.param_vector)


def test_history_has_validation_columns_and_schedule(rng):
    X, y = mfs.make_moons(200, rng=rng)
    Xv, yv = mfs.make_moons(100, rng=rng)
    model = mfs.Sequential(mfs.Dense(2, 16, rng=rng), mfs.ReLU(), mfs.Dense(16, 2, rng=rng))
    sched = mfs.warmup_cosine(0.01, warmup_steps=5, total_steps=70)
    seen = []
    history = mfs.fit(model, X, y, loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.Adam(),
                      num_epochs=10, batch_size=32, rng=rng, validation_data=(Xv, yv),
                      lr_schedule=sched, callback=seen.append)
    assert isinstance(history, pd.DataFrame)
    assert list(history.columns) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert history["lr"].iloc[-1] == pytest.approx(sched(69))  # 7 steps per epoch
    assert len(seen) == 10 and seen[-1]["epoch"] == 10
    assert history["val_accuracy"].iloc[-1] > 0.8
    assert not model.training  # fit leaves the model in evaluation mode


def test_progress_prints_rounded_lines_without_timings(capsys):
    train_xor(progress=100)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 100/200  loss 0.")
    assert "s/" not in lines[0] and "time" not in lines[0]


def test_nan_loss_stops_training_with_advice():
    X, y = mfs.logic_gate("xor")
    model, rng = xor_model(0)
    with pytest.raises(mfs.TrainingDiverged, match=r"epoch 1, step \d+.*learning rate.*lower") as info:
        mfs.fit(model, X * 1e30, y, loss=mfs.MSE(), optimizer=mfs.SGD(lr=1e10),
                num_epochs=5, batch_size=1, rng=rng)
    assert isinstance(info.value.history, pd.DataFrame)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_all_finite_finds_any_nan_or_infinity(bad, rng):
    X = rng.standard_normal((50, 7)).astype(np.float32)
    assert all_finite(X) and all_finite(X[:0]) and all_finite(np.arange(6).reshape(2, 3))
    X[31, 4] = bad
    assert not all_finite(X)


def test_bad_inputs_are_clear_errors(rng):
    X, y = mfs.logic_gate("xor")
    model, rng = xor_model(0)
    kwargs = dict(loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.SGD(0.1), num_epochs=1, rng=rng)
    with pytest.raises(ValueError, match="NaN or infinity"):
        mfs.fit(model, np.array([[0, np.nan]] * 4), y, **kwargs)
    with pytest.raises(ValueError, match="3 features but the model's first layer expects 2"):
        mfs.fit(model, np.zeros((4, 3)), y, **kwargs)
    with pytest.raises(ValueError, match="4 rows but its targets have 3"):
        mfs.fit(model, X, y[:3], **kwargs)
    with pytest.raises(ValueError, match="reshape"):
        mfs.fit(model, np.zeros((4, 1, 2)), y, **kwargs)
    wide = mfs.Sequential(mfs.Dense(2, 3, rng=rng))
    with pytest.raises(ValueError, match=r"labels must be in 0\.\.2.*from 0 to 7"):
        mfs.fit(wide, X, np.array([0, 1, 7, 2]), **kwargs)


def test_minibatches_cover_the_data_and_reshuffle(rng):
    X, y = np.arange(10)[:, None], np.arange(10)
    batches = list(mfs.minibatches(X, y, 4, rng=rng))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    first = np.concatenate([b[1] for b in batches])
    assert sorted(first) == list(range(10))
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in batches)  # rows stay paired
    second = np.concatenate([b[1] for b in mfs.minibatches(X, y, 4, rng=rng)])
    assert not np.array_equal(first, second)
    ordered = np.concatenate([b[1] for b in mfs.minibatches(X, y, 3)])
    np.testing.assert_array_equal(ordered, y)


def test_evaluate_and_augment(rng):
    X, y = mfs.logic_gate("xor")
    model, rng = xor_model(1)
    calls = []

    def augment(X_batch, rng):
        calls.append(len(X_batch))
        return X_batch

    mfs.fit(model, X, y, loss=mfs.BinaryCrossEntropyWithLogits(), optimizer=mfs.Adam(0.05),
            num_epochs=3, batch_size=2, rng=rng, augment=augment)
    assert calls == [2] * 6
    loss, acc = mfs.evaluate(model, X, y, mfs.BinaryCrossEntropyWithLogits())
    assert loss > 0 and 0 <= acc <= 1
