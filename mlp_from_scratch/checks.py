"""Checks for the graded exercises: each names the property that failed, never the answer.

A check cell in a notebook calls these on a student's result, for example::

    check_array("dW", dW, shape=W.shape)             # "dW has shape (4, 3), expected (3, 4)"
    check_close("dW", dW, reference_dW)              # "dW is wrong in 5 of 12 entries ..."
    check_gradient("dW", dW, loss_of_W, W)           # "relative error 3e-02 against ..."

Every failure raises ``CheckFailed``, an ``AssertionError``, so nbgrader counts it as a
failed test and the message is what the student reads.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .gradcheck import EXPECTED_BELOW, numerical_gradient, relative_error


class CheckFailed(AssertionError):
    """An exercise's answer does not have a property it needs; the message says which."""


def check_array(name: str, value: object, *, shape: Sequence[int] | None = None) -> np.ndarray:
    """``value`` must be a NumPy array of real numbers, of ``shape`` if given, with no NaN
    or infinity. Returns it, so a check can go on with it."""
    if value is None:
        raise CheckFailed(f"{name} is None: does your code return (or assign) its result?")
    if not isinstance(value, np.ndarray):
        raise CheckFailed(f"{name} should be a NumPy array, got {type(value).__name__}")
    if not (np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer)):
        raise CheckFailed(f"{name} should hold real numbers, got dtype {value.dtype}")
    if shape is not None and value.shape != tuple(shape):
        raise CheckFailed(f"{name} has shape {value.shape}, expected {tuple(shape)}")
    if np.issubdtype(value.dtype, np.floating) and not np.isfinite(value).all():
        raise CheckFailed(f"{name} contains NaN or infinity")
    return value


def check_close(name: str, value: object, expected: np.ndarray, *, rtol: float = 1e-5,
                atol: float = 1e-7) -> None:
    """``value`` must equal ``expected`` entry by entry, to ``rtol`` and ``atol``.

    The message counts the wrong entries and names the first, without the values the
    reference holds.
    """
    expected = np.asarray(expected)
    value = check_array(name, value, shape=expected.shape)
    wrong = ~np.isclose(value, expected, rtol=rtol, atol=atol)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        where = f" (the first at index {first})" if first else ""
        raise CheckFailed(f"{name} is wrong in {int(wrong.sum())} of {wrong.size} "
                          f"entr{'y' if wrong.size == 1 else 'ies'}{where}")


def check_gradient(name: str, analytic: object, f: Callable[[], float], x: np.ndarray, *,
                   h: float = 1e-5, expected_below: float = EXPECTED_BELOW) -> float:
    """``analytic`` must match the central-difference gradient of ``f`` (which reads ``x``)
    with respect to ``x``. Returns the relative error; the message gives it beside what a
    correct gradient gives."""
    analytic = check_array(name, analytic, shape=x.shape)
    error = relative_error(analytic, numerical_gradient(f, x, h))
    if not error < expected_below:
        raise CheckFailed(f"{name}: relative error {error:.0e} against finite differences "
                          f"(a correct gradient gives < {expected_below:.0e})")
    return error


def check_number(name: str, value: object) -> float:
    """``value`` must be one real, finite number (an answer to "predict the value")."""
    if value is None:
        raise CheckFailed(f"{name} is None: replace None with your answer")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"{name} should be a number, got {type(value).__name__}")
    if not np.isfinite(value):
        raise CheckFailed(f"{name} should be a finite number, got {value}")
    return float(value)


def check_choice(name: str, value: object, options: Sequence[object]) -> None:
    """``value`` must be one of ``options`` (an answer to a multiple-choice question)."""
    if value is None:
        raise CheckFailed(f"{name} is None: replace None with one of {list(options)}")
    if value not in options:
        raise CheckFailed(f"{name} is {value!r}, which is not one of {list(options)}")


@contextmanager
def time_limit(seconds: float, message: str) -> Iterator[None]:
    """Raise ``CheckFailed(message)`` if the block runs longer than ``seconds``: a check's
    guard against an answer that would run for hours (a loop where a formula is asked for),
    so the student's kernel is not left busy. It needs SIGALRM (Linux, macOS) and the main
    thread; elsewhere the block runs without a limit."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise CheckFailed(message)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
