"""Self-checks of the recurrent cells students write and unroll: lessons 01 (RNN) and 02 (LSTM).

The probe gives the student's cell weights drawn by the check (so a cell that ignores its
weights, or starts them at zero, cannot pass) and runs it; the comparison holds every state
against the one :mod:`labkit.answers.recurrent` computes in NumPy from the same weights.
"""

from labkit.checks.core import Parts, define, expect_close, expect_shape
from labkit.probes import recurrent as probes

import numpy as np

# --- lesson 01: the RNN cell and its unroll -------------------------------------------------------

RNN_SLIPS = {  # a slip's name in the answers -> what the student is told
    "untransposed": "W_hh is used untransposed (one row per example: W_hh h is "
                    "ops.matmul(h, ops.transpose(W_hh)))",
    "no_recurrent": "the recurrent term W_hh h is missing",
    "no_input": "the input term W_xh x is missing",
    "no_tanh": "tanh is missing"}


def _rnn_cell_compare(expected, data):
    s = expected["sizes"]
    batch, units, outputs = s["batch"], s["rnn_units"], s["output_dim"]
    expect_shape(data["h_new"], (batch, units), "h_new (batch, rnn_units)")
    expect_shape(data["y"], (batch, outputs), "y (batch, output_dim)")
    slips = {RNN_SLIPS[name]: value for name, value in expected["slips"].items()}
    expect_close(data["h_new"], expected["h_new"], "h_new (use matrix products, not elementwise *, and tanh)",
                 slips=slips)
    expect_close(data["y"], expected["y"], "y (y = W_hy h_new, computed from the *new* state)")


rnn_cell = define("rnn_cell", "MyRNNCell", probes.rnn_cell, _rnn_cell_compare, """\
Lesson 01: ``cell_class(rnn_units, input_dim, output_dim)`` is the lecture's cell,
h_new = tanh(W_hh h + W_xh x), y = W_hy h_new, for a batch.""")


def _rnn_unroll_compare(expected, data):
    s, mask, states, outputs = expected["sizes"], expected["mask"], expected["states"], expected["outputs"]
    batch, steps = s["batch"], s["steps"]
    ys, hs = data["outputs"], data["states"]
    expect_shape(ys, (batch, steps, s["output_dim"]), "outputs (batch, time, output_dim)")
    expect_shape(hs, (batch, steps, s["rnn_units"]), "hidden states (batch, time, rnn_units)")
    part = Parts()
    with part("real steps"):
        expect_close(hs[mask], states[mask], "hidden states at real steps (start from zeros; feed each "
                     "step's state into the next: h_t = cell(x_t, h_{t-1}); if MyRNNCell's check failed, fix "
                     "it first)")
        expect_close(ys[mask], outputs[mask], "outputs at real steps (the y the cell returns at each step)")
    with part("padded steps"):
        expect_close(hs, states, "hidden states at padded steps (where mask is False, carry the previous "
                     "state over unchanged)")
    with part("no mask"):
        expect_shape(data["states_without_mask"], hs.shape, "hidden states with mask=None")
        expect_close(data["states_without_mask"][:, -1], expected["last_state_without_mask"], "the last "
                     "hidden state with mask=None (every step is real)")
    with part("traced"):
        expect_close(data["states_traced"], hs, "hidden states when rnn_unroll runs inside tf.function "
                     "with a bool mask tensor, as the lesson runs it (the same as when run eagerly)")
    part.verdict()


rnn_unroll = define("rnn_unroll", "rnn_unroll", probes.rnn_unroll, _rnn_unroll_compare, """\
Lesson 01: ``unroll(cell, x_seq, mask)`` runs the cell over time from a zero state
and returns ``(outputs, states)``; at a padded step (mask False) the state is kept.""")


# --- lesson 02: the LSTM cell and its unroll ------------------------------------------------------

LSTM_SLIPS = {
    "x_first": "the gates read [x, h]; concatenate [h, x], h first",
    "no_forget_bias": "the forget gate's bias b_f is missing",
    "sigmoid_candidate": "the candidate goes through a sigmoid; it is tanh(W_c [h, x] + b_c)",
    "old_state_dropped": "the old cell state is not kept: c_new = f * c + i * candidate"}


def _lstm_cell_compare(expected, data):
    s = expected["sizes"]
    expect_shape(data["c_new"], (s["batch"], s["units"]), "c_new (batch, units)")
    expect_shape(data["h_new"], (s["batch"], s["units"]), "h_new (batch, units)")
    for gate, start in (("f", 1.0), ("i", 0.0), ("c", 0.0), ("o", 0.0)):  # later cells rely on these
        expect_close(data[f"started_{gate}"], np.full(s["units"], start), f"b_{gate} as the cell starts (b_f "
                     "starts at 1, as in Keras, so the cell starts by remembering; b_i, b_c, b_o at 0)")
    slips = {LSTM_SLIPS[name]: value for name, value in expected["slips"].items()}
    expect_close(data["c_new"], expected["c_new"], "c_new (c_new = f * c + i * tanh(W_c [h, x] + b_c), gates "
                 "are sigmoids of W [h, x] + b with h first)", slips=slips)
    expect_close(data["h_new"], expected["h_new"], "h_new (h_new = o * tanh(c_new))")


lstm_cell = define("lstm_cell", "MyLSTMCell", probes.lstm_cell, _lstm_cell_compare, """\
Lesson 02: ``cell_class(units, input_dim)`` holds ``W_f, W_i, W_c, W_o``
(units, units + input_dim) acting on [h, x] and biases ``b_f, b_i, b_c, b_o`` (units,);
``cell(x, h, c)`` returns ``(h_new, c_new)``.""")


def _lstm_unroll_compare(expected, data):
    s = expected["sizes"]
    expect_shape(data["states"], (s["batch"], s["steps"], s["units"]), "hidden states (batch, time, units)")
    expect_shape(data["c_last"], (s["batch"], s["units"]), "final cell state (batch, units)")
    expect_close(data["states"], expected["states"], "hidden states (start h and c at zeros; each step "
                 "is h, c = cell(x_t, h, c); if MyLSTMCell's check failed, fix the cell first)", atol=1e-4)
    expect_close(data["c_last"], expected["c_last"], "the final cell state (return c after the last step)",
                 atol=1e-4)


lstm_unroll = define("lstm_unroll", "lstm_unroll", probes.lstm_unroll, _lstm_unroll_compare, """\
Lesson 02: ``unroll(cell, x_seq)`` runs the LSTM cell over time from zero states
and returns ``(hidden states (batch, time, units), final cell state (batch, units))``.""")
