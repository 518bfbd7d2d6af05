"""The music time-to-quality benchmark's code paths, on a tiny budget (no timing is asserted)."""

from labkit import config

import importlib.util

import numpy as np
import pytest


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
        seconds, steps, bits, streamed = curve[-1]
        assert steps >= 1 and seconds >= 0.5 and 0 < bits < 2 * np.log2(20)
        assert (streamed is None) == (build is bench.labkit_recipe)
        if streamed is not None:
            assert 0 < streamed < 2 * np.log2(20)


def test_streamed_score_of_a_uniform_guess_is_log2_of_the_vocabulary(bench):
    import tensorflow as tf

    held = [np.arange(n, dtype="int32") % 7 for n in (40, 75, 130)]
    bits = bench.streamed_bits_per_char(lambda x: tf.zeros(x.shape + (7,)), held, window=9)
    assert bits == pytest.approx(np.log2(7), rel=1e-6)


def test_first_time_at_reads_the_curve(bench):
    curve = [(30.0, 10, 3.0, None), (60.0, 20, 2.0, None), (90.0, 30, 1.5, None)]
    assert bench.first_time_at(curve, 2.0) == 60.0 and bench.first_time_at(curve, 1.0) is None
