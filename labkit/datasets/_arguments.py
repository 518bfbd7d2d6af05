"""Argument checks every dataset loader shares, each failing with a one-line error."""


def check_split(split, splits):
    """Fail unless ``split`` is one of ``splits``."""
    if split not in splits:
        raise ValueError(f"split: expected one of {', '.join(map(repr, splits))}, got {split!r}")


def check_seed(seed):
    """Fail unless ``seed`` is an int >= 0."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed: expected an int >= 0, got {seed!r}")
