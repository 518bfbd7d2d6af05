"""labkit.series_plots: the figures hold the data they were given and bad input gets one-line errors."""

from labkit import series_plots

import numpy as np
import pytest


def test_throws_draws_one_panel_per_throw_with_each_path():
    truth = np.random.default_rng(0).normal(size=(4, 10, 2))
    fig = series_plots.throws(truth, seen=truth[:, :3], drawn={"model": truth[:, 3:] + 1}, columns=3)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 4 and len(fig.axes) == 6
    first = panels[0].lines
    assert np.allclose(first[0].get_xydata(), truth[0]) and np.allclose(first[1].get_xydata(), truth[0, :3])
    from_the_last_seen = np.concatenate([truth[0, 2:3], truth[0, 3:] + 1])
    assert np.allclose(first[2].get_xydata(), from_the_last_seen)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"truth": np.zeros((2, 5))}, "^truth: expected a 3-D array"),
    ({"truth": np.zeros((2, 5, 3))}, r"^truth: expected \(throws, frames, 2\)"),
    ({"truth": np.zeros((2, 5, 2)), "seen": np.zeros((3, 2, 2))}, "^seen: expected 2 throws"),
    ({"truth": np.zeros((2, 5, 2)), "drawn": {"m": np.zeros((1, 2, 2))}},
     r"^drawn\['m'\]: expected 2 throws"),
])
def test_throws_rejects_bad_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        series_plots.throws(**kwargs)


def test_forecast_draws_history_truth_and_each_forecast():
    times = np.arange(8)
    fig = series_plots.forecast(times, [1.0, 2.0, 3.0], [4.0] * 5, {"naive": [3.0] * 5}, labels=("a", "b"))
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines[:3]] == ["a", "b", "naive"]
    assert ax.lines[2].get_xdata().tolist() == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("args, pattern", [
    ((np.arange(7), [1.0, 2.0, 3.0], [4.0] * 5, {}), "^times: expected 8"),
    ((np.arange(8), [1.0, 2.0, 3.0], [4.0] * 5, {"naive": [1.0]}),
     r"^forecasts\['naive'\]: expected 5 values"),
])
def test_forecast_rejects_bad_input(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        series_plots.forecast(*args)
