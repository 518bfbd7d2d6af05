"""Self-check of lesson 04's sampling step: one character at a time, with the LSTM state
carried explicitly and a temperature.

The probe builds a small model like the lesson's (layers named ``embedding``, ``lstm`` and
``logits``) with weights drawn by the check and peaked logits, so that temperature shows; asks
the student's ``make_sample_step(model)`` for its step; feeds a sequence one character at a time
and draws many samples. The judge runs the same model in NumPy and compares the states, and the
samples' frequencies with softmax(logits / temperature).
"""

from labkit.checks import reference
from labkit.checks.core import define, expect, expect_close, expect_shape

import numpy as np

TEMPERATURES, DRAWS, TOLERANCE = (0.5, 2.0), 20000, 0.04


def _inputs(spec):
    """The sizes, the model's weights [embedding, LSTM kernel, recurrent kernel, bias, Dense kernel,
    bias] and a batch of 2 sequences of ids (2, time)."""
    rng, s = spec.draw(vocab=(7, range(8, 13)), embedding=(4, range(3, 7)), units=(5, range(6, 10)),
                       steps=(8, range(9, 14)))
    vocab, embedding, units = s["vocab"], s["embedding"], s["units"]
    weights = [rng.normal(scale=1.0, size=(vocab, embedding)),
               rng.normal(scale=1.0 / np.sqrt(embedding), size=(embedding, 4 * units)),
               rng.normal(scale=1.0 / np.sqrt(units), size=(units, 4 * units)),
               rng.normal(scale=0.5, size=4 * units),
               rng.normal(scale=6.0 / np.sqrt(units), size=(units, vocab)),  # peaked logits
               rng.normal(size=vocab)]
    sequence = rng.integers(0, vocab, size=(2, s["steps"])).astype("int32")
    return s, [w.astype("float32") for w in weights], sequence


def _model(vocab, embedding, units, weights):
    import keras

    model = keras.Sequential([keras.Input((None,), dtype="int32"),
                              keras.layers.Embedding(vocab, embedding, name="embedding"),
                              keras.layers.LSTM(units, return_sequences=True, name="lstm"),
                              keras.layers.Dense(vocab, name="logits")])
    for name, part in zip(("embedding", "lstm", "logits"), (weights[:1], weights[1:4], weights[4:])):
        model.get_layer(name).set_weights(part)
    return model


def _probe(spec, make_sample_step):
    import tensorflow as tf

    s, weights, sequence = _inputs(spec)
    step = make_sample_step(_model(s["vocab"], s["embedding"], s["units"], weights))
    expect(callable(step), "make_sample_step(model) must return the step function")
    h = c = tf.zeros((2, s["units"]))
    states = []
    for t in range(sequence.shape[1]):
        h_before, c_before = h, c
        out = step(tf.constant(sequence[:, t]), h, c, tf.constant(1.0))
        expect(isinstance(out, (tuple, list)) and len(out) == 3,
               "sample_step must return three things: (next_ids, h, c)")
        next_ids, h, c = out
        expect_shape(next_ids, (2,), "next_ids (batch,): one sampled id per tune")
        expect_shape(h, (2, s["units"]), "h (batch, units)")
        expect_shape(c, (2, s["units"]), "c (batch, units)")
        states.append(np.asarray(h))
    # Many copies of the last step of tune 0: their samples must follow softmax(logits / T).
    last_char = tf.fill([DRAWS], int(sequence[0, -1]))  # (draws,)
    h_many, c_many = (tf.repeat(state[:1], DRAWS, axis=0) for state in (h_before, c_before))  # (draws, units)
    draws = {f"draws_{i}": np.asarray(step(last_char, h_many, c_many, tf.constant(temperature))[0])
             for i, temperature in enumerate(TEMPERATURES)}
    return {"states": np.stack(states, axis=1), **draws}


def _judge(spec, data):
    s, weights, sequence = _inputs(spec)
    vocab = s["vocab"]
    weights = [w.astype("float64") for w in weights]
    expected, _ = reference.keras_lstm(weights[0][sequence], *weights[1:4])  # (2, time, units)
    states = data["states"]
    expect_shape(states, expected.shape, "h after each character (batch, time, units)")
    for t in range(sequence.shape[1]):
        expect_close(states[:, t], expected[:, t], f"h after {t + 1} characters (embed the ids, then one "
                     "lstm.cell(vectors, [h, c]) step, and return its new states)", atol=1e-4)
    logits = expected[0, -1] @ weights[4] + weights[5]  # (vocab,): after the whole of tune 0
    for i, temperature in enumerate(TEMPERATURES):
        ids = np.asarray(data[f"draws_{i}"])
        expect_shape(ids, (DRAWS,), "the sampled ids")
        expect(ids.min() >= 0 and ids.max() < vocab, f"sampled ids must lie in [0, {vocab})")
        frequencies = np.bincount(ids.astype(int), minlength=vocab) / DRAWS
        distance = 0.5 * float(np.abs(frequencies - reference.softmax(logits / temperature)).sum())
        expect(distance < TOLERANCE, f"at temperature {temperature} the samples do not follow "
               f"softmax(logits / temperature) (total variation {distance:.2f}): divide the logits by the "
               "temperature, then draw with tf.random.categorical")


sample_step = define("sample_step", "sample_step", _probe, _judge,
                     "``make_sample_step(model)`` returns ``step(char_ids, h, c, temperature) -> "
                     "(next_ids, h, c)`` for a model with layers named ``embedding``, ``lstm`` and "
                     "``logits``: ids (batch,), states (batch, units).")
