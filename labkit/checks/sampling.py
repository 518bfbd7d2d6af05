"""Self-check of lesson 04's sampling step: one character at a time, with the LSTM state
carried explicitly and a temperature.

The probe builds a small model like the lesson's (layers named ``embedding``, ``lstm`` and
``logits``) with weights drawn by the check and peaked logits, so that temperature shows; asks
the student's ``make_sample_step(model)`` for its step; feeds a sequence one character at a time
and draws many samples. The comparison holds the states against the same model run in NumPy
(:mod:`labkit.answers.sampling`), and the samples' frequencies against softmax(logits / temperature).
"""

from labkit.checks.core import define, expect, expect_close, expect_shape
from labkit.probes import sampling as probes
from labkit.probes.sampling import DRAWS, TEMPERATURES

import numpy as np

TOLERANCE = 0.04  # total variation allowed between the samples and softmax(logits / T)


def _compare(expected, data):
    vocab, states = expected["vocab"], data["states"]
    expect_shape(states, expected["states"].shape, "h after each character (batch, time, units)")
    for t in range(states.shape[1]):
        expect_close(states[:, t], expected["states"][:, t], f"h after {t + 1} characters (embed the ids, "
                     "then one lstm.cell(vectors, [h, c]) step, and return its new states)", atol=1e-4)
    for i, (temperature, probabilities) in enumerate(zip(TEMPERATURES, expected["probabilities"])):
        ids = np.asarray(data[f"draws_{i}"])
        expect_shape(ids, (DRAWS,), "the sampled ids")
        expect(ids.min() >= 0 and ids.max() < vocab, f"sampled ids must lie in [0, {vocab})")
        frequencies = np.bincount(ids.astype(int), minlength=vocab) / DRAWS
        distance = 0.5 * float(np.abs(frequencies - probabilities).sum())
        expect(distance < TOLERANCE, f"at temperature {temperature} the samples do not follow "
               f"softmax(logits / temperature) (total variation {distance:.2f}): divide the logits by the "
               "temperature, then draw with tf.random.categorical")


sample_step = define("sample_step", "sample_step", probes.sample_step, _compare,
                     "``make_sample_step(model)`` returns ``step(char_ids, h, c, temperature) -> "
                     "(next_ids, h, c)`` for a model with layers named ``embedding``, ``lstm`` and "
                     "``logits``: ids (batch,), states (batch, units).")
