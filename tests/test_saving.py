import json
import zipfile

import numpy as np
import pytest

import mlp_from_scratch as mfs


def make_model(rng):
    return mfs.Sequential(
        mfs.Dense(6, 8, rng=rng), mfs.BatchNorm(8), mfs.LeakyReLU(0.2), mfs.Dropout(0.3, rng=rng),
        mfs.Dense(8, 4, rng=rng, init="xavier"), mfs.Tanh(), mfs.Dense(4, 3, rng=rng),
    )


@pytest.fixture
def model(rng):
    model = make_model(rng)
    X = rng.standard_normal((64, 6)).astype(np.float32)
    mfs.fit(model, X, rng.integers(0, 3, 64), loss=mfs.SoftmaxCrossEntropy(),
            optimizer=mfs.Adam(0.01), num_epochs=3, batch_size=16, rng=rng)
    return model


def test_round_trip_gives_identical_predictions(model, rng, tmp_path):
    path = mfs.save_model(model, tmp_path / "model")
    assert path.name == "model.npz"
    loaded = mfs.load_model(path)
    X = rng.standard_normal((50, 6)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert repr(loaded) == repr(model)
    np.testing.assert_array_equal(loaded[1].buffers["running_var"], model[1].buffers["running_var"])
    assert not np.array_equal(model[1].buffers["running_var"], 1)  # the buffers were trained


def test_load_weights_into_same_architecture(model, tmp_path):
    path = mfs.save_model(model, tmp_path / "m.npz")
    twin = make_model(np.random.default_rng(99))
    assert not np.array_equal(twin.param_vector, model.param_vector)
    mfs.load_weights(twin, path)
    np.testing.assert_array_equal(twin.param_vector, model.param_vector)


def test_other_architecture_is_refused_with_both_shown(model, rng, tmp_path):
    path = mfs.save_model(model, tmp_path / "m.npz")
    other = mfs.Sequential(mfs.Dense(6, 5, rng=rng), mfs.ReLU(), mfs.Dense(5, 3, rng=rng))
    with pytest.raises(mfs.ModelFileError, match=r"different model:\n  file:  Dense\(6, 8.*\n  model: Dense\(6, 5"):
        mfs.load_weights(other, path)


def test_float64_model_round_trip(rng, tmp_path):
    model = mfs.Sequential(mfs.Dense(3, 2, rng=rng, dtype=np.float64))
    loaded = mfs.load_model(mfs.save_model(model, tmp_path / "m64.npz"))
    assert loaded.dtype == np.float64
    np.testing.assert_array_equal(loaded.param_vector, model.param_vector)


def rewrite(path, arrays):
    np.savez(path, **arrays)
    return path


def contents(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


@pytest.fixture
def saved(model, tmp_path):
    return mfs.save_model(model, tmp_path / "good.npz")


def test_truncated_file(saved):
    saved.write_bytes(saved.read_bytes()[:300])
    with pytest.raises(mfs.ModelFileError, match="not a readable model file"):
        mfs.load_model(saved)


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.npz"
    path.write_text("hello")
    with pytest.raises(mfs.ModelFileError, match="not a readable model file"):
        mfs.load_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(mfs.ModelFileError, match="not a readable model file"):
        mfs.load_model(tmp_path / "nothing.npz")


def test_pickled_arrays_are_refused(saved, tmp_path):
    arrays = contents(saved)
    arrays["0.W"] = np.array([{"evil": "payload"}], dtype=object)
    rewrite(saved, arrays)
    with pytest.raises(mfs.ModelFileError, match="pickle"):
        mfs.load_model(saved)


def test_no_architecture(saved):
    arrays = contents(saved)
    del arrays["architecture"]
    rewrite(saved, arrays)
    with pytest.raises(mfs.ModelFileError, match="no architecture"):
        mfs.load_model(saved)


@pytest.mark.parametrize("edit,message", [
    (lambda a: a["layers"].__setitem__(0, {"type": "os.system", "config": {}}), "unknown layer type"),
    (lambda a: a["layers"][0]["config"].__setitem__("bogus", 1), "malformed"),
    (lambda a: a.__setitem__("version", 99), "version 99"),
    (lambda a: a.__setitem__("dtype", "int8"), "unsupported dtype"),
    (lambda a: a.__delitem__("layers"), "malformed"),
])
def test_bad_architecture(saved, edit, message):
    arrays = contents(saved)
    architecture = json.loads(str(arrays["architecture"]))
    edit(architecture)
    arrays["architecture"] = np.array(json.dumps(architecture))
    rewrite(saved, arrays)
    with pytest.raises(mfs.ModelFileError, match=message):
        mfs.load_model(saved)


@pytest.mark.parametrize("edit,message", [
    (lambda a: a.__setitem__("0.W", np.zeros((6, 9), np.float32)), r"0\.W has float32 \(6, 9\)"),
    (lambda a: a.__setitem__("0.W", np.zeros((6, 8), np.float64)), r"float64 \(6, 8\), expected float32"),
    (lambda a: a.__setitem__("0.W", np.full((6, 8), np.nan, np.float32)), "NaN"),
    (lambda a: a.__delitem__("1.running_mean"), "do not match"),
    (lambda a: a.__setitem__("extra", np.zeros(1)), "do not match"),
])
def test_bad_arrays(saved, edit, message):
    arrays = contents(saved)
    edit(arrays)
    rewrite(saved, arrays)
    with pytest.raises(mfs.ModelFileError, match=message):
        mfs.load_model(saved)


def test_huge_declared_array_is_refused_before_reading(saved):
    # A member far larger than the architecture allows (a zip bomb would be similar).
    arrays = contents(saved)
    arrays["0.b"] = np.zeros(1_000_000, np.float32)
    rewrite(saved, arrays)
    with zipfile.ZipFile(saved) as z:
        assert z.getinfo("0.b.npy").file_size > 4_000_000
    with pytest.raises(mfs.ModelFileError, match=r"0\.b is larger than shape \(8,\)"):
        mfs.load_model(saved)
