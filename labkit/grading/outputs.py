"""What a class's grading leaves in ``--out``: ``grades.csv``, a JSON report per submission,
Gradescope's ``results.json`` on request, and an HTML feedback page a student can open.

Every file is written atomically, so an interrupted batch leaves whole files only. A student id
names files here only once :func:`id_problem` finds nothing wrong with it, so no id writes outside
``--out``; a text cell of ``grades.csv`` that a spreadsheet would run as a formula is written with a
leading ``'`` (OWASP's advice against CSV injection) and its control characters escaped, numbers
as they are.
"""

from labkit.files import write_text_atomically
from labkit.grading import places
from labkit.grading.report import ENFORCED

import csv
import html
import io
import json
import textwrap

FIXED_COLUMNS = ("student", "submission")
TIMING_COLUMNS = ("seconds",)
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # how a cell a spreadsheet would run starts
MAX_ID_BYTES = 150  # with ".json" and write_text_atomically's temporary name, within a file name's 255


def printable(text):
    """``text`` with each control character written as its escape (``\\x00``): a label, never a path."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def id_problem(student):
    """Why ``student`` cannot name a student's files in ``--out`` (a one-line error), or ""."""
    if (not student or student == "." or any(part in student for part in ("/", "\\", ".."))
            or not student.isprintable() or len(student.encode()) > MAX_ID_BYTES):
        return (f"student id {printable(student[:80])!r}: expected a name of 1 to {MAX_ID_BYTES} bytes "
                "without /, \\, .. or control characters (rename the file, or give it an id in --roster)")
    return ""


def student_file(out, folder, student, suffix):
    """``out/folder/<student><suffix>``; a ValueError for an id that could lead anywhere else."""
    problem = id_problem(student)
    if problem:
        raise ValueError(problem)
    return out / folder / f"{student}{suffix}"


def _cell(value):
    """A text cell with a leading ``'`` if a spreadsheet would run it, and its control characters
    escaped (a row is one line); a number as it is."""
    if not isinstance(value, str):
        return value
    return ("'" if value.startswith(FORMULA) else "") + printable(value)


def csv_text(rows, exercises):
    """``grades.csv``: one row per student, a points column per exercise (``exercise_N``), the
    notes (errors, changed cells, limits enforced) and the review lines."""
    columns = [*FIXED_COLUMNS, *(f"exercise_{n}" for n in exercises), "points", "max_points", "percent",
               *TIMING_COLUMNS, "notes", "review"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["student"]):
        writer.writerow({column: _cell(row.get(column, "")) for column in columns})
    return out.getvalue()


def row(student, submission, report=None, error=""):
    """A ``grades.csv`` row from a report (a dict), or for a submission that could not be graded."""
    if report is None:
        return {"student": student, "submission": submission, "points": 0, "percent": 0, "notes": error}
    notes = []
    if report["changed_cells_named"]:
        notes.append(f"changed outside exercises: {'; '.join(report['changed_cells_named'])}")
    notes += [f"exercise {g['number']}: {_said(g)}" for g in report["exercises"] if g["breach"]]
    review = [f"exercise {g['number']}: {flag}" for g in report["exercises"] for flag in g["review"]]
    return {"student": student, "submission": submission, "points": report["points"],
            "max_points": report["max_points"], "percent": report["score"], "seconds": report["seconds"],
            "notes": "; ".join(notes), "review": "; ".join(review),
            **{f"exercise_{g['number']}": g["points"] for g in report["exercises"]}}


GRADESCOPE_VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")  # Gradescope's words


def gradescope(report, visibility="visible"):
    """Gradescope's autograder ``results.json`` for a report (a dict): a test per exercise, each
    with its status, the check's message and ``visibility`` (one of ``GRADESCOPE_VISIBILITIES``).
    ``max_score`` at the top is labkit's (the lesson's points); Gradescope's spec has none there."""
    tests = [{"name": f"Exercise {g['number']} ({g['check']})", "score": g["points"],
              "max_score": g["max_points"], "status": "passed" if g["status"] == "passed" else "failed",
              "output": _said(g) or g["status"], "visibility": visibility}
             for g in report["exercises"]]
    output = f"{report['score']:.0f}% on {report['lesson']}"
    if report["changed_cells_named"]:
        output += (". Only the code written in place of each exercise is graded; these cells, changed "
                   f"outside the exercises, were ignored: {'; '.join(report['changed_cells_named'])}")
    return {"score": report["points"], "max_score": report["max_points"],
            "execution_time": round(report["seconds"]), "output": output, "tests": tests}


def _said(g):
    """An exercise's message as shown (a report's dict): a breach with ``ENFORCED``'s words."""
    return f"{ENFORCED}: {g['breach']}" if g["breach"] else g["message"]


_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border:1px solid #ccc;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
.passed h2{color:#1a7f37}.failed h2{color:#b3261e}.not-attempted h2{color:#6b6b6b}
.breach{font-weight:bold}.review{color:#8a5300}
pre{background:#f6f8fa;padding:.75rem;overflow-x:auto;white-space:pre-wrap}"""


def feedback_html(report, student):
    """A self-contained page: per exercise its status, the check's message, the code the student
    wrote and what it printed."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{e(report['lesson'])}: feedback for {e(student)}</title>", f"<style>{_STYLE}</style>",
             "</head>", "<body>", f"<h1>{e(report['lesson'])}: {report['points']:.3g} of "
             f"{report['max_points']:.3g} points ({report['score']:.0f}%)</h1>",
             f"<p>Student {e(student)}, graded in {report['seconds']:.0f} s.</p>"]
    if report["changed_cells_named"]:
        parts += ["<p>These cells, changed outside the exercises, were ignored: only the code you wrote in "
                  "place of each exercise is graded.</p>", "<ul>",
                  *(f"<li>{e(name)}</li>" for name in report["changed_cells_named"]), "</ul>"]
    for g in report["exercises"]:
        status, code = g["status"].replace(" ", "-"), textwrap.dedent(g["code"])
        parts += [f'<section class="{status}" id="exercise-{g["number"]}">',
                  f"<h2>Exercise {g['number']}: {e(g['check'])}, {e(g['status'])} ({g['points']:.3g} of "
                  f"{g['max_points']:.3g})</h2>",
                  f'<p class="where">Exercise {g["number"]} is {e(places.phrase(g["section"]))}.</p>',
                  f'<p class="breach">{e(_said(g))}</p>' if g["breach"] else
                  f"<p>{e(g['message'] or 'All checks passed.')}</p>",
                  *(f'<p class="review">{e(flag)}</p>' for flag in g["review"]),
                  "<h3>Your code</h3>", f"<pre><code>{e(code or '(none)')}</code></pre>",
                  "<h3>What it printed</h3>", f"<pre>{e(g['printed'] or '(nothing)')}</pre>", "</section>"]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def write_pages(out, student, report, formats):
    """A graded submission's pages: the HTML feedback, and Gradescope's file if asked for."""
    write_text_atomically(student_file(out, "feedback", student, ".html"), feedback_html(report, student))
    if "gradescope" in formats:
        text = json.dumps(gradescope(report), indent=1) + "\n"
        write_text_atomically(student_file(out, "gradescope", student, "") / "results.json", text)
