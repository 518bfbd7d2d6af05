"""What a student meets: "Run All" on every untouched student notebook, in a fresh kernel, runs to
the end; its setup cell (the lesson's, unchanged) writes nothing to stderr; it
prints one verdict per exercise and says "[SKIPPED] ... needs Exercise N" where a cell waits for
an exercise (no traceback). The notebooks run where students have them: in the student release
(``python -m labkit release``), whose labkit has no answers (the ``student_release`` fixture). Fast
mode, in a scratch LABKIT_ROOT: nothing of the checkout is touched.
"""

from labkit import assign, config, notebooks

import re

import nbformat
import pytest
from nbclient import NotebookClient

LESSONS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
_ids = {"ids": lambda path: path.stem}


@pytest.fixture
def student_kernel_env(monkeypatch, tmp_path, student_release):
    """A fresh kernel as a student's: the release's labkit, fast mode, TensorFlow's log level left to
    labkit, a scratch root."""
    monkeypatch.setenv("PYTHONPATH", student_release[1]["PYTHONPATH"])
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("LABKIT_SKIP_UNFINISHED", raising=False)
    monkeypatch.setenv("LABKIT_FAST", "1")
    monkeypatch.setenv("LABKIT_ROOT", str(tmp_path))
    monkeypatch.setenv("LABKIT_RESULTS_DIR", str(tmp_path / "results"))
    return tmp_path


def _run(notebook, folder):
    NotebookClient(notebook, timeout=900, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def _streams(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == name)


@pytest.mark.parametrize("lesson", LESSONS, **_ids)
def test_run_all_on_an_untouched_student_notebook_gives_every_verdict_no_error(lesson, student_kernel_env,
                                                                               student_release):
    student = student_release[0] / "notebooks" / lesson.name
    ran = _run(nbformat.read(student, as_version=4), student_kernel_env)  # raises on any error output
    setup = next(cell for cell in ran.cells if "seed_everything" in cell.source)  # the lesson's, as is
    assert _streams(setup, "stderr") == "" and "mode" in _streams(setup, "stdout")
    printed = [_streams(cell, "stdout") for cell in ran.cells if cell.cell_type == "code"]
    verdicts = [line for text in printed for line in text.splitlines() if re.match(r"\[(PASS|FAIL)\] ", line)]
    exercises = assign.exercises(notebooks.read(lesson), lesson.name)
    assert len(verdicts) == len(exercises) and all(v.startswith("[FAIL] ") for v in verdicts), verdicts
    assert not any("CheckResult(" in str(o) for cell in ran.cells for o in cell.get("outputs", []))
    assert any("[SKIPPED] this cell needs Exercise " in text for text in printed)


def _definitions(notebook):
    """{name: source of the top-level def or assignment} over a notebook's code cells."""
    import ast

    found = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            for node in ast.parse(notebooks.cell_source(cell)).body:
                assigned = [t for n in getattr(node, "targets", []) for t in ast.walk(n)
                            if isinstance(t, ast.Name)]
                named = isinstance(node, (ast.FunctionDef, ast.ClassDef))
                targets = [node.name] if named else [t.id for t in assigned]
                found.update(dict.fromkeys(targets, ast.unparse(node)))
    return found


def test_lesson_07_needs_only_lesson_04s_given_code(tmp_path, monkeypatch):
    """Lesson 07 races lesson 04's LSTM: it loads only names whose code the student version of lesson 04
    holds unchanged, and finds that notebook beside itself first (Jupyter's working folder)."""
    lesson07 = notebooks.read(config.NOTEBOOKS_DIR / "07_transformer_music.ipynb")
    cell = next(c for c in lesson07["cells"] if "LESSON_04 = " in notebooks.cell_source(c))
    names = eval(re.search(r"LESSON_04 = (\[[^\]]*\])", notebooks.cell_source(cell)).group(1))  # a literal
    lesson04 = config.NOTEBOOKS_DIR / "04_music_generation.ipynb"
    solution, student = notebooks.read(lesson04), notebooks.read(assign.student_path(lesson04))
    given, handed_out = _definitions(solution), _definitions(student)
    assert all(given[name] == handed_out[name] for name in names), names  # no exercise among them
    (tmp_path / "04_music_generation.ipynb").write_text(notebooks.dumps(student))
    monkeypatch.chdir(tmp_path)
    assert notebooks.notebook_path("04_music_generation") == tmp_path / "04_music_generation.ipynb"
    loaded = notebooks.load_definitions("04_music_generation", names)  # from the student version
    assert set(names) <= set(loaded) and callable(loaded["build_model"])
