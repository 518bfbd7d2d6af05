"""Synthetic long-term-dependency tasks: the answer depends on an input ``lag`` steps back.

They are the lecture's "I grew up in France … I speak fluent ___" boiled down to what makes
it hard: one early input decides the answer, and many irrelevant inputs come after it.

- :func:`recall_first`: classify a sequence by its first symbol, read ``lag`` steps later.
- :func:`adding_problem`: regress the sum of two marked values (Hochreiter & Schmidhuber, 1997).
- :func:`subject_reset`: name the current subject at every step; a new subject replaces the
  old one ("Bob … Alice … she"), so what must be remembered is reset now and then.

All are deterministic for a given ``seed`` (an int, or a ``numpy.random.Generator`` to draw
several splits from one stream) and use NumPy only.
"""

import numpy as np


def _int_at_least(name, value, minimum, meaning=""):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name}: expected an int >= {minimum}{meaning}, got {value!r}")
    return int(value)


def _generator(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected an int >= 0 or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def recall_first(n, lag, *, n_symbols=4, n_distractors=8, seed=0):
    """``n`` sequences whose label is their first symbol, followed by ``lag`` distractors.

    Symbols ``0 .. n_symbols-1`` are the ones to remember; the distractors are the other
    ``n_distractors`` ids, so the vocabulary has ``n_symbols + n_distractors`` ids. The answer
    is read after the last input, ``lag`` steps after the symbol that decides it; guessing
    scores ``1 / n_symbols``.

    Returns ``x`` (n, lag + 1) int32 and ``y`` (n,) int32, with ``y == x[:, 0]``.
    """
    n = _int_at_least("n", n, 1)
    lag = _int_at_least("lag", lag, 1, " (steps between the symbol and the answer)")
    n_symbols = _int_at_least("n_symbols", n_symbols, 2, " (at least two symbols to tell apart)")
    n_distractors = _int_at_least("n_distractors", n_distractors, 1)
    rng = _generator(seed)
    y = rng.integers(0, n_symbols, size=n)  # (n,)
    x = rng.integers(n_symbols, n_symbols + n_distractors, size=(n, lag + 1))  # (n, lag + 1)
    x[:, 0] = y
    return x.astype("int32"), y.astype("int32")


def adding_problem(n, length, *, seed=0):
    """``n`` sequences of (value, marker) pairs; the target is the sum of the 2 marked values.

    One marker falls in each half of the sequence, so the first lies at least ``length // 2``
    steps before the end. Values are uniform in [0, 1); always answering 1.0 scores a mean
    squared error of 1/6, the baseline a model must beat.

    Returns ``x`` (n, length, 2) float32 (channel 0 values, channel 1 markers) and ``y`` (n,)
    float32.
    """
    n = _int_at_least("n", n, 1)
    length = _int_at_least("length", length, 2, " (one marker in each half)")
    rng = _generator(seed)
    values = rng.uniform(size=(n, length))  # (n, length)
    markers = np.zeros((n, length))  # (n, length)
    rows = np.arange(n)
    markers[rows, rng.integers(0, length // 2, size=n)] = 1.0
    markers[rows, rng.integers(length // 2, length, size=n)] = 1.0
    x = np.stack([values, markers], axis=-1).astype("float32")  # (n, length, 2)
    y = (values * markers).sum(axis=1).astype("float32")  # (n,)
    return x, y


def subject_reset(n, length, *, n_subjects=4, n_distractors=8, p_new=0.1, seed=0):
    """``n`` sequences that name their current subject at every step; new subjects replace it.

    Step 0 holds a subject (ids ``0 .. n_subjects-1``). Each later step holds, with probability
    ``p_new``, a new subject different from the current one (a **reset**: the old subject must
    be forgotten), and otherwise a distractor (the other ``n_distractors`` ids). The target at
    step ``t`` is the most recent subject at or before ``t``.

    Returns ``x`` (n, length) int32, ``y`` (n, length) int32 and ``resets`` (n, length) bool,
    True where a new subject replaces an old one (never at step 0).
    """
    n = _int_at_least("n", n, 1)
    length = _int_at_least("length", length, 2, " (a subject and at least one step after it)")
    n_subjects = _int_at_least("n_subjects", n_subjects, 2, " (a new subject must differ from the old)")
    n_distractors = _int_at_least("n_distractors", n_distractors, 1)
    if isinstance(p_new, bool) or not isinstance(p_new, (int, float)) or not 0 < p_new < 1:
        raise ValueError(f"p_new: expected a probability strictly between 0 and 1, got {p_new!r}")
    rng = _generator(seed)
    x = rng.integers(n_subjects, n_subjects + n_distractors, size=(n, length))  # (n, length)
    resets = rng.random((n, length)) < p_new  # (n, length)
    resets[:, 0] = False
    shifts = rng.integers(1, n_subjects, size=(n, length))  # (n, length): never back to the same
    y = np.empty((n, length), dtype=np.int64)  # (n, length)
    y[:, 0] = rng.integers(0, n_subjects, size=n)
    for t in range(1, length):
        y[:, t] = np.where(resets[:, t], (y[:, t - 1] + shifts[:, t]) % n_subjects, y[:, t - 1])
    x[:, 0] = y[:, 0]
    x[resets] = y[resets]
    return x.astype("int32"), y.astype("int32"), resets
