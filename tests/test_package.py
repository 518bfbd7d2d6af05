"""labkit as a package: cheap import, the CLI, and the committed results files."""

from labkit import config

import json
import subprocess
import sys

import pytest


def _python(code, **kwargs):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          **kwargs)


def test_importing_labkit_does_not_import_tensorflow_music21_or_dask():
    # the grader's process imports labkit.grading and the judges: it must never need TensorFlow
    code = ("import sys, labkit\n"
            "from labkit import checks, config, datasets, notebooks, plots, results, text, training\n"
            "from labkit.datasets import long_lag, order_probes, tweets\n"
            "from labkit import assign, grading\n"
            "from labkit.checks import probe, tables\n"
            "from labkit import answers\n"
            "from labkit.grading import batch, cgroup, kernel, outputs, release, report, review, view\n"
            "import labkit.probes, labkit.sandbox\n"
            "heavy = ('tensorflow', 'keras', 'music21', 'dask', 'distributed')\n"
            "heavy = [m for m in heavy if m in sys.modules]\n"
            "assert not heavy, heavy")
    run = _python(code)
    assert run.returncode == 0, run.stderr


def test_unknown_attribute_is_an_attribute_error():
    import labkit

    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        labkit.nope  # noqa: B018


def test_cli_results_prints_the_readmes_generated_parts():
    run = _python("from labkit.__main__ import main; raise SystemExit(main(['results']))")
    assert run.returncode == 0 and run.stdout.startswith("**Lesson 01** ")
    assert "| lesson | exercise | you write |" in run.stdout


def test_cli_strip_reports_malformed_notebooks_in_one_line(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{")
    run = _python(f"from labkit.__main__ import main; raise SystemExit(main(['strip', {str(bad)!r}]))")
    assert run.returncode == 2
    assert run.stderr.startswith("labkit strip: notebook:") and run.stderr.count("\n") == 1


@pytest.mark.parametrize("path", sorted((config.REPO_ROOT / "results").glob("*.json")), ids=lambda p: p.name)
def test_committed_results_are_full_mode_runs(path):
    payload = json.loads(path.read_text())
    assert payload["mode"] == "full" and payload["notebook"] == path.stem and payload["metrics"]
    assert (config.NOTEBOOKS_DIR / f"{path.stem}.ipynb").is_file()
