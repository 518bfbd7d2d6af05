"""Student self-checks: ``[PASS] name`` or ``[FAIL] name: what is wrong and how to fix it``.

A check never shows a raw traceback. It compares with invariants and references (shapes,
NumPy re-computations, Keras' own layers, ``tf.GradientTape``), never with floats saved from
an earlier run. One module per kind of exercise; every check is importable from
``labkit.checks``:

- ``core``: :func:`check`, :func:`expect`, :func:`expect_shape`, :func:`expect_close`.
- ``recurrent``: :func:`rnn_cell`, :func:`rnn_unroll` (lesson 01), :func:`lstm_cell`,
  :func:`lstm_unroll` (lesson 02).
- ``training``: :func:`sequence_loss` (lesson 01), :func:`input_gradients` (lesson 02),
  :func:`next_char_loss`, :func:`train_step` (lesson 04).
- ``classifiers``: lesson 03's :func:`tweet_standardize`, :func:`sentiment_classifier`,
  :func:`average_ensemble`.
- ``sampling``: lesson 04's :func:`sample_step`.
- ``attention``: lesson 05's attention layers, positional encoding and Transformer block.
"""

from labkit.checks.attention import (
    luong_attention,
    multi_head_self_attention,
    positional_encoding,
    scaled_dot_product_attention,
    transformer_block,
)
from labkit.checks.classifiers import average_ensemble, sentiment_classifier, tweet_standardize
from labkit.checks.core import CheckFailed, CheckResult, check, expect, expect_close, expect_shape
from labkit.checks.recurrent import LSTM_GATES, lstm_cell, lstm_unroll, rnn_cell, rnn_unroll
from labkit.checks.sampling import sample_step
from labkit.checks.training import input_gradients, next_char_loss, sequence_loss, train_step

__all__ = ["CheckFailed", "CheckResult", "LSTM_GATES", "check", "average_ensemble", "expect", "expect_close",
           "expect_shape", "input_gradients", "lstm_cell", "lstm_unroll", "luong_attention",
           "multi_head_self_attention", "next_char_loss", "positional_encoding", "rnn_cell", "rnn_unroll",
           "sample_step", "scaled_dot_product_attention", "sentiment_classifier", "sequence_loss",
           "train_step", "transformer_block", "tweet_standardize"]
