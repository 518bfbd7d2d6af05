"""Classroom mode on the real lessons.

- The committed student notebooks are exactly what ``make student`` generates (no drift), and
  no line of any solution region appears in any of them.
- Grading: an untouched student notebook scores 0% (every exercise "not attempted", nothing run);
  the student notebook with its stubs filled in with the lesson's solution code scores 100%. The
  filled notebook's code is the lesson's code minus the solution markers (comment lines), and the
  grader recovers exactly the solution lines from it, which is asserted: so its grade is also the
  lesson's own grade, without executing the lesson a second time (nbval already executes it).
- Forgery on a real lesson: lesson 01 with one exercise faked and its check cells tampered with.

Grading the filled notebooks executes every lesson in fast mode; they are the slow part of this file.
"""

from labkit import assign, config, grading, notebooks
from labkit.grading import release

from pathlib import Path

import pytest

LESSONS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
_ids = {"ids": lambda path: path.stem}


def _code_cells(notebook):
    return [notebooks.cell_source(cell) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _lines(notebook):
    return {line.strip() for cell in notebook["cells"] for line in notebooks.cell_source(cell).split("\n")}


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_committed_student_notebook_equals_a_freshly_generated_one(lesson):
    committed = assign.student_path(lesson)
    assert committed.exists(), f"{committed} is missing: run make student"
    fresh = notebooks.dumps(assign.student_version(notebooks.read(lesson), lesson.name))
    assert committed.read_text(encoding="utf-8") == fresh, f"{committed} is stale: run make student"


def _public_lines():
    """Lines the lessons show outside every solution region (``])``, or lesson 01's
    ``with tf.GradientTape() as tape:``): a student sees them anyway, so they may recur."""
    public = set()
    for lesson in LESSONS:
        notebook = notebooks.read(lesson)
        regions = {e.cell: e.regions for e in assign.exercises(notebook, lesson.name)}
        for index, cell in enumerate(notebook["cells"]):
            hidden = {i for r in regions.get(index, ()) for i in range(r.begin, r.end + 1)}
            public |= {line.strip() for i, line in enumerate(notebooks.cell_source(cell).split("\n"))
                       if i not in hidden}
    return public


def test_no_solution_line_appears_in_any_student_notebook():
    student_lines = set().union(*(_lines(notebooks.read(assign.student_path(lesson))) for lesson in LESSONS))
    public = _public_lines()
    leaks = [(lesson.name, exercise.number, line.strip())
             for lesson in LESSONS
             for exercise in assign.exercises(notebooks.read(lesson), lesson.name)
             for line in exercise.solution_lines
             if line.strip() and line.strip() in student_lines and line.strip() not in public]
    assert not leaks, f"solution lines found in student notebooks (lesson, exercise, line): {leaks}"


def fill(student, lesson):
    """``student`` with every exercise answered by the lesson's own solution lines."""
    answers = {exercise.number: [region.lines for region in exercise.regions]
               for exercise in assign.exercises(lesson)}
    return assign.with_answers(student, answers)


def _without_markers(source):
    kept = [line for line in source.split("\n") if assign.BEGIN not in line and assign.END not in line]
    return "\n".join(kept)


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_grading_an_untouched_student_notebook_scores_zero(lesson):
    report = grading.grade(assign.student_path(lesson))
    expected = len(assign.exercises(notebooks.read(lesson), lesson.name))
    assert [g.number for g in report.exercises] == list(range(1, expected + 1)), report.table()
    assert report.score == 0 and {g.status for g in report.exercises} == {"not attempted"}, report.table()


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_the_filled_student_notebook_is_the_lesson_and_scores_100(lesson, tmp_path):
    solution = notebooks.read(lesson)
    filled = fill(notebooks.read(assign.student_path(lesson)), solution)
    assert _code_cells(filled) == [_without_markers(source) for source in _code_cells(solution)]
    for exercise in assign.exercises(solution, lesson.name):  # the grader recovers exactly the solution
        assert release.answer(solution, exercise, filled).regions == tuple(r.lines for r in exercise.regions)
    submission = Path(tmp_path) / lesson.name
    submission.write_text(notebooks.dumps(filled), encoding="utf-8")
    report = grading.grade(submission)
    assert report.score == 100, report.table()
    assert len(report.exercises) == len(assign.exercises(solution, lesson.name))


def test_a_forged_exercise_in_a_real_lesson_scores_0_and_the_honest_ones_pass(tmp_path):
    """Lesson 01 with exercise 2 answered by zeros of the right shape plus printed PASS lines, every
    check cell replaced by a print of [PASS], a data cell and an added cell loosening the checks."""
    lesson = config.NOTEBOOKS_DIR / "01_rnn_from_scratch.ipynb"
    solution = notebooks.read(lesson)
    forged = fill(notebooks.read(assign.student_path(lesson)), solution)
    unroll = assign.exercises(solution, lesson.name)[1]
    fake = ["        ys.append(ops.zeros((batch, cell.W_hy.shape[0])))", "        hs.append(h)",
            "        print('[PASS] rnn_unroll')"]
    cell = forged["cells"][unroll.cell]
    cell["source"] = notebooks.cell_source(cell).replace("\n".join(unroll.regions[0].lines), "\n".join(fake))
    for index, source in enumerate(notebooks.cell_source(c) for c in forged["cells"]):
        if source.startswith("checks."):
            forged["cells"][index]["source"] = "print('[PASS] MyRNNCell'); print('[PASS] rnn_unroll')"
    loosen = "from labkit.checks import core\ncore.expect_close = lambda *a, **k: None"
    forged["cells"].insert(2, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                               "source": loosen})
    submission = tmp_path / lesson.name
    submission.write_text(notebooks.dumps(forged), encoding="utf-8")
    report = grading.grade(submission)
    assert [g.status for g in report.exercises] == ["passed", "failed", "passed"], report.table()
    assert report.exercises[1].message.startswith("hidden states at real steps"), report.table()
    assert len(report.changed_cells) == 4 and "changed outside exercises: ignored" in report.table()


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_graded_as_itself_a_lesson_gives_its_own_solution_lines(lesson):
    solution = notebooks.read(lesson)
    for exercise in assign.exercises(solution, lesson.name):
        answer = release.answer(solution, exercise, solution)
        assert answer.attempted and answer.cell == exercise.cell
        regions_without_markers = [region[1:-1] for region in answer.regions]
        assert regions_without_markers == [r.lines for r in exercise.regions]
