"""One lever at a time on lesson 04's music model: held-out bits/char after a fixed number of steps.

Lesson 04's model (Embedding 64 -> dropout -> LSTM -> dropout -> Dense) with the knobs issue 23
asks about: the schedule's length, warm-up and peak rate, dropout and "late" dropout (off for the
first steps), batch and window length, and more training tunes (Aird's Airs and music21's
miscFolk besides Ryan's). Every run is scored on lesson 04's held-out O'Neill tunes, each read
from its first character. Quality only: step time is ``bench/music_time_to_quality.py``'s job.

    .venv/bin/python bench/music_levers.py --steps 1400 --score 700 1400                 # the lesson's recipe
    .venv/bin/python bench/music_levers.py --steps 1400 --score 700 1400 --more-data
    .venv/bin/python bench/music_levers.py --steps 700 --score 700 --dropout 0.1

Prints and returns [(step, training seconds, held-out bits/char), ...]; ``--json`` writes them.
"""

from labkit import files, music, text

import argparse
import json
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

MORE_DATA = ["airdsAirs", "miscFolk"]


def build(vocab_size, units, dropout):
    return keras.Sequential([
        keras.Input((None,), dtype="int32"),  # (batch, time)
        keras.layers.Embedding(vocab_size, 64),  # (batch, time, 64)
        keras.layers.Dropout(dropout),
        keras.layers.LSTM(units, return_sequences=True),  # (batch, time, units)
        keras.layers.Dropout(dropout),
        keras.layers.Dense(vocab_size),  # (batch, time, vocab) logits
    ])


def run(args):
    train_tunes, held_tunes = music.held_out(music.load_corpus(["oneills1850"]))
    train_tunes += music.load_corpus(["ryansMammoth"] + (MORE_DATA if args.more_data else []))
    vocab = text.Vocabulary.build("\n".join(train_tunes), specials=(text.UNK,))
    train_ids, held_ids = vocab.encode("\n".join(train_tunes)), [vocab.encode(t) for t in held_tunes]
    print(f"{len(train_ids):,} training characters, vocabulary {len(vocab)}", flush=True)
    keras.utils.set_random_seed(args.seed)
    model = build(len(vocab), args.units, args.dropout)
    warmup = round(args.warmup * args.steps)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0 if warmup else args.peak, args.steps - warmup, alpha=0.05,
        warmup_target=args.peak if warmup else None, warmup_steps=warmup)
    optimizer = keras.optimizers.Adam(schedule, clipnorm=1.0)

    def make_step(dropout_on):
        @tf.function
        def step(x, y):  # x, y: (batch, time)
            with tf.GradientTape() as tape:
                logits = model(x, training=dropout_on)  # (batch, time, vocab)
                per_step = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
                loss = tf.reduce_mean(per_step)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss
        return step

    without_dropout, with_dropout = make_step(False), make_step(True)
    curve, seconds = [], 0.0
    for step in range(1, args.steps + 1):
        rng = np.random.default_rng([args.seed, step])
        x, y = text.next_step_batch(train_ids, args.length, args.batch, rng)  # (batch, length) each
        start = time.perf_counter()
        float((without_dropout if step <= args.late_dropout else with_dropout)(x, y))
        seconds += time.perf_counter() - start
        if step in args.score:
            bits = text.bits_per_char(lambda ids: model(ids, training=False), held_ids)
            curve.append((step, round(seconds, 1), bits))
            print(f"step {step:5d}  {seconds:6.0f} s  held-out {bits:.4f} bits/char", flush=True)
    return curve


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, required=True, help="training steps; the schedule ends here")
    parser.add_argument("--score", type=int, nargs="+", required=True, help="steps at which to score")
    parser.add_argument("--peak", type=float, default=5e-3, help="the rate after warm-up")
    parser.add_argument("--warmup", type=float, default=0.05, help="warm-up, a fraction of the steps")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--late-dropout", type=int, default=0, help="steps trained without dropout first")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--length", type=int, default=100, help="characters per window")
    parser.add_argument("--units", type=int, default=384)
    parser.add_argument("--more-data", action="store_true", help=f"also train on {', '.join(MORE_DATA)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    curve = run(args)
    if args.json:
        files.write_text_atomically(args.json, json.dumps({"args": vars(args) | {"json": str(args.json)},
                                                           "curve": curve}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
