from labkit.datasets import long_lag

import numpy as np
import pytest


def test_recall_first_label_is_the_first_symbol_and_the_rest_are_distractors():
    x, y = long_lag.recall_first(500, lag=30, n_symbols=4, n_distractors=8, seed=1)
    assert x.shape == (500, 31) and y.shape == (500,)
    assert x.dtype == np.int32 and y.dtype == np.int32
    assert np.array_equal(x[:, 0], y)
    assert set(np.unique(y)) == {0, 1, 2, 3}
    assert x[:, 1:].min() >= 4 and x[:, 1:].max() <= 11  # distractors never look like an answer
    assert len(np.unique(x[:, 1:])) == 8


def test_recall_first_answer_is_not_in_the_last_lag_inputs():
    x, y = long_lag.recall_first(200, lag=5, seed=0)
    assert not np.isin(y[:, None], x[:, 1:]).any()  # only the input `lag` steps back decides


def test_recall_first_is_deterministic_per_seed_and_a_generator_continues_its_stream():
    a, b = long_lag.recall_first(50, 10, seed=3), long_lag.recall_first(50, 10, seed=3)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], long_lag.recall_first(50, 10, seed=4)[0])
    rng = np.random.default_rng(0)
    train, test = long_lag.recall_first(50, 10, seed=rng), long_lag.recall_first(50, 10, seed=rng)
    assert not np.array_equal(train[0], test[0])


def test_adding_problem_target_is_the_sum_of_the_two_marked_values():
    x, y = long_lag.adding_problem(300, length=20, seed=0)
    assert x.shape == (300, 20, 2) and y.shape == (300,) and x.dtype == y.dtype == np.float32
    markers = x[..., 1]
    assert np.array_equal(markers.sum(axis=1), np.full(300, 2.0))
    assert (markers[:, :10].sum(axis=1) == 1).all() and (markers[:, 10:].sum(axis=1) == 1).all()
    assert np.allclose(y, (x[..., 0] * markers).sum(axis=1))
    assert ((x[..., 0] >= 0) & (x[..., 0] < 1)).all()


def test_adding_problem_baseline_is_one_sixth():
    _, y = long_lag.adding_problem(20000, length=10, seed=0)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.01)


def test_subject_reset_target_is_the_most_recent_subject_and_resets_change_it():
    x, y, resets = long_lag.subject_reset(400, 50, n_subjects=4, n_distractors=8, p_new=0.1, seed=2)
    assert x.shape == y.shape == resets.shape == (400, 50) and x.dtype == y.dtype == np.int32
    is_subject = x < 4
    assert np.array_equal(is_subject[:, 1:], resets[:, 1:])
    assert is_subject[:, 0].all() and not resets[:, 0].any()
    assert x[~is_subject].min() >= 4 and x.max() <= 11
    for row in range(400):  # a plain loop: the target is the last subject seen
        current = None
        for t in range(50):
            current = x[row, t] if x[row, t] < 4 else current
            assert y[row, t] == current
    assert (y[:, 1:][resets[:, 1:]] != y[:, :-1][resets[:, 1:]]).all()  # a reset names someone new
    assert resets.mean() == pytest.approx(0.1 * 49 / 50, abs=0.01)


def test_subject_reset_is_deterministic_per_seed():
    a, b = long_lag.subject_reset(30, 20, seed=5), long_lag.subject_reset(30, 20, seed=5)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], long_lag.subject_reset(30, 20, seed=6)[0])


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n": 5, "length": 1},
     r"^length: expected an int >= 2 \(a subject and at least one step after it\), got 1$"),
    ({"n": 5, "length": 9, "n_subjects": 1}, r"^n_subjects: expected an int >= 2 "),
    ({"n": 5, "length": 9, "p_new": 1.0},
     r"^p_new: expected a probability strictly between 0 and 1, got 1.0$"),
    ({"n": 5, "length": 9, "p_new": "0.1"}, r"^p_new: expected a probability .*, got '0.1'$"),
    ({"n": 5, "length": 9, "seed": -1}, r"^seed: expected an int >= 0 or a numpy Generator, got -1$"),
])
def test_subject_reset_rejects_bad_arguments_in_one_line(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        long_lag.subject_reset(**kwargs)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n": 10, "lag": 0}, r"^lag: expected an int >= 1 \(steps between the symbol and the answer\), got 0$"),
    ({"n": 10, "lag": 2.5}, r"^lag: expected an int >= 1 .*, got 2.5$"),
    ({"n": 0, "lag": 3}, r"^n: expected an int >= 1, got 0$"),
    ({"n": 10, "lag": 3, "n_symbols": 1}, r"^n_symbols: expected an int >= 2 \(at least two symbols"),
    ({"n": 10, "lag": 3, "n_distractors": 0}, r"^n_distractors: expected an int >= 1, got 0$"),
    ({"n": 10, "lag": 3, "seed": -1}, r"^seed: expected an int >= 0 or a numpy Generator, got -1$"),
    ({"n": True, "lag": 3}, r"^n: expected an int >= 1, got True$"),
])
def test_recall_first_rejects_bad_arguments_in_one_line(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        long_lag.recall_first(**kwargs)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n": 10, "length": 1}, r"^length: expected an int >= 2 \(one marker in each half\), got 1$"),
    ({"n": -5, "length": 10}, r"^n: expected an int >= 1, got -5$"),
    ({"n": 5, "length": 10, "seed": "0"}, r"^seed: expected an int >= 0 or a numpy Generator, got '0'$"),
])
def test_adding_problem_rejects_bad_arguments_in_one_line(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        long_lag.adding_problem(**kwargs)


def test_datasets_package_loads_modules_lazily():
    import labkit.datasets

    assert labkit.datasets.long_lag is long_lag
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        labkit.datasets.nope  # noqa: B018
