from labkit.datasets import imdb

import urllib.error

import pytest


def test_offline_and_uncached_is_a_one_line_error(monkeypatch):
    keras = pytest.importorskip("keras")

    def no_network(**kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.imdb, "load_data", no_network)
    with pytest.raises(ConnectionError) as caught:
        imdb.load("train")
    message = str(caught.value)
    assert message.startswith("imdb: not cached at ") and "imdb.npz" in message
    assert message.endswith("the download failed (URLError); the lessons use the offline tweets instead")
    assert "\n" not in message and caught.value.__cause__ is None and caught.value.__suppress_context__


def test_returns_the_requested_split_when_keras_has_the_data(monkeypatch):
    keras = pytest.importorskip("keras")
    fake = (([[1, 2]], [1]), ([[3]], [0]))
    monkeypatch.setattr(keras.datasets.imdb, "load_data", lambda num_words: fake)
    assert imdb.load("train") == fake[0] and imdb.load("test") == fake[1]


def test_cache_path_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert imdb.cache_path() == tmp_path / "datasets" / "imdb.npz"
