"""Classroom mode, part 1: student versions of the lessons, generated, never edited by hand.

An exercise is a code cell of a lesson holding one or more solution regions, marked with
nbgrader's convention; the text after the BEGIN marker is the hint the student sees, and
``(N points)`` right after it says what the exercise is worth (1 point by default)::

    def call(self, x, h):
        ### BEGIN SOLUTION: h_new = tanh(h W_hh^T + x W_xh^T), then y = h_new W_hy^T
        ...
        ### END SOLUTION
        return y, h_new

:func:`student_version` replaces every region with a TODO comment and
``raise NotImplementedError("Exercise N: <hint>")`` at the region's indentation, numbers the
exercises in notebook order, tags each exercise cell with ``{"labkit": {"exercise": N}}``
metadata (so the grader finds it after the student edits it), and clears every output.
Nothing else changes. ``python -m labkit assign notebooks/*.ipynb`` writes
``notebooks/student/``; ``make student`` runs it.

Marker mistakes (a region never closed, an END without a BEGIN, nested regions, a region with
no hint, markers in a markdown cell) raise a one-line :class:`MarkerError` naming the
notebook and the cell.
"""

from labkit import colab, config, notebooks
from labkit.files import write_text_atomically

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_HINT = re.compile(r"^\s*### BEGIN SOLUTION\s*(?:\((\d+(?:\.\d+)?) points?\))?\s*[:—-]?\s*(.*)$")
STUDENT_DIR = "student"


class MarkerError(ValueError):
    """A solution marker is misplaced; the message names the notebook and the cell."""


@dataclass(frozen=True)
class Region:
    """One solution region: its BEGIN and END marker lines (0-based, in the cell), the hint, the
    solution lines between the markers, and the points its marker declares (None if it does not)."""

    begin: int
    end: int
    hint: str
    lines: tuple
    points: object = None


@dataclass(frozen=True)
class Exercise:
    """Exercise ``number`` (1-based) in code cell ``cell`` (0-based index) with its regions."""

    number: int
    cell: int
    regions: tuple

    @property
    def hints(self):
        return tuple(region.hint for region in self.regions)

    @property
    def points(self):
        """What the exercise is worth: ``### BEGIN SOLUTION (2 points): <hint>``; 1 by default."""
        return next((region.points for region in self.regions if region.points is not None), 1.0)

    @property
    def solution_lines(self):
        return tuple(line for region in self.regions for line in region.lines)


def _regions(lines, where):
    """The :class:`Region` list of the solution regions in ``lines``."""
    regions, begin, hint, points = [], None, "", None
    for i, line in enumerate(lines):
        if BEGIN in line:
            if begin is not None:
                raise MarkerError(f"{where}: a second {BEGIN} before the {END} of the first (nested regions)")
            match = _HINT.match(line)
            hint, points = (match.group(2).strip(), match.group(1)) if match else ("", None)
            if not hint:
                raise MarkerError(f"{where}: {BEGIN} needs a hint after it, e.g. '{BEGIN}: compute h_new'")
            begin = i
        elif END in line:
            if begin is None:
                raise MarkerError(f"{where}: {END} without a {BEGIN} before it")
            regions.append(Region(begin, i, hint, tuple(lines[begin + 1 : i]), points and float(points)))
            begin = None
    if begin is not None:
        raise MarkerError(f"{where}: {BEGIN} is never closed by {END}")
    return regions


def _where(name, index, cell):
    cell_id = cell.get("id")
    return f"{name}: cell {index + 1}" + (f" (id {cell_id})" if cell_id else "")


def exercises(notebook, name="notebook"):
    """The exercises of a notebook dict, checked for marker mistakes."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        source = notebooks.cell_source(cell)
        where = _where(name, index, cell)
        if cell["cell_type"] != "code":
            if BEGIN in source or END in source:
                kind = cell["cell_type"]
                raise MarkerError(f"{where}: solution markers belong in code cells, not {kind} cells")
            continue
        lines = source.split("\n")
        regions = _regions(lines, where)
        if regions:
            found.append(Exercise(len(found) + 1, index, tuple(regions)))
    return found


_RAISE = "raise NotImplementedError("
STUB_MESSAGE = re.compile(r"Exercise (\d+): ([^\n\"]*)")  # (number, hint) in what a stub raises


def stub(number, hint, indent=""):
    """The lines that replace a solution region in the student version: a TODO and a raise."""
    message = json.dumps(f"Exercise {number}: {hint}", ensure_ascii=False)
    return [f"{indent}# TODO Exercise {number}: {hint}", f"{indent}{_RAISE}{message})"]


def is_written(line):
    """Whether a line of an exercise is code someone wrote: not blank, a comment or a stub's raise."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", _RAISE))


def with_answers(student, answers):
    """A copy of the ``student`` notebook with exercise N's stubs replaced by ``answers[N]`` (lines
    for each region), as a student who wrote them would hand it in; other exercises keep theirs."""
    filled = copy.deepcopy(student)
    for cell in filled["cells"]:
        number = cell.get("metadata", {}).get("labkit", {}).get("exercise")
        if number not in answers:
            continue
        regions, lines, after_todo = iter(answers[number]), [], False
        for line in notebooks.cell_source(cell).split("\n"):
            if line.strip().startswith(f"# TODO Exercise {number}:"):
                lines += list(next(regions))
            elif not (after_todo and line.strip().startswith(_RAISE)):
                lines.append(line)
            after_todo = line.strip().startswith(f"# TODO Exercise {number}:")
        cell["source"] = "\n".join(lines)
    return filled


def replace_regions(lines, exercise, replacements):
    """``lines`` of the exercise's cell with region i replaced by ``replacements[i]`` (lines);
    returns (new lines, [(start, stop) of each replacement in them])."""
    kept, spans, position = [], [], 0
    for region, replacement in zip(exercise.regions, replacements):
        kept += lines[position : region.begin]
        spans.append((len(kept), len(kept) + len(replacement)))
        kept += replacement
        position = region.end + 1
    return kept + lines[position:], spans


def stubs(exercise, lines):
    """The stub lines of each region, at the indentation of its BEGIN marker in ``lines``."""
    indents = [lines[r.begin][: len(lines[r.begin]) - len(lines[r.begin].lstrip())] for r in exercise.regions]
    return [stub(exercise.number, region.hint, indent) for region, indent in zip(exercise.regions, indents)]


def student_version(notebook, name="notebook"):
    """A copy of ``notebook`` with every solution region replaced by its stub, outputs cleared;
    the notebook's metadata names the lesson it answers (``labkit.lesson``)."""
    found = {exercise.cell: exercise for exercise in exercises(notebook, name)}
    student = copy.deepcopy(notebook)
    student.setdefault("metadata", {})["labkit"] = {"lesson": Path(name).stem}
    if len(student["cells"]) > 1 and student["cells"][1].get("id") == colab.CELL_ID:  # links to this version
        colab.apply(student, student_path(config.NOTEBOOKS_DIR / Path(name).name))
    for index, cell in enumerate(student["cells"]):
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        exercise = found.get(index)
        if exercise is None:
            continue
        lines = notebooks.cell_source(cell).split("\n")
        kept, _ = replace_regions(lines, exercise, stubs(exercise, lines))
        cell["source"] = [line + "\n" for line in kept[:-1]] + kept[-1:]  # stored as Jupyter does
        cell.setdefault("metadata", {})["labkit"] = {"exercise": exercise.number}
    return student


def student_path(lesson):
    """Where the student version of ``lesson`` goes: ``notebooks/student/<same name>``."""
    lesson = Path(lesson)
    return lesson.parent / STUDENT_DIR / lesson.name


def assign(lessons):
    """Write the student version of each lesson next to it in ``student/``; returns the paths."""
    written = []
    for lesson in map(Path, lessons):
        student = student_version(notebooks.read(lesson), lesson.name)
        target = student_path(lesson)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, notebooks.dumps(student))
        written.append(target)
    return written
