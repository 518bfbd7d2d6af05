from labkit import assign, notebooks

import json

import pytest


def _cell(kind, source, **extra):
    cell = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(outputs=[{"output_type": "stream", "name": "stdout", "text": "old\n"}], execution_count=4)
    cell.update(extra)
    return cell


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4,
            "nbformat_minor": 5}


LESSON = _notebook(
    _cell("markdown", "# Title"),
    _cell("code", "import math"),
    _cell("code", "class Cell:\n    def __init__(self):\n        ### BEGIN SOLUTION: make the weights\n"
                  "        self.w = 2.0\n        ### END SOLUTION\n\n    def call(self, x):\n"
                  "        ### BEGIN SOLUTION: multiply x by the weight\n        y = x * self.w\n"
                  "        ### END SOLUTION\n        return y"),
    _cell("code", "print('[PASS] cell')"),
    _cell("code", "### BEGIN SOLUTION - the area of a circle of radius 2\narea = math.pi * 4\n"
                  "### END SOLUTION\nprint(area)"),
)


def test_exercises_are_numbered_per_cell_with_their_hints_and_solution_lines():
    found = assign.exercises(LESSON, "lesson.ipynb")
    assert [(e.number, e.cell) for e in found] == [(1, 2), (2, 4)]
    assert found[0].hints == ("make the weights", "multiply x by the weight")
    assert found[0].solution_lines == ("        self.w = 2.0", "        y = x * self.w")
    assert found[1].hints == ("the area of a circle of radius 2",)


def test_student_version_replaces_regions_with_indented_stubs_and_keeps_the_rest():
    student = assign.student_version(LESSON, "lesson.ipynb")
    source = notebooks.cell_source(student["cells"][2])
    assert source == (
        "class Cell:\n    def __init__(self):\n        # TODO Exercise 1: make the weights\n"
        '        raise NotImplementedError("Exercise 1: make the weights")\n\n    def call(self, x):\n'
        "        # TODO Exercise 1: multiply x by the weight\n"
        '        raise NotImplementedError("Exercise 1: multiply x by the weight")\n        return y')
    assert notebooks.cell_source(student["cells"][4]).startswith(
        '# TODO Exercise 2: the area of a circle of radius 2\nraise NotImplementedError("Exercise 2: ')
    assert student["cells"][2]["metadata"] == {"labkit": {"exercise": 1}}
    assert student["cells"][4]["metadata"] == {"labkit": {"exercise": 2}}
    for cell in student["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert [c["source"] for c in student["cells"][:2]] == [c["source"] for c in LESSON["cells"][:2]]
    assert student["cells"][3]["source"] == LESSON["cells"][3]["source"]
    assert student["metadata"] == {**LESSON["metadata"], "labkit": {"lesson": "lesson"}}  # what it answers
    assert LESSON["cells"][2]["outputs"]  # the lesson itself is untouched
    compile(notebooks.cell_source(student["cells"][2]), "student", "exec")  # still valid Python


def test_no_solution_line_survives_in_the_student_version():
    student_text = json.dumps(assign.student_version(LESSON, "x"))
    for exercise in assign.exercises(LESSON, "x"):
        for line in exercise.solution_lines:
            assert line.strip() not in student_text


def test_assign_writes_student_folder_and_regenerating_changes_nothing(tmp_path):
    lesson = tmp_path / "01_demo.ipynb"
    lesson.write_text(notebooks.dumps(LESSON))
    [written] = assign.assign([lesson])
    assert written == tmp_path / "student" / "01_demo.ipynb"
    first = written.read_text()
    assign.assign([lesson])
    assert written.read_text() == first
    assert json.loads(first)["cells"][2]["metadata"]["labkit"]["exercise"] == 1


@pytest.mark.parametrize("cells, message", [
    ([_cell("code", "### BEGIN SOLUTION: a\nx = 1\n### BEGIN SOLUTION: b\n### END SOLUTION")],
     r"^demo.ipynb: cell 1 \(id c0\): a second ### BEGIN SOLUTION before the ### END SOLUTION of the first"),
    ([_cell("markdown", "intro"), _cell("code", "x = 1\n### END SOLUTION")],
     r"^demo.ipynb: cell 2 \(id c1\): ### END SOLUTION without a ### BEGIN SOLUTION before it"),
    ([_cell("code", "### BEGIN SOLUTION: a\nx = 1")], r"^demo.ipynb: cell 1 \(id c0\): .* is never closed"),
    ([_cell("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION")], r"needs a hint after it"),
    ([_cell("markdown", "### BEGIN SOLUTION: a\n### END SOLUTION")],
     r"^demo.ipynb: cell 1 \(id c0\): solution markers belong in code cells, not markdown cells"),
])
def test_marker_mistakes_give_one_line_errors_naming_notebook_and_cell(cells, message):
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    with pytest.raises(assign.MarkerError, match=message) as error:
        assign.student_version(_notebook(*cells), "demo.ipynb")
    assert "\n" not in str(error.value)


def test_cli_assign_reports_marker_errors_in_one_line(tmp_path, capsys):
    from labkit.__main__ import main

    lesson = tmp_path / "bad.ipynb"
    lesson.write_text(notebooks.dumps(_notebook(_cell("code", "### BEGIN SOLUTION: a\nx = 1"))))
    assert main(["assign", str(lesson)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("labkit assign: bad.ipynb: cell 1: ### BEGIN SOLUTION is never closed")
    assert err.count("\n") == 1


def test_points_are_declared_in_the_begin_marker_and_default_to_one():
    lesson = _notebook(_cell("code", "### BEGIN SOLUTION (2.5 points): the sum\ntotal = 1\n### END SOLUTION"),
                       _cell("code", "### BEGIN SOLUTION: the product\nproduct = 1\n### END SOLUTION"))
    first, second = assign.exercises(lesson, "points.ipynb")
    assert (first.points, first.hints, second.points) == (2.5, ("the sum",), 1.0)
    assert "points" not in notebooks.cell_source(assign.student_version(lesson, "points.ipynb")["cells"][0])
