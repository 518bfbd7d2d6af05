"""A submission's grade: per exercise the status and the check's one-line message, and what
the run did (cells changed outside exercises, errors, limits, what the sandbox enforced).

A limit the grader enforced (``breach``) is kept apart from what the student's code raised, and
only a breach is ever shown with ``ENFORCED``'s words; ``review`` lines (:mod:`.review`) are for
the instructor's eye and never change the score.
"""

from labkit.grading import places

import json
from dataclasses import asdict, dataclass

ENFORCED = "limit enforced by the grader"  # how a breach is shown, and nothing else
RAISED = "your code raised: "  # before a student's message that reads like a limit's words
SECTION_CHARS = 40  # the widest section the table shows whole


@dataclass(frozen=True)
class ExerciseGrade:
    number: int
    cell: int  # 1-based, in the submission; 0 if its cell was not found
    status: str  # "passed", "failed" or "not attempted"
    check: str  # the self-check's key in labkit.checks
    message: str
    points: float  # earned: max_points, or its share of a check's parts passed, or 0
    max_points: float  # what the lesson's BEGIN marker says the exercise is worth (1 by default)
    code: str = ""  # the lines the student wrote in place of the stub(s)
    printed: str = ""  # the start of what the exercise's cell and its check printed
    breach: str = ""  # the reason of the limit the grader enforced on this exercise, or ""
    review: tuple = ()  # "review: ..." lines about the code for the instructor (labkit.grading.review)
    section: str = places.TOP  # the lesson's section the exercise sits under (labkit.grading.places)

    def said(self):
        """The message as shown: a breach with ``ENFORCED``'s words, else the check's message."""
        return f"{ENFORCED}: {self.breach}" if self.breach else self.message


@dataclass(frozen=True)
class Report:
    """The numbers of cells (1-based) are for tools; each ``*_named`` list names the same cells in
    words a student can find them by (:func:`labkit.grading.places.describe`)."""

    submission: str
    lesson: str
    exercises: list
    points: float
    max_points: float
    score: float  # percent of the points earned
    seconds: float
    changed_cells: list  # submission cells outside exercises that differ from the student version
    changed_cells_named: list
    cells_with_errors: list  # lesson cells that raised or broke a limit
    cells_with_errors_named: list
    cells_not_run: list  # lesson cells stopped by the total time limit
    cells_not_run_named: list
    cells_skipped: list  # lesson cells after the last check: they cannot change the grade
    cells_skipped_named: list
    restarts: int  # fresh kernels started after a cell broke a limit
    enforced: dict  # what the sandbox enforced, in words

    def table(self):
        width = max(len("section"), *(len(_cut(g.section)) for g in self.exercises))
        rows = [f"{'exercise':>8}  {'section':{width}}  {'points':>9}  {'status':13}  self-check"]
        for g in self.exercises:
            said = ": ".join(filter(None, (g.check, g.said())))
            earned = f"{g.points:.3g} / {g.max_points:.3g}"
            rows.append(f"{g.number:>8}  {_cut(g.section):{width}}  {earned:>9}  {g.status:13}  {said}")
            rows += [" " * (width + 38) + flag for flag in g.review]
        passed = sum(g.status == "passed" for g in self.exercises)
        rows.append(f"score {self.score:.0f}% ({self.points:.3g} of {self.max_points:.3g} points; {passed} "
                    f"of {len(self.exercises)} exercises passed) in {self.seconds:.0f} s, graded against "
                    f"{self.lesson}")
        rows += _listed("changed outside exercises: ignored", self.changed_cells_named)
        rows += _listed("raised an error or broke a limit: the run went on", self.cells_with_errors_named)
        if self.restarts:
            rows.append(f"kernel restarted {self.restarts} time(s) after a cell broke a limit")
        rows += _listed("not run: the total time limit came first",  # in the last kernel
                        [f"the cells from {name} on" for name in self.cells_not_run_named[:1]])
        attempted = [g for g in self.exercises if g.status != "not attempted"]
        if not attempted:
            rows.append("no exercise attempted: no cell was run")
        elif self.cells_skipped:
            last = attempted[-1]  # the cells after its check were not run
            after = f"the cells after exercise {last.number}'s self-check, {places.phrase(last.section)}"
            rows += _listed("skipped: they cannot change the grade (--all-cells runs them)", [after])
        return "\n".join(rows)

    def to_json(self):
        return json.dumps(asdict(self), indent=1) + "\n"


def _cut(label):
    """A section's label cut to the table's column (``SECTION_CHARS``)."""
    return label if len(label) <= SECTION_CHARS else label[: SECTION_CHARS - 3].rstrip() + "..."


def _listed(title, names):
    """A note of the table: its title, then each cell's name on a line of its own; nothing if no names."""
    return [title, *(f"  {name}" for name in names)] if names else []
