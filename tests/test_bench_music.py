"""The music benchmarks (time to quality, levers) on a few steps of each model; no timing is asserted."""

from labkit import config, notebooks

import importlib.util
import json
import math
import types

import numpy as np
import pytest


def load_script(name):
    """bench/<name>.py as a module."""
    pytest.importorskip("keras")
    spec = importlib.util.spec_from_file_location(name, config.REPO_ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return load_script("music_time_to_quality")


@pytest.fixture(scope="module")
def lesson(bench):
    return notebooks.load_definitions(bench.NOTEBOOK, bench.LESSON)


@pytest.mark.parametrize("name", ["labkit", "reference"])
def test_a_run_saves_weights_on_its_schedule_resumes_and_is_scored(bench, lesson, name, tmp_path):
    rng = np.random.default_rng(0)
    tunes = [rng.integers(0, 20, size=200).astype("int32") for _ in range(100)]  # enough for 128 rows of 100
    data = types.SimpleNamespace(vocab=range(20), tunes=tunes, stream=np.concatenate(tunes))
    held = [rng.integers(0, 20, size=n).astype("int32") for n in (30, 50)]
    state = bench.train(tmp_path, name, lesson, data, seed=0, total_steps=2, schedule={1})
    assert state["step"] == 2 and set(state["wall"]) == {"1", "2"}
    state = bench.train(tmp_path, name, lesson, data, seed=0, total_steps=3, schedule={1})
    assert state["step"] == 3 and len(state["losses"]) == 3  # resumed at step 2, not from the start
    saved = sorted(p.name for p in (tmp_path / "weights").glob("*.h5"))
    assert saved == [f"step-00000{i}.weights.h5" for i in (1, 2, 3)]
    wall = bench.wall_clock(tmp_path)
    assert sorted(wall) == [1, 2, 3] and wall[1] < wall[2] < wall[3]
    scores = bench.score(tmp_path, name, lesson, 20, held)
    assert sorted(scores) == [1, 2, 3] and all(0 < bits < 2 * np.log2(20) for bits in scores.values())
    assert json.loads((tmp_path / "scores.json").read_text()) == {str(k): v for k, v in scores.items()}


def test_streamed_score_of_a_uniform_guess_is_log2_of_the_vocabulary(bench):
    import tensorflow as tf

    held = [np.arange(n, dtype="int32") % 7 for n in (40, 75, 130)]
    bits = bench.streamed_bits_per_char(lambda x: tf.zeros(x.shape + (7,)), held, window=9)
    assert bits == pytest.approx(np.log2(7), rel=1e-6)


def test_snapshot_steps_are_dense_early_and_end_at_the_last_step(bench):
    steps = bench.snapshot_steps(3600, n_early=24)
    assert steps == sorted(set(steps)) and steps[-1] == 3600 and steps[0] == 45
    assert sum(s <= 1080 for s in steps) == 24 and len(steps) == 24 + 14


def test_report_takes_the_reference_median_of_its_last_three_and_each_seeds_crossing(bench):
    runs = {"reference/seed-0": {100: 2.5, 200: 2.0, 300: 1.9, 400: 2.1},  # last three: median 2.0
            "labkit/seed-0": {10: 3.0, 20: 1.8, 40: 1.6},
            "labkit/seed-1": {10: 3.0, 20: 2.2, 40: 1.7}}
    result = bench.report(runs, {"reference": 1.0, "labkit": 2.0}, budget=80)
    assert result["reference_quality"] == 2.0
    seeds = result["per_seed"]
    assert seeds["labkit/seed-0"]["seconds_to_reference_quality"] == pytest.approx(20 + 20 * 1.0 / 1.2)
    assert seeds["labkit/seed-1"]["seconds_to_reference_quality"] == pytest.approx(40 + 40 * 0.2 / 0.5)
    assert seeds["labkit/seed-1"]["ratio"] == pytest.approx(56 / 80)
    assert [s["bits_at_budget"] for s in seeds.values()] == [1.6, 1.7]
    assert result["median_bits_at_budget"] == pytest.approx(1.65)
    assert result["seed_spread"] == pytest.approx(0.05) and not result["targets_met"]["seed_spread"]
    assert math.isclose(result["median_ratio"], np.median([seeds[k]["ratio"] for k in seeds]))


@pytest.fixture(scope="module")
def levers():
    return load_script("music_levers")


@pytest.mark.parametrize("flags", [
    ["--more-data", "--late-dropout", "1", "--recurrent-dropout", "0.2"],  # random windows
    ["--carry-state", "--locked", "--weight-drop", "0.3", "--early-steps", "1", "--early-batch", "2"],
])
def test_the_lever_script_trains_and_scores_each_lever(levers, flags):
    args = levers.arguments().parse_args(
        ["--steps", "2", "--score", "1", "2", "--warmup", "0.5", "--batch", "4", "--length", "20",
         "--units", "8", *flags])
    curve = levers.run(args)
    assert [step for step, _, _ in curve] == [1, 2] and all(0 < bits < 8 for _, _, bits in curve)


def test_weight_drop_lstm_is_keras_lstm_at_inference_and_drops_recurrent_weights_in_training(levers):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    x = tf.random.normal((4, 6, 5))  # (batch, time, features)
    dropped = levers.WeightDropLSTM(8, 0.5, return_sequences=True)
    plain = keras.layers.LSTM(8, return_sequences=True)
    dropped.build(x.shape), plain.build(x.shape)
    plain.set_weights(dropped.get_weights())
    np.testing.assert_allclose(dropped(x), plain(x), atol=1e-6)
    trained = dropped(x, training=True)  # (batch, time, units)
    np.testing.assert_allclose(trained[:, 0], plain(x)[:, 0], atol=1e-6)  # the first step reads h = 0
    assert float(tf.reduce_max(tf.abs(trained[:, 1:] - plain(x)[:, 1:]))) > 1e-3
    assert dropped.cell.dropped_kernel is None  # the mask lasts one batch
