"""The argument checks of the functions that notebooks call: each returns the value it checked (converted), or raises
a TypeError (wrong kind of value) or a ValueError (right kind, wrong value) whose message names the argument, says
what is allowed and shows what came.

Only the learner's boundary validates: a function that receives values another course function has already checked
trusts them.
"""

import math
import numbers

import numpy as np


def _shown(value):
    return f"{type(value).__name__} {value!r:.80}"


def as_float(name, value, low=None, high=None, *, low_open=False, high_open=False):
    """``value`` as a finite float within [low, high] (either end open if asked)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_shown(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        if high is None:
            raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value!r}")
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return value


def as_int(name, value, low=0, high=None):
    """``value`` as an int within [low, high]; a bool or a float (even 2.0) is refused."""
    allowed = f"a whole number >= {low}" if high is None else f"a whole number in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {allowed}, got {_shown(value)}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def as_bool(name, value):
    """``value`` if it is True or False (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_shown(value)}")
    return value


def one_of(name, value, options):
    """``value`` if it is one of the strings ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r:.80}")
    return value


def as_array(name, value, *, ndim=None, finite=True, empty=False, dtype=np.float64):
    """``value`` (a number, list, array or tensor of numbers) as a NumPy array of ``dtype`` (None: its own numeric
    dtype). ndim: the number of dimensions it must have; finite: refuse NaN and infinity; empty: allow no values."""
    if type(value) is np.ndarray and value.dtype == (value.dtype if dtype is None else dtype) and \
            value.dtype.kind in "iuf":  # already what is asked for (the common case, in training loops): as below
        return _checked_array(name, value, ndim, finite, empty)
    if isinstance(value, (str, bytes, bool, np.bool_, dict, set)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {_shown(value)}")
    try:
        array = np.asarray(value)
        if array.dtype.kind == "O" and any(isinstance(x, (str, bytes)) for x in array.flat):
            raise TypeError
        if array.dtype.kind not in "biufO":  # text, dates, complex numbers
            raise TypeError
        if dtype is None:  # its own numeric dtype; numbers held as Python objects become float64
            dtype = np.float64 if array.dtype.kind == "O" else array.dtype
        array = array.astype(dtype, copy=False)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {_shown(value)}") from None
    except OverflowError:  # a Python int too large for a float
        raise ValueError(f"{name} must be finite, got {_shown(value)}") from None
    return _checked_array(name, array, ndim, finite, empty)


def _checked_array(name, array, ndim, finite, empty):
    """``array`` if it has ``ndim`` dimensions (None: any), holds a number (unless ``empty``), is finite (if asked)."""
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}")
    if not empty and array.size == 0:
        raise ValueError(f"{name} must hold at least one number, got shape {array.shape}")
    if finite and not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {array.tolist()!r:.80}")
    return array


def as_learning_rates(name, value):
    """One learning rate or an array of them, as a float array; each must be a number >= 0."""
    rates = as_array(name, value)
    if np.any(rates < 0):
        raise ValueError(f"{name} must be >= 0 (a step downhill), got {rates.tolist()!r:.80}")
    return rates


def as_landscape(name, value):
    """``value`` if it is a :class:`course_utils.landscapes.Landscape`."""
    from course_utils.landscapes import Landscape

    if not isinstance(value, Landscape):
        raise TypeError(f"{name} must be a Landscape (see course_utils.landscapes), got {_shown(value)}")
    return value
