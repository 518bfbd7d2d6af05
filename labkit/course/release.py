"""``python -m labkit release --out DIR``: the folder students get, with no answer in it.

nbgrader keeps a *source* and a *release*; so does this course. The course checkout holds the
lessons with their solutions, the right answers of every self-check (:mod:`labkit.answers`: the
NumPy references and the input generators) and the grader. A release holds:

- ``notebooks/``: the student version of every lesson (exercises blanked, as ``make student``
  writes them), under the lessons' own names, so that lesson 07 finds lesson 04's given code; their
  Colab and Binder links and Colab's setup cell point at ``--repository`` (the students' copy on
  GitHub), or are left out: the course's would fetch the solutions;
- ``labkit/``: the package less what computes or grades an answer: no ``answers/`` (references,
  input generators), no ``grading/``, ``course/`` or ``sandbox/``, no grader's side of a probe
  (``checks/probe.py``) and no maintainers' command line (``__main__.py``);
- ``labkit/checks/tables/<check>.npz``: for each self-check, the inputs its probe is given and the
  values its comparison expects, computed here for the lesson's own inputs
  (:mod:`labkit.checks.tables`), so a self-check gives the verdict it gives in the course;
- ``pyproject.toml`` (without the maintainers' ``labkit`` command), ``requirements.txt``, a
  ``Makefile`` with ``make lab``, and a README.

``--through NN`` releases lessons 01 to NN only, for a course that hands them out in turn: two
lessons give an earlier lesson's exercise as code of their own (:func:`handed_out_later`: lesson 05
tokenizes tweets as lesson 03's exercise does, lesson 07 trains and samples as lesson 04's
exercises do), so they go out after that lesson's deadline, and ``release`` says so when it
includes both.

The folder is written beside ``--out`` and renamed into place when whole: an interrupted build
leaves nothing half-made under that name. ``tests/test_course_release.py`` greps the release for
every solution line and every line of :mod:`labkit.answers`, runs every student notebook there,
and compares its self-checks' verdicts with the course's.
"""

from labkit import assign, colab, config, notebooks
from labkit.files import write_text_atomically

import re
import shutil
import tempfile
from pathlib import Path

LEFT_OUT = ("answers", "grading", "course", "sandbox", "checks/probe.py", "__main__.py")  # under labkit/
COPIED = ("pyproject.toml", "LICENSE")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "tables")
_SCRIPTS = re.compile(r"(?ms)^\[project\.scripts\]\n.*?(?=^\[|\Z)")
SHORTEST = 20  # characters: a shorter line (``return x``) says nothing about where it came from

README = """# Sequence Modeling Labs — your copy

Eight lessons on deep sequence modeling, each a Jupyter notebook in `notebooks/` with exercises
for you to write. Every exercise is followed by a self-check that prints `[PASS]` or `[FAIL]` with
a hint; a cell that needs an exercise you have not written yet says `[SKIPPED]`.

    make lab        # creates .venv, installs, opens JupyterLab on notebooks/

Or, in an environment of your own: `pip install -e ".[lessons]"`, then `jupyter lab notebooks`.
`LABKIT_FAST=1` runs a lesson in minutes with smaller data and models.

The self-checks know the expected values for the lesson's own inputs only; your instructor's
grader runs your code on other inputs too.
"""

MAKEFILE = """# make lab: create .venv, install the lessons' packages, open JupyterLab on notebooks/
PYTHON ?= python3
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab
lab: .venv/.installed
\t.venv/bin/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG)

.venv/.installed: requirements.txt pyproject.toml
\t@.venv/bin/python -c "" 2>/dev/null || $(PYTHON) -m venv .venv
\t.venv/bin/python -m pip install --quiet -r requirements.txt
\t@touch $@
"""


def lessons(through=None, lessons_dir=None):
    """The lessons a release holds: every ``NN_*.ipynb`` of the course, or those up to ``through``."""
    found = sorted(Path(lessons_dir or config.NOTEBOOKS_DIR).glob("[0-9][0-9]_*.ipynb"))
    if through is not None:
        numbers = [path.name[:2] for path in found]
        if str(through).zfill(2) not in numbers:
            raise ValueError(f"--through: expected a lesson number ({', '.join(numbers)}), got {through!r}")
        found = [path for path in found if path.name[:2] <= str(through).zfill(2)]
    if not found:
        raise ValueError(f"lessons: no NN_*.ipynb lesson in {lessons_dir or config.NOTEBOOKS_DIR}")
    return found


def build(out, through=None, repository=None, lessons_dir=None):
    """Write the release of :func:`lessons` to ``out`` (a folder that must not exist yet); returns ``out``.
    ``repository``: the GitHub repository students get it from, for the notebooks' Colab and Binder
    links and Colab's setup cell; without it they have neither (they would fetch the course's)."""
    out = Path(out)
    if out.exists():
        raise ValueError(f"--out: {out} exists; remove it or name a new folder")
    if repository is not None:
        colab.checked_url(repository)
    lessons_released = lessons(through, lessons_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        _copy_package(staging / "labkit")
        for key, check_cell in _check_cells(lessons_released).items():
            _store_table(key, staging / "labkit" / "checks" / "tables", check_cell)
        for lesson in lessons_released:
            student = assign.student_version(notebooks.read(lesson), lesson.name)
            if repository:
                colab.apply(student, staging / "notebooks" / lesson.name, repository, root=staging)
            else:
                colab.remove(student)
            write_text_atomically(staging / "notebooks" / lesson.name, notebooks.dumps(student))
        for name in COPIED:
            if (config.REPO_ROOT / name).is_file():
                shutil.copy2(config.REPO_ROOT / name, staging / name)
        write_text_atomically(staging / "requirements.txt", _requirements())
        pyproject = (staging / "pyproject.toml").read_text(encoding="utf-8")
        write_text_atomically(staging / "pyproject.toml", _SCRIPTS.sub("", pyproject))  # __main__ is left out
        write_text_atomically(staging / "README.md", README)
        write_text_atomically(staging / "Makefile", MAKEFILE)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _requirements():
    """The course's requirements.txt with the lessons' packages only (no test or docs tools)."""
    lines = (config.REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    kept = [line.replace(".[lessons,dev]", ".[lessons]") for line in lines if not line.startswith("#")]
    return "\n".join(["# make lab: CPU TensorFlow, then labkit and the lessons' packages", *kept, ""])


def _copy_package(target):
    source = Path(__file__).resolve().parent.parent
    left_out = {source / part for part in LEFT_OUT}
    shutil.copytree(source, target, ignore=lambda folder, names: set(_IGNORED(folder, names)) | {
        name for name in names if Path(folder, name) in left_out})


def _check_cells(lessons):
    """{check key: (the lesson, its check cell's arguments)} over every exercise of ``lessons``."""
    from labkit.grading.release import check_of

    found = {}
    for lesson in lessons:
        nb = notebooks.read(lesson)
        for exercise in assign.exercises(nb, lesson.name):
            check = check_of(nb, exercise, lesson.name)
            found[check.key] = (lesson, check.arguments)
    return found


def _code_line(line):
    """``line`` as compared: stripped, without its comment (``x = f(y)  # (batch, units)``: ``x = f(y)``)."""
    return line.split("  #")[0].strip()


def solution_lines(lesson):
    """{a code line of the lesson's solutions (:func:`_code_line`, SHORTEST or longer): its exercise}."""
    found = {}
    for exercise in assign.exercises(notebooks.read(lesson), Path(lesson).name):
        for region in exercise.regions:
            for line in map(_code_line, region.lines):
                if len(line) >= SHORTEST and not line.startswith("#"):
                    found.setdefault(line, exercise.number)
    return found


def _given_code(lesson):
    """The code lines (:func:`_code_line`) of the lesson's student version."""
    student = assign.student_version(notebooks.read(lesson), lesson.name)
    return {_code_line(line) for cell in student["cells"] if cell["cell_type"] == "code"
            for line in notebooks.cell_source(cell).split("\n")}


def secret_lines(lessons_released, given=None):
    """{a solution line: (its lesson, its exercise)} less the idioms: lines some lesson up to the line's
    own already shows as given code (``with tf.GradientTape() as tape:``, shown in lesson 01). ``given``:
    {lesson: :func:`_given_code`}, when the caller has it."""
    given = given or {lesson: _given_code(lesson) for lesson in lessons_released}
    found = {}
    for index, lesson in enumerate(lessons_released):
        for line, number in solution_lines(lesson).items():
            if not any(line in given[shown] for shown in lessons_released[: index + 1]):
                found.setdefault(line, (lesson, number))
    return found


def handed_out_later(lessons_released):
    """[(later lesson, earlier lesson, exercise number, line)]: a secret line of an earlier lesson's
    solution (:func:`secret_lines`) that a later lesson's student version holds as code of its own."""
    given = {lesson: _given_code(lesson) for lesson in lessons_released}
    secret = secret_lines(lessons_released, given).items()
    return [(later, earlier, number, line) for line, (earlier, number) in secret
            for later in lessons_released if later.name > earlier.name and line in given[later]]


def _store_table(key, folder, check_cell):
    """Check ``key``'s inputs and expected values for the lesson's own inputs, as data in ``folder``.
    Values computed on demand (a classifier's output for whatever layers it has) are kept for what the
    lesson's own solution asks: its probe and comparison run here once, and must pass."""
    from labkit import answers, probes
    from labkit.checks import REGISTRY, Spec

    spec = Spec()
    given, expected = answers.compute(key, spec, "given"), answers.compute(key, spec, "expected")
    if _on_demand(expected):
        lesson, arguments = check_cell
        needed = notebooks.names_to_load(notebooks.read(lesson), arguments)
        objects = notebooks.load_definitions(lesson, needed)
        passed = eval(f"(lambda *objects, **_: objects)({arguments})", {}, objects)  # what the cell passes
        REGISTRY[key].compare(expected, REGISTRY[key].probe(given, *passed))
    folder.mkdir(parents=True, exist_ok=True)
    # a dict computed on demand (a dict subclass) packs as the entries it holds by now
    probes.write(folder / f"{key}.npz", probes.pack({"given": given, "expected": expected}))


def _on_demand(value):
    if hasattr(value, "__missing__"):
        return True
    if isinstance(value, dict):
        return any(_on_demand(child) for child in value.values())
    return isinstance(value, (list, tuple)) and any(_on_demand(child) for child in value)
