"""The grader on a small synthetic lesson whose three exercises use real, NumPy-only checks
(each grading starts a sandboxed kernel: a second or two).

- Honest work is graded right: the lesson itself and the filled student version score 100%,
  the untouched one 0%, a wrong answer fails with the check's message.
- The forgery suite: each way of faking a pass scores 0 on the forged exercise while the honest
  exercises of the same submission pass.
- Limits: time, memory, output, a dead kernel; bad input gets a one-line error and exit 2.
"""

from labkit import assign, grading, notebooks
from labkit.__main__ import main

import json
import os

import pytest


def _code(source, **metadata):
    return {"cell_type": "code", "metadata": metadata, "source": source, "outputs": [],
            "execution_count": None}


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


ENCODING = """    angles = np.arange(length)[:, None] / 10000 ** (np.arange(0, depth, 2) / depth)
    encoding = np.zeros((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)"""
LOSS = """    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    per_step = -np.take_along_axis(log_probs, y_ids[..., None], axis=-1)[..., 0]
    return float((per_step * step_mask).sum(axis=1).mean())"""
GRADIENTS = """        through_tanh = upstream * (1 - states[:, t] ** 2)
        grads[:, t] = through_tanh @ W_xh
        upstream = through_tanh @ W_hh"""
SOLUTIONS = {1: ENCODING, 2: LOSS, 3: GRADIENTS}
LESSON = _notebook(
    _code("import numpy as np\nfrom labkit import checks"),
    _code("import os\nfrom labkit import config\n"
          "assert config.FAST and os.getcwd() == str(config.REPO_ROOT / 'notebooks')"),
    _code(f"def positional_encoding(length, depth):\n    ### BEGIN SOLUTION: sines in the even columns, "
          f"cosines "
          f"in the odd ones\n{ENCODING}\n    ### END SOLUTION\n    return encoding"),
    _code("checks.positional_encoding(positional_encoding)"),
    _code(f"def sequence_loss(logits, y_ids, step_mask):\n    ### BEGIN SOLUTION: masked cross-entropy, "
          f"summed over "
          f"time, averaged over the batch\n{LOSS}\n    ### END SOLUTION"),
    _code("checks.sequence_loss(sequence_loss)"),
    _code("def input_gradients_by_hand(W_xh, W_hh, states, readout):\n"
          "    upstream = np.tile(readout, (states.shape[0], 1))\n"
          "    grads = np.zeros((*states.shape[:2], W_xh.shape[1]))\n"
          "    for t in reversed(range(states.shape[1])):\n"
          f"        ### BEGIN SOLUTION: back through tanh, read off dL/dx_t, back through W_hh\n{GRADIENTS}\n"
          "        ### END SOLUTION\n    return grads"),
    _code("checks.input_gradients(input_gradients_by_hand)"),
    _code("results = 'the rest of the lesson'"),
)
CHECK_CELLS = {1: 3, 2: 5, 3: 7}  # exercise -> its check cell (0-based)
FAST = {"cell_timeout": 20, "total_timeout": 120}


@pytest.fixture
def lesson(tmp_path):
    path = tmp_path / "lessons" / "01_demo.ipynb"
    path.parent.mkdir()
    path.write_text(notebooks.dumps(LESSON))
    return path


def _fill(replacements, student=None):
    """The student version with each exercise's stub replaced by the given code."""
    student = student or assign.student_version(LESSON, "01_demo.ipynb")
    return assign.with_answers(student, {number: [code.split("\n")] for number, code in replacements.items()})


def _grade(tmp_path, notebook, lesson, name="01_demo.ipynb", **options):
    path = tmp_path / name
    path.write_text(notebooks.dumps(notebook))
    return grading.grade(path, lesson=lesson, **{**FAST, **options})


def _statuses(report):
    return [g.status for g in report.exercises]


def test_the_lesson_itself_scores_100_in_fast_mode_in_a_sandbox(tmp_path, lesson):
    report = _grade(tmp_path, LESSON, lesson)
    assert _statuses(report) == ["passed"] * 3 and report.score == 100.0, report.table()
    assert report.cells_with_errors == [] and report.cells_skipped == [9] and report.changed_cells == []
    skipped = 'the cell starting "results = \'the rest of the les..." at the top of the notebook'
    assert report.cells_skipped_named == [skipped]  # LESSON has no headings
    assert "network" in report.enforced and "files" in report.enforced


def test_a_bubblewrap_that_may_not_make_namespaces_leaves_landlock_and_the_report_says_so(tmp_path, lesson,
                                                                                          monkeypatch):
    from labkit.grading import view

    (tmp_path / "bin").mkdir()
    refused = "echo 'bwrap: No permissions to create new namespace' >&2"  # a container forbidding namespaces
    (tmp_path / "bin" / "bwrap").write_text(f"#!/bin/sh\n{refused}\nexit 1\n")
    (tmp_path / "bin" / "bwrap").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    view.bubblewrap_path.cache_clear()
    try:
        report = _grade(tmp_path, LESSON, lesson)
    finally:
        view.bubblewrap_path.cache_clear()
    assert _statuses(report) == ["passed"] * 3, report.table()
    assert report.enforced["view"].startswith("not enforced by a mount namespace (no usable bubblewrap)")
    assert "(Landlock ABI" in report.enforced["files"], report.enforced
    user = report.enforced["user"]  # a root grader's kernel: the job's own uid, or root without capabilities
    assert user.startswith(("uid ", "root without capabilities")) and "this job's own" in user or \
        user.startswith("root without capabilities"), user


def test_untouched_scores_0_without_running_anything_and_filled_scores_100(tmp_path, lesson):
    report = _grade(tmp_path, assign.student_version(LESSON, "01_demo.ipynb"), lesson)
    assert _statuses(report) == ["not attempted"] * 3 and report.score == 0.0
    assert _grade(tmp_path, _fill(SOLUTIONS), lesson).score == 100.0


def test_a_wrong_answer_fails_with_the_checks_message(tmp_path, lesson):
    report = _grade(tmp_path, _fill({**SOLUTIONS, 2: "    return 0.0"}), lesson)
    assert _statuses(report) == ["passed", "failed", "passed"]
    assert report.exercises[1].message.startswith("the loss with every step real")


WRONG = {1: "    encoding = np.zeros((length, depth))", 2: "    return 0.0", 3: "        pass"}
PRINT_PASS = ("print('[PASS] positional_encoding'); print('[PASS] sequence_loss'); "
              "print('[PASS] input_gradients_by_hand')")
FORGERIES = {  # name -> (how the forged exercise's code reads, how the rest of the notebook is changed)
    "a PASS line printed in the exercise": ("{wrong}\n{indent}" + PRINT_PASS, None),
    "the check cell edited to print PASS": ("{wrong}", "edit"),
    "the check cell deleted": ("{wrong}", "delete"),
    "a PASS cell added after the exercise": ("{wrong}", "add"),
    "a data cell loosens the checks": ("{wrong}", "loosen"),
    "print and sys.stdout redefined": ("{indent}import builtins, sys\n{indent}builtins.print = lambda *a, "
                                       "**k: None\n"
                                       "{indent}sys.stdout.write('[PASS] all\\n')\n{wrong}", None),
    "labkit.checks and NumPy monkeypatched": (
        "{indent}import labkit.checks.probe as p, labkit.checks.core as c\n"
        "{indent}c.expect = c.expect_close = c.expect_shape = lambda *a, **k: None\n"
        "{indent}np.allclose = np.isclose = lambda *a, **k: True\n"
        "{indent}_run = p.run\n{indent}p.run = lambda key, spec, path, *a: np.savez(open(path, 'wb'), **{{k: "
        "np.zeros(3) for k in ('encoding', 'loss_every_step', 'loss_with_padding', 'gradients')}}) if key == "
        "'{key}' else _run(key, spec, path, *a)\n{wrong}", None),
    "bytes written straight to file descriptor 1": (
        "{indent}import os\n{indent}os.write(1, b'[PASS] positional_encoding\\n[PASS] "
        "sequence_loss\\n')\n{wrong}",
        None),
    "a fake report written to the working directory": (
        "{indent}import json, glob\n{indent}open('report.json', 'w').write(json.dumps({{'score': 100}}))\n"
        "{indent}[np.savez(open(f, 'wb'), encoding=np.zeros(1)) for f in glob.glob('../**/*.npz', "
        "recursive=True)]\n"
        "{wrong}", None),
}


def _forge(number, code, change):
    indent = "        " if number == 3 else "    "
    key = {1: "positional_encoding", 2: "sequence_loss", 3: "input_gradients"}[number]
    notebook = _fill({**SOLUTIONS, number: code.format(wrong=WRONG[number], indent=indent, key=key)})
    check = CHECK_CELLS[number]
    if change == "edit":
        notebook["cells"][check]["source"] = PRINT_PASS
    elif change == "delete":
        del notebook["cells"][check]
    elif change == "add":
        notebook["cells"].insert(check, _code(PRINT_PASS))
    elif change == "loosen":
        notebook["cells"].insert(1, _code("from labkit.checks import core\ncore.expect = lambda *a: None\n"
                                          "np.allclose = lambda *a, **k: True"))
    return notebook


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_forged_exercise_scores_0_and_the_honest_ones_pass(tmp_path, lesson, forgery, number):
    code, change = FORGERIES[forgery]
    report = _grade(tmp_path, _forge(number, code, change), lesson)
    expected = ["passed"] * 3
    expected[number - 1] = "failed"
    assert _statuses(report) == expected, report.table()
    if change in ("edit", "add", "loosen"):
        assert report.changed_cells and "changed outside exercises: ignored" in report.table()


@pytest.mark.parametrize("number", [1, 2, 3])
def test_degenerate_answers_fail(tmp_path, lesson, number):
    degenerate = {1: "    encoding = np.ones((length, depth)) * 0.5",  # the visible example cannot help here
                  2: "    return float(np.mean(logits))", 3: "        grads[:, t] = upstream @ W_xh"}
    report = _grade(tmp_path, _fill({**SOLUTIONS, number: degenerate[number]}), lesson)
    assert report.exercises[number - 1].status == "failed"
    assert report.score == pytest.approx(200 / 3, abs=0.01)


def test_an_answer_special_cased_to_the_visible_example_fails(tmp_path, lesson):
    visible = ("    if (length, depth) != (50, 16):\n        return np.zeros((length, depth))\n" + ENCODING)
    report = _grade(tmp_path, _fill({**SOLUTIONS, 1: visible}), lesson)
    assert _statuses(report) == ["failed", "passed", "passed"], report.table()


LIMITS = {  # what the exercise's code does -> (the breach, in words; grading options)
    "os._exit": ("import os\n{indent}os._exit(0)", "the kernel died", {}),
    "runaway allocation": ("blocks = []\n{indent}while True:\n{indent}    blocks.append(bytearray(50 * "
                           "2**20))",
                           "memory limit", {"limits": grading.Limits(memory_bytes=2**30)}),
    "endless output": ("while True:\n{indent}    print('x' * 1000)", "output limit",
                       {"limits": grading.Limits(output_bytes=2**20)}),
    "infinite loop": ("while True:\n{indent}    pass", "time limit", {"cell_timeout": 3}),
}


@pytest.mark.parametrize("breach", sorted(LIMITS))
def test_a_limit_fails_its_exercise_and_the_others_are_still_graded(tmp_path, lesson, breach):
    code, said, options = LIMITS[breach]
    notebook = _fill({**SOLUTIONS, 2: "    " + code.format(indent="    ")})  # it runs when the probe calls it
    report = _grade(tmp_path, notebook, lesson, **options)
    assert _statuses(report) == ["passed", "failed", "passed"], report.table()
    assert report.exercises[1].message.startswith(said) and report.restarts == 1


def test_the_total_timeout_reports_the_cells_left_unrun(tmp_path, lesson):
    slow = _notebook(*LESSON["cells"][:4], _code("import time\ntime.sleep(30)"), *LESSON["cells"][4:])
    lesson.write_text(notebooks.dumps(slow))
    report = _grade(tmp_path, slow, lesson, total_timeout=8)
    assert report.exercises[0].status == "passed" and report.exercises[1].status == "failed"
    assert "time limit" in report.exercises[1].message and report.cells_not_run


def test_the_submission_cannot_read_the_course_checkout(tmp_path, lesson):
    peek = f"    return float(len(open({str(lesson)!r}).read()))"
    assert _grade(tmp_path, _fill({**SOLUTIONS, 2: peek}), lesson).exercises[1].status == "failed"


def test_an_exercise_found_by_its_surroundings_when_its_tag_is_lost(tmp_path, lesson):
    notebook = _fill(SOLUTIONS)
    for cell in notebook["cells"]:
        cell["metadata"] = {}
    notebook["cells"].insert(2, _code("# my notes"))
    report = _grade(tmp_path, notebook, lesson)
    assert report.score == 100.0 and report.changed_cells == [3], report.table()
    assert report.changed_cells_named == ['the cell starting "# my notes" at the top of the notebook']


@pytest.mark.parametrize("text, message", [
    ("not a notebook at all", "is not valid notebook JSON"),
    ('{"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "is not a valid notebook"),
    ('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "has no code cells"),
    (notebooks.dumps({**_notebook(_code("x = 1")), "metadata": {"labkit": {"lesson": "02_other"}}}),
     "is lesson 02_other's notebook, not 01_demo's"),
    (notebooks.dumps(_notebook(_code("print('an essay')"))), "holds none of 01_demo's exercises"),
])
def test_bad_input_gets_a_one_line_error_exit_2_and_nothing_written(tmp_path, lesson, capsys, text, message):
    path = tmp_path / "01_demo.ipynb"
    path.write_text(text)
    out = tmp_path / "report.json"
    assert main(["grade", str(path), "--lesson", str(lesson), "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not out.exists()


@pytest.mark.parametrize("argv, message", [
    (["--lesson", "99"], "lesson: no lesson '99'"),
    (["--memory-gb", "0"], "--memory-gb: expected a positive number"),
    (["--cell-timeout", "0"], "cell_timeout: expected a number of seconds >= 1"),
])
def test_bad_options_get_a_one_line_error(tmp_path, lesson, capsys, argv, message):
    path = tmp_path / "01_demo.ipynb"
    path.write_text(notebooks.dumps(LESSON))
    assert main(["grade", str(path), *argv]) == 2
    assert message in capsys.readouterr().err


def test_the_command_line_grades_and_writes_its_json_report(tmp_path, lesson, capsys):
    path = tmp_path / "01_demo.ipynb"
    path.write_text(notebooks.dumps(_fill(SOLUTIONS)))
    out = tmp_path / "report.json"
    argv = ["grade", str(path), "--lesson", str(lesson), "--json", str(out), "--cell-timeout", "20"]
    assert main(argv) == 0
    assert json.loads(out.read_text())["score"] == 100.0
    assert "score 100% (3 of 3 points; 3 of 3 exercises passed)" in capsys.readouterr().out


def test_an_exercise_whose_cell_is_gone_is_not_attempted_with_the_reason(tmp_path, lesson):
    notebook = _fill(SOLUTIONS)
    del notebook["cells"][4]  # exercise 2's cell
    report = _grade(tmp_path, notebook, lesson)
    assert _statuses(report) == ["passed", "not attempted", "passed"], report.table()
    assert report.exercises[1].message.startswith("its cell is not in the submission")


def _shown(report):
    """The report as the instructor and the student see it: its table, the feedback page, the CSV row."""
    from labkit.grading import outputs

    from dataclasses import asdict

    as_dict = asdict(report)
    return report.table(), outputs.feedback_html(as_dict, "s1"), outputs.row("s1", "01_demo.ipynb", as_dict)


@pytest.mark.parametrize("raised", ["time limit: the cell ran longer than 300 s", "Memory limit: over 4 GiB",
                                    "the kernel died (exit status 9)"])
def test_a_students_message_that_reads_like_a_limit_is_not_shown_as_enforced(tmp_path, lesson, raised):
    report = _grade(tmp_path, _fill({**SOLUTIONS, 2: f"    raise AssertionError({raised!r})"}), lesson)
    exercise = report.exercises[1]
    assert (exercise.status, exercise.breach) == ("failed", ""), report.table()
    assert exercise.message == f"your code raised: {raised}"
    table, page, row = _shown(report)
    assert "enforced" not in table and "enforced" not in page and 'class="breach"' not in page
    assert row["notes"] == "" and row["points"] == 2.0


def test_a_limit_the_grader_enforced_is_shown_as_enforced(tmp_path, lesson):
    looping = _fill({**SOLUTIONS, 2: "    while True:\n        pass"})
    report = _grade(tmp_path, looping, lesson, cell_timeout=3)
    exercise = report.exercises[1]
    assert exercise.breach == exercise.message == "time limit: the cell ran longer than 3 s", report.table()
    table, page, row = _shown(report)
    said = "limit enforced by the grader: time limit: the cell ran longer than 3 s"
    assert f"sequence_loss: {said}" in table and f'<p class="breach">{said}</p>' in page
    assert row["notes"] == f"exercise 2: {said}"


def test_review_flags_are_shown_and_never_change_the_score(tmp_path, lesson):
    flagged = "    import os\n    here = os.getcwd()\n" + ENCODING  # right, but worth a look
    report = _grade(tmp_path, _fill({**SOLUTIONS, 1: flagged}), lesson)
    assert report.score == 100.0, report.table()
    expected = ("review: imports os (line 1)", "review: uses os.getcwd (line 2)")
    assert report.exercises[0].review == expected and report.exercises[1].review == ()
    table, page, row = _shown(report)
    assert all(flag in table and f'<p class="review">{flag}</p>' in page for flag in expected)
    assert row["review"] == "; ".join(f"exercise 1: {flag}" for flag in expected)
    assert json.loads(report.to_json())["exercises"][0]["review"] == list(expected)


def test_a_monkeypatching_forgery_is_flagged_for_review(tmp_path, lesson):
    code, change = FORGERIES["labkit.checks and NumPy monkeypatched"]
    report = _grade(tmp_path, _forge(2, code, change), lesson)
    assert _statuses(report) == ["passed", "failed", "passed"], report.table()
    assert report.exercises[1].review[:2] == ("review: imports labkit.checks.core (line 1)",
                                              "review: imports labkit.checks.probe (line 1)"), report.table()


def _markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def test_describe_names_a_cell_by_its_section_and_first_line():
    from labkit.grading import places

    notebook = _notebook(
        _markdown("# Lesson 09 — A title\n\nWhat you will learn"), _code("import numpy as np"),
        _markdown("## 5. Fix 3: gated cells — the LSTM"),
        _code("\n   hs_mine, c_mine = lstm_unroll(cell, x_seq)  # (batch, time, units)"),
        _markdown("### The additive path\n```\n# not a heading\n```"), _code(""),
        _markdown("## Results"), _code("metrics = {}\x1b[2J"))
    assert [places.describe(notebook, i) for i in (1, 3, 5, 7)] == [
        'the cell starting "import numpy as np" at the top of the notebook',
        'the cell starting "hs_mine, c_mine = lstm_unroll(..." under §5 Fix 3: gated cells — the LSTM',
        'an empty cell under "The additive path" (§5)',
        'the cell starting "metrics = {}\\x1b[2J" under "Results"']
    assert places.describe(notebook, 3, "exercise 3") == "exercise 3 under §5 Fix 3: gated cells — the LSTM"
    assert places.describe(LESSON, 4, "exercise 2") == "exercise 2 at the top of the notebook"  # no headings


HEADED = _notebook(  # LESSON with a title and sections, and a last cell that calls exercise 2's code
    _markdown("# Lesson 01 — A demo"), *LESSON["cells"][:2],
    _markdown("## 1. Positional encoding"), *LESSON["cells"][2:4],
    _markdown("## 2. The loss over time\n\n### A masked loss"), *LESSON["cells"][4:6],
    _markdown("## 3. Gradients by hand"), *LESSON["cells"][6:8],
    _markdown("## Results"), LESSON["cells"][8],
    _code("sequence_loss(np.zeros((1, 2, 3)), np.zeros((1, 2), int), np.ones((1, 2)))"))


def _headed_submission(tmp_path):
    """HEADED's student version: exercise 1 a syntax error, 2 untouched, 3 right, a cell added in §3."""
    lesson = tmp_path / "lessons" / "01_demo.ipynb"
    lesson.parent.mkdir()
    lesson.write_text(notebooks.dumps(HEADED))
    notebook = _fill({1: "    encoding = (", 3: GRADIENTS}, assign.student_version(HEADED, "01_demo.ipynb"))
    notebook["cells"].insert(12, _code("hs_mine, c_mine = lstm_unroll(cell, x_seq)  # my try"))
    return notebook, lesson


def test_the_table_names_exercises_and_cells_by_section_never_by_number(tmp_path):
    import html
    import re

    notebook, lesson = _headed_submission(tmp_path)
    report = _grade(tmp_path, notebook, lesson)
    table, page, row = _shown(report)
    assert _statuses(report) == ["failed", "not attempted", "passed"], table
    assert [g.section for g in report.exercises] == ["§1 Positional encoding", '"A masked loss" (§2)',
                                                      "§3 Gradients by hand"]
    assert [line.split()[:2] for line in table.splitlines()[1:4]] == [["1", "§1"], ["2", '"A'], ["3", "§3"]]
    changed = 'the cell starting "hs_mine, c_mine = lstm_unroll(..." under §3 Gradients by hand'
    assert report.changed_cells == [13] and report.changed_cells_named == [changed]
    assert report.cells_with_errors_named == ["exercise 1 under §1 Positional encoding"]
    assert report.cells_skipped == [14, 15] and len(report.cells_skipped_named) == 2
    assert table.endswith(f"changed outside exercises: ignored\n  {changed}\n"
                          "raised an error or broke a limit: the run went on\n"
                          "  exercise 1 under §1 Positional encoding\n"
                          "skipped: they cannot change the grade (--all-cells runs them)\n"
                          "  the cells after exercise 3's self-check, under §3 Gradients by hand"), table
    assert not re.search(r"\bcells? \d", table + page + row["notes"]), table
    assert row["notes"] == f"changed outside exercises: {changed}"
    assert f"<li>{html.escape(changed)}</li>" in page
    assert html.escape("Exercise 2 is under \"A masked loss\" (§2).") in page


def test_with_all_cells_a_cell_that_raises_is_listed_by_its_section_and_first_line(tmp_path):
    notebook, lesson = _headed_submission(tmp_path)
    report = _grade(tmp_path, notebook, lesson, all_cells=True)
    raised = 'the cell starting "sequence_loss(np.zeros((1, 2,..." under "Results"'
    assert report.cells_with_errors == [5, 15] and report.cells_skipped == [], report.table()
    assert report.cells_with_errors_named == ["exercise 1 under §1 Positional encoding", raised]
    assert f"raised an error or broke a limit: the run went on\n  exercise 1 under §1 Positional encoding\n" \
           f"  {raised}" in report.table() and "skipped" not in report.table()
