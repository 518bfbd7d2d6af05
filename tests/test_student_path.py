"""The student's path through every lesson (issue 36, item 7), without running the lessons:
- every exercise has a typical wrong answer among the check tests, failing with its hint;
- an error inside an exercise: its check's one line names the student's line that raised.
(The untouched student notebooks run top to bottom in tests/test_student_notebooks.py.)"""

from labkit import assign, checks, config, notebooks
from labkit.grading.release import check_of

import ast
import json
import textwrap

import pytest

LESSONS = sorted(p.name for p in config.NOTEBOOKS_DIR.glob("0*.ipynb"))
SLIP = "slip = undefined_in_the_exercise  # the student's typo"


def _exercises(lesson):
    nb = notebooks.read(config.NOTEBOOKS_DIR / lesson)
    return nb, [(exercise, check_of(nb, exercise, lesson)) for exercise in assign.exercises(nb, lesson)]


def _slip_tests():
    """check key -> the tests that call ``checks.<key>`` and assert a [FAIL] with a hint: they take
    the ``fails`` fixture, or match the printed line against ``"[FAIL] <name>: "``."""
    found = {}
    for path in sorted((config.REPO_ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            if "fails" in [a.arg for a in node.args.args] or any(
                    str(getattr(c, "value", "")).startswith("[FAIL] ") for c in ast.walk(node)):
                for used in ast.walk(node):
                    if isinstance(used, ast.Attribute) and getattr(used.value, "id", None) == "checks":
                        found.setdefault(used.attr, []).append(f"{path.name}::{node.name}")
    return found


def test_every_exercise_has_a_typical_wrong_answer_that_fails_with_its_hint():
    tested = _slip_tests()
    missing = [f"{lesson[:2]} exercise {exercise.number} ({check.key})" for lesson in LESSONS
               for exercise, check in _exercises(lesson)[1] if check.key not in tested]
    assert not missing, f"exercises with no wrong answer tested against their check (a test that takes the " \
                        f"'fails' fixture or matches '[FAIL] <name>: ', and calls checks.<key>): {missing}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_an_error_inside_an_exercise_names_the_students_line(lesson, tmp_path, capsys):
    """The first exercise whose answer runs inside a function (so the check, not the cell, meets the
    error) gets a typo as its answer's first line."""
    nb, found = _exercises(lesson)
    exercise, check = next((e, c) for e, c in found if e.regions[0].lines[0].startswith(" "))
    cell = nb["cells"][exercise.cell]
    lines = notebooks.cell_source(cell).split("\n")
    first = exercise.regions[0]
    indent = first.lines[0][: len(first.lines[0]) - len(first.lines[0].lstrip())]
    regions = [[textwrap.indent(SLIP, indent), *first.lines], *(list(r.lines) for r in exercise.regions[1:])]
    cell["source"] = "\n".join(assign.replace_regions(lines, exercise, regions)[0])
    copy = tmp_path / lesson
    copy.write_text(json.dumps(nb))
    namespace = notebooks.load_definitions(str(copy), notebooks.names_to_load(nb, check.arguments))
    result = checks.REGISTRY[check.key](*eval(f"[{check.arguments}]", {}, namespace))  # noqa: S307
    out = capsys.readouterr().out
    assert not result and "NameError" in out and f": {SLIP.split('  #')[0]}" in out, \
        f"{lesson} exercise {exercise.number}: the check's line should name the line that raised: {out}"
