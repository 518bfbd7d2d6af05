"""Answers of lesson 05's attention checks: the queries, keys, values, masks and weights the checks
draw, and the attention weights, outputs and encodings they should give, in NumPy."""

from labkit.answers import reference, register

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


def _sdpa(spec):
    q, k, v, mask = (a.astype("float64") if a.dtype != bool else a for a in _attention_inputs(spec))
    output, weights = reference.attention(q, k, v)
    masked_output, masked_weights = reference.attention(q, k, v, mask)
    return {"mask": mask, "output": output, "weights": weights, "masked_output": masked_output,
            "masked_weights": masked_weights,
            "unscaled_weights": reference.softmax(q @ np.swapaxes(k, -1, -2))}  # the slip of no sqrt(d_k)


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


def _luong(spec):
    decoder, encoder, mask, w = (a if a.dtype == bool else a.astype("float64") for a in _luong_inputs(spec))
    scores = np.einsum("bqu,uv,bkv->bqk", decoder, w, encoder)  # (batch, T_out, T_in)
    weights = reference.masked_softmax(scores, mask[:, None, :])
    return {"mask": mask, "weights": weights, "context": weights @ encoder}


def _encoding_size(spec):
    return spec.draw(length=(50, range(20, 41)), depth=(16, (10, 12, 20, 24)))[1]


def _encoding(spec):
    s = _encoding_size(spec)
    positions = np.arange(s["length"])
    angles = positions[:, None] / 10000 ** (np.arange(0, s["depth"], 2) / s["depth"])  # (length, depth / 2)
    return {"sizes": s, "first_sin": np.sin(positions), "first_cos": np.cos(positions), "sin": np.sin(angles),
            "cos": np.cos(angles)}


register("scaled_dot_product_attention", _attention_inputs, _sdpa)
register("luong_attention", _luong_inputs, _luong)
register("positional_encoding", _encoding_size, _encoding)
