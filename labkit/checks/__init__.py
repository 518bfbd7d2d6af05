"""Student self-checks: ``[PASS] name`` or ``[FAIL] name: what is wrong and how to fix it``.

A check never shows a raw traceback. Each exercise's check is inputs and expected values (drawn
from a seed by :mod:`labkit.answers`, or stored in a student release: :mod:`labkit.checks.tables`),
a probe (:mod:`labkit.probes`: runs the student's code on the inputs, returns plain arrays) and a
comparison here, which holds no reference, only the comparisons and their hints; see
:mod:`labkit.checks.core`. In a lesson all run in the kernel; when grading, only the probe does,
and this package is outside the kernel's view (:mod:`labkit.grading`). Every check is importable
from ``labkit.checks``:

- ``core``: :func:`check`, :func:`expect`, :func:`expect_shape`, :func:`expect_close`, :class:`Spec`.
- ``recurrent``: ``rnn_cell``, ``rnn_unroll`` (lesson 01), ``lstm_cell``, ``lstm_unroll`` (lesson 02).
- ``training``: ``sequence_loss`` (lesson 01), ``input_gradients`` (lesson 02), ``next_char_loss``,
  ``train_step`` (lesson 04).
- ``classifiers``: lesson 03's ``tweet_standardize``, ``sentiment_classifier``, ``average_ensemble``.
- ``sampling``: lesson 04's ``sample_step``.
- ``attention``, ``transformer``: lesson 05's attention layers, positional encoding and Transformer block.
- ``forecasting``: lesson 06's ``make_windows``, ``sequence_mse``, ``linear_ar``, ``rollout``.
- ``decoder``: lesson 07's ``causal_mask``, ``cached_attention``, ``decoder_block``.
- ``captioning``: lesson 08's ``image_to_state``, ``greedy_captions``, ``beam_search``, ``column_attention``.
- ``tables``: where inputs and expected values come from; ``probe``: the grader's side of a probe.
"""

from labkit.checks.attention import luong_attention, positional_encoding, scaled_dot_product_attention
from labkit.checks.captioning import beam_search, column_attention, greedy_captions, image_to_state
from labkit.checks.classifiers import average_ensemble, sentiment_classifier, tweet_standardize
from labkit.checks.core import (
    REGISTRY,
    Check,
    CheckFailed,
    CheckResult,
    Spec,
    check,
    expect,
    expect_close,
    expect_shape,
)
from labkit.checks.decoder import cached_attention, causal_mask, decoder_block
from labkit.checks.forecasting import linear_ar, make_windows, rollout, sequence_mse
from labkit.checks.recurrent import lstm_cell, lstm_unroll, rnn_cell, rnn_unroll
from labkit.checks.sampling import sample_step
from labkit.checks.training import input_gradients, next_char_loss, sequence_loss, train_step
from labkit.checks.transformer import multi_head_self_attention, transformer_block

__all__ = ["Check", "CheckFailed", "CheckResult", "REGISTRY", "Spec", "average_ensemble",
           "beam_search", "cached_attention", "causal_mask", "check", "column_attention", "decoder_block",
           "expect", "expect_close", "expect_shape", "greedy_captions", "image_to_state", "input_gradients",
           "linear_ar", "lstm_cell", "lstm_unroll", "luong_attention", "make_windows",
           "multi_head_self_attention", "next_char_loss", "positional_encoding", "rnn_cell", "rnn_unroll",
           "rollout", "sample_step", "scaled_dot_product_attention", "sentiment_classifier", "sequence_loss",
           "sequence_mse", "train_step", "transformer_block", "tweet_standardize"]
