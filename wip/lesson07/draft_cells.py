"""Draft of lesson 07's exercise cells (causal mask, cached causal self-attention), run against the checks."""
from labkit import checks
from labkit.checks import decoder  # noqa: F401  (registers the lesson 07 checks on this branch)

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def causal_mask(length):
    """(length, length) bool: True where query t may attend to key s, that is s <= t."""
    return np.tril(np.ones((length, length), dtype=bool))


class CausalSelfAttention(keras.layers.Layer):
    """Multi-head self-attention where position t sees positions 0..t, with fused Q/K/V weights
    (minGPT's layout) and a key/value cache for generation."""

    def __init__(self, num_heads, max_length, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.max_length = num_heads, max_length

    def build(self, x_shape):
        d_model = x_shape[-1]
        self.key_dim = d_model // self.num_heads
        self.w_qkv = self.add_weight(shape=(d_model, 3 * d_model), name="w_qkv")
        self.b_qkv = self.add_weight(shape=(3 * d_model,), initializer="zeros", name="b_qkv")
        self.w_out = self.add_weight(shape=(d_model, d_model), name="w_out")
        self.b_out = self.add_weight(shape=(d_model,), initializer="zeros", name="b_out")

    def heads(self, x):
        """(batch, T, d_model) -> three (batch, heads, T, key_dim): query, key, value."""
        batch, length = ops.shape(x)[0], ops.shape(x)[1]
        qkv = ops.matmul(x, self.w_qkv) + self.b_qkv  # (batch, T, 3 d_model)
        return [ops.transpose(ops.reshape(z, (batch, length, self.num_heads, self.key_dim)), (0, 2, 1, 3))
                for z in ops.split(qkv, 3, axis=-1)]

    def merge(self, attended):
        """(batch, heads, T, key_dim) -> (batch, T, d_model), then the output projection."""
        batch, length = ops.shape(attended)[0], ops.shape(attended)[2]
        merged = ops.reshape(ops.transpose(attended, (0, 2, 1, 3)), (batch, length, -1))
        return ops.matmul(merged, self.w_out) + self.b_out

    def call(self, x):
        q, k, v = self.heads(x)  # (batch, heads, T, key_dim) each
        length = ops.shape(x)[1]
        scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / np.sqrt(self.key_dim)  # (batch, heads, T, T)
        scores = ops.where(ops.tril(ops.ones((length, length), "bool")), scores, -1e9)
        return self.merge(ops.matmul(ops.softmax(scores, axis=-1), v))  # (batch, T, d_model)

    def empty_cache(self, batch):
        shape = (batch, self.num_heads, self.max_length, self.key_dim)
        return ops.zeros(shape), ops.zeros(shape)

    def step(self, x_t, cache, position):
        """x_t (batch, d_model) at `position`; cache: keys and values (batch, heads, max_length, key_dim)."""
        q, k, v = self.heads(x_t[:, None])  # (batch, heads, 1, key_dim) each
        written = ops.arange(self.max_length)[None, None, :, None] == position  # (1, 1, max_length, 1)
        keys, values = (ops.where(written, new, old) for new, old in zip((k, v), cache))
        scores = ops.matmul(q, ops.swapaxes(keys, -1, -2)) / np.sqrt(self.key_dim)  # (batch, heads, 1, max_length)
        scores = ops.where(ops.arange(self.max_length) <= position, scores, -1e9)  # only what was written
        return self.merge(ops.matmul(ops.softmax(scores, axis=-1), values))[:, 0], (keys, values)


if __name__ == "__main__":
    assert checks.REGISTRY["causal_mask"](causal_mask)
    assert checks.REGISTRY["cached_attention"](CausalSelfAttention)
    assert not checks.REGISTRY["causal_mask"](lambda n: causal_mask(n).T)
    assert not checks.REGISTRY["causal_mask"](lambda n: np.tril(np.ones((n, n), bool), -1))
    from labkit.checks import probe
    import tempfile, os
    for key, obj in (("causal_mask", causal_mask), ("cached_attention", CausalSelfAttention)):
        for seed in range(6):
            spec = {"seed": seed, "grading": True, "sizes": {}}
            path = os.path.join(tempfile.mkdtemp(), "p.npz")
            probe.run(key, spec, path, obj)
            assert probe.judge(key, spec, probe.load(path))[0], (key, seed)
    # timing of the cached step vs the full pass at 500 positions, compiled
    layer = CausalSelfAttention(4, 512); layer(np.zeros((1, 8, 128), "float32"))
    step = tf.function(layer.step); full = tf.function(layer, reduce_retracing=True)
    import time
    cache = layer.empty_cache(1); x1 = tf.zeros((1, 128))
    step(x1, cache, tf.constant(499)); t0 = time.perf_counter(); [step(x1, cache, tf.constant(499)) for _ in range(50)]
    cached = (time.perf_counter() - t0) / 50
    x = tf.zeros((1, 500, 128)); full(x); t0 = time.perf_counter(); [full(x) for _ in range(50)]
    whole = (time.perf_counter() - t0) / 50
    print(f"one attention layer at 500 positions: full pass {whole*1e3:.2f} ms, cached step {cached*1e3:.2f} ms, x{whole/cached:.1f}")
    print("all draft checks pass")
