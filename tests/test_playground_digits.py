"""The draw-a-digit playground: the MNIST-style preprocessing (checked on MNIST digits
re-rendered large), the stroke renderer, the figure, and the widget's callbacks called as
plain functions."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch.playgrounds import digits


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mnist_test():
    X, y = mfs.load_mnist("test")
    return X[:500], y[:500]


@pytest.fixture(scope="module")
def reader():
    """Softmax regression on 5,000 training digits, 3 epochs: enough to read most digits
    (about 90%), and a few seconds to train."""
    X, y = mfs.load_mnist("train", normalize="standardize", flatten=True)
    rng = np.random.default_rng(0)
    model = mfs.Sequential(mfs.Dense(784, 10, rng=rng))
    mfs.fit(model, X[:5000], y[:5000], loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.Adam(1e-2),
            num_epochs=3, batch_size=100, rng=rng)
    return model


def test_mnist_digits_have_their_centre_of_mass_where_to_mnist_puts_it(mnist_test):
    X, _ = mnist_test
    centres = np.array([digits.centre_of_mass(x / 255) for x in X])
    np.testing.assert_allclose(centres.mean(axis=0), [digits.CENTRE, digits.CENTRE], atol=0.05)
    assert centres.std(axis=0).max() < 0.5


def test_a_digit_drawn_large_comes_back_as_itself(mnist_test, reader):
    # Each MNIST digit enlarged 10x (as if drawn on the 280x280 canvas) and preprocessed
    # must give back nearly the same 28x28 image and the same prediction.
    X, _ = mnist_test
    correlations, same = [], []
    for x in X:
        original = x / 255
        back = digits.to_mnist(digits.enlarge(x))
        assert back.shape == (28, 28) and back.dtype == np.float32
        assert 0 <= back.min() and back.max() <= 1
        correlations.append(np.corrcoef(original.ravel(), back.ravel())[0, 1])
        x_std = digits.standardize(back, mfs.mnist.MEAN, mfs.mnist.STD)
        direct = reader.predict(((original.reshape(1, -1) - mfs.mnist.MEAN) / mfs.mnist.STD)
                                .astype(np.float32))
        same.append(digits.probabilities(reader, x_std).argmax() == direct.argmax())
    correlations = np.array(correlations)
    # A digit whose centre of mass lies half-way between two pixels may come back one
    # pixel off (rounding): rare, and still the same digit.
    assert np.median(correlations) > 0.99
    assert np.mean(correlations > 0.95) > 0.95 and correlations.min() > 0.6
    assert np.mean(same) > 0.97


def test_to_mnist_fits_the_ink_into_20x20_keeping_its_aspect_and_centres_it():
    # A wide bar drawn anywhere: 20 pixels wide after fitting, its height scaled alike,
    # its centre of mass at the centre.
    image = np.zeros((280, 280))
    image[30:70, 150:270] = 1.0                       # 40 x 120 pixels, off-centre
    digit = digits.to_mnist(image)
    rows = np.flatnonzero(digit.max(axis=1) > 0.5)
    cols = np.flatnonzero(digit.max(axis=0) > 0.5)
    assert len(cols) == 20
    assert abs(len(rows) - 20 * 40 / 120) <= 1
    np.testing.assert_allclose(digits.centre_of_mass(digit), (14, 14), atol=0.5)
    # the same drawing moved or scaled gives the same result
    moved = np.roll(image, (150, -120), axis=(0, 1))
    np.testing.assert_allclose(digits.to_mnist(moved), digit, atol=1e-6)
    large = digits.resample(image, 560, 560)
    np.testing.assert_allclose(digits.to_mnist(large), digit, atol=0.02)


def test_to_mnist_of_an_empty_drawing_is_empty_and_bad_input_is_named():
    assert not digits.to_mnist(np.zeros((280, 280))).any()
    with pytest.raises(ValueError, match="2-D array"):
        digits.to_mnist(np.zeros(10))
    with pytest.raises(ValueError, match="NaN"):
        digits.to_mnist(np.full((5, 5), np.nan))
    with pytest.raises(ValueError, match=r"shape \(28, 28\)"):
        digits.standardize(np.zeros((20, 20)), 0.1, 0.3)
    with pytest.raises(ValueError, match="stroke"):
        digits.render_strokes([[1, 2, 3]])


def test_resample_averages_areas():
    image = np.arange(16.0).reshape(4, 4)
    np.testing.assert_allclose(digits.resample(image, 2, 2), [[2.5, 4.5], [10.5, 12.5]])
    np.testing.assert_allclose(digits.resample(image, 4, 4), image)
    # shrinking by a non-integer factor keeps the mean
    other = np.random.default_rng(0).random((30, 50))
    assert np.isclose(digits.resample(other, 20, 7).mean(), other.mean())


def test_render_strokes_draws_round_thick_lines():
    image = digits.render_strokes([[(40, 100), (240, 100)]], size=280, width=20)
    assert image.shape == (280, 280) and image.dtype == np.float32
    assert image[100, 140] == 1 and image[100 + 12, 140] == 0    # 10 px either side
    assert image[100 - 9, 140] == 1
    assert image[100, 40 - 9] == 1 and image[100, 40 - 12] == 0   # a round end
    dot = digits.render_strokes([[(50, 60)]], width=10)
    assert dot[60, 50] == 1 and dot.sum() == pytest.approx(np.pi * 25, rel=0.1)
    assert not digits.render_strokes([]).any()


def test_draw_shows_the_digit_and_ten_bars():
    probs = np.full(10, 0.02)
    probs[3] = 0.82
    fig = digits.draw(np.zeros((28, 28)), probs)
    digit_ax, bars_ax = fig.axes
    assert len(bars_ax.patches) == 10
    assert [p.get_height() for p in bars_ax.patches] == pytest.approx(probs)
    assert "3" in bars_ax.get_title() and "82%" in bars_ax.get_title()
    assert digit_ax.images[0].get_array().shape == (28, 28)
    empty = digits.draw(np.zeros((28, 28)), None)
    assert all(p.get_height() == 0 for p in empty.axes[1].patches)
    assert "draw" in empty.axes[1].get_title()


def test_the_callbacks_draw_read_and_clear(reader, mnist_test):
    box = digits.playground(reader, mfs.mnist.MEAN, mfs.mnist.STD)
    first = bytes(box.image.value)
    assert first.startswith(b"\x89PNG")
    # a vertical stroke: a 1
    box.press(140, 40)
    for y in range(50, 250, 10):
        box.move(140, y)
    assert bytes(box.image.value) == first   # no redraw while the mouse is down
    box.release(140, 250)
    assert len(box.strokes) == 1 and len(box.strokes[0]) == 21
    assert bytes(box.image.value) != first
    assert "the network says" in box.figure.axes[1].get_title()
    heights = [p.get_height() for p in box.figure.axes[1].patches]
    assert sum(heights) == pytest.approx(1, abs=1e-5)
    # moving with the button up draws nothing; a second release does nothing
    box.move(10, 10)
    box.release(10, 10)
    assert len(box.strokes[0]) == 21
    box.clear()
    assert box.strokes == [] and bytes(box.image.value) == first
    for name in ("mlpfs-digit-canvas", "mlpfs-clear-button", "mlpfs-figure"):
        assert any(name in child._dom_classes for child in _widgets(box)), name


def _widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


def test_a_stroke_ending_in_the_kernel_redraws_once_and_says_the_digit(reader):
    import asyncio

    box = digits.playground(reader, mfs.mnist.MEAN, mfs.mnist.STD)
    before = box.redrawer.count

    async def stroke():
        box.press(140, 40)
        for y in range(50, 250, 10):
            box.move(140, y)
        box.release(140, 250)
        box.release(140, 250)          # mouse-up then mouse-out: one redraw
        assert box.status.value == "working…"
        while box.redrawer.pending:
            await asyncio.sleep(0.01)

    asyncio.run(stroke())
    assert box.redrawer.count == before + 1
    assert box.status.value.startswith("the network says ")
    assert box.status.value.split()[3] == box.figure.axes[1].get_title().split()[3]
