"""Argument checks shared by the public functions: each error names the argument, the
value it got and how to fix it, because students read these messages.

Every check looks at a Python scalar, a type, a shape or a dtype: none passes over the
elements of an array, so they cost nothing next to a training step.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np


def _show(value: Any) -> str:
    """A short repr: long ones (arrays) are cut so a message stays one readable line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_instance(value: Any, cls: type | tuple[type, ...], name: str, example: str) -> None:
    """Raise TypeError unless ``value`` is an instance of ``cls``. A class passed where
    an instance belongs (``ReLU`` for ``ReLU()``) gets "did you mean ReLU()?"."""
    if isinstance(value, cls):
        return
    if isinstance(value, type) and issubclass(value, cls):
        raise TypeError(f"{name} is the class {value.__name__}, not an instance of it; "
                        f"did you mean {value.__name__}()? (e.g. {example})")
    raise TypeError(f"{name} must be {example}-like, got {_show(value)} of type "
                    f"{type(value).__name__}")


def check_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """``value`` as an int ≥ ``minimum``; floats (even 3.0), strings and bools are refused
    (a bool is an int to Python, but ``True`` as a size is always a mistake)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_show(value)} of type "
                        f"{type(value).__name__}" +
                        (f"; use {int(value)}" if isinstance(value, float)
                         and value.is_integer() else ""))
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_real(value: Any, name: str, *, low: float = -math.inf, high: float = math.inf,
               low_open: bool = False, high_open: bool = False, fix: str = "") -> float:
    """``value`` as a finite float in the interval from ``low`` to ``high`` (open ends
    where asked); NaN, infinities, strings, bools and complex numbers are refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_show(value)} of type "
                        f"{type(value).__name__}")
    value = float(value)
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if not math.isfinite(value) or below or above:
        if high == math.inf and low == -math.inf:
            wanted = "a finite number"
        elif high == math.inf:
            wanted = f"a finite number {'>' if low_open else '>='} {low:g}"
        else:
            wanted = ("a finite number in " + ("(" if low_open else "[") + f"{low:g}, "
                      f"{high:g}" + (")" if high_open else "]"))
        raise ValueError(f"{name} must be {wanted}, got {value}" +
                         (f"; {fix}" if fix else ""))
    return value


def check_generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """``rng`` must be a ``numpy.random.Generator``: a seed or a legacy ``RandomState``
    would draw from a different stream (or the global state)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, got {_show(rng)} of type "
                        f"{type(rng).__name__}; create one with np.random.default_rng(seed)")
    return rng


def check_real_array(x: Any, name: str | Callable[[], str]) -> np.ndarray:
    """``x`` as an ndarray of real numbers (ints, unsigned ints or floats; bools become
    float32). Complex values would silently lose their imaginary part, and strings or
    objects fail deep inside NumPy, so both get a TypeError naming ``name``.

    ``name`` may be a function that makes the name: the layers' names include their
    repr, which only an error should pay for (this runs on every batch)."""
    if type(x) is np.ndarray and x.dtype.kind in "fiu":  # the every-batch case, first
        return x
    if callable(name):
        name = name()
    if not isinstance(x, np.ndarray):
        try:
            x = np.asarray(x)
        except (ValueError, TypeError) as err:  # ragged nested lists
            raise TypeError(f"{name} cannot be made into an array ({err}); pass a "
                            "rectangular list or a NumPy array of numbers") from err
    kind = x.dtype.kind
    if kind in "fiu":
        return x
    if kind == "b":
        return x.astype(np.float32)
    if kind == "c":
        raise TypeError(f"{name} has complex dtype {x.dtype}; the network works on real "
                        f"numbers: pass x.real (or np.abs(x)) explicitly")
    raise TypeError(f"{name} must hold numbers, got dtype {x.dtype}; convert it with "
                    f"np.asarray({name}, dtype=np.float32)")
