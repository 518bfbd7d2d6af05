"""Argument checks every labkit function shares, each failing with a one-line error that names
the argument and what was expected."""

import math
from numbers import Integral, Real


def check_int(name, value, minimum=1, meaning=None):
    """``value`` as an int; fail unless it is one (NumPy's too, not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        why = f" ({meaning})" if meaning else ""
        raise ValueError(f"{name}: expected an int >= {minimum}{why}, got {value!r}")
    return int(value)


def check_split(split, splits):
    """Fail unless ``split`` is one of ``splits``."""
    if split not in splits:
        raise ValueError(f"split: expected one of {', '.join(map(repr, splits))}, got {split!r}")


def check_seed(seed):
    """Fail unless ``seed`` is an int >= 0."""
    check_int("seed", seed, minimum=0)


def check_real(name, value, minimum=None, maximum=None, meaning=None):
    """``value`` as a float; fail unless it is a finite real number within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or (
            minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "-inf" if minimum is None else f"{minimum:g}"
        high = "inf" if maximum is None else f"{maximum:g}"
        why = f" ({meaning})" if meaning else ""
        raise ValueError(f"{name}: expected a number in [{low}, {high}]{why}, got {value!r}")
    return float(value)
