"""README.md: a front page of at most 150 lines whose generated lessons table (each lesson's headline
result) agrees with the lessons and results/*.json, and whose links all lead somewhere."""

from labkit import config, readme

import json
import re
import shutil

import pytest


def _row(text, stem):
    return next(line for line in text.splitlines() if line.startswith(f"| [`{stem}`]"))


def test_readme_matches_the_lessons_and_the_results_files():
    assert readme.stale() == [], "README.md is out of date: run python -m labkit results --readme"


def test_readme_is_a_front_page_of_at_most_150_lines():
    assert len(readme.README.read_text(encoding="utf-8").splitlines()) <= 150


def test_every_relative_link_in_the_readme_leads_to_a_file():
    text = readme.README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"^[a-z]+:", t)]
    assert len(targets) >= 8 + 6  # the lessons and the site's pages
    assert [t for t in targets if not (config.REPO_ROOT / t.split("#")[0]).is_file()] == []


@pytest.fixture
def copied_results(tmp_path, monkeypatch):
    folder = tmp_path / "results"
    shutil.copytree(readme.FULL_RESULTS, folder, ignore=shutil.ignore_patterns("fast"))
    monkeypatch.setattr(readme, "FULL_RESULTS", folder)
    return folder


def _edit_metrics(folder, lesson, edit):
    path = folder / f"{lesson}.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    edit(payload["metrics"])
    path.write_text(json.dumps(payload), encoding="utf-8")


def test_a_results_file_changed_by_hand_makes_the_readme_stale(copied_results):
    _edit_metrics(copied_results, "01_rnn_from_scratch",
                  lambda metrics: metrics.update(rnn_unseen_position_accuracy=0.51))
    assert readme.stale() == ["lessons"]
    assert "RNN 0.51," in _row(readme.generated(), "01_rnn_from_scratch")


@pytest.mark.parametrize("make, lesson, metric", [
    (readme.results_part, "04_music_generation", "validity_at_1.0"),  # in lesson 04's SUMMARY
    (readme.lessons_part, "04_music_generation", "validity_at_0.5"),  # in its headline
])
def test_a_metric_missing_from_a_results_file_is_a_one_line_error(copied_results, make, lesson, metric):
    _edit_metrics(copied_results, lesson, lambda metrics: metrics.pop(metric))
    expected = rf"^summary: \{{{re.escape(metric)}\}} is not a metric this run recorded$"
    with pytest.raises(ValueError, match=expected):
        make()


def test_a_lesson_without_a_headline_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(readme, "HEADLINES", {k: v for k, v in readme.HEADLINES.items() if k != "08"})
    with pytest.raises(ValueError, match=r"^08_image_captioning.ipynb: expected a headline in labkit.readme"):
        readme.lessons_part()


def test_a_readme_row_changed_by_hand_is_stale():
    text = readme.README.read_text(encoding="utf-8")
    row = _row(text, "01_rnn_from_scratch")
    assert readme.stale(text.replace(row, row.replace(" | a phrase", " | a phrase or two"))) == ["lessons"]


def test_missing_markers_are_a_one_line_error():
    with pytest.raises(ValueError, match="^README.md: expected the markers"):
        readme.stale("# a README without its markers\n")


def test_rewrite_restores_the_generated_parts(tmp_path, monkeypatch):
    stale_copy = tmp_path / "README.md"
    text = readme.README.read_text(encoding="utf-8")
    row = _row(text, "02_vanishing_gradients_and_lstm")
    stale_copy.write_text(text.replace(row + "\n", ""), encoding="utf-8")
    monkeypatch.setattr(readme, "README", stale_copy)
    assert readme.rewrite() == ["lessons"] and stale_copy.read_text(encoding="utf-8") == text
    assert readme.rewrite() == []
