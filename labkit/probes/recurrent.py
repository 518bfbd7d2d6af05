"""Probes of the recurrent cells students write and unroll: lessons 01 (RNN) and 02 (LSTM).

Each gives the student's cell the weights the check drew (so a cell that ignores its weights,
or starts them at zero, cannot pass) and runs it on the check's sequences.
"""

from labkit.probes.base import as_pair, set_weight

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
    s, w, x, _, mask = given
    cell = _rnn_cell(cell_class, s, w)
    ys, hs = as_pair(unroll(cell, x, mask), "rnn_unroll must return a pair (outputs, hidden states)")
    unmasked = as_pair(unroll(cell, x), "rnn_unroll must return a pair (outputs, hidden states)")[1]
    return {"outputs": ys, "states": hs, "states_without_mask": unmasked}


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
