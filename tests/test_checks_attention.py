"""Lesson 05's self-checks: right answers pass, the usual slips fail with a pointed hint."""

from labkit import checks, notebooks

import numpy as np
import pytest

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def lesson():
    return notebooks.load_definitions("05_attention", [
        "scaled_dot_product_attention", "MultiHeadSelfAttention", "copy_keras_weights", "LuongAttention",
        "positional_encoding", "TransformerBlock"])


def _softmax(scores):
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def numpy_attention(q, k, v, mask=None, scale=True, axis=-1):
    scores = q @ np.swapaxes(k, -1, -2) / (np.sqrt(q.shape[-1]) if scale else 1.0)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores) if axis == -1 else np.swapaxes(_softmax(np.swapaxes(scores, -1, -2)), -1, -2)
    return weights @ v, weights


def _verdict(result, capsys):
    printed = capsys.readouterr().out
    assert printed.strip() == str(result)
    return result


def test_the_lessons_own_solutions_pass(lesson, capsys):
    results = [
        checks.scaled_dot_product_attention(lesson["scaled_dot_product_attention"]),
        checks.luong_attention(lesson["LuongAttention"]),
        checks.multi_head_self_attention(lesson["MultiHeadSelfAttention"], lesson["copy_keras_weights"]),
        checks.positional_encoding(lesson["positional_encoding"]),
        checks.transformer_block(lesson["TransformerBlock"]),
    ]
    printed = capsys.readouterr().out
    assert all(results), printed
    assert printed.count("[PASS]") == 5 and "[FAIL]" not in printed


def unscaled(q, k, v, mask=None):
    return numpy_attention(q, k, v, mask, scale=False)


def softmax_over_queries(q, k, v, mask=None):
    return numpy_attention(q, k, v, mask, axis=-2)


def mask_ignored(q, k, v, mask=None):
    return numpy_attention(q, k, v)


def output_only(q, k, v, mask=None):
    return numpy_attention(q, k, v, mask)[0]


def not_written(q, k, v, mask=None):
    raise NotImplementedError("Exercise 2: scores")


@pytest.mark.parametrize("fn, hint", [
    (numpy_attention, None),
    (unscaled, "divide the scores by sqrt(d_k)"),
    (softmax_over_queries, "take the softmax over the last axis"),
    (mask_ignored, "masked keys (mask False) still get weight"),
    (output_only, "must return a pair"),
    (not_written, "not implemented yet (Exercise 2: scores)"),
])
def test_scaled_dot_product_attention_check(fn, hint, capsys, fails):
    result = checks.scaled_dot_product_attention(fn)
    if hint:
        fails(result, "scaled_dot_product_attention", hint)
    else:
        assert _verdict(result, capsys)


def test_luong_check_catches_unmasked_padding(lesson, fails):
    class Unmasked(lesson["LuongAttention"]):
        def call(self, decoder_states, encoder_states, source_mask):
            return super().call(decoder_states, encoder_states, np.ones_like(source_mask))

    fails(checks.luong_attention(Unmasked), "LuongAttention", "padded source positions get weight")


def test_multi_head_check_catches_heads_merged_in_the_wrong_order(lesson, fails):
    from keras import ops

    class WrongMerge(lesson["MultiHeadSelfAttention"]):
        def call(self, x, attention_mask=None):
            q, k, v = (self.split_heads(ops.matmul(x, w) + b) for w, b in (
                (self.w_query, self.b_query), (self.w_key, self.b_key), (self.w_value, self.b_value)))
            heads, weights = lesson["scaled_dot_product_attention"](q, k, v)
            merged = ops.reshape(heads, (ops.shape(x)[0], ops.shape(x)[1], -1))  # no transpose back
            return ops.matmul(merged, self.w_output) + self.b_output, weights

    result = checks.multi_head_self_attention(WrongMerge, lesson["copy_keras_weights"])
    fails(result, "MultiHeadSelfAttention", "merge the heads back")


def test_positional_encoding_check_catches_swapped_sin_and_cos(lesson, fails):
    def cos_first(length, depth):
        encoding = lesson["positional_encoding"](length, depth)
        return np.stack([encoding[:, 1::2], encoding[:, 0::2]], axis=-1).reshape(length, depth)

    fails(checks.positional_encoding(cos_first), "positional_encoding", "column 0 (sin of the position")


def test_transformer_block_check_catches_a_missing_norm_and_an_ignored_mask(lesson, fails):
    class NoFinalNorm(lesson["TransformerBlock"]):
        def call(self, x, attention_mask=None, training=False):
            attended, _ = self.attention(x, attention_mask=attention_mask)
            x = self.norm_attention(x + attended)
            return x + self.feed_forward(x)

    class IgnoresMask(lesson["TransformerBlock"]):
        def call(self, x, attention_mask=None, training=False):
            return super().call(x, attention_mask=None, training=training)

    fails(checks.transformer_block(NoFinalNorm), "TransformerBlock", "LayerNormalization")
    fails(checks.transformer_block(IgnoresMask), "TransformerBlock", "only the padding changes")


def test_transformer_block_check_catches_one_norm_twice_and_dropout_on_the_residual(lesson, fails):
    """Both pass with fresh norms and dropout off; they differ once trained (issue 36's audit)."""

    class OneNormTwice(lesson["TransformerBlock"]):
        def call(self, x, attention_mask=None, training=False):
            attended, _ = self.attention(x, attention_mask=attention_mask)
            x = self.norm_attention(x + self.drop_attention(attended, training=training))
            return self.norm_attention(x + self.drop_feed_forward(self.feed_forward(x), training=training))

    class DropsTheResidual(lesson["TransformerBlock"]):
        def call(self, x, attention_mask=None, training=False):
            attended, _ = self.attention(x, attention_mask=attention_mask)
            x = self.norm_attention(self.drop_attention(x, training=training) + attended)
            return self.norm_feed_forward(self.drop_feed_forward(x, training=training) + self.feed_forward(x))

    fails(checks.transformer_block(OneNormTwice), "TransformerBlock", "norm_feed_forward is never called")
    fails(checks.transformer_block(DropsTheResidual), "TransformerBlock", "never on the residual x")
