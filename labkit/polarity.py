"""Which words the data itself shows as positive or negative: smoothed log-odds per word.

Lessons 03 and 05 ask whether a trained model found the words that carry sentiment (close
together in an embedding, or where attention looks). They need those words chosen by the data,
not by hand: :func:`polar_words` ranks every word id by how much more often it appears in
tweets of one class than of another.
"""

import numpy as np


def _ids_and_labels(ids, labels):
    ids, labels = np.asarray(ids), np.asarray(labels)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids: expected a 2-D array of word ids (texts, length), got shape {ids.shape} "
                         f"of {ids.dtype}")
    if labels.shape != (len(ids),):
        raise ValueError(f"labels: expected one label per text, shape ({len(ids)},), got {labels.shape}")
    return ids, labels


def is_word(token):
    """Whether a token is a word: it holds a letter (``!``, ``__`` and ``3`` do not)."""
    return any(character.isalpha() for character in str(token))


def polar_words(ids, labels, *, positive, negative, n=20, min_count=20, skip=(0, 1), vocabulary=None):
    """The ``n`` word ids most typical of class ``positive`` and the ``n`` of class ``negative``.

    ``ids`` (texts, length) int word ids, ``labels`` (texts,) class ids. A word's log-odds ratio
    is the log-odds, smoothed by one, that a text of class ``positive`` contains it, minus the same
    for class ``negative``. Words in fewer than ``min_count`` texts of the two classes, and the ids
    in ``skip`` (padding, out-of-vocabulary), are not ranked; nor, given the ``vocabulary`` (its
    tokens by id, e.g. ``TextVectorization.get_vocabulary()``), are tokens that are not words.

    Returns ``(positive_ids, negative_ids)``, each an int array of ``n`` ids, most polar first.
    """
    ids, labels = _ids_and_labels(ids, labels)
    for name, value in (("n", n), ("min_count", min_count)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: expected an int >= 1, got {value!r}")
    size = int(ids.max()) + 1
    if vocabulary is not None and len(vocabulary) < size:
        raise ValueError(f"vocabulary: expected a token for each of the {size} ids, got {len(vocabulary)}")
    counts = {}
    for side, label in (("positive", positive), ("negative", negative)):
        texts = ids[labels == label]  # (texts of that class, length)
        if len(texts) == 0:
            raise ValueError(f"{side}: no text has label {label!r}")
        ordered = np.sort(texts, axis=1)  # (texts, length)
        first = np.ones_like(ordered, dtype=bool)  # (texts, length): each word once per text
        first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        counts[side] = (np.bincount(ordered[first], minlength=size), len(texts))  # texts with each word
    (in_positive, n_positive), (in_negative, n_negative) = counts["positive"], counts["negative"]
    log_odds_ratio = (np.log((in_positive + 1) / (n_positive - in_positive + 1))
                      - np.log((in_negative + 1) / (n_negative - in_negative + 1)))  # (size,)
    rankable = in_positive + in_negative >= min_count
    rankable[[i for i in skip if i < size]] = False
    if vocabulary is not None:
        rankable &= np.array([is_word(token) for token in vocabulary[:size]], dtype=bool)
    candidates = np.flatnonzero(rankable)
    if len(candidates) < 2 * n:
        raise ValueError(f"n: only {len(candidates)} words appear in >= {min_count} texts; "
                         f"expected at least {2 * n} for n={n}")
    ranked = candidates[np.argsort(-log_odds_ratio[candidates], kind="stable")]
    return ranked[:n], ranked[::-1][:n]
