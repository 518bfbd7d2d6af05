"""Every lesson and student notebook carries the Colab and Binder links and Colab's setup cell that
pyproject.toml's repository URL gives (labkit.colab); outside Colab that cell does nothing."""

from labkit import assign, colab, config, notebooks

import copy
import subprocess
import sys

import pytest

LESSONS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
NOTEBOOKS = LESSONS + [assign.student_path(lesson) for lesson in LESSONS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(config.NOTEBOOKS_DIR).as_posix())
def test_links_and_setup_cell_are_those_the_repository_url_gives(path):
    notebook = notebooks.read(path)
    assert colab.apply(copy.deepcopy(notebook), path) == notebook, "python -m labkit colab notebooks/*.ipynb"
    title = notebooks.cell_source(notebook["cells"][0])
    assert f"blob/main/{path.relative_to(config.REPO_ROOT).as_posix()})" in title  # the student's own version


def test_the_setup_cell_does_nothing_outside_colab(tmp_path):
    code = colab.setup_source() + "\nprint(os.getcwd())"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"LABKIT_COLAB_DIR": str(tmp_path / "labs"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0 and run.stdout == f"{tmp_path}\n" and not (tmp_path / "labs").exists()


def test_a_repository_url_that_is_not_configured_is_a_one_line_error(monkeypatch, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setattr(config, "REPO_ROOT", tmp_path)
    with pytest.raises(ValueError, match=r"^pyproject.toml: expected \[tool.labkit\] repository"):
        colab.repository()


def test_binder_pins_every_lesson_package_within_the_ranges_labkit_declares():
    tomllib = pytest.importorskip("tomllib")
    from packaging.requirements import Requirement

    lines = (config.REPO_ROOT / "binder" / "requirements.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    declared = tomllib.loads((config.REPO_ROOT / "pyproject.toml").read_text())["project"]
    for text in declared["dependencies"] + declared["optional-dependencies"]["lessons"]:
        wanted = Requirement(text)
        assert wanted.name in pins and wanted.specifier.contains(pins[wanted.name]), text
    assert "tensorflow-cpu" in pins and (config.REPO_ROOT / "binder" / "postBuild").stat().st_mode & 0o111
