"""Self-checks of the recurrent cells students write: lesson 01's RNN cell, lesson 02's LSTM cell.

Both compare the student's cell with a NumPy re-computation from the cell's own weights.
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
        hx = np.concatenate([h, x], axis=1)  # (batch, units + input_dim)
        gate = {g: hx @ weights[f"W_{g}"].T + weights[f"b_{g}"] for g in LSTM_GATES}  # (batch, units) each
        f, i, o = _sigmoid(gate["f"]), _sigmoid(gate["i"]), _sigmoid(gate["o"])
        c_ref = f * c + i * np.tanh(gate["c"])  # (batch, units)
        expect_close(c_new, c_ref, "c_new (c_new = f * c + i * tanh(W_c [h, x] + b_c), gates are sigmoids of "
                     "W [h, x] + b with h first)")
        expect_close(h_new, o * np.tanh(c_ref), "h_new (h_new = o * tanh(c_new))")

    return check("MyLSTMCell", test)
