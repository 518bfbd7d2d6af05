"""labkit.datasets.co2: the weekly Mauna Loa series from the statsmodels wheel, gaps filled, split by time."""

from labkit.datasets import co2

import numpy as np
import pytest

pytest.importorskip("statsmodels")


@pytest.fixture(scope="module")
def series():
    return co2.load()


def test_weekly_with_no_gaps_and_the_filled_weeks_marked(series):
    assert len(series.ppm) == len(series.weeks) == len(series.filled) == 2284
    assert np.all(np.diff(series.weeks).astype(int) == 7) and np.isfinite(series.ppm).all()
    assert series.filled.sum() == 59 and 300 < series.ppm.min() < series.ppm.max() < 400


def test_a_filled_week_lies_between_its_measured_neighbours(series):
    for i in np.flatnonzero(series.filled)[:20]:
        before = series.ppm[:i][~series.filled[:i]][-1]
        after = series.ppm[i + 1:][~series.filled[i + 1:]][0]
        assert min(before, after) <= series.ppm[i] <= max(before, after)


def test_split_is_by_time(series):
    train, test = co2.split(series, test_fraction=0.25)
    assert len(train.ppm) + len(test.ppm) == len(series.ppm) and len(test.ppm) == 571
    assert train.weeks[-1] < test.weeks[0]
    assert np.array_equal(np.concatenate([train.ppm, test.ppm]), series.ppm)
    assert co2.load().ppm.tobytes() == series.ppm.tobytes()  # the same every time


@pytest.mark.parametrize("fraction", [0, 1.5, "0.2"])
def test_a_bad_test_fraction_is_a_one_line_error(series, fraction):
    with pytest.raises(ValueError, match=r"^test_fraction: expected a number in \[0.01, 0.99\], got "):
        co2.split(series, test_fraction=fraction)
