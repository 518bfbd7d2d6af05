"""The grader on small synthetic lessons (each test starts a kernel: a few seconds)."""

import json

import pytest

from labkit import assign, grade, notebooks


def _code(source):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


DOUBLE = "    return 2 * x"
TOTAL = "total = sum(range(11))"
LESSON = _notebook(
    _code("from labkit import checks"),
    _code("import os\nfrom labkit import config\n"
          "assert config.FAST and os.getcwd() == str(config.REPO_ROOT / 'notebooks')\n"
          "assert 'labkit-grade-' in os.getcwd()"),
    _code(f"def double(x):\n    ### BEGIN SOLUTION: return twice x\n{DOUBLE}\n    ### END SOLUTION"),
    _code("checks.check('double', lambda: checks.expect(double(3) == 6, 'double(3) should be 6'))"),
    _code(f"### BEGIN SOLUTION: the sum of 0..10\n{TOTAL}\n### END SOLUTION"),
    _code("checks.check('total', lambda: checks.expect(total == 55, f'total is {total}, expected 55'))"),
    _code("results = 'the rest of the lesson'"),
)


def _write(tmp_path, name, notebook):
    path = tmp_path / name
    path.write_text(notebooks.dumps(notebook))
    return path


def _fill(student, replacements):
    """The student version with each exercise's stub lines replaced by the given code."""
    filled = json.loads(json.dumps(student))
    for cell in filled["cells"]:
        number = cell.get("metadata", {}).get("labkit", {}).get("exercise")
        if number:
            lines = notebooks.cell_source(cell).split("\n")
            kept = [line for line in lines if "Exercise" not in line]
            at = next(i for i, line in enumerate(lines) if "# TODO" in line)
            kept[at:at] = [replacements[number]]
            cell["source"] = "\n".join(kept)
    return filled


def test_the_lesson_itself_scores_100_and_runs_in_fast_mode_in_a_scratch_folder(tmp_path):
    report = grade.grade(_write(tmp_path, "lesson.ipynb", LESSON), cell_timeout=60, total_timeout=120)
    assert [(g.number, g.status, g.check) for g in report.exercises] == [(1, "passed", "double"),
                                                                        (2, "passed", "total")]
    assert report.score == 100.0 and report.cells_with_errors == [] and report.cells_not_run == []


def test_cells_after_the_last_self_check_are_skipped_unless_all_cells_are_asked_for(tmp_path):
    lesson = _notebook(*LESSON["cells"], _code("raise RuntimeError('the slow rest of the lesson')"))
    path = _write(tmp_path, "lesson.ipynb", lesson)
    report = grade.grade(path, cell_timeout=60, total_timeout=120)
    assert report.score == 100.0 and report.cells_skipped == [7, 8] and report.cells_with_errors == []
    assert "cells 7-8 come after the last self-check and were skipped" in report.table()
    everything = grade.grade(path, cell_timeout=60, total_timeout=120, all_cells=True)
    assert everything.score == 100.0 and everything.cells_skipped == []
    assert everything.cells_with_errors == [8]


def test_untouched_student_version_scores_0_with_every_exercise_not_attempted(tmp_path, capsys):
    from labkit.__main__ import main

    student = _write(tmp_path, "student.ipynb", assign.student_version(LESSON, "lesson.ipynb"))
    out = tmp_path / "report.json"
    assert main(["grade", str(student), "--json", str(out), "--cell-timeout", "60"]) == 0
    report = json.loads(out.read_text())
    assert report["score"] == 0.0
    assert [g["status"] for g in report["exercises"]] == ["not attempted", "not attempted"]
    assert "score 0% (0 of 2 exercises passed)" in capsys.readouterr().out


def test_a_student_version_filled_with_the_solutions_scores_100(tmp_path):
    student = assign.student_version(LESSON, "lesson.ipynb")
    filled = _write(tmp_path, "filled.ipynb", _fill(student, {1: DOUBLE, 2: TOTAL}))
    report = grade.grade(filled, cell_timeout=60)
    assert report.score == 100.0, report.table()


def test_a_wrong_answer_fails_with_the_self_checks_message(tmp_path):
    student = assign.student_version(LESSON, "lesson.ipynb")
    wrong = _write(tmp_path, "wrong.ipynb", _fill(student, {1: DOUBLE, 2: "total = 54"}))
    report = grade.grade(wrong, cell_timeout=60)
    assert (report.exercises[1].status, report.exercises[1].message) == ("failed", "total is 54, expected 55")
    assert report.score == 50.0


def test_an_infinite_loop_is_cut_by_the_cell_timeout_and_the_rest_is_still_graded(tmp_path):
    student = assign.student_version(LESSON, "lesson.ipynb")
    looping = _write(tmp_path, "loop.ipynb", _fill(student, {1: DOUBLE, 2: "while True:\n    pass"}))
    report = grade.grade(looping, cell_timeout=3, total_timeout=120)
    assert report.exercises[0].status == "passed"
    assert report.exercises[1].status == "failed" and "NameError" in report.exercises[1].message
    assert report.cells_with_errors == [5]  # the loop's cell (1-based), stopped


def test_the_total_timeout_reports_the_cells_left_unrun(tmp_path):
    slow = _notebook(*LESSON["cells"][:4], _code("import time\ntime.sleep(30)"), *LESSON["cells"][4:])
    report = grade.grade(_write(tmp_path, "slow.ipynb", slow), cell_timeout=60, total_timeout=8)
    assert report.exercises[0].status == "passed"
    assert report.exercises[1].status == "failed" and "time limit" in report.exercises[1].message
    assert report.cells_not_run and report.score == 50.0


@pytest.mark.parametrize("text, message", [
    ("{not json", "is not valid notebook JSON"),
    ('{"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "is not a valid notebook"),
])
def test_a_malformed_submission_gets_a_one_line_error(tmp_path, capsys, text, message):
    from labkit.__main__ import main

    path = tmp_path / "broken.ipynb"
    path.write_text(text)
    assert main(["grade", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_bad_timeouts_are_refused(tmp_path):
    with pytest.raises(ValueError, match="^cell_timeout: expected a number of seconds >= 1, got 0"):
        grade.grade(_write(tmp_path, "lesson.ipynb", LESSON), cell_timeout=0)
