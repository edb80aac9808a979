import numpy as np
import pytest

import mlp_from_scratch as mfs


@pytest.mark.parametrize("gate,expected", [("and", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]),
                                           ("nand", [1, 1, 1, 0]), ("xor", [0, 1, 1, 0])])
def test_logic_gates(gate, expected):
    X, y = mfs.logic_gate(gate)
    assert X.dtype == np.float32 and X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == expected


def test_unknown_gate():
    with pytest.raises(ValueError, match="nor.*choose one of"):
        mfs.logic_gate("nor")


def test_xor3_is_a_full_adder():
    X, Y = mfs.xor3()
    assert X.shape == (8, 3) and Y.shape == (8, 2) and X.dtype == np.float32
    for x, (s, c) in zip(X.astype(int), Y):
        assert s == x[0] ^ x[1] ^ x[2]
        assert 2 * c + s == x.sum()


@pytest.mark.parametrize("make", [mfs.make_moons, mfs.make_circles, mfs.make_spirals])
def test_toy_sets_are_seeded_and_balanced(make):
    X, y = make(300, rng=np.random.default_rng(0))
    X2, y2 = make(300, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (300, 2) and X.dtype == np.float32 and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    assert not np.array_equal(X, make(300, rng=np.random.default_rng(1))[0])


def test_one_hot():
    Y = mfs.one_hot(np.array([2, 0, 1]), 4)
    assert Y.dtype == np.float32
    np.testing.assert_array_equal(Y, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    with pytest.raises(ValueError, match=r"0\.\.3.*from 0 to 4"):
        mfs.one_hot(np.array([0, 4]), 4)
    with pytest.raises(ValueError, match="integer"):
        mfs.one_hot(np.array([0.5]), 4)


def test_train_val_split(rng):
    X, y = np.arange(100)[:, None], np.arange(100)
    Xt, Xv, yt, yv = mfs.train_val_split(X, y, 0.2, rng=rng)
    assert len(Xv) == 20 and len(Xt) == 80
    assert sorted(np.concatenate([yt, yv])) == list(range(100))
    np.testing.assert_array_equal(Xt[:, 0], yt)
    assert len(mfs.train_val_split(X, y, 30, rng=rng)[1]) == 30
    with pytest.raises(ValueError, match="no rows"):
        mfs.train_val_split(X, y, 100, rng=rng)


def test_metrics():
    assert mfs.accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75
    assert mfs.accuracy(np.array([[1], [0]]), np.array([1, 1])) == 0.5
    assert mfs.accuracy(mfs.one_hot(np.array([1, 0]), 2), np.array([1, 1])) == 0.5
    assert mfs.accuracy(np.array([[1, 0], [0, 0]]), np.array([[1, 1], [0, 0]])) == 0.75
    cm = mfs.confusion_matrix(np.array([0, 1, 2, 2, 2]), np.array([0, 2, 2, 2, 1]), 3)
    np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 0, 1], [0, 1, 2]])
    assert mfs.confusion_matrix(np.array([0, 3]), np.array([0, 3])).shape == (4, 4)
    with pytest.raises(ValueError, match="cannot be compared"):
        mfs.accuracy(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"0\.\.2"):
        mfs.confusion_matrix(np.array([0, 5]), np.array([0, 1]), 3)
