"""Probes of the recurrent cells students write and unroll: lessons 01 (RNN) and 02 (LSTM).

Each gives the student's cell the weights the check drew (so a cell that ignores its weights,
or starts them at zero, cannot pass) and runs it on the check's sequences.
"""

from labkit.probes.base import CheckFailed, as_pair, set_weight

import contextlib

import numpy as np

_RNN_SHAPES = {"W_xh": "(rnn_units, input_dim)", "W_hh": "(rnn_units, rnn_units)",
               "W_hy": "(output_dim, rnn_units)"}


def _rnn_cell(cell_class, s, w):
    cell = cell_class(s["rnn_units"], s["input_dim"], s["output_dim"])
    for name, hint in _RNN_SHAPES.items():
        set_weight(cell, name, w[name], hint)
    return cell


def rnn_cell(given, cell_class):
    s, w, x, h, _ = given
    y, h_new = as_pair(_rnn_cell(cell_class, s, w)(x[:, 0], h), "call(x, h) must return a pair (y, h_new)")
    return {"y": y, "h_new": h_new}


def rnn_unroll(given, unroll, cell_class):
    """The lesson hands ``unroll`` tensors (a bool mask) and traces it with tf.function: so does this."""
    import tensorflow as tf

    s, w, x, _, mask = given
    cell, pair = _rnn_cell(cell_class, s, w), "rnn_unroll must return a pair (outputs, hidden states)"
    x, mask = tf.constant(x), tf.constant(mask)  # (batch, time, input_dim), (batch, time) bool
    unmasked = as_pair(unroll(cell, x), pair)[1]
    with _bool_mask_hint():
        ys, hs = as_pair(unroll(cell, x, mask), pair)
        traced = as_pair(tf.function(lambda x, mask: unroll(cell, x, mask))(x, mask), pair)[1]
    return {"outputs": ys, "states": hs, "states_without_mask": unmasked, "states_traced": traced}


@contextlib.contextmanager
def _bool_mask_hint():
    """An error about bools, raised where the mask is used, gets the fix; any other error goes on as it is."""
    try:
        yield
    except (TypeError, ValueError) as error:
        if "bool" not in str(error):
            raise
        first_line = str(error).splitlines()[0][:120]
        raise CheckFailed(f"rnn_unroll with a mask raised {type(error).__name__} ({first_line}): the mask "
                          "is a bool tensor, as in the lesson; make it 0/1 in the state's dtype, "
                          "ops.cast(mask[:, t, None], h.dtype), before multiplying") from error


def _lstm_cell(cell_class, s, w, started=None):
    """The student's cell with the check's weights; ``started`` gets the biases it started with."""
    cell = cell_class(s["units"], s["input_dim"])
    if started is not None:
        started.update({f"started_{g}": np.array(getattr(cell, f"b_{g}"), dtype=float) for g in "fico"
                        if hasattr(cell, f"b_{g}")})
    for name, value in w.items():
        set_weight(cell, name, value, "(units, units + input_dim)" if name[0] == "W" else "(units,)")
    return cell


def lstm_cell(given, cell_class):
    s, w, x, h, c = given
    started = {}
    h_new, c_new = as_pair(_lstm_cell(cell_class, s, w, started)(x[:, 0], h, c), "call(x, h, c) must return "
                           "a pair (h_new, c_new)")
    return {"h_new": h_new, "c_new": c_new, **started}


def lstm_unroll(given, unroll, cell_class):
    s, w, x, _, _ = given
    hs, c_last = as_pair(unroll(_lstm_cell(cell_class, s, w), x), "lstm_unroll must return a pair (hidden "
                         "states, final cell state)")
    return {"states": hs, "c_last": c_last}
