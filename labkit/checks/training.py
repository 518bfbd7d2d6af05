"""Self-checks of what training is made of: losses over time steps, gradients, a train step.

- :data:`sequence_loss` (lesson 01): cross-entropy summed over the real steps of each sequence; its
  comparison (:func:`compare_summed_loss`) also judges lesson 06's summed squared error.
- :data:`input_gradients` (lesson 02): backpropagation through time by hand.
- :data:`next_char_loss` and :data:`train_step` (lesson 04): the language model's loss and step.

The expected values (:mod:`labkit.answers.training`) are computed in NumPy: the losses directly, the
gradients of a tiny Embedding -> LSTM -> Dense model by central finite differences.
"""

from labkit.checks.core import define, expect, expect_close, expect_shape
from labkit.probes import training as probes

import numpy as np


def compare_summed_loss(data, per_step, mask, what, step="step"):
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


def _sequence_loss_compare(expected, data):
    compare_summed_loss(data, expected["per_step"], expected["mask"],
                        "the cross-entropy of the logits, from_logits=True")


sequence_loss = define(
    "sequence_loss", "sequence_loss", probes.sequence_loss, _sequence_loss_compare,
    "Lesson 01: ``fn(logits, y_ids, step_mask)`` is the cross-entropy of each real step, "
    "summed over time and averaged over the batch.")


def _input_gradients_compare(expected, data):
    grads, gradients = data["gradients"], expected["gradients"]
    expect_shape(grads, gradients.shape, "dL/dx (batch, time, input)")
    expect_close(grads[:, -1], gradients[:, -1], "dL/dx at the last step (go back through tanh: multiply "
                 "by 1 - h_T^2, then by W_xh)", atol=1e-8)
    expect_close(grads, gradients, "dL/dx at earlier steps (then send the gradient on to h_{t-1}: with one "
                 "row per example, (gradient after tanh) @ W_hh)", atol=1e-8)


input_gradients = define(
    "input_gradients", "input_gradients_by_hand", probes.input_gradients, _input_gradients_compare,
    "Lesson 02: ``fn(W_xh, W_hh, states, readout)`` returns "
    "dL/dx_t (batch, time, input) of L = readout . h_T, by multiplying Jacobians back "
    "in time.")


def _next_char_compare(expected, data):
    per_step = expected["per_step"]  # (batch, time)
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
    "next_char_loss", "compute_loss", probes.next_char_loss, _next_char_compare,
    "Lesson 04: ``fn(labels, logits)`` is the mean cross-entropy (nats) over every step "
    "of every window; labels (batch, time) ids, logits (batch, time, vocab).")


def _train_step_compare(expected, data):
    weights = expected["before"]
    called = np.ravel(data["called_with_training"])
    expect(called.any(), "the model ran in inference mode: call model(x, training=True) "
           "inside the GradientTape, so that dropout is on while the model trains")
    expect_close(data["loss"], expected["loss"], "the returned loss (return the loss of the batch, computed "
                 "with compute_loss from the model's logits; if compute_loss's check failed, fix it first)",
                 atol=1e-4)
    after = [data[f"weight_{i}"] for i in range(len(weights))]
    for w0, w1 in zip(weights, after):
        expect_shape(w1, w0.shape, "a weight after the step")
    expect(any(not np.allclose(w1, w0) for w0, w1 in zip(weights, after)), "the weights did not change: "
           "apply the gradients with optimizer.apply_gradients")
    for index, (w1, stepped) in enumerate(zip(after, expected["after"])):
        expect_close(w1, stepped, f"weight {index} after one step (take the gradients of the loss with "
                     "respect to model.trainable_variables, computed inside the GradientTape)", atol=1e-4)


train_step = define("train_step", "train_step", probes.train_step, _train_step_compare,
                    "Lesson 04: ``make_train_step(model, optimizer)(x, y)`` returns the loss of the batch "
                    "before the update and moves every weight by one optimizer step against its gradient "
                    "(plain SGD on a tiny model), calling the model with training=True.")
