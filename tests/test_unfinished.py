"""labkit.unfinished (a cell that needs an unfinished exercise is skipped with one line) and
labkit.quiet (TensorFlow's start-up lines stay out of the notebook)."""

from labkit import unfinished

import os
import subprocess
import sys

import pytest
from IPython.core.interactiveshell import InteractiveShell

STUB = 'def cell(x):\n    raise NotImplementedError("Exercise 2: write the cell")\n'


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.ast_transformers[:] = []
    shell.user_ns.pop("__labkit_unfinished__", None)
    unfinished.install(shell)
    yield shell
    shell.ast_transformers[:] = []
    InteractiveShell.clear_instance()


def test_a_stub_skips_its_cell_and_the_cells_that_need_what_it_would_set(shell, capsys):
    assert shell.run_cell(STUB).success
    assert shell.run_cell("h = cell(3)\nmodels = {}\nmodels['rnn'] = h").success
    assert shell.run_cell("print(h + 1)").success
    assert shell.run_cell("models = {'other': 1}\nmodels['rnn']").success  # reads what a skipped cell set
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["[SKIPPED] this cell needs Exercise 2 (write the cell): finish it, then run this cell "
                       "again"] * 3


def test_a_cell_runs_and_shows_its_value_once_the_exercise_is_done(shell, capsys):
    shell.run_cell(STUB)
    shell.run_cell("h = cell(3)")
    shell.run_cell("def cell(x):\n    return 2 * x")
    assert shell.run_cell("h = cell(3)").success and shell.user_ns["h"] == 6
    assert shell.run_cell("h + 1").result == 7
    assert "[SKIPPED]" not in capsys.readouterr().out.splitlines()[-1]


def test_other_errors_raise_as_usual(shell):
    for code in ("undefined_name + 1", "1 / 0", "raise NotImplementedError('not a stub')"):
        result = shell.run_cell(code)
        assert not result.success, code


def test_the_grader_turns_it_off(monkeypatch):
    monkeypatch.setenv("LABKIT_SKIP_UNFINISHED", "0")
    shell = InteractiveShell.instance()
    shell.ast_transformers[:] = []
    unfinished.install(shell)
    assert shell.ast_transformers == []
    InteractiveShell.clear_instance()


def _python(code, **env):
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"} | env
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment,
                          timeout=120)


def test_tensorflows_start_up_lines_stay_out_of_stderr():
    pytest.importorskip("tensorflow")
    run = _python("import labkit\nimport tensorflow as tf\nprint(tf.constant([1.0]).numpy())")
    assert run.returncode == 0 and run.stdout == "[1.]\n" and run.stderr == ""


def test_labkit_leaves_tensorflows_logs_alone_when_asked():
    code = ("import os, sys, labkit\nprint(os.environ.get('TF_CPP_MIN_LOG_LEVEL'), "
            "any('Quiet' in type(f).__name__ for f in sys.meta_path))")
    assert _python(code, LABKIT_TF_LOGS="1").stdout == "None False\n"
    assert _python(code, TF_CPP_MIN_LOG_LEVEL="1").stdout == "1 False\n"
    assert _python(code).stdout == "3 True\n"


def test_a_traceback_points_at_the_statement_that_failed_not_the_first_line(shell):
    """IPython shows the cell frame's last line (``f_lineno``): the guard's re-raise must stand there."""
    assert not shell.run_cell("x = 1\ny = 2\nassert x > y, 'x is not above y'\nz = 3").success
    traceback = sys.last_traceback
    while traceback.tb_frame.f_code.co_filename.endswith("interactiveshell.py"):
        traceback = traceback.tb_next
    assert traceback.tb_frame.f_lineno == 3 and traceback.tb_lineno == 3
    assert "z" not in shell.user_ns  # the statements after the one that failed did not run


def test_a_function_from_an_earlier_cell_shows_its_own_failing_line(shell):
    assert shell.run_cell("def rollout(n):\n    total = 0\n    total += n / 0\n    return total").success
    assert not shell.run_cell("a = 1\nb = rollout(a)").success
    frames = []
    traceback = sys.last_traceback
    while traceback is not None:
        frames.append((traceback.tb_frame.f_code.co_name, traceback.tb_lineno))
        traceback = traceback.tb_next
    assert frames[-2:] == [("<module>", 2), ("rollout", 3)], frames  # the calling line, then the line inside
