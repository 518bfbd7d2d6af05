"""Self-checks of lesson 05's attention scores and positional encoding: scaled dot-product
attention, Luong's multiplicative attention and the sinusoidal encoding.

The expected weights, outputs and encodings come from :mod:`labkit.answers.attention`; invariants
(rows summing to 1, masked keys getting no weight) come first, for a pointed hint.
"""

from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.probes import attention as probes

import numpy as np


def _sdpa_compare(expected, data):
    mask, weights_shape = expected["mask"], expected["weights"].shape
    output, weights = data["output"], data["weights"]
    expect_shape(output, expected["output"].shape, "output (..., T_q, d_v)")
    expect_shape(weights, weights_shape, "weights (..., T_q, T_k)")
    part = Parts()
    with part("without a mask"):
        expect_close(weights.sum(axis=-1), np.ones(weights_shape[:-1]), "the sums of the rows of weights "
                     "(each should be 1: take the softmax over the last axis, the keys)", atol=1e-4)
        expect(not np.allclose(weights, expected["unscaled_weights"], atol=1e-4), "weights are "
               "softmax(QK^T): divide the scores by sqrt(d_k) before the softmax")
        expect_close(weights, expected["weights"], "weights = softmax(QK^T / sqrt(d_k))", atol=1e-4)
        expect_close(output, expected["output"], "output = weights @ V", atol=1e-4)
    with part("with a mask"):
        expect_shape(data["masked_weights"], weights.shape, "weights with a mask")
        expect(np.all(data["masked_weights"][..., ~mask] < 1e-6), "masked keys (mask False) still get "
               "weight: set their scores to a large negative number (e.g. -1e9) before the softmax")
        expect_close(data["masked_weights"], expected["masked_weights"], "weights with a mask", atol=1e-4)
        expect_close(data["masked_output"], expected["masked_output"], "output with a mask", atol=1e-4)
    part.verdict()


scaled_dot_product_attention = define(
    "scaled_dot_product_attention", "scaled_dot_product_attention", probes.scaled_dot_product_attention,
    _sdpa_compare, "``fn(q, k, v, mask=None) -> (output, weights)`` is softmax(q k^T / sqrt(d_k)) v.")


def _luong_compare(expected, data):
    mask, weights = expected["mask"], expected["weights"]
    expect_shape(data["weights"], weights.shape, "weights (batch, T_out, T_in)")
    expect_shape(data["context"], expected["context"].shape, "context (batch, T_out, units)")
    expect(np.all(data["weights"][~np.broadcast_to(mask[:, None, :], data["weights"].shape)] < 1e-6),
           "padded source positions get weight: use source_mask to set their scores to a large negative "
           "number before the softmax")
    expect_close(data["weights"], weights, "weights = softmax over the source of s_t^T W h_i", atol=1e-4)
    expect_close(data["context"], expected["context"], "context = weights @ encoder_states", atol=1e-4)


luong_attention = define(
    "luong_attention", "LuongAttention", probes.luong_attention, _luong_compare,
    "``layer_class()(decoder_states, encoder_states, source_mask) -> (context, weights)`` is softmax_i(s_t^T "
    "W h_i) over the unmasked source positions, context = sum_i weights h_i.")


def _encoding_compare(expected, data):
    s = expected["sizes"]
    length, depth, encoding = s["length"], s["depth"], data["encoding"]
    expect_shape(encoding, (length, depth), "the encoding (length, depth)")
    expect_close(encoding[:, 0], expected["first_sin"], "column 0 (sin of the position itself)", atol=1e-5)
    expect_close(encoding[:, 1], expected["first_cos"], "column 1 (cos of the position itself)", atol=1e-5)
    expect_close(encoding[:, 0::2] ** 2 + encoding[:, 1::2] ** 2, np.ones((length, depth // 2)),
                 "sin^2 + cos^2 of each pair of columns (same angle in columns 2i and 2i+1)", atol=1e-5)
    expect_close(encoding[:, 0::2], expected["sin"], "the even columns, sin(p / 10000^(2i/depth))", atol=1e-5)
    expect_close(encoding[:, 1::2], expected["cos"], "the odd columns, cos(p / 10000^(2i/depth))", atol=1e-5)


positional_encoding = define(
    "positional_encoding", "positional_encoding", probes.positional_encoding, _encoding_compare,
    "``fn(length, depth)`` is the sinusoidal encoding: PE[p, 2i] = sin(p / 10000^(2i/depth)), PE[p, 2i+1] = "
    "cos(p / 10000^(2i/depth)).")
