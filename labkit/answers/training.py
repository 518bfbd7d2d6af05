"""Answers of the training checks: lesson 01's summed sequence loss, lesson 02's gradients by hand,
lesson 04's next-character loss and train step. The gradients of the tiny Embedding -> LSTM ->
Dense model come from central finite differences of its NumPy forward pass."""

from labkit.answers import reference, register

import numpy as np


def step_mask(rng, batch, steps):
    """A mask (batch, time) of sequences of random lengths: the first one full, the second one step long."""
    lengths = rng.integers(1, steps + 1, size=batch)
    lengths[:2] = steps, 1
    return np.arange(steps)[None, :] < lengths[:, None]


def _sequence_loss_inputs(spec):
    """logits (batch, time, classes), labels (batch, time) and a step mask (batch, time)."""
    rng, s = spec.draw(batch=(3, range(4, 8)), steps=(5, range(6, 10)), classes=(4, range(5, 9)))
    batch, steps = s["batch"], s["steps"]
    logits = rng.normal(size=(batch, steps, s["classes"])).astype("float32")  # (batch, time, classes)
    labels = rng.integers(0, s["classes"], size=(batch, steps))  # (batch, time)
    return logits, labels, step_mask(rng, batch, steps)


def _sequence_loss(spec):
    logits, labels, mask = _sequence_loss_inputs(spec)
    per_step = reference.cross_entropy(labels, logits.astype("float64"))  # (batch, time)
    return {"per_step": per_step, "mask": mask}


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


def _input_gradients(spec):
    W_xh, W_hh, _, states, readout = _gradient_inputs(spec)
    return {"gradients": bptt_input_gradients(W_xh, W_hh, states, readout)}  # (batch, time, input)


def _next_char_inputs(spec):
    rng, s = spec.draw(batch=(3, range(4, 7)), steps=(5, range(6, 10)), vocab=(6, range(7, 12)))
    logits = rng.normal(scale=2.0, size=(s["batch"], s["steps"], s["vocab"])).astype("float32")
    return rng.integers(0, s["vocab"], size=(s["batch"], s["steps"])).astype("int32"), logits


def _next_char_loss(spec):
    labels, logits = _next_char_inputs(spec)
    return {"per_step": reference.cross_entropy(labels, logits.astype("float64"))}  # (batch, time)


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


def _train_step(spec, epsilon=1e-6):
    _, weights, x, y, learning_rate = _train_step_inputs(spec)
    weights = [w.astype("float64") for w in weights]
    after = []
    for index, w0 in enumerate(weights):
        gradient = np.zeros_like(w0)
        for position in np.ndindex(w0.shape):  # central differences of the NumPy forward pass
            nudged = [w.copy() for w in weights]
            nudged[index][position] += epsilon
            plus = _tiny_model_loss(nudged, x, y)
            nudged[index][position] -= 2 * epsilon
            gradient[position] = (plus - _tiny_model_loss(nudged, x, y)) / (2 * epsilon)
        after.append(w0 - learning_rate * gradient)
    return {"loss": _tiny_model_loss(weights, x, y), "before": weights, "after": after}


register("sequence_loss", _sequence_loss_inputs, _sequence_loss)
register("input_gradients", _gradient_inputs, _input_gradients)
register("next_char_loss", _next_char_inputs, _next_char_loss)
register("train_step", _train_step_inputs, _train_step)
