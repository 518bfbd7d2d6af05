"""Grading a class (labkit.grading.batch) on test_grade's synthetic lesson: a folder per student
with honest, buggy, untouched, forged, malformed and infinite-loop submissions.

- The CSV has the expected rows with --jobs 1, --jobs 2 and through a Dask LocalCluster of two
  worker processes, identical but for the timing column.
- A rerun grades nothing new; a batch killed midway and run again ends with the same CSV.
- The HTML feedback is valid HTML naming every exercise; Gradescope's file has its fields.
- Bad input (an unknown lesson, a roster naming a missing file, a scheduler that does not
  answer) is a one-line error before anything is graded.
- A student id that is a path writes nothing outside --out; a cell a spreadsheet would run is
  quoted; another lesson's notebook and two submissions for one student are rows with their
  one-line error while the rest of the class is graded.
"""

from labkit import notebooks
from labkit.__main__ import main
from labkit.grading import batch, outputs

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import test_grade
from test_grade import SOLUTIONS, WRONG, _fill

FAST = {"cell_timeout": 5, "total_timeout": 120}
lesson = test_grade.lesson  # the fixture: test_grade's lesson, written to a folder
LOOP = "        while True:\n            pass"
CLASS = {  # student -> (their notebook's text, the grades.csv row expected but for the seconds)
    "alice": (notebooks.dumps(_fill(SOLUTIONS)), "1.0,1.0,1.0,3.0,3.0,100.0,,"),
    "bob": (notebooks.dumps(_fill({**SOLUTIONS, 2: WRONG[2]})), "1.0,0.0,1.0,2.0,3.0,66.67,,"),
    "carol": (notebooks.dumps(_fill({})), "0.0,0.0,0.0,0.0,3.0,0.0,,"),
    "dave": (notebooks.dumps(_fill({**SOLUTIONS, 1: WRONG[1] + "\n    print('[PASS] positional_encoding')"})),
             "0.0,1.0,1.0,2.0,3.0,66.67,,"),
    "erin": ("{ this is not a notebook", ",,,0,,0,"),
    "frank": (notebooks.dumps(_fill({**SOLUTIONS, 3: LOOP})),
              "1.0,1.0,0.0,2.0,3.0,66.67,exercise 3: limit enforced by the grader: time limit: the cell ran "
              "longer than 5 s,"),
}


@pytest.fixture
def folder(tmp_path):
    for student, (text, _) in CLASS.items():
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "01_demo.ipynb").write_text(text)
    return tmp_path / "class"


def _rows(out):
    """grades.csv as {student: row text without the seconds}."""
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    columns = [c for c in rows[0] if c not in (*outputs.FIXED_COLUMNS, *outputs.TIMING_COLUMNS)]
    return {row["student"]: ",".join(row[c] for c in columns) for row in rows}


def _expected():
    rows = {student: row for student, (_, row) in CLASS.items()}
    rows["erin"] += "submission: 01_demo.ipynb is not valid notebook JSON"
    return rows


def _grade(folder, lesson, out, **options):
    submissions = batch.collect([folder])
    return batch.grade_class(submissions, lesson, out, options=FAST, progress=False, **options)


def _without_detail(rows):
    return {student: row.split(" (")[0] for student, row in rows.items()}  # JSON errors quote the position


def test_jobs_1_jobs_2_and_a_dask_cluster_give_the_expected_csv(folder, lesson, tmp_path):
    from distributed import LocalCluster

    _grade(folder, lesson, tmp_path / "serial")
    assert _without_detail(_rows(tmp_path / "serial")) == _expected()
    _grade(folder, lesson, tmp_path / "parallel", jobs=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        _grade(folder, lesson, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert _rows(tmp_path / "serial") == _rows(tmp_path / "parallel") == _rows(tmp_path / "dask")


def test_a_rerun_grades_nothing_new_and_force_grades_again(folder, lesson, tmp_path):
    out = tmp_path / "out"
    _grade(folder, lesson, out)
    stamps = {path: path.stat().st_mtime_ns for path in (out / "reports").iterdir()}
    _grade(folder, lesson, out)
    assert {path: path.stat().st_mtime_ns for path in (out / "reports").iterdir()} == stamps
    (folder / "bob" / "01_demo.ipynb").write_text(CLASS["alice"][0])  # bob resubmits
    _grade(folder, lesson, out)
    changed = {path.name for path in (out / "reports").iterdir() if path.stat().st_mtime_ns != stamps[path]}
    assert changed == {"bob.json"} and _rows(out)["bob"] == CLASS["alice"][1]
    _grade(folder, lesson, out, force=True)
    assert all(path.stat().st_mtime_ns != stamps[path] for path in (out / "reports").iterdir())


def test_a_batch_killed_midway_completes_when_run_again(folder, lesson, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "labkit", "grade", str(folder), "--out", str(out), "--lesson",
               str(lesson), "--cell-timeout", "5"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list((out / "reports").glob("*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert 2 <= len(list((out / "reports").glob("*.json"))) < len(CLASS)
    argv = ["grade", str(folder), "--out", str(out), "--lesson", str(lesson), "--cell-timeout", "5"]
    assert main(argv) == 0
    assert _without_detail(_rows(out)) == _expected()


class _Page(HTMLParser):
    """Checks that tags nest and close, and collects the text."""

    VOID = {"meta", "br", "img", "link"}

    def __init__(self):
        super().__init__()
        self.open, self.text, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_the_feedback_page_is_valid_html_naming_every_exercise_and_gradescope_has_its_fields(
        folder, lesson, tmp_path):
    out = tmp_path / "out"
    _grade(folder, lesson, out, formats=("gradescope",))
    page = _Page()
    page.feed((out / "feedback" / "dave.html").read_text())
    text = "".join(page.text)
    assert page.errors == [] and page.open == []
    assert all(f"Exercise {n}: " in text for n in (1, 2, 3)) and "print('[PASS] positional_encoding')" in text
    assert "Exercise 2 is at the top of the notebook." in text  # where it is: the lesson has no headings
    results = json.loads((out / "gradescope" / "dave" / "results.json").read_text())
    assert (results["score"], results["max_score"], len(results["tests"])) == (2.0, 3.0, 3)
    assert {"name", "score", "max_score", "output", "visibility"} <= set(results["tests"][0])
    chromium = shutil.which("chromium")
    if chromium:  # Debian's chromium, where installed: the page renders every exercise
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--dump-dom",
                              (out / "feedback" / "dave.html").as_uri()], capture_output=True, text=True,
                             timeout=60).stdout
        assert all(f'id="exercise-{n}"' in dom for n in (1, 2, 3))


def test_a_roster_names_the_students(folder, lesson, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("file,student\nalice/01_demo.ipynb,s001\n")
    submissions = batch.collect([folder], batch.read_roster(roster))
    assert sorted(s.student for s in submissions) == ["bob", "carol", "dave", "erin", "frank", "s001"]


@pytest.mark.parametrize("argv, message", [
    (["--lesson", "99"], "lesson: no lesson '99'"),
    (["--roster", "{roster}"], "--roster: names files that are not among the submissions: zoe/01_demo.ipynb"),
    (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler: no Dask scheduler answers at tcp://127.0.0.1:9"),
    (["--jobs", "0"], "--jobs: expected a whole number >= 1"),
])
def test_bad_input_is_a_one_line_error_before_any_grading(folder, lesson, tmp_path, capsys, argv, message):
    roster = tmp_path / "roster.csv"
    roster.write_text("file,student\nzoe/01_demo.ipynb,s002\n")
    out = tmp_path / "out"
    argv = [a.format(roster=roster) for a in argv]
    lesson_option = [] if "--lesson" in argv else ["--lesson", str(lesson)]
    assert main(["grade", str(folder), "--out", str(out), *lesson_option, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not (out / "reports").exists()


def test_student_ids_from_folders_and_from_lms_style_file_names(tmp_path):
    export = tmp_path / "export"
    for name in ("alice/01_rnn_from_scratch.ipynb", "smithjohn_12345_67890_01_rnn_from_scratch.ipynb",
                 "bob-01_rnn_from_scratch.ipynb", "carol.ipynb", "alice/.ipynb_checkpoints/old.ipynb"):
        (export / name).parent.mkdir(parents=True, exist_ok=True)
        (export / name).write_text("{}")
    assert sorted(s.student for s in batch.collect([export])) == ["alice", "bob", "carol",
                                                                    "smithjohn_12345_67890"]


def _files(root, leaving_out):
    return {path for path in root.rglob("*") if leaving_out not in path.parents and path != leaving_out}


def test_student_ids_that_are_paths_write_nothing_outside_out(lesson, tmp_path):
    untouched = CLASS["carol"][0]
    ids = {"alice": "../../escaped", "bob": '=HYPERLINK("http://evil.example/","open me")', "carol": "+cmd",
           "dave": "..", "erin": "s002"}
    for folder in (*ids, "back\\slash"):
        (tmp_path / "class" / folder).mkdir(parents=True)
        (tmp_path / "class" / folder / "01_demo.ipynb").write_text(untouched)
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "..x.ipynb").write_text(untouched)  # a file name is an id too
    roster = tmp_path / "roster.csv"
    roster.write_text("file,student\n" + "".join(f'{s}/01_demo.ipynb,"{i.replace(chr(34), 2 * chr(34))}"\n'
                                                 for s, i in ids.items()))
    out = tmp_path / "deep" / "er" / "out"
    out.parent.mkdir(parents=True)
    before = _files(tmp_path, out)
    submissions = batch.collect([tmp_path / "class", tmp_path / "flat"], batch.read_roster(roster))
    batch.grade_class(submissions, lesson, out, options=FAST, progress=False, formats=("gradescope",))
    assert _files(tmp_path, out) == before
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}
    refused = sorted(s for s, row in rows.items() if "expected a name of 1 to 150 bytes" in row["notes"])
    assert refused == ["'=HYPERLINK(\"http://evil.example/\",\"open me\")", "..", "../../escaped", "..x",
                       "back\\slash"]
    assert rows["'+cmd"]["max_points"] == "3.0" and rows["s002"]["max_points"] == "3.0"  # graded
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["+cmd.json", "s002.json"]
    assert (out / "gradescope" / "+cmd" / "results.json").is_file()


@pytest.mark.parametrize("student", ["", ".", "..", "a..b", "../x", "a/b", "a\\b", "a\x00b", "a\nb", "a\x1bb",
                                     "x" * 151])
def test_an_id_that_cannot_name_a_file_gets_a_one_line_error(student):
    problem = outputs.id_problem(student)
    assert problem.startswith("student id ") and "expected a name" in problem and "\n" not in problem
    with pytest.raises(ValueError, match="expected a name"):
        outputs.student_file(Path("out"), "reports", student, ".json")


@pytest.mark.parametrize("student", ["s001", "José García", "+cmd", "smith.john", "x" * 150])
def test_an_id_that_names_a_file_is_kept(student):
    assert outputs.id_problem(student) == ""


def test_csv_cells_a_spreadsheet_would_run_are_quoted_and_numbers_stay_numbers():
    rows = [{"student": student, "submission": "=1+1.ipynb", "points": -1.5, "percent": 0, "notes": note}
            for student, note in (("=HYPERLINK(\"http://x\")", "-2 cells"), ("+cmd", "@SUM(A1)"),
                                  ("-x", "\tx"), ("@x", "\rx"), ("plain", "a note\r= fine"))]
    written = list(csv.DictReader(io.StringIO(outputs.csv_text(rows, []))))
    assert [(r["student"], r["submission"], r["points"], r["percent"], r["notes"]) for r in written] == [
        ("'+cmd", "'=1+1.ipynb", "-1.5", "0", "'@SUM(A1)"), ("'-x", "'=1+1.ipynb", "-1.5", "0", "'\\tx"),
        ("'=HYPERLINK(\"http://x\")", "'=1+1.ipynb", "-1.5", "0", "'-2 cells"),
        ("'@x", "'=1+1.ipynb", "-1.5", "0", "'\\rx"),
        ("plain", "'=1+1.ipynb", "-1.5", "0", "a note\\r= fine")]


def test_another_lessons_notebook_and_two_submissions_for_one_student_are_rows_with_errors(lesson, tmp_path):
    other = _fill(SOLUTIONS)
    other["metadata"]["labkit"] = {"lesson": "02_other"}
    texts = {"alice": CLASS["alice"][0], "bob": notebooks.dumps(other), "carol": CLASS["alice"][0],
             "carol-again": CLASS["bob"][0], "dave": CLASS["bob"][0]}
    for student, text in texts.items():
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "01_demo.ipynb").write_text(text)
    roster = tmp_path / "roster.csv"
    roster.write_text("file,student\ncarol-again/01_demo.ipynb,carol\n")
    submissions = batch.collect([tmp_path / "class"], batch.read_roster(roster))
    out = tmp_path / "out"
    batch.grade_class(submissions, lesson, out, options=FAST, progress=False)
    assert _rows(out) == {
        "alice": CLASS["alice"][1], "dave": CLASS["bob"][1],
        "bob": ",,,0,,0,submission: 01_demo.ipynb is lesson 02_other's notebook, not 01_demo's,",
        "carol": ",,,0,,0,student carol: 2 submissions (carol/01_demo.ipynb, carol-again/01_demo.ipynb); "
                 "expected one (remove the others, or give each its own id in --roster),"}


def test_without_lesson_the_class_answers_the_lesson_most_submissions_name(tmp_path, capsys):
    from labkit import assign, config

    first, second = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))[:2]
    for student, lesson_path in (("alice", first), ("bob", first), ("carol", first), ("dave", second)):
        (tmp_path / "class" / student).mkdir(parents=True)
        shutil.copy(assign.student_path(lesson_path), tmp_path / "class" / student / lesson_path.name)
    out = tmp_path / "out"
    assert main(["grade", str(tmp_path / "class"), "--out", str(out)]) == 0  # untouched: nothing runs
    rows = _rows(out)
    assert {s: row.split(",")[-3] for s, row in rows.items() if s != "dave"} == {"alice": "0.0", "bob": "0.0",
                                                                                 "carol": "0.0"}
    assert f"is lesson {second.stem}'s notebook, not {first.stem}'s" in rows["dave"]
    (tmp_path / "class" / "erin").mkdir()
    shutil.copy(assign.student_path(second), tmp_path / "class" / "erin" / second.name)
    (tmp_path / "class" / "alice" / first.name).unlink()
    with pytest.raises(ValueError, match=f"--lesson: needed, as many submissions name {first.stem} and "):
        batch.class_lesson(batch.collect([tmp_path / "class"]))
