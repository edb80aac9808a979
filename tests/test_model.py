import numpy as np
import pytest

import mlp_from_scratch as mfs


def mlp(rng, sizes=(4, 8, 3), dtype=np.float32, batchnorm=False):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers.append(mfs.Dense(a, b, rng=rng, dtype=dtype))
        if b != sizes[-1]:
            if batchnorm:
                layers.append(mfs.BatchNorm(b, dtype=dtype))
            layers.append(mfs.ReLU())
    return mfs.Sequential(*layers)


def test_mismatched_sizes_name_the_layer_and_both_sizes(rng):
    with pytest.raises(ValueError, match=r"layer 2 Dense\(in_features=4.*expects 4 .*layer 1 ReLU\(\) produces 3"):
        mfs.Sequential(mfs.Dense(2, 3, rng=rng), mfs.ReLU(), mfs.Dense(4, 1, rng=rng))
    with pytest.raises(ValueError, match=r"layer 1 BatchNorm.*expects 5.*produces 3"):
        mfs.Sequential(mfs.Dense(2, 3, rng=rng), mfs.BatchNorm(5))
    with pytest.raises(TypeError, match="not a Layer"):
        mfs.Sequential(mfs.Dense(2, 3, rng=rng), np.tanh)


def test_wrong_input_width_is_a_clear_error(rng):
    model = mlp(rng)
    with pytest.raises(ValueError, match=r"\(batch, 4\).*\(5, 7\)"):
        model.forward(np.zeros((5, 7)))
    with pytest.raises(ValueError, match="reshape"):
        model.predict(np.zeros((5, 2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        model.predict(np.full((2, 4), np.nan))


def test_parameters_live_in_one_vector(rng):
    model = mlp(rng, batchnorm=True)
    assert model.num_parameters() == 4 * 8 + 8 + 2 * 8 + 8 * 3 + 3
    for p, g in zip(model.parameters(), model.gradients()):
        assert np.shares_memory(p, model.param_vector) and np.shares_memory(g, model.grad_vector)
    model.param_vector[:] = 0  # writing the vector writes every layer
    assert all(not p.any() for p in model.parameters())


def test_backward_fills_grad_vector_matching_finite_differences(rng):
    model = mlp(rng, dtype=np.float64, batchnorm=True)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    errors = mfs.check_model(model, mfs.SoftmaxCrossEntropy(), X, y)
    assert set(errors) == {"0.W", "0.b", "1.gamma", "1.beta", "3.W", "3.b"}
    # BatchNorm subtracts the batch mean, so the bias before it has no effect: its true
    # gradient is 0 and a relative error would only compare rounding noise.
    assert np.abs(model[0].grads["b"]).max() < 1e-12
    del errors["0.b"]
    assert max(errors.values()) < 1e-6, errors


def test_forward_casts_inputs_to_model_dtype(rng):
    model = mlp(rng)
    assert model.dtype == np.float32
    assert model.forward(np.ones((2, 4), dtype=np.float64)).dtype == np.float32
    assert model.predict(np.ones((2, 4), dtype=np.uint8)).dtype == np.float32


def test_train_and_eval_modes_switch_dropout(rng):
    model = mfs.Sequential(mfs.Dense(4, 50, rng=rng), mfs.Dropout(0.5, rng=rng))
    x = np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(model.eval().forward(x), model.forward(x))
    assert not np.array_equal(model.train().forward(x), model.eval().forward(x))
    assert model.predict(x).shape == (3, 50)


def test_predict_in_batches_equals_one_pass(rng):
    model = mlp(rng)
    X = rng.standard_normal((1000, 4)).astype(np.float32)
    np.testing.assert_allclose(model.predict(X, batch_size=64), model.forward(X, training=False),
                               rtol=1e-6)


def test_summary_lists_layers_shapes_and_counts(rng):
    text = mlp(rng).summary()
    assert "Dense(in_features=4, out_features=8" in text
    assert "(batch, 8)" in text and "(batch, 3)" in text
    assert text.splitlines()[-1].split()[-1] == "67"
