"""Self-checks of lesson 05's multi-head self-attention and Transformer block.

The probe gives the student's layers weights drawn by the check (through the lesson's own
``copy_keras_weights`` for the attention layer, and the block's named sub-layers for the
block) and runs them with and without masks; the comparison holds the outputs against Keras'
MultiHeadAttention, the residuals and the layer norms re-computed in NumPy
(:mod:`labkit.answers.transformer`).
"""

from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.probes import transformer as probes

import numpy as np


def _mhsa_compare(expected, data):
    part = Parts()
    for name in ("unmasked", "causal"):
        what = "with a causal mask" if name == "causal" else "without a mask"
        with part(what):
            expect_shape(data[f"{name}_weights"], expected[f"{name}_weights"].shape,
                         f"weights {what} (batch, heads, T, T)")
            expect_close(data[f"{name}_weights"], expected[f"{name}_weights"], f"the attention weights "
                         f"{what} (project, split the heads as (batch, heads, T, key_dim), then attend)",
                         atol=1e-5)
            expect_close(data[f"{name}_output"], expected[f"{name}_output"], f"the output {what} (merge the "
                         "heads back to (batch, T, heads * key_dim) before the output projection)", atol=1e-5)
    part.verdict()


def _block_compare(expected, data):
    shape, epsilon = tuple(expected["shape"]), expected["epsilon"]
    epsilons = np.ravel(data["epsilons"])
    expect(epsilons.shape == (2,) and np.allclose(epsilons, epsilon), "the layer norms' epsilons: keep the "
           f"lesson's keras.layers.LayerNormalization() (epsilon {epsilon:g}), one for each norm")
    real = shape[1] - 2
    part = Parts()
    with part("without a mask"):
        expect_shape(data["output"], shape, "the block's output (batch, T, d_model)")
        expect_close(((data["output"] - expected["last_beta"]) / expected["last_gamma"]).mean(axis=-1),
                     np.zeros(shape[:2]), "each position's mean over features (the last step is "
                     "norm_feed_forward, a LayerNormalization of x + feed_forward(x))", atol=1e-3)
        expect_close(data["output"], expected["output"], "the block's output given the check's weights "
                     "(attention, residual, layer norm; then feed-forward, residual, layer norm)", atol=1e-4)
    with part("with a padding mask"):
        expect_shape(data["padding_changed"], shape, "the block's output with a mask")
        expect_close(data["padding_changed"][:, :real], data["masked"][:, :real], "the real positions' "
                     "output when only the padding changes (pass attention_mask to the attention)", atol=1e-4)
        expect_close(data["masked"], expected["masked"], "the block's output with a padding mask, given the "
                     "check's weights", atol=1e-4)
    with part("training, with both sub-layers' outputs zero"):
        expect_close(data["training_residual_only"], expected["training_residual_only"], "the output with "
                     "training=True when the attention and the feed-forward output zeros: dropout goes on "
                     "each sub-layer's output (drop_attention(attended)), never on the residual x", atol=1e-4)
    part.verdict()


# The checks this module defines.
multi_head_self_attention = define(
    "multi_head_self_attention", "MultiHeadSelfAttention", probes.multi_head_self_attention, _mhsa_compare,
    "``layer_class(num_heads)(x, attention_mask=None) -> (output, weights)`` equals "
    "keras.layers.MultiHeadAttention given the same weights, with and without a causal mask.")
transformer_block = define(
    "transformer_block", "TransformerBlock", probes.transformer_block, _block_compare,
    "``block_class(num_heads, feed_forward_units)(x, attention_mask=None)``: x + attention -> LayerNorm -> x "
    "+ feed-forward -> LayerNorm (a norm each), with masked keys ignored and dropout on the sub-layers' "
    "outputs only.")
