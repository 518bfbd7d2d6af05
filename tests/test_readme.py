"""README.md's generated parts agree with the lessons' SUMMARY cells, results/*.json and the exercises."""

from labkit import readme

import json
import shutil

import pytest


def test_readme_matches_the_lessons_and_the_results_files():
    assert readme.stale() == [], "README.md is out of date: run python -m labkit results --readme"


@pytest.fixture
def copied_results(tmp_path, monkeypatch):
    folder = tmp_path / "results"
    shutil.copytree(readme.FULL_RESULTS, folder, ignore=shutil.ignore_patterns("fast"))
    monkeypatch.setattr(readme, "FULL_RESULTS", folder)
    return folder


def test_a_results_file_changed_by_hand_makes_the_readme_stale(copied_results):
    path = copied_results / "01_rnn_from_scratch.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["metrics"]["rnn_unseen_position_accuracy"] = 0.51
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert readme.stale() == ["results"]


def test_a_metric_missing_from_a_results_file_is_a_one_line_error(copied_results):
    path = copied_results / "04_music_generation.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    del payload["metrics"]["validity_at_1.0"]
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^summary: \{validity_at_1.0\} is not a metric this run recorded$"):
        readme.results_part()


def test_a_readme_row_changed_by_hand_is_stale():
    text = readme.README.read_text(encoding="utf-8")
    exercise_row, claim_row = "| 01 | 3 | `sequence_loss` |", "| RNN (shared weights): the same test | "
    assert exercise_row in text and claim_row in text
    assert readme.stale(text.replace(exercise_row, "| 01 | 3 | `loss` |")) == ["exercises"]
    assert readme.stale(text.replace(claim_row, claim_row + "0.99")) == ["results"]


def test_missing_markers_are_a_one_line_error():
    with pytest.raises(ValueError, match="^README.md: expected the markers"):
        readme.stale("# a README without its markers\n")


def test_rewrite_restores_the_generated_parts(tmp_path, monkeypatch):
    stale_copy = tmp_path / "README.md"
    text = readme.README.read_text(encoding="utf-8")
    stale_copy.write_text(text.replace("`sequence_loss` |", "`loss` |"), encoding="utf-8")
    monkeypatch.setattr(readme, "README", stale_copy)
    assert readme.rewrite() == ["exercises"] and stale_copy.read_text(encoding="utf-8") == text
    assert readme.rewrite() == []
