"""Answers of lesson 07's decoder checks, in NumPy: the causal mask, causal self-attention with
minGPT's fused weights (``w_qkv`` (d_model, 3 d_model), ``b_qkv``, ``w_out``, ``b_out``; query, key
and value the three thirds of ``x @ w_qkv + b_qkv``, each split into heads) and the pre-norm block."""

from labkit.answers import reference, register

import numpy as np

EPSILON = 1e-5  # the block's layer norms, as the lesson builds them


def _mask_size(spec):
    return spec.draw(length=(5, range(6, 12)))[1]


def _mask(spec):
    length = _mask_size(spec)["length"]
    mask = np.tril(np.ones((length, length), dtype=bool))
    return {"mask": mask, "transposed": mask.T, "no_diagonal": np.tril(mask, -1)}


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


def _attention(spec):
    s, x, weights = _attention_inputs(spec)
    x, weights = x.astype(float), [w.astype(float) for w in weights]
    return {"causal": causal_attention_reference(x, weights, s["num_heads"]),
            "not_causal": causal_attention_reference(x, weights, s["num_heads"], causal=False)}


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


def decoder_block_reference(x, attention, norms, mlp, num_heads, residual=True):
    """The pre-norm decoder block in NumPy: (batch, T, d_model); ``residual=False`` drops both
    additions (a slip the check names)."""
    gamma1, beta1, gamma2, beta2 = norms
    w_expand, b_expand, w_project, b_project = mlp
    normed = reference.layer_norm(x, gamma1, beta1, EPSILON)  # (batch, T, d_model)
    attended = causal_attention_reference(normed, attention, num_heads)
    x = x + attended if residual else attended
    hidden = gelu(reference.layer_norm(x, gamma2, beta2, EPSILON) @ w_expand + b_expand)  # (batch, T, 4 d)
    return x + hidden @ w_project + b_project if residual else hidden @ w_project + b_project


def _block(spec):
    s, x, attention, norms, mlp = _block_inputs(spec)
    as_float = [[w.astype(float) for w in group] for group in (attention, norms, mlp)]
    return {"epsilon": EPSILON, "block": decoder_block_reference(x.astype(float), *as_float, s["num_heads"]),
            "without_residual": decoder_block_reference(x.astype(float), *as_float, s["num_heads"],
                                                        residual=False)}


register("causal_mask", _mask_size, _mask)
register("cached_attention", _attention_inputs, _attention)
register("decoder_block", _block_inputs, _block)
