"""Answers that once passed their self-check and then broke a later cell of the lesson (issue 36's
student walk-through, and bench/audit_checks.py): each now fails its check, with a hint that names
the slip. (Lesson 08's features flattened depth by depth: tests/test_checks_captioning.py.)"""

from labkit import checks, notebooks

import numpy as np
import pytest

keras = pytest.importorskip("keras")
ops = keras.ops


def test_an_lstm_cell_whose_forget_bias_starts_at_zero_fails(fails):
    cell_class = notebooks.load_definitions("02_vanishing_gradients_and_lstm", ["MyLSTMCell"])["MyLSTMCell"]

    class ForgetsAtFirst(cell_class):
        def __init__(self, units, input_dim, **kwargs):
            super().__init__(units, input_dim, **kwargs)
            self.b_f.assign(np.zeros(units))  # the slip: Keras starts b_f at 1, the lesson relies on it

    fails(checks.lstm_cell(ForgetsAtFirst), "MyLSTMCell", "b_f starts at 1")


def test_attention_that_masks_even_when_causal_is_false_fails(fails):
    found = notebooks.load_definitions("07_transformer_music", ["AttentionHeads", "causal_mask",
                                                                "CausalSelfAttention"])

    class AlwaysCausal(found["CausalSelfAttention"]):
        def __init__(self, num_heads, max_length, causal=True, **kwargs):
            super().__init__(num_heads, max_length, causal=True, **kwargs)  # the slip: the flag is ignored

    fails(checks.cached_attention(AlwaysCausal), "CausalSelfAttention", "causal=False")


def test_a_sequence_loss_in_numpy_fails_as_keras_would_train_it(fails):
    def sequence_mse(predicted, target, mask):
        squared = ((np.asarray(predicted) - np.asarray(target)) ** 2).sum(axis=-1)  # (batch, time)
        return float((squared * np.asarray(mask)).sum(axis=1).mean())

    fails(checks.sequence_mse(sequence_mse), "sequence_mse", "write it with keras.ops, not NumPy")


def test_a_rollout_that_calls_numpy_on_the_output_fails_for_a_numpy_forecaster(fails):
    def rollout(model, prefix, horizon):
        sequence, drawn = np.asarray(prefix, dtype="float32"), []
        for _ in range(horizon):
            next_frame = model(sequence).numpy()[:, -1:]  # the slip: only a Keras model has .numpy()
            drawn.append(next_frame)
            sequence = np.concatenate([sequence, next_frame], axis=1)
        return np.concatenate(drawn, axis=1)

    fails(checks.rollout(rollout), "rollout", "not .numpy()")


def test_a_loss_in_bits_fails_naming_the_unit(fails):
    def compute_loss(labels, logits):
        per_step = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        return ops.mean(per_step) / np.log(2)  # the slip: bits, where Keras and the lesson train in nats

    fails(checks.next_char_loss(compute_loss), "compute_loss", "the loss is in bits")


def test_an_unroll_that_uses_the_bool_mask_as_a_number_fails_as_the_lesson_runs_it(fails):
    found = notebooks.load_definitions("01_rnn_from_scratch", ["MyRNNCell"])

    def rnn_unroll(cell, x_seq, mask=None):
        h, ys, hs = ops.zeros((ops.shape(x_seq)[0], cell.rnn_units)), [], []  # (batch, rnn_units)
        for t in range(x_seq.shape[1]):
            y, h_new = cell(x_seq[:, t], h)
            if mask is not None:
                keep = mask[:, t, None]  # the slip: a bool tensor, never cast to the state's dtype
                h_new = keep * h_new + (1.0 - keep) * h
            h = h_new
            ys.append(y)
            hs.append(h)
        return ops.stack(ys, axis=1), ops.stack(hs, axis=1)

    fails(checks.rnn_unroll(rnn_unroll, found["MyRNNCell"]), "rnn_unroll", "ops.cast(mask")
