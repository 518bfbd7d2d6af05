"""The class report: the page an instructor opens first after grading a class.

    grade_class(...)  # labkit.grading.batch: writes DIR/class.html and DIR/class.json at its end
    class_report.write(out, rows, exercises, lesson)  # the same, from grades.csv's rows and DIR/reports

It is built from what the batch has: ``grades.csv``'s rows (:func:`labkit.grading.outputs.row`)
and the report of each graded submission (``DIR/reports/<student>.json``), and shows

- a headline: how many submissions (graded, ungradable), the mean and median score (``percent`` of
  ``grades.csv``, where an ungradable submission counts 0, as in the gradebook), how many need review;
- per exercise, over the graded submissions: how many passed (earned all its points), failed, or
  left it untouched, its mean points of its maximum, and the five most common failure messages
  with their counts. A failure is grouped by :func:`failure_group` (its numbers written ``#``), and
  each group is shown with one real message and whose it is;
- the score histogram and the seconds each submission took to grade, as PNG figures inline (matplotlib,
  imported only when a report is written), so the page is a single self-contained file;
- the submissions flagged for review: ungradable ones with their error, and rows with notes (limits
  enforced, cells changed outside exercises) or review lines, each linked to its feedback page.

``class.json`` holds every number the page shows. Everything a student controls (ids, messages)
is HTML-escaped, and a link's file name URL-quoted.
"""

from labkit.files import write_text_atomically
from labkit.grading import outputs
from labkit.grading.report import ExerciseGrade

import base64
import bisect
import html
import io
import json
import re
import statistics
from pathlib import Path
from urllib.parse import quote

TOP_FAILURES = 5  # failure groups shown per exercise
SCORE_BINS = SECONDS_BINS = 10  # equal bins from 0 to 100 percent / to the slowest submission
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")  # not the 32 of float32
RAISED_AT = re.compile(r" \((?:in [\w<>.]+, )?line \d+\b.*$")  # labkit.probes.base's " (in f, line 3: y = h)"


def failure_group(message):
    """The group a failure message belongs to: ``message`` with each number written ``#`` (nan and
    inf stay words) and, in a "your code raised ..." message, without the student's line that raised
    (it differs from student to student): "max abs error 0.031 > 1e-05" and "max abs error 2.4 >
    1e-05" are one group."""
    if "your code raised" in message:
        message = RAISED_AT.sub("", message)
    return NUMBER.sub("#", message)


def _histogram(values, high, bins):
    """{"edges": bins + 1 edges from 0 to ``high``, "counts": the values v with edge <= v < next edge};
    ``high`` is counted in the last bin."""
    edges = [round(i * high / bins, 6) for i in range(bins + 1)]
    counts = [0] * bins
    for value in values:
        counts[min(bisect.bisect_right(edges, value) - 1, bins - 1)] += 1
    return {"edges": edges, "counts": counts}


def _exercise(number, reports):
    """An exercise's numbers over the graded submissions (``reports``: {student: report dict})."""
    graded = [(student, ExerciseGrade(**g)) for student, report in sorted(reports.items())
              for g in report["exercises"] if g["number"] == number]
    statuses = [g.status for _, g in graded]
    groups = {}
    for student, g in graded:
        if g.status == "failed":
            said = g.said()
            group = groups.setdefault(failure_group(said), {"count": 0, "example": said, "student": student})
            group["count"] += 1
    ranked = sorted(groups.items(), key=lambda item: -item[1]["count"])  # ties: in the students' order
    failures = [{"group": key, **group} for key, group in ranked[:TOP_FAILURES]]
    first = graded[0][1] if graded else None
    return {"number": number, "check": first and first.check, "max_points": first and first.max_points,
            "graded": len(graded), "passed": statuses.count("passed"), "failed": statuses.count("failed"),
            "not_attempted": statuses.count("not attempted"),
            "pass_rate": statuses.count("passed") / len(graded) if graded else None,
            "mean_points": statistics.fmean(g.points for _, g in graded) if graded else None,
            "failures": failures,
            "other_failures": statuses.count("failed") - sum(f["count"] for f in failures)}


def _flag(row, graded):
    """A row flagged for review: who, the score, why, and the link to the feedback page if graded."""
    why = [text for text in (row.get("notes"), row.get("review")) if text]
    return {"student": row["student"], "percent": row["percent"],
            "why": why if graded else [f"could not be graded: {row['notes']}"],
            "feedback": f"feedback/{quote(row['student'] + '.html', safe='')}" if graded else None}


def summarize(rows, reports, exercises, lesson):
    """``class.json``'s content: ``rows`` are grades.csv's (dicts), ``reports`` {student: report
    dict} for the graded ones, ``exercises`` the lesson's exercise numbers, ``lesson`` its name."""
    rows = sorted(rows, key=lambda row: row["student"])
    if not rows:
        raise ValueError("rows: expected at least one grades.csv row")
    percents = [float(row["percent"]) for row in rows]
    seconds = {row["student"]: float(row["seconds"]) for row in rows if row["student"] in reports}
    times = list(seconds.values())
    slowest = max(seconds, key=seconds.get, default=None)
    flagged = [_flag(row, row["student"] in reports) for row in rows
               if row["student"] not in reports or row.get("notes") or row.get("review")]
    return {
        "lesson": lesson, "submissions": len(rows), "graded": len(reports),
        "ungradable": len(rows) - len(reports),
        "mean_percent": statistics.fmean(percents), "median_percent": statistics.median(percents),
        "need_review": len(flagged), "exercises": [_exercise(number, reports) for number in exercises],
        "score_histogram": _histogram(percents, 100, SCORE_BINS),
        "seconds_histogram": _histogram(times, max(times, default=0) or 1, SECONDS_BINS),
        "seconds": {"median": statistics.median(times) if times else None, "total": sum(times),
                    "slowest": slowest, "slowest_seconds": seconds.get(slowest)},
        "flagged": flagged,
    }


def _figure(histogram, title, xlabel):
    """A histogram as a ``data:image/png;base64,...`` URI."""
    from matplotlib.figure import Figure  # matplotlib loads when a report is written, not on import

    figure = Figure(figsize=(5, 3), layout="constrained")
    axes = figure.add_subplot()
    axes.stairs(histogram["counts"], histogram["edges"], fill=True, color="#4c72b0")
    axes.set(title=title, xlabel=xlabel, ylabel="submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_STYLE = """body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;
text-align:left;vertical-align:top}.headline{font-size:1.2rem}.group{color:#666}.figures{display:flex;
flex-wrap:wrap;gap:1rem}figure{margin:0}ul,ol{margin:.2rem 0;padding-left:1.2rem}"""


def _exercise_rows(exercises):
    e = html.escape
    rows = []
    for x in exercises:
        passed = f"{x['passed']} of {x['graded']} ({x['pass_rate']:.0%})" if x["graded"] else "none graded"
        mean = f"{x['mean_points']:.2f} of {x['max_points']:g}" if x["graded"] else ""
        rows.append(f'<tr id="exercise-{x["number"]}"><td>{x["number"]}</td><td>{e(x["check"] or "")}</td>'
                    f'<td class="passed">{passed}</td><td class="mean-points">{mean}</td>'
                    f'<td class="failed">{x["failed"]}</td>'
                    f'<td class="not-attempted">{x["not_attempted"]}</td></tr>')
    return rows


def _failures(x):
    e = html.escape
    parts = [f'<section id="failures-{x["number"]}"><h3>Exercise {x["number"]} ({e(x["check"] or "")}): '
             "the most common failures</h3>"]
    if not x["failures"]:
        return [*parts, "<p>No graded submission failed it.</p>", "</section>"]
    parts.append("<ol>")
    for f in x["failures"]:
        parts.append(f'<li><strong class="count">{f["count"]}</strong> &times; <q>{e(f["example"])}</q> '
                     f'({e(f["student"])})<br><small class="group">grouped as: {e(f["group"])}</small></li>')
    parts.append("</ol>")
    if x["other_failures"]:
        parts.append(f"<p>and {x['other_failures']} other failure(s) of rarer kinds.</p>")
    return [*parts, "</section>"]


def _flagged_rows(flagged):
    e = html.escape
    rows = []
    for f in flagged:
        who = (f'<a href="{e(f["feedback"])}">{e(f["student"])}</a>' if f["feedback"]
               else f"{e(f['student'])} (no feedback page)")
        why = "".join(f"<li>{e(line)}</li>" for line in f["why"])
        rows.append(f"<tr><td>{who}</td><td>{float(f['percent']):.1f}%</td><td><ul>{why}</ul></td></tr>")
    return rows


def _headline(s):
    return (f'<p class="headline"><strong id="submissions">{s["submissions"]}</strong> submissions '
            f'(<span id="graded">{s["graded"]}</span> graded, <span id="ungradable">{s["ungradable"]}'
            f'</span> could not be graded): mean score <strong id="mean">{s["mean_percent"]:.1f}%</strong>, '
            f'median <strong id="median">{s["median_percent"]:.1f}%</strong>; <a href="#flagged"><strong '
            f'id="need-review">{s["need_review"]}</strong> need review</a>.</p>')


def page(summary):
    """``class.html`` for a summary (:func:`summarize`): one self-contained page."""
    e, s = html.escape, summary
    lesson, seconds = e(s["lesson"]), s["seconds"]
    figures = [(_figure(s["score_histogram"], "Scores", "percent of the points (ungradable: 0)"),
                f"scores: {s['score_histogram']['counts']} submissions per 10 points"),
               (_figure(s["seconds_histogram"], "Time to grade", "seconds per graded submission"),
                f"grading seconds: {s['seconds_histogram']['counts']} submissions per bin")]
    timing = (f"Median {seconds['median']:.1f} s per graded submission (an untouched one runs nothing), "
              f"{seconds['total']:.0f} s summed over them; the slowest: {e(seconds['slowest'])} "
              f"({seconds['slowest_seconds']:.1f} s)." if s["graded"] else
              "No submission was graded.")
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{lesson}: the class report</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
             f"<h1>{lesson}: the class at a glance</h1>",
             _headline(s),
             "<h2>Exercises</h2>", "<p>Over the graded submissions; passed means all of its points.</p>",
             '<table id="exercises"><thead><tr><th>Exercise</th><th>Check</th><th>Passed</th>'
             "<th>Mean points</th><th>Failed</th><th>Not attempted</th></tr></thead><tbody>",
             *_exercise_rows(s["exercises"]), "</tbody></table>",
             *(line for x in s["exercises"] for line in _failures(x)),
             "<h2>Scores and grading time</h2>", '<div class="figures">',
             *(f'<figure><img src="{uri}" alt="{e(alt)}" width="500" height="300"></figure>'
               for uri, alt in figures),
             "</div>", f'<p id="timing">{timing}</p>',
             '<h2 id="flagged">Flagged for review</h2>']
    if s["flagged"]:
        parts += ['<table id="flagged-list"><thead><tr><th>Student</th><th>Score</th><th>Why</th></tr>'
                  "</thead><tbody>", *_flagged_rows(s["flagged"]), "</tbody></table>"]
    else:
        parts.append("<p>None: every submission was graded, with no note and no review line.</p>")
    return "\n".join([*parts, "</body>", "</html>"]) + "\n"


def write(out, rows, exercises, lesson):
    """Write ``out/class.json`` and ``out/class.html`` (atomically) from grades.csv's ``rows`` and
    the reports in ``out/reports``; returns the summary."""
    out, rows = Path(out), list(rows)
    reports = {row["student"]: json.loads(outputs.student_file(out, "reports", row["student"], ".json")
                                          .read_text(encoding="utf-8"))["report"]
               for row in rows if "max_points" in row}
    summary = summarize(rows, reports, exercises, lesson)
    write_text_atomically(out / "class.json", json.dumps(summary, indent=1) + "\n")
    write_text_atomically(out / "class.html", page(summary))
    return summary
