"""Self-checks of the recurrent cells students write and unroll: lessons 01 (RNN) and 02 (LSTM).

The probe gives the student's cell weights drawn by the check (so a cell that ignores its
weights, or starts them at zero, cannot pass) and runs it; the judge re-computes every state
in NumPy from the same weights.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, define, expect_close, expect_shape
from labkit.checks.reference import LSTM_GATES
from labkit.probes import recurrent as probes

import numpy as np


def _normal(rng, *shape, scale=0.5):
    return rng.normal(scale=scale, size=shape).astype("float32")


def _step_mask(rng, batch, steps):
    """(batch, time) True on the real steps of sequences of different lengths."""
    lengths = rng.integers(1, steps + 1, size=batch)
    lengths[:2] = steps, 1  # a full sequence and a one-step one
    return np.arange(steps)[None, :] < lengths[:, None]


# --- lesson 01: the RNN cell and its unroll -------------------------------------------------------


def _rnn_inputs(spec):
    """Sizes, weights {W_xh, W_hh, W_hy}, sequences x (batch, time, input), a state h (batch,
    units) and a step mask (batch, time)."""
    rng, s = spec.draw(rnn_units=(4, range(5, 9)), input_dim=(3, range(4, 7)), output_dim=(2, range(3, 6)),
                       batch=(5, range(6, 10)), steps=(6, range(7, 11)))
    u, i, o = s["rnn_units"], s["input_dim"], s["output_dim"]
    w = {"W_xh": _normal(rng, u, i), "W_hh": _normal(rng, u, u), "W_hy": _normal(rng, o, u)}
    x = _normal(rng, s["batch"], s["steps"], i, scale=1.0)  # (batch, time, input_dim)
    h = _normal(rng, s["batch"], u, scale=1.0)  # (batch, rnn_units)
    return s, w, x, h, _step_mask(rng, s["batch"], s["steps"])


def _rnn_cell_judge(spec, data):
    s, w, x, h, _ = _rnn_inputs(spec)
    batch, units, outputs = s["batch"], s["rnn_units"], s["output_dim"]
    expect_shape(data["h_new"], (batch, units), "h_new (batch, rnn_units)")
    expect_shape(data["y"], (batch, outputs), "y (batch, output_dim)")
    x0, h = x[:, 0].astype(float), h.astype(float)
    y_ref, h_ref = reference.rnn_step(w, x0, h)
    recurrent, given = h @ w["W_hh"].T, x0 @ w["W_xh"].T  # (batch, rnn_units) each
    expect_close(data["h_new"], h_ref, "h_new (use matrix products, not elementwise *, and tanh)", slips={
        "W_hh is used untransposed (one row per example: W_hh h is ops.matmul(h, ops.transpose(W_hh)))":
            np.tanh(h @ w["W_hh"] + given),
        "the recurrent term W_hh h is missing": np.tanh(given),
        "the input term W_xh x is missing": np.tanh(recurrent),
        "tanh is missing": recurrent + given})
    expect_close(data["y"], h_ref @ w["W_hy"].T, "y (y = W_hy h_new, computed from the *new* state)")


rnn_cell = define("rnn_cell", "MyRNNCell", _rnn_inputs, probes.rnn_cell, _rnn_cell_judge, """\
Lesson 01: ``cell_class(rnn_units, input_dim, output_dim)`` is the lecture's cell,
h_new = tanh(W_hh h + W_xh x), y = W_hy h_new, for a batch.""")


def _rnn_unroll_judge(spec, data):
    s, w, x, _, mask = _rnn_inputs(spec)
    batch, steps = s["batch"], s["steps"]
    h = unmasked = np.zeros((batch, s["rnn_units"]))
    states, outputs = [], []
    for t in range(steps):
        y, h_new = reference.rnn_step(w, x[:, t].astype(float), h)
        outputs.append(y)
        h = np.where(mask[:, t, None], h_new, h)  # padded steps keep the state
        states.append(h)
        unmasked = reference.rnn_step(w, x[:, t].astype(float), unmasked)[1]
    outputs, states = np.stack(outputs, axis=1), np.stack(states, axis=1)  # (batch, time, ...)
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
        expect_close(data["states_without_mask"][:, -1], unmasked, "the last hidden state with mask=None "
                     "(every step is real)")
    with part("traced"):
        expect_close(data["states_traced"], hs, "hidden states when rnn_unroll runs inside tf.function "
                     "with a bool mask tensor, as the lesson runs it (the same as when run eagerly)")
    part.verdict()


rnn_unroll = define("rnn_unroll", "rnn_unroll", _rnn_inputs, probes.rnn_unroll, _rnn_unroll_judge, """\
Lesson 01: ``unroll(cell, x_seq, mask)`` runs the cell over time from a zero state
and returns ``(outputs, states)``; at a padded step (mask False) the state is kept.""")


# --- lesson 02: the LSTM cell and its unroll ------------------------------------------------------

def _lstm_inputs(spec):
    """Sizes, weights {W_g (units, units + input), b_g (units,)} for each gate g, sequences x
    (batch, time, input) and states h, c (batch, units)."""
    rng, s = spec.draw(units=(4, range(5, 9)), input_dim=(3, range(4, 7)), batch=(5, range(6, 10)),
                       steps=(7, range(8, 12)))
    u, i = s["units"], s["input_dim"]
    w = {f"{p}_{g}": _normal(rng, *((u, u + i) if p == "W" else (u,))) for p in "Wb" for g in LSTM_GATES}
    x = _normal(rng, s["batch"], s["steps"], i, scale=1.0)  # (batch, time, input_dim)
    h, c = _normal(rng, s["batch"], u, scale=1.0), _normal(rng, s["batch"], u, scale=1.0)  # (batch, units)
    return s, w, x, h, c


def _lstm_cell_judge(spec, data):
    s, w, x, h, c = _lstm_inputs(spec)
    expect_shape(data["c_new"], (s["batch"], s["units"]), "c_new (batch, units)")
    expect_shape(data["h_new"], (s["batch"], s["units"]), "h_new (batch, units)")
    for gate, start in (("f", 1.0), ("i", 0.0), ("c", 0.0), ("o", 0.0)):  # later cells rely on these
        expect_close(data[f"started_{gate}"], np.full(s["units"], start), f"b_{gate} as the cell starts (b_f "
                     "starts at 1, as in Keras, so the cell starts by remembering; b_i, b_c, b_o at 0)")
    x0, h, c = x[:, 0].astype(float), h.astype(float), c.astype(float)
    h_ref, c_ref = reference.lstm_step(w, x0, h, c)
    gate = {g: np.concatenate([h, x0], axis=1) @ w[f"W_{g}"].T + w[f"b_{g}"] for g in "fic"}  # (batch, units)
    x_first = {g: np.concatenate([x0, h], axis=1) @ w[f"W_{g}"].T + w[f"b_{g}"] for g in "fic"}
    f, i = reference.sigmoid(gate["f"]), reference.sigmoid(gate["i"])
    expect_close(data["c_new"], c_ref, "c_new (c_new = f * c + i * tanh(W_c [h, x] + b_c), gates are "
                 "sigmoids of W [h, x] + b with h first)", slips={
                     "the gates read [x, h]; concatenate [h, x], h first": reference.sigmoid(x_first["f"]) * c
                     + reference.sigmoid(x_first["i"]) * np.tanh(x_first["c"]),
                     "the forget gate's bias b_f is missing": reference.sigmoid(gate["f"] - w["b_f"]) * c
                     + i * np.tanh(gate["c"]),
                     "the candidate goes through a sigmoid; it is tanh(W_c [h, x] + b_c)":
                         f * c + i * reference.sigmoid(gate["c"]),
                     "the old cell state is not kept: c_new = f * c + i * candidate": i * np.tanh(gate["c"])})
    expect_close(data["h_new"], h_ref, "h_new (h_new = o * tanh(c_new))")


lstm_cell = define("lstm_cell", "MyLSTMCell", _lstm_inputs, probes.lstm_cell, _lstm_cell_judge, """\
Lesson 02: ``cell_class(units, input_dim)`` holds ``W_f, W_i, W_c, W_o``
(units, units + input_dim) acting on [h, x] and biases ``b_f, b_i, b_c, b_o`` (units,);
``cell(x, h, c)`` returns ``(h_new, c_new)``.""")


def _lstm_unroll_judge(spec, data):
    s, w, x, _, _ = _lstm_inputs(spec)
    h = c = np.zeros((s["batch"], s["units"]))
    states = []
    for t in range(s["steps"]):
        h, c = reference.lstm_step(w, x[:, t].astype(float), h, c)
        states.append(h)
    expect_shape(data["states"], (s["batch"], s["steps"], s["units"]), "hidden states (batch, time, units)")
    expect_shape(data["c_last"], (s["batch"], s["units"]), "final cell state (batch, units)")
    expect_close(data["states"], np.stack(states, axis=1), "hidden states (start h and c at zeros; each step "
                 "is h, c = cell(x_t, h, c); if MyLSTMCell's check failed, fix the cell first)", atol=1e-4)
    expect_close(data["c_last"], c, "the final cell state (return c after the last step)", atol=1e-4)


lstm_unroll = define("lstm_unroll", "lstm_unroll", _lstm_inputs, probes.lstm_unroll, _lstm_unroll_judge, """\
Lesson 02: ``unroll(cell, x_seq)`` runs the LSTM cell over time from zero states
and returns ``(hidden states (batch, time, units), final cell state (batch, units))``.""")


