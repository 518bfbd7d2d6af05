"""Installing into an environment that has TensorFlow already (Colab, a GPU workstation): a fresh
venv gets the full ``tensorflow`` wheel first, then ``labkit[lessons]``. pip check is clean, that
TensorFlow is kept (no ``tensorflow-cpu`` beside it), and lesson 01 runs to the end in fast mode.

It downloads and installs TensorFlow (about 600 MB), so it runs only with LABKIT_TEST_INSTALL=1:
``make test-install``.
"""

from labkit import colab, config

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("LABKIT_TEST_INSTALL") != "1",
                                reason="install test skipped: run make test-install (downloads TensorFlow)")
RUN_LESSON = """
import nbformat, sys
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=900, resources={"metadata": {"path": sys.argv[2]}}).execute()
print("ran", len(notebook.cells), "cells")
"""


def _run(*command, **options):
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **options)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_lesson_extras_keep_an_installed_tensorflow_and_lesson_01_runs(tmp_path):
    python = tmp_path / "venv" / "bin" / "python"
    _run(sys.executable, "-m", "venv", tmp_path / "venv")
    pip = (python, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "install", "-q", "tensorflow>=2.16,<2.22")
    before = _run(*pip, "show", "tensorflow")
    _run(*pip, "install", "-q", "-e", f"{config.REPO_ROOT}[lessons]", "nbclient")
    assert _run(*pip, "check").startswith("No broken requirements")
    assert _run(*pip, "show", "tensorflow") == before  # the same TensorFlow, where it was
    assert subprocess.run([*pip, "show", "tensorflow-cpu"], capture_output=True).returncode == 1
    env = {**os.environ, "LABKIT_FAST": "1", "LABKIT_ROOT": str(tmp_path),
           "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}"}
    lesson = config.NOTEBOOKS_DIR / "01_rnn_from_scratch.ipynb"
    assert _run(python, "-c", RUN_LESSON, lesson, tmp_path, env=env).startswith("ran ")


FAKE_COLAB = """
import sys, types
for name in ("google", "google.colab"):
    sys.modules[name] = types.ModuleType(name)
exec(open(sys.argv[1]).read())  # the lesson's Colab cell, as the notebook has it
import labkit, tensorflow
from labkit import text
print(labkit.__file__, tensorflow.__version__)
"""


def test_the_colab_cell_installs_the_labs_and_keeps_colabs_tensorflow(tmp_path):
    """Colab simulated: a venv whose "tensorflow" is a stand-in at 2.19.0, a google.colab module, and
    this checkout as the repository URL (its committed HEAD is cloned)."""
    python = tmp_path / "venv" / "bin" / "python"
    _run(sys.executable, "-m", "venv", tmp_path / "venv")
    stand_in = tmp_path / "tensorflow-stand-in"
    (stand_in / "tensorflow").mkdir(parents=True)
    (stand_in / "tensorflow" / "__init__.py").write_text('__version__ = "2.19.0"\n')
    (stand_in / "pyproject.toml").write_text('[project]\nname = "tensorflow"\nversion = "2.19.0"\n'
                                             '[build-system]\nrequires = ["setuptools>=64"]\n'
                                             'build-backend = "setuptools.build_meta"\n')
    _run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", stand_in)
    cell = tmp_path / "colab_cell.py"
    cell.write_text(colab.setup_source())
    labs = tmp_path / "labs"
    env = {**os.environ, "LABKIT_COLAB_DIR": str(labs), "LABKIT_COLAB_REPOSITORY": str(config.REPO_ROOT)}
    printed = _run(python, "-c", FAKE_COLAB, cell, cwd=tmp_path, env=env)
    assert printed == f"{labs / 'labkit' / '__init__.py'} 2.19.0\n"  # labkit from the clone; TensorFlow kept
