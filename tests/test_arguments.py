"""labkit.arguments: the one-line errors every labkit function gives for bad arguments."""

from labkit import arguments
from labkit.datasets import imdb, order_probes

import numpy as np
import pytest


@pytest.mark.parametrize("value", [0, True, 1.0, "3", None])
def test_check_int_names_the_argument_and_what_was_expected(value):
    with pytest.raises(ValueError, match=rf"^steps: expected an int >= 1 \(batches\), got {value!r}$"):
        arguments.check_int("steps", value, meaning="batches")


def test_check_int_takes_numpy_ints_and_a_minimum():
    assert arguments.check_int("n", np.int64(3)) == 3 and arguments.check_int("smooth", 0, minimum=0) == 0


@pytest.mark.parametrize("load, split, kwargs, pattern", [
    (imdb.load, "dev", {}, r"^split: expected one of 'train', 'test', got 'dev'$"),
    (imdb.load, "train", {"num_words": 0}, r"^num_words: expected an int >= 1, got 0$"),
    (order_probes.load, "validation", {},
     r"^split: expected one of 'train', 'test', 'unseen', got 'validation'$"),
    (order_probes.load, "test", {"seed": 1.5}, r"^seed: expected an int >= 0, got 1.5$"),
])
def test_dataset_loaders_reject_bad_arguments_in_one_line(load, split, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        load(split, **kwargs)
