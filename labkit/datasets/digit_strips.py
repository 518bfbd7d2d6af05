"""Images of handwritten digits side by side, each with its caption (lesson 08, one to many).

The digits are scikit-learn's bundled 8x8 scans (``sklearn.datasets.load_digits``, 1,797 images,
offline). They are split once, by a fixed seed, into a training pool and a disjoint test pool, so
a test image never shows a scan the model was trained on. A strip is ``width`` columns wide and
holds 0 to ``max_digits`` digits, left to right, with the spare columns spread at random before,
between and after them; its caption names the digits in order ("three one four"). A blank strip
(no digits) has the empty caption: its token ids are the end mark alone.

Captions as token ids: PAD (0), START (1), END (2), then the words "zero" ... "nine" (3 ... 12).
"""

from labkit.arguments import check_int, check_seed, check_split

from functools import cache
from typing import NamedTuple

import numpy as np

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
PAD, START, END = 0, 1, 2
VOCABULARY = ("<pad>", "<s>", "<end>", *WORDS)  # token id -> token
DIGIT = 8  # a scan is DIGIT x DIGIT pixels
SPLITS = ("train", "test")
TEST_SHARE, POOL_SEED = 0.2, 1797


class Strips(NamedTuple):
    """``images`` (n, 8, width) float32 in [0, 1]; per digit slot (n, max_digits) int32, -1 past the
    last digit: ``digits`` (0-9), ``starts`` (its first column) and ``sources`` (its scan in the pool)."""

    images: np.ndarray
    digits: np.ndarray
    starts: np.ndarray
    sources: np.ndarray


@cache
def _pools():
    from sklearn.datasets import load_digits

    scans = load_digits()
    images = (scans.images / 16.0).astype("float32")  # (1797, 8, 8) in [0, 1]
    order = np.random.default_rng(POOL_SEED).permutation(len(images))
    n_test = round(TEST_SHARE * len(images))
    return {"test": (images[order[:n_test]], scans.target[order[:n_test]].astype("int32")),
            "train": (images[order[n_test:]], scans.target[order[n_test:]].astype("int32"))}


def pool(split):
    """The scans of one split: images (m, 8, 8) float32 in [0, 1] and labels (m,) int32."""
    check_split(split, SPLITS)
    return _pools()[split]


def strips(n, max_digits, *, split="train", seed=0, width=None):
    """``n`` strips of 0 to ``max_digits`` digits (uniformly many) from ``split``'s pool, ``width``
    columns wide (default ``8 * (max_digits + 1)``): a :class:`Strips`."""
    n, max_digits = check_int("n", n), check_int("max_digits", max_digits)
    check_split(split, SPLITS)
    check_seed(seed)
    width = DIGIT * (max_digits + 1) if width is None else check_int("width", width)
    if width < DIGIT * max_digits:
        raise ValueError(f"width: expected at least {DIGIT * max_digits} columns for {max_digits} digits, "
                         f"got {width}")
    images, labels = pool(split)
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, max_digits + 1, size=n)  # (n,) digits per strip
    sources = np.where(np.arange(max_digits) < counts[:, None],
                       rng.integers(0, len(images), size=(n, max_digits)), -1)  # (n, max_digits)
    starts = np.full((n, max_digits), -1)
    for row, count in enumerate(counts):
        spare = width - DIGIT * count
        cuts = np.sort(rng.integers(0, spare + 1, size=count))  # (count,) spare columns before each digit
        gaps = np.diff(cuts, prepend=0)  # (count,) >= 0, summing to at most spare
        starts[row, :count] = np.cumsum(gaps) + DIGIT * np.arange(count)
    digits = np.where(sources >= 0, labels[sources], -1)
    return Strips(_compose(images, sources, starts, width), digits.astype("int32"), starts.astype("int32"),
                  sources.astype("int32"))


def _compose(images, sources, starts, width):
    """Paste scan ``sources[i, k]`` at column ``starts[i, k]`` of blank strips: (n, 8, width)."""
    canvas = np.zeros((len(sources), DIGIT, width), dtype="float32")
    for row, column in zip(*np.nonzero(sources >= 0)):
        start = starts[row, column]
        canvas[row, :, start:start + DIGIT] = images[sources[row, column]]
    return canvas


def reverse(strips, split="train"):
    """The same scans in the opposite order, the layout mirrored (each scan itself not flipped)."""
    check_split(split, SPLITS)
    counts = (strips.digits >= 0).sum(axis=1)  # (n,)
    width = strips.images.shape[-1]
    slots = np.arange(strips.digits.shape[1])
    flipped = np.clip(counts[:, None] - 1 - slots, 0, None)  # (n, max_digits) slot k <- slot count-1-k
    present = slots < counts[:, None]
    take = lambda a: np.where(present, np.take_along_axis(a, flipped, axis=1), -1)  # noqa: E731
    sources, digits = take(strips.sources), take(strips.digits)
    starts = np.where(present, width - DIGIT - np.take_along_axis(strips.starts, flipped, axis=1), -1)
    return Strips(_compose(pool(split)[0], sources, starts, width), digits.astype("int32"),
                  starts.astype("int32"), sources.astype("int32"))


def captions(digits):
    """The captions of ``digits`` (n, max_digits), -1 past the last: a list of strings."""
    return [" ".join(WORDS[d] for d in row if d >= 0) for row in np.asarray(digits)]


def token_ids(digits):
    """Caption token ids (n, max_digits + 1) int32: each digit's word, END, then PAD."""
    digits = np.asarray(digits)
    ids = np.where(digits >= 0, digits + len(VOCABULARY) - len(WORDS), PAD)  # (n, max_digits)
    ids = np.concatenate([ids, np.full((len(ids), 1), PAD)], axis=1)  # (n, max_digits + 1)
    ids[np.arange(len(ids)), (digits >= 0).sum(axis=1)] = END
    return ids.astype("int32")


def words(ids):
    """Token ids (n, T) back to captions: the words before the first END, PAD or START skipped."""
    out = []
    for row in np.asarray(ids):
        stop = np.flatnonzero(row == END)
        row = row[: stop[0]] if len(stop) else row
        out.append(" ".join(VOCABULARY[i] for i in row if i > END))
    return out
