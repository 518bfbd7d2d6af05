"""Self-checks of lesson 05's exercises: attention scores, multi-head self-attention,
positional encoding and the Transformer block.

References are NumPy re-computations from the student's own weights, or Keras' own
``MultiHeadAttention`` given the same weights; invariants (rows summing to 1, masked keys
getting no weight, layer-normalised outputs) catch the usual slips with a pointed hint.
"""

import numpy as np

from labkit.checks.core import check, expect, expect_close, expect_shape


def _softmax(scores):
    scores = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=-1, keepdims=True)


def _masked_softmax(scores, mask):
    return _softmax(np.where(mask, scores, -1e9))


def _pair(out, what):
    expect(isinstance(out, (tuple, list)) and len(out) == 2, f"{what} must return a pair (output, weights)")
    return tuple(np.asarray(t) for t in out)


def scaled_dot_product_attention(fn, seed=0):
    """``fn(q, k, v, mask=None) -> (output, weights)`` is softmax(q k^T / sqrt(d_k)) v."""

    def test():
        rng = np.random.default_rng(seed)
        q = rng.normal(size=(2, 3, 4, 8)).astype("float32")  # (batch, heads, T_q, d_k)
        k = rng.normal(size=(2, 3, 5, 8)).astype("float32")  # (batch, heads, T_k, d_k)
        v = rng.normal(size=(2, 3, 5, 6)).astype("float32")  # (batch, heads, T_k, d_v)
        output, weights = _pair(fn(q, k, v), "scaled_dot_product_attention")
        expect_shape(output, (2, 3, 4, 6), "output (..., T_q, d_v)")
        expect_shape(weights, (2, 3, 4, 5), "weights (..., T_q, T_k)")
        expect_close(weights.sum(axis=-1), np.ones((2, 3, 4)), "the sums of the rows of weights (each should "
                     "be 1: take the softmax over the last axis, the keys)", atol=1e-4)
        scores = q @ np.swapaxes(k, -1, -2)  # (2, 3, 4, 5)
        unscaled = _softmax(scores)
        expect(not np.allclose(weights, unscaled, atol=1e-4), "weights are softmax(QK^T): divide the scores "
               "by sqrt(d_k) before the softmax")
        expect_close(weights, _softmax(scores / np.sqrt(8)), "weights = softmax(QK^T / sqrt(d_k))", atol=1e-4)
        expect_close(output, weights @ v, "output = weights @ V", atol=1e-4)
        mask = rng.random((4, 5)) < 0.6  # (T_q, T_k), broadcast over batch and heads
        mask[:, 0] = True  # every query may attend somewhere
        output, weights = _pair(fn(q, k, v, mask=mask), "scaled_dot_product_attention")
        expect(np.all(weights[..., ~mask] < 1e-6), "masked keys (mask False) still get weight: set their "
               "scores to a large negative number (e.g. -1e9) before the softmax")
        expected = _masked_softmax(scores / np.sqrt(8), mask)
        expect_close(weights, expected, "weights with a mask", atol=1e-4)
        expect_close(output, expected @ v, "output with a mask", atol=1e-4)

    return check("scaled_dot_product_attention", test)


def luong_attention(layer_class, seed=0):
    """``layer_class()(decoder_states, encoder_states, source_mask) -> (context, weights)`` is
    softmax_i(s_t^T W h_i) over the unmasked source positions, context = sum_i weights h_i."""

    def test():
        rng = np.random.default_rng(seed)
        decoder = rng.normal(size=(2, 3, 4)).astype("float32")  # (batch, T_out, units)
        encoder = rng.normal(size=(2, 6, 4)).astype("float32")  # (batch, T_in, units)
        mask = np.array([[True] * 6, [True] * 4 + [False] * 2])  # (batch, T_in): the 2nd source is padded
        layer = layer_class()
        context, weights = _pair(layer(decoder, encoder, mask), "the attention layer")
        expect(hasattr(layer, "w"), "the layer has no weight w; create it in build with add_weight")
        w = np.asarray(layer.w)
        expect_shape(w, (4, 4), "w (units, units)")
        expect_shape(weights, (2, 3, 6), "weights (batch, T_out, T_in)")
        expect_shape(context, (2, 3, 4), "context (batch, T_out, units)")
        expect(np.all(weights[1, :, 4:] < 1e-6), "padded source positions get weight: use source_mask to set "
               "their scores to a large negative number before the softmax")
        scores = np.einsum("bqu,uv,bkv->bqk", decoder, w, encoder)  # (batch, T_out, T_in)
        expected = _masked_softmax(scores, mask[:, None, :])
        expect_close(weights, expected, "weights = softmax over the source of s_t^T W h_i", atol=1e-4)
        expect_close(context, expected @ encoder, "context = weights @ encoder_states", atol=1e-4)

    return check("LuongAttention", test)


def multi_head_self_attention(layer_class, copy_keras_weights, num_heads=4, d_model=16, seed=0):
    """``layer_class(num_heads)(x, attention_mask=None) -> (output, weights)`` equals
    ``keras.layers.MultiHeadAttention`` given the same weights, with and without a causal mask."""

    def test():
        import keras

        x = np.random.default_rng(seed).normal(size=(2, 7, d_model)).astype("float32")  # (batch, T, d_model)
        reference = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=d_model // num_heads)
        reference(x, x)
        mine = layer_class(num_heads)
        mine(x)
        copy_keras_weights(mine, reference)
        causal = np.tril(np.ones((7, 7), dtype=bool))  # (T, T)
        for masked in (False, True):
            output, weights = _pair(mine(x, attention_mask=causal if masked else None), "the layer")
            expected, expected_weights = (np.asarray(t) for t in reference(
                x, x, use_causal_mask=masked, return_attention_scores=True))
            what = "with a causal mask" if masked else "without a mask"
            expect_shape(weights, expected_weights.shape, f"weights {what} (batch, heads, T, T)")
            expect_close(weights, expected_weights, f"the attention weights {what} (project, split the heads "
                         "as (batch, heads, T, key_dim), then attend)", atol=1e-5)
            expect_close(output, expected, f"the output {what} (merge the heads back to (batch, T, heads * "
                         "key_dim) before the output projection)", atol=1e-5)

    return check("MultiHeadSelfAttention", test)


def positional_encoding(fn, length=50, depth=16):
    """``fn(length, depth)`` is the sinusoidal encoding: PE[p, 2i] = sin(p / 10000^(2i/depth)),
    PE[p, 2i+1] = cos(p / 10000^(2i/depth))."""

    def test():
        encoding = np.asarray(fn(length, depth))
        expect_shape(encoding, (length, depth), "the encoding (length, depth)")
        positions = np.arange(length)
        expect_close(encoding[:, 0], np.sin(positions), "column 0 (sin of the position itself)", atol=1e-5)
        expect_close(encoding[:, 1], np.cos(positions), "column 1 (cos of the position itself)", atol=1e-5)
        expect_close(encoding[:, 0::2] ** 2 + encoding[:, 1::2] ** 2, np.ones((length, depth // 2)),
                     "sin^2 + cos^2 of each pair of columns (same angle in columns 2i and 2i+1)", atol=1e-5)
        angles = positions[:, None] / 10000 ** (np.arange(0, depth, 2) / depth)  # (length, depth / 2)
        expect_close(encoding[:, 0::2], np.sin(angles), "the even columns, sin(p / 10000^(2i/depth))",
                     atol=1e-5)

    return check("positional_encoding", test)


def transformer_block(block_class, d_model=16, seed=0):
    """``block_class(num_heads, feed_forward_units)(x, attention_mask=None)`` keeps the shape,
    ends in a layer norm, ignores masked keys and is permutation-equivariant without a mask."""

    def test():
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(2, 6, d_model)).astype("float32")  # (batch, T, d_model)
        block = block_class(2, 32)
        out = np.asarray(block(x))
        expect_shape(out, x.shape, "the block's output (batch, T, d_model)")
        expect_close(out.mean(axis=-1), np.zeros((2, 6)), "each position's mean over features (the last step "
                     "is a LayerNormalization of x + feed_forward(x))", atol=1e-3)
        expect(not np.allclose(np.asarray(block(x)), np.asarray(block(x * 2.0 + 1.0)), atol=1e-3),
               "the output does not depend on the input")
        order = rng.permutation(6)
        expect_close(np.asarray(block(x[:, order])), out[:, order], "the output for shuffled positions "
                     "(without positions or masks, the block must only shuffle its output the same way)",
                     atol=1e-4)
        mask = np.ones((2, 1, 6), dtype=bool)
        mask[:, :, 4:] = False  # the last two positions are padding
        changed = x.copy()
        changed[:, 4:] = rng.normal(size=(2, 2, d_model))
        expect_close(np.asarray(block(changed, attention_mask=mask))[:, :4],
                     np.asarray(block(x, attention_mask=mask))[:, :4],
                     "the real positions' output when only the padding changes (pass attention_mask to the "
                     "attention)", atol=1e-4)

    return check("TransformerBlock", test)
