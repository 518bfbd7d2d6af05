"""The music time-to-quality benchmark's code paths, on a tiny budget (no timing is asserted)."""

import importlib.util

import numpy as np
import pytest

from labkit import config


@pytest.fixture(scope="module")
def bench():
    pytest.importorskip("keras")
    spec = importlib.util.spec_from_file_location("music_bench", config.REPO_ROOT / "bench" /
                                                  "music_time_to_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_contenders_train_and_are_scored_on_held_out_sequences(bench):
    rng = np.random.default_rng(0)
    train_ids = rng.integers(0, 20, size=5000).astype("int32")
    held = [rng.integers(0, 20, size=n).astype("int32") for n in (30, 50)]
    for build in (bench.labkit_recipe, bench.reference):
        curve = bench.race("test", build(20), train_ids, held, budget=0.5, every=0.25)
        seconds, steps, bits = curve[-1]
        assert steps >= 1 and seconds >= 0.5 and 0 < bits < 2 * np.log2(20)


def test_first_time_at_reads_the_curve(bench):
    curve = [(30.0, 10, 3.0), (60.0, 20, 2.0), (90.0, 30, 1.5)]
    assert bench.first_time_at(curve, 2.0) == 60.0 and bench.first_time_at(curve, 1.0) is None
