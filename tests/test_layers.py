import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlp_from_scratch as mfs


def random_nonzero(layer, rng):
    """Move parameters off their initial values (zero biases, unit gammas) so the check
    sees a general point; zero biases would also put ReLU inputs near its kink."""
    for p in layer.params.values():
        p[...] = rng.uniform(0.5, 1.5, p.shape) * rng.choice([-1, 1], p.shape)


def make_layers(n_in, n_out, rng):
    f64 = np.float64
    return {
        "Dense-he": mfs.Dense(n_in, n_out, rng=rng, dtype=f64),
        "Dense-xavier": mfs.Dense(n_in, n_out, rng=rng, init="xavier", dtype=f64),
        "ReLU": mfs.ReLU(), "LeakyReLU": mfs.LeakyReLU(0.1), "Sigmoid": mfs.Sigmoid(),
        "Tanh": mfs.Tanh(), "Identity": mfs.Identity(), "Softmax": mfs.Softmax(),
        "BatchNorm": mfs.BatchNorm(n_in, dtype=f64),
    }


@settings(max_examples=15, deadline=None)
# A batch of 2 is too small for BatchNorm: x̂ = ±1 whatever x, so its input gradient is
# ~0 and a relative error would compare rounding noise.
@given(seed=st.integers(0, 2**32 - 1), batch=st.integers(3, 8), n_in=st.integers(1, 5),
       n_out=st.integers(1, 5), training=st.booleans())
def test_every_layer_matches_central_differences(seed, batch, n_in, n_out, training):
    rng = np.random.default_rng(seed)
    for name, layer in make_layers(n_in, n_out, rng).items():
        random_nonzero(layer, rng)
        x = rng.standard_normal((batch, n_in))
        x[np.abs(x) < 1e-3] = 0.5  # no input on a kink
        if name == "BatchNorm" and not training:
            layer.buffers["running_var"][...] = rng.uniform(0.5, 2, n_in)
        errors = mfs.check_layer(layer, x, rng=rng, training=training)
        assert max(errors.values()) < 1e-6, (name, errors)


def test_dense_shapes_init_and_dtype(rng):
    layer = mfs.Dense(300, 200, rng=rng)
    assert layer.params["W"].shape == (300, 200) and layer.params["b"].shape == (200,)
    assert layer.params["W"].dtype == np.float32
    assert layer.params["W"].std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    xavier = mfs.Dense(300, 200, rng=rng, init="glorot")
    assert xavier.params["W"].std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    y = layer.forward(np.ones((4, 300), np.float32))
    assert y.shape == (4, 200) and y.dtype == np.float32
    with pytest.raises(ValueError, match="unknown init"):
        mfs.Dense(2, 2, rng=rng, init="uniform")


def test_wrong_input_width_names_layer_and_both_shapes(rng):
    layer = mfs.Dense(3, 2, rng=rng)
    with pytest.raises(ValueError, match=r"Dense\(in_features=3.*\(batch, 3\).*\(4, 5\)"):
        layer.forward(np.zeros((4, 5), np.float32))


def test_dropout_is_identity_in_evaluation(rng):
    x = rng.standard_normal((10, 20)).astype(np.float32)
    layer = mfs.Dropout(0.5, rng=rng)
    assert layer.forward(x, training=False) is x
    g = rng.standard_normal(x.shape).astype(np.float32)
    assert layer.backward(g) is g


def test_dropout_preserves_expectation_and_drops_p(rng):
    x = np.ones((2000, 500), np.float32)
    layer = mfs.Dropout(0.3, rng=rng)
    y = layer.forward(x, training=True)
    assert y.dtype == np.float32
    assert np.mean(y == 0) == pytest.approx(0.3, abs=0.005)
    assert y.mean() == pytest.approx(1.0, abs=0.005)
    np.testing.assert_allclose(np.unique(y), [0, 1 / 0.7], rtol=1e-6)
    g = np.ones_like(x)
    np.testing.assert_array_equal(layer.backward(g), y)  # same mask going back


def test_dropout_rejects_bad_p(rng):
    for p in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"\[0, 1\)"):
            mfs.Dropout(p, rng=rng)


def test_batchnorm_normalizes_each_feature_in_training(rng):
    x = (rng.standard_normal((256, 4)) * [1, 5, 0.1, 20] + [3, -2, 0, 100]).astype(np.float32)
    bn = mfs.BatchNorm(4)
    y = bn.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=0), 1, atol=1e-3)
    bn.params["gamma"][...] = 2
    bn.params["beta"][...] = -1
    y = bn.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), -1, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=0), 2, atol=1e-3)


def test_batchnorm_uses_running_statistics_in_evaluation(rng):
    mean, std = np.array([3.0, -2.0]), np.array([2.0, 0.5])
    bn = mfs.BatchNorm(2, momentum=0.9)
    for _ in range(200):
        bn.forward((rng.standard_normal((128, 2)) * std + mean).astype(np.float32), training=True)
    np.testing.assert_allclose(bn.buffers["running_mean"], mean, atol=0.1)
    np.testing.assert_allclose(bn.buffers["running_var"], std**2, rtol=0.1)
    # Evaluation ignores the batch: one example gives the same output alone or in a batch.
    x = (rng.standard_normal((16, 2)) * std + mean).astype(np.float32)
    alone = bn.forward(x[:1], training=False)
    np.testing.assert_allclose(bn.forward(x, training=False)[:1], alone, rtol=1e-6)
    expected = (x - bn.buffers["running_mean"]) / np.sqrt(bn.buffers["running_var"] + bn.eps)
    np.testing.assert_allclose(bn.forward(x, training=False), expected, rtol=1e-5, atol=1e-6)
    before = bn.buffers["running_mean"].copy()
    bn.forward(x, training=False)
    np.testing.assert_array_equal(bn.buffers["running_mean"], before)


def test_softmax_layer_outputs_distributions(rng):
    y = mfs.Softmax().forward(rng.standard_normal((3, 5)).astype(np.float32))
    np.testing.assert_allclose(y.sum(axis=1), 1, rtol=1e-6)


def test_check_layer_catches_a_wrong_gradient(rng):
    class BrokenTanh(mfs.Tanh):
        def backward(self, grad_out):
            return grad_out * (1 - np.tanh(self._z))  # forgot to square

    errors = mfs.check_layer(BrokenTanh(), rng.standard_normal((3, 4)), rng=rng)
    assert errors["input"] > 1e-2
