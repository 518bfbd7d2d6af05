"""One lever at a time on lesson 04's music model: held-out bits/char after a fixed number of steps.

Lesson 04's model (Embedding 64 -> dropout -> LSTM -> dropout -> Dense) with the knobs issue 23
asks about: the schedule's length, warm-up and peak rate, dropout, "late" dropout (off for the
first steps), locked dropout, recurrent dropout and weight drop, a smaller batch early, batch and
window length, and more training tunes (Aird's Airs and music21's miscFolk besides Ryan's).
Every run is scored on lesson 04's held-out O'Neill tunes, each read from its first character.
Quality only: step time is ``bench/music_time_to_quality.py``'s job.

    .venv/bin/python bench/music_levers.py --steps 1500 --score 750 1500 --carry-state --dropout 0.15
    .venv/bin/python bench/music_levers.py --steps 1500 --score 1500 --carry-state --weight-drop 0.2
    .venv/bin/python bench/music_levers.py --steps 1400 --score 700 1400 --more-data

Prints and returns [(step, training seconds, held-out bits/char), ...]; ``--json`` writes them.
"""

from labkit import files, music, text

import argparse
import itertools
import json
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops

MORE_DATA = ["airdsAirs", "miscFolk"]


class WeightDropCell(keras.layers.LSTMCell):
    """An LSTM cell that reads its recurrent kernel from ``dropped_kernel`` while that is set."""

    dropped_kernel = None  # (units, 4 units), set by WeightDropLSTM for one batch while training

    def call(self, inputs, states, training=False):
        h, c = states  # (batch, units) each
        recurrent = self.recurrent_kernel if self.dropped_kernel is None else self.dropped_kernel
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h, recurrent) + self.bias  # (batch, 4 units)
        i, f, g, o = ops.split(z, 4, axis=1)  # (batch, units) each: input, forget, candidate, output
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        h = ops.sigmoid(o) * ops.tanh(c)
        return h, [h, c]


class WeightDropLSTM(keras.layers.RNN):
    """An LSTM with DropConnect on its recurrent kernel (AWD-LSTM's weight drop): one mask a batch,
    the same at every time step, so the recurrent weights are regularised, not the state."""

    def __init__(self, units, rate, **kwargs):
        super().__init__(WeightDropCell(units), **kwargs)
        self.rate, self.seed_generator = rate, keras.random.SeedGenerator()

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if training:
            self.cell.dropped_kernel = keras.random.dropout(self.cell.recurrent_kernel, self.rate,
                                                            seed=self.seed_generator)  # (units, 4 units)
        try:
            return super().inner_loop(sequences, initial_state, mask, training)
        finally:
            self.cell.dropped_kernel = None


def build(vocab_size, units, dropout, locked=False, recurrent_dropout=0.0, weight_drop=0.0):
    """Lesson 04's model, with the LSTM's state as input and output: (ids, h, c) -> (logits, h, c).
    ``locked``: each row drops the same features at every step (variational dropout) instead of new
    ones each step; ``recurrent_dropout``: Keras' variational dropout on the state the LSTM reads;
    ``weight_drop``: DropConnect on the recurrent kernel (``WeightDropLSTM``)."""
    drop = keras.layers.SpatialDropout1D if locked else keras.layers.Dropout
    ids, h, c = keras.Input((None,), dtype="int32"), keras.Input((units,)), keras.Input((units,))
    vectors = drop(dropout)(keras.layers.Embedding(vocab_size, 64)(ids))  # (batch, time, 64)
    if weight_drop:
        lstm = WeightDropLSTM(units, weight_drop, return_sequences=True, return_state=True)
    else:
        lstm = keras.layers.LSTM(units, recurrent_dropout=recurrent_dropout, return_sequences=True,
                                 return_state=True)
    states, h_out, c_out = lstm(vectors, initial_state=[h, c])  # (batch, time, units), (batch, units) x 2
    logits = keras.layers.Dense(vocab_size)(drop(dropout)(states))  # (batch, time, vocab)
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
    model = build(len(vocab), args.units, args.dropout, args.locked, args.recurrent_dropout, args.weight_drop)
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

    def batches(rows):
        """Yields (x, y, from_zero) per step, x and y (rows, length): consecutive windows (the state
        carried on, from zero at each new epoch) or random windows (each from zero)."""
        if args.carry_state:
            yield from carried_batches(train_tunes, vocab, rows, args.length, args.seed)
            return
        for step in itertools.count(1):
            rng = np.random.default_rng([args.seed, step])  # as before --early-steps: the same windows
            yield *text.next_step_batch(train_ids, args.length, rows, rng), True

    early, rest = batches(args.early_batch), batches(args.batch)
    curve, seconds, phase_seconds = [], 0.0, {"early": 0.0, "rest": 0.0}
    for step in range(1, args.steps + 1):
        phase = "early" if step <= args.early_steps else "rest"
        x, y, from_zero = next(early if phase == "early" else rest)  # (rows, length) each
        if from_zero or step == args.early_steps + 1:
            h = c = np.zeros((len(x), args.units), np.float32)  # (rows, units)
        start = time.perf_counter()
        loss, h, c = (without_dropout if step <= args.late_dropout else with_dropout)(x, y, h, c)
        float(loss)
        phase_seconds[phase] += time.perf_counter() - start
        seconds = sum(phase_seconds.values())
        if step in args.score:
            scorer = lambda ids: model([ids, *[np.zeros((len(ids), args.units), np.float32)] * 2])[0]  # noqa: E731
            bits = text.bits_per_char(scorer, held_ids)
            curve.append((step, round(seconds, 1), bits))
            print(f"step {step:5d}  {seconds:6.0f} s  held-out {bits:.4f} bits/char", flush=True)
    if args.early_steps:
        early = phase_seconds["early"] / args.early_steps
        rest = phase_seconds["rest"] / (args.steps - args.early_steps)
        print(f"seconds per step: {early:.3f} with {args.early_batch} rows, {rest:.3f} with {args.batch}",
              flush=True)
    return curve


def arguments():
    """The script's command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, required=True, help="training steps; the schedule ends here")
    parser.add_argument("--score", type=int, nargs="+", required=True, help="steps at which to score")
    parser.add_argument("--peak", type=float, default=5e-3, help="the rate after warm-up")
    parser.add_argument("--warmup", type=float, default=0.05, help="warm-up, a fraction of the steps")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--locked", action="store_true", help="the same dropout mask at every step of a row")
    parser.add_argument("--recurrent-dropout", type=float, default=0.0, help="Keras' dropout on h")
    parser.add_argument("--weight-drop", type=float, default=0.0, help="DropConnect on the recurrent kernel")
    parser.add_argument("--late-dropout", type=int, default=0, help="steps trained without dropout first")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--early-batch", type=int, default=64, help="rows per batch for --early-steps")
    parser.add_argument("--early-steps", type=int, default=0, help="steps on --early-batch rows first")
    parser.add_argument("--length", type=int, default=100, help="characters per window")
    parser.add_argument("--units", type=int, default=384)
    parser.add_argument("--carry-state", action="store_true",
                        help="consecutive windows, each row's LSTM state carried on (truncated BPTT)")
    parser.add_argument("--more-data", action="store_true", help=f"also train on {', '.join(MORE_DATA)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    return parser


def main():
    args = arguments().parse_args()
    curve = run(args)
    if args.json:
        files.write_text_atomically(args.json, json.dumps({"args": vars(args) | {"json": str(args.json)},
                                                           "curve": curve}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
