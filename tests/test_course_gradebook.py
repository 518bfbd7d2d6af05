"""LMS grades (labkit.course.gradebook): a graded class's points written into the instructor's
Canvas gradebook export, built here to Canvas's documented format (the header, the Points Possible
row, a Manual Posting row, read-only totals), and into Moodle's grade import.

- End to end: ``python -m labkit grade --out --canvas`` grades a 6-submission class with
  test_grade's synthetic lesson (3 points) for a 6-student gradebook. CANVAS_IMPORT is the
  canvas_import.csv it must write: the lesson's column filled in and rescaled to its Points
  Possible, a student with no submission left empty, the unknown submission and the duplicate
  reported, never picked, a submission that could not be graded left as exported.
- The matching rules on grades rows built here: the key column holding the ids, Canvas's download
  names matched by ID, two submissions for one student, ambiguity and no match as errors.
- The column: found by header, title or id, else by the lesson's name, else a new one worth the
  lesson's points; --missing zero; a semicolon-separated export with decimal commas; Moodle.
- A bad gradebook is a one-line error, exit 2, before any grading.
"""

from labkit import notebooks
from labkit.__main__ import main
from labkit.course import gradebook
from labkit.grading import outputs

import csv
import io

import pytest
import test_grade
from test_grade import SOLUTIONS, WRONG, _fill

lesson = test_grade.lesson  # the fixture: test_grade's lesson (3 exercises, 1 point each), in a folder
HEADER = ("Student,ID,SIS User ID,SIS Login ID,Section,Lesson 01 (5001),Quiz 1 (5002),Current Score,"
          "Final Score")
# Canvas's export: a header, a Manual Posting row, the Points Possible row, a row per student. The
# export of two sections merged by hand: Frank, in both, is on two rows.
CANVAS_EXPORT = f"""{HEADER}
,,,,,Manual Posting,,,
    Points Possible,,,,,10.00,5.00,(read only),(read only)
"Lovelace, Ada",101,S001,alice,Section A,,4.00,80.00,80.00
"Babbage, Bob",102,S002,bob,Section A,,3.00,60.00,60.00
"Cray, Carol",103,S003,carol,Section A,,5.00,100.00,100.00
"Dijkstra, Dan",104,S004,dan,Section B,,2.00,40.00,40.00
"Eckert, Erin",105,S005,erin,Section B,,1.00,20.00,20.00
"Fano, Frank",106,S006,frank,Section A,,,,
"Fano, Frank",106,S006,frank,Section B,,,,
"""
# What --assignment 5001 must make of it: Ada 3 of 3 points -> 10 of 10, Bob 2 of 3 -> 6.67, Carol
# 0; Dan handed nothing in, Erin's notebook could not be graded, Frank is on two rows: left as exported.
CANVAS_IMPORT = f"""{HEADER}
,,,,,Manual Posting,,,
    Points Possible,,,,,10.00,5.00,(read only),(read only)
"Lovelace, Ada",101,S001,alice,Section A,10,4.00,80.00,80.00
"Babbage, Bob",102,S002,bob,Section A,6.67,3.00,60.00,60.00
"Cray, Carol",103,S003,carol,Section A,0,5.00,100.00,100.00
"Dijkstra, Dan",104,S004,dan,Section B,,2.00,40.00,40.00
"Eckert, Erin",105,S005,erin,Section B,,1.00,20.00,20.00
"Fano, Frank",106,S006,frank,Section A,,,,
"Fano, Frank",106,S006,frank,Section B,,,,
"""
UNTOUCHED = notebooks.dumps(_fill({}))  # graded 0 without starting a kernel
CLASS = {"alice": notebooks.dumps(_fill(SOLUTIONS)),
         "bob": notebooks.dumps(_fill({**SOLUTIONS, 2: WRONG[2]})),
         "carol": UNTOUCHED, "erin": "{ this is not a notebook", "frank": UNTOUCHED, "zoe": UNTOUCHED}


@pytest.fixture
def folder(tmp_path):
    for student, text in CLASS.items():
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "01_demo.ipynb").write_text(text)
    (tmp_path / "gradebook.csv").write_text(CANVAS_EXPORT)
    return tmp_path / "class"


def test_the_command_line_fills_the_canvas_column_and_reports_the_rest(folder, lesson, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["grade", str(folder), "--out", str(out), "--lesson", str(lesson), "--cell-timeout", "20",
            "--canvas", str(tmp_path / "gradebook.csv"), "--assignment", "5001"]
    assert main(argv) == 0
    assert (out / "canvas_import.csv").read_text() == CANVAS_IMPORT
    printed, report = capsys.readouterr().out, (out / "gradebook_report.txt").read_text()
    assert report in printed
    lines = report.splitlines()
    assert lines[1:4] == ["points rescaled from the lesson's 3 to the column's 10",
                          "matched by SIS Login ID: 3 of 6 submissions written",
                          "no submission, cell left as exported (1): dan (Dijkstra, Dan)"]
    assert lines[4] == "submissions that match nobody (1): zoe"
    assert lines[5].startswith("not graded (grades.csv says why), cell left as exported (1): erin: "
                               "submission: 01_demo.ipynb is not valid notebook JSON")
    assert lines[6] == ("duplicates, cells left as exported (1): frank is on 2 rows (frank (Fano, Frank); "
                        "frank (Fano, Frank))")


def _graded(points):
    """A grades.csv row of a graded submission, as batch.grade_class returns it (the fields used)."""
    return {"points": points, "max_points": 3.0, "notes": ""}


def _written(tmp_path, lesson, text, students_rows, lms="canvas", **options):
    """(the import file's rows, the report's lines) for the gradebook ``text`` and these rows."""
    (tmp_path / "book.csv").write_text(text)
    book = gradebook.read(lms, tmp_path / "book.csv", lesson, **options)
    gradebook.match(book, list(students_rows))
    report = gradebook.write(tmp_path / "out", book, students_rows)
    written = (tmp_path / "out" / gradebook.LMS[lms][2]).read_text()
    return list(csv.reader(io.StringIO(written), delimiter=book.delimiter)), report.splitlines()


@pytest.mark.parametrize("name", ["Lesson 01 (5001)", "lesson 01", "5001"])
def test_assignment_names_the_column_by_header_title_or_id(tmp_path, lesson, name):
    rows, _ = _written(tmp_path, lesson, CANVAS_EXPORT, {"alice": _graded(1.5)}, assignment=name)
    assert rows[3][5] == "5" and rows[0] == HEADER.split(",")  # 1.5 of 3 points is 5 of 10


def test_a_new_column_named_after_the_lesson_worth_its_points_and_missing_zero(tmp_path, lesson):
    rows, lines = _written(tmp_path, lesson, CANVAS_EXPORT, {"alice": _graded(2.5), "bob": _graded(1.0)},
                           missing="zero")
    assert [row[-1] for row in rows] == ["01_demo", "", "3", "2.5", "1", "0", "0", "0", "0", "0"]
    assert [row[:-1] for row in rows] == list(csv.reader(io.StringIO(CANVAS_EXPORT)))
    assert lines[1] == "a new column: points as graded, out of the lesson's 3" and "given 0 (5)" in lines[4]
    assert lines[2] == ("no column is titled '01_demo', so Canvas will make a new assignment; to fill one of "
                        "the export's, name it with --assignment: 'Lesson 01 (5001)', 'Quiz 1 (5002)'")


def test_the_column_titled_as_the_lesson_is_filled_without_assignment(tmp_path, lesson):
    text = CANVAS_EXPORT.replace("Quiz 1 (5002)", "01_demo (5002)")
    rows, lines = _written(tmp_path, lesson, text, {"bob": _graded(2.0)})
    assert rows[4][6] == "3.33" and len(rows[0]) == len(HEADER.split(","))  # 2 of 3 points is 3.33 of 5
    assert lines[1] == "points rescaled from the lesson's 3 to the column's 5"


def test_canvas_download_names_match_by_id_and_two_submissions_for_one_student_are_reported(tmp_path, lesson):
    rows = {"lovelaceada_101_9001": _graded(3.0), "babbagebob_102_9002": _graded(1.0),
            "babbagebob_late_102_9003": _graded(3.0), "someone_999_9004": _graded(3.0)}
    written, lines = _written(tmp_path, lesson, CANVAS_EXPORT, rows, assignment="5001")
    assert (written[3][5], written[4][5]) == ("10", "")
    assert lines[2] == "matched by ID: 1 of 4 submissions written"
    assert lines[4] == "submissions that match nobody (1): someone_999_9004"
    assert lines[6] == ("duplicates, cells left as exported (1): 102 (Babbage, Bob) has 2 submissions "
                        "(babbagebob_102_9002, babbagebob_late_102_9003)")


def test_ids_in_two_key_columns_pairing_other_rows_are_an_error_the_same_rows_are_not(tmp_path, lesson):
    swapped = CANVAS_EXPORT.replace("S001,alice", "bob,alice").replace("S002,bob", "alice,bob")
    (tmp_path / "swapped.csv").write_text(swapped)
    book = gradebook.read("canvas", tmp_path / "swapped.csv", lesson, "5001")
    with pytest.raises(ValueError, match="as many rows .* by SIS User ID as by SIS Login ID, but other rows"):
        gradebook.match(book, ["alice", "bob"])
    same = CANVAS_EXPORT.replace("S001,alice", "alice,alice").replace("S002,bob", "bob,bob")
    written, lines = _written(tmp_path, lesson, same, {"alice": _graded(3.0), "bob": _graded(0.0)},
                              assignment="5001")
    assert (written[3][5], written[4][5]) == ("10", "0") and lines[2].startswith("matched by SIS Login ID")


def test_a_semicolon_separated_export_with_decimal_commas(tmp_path, lesson):
    text = "\n".join(";".join(row) for row in csv.reader(io.StringIO(CANVAS_EXPORT))).replace("10.00", "7,50")
    rows, lines = _written(tmp_path, lesson, text, {"bob": _graded(2.0)}, assignment="5001")
    assert rows[4][5] == "5" and lines[1] == "points rescaled from the lesson's 3 to the column's 7.5"
    assert (tmp_path / "out" / "canvas_import.csv").read_text().split("\n")[3].startswith("Lovelace, Ada;1")


def test_a_cell_a_spreadsheet_would_run_is_quoted_and_numbers_are_not(tmp_path, lesson):
    text = CANVAS_EXPORT.replace('"Lovelace, Ada"', '"=HYPERLINK(""http://x"")"').replace(",4.00,", ",-1.5,")
    rows, _ = _written(tmp_path, lesson, text, {"alice": _graded(3.0)}, assignment="5001")
    assert rows[3][:2] == ["'=HYPERLINK(\"http://x\")", "101"] and rows[3][5:7] == ["10", "-1.5"]


MOODLE_EXPORT = """First name,Last name,ID number,Institution,Department,Email address,\
Assignment: Lesson 01 (Real),Course total (Real),Last downloaded from this course
Ada,Lovelace,S001,,,Ada.Lovelace@example.edu,-,-,1718000000
Bob,Babbage,S002,,,bob.babbage@example.edu,-,-,1718000000
Dan,Dijkstra,S004,,,dan.dijkstra@example.edu,-,-,1718000000
"""


def test_moodle_import_by_email_with_missing_zero(tmp_path, lesson):
    not_graded = outputs.row("bob.babbage@example.edu", "x.ipynb", None, "submission: not a notebook")
    rows = {"ada.lovelace@example.edu": _graded(2.5), "bob.babbage@example.edu": not_graded,
            "eve@example.edu": _graded(3.0)}
    written, lines = _written(tmp_path, lesson, MOODLE_EXPORT, rows, "moodle", assignment="Lesson 01",
                              missing="zero")
    assert written == [["Email address", "Assignment: Lesson 01 (Real)"], ["Ada.Lovelace@example.edu", "2.5"],
                       ["dan.dijkstra@example.edu", "0"]]
    assert lines[1] == "points as graded, out of 3: the file gives the column no maximum"
    assert lines[4:6] == ["submissions that match nobody (1): eve@example.edu",
                          "not graded (grades.csv says why), cell left as exported (1): "
                          "bob.babbage@example.edu: submission: not a notebook"]


@pytest.mark.parametrize("book, argv, message", [
    (None, ["--canvas", "{tmp}/no.csv"], "--canvas: cannot read {tmp}/no.csv (No such file or directory)"),
    ("Student,ID,Section\n".encode("utf-16"), ["--canvas", "{book}"], "--canvas: {book} is not UTF-8 text"),
    (b"", ["--canvas", "{book}"], "--canvas: {book} has no header row"),
    (b"Name,Email,Score\n", ["--canvas", "{book}"], "--canvas: {book} is not Canvas's gradebook export"),
    (b"First name,Last name,Score\n", ["--moodle", "{book}"], "--moodle: {book} has no ID number or Email"),
    (CANVAS_EXPORT.encode(), ["--canvas", "{book}", "--assignment", "Quiz 2"],
     "--assignment: no column of {book} answers to 'Quiz 2' (its assignments: 'Lesson 01 (5001)', "
     "'Quiz 1 (5002)')"),
    (CANVAS_EXPORT.replace("(read only),(read only)\n", "(read only),(read only),(read only)\n").replace(
        "Final Score\n", "Final Score,Attendance (5003)\n").encode(), ["--canvas", "{book}", "--assignment",
                                                                       "Attendance"], "is read only"),
    (CANVAS_EXPORT.replace(",Section ", "0,Section ").encode(), ["--canvas", "{book}"],
     "--canvas: none of the 6 student ids (alice, bob, carol...) is in the SIS Login ID, SIS User ID, ID"),
    (CANVAS_EXPORT.encode(), ["--canvas", "{book}", "--missing", "no"], "--missing: expected blank or zero"),
    (None, ["--assignment", "5001"], "--assignment, --missing: need --canvas or --moodle"),
], ids=["unreadable", "not-utf-8", "empty", "not-canvas", "moodle-without-ids", "no-such-assignment",
        "read-only", "no-id-matches", "bad-missing", "assignment-alone"])
def test_a_bad_gradebook_is_a_one_line_error_before_any_grading(folder, lesson, tmp_path, capsys, book, argv,
                                                                 message):
    if book is not None:
        (tmp_path / "book.csv").write_bytes(book)
    out, names = tmp_path / "out", {"tmp": tmp_path, "book": tmp_path / "book.csv"}
    argv = [a.format(**names) for a in argv]
    assert main(["grade", str(folder), "--out", str(out), "--lesson", str(lesson), *argv]) == 2
    err = capsys.readouterr().err
    assert message.format(**names) in err and err.count("\n") == 1 and not out.exists()


def test_a_gradebook_needs_a_class(folder, lesson, tmp_path, capsys):
    argv = ["grade", str(folder / "alice" / "01_demo.ipynb"), "--lesson", str(lesson), "--canvas", "book.csv"]
    assert main(argv) == 2
    assert capsys.readouterr().err == "labkit grade: --canvas: needs --out DIR (a class to grade)\n"
