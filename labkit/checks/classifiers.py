"""Self-checks of lesson 03's exercises: tweet standardisation, the masked many-to-one
classifier, and the ensemble that averages its members.

They test behaviour (tokens kept, padding ignored, outputs averaged) against small references
built here, not numbers from an earlier run.
"""

import numpy as np

from labkit.checks.core import check, expect, expect_close, expect_shape

# (tweet, tokens after standardize + whitespace split)
STANDARDIZE_CASES = (
    ("Great flight!!", ["great", "flight", "!", "!"]),
    ("@United where is my bag?", ["@", "united", "where", "is", "my", "bag", "?"]),
    ("Loving it #happy https://t.co/Ab3x", ["loving", "it", "#", "happy", "http"]),
    ("Not bad, at all. (really)", ["not", "bad", "at", "all", "really"]),
    ('"Delayed" again: 3-4 hours/day *sigh*', ["delayed", "again", "3", "4", "hours", "day", "sigh"]),
)


def tweet_standardize(fn):
    """``fn(texts)`` (a tf string tensor) lower-cases, turns links into the token ``http``, makes
    ``! ? @ #`` tokens of their own and drops other punctuation (``. , : ; ( ) " * / -``)."""

    def test():
        import tensorflow as tf

        texts = [tweet for tweet, _ in STANDARDIZE_CASES]
        out = fn(tf.constant(texts))
        expect(hasattr(out, "numpy") and np.shape(out) == (len(texts),),
               "standardize must return a string tensor with one text per input text (use tf.strings)")
        for (tweet, expected), got in zip(STANDARDIZE_CASES, out.numpy()):
            tokens = got.decode("utf-8").split()
            expect(tokens == expected, f"{tweet!r} gives the tokens {tokens}, expected {expected}")

    return check("standardize", test)


def _padding_change(model, ids, extra=8):
    """Max change of the model's outputs when ``extra`` padding zeros are appended."""
    longer = np.pad(ids, ((0, 0), (0, extra)))  # (batch, time + extra)
    before, after = (np.asarray(model(x, training=False)) for x in (ids, longer))  # (batch, classes)
    return float(np.max(np.abs(before - after)))


def sentiment_classifier(classifier, classes=3, seed=0):
    """``classifier(kind, seed=, mask=)`` builds an int-id model: Embedding (with mask_zero=mask)
    -> LSTM, or a Bidirectional LSTM for ``"BiLSTM"`` -> softmax over the classes."""

    def test():
        import keras

        rng = np.random.default_rng(seed)
        ids = rng.integers(1, 100, size=(4, 12))  # (batch, time)
        ids[1:, 7:] = 0  # three post-padded tweets
        model = classifier("LSTM")
        probabilities = np.asarray(model(ids, training=False))
        expect_shape(probabilities, (4, classes), "the output (batch, classes): map the LSTM's last state "
                     "through a Dense layer with one unit per class")
        expect_close(probabilities.sum(axis=1), np.ones(4), "the sums of the output rows (each should be 1: "
                     "use activation='softmax')", atol=1e-4)
        expect(_padding_change(model, ids) < 1e-5, "more padding changes the output: pass mask_zero=mask to "
               "the Embedding, so the LSTM skips padded steps")
        expect(_padding_change(classifier("LSTM", mask=False), ids) > 1e-6,
               "mask=False must build a model without a mask (Embedding(..., mask_zero=mask))")
        bidirectional = classifier("BiLSTM")
        expect(any(isinstance(layer, keras.layers.Bidirectional) for layer in bidirectional.layers),
               "classifier('BiLSTM') has no Bidirectional layer: wrap the LSTM in keras.layers.Bidirectional")
        expect_shape(np.asarray(bidirectional(ids, training=False)), (4, classes), "the BiLSTM's output")
        expect(_padding_change(bidirectional, ids) < 1e-5, "more padding changes the BiLSTM's output: its "
               "Embedding needs mask_zero=mask too")

    return check("classifier", test)


def average_ensemble(make_ensemble, members=3, classes=3, seed=0):
    """``make_ensemble(models)`` returns one Keras model whose output is the mean of the members'
    class probabilities, for the same int-id input."""

    def test():
        import keras

        models = [keras.Sequential([
            keras.Input((None,), dtype="int64"),
            keras.layers.Embedding(50, 4),  # (batch, time, 4)
            keras.layers.GlobalAveragePooling1D(),  # (batch, 4)
            keras.layers.Dense(classes, activation="softmax"),  # (batch, classes)
        ]) for _ in range(members)]
        ids = np.random.default_rng(seed).integers(0, 50, size=(5, 9))  # (batch, time)
        ensemble = make_ensemble(models)
        expect(isinstance(ensemble, keras.Model), f"make_ensemble must return a keras.Model, got "
               f"{type(ensemble).__name__}")
        output = np.asarray(ensemble(ids, training=False))
        expected = np.mean([np.asarray(m(ids, training=False)) for m in models], axis=0)  # (batch, classes)
        expect_shape(output, expected.shape, "the ensemble's output (batch, classes)")
        expect_close(output, expected, "the ensemble's output (average the members' probabilities, e.g. "
                     "keras.layers.Average()([m(inputs) for m in models]))", atol=1e-5)

    return check("average_ensemble", test)
