"""Answers of lesson 04's sampling check: a small model's weights and a batch of ids, the LSTM states
after each character, and the distribution softmax(logits / T) each temperature should sample."""

from labkit.answers import reference, register
from labkit.probes.sampling import TEMPERATURES

import numpy as np


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


def _expected(spec):
    s, weights, sequence = _inputs(spec)
    weights = [w.astype("float64") for w in weights]
    states, _ = reference.keras_lstm(weights[0][sequence], *weights[1:4])  # (2, time, units)
    logits = states[0, -1] @ weights[4] + weights[5]  # (vocab,): after the whole of tune 0
    return {"vocab": s["vocab"], "states": states,
            "probabilities": [reference.softmax(logits / temperature) for temperature in TEMPERATURES]}


register("sample_step", _inputs, _expected)
