"""Student self-checks: ``[PASS] name`` or ``[FAIL] name: what is wrong and how to fix it``.

A check never shows a raw traceback. It compares with invariants and references (shapes,
NumPy re-computations, Keras' own layers), never with floats saved from an earlier run.
One module per kind of exercise; every check is importable from ``labkit.checks``:

- ``core``: :func:`check`, :func:`expect`, :func:`expect_shape`, :func:`expect_close`.
- ``recurrent``: :func:`rnn_cell` (lesson 01), :func:`lstm_cell` (lesson 02).
- ``attention``: lesson 05's attention layers, positional encoding and Transformer block.
"""

from labkit.checks.attention import (
    luong_attention,
    multi_head_self_attention,
    positional_encoding,
    scaled_dot_product_attention,
    transformer_block,
)
from labkit.checks.core import CheckFailed, CheckResult, check, expect, expect_close, expect_shape
from labkit.checks.recurrent import LSTM_GATES, lstm_cell, rnn_cell

__all__ = ["CheckFailed", "CheckResult", "LSTM_GATES", "check", "expect", "expect_close", "expect_shape",
           "lstm_cell", "luong_attention", "multi_head_self_attention", "positional_encoding", "rnn_cell",
           "scaled_dot_product_attention", "transformer_block"]
