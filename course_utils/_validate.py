"""Argument checks shared by the public functions: each error names the argument and says what is allowed."""

import math
import numbers


def number(name, value, low=None, high=None, *, low_open=False, high_open=False):
    """``value`` as a finite float within [low, high] (either end open if asked); TypeError/ValueError if not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
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


def whole(name, value, low=0):
    """``value`` as an int >= low; a bool or a float is refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number >= {low}, got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def flag(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def instance(name, value, kind, description):
    """``value`` if it is a ``kind``; otherwise a TypeError saying it must be ``description``."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {description}, got {type(value).__name__} {value!r:.80}")
    return value


def choice(name, value, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"unknown {name} {value!r}; {name} must be one of {list(options)}")
    return value
