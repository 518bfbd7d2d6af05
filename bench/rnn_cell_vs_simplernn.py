"""Lesson 01's MyRNNCell, unrolled under tf.function, vs keras.layers.SimpleRNN.

Both run the same math (no bias, tanh, batch 32, 100 steps, 128 units, 128 inputs), both
inside tf.function, measured in one run and interleaved round by round so background load
hits both alike. The cell and the unroll are loaded from the notebook itself.

    .venv/bin/python bench/rnn_cell_vs_simplernn.py [--rounds 20]

Target (issue 2): forward and forward+backward time ratio <= 2x.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from labkit import notebooks  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import timing  # noqa: E402

BATCH, STEPS, UNITS, INPUT_DIM = 32, 100, 128, 128
TARGET_RATIO = 2.0


def build():
    lesson = notebooks.load_definitions("01_rnn_from_scratch", ["MyRNNCell", "rnn_unroll"])
    cell = lesson["MyRNNCell"](UNITS, INPUT_DIM, UNITS)
    rnn_unroll = lesson["rnn_unroll"]
    keras_rnn = keras.layers.SimpleRNN(UNITS, use_bias=False, return_sequences=True)
    keras_rnn.build((None, STEPS, INPUT_DIM))
    keras_rnn.set_weights([np.asarray(cell.W_xh).T, np.asarray(cell.W_hh).T])

    # Hidden states only: SimpleRNN has no output projection, so W_hy is left out on both sides.
    return timing.forward_and_backward(lambda x: rnn_unroll(cell, x)[1], [cell.W_xh, cell.W_hh],
                                       keras_rnn, keras_rnn.trainable_weights)


def main():
    timing.main(__doc__, build, input_shape=(BATCH, STEPS, INPUT_DIM), names=("MyRNNCell", "SimpleRNN"),
                target=TARGET_RATIO)


if __name__ == "__main__":
    main()
