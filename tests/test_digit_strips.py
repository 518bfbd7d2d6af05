"""labkit.datasets.digit_strips: handwritten digits side by side, captioned (lesson 08)."""

from labkit.datasets import digit_strips

import numpy as np
import pytest

sklearn_datasets = pytest.importorskip("sklearn.datasets")


def _rows(images):
    return {image.tobytes() for image in np.asarray(images, dtype="float32")}


def test_the_pools_split_sklearns_scans_into_two_disjoint_parts():
    scans = sklearn_datasets.load_digits()
    (train, train_labels), (test, test_labels) = digit_strips.pool("train"), digit_strips.pool("test")
    assert len(train) + len(test) == len(scans.images) and len(test) == round(0.2 * len(scans.images))
    everything = sorted(image.tobytes() for image in (scans.images / 16).astype("float32"))
    assert sorted(image.tobytes() for image in np.concatenate([train, test])) == everything
    assert not _rows(train) & _rows(test)  # no scan in both
    assert sorted(np.concatenate([train_labels, test_labels]).tolist()) == sorted(scans.target.tolist())


def test_each_digit_is_its_scan_at_its_start_and_the_rest_of_the_strip_is_blank():
    strips = digit_strips.strips(300, 4, split="test", seed=3)
    images, labels = digit_strips.pool("test")
    assert strips.images.shape == (300, 8, 40) and strips.images.dtype == np.float32
    ink = np.zeros(strips.images.shape, dtype=bool)
    for row, slot in zip(*np.nonzero(strips.digits >= 0)):
        start, source = strips.starts[row, slot], strips.sources[row, slot]
        assert np.array_equal(strips.images[row, :, start:start + 8], images[source])
        assert strips.digits[row, slot] == labels[source]
        ink[row, :, start:start + 8] = True
    assert not strips.images[~ink].any()


def test_digits_run_left_to_right_without_overlap_and_every_count_occurs():
    strips = digit_strips.strips(2000, 5, seed=4, width=44)
    counts = (strips.digits >= 0).sum(axis=1)
    assert set(counts.tolist()) == set(range(6))
    assert np.array_equal(strips.digits >= 0, np.arange(5) < counts[:, None])  # digits first, then -1
    for row, count in enumerate(counts):
        starts = strips.starts[row, :count]
        assert np.all(np.diff(starts) >= 8) and (count == 0 or (starts[0] >= 0 and starts[-1] + 8 <= 44))
    assert len({tuple(s) for s in strips.starts[counts == 1]}) > 10  # the layout varies


def test_captions_and_token_ids_name_the_digits_in_order_and_end_with_END():
    digits = np.array([[3, 1, 4], [0, -1, -1], [-1, -1, -1]])
    assert digit_strips.captions(digits) == ["three one four", "zero", ""]
    ids = digit_strips.token_ids(digits)
    assert ids.tolist() == [[6, 4, 7, 2], [3, 2, 0, 0], [2, 0, 0, 0]]
    assert digit_strips.words(ids) == digit_strips.captions(digits)
    assert [digit_strips.VOCABULARY[i] for i in ids[0]] == ["three", "one", "four", "<end>"]


def test_reverse_puts_the_same_scans_in_the_opposite_order_and_twice_gives_the_strip_back():
    strips = digit_strips.strips(200, 5, split="test", seed=5)
    mirrored = digit_strips.reverse(strips, split="test")
    assert [c.split()[::-1] for c in digit_strips.captions(strips.digits)] == \
        [c.split() for c in digit_strips.captions(mirrored.digits)]
    assert sorted(_rows(mirrored.images[:, :, :8])) != sorted(_rows(strips.images[:, :, :8]))
    again = digit_strips.reverse(mirrored, split="test")
    for field in strips._fields:
        assert np.array_equal(getattr(again, field), getattr(strips, field)), field


def test_the_same_seed_gives_the_same_strips_and_another_seed_others():
    first, again, other = (digit_strips.strips(20, 3, seed=seed) for seed in (7, 7, 8))
    assert np.array_equal(first.images, again.images) and not np.array_equal(first.images, other.images)


@pytest.mark.parametrize("call, pattern", [
    (lambda: digit_strips.strips(0, 3), r"^n: expected an int >= 1, got 0$"),
    (lambda: digit_strips.strips(5, 0), r"^max_digits: expected an int >= 1, got 0$"),
    (lambda: digit_strips.strips(5, 3, split="valid"),
     r"^split: expected one of 'train', 'test', got 'valid'$"),
    (lambda: digit_strips.strips(5, 3, width=20),
     r"^width: expected at least 24 columns for 3 digits, got 20$"),
    (lambda: digit_strips.strips(5, 3, seed=-1), r"^seed: expected an int >= 0, got -1$"),
    (lambda: digit_strips.pool("all"), r"^split: expected one of 'train', 'test', got 'all'$"),
])
def test_bad_arguments_get_one_line_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
