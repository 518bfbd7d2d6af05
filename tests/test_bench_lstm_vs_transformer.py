"""The same-clock benchmark's code paths: the lessons' own models, and its report (no timing asserted)."""

from labkit import config
from labkit.same_clock import Point

import importlib.util

import pytest


@pytest.fixture(scope="module")
def bench():
    pytest.importorskip("keras")
    spec = importlib.util.spec_from_file_location("same_clock_bench", config.REPO_ROOT / "bench" /
                                                  "lstm_vs_transformer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_contenders_are_the_lessons_models_with_their_windows_and_contexts(bench):
    make_train_step, models = bench.contenders(20)
    (lstm, _, lstm_windows, lstm_context), (gpt, _, gpt_windows, gpt_context) = models.values()
    assert callable(make_train_step) and lstm_context is None and lstm_windows(4) == (100, 128)
    assert type(gpt).__name__ == "MusicTransformer" and gpt_context == 512
    shapes = {gpt_windows(step) for step in range(1, 9)}
    assert shapes == {(128, 64), (512, 16)}  # short windows, a full context now and then: same characters


def test_report_reads_how_long_each_model_takes_to_reach_the_others_best(bench, capsys):
    curves = {"slow": [Point(0, 0, 5.0), Point(10, 3, 3.0), Point(20, 6, 2.0)],
              "fast": [Point(0, 0, 5.0), Point(10, 9, 2.5), Point(20, 18, 2.4)]}
    report = bench.report(curves)
    assert report["best"] == {"slow": 2.0, "fast": 2.4}
    assert report["seconds_to_reach"] == {"slow to fast's best": pytest.approx(16.0),
                                          "fast to slow's best": None}
    assert "fast to slow's best: not reached" in capsys.readouterr().out
