"""labkit.datasets.recall: associative recall sequences (lesson 07)."""

from labkit.datasets import recall

import numpy as np
import pytest


def test_layout_pairs_then_the_query_and_its_answer():
    data = recall.pairs(500, 5, keys=8, values=4, seed=1)
    assert data.keys.shape == data.values.shape == (500, 6)
    assert data.keys.dtype == data.values.dtype == np.int32
    assert data.keys.min() >= 0 and data.keys.max() < 8 and data.values[:, :5].max() < 4
    assert all(len(set(row)) == 5 for row in data.keys[:, :5])  # distinct keys within a sequence
    assert (data.values[:, -1] == 4).all()  # the query's value slot holds QUERY
    rows = np.arange(500)
    assert np.array_equal(data.keys[rows, data.positions], data.keys[:, -1])
    assert np.array_equal(data.values[rows, data.positions], data.answers)


def test_every_pair_is_asked_for_and_the_answer_is_not_guessable_from_the_position():
    data = recall.pairs(4000, 4, seed=2)
    assert set(data.positions.tolist()) == {0, 1, 2, 3}
    for position in range(4):
        assert np.bincount(data.answers[data.positions == position], minlength=16).min() > 0


def test_the_same_seed_gives_the_same_sequences_and_another_seed_others():
    first, again, other = (recall.pairs(50, 3, seed=seed) for seed in (7, 7, 8))
    assert np.array_equal(first.keys, again.keys) and np.array_equal(first.values, again.values)
    assert not np.array_equal(first.keys, other.keys)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n": 0, "k": 2}, r"^n: expected an int >= 1, got 0$"),
    ({"n": 2, "k": 0}, r"^k: expected an int >= 1, got 0$"),
    ({"n": 2, "k": 9, "keys": 8}, r"^k: expected at most keys=8 pairs"),
    ({"n": 2, "k": 2, "values": 1.5}, r"^values: expected an int >= 1, got 1.5$"),
    ({"n": 2, "k": 2, "seed": -1}, r"^seed: expected an int >= 0, got -1$"),
])
def test_bad_arguments_are_one_line_errors(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        recall.pairs(**kwargs)
