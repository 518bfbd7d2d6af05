"""Answers of lesson 05's multi-head self-attention and Transformer block checks: the inputs and
weights (in keras.layers.MultiHeadAttention's layout) the checks draw, and Keras'
MultiHeadAttention, the residuals and the layer norms re-computed on them in NumPy."""

from labkit.answers import reference, register

import numpy as np

EPSILON = 1e-3  # the block's LayerNormalization()s, as the lesson builds them (Keras' default)


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


def _mhsa(spec):
    s, x, weights = _mhsa_inputs(spec)
    x, weights = x.astype("float64"), [w.astype("float64") for w in weights]
    batch, steps = x.shape[:2]
    causal = np.broadcast_to(np.tril(np.ones((steps, steps), dtype=bool)), (batch, steps, steps))
    expected = {}
    for name, mask in (("unmasked", None), ("causal", causal)):
        output, weights_ = reference.multi_head_self_attention(x, weights, s["num_heads"], mask)
        expected.update({f"{name}_output": output, f"{name}_weights": weights_})
    return expected


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


def _block_reference(x, mask, attention, feed_forward, norms, heads):
    w1, b1, w2, b2 = feed_forward
    attended, _ = reference.multi_head_self_attention(x, attention, heads, mask)  # (batch, T, d_model)
    x = reference.layer_norm(x + attended, *norms[:2], EPSILON)
    return reference.layer_norm(x + np.maximum(x @ w1 + b1, 0) @ w2 + b2, *norms[2:], EPSILON)


def _block(spec):
    s, x, _, mask, attention, feed_forward, norms = _block_inputs(spec)
    x = x.astype(float)
    attention, feed_forward, norms = ([w.astype(float) for w in weights]
                                      for weights in (attention, feed_forward, norms))
    only_residual = reference.layer_norm(reference.layer_norm(x, *norms[:2], EPSILON), *norms[2:], EPSILON)
    return {"epsilon": EPSILON, "shape": x.shape, "last_gamma": norms[2], "last_beta": norms[3],
            "output": _block_reference(x, None, attention, feed_forward, norms, s["num_heads"]),
            "masked": _block_reference(x, mask, attention, feed_forward, norms, s["num_heads"]),
            "training_residual_only": only_residual}


register("multi_head_self_attention", _mhsa_inputs, _mhsa)
register("transformer_block", _block_inputs, _block)
