"""The README's generated parts: the results tables and the classroom exercise table.

Each lesson states its results once, in a ``SUMMARY = \"\"\"...\"\"\"`` cell: Markdown whose
``{metric:format}`` fields name keys of its ``results/<lesson>.json``. The exercise table comes
from the lessons' solution regions and the self-check after each. Between the markers::

    <!-- generated: results -->  ...  <!-- end: results -->

``python -m labkit results --readme`` rewrites those parts of README.md;
``tests/test_readme.py`` fails when README.md and the lessons or results files disagree.
"""

from labkit import assign, config, notebooks, results
from labkit.files import write_text_atomically

import ast
import json

README = config.REPO_ROOT / "README.md"
FULL_RESULTS = config.REPO_ROOT / "results"
_MARKERS = "<!-- generated: {0} (python -m labkit results --readme; edit the lessons, not this) -->"
_END = "<!-- end: {0} -->"


def lessons():
    """The lessons' paths, in order."""
    return sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def summary_of(lesson):
    """The string literal a lesson assigns to ``SUMMARY`` (a one-line error if there is not one)."""
    found = []
    for cell in notebooks.read(lesson)["cells"]:
        if cell["cell_type"] != "code" or "SUMMARY" not in notebooks.cell_source(cell):
            continue
        for node in ast.parse(notebooks.cell_source(cell)).body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["SUMMARY"]:
                if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                    raise ValueError(f"{lesson.name}: SUMMARY must be a string literal")
                found.append(node.value.value)
    if len(found) != 1:
        raise ValueError(f"{lesson.name}: expected one SUMMARY = \"\"\"...\"\"\" cell, found {len(found)}")
    return found[0]


def results_part():
    """Every lesson's SUMMARY filled with its committed full-mode results."""
    parts = []
    for lesson in lessons():
        path = FULL_RESULTS / f"{lesson.stem}.json"
        if not path.is_file():
            raise FileNotFoundError(f"{lesson.name}: no full-mode results at {path}; run make results")
        metrics = json.loads(path.read_text(encoding="utf-8"))["metrics"]
        filled = results.render(summary_of(lesson), metrics, strict=True)
        link = f"[`results/{path.name}`](results/{path.name})"
        parts.append(f"**Lesson {lesson.stem[:2]}** ({link})\n\n{filled}")
    return "\n\n".join(parts)


def exercises_part():
    """One row per exercise: lesson, number, what the student writes, what its self-check checks."""
    from labkit.checks import REGISTRY
    from labkit.grading import release

    rows = ["| lesson | exercise | you write | what its self-check checks | points |",
            "|---|---|---|---|---|"]
    for lesson in lessons():
        notebook = notebooks.read(lesson)
        for exercise in assign.exercises(notebook, lesson.name):
            check = REGISTRY[release.check_of(notebook, exercise, lesson.name).key]
            doc = " ".join(check.doc.split()).removeprefix(f"Lesson {lesson.stem[:2]}: ")
            rows.append(f"| {lesson.stem[:2]} | {exercise.number} | `{check.name}` | {doc} "
                        f"| {exercise.points:g} |")
    return "\n".join(rows)


PARTS = {"results": results_part, "exercises": exercises_part}


def _span(text, part):
    begin, end = _MARKERS.format(part), _END.format(part)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"README.md: expected the markers {begin!r} ... {end!r}")
    return start + len(begin), stop


def generated(text=None):
    """README.md's text with every generated part rewritten."""
    text = README.read_text(encoding="utf-8") if text is None else text
    for part, make in PARTS.items():
        start, stop = _span(text, part)
        text = f"{text[:start]}\n{make()}\n{text[stop:]}"
    return text


def stale(text=None):
    """The names of the generated parts that README.md's text does not match."""
    return _compare(README.read_text(encoding="utf-8") if text is None else text)[0]


def _compare(text):
    """(names of the parts that differ, the text with every part generated)."""
    fresh = generated(text)
    return [part for part in PARTS if _slice(text, part) != _slice(fresh, part)], fresh


def _slice(text, part):
    start, stop = _span(text, part)
    return text[start:stop]


def rewrite():
    """Rewrite README.md's generated parts; return the names of those that changed."""
    changed, fresh = _compare(README.read_text(encoding="utf-8"))
    if changed:
        write_text_atomically(README, fresh)
    return changed

