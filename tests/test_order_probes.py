from labkit import text
from labkit.datasets import order_probes, tweets

from collections import Counter

import numpy as np


def test_pairs_have_the_same_words_and_opposite_labels():
    texts, labels = order_probes.load("test")
    assert len(texts) == len(labels) and len(texts) % 2 == 0 and labels.dtype == np.int32
    for i in range(0, len(texts), 2):
        positive, negative = texts[i], texts[i + 1]
        assert positive != negative
        assert Counter(text.words(positive)) == Counter(text.words(negative))
        assert (tweets.CLASSES[labels[i]], tweets.CLASSES[labels[i + 1]]) == ("positive", "negative")


def test_the_label_follows_the_adjective_that_is_said_not_the_negated_one():
    sentence = "the food was good, not bad at all"
    texts, labels = order_probes.load("train")
    if sentence not in texts:  # that combination fell into the test split
        texts, labels = order_probes.load("test")
    index = texts.index(sentence)
    assert labels[index] == order_probes.POSITIVE
    assert texts[index + 1] == "the food was bad, not good at all"
    assert labels[index + 1] == order_probes.NEGATIVE


def test_train_and_test_share_no_sentence_and_cover_every_combination():
    train, test = order_probes.load("train")[0], order_probes.load("test")[0]
    assert not set(train) & set(test)
    combos = (len(order_probes.TEMPLATES) * len(order_probes.SUBJECTS) * len(order_probes.POSITIVE_WORDS)
              * len(order_probes.NEGATIVE_WORDS))
    assert len(train) + len(test) == 2 * combos and len(test) == 2 * round(0.2 * combos)


def test_split_is_deterministic_per_seed():
    assert order_probes.load("test")[0] == order_probes.load("test")[0]
    assert order_probes.load("test", seed=1)[0] != order_probes.load("test")[0]
