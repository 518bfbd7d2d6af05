import json

import numpy as np
import pytest

from labkit import config, results


@pytest.fixture
def full_mode_results(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "FAST", False)
    monkeypatch.setattr(config, "MODE", "full")
    monkeypatch.setenv("LABKIT_RESULTS_DIR", str(tmp_path))
    return tmp_path


def test_record_writes_json_with_plain_types(full_mode_results):
    path = results.record("01_rnn_from_scratch.ipynb", {
        "error": np.float32(2.5e-7), "steps": np.int64(300), "ok": True, "word": "networks",
        "curve": np.array([3.0, 1.0]), "nested": {"a": np.float64(0.5)},
    })
    assert path == full_mode_results / "01_rnn_from_scratch.json"
    payload = json.loads(path.read_text())
    assert payload["notebook"] == "01_rnn_from_scratch" and payload["mode"] == "full"
    assert payload["metrics"] == {"error": pytest.approx(2.5e-7), "steps": 300, "ok": True,
                                  "word": "networks", "curve": [3.0, 1.0], "nested": {"a": 0.5}}
    assert results.load("01_rnn_from_scratch") == payload
    assert [p.name for p in full_mode_results.iterdir()] == ["01_rnn_from_scratch.json"]  # no temp files


def test_fast_mode_writes_beside_not_over_the_full_results(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "FAST", True)
    monkeypatch.setenv("LABKIT_RESULTS_DIR", str(tmp_path))
    assert results.record("x", {"a": 1}) == tmp_path / "fast" / "x.json"


def test_table_lists_every_metric(full_mode_results):
    results.record("01_a", {"loss": 1.23456, "word": "networks"})
    assert results.table().splitlines()[2:] == ["| 01_a | loss | 1.235 |", "| 01_a | word | networks |"]


@pytest.mark.parametrize("notebook, metrics, error, pattern", [
    ("../evil", {"a": 1}, ValueError, "^notebook: expected a plain name"),
    (3, {"a": 1}, TypeError, "^notebook: expected a str"),
    ("nb", {}, ValueError, "^metrics: expected a non-empty dict"),
    ("nb", {"": 1}, ValueError, "^metrics: expected non-empty str keys"),
    ("nb", {"loss": float("nan")}, ValueError, r"^metrics\['loss'\]: expected a finite real number"),
    ("nb", {"obj": object()}, TypeError, r"^metrics\['obj'\]: expected a number, str, bool, list or dict"),
])
def test_record_rejects_bad_input(full_mode_results, notebook, metrics, error, pattern):
    with pytest.raises(error, match=pattern):
        results.record(notebook, metrics)
    assert not list(full_mode_results.iterdir())


def test_load_missing_results_says_what_to_do(full_mode_results):
    with pytest.raises(FileNotFoundError, match="run the notebook first"):
        results.load("never_run")
