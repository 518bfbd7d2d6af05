"""Prototype: decoder-only Transformer on the folk tunes; KV cache timing; held-out bits/char vs seconds."""
import os, time
from labkit import music, text
import numpy as np, keras, tensorflow as tf
from keras import ops
keras.utils.set_random_seed(0)
oneills = music.load_corpus(["oneills1850"]); ryans = music.load_corpus(["ryansMammoth"])
train_tunes, held = music.held_out(oneills); train_tunes += ryans
lengths = np.array([len(t) for t in train_tunes]); print("tune length median", np.median(lengths), "p90", np.percentile(lengths, 90), "max", lengths.max())
vocab = text.Vocabulary.build("\n".join(train_tunes), specials=(text.UNK,))
ids = vocab.encode("\n".join(train_tunes)); held_seqs = [vocab.encode(t) for t in held]
V = len(vocab); CONTEXT = int(os.environ.get("CTX", 256)); D = int(os.environ.get("D", 128)); H = 4; L = int(os.environ.get("LAYERS", 2))

class CausalSelfAttention(keras.layers.Layer):
    def __init__(self, heads, **kw):
        super().__init__(**kw); self.heads = heads
    def build(self, shape):
        d = shape[-1]; self.key_dim = d // self.heads
        self.w_qkv = self.add_weight(shape=(d, 3 * d), name="w_qkv"); self.b_qkv = self.add_weight(shape=(3 * d,), initializer="zeros", name="b_qkv")
        self.w_out = self.add_weight(shape=(d, d), name="w_out"); self.b_out = self.add_weight(shape=(d,), initializer="zeros", name="b_out")
    def split(self, x):
        b, t = ops.shape(x)[0], ops.shape(x)[1]
        return ops.transpose(ops.reshape(x, (b, t, self.heads, self.key_dim)), (0, 2, 1, 3))
    def call(self, x):
        b, t = ops.shape(x)[0], ops.shape(x)[1]
        q, k, v = (self.split(z) for z in ops.split(ops.matmul(x, self.w_qkv) + self.b_qkv, 3, axis=-1))
        scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / np.sqrt(self.key_dim)
        mask = ops.tril(ops.ones((t, t), "bool"))
        w = ops.softmax(ops.where(mask, scores, -1e9), axis=-1)
        out = ops.reshape(ops.transpose(ops.matmul(w, v), (0, 2, 1, 3)), (b, t, -1))
        return ops.matmul(out, self.w_out) + self.b_out
    def step(self, x, k_cache, v_cache, position):
        """x (b, 1, d); caches (b, heads, CONTEXT, key_dim); returns out, caches."""
        q, k, v = (self.split(z) for z in ops.split(ops.matmul(x, self.w_qkv) + self.b_qkv, 3, axis=-1))  # (b,h,1,kd)
        k_cache = tf.tensor_scatter_nd_update(tf.transpose(k_cache, (2, 0, 1, 3)), [[position]], tf.transpose(k, (2, 0, 1, 3)))
        v_cache = tf.tensor_scatter_nd_update(tf.transpose(v_cache, (2, 0, 1, 3)), [[position]], tf.transpose(v, (2, 0, 1, 3)))
        k_cache, v_cache = tf.transpose(k_cache, (1, 2, 0, 3)), tf.transpose(v_cache, (1, 2, 0, 3))
        scores = ops.matmul(q, ops.swapaxes(k_cache, -1, -2)) / np.sqrt(self.key_dim)  # (b,h,1,CONTEXT)
        seen = ops.arange(CONTEXT) <= position
        w = ops.softmax(ops.where(seen, scores, -1e9), axis=-1)
        out = ops.reshape(ops.transpose(ops.matmul(w, v_cache), (0, 2, 1, 3)), (ops.shape(x)[0], 1, -1))
        return ops.matmul(out, self.w_out) + self.b_out, k_cache, v_cache

class Block(keras.layers.Layer):
    def __init__(self, heads, **kw):
        super().__init__(**kw); self.attention = CausalSelfAttention(heads)
        self.norm1, self.norm2 = keras.layers.LayerNormalization(), keras.layers.LayerNormalization()
    def build(self, shape):
        d = shape[-1]; self.mlp = keras.Sequential([keras.layers.Dense(4 * d, activation="gelu"), keras.layers.Dense(d)])
    def call(self, x):
        x = x + self.attention(self.norm1(x)); return x + self.mlp(self.norm2(x))
    def step(self, x, kc, vc, p):
        a, kc, vc = self.attention.step(self.norm1(x), kc, vc, p); x = x + a; return x + self.mlp(self.norm2(x)), kc, vc

class GPT(keras.Model):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.tok = keras.layers.Embedding(V, D); self.pos = keras.layers.Embedding(CONTEXT, D)
        self.blocks = [Block(H) for _ in range(L)]; self.norm = keras.layers.LayerNormalization(); self.head = keras.layers.Dense(V)
    def call(self, ids):
        t = ops.shape(ids)[1]
        x = self.tok(ids) + self.pos(ops.arange(t))[None]
        for b in self.blocks: x = b(x)
        return self.head(self.norm(x))
    def step(self, ids, caches, p):
        x = self.tok(ids)[:, None] + self.pos(p)[None, None]
        new = []
        for b, (kc, vc) in zip(self.blocks, caches):
            x, kc, vc = b.step(x, kc, vc, p); new.append((kc, vc))
        return self.head(self.norm(x))[:, 0], new

m = GPT(); m(ids[None, :16])
print("params", m.count_params())
def held_bits():
    # sliding: score tunes up to CONTEXT+1 only? use windows: score each tune's first CONTEXT chars
    seqs = [s[:CONTEXT + 1] for s in held_seqs]
    return text.bits_per_char(lambda x: m(x), seqs)
print("untrained bits", held_bits())
BATCH, LENGTH = 32, min(CONTEXT, int(os.environ.get("LEN", 256)))
opt = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, int(os.environ.get("STEPS", 1500)), alpha=0.05, warmup_target=None), clipnorm=1.0)
@tf.function
def train_step(x, y):
    with tf.GradientTape() as t:
        loss = ops.mean(keras.losses.sparse_categorical_crossentropy(y, m(x), from_logits=True))
    g = t.gradient(loss, m.trainable_weights); opt.apply_gradients(zip(g, m.trainable_weights)); return loss
t0 = time.time(); budget = float(os.environ.get("SECONDS", 120)); s = 0
while time.time() - t0 < budget:
    s += 1
    x, y = text.next_step_batch(ids, LENGTH, BATCH, np.random.default_rng([0, s]))
    loss = train_step(x, y)
    if s % 200 == 0: print(s, f"{time.time()-t0:.0f}s", float(loss), "held", round(held_bits(), 3), flush=True)
print("steps", s, "held", held_bits())
# KV cache timing
B = 1
caches = [(tf.zeros((B, H, CONTEXT, D // H)), tf.zeros((B, H, CONTEXT, D // H))) for _ in range(L)]
cached = tf.function(lambda i, c, p: m.step(i, c, p))
full = tf.function(lambda x: m(x)[:, -1], reduce_retracing=True)
for n in (50, 100, 200, 400, 500):
    if n > CONTEXT: break
    seq = tf.zeros((B, n), "int32")
    full(seq); t0 = time.perf_counter(); [full(seq) for _ in range(20)]; tf_full = (time.perf_counter() - t0) / 20
    cached(tf.zeros((B,), "int32"), caches, tf.constant(n - 1)); t0 = time.perf_counter()
    for _ in range(20): cached(tf.zeros((B,), "int32"), caches, tf.constant(n - 1))
    tf_c = (time.perf_counter() - t0) / 20
    print(f"prefix {n}: full {tf_full*1e3:.2f} ms/char, cached {tf_c*1e3:.2f} ms/char, x{tf_full/tf_c:.1f}")
# check cached == full
x = vocab.encode(held[0][:40])[None]
logits_full = m(x)[0]
caches = [(tf.zeros((1, H, CONTEXT, D // H)), tf.zeros((1, H, CONTEXT, D // H))) for _ in range(L)]
outs = []
for p in range(40):
    lo, caches = m.step(tf.constant(x[:, p]), caches, tf.constant(p)); outs.append(lo[0])
print("cache max diff", float(np.abs(np.stack(outs) - logits_full).max()))
