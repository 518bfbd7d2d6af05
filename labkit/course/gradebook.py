"""A graded class's points, written into the instructor's Canvas or Moodle gradebook for import.

    python -m labkit grade PATH... --out DIR --canvas GRADEBOOK.csv [--assignment NAME] [--missing blank|zero]
    python -m labkit grade PATH... --out DIR --moodle GRADES.csv [--assignment NAME] [--missing blank|zero]

Canvas: GRADEBOOK.csv is Canvas's gradebook export, read as Canvas's importer reads it: a header
``Student, ID, [SIS User ID, SIS Login ID, [Integration ID]], Section``, a column per assignment
titled ``Title (id)`` besides totals (Current Score...), a ``Points Possible`` row (``(read only)``
under columns Canvas ignores), maybe a ``Muted``/``Manual Posting`` row. ``DIR/canvas_import.csv`` is
that file with the lesson's column filled in, rescaled to its Points Possible: the column --assignment
names (by header, title or id), else the one titled as the lesson, else a new one (Canvas creates it).
Moodle: GRADES.csv is Moodle's grade export (plain text file); ``DIR/moodle_import.csv`` holds its
identifier column and the grade column, for Moodle's CSV grade import (no maximum to rescale to).

Matching, as the roster says: the grader's student ids (--roster, folders, file names) are looked up,
ignoring case, in the key columns (Canvas: SIS Login ID, SIS User ID, ID; Moodle: ID number, Email
address); the class is matched by the column holding most of them. A Canvas download name
(``smithjohn_12345_67890``, ``smithjohn_late_12345_67890``) also offers its user id to Canvas's ID.
It is an error if no column holds an id, or if two hold as many but pair them with other rows.
``DIR/gradebook_report.txt`` (also printed) lists the students with no submission (0 with --missing
zero), the submissions that match nobody, those not graded (grades.csv says why) and the duplicates
(two rows with one key, two submissions for one row). A cell the grader cannot vouch for is left as
exported: no duplicate is picked, no grade erased. The gradebook is read and matched before grading:
a bad one is a one-line ValueError. Text cells are made safe as grades.csv's are
(:mod:`labkit.grading.outputs`).
"""

from labkit import assign, notebooks
from labkit.files import write_text_atomically
from labkit.grading import outputs

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

MISSING = ("blank", "zero")
LMS = {"canvas": ("Canvas", ("SIS Login ID", "SIS User ID", "ID"), "canvas_import.csv"),
       "moodle": ("Moodle", ("ID number", "Email address"), "moodle_import.csv")}  # name, key columns, output
_CANVAS_TOTALS = re.compile("Current Score|Current Points|Current Grade|Final Score|Final Points|"
                            "Final Grade|Override Score|Override Grade|Override Status")  # not assignments
_CANVAS_TITLE_AND_ID = re.compile(r"(.*)\s\((\d+)\)")
_CANVAS_NOT_A_STUDENT = re.compile(r"\s*(Muted|Manual Posting.*)?\s*", re.IGNORECASE)
_CANVAS_DOWNLOAD = re.compile(r"[^_]+_(?:late_)?(\d+)_\d+", re.IGNORECASE)  # name_[late_]userid_fileid
_MOODLE_ITEM = re.compile(r"((?:.+?: )?(.+)) \([^()]+\)")  # "Assignment: Lab 01 (Real)"


@dataclass
class Gradebook:
    lms: str  # a key of LMS
    path: Path
    rows: list  # every row as read, the header first
    delimiter: str
    students: list  # the student rows' indices
    keys: dict  # key column -> its index, in the order of preference
    column: int  # the lesson's column; the header's length for a new one
    title: str  # its header
    points_possible: float | None  # what the column is worth, where the file says
    max_points: float  # the lesson's
    missing: str = "blank"
    assignments: tuple = ()  # the export's assignment columns' headers
    key: str = ""  # the key column the class is matched by (set by match)
    matched: dict = field(default_factory=dict)  # student id -> the rows holding its key


def from_arguments(args, lesson, submissions):
    """The gradebook ``grade --canvas/--moodle`` names, read and matched to the submissions before
    grading; None without either option."""
    lms = "canvas" if args.canvas else "moodle" if args.moodle else None
    if lms is None:
        if args.assignment is not None or args.missing is not None:
            raise ValueError("--assignment, --missing: need --canvas or --moodle (the gradebook at issue)")
        return None
    book = read(lms, args.canvas or args.moodle, lesson, args.assignment, args.missing or "blank")
    match(book, [submission.student for submission in submissions])
    return book


def read(lms, path, lesson, assignment=None, missing="blank"):
    """The ``lms`` gradebook export at ``path``, with its column for ``lesson`` (a lesson's path)."""
    option = f"--{lms}"
    if missing not in MISSING:
        raise ValueError(f"--missing: expected blank or zero, got {missing!r}")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        delimiter = max(",;\t", key=lambda d: len(next(csv.reader([text.partition("\n")[0]], delimiter=d))))
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except OSError as error:
        raise ValueError(f"{option}: cannot read {path} ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{option}: {path} is not UTF-8 text (save it as CSV UTF-8)") from None
    except csv.Error as error:
        raise ValueError(f"{option}: {path} is not valid CSV ({error})") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValueError(f"{option}: {path} has no header row")
    header = [cell.strip() for cell in rows[0]]
    rows = [row + [""] * (len(header) - len(row)) for row in rows]  # Canvas's rows may stop short
    students, columns, possible = (_canvas if lms == "canvas" else _moodle)(option, path, header, rows)
    column = _column(path, columns, assignment or Path(lesson).stem, required=assignment is not None)
    title = Path(lesson).stem if column is None else header[column]
    points_possible = None
    if column is not None and possible is not None:
        if "read only" in rows[possible][column]:
            raise ValueError(f"{option}: column {title!r} of {path} is read only; name an assignment's")
        points_possible = _number(rows[possible][column]) or None  # 0 (extra credit): as graded
    max_points = sum(e.points for e in assign.exercises(notebooks.read(lesson), Path(lesson).name))
    keys = {name: header.index(name) for name in LMS[lms][1] if name in header}
    return Gradebook(lms, Path(path), rows, delimiter, students, keys,
                     len(header) if column is None else column, title, points_possible, max_points, missing,
                     tuple(header[index] for index in columns))


def _canvas(option, path, header, rows):
    """(the student rows, {column: the names it answers to}, the Points Possible row or None)."""
    if len(header) < 4 or "Student" not in header[0] or "ID" not in header[1] or "Section" not in header:
        raise ValueError(f"{option}: {path} is not Canvas's gradebook export: expected a header Student, ID, "
                         f"[SIS User ID, SIS Login ID,] Section, ...; got {', '.join(header[:5])}")
    columns = {}
    for index in range(header.index("Section") + 1, len(header)):
        if header[index] and not _CANVAS_TOTALS.search(header[index]):
            title_and_id = _CANVAS_TITLE_AND_ID.fullmatch(header[index])
            columns[index] = {header[index], *(title_and_id.groups() if title_and_id else ())}
    possible, students = None, []
    for index, row in enumerate(rows[1:], 1):
        if row and "Points Possible" in row[0]:
            possible = index
        elif not all(_CANVAS_NOT_A_STUDENT.fullmatch(cell) for cell in row):
            students.append(index)
    return students, columns, possible


def _moodle(option, path, header, rows):
    """(the student rows, {column: the names it answers to}, None: no row gives the maximum)."""
    if not set(LMS["moodle"][1]) & set(header):
        raise ValueError(f"{option}: {path} has no ID number or Email address column: expected Moodle's "
                         "grade export (plain text file) with either user field")
    columns = {index: {name, *item.groups()} for index, name in enumerate(header)
               if (item := _MOODLE_ITEM.fullmatch(name)) and not name.startswith("Course total")}
    return [i for i, row in enumerate(rows[1:], 1) if any(cell.strip() for cell in row)], columns, None


def _column(path, columns, name, required):
    """The column answering to ``name`` (ignoring case), or None (a new one) unless ``required``."""
    found = [index for index, names in columns.items() if name.casefold() in {n.casefold() for n in names}]
    if len(found) > 1:
        raise ValueError(f"--assignment: {len(found)} columns of {path} answer to {name!r}; give the header")
    if not found and required:
        listed = ", ".join(repr(max(names, key=len)) for names in columns.values()) or "none"
        raise ValueError(f"--assignment: no column of {path} answers to {name!r} (its assignments: {listed})")
    return found[0] if found else None


def match(book, students):
    """Match the grader's student ids to ``book``'s rows by the key column holding most of them."""
    found = {}
    for name, index in book.keys.items():
        rows = defaultdict(list)
        for i in book.students:
            if value := book.rows[i][index].strip().casefold():
                rows[value].append(i)
        found[name] = {student: hits for student in students
                       if (hits := next((rows[k] for k in _keys(student, name) if k in rows), None))}
    book.key = max(found, key=lambda name: len(found[name]))  # the first of a tie: the order of preference
    book.matched = found[book.key]
    if not book.matched:
        ids = ", ".join(outputs.printable(s) for s in sorted(students)[:3])
        raise ValueError(f"--{book.lms}: none of the {len(students)} student ids ({ids}...) is in the "
                         f"{', '.join(book.keys)} column of {book.path}; name them by one with --roster")
    for name, hits in found.items():
        if name != book.key and len(hits) == len(book.matched) and hits != book.matched:
            raise ValueError(f"--{book.lms}: the student ids match as many rows of {book.path} by {name} as "
                             f"by {book.key}, but other rows; name the students by one of them with --roster")


def _keys(student, column):
    """The values a student id may take in a key column: itself, and in Canvas's ID column the user
    id a Canvas download name carries."""
    download = _CANVAS_DOWNLOAD.fullmatch(student) if column == "ID" else None
    return [student.casefold(), *download.groups()] if download else [student.casefold()]


def write(out, book, rows):
    """Write the import file and ``gradebook_report.txt`` into ``out`` from grades.csv's ``rows``
    ({student: row}, as :func:`labkit.grading.batch.grade_class` returns them); returns the report."""
    values, lines = _decide(book, rows)
    name, _, output = LMS[book.lms]
    text = _canvas_text(book, values) if book.lms == "canvas" else _moodle_text(book, values)
    target = write_text_atomically(Path(out) / output, text)
    most = _text(book.max_points)
    new = book.column == len(book.rows[0])
    if new and book.assignments:  # importing makes a new assignment: say which ones the export has
        lines = [f"no column is titled {book.title!r}, so {name} will make a new assignment; to fill one of "
                 f"the export's, name it with --assignment: {', '.join(map(repr, book.assignments))}", *lines]
    scale = (f"a new column: points as graded, out of the lesson's {most}" if new
             else f"points as graded, out of {most}: the file gives the column no maximum"
             if book.points_possible is None else f"points as graded, out of {most} as the column says"
             if book.points_possible == book.max_points else
             f"points rescaled from the lesson's {most} to the column's {_text(book.points_possible)}")
    report = "\n".join([f"{name} gradebook {book.path} -> {target}, column {book.title!r}", scale, *lines])
    write_text_atomically(Path(out) / "gradebook_report.txt", report + "\n")
    return report + "\n"


def _decide(book, rows):
    """({student row: its new cell}, the report's lines on the matching)."""
    by_row, unknown, duplicates, not_graded = defaultdict(list), [], [], []
    for student in sorted(rows):
        hits = book.matched.get(student, [])
        if len(hits) == 1:
            by_row[hits[0]].append(student)
        elif hits:
            duplicates.append(f"{student} is on {len(hits)} rows ({'; '.join(_who(book, i) for i in hits)})")
        else:
            unknown.append(student)
    values, scale = {}, (book.points_possible or book.max_points) / book.max_points
    for index, students in by_row.items():
        if len(students) > 1:
            duplicates.append(f"{_who(book, index)} has {len(students)} submissions ({', '.join(students)})")
        elif "max_points" not in rows[students[0]]:
            not_graded.append(f"{students[0]}: {rows[students[0]].get('notes', '')}")
        else:
            values[index] = _text(rows[students[0]]["points"] * scale)
    written, touched = len(values), {i for student in rows for i in book.matched.get(student, [])}
    missing = [i for i in book.students if i not in touched]
    if book.missing == "zero":
        values.update({i: "0" for i in missing})
    left = "given 0" if book.missing == "zero" else "cell left as exported"
    return values, [f"matched by {book.key}: {written} of {len(rows)} submissions written",
                    _listed(f"no submission, {left}", [_who(book, i) for i in missing]),
                    _listed("submissions that match nobody", unknown),
                    _listed("not graded (grades.csv says why), cell left as exported", not_graded),
                    _listed("duplicates, cells left as exported", duplicates)]


def _who(book, index):
    """A student row, named by its key and its first cell (Canvas: the student's name)."""
    return f"{book.rows[index][book.keys[book.key]]} ({book.rows[index][0]})"


def _listed(what, items):
    return f"{what} ({len(items)}): {'; '.join(map(outputs.printable, items)) if items else 'none'}"


def _canvas_text(book, values):
    """The export with the lesson's column filled in (a new column: its title, the lesson's points)."""
    table = []
    for index, row in enumerate(map(list, book.rows)):
        if book.column == len(book.rows[0]):
            points_row = index > 0 and row and "Points Possible" in row[0]
            row.append(book.title if index == 0 else _text(book.max_points) if points_row else "")
        if index in values:
            row[book.column] = values[index]
        table.append(row)
    return _csv(table, book.delimiter)


def _moodle_text(book, values):
    """The identifier column and the grade column, a row per student given a grade."""
    key = book.keys[book.key]
    return _csv([[book.key, book.title], *([book.rows[i][key], values[i]] for i in sorted(values))],
                book.delimiter)


def _csv(table, delimiter):
    """The table as CSV, a text cell a spreadsheet would run quoted (numbers and Canvas's "-" as they are)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(
        [cell if cell in ("", "-") or _number(cell) is not None else outputs._cell(cell) for cell in row]
        for row in table)
    return out.getvalue()


def _number(text):
    """A cell's number, read as Canvas reads it (``7,5`` and ``7.5`` alike), or None."""
    if not re.fullmatch(r"\s*-?[0-9.,]*[0-9][0-9.,]*\s*", text):
        return None
    *whole, decimals = re.split(r"[.,]", text.strip())
    return float(f"{''.join(whole)}.{decimals}" if whole else decimals)


def _text(number):
    """A score as written: at most two decimals, as Canvas shows them."""
    return format(round(number, 2), ".15g")
