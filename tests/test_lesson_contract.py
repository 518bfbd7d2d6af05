"""The lesson contract (CONTRIBUTING.md), checked for every lesson in notebooks/.

A title cell ("# Lesson NN — …") with "What you will learn"; a setup cell that seeds; 3-6
exercises, each followed by one call of a registered self-check; a committed student version
that names its lesson; a "## Results" cell, a SUMMARY cell and a last cell that only gathers the
metrics and records them (the claims are asserted where they are measured), each assert with a
message saying what it measured and expected; a row in the README's lessons table.
"""

from labkit import assign, colab, config, notebooks, readme, results
from labkit.grading import release

import ast
import json
import re

import pytest

LESSONS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
MIN_EXERCISES, MAX_EXERCISES = 3, 6
_ids = {"ids": lambda path: path.stem}


def test_there_are_lessons():
    assert LESSONS and all(re.fullmatch(r"\d{2}_[a-z0-9_]+", p.stem) for p in LESSONS), LESSONS


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_title_cell_says_what_you_will_learn_and_the_setup_cell_seeds(lesson):
    cells = notebooks.read(lesson)["cells"]
    title, setup = notebooks.cell_source(cells[0]), notebooks.cell_source(cells[2])
    assert cells[0]["cell_type"] == "markdown" and title.startswith(f"# Lesson {lesson.stem[:2]} — ")
    assert "What you will learn" in title
    assert cells[1].get("id") == colab.CELL_ID  # Colab's setup (tests/test_colab.py: up to date)
    assert cells[2]["cell_type"] == "code" and "config.seed_everything(" in setup


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_three_to_six_exercises_each_followed_by_a_registered_self_check(lesson):
    notebook = notebooks.read(lesson)
    exercises = assign.exercises(notebook, lesson.name)
    assert MIN_EXERCISES <= len(exercises) <= MAX_EXERCISES, f"{lesson.name} has {len(exercises)} exercises"
    for exercise in exercises:  # one line naming the cell if the check after an exercise is not one call
        release.check_of(notebook, exercise, lesson.name)


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_a_committed_student_version_names_its_lesson(lesson):
    student = assign.student_path(lesson)
    assert student.is_file(), f"{student} is missing: run make student"
    assert notebooks.read(student)["metadata"]["labkit"]["lesson"] == lesson.stem


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_the_lesson_ends_with_results_summary_and_a_record_cell(lesson):
    *_, heading, summary, last = notebooks.read(lesson)["cells"]
    assert heading["cell_type"] == "markdown" and notebooks.cell_source(heading).startswith("## Results")
    assert notebooks.cell_source(summary).startswith('SUMMARY = """')
    assert last["cell_type"] == "code"
    body = ast.parse(notebooks.cell_source(last)).body
    assert len(body) == 2, (f"{lesson.name}: the last cell only gathers metrics = {{...}} and calls "
                            "results.record(...); assert each claim in the cell that measures it")
    gather, record = body
    assert isinstance(gather, ast.Assign) and ast.unparse(gather.targets[0]) == "metrics"
    assert isinstance(gather.value, ast.Dict), "metrics must be one dict of the numbers measured above"
    assert ast.unparse(record) == f"results.record('{lesson.stem}', metrics, summary=SUMMARY)"


def bare_asserts(notebook):
    """'cell N, line L: <assert>' for every assert without a message in the notebook's code cells."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in notebooks.cell_source(cell).splitlines())
        bare = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Assert) and n.msg is None]
        found += [f"cell {index}, line {node.lineno}: {ast.unparse(node)}" for node in bare]
    return found


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_every_assert_says_what_it_measured_and_expected(lesson):
    bare = bare_asserts(notebooks.read(lesson))
    assert not bare, (f"{lesson.name}: give each assert a message with the measured value and what was "
                      f"expected, e.g. assert ratio > 0.8, f'ratio {{ratio:.2f}}: expected > 0.8': {bare}")


def test_bare_asserts_finds_asserts_without_a_message_at_any_depth():
    cell = {"cell_type": "code", "source": "%time x = 1\nassert x == 1, f'x {x}'\nif x:\n    assert x > 0\n"}
    markdown = {"cell_type": "markdown", "source": "assert nothing"}
    assert bare_asserts({"cells": [markdown, cell]}) == ["cell 1, line 4: assert x > 0"]


FIGURE_MODULES = ("plots", "series_plots", "word_plots", "image_plots")  # labkit's figures, not pyplot's
SHOWN_BY_ITSELF = {"LiveLoss"}  # a callback that updates its own display


def _makes_a_figure(node):
    function = node.func if isinstance(node, ast.Call) else None
    if not isinstance(function, ast.Attribute) or not isinstance(function.value, ast.Name):
        return False
    module, name = function.value.id, function.attr
    labkit_figure = module in FIGURE_MODULES and name not in SHOWN_BY_ITSELF
    return labkit_figure or (module, name) == ("same_clock", "plot")


def hidden_figures(notebook):
    """'cell N, line L: <call>' for every labkit figure a code cell makes and never shows: labkit's
    figures are not pyplot's, so they show only as the cell's last expression or through display()."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        if cell.get("cell_type") != "code":
            continue
        tree = ast.parse(notebooks.cell_source(cell))
        last = tree.body[-1].value if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        displayed = {id(arg) for n in ast.walk(tree) if isinstance(n, ast.Call) and
                     isinstance(n.func, ast.Name) and n.func.id == "display" for arg in n.args}
        found += [f"cell {index}, line {n.lineno}: {ast.unparse(n)[:80]}" for n in ast.walk(tree)
                  if _makes_a_figure(n) and n is not last and id(n) not in displayed]
    return found


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_every_figure_a_lesson_makes_is_shown(lesson):
    hidden = hidden_figures(notebooks.read(lesson))
    assert not hidden, f"{lesson.name}: wrap each in display(...) or make it the cell's last line: {hidden}"


def test_hidden_figures_finds_figures_in_loops_and_before_the_last_line():
    def cell(source):
        return {"cell_type": "code", "source": source}

    notebook = {"cells": [cell("plots.lines(a)"), cell("display(plots.lines(a))\nx = 1"),
                          cell("for a in b:\n    plots.attention(a)"),
                          cell("fig = same_clock.plot(c)\nprint(1)"), cell("plots.LiveLoss('t')\nx = 1")]}
    assert hidden_figures(notebook) == ["cell 2, line 2: plots.attention(a)",
                                        "cell 3, line 1: same_clock.plot(c)"]


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_every_summary_field_is_a_recorded_full_mode_metric(lesson):
    metrics = json.loads((readme.FULL_RESULTS / f"{lesson.stem}.json").read_text(encoding="utf-8"))["metrics"]
    results.render(readme.summary_of(lesson), metrics, strict=True)  # a one-line error names the field


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_the_readme_lessons_table_has_a_row(lesson):
    readme = (config.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| [`{lesson.stem}`](notebooks/{lesson.name}) |" in readme
