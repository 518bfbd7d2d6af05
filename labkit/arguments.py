"""Argument checks every labkit function shares, each failing with a one-line error that names
the argument and what was expected."""

from numbers import Integral


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
