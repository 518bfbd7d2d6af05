"""Self-checks of lesson 07's exercises: the lesson's own solutions pass, the usual slips fail with
a one-line hint that says what to fix."""

from labkit import checks, notebooks

import numpy as np
import pytest

keras = pytest.importorskip("keras")
ops = keras.ops


@pytest.fixture(scope="module")
def lesson07():
    names = ["causal_mask", "AttentionHeads", "CausalSelfAttention", "DecoderBlock"]
    return notebooks.load_definitions("07_transformer_music", names)


def test_the_lessons_own_solutions_pass(lesson07, capsys):
    results = [checks.causal_mask(lesson07["causal_mask"]),
               checks.cached_attention(lesson07["CausalSelfAttention"]),
               checks.decoder_block(lesson07["DecoderBlock"])]
    printed = capsys.readouterr().out
    assert all(results) and printed.count("[PASS]") == len(results) and "[FAIL]" not in printed, printed


@pytest.mark.parametrize("mask, hint", [
    (lambda n: np.triu(np.ones((n, n), dtype=bool)), "the mask is transposed"),
    (lambda n: np.tril(np.ones((n, n), dtype=bool), -1), "a position must see itself"),
    (lambda n: np.ones((n, n), dtype=bool), "True where a query may attend to a key"),
])
def test_causal_mask_slips_fail(mask, hint, fails):
    fails(checks.causal_mask(mask), "causal_mask", hint)


def _attention(lesson07, slip):
    """The lesson's layer with one method replaced by a slip."""
    base = lesson07["CausalSelfAttention"]

    class Slipped(base):
        def call(self, x):
            if slip != "no mask":
                return super().call(x)
            q, k, v = self.heads(x)
            scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / np.sqrt(self.key_dim)
            return self.merge(ops.matmul(ops.softmax(scores, axis=-1), v))

        def step(self, x_t, cache, position):
            if slip == "cache never written":
                return super().step(x_t, cache, position)[0], cache
            if slip == "attends to empty slots":
                q, k, v = self.heads(x_t[:, None])
                written = ops.arange(self.max_length)[:, None] == position
                keys, values = (ops.where(written, new, old) for new, old in zip((k, v), cache))
                scores = ops.matmul(q, ops.swapaxes(keys, -1, -2)) / np.sqrt(self.key_dim)
                return self.merge(ops.matmul(ops.softmax(scores, axis=-1), values))[:, 0], (keys, values)
            return super().step(x_t, cache, position)

    return Slipped


@pytest.mark.parametrize("slip, hint", [
    ("no mask", "the full pass (causal attention over the sequence)"),
    ("cache never written", "the later steps (write the new key and value into the cache"),
    ("attends to empty slots", "the first step (it sees only itself)"),
])
def test_cached_attention_slips_fail(lesson07, slip, hint, fails):
    fails(checks.cached_attention(_attention(lesson07, slip)), "CausalSelfAttention", hint)


def _block(lesson07, slip):
    base = lesson07["DecoderBlock"]

    class Slipped(base):
        def call(self, x):
            if slip == "no residual":
                x = self.attention(self.norm1(x))
                return self.project(self.expand(self.norm2(x)))
            if slip == "post-norm":
                x = self.norm1(x + self.attention(x))
                return self.norm2(x + self.project(self.expand(x)))
            if slip == "MLP without norm2":
                x = x + self.attention(self.norm1(x))
                return x + self.project(self.expand(x))
            return super().call(x)

        def step(self, x_t, cache, position):
            if slip == "step without the cache":
                return self(x_t[:, None])[:, 0], cache
            return super().step(x_t, cache, position)

    return Slipped


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1")  # the slip's one-key softmax
@pytest.mark.parametrize("slip, hint", [
    ("no residual", "add each sub-layer's output to its input"),
    ("post-norm", "x + attention(norm1(x)), then x + project(expand(norm2(x)))"),
    ("step without the cache", "step: the same block on x_t, with attention.step"),
    ("MLP without norm2", "norm2 is never called"),
])
def test_decoder_block_slips_fail(lesson07, slip, hint, fails):
    fails(checks.decoder_block(_block(lesson07, slip)), "DecoderBlock", hint)
