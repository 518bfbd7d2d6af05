"""Probes of what training is made of: losses over time steps, gradients by hand, a train step
(lessons 01, 02, 04 and 06's summed loss)."""

from labkit.probes.base import scalar

import numpy as np


def summed_loss(loss_fn, name, mask, *inputs):
    """``loss_fn(*inputs, mask)`` with every step real and with ``mask`` (judged by
    :func:`labkit.checks.training.judge_summed_loss`)."""
    every_step = np.ones(mask.shape, dtype=bool)
    return {"loss_every_step": scalar(loss_fn(*inputs, every_step), name),
            "loss_with_padding": scalar(loss_fn(*inputs, mask), name)}


def sequence_loss(given, fn):
    logits, labels, mask = given
    return summed_loss(fn, "sequence_loss", mask, logits, labels)


def input_gradients(given, fn):
    W_xh, W_hh, _, states, readout = given
    return {"gradients": np.asarray(fn(W_xh, W_hh, states, readout))}


def next_char_loss(given, fn):
    labels, logits = given
    return {"loss": scalar(fn(labels, logits), "compute_loss")}


def train_step(given, make_train_step):
    import keras

    class SeesTraining(keras.layers.Layer):
        """Passes x through and notes whether the model was called with training=True (dropout on)."""

        def __init__(self):
            super().__init__()
            self.seen = []

        def call(self, x, training=None):
            self.seen.append(bool(training))
            return x

    s, weights, x, y, learning_rate = given
    sees_training = SeesTraining()
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(s["vocab"], 3),  # (batch, time, 3)
        sees_training,
        keras.layers.LSTM(s["units"], return_sequences=True),  # (batch, time, units)
        keras.layers.Dense(s["vocab"]),  # (batch, time, vocab) logits
    ])
    model.set_weights(weights)
    sees_training.seen.clear()  # building the model called it
    loss = scalar(make_train_step(model, keras.optimizers.SGD(learning_rate))(x, y), "train_step")
    return {"loss": loss, "called_with_training": np.array(sees_training.seen, dtype=bool),
            **{f"weight_{i}": w.numpy() for i, w in enumerate(model.trainable_variables)}}
