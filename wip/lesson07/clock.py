"""Prototype: lesson 04's LSTM vs a small decoder-only Transformer, same data, same wall clock (2 cores)."""
import os, sys, time
sys.argv = ["x"]
from labkit import music, notebooks, text
import numpy as np, keras, tensorflow as tf
from keras import ops
sys.path.insert(0, "/tmp/proto")
os.environ.setdefault("SECONDS", "0")
BUDGET, EVERY = float(os.environ.get("BUDGET", 150)), float(os.environ.get("EVERY", 30))
import importlib.util
spec = importlib.util.spec_from_file_location("gpt", "/tmp/proto/gpt.py")
src = open("/tmp/proto/gpt.py").read().split("m = GPT(); m(ids[None, :16])")[0]  # definitions and corpus only
ns = {}; exec(compile(src, "gpt_defs", "exec"), ns)
ids, held_seqs, V = ns["ids"], ns["held_seqs"], ns["V"]
held = [s[:int(os.environ.get("SCORE", 257))] for s in held_seqs][:80]  # a fixed subset, first 257 characters of each tune
lesson = notebooks.load_definitions("04_music_generation", ["build_model", "compute_loss", "UNITS", "EMBEDDING", "DROPOUT"])
def run(name, model, length, batch, lr):
    opt = keras.optimizers.Adam(lr, clipnorm=1.0)
    @tf.function
    def step(x, y):
        with tf.GradientTape() as t:
            loss = ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x, training=True), from_logits=True))
        g = t.gradient(loss, model.trainable_weights); opt.apply_gradients(zip(g, model.trainable_weights)); return loss
    trained, s, next_score, curve = 0.0, 0, EVERY, []
    while trained < BUDGET:
        s += 1
        x, y = text.next_step_batch(ids, length, batch, np.random.default_rng([1, s]))
        t0 = time.perf_counter(); step(x, y); trained += time.perf_counter() - t0
        if trained >= next_score:
            bits = text.bits_per_char(lambda z: model(z, training=False), held)
            curve.append((round(trained), s, round(bits, 3))); next_score += EVERY
            print(name, curve[-1], flush=True)
    return curve
keras.utils.set_random_seed(0)
lstm = lesson["build_model"](V)
print("lstm params", lstm.count_params())
run("lstm", lstm, 100, 128, 5e-3)
keras.utils.set_random_seed(0)
ns["CONTEXT"] = 512
gpt = ns["GPT"](); gpt(ids[None, :16]); print("gpt params", gpt.count_params())
run("gpt", gpt, int(os.environ.get("LEN", 128)), int(os.environ.get("GBATCH", 64)), 2e-3)
