"""Self-checks of lesson 03's exercises: tweet standardisation, the masked many-to-one
classifier, and the ensemble that averages its members.

The probes give the student's models weights drawn by the check; the expected outputs
(:mod:`labkit.answers.classifiers`) are the same models run in NumPy (Embedding -> LSTM or
Bidirectional LSTM -> Dense softmax), and the same tweets standardised with Python's ``re``.
"""

from labkit.checks.core import CheckFailed, define, expect, expect_close, expect_shape
from labkit.probes import classifiers as probes

import json

import numpy as np


def _standardize_compare(expected, data):
    tweets = expected["tweets"]
    expect_shape(data["texts"], (len(tweets),), "the standardized texts")
    for tweet, got, tokens_expected in zip(tweets, data["texts"], expected["tokens"]):
        tokens, tokens_expected = str(got).split(), list(tokens_expected)
        expect(tokens == tokens_expected, f"{tweet!r} gives the tokens {tokens}, expected {tokens_expected}")


tweet_standardize = define(
    "tweet_standardize", "standardize", probes.tweet_standardize, _standardize_compare,
    "``fn(texts)`` (a tf string tensor) lower-cases, turns links into the token "
    "``http``, makes ``! ? @ #`` tokens of their own and drops other punctuation.")


def _classifier_compare(expected, data):
    batch = expected["batch"]
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
        expect_shape(probabilities, (batch, None), "the output (batch, classes)")
        expect(probabilities.shape[1] > 1, "the output (batch, classes): map the LSTM's last state through a "
               "Dense layer with one unit per class")
        expect_close(probabilities.sum(axis=1), np.ones(batch), "the sums of the output rows (each should "
                     "be 1: use activation='softmax')", atol=1e-4)
        change = float(np.max(np.abs(data[f"longer_{number}"] - probabilities)))
        if mask:
            expect(change < 1e-5, f"more padding changes the {kind}'s output: pass mask_zero=mask to the "
                   "Embedding, so the LSTM skips padded steps")
        else:
            expect(change > 1e-6, "mask=False must build a model without a mask (Embedding(..., "
                                  "mask_zero=mask))")
        expect(sum(int(np.prod(s)) for s in shapes) < 5_000_000, "the classifier has over 5 million weights")
        try:
            output = expected["outputs"][json.dumps([number, core, [list(s) for s in shapes]])]
        except KeyError:  # a release stores the outputs of the lesson's own layers and sizes only
            raise CheckFailed(f"the {kind}'s weights have the shapes {shapes}, not the ones the lesson's "
                              "hint gives (this self-check knows those only; the grader any)") from None
        expect_close(probabilities, output, f"the {kind}'s output given the check's weights (Embedding -> "
                     f"{recurrent} -> Dense softmax, no other layers that change values)", atol=1e-4)


sentiment_classifier = define(
    "sentiment_classifier", "classifier", probes.sentiment_classifier, _classifier_compare,
    "``classifier(kind, seed=, mask=)`` builds Embedding (mask_zero=mask) -> LSTM, "
    "or a Bidirectional LSTM for 'BiLSTM' -> softmax over the classes.")


def _ensemble_compare(expected, data):
    expect_shape(data["output"], expected["output"].shape, "the ensemble's output (batch, classes)")
    expect_close(data["output"], expected["output"], "the ensemble's output (average the members' "
                 "probabilities, e.g. keras.layers.Average()([m(inputs) for m in models]))", atol=1e-5)


average_ensemble = define(
    "average_ensemble", "average_ensemble", probes.average_ensemble, _ensemble_compare,
    "``make_ensemble(models)`` returns one Keras model whose output is the mean of the "
    "members' class probabilities, for the same int-id input.")
