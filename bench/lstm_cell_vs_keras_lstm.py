"""Lesson 02's MyLSTMCell, unrolled under tf.function, vs keras.layers.LSTM.

Both run the same math (batch 32, 100 steps, 256 units, 256 inputs, the same weights), both
inside tf.function, measured in one run and interleaved round by round. The cell, the unroll
and the weight mapping are loaded from the notebook itself.

    .venv/bin/python bench/lstm_cell_vs_keras_lstm.py [--rounds 20]

Issue 3 asks for the forward+backward time ratio; there is no target, the figure is quoted.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from timing import compare  # noqa: E402

from labkit import config, notebooks  # noqa: E402

BATCH, STEPS, UNITS, INPUT_DIM = 32, 100, 256, 256


def build():
    lesson = notebooks.load_definitions("02_vanishing_gradients_and_lstm",
                                        ["MyLSTMCell", "lstm_unroll", "keras_lstm_weights"])
    cell = lesson["MyLSTMCell"](UNITS, INPUT_DIM)
    lstm_unroll = lesson["lstm_unroll"]
    keras_lstm = keras.layers.LSTM(UNITS, return_sequences=True)
    keras_lstm.build((None, STEPS, INPUT_DIM))
    keras_lstm.set_weights(lesson["keras_lstm_weights"](cell))

    @tf.function
    def mine_forward(x):
        return lstm_unroll(cell, x)[0]  # (batch, time, units)

    @tf.function
    def keras_forward(x):
        return keras_lstm(x)  # (batch, time, units)

    @tf.function
    def mine_backward(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(lstm_unroll(cell, x)[0])
        return tape.gradient(loss, cell.trainable_weights)

    @tf.function
    def keras_backward(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(keras_lstm(x))
        return tape.gradient(loss, keras_lstm.trainable_weights)

    return {"forward": (mine_forward, keras_forward), "forward+backward": (mine_backward, keras_backward)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed calls per contender (median)")
    args = parser.parse_args()
    config.seed_everything(0)
    x = tf.random.normal((BATCH, STEPS, INPUT_DIM))
    print(f"batch {BATCH}, {STEPS} steps, {UNITS} units; median of {args.rounds} interleaved calls")
    compare(build(), x, rounds=args.rounds, names=("MyLSTMCell", "keras LSTM"), target=None)


if __name__ == "__main__":
    main()
