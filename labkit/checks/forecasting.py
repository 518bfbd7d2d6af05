"""Self-checks of lesson 06 (forecasting continuous sequences):

- :data:`make_windows`: a series cut into (last k frames, the next ``horizon`` frames) pairs;
- :data:`sequence_mse`: the many-to-many regression loss, squared error summed over the real frames;
- :data:`linear_ar`: a least-squares linear autoregression on the last k frames;
- :data:`rollout`: a model fed its own predictions, one frame at a time.

Judges re-compute in NumPy: windows by slicing, the loss directly, the autoregression with
``np.linalg.lstsq``, the rollout with :func:`labkit.checks.reference.keras_lstm` on a small LSTM
model whose weights the check draws.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.checks.training import judge_summed_loss, step_mask
from labkit.probes import forecasting as probes

import numpy as np


def _tracks(spec):
    """A few short random walks (n, time, features) to cut into windows, and k and horizon."""
    rng, s = spec.draw(n=(3, range(4, 7)), time=(12, range(13, 20)), features=(2, (1, 3)),
                       k=(4, (2, 3, 5, 6)), horizon=(3, (2, 4, 5)))
    steps = rng.normal(size=(s["n"], s["time"], s["features"]))
    return np.cumsum(steps, axis=1).astype("float32"), s["k"], s["horizon"]  # (n, time, features)


def reference_windows(tracks, k, horizon, offset=0):
    """(inputs (m, k, f), targets (m, horizon, f)), throw by throw, each throw's starts in time order;
    ``offset`` shifts the targets (-1: the slip of starting them on the window's last frame)."""
    n, time, features = tracks.shape
    starts = range(time - k - horizon + 1)
    inputs = np.stack([tracks[:, s:s + k] for s in starts], axis=1)  # (n, starts, k, f)
    first = [s + k + offset for s in starts]
    targets = np.stack([tracks[:, f:f + horizon] for f in first], axis=1)  # (n, starts, horizon, f)
    return inputs.reshape(-1, k, features), targets.reshape(-1, horizon, features)


def _windows_judge(spec, data):
    tracks, k, horizon = _tracks(spec)
    part = Parts()
    for suffix, h in (("1", 1), ("h", horizon)):
        with part(f"horizon {h}"):
            inputs, targets = reference_windows(tracks, k, h)
            got_inputs, got_targets = data[f"inputs_{suffix}"], data[f"targets_{suffix}"]
            expect_shape(got_inputs, inputs.shape, f"inputs for k={k}, horizon={h} (windows, k, features): a "
                         "window at every start from 0 to time - k - horizon, throw by throw,")
            expect_shape(got_targets, targets.shape, f"targets for horizon={h} (windows, horizon, features), "
                         "the next frames kept as (horizon, features),")
            expect_close(got_inputs, inputs, "the inputs (throw by throw, starts in time order, frames "
                         "start .. start + k - 1)")
            expect(not np.allclose(got_targets, reference_windows(tracks, k, h, offset=-1)[1]), "the targets "
                   "start one frame too early: the first target is the frame right after the window, "
                   "tracks[:, start + k]")
            expect_close(got_targets, targets, "the targets (frames start + k .. start + k + horizon - 1, "
                         "right after each window)")
    part.verdict()


make_windows = define("make_windows", "make_windows", _tracks, probes.make_windows, _windows_judge,
                      "``make_windows(tracks, k, horizon=1)``: tracks (n, time, features) -> inputs "
                      "(windows, k, features) and the next ``horizon`` frames as targets (windows, horizon, "
                      "features), throw by throw, starts in time order.")


def _mse_inputs(spec):
    """predicted and target (batch, time, features), a mask (batch, time) of real frames."""
    rng, s = spec.draw(batch=(3, range(4, 7)), steps=(6, range(7, 11)), features=(2, (1, 3)))
    shape = (s["batch"], s["steps"], s["features"])
    predicted, target = (rng.normal(size=shape).astype("float32") for _ in range(2))
    return predicted, target, step_mask(rng, s["batch"], s["steps"])


def _mse_judge(spec, data):
    predicted, target, mask = _mse_inputs(spec)
    per_frame = ((predicted.astype("float64") - target) ** 2).sum(axis=-1)  # (batch, time)
    averaged_over_coordinates = per_frame.sum(axis=1).mean() / predicted.shape[-1]
    slipped = np.isclose(float(data["loss_every_step"]), averaged_over_coordinates, atol=1e-4)
    expect(predicted.shape[-1] == 1 or not slipped, "the squared error is averaged over the coordinates: sum "
           "it over x and y")
    judge_summed_loss(data, per_frame, mask, "the squared error summed over the coordinates", step="frame")
    expect_close(data["loss_traced"], data["loss_with_padding"], "sequence_mse traced by tf.function (as "
                 "in training) must equal its eager value", atol=1e-4)


sequence_mse = define("sequence_mse", "sequence_mse", _mse_inputs, probes.sequence_mse, _mse_judge,
                      "``sequence_mse(predicted, target, mask)``: squared error summed over coordinates and "
                      "the real frames of each sequence, averaged over the batch (lesson 01's summed loss, "
                      "for numbers).")


def _ar_inputs(spec):
    """Windows (m, k, features) and next frames (m, features) of a noisy linear recurrence."""
    rng, s = spec.draw(m=(200, range(120, 180)), k=(3, (2, 4, 5)), features=(2, (1, 3)))
    inputs = rng.normal(size=(s["m"], s["k"], s["features"]))
    true_weights = rng.normal(size=(s["k"] * s["features"], s["features"]))
    noise = rng.normal(scale=0.1, size=(s["m"], s["features"]))
    targets = inputs.reshape(s["m"], -1) @ true_weights + 0.5 + noise  # (m, features)
    return inputs.astype("float32"), targets.astype("float32")


def _ar_judge(spec, data):
    inputs, targets = _ar_inputs(spec)
    m, k, features = inputs.shape
    design = np.concatenate([inputs.reshape(m, -1), np.ones((m, 1))], axis=1).astype("float64")  # (m, kf + 1)
    solution, *_ = np.linalg.lstsq(design, targets.astype("float64"), rcond=None)  # (k f + 1, features)
    expect_shape(data["weights"], (k * features, features), "weights (k * features, features): one column "
                 "per predicted coordinate, rows in the order of inputs.reshape(m, k * features)")
    expect_shape(data["bias"], (features,), "bias (features,)")
    without_bias, *_ = np.linalg.lstsq(design[:, :-1], targets.astype("float64"), rcond=None)
    expect(not np.allclose(data["weights"], without_bias, atol=1e-3), "the fit has no intercept: add a "
           "column of ones to the inputs, and its coefficients are the bias")
    expect_close(data["weights"], solution[:-1], "the least-squares weights (minimise the squared error of "
                 "inputs.reshape(m, -1) @ weights + bias; np.linalg.lstsq)", atol=1e-3)
    expect_close(data["bias"], solution[-1], "the least-squares bias", atol=1e-3)


linear_ar = define("linear_ar", "fit_linear_ar", _ar_inputs, probes.linear_ar, _ar_judge,
                   "``fit_linear_ar(inputs, targets)``: least-squares (weights (k * features, features), "
                   "bias (features,)) predicting the next frame (m, features) from the last k frames (m, k, "
                   "features).")


def _rollout_inputs(spec):
    """The sizes, a small LSTM -> Dense model's weights and a prefix (batch, frames, features)."""
    rng, s = spec.draw(batch=(2, range(3, 5)), frames=(4, (3, 5, 6)), features=(2, (1, 3)),
                       units=(5, (4, 6, 7)), horizon=(6, range(7, 10)))
    features, units = s["features"], s["units"]
    weights = [rng.normal(scale=1.0 / np.sqrt(features), size=(features, 4 * units)),
               rng.normal(scale=1.0 / np.sqrt(units), size=(units, 4 * units)),
               rng.normal(scale=0.5, size=4 * units),
               rng.normal(scale=1.0 / np.sqrt(units), size=(units, features)),
               rng.normal(scale=0.3, size=features)]
    prefix = rng.normal(size=(s["batch"], s["frames"], features))
    linear = (0.5 * rng.normal(size=(features, features)), rng.normal(scale=0.1, size=features))  # NumPy's
    return s, [w.astype("float32") for w in weights], prefix.astype("float32"), linear


def _rollout_judge(spec, data):
    s, weights, prefix, (slope, offset) = _rollout_inputs(spec)
    kernel, recurrent, bias, dense, dense_bias = (w.astype("float64") for w in weights)
    sequence, drawn = prefix.astype("float64"), []
    for _ in range(s["horizon"]):
        states, _ = reference.keras_lstm(sequence, kernel, recurrent, bias)  # (batch, time, units)
        next_frame = states[:, -1] @ dense + dense_bias  # (batch, features): after the last frame
        drawn.append(next_frame)
        sequence = np.concatenate([sequence, next_frame[:, None]], axis=1)
    expected = np.stack(drawn, axis=1)  # (batch, horizon, features)
    expect_shape(data["drawn"], expected.shape, "the rollout (batch, horizon, features): the predicted "
                 "frames only, not the prefix")
    expect_close(data["drawn"][:, 0], expected[:, 0], "the first predicted frame (the model's output at the "
                 "prefix's last frame)", atol=1e-4)
    expect_close(data["drawn"], expected, "the later frames (append each prediction to the sequence, then "
                 "predict again from the whole sequence)", atol=1e-3)
    error = str(data["numpy_error"])
    expect(not error, f"rollout fails with a NumPy forecaster, as the lesson rolls out the linear AR "
           f"({error}): "
           "take the model's output with np.asarray(...), not .numpy()")
    sequence, by_numpy = prefix.astype("float64"), []
    for _ in range(s["horizon"]):
        by_numpy.append((sequence @ slope + offset)[:, -1])  # (batch, features)
        sequence = np.concatenate([sequence, by_numpy[-1][:, None]], axis=1)
    expect_close(data["by_numpy"], np.stack(by_numpy, axis=1), "the rollout of a NumPy forecaster (the same "
                 "loop must work for any forecaster, network or not)", atol=1e-3)


rollout = define("rollout", "rollout", _rollout_inputs, probes.rollout, _rollout_judge,
                 "``rollout(model, prefix, horizon)``: from prefix (batch, frames, features), append the "
                 "model's next-frame prediction ``horizon`` times; returns the predicted frames (batch, "
                 "horizon, features).")
