import numpy as np
import pytest

import mlp_from_scratch as mfs


def test_numerical_gradient_of_known_function(rng):
    x = rng.standard_normal((3, 2))
    numeric = mfs.numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(numeric, 3 * x**2, rtol=1e-8)
    before = x.copy()
    mfs.numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, before)  # perturbations are undone


def test_relative_error():
    assert mfs.relative_error(np.ones(3), np.ones(3)) == 0
    assert mfs.relative_error(np.ones(3), -np.ones(3)) == 1
    assert mfs.relative_error(np.zeros(2), np.zeros(2)) == 0
    assert mfs.relative_error([1.0, 2.0], [1.0, 2.0 + 1e-6]) == pytest.approx(1e-6 / (2 * np.sqrt(5)), rel=1e-3)


def test_report_shows_error_beside_expected_magnitude():
    report = mfs.gradient_report({"0.W": 3.2e-11, "0.b": 0.25, "1.W": 2.4e-8})
    assert report.loc["0.W", "relative error"] == "< 1e-09"   # rounding noise: no digits
    assert report.loc["1.W", "relative error"] == "2e-08"
    assert report.loc["0.W", "correct if below"] == "1e-07"
    assert report["ok"].tolist() == ["yes", "NO", "yes"]
