"""Classroom mode, part 2: grade a submission by what its code computes, not by what it prints.

    python -m labkit grade SUBMISSION.ipynb [--lesson NN] [--json OUT] [--cell-timeout S] [--timeout S]
                           [--memory-gb G] [--all-cells]

1. **Against the release** (:mod:`.release`): the lesson in the course checkout says where the
   exercises are and how each is checked; the submission contributes only the lines written in
   place of each stub. Its other cells are ignored (and reported when changed).
2. **In a box** (:mod:`labkit.sandbox`, :mod:`.view`, :mod:`.kernel`): the lesson's cells, with
   those lines spliced in, run in a fresh kernel that sees only an allow-list of files (no course
   checkout, no judges, no other job), as a uid of its own, with no network, writes only in a
   scratch folder, and limits on memory, tasks, disk, output, processes, file size and time, in
   fast mode.
3. **Judged outside** (:mod:`labkit.checks.probe`): each check cell becomes a probe; the grader
   draws its inputs from a seed and sizes chosen here, fresh for every grading run, and sends
   them as arrays; the kernel calls the student's code on them and returns arrays; the judge
   re-computes the answer in NumPy in a bounded child of this process.

A cell that breaks a limit (or kills its kernel) fails the exercise it belongs to with a
one-line reason; the run then starts again in a fresh kernel with that exercise's stub in
place, so the other exercises are still graded. Cells after the last exercise's check are
skipped (they cannot change the grade; ``all_cells=True`` runs them).
"""

from labkit import assign, notebooks
from labkit.checks import probe
from labkit.checks.core import Spec
from labkit.grading import places, release, review
from labkit.grading.kernel import BREACHES, PRINTED_KEPT, Kernel, Limits
from labkit.grading.report import RAISED, ExerciseGrade, Report

import secrets
import shutil
import tempfile
import time
from pathlib import Path

CELL_TIMEOUT, TOTAL_TIMEOUT = 300, 1800
__all__ = ["CELL_TIMEOUT", "TOTAL_TIMEOUT", "ExerciseGrade", "Limits", "Report", "grade"]


def _read_submission(path):
    import warnings

    import nbformat

    try:
        notebook = notebooks.read(path)  # one-line errors for a missing file, bad JSON, no cells
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. cells without ids, which nbformat adds itself
            nbformat.validate(nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4))
    except FileNotFoundError:
        raise ValueError(f"submission: no notebook at {path}") from None
    except ValueError as error:
        raise ValueError(str(error).replace("notebook: ", "submission: ", 1)) from None
    except Exception as error:  # nbformat raises several kinds; all mean the same to a grader
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValueError(f"submission: {path} is not a valid notebook ({first_line})") from None
    if not any(cell.get("cell_type") == "code" for cell in notebook["cells"]):
        raise ValueError(f"submission: {path} has no code cells")
    return notebook


class _Run:
    """One grading run: the program executed, restarted after breaches, probes judged."""

    def __init__(self, lesson, exercises, checks, answers, scratch, limits):
        self.lesson, self.exercises, self.checks, self.answers = lesson, exercises, checks, answers
        self.scratch, self.limits = scratch, limits
        self.verdicts, self.printed, self.errors, self.not_run, self.restarts = {}, {}, {}, set(), 0
        self.enforced = {}  # what the sandbox enforced, as it reported it
        self.breached = set()  # the exercises a breach failed

    def steps(self, disabled, skipped, last_cell):
        attempted = {number for number, a in self.answers.items() if a.attempted}
        return [s for s in release.program(self.lesson, self.exercises, self.checks, self.answers, disabled)
                if s.cell not in skipped and s.cell <= last_cell
                and not (s.probe and (s.exercise in self.verdicts or s.exercise not in attempted))]

    def execute(self, cell_timeout, deadline, last_cell):
        disabled, skipped = set(), set()
        while True:
            steps = self.steps(disabled, skipped, last_cell)
            breach = self._attempt(steps, cell_timeout, deadline)
            if breach is None:
                return
            step, reason = breach
            if step.exercise is not None:
                if step.exercise not in self.verdicts:
                    self.breached.add(step.exercise)  # a limit the grader enforced, not the student's error
                self.verdicts.setdefault(step.exercise, (False, reason, 0.0))
                disabled.add(step.exercise)
            else:
                skipped.add(step.cell)
                self.errors[step.cell] = reason
            self.restarts += 1

    def _attempt(self, steps, cell_timeout, deadline):
        """Run ``steps`` in a fresh kernel; (step, reason) of a breach, else None."""
        folder = Path(tempfile.mkdtemp(prefix=f"run{self.restarts}-", dir=self.scratch))
        # fast mode; a stub's error stays an error (labkit.unfinished would skip the cell)
        env = {"LABKIT_FAST": "1", "LABKIT_SKIP_UNFINISHED": "0"}
        kernel = Kernel(folder, self.limits, env=env)
        self.enforced = kernel.enforced
        try:
            for position, step in enumerate(steps):
                left = deadline - time.monotonic()
                if left < 1:
                    self.not_run |= {s.cell for s in steps[position:]}
                    return None
                outcome = self._run_step(kernel, folder, step, min(cell_timeout, left))
                if outcome.breach:
                    return step, outcome.breach
            return None
        finally:
            kernel.stop()
            shutil.rmtree(folder, ignore_errors=True)

    def _run_step(self, kernel, folder, step, timeout):
        if not step.probe:
            outcome = kernel.run(step.source, timeout)
            if outcome.error:
                self.errors[step.cell] = outcome.error
        else:
            exchange = probe.Exchange(step.probe, Spec(seed=secrets.randbelow(2**31), grading=True), folder)
            outcome = kernel.run(exchange.code(step.source), timeout)
            if not outcome.breach:
                self.verdicts[step.exercise] = exchange.verdict()
        if step.exercise is not None:
            printed = self.printed.get(step.exercise, "") + outcome.printed
            self.printed[step.exercise] = printed[:PRINTED_KEPT]
        return outcome


def _status(number, answer, run, exercise_cell):
    """(status, message, fraction of the points earned, the reason of the limit the grader enforced or
    ""). Only the run's own record of a breach makes one: a message of the student's code that reads
    like a limit is shown as theirs."""
    if not answer.attempted:
        return "not attempted", answer.reason or "still raises NotImplementedError", 0.0, ""
    if number not in run.verdicts:
        stopped = "the time limit stopped the run before its self-check"
        return "failed", stopped, 0.0, stopped
    passed, message, fraction = run.verdicts[number]
    like_a_limit = message.lstrip().lower().startswith(BREACHES)
    breach = message if like_a_limit and number in run.breached else ""
    if like_a_limit and not breach:
        message = RAISED + message
    if not passed and run.errors.get(exercise_cell):
        message += f" (the exercise's cell raised {run.errors[exercise_cell]})"
    return ("passed" if passed else "failed"), message, fraction, breach


def grade(submission, *, lesson=None, cell_timeout=CELL_TIMEOUT, total_timeout=TOTAL_TIMEOUT, all_cells=False,
          limits=None):
    """Grade ``submission`` (a path) against its release lesson; returns a :class:`Report`.

    ``lesson``: which lesson it answers ('01', a name or a path; default: the notebook's metadata,
    else its file name). ``limits``: a :class:`Limits`. ``all_cells``: also run the cells after
    the last exercise's check.
    """
    path = Path(submission)
    for name, value in (("cell_timeout", cell_timeout), ("total_timeout", total_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
            raise ValueError(f"{name}: expected a number of seconds >= 1, got {value!r}")
    submitted = _read_submission(path)
    lesson_path = release.find_lesson(path, submitted, lesson)
    named = submitted.get("metadata", {}).get("labkit", {}).get("lesson")
    if named and named != lesson_path.stem:
        raise ValueError(f"submission: {path.name} is lesson {named}'s notebook, not {lesson_path.stem}'s")
    lesson_nb = notebooks.read(lesson_path)
    exercises = assign.exercises(lesson_nb, lesson_path.name)
    checks = [release.check_of(lesson_nb, exercise, lesson_path.name) for exercise in exercises]
    answers = {e.number: release.answer(lesson_nb, e, submitted) for e in exercises}
    if all(a.cell is None for a in answers.values()):
        raise ValueError(f"submission: {path.name} holds none of {lesson_path.stem}'s exercises; is it "
                         "another lesson's notebook? (pass --lesson NN)")
    start = time.monotonic()
    attempted = [check.cell for check in checks if answers[check.number].attempted]
    code_cells = [i for i, cell in enumerate(lesson_nb["cells"]) if cell["cell_type"] == "code"]
    last_cell = max(code_cells) if all_cells else max(attempted, default=-1)
    with tempfile.TemporaryDirectory(prefix="labkit-grade-") as scratch:
        run = _Run(lesson_nb, exercises, checks, answers, Path(scratch), limits or Limits())
        if attempted:  # nothing attempted: every verdict is known without running anything
            run.execute(cell_timeout, start + total_timeout, last_cell)

    roles = {**{e.cell: f"exercise {e.number}" for e in exercises},
             **{c.cell: f"exercise {c.number}'s self-check" for c in checks}}
    grades = []
    for exercise, check in zip(exercises, checks):
        answer = answers[exercise.number]
        status, message, fraction, breach = _status(exercise.number, answer, run, exercise.cell)
        code = f"\n{review.SEPARATOR}\n".join("\n".join(region) for region in answer.regions or ())
        grades.append(ExerciseGrade(exercise.number, 0 if answer.cell is None else answer.cell + 1, status,
                                    check.key, message, round(fraction * exercise.points, 3), exercise.points,
                                    code, run.printed.get(exercise.number, ""), breach,
                                    tuple(review.flags(code, check.key)),
                                    section=places.section(lesson_nb, exercise.cell)))
    points, max_points = sum(g.points for g in grades), sum(g.max_points for g in grades)
    changed = release.changed_cells(assign.student_version(lesson_nb, lesson_path.name), submitted,
                                    {a.cell for a in answers.values()})
    skipped = [i for i in code_cells if i > last_cell]
    return Report(
        submission=str(path), lesson=lesson_path.stem, exercises=grades, points=points, max_points=max_points,
        score=round(100.0 * points / max_points, 2),
        seconds=round(time.monotonic() - start, 1),
        changed_cells=changed, changed_cells_named=places.names(submitted, [n - 1 for n in changed]),
        cells_with_errors=sorted(i + 1 for i in run.errors),
        cells_with_errors_named=places.names(lesson_nb, run.errors, roles),
        cells_not_run=sorted(i + 1 for i in run.not_run),
        cells_not_run_named=places.names(lesson_nb, run.not_run, roles),
        cells_skipped=[i + 1 for i in skipped], cells_skipped_named=places.names(lesson_nb, skipped, roles),
        restarts=run.restarts, enforced=run.enforced)
