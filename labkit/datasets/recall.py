"""Associative recall, for "where an RNN's memory runs out" (lesson 07): ``k`` key-value pairs, then
a query key; the answer is the value stored with that key.

Each step of a sequence holds one pair, a key id and a value id; the last step holds the query key
and the value id QUERY (= ``values``), which stands for "?". The keys of one sequence are distinct,
drawn from ``keys`` key ids; each value from ``values`` value ids. A model must keep every pair until
the query comes, so the task measures how much a model can hold: a recurrent state of fixed width
runs out as ``k`` grows, while attention can look back at the pair whose key matches the query.
All sequences are drawn at once (NumPy arrays over the batch).
"""

from labkit.arguments import check_int, check_seed

from typing import NamedTuple

import numpy as np


class Recall(NamedTuple):
    """``keys`` and ``values`` (n, k + 1) int32 ids, the query last (its value is QUERY = the number of
    values); ``answers`` (n,) int32, the queried key's value; ``positions`` (n,), the pair it sits in."""

    keys: np.ndarray
    values: np.ndarray
    answers: np.ndarray
    positions: np.ndarray


def pairs(n, k, *, keys=32, values=16, seed=0):
    """``n`` sequences of ``k`` key-value pairs and a query (a :class:`Recall`)."""
    n, k = check_int("n", n), check_int("k", k)
    keys, values = check_int("keys", keys), check_int("values", values)
    if k > keys:
        raise ValueError(f"k: expected at most keys={keys} pairs (keys differ within a sequence), got {k}")
    check_seed(seed)
    rng = np.random.default_rng(seed)
    chosen_keys = np.argsort(rng.random((n, keys)), axis=1)[:, :k]  # (n, k) distinct keys per sequence
    chosen_values = rng.integers(0, values, size=(n, k))  # (n, k)
    positions = rng.integers(0, k, size=n)  # (n,) the pair the query asks for
    rows = np.arange(n)
    query_keys = chosen_keys[rows, positions]  # (n,)
    all_keys = np.concatenate([chosen_keys, query_keys[:, None]], axis=1).astype("int32")  # (n, k + 1)
    query_values = np.full((n, 1), values)  # QUERY
    all_values = np.concatenate([chosen_values, query_values], axis=1).astype("int32")  # (n, k + 1)
    return Recall(all_keys, all_values, chosen_values[rows, positions].astype("int32"), positions)
