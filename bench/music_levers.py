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
    """Lesson 04's model, with the LSTM's state as input and output: (ids, h, c) -> (logits, h, c)."""
    ids, h, c = keras.Input((None,), dtype="int32"), keras.Input((units,)), keras.Input((units,))
    vectors = keras.layers.Dropout(dropout)(keras.layers.Embedding(vocab_size, 64)(ids))  # (batch, time, 64)
    states, h_out, c_out = keras.layers.LSTM(units, return_sequences=True, return_state=True)(
        vectors, initial_state=[h, c])  # (batch, time, units), (batch, units) x 2
    logits = keras.layers.Dense(vocab_size)(keras.layers.Dropout(dropout)(states))  # (batch, time, vocab)
    return keras.Model([ids, h, c], [logits, h_out, c_out])


def carried_batches(tunes, vocab, batch, length, seed):
    """Truncated backpropagation through time: each epoch joins the tunes in a new order, cuts the
    stream into ``batch`` rows and yields consecutive windows of each row, so a row's LSTM state can
    carry on from its previous window. Yields (x, y, new_epoch), x and y (batch, length)."""
    for epoch in range(10**9):
        order = np.random.default_rng([seed, epoch]).permutation(len(tunes))
        ids = vocab.encode("\n".join(tunes[i] for i in order))
        per_row = (len(ids) - 1) // batch
        x = ids[: batch * per_row].reshape(batch, per_row)  # (batch, per_row)
        y = ids[1 : batch * per_row + 1].reshape(batch, per_row)
        for start in range(0, per_row - length + 1, length):
            yield x[:, start:start + length], y[:, start:start + length], start == 0


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
        def step(x, y, h, c):  # x, y: (batch, time); h, c: (batch, units)
            with tf.GradientTape() as tape:
                logits, h, c = model([x, h, c], training=dropout_on)  # (batch, time, vocab)
                per_step = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
                loss = tf.reduce_mean(per_step)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss, h, c
        return step

    without_dropout, with_dropout = make_step(False), make_step(True)
    zeros = np.zeros((args.batch, args.units), np.float32)
    carried = carried_batches(train_tunes, vocab, args.batch, args.length, args.seed)
    curve, seconds, h, c = [], 0.0, zeros, zeros
    for step in range(1, args.steps + 1):
        if args.carry_state:
            x, y, new_epoch = next(carried)  # (batch, length) each
            h, c = (zeros, zeros) if new_epoch else (h, c)
        else:
            rng = np.random.default_rng([args.seed, step])
            x, y = text.next_step_batch(train_ids, args.length, args.batch, rng)  # (batch, length) each
            h, c = zeros, zeros
        start = time.perf_counter()
        loss, h, c = (without_dropout if step <= args.late_dropout else with_dropout)(x, y, h, c)
        float(loss)
        seconds += time.perf_counter() - start
        if step in args.score:
            scorer = lambda ids: model([ids, *[np.zeros((len(ids), args.units), np.float32)] * 2])[0]  # noqa: E731
            bits = text.bits_per_char(scorer, held_ids)
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
    parser.add_argument("--carry-state", action="store_true",
                        help="consecutive windows, each row's LSTM state carried on (truncated BPTT)")
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
