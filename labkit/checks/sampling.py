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
from labkit.probes import sampling as probes
from labkit.probes.sampling import DRAWS, TEMPERATURES

import numpy as np

TOLERANCE = 0.04  # total variation allowed between the samples and softmax(logits / T)


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


sample_step = define("sample_step", "sample_step", _inputs, probes.sample_step, _judge,
                     "``make_sample_step(model)`` returns ``step(char_ids, h, c, temperature) -> "
                     "(next_ids, h, c)`` for a model with layers named ``embedding``, ``lstm`` and "
                     "``logits``: ids (batch,), states (batch, units).")
