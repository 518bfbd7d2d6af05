"""Answers of the recurrent cells' checks (lessons 01 and 02): the cell weights, sequences and
states the checks draw, and every state the cells should compute from them, in NumPy."""

from labkit.answers import reference, register
from labkit.answers.reference import LSTM_GATES, sigmoid

import numpy as np


def _normal(rng, *shape, scale=0.5):
    return rng.normal(scale=scale, size=shape).astype("float32")


def _step_mask(rng, batch, steps):
    """(batch, time) True on the real steps of sequences of different lengths."""
    lengths = rng.integers(1, steps + 1, size=batch)
    lengths[:2] = steps, 1  # a full sequence and a one-step one
    return np.arange(steps)[None, :] < lengths[:, None]


# --- lesson 01: the RNN cell and its unroll -------------------------------------------------------


def rnn_inputs(spec):
    """Sizes, weights {W_xh, W_hh, W_hy}, sequences x (batch, time, input), a state h (batch,
    units) and a step mask (batch, time)."""
    rng, s = spec.draw(rnn_units=(4, range(5, 9)), input_dim=(3, range(4, 7)), output_dim=(2, range(3, 6)),
                       batch=(5, range(6, 10)), steps=(6, range(7, 11)))
    u, i, o = s["rnn_units"], s["input_dim"], s["output_dim"]
    w = {"W_xh": _normal(rng, u, i), "W_hh": _normal(rng, u, u), "W_hy": _normal(rng, o, u)}
    x = _normal(rng, s["batch"], s["steps"], i, scale=1.0)  # (batch, time, input_dim)
    h = _normal(rng, s["batch"], u, scale=1.0)  # (batch, rnn_units)
    return s, w, x, h, _step_mask(rng, s["batch"], s["steps"])


def _rnn_cell(spec):
    s, w, x, h, _ = rnn_inputs(spec)
    x0, h = x[:, 0].astype(float), h.astype(float)
    y, h_new = reference.rnn_step(w, x0, h)
    recurrent, given = h @ w["W_hh"].T, x0 @ w["W_xh"].T  # (batch, rnn_units) each
    return {"sizes": s, "h_new": h_new, "y": y, "slips": {
        "untransposed": np.tanh(h @ w["W_hh"] + given), "no_recurrent": np.tanh(given),
        "no_input": np.tanh(recurrent), "no_tanh": recurrent + given}}


def _rnn_unroll(spec):
    s, w, x, _, mask = rnn_inputs(spec)
    h = unmasked = np.zeros((s["batch"], s["rnn_units"]))
    states, outputs = [], []
    for t in range(s["steps"]):
        y, h_new = reference.rnn_step(w, x[:, t].astype(float), h)
        outputs.append(y)
        h = np.where(mask[:, t, None], h_new, h)  # padded steps keep the state
        states.append(h)
        unmasked = reference.rnn_step(w, x[:, t].astype(float), unmasked)[1]
    return {"sizes": s, "mask": mask, "outputs": np.stack(outputs, axis=1),  # (batch, time, output_dim)
            "states": np.stack(states, axis=1), "last_state_without_mask": unmasked}


# --- lesson 02: the LSTM cell and its unroll ------------------------------------------------------

def lstm_inputs(spec):
    """Sizes, weights {W_g (units, units + input), b_g (units,)} for each gate g, sequences x
    (batch, time, input) and states h, c (batch, units)."""
    rng, s = spec.draw(units=(4, range(5, 9)), input_dim=(3, range(4, 7)), batch=(5, range(6, 10)),
                       steps=(7, range(8, 12)))
    u, i = s["units"], s["input_dim"]
    w = {f"{p}_{g}": _normal(rng, *((u, u + i) if p == "W" else (u,))) for p in "Wb" for g in LSTM_GATES}
    x = _normal(rng, s["batch"], s["steps"], i, scale=1.0)  # (batch, time, input_dim)
    h, c = _normal(rng, s["batch"], u, scale=1.0), _normal(rng, s["batch"], u, scale=1.0)  # (batch, units)
    return s, w, x, h, c


def _lstm_cell(spec):
    s, w, x, h, c = lstm_inputs(spec)
    x0, h, c = x[:, 0].astype(float), h.astype(float), c.astype(float)
    h_new, c_new = reference.lstm_step(w, x0, h, c)
    gate = {g: np.concatenate([h, x0], axis=1) @ w[f"W_{g}"].T + w[f"b_{g}"] for g in "fic"}  # (batch, units)
    x_first = {g: np.concatenate([x0, h], axis=1) @ w[f"W_{g}"].T + w[f"b_{g}"] for g in "fic"}
    f, i = sigmoid(gate["f"]), sigmoid(gate["i"])
    return {"sizes": s, "h_new": h_new, "c_new": c_new, "slips": {
        "x_first": sigmoid(x_first["f"]) * c + sigmoid(x_first["i"]) * np.tanh(x_first["c"]),
        "no_forget_bias": sigmoid(gate["f"] - w["b_f"]) * c + i * np.tanh(gate["c"]),
        "sigmoid_candidate": f * c + i * sigmoid(gate["c"]),
        "old_state_dropped": i * np.tanh(gate["c"])}}


def _lstm_unroll(spec):
    s, w, x, _, _ = lstm_inputs(spec)
    h = c = np.zeros((s["batch"], s["units"]))
    states = []
    for t in range(s["steps"]):
        h, c = reference.lstm_step(w, x[:, t].astype(float), h, c)
        states.append(h)
    return {"sizes": s, "states": np.stack(states, axis=1), "c_last": c}


register("rnn_cell", rnn_inputs, _rnn_cell)
register("rnn_unroll", rnn_inputs, _rnn_unroll)
register("lstm_cell", lstm_inputs, _lstm_cell)
register("lstm_unroll", lstm_inputs, _lstm_unroll)
