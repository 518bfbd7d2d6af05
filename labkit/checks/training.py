"""Self-checks of what training is made of: losses over time steps, gradients, a train step.

- :data:`sequence_loss` (lesson 01): cross-entropy summed over the real steps of each sequence; its
  probe and judge (:func:`probe_summed_loss`, :func:`judge_summed_loss`) also judge lesson 06's
  summed squared error.
- :data:`input_gradients` (lesson 02): backpropagation through time by hand.
- :data:`next_char_loss` and :data:`train_step` (lesson 04): the language model's loss and step.

Judges re-compute in NumPy: the losses directly, the gradients of a tiny Embedding -> LSTM ->
Dense model by central finite differences of its NumPy forward pass.
"""

from labkit.checks import reference
from labkit.checks.core import define, expect, expect_close, expect_shape
from labkit.probes import training as probes

import numpy as np


def step_mask(rng, batch, steps):
    """A mask (batch, time) of sequences of random lengths: the first one full, the second one step long."""
    lengths = rng.integers(1, steps + 1, size=batch)
    lengths[:2] = steps, 1
    return np.arange(steps)[None, :] < lengths[:, None]


def judge_summed_loss(data, per_step, mask, what, step="step"):
    """Judge a loss that sums ``per_step`` (batch, time), the reference loss of each step, over the real
    steps of each sequence and averages it over the batch (lesson 01's L = sum_t L_t; lesson 06's squared
    error). ``what`` names the per-step loss in the hints, ``step`` a time step."""
    loss = float(data["loss_every_step"])
    expect(not np.isclose(loss, per_step.mean(), atol=1e-4), f"the loss is averaged over time: sum over the "
           f"{step}s (L = sum_t L_t), then average over the batch")
    expect(not np.isclose(loss, per_step.sum(), atol=1e-4), "the loss is summed over the batch too: average "
           "over the batch after summing over time")
    expect_close(loss, per_step.sum(axis=1).mean(), f"the loss with every {step} real ({what}, summed over "
                 "time, averaged over the batch)", atol=1e-4)
    expect_close(data["loss_with_padding"], (per_step * mask).sum(axis=1).mean(), f"the loss with padding "
                 f"({step}s where the mask is False must not count: multiply each {step}'s loss by the mask)",
                 atol=1e-4)


def _sequence_loss_inputs(spec):
    """logits (batch, time, classes), labels (batch, time) and a step mask (batch, time)."""
    rng, s = spec.draw(batch=(3, range(4, 8)), steps=(5, range(6, 10)), classes=(4, range(5, 9)))
    batch, steps = s["batch"], s["steps"]
    logits = rng.normal(size=(batch, steps, s["classes"])).astype("float32")  # (batch, time, classes)
    labels = rng.integers(0, s["classes"], size=(batch, steps))  # (batch, time)
    return logits, labels, step_mask(rng, batch, steps)


def _sequence_loss_judge(spec, data):
    logits, labels, mask = _sequence_loss_inputs(spec)
    per_step = reference.cross_entropy(labels, logits.astype("float64"))  # (batch, time)
    judge_summed_loss(data, per_step, mask, "the cross-entropy of the logits, from_logits=True")


sequence_loss = define(
    "sequence_loss", "sequence_loss", _sequence_loss_inputs, probes.sequence_loss, _sequence_loss_judge,
    "Lesson 01: ``fn(logits, y_ids, step_mask)`` is the cross-entropy of each real step, "
    "summed over time and averaged over the batch.")


def _gradient_inputs(spec):
    """A tanh RNN's weights (float64), inputs, its states (batch, time, units) and a readout."""
    rng, s = spec.draw(batch=(3, range(4, 7)), steps=(6, range(7, 10)), input_dim=(3, range(4, 6)),
                       units=(4, range(5, 8)))
    W_xh = rng.normal(size=(s["units"], s["input_dim"]))  # (units, input)
    W_hh = rng.normal(scale=0.6, size=(s["units"], s["units"]))  # (units, units)
    bias = rng.normal(scale=0.3, size=s["units"])
    x = rng.normal(size=(s["batch"], s["steps"], s["input_dim"]))  # (batch, time, input)
    h, states = np.zeros((s["batch"], s["units"])), []
    for t in range(s["steps"]):
        h = np.tanh(h @ W_hh.T + x[:, t] @ W_xh.T + bias)  # (batch, units)
        states.append(h)
    return W_xh, W_hh, x, np.stack(states, axis=1), rng.normal(size=s["units"])


def bptt_input_gradients(W_xh, W_hh, states, readout):
    """dL/dx_t (batch, time, input) of L = readout . h_T, multiplying Jacobians back in time."""
    upstream = np.tile(readout, (states.shape[0], 1))  # dL/dh_T (batch, units)
    grads = np.zeros((*states.shape[:2], W_xh.shape[1]))
    for t in reversed(range(states.shape[1])):
        through_tanh = upstream * (1 - states[:, t] ** 2)  # (batch, units)
        grads[:, t], upstream = through_tanh @ W_xh, through_tanh @ W_hh
    return grads


def _input_gradients_judge(spec, data):
    W_xh, W_hh, x, states, readout = _gradient_inputs(spec)
    grads, expected = data["gradients"], bptt_input_gradients(W_xh, W_hh, states, readout)
    expect_shape(grads, x.shape, "dL/dx (batch, time, input)")
    expect_close(grads[:, -1], expected[:, -1], "dL/dx at the last step (go back through tanh: multiply "
                 "by 1 - h_T^2, then by W_xh)", atol=1e-8)
    expect_close(grads, expected, "dL/dx at earlier steps (then send the gradient on to h_{t-1}: with one "
                 "row per example, (gradient after tanh) @ W_hh)", atol=1e-8)


input_gradients = define(
    "input_gradients", "input_gradients_by_hand", _gradient_inputs, probes.input_gradients,
    _input_gradients_judge, "Lesson 02: ``fn(W_xh, W_hh, states, readout)`` returns "
    "dL/dx_t (batch, time, input) of L = readout . h_T, by multiplying Jacobians back "
    "in time.")


def _next_char_inputs(spec):
    rng, s = spec.draw(batch=(3, range(4, 7)), steps=(5, range(6, 10)), vocab=(6, range(7, 12)))
    logits = rng.normal(scale=2.0, size=(s["batch"], s["steps"], s["vocab"])).astype("float32")
    return rng.integers(0, s["vocab"], size=(s["batch"], s["steps"])).astype("int32"), logits


def _next_char_judge(spec, data):
    labels, logits = _next_char_inputs(spec)
    per_step = reference.cross_entropy(labels, logits.astype("float64"))  # (batch, time)
    loss = float(data["loss"])
    summed = (per_step.sum(), per_step.sum(axis=1).mean())  # over everything; over time only
    expect(not np.isclose(summed, loss, atol=1e-4).any(), "the loss is summed: average it over the steps and "
           "the windows")
    expect(not np.isclose(loss, per_step.mean() / np.log(2), atol=1e-4), "the loss is in bits: Keras' "
           "cross-entropy is in nats (natural log); do not divide by log(2) (the lesson converts to bits "
           "itself when it reports them)")
    expect_close(loss, per_step.mean(), "the loss (the model outputs logits, so use from_logits=True; "
                 "average over every step of every window)", atol=1e-4)


next_char_loss = define(
    "next_char_loss", "compute_loss", _next_char_inputs, probes.next_char_loss, _next_char_judge,
    "Lesson 04: ``fn(labels, logits)`` is the mean cross-entropy (nats) over every step "
    "of every window; labels (batch, time) ids, logits (batch, time, vocab).")


def _train_step_inputs(spec):
    """A tiny model's weights [embedding, LSTM kernel, recurrent kernel, bias, Dense kernel, bias],
    a batch (x, y) of ids (batch, time) and the SGD learning rate."""
    rng, s = spec.draw(vocab=(5, range(6, 9)), units=(4, range(3, 6)), batch=(2, range(3, 5)),
                       steps=(6, range(4, 8)))
    v, u = s["vocab"], s["units"]
    shapes = [(v, 3), (3, 4 * u), (u, 4 * u), (4 * u,), (u, v), (v,)]
    weights = [rng.normal(scale=0.5, size=shape).astype("float32") for shape in shapes]
    x, y = (rng.integers(0, v, size=(s["batch"], s["steps"])).astype("int32") for _ in range(2))
    return s, weights, x, y, 0.1


def _tiny_model_loss(weights, x, y):
    embedding, kernel, recurrent, bias, dense, dense_bias = weights
    states, _ = reference.keras_lstm(embedding[x], kernel, recurrent, bias)  # (batch, time, units)
    return reference.cross_entropy(y, states @ dense + dense_bias).mean()


def _train_step_judge(spec, data, epsilon=1e-6):
    _, weights, x, y, learning_rate = _train_step_inputs(spec)
    weights = [w.astype("float64") for w in weights]
    called = np.ravel(data["called_with_training"])
    expect(called.any(), "the model ran in inference mode: call model(x, training=True) "
           "inside the GradientTape, so that dropout is on while the model trains")
    expect_close(data["loss"], _tiny_model_loss(weights, x, y), "the returned loss (return the loss of the "
                 "batch, computed with compute_loss from the model's logits; if compute_loss's check failed, "
                 "fix it first)", atol=1e-4)
    after = [data[f"weight_{i}"] for i in range(len(weights))]
    for w0, w1 in zip(weights, after):
        expect_shape(w1, w0.shape, "a weight after the step")
    expect(any(not np.allclose(w1, w0) for w0, w1 in zip(weights, after)), "the weights did not change: "
           "apply the gradients with optimizer.apply_gradients")
    for index, (w0, w1) in enumerate(zip(weights, after)):
        gradient = np.zeros_like(w0)
        for position in np.ndindex(w0.shape):  # central differences of the NumPy forward pass
            nudged = [w.copy() for w in weights]
            nudged[index][position] += epsilon
            plus = _tiny_model_loss(nudged, x, y)
            nudged[index][position] -= 2 * epsilon
            gradient[position] = (plus - _tiny_model_loss(nudged, x, y)) / (2 * epsilon)
        expect_close(w1, w0 - learning_rate * gradient, f"weight {index} after one step (take the gradients "
                     "of the loss with respect to model.trainable_variables, computed inside the "
                     "GradientTape)", atol=1e-4)


train_step = define("train_step", "train_step", _train_step_inputs, probes.train_step, _train_step_judge,
                    "Lesson 04: ``make_train_step(model, optimizer)(x, y)`` returns the loss of the batch "
                    "before the update and moves every weight by one optimizer step against its gradient "
                    "(plain SGD on a tiny model), calling the model with training=True.")
