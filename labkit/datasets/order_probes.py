"""Sentence pairs with the same bag of words and opposite sentiment: proof that order matters.

Each template puts one adjective in the position that decides the sentiment and the other
where it is negated — "the food was good, not bad at all" (positive) vs "the food was bad,
not good at all" (negative). Swapping the two adjectives keeps every word and flips the label,
so any model that only counts words gives both sentences the same answer.

:func:`load` returns a split of such pairs, adjacent in the output (rows 2i and 2i+1 are one
pair). Train and test share templates and words but no (template, subject, adjectives)
combination, so the test asks for the rule, not a memorised sentence.
"""

from labkit.arguments import check_seed, check_split

import functools
import itertools

import numpy as np

NEGATIVE, POSITIVE = 0, 2  # indices into labkit.datasets.tweets.CLASSES
SUBJECTS = ["food", "flight", "service", "crew", "car", "movie", "hotel", "staff", "app", "ride"]
POSITIVE_WORDS = ["good", "great", "nice", "excellent", "lovely", "amazing", "friendly", "fast"]
NEGATIVE_WORDS = ["bad", "awful", "terrible", "rude", "horrible", "slow", "boring", "dirty"]
TEMPLATES = [  # {said} decides the label, {negated} is denied
    "the {subject} was {said}, not {negated} at all",
    "the {subject} is not {negated}, it is {said}",
    "i expected a {negated} {subject} but it was {said}",
    "not {negated} but {said}, that {subject}",
]
SPLITS = ("train", "test")
TEST_FRACTION = 0.2


@functools.cache
def _combinations(seed):
    combos = list(itertools.product(TEMPLATES, SUBJECTS, POSITIVE_WORDS, NEGATIVE_WORDS))
    order = np.random.default_rng(seed).permutation(len(combos))
    n_test = round(TEST_FRACTION * len(combos))
    return {"test": [combos[i] for i in order[:n_test]], "train": [combos[i] for i in order[n_test:]]}


def load(split, *, seed=0):
    """``(texts, labels)`` of the ``split`` ('train' or 'test'): a list of 2n sentences and (2n,) int32.

    Rows 2i (positive) and 2i+1 (negative) are one pair with the same words in another order.
    """
    check_split(split, SPLITS)
    check_seed(seed)
    texts, labels = [], []
    for template, subject, good, bad in _combinations(seed)[split]:
        texts.append(template.format(subject=subject, said=good, negated=bad))
        texts.append(template.format(subject=subject, said=bad, negated=good))
        labels += [POSITIVE, NEGATIVE]
    return texts, np.array(labels, dtype="int32")
