"""Self-checks of the recurrent cells students write and unroll: lessons 01 (RNN) and 02 (LSTM).

Each compares the student's code with a NumPy re-computation from the cell's own weights.
"""

import numpy as np

from labkit.checks.core import check, expect, expect_close, expect_shape


def rnn_cell(cell_class, rnn_units=4, input_dim=3, output_dim=2, batch=5, seed=0):
    """Lesson 01 self-check: ``cell_class(rnn_units, input_dim, output_dim)`` is the
    lecture's cell, h_new = tanh(W_hh h + W_xh x), y = W_hy h_new, for a batch."""

    def test():
        cell = cell_class(rnn_units, input_dim, output_dim)
        for attr, shape, hint in (
            ("W_xh", (rnn_units, input_dim), "(rnn_units, input_dim)"),
            ("W_hh", (rnn_units, rnn_units), "(rnn_units, rnn_units)"),
            ("W_hy", (output_dim, rnn_units), "(output_dim, rnn_units)"),
        ):
            expect(hasattr(cell, attr), f"the cell has no attribute {attr}; create it in __init__")
            expect_shape(getattr(cell, attr), shape, f"{attr} {hint}")
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(batch, input_dim)).astype("float32")  # (batch, input_dim)
        h = rng.normal(size=(batch, rnn_units)).astype("float32")  # (batch, rnn_units)
        out = cell(x, h)
        expect(isinstance(out, (tuple, list)) and len(out) == 2,
               "call(x, h) must return a pair (y, h_new)")
        y, h_new = (np.asarray(t) for t in out)
        expect_shape(h_new, (batch, rnn_units), "h_new (batch, rnn_units)")
        expect_shape(y, (batch, output_dim), "y (batch, output_dim)")
        W_xh, W_hh, W_hy = (np.asarray(getattr(cell, a)) for a in ("W_xh", "W_hh", "W_hy"))
        h_ref = np.tanh(h @ W_hh.T + x @ W_xh.T)  # (batch, rnn_units)
        expect_close(h_new, h_ref, "h_new (use matrix products, not elementwise *, and tanh)")
        expect_close(y, h_new @ W_hy.T, "y (y = W_hy h_new, computed from the *new* state)")

    return check("MyRNNCell", test)


def _numpy_weights(cell, names):
    return {name: np.asarray(getattr(cell, name), dtype="float64") for name in names}


def rnn_unroll(unroll, cell_class, batch=4, steps=6, input_dim=3, rnn_units=5, output_dim=2, seed=0):
    """Lesson 01 self-check: ``unroll(cell, x_seq, mask)`` runs the cell over time from a zero
    state and returns ``(outputs, states)``; at a padded step (mask False) the state is kept."""

    def test():
        cell = cell_class(rnn_units, input_dim, output_dim)
        w = _numpy_weights(cell, ("W_xh", "W_hh", "W_hy"))
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(batch, steps, input_dim)).astype("float32")  # (batch, time, input_dim)
        lengths = np.array([steps, steps - 1, 3, 1][:batch])
        mask = np.arange(steps)[None, :] < lengths[:, None]  # (batch, time) True on real tokens
        h, states, outputs = np.zeros((batch, rnn_units)), [], []
        for t in range(steps):
            h_new = np.tanh(h @ w["W_hh"].T + x[:, t] @ w["W_xh"].T)  # (batch, rnn_units)
            outputs.append(h_new @ w["W_hy"].T)  # (batch, output_dim)
            h = np.where(mask[:, t, None], h_new, h)
            states.append(h)
        outputs, states = np.stack(outputs, axis=1), np.stack(states, axis=1)  # (batch, time, ...)
        out = unroll(cell, x, mask)
        expect(isinstance(out, (tuple, list)) and len(out) == 2,
               "rnn_unroll must return a pair (outputs, hidden states)")
        ys, hs = (np.asarray(t) for t in out)
        expect_shape(ys, (batch, steps, output_dim), "outputs (batch, time, output_dim)")
        expect_shape(hs, (batch, steps, rnn_units), "hidden states (batch, time, rnn_units)")
        expect_close(hs[mask], states[mask], "hidden states at real steps (start from zeros; feed each "
                     "step's state into the next: h_t = cell(x_t, h_{t-1}))")
        expect_close(hs, states, "hidden states at padded steps (where mask is False, carry the previous "
                     "state over unchanged)")
        expect_close(ys[mask], outputs[mask], "outputs at real steps (the y the cell returns at each step)")
        unmasked = np.asarray(unroll(cell, x)[1])  # mask=None: every step is real
        h = np.zeros((batch, rnn_units))
        for t in range(steps):
            h = np.tanh(h @ w["W_hh"].T + x[:, t] @ w["W_xh"].T)
        expect_close(unmasked[:, -1], h, "the last hidden state with mask=None (every step is real)")

    return check("rnn_unroll", test)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


LSTM_GATES = ("f", "i", "c", "o")  # forget, store (input), candidate update, output


def lstm_cell(cell_class, units=4, input_dim=3, batch=5, seed=0):
    """Lesson 02 self-check: ``cell_class(units, input_dim)`` is the lecture's LSTM cell.

    It holds ``W_f, W_i, W_c, W_o`` of shape (units, units + input_dim), acting on the
    concatenation [h, x], and biases ``b_f, b_i, b_c, b_o`` (units,); ``cell(x, h, c)``
    returns ``(h_new, c_new)``. Weights are set to random values first, so a missing bias or a
    swapped gate cannot pass by luck.
    """

    def test():
        cell = cell_class(units, input_dim)
        rng = np.random.default_rng(seed)
        weights = {}
        for gate in LSTM_GATES:
            for prefix, shape, hint in (("W", (units, units + input_dim), "(units, units + input_dim)"),
                                        ("b", (units,), "(units,)")):
                name = f"{prefix}_{gate}"
                expect(hasattr(cell, name), f"the cell has no attribute {name}; create it in __init__")
                expect_shape(getattr(cell, name), shape, f"{name} {hint}")
                weights[name] = rng.normal(scale=0.5, size=shape).astype("float32")
                getattr(cell, name).assign(weights[name])
        x = rng.normal(size=(batch, input_dim)).astype("float32")  # (batch, input_dim)
        h = rng.normal(size=(batch, units)).astype("float32")  # (batch, units)
        c = rng.normal(size=(batch, units)).astype("float32")  # (batch, units)
        out = cell(x, h, c)
        expect(isinstance(out, (tuple, list)) and len(out) == 2,
               "call(x, h, c) must return a pair (h_new, c_new)")
        h_new, c_new = (np.asarray(t) for t in out)
        expect_shape(c_new, (batch, units), "c_new (batch, units)")
        expect_shape(h_new, (batch, units), "h_new (batch, units)")
        h_ref, c_ref = _lstm_step(weights, x, h, c)
        expect_close(c_new, c_ref, "c_new (c_new = f * c + i * tanh(W_c [h, x] + b_c), gates are sigmoids of "
                     "W [h, x] + b with h first)")
        expect_close(h_new, h_ref, "h_new (h_new = o * tanh(c_new))")

    return check("MyLSTMCell", test)


def _lstm_step(weights, x, h, c):
    """The lecture's LSTM step in NumPy: (x, h, c) -> (h_new, c_new), all (batch, ...)."""
    hx = np.concatenate([h, x], axis=1)  # (batch, units + input_dim)
    gate = {g: hx @ weights[f"W_{g}"].T + weights[f"b_{g}"] for g in LSTM_GATES}  # (batch, units) each
    f, i, o = _sigmoid(gate["f"]), _sigmoid(gate["i"]), _sigmoid(gate["o"])
    c_new = f * c + i * np.tanh(gate["c"])  # (batch, units)
    return o * np.tanh(c_new), c_new


def lstm_unroll(unroll, cell_class, units=4, input_dim=3, batch=3, steps=7, seed=0):
    """Lesson 02 self-check: ``unroll(cell, x_seq)`` runs the LSTM cell over time from zero
    states and returns ``(hidden states (batch, time, units), final cell state (batch, units))``."""

    def test():
        cell = cell_class(units, input_dim)
        rng = np.random.default_rng(seed)
        for prefix in ("W", "b"):  # random biases too: a zero state must not pass by luck
            for gate in LSTM_GATES:
                variable = getattr(cell, f"{prefix}_{gate}")
                variable.assign(rng.normal(scale=0.5, size=tuple(variable.shape)).astype("float32"))
        weights = _numpy_weights(cell, [f"{p}_{g}" for p in "Wb" for g in LSTM_GATES])
        x = rng.normal(size=(batch, steps, input_dim)).astype("float32")  # (batch, time, input_dim)
        h = c = np.zeros((batch, units))
        states = []
        for t in range(steps):
            h, c = _lstm_step(weights, x[:, t], h, c)
            states.append(h)
        out = unroll(cell, x)
        expect(isinstance(out, (tuple, list)) and len(out) == 2,
               "lstm_unroll must return a pair (hidden states, final cell state)")
        hs, c_last = (np.asarray(t) for t in out)
        expect_shape(hs, (batch, steps, units), "hidden states (batch, time, units)")
        expect_shape(c_last, (batch, units), "final cell state (batch, units)")
        expect_close(hs, np.stack(states, axis=1), "hidden states (start h and c at zeros; each step is "
                     "h, c = cell(x_t, h, c); if MyLSTMCell's check failed, fix the cell first)", atol=1e-4)
        expect_close(c_last, c, "the final cell state (return c after the last step)", atol=1e-4)

    return check("lstm_unroll", test)
