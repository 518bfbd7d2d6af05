from labkit import text
from labkit.datasets import order_probes, tweets

from collections import Counter

import numpy as np
import pytest


@pytest.mark.parametrize("split", order_probes.SPLITS)
def test_pairs_have_the_same_words_and_opposite_labels(split):
    texts, labels = order_probes.load(split)
    assert len(texts) == len(labels) and len(texts) % 2 == 0 and labels.dtype == np.int32
    for i in range(0, len(texts), 2):
        positive, negative = texts[i], texts[i + 1]
        assert positive != negative
        assert Counter(text.words(positive)) == Counter(text.words(negative))
        assert (tweets.CLASSES[labels[i]], tweets.CLASSES[labels[i + 1]]) == ("positive", "negative")


def test_the_lecture_pair_is_always_tested_and_never_trained_on():
    for seed in (0, 1, 2):
        train, test = order_probes.load("train", seed=seed)[0], order_probes.load("test", seed=seed)
        assert not set(order_probes.LECTURE_PAIR) & set(train)
        index = test[0].index(order_probes.LECTURE_PAIR[0])
        assert test[0][index + 1] == order_probes.LECTURE_PAIR[1]
        assert (test[1][index], test[1][index + 1]) == (order_probes.POSITIVE, order_probes.NEGATIVE)


def test_train_and_test_share_no_sentence_and_cover_every_combination_of_the_seen_templates():
    train, test = order_probes.load("train")[0], order_probes.load("test")[0]
    assert not set(train) & set(test)
    combos = (len(order_probes.TEMPLATES) * len(order_probes.SUBJECTS) * len(order_probes.POSITIVE_WORDS)
              * len(order_probes.NEGATIVE_WORDS))
    assert len(train) + len(test) == 2 * combos and len(test) == 2 * (round(0.2 * (combos - 1)) + 1)


def test_unseen_constructions_appear_in_no_training_sentence():
    train_templates = set(order_probes.templates("train")) | set(order_probes.templates("test"))
    assert train_templates == set(order_probes.TEMPLATES)
    assert set(order_probes.templates("unseen")) == set(order_probes.UNSEEN_TEMPLATES)
    assert not train_templates & set(order_probes.UNSEEN_TEMPLATES)
    train = set(order_probes.load("train")[0])
    assert not train & set(order_probes.load("unseen")[0])


def test_templates_name_the_construction_of_every_sentence():
    for split in order_probes.SPLITS:
        texts, _ = order_probes.load(split, seed=3)
        for sentence, template in zip(texts, order_probes.templates(split, seed=3)):
            head = template.split("{")[0]
            assert sentence.startswith(head)
    said_first = [t.index("{said}") < t.index("{negated}") for t in order_probes.UNSEEN_TEMPLATES]
    assert sum(said_first) == len(said_first) // 2  # no "the last adjective wins" shortcut


def test_split_is_deterministic_per_seed():
    assert order_probes.load("test")[0] == order_probes.load("test")[0]
    assert order_probes.load("test", seed=1)[0] != order_probes.load("test")[0]
