"""Self-checks of lesson 06 (forecasting continuous sequences):

- :data:`make_windows`: a series cut into (last k frames, the next ``horizon`` frames) pairs;
- :data:`sequence_mse`: the many-to-many regression loss, squared error summed over the real frames;
- :data:`linear_ar`: a least-squares linear autoregression on the last k frames;
- :data:`rollout`: a model fed its own predictions, one frame at a time.

The expected windows, losses, fits and rollouts come from :mod:`labkit.answers.forecasting`.
"""

from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.checks.training import compare_summed_loss
from labkit.probes import forecasting as probes

import numpy as np


def _windows_compare(expected, data):
    k = expected["k"]
    part = Parts()
    for suffix in ("1", "h"):
        h, inputs, targets = (expected[suffix][name] for name in ("horizon", "inputs", "targets"))
        with part(f"horizon {h}"):
            got_inputs, got_targets = data[f"inputs_{suffix}"], data[f"targets_{suffix}"]
            expect_shape(got_inputs, inputs.shape, f"inputs for k={k}, horizon={h} (windows, k, features): a "
                         "window at every start from 0 to time - k - horizon, throw by throw,")
            expect_shape(got_targets, targets.shape, f"targets for horizon={h} (windows, horizon, features), "
                         "the next frames kept as (horizon, features),")
            expect_close(got_inputs, inputs, "the inputs (throw by throw, starts in time order, frames "
                         "start .. start + k - 1)")
            expect(not np.allclose(got_targets, expected[suffix]["targets_one_frame_early"]), "the targets "
                   "start one frame too early: the first target is the frame right after the window, "
                   "tracks[:, start + k]")
            expect_close(got_targets, targets, "the targets (frames start + k .. start + k + horizon - 1, "
                         "right after each window)")
    part.verdict()


make_windows = define("make_windows", "make_windows", probes.make_windows, _windows_compare,
                      "``make_windows(tracks, k, horizon=1)``: tracks (n, time, features) -> inputs "
                      "(windows, k, features) and the next ``horizon`` frames as targets (windows, horizon, "
                      "features), throw by throw, starts in time order.")


def _mse_compare(expected, data):
    slipped = np.isclose(float(data["loss_every_step"]), expected["averaged_over_coordinates"], atol=1e-4)
    expect(expected["features"] == 1 or not slipped, "the squared error is averaged over the coordinates: "
           "sum it over x and y")
    compare_summed_loss(data, expected["per_frame"], expected["mask"],
                        "the squared error summed over the coordinates", step="frame")
    expect_close(data["loss_traced"], data["loss_with_padding"], "sequence_mse traced by tf.function (as "
                 "in training) must equal its eager value", atol=1e-4)


sequence_mse = define("sequence_mse", "sequence_mse", probes.sequence_mse, _mse_compare,
                      "``sequence_mse(predicted, target, mask)``: squared error summed over coordinates and "
                      "the real frames of each sequence, averaged over the batch (lesson 01's summed loss, "
                      "for numbers).")


def _ar_compare(expected, data):
    weights = expected["weights"]
    features = weights.shape[1]
    expect_shape(data["weights"], weights.shape, "weights (k * features, features): one column per predicted "
                 "coordinate, rows in the order of inputs.reshape(m, k * features)")
    expect_shape(data["bias"], (features,), "bias (features,)")
    expect(not np.allclose(data["weights"], expected["without_bias"], atol=1e-3), "the fit has no intercept: "
           "add a column of ones to the inputs, and its coefficients are the bias")
    expect_close(data["weights"], weights, "the least-squares weights (minimise the squared error of "
                 "inputs.reshape(m, -1) @ weights + bias; np.linalg.lstsq)", atol=1e-3)
    expect_close(data["bias"], expected["bias"], "the least-squares bias", atol=1e-3)


linear_ar = define("linear_ar", "fit_linear_ar", probes.linear_ar, _ar_compare,
                   "``fit_linear_ar(inputs, targets)``: least-squares (weights (k * features, features), "
                   "bias (features,)) predicting the next frame (m, features) from the last k frames (m, k, "
                   "features).")


def _rollout_compare(expected, data):
    drawn = expected["drawn"]  # (batch, horizon, features)
    expect_shape(data["drawn"], drawn.shape, "the rollout (batch, horizon, features): the predicted "
                 "frames only, not the prefix")
    expect_close(data["drawn"][:, 0], drawn[:, 0], "the first predicted frame (the model's output at the "
                 "prefix's last frame)", atol=1e-4)
    expect_close(data["drawn"], drawn, "the later frames (append each prediction to the sequence, then "
                 "predict again from the whole sequence)", atol=1e-3)
    error = str(data["numpy_error"])
    expect(not error, f"rollout fails with a NumPy forecaster, as the lesson rolls out the linear AR "
           f"({error}): take the model's output with np.asarray(...), not .numpy()")
    expect_close(data["by_numpy"], expected["by_numpy"], "the rollout of a NumPy forecaster (the same loop "
                 "must work for any forecaster, network or not)", atol=1e-3)


rollout = define("rollout", "rollout", probes.rollout, _rollout_compare,
                 "``rollout(model, prefix, horizon)``: from prefix (batch, frames, features), append the "
                 "model's next-frame prediction ``horizon`` times; returns the predicted frames (batch, "
                 "horizon, features).")
