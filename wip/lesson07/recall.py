import time, os, sys
from labkit.datasets import recall
import numpy as np, keras, tensorflow as tf
KEYS, VALUES, D = int(os.environ.get("NKEYS", 32)), int(os.environ.get("NVALUES", 16)), 32
STEPS = int(os.environ.get("STEPS", 1500)); BATCH = int(os.environ.get("BATCH", 64))
def embed(keys_in, values_in, k, positions):
    z = keras.layers.Embedding(KEYS, D)(keys_in) + keras.layers.Embedding(VALUES + 1, D)(values_in)
    if positions:
        z = z + keras.layers.Embedding(k + 1, D)(keras.ops.arange(k + 1))[None]
    return z
def lstm(units, k):
    ki, vi = keras.Input((k + 1,), dtype="int32"), keras.Input((k + 1,), dtype="int32")
    h = keras.layers.LSTM(units)(embed(ki, vi, k, False))
    return keras.Model([ki, vi], keras.layers.Dense(VALUES)(h))
def transformer(k):
    ki, vi = keras.Input((k + 1,), dtype="int32"), keras.Input((k + 1,), dtype="int32")
    x = embed(ki, vi, k, True)
    a = keras.layers.MultiHeadAttention(2, D)(x, x, use_causal_mask=True)
    x = keras.layers.LayerNormalization()(x + a)
    f = keras.layers.Dense(D)(keras.layers.Dense(4 * D, activation="relu")(x))
    x = keras.layers.LayerNormalization()(x + f)
    return keras.Model([ki, vi], keras.layers.Dense(VALUES)(x[:, -1]))
def run(build, k):
    keras.utils.set_random_seed(0)
    m = build(k); opt = keras.optimizers.Adam(float(os.environ.get("LR", 3e-3)))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    @tf.function
    def step(a, b, y):
        with tf.GradientTape() as t:
            loss = loss_fn(y, m([a, b], training=True))
        g = t.gradient(loss, m.trainable_weights); opt.apply_gradients(zip(g, m.trainable_weights)); return loss
    t0 = time.time()
    for s in range(STEPS):
        d = recall.pairs(BATCH, k, keys=KEYS, values=VALUES, seed=1000 + s)
        step(d.keys, d.values, d.answers)
    te = recall.pairs(2000, k, keys=KEYS, values=VALUES, seed=1)
    acc = float((np.argmax(m.predict([te.keys, te.values], verbose=0, batch_size=500), -1) == te.answers).mean())
    return acc, time.time() - t0, m.count_params()
for k in [int(x) for x in os.environ.get("KS", "2,4,8,16,32").split(",")]:
    row = []
    for name, build in [(f"lstm{u}", (lambda u: lambda k: lstm(u, k))(u)) for u in map(int, os.environ.get("UNITS", "16,64").split(","))] + ([("tf", transformer)] if os.environ.get("TF", "1") == "1" else []):
        acc, sec, p = run(build, k)
        row.append(f"{name} {acc:.2f} ({sec:.0f}s, {p} params)")
    print(k, " | ".join(row), flush=True)
