"""Probes of lesson 06 (forecasting): windows, the summed squared error, the linear
autoregression, and a rollout of a small LSTM model with the check's weights."""

from labkit.probes.base import CheckFailed, as_pair, expect, scalar
from labkit.probes.training import summed_loss

import numpy as np


def make_windows(given, fn):
    tracks, k, horizon = given
    one_step = as_pair(fn(tracks, k), "make_windows must return (inputs, targets)")
    ahead = as_pair(fn(tracks, k, horizon), "make_windows must return (inputs, targets)")
    return {"inputs_1": one_step[0], "targets_1": one_step[1], "inputs_h": ahead[0], "targets_h": ahead[1]}


def sequence_mse(given, fn):
    import tensorflow as tf

    predicted, target, mask = given
    data = summed_loss(fn, "sequence_mse", mask, predicted, target)
    try:  # Keras traces a loss into a graph when it trains: the tensors then have no values yet
        traced = tf.function(fn)(*(tf.constant(a) for a in (predicted, target, mask)))
    except Exception as error:
        raise CheckFailed(f"sequence_mse fails on symbolic tensors, as Keras' training calls it "
                          f"({type(error).__name__}): write it with keras.ops, not NumPy") from error
    return {**data, "loss_traced": scalar(traced, "sequence_mse")}


def linear_ar(given, fit_linear_ar):
    inputs, targets = given
    weights, bias = as_pair(fit_linear_ar(inputs, targets), "fit_linear_ar must return (weights, bias)")
    return {"weights": weights, "bias": bias}


def rollout(given, fn):
    import keras

    s, weights, prefix, linear = given
    model = keras.Sequential([keras.Input((None, s["features"])),
                              keras.layers.LSTM(s["units"], return_sequences=True, name="lstm"),
                              keras.layers.Dense(s["features"], name="next_frame")])
    model.get_layer("lstm").set_weights(weights[:3])
    model.get_layer("next_frame").set_weights(weights[3:])
    handed = prefix.copy()
    drawn = fn(model, handed, s["horizon"])
    expect(np.array_equal(handed, prefix), "rollout changed the prefix it was given: build a new sequence")
    slope, offset = linear
    try:  # the lesson rolls out a NumPy forecaster too (the linear AR): it returns arrays, not tensors
        forecaster = lambda frames: np.asarray(frames) @ slope + offset  # noqa: E731  (batch, time, features)
        by_numpy = np.asarray(fn(forecaster, prefix.copy(), s["horizon"]))
        numpy_error = ""
    except Exception as error:
        by_numpy, numpy_error = np.zeros(0), f"{type(error).__name__}: {error}"
    return {"drawn": np.asarray(drawn), "by_numpy": by_numpy, "numpy_error": np.array(numpy_error)}
