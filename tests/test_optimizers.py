import math

import numpy as np
import pytest

import mlp_from_scratch as mfs


def run(optimizer, steps, p=(1.0, -2.0), grads=((0.5, -1.0), (0.25, 2.0))):
    p = np.array(p)
    for g in grads[:steps]:
        optimizer.step([p], [np.array(g)])
    return p


def test_sgd_step_by_hand():
    np.testing.assert_allclose(run(mfs.SGD(lr=0.1), 1), [1 - 0.05, -2 + 0.1])
    np.testing.assert_allclose(run(mfs.SGD(lr=0.1, weight_decay=0.5), 1),
                               [1 - 0.1 * (0.5 + 0.5), -2 - 0.1 * (-1.0 - 1.0)])


def test_momentum_two_steps_by_hand():
    # v1 = g1, p1 = p0 - lr v1; v2 = 0.9 v1 + g2, p2 = p1 - lr v2
    v1 = np.array([0.5, -1.0])
    v2 = 0.9 * v1 + [0.25, 2.0]
    expected = np.array([1.0, -2.0]) - 0.1 * v1 - 0.1 * v2
    np.testing.assert_allclose(run(mfs.SGD(lr=0.1, momentum=0.9), 2), expected)


def test_nesterov_two_steps_by_hand():
    g1, g2 = np.array([0.5, -1.0]), np.array([0.25, 2.0])
    v1 = g1
    p1 = np.array([1.0, -2.0]) - 0.1 * (g1 + 0.9 * v1)
    v2 = 0.9 * v1 + g2
    np.testing.assert_allclose(run(mfs.SGD(lr=0.1, momentum=0.9, nesterov=True), 2),
                               p1 - 0.1 * (g2 + 0.9 * v2))
    with pytest.raises(ValueError, match="momentum"):
        mfs.SGD(lr=0.1, nesterov=True)


def test_rmsprop_two_steps_by_hand():
    g1, g2 = np.array([0.5, -1.0]), np.array([0.25, 2.0])
    s1 = 0.1 * g1**2
    p1 = np.array([1.0, -2.0]) - 0.01 * g1 / (np.sqrt(s1) + 1e-8)
    s2 = 0.9 * s1 + 0.1 * g2**2
    np.testing.assert_allclose(run(mfs.RMSProp(lr=0.01), 2), p1 - 0.01 * g2 / (np.sqrt(s2) + 1e-8))


def test_adam_first_step_is_lr_times_sign_thanks_to_bias_correction():
    # At t = 1, m̂ = g and v̂ = g², so the step is lr · g / |g| whatever the gradient's size.
    p = run(mfs.Adam(lr=0.01), 1, grads=((0.05, -300.0),))
    np.testing.assert_allclose(p, [1 - 0.01, -2 + 0.01], rtol=1e-6)


def test_adam_two_steps_by_hand():
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    p, m, v = np.array([1.0, -2.0]), 0.0, 0.0
    for t, g in enumerate([np.array([0.5, -1.0]), np.array([0.25, 2.0])], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(run(mfs.Adam(lr=lr), 2), p, rtol=1e-12)


def test_adam_with_weight_decay_adds_l2_gradient():
    plain = run(mfs.Adam(lr=0.01), 1, grads=((0.5 + 0.1 * 1.0, -1.0 + 0.1 * -2.0),))
    np.testing.assert_allclose(run(mfs.Adam(lr=0.01, weight_decay=0.1), 1), plain)


def test_adamw_without_decay_is_adam_and_with_zero_gradients_only_shrinks():
    np.testing.assert_allclose(run(mfs.AdamW(lr=0.01, weight_decay=0.0), 2), run(mfs.Adam(lr=0.01), 2),
                               rtol=1e-12)
    p = np.array([3.0, -2.0])
    optimizer = mfs.AdamW(lr=0.1, weight_decay=0.2)
    for _ in range(3):
        optimizer.step([p], [np.zeros(2)])
    np.testing.assert_allclose(p, np.array([3.0, -2.0]) * (1 - 0.1 * 0.2) ** 3, rtol=1e-12)


def test_adamw_decay_never_reaches_the_moments():
    # From two starting points with the same gradients, Adam's part of each step is the same
    # (it reads only the gradients), so the runs differ by the decay alone. With L2 instead,
    # the decay would enter m and v, and the difference would not shrink by a fixed factor.
    grads = ((0.5, -1.0), (0.2, 0.3))
    small, large = (run(mfs.AdamW(lr=0.01, weight_decay=0.5), 2, p=p, grads=grads)
                    for p in ((1.0, 1.0), (100.0, 100.0)))
    np.testing.assert_allclose(large - small, 99.0 * (1 - 0.01 * 0.5) ** 2, rtol=1e-12)
    l2_small, l2_large = (run(mfs.Adam(lr=0.01, weight_decay=0.5), 2, p=p, grads=grads)
                          for p in ((1.0, 1.0), (100.0, 100.0)))
    assert not np.allclose(l2_large - l2_small, 99.0 * (1 - 0.01 * 0.5) ** 2, rtol=1e-6)


@pytest.mark.parametrize("make", [lambda: mfs.SGD(0.1, momentum=0.9), lambda: mfs.RMSProp(0.01),
                                  lambda: mfs.Adam(0.01), lambda: mfs.AdamW(0.01)])
def test_float32_parameters_stay_float32(make):
    p = np.ones(5, np.float32)
    make().step([p], [np.full(5, 0.5, np.float32)])
    assert p.dtype == np.float32


@pytest.mark.parametrize("make", [lambda: mfs.SGD(0.1, momentum=0.9), lambda: mfs.Adam(0.1)])
def test_a_strided_parameter_array_is_updated_in_place(make):
    # W.T is a view with strides, not one contiguous block: the update must reach W.
    W, W_copy = np.ones((3, 4)), np.ones((4, 3))
    grad = np.arange(12.0).reshape(4, 3)
    make().step([W.T], [grad])
    make().step([W_copy], [grad])
    np.testing.assert_array_equal(W.T, W_copy)
    assert not np.all(W == 1)


@pytest.mark.parametrize("dtype", [np.int64, np.float16])
def test_parameters_of_other_dtypes_get_a_clear_error(dtype):
    with pytest.raises(TypeError, match=f"float32 or float64 arrays, got dtype {np.dtype(dtype)}"):
        mfs.Adam(0.1).step([np.ones(3, dtype)], [np.ones(3, dtype)])


def test_state_is_kept_per_array_and_reset_forgets_it():
    opt = mfs.SGD(lr=1.0, momentum=0.5)
    a, b = np.zeros(2), np.zeros(3)
    opt.step([a, b], [np.ones(2), np.full(3, 2.0)])
    opt.step([a, b], [np.ones(2), np.full(3, 2.0)])
    np.testing.assert_allclose(a, -(1 + 1.5))
    np.testing.assert_allclose(b, -(2 + 3))
    opt.reset()
    assert opt.t == 0
    with pytest.raises(ValueError, match="shape"):
        opt.step([a], [np.ones(5)])


def test_bad_arguments():
    with pytest.raises(ValueError, match="positive"):
        mfs.Adam(lr=0)
    with pytest.raises(ValueError, match="2 parameter arrays but 1"):
        mfs.SGD(0.1).step([np.zeros(1), np.zeros(1)], [np.zeros(1)])


def test_schedules():
    sched = mfs.warmup_cosine(0.1, warmup_steps=10, total_steps=110, final_lr=0.001)
    assert sched(0) == pytest.approx(0.01) and sched(9) == pytest.approx(0.1)
    assert sched(60) == pytest.approx(0.001 + 0.099 * 0.5)
    assert sched(110) == pytest.approx(0.001) and sched(500) == pytest.approx(0.001)
    lrs = [sched(t) for t in range(10, 111)]
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))
    decay = mfs.step_decay(1.0, every=5, factor=0.5)
    assert [decay(t) for t in (0, 4, 5, 10)] == [1.0, 1.0, 0.5, 0.25]
    with pytest.raises(ValueError):
        mfs.warmup_cosine(0.1, warmup_steps=10, total_steps=10)
    assert math.isfinite(sched(10**9))
