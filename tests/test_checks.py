from labkit import checks

import re

import numpy as np
import pytest


class NumpyRNNCell:
    """A correct cell in plain NumPy: the check must not depend on Keras."""

    def __init__(self, rnn_units, input_dim, output_dim):
        rng = np.random.default_rng(1)
        self.W_xh = rng.normal(size=(rnn_units, input_dim))
        self.W_hh = rng.normal(size=(rnn_units, rnn_units)) * 0.3
        self.W_hy = rng.normal(size=(output_dim, rnn_units))

    def __call__(self, x, h):
        h_new = np.tanh(h @ self.W_hh.T + x @ self.W_xh.T)
        return h_new @ self.W_hy.T, h_new


class ElementwiseCell(NumpyRNNCell):
    """The slide's bug: `*` instead of a matrix product."""

    def __call__(self, x, h):
        h_new = np.tanh(h * np.diag(self.W_hh) + x @ self.W_xh.T)
        return h_new @ self.W_hy.T, h_new


class OldStateOutputCell(NumpyRNNCell):
    def __call__(self, x, h):
        return h @ self.W_hy.T, super().__call__(x, h)[1]


class TransposedCell(NumpyRNNCell):
    def __init__(self, rnn_units, input_dim, output_dim):
        super().__init__(rnn_units, input_dim, output_dim)
        self.W_xh = self.W_xh.T


class CrashingCell(NumpyRNNCell):
    def __call__(self, x, h):
        raise KeyError("oops")


class TodoCell(NumpyRNNCell):
    def __call__(self, x, h):
        raise NotImplementedError("Exercise 1: write call")


def test_correct_cell_passes(capsys):
    result = checks.rnn_cell(NumpyRNNCell)
    assert result and capsys.readouterr().out == "[PASS] MyRNNCell\n"


@pytest.mark.parametrize("cell, hint", [
    (ElementwiseCell, "not elementwise"),
    (OldStateOutputCell, r"computed from the \*new\* state"),
    (TransposedCell, r"W_xh \(rnn_units, input_dim\) has shape \(3, 4\), expected \(4, 3\)"),
    (CrashingCell, "your code raised KeyError: 'oops'"),
    (TodoCell, r"not implemented yet \(Exercise 1: write call\)"),
])
def test_buggy_cells_fail_with_a_hint_and_no_traceback(capsys, cell, hint):
    result = checks.rnn_cell(cell)
    out = capsys.readouterr().out
    assert not result and out.startswith("[FAIL] MyRNNCell: ")
    assert out.count("\n") == 1 and "Traceback" not in out
    assert re.search(hint, out), out


def test_check_reports_assertions_and_returns_results(capsys):
    def test():
        raise AssertionError("one is not two")  # what a plain `assert` raises in a notebook

    assert checks.check("ok", lambda: None).passed
    failed = checks.check("arith", test)
    assert (failed.name, failed.passed, failed.message) == ("arith", False, "one is not two")
    assert capsys.readouterr().out.splitlines() == ["[PASS] ok", "[FAIL] arith: one is not two"]


def test_expect_helpers():
    checks.expect_shape(np.zeros((2, 3)), (None, 3), "x")
    with pytest.raises(checks.CheckFailed, match=r"^x has shape \(2, 3\), expected \(2, 4\)$"):
        checks.expect_shape(np.zeros((2, 3)), (2, 4), "x")
    checks.expect_close([1.0, 2.0], [1.0, 2.0 + 1e-7], "y")
    with pytest.raises(checks.CheckFailed, match=r"^y differs from the reference by up to 0.1"):
        checks.expect_close([1.0, 2.0], [1.0, 2.1], "y")


def test_check_rejects_bad_arguments():
    with pytest.raises(ValueError, match="^name: expected a non-empty str"):
        checks.check("", lambda: None)
    with pytest.raises(TypeError, match="^test: expected a callable, got int"):
        checks.check("x", 3)


class Param(np.ndarray):
    """A NumPy array with Keras' ``assign``, so a NumPy cell can stand in for a Keras layer."""

    def assign(self, value):
        self[...] = value


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


class NumpyLSTMCell:
    def __init__(self, units, input_dim):
        for gate in "fico":
            setattr(self, f"W_{gate}", np.zeros((units, units + input_dim)).view(Param))
            setattr(self, f"b_{gate}", np.full(units, float(gate == "f")).view(Param))  # b_f starts at 1

    def gates(self, x, h):
        hx = np.concatenate([h, x], axis=1)
        return {g: hx @ getattr(self, f"W_{g}").T + getattr(self, f"b_{g}") for g in "fico"}

    def __call__(self, x, h, c):
        z = self.gates(x, h)
        c_new = _sigmoid(z["f"]) * c + _sigmoid(z["i"]) * np.tanh(z["c"])
        return _sigmoid(z["o"]) * np.tanh(c_new), c_new


class NoForgetGateCell(NumpyLSTMCell):
    def __call__(self, x, h, c):
        z = self.gates(x, h)
        c_new = c + _sigmoid(z["i"]) * np.tanh(z["c"])
        return _sigmoid(z["o"]) * np.tanh(c_new), c_new


class InputFirstCell(NumpyLSTMCell):
    def gates(self, x, h):
        return super().gates(h, x) if h.shape == x.shape else super().gates(x, h)


class SwappedOutputsCell(NumpyLSTMCell):
    def __call__(self, x, h, c):
        return super().__call__(x, h, c)[::-1]


class NoOutputBiasCell(NumpyLSTMCell):
    def __init__(self, units, input_dim):
        super().__init__(units, input_dim)
        del self.b_o


def test_correct_lstm_cell_passes(capsys):
    assert checks.lstm_cell(NumpyLSTMCell) and capsys.readouterr().out == "[PASS] MyLSTMCell\n"


def test_lstm_cell_with_input_first_fails_when_shapes_allow_the_mix_up(capsys):
    assert not checks.lstm_cell(InputFirstCell, units=3, input_dim=3)
    assert "with h first" in capsys.readouterr().out


@pytest.mark.parametrize("cell, hint", [
    (NoForgetGateCell, r"c_new \(c_new = f \* c \+ i \* tanh"),
    (SwappedOutputsCell, r"c_new .*differs from the reference"),
    (NoOutputBiasCell, "the cell has no attribute b_o; create it in __init__"),
])
def test_buggy_lstm_cells_fail_with_a_hint(capsys, cell, hint):
    result = checks.lstm_cell(cell)
    out = capsys.readouterr().out
    assert not result and out.startswith("[FAIL] MyLSTMCell: ") and out.count("\n") == 1
    assert re.search(hint, out), out


def test_a_check_blames_the_exercise_whose_stub_raised(capsys):
    def unroll(cell, x_seq, mask=None):  # exercise 2, written; it uses exercise 1's unfinished cell
        h = np.zeros((x_seq.shape[0], cell.W_hh.shape[0]))
        return cell(x_seq[:, 0], h)

    def unroll_stub(cell, x_seq, mask=None):
        raise NotImplementedError("Exercise 2: run the cell over time")

    assert not checks.rnn_unroll(unroll, TodoCell)
    waits = "[FAIL] rnn_unroll: waits for Exercise 1 (write call): finish that one first\n"
    assert capsys.readouterr().out == waits
    assert not checks.rnn_unroll(unroll_stub, NumpyRNNCell)
    own = "[FAIL] rnn_unroll: not implemented yet (Exercise 2: run the cell over time)\n"
    assert capsys.readouterr().out == own


def test_an_error_in_the_students_code_names_the_line_that_raised(capsys):
    """Typed in a notebook cell: the check's one line says where in the student's cell it failed."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert shell.run_cell("import numpy as np\nclass Cell:\n"
                              "    def __init__(self, rnn_units, input_dim, output_dim):\n"
                              "        self.W_xh = np.zeros((rnn_units, input_dim))\n"
                              "        self.W_hh = np.zeros((rnn_units, rnn_units))\n"
                              "        self.W_hy = np.zeros((output_dim, rnn_units))\n"
                              "    def __call__(self, x, h):\n"
                              "        h_new = np.tanh(h @ self.W_hh.T + x @ W_xh.T)\n"
                              "        return h_new @ self.W_hy.T, h_new").success
        result = checks.rnn_cell(shell.user_ns["Cell"])
    finally:
        InteractiveShell.clear_instance()
    out = capsys.readouterr().out
    where = "(in __call__, line 8: h_new = np.tanh(h @ self.W_hh.T + x @ W_xh.T))"
    assert not result and "NameError" in out and where in out, out


def test_a_message_loses_its_terminal_colour_codes_and_line_breaks():
    from labkit.probes.base import failure_message

    error = NameError("Exception encountered when calling MyRNNCell.call().\n\n\x1b[1mname 'h_new' is not "
                      "defined\x1b[0m\n\nArguments received")
    assert failure_message(error) == ("your code raised NameError: Exception encountered when calling "
                                      "MyRNNCell.call(). name 'h_new' is not defined Arguments received")
