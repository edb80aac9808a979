import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlp_from_scratch as mfs
from mlp_from_scratch.gradcheck import numerical_gradient, relative_error

PAIRS = {
    "identity": (mfs.identity, mfs.identity_derivative),
    "relu": (mfs.relu, mfs.relu_derivative),
    "leaky_relu": (mfs.leaky_relu, mfs.leaky_relu_derivative),
    "sigmoid": (mfs.sigmoid, mfs.sigmoid_derivative),
    "tanh": (mfs.tanh, mfs.tanh_derivative),
}


@pytest.mark.parametrize("name", PAIRS)
def test_derivative_matches_central_differences(name, rng):
    f, df = PAIRS[name]
    z = rng.standard_normal((5, 7))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the ReLU kink
    # Elementwise functions: the gradient of Σ f(z) is f'(z).
    numeric = numerical_gradient(lambda: float(np.sum(f(z))), z)
    assert relative_error(df(z), numeric) < 1e-8


@pytest.mark.parametrize("name", PAIRS)
def test_dtype_is_kept(name):
    f, df = PAIRS[name]
    z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    assert f(z).dtype == np.float32 and df(z).dtype == np.float32


def test_known_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(mfs.relu(z), [[0, 0, 3]])
    np.testing.assert_allclose(mfs.leaky_relu(z, 0.1), [[-0.2, 0, 3]])
    np.testing.assert_allclose(mfs.sigmoid(np.array([0.0])), [0.5])
    np.testing.assert_allclose(mfs.sigmoid(np.array([2.0])), [1 / (1 + np.exp(-2.0))])
    np.testing.assert_allclose(mfs.softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])


def test_sigmoid_and_softmax_finite_at_extremes():
    z = np.array([[-1000.0, 0.0, 1000.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, p = mfs.sigmoid(z), mfs.softmax(z)
        d = mfs.sigmoid_derivative(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(p)) and np.all(np.isfinite(d))
    np.testing.assert_allclose(s, [[0, 0.5, 1]])
    np.testing.assert_allclose(p, [[0, 0, 1]])


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 6)),
              elements=st.floats(-50, 50)))
def test_softmax_rows_are_distributions_and_shift_invariant(z):
    p = mfs.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all(p >= 0)
    np.testing.assert_allclose(mfs.softmax(z + 7.0), p, atol=1e-12)


def test_softmax_jacobian_matches_central_differences(rng):
    z = rng.standard_normal((1, 4))
    J = mfs.softmax_jacobian(z)[0]
    for i in range(4):
        numeric = numerical_gradient(lambda: float(mfs.softmax(z)[0, i]), z)[0]
        assert relative_error(J[i], numeric) < 1e-8
