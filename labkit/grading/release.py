"""What a submission is graded against: the release lesson, and the program that runs it.

The lesson in the course checkout is the source of truth: its solution regions say where the
exercises are, the ``checks.<name>(...)`` cell after each says how it is checked. From the
submission the grader takes only the code the student wrote in place of each stub: the
exercise cell is found by its tag (``make student`` writes it), else by its resemblance to the
stubbed cell; inside it, the lines between the stub's unchanged neighbours. The program is the
lesson's own code cells with those lines spliced into the regions and each check cell replaced
by a probe (:mod:`labkit.checks.probe`). Every other cell of the submission is ignored and
reported when it differs from the student version.
"""

from labkit import assign, config, notebooks
from labkit.checks import REGISTRY

import ast
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

_NUMBER = re.compile(r"(?<!\d)(\d{2})(?=_)")
_MATCH_AT_LEAST = 0.6  # how much an untagged cell must resemble the exercise cell


def find_lesson(submission, notebook, lesson=None, lessons_dir=None):
    """The release lesson's path: ``lesson`` ('01', '1', a name or a path), else the lesson the
    notebook's metadata names, else the number (``NN_``) in the submission's file name."""
    lessons = sorted(Path(lessons_dir or config.NOTEBOOKS_DIR).glob("*.ipynb"))
    if lesson is not None and str(lesson).endswith(".ipynb"):
        if not Path(lesson).is_file():
            raise ValueError(f"lesson: no notebook at {lesson}")
        return Path(lesson)
    if lesson is not None:
        wanted = str(lesson).zfill(2)
        found = [p for p in lessons if p.stem == wanted or p.stem.startswith(f"{wanted}_")]
        if not found:
            known = ", ".join(p.stem[:2] for p in lessons) or "none"
            raise ValueError(f"lesson: no lesson {lesson!r} (expected one of {known})")
        return found[0]
    named = notebook.get("metadata", {}).get("labkit", {}).get("lesson")
    found = [p for p in lessons if p.stem == named]
    number = _NUMBER.search(Path(submission).name)
    found = found or [p for p in lessons if number and p.stem.startswith(f"{number.group(1)}_")]
    if not found:
        raise ValueError(f"submission: cannot tell which lesson {Path(submission).name} answers; name it "
                         "after the lesson (01_rnn_from_scratch.ipynb) or pass --lesson NN")
    return found[0]


@dataclass(frozen=True)
class Check:
    """Exercise ``number``'s self-check: lesson cell ``cell`` calls ``checks.<key>(<arguments>)``."""

    number: int
    cell: int
    key: str
    arguments: str


def check_of(lesson, exercise, name):
    """The :class:`Check` in the first code cell after ``exercise``; a one-line error if it is not
    a single ``checks.<name>(...)`` call of a registered check."""
    cells = lesson["cells"]
    index = next(i for i in range(exercise.cell + 1, len(cells)) if cells[i]["cell_type"] == "code")
    try:
        [statement] = ast.parse(notebooks.cell_source(cells[index])).body
        call = statement.value
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        assert isinstance(call.func.value, ast.Name) and call.func.value.id == "checks"
        assert call.func.attr in REGISTRY
    except (SyntaxError, ValueError, AssertionError, AttributeError):
        raise ValueError(f"lesson: {name} cell {index + 1} must be one call checks.<name>(...) of a known "
                         f"self-check, after exercise {exercise.number}") from None
    arguments = ", ".join([ast.unparse(a) for a in call.args] + [ast.unparse(k) for k in call.keywords])
    return Check(exercise.number, index, call.func.attr, arguments)


@dataclass(frozen=True)
class Answer:
    """What the submission wrote for one exercise: ``regions`` (lines per region) or None, why
    not, and the submission's cell it came from (0-based, or None)."""

    regions: tuple
    reason: str
    cell: object

    @property
    def attempted(self):
        return self.regions is not None and any(
            assign.is_written(line) for region in self.regions for line in region)


def _lines(cell):
    return notebooks.cell_source(cell).split("\n")


def _resemblance(context, hints, lines):
    """How much ``lines`` look like an exercise cell: 1 if they hold a region's hint (in its stub or
    its BEGIN marker), else the share of the cell's other lines found in them, in order."""
    if any(hint in line for hint in hints for line in lines):
        return 1.0
    matcher = difflib.SequenceMatcher(None, context, lines, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(context), 1)


def answer(lesson, exercise, submission):
    """The student's :class:`Answer` to ``exercise`` in the ``submission`` notebook."""
    lines = _lines(lesson["cells"][exercise.cell])
    template, spans = assign.replace_regions(lines, exercise, assign.stubs(exercise, lines))
    code = [(i, c) for i, c in enumerate(submission["cells"]) if c.get("cell_type") == "code"]
    tagged = [i for i, c in code
              if c.get("metadata", {}).get("labkit", {}).get("exercise") == exercise.number]
    if not tagged:
        context = [line for i, line in enumerate(template) if not any(a <= i < b for a, b in spans)]
        scores = [(_resemblance(context, exercise.hints, _lines(c)), i) for i, c in code]
        score, best = max(scores, default=(0.0, None))
        tagged = [best] if score >= _MATCH_AT_LEAST else []
    if not tagged:
        return Answer(None, "its cell is not in the submission (no tagged cell, none like it)", None)
    submitted = _lines(submission["cells"][tagged[0]])
    matcher = difflib.SequenceMatcher(None, template, submitted, autojunk=False)
    where = {}  # template line -> submitted line, for the lines left as they were
    for block in matcher.get_matching_blocks():
        where.update({block.a + k: block.b + k for k in range(block.size)})
    regions = []
    for start, stop in spans:  # the student's lines lie between the stub's unchanged neighbours
        before = max((where[i] for i in where if i < start), default=-1)
        after = min((where[i] for i in where if i >= stop and where[i] > before), default=len(submitted))
        regions.append(tuple(submitted[before + 1 : after]))
    return Answer(tuple(regions), "", tagged[0])


@dataclass(frozen=True)
class Step:
    """One piece of the program: a lesson cell's code (``probe`` empty) or exercise ``exercise``'s
    probe (``probe`` the check's key). ``exercise`` also marks the cells an exercise owns."""

    cell: int
    source: str
    exercise: object
    probe: str = ""


def program(lesson, exercises, checks, answers, disabled=()):
    """The steps to run: the lesson's code cells, the answers spliced in (the stubs for the
    exercises in ``disabled``), each check cell replaced by a probe."""
    by_cell = {exercise.cell: exercise for exercise in exercises}
    owner = {}
    for exercise, check in zip(exercises, checks):
        owner.update(dict.fromkeys(range(exercise.cell, check.cell), exercise.number))
    check_cells = {check.cell: check for check in checks}
    steps = []
    for index, cell in enumerate(lesson["cells"]):
        if cell["cell_type"] != "code":
            continue
        if index in check_cells:
            check = check_cells[index]
            steps.append(Step(index, check.arguments, check.number, check.key))
            continue
        exercise, lines = by_cell.get(index), _lines(cell)
        if exercise is not None:
            chosen = answers[exercise.number]
            stubbed = exercise.number in disabled or chosen.regions is None
            use = assign.stubs(exercise, lines) if stubbed else [list(region) for region in chosen.regions]
            lines, _ = assign.replace_regions(lines, exercise, use)
        steps.append(Step(index, "\n".join(lines), owner.get(index)))
    return steps


def changed_cells(student, submission, answer_cells):
    """1-based numbers of the submission's code cells, outside the exercises, that are not in the
    student version (edited or added)."""
    given = {notebooks.cell_source(c) for c in student["cells"] if c["cell_type"] == "code"}
    return [i + 1 for i, cell in enumerate(submission["cells"]) if cell.get("cell_type") == "code"
            and i not in answer_cells and notebooks.cell_source(cell) not in given]
