"""Self-checks of lesson 07's decoder (a Transformer that writes):

- :data:`causal_mask`: which keys each position may attend to (itself and the past);
- :data:`cached_attention`: causal self-attention run one position at a time with a key/value
  cache gives what the full causal pass gives.

The layer's weights are fused as in minGPT: ``w_qkv`` (d_model, 3 d_model), ``b_qkv`` (3 d_model,),
``w_out`` (d_model, d_model), ``b_out`` (d_model,); query, key and value are the three thirds of
``x @ w_qkv + b_qkv``, each split into heads. Judges re-compute in NumPy.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, as_pair, define, expect, expect_close, expect_shape, set_weight

import numpy as np


def _mask_probe(spec, causal_mask):
    _, s = spec.draw(length=(5, range(6, 12)))
    return {"mask": np.asarray(causal_mask(s["length"]))}


def _mask_judge(spec, data):
    _, s = spec.draw(length=(5, range(6, 12)))
    length = s["length"]
    mask = data["mask"]
    expect_shape(mask, (length, length), "the mask (queries, keys)")
    expected = np.tril(np.ones((length, length), dtype=bool))
    expect(not np.array_equal(mask.astype(bool), expected.T), "the mask is transposed: row t (a query) "
           "may see keys 0..t, the columns up to t")
    expect(not np.array_equal(mask.astype(bool), np.tril(expected, -1)), "a position must see itself: keep "
           "the diagonal")
    expect(np.array_equal(mask.astype(bool), expected), "True where a query may attend to a key: key <= query")


causal_mask = define("causal_mask", "causal_mask", _mask_probe, _mask_judge,
                     "``causal_mask(length)``: (length, length) bool, True where query t may attend to key s "
                     "(s <= t).")


def _attention_inputs(spec):
    """Sizes, x (batch, T, d_model) and the fused weights [w_qkv, b_qkv, w_out, b_out]."""
    rng, s = spec.draw(num_heads=(2, (3, 4)), key_dim=(4, (3, 5)), batch=(2, range(3, 5)),
                       steps=(6, range(7, 10)))
    d_model = s["num_heads"] * s["key_dim"]
    x = rng.normal(size=(s["batch"], s["steps"], d_model)).astype("float32")  # (batch, T, d_model)
    weights = [rng.normal(scale=0.4, size=shape).astype("float32")
               for shape in ((d_model, 3 * d_model), (3 * d_model,), (d_model, d_model), (d_model,))]
    return s, x, weights


def causal_attention_reference(x, weights, num_heads):
    """Causal multi-head self-attention with fused weights, in NumPy: (batch, T, d_model)."""
    w_qkv, b_qkv, w_out, b_out = weights
    batch, steps, d_model = x.shape
    q, k, v = np.split(x @ w_qkv + b_qkv, 3, axis=-1)  # (batch, T, d_model) each
    heads = [z.reshape(batch, steps, num_heads, -1).transpose(0, 2, 1, 3) for z in (q, k, v)]  # (batch, h, T, kd)
    causal = np.tril(np.ones((steps, steps), dtype=bool))
    attended, _ = reference.attention(*heads, causal)  # (batch, h, T, kd)
    return attended.transpose(0, 2, 1, 3).reshape(batch, steps, d_model) @ w_out + b_out


def _attention_probe(spec, layer_class):
    s, x, weights = _attention_inputs(spec)
    layer = layer_class(s["num_heads"], max_length=s["steps"] + 2)
    layer(x)  # builds the weights
    for name, value in zip(("w_qkv", "b_qkv", "w_out", "b_out"), weights):
        set_weight(layer, name, value, "(the fused layout of the lesson's layer)")
    full = np.asarray(layer(x))
    cache = layer.empty_cache(s["batch"])
    stepped = []
    for position in range(s["steps"]):
        out = as_pair(layer.step(x[:, position], cache, position), "step must return (output, cache)")
        stepped.append(out[0])
        cache = layer.step(x[:, position], cache, position)[1]
    return {"full": full, "stepped": np.stack(stepped, axis=1)}


def _attention_judge(spec, data):
    s, x, weights = _attention_inputs(spec)
    expected = causal_attention_reference(x.astype(float), [w.astype(float) for w in weights], s["num_heads"])
    part = Parts()
    with part("the full causal pass"):
        expect_close(data["full"], expected, "the full pass (causal attention over the sequence)", atol=1e-4)
    with part("one position at a time"):
        expect_shape(data["stepped"], expected.shape, "the step outputs stacked (batch, T, d_model)")
        expect_close(data["stepped"][:, 0], expected[:, 0], "the first step (it sees only itself)", atol=1e-4)
        expect_close(data["stepped"], expected, "the later steps (write the new key and value into the cache "
                     "at `position`, then attend to cached positions 0..position)", atol=1e-4)
    part.verdict()


cached_attention = define("cached_attention", "CausalSelfAttention", _attention_probe, _attention_judge,
                          "``layer_class(num_heads, max_length)``: ``layer(x)`` is causal self-attention; "
                          "``layer.step(x_t, cache, position) -> (output, cache)`` gives the same output one "
                          "position at a time from ``layer.empty_cache(batch)``.")
