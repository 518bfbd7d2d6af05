"""Classroom mode, part 2: grade a submission by running it and reading its self-checks.

    python -m labkit grade SUBMISSION.ipynb [--json OUT] [--cell-timeout S] [--timeout S] [--all-cells]

The submission runs in a fresh kernel, in a temporary folder that holds a copy of it and is
the kernel's working directory and ``LABKIT_ROOT`` (so results, checkpoints and audio land
there, not in the course checkout), with ``LABKIT_FAST=1``. Every cell gets at most
``cell_timeout`` seconds (then the kernel is interrupted and grading goes on with the next
cell) and the whole run ``total_timeout`` seconds (then the kernel is stopped and the cells
left are reported as not run). Cells that raise do not stop the run. Once the last exercise's
self-check has printed, the cells after it are skipped: they cannot change the grade, and in a
lesson they are often its slowest part (``all_cells=True`` runs them anyway).

Exercises are the code cells tagged ``{"labkit": {"exercise": N}}`` by ``make student``, or,
in a lesson itself, the cells holding ``### BEGIN SOLUTION`` regions. Each exercise is:

- **not attempted** if its cell still holds the generated ``raise NotImplementedError``;
- **passed** if the first code cell after it that prints a self-check prints ``[PASS]`` lines
  only;
- **failed** otherwise, with the self-check's message (or why the check did not run).

Threat model: students are honest but their code may be buggy — it may raise, loop forever,
print too much or exhaust memory in its own kernel. The grader does not defend against a
dishonest submission: the code runs with the grader's permissions and could print a fake
``[PASS]``, redefine ``labkit.checks``, read files or use the network. Run untrusted
submissions in a container or VM with no credentials, and spot-check the code.
"""

import json
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from labkit import assign, notebooks

CELL_TIMEOUT, TOTAL_TIMEOUT = 300, 1800
_CHECK_LINE = re.compile(r"^\[(PASS|FAIL)\] (.*)$", re.M)
_STUB = re.compile(r'raise NotImplementedError\("Exercise (\d+):')


@dataclass(frozen=True)
class ExerciseGrade:
    number: int
    cell: int  # 1-based, as an instructor counts cells
    status: str  # "passed", "failed" or "not attempted"
    check: str  # the self-check's name, "" if none ran
    message: str


@dataclass(frozen=True)
class Report:
    submission: str
    exercises: list
    score: float  # percent of exercises passed
    seconds: float
    cells_with_errors: list  # 1-based cell numbers
    cells_not_run: list  # stopped by the time limit or a dead kernel
    cells_skipped: list  # after the last self-check: they cannot change the grade

    def table(self):
        rows = [f"{'exercise':>8}  {'cell':>4}  {'status':13}  self-check"]
        for g in self.exercises:
            said = ": ".join(filter(None, (g.check, g.message)))
            rows.append(f"{g.number:>8}  {g.cell:>4}  {g.status:13}  {said}")
        rows.append(f"score {self.score:.0f}% ({sum(g.status == 'passed' for g in self.exercises)} of "
                    f"{len(self.exercises)} exercises passed) in {self.seconds:.0f} s")
        if self.cells_not_run:
            rows.append(f"cells not run (time limit or stopped kernel): {self.cells_not_run}")
        if self.cells_skipped:
            first, last = self.cells_skipped[0], self.cells_skipped[-1]
            rows.append(f"cells {first}-{last} come after the last self-check and were skipped (they cannot "
                        "change the grade; --all-cells runs them)")
        return "\n".join(rows)

    def to_json(self):
        return json.dumps(asdict(self), indent=1) + "\n"


def _read_submission(path):
    import warnings

    import nbformat

    notebooks.read(path)  # one-line errors for a missing file, bad JSON, no cells
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. cells without ids, which nbformat adds itself
            node = nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)
            nbformat.validate(node)
    except Exception as error:  # nbformat raises several kinds; all mean the same to a grader
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValueError(f"submission: {path} is not a valid notebook ({first_line})") from None
    return node


def exercise_cells(notebook, name):
    """{exercise number: cell index} from ``make student``'s tags, else from solution markers."""
    tagged = {cell.get("metadata", {}).get("labkit", {}).get("exercise"): index
              for index, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"}
    tagged.pop(None, None)
    if tagged:
        return dict(sorted(tagged.items()))
    return {exercise.number: exercise.cell for exercise in assign.exercises(notebook, name)}


def _text(outputs):
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append(output.get("text", ""))
        elif output.get("output_type") in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def _error(outputs):
    for output in outputs:
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    return ""


def _grade_exercise(notebook, number, index, next_index, not_run):
    cell = notebook.cells[index]
    if any(int(n) == number for n in _STUB.findall(notebooks.cell_source(cell))):
        return ExerciseGrade(number, index + 1, "not attempted", "", "still raises NotImplementedError")
    for later in range(index + 1, next_index):
        candidate = notebook.cells[later]
        if candidate.cell_type != "code":
            continue
        verdicts = [(verdict, *text.partition(": ")[::2])  # (PASS/FAIL, check name, message)
                    for verdict, text in _CHECK_LINE.findall(_text(candidate.get("outputs", [])))]
        if verdicts:
            failures = [v for v in verdicts if v[0] == "FAIL"]
            _, check, message = (failures or verdicts)[0]
            return ExerciseGrade(number, index + 1, "failed" if failures else "passed", check, message)
        if later in not_run:
            break
    stopped = any(later in not_run for later in range(index, next_index))
    why = "the time limit stopped the run before its self-check" if stopped else "no self-check printed"
    error = _error(cell.get("outputs", []))
    why += f" (the exercise raised {error})" if error else ""
    return ExerciseGrade(number, index + 1, "failed", "", why)


def _execute(notebook, workdir, cell_timeout, total_timeout, last_exercise=None):
    """Run the code cells in a fresh kernel, stopping after the first cell past ``last_exercise``
    (an index; None: never stop) that prints a self-check.

    Returns (indices not run because of the time limit or a dead kernel, indices skipped).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    stopped = {"ename": "TimeoutError", "traceback": [],
               "evalue": f"the cell ran longer than {cell_timeout} s and was stopped"}
    client = NotebookClient(notebook, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, error_on_timeout=stopped,
                            resources={"metadata": {"path": str(workdir)}})
    env = {**os.environ, "LABKIT_FAST": "1", "LABKIT_ROOT": str(workdir.parent),
           "LABKIT_RESULTS_DIR": str(workdir.parent / "results")}
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    deadline = time.monotonic() + total_timeout
    done = set()
    with client.setup_kernel(env=env):
        watchdog = threading.Timer(total_timeout, lambda: client.km.shutdown_kernel(now=True))
        watchdog.daemon = True
        watchdog.start()
        try:
            for index in code_cells:
                remaining = deadline - time.monotonic()
                if remaining <= 1:
                    break
                client.timeout = int(min(cell_timeout, remaining))
                try:
                    client.execute_cell(notebook.cells[index], index)
                except DeadKernelError:
                    break
                done.add(index)
                if last_exercise is not None and index > last_exercise and _CHECK_LINE.search(
                        _text(notebook.cells[index].get("outputs", []))):
                    return set(), {i for i in code_cells if i > index}
        finally:
            watchdog.cancel()
    return set(code_cells) - done, set()


def grade(submission, *, cell_timeout=CELL_TIMEOUT, total_timeout=TOTAL_TIMEOUT, all_cells=False):
    """Execute ``submission`` (a path) and grade its exercises; returns a :class:`Report`.

    ``all_cells``: also run the cells after the last exercise's self-check.
    """
    path = Path(submission)
    for name, value in (("cell_timeout", cell_timeout), ("total_timeout", total_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
            raise ValueError(f"{name}: expected a number of seconds >= 1, got {value!r}")
    notebook = _read_submission(path)
    cells = exercise_cells(notebook, path.name)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="labkit-grade-") as temporary:
        workdir = Path(temporary) / "notebooks"
        workdir.mkdir()
        shutil.copy(path, workdir / path.name)
        last_exercise = None if all_cells or not cells else max(cells.values())
        not_run, skipped = _execute(notebook, workdir, cell_timeout, total_timeout, last_exercise)
    bounds = list(cells.values())[1:] + [len(notebook.cells)]
    grades = [_grade_exercise(notebook, number, index, next_index, not_run)
              for (number, index), next_index in zip(cells.items(), bounds)]
    passed = sum(g.status == "passed" for g in grades)
    return Report(
        submission=str(path), exercises=grades, score=100.0 * passed / len(grades) if grades else 0.0,
        seconds=round(time.monotonic() - start, 1),
        cells_with_errors=[i + 1 for i, cell in enumerate(notebook.cells)
                           if cell.cell_type == "code" and _error(cell.get("outputs", []))],
        cells_not_run=sorted(i + 1 for i in not_run), cells_skipped=sorted(i + 1 for i in skipped))
