"""Self-checks of lesson 07's decoder (a Transformer that writes):

- :data:`causal_mask`: which keys each position may attend to (itself and the past);
- :data:`cached_attention`: causal self-attention run one position at a time with a key/value
  cache gives what the full causal pass gives;
- :data:`decoder_block`: minGPT's pre-norm block, ``x + attention(norm1(x))`` then
  ``x + project(expand(norm2(x)))`` (GELU), in full and one position at a time.

The expected outputs, with the layer's fused weights as in minGPT, come from
:mod:`labkit.answers.decoder`.
"""

from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.probes import decoder as probes

import numpy as np


def _mask_compare(expected, data):
    mask, wanted = data["mask"], expected["mask"]
    expect_shape(mask, wanted.shape, "the mask (queries, keys)")
    expect(not np.array_equal(mask.astype(bool), expected["transposed"]), "the mask is transposed: row t (a "
           "query) may see keys 0..t, the columns up to t")
    expect(not np.array_equal(mask.astype(bool), expected["no_diagonal"]), "a position must see itself: keep "
           "the diagonal")
    expect(np.array_equal(mask.astype(bool), wanted), "True where a query may attend to a key: key <= query")


causal_mask = define("causal_mask", "causal_mask", probes.causal_mask, _mask_compare,
                     "``causal_mask(length)``: (length, length) bool, True where query t may attend to key s "
                     "(s <= t).")


def _attention_compare(expected, data):
    causal = expected["causal"]  # (batch, T, d_model)
    part = Parts()
    with part("the full causal pass"):
        expect_close(data["full"], causal, "the full pass (causal attention over the sequence)", atol=1e-4)
    with part("one position at a time"):
        expect_shape(data["stepped"], causal.shape, "the step outputs stacked (batch, T, d_model)")
        expect_close(data["stepped"][:, 0], causal[:, 0], "the first step (it sees only itself)", atol=1e-4)
        expect_close(data["stepped"], causal, "the later steps (write the new key and value into the cache "
                     "at `position`, then attend to cached positions 0..position)", atol=1e-4)
    with part("causal=False"):
        expect_close(data["not_causal"], expected["not_causal"], "the full pass with causal=False (mask only "
                     "when self.causal is True: the lesson trains a model without the mask)", atol=1e-4)
    part.verdict()


cached_attention = define(
    "cached_attention", "CausalSelfAttention", probes.cached_attention, _attention_compare,
    "``layer_class(num_heads, max_length)``: ``layer(x)`` is causal self-attention; "
    "``layer.step(x_t, cache, position) -> (output, cache)`` gives the same output one "
    "position at a time from ``layer.empty_cache(batch)``.")


def _block_compare(expected, data):
    block = expected["block"]  # (batch, T, d_model)
    expect(np.allclose(np.ravel(data["epsilons"]), expected["epsilon"]),
           f"the layer norms' epsilon: keep the lesson's {expected['epsilon']:g}")
    part = Parts()
    with part("the full pass"):
        expect(not np.allclose(data["full"], expected["without_residual"], atol=1e-3), "add each sub-layer's "
               "output to its input (the residual connections)")
        expect_close(data["full"], block, "the block: x + attention(norm1(x)), then x + project(expand("
                     "norm2(x)))", atol=1e-3)
    with part("one position at a time"):
        expect_shape(data["stepped"], block.shape, "the step outputs stacked (batch, T, d_model)")
        expect_close(data["stepped"], block, "step: the same block on x_t, with attention.step and its "
                     "cache instead of attention", atol=1e-3)
    part.verdict()


decoder_block = define("decoder_block", "DecoderBlock", probes.decoder_block, _block_compare,
                       "``block_class(d_model, num_heads, max_length)``: ``block(x)`` is the pre-norm "
                       "decoder block; ``block.step(x_t, cache, position) -> (output, cache)`` the same, one "
                       "position at a time.")
