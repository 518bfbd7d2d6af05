"""Gradescope's autograder for one lesson: a zip the instructor uploads, which grades with this grader.

    python -m labkit autograder NN --out autograder.zip [--visibility V] [--memory-gb G] [--cell-timeout S]
                                [--timeout S]

V, when students see each exercise's result: visible (the default), hidden, after_due_date or
after_published (Gradescope's words).

Gradescope unpacks the zip into ``/autograder/source/``, runs its ``setup.sh`` once on its Ubuntu
image (Python with a venv in ``/autograder/venv``, Debian's ``bubblewrap`` for the sandbox, and this
package from the zip's copy, installed editable with its lessons' requirements and CPU TensorFlow),
then, for each submission, ``/autograder/run_autograder`` with the student's files in
``/autograder/submission/``. That runs :func:`run`: the one notebook found there is graded by
:func:`labkit.grading.grade`, sandbox included, against the lesson in the zip, with the limits chosen
here (``autograder.json``), and ``/autograder/results/results.json`` is written to Gradescope's spec
by :func:`labkit.grading.outputs.gradescope`: a test per exercise, ``--visibility`` on each. No
notebook, several, or one that cannot be graded (not a notebook, another lesson's) score 0 with a
one-line ``output`` saying why; a grader that fails scores 0 too, says so, and exits 1 (Gradescope
shows the traceback to the instructor).

The zip holds ``setup.sh``, ``run_autograder``, ``requirements.txt`` (the checkout's, less its
``-e`` line, plus nbformat and ``-e .[lessons]``), ``autograder.json``, ``pyproject.toml``,
``README.md`` (which it names), labkit's source without caches, and the lesson: the instructor's
notebook with its solutions, so the zip is for Gradescope, never for students. Choose a Gradescope
container with more memory than ``--memory-gb`` and a timeout above ``--timeout``.
``LABKIT_AUTOGRADER_ROOT`` stands in for ``/autograder`` and ``LABKIT_AUTOGRADER_PYTHON`` for the
venv's Python (tests use both).
"""

from labkit import assign, grading, notebooks
from labkit.files import write_atomically, write_text_atomically
from labkit.grading import CELL_TIMEOUT, TOTAL_TIMEOUT, outputs, release

import json
import re
import sys
import time
import traceback
import zipfile
from dataclasses import asdict
from pathlib import Path

SETTINGS = "autograder.json"
_PACKAGE = Path(__file__).resolve().parent.parent  # labkit/, copied into the zip
_EXCLUDED = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same checkout makes the same zip

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root on its Ubuntu image, when it builds the autograder
# (written by labkit.course.autograder).
set -euxo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(dirname "$source_dir")/venv"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
python3 -m venv "$venv"
cd "$source_dir"
"$venv/bin/python" -m pip install --no-cache-dir --upgrade pip
"$venv/bin/python" -m pip install --no-cache-dir -r requirements.txt
"$venv/bin/python" -c "import labkit.grading, nbformat, tensorflow"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade submission/*.ipynb into results/results.json.
root="${LABKIT_AUTOGRADER_ROOT:-/autograder}"
python="${LABKIT_AUTOGRADER_PYTHON:-$root/venv/bin/python}"
if [ ! -x "$python" ]; then
    echo "run_autograder: no Python at $python: run setup.sh first, or set LABKIT_AUTOGRADER_PYTHON" >&2
    exit 1
fi
cd "$root/source" || exit 1
PYTHONPATH="$root/source" exec "$python" -m labkit.course.autograder "$root"
"""


def _seconds(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
        raise ValueError(f"{name}: expected a number of seconds >= 1, got {value!r}")
    return value


def _requirements(root):
    """The zip's requirements.txt: the checkout's (TensorFlow for CPU) less its ``-e`` line, nbformat
    as pyproject.toml's dev extra pins it, and this package with its lessons' extra."""
    if not all((root / name).is_file() for name in ("requirements.txt", "pyproject.toml", "README.md")):
        raise ValueError(f"autograder: labkit must run from the course checkout (requirements.txt, "
                         f"pyproject.toml and README.md beside labkit/), not from {root}")
    given = [line for line in (root / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith(("#", "-e"))]
    nbformat = re.search(r'"(nbformat[^"]*)"', (root / "pyproject.toml").read_text())
    if not given or nbformat is None:
        raise ValueError(f"autograder: {root}'s requirements.txt names no TensorFlow or its pyproject.toml "
                         "no nbformat")
    return "\n".join(["# Installed by setup.sh (labkit.course.autograder)", *given, nbformat.group(1),
                      "-e .[lessons]"]) + "\n"


def _source_files(package):
    """labkit's files under ``package`` (a folder), caches and compiled files left out."""
    return sorted(path for path in package.rglob("*") if path.is_file() and path.suffix != ".pyc"
                  and not any(part in _EXCLUDED for part in path.relative_to(package).parts))


def build(lesson_path, out, *, visibility="visible", memory_gb=4, cell_timeout=CELL_TIMEOUT,
          total_timeout=TOTAL_TIMEOUT):
    """Write Gradescope's autograder zip for the lesson at ``lesson_path`` to ``out`` (atomically).

    Returns its settings (``autograder.json``: the lesson, its points, the visibility and limits).
    """
    lesson_path, out = Path(lesson_path), Path(out)
    if out.suffix != ".zip":
        raise ValueError(f"out: expected a path ending in .zip, got {out}")
    if visibility not in outputs.GRADESCOPE_VISIBILITIES:
        raise ValueError(f"visibility: expected one of {', '.join(outputs.GRADESCOPE_VISIBILITIES)}, "
                         f"got {visibility!r}")
    if isinstance(memory_gb, bool) or not isinstance(memory_gb, (int, float)) or not 0 < memory_gb < 2**20:
        raise ValueError(f"memory_gb: expected a positive number of GiB, got {memory_gb!r}")
    lesson = notebooks.read(lesson_path)
    exercises = assign.exercises(lesson, lesson_path.name)
    if not exercises:
        raise ValueError(f"lesson: {lesson_path} has no exercises (no BEGIN SOLUTION region)")
    for exercise in exercises:
        release.check_of(lesson, exercise, lesson_path.name)  # a one-line error if it has no self-check
    settings = {"lesson": f"notebooks/{lesson_path.name}", "points": sum(e.points for e in exercises),
                "exercises": len(exercises), "visibility": visibility, "memory_gb": memory_gb,
                "cell_timeout": _seconds("cell_timeout", cell_timeout),
                "total_timeout": _seconds("total_timeout", total_timeout)}
    root = _PACKAGE.parent
    texts = {"setup.sh": SETUP_SH, "run_autograder": RUN_AUTOGRADER, "requirements.txt": _requirements(root),
             SETTINGS: json.dumps(settings, indent=1) + "\n"}
    files = {"pyproject.toml": root / "pyproject.toml", "README.md": root / "README.md",
             settings["lesson"]: lesson_path,
             **{f"labkit/{p.relative_to(_PACKAGE).as_posix()}": p for p in _source_files(_PACKAGE)}}

    def write(temporary):
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted({**texts, **files}):
                entry = zipfile.ZipInfo(name, _FIXED_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = (0o100755 if name in ("setup.sh", "run_autograder") else 0o100644) << 16
                data = texts[name].encode() if name in texts else files[name].read_bytes()
                archive.writestr(entry, data)

    write_atomically(out, write)
    return settings


def _submitted(folder):
    """The notebooks in Gradescope's submission folder (checkpoints left out)."""
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _not_graded(output, seconds):
    return {"score": 0.0, "execution_time": round(seconds), "output": output, "tests": []}


def run(root):
    """Grade the notebook in ``root/submission`` as ``root/source/autograder.json`` says and write
    ``root/results/results.json``; returns the exit status (1 only if the grader itself failed)."""
    root, start, status = Path(root), time.monotonic(), 0
    settings = json.loads((root / "source" / SETTINGS).read_text())
    lesson = root / "source" / settings["lesson"]
    folder = root / "submission"
    found, wanted = _submitted(folder), lesson.name
    print(f"labkit {_PACKAGE} grades {folder} against {lesson}")
    try:
        if len(found) != 1:
            names = [str(p.relative_to(folder)) for p in found]
            others = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
            said = (f"{len(found)} notebooks ({', '.join(names)})" if found else
                    f"no notebook (found: {', '.join(others[:5]) or 'no file'}{' ...' * (len(others) > 5)})")
            raise ValueError(f"submission: {said}; expected one .ipynb file: upload your {wanted} only")
        limits = grading.Limits(memory_bytes=int(settings["memory_gb"] * 2**30))
        report = grading.grade(found[0], lesson=lesson, cell_timeout=settings["cell_timeout"],
                               total_timeout=settings["total_timeout"], limits=limits)
        results = outputs.gradescope(asdict(report), settings["visibility"])
        print(report.table())
    except ValueError as error:  # the submission cannot be graded: its one-line reason, its files by name
        said = str(error).replace(f"{folder}/", "")
        results = _not_graded(f"Not graded: {said}", time.monotonic() - start)
    except Exception as error:  # the grader failed (e.g. its sandbox did not start): not the student's fault
        traceback.print_exc()
        said = (str(error).strip().splitlines() or [type(error).__name__])[0]
        results = _not_graded(f"The autograder failed ({said}); this is not your submission's fault: ask "
                              "your instructor to run it again.", time.monotonic() - start)
        status = 1
    write_text_atomically(root / "results" / "results.json", json.dumps(results, indent=1) + "\n")
    print(results["output"])
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1]))
