from labkit import config, results

import json

import numpy as np
import pytest


@pytest.fixture
def full_mode_results(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "FAST", False)
    monkeypatch.setattr(config, "MODE", "full")
    monkeypatch.setenv("LABKIT_RESULTS_DIR", str(tmp_path))
    return tmp_path


def test_record_writes_json_with_plain_types(full_mode_results):
    assert results.record("01_rnn_from_scratch.ipynb", {
        "error": np.float32(2.5e-7), "steps": np.int64(300), "ok": True, "word": "networks",
        "curve": np.array([3.0, 1.0]), "nested": {"a": np.float64(0.5)},
    }) is None  # a lesson's last cell shows the table and where it went, not a path object
    payload = json.loads((full_mode_results / "01_rnn_from_scratch.json").read_text())
    assert payload["notebook"] == "01_rnn_from_scratch" and payload["mode"] == "full"
    assert payload["metrics"] == {"error": pytest.approx(2.5e-7), "steps": 300, "ok": True,
                                  "word": "networks", "curve": [3.0, 1.0], "nested": {"a": 0.5}}
    assert results.load("01_rnn_from_scratch") == payload
    assert [p.name for p in full_mode_results.iterdir()] == ["01_rnn_from_scratch.json"]  # no temp files


def test_fast_mode_writes_beside_not_over_the_full_results(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "FAST", True)
    monkeypatch.setenv("LABKIT_RESULTS_DIR", str(tmp_path))
    results.record("x", {"a": 1})
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")] == ["fast/x.json"]


def test_render_fills_fields_with_their_format():
    metrics = {"loss": 1.23456, "ok": False, "validity_at_0.5": 0.91, "exact_61+": 1.0, "word": "networks"}
    summary = "| {loss:.2f} | {ok} | {validity_at_0.5:.0%} | {exact_61+:.1f} | {word} |"
    assert results.render(summary, metrics, strict=True) == "| 1.23 | no | 91% | 1.0 | networks |"


def test_render_shows_what_fast_mode_did_not_measure_and_strict_mode_refuses_it():
    assert results.render("lag 200: {accuracy_lag200:.2f}", {"a": 1}) == f"lag 200: {results.NOT_MEASURED}"
    with pytest.raises(ValueError, match=r"^summary: \{accuracy_lag200\} is not a metric this run recorded$"):
        results.render("{accuracy_lag200:.2f}", {"a": 1}, strict=True)
    with pytest.raises(ValueError, match=r"^summary: \{word:.2f\} cannot format 'networks'"):
        results.render("{word:.2f}", {"word": "networks"})


def test_record_with_a_summary_shows_it_filled_and_where_it_was_recorded(full_mode_results, capsys):
    results.record("01_a", {"loss": 1.23456}, summary="loss {loss:.3f}")
    assert capsys.readouterr().out == f"loss 1.235\n\nRecorded in `{full_mode_results / '01_a.json'}`.\n"


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
