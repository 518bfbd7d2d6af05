"""Lesson 02's MyLSTMCell, unrolled under tf.function, vs keras.layers.LSTM.

Both run the same math (batch 32, 100 steps, 256 units, 256 inputs, the same weights), both
inside tf.function, measured in one run and interleaved round by round. The cell, the unroll
and the weight mapping are loaded from the notebook itself.

    .venv/bin/python bench/lstm_cell_vs_keras_lstm.py [--rounds 20]

Issue 3 asks for the forward+backward time ratio; there is no target, the figure is quoted.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from labkit import notebooks  # noqa: E402

import keras  # noqa: E402
import timing  # noqa: E402

BATCH, STEPS, UNITS, INPUT_DIM = 32, 100, 256, 256


def build():
    lesson = notebooks.load_definitions("02_vanishing_gradients_and_lstm",
                                        ["MyLSTMCell", "lstm_unroll", "keras_lstm_weights"])
    cell = lesson["MyLSTMCell"](UNITS, INPUT_DIM)
    lstm_unroll = lesson["lstm_unroll"]
    keras_lstm = keras.layers.LSTM(UNITS, return_sequences=True)
    keras_lstm.build((None, STEPS, INPUT_DIM))
    keras_lstm.set_weights(lesson["keras_lstm_weights"](cell))

    return timing.forward_and_backward(lambda x: lstm_unroll(cell, x)[0], cell.trainable_weights,
                                       keras_lstm, keras_lstm.trainable_weights)


def main():
    timing.main(__doc__, build, input_shape=(BATCH, STEPS, INPUT_DIM), names=("MyLSTMCell", "keras LSTM"))


if __name__ == "__main__":
    main()
