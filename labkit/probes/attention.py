"""Probes of lesson 05's attention scores and positional encoding."""

from labkit.probes.base import as_pair, set_weight

import numpy as np


def scaled_dot_product_attention(given, fn):
    q, k, v, mask = given
    what = "scaled_dot_product_attention must return a pair (output, weights)"
    output, weights = as_pair(fn(q, k, v), what)
    masked_output, masked_weights = as_pair(fn(q, k, v, mask=mask), what)
    return {"output": output, "weights": weights,
            "masked_output": masked_output, "masked_weights": masked_weights}


def luong_attention(given, layer_class):
    decoder, encoder, mask, w = given
    layer = layer_class()
    layer(decoder, encoder, mask)  # builds w
    set_weight(layer, "w", w, "(units, units)", where="the layer has no weight {name}; create it in build "
               "with add_weight")
    context, weights = as_pair(layer(decoder, encoder, mask), "the attention layer must return a pair "
                               "(context, weights)")
    return {"context": context, "weights": weights}


def positional_encoding(given, fn):
    return {"encoding": np.asarray(fn(given["length"], given["depth"]))}
