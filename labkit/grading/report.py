"""A submission's grade: per exercise the status and the check's one-line message, and what
the run did (cells changed outside exercises, errors, limits, what the sandbox enforced).

A limit the grader enforced (``breach``) is kept apart from what the student's code raised, and
only a breach is ever shown with ``ENFORCED``'s words; ``review`` lines (:mod:`.review`) are for
the instructor's eye and never change the score.
"""

import json
from dataclasses import asdict, dataclass

ENFORCED = "limit enforced by the grader"  # how a breach is shown, and nothing else
RAISED = "your code raised: "  # before a student's message that reads like a limit's words


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

    def said(self):
        """The message as shown: a breach with ``ENFORCED``'s words, else the check's message."""
        return f"{ENFORCED}: {self.breach}" if self.breach else self.message


@dataclass(frozen=True)
class Report:
    submission: str
    lesson: str
    exercises: list
    points: float
    max_points: float
    score: float  # percent of the points earned
    seconds: float
    changed_cells: list  # 1-based submission cells outside exercises that differ from the student version
    cells_with_errors: list  # 1-based lesson cells that raised or broke a limit
    cells_not_run: list  # stopped by the total time limit
    cells_skipped: list  # after the last check: they cannot change the grade
    restarts: int  # fresh kernels started after a cell broke a limit
    enforced: dict  # what the sandbox enforced, in words

    def table(self):
        rows = [f"{'exercise':>8}  {'cell':>4}  {'points':>9}  {'status':13}  self-check"]
        for g in self.exercises:
            said = ": ".join(filter(None, (g.check, g.said())))
            earned = f"{g.points:.3g} / {g.max_points:.3g}"
            rows.append(f"{g.number:>8}  {g.cell:>4}  {earned:>9}  {g.status:13}  {said}")
            rows += [f"{'':>8}  {'':>4}  {'':>9}  {'':13}  {flag}" for flag in g.review]
        passed = sum(g.status == "passed" for g in self.exercises)
        rows.append(f"score {self.score:.0f}% ({self.points:.3g} of {self.max_points:.3g} points; {passed} "
                    f"of {len(self.exercises)} exercises passed) in {self.seconds:.0f} s, graded against "
                    f"{self.lesson}")
        if self.changed_cells:
            rows.append(f"cells {', '.join(map(str, self.changed_cells))} changed outside exercises: ignored")
        if self.cells_not_run:
            rows.append(f"cells not run (total time limit): {self.cells_not_run}")
        if self.restarts:
            rows.append(f"kernel restarted {self.restarts} time(s) after a cell broke a limit")
        if all(g.status == "not attempted" for g in self.exercises):
            rows.append("no exercise attempted: no cell was run")
        elif self.cells_skipped:
            first, last = self.cells_skipped[0], self.cells_skipped[-1]
            rows.append(f"cells {first}-{last} come after the last self-check and were skipped (they cannot "
                        "change the grade; --all-cells runs them)")
        return "\n".join(rows)

    def to_json(self):
        return json.dumps(asdict(self), indent=1) + "\n"
