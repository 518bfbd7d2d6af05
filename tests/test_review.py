"""The instructor's review flags (labkit.grading.review), read from the code and never run.

- Each kind is flagged with its line: the grader's own modules (however imported), the
  interpreter and the system, the library version of what the exercise builds.
- Every exercise's own solution in the eight lessons, and test_grade's synthetic lesson, gets no flag.
- Code that does not parse gives no flag and no error.
"""

from labkit import assign, config, notebooks
from labkit.grading import release, review

import pytest
from test_grade import SOLUTIONS

LIBRARY = "a library version of what this exercise builds"
INTERPRETER = "reaches into the interpreter:"
CASES = {  # the exercise's code lines (as the report shows them), its check -> the flags, less "review: "
    "import labkit.checks": (
        ["import labkit.checks.core as c", "c.expect = print"], "rnn_cell",
        ["imports labkit.checks.core (line 1)", "uses labkit.checks.core.expect (line 2)"]),
    "from labkit import checks": (
        ["from labkit import checks", "checks.core.expect = None"], "x",
        ["imports labkit.checks (line 1)", "uses labkit.checks.core (line 2)"]),
    "the setup cell's checks": (
        ["x = checks", "checks.probe.run = print"], "x",
        ["uses labkit.checks (line 1)", "uses labkit.checks.probe (line 2)"]),
    "from labkit import *": (["from labkit import *"], "x", ["imports labkit.checks (line 1)"]),
    "labkit.probes and labkit.grading": (
        ["import labkit.probes", "from labkit.grading import kernel"], "x",
        ["imports labkit.probes (line 1)", "imports labkit.grading (line 2)"]),
    "importlib and __import__": (
        ["import importlib", "importlib.import_module('labkit.checks.probe')", "__import__('labkit.grading')",
         "importlib.import_module('.checks', 'labkit')", "__import__(name)"], "x",
        ["imports labkit.checks.probe (line 2)", "imports labkit.grading (line 3)",
         "imports labkit.checks (line 4)", "imports a module by a computed name (line 5)"]),
    "getattr and strings": (
        ["getattr(labkit, 'checks')", "getattr(frame, 'f_back')", "sys.modules.get('labkit.checks.core')"],
        "x",
        ["uses labkit.checks (line 1)", f"{INTERPRETER} .f_back (line 2)",
         "names labkit.checks.core in a string (line 3)", f"{INTERPRETER} sys.modules (line 3)"]),
    "frames": (
        ["import sys, inspect", "up = sys._getframe(1).f_back.f_locals", "inspect.currentframe()",
         "error.__traceback__.tb_frame", "f.__globals__"], "x",
        [f"{INTERPRETER} .f_back (line 2)", f"{INTERPRETER} .f_locals (line 2)",
         f"{INTERPRETER} sys._getframe (line 2)", f"{INTERPRETER} inspect.currentframe (line 3)",
         f"{INTERPRETER} .tb_frame (line 4)", f"{INTERPRETER} .__globals__ (line 5)"]),
    "globals and builtins": (
        ["g = globals()", "b = __builtins__", "import builtins", "exec('x = 1')"], "x",
        [f"{INTERPRETER} globals() (line 1)", f"{INTERPRETER} __builtins__ (line 2)",
         "imports builtins (line 3)", "runs code from a string: exec (line 4)"]),
    "the system": (
        ["import os, subprocess, gc", "from ctypes import pythonapi", "os.system('ls')"], "x",
        ["imports gc (line 1)", "imports os (line 1)", "imports subprocess (line 1)",
         "imports ctypes (line 2)", "uses os.system (line 3)"]),
    "SimpleRNNCell in rnn_cell": (
        ["self.rnn = keras.layers.SimpleRNNCell(units)"], "rnn_cell",
        [f"uses SimpleRNNCell, {LIBRARY} (line 1)"]),
    "LSTM in lstm_unroll": (
        ["return keras.layers.RNN(LSTMCell(4))(x_seq)"], "lstm_unroll",
        [f"uses LSTMCell, {LIBRARY} (line 1)", f"uses RNN, {LIBRARY} (line 1)"]),
    "MultiHeadAttention, in a second region": (
        ["a = 1", "# ...", "return layers.MultiHeadAttention(2, 4)(x, x)"], "multi_head_self_attention",
        [f"uses MultiHeadAttention, {LIBRARY} (line 3)"]),
    "keras' Attention in luong_attention": (
        ["a = keras.layers.Attention()([q, v])", "b = keras.layers.Attention()([q, k])"], "luong_attention",
        [f"uses Attention, {LIBRARY} (lines 1, 2)"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_is_flagged_with_its_line(case):
    lines, key, expected = CASES[case]
    code = "\n".join(line if line == review.SEPARATOR else f"        {line}" for line in lines)
    assert review.flags(code, key) == [f"review: {flag}" for flag in expected]


def test_a_layer_is_flagged_only_where_its_exercise_builds_it():
    code = "    recurrent_layer = keras.layers.LSTM(64)"  # lesson 03's classifier is made of one
    assert review.flags(code, "sentiment_classifier") == []
    assert review.flags(code, "lstm_cell") == [f"review: uses LSTM, {LIBRARY} (line 1)"]


UNPARSABLE = {"open": "    x = (", "split": "        return f(\n# ...\n        ])", "nul": "\x00",
              "deep": "(" * 500 + ")" * 500}


@pytest.mark.parametrize("code", UNPARSABLE.values(), ids=UNPARSABLE.keys())
def test_code_that_does_not_parse_gives_no_flag(code):
    assert review.flags(code, "rnn_cell") == []


def test_a_region_that_parses_is_read_when_another_does_not():
    assert review.flags("        x = (\n# ...\n        import os", "x") == ["review: imports os (line 3)"]


LESSONS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_no_lessons_own_solution_is_flagged(lesson):
    notebook = notebooks.read(lesson)
    flagged = {}
    for exercise in assign.exercises(notebook, lesson.name):
        key = release.check_of(notebook, exercise, lesson.name).key
        code = f"\n{review.SEPARATOR}\n".join("\n".join(region.lines) for region in exercise.regions)
        flagged[exercise.number] = review.flags(code, key)
    assert flagged == {number: [] for number in flagged}


def test_the_synthetic_lessons_solutions_are_not_flagged():
    keys = {1: "positional_encoding", 2: "sequence_loss", 3: "input_gradients"}
    assert {n: review.flags(code, keys[n]) for n, code in SOLUTIONS.items()} == {1: [], 2: [], 3: []}
