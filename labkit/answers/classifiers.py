"""Answers of lesson 03's checks: the tweets and their tokens by the lesson's rules (Python's ``re``),
the classifiers' outputs by a NumPy forward pass of Embedding -> (Bidirectional) LSTM -> Dense given
the check's weights, and the ensemble's averaged probabilities."""

from labkit.answers import reference, register
from labkit.probes import classifiers as probes

import json
import re

import numpy as np

VISIBLE_TWEETS = ("Great flight!!", "@United where is my bag?", "Loving it #happy https://t.co/Ab3x",
                  "Not bad, at all. (really)", '"Delayed" again: 3-4 hours/day *sigh*')
_PIECES = ("Flight", "GATE", "crew", "bag", "late", "Thanks", "@Delta", "#fail", "#Love", "wifi",
           "https://t.co/Zx9", "http://bit.ly/q", "!", "?!", "...", ",", ":", ";", "(ok)", '"so"', "*sigh*",
           "2/3", "10-12")  # the grading tweets are drawn from these


def standardize_tokens(tweet):
    """The lesson's rules in Python: lower-case, links -> http, ! ? @ # apart, . , : ; ( ) " * / - gone."""
    tweet = re.sub(r"https?://\S+", " http ", tweet.lower())
    tweet = re.sub(r"([!?@#])", r" \1 ", tweet)
    return re.sub(r"[.,:;()\"*/-]", " ", tweet).split()


def _tweets(spec):
    if not spec.grading:
        return list(VISIBLE_TWEETS)
    rng = np.random.default_rng(spec.seed)
    return [" ".join(rng.choice(_PIECES, size=rng.integers(4, 9))) for _ in range(6)]


def _standardize(spec):
    tweets = _tweets(spec)
    return {"tweets": tweets, "tokens": [standardize_tokens(tweet) for tweet in tweets]}


def _classifier_inputs(spec):
    """Tweets of ids (below), and the seed of the weights the probe gives each classifier."""
    return (*_ids(spec), int(np.random.default_rng([spec.seed, 17]).integers(2**31)))


def _ids(spec):
    """Post-padded tweets (batch, time) of ids in [1, 100), and the same with 8 more padding steps."""
    rng, s = spec.draw(batch=(4, range(5, 8)), steps=(12, range(9, 16)))
    ids = rng.integers(1, 100, size=(s["batch"], s["steps"]))  # (batch, time)
    ids[1:, rng.integers(2, s["steps"] - 1):] = 0
    ids[2:, 3:] = 0
    return ids, np.pad(ids, ((0, 0), (0, 8)))  # (batch, time), (batch, time + 8)


def _forward(layers, weights, ids):
    """The NumPy forward pass of Embedding -> (Bidirectional) LSTM -> Dense, Dropout skipped."""
    mask = ids != 0 if layers[0] == "Embedding mask_zero=True" else None  # (batch, time)
    x, rest = weights[0][ids], iter(weights[1:])  # (batch, time, dim)
    for layer in layers[1:]:
        kind = layer.split()
        if kind[0] == "LSTM":
            lstm = [next(rest) for _ in range(3)]
            x = reference.keras_lstm(x, *lstm, mask=mask)[0][:, -1]  # (batch, units)
        elif kind[0] == "Bidirectional":
            forward, backward = [next(rest) for _ in range(3)], [next(rest) for _ in range(3)]
            forward = reference.keras_lstm(x, *forward, mask=mask)[0][:, -1]  # (batch, units)
            backward_mask = None if mask is None else mask[:, ::-1]
            backward = reference.keras_lstm(x[:, ::-1], *backward, mask=backward_mask)[0]
            x = np.concatenate([forward, backward[:, -1]], axis=-1)  # (batch, 2 units)
        elif kind[0] == "Dense":
            x = x @ next(rest) + next(rest)  # (batch, classes)
            x = reference.softmax(x) if kind[1] == "softmax" else x
    return x


class _Outputs(dict):
    """{json [number, layers, weight shapes]: the classifier's output given the check's weights}, computed
    for whichever architecture is asked (a release stores those of the lesson's own solution only)."""

    def __init__(self, ids, weight_seed):
        super().__init__()
        self.ids, self.weight_seed = ids, weight_seed

    def __missing__(self, key):
        number, layers, shapes = json.loads(key)
        shapes = [tuple(shape) for shape in shapes]
        self[key] = _forward(layers, probes.check_weights(self.weight_seed, number, shapes), self.ids)
        return self[key]


def _classifier(spec):
    ids, _, weight_seed = _classifier_inputs(spec)
    return {"batch": len(ids), "outputs": _Outputs(ids, weight_seed)}


def _member_weights(spec, members, classes):
    rng = np.random.default_rng([spec.seed, 99])
    return [[rng.normal(size=(50, 4)), rng.normal(size=(4, classes)), rng.normal(size=classes)]
            for _ in range(members)]


def _ensemble_inputs(spec):
    rng, s = spec.draw(members=(3, range(2, 6)), classes=(3, range(3, 6)), batch=(5, range(6, 9)))
    ids = rng.integers(0, 50, size=(s["batch"], 9))  # (batch, time)
    return ids, _member_weights(spec, s["members"], s["classes"])


def _ensemble(spec):
    ids, weights = _ensemble_inputs(spec)
    return {"output": np.mean([reference.softmax(embedding[ids].mean(axis=1) @ kernel + bias)
                               for embedding, kernel, bias in weights], axis=0)}  # (batch, classes)


register("tweet_standardize", _tweets, _standardize)
register("sentiment_classifier", _classifier_inputs, _classifier)
register("average_ensemble", _ensemble_inputs, _ensemble)
