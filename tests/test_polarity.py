from labkit import polarity

import numpy as np
import pytest


def _corpus():
    """Word 2 only in positive texts, 3 only in negative, 4 twice as often in positive; 5 everywhere."""
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 2], 200)  # (400,)
    ids = np.zeros((400, 6), dtype=np.int64)  # (texts, length), 0 = padding
    ids[:, 0] = 5
    ids[labels == 2, 1] = 2
    ids[labels == 0, 1] = 3
    ids[:, 2] = np.where(rng.random(400) < np.where(labels == 2, 0.6, 0.3), 4, 1)  # 1 = out of vocabulary
    ids[:, 3] = rng.integers(6, 10, size=400)  # noise words, even across classes
    return ids, labels


def test_polar_words_rank_by_how_lopsided_a_word_is():
    ids, labels = _corpus()
    positive, negative = polarity.polar_words(ids, labels, positive=2, negative=0, n=2, min_count=10)
    assert list(positive) == [2, 4] and negative[0] == 3
    assert 0 not in positive and 1 not in negative  # padding and out-of-vocabulary are skipped


def test_polar_words_match_a_plain_count_of_log_odds():
    ids, labels = _corpus()
    positive, _ = polarity.polar_words(ids, labels, positive=2, negative=0, n=3, min_count=10)

    def log_odds(word, label):
        inside = sum(word in row for row in ids[labels == label])
        return np.log((inside + 1) / ((labels == label).sum() - inside + 1))

    scores = [log_odds(word, 2) - log_odds(word, 0) for word in positive]
    assert scores == sorted(scores, reverse=True)
    others = [w for w in range(2, 10) if w not in positive]
    assert min(scores) >= max(log_odds(w, 2) - log_odds(w, 0) for w in others)


def test_polar_words_given_the_vocabulary_rank_only_words():
    ids, labels = _corpus()
    vocabulary = ["", "[UNK]", "__", "worst", "thanks", "the", "flight", "!", "3", "delayed"]
    positive, negative = polarity.polar_words(ids, labels, positive=2, negative=0, n=2, min_count=10,
                                              vocabulary=vocabulary)
    ranked = [vocabulary[i] for i in [*positive, *negative]]
    assert 2 not in positive and positive[0] == 4 and negative[0] == 3  # "__", the most positive, is out
    assert all(polarity.is_word(token) for token in ranked), ranked
    assert [polarity.is_word(t) for t in ("__", "!", "3", "#", "", "thanks", "don't", "c3po")] == [
        False, False, False, False, False, True, True, True]


def test_polar_words_leave_rare_words_unranked():
    ids, labels = _corpus()
    ids[0, 4] = 42  # one negative text has a word nobody else uses
    _, negative = polarity.polar_words(ids, labels, positive=2, negative=0, n=2, min_count=2)
    assert 42 not in negative


@pytest.mark.parametrize("kwargs, pattern", [
    ({"ids": np.zeros(5, dtype=int)},
     r"^ids: expected a 2-D array of word ids \(texts, length\), got shape \(5,\)"),
    ({"labels": np.zeros(3)}, r"^labels: expected one label per text, shape \(400,\), got \(3,\)$"),
    ({"positive": 1}, r"^positive: no text has label 1$"),
    ({"n": 0}, r"^n: expected an int >= 1, got 0$"),
    ({"n": 50}, r"^n: only \d+ words appear in >= 10 texts; expected at least 100 for n=50$"),
    ({"vocabulary": ["", "[UNK]", "a"]}, r"^vocabulary: expected a token for each of the 10 ids, got 3$"),
])
def test_polar_words_reject_bad_arguments_in_one_line(kwargs, pattern):
    ids, labels = _corpus()
    arguments = {"ids": ids, "labels": labels, "positive": 2, "negative": 0, "n": 2, "min_count": 10,
                 **kwargs}
    with pytest.raises(ValueError, match=pattern):
        polarity.polar_words(**arguments)
