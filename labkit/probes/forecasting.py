"""Probes of lesson 06 (forecasting): windows, the summed squared error, the linear
autoregression, and a rollout of a small LSTM model with the check's weights."""

from labkit.probes.base import as_pair, expect
from labkit.probes.training import summed_loss

import numpy as np


def make_windows(given, fn):
    tracks, k, horizon = given
    one_step = as_pair(fn(tracks, k), "make_windows must return (inputs, targets)")
    ahead = as_pair(fn(tracks, k, horizon), "make_windows must return (inputs, targets)")
    return {"inputs_1": one_step[0], "targets_1": one_step[1], "inputs_h": ahead[0], "targets_h": ahead[1]}


def sequence_mse(given, fn):
    predicted, target, mask = given
    return summed_loss(fn, "sequence_mse", mask, predicted, target)


def linear_ar(given, fit_linear_ar):
    inputs, targets = given
    weights, bias = as_pair(fit_linear_ar(inputs, targets), "fit_linear_ar must return (weights, bias)")
    return {"weights": weights, "bias": bias}


def rollout(given, fn):
    import keras

    s, weights, prefix = given
    model = keras.Sequential([keras.Input((None, s["features"])),
                              keras.layers.LSTM(s["units"], return_sequences=True, name="lstm"),
                              keras.layers.Dense(s["features"], name="next_frame")])
    model.get_layer("lstm").set_weights(weights[:3])
    model.get_layer("next_frame").set_weights(weights[3:])
    handed = prefix.copy()
    drawn = fn(model, handed, s["horizon"])
    expect(np.array_equal(handed, prefix), "rollout changed the prefix it was given: build a new sequence")
    return {"drawn": np.asarray(drawn)}
