"""Self-checks of lesson 07's decoder (a Transformer that writes):

- :data:`causal_mask`: which keys each position may attend to (itself and the past);
- :data:`cached_attention`: causal self-attention run one position at a time with a key/value
  cache gives what the full causal pass gives;
- :data:`decoder_block`: minGPT's pre-norm block, ``x + attention(norm1(x))`` then
  ``x + project(expand(norm2(x)))`` (GELU), in full and one position at a time.

The layer's weights are fused as in minGPT: ``w_qkv`` (d_model, 3 d_model), ``b_qkv`` (3 d_model,),
``w_out`` (d_model, d_model), ``b_out`` (d_model,); query, key and value are the three thirds of
``x @ w_qkv + b_qkv``, each split into heads. Judges re-compute in NumPy.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.probes import decoder as probes

import numpy as np


def _mask_size(spec):
    return spec.draw(length=(5, range(6, 12)))[1]


def _mask_judge(spec, data):
    s = _mask_size(spec)
    length = s["length"]
    mask = data["mask"]
    expect_shape(mask, (length, length), "the mask (queries, keys)")
    expected = np.tril(np.ones((length, length), dtype=bool))
    expect(not np.array_equal(mask.astype(bool), expected.T), "the mask is transposed: row t (a query) "
           "may see keys 0..t, the columns up to t")
    expect(not np.array_equal(mask.astype(bool), np.tril(expected, -1)), "a position must see itself: keep "
           "the diagonal")
    expect(np.array_equal(mask.astype(bool), expected), "True where a query may attend to a key: "
           "key <= query")


causal_mask = define("causal_mask", "causal_mask", _mask_size, probes.causal_mask, _mask_judge,
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


def causal_attention_reference(x, weights, num_heads, causal=True):
    """Causal (or, with ``causal=False``, full) multi-head self-attention with fused weights, in NumPy:
    (batch, T, d_model)."""
    w_qkv, b_qkv, w_out, b_out = weights
    batch, steps, d_model = x.shape
    q, k, v = np.split(x @ w_qkv + b_qkv, 3, axis=-1)  # (batch, T, d_model) each
    heads = [z.reshape(batch, steps, num_heads, -1).transpose(0, 2, 1, 3)  # (batch, h, T, kd) each
             for z in (q, k, v)]
    mask = np.tril(np.ones((steps, steps), dtype=bool)) if causal else None
    attended, _ = reference.attention(*heads, mask)  # (batch, h, T, kd)
    return attended.transpose(0, 2, 1, 3).reshape(batch, steps, d_model) @ w_out + b_out


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
    with part("causal=False"):
        unmasked = causal_attention_reference(x.astype(float), [w.astype(float) for w in weights],
                                              s["num_heads"], causal=False)
        expect_close(data["not_causal"], unmasked, "the full pass with causal=False (mask only when "
                     "self.causal is True: the lesson trains a model without the mask)", atol=1e-4)
    part.verdict()


cached_attention = define(
    "cached_attention", "CausalSelfAttention", _attention_inputs, probes.cached_attention, _attention_judge,
    "``layer_class(num_heads, max_length)``: ``layer(x)`` is causal self-attention; "
    "``layer.step(x_t, cache, position) -> (output, cache)`` gives the same output one "
    "position at a time from ``layer.empty_cache(batch)``.")


def _block_inputs(spec):
    """Sizes, x (batch, T, d_model), the attention's fused weights, and the norms' and MLP's weights."""
    s, x, attention = _attention_inputs(spec)
    rng = np.random.default_rng([spec.seed, 7])
    d_model = x.shape[-1]
    norms = [rng.normal(loc=1.0, scale=0.2, size=d_model).astype("float32") if i % 2 == 0
             else rng.normal(scale=0.2, size=d_model).astype("float32") for i in range(4)]  # gamma, beta x 2
    mlp = [rng.normal(scale=0.3, size=shape).astype("float32")
           for shape in ((d_model, 4 * d_model), (4 * d_model,), (4 * d_model, d_model), (d_model,))]
    return s, x, attention, norms, mlp


def gelu(z):
    """GELU, exactly (Keras' default): z * Phi(z)."""
    from scipy.special import erf

    return 0.5 * z * (1 + erf(z / np.sqrt(2)))


def decoder_block_reference(x, attention, norms, mlp, num_heads, epsilon=1e-5, residual=True):
    """The pre-norm decoder block in NumPy: (batch, T, d_model); ``residual=False`` drops both
    additions (a slip the judge names)."""
    gamma1, beta1, gamma2, beta2 = norms
    w_expand, b_expand, w_project, b_project = mlp
    normed = reference.layer_norm(x, gamma1, beta1, epsilon)  # (batch, T, d_model)
    attended = causal_attention_reference(normed, attention, num_heads)
    x = x + attended if residual else attended
    hidden = gelu(reference.layer_norm(x, gamma2, beta2, epsilon) @ w_expand + b_expand)  # (batch, T, 4 d)
    return x + hidden @ w_project + b_project if residual else hidden @ w_project + b_project


def _block_judge(spec, data):
    s, x, attention, norms, mlp = _block_inputs(spec)
    expect(np.allclose(np.ravel(data["epsilons"]), 1e-5), "the layer norms' epsilon: keep the lesson's 1e-5")
    as_float = [[w.astype(float) for w in group] for group in (attention, norms, mlp)]
    expected = decoder_block_reference(x.astype(float), *as_float, s["num_heads"])
    without_residual = decoder_block_reference(x.astype(float), *as_float, s["num_heads"], residual=False)
    part = Parts()
    with part("the full pass"):
        expect(not np.allclose(data["full"], without_residual, atol=1e-3), "add each sub-layer's output to "
               "its input (the residual connections)")
        expect_close(data["full"], expected, "the block: x + attention(norm1(x)), then x + project(expand("
                     "norm2(x)))", atol=1e-3)
    with part("one position at a time"):
        expect_shape(data["stepped"], expected.shape, "the step outputs stacked (batch, T, d_model)")
        expect_close(data["stepped"], expected, "step: the same block on x_t, with attention.step and its "
                     "cache instead of attention", atol=1e-3)
    part.verdict()


decoder_block = define("decoder_block", "DecoderBlock", _block_inputs, probes.decoder_block, _block_judge,
                       "``block_class(d_model, num_heads, max_length)``: ``block(x)`` is the pre-norm "
                       "decoder block; ``block.step(x_t, cache, position) -> (output, cache)`` the same, one "
                       "position at a time.")
