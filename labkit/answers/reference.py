"""NumPy references the judges compare against: the lecture's cells and Keras' own layers,
written out in float64 so that a judge needs neither TensorFlow nor the student's kernel.

Each is tested against Keras' own layer or ``tf.GradientTape`` in ``tests/test_checks_grading.py``.
"""

import numpy as np

LSTM_GATES = ("f", "i", "c", "o")  # the lecture's cell: forget, store (input), candidate update, output


def softmax(scores, axis=-1):
    scores = scores - scores.max(axis=axis, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=axis, keepdims=True)


def masked_softmax(scores, mask):
    return softmax(np.where(mask, scores, -1e9))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def cross_entropy(labels, logits):
    """Per-position cross-entropy in nats: labels (...,) int, logits (..., classes)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]


def rnn_step(w, x, h):
    """The lecture's RNN cell: (y, h_new) for x (batch, input), h (batch, units)."""
    h_new = np.tanh(h @ w["W_hh"].T + x @ w["W_xh"].T)  # (batch, units)
    return h_new @ w["W_hy"].T, h_new


def lstm_step(w, x, h, c):
    """The lecture's LSTM cell, W_g (units, units + input) acting on [h, x]: (h_new, c_new)."""
    hx = np.concatenate([h, x], axis=1)  # (batch, units + input_dim)
    gate = {g: hx @ w[f"W_{g}"].T + w[f"b_{g}"] for g in LSTM_GATES}  # (batch, units) each
    f, i, o = sigmoid(gate["f"]), sigmoid(gate["i"]), sigmoid(gate["o"])
    c_new = f * c + i * np.tanh(gate["c"])  # (batch, units)
    return o * np.tanh(c_new), c_new


def keras_lstm(x, kernel, recurrent_kernel, bias, mask=None, h=None, c=None):
    """``keras.layers.LSTM`` (gates i, f, c, o) over x (batch, time, input) from (h, c), zeros by
    default; at masked steps the state is carried over. Returns (states (batch, time, units), c)."""
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units)) if h is None else h
    c = np.zeros((batch, units)) if c is None else c
    states = []
    for t in range(steps):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias  # (batch, 4 units)
        i, f, o = sigmoid(z[:, :units]), sigmoid(z[:, units:2 * units]), sigmoid(z[:, 3 * units:])
        c_new = f * c + i * np.tanh(z[:, 2 * units:3 * units])  # (batch, units)
        h_new = o * np.tanh(c_new)
        keep = np.ones((batch, 1), bool) if mask is None else mask[:, t, None]  # (batch, 1)
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        states.append(h)
    return np.stack(states, axis=1), c


def layer_norm(x, gamma, beta, epsilon):
    mean, variance = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d_k)) v with keys hidden where ``mask`` is False: (output, weights)."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., T_q, T_k)
    weights = softmax(scores) if mask is None else masked_softmax(scores, mask)
    return weights @ v, weights


def multi_head_self_attention(x, w, num_heads, mask=None):
    """Keras' MultiHeadAttention on x (batch, T, d_model) with per-head kernels
    ``w = [w_q (d, heads, k), b_q (heads, k), w_k, b_k, w_v, b_v, w_o (heads, k, d), b_o (d,)]``."""
    w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o = w
    q, k, v = (np.einsum("btd,dhk->bhtk", x, kernel) + b[None, :, None, :]  # (batch, heads, T, key_dim)
               for kernel, b in ((w_q, b_q), (w_k, b_k), (w_v, b_v)))
    heads, weights = attention(q, k, v, None if mask is None else mask[:, None])  # (batch, heads, T, key_dim)
    return np.einsum("bhtk,hkd->btd", heads, w_o) + b_o, weights
