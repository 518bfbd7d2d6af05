"""Self-check of lesson 04's sampling step: one character at a time, with the LSTM state
carried explicitly and a temperature.

The probe gives the lesson's model (layers named ``embedding``, ``lstm`` and ``logits``)
weights drawn by the check, with peaked logits so that temperature shows, feeds a sequence one
character at a time, draws many samples, and puts the model's own weights back. The judge runs
the same model in NumPy and compares the states, and the samples' frequencies with
softmax(logits / temperature).
"""

import numpy as np

from labkit.checks import reference
from labkit.checks.core import define, expect, expect_close, expect_shape

TEMPERATURES, DRAWS, TOLERANCE = (0.5, 2.0), 20000, 0.04
_LIMITS = {"vocab": 1000, "embedding": 1024, "units": 2048}


def _inputs(spec, vocab, embedding, units):
    """The model's weights [embedding, LSTM kernel, recurrent kernel, bias, Dense kernel, bias]
    for these sizes, and a batch of 2 sequences of ids (2, time)."""
    rng = np.random.default_rng([spec.seed, vocab, embedding, units])
    steps = int(rng.integers(9, 14)) if spec.grading else 8
    weights = [rng.normal(scale=1.0, size=(vocab, embedding)),
               rng.normal(scale=1.0 / np.sqrt(embedding), size=(embedding, 4 * units)),
               rng.normal(scale=1.0 / np.sqrt(units), size=(units, 4 * units)),
               rng.normal(scale=0.5, size=4 * units),
               rng.normal(scale=6.0 / np.sqrt(units), size=(units, vocab)),  # peaked logits
               rng.normal(size=vocab)]
    return [w.astype("float32") for w in weights], rng.integers(0, vocab, size=(2, steps)).astype("int32")


def _probe(spec, step, model, units):
    import tensorflow as tf

    layers = [model.get_layer(name) for name in ("embedding", "lstm", "logits")]
    vocab, embedding = (int(d) for d in layers[0].embeddings.shape)
    expect(vocab <= _LIMITS["vocab"] and embedding <= _LIMITS["embedding"] and units <= _LIMITS["units"],
           "the model is larger than the check allows")
    saved = [layer.get_weights() for layer in layers]
    weights, sequence = _inputs(spec, vocab, embedding, units)
    try:
        for layer, part in zip(layers, (weights[:1], weights[1:4], weights[4:])):
            layer.set_weights(part)
        h = c = tf.zeros((2, units))
        states = []
        for t in range(sequence.shape[1]):
            h_before, c_before = h, c
            out = step(tf.constant(sequence[:, t]), h, c, tf.constant(1.0))
            expect(isinstance(out, (tuple, list)) and len(out) == 3,
                   "sample_step must return three things: (next_ids, h, c)")
            next_ids, h, c = out
            expect_shape(next_ids, (2,), "next_ids (batch,): one sampled id per tune")
            expect_shape(h, (2, units), "h (batch, units)")
            expect_shape(c, (2, units), "c (batch, units)")
            states.append(np.asarray(h))
        # Many copies of the last step of tune 0: their samples must follow softmax(logits / T).
        last_char = tf.fill([DRAWS], int(sequence[0, -1]))  # (draws,)
        h_many, c_many = (tf.repeat(s[:1], DRAWS, axis=0) for s in (h_before, c_before))  # (draws, units)
        draws = {f"draws_{i}": np.asarray(step(last_char, h_many, c_many, tf.constant(temperature))[0])
                 for i, temperature in enumerate(TEMPERATURES)}
    finally:
        for layer, part in zip(layers, saved):
            layer.set_weights(part)
    return {"sizes": np.array([vocab, embedding, units]), "states": np.stack(states, axis=1), **draws}


def _judge(spec, data):
    sizes = [int(d) for d in np.ravel(data["sizes"])]
    expect(len(sizes) == 3 and all(0 < d <= limit for d, limit in zip(sizes, _LIMITS.values())),
           "the model's sizes are out of range")
    vocab = sizes[0]
    weights, sequence = _inputs(spec, *sizes)
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
                     "``step(char_ids, h, c, temperature) -> (next_ids, h, c)`` for ``model`` (layers named "
                     "``embedding``, ``lstm`` and ``logits``): ids (batch,), states (batch, units).")
