"""Probes of lesson 07's decoder: the causal mask, cached causal self-attention and the
pre-norm block, each run in full and one position at a time, with the check's fused weights."""

from labkit.probes.base import as_pair, expect, set_weight

import numpy as np


def causal_mask(given, make_mask):
    return {"mask": np.asarray(make_mask(given["length"]))}


def _stepped(layer, x, cache):
    """``layer.step`` over x (batch, T, d_model), one position at a time from ``cache``: (batch, T, d)."""
    outputs = []
    for position in range(x.shape[1]):
        output, cache = as_pair(layer.step(x[:, position], cache, position),
                                "step must return (output, cache)")
        outputs.append(np.asarray(output))
    return np.stack(outputs, axis=1)


def _attention_layer(layer_class, s, x, weights, **options):
    layer = layer_class(s["num_heads"], max_length=s["steps"] + 2, **options)
    layer(x)  # builds the weights
    for name, value in zip(("w_qkv", "b_qkv", "w_out", "b_out"), weights):
        set_weight(layer, name, value, "(the fused layout of the lesson's layer)")
    return layer


def cached_attention(given, layer_class):
    s, x, weights = given
    layer = _attention_layer(layer_class, s, x, weights)
    unmasked = _attention_layer(layer_class, s, x, weights, causal=False)  # the lesson's no-mask experiment
    return {"full": np.asarray(layer(x)), "stepped": _stepped(layer, x, layer.empty_cache(s["batch"])),
            "not_causal": np.asarray(unmasked(x))}


def decoder_block(given, block_class):
    s, x, attention, norms, mlp = given
    block = block_class(x.shape[-1], s["num_heads"], max_length=s["steps"] + 2)
    block(x)  # builds the weights
    where = "the block has no sub-layer {name}; keep the lesson's __init__"
    for layer_name in ("attention", "norm1", "norm2", "expand", "project"):
        expect(hasattr(block, layer_name), where.format(name=layer_name))
        expect(getattr(block, layer_name).weights, f"{layer_name} is never called: each sub-layer is used "
               "once, x + attention(norm1(x)), then x + project(expand(norm2(x)))")
    for name, value in zip(("w_qkv", "b_qkv", "w_out", "b_out"), attention):
        set_weight(block.attention, name, value, "(the lesson's CausalSelfAttention)", where)
    for (layer_name, name), value in zip((("norm1", "gamma"), ("norm1", "beta"), ("norm2", "gamma"),
                                          ("norm2", "beta"), ("expand", "kernel"), ("expand", "bias"),
                                          ("project", "kernel"), ("project", "bias")), norms + mlp):
        set_weight(getattr(block, layer_name), name, value, f"(of {layer_name})", where)
    cache = block.attention.empty_cache(s["batch"])
    return {"full": np.asarray(block(x)), "stepped": _stepped(block, x, cache),
            "epsilons": np.array([float(block.norm1.epsilon), float(block.norm2.epsilon)])}
