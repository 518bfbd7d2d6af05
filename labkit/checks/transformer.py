"""Self-checks of lesson 05's multi-head self-attention and Transformer block.

The probe gives the student's layers weights drawn by the check (through the lesson's own
``copy_keras_weights`` for the attention layer, and the block's named sub-layers for the
block) and runs them with and without masks; the judge re-computes Keras' MultiHeadAttention,
the residuals and the layer norms in NumPy.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.probes import transformer as probes

import numpy as np


def _keras_attention_weights(rng, d_model, heads, key_dim):
    """Weights in keras.layers.MultiHeadAttention's layout: per-head kernels."""
    shapes = [(d_model, heads, key_dim), (heads, key_dim)] * 3 + [(heads, key_dim, d_model), (d_model,)]
    return [rng.normal(scale=0.4, size=shape).astype("float32") for shape in shapes]


def _mhsa_inputs(spec):
    rng, s = spec.draw(num_heads=(4, (2, 3)), key_dim=(4, (3, 5)), batch=(2, range(3, 5)),
                       steps=(7, range(5, 10)))
    d_model = s["num_heads"] * s["key_dim"]
    x = rng.normal(size=(s["batch"], s["steps"], d_model)).astype("float32")  # (batch, T, d_model)
    return s, x, _keras_attention_weights(rng, d_model, s["num_heads"], s["key_dim"])


def _mhsa_judge(spec, data):
    s, x, weights = _mhsa_inputs(spec)
    x, weights = x.astype("float64"), [w.astype("float64") for w in weights]
    batch, steps = x.shape[:2]
    causal = np.broadcast_to(np.tril(np.ones((steps, steps), dtype=bool)), (batch, steps, steps))
    part = Parts()
    for name, mask in (("unmasked", None), ("causal", causal)):
        expected, expected_weights = reference.multi_head_self_attention(x, weights, s["num_heads"], mask)
        what = "with a causal mask" if mask is not None else "without a mask"
        with part(what):
            expect_shape(data[f"{name}_weights"], expected_weights.shape,
                         f"weights {what} (batch, heads, T, T)")
            expect_close(data[f"{name}_weights"], expected_weights, f"the attention weights {what} (project, "
                         "split the heads as (batch, heads, T, key_dim), then attend)", atol=1e-5)
            expect_close(data[f"{name}_output"], expected, f"the output {what} (merge the heads back to "
                         "(batch, T, heads * key_dim) before the output projection)", atol=1e-5)
    part.verdict()


def _block_inputs(spec):
    """Sizes, x (batch, T, d_model), x with its padding changed, a padding mask (batch, 1, T), and
    weights: attention (Keras layout), feed-forward [W1, b1, W2, b2] and the two layer norms
    [gamma, beta, gamma, beta] (each its own, so that a block using one norm twice differs)."""
    rng, s = spec.draw(num_heads=(2, (2, 3)), key_dim=(8, (3, 5)), feed_forward=(32, range(10, 20)),
                       batch=(2, range(3, 5)), steps=(6, range(5, 9)))
    d_model, batch, steps = s["num_heads"] * s["key_dim"], s["batch"], s["steps"]
    x = rng.normal(size=(batch, steps, d_model)).astype("float32")  # (batch, T, d_model)
    mask = np.ones((batch, 1, steps), dtype=bool)
    mask[:, :, steps - 2:] = False  # the last two positions are padding
    changed = x.copy()
    changed[:, steps - 2:] = rng.normal(size=(batch, 2, d_model))
    units = s["feed_forward"]
    feed_forward = [rng.normal(scale=0.4, size=shape).astype("float32")
                    for shape in ((d_model, units), (units,), (units, d_model), (d_model,))]
    attention = _keras_attention_weights(rng, d_model, s["num_heads"], s["key_dim"])
    norms = [rng.uniform(0.5, 1.5, size=d_model).astype("float32") if i % 2 == 0
             else rng.normal(scale=0.3, size=d_model).astype("float32") for i in range(4)]
    return s, x, changed, mask, attention, feed_forward, norms


def _block_reference(x, mask, attention, feed_forward, norms, heads, epsilons):
    w1, b1, w2, b2 = feed_forward
    attended, _ = reference.multi_head_self_attention(x, attention, heads, mask)  # (batch, T, d_model)
    x = reference.layer_norm(x + attended, *norms[:2], epsilons[0])
    return reference.layer_norm(x + np.maximum(x @ w1 + b1, 0) @ w2 + b2, *norms[2:], epsilons[1])


def _block_judge(spec, data):
    s, x, _, mask, attention, feed_forward, norms = _block_inputs(spec)
    x = x.astype(float)
    attention, feed_forward, norms = ([w.astype(float) for w in weights]
                                      for weights in (attention, feed_forward, norms))
    epsilons = np.ravel(data["epsilons"])
    expect(epsilons.shape == (2,) and np.all((epsilons > 0) & (epsilons < 0.1)), "the layer norms' epsilons")
    real = x.shape[1] - 2
    part = Parts()
    with part("without a mask"):
        expect_shape(data["output"], x.shape, "the block's output (batch, T, d_model)")
        expect_close(((data["output"] - norms[3]) / norms[2]).mean(axis=-1), np.zeros(x.shape[:2]),
                     "each position's mean over features (the last step is norm_feed_forward, a "
                     "LayerNormalization of x + feed_forward(x))", atol=1e-3)
        expected = _block_reference(x, None, attention, feed_forward, norms, s["num_heads"], epsilons)
        expect_close(data["output"], expected, "the block's output given the check's weights (attention, "
                     "residual, layer norm; then feed-forward, residual, layer norm)", atol=1e-4)
    with part("with a padding mask"):
        expect_shape(data["padding_changed"], x.shape, "the block's output with a mask")
        expect_close(data["padding_changed"][:, :real], data["masked"][:, :real], "the real positions' "
                     "output when only the padding changes (pass attention_mask to the attention)", atol=1e-4)
        expected = _block_reference(x, mask, attention, feed_forward, norms, s["num_heads"], epsilons)
        expect_close(data["masked"], expected, "the block's output with a padding mask, given the check's "
                     "weights", atol=1e-4)
    with part("training, with both sub-layers' outputs zero"):
        only_residual = reference.layer_norm(reference.layer_norm(x, *norms[:2], epsilons[0]), *norms[2:],
                                             epsilons[1])
        expect_close(data["training_residual_only"], only_residual, "the output with training=True when the "
                     "attention and the feed-forward output zeros: dropout goes on each sub-layer's output "
                     "(drop_attention(attended)), never on the residual x", atol=1e-4)
    part.verdict()


# The checks this module defines.
multi_head_self_attention = define(
    "multi_head_self_attention", "MultiHeadSelfAttention", _mhsa_inputs, probes.multi_head_self_attention,
    _mhsa_judge,
    "``layer_class(num_heads)(x, attention_mask=None) -> (output, weights)`` equals "
    "keras.layers.MultiHeadAttention given the same weights, with and without a causal mask.")
transformer_block = define(
    "transformer_block", "TransformerBlock", _block_inputs, probes.transformer_block, _block_judge,
    "``block_class(num_heads, feed_forward_units)(x, attention_mask=None)``: x + attention -> LayerNorm -> x "
    "+ feed-forward -> LayerNorm (a norm each), with masked keys ignored and dropout on the sub-layers' "
    "outputs only.")
