"""The fast paths give the same numbers as the plain formulas.

Speed itself is measured by benchmarks/benchmark.py, never here; these tests only make
sure that each shortcut taken for speed (Adam's folded bias corrections, the compiled loops
of kernels.py, skipping the first layer's input gradient, the in-place bias, a reused batch
buffer in ``fit``) changes no result.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import mlp_from_scratch as mfs


def textbook_adam(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0):
    """Adam exactly as in Kingma & Ba (2015), Algorithm 1, with plain expressions."""
    p, m, v = p.copy(), np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_adam_equals_the_textbook(weight_decay, rng):
    # Adam folds both bias corrections into two scalars (see its comments); in float64 the
    # result must still match the textbook's expressions to rounding.
    p0, grads = rng.standard_normal(1000), rng.standard_normal((6, 1000))
    p, adam = p0.copy(), mfs.Adam(lr=0.01, weight_decay=weight_decay)
    for g in grads:
        g_before = g.copy()
        adam.step([p], [g])
        np.testing.assert_array_equal(g, g_before)  # the gradient is never modified
    np.testing.assert_allclose(p, textbook_adam(p0, grads, 0.01, weight_decay=weight_decay),
                               rtol=1e-12, atol=1e-15)


def test_float32_adam_stays_within_float32_rounding_of_the_textbook(rng):
    # The compiled kernel computes in float32 for float32 parameters; over many steps the
    # result must stay as close to the float64 textbook as float32 rounding allows.
    p0, grads = rng.standard_normal(5000), rng.standard_normal((50, 5000))
    p, adam = p0.astype(np.float32), mfs.Adam(lr=1e-3)
    for g in grads.astype(np.float32):
        adam.step([p], [g])
    assert p.dtype == np.float32
    np.testing.assert_allclose(p, textbook_adam(p0, grads, 1e-3), rtol=0, atol=1e-5)


def test_adam_on_the_flat_vector_equals_adam_on_each_array(rng):
    # fit steps the model's one long vector; elementwise formulas give the same float32
    # numbers as stepping each layer's arrays separately: bit for bit.
    def model():
        r = np.random.default_rng(1)
        return mfs.Sequential(mfs.Dense(30, 40, rng=r), mfs.ReLU(), mfs.Dense(40, 10, rng=r))

    whole, parts = model(), model()
    opt_whole, opt_parts = mfs.Adam(lr=1e-3, weight_decay=1e-4), mfs.Adam(lr=1e-3, weight_decay=1e-4)
    for _ in range(3):
        g = rng.standard_normal(whole.grad_vector.size).astype(np.float32)
        whole.grad_vector[...] = g
        parts.grad_vector[...] = g
        opt_whole.step([whole.param_vector], [whole.grad_vector])
        opt_parts.step(parts.parameters(), parts.gradients())
    np.testing.assert_array_equal(whole.param_vector, parts.param_vector)
    assert whole.param_vector.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F"])  # F: a strided input takes the same path
def test_relu_kernels_are_the_numpy_expressions(dtype, layout, rng):
    z = rng.standard_normal((7, 9)).astype(dtype)
    z[0, :5] = [0.0, -0.0, np.nan, -np.inf, np.inf]  # NaN must stay NaN: divergence shows
    z, g = np.asarray(z, order=layout), rng.standard_normal((7, 9)).astype(dtype)
    layer = mfs.ReLU()
    out = layer.forward(z)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, np.maximum(z, 0))
    np.testing.assert_array_equal(layer.backward(g), g * (z > 0))


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_softmax_cross_entropy_kernel_equals_the_one_hot_formula(dtype, rtol, rng):
    # Integer labels take the compiled loop; one-hot targets the NumPy expressions.
    z = (rng.standard_normal((37, 10)) * 5).astype(dtype)
    z[0] += 1000  # large logits must not overflow
    labels = rng.integers(0, 10, 37)
    loss = mfs.SoftmaxCrossEntropy()
    fast, plain = loss(z, labels), loss(z, mfs.one_hot(labels, 10).astype(dtype))
    assert fast[1].dtype == dtype and np.isfinite(fast[0])
    np.testing.assert_allclose(fast[0], plain[0], rtol=rtol)
    np.testing.assert_allclose(fast[1], plain[1], rtol=rtol, atol=rtol / 37)
    z[5, 3] = np.nan  # a diverged network must give a NaN loss, which fit reports
    assert np.isnan(loss(z, labels)[0])


def test_dense_forward_and_backward_are_the_plain_expressions(rng):
    layer = mfs.Dense(5, 4, rng=rng, dtype=np.float64)
    layer.params["b"][...] = rng.standard_normal(4)
    x, g = rng.standard_normal((3, 5)), rng.standard_normal((3, 4))
    W, b = layer.params["W"].copy(), layer.params["b"].copy()
    np.testing.assert_allclose(layer.forward(x), x @ W + b, rtol=1e-14)
    np.testing.assert_allclose(layer.backward(g), g @ W.T, rtol=1e-14)
    np.testing.assert_allclose(layer.grads["W"], x.T @ g, rtol=1e-14)
    np.testing.assert_allclose(layer.grads["b"], g.sum(axis=0), rtol=1e-14)
    # backward_params fills the same gradients (into the same arrays) and returns nothing.
    grads_W = layer.grads["W"]
    layer.grads["W"][...] = 0
    layer.grads["b"][...] = 0
    assert layer.backward_params(g) is None
    assert layer.grads["W"] is grads_W
    np.testing.assert_allclose(layer.grads["W"], x.T @ g, rtol=1e-14)
    np.testing.assert_allclose(layer.grads["b"], g.sum(axis=0), rtol=1e-14)
    np.testing.assert_array_equal(layer.params["b"], b)  # the in-place bias add left b alone


@pytest.mark.parametrize("first", ["dense", "dropout", "batchnorm"])
def test_backward_without_input_grad_fills_the_same_gradients(first, rng):
    def build():
        r = np.random.default_rng(2)
        head = {"dense": [], "dropout": [mfs.Dropout(0.0, rng=r)],
                "batchnorm": [mfs.BatchNorm(6, dtype=np.float64)]}[first]
        return mfs.Sequential(*head, mfs.Dense(6, 5, rng=r, dtype=np.float64), mfs.Tanh(),
                              mfs.Dense(5, 3, rng=r, dtype=np.float64))

    X, y = rng.standard_normal((8, 6)), rng.integers(0, 3, 8)
    loss = mfs.SoftmaxCrossEntropy()
    full, fast = build(), build()
    grad_X = full.backward(loss(full.forward(X, training=True), y)[1])
    assert grad_X.shape == X.shape
    assert fast.backward(loss(fast.forward(X, training=True), y)[1], input_grad=False) is None
    np.testing.assert_array_equal(fast.grad_vector, full.grad_vector)


def plain_fit(model, X, y, *, loss, optimizer, num_epochs, batch_size, rng):
    """The textbook loop over ``minibatches``: fresh batch arrays, full backward."""
    for _ in range(num_epochs):
        for X_batch, y_batch in mfs.minibatches(X, y, batch_size, rng=rng):
            _, grad = loss(model.forward(X_batch, training=True), y_batch)
            model.backward(grad)
            optimizer.step([model.param_vector], [model.grad_vector])


@pytest.mark.parametrize("batch_size", [16, 25, 500])  # 25 leaves a short last batch
def test_fit_equals_the_plain_loop(batch_size, rng):
    X = rng.standard_normal((130, 12)).astype(np.float32)
    y = rng.integers(0, 4, 130)

    def build():
        r = np.random.default_rng(3)
        return mfs.Sequential(mfs.Dense(12, 40, rng=r), mfs.ReLU(), mfs.Dense(40, 4, rng=r))

    a, b = build(), build()
    kwargs = dict(loss=mfs.SoftmaxCrossEntropy(), num_epochs=3, batch_size=batch_size)
    mfs.fit(a, X, y, optimizer=mfs.Adam(0.01), rng=np.random.default_rng(7), **kwargs)
    plain_fit(b, X, y, optimizer=mfs.Adam(0.01), rng=np.random.default_rng(7), **kwargs)
    np.testing.assert_array_equal(a.param_vector, b.param_vector)


def test_fit_batches_are_the_rows_minibatches_gives(rng):
    # The reused buffer must hold exactly the rows minibatches would yield, in order,
    # even when augment changes the batch in place.
    X = np.arange(50 * 3, dtype=np.float32).reshape(50, 3)
    y = np.arange(50)
    seen = []

    def augment(X_batch, rng):
        seen.append(X_batch.copy())
        X_batch *= 1  # in place, allowed
        return X_batch

    model = mfs.Sequential(mfs.Dense(3, 50, rng=rng))
    mfs.fit(model, X, y, loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.SGD(1e-6), num_epochs=2,
            batch_size=16, rng=np.random.default_rng(5), augment=augment)
    # fit's rng also feeds augment, which draws nothing here: the same permutations.
    expected = []
    r = np.random.default_rng(5)
    for _ in range(2):
        expected += [Xb for Xb, _ in mfs.minibatches(X, y, 16, rng=r)]
    assert len(seen) == len(expected) == 8
    for got, want in zip(seen, expected):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(X, np.arange(150, dtype=np.float32).reshape(50, 3))  # untouched


# ------------------------------------------------------------------ NumPy and loop versions
# kernels.py states each step twice: in NumPy (used without Numba) and as a loop (compiled
# by Numba when it is installed). The loops are compared here compiled when Numba imports
# (even when MLP_FROM_SCRATCH_NO_NUMBA is set) and as plain Python loops otherwise.

from mlp_from_scratch import kernels  # noqa: E402

try:
    import numba
    _compile = numba.njit(error_model="numpy")
except ImportError:
    _compile = lambda f: f  # noqa: E731  (plain Python: slow, but the inputs are small)

TOLERANCE = {np.float32: dict(rtol=2e-6, atol=1e-7), np.float64: dict(rtol=1e-13, atol=1e-15)}


def test_the_backend_follows_the_environment_variable():
    forced = os.environ.get(kernels.NO_NUMBA_ENV, "0").strip() not in ("", "0")
    try:
        import numba  # noqa: F401
        available = True
    except ImportError:
        available = False
    assert kernels.BACKEND == ("numba" if available and not forced else "numpy")
    uses_numpy = kernels._choose()["relu"] is kernels.relu_numpy
    assert uses_numpy == (kernels.BACKEND == "numpy")


def test_small_networks_train_without_loading_numba():
    # In a fresh process: a small network trains on the NumPy versions, without Numba's
    # second of loading; the first array of LOOP_WORTH_LOADING elements loads it.
    code = ("import sys, numpy as np, mlp_from_scratch as mfs\n"
            "rng = np.random.default_rng(0)\n"
            "model = mfs.Sequential(mfs.Dense(2, 8, rng=rng), mfs.ReLU(), mfs.Dense(8, 1, rng=rng))\n"
            "X, y = mfs.logic_gate('xor')\n"
            "mfs.fit(model, X, y.reshape(-1, 1), loss=mfs.MSE(), optimizer=mfs.Adam(0.01), num_epochs=3,\n"
            "        batch_size=4, rng=rng)\n"
            "print('numba' in sys.modules, mfs.kernels._chosen is None)\n"
            "mfs.ReLU().forward(np.ones((1, mfs.kernels.LOOP_WORTH_LOADING), np.float32))\n"
            "print('numba' in sys.modules, mfs.kernels.BACKEND)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    small, large = out.splitlines()
    assert small == "False True"
    assert large == ("True numba" if kernels.BACKEND == "numba" else "False numpy")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_numpy_and_loop_agree(dtype, rng):
    n = 2000
    p0 = rng.standard_normal(n).astype(dtype)
    state = [p0.copy(), np.zeros(n, dtype), np.zeros(n, dtype)]
    other = [a.copy() for a in state]
    loop = _compile(kernels.adam_update_loop)
    for t in range(1, 6):
        g = rng.standard_normal(n).astype(dtype)
        c2 = np.sqrt(1 - 0.999**t)
        scalars = [dtype(s) for s in (0.9, 0.1, 0.999, 0.001, 1e-2 * c2 / (1 - 0.9**t), 1e-8 * c2)]
        kernels.adam_update_numpy(state[0], g, state[1], state[2], *scalars)
        loop(other[0], g, other[1], other[2], *scalars)
    for a, b in zip(state, other):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)  # bit for bit: kernels.adam_update may run either
    assert not np.allclose(state[0], p0)  # the step moved the parameters


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_numpy_and_loop_agree(dtype, rng):
    z = rng.standard_normal((16, 9)).astype(dtype)
    z[0, :5] = [0.0, -0.0, np.nan, -np.inf, np.inf]
    g = rng.standard_normal((16, 9)).astype(dtype)
    g[1, :2] = [np.nan, np.inf]  # where the unit is off, even a NaN gradient becomes 0
    z[1, :2] = [-1.0, -2.0]
    for numpy_version, loop, args in ((kernels.relu_numpy, kernels.relu_loop, (z,)),
                                      (kernels.relu_backward_numpy, kernels.relu_backward_loop, (g, z))):
        a, b = numpy_version(*args), _compile(loop)(*args)
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)
    assert (kernels.relu_backward_numpy(g, z)[1, :2] == 0).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_numpy_and_loop_agree(dtype, rng):
    z = (rng.standard_normal((64, 10)) * 5).astype(dtype)
    z[0] += 1000  # large logits must not overflow
    labels = rng.integers(0, 10, 64)
    (loss_a, grad_a), (loss_b, grad_b) = (kernels.softmax_cross_entropy_numpy(z, labels),
                                          _compile(kernels.softmax_cross_entropy_loop)(z, labels))
    assert grad_a.dtype == grad_b.dtype == dtype
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-6 if dtype == np.float32 else 1e-13)
    np.testing.assert_allclose(grad_a, grad_b, **TOLERANCE[dtype])
    np.testing.assert_allclose(grad_a.sum(axis=1), 0, atol=1e-6)  # softmax rows sum to 1
    z[5, 3] = np.nan
    assert np.isnan(kernels.softmax_cross_entropy_numpy(z, labels)[0])


def test_training_gives_the_same_model_on_both_paths(rng, monkeypatch):
    # A few epochs of fit with the NumPy versions, then with the loops: the same model to
    # float32 rounding (the rounding differences must not grow over the steps).
    X = rng.standard_normal((300, 20)).astype(np.float32)
    y = rng.integers(0, 5, 300)
    results = []
    for version in ("numpy", "loop"):
        for name in ("adam_update", "relu", "relu_backward", "softmax_cross_entropy"):
            f = getattr(kernels, f"{name}_{version}")
            monkeypatch.setattr(kernels, name, f if version == "numpy" else _compile(f))
        # layers, losses and optimizers took their references at import: patch those too
        import mlp_from_scratch.layers as layers
        import mlp_from_scratch.optimizers as optimizers
        monkeypatch.setattr(optimizers, "adam_update", kernels.adam_update)
        monkeypatch.setattr(layers.ReLU, "function", staticmethod(kernels.relu))
        r = np.random.default_rng(4)
        model = mfs.Sequential(mfs.Dense(20, 32, rng=r), mfs.ReLU(), mfs.Dense(32, 5, rng=r))
        history = mfs.fit(model, X, y, loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.Adam(1e-2),
                          num_epochs=3, batch_size=32, rng=np.random.default_rng(6))
        results.append((model.param_vector.copy(), history["loss"].to_numpy()))
    (p_numpy, loss_numpy), (p_loop, loss_loop) = results
    np.testing.assert_allclose(p_numpy, p_loop, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(loss_numpy, loss_loop, rtol=1e-5)
    assert loss_numpy[-1] < loss_numpy[0]
