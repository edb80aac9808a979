"""The exercise checks: each passes a right answer and names the property a wrong one lacks."""

import signal

import numpy as np
import pytest

from mlp_from_scratch.checks import (CheckFailed, check_array, check_choice, check_close,
                                     check_gradient, check_number, time_limit)


def test_check_array_names_the_missing_property():
    assert check_array("X", np.ones((2, 3)), shape=(2, 3)).shape == (2, 3)
    for value, message in [(None, "X is None"), ([1.0], "NumPy array, got list"),
                           (np.ones((3, 2)), r"shape \(3, 2\), expected \(2, 3\)"),
                           (np.array([[np.nan, 0, 0]] * 2), "NaN"),
                           (np.array([["a"] * 3] * 2), "real numbers")]:
        with pytest.raises(CheckFailed, match=message):
            check_array("X", value, shape=(2, 3))


def test_check_close_counts_wrong_entries_without_showing_the_reference():
    expected = np.arange(6.0).reshape(2, 3)
    check_close("Y", expected + 1e-9, expected)
    wrong = expected.copy()
    wrong[1, 2] = 42.0
    with pytest.raises(CheckFailed, match=r"1 of 6 entries \(the first at index \(1, 2\)\)") as info:
        check_close("Y", wrong, expected)
    assert "5.0" not in str(info.value)  # the expected value is never shown
    with pytest.raises(AssertionError, match="shape"):  # nbgrader counts it as a failed test
        check_close("Y", expected.T, expected)


def test_check_gradient_accepts_the_true_gradient_and_rejects_a_wrong_one(rng):
    x = rng.standard_normal(5)

    def f():
        return float(np.sum(x ** 3))

    assert check_gradient("dx", 3 * x ** 2, f, x) < 1e-7
    with pytest.raises(CheckFailed, match=r"relative error .* \(a correct gradient gives < 1e-07\)"):
        check_gradient("dx", 2 * x, f, x)


def test_check_number_and_check_choice():
    assert check_number("answer", np.float32(0.5)) == 0.5
    for value, message in [(None, "replace None"), ("0.5", "number, got str"),
                           (True, "number, got bool"), (float("nan"), "finite")]:
        with pytest.raises(CheckFailed, match=message):
            check_number("answer", value)
    check_choice("choice", "b", ["a", "b"])
    with pytest.raises(CheckFailed, match="not one of"):
        check_choice("choice", "c", ["a", "b"])
    with pytest.raises(CheckFailed, match="replace None"):
        check_choice("choice", None, ["a", "b"])


def test_time_limit_stops_a_long_block_and_restores_the_alarm_handler():
    before = signal.getsignal(signal.SIGALRM)
    with time_limit(5, "never raised"):
        total = sum(range(1000))                   # a quick block is left alone
    assert total == 499500
    with pytest.raises(CheckFailed, match="use a formula"):
        with time_limit(0.2, "use a formula"):
            while True:
                pass
    assert signal.getsignal(signal.SIGALRM) is before
