"""Probes of lesson 05's multi-head self-attention (given the check's weights through the
lesson's own ``copy_keras_weights``) and Transformer block (through its named sub-layers)."""

from labkit.probes.base import as_pair, expect

import numpy as np


class _KerasWeights:
    """Stands in for a built keras.layers.MultiHeadAttention in ``copy_keras_weights(mine, reference)``."""

    def __init__(self, weights):
        self._weights = weights

    def get_weights(self):
        return [w.copy() for w in self._weights]


def multi_head_self_attention(given, layer_class, copy_keras_weights):
    s, x, weights = given
    mine = layer_class(s["num_heads"])
    mine(x)  # builds the weights
    copy_keras_weights(mine, _KerasWeights(weights))
    causal = np.tril(np.ones((s["steps"], s["steps"]), dtype=bool))  # (T, T)
    data = {}
    for name, mask in (("unmasked", None), ("causal", causal)):
        output, attention = as_pair(mine(x, attention_mask=mask),
                                    "the layer must return a pair (output, weights)")
        data.update({f"{name}_output": output, f"{name}_weights": attention})
    return data


def _lesson_layout(weights, d_model):
    """Keras' per-head kernels as the lesson's MultiHeadSelfAttention stores them: (d_model,
    heads * key_dim) projections, flat biases, a (heads * key_dim, d_model) output kernel."""
    *projections, w_output, b_output = weights
    flat = [w.reshape(d_model, -1) if w.ndim == 3 else w.reshape(-1) for w in projections]
    return [*flat, w_output.reshape(-1, d_model), b_output]


def transformer_block(given, block_class):
    s, x, changed, mask, attention, feed_forward, norms = given
    block = block_class(s["num_heads"], s["feed_forward"])
    block(x)  # builds the sub-layers
    d_model = x.shape[-1]
    expect(all(hasattr(block, name) for name in ("attention", "feed_forward", "norm_attention",
                                                  "norm_feed_forward")),
           "the block needs the lesson's sub-layers attention, feed_forward, norm_attention, "
           "norm_feed_forward")
    for name in ("norm_attention", "norm_feed_forward"):
        expect(len(getattr(block, name).weights) == 2,
               f"{name} is never called: the attention's residual goes through norm_attention, the "
               "feed-forward's through norm_feed_forward (a LayerNormalization each)")
    block.attention.set_weights(_lesson_layout(attention, d_model))
    block.feed_forward.set_weights(feed_forward)
    block.norm_attention.set_weights(norms[:2])
    block.norm_feed_forward.set_weights(norms[2:])
    epsilons = [float(block.norm_attention.epsilon), float(block.norm_feed_forward.epsilon)]
    data = {"output": np.asarray(block(x)), "masked": np.asarray(block(x, attention_mask=mask)),
            "padding_changed": np.asarray(block(changed, attention_mask=mask)),
            "epsilons": np.array(epsilons)}
    for layer in (block.attention, block.feed_forward):  # both sub-layers now output zeros
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    data["training_residual_only"] = np.asarray(block(x, training=True))
    return data
