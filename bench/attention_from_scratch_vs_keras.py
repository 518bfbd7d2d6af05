"""Lesson 05's from-scratch multi-head self-attention vs keras.layers.MultiHeadAttention.

Both compute the same function (batch 32, T 128, d_model 128, 4 heads, the same weights), both
inside tf.function, measured in one run and interleaved round by round. The layer, the scaled
dot product and the weight mapping are loaded from the notebook itself.

    .venv/bin/python bench/attention_from_scratch_vs_keras.py [--rounds 20]

Issue 6 asks for the forward+backward time ratio; there is no target, the figure is quoted.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from labkit import notebooks  # noqa: E402

import keras  # noqa: E402
import timing  # noqa: E402

BATCH, LENGTH, D_MODEL, HEADS = 32, 128, 128, 4


def build():
    lesson = notebooks.load_definitions("05_attention", [
        "scaled_dot_product_attention", "MultiHeadSelfAttention", "copy_keras_weights"])
    mine = lesson["MultiHeadSelfAttention"](num_heads=HEADS)
    reference = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=D_MODEL // HEADS)
    x = keras.random.normal((BATCH, LENGTH, D_MODEL))
    mine(x), reference(x, x)
    lesson["copy_keras_weights"](mine, reference)
    return timing.forward_and_backward(lambda x: mine(x)[0], mine.trainable_weights,
                                       lambda x: reference(x, x), reference.trainable_weights)


def main():
    timing.main(__doc__, build, input_shape=(BATCH, LENGTH, D_MODEL),
                names=("from scratch", "keras MHA"))


if __name__ == "__main__":
    main()
