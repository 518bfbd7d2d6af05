"""Weekly Mauna Loa CO2 (ppm, March 1958 to December 2001), from the data inside the statsmodels
wheel (``statsmodels.datasets.co2``): a real series, offline, with a trend and a yearly season.

59 of its 2,284 weeks have no measurement. :func:`load` fills each gap by linear interpolation in
time between the weeks around it (the longest gap is a few weeks, far shorter than a season) and
returns which weeks were filled. :func:`split` cuts by time, never at random: a forecaster is
tested on weeks after every week it trained on.
"""

from labkit.arguments import check_real

from typing import NamedTuple

import numpy as np

WEEKS_PER_YEAR = 52


class Series(NamedTuple):
    """``weeks`` (n,) datetime64[D], ``ppm`` (n,) float64 with no gaps, ``filled`` (n,) bool."""

    weeks: np.ndarray
    ppm: np.ndarray
    filled: np.ndarray


def load():
    """The whole weekly series, gaps filled (see the module docstring)."""
    from statsmodels.datasets import co2

    frame = co2.load_pandas().data
    ppm = frame["co2"].to_numpy(dtype="float64", copy=True)
    filled = np.isnan(ppm)
    days = np.arange(len(ppm))
    ppm[filled] = np.interp(days[filled], days[~filled], ppm[~filled])
    return Series(frame.index.to_numpy().astype("datetime64[D]"), ppm, filled)


def split(series, test_fraction=0.2):
    """(train, test): the first weeks and the last ``test_fraction`` of them, in time order."""
    test_fraction = check_real("test_fraction", test_fraction, minimum=0.01, maximum=0.99)
    cut = int(round(len(series.ppm) * (1 - test_fraction)))
    return Series(*(part[:cut] for part in series)), Series(*(part[cut:] for part in series))
