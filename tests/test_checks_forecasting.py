"""Self-checks of lesson 06's exercises: the lesson's own solutions pass, the usual slips fail with
a one-line hint that says what to fix."""

from labkit import checks, notebooks

import numpy as np
import pytest

keras = pytest.importorskip("keras")
ops = keras.ops


@pytest.fixture(scope="module")
def lesson06():
    names = ["make_windows", "fit_linear_ar", "sequence_mse", "rollout"]
    return notebooks.load_definitions("06_forecasting", names)


def test_the_lessons_own_solutions_pass(lesson06, capsys):
    results = [checks.make_windows(lesson06["make_windows"]), checks.linear_ar(lesson06["fit_linear_ar"]),
               checks.sequence_mse(lesson06["sequence_mse"]), checks.rollout(lesson06["rollout"])]
    printed = capsys.readouterr().out
    assert all(results) and printed.count("[PASS]") == len(results) and "[FAIL]" not in printed, printed


def _windows(offset=0, last_start=1):
    def make_windows(tracks, k, horizon=1):
        n, time, features = tracks.shape
        starts = range(time - k - horizon + last_start)
        inputs = np.stack([tracks[:, s:s + k] for s in starts], axis=1).reshape(-1, k, features)
        targets = np.stack([tracks[:, s + k + offset:s + k + offset + horizon] for s in starts], axis=1)
        return inputs, targets.reshape(-1, horizon, features)
    return make_windows


@pytest.mark.parametrize("make_windows, hint", [
    (_windows(offset=-1), "the targets start one frame too early"),
    (_windows(last_start=0), "every start from 0 to time - k - horizon"),
    (lambda tracks, k, horizon=1: _windows()(tracks, k, horizon)[0], "must return (inputs, targets)"),
])
def test_make_windows_slips_fail(make_windows, hint, fails):
    fails(checks.make_windows(make_windows), "make_windows", hint)


def _mse(reduce_time, reduce_features=ops.sum, use_mask=True):
    def sequence_mse(predicted, target, mask):
        squared = reduce_features(ops.square(predicted - target), axis=-1)  # (batch, time)
        weights = ops.cast(mask, "float32") if use_mask else 1.0
        return ops.mean(reduce_time(squared * weights, axis=1))
    return sequence_mse


@pytest.mark.parametrize("loss, hint", [
    (_mse(ops.mean), "averaged over time"),
    (_mse(ops.sum, reduce_features=ops.mean), "averaged over the coordinates"),
    (_mse(ops.sum, use_mask=False), "frames where the mask is False must not count"),
])
def test_sequence_mse_slips_fail(loss, hint, fails):
    fails(checks.sequence_mse(loss), "sequence_mse", hint)


def test_an_autoregression_without_an_intercept_fails(fails):
    def fit_linear_ar(inputs, targets):
        weights, *_ = np.linalg.lstsq(inputs.reshape(len(inputs), -1), targets, rcond=None)
        return weights, np.zeros(targets.shape[1])
    fails(checks.linear_ar(fit_linear_ar), "fit_linear_ar", "the fit has no intercept")


def _rollout(slip):
    def rollout(model, prefix, horizon):
        sequence, drawn = np.asarray(prefix), []
        for _ in range(horizon):
            seen = sequence[:, -1:] if slip == "last frame only" else sequence
            next_frame = np.asarray(model(seen))[:, -1:]
            drawn.append(next_frame)
            sequence = np.concatenate([sequence, next_frame], axis=1)
        if slip == "in place":
            prefix[:] = 0
        return sequence if slip == "with the prefix" else np.concatenate(drawn, axis=1)
    return rollout


@pytest.mark.parametrize("slip, hint", [
    ("with the prefix", "the predicted frames only, not the prefix"),
    ("last frame only", "the first predicted frame"),
    ("in place", "rollout changed the prefix"),
])
def test_rollout_slips_fail(slip, hint, fails):
    fails(checks.rollout(_rollout(slip)), "rollout", hint)
