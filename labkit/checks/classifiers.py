"""Self-checks of lesson 03's exercises: tweet standardisation, the masked many-to-one
classifier, and the ensemble that averages its members.

The probes give the student's models weights drawn by the check; the judges run the same
models in NumPy (Embedding -> LSTM or Bidirectional LSTM -> Dense softmax) and standardise the
same tweets with Python's ``re``.
"""

from labkit.checks import reference
from labkit.checks.core import define, expect, expect_close, expect_shape
from labkit.probes import classifiers as probes

import re

import numpy as np

# (tweet, tokens after standardize + whitespace split): the visible cases
STANDARDIZE_CASES = (
    ("Great flight!!", ["great", "flight", "!", "!"]),
    ("@United where is my bag?", ["@", "united", "where", "is", "my", "bag", "?"]),
    ("Loving it #happy https://t.co/Ab3x", ["loving", "it", "#", "happy", "http"]),
    ("Not bad, at all. (really)", ["not", "bad", "at", "all", "really"]),
    ('"Delayed" again: 3-4 hours/day *sigh*', ["delayed", "again", "3", "4", "hours", "day", "sigh"]),
)
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
        return [tweet for tweet, _ in STANDARDIZE_CASES]
    rng = np.random.default_rng(spec.seed)
    return [" ".join(rng.choice(_PIECES, size=rng.integers(4, 9))) for _ in range(6)]


def _standardize_judge(spec, data):
    tweets = _tweets(spec)
    expect_shape(data["texts"], (len(tweets),), "the standardized texts")
    for tweet, got in zip(tweets, data["texts"]):
        tokens, expected = str(got).split(), standardize_tokens(tweet)
        expect(tokens == expected, f"{tweet!r} gives the tokens {tokens}, expected {expected}")


tweet_standardize = define(
    "tweet_standardize", "standardize", _tweets, probes.tweet_standardize, _standardize_judge,
    "``fn(texts)`` (a tf string tensor) lower-cases, turns links into the token "
    "``http``, makes ``! ? @ #`` tokens of their own and drops other punctuation.")


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


def _classifier_judge(spec, data):
    ids, longer, weight_seed = _classifier_inputs(spec)
    for number, (kind, mask) in enumerate(probes.MODELS):
        layers = [str(layer) for layer in data[f"layers_{number}"]]
        shapes = [tuple(int(d) for d in s if d >= 0) for s in data[f"shapes_{number}"]]
        recurrent = "Bidirectional concat LSTM" if kind == "BiLSTM" else "LSTM"
        expect(kind == "LSTM" or recurrent in layers, "classifier('BiLSTM') has no Bidirectional layer: wrap "
               "the LSTM in keras.layers.Bidirectional")
        core = [layer for layer in layers if layer != "Dropout"]
        expect(len(core) == 3 and core[0].startswith("Embedding") and core[1] == recurrent and
               core[2].startswith("Dense"), f"classifier({kind!r}) is {' -> '.join(layers)}: build Embedding "
               f"-> {recurrent} -> Dense (Dropout layers may sit between them)")
        probabilities = data[f"probabilities_{number}"]
        expect_shape(probabilities, (len(ids), None), "the output (batch, classes)")
        expect(probabilities.shape[1] > 1, "the output (batch, classes): map the LSTM's last state through a "
               "Dense layer with one unit per class")
        expect_close(probabilities.sum(axis=1), np.ones(len(ids)), "the sums of the output rows (each should "
                     "be 1: use activation='softmax')", atol=1e-4)
        change = float(np.max(np.abs(data[f"longer_{number}"] - probabilities)))
        if mask:
            expect(change < 1e-5, f"more padding changes the {kind}'s output: pass mask_zero=mask to the "
                   "Embedding, so the LSTM skips padded steps")
        else:
            expect(change > 1e-6, "mask=False must build a model without a mask (Embedding(..., "
                                  "mask_zero=mask))")
        expect(sum(int(np.prod(s)) for s in shapes) < 5_000_000, "the classifier has over 5 million weights")
        expected = _forward(core, probes.check_weights(weight_seed, number, shapes), ids)
        expect_close(probabilities, expected, f"the {kind}'s output given the check's weights (Embedding -> "
                     f"{recurrent} -> Dense softmax, no other layers that change values)", atol=1e-4)


sentiment_classifier = define(
    "sentiment_classifier", "classifier", _classifier_inputs, probes.sentiment_classifier,
    _classifier_judge,
    "``classifier(kind, seed=, mask=)`` builds Embedding (mask_zero=mask) -> LSTM, "
    "or a Bidirectional LSTM for 'BiLSTM' -> softmax over the classes.")


def _member_weights(spec, members, classes):
    rng = np.random.default_rng([spec.seed, 99])
    return [[rng.normal(size=(50, 4)), rng.normal(size=(4, classes)), rng.normal(size=classes)]
            for _ in range(members)]


def _ensemble_inputs(spec):
    rng, s = spec.draw(members=(3, range(2, 6)), classes=(3, range(3, 6)), batch=(5, range(6, 9)))
    ids = rng.integers(0, 50, size=(s["batch"], 9))  # (batch, time)
    return ids, _member_weights(spec, s["members"], s["classes"])


def _ensemble_judge(spec, data):
    ids, weights = _ensemble_inputs(spec)
    expected = np.mean([reference.softmax(embedding[ids].mean(axis=1) @ kernel + bias)
                        for embedding, kernel, bias in weights], axis=0)  # (batch, classes)
    expect_shape(data["output"], expected.shape, "the ensemble's output (batch, classes)")
    expect_close(data["output"], expected, "the ensemble's output (average the members' probabilities, e.g. "
                 "keras.layers.Average()([m(inputs) for m in models]))", atol=1e-5)


average_ensemble = define(
    "average_ensemble", "average_ensemble", _ensemble_inputs, probes.average_ensemble, _ensemble_judge,
    "``make_ensemble(models)`` returns one Keras model whose output is the mean of the "
    "members' class probabilities, for the same int-id input.")
