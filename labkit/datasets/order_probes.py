"""Sentence pairs with the same bag of words and opposite sentiment: proof that order matters.

Each template puts one adjective in the position that decides the sentiment and the other
where it is denied — "the food was good, not bad at all" (positive) vs "the food was bad,
not good at all" (negative). Swapping the two adjectives keeps every word and flips the label,
so any model that only counts words gives both sentences the same answer.

:func:`load` returns a split of such pairs, adjacent in the output (rows 2i and 2i+1 are one
pair):

- ``train`` and ``test`` use :data:`TEMPLATES` and share no (template, subject, adjectives)
  combination, so ``test`` asks for the rule, not a memorised sentence. The lecture's own pair
  (:data:`LECTURE_PAIR`) is always in ``test``: no model is trained on it.
- ``unseen`` uses :data:`UNSEEN_TEMPLATES`, constructions that no training sentence has: does
  a model read the construction, or did it learn a shortcut such as "the last adjective wins"?
  Half of them put the deciding adjective first and half last; most of :data:`TEMPLATES` put it last.
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
    "{said} {subject}, not {negated}",
    "the {subject} was {said} rather than {negated}",
    "the {subject} is not {negated}, it is {said}",
    "i expected a {negated} {subject} but it was {said}",
    "not {negated} but {said}, that {subject}",
    "the {subject} was never {negated}, always {said}",
    "i would not call the {subject} {negated}, i would call it {said}",
    "no, the {subject} was not {negated} but {said}",
    "they said {negated} but the {subject} was {said}",
]
UNSEEN_TEMPLATES = [  # constructions held out of training altogether
    "i expected the {subject} to be {negated} but it was {said}",
    "the {subject} was not {negated}, actually it was {said}",
    "the {subject} was {said} although everyone said it would be {negated}",
    "the {subject} was {said} and nowhere near {negated}",
]
LECTURE = (TEMPLATES[0], "food", "good", "bad")
LECTURE_PAIR = ("the food was good, not bad at all", "the food was bad, not good at all")
SPLITS = ("train", "test", "unseen")
TEST_FRACTION = 0.2


@functools.cache
def _combinations(seed):
    every = itertools.product(TEMPLATES, SUBJECTS, POSITIVE_WORDS, NEGATIVE_WORDS)
    combos = [combo for combo in every if combo != LECTURE]
    order = np.random.default_rng(seed).permutation(len(combos))
    n_test = round(TEST_FRACTION * len(combos))
    return {"test": [LECTURE] + [combos[i] for i in order[:n_test]],
            "train": [combos[i] for i in order[n_test:]],
            "unseen": list(itertools.product(UNSEEN_TEMPLATES, SUBJECTS, POSITIVE_WORDS, NEGATIVE_WORDS))}


def load(split, *, seed=0):
    """``(texts, labels)`` of the ``split`` ('train', 'test' or 'unseen'): 2n sentences and (2n,) int32.

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


def templates(split, *, seed=0):
    """The template of each sentence that ``load(split, seed=seed)`` returns, in the same order."""
    check_split(split, SPLITS)
    check_seed(seed)
    return [template for template, *_ in _combinations(seed)[split] for _ in range(2)]
