"""Probe of lesson 04's sampling step: a small model like the lesson's (layers named
``embedding``, ``lstm`` and ``logits``) with the check's weights, fed one character at a time,
then asked for many samples at two temperatures."""

from labkit.probes.base import expect, expect_shape

import numpy as np

TEMPERATURES, DRAWS = (0.5, 2.0), 20000


def model(vocab, embedding, units, weights):
    import keras

    built = keras.Sequential([keras.Input((None,), dtype="int32"),
                              keras.layers.Embedding(vocab, embedding, name="embedding"),
                              keras.layers.LSTM(units, return_sequences=True, name="lstm"),
                              keras.layers.Dense(vocab, name="logits")])
    for name, part in zip(("embedding", "lstm", "logits"), (weights[:1], weights[1:4], weights[4:])):
        built.get_layer(name).set_weights(part)
    return built


def sample_step(given, make_sample_step):
    import tensorflow as tf

    s, weights, sequence = given
    step = make_sample_step(model(s["vocab"], s["embedding"], s["units"], weights))
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
