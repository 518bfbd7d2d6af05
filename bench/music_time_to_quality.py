"""Time to quality for lesson 04's music model: labkit's recipe vs the MIT lab's, one run.

Both train on the same split (O'Neill's tunes minus every 10th, plus Ryan's collection) and
are scored on the held-out tunes (each read from its start, as generation starts) in bits per
character every ``--every`` seconds of training (scoring time is not counted). The reference
is the MIT 6.S191 music lab's configuration rewritten in Keras 3: Embedding 256, stateful
LSTM 1024, batch 8, sequence 100, Adam 5e-3. Its state is carried from batch to batch and
never reset, so it rarely sees the zero state a tune starts from; it is therefore also scored
the way it trains, reading the held-out tunes as 32 continuous streams with the state carried
across windows, and its target is the better of its two scores.
labkit's recipe is the one lesson 04 defines (loaded from the notebook, not copied).

    .venv/bin/python bench/music_time_to_quality.py --budget 1500
    .venv/bin/python bench/music_time_to_quality.py --budget 300 --only labkit

Prints held-out bits/char against training seconds, the reference's final quality, when
labkit first reached it, and the ratio of the two times.
"""

from labkit import config, music, notebooks, text

import argparse
import json
import math
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

NOTEBOOK = config.NOTEBOOKS_DIR / "04_music_generation.ipynb"
STREAMS = 32


def corpus():
    oneills = music.load_corpus(["oneills1850"])
    train_tunes, held_tunes = music.held_out(oneills)
    train_text = "\n".join(train_tunes + music.load_corpus(["ryansMammoth"]))
    vocab = text.Vocabulary.build(train_text, specials=(text.UNK,))
    return vocab, vocab.encode(train_text), [vocab.encode(tune) for tune in held_tunes]


def reference(vocab_size):
    """The MIT lab's model and step in Keras 3 (stateful LSTM over random windows)."""
    def build(batch_size, stateful):
        return keras.Sequential([
            keras.Input((None,), batch_size=batch_size, dtype="int32"),
            keras.layers.Embedding(vocab_size, 256),
            keras.layers.LSTM(1024, return_sequences=True, stateful=stateful,
                              recurrent_initializer="glorot_uniform"),
            keras.layers.Dense(vocab_size),
        ])

    model, scorer, streamer = build(8, True), build(None, False), build(STREAMS, True)
    optimizer = keras.optimizers.Adam(5e-3)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    def logits_fn(x):
        return scorer(x, training=False)

    def sync():
        scorer.set_weights(model.get_weights())
        streamer.set_weights(model.get_weights())

    def batch_at(step, ids):  # the lab's get_batch: 8 random windows of 100 characters
        return text.next_step_batch(ids, 100, 8, np.random.default_rng([1, step]))

    def stream_bits(held_ids):
        streamer.layers[1].reset_state()
        return streamed_bits_per_char(tf.function(lambda x: streamer(x, training=False)), held_ids)

    return train_step, batch_at, logits_fn, sync, stream_bits


def streamed_bits_per_char(stateful_logits_fn, held_ids, window=100):
    """Bits/char of the held-out tunes joined into STREAMS continuous streams, read in windows
    by a stateful model that carries its state from one window to the next."""
    joined = np.concatenate(held_ids)
    length = (len(joined) - 1) // STREAMS
    streams = joined[: STREAMS * length + 1]
    x = streams[:-1].reshape(STREAMS, length)  # (STREAMS, length)
    y = streams[1:].reshape(STREAMS, length)
    nats = 0.0
    for start in range(0, length, window):
        logits = stateful_logits_fn(x[:, start : start + window])  # (STREAMS, window, vocab)
        nats += float(tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(
            y[:, start : start + window], logits, from_logits=True)))
    return nats / (STREAMS * length) / math.log(2)


def labkit_recipe(vocab_size):
    """Lesson 04's own model, optimizer, step and batches."""
    lesson = notebooks.load_definitions(NOTEBOOK, [
        "SEED", "BATCH", "LENGTH", "UNITS", "EMBEDDING", "DROPOUT", "LEARNING_RATE", "SCHEDULE_STEPS",
        "build_model", "compute_loss", "make_optimizer", "make_train_step", "batch_at"])
    model = lesson["build_model"](vocab_size)
    optimizer = lesson["make_optimizer"]()
    train_step = tf.function(lesson["make_train_step"](model, optimizer))
    score = tf.function(lambda x: model(x, training=False))
    return train_step, lambda step, ids: lesson["batch_at"](ids, step), score, lambda: None, None


def race(name, parts, train_ids, held_ids, budget, every):
    """Train for ``budget`` seconds; returns [(seconds, step, held-out bits/char, streamed), ...]
    (streamed is None for a contender scored per tune only)."""
    keras.utils.set_random_seed(0)
    train_step, batch_at, logits_fn, sync, stream_bits = parts
    curve, trained, step, next_score = [], 0.0, 0, every
    while trained < budget:
        x, y = batch_at(step + 1, train_ids)
        start = time.perf_counter()
        float(train_step(x, y))
        trained += time.perf_counter() - start
        step += 1
        if trained >= next_score or trained >= budget:
            sync()
            streamed = stream_bits(held_ids) if stream_bits else None
            curve.append((round(trained, 1), step, text.bits_per_char(logits_fn, held_ids), streamed))
            print(f"{name:9} {trained:7.0f} s  step {step:6d}  held-out {curve[-1][2]:.3f} bits/char"
                  + (f" (as streams {streamed:.3f})" if streamed else ""), flush=True)
            next_score += every
    return curve


def seeded(build, vocab_size):
    """A contender built right after seeding, so its initial weights are the same on every run."""
    keras.utils.set_random_seed(0)
    return build(vocab_size)


def first_time_at(curve, quality):
    return next((seconds for seconds, _, bits, *_ in curve if bits <= quality), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=float, default=1500, help="training seconds per model")
    parser.add_argument("--every", type=float, default=30, help="score the held-out tunes this often")
    parser.add_argument("--only", choices=["labkit", "reference"], help="run one contender")
    parser.add_argument("--json", type=Path, help="write both curves here")
    args = parser.parse_args()
    vocab, train_ids, held_ids = corpus()
    print(f"train {len(train_ids):,} chars, held-out {sum(map(len, held_ids)):,}, vocabulary {len(vocab)}; "
          f"budget {args.budget:.0f} s each")
    contenders = {"reference": reference, "labkit": labkit_recipe}
    curves = {name: race(name, seeded(build, len(vocab)), train_ids, held_ids, args.budget, args.every)
              for name, build in contenders.items() if args.only in (None, name)}
    if args.json:
        args.json.write_text(json.dumps(curves, indent=1))
    if len(curves) == 2:
        seconds, _, per_tune, streamed = curves["reference"][-1]
        target = min(per_tune, streamed)
        reached = first_time_at(curves["labkit"], target)
        print(f"reference after {seconds:.0f} s: {per_tune:.3f} bits/char per tune, "
              f"{streamed:.3f} as streams; target {target:.3f}")
        print(f"labkit reached it after {reached} s" if reached else "labkit did not reach it")
        if reached:
            print(f"time ratio labkit/reference: {reached / curves['reference'][-1][0]:.3f} (target <= 0.1)")
        print(f"labkit after {curves['labkit'][-1][0]:.0f} s: {curves['labkit'][-1][2]:.3f} bits/char "
              f"(target <= 1.35)")
    return 0 if all(math.isfinite(c[-1][2]) for c in curves.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
