"""Answers of lesson 06's checks: windows by slicing, the summed squared error directly, the
autoregression with ``np.linalg.lstsq``, the rollout with :func:`.reference.keras_lstm` on a small
LSTM model whose weights the check draws, and a NumPy forecaster's rollout."""

from labkit.answers import reference, register
from labkit.answers.training import step_mask

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


def _windows(spec):
    tracks, k, horizon = _tracks(spec)
    expected = {"k": k}
    for suffix, h in (("1", 1), ("h", horizon)):
        inputs, targets = reference_windows(tracks, k, h)
        expected[suffix] = {"horizon": h, "inputs": inputs, "targets": targets,
                            "targets_one_frame_early": reference_windows(tracks, k, h, offset=-1)[1]}
    return expected


def _mse_inputs(spec):
    """predicted and target (batch, time, features), a mask (batch, time) of real frames."""
    rng, s = spec.draw(batch=(3, range(4, 7)), steps=(6, range(7, 11)), features=(2, (1, 3)))
    shape = (s["batch"], s["steps"], s["features"])
    predicted, target = (rng.normal(size=shape).astype("float32") for _ in range(2))
    return predicted, target, step_mask(rng, s["batch"], s["steps"])


def _mse(spec):
    predicted, target, mask = _mse_inputs(spec)
    per_frame = ((predicted.astype("float64") - target) ** 2).sum(axis=-1)  # (batch, time)
    return {"per_frame": per_frame, "mask": mask, "features": predicted.shape[-1],
            "averaged_over_coordinates": per_frame.sum(axis=1).mean() / predicted.shape[-1]}


def _ar_inputs(spec):
    """Windows (m, k, features) and next frames (m, features) of a noisy linear recurrence."""
    rng, s = spec.draw(m=(200, range(120, 180)), k=(3, (2, 4, 5)), features=(2, (1, 3)))
    inputs = rng.normal(size=(s["m"], s["k"], s["features"]))
    true_weights = rng.normal(size=(s["k"] * s["features"], s["features"]))
    noise = rng.normal(scale=0.1, size=(s["m"], s["features"]))
    targets = inputs.reshape(s["m"], -1) @ true_weights + 0.5 + noise  # (m, features)
    return inputs.astype("float32"), targets.astype("float32")


def _ar(spec):
    inputs, targets = _ar_inputs(spec)
    m = inputs.shape[0]
    design = np.concatenate([inputs.reshape(m, -1), np.ones((m, 1))], axis=1).astype("float64")  # (m, kf + 1)
    solution, *_ = np.linalg.lstsq(design, targets.astype("float64"), rcond=None)  # (k f + 1, features)
    without_bias, *_ = np.linalg.lstsq(design[:, :-1], targets.astype("float64"), rcond=None)
    return {"weights": solution[:-1], "bias": solution[-1], "without_bias": without_bias}


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


def _rollout(spec):
    s, weights, prefix, (slope, offset) = _rollout_inputs(spec)
    kernel, recurrent, bias, dense, dense_bias = (w.astype("float64") for w in weights)
    sequence, drawn = prefix.astype("float64"), []
    for _ in range(s["horizon"]):
        states, _ = reference.keras_lstm(sequence, kernel, recurrent, bias)  # (batch, time, units)
        next_frame = states[:, -1] @ dense + dense_bias  # (batch, features): after the last frame
        drawn.append(next_frame)
        sequence = np.concatenate([sequence, next_frame[:, None]], axis=1)
    sequence, by_numpy = prefix.astype("float64"), []
    for _ in range(s["horizon"]):
        by_numpy.append((sequence @ slope + offset)[:, -1])  # (batch, features)
        sequence = np.concatenate([sequence, by_numpy[-1][:, None]], axis=1)
    return {"drawn": np.stack(drawn, axis=1), "by_numpy": np.stack(by_numpy, axis=1)}  # (batch, horizon, f)


register("make_windows", _tracks, _windows)
register("sequence_mse", _mse_inputs, _mse)
register("linear_ar", _ar_inputs, _ar)
register("rollout", _rollout_inputs, _rollout)
