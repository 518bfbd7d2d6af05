"""Self-check of lesson 04's sampling step: one character at a time, with the LSTM state
carried explicitly and a temperature.

The states are compared with Keras' own LSTM layer run over the whole sequence; the samples
with the softmax of the model's logits (divided by the temperature), by drawing many of them.
"""

import numpy as np

from labkit.checks.core import check, expect, expect_close, expect_shape


def _softmax(logits):
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def sample_step(step, model, units, steps=8, draws=20000, tolerance=0.04, seed=0):
    """``step(char_ids, h, c, temperature) -> (next_ids, h, c)`` for ``model`` (layers named
    ``embedding``, ``lstm`` and ``logits``): ids (batch,), states (batch, units).

    Checks that feeding a sequence one character at a time gives the LSTM layer's own states,
    and that at temperatures 0.5 and 2 the samples follow softmax(logits / temperature)
    (total variation distance below ``tolerance`` over ``draws`` samples). The model must be
    trained, or at least have peaked logits: on near-uniform logits every temperature looks alike.
    """

    def test():
        import tensorflow as tf

        vocab = model.get_layer("logits").units
        sequence = np.random.default_rng(seed).integers(0, vocab, (2, steps)).astype("int32")  # (2, time)
        embedded = model.get_layer("embedding")(sequence)  # (2, time, embedding)
        expected_states = np.asarray(model.get_layer("lstm")(embedded))  # (2, time, units)
        h = c = tf.zeros((2, units))
        for t in range(steps):
            h_before, c_before = h, c
            out = step(tf.constant(sequence[:, t]), h, c, tf.constant(1.0))
            expect(isinstance(out, (tuple, list)) and len(out) == 3,
                   "sample_step must return three things: (next_ids, h, c)")
            next_ids, h, c = out
            expect_shape(next_ids, (2,), "next_ids (batch,): one sampled id per tune")
            expect_shape(h, (2, units), "h (batch, units)")
            expect_shape(c, (2, units), "c (batch, units)")
            expect_close(h, expected_states[:, t], f"h after {t + 1} characters (embed the ids, then one "
                         "lstm.cell(vectors, [h, c]) step, and return its new states)", atol=1e-4)
        # Many copies of the last step of tune 0: their samples must follow softmax(logits / T).
        logits = np.asarray(model.get_layer("logits")(expected_states[:1, -1]), "float64")[0]  # (vocab,)
        last_char = tf.fill([draws], int(sequence[0, -1]))  # (draws,)
        h_many, c_many = (tf.repeat(s[:1], draws, axis=0) for s in (h_before, c_before))  # (draws, units)
        tf.random.set_seed(seed)
        for temperature in (0.5, 2.0):
            ids = np.asarray(step(last_char, h_many, c_many, tf.constant(temperature))[0])  # (draws,)
            expect(ids.min() >= 0 and ids.max() < vocab, f"sampled ids must lie in [0, {vocab})")
            frequencies = np.bincount(ids, minlength=vocab) / draws
            distance = 0.5 * float(np.abs(frequencies - _softmax(logits / temperature)).sum())
            expect(distance < tolerance, f"at temperature {temperature} the samples do not follow "
                   f"softmax(logits / temperature) (total variation {distance:.2f}): divide the logits by "
                   "the temperature, then draw with tf.random.categorical")

    return check("sample_step", test)
