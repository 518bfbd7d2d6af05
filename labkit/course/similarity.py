"""Pairs of students ranked by the overlap of their exercise code, each exercise apart (MOSS's question).

    python -m labkit similarity PATH... --out DIR [--lesson NN] [--threshold T] [--top K]

PATH: submissions, found as :func:`batch.collect` finds a class's. Only the code written in place of
each stub counts, read as the grader reads it (:func:`release.answer`). Each statement of it (of a
compound one, the header) is spelled as ``ast.unparse`` spells it, each name the student's code
binds as ``V``, and cut into runs of ``RUN`` tokens, the fingerprints: reformatting, renaming and
reordering statements change none. Fingerprints of the lesson's given code (its student version:
stubs, the cells around them, the other cells) are boilerplate, dropped. On an exercise two students
score the weight of the fingerprints both hold over that of those either holds (0 if either wrote
nothing), a fingerprint weighing log((students + 1) / students holding it), so that what much of the
class writes counts little; the overall score pools the exercises' weights. A matrix product per
exercise scores all pairs. ``DIR/similarity.json`` lists the ``--top`` pairs, highest first, flagged
from ``--threshold``; ``DIR/similarity.html`` also shows each flagged pair side by side, the lines
holding shared fingerprints marked. A score says how much two answers share, not why: short exercises
leave honest students few ways to differ (``bench/similarity_class.py`` measures it on a class).
"""

from labkit import assign, notebooks
from labkit.files import write_text_atomically
from labkit.grading import batch, release

import ast
import builtins
import copy
import html
import io
import json
import keyword
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_LAYOUT = (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
RUN = 5  # tokens per fingerprint
THRESHOLD = 0.8  # overall score from which a pair is flagged
TOP = 50  # pairs listed


@dataclass(frozen=True)
class Code:
    """One student's answer to one exercise: its lines, and {fingerprint: rows of those lines}."""

    lines: tuple
    fingerprints: dict


def _bound_names(tree):
    """The names the syntax tree binds: assigns, loops over, defines, takes as parameters, imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.excepthandler)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def _tokens(text, is_students):
    """[(token, row)] of ``text`` less comments and layout, a name ``is_students`` says is the
    student's as ``V`` (never an attribute or a keyword), up to where ``text`` breaks off."""
    found, previous = [], ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, *_LAYOUT):
                continue
            value = token.string
            if token.type == tokenize.NAME and previous != "." and not keyword.iskeyword(value):
                value = "V" if is_students(value) else value
            found.append((value, token.start[0] - 1))
            previous = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def _statements(text):
    """[(tokens, rows of ``text``)] per statement, as the module's docstring says; where ``text`` does
    not parse, its tokens as written, per line, every name but builtins' the student's."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        lines = {}
        for value, row in _tokens(text, lambda name: not hasattr(builtins, name)):
            lines.setdefault(row, []).append(value)
        return [(tuple(values), {row}) for row, values in lines.items()]
    bound = _bound_names(tree)
    statements = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        header, last = copy.copy(node), node.end_lineno
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            if getattr(node, field, None):
                setattr(header, field, [])
                last = min(last, getattr(node, field)[0].lineno - 1)
        tokens = tuple(value for value, _ in _tokens(ast.unparse(header), bound.__contains__))
        statements.append((tokens, set(range(node.lineno - 1, max(last, node.lineno)))))
    return statements


def fingerprints(text, first_row=0):
    """{fingerprint: rows of ``text`` (counted from ``first_row``)} for every run of ``RUN`` tokens
    inside one statement (a shorter statement is one run)."""
    found = {}
    for tokens, rows in _statements(text):
        for start in range(max(1, len(tokens) - RUN + 1)):
            found.setdefault(hash(tokens[start : start + RUN]), set()).update(r + first_row for r in rows)
    return found


def code_of(answer, boilerplate):
    """The :class:`Code` of a :class:`release.Answer` (its regions one after another, a blank line
    between two), less the fingerprints in ``boilerplate``."""
    lines, found = [], {}
    for region in answer.regions or ():
        if lines:
            lines.append("")
        for fingerprint, rows in fingerprints(textwrap.dedent("\n".join(region)), len(lines)).items():
            found.setdefault(fingerprint, set()).update(rows)
        lines += region
    return Code(tuple(lines), {f: rows for f, rows in found.items() if f not in boilerplate})


def read_class(submissions, lesson_path):
    """({student: {exercise number: Code}}, {student: why not compared}) for the ``submissions``
    (:func:`batch.collect`'s) against the lesson at ``lesson_path``."""
    lesson = notebooks.read(lesson_path)
    exercises = assign.exercises(lesson, Path(lesson_path).name)
    given = [notebooks.cell_source(c) for c in assign.student_version(lesson, Path(lesson_path).name)["cells"]
             if c["cell_type"] == "code"]
    boilerplate = {fingerprint for source in given for fingerprint in fingerprints(source)}
    codes, skipped = {}, {}
    for submission in submissions:
        if submission.error:
            skipped[submission.student] = submission.error
            continue
        try:
            notebook = json.loads(submission.path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            notebook = None
        cells = notebook.get("cells") if isinstance(notebook, dict) else None
        if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
            skipped[submission.student] = f"{submission.path.name} is not valid notebook JSON with cells"
            continue
        codes[submission.student] = {e.number: code_of(release.answer(lesson, e, notebook), boilerplate)
                                     for e in exercises}
    return codes, skipped


def _overlaps(sets):
    """(shared, either): for every two of ``sets``, the weight of the members both hold and of those
    either holds, a member weighing log((len(sets) + 1) / how many sets hold it)."""
    column = {}
    for members in sets:
        for member in members:
            column.setdefault(member, len(column))
    held = np.zeros((len(sets), max(len(column), 1)))
    for row, members in enumerate(sets):
        held[row, [column[m] for m in members]] = 1.0
    weight = np.log((len(sets) + 1) / np.maximum(held.sum(axis=0), 1))
    shared = (held * weight) @ held.T
    sizes = held @ weight
    return shared, sizes[:, None] + sizes[None, :] - shared


def rank(codes, threshold=THRESHOLD, top=TOP):
    """(the ``top`` pairs of students in ``codes`` (:func:`read_class`'s), highest overall score
    first, each a dict of ``students``, ``score``, ``exercises`` ({number: score}) and ``flagged``
    (score >= ``threshold``); how many pairs in all are flagged)."""
    students = sorted(codes)
    numbers = sorted({number for answers in codes.values() for number in answers})
    shared_all = either_all = np.zeros((len(students),) * 2)
    per_exercise = {}
    for number in numbers:
        shared, either = _overlaps([codes[s][number].fingerprints.keys() for s in students])
        per_exercise[number] = np.divide(shared, either, out=np.zeros_like(shared), where=either > 0)
        shared_all, either_all = shared_all + shared, either_all + either
    overall = np.divide(shared_all, either_all, out=np.zeros_like(shared_all), where=either_all > 0)
    overall = overall.round(3)
    first, second = np.triu_indices(len(students), k=1)
    scores = overall[first, second]
    order = np.lexsort((second, first, -scores))[:top]
    pairs = [{"students": [students[first[i]], students[second[i]]], "score": float(scores[i]),
              "exercises": {str(n): round(float(per_exercise[n][first[i], second[i]]), 3) for n in numbers},
              "flagged": bool(scores[i] >= threshold)} for i in order]
    return pairs, int((scores >= threshold).sum())


def _sides(pair, codes):
    """The flagged ``pair``'s answers side by side where they share fingerprints, those lines marked."""
    parts = [f"<h3>{' and '.join(html.escape(s) for s in pair['students'])}: {pair['score']:.2f}</h3>"]
    for number, score in pair["exercises"].items():
        answers = [codes[student][int(number)] for student in pair["students"]]
        shared = answers[0].fingerprints.keys() & answers[1].fingerprints.keys()
        marked = [set().union(*(code.fingerprints[f] for f in shared)) for code in answers]
        sides = ("\n".join(f"<mark>{html.escape(line)}</mark>" if row in rows else html.escape(line)
                           for row, line in enumerate(code.lines)) for code, rows in zip(answers, marked))
        if shared:
            parts.append(f"<h4>Exercise {number}: {score:.2f}</h4><div class='sides'>"
                         + "".join(f"<pre>{side}</pre>" for side in sides) + "</div>")
    return "\n".join(parts)


_STYLE = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
          "padding:.2em .5em}.flagged{background:#fde2e2}.sides{display:grid;grid-template-columns:1fr 1fr;"
          "gap:1em}pre{background:#f6f6f6;padding:.5em;overflow-x:auto}mark{background:#ffd54f}")


def page(result, codes):
    """The HTML report of ``result`` (:func:`report`'s dict): self-contained, every text escaped."""
    numbers, lesson = result["exercises"], html.escape(result["lesson"])
    rows = "\n".join(
        f"<tr class='{'flagged' if p['flagged'] else ''}'><td>{i}</td>"
        + "".join(f"<td>{html.escape(student)}</td>" for student in p["students"])
        + "".join(f"<td>{score:.2f}</td>" for score in (p["score"], *p["exercises"].values())) + "</tr>"
        for i, p in enumerate(result["pairs"], 1))
    skipped = "".join(f"<li>{html.escape(student)}: {html.escape(why)}</li>"
                      for student, why in result["not_compared"].items())
    flagged = "\n".join(_sides(p, codes) for p in result["pairs"] if p["flagged"]) or "<p>None.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Similarity: {lesson}</title><style>{_STYLE}</style></head>
<body><h1>Similarity of the exercise code: {lesson}</h1>
<p>{result['students']} students compared; {result['pairs_above_threshold']} pairs score
{result['threshold']:g} or more (flagged). A score is the share of exercise code two students hold in
common (<code>labkit/course/similarity.py</code> says how): how much they share, not why.</p>
{f"<p>Not compared:</p><ul>{skipped}</ul>" if skipped else ""}
<h2>The {len(result['pairs'])} highest pairs</h2>
<table><tr><th>#</th><th>student</th><th>student</th><th>overall</th>
{"".join(f"<th>ex. {n}</th>" for n in numbers)}</tr>
{rows}</table>
<h2>Flagged pairs, side by side</h2>
{flagged}
</body></html>
"""


def report(paths, out, lesson=None, threshold=THRESHOLD, top=TOP):
    """Compare the submissions under ``paths`` and write ``out/similarity.json`` and ``.html``;
    returns the JSON's dict."""
    if not 0 <= threshold <= 1:
        raise ValueError(f"--threshold: expected a score from 0 to 1, got {threshold}")
    if top < 1:
        raise ValueError(f"--top: expected a whole number >= 1, got {top}")
    if Path(out).exists() and not Path(out).is_dir():
        raise ValueError(f"--out: {out} is a file; expected a folder")
    submissions = batch.collect(paths)
    lesson_path = batch.class_lesson(submissions, lesson)
    codes, skipped = read_class(submissions, lesson_path)
    if len(codes) < 2:
        raise ValueError(f"PATH: {len(codes)} readable submission(s) in {', '.join(map(str, paths))}; "
                         "expected at least 2 to compare")
    pairs, flagged = rank(codes, threshold, top)
    result = {"lesson": Path(lesson_path).stem, "threshold": threshold, "run_tokens": RUN,
              "students": len(codes), "not_compared": skipped, "exercises": sorted(codes[min(codes)]),
              "pairs_above_threshold": flagged, "pairs": pairs}
    write_text_atomically(Path(out) / "similarity.json", json.dumps(result, indent=1) + "\n")
    write_text_atomically(Path(out) / "similarity.html", page(result, codes))
    return result
