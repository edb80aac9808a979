import warnings

import numpy as np
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch.gradcheck import numerical_gradient, relative_error


def cases(rng):
    """(loss, outputs, targets) on random shapes and values, float64."""
    batch, k = rng.integers(2, 6), rng.integers(2, 5)
    labels = rng.integers(0, k, batch)
    bits = rng.integers(0, 2, (batch, 1))
    return [
        (mfs.MSE(), rng.standard_normal((batch, k)), rng.standard_normal((batch, k))),
        (mfs.BinaryCrossEntropy(), rng.uniform(0.05, 0.95, (batch, 1)), bits),
        (mfs.BinaryCrossEntropyWithLogits(), rng.standard_normal((batch, 2)),
         rng.integers(0, 2, (batch, 2))),
        (mfs.SoftmaxCrossEntropy(), rng.standard_normal((batch, k)), labels),
        (mfs.SoftmaxCrossEntropy(), rng.standard_normal((batch, k)), mfs.one_hot(labels, k)),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_central_differences(seed):
    for loss, y_hat, y in cases(np.random.default_rng(seed)):
        value, grad = loss(y_hat, y)
        numeric = numerical_gradient(lambda: loss(y_hat, y)[0], y_hat)
        assert grad.shape == y_hat.shape
        assert relative_error(grad, numeric) < 1e-6, loss


def test_known_values():
    np.testing.assert_allclose(mfs.MSE()(np.array([[1.0], [3.0]]), np.array([0, 1]))[0], (1 + 4) / 2)
    p = np.array([[0.8], [0.4]])
    expected = -(np.log(0.8) + np.log(0.6)) / 2
    np.testing.assert_allclose(mfs.BinaryCrossEntropy()(p, np.array([1, 0]))[0], expected)
    z = np.log(p / (1 - p))  # logits of the same probabilities
    np.testing.assert_allclose(mfs.BinaryCrossEntropyWithLogits()(z, np.array([1, 0]))[0], expected)
    logits = np.array([[0.0, np.log(3.0)]])
    np.testing.assert_allclose(mfs.SoftmaxCrossEntropy()(logits, np.array([1]))[0], -np.log(0.75))


def test_labels_and_one_hot_agree(rng):
    z = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    a, b = mfs.SoftmaxCrossEntropy()(z, y), mfs.SoftmaxCrossEntropy()(z, mfs.one_hot(y, 4))
    np.testing.assert_allclose(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1])


def test_float32_stays_float32(rng):
    z = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.integers(0, 3, 8)
    assert mfs.SoftmaxCrossEntropy()(z, y)[1].dtype == np.float32
    assert mfs.MSE()(z[:, :1], y % 2)[1].dtype == np.float32  # int targets do not promote
    assert mfs.BinaryCrossEntropyWithLogits()(z[:, :1], y % 2)[1].dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_give_finite_results_without_warnings(dtype):
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for loss, y in [(mfs.SoftmaxCrossEntropy(), np.array([1, 1])),
                        (mfs.BinaryCrossEntropyWithLogits(), np.array([[1, 0], [0, 0]])),
                        (mfs.BinaryCrossEntropy(), np.array([[1, 0], [0, 0]]))]:
            y_hat = mfs.sigmoid(z) if isinstance(loss, mfs.BinaryCrossEntropy) else z
            value, grad = loss(y_hat, y)
            assert np.isfinite(value) and np.all(np.isfinite(grad))
    # The first row is confidently wrong: its loss is about 2000 / 2, not inf.
    assert mfs.SoftmaxCrossEntropy()(z, np.array([1, 1]))[0] == pytest.approx(1000, rel=1e-3)


def test_bad_labels_are_named():
    z = np.zeros((3, 10), dtype=np.float32)
    with pytest.raises(ValueError, match=r"0\.\.9.*from 0 to 12"):
        mfs.SoftmaxCrossEntropy()(z, np.array([0, 3, 12]))
    with pytest.raises(ValueError, match="from -1"):
        mfs.SoftmaxCrossEntropy()(z, np.array([0, -1, 2]))
    with pytest.raises(ValueError, match="integers"):
        mfs.SoftmaxCrossEntropy()(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="2 labels for 3 outputs"):
        mfs.SoftmaxCrossEntropy()(z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        mfs.BinaryCrossEntropyWithLogits()(z[:, :1], np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(3, 1\)"):
        mfs.MSE()(z[:, :1], np.zeros((3, 2)))


def test_predict_labels():
    assert mfs.SoftmaxCrossEntropy().predict(np.array([[0.1, 2.0], [3.0, 1.0]])).tolist() == [1, 0]
    assert mfs.BinaryCrossEntropyWithLogits().predict(np.array([[-0.5], [0.5]])).tolist() == [0, 1]
    assert mfs.BinaryCrossEntropy().predict(np.array([[0.4, 0.6]])).tolist() == [[0, 1]]
