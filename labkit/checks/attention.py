"""Self-checks of lesson 05's attention scores and positional encoding: scaled dot-product
attention, Luong's multiplicative attention and the sinusoidal encoding.

Judges re-compute in NumPy from the inputs and weights the check drew; invariants (rows
summing to 1, masked keys getting no weight) come first, for a pointed hint.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.probes import attention as probes

import numpy as np


def _attention_inputs(spec):
    """q (batch, heads, T_q, d_k), k (..., T_k, d_k), v (..., T_k, d_v) and a mask (T_q, T_k)."""
    rng, s = spec.draw(batch=(2, range(1, 4)), heads=(3, (2, 4)), queries=(4, range(5, 8)),
                       keys=(5, range(6, 10)), d_k=(8, range(5, 8)), d_v=(6, range(3, 6)))
    lead = (s["batch"], s["heads"])
    q = rng.normal(size=(*lead, s["queries"], s["d_k"])).astype("float32")
    k = rng.normal(size=(*lead, s["keys"], s["d_k"])).astype("float32")
    v = rng.normal(size=(*lead, s["keys"], s["d_v"])).astype("float32")
    mask = rng.random((s["queries"], s["keys"])) < 0.6  # (T_q, T_k), broadcast over batch and heads
    mask[:, 0] = True  # every query may attend somewhere
    return q, k, v, mask


def _sdpa_judge(spec, data):
    q, k, v, mask = (a.astype("float64") if a.dtype != bool else a for a in _attention_inputs(spec))
    output, weights = data["output"], data["weights"]
    expect_shape(output, (*q.shape[:-1], v.shape[-1]), "output (..., T_q, d_v)")
    expect_shape(weights, (*q.shape[:-1], k.shape[-2]), "weights (..., T_q, T_k)")
    part = Parts()
    with part("without a mask"):
        expect_close(weights.sum(axis=-1), np.ones(q.shape[:-1]), "the sums of the rows of weights (each "
                     "should be 1: take the softmax over the last axis, the keys)", atol=1e-4)
        scores = q @ np.swapaxes(k, -1, -2)  # (batch, heads, T_q, T_k)
        expect(not np.allclose(weights, reference.softmax(scores), atol=1e-4), "weights are softmax(QK^T): "
               "divide the scores by sqrt(d_k) before the softmax")
        expected_output, expected = reference.attention(q, k, v)
        expect_close(weights, expected, "weights = softmax(QK^T / sqrt(d_k))", atol=1e-4)
        expect_close(output, expected_output, "output = weights @ V", atol=1e-4)
    with part("with a mask"):
        expect_shape(data["masked_weights"], weights.shape, "weights with a mask")
        expect(np.all(data["masked_weights"][..., ~mask] < 1e-6), "masked keys (mask False) still get "
               "weight: set their scores to a large negative number (e.g. -1e9) before the softmax")
        expected_output, expected = reference.attention(q, k, v, mask)
        expect_close(data["masked_weights"], expected, "weights with a mask", atol=1e-4)
        expect_close(data["masked_output"], expected_output, "output with a mask", atol=1e-4)
    part.verdict()


scaled_dot_product_attention = define(
    "scaled_dot_product_attention", "scaled_dot_product_attention", _attention_inputs,
    probes.scaled_dot_product_attention, _sdpa_judge,
    "``fn(q, k, v, mask=None) -> (output, weights)`` is softmax(q k^T / sqrt(d_k)) v.")


def _luong_inputs(spec):
    """decoder (batch, T_out, U), encoder (batch, T_in, U) states, a source mask (batch, T_in), w (U, U)."""
    rng, s = spec.draw(batch=(2, range(3, 5)), outputs=(3, range(4, 7)), inputs=(6, range(7, 10)),
                       units=(4, range(5, 8)))
    batch, units = s["batch"], s["units"]
    decoder = rng.normal(size=(batch, s["outputs"], units)).astype("float32")
    encoder = rng.normal(size=(batch, s["inputs"], units)).astype("float32")
    mask = np.ones((batch, s["inputs"]), dtype=bool)
    mask[1:, rng.integers(2, s["inputs"]):] = False  # the later sources are padded
    return decoder, encoder, mask, rng.normal(scale=0.5, size=(units, units)).astype("float32")


def _luong_judge(spec, data):
    decoder, encoder, mask, w = (a if a.dtype == bool else a.astype("float64") for a in _luong_inputs(spec))
    expect_shape(data["weights"], (*decoder.shape[:2], encoder.shape[1]), "weights (batch, T_out, T_in)")
    expect_shape(data["context"], decoder.shape, "context (batch, T_out, units)")
    expect(np.all(data["weights"][~np.broadcast_to(mask[:, None, :], data["weights"].shape)] < 1e-6),
           "padded source positions get weight: use source_mask to set their scores to a large negative "
           "number before the softmax")
    scores = np.einsum("bqu,uv,bkv->bqk", decoder, w, encoder)  # (batch, T_out, T_in)
    expected = reference.masked_softmax(scores, mask[:, None, :])
    expect_close(data["weights"], expected, "weights = softmax over the source of s_t^T W h_i", atol=1e-4)
    expect_close(data["context"], expected @ encoder, "context = weights @ encoder_states", atol=1e-4)


luong_attention = define(
    "luong_attention", "LuongAttention", _luong_inputs, probes.luong_attention, _luong_judge,
    "``layer_class()(decoder_states, encoder_states, source_mask) -> (context, weights)`` is softmax_i(s_t^T "
    "W h_i) over the unmasked source positions, context = sum_i weights h_i.")


def _encoding_size(spec):
    return spec.draw(length=(50, range(20, 41)), depth=(16, (10, 12, 20, 24)))[1]


def _encoding_judge(spec, data):
    s = _encoding_size(spec)
    length, depth, encoding = s["length"], s["depth"], data["encoding"]
    expect_shape(encoding, (length, depth), "the encoding (length, depth)")
    positions = np.arange(length)
    expect_close(encoding[:, 0], np.sin(positions), "column 0 (sin of the position itself)", atol=1e-5)
    expect_close(encoding[:, 1], np.cos(positions), "column 1 (cos of the position itself)", atol=1e-5)
    expect_close(encoding[:, 0::2] ** 2 + encoding[:, 1::2] ** 2, np.ones((length, depth // 2)),
                 "sin^2 + cos^2 of each pair of columns (same angle in columns 2i and 2i+1)", atol=1e-5)
    angles = positions[:, None] / 10000 ** (np.arange(0, depth, 2) / depth)  # (length, depth / 2)
    expect_close(encoding[:, 0::2], np.sin(angles), "the even columns, sin(p / 10000^(2i/depth))", atol=1e-5)
    expect_close(encoding[:, 1::2], np.cos(angles), "the odd columns, cos(p / 10000^(2i/depth))", atol=1e-5)


positional_encoding = define(
    "positional_encoding", "positional_encoding", _encoding_size, probes.positional_encoding, _encoding_judge,
    "``fn(length, depth)`` is the sinusoidal encoding: PE[p, 2i] = sin(p / 10000^(2i/depth)), PE[p, 2i+1] = "
    "cos(p / 10000^(2i/depth)).")
