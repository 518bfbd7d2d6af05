"""Self-checks of what training is made of: losses over time steps, gradients, a train step.

- :func:`sequence_loss` (lesson 01): cross-entropy summed over the real steps of each sequence.
- :func:`input_gradients` (lesson 02): backpropagation through time by hand, against TF's tape.
- :func:`next_char_loss` and :func:`train_step` (lesson 04): the language model's loss and step.

References are NumPy re-computations and ``tf.GradientTape``, never numbers from an earlier run.
"""

import numpy as np

from labkit.checks.core import check, expect, expect_close, expect_shape


def _cross_entropy(labels, logits):
    """Per-position cross-entropy in nats: labels (...,) int, logits (..., classes)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]


def _scalar(value, what):
    value = np.asarray(value)
    expect(value.size == 1, f"{what} must return one number (a scalar), got shape {value.shape}")
    return float(value.reshape(()))


def sequence_loss(fn, batch=3, steps=5, classes=4, seed=0):
    """Lesson 01 self-check: ``fn(logits, y_ids, step_mask)`` is the cross-entropy of each real
    step, summed over time and averaged over the batch: L = mean_b sum_t L_bt."""

    def test():
        rng = np.random.default_rng(seed)
        logits = rng.normal(size=(batch, steps, classes)).astype("float32")  # (batch, time, classes)
        labels = rng.integers(0, classes, size=(batch, steps))  # (batch, time)
        per_step = _cross_entropy(labels, logits.astype("float64"))  # (batch, time)
        every_step = np.ones((batch, steps), dtype=bool)
        loss = _scalar(fn(logits, labels, every_step), "sequence_loss")
        expect(not np.isclose(loss, per_step.mean(), atol=1e-4),
               "the loss is averaged over time steps: sum over time (L = sum_t L_t), then average over "
               "the batch")
        expect(not np.isclose(loss, per_step.sum(), atol=1e-4),
               "the loss is summed over the batch too: average over the batch after summing over time")
        expect_close(loss, per_step.sum(axis=1).mean(), "the loss with every step real (cross-entropy of the "
                     "logits, from_logits=True, summed over time, averaged over the batch)", atol=1e-4)
        mask = np.arange(steps)[None, :] < np.array([steps, 3, 1][:batch])[:, None]  # (batch, time)
        loss = _scalar(fn(logits, labels, mask), "sequence_loss")
        expect_close(loss, (per_step * mask).sum(axis=1).mean(), "the loss with padding (steps where "
                     "step_mask is False must not count: multiply each step's loss by the mask)", atol=1e-4)

    return check("sequence_loss", test)


def input_gradients(fn, batch=3, steps=6, input_dim=3, units=4, seed=0):
    """Lesson 02 self-check: ``fn(W_xh, W_hh, states, readout)`` returns dL/dx_t (batch, time,
    input) of L = readout . h_T for the tanh RNN whose hidden states are ``states``, computed by
    multiplying Jacobians back in time. The reference is ``tf.GradientTape`` on a Keras
    ``SimpleRNN`` with the same weights."""

    def test():
        import keras
        import tensorflow as tf

        rng = np.random.default_rng(seed)
        rnn = keras.layers.SimpleRNN(units, return_sequences=True, dtype="float64")
        rnn.build((None, steps, input_dim))
        rnn.set_weights([rng.normal(size=(input_dim, units)), rng.normal(scale=0.6, size=(units, units)),
                         rng.normal(scale=0.3, size=units)])
        W_xh_T, W_hh_T, _ = rnn.get_weights()  # Keras stores W.T: (input, units), (units, units)
        x = tf.constant(rng.normal(size=(batch, steps, input_dim)))  # (batch, time, input)
        readout = rng.normal(size=units)  # (units,)
        with tf.GradientTape() as tape:
            tape.watch(x)
            states = rnn(x)  # (batch, time, units)
            loss = tf.reduce_sum(states[:, -1] * readout)
        reference = tape.gradient(loss, x).numpy()  # (batch, time, input)
        grads = np.asarray(fn(W_xh_T.T, W_hh_T.T, states.numpy(), readout))
        expect_shape(grads, (batch, steps, input_dim), "dL/dx (batch, time, input)")
        expect_close(grads[:, -1], reference[:, -1], "dL/dx at the last step (go back through tanh: multiply "
                     "by 1 - h_T^2, then by W_xh)", atol=1e-8)
        expect_close(grads, reference, "dL/dx at earlier steps (then send the gradient on to h_{t-1}: with "
                     "one row per example, (gradient after tanh) @ W_hh)", atol=1e-8)

    return check("input_gradients_by_hand", test)


def next_char_loss(fn, batch=3, steps=5, vocab=6, seed=0):
    """Lesson 04 self-check: ``fn(labels, logits)`` is the mean cross-entropy (nats) over every
    step of every window; labels (batch, time) ids, logits (batch, time, vocab)."""

    def test():
        rng = np.random.default_rng(seed)
        logits = rng.normal(scale=2.0, size=(batch, steps, vocab)).astype("float32")  # (batch, time, vocab)
        labels = rng.integers(0, vocab, size=(batch, steps)).astype("int32")  # (batch, time)
        per_step = _cross_entropy(labels, logits.astype("float64"))  # (batch, time)
        loss = _scalar(fn(labels, logits), "compute_loss")
        summed = (per_step.sum(), per_step.sum(axis=1).mean())  # over everything; over time only
        expect(not np.isclose(summed, loss, atol=1e-4).any(),
               "the loss is summed: average it over the steps and the windows")
        expect_close(loss, per_step.mean(), "the loss (the model outputs logits, so use from_logits=True; "
                     "average over every step of every window)", atol=1e-4)

    return check("compute_loss", test)


def train_step(make_train_step, vocab=5, units=4, batch=2, steps=6, learning_rate=0.1, seed=0):
    """Lesson 04 self-check: ``make_train_step(model, optimizer)(x, y)`` returns the loss of the
    batch before the update and moves every weight by one optimizer step against its gradient
    (checked with plain SGD on a tiny model, against ``tf.GradientTape``)."""

    def test():
        import keras
        import tensorflow as tf

        model = keras.Sequential([
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab, 3),  # (batch, time, 3)
            keras.layers.LSTM(units, return_sequences=True),  # (batch, time, units)
            keras.layers.Dense(vocab),  # (batch, time, vocab) logits
        ])
        rng = np.random.default_rng(seed)
        x, y = (rng.integers(0, vocab, size=(batch, steps)).astype("int32") for _ in range(2))
        before = [w.numpy() for w in model.trainable_variables]
        with tf.GradientTape() as tape:
            logits = model(x, training=True)  # (batch, time, vocab)
            expected_loss = tf.reduce_mean(
                keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))  # (batch, time)
        gradients = tape.gradient(expected_loss, model.trainable_variables)
        gradients = [np.array(tf.convert_to_tensor(g)) for g in gradients]  # the embedding's are sparse
        loss = _scalar(make_train_step(model, keras.optimizers.SGD(learning_rate))(x, y), "train_step")
        expect_close(loss, float(expected_loss), "the returned loss (return the loss of the batch, computed "
                     "with compute_loss from the model's logits; if compute_loss's check failed, fix it "
                     "first)", atol=1e-4)
        after = [w.numpy() for w in model.trainable_variables]
        expect(any(not np.allclose(a, b) for a, b in zip(after, before)),
               "the weights did not change: apply the gradients with optimizer.apply_gradients")
        for variable, w0, w1, g in zip(model.trainable_variables, before, after, gradients):
            expect_close(w1, w0 - learning_rate * g, f"{variable.path} after one step (take the gradients "
                         "of the loss with respect to model.trainable_variables, computed inside the "
                         "GradientTape)", atol=1e-4)

    return check("train_step", test)
