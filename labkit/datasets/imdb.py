"""Keras' IMDB movie reviews: optional, used only when already cached or the network answers.

The lessons never need it (they use the offline tweets); it is here for students who want a
second, larger sentiment corpus. ``keras.datasets.imdb`` downloads ~17 MB on first use into
``~/.keras/datasets/``; offline and uncached, :func:`load` says so in one line instead of a
stack trace.
"""

from labkit.arguments import check_int, check_split

import os
from pathlib import Path

SPLITS = ("train", "test")


def cache_path():
    """Where Keras keeps (or would keep) the downloaded file."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "imdb.npz"


def load(split, *, num_words=20000):
    """``(x, y)`` of the ``split`` ('train' or 'test'): lists of word-id sequences, 0/1 labels."""
    check_split(split, SPLITS)
    check_int("num_words", num_words)
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=num_words)
    except Exception as error:  # not cached and no network: say so, without a traceback
        reason = type(error).__name__
        raise ConnectionError(f"imdb: not cached at {cache_path()} and the download failed ({reason}); "
                              "the lessons use the offline tweets instead") from None
    return (x_train, y_train) if split == "train" else (x_test, y_test)
