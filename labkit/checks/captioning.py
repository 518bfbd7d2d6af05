"""Self-checks of lesson 08's captioner (one image in, a sentence out):

- :data:`image_to_state`: the decoder's initial state from the image, ``tanh(flatten(features) W + b)``;
- :data:`greedy_captions`: the decoding loop, the most likely word at each step, PAD after END;
- :data:`beam_search`: the ``beam_width`` most likely partial captions kept at each step;
- :data:`column_attention`: additive (Bahdanau) attention of each decoder state over the columns.

The decoding checks drive the student's loop with :class:`labkit.probes.captioning.ToyCaptioner`, a
small random NumPy model whose next-word log-probabilities depend on the image (row) and the whole
prefix; the expected captions are the reference decoders' on the same model
(:mod:`labkit.answers.captioning`). Token ids follow :mod:`labkit.datasets.digit_strips`.
"""

from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.datasets.digit_strips import PAD, START
from labkit.probes import captioning as probes

import numpy as np


def _state_compare(expected, data):
    shape = tuple(expected["shape"])
    expect_shape(data["h"], shape, "h (batch, units)")
    expect_shape(data["c"], shape, "c (batch, units)")
    expect(not np.allclose(data["h"], expected["h_not_squashed"], atol=1e-4), "h is not squashed: apply tanh")
    expect(not np.allclose(data["h"], expected["h_depth_major"], atol=1e-4), "the features are "
           "flattened depth by depth: flatten column by column (reshape (batch, columns, depth) to (batch, "
           "columns * depth) as it is, without transposing), so each column's features stay together")
    expect_close(data["h"], expected["h"], "h = tanh(flatten(features) @ w_h + b_h)", atol=1e-4)
    expect_close(data["c"], expected["c"], "c = tanh(flatten(features) @ w_c + b_c)", atol=1e-4)


image_to_state = define(
    "image_to_state", "ImageToState", probes.image_to_state, _state_compare,
    "``layer_class(units)(features) -> (h, c)``: each tanh(flatten(features) @ w + b), the flattening "
    "keeping every column's features in order.")


def _greedy_compare(expected, data):
    captions, wanted, length = data["captions"], expected["captions"], expected["length"]
    expect_shape(captions, wanted.shape, "the captions (n, length)")
    expect(len(data["calls"]) <= length, f"next_log_probs was called {len(data['calls'])} times for "
           f"{length} words: call it once per step, for all images at once")
    written = wanted != PAD
    expect(np.array_equal(captions, wanted) or not np.array_equal(captions[written], wanted[written]),
           "after END the caption must hold PAD: stop writing words once END is written")
    expect(np.array_equal(captions, wanted), "at each step write the most likely next word (argmax of "
           "next_log_probs(prefixes)) and append it to the prefixes")


greedy_captions = define(
    "greedy_captions", "greedy_captions", probes.greedy_captions, _greedy_compare,
    "``greedy_captions(next_log_probs, n, length) -> (n, length)`` writes the argmax word at each step from "
    "prefixes starting with START, PAD after END.")


def _caption_scores(model, captions):
    """Summed log-probability of each caption (n, length) under ``model``, nothing counted after END."""
    prefixes = np.concatenate([np.full((len(captions), 1), START), captions], axis=1)
    total = np.zeros(len(captions))
    for t in range(captions.shape[1]):
        written = captions[:, t] != PAD
        step = model(prefixes[:, : t + 1])[np.arange(len(captions)), captions[:, t]]
        total += np.where(written, step, 0.0)
    return total


def _beam_compare(expected, data):
    model = probes.ToyCaptioner(*expected["model"])
    part = Parts()
    for k, wanted in expected["widths"].items():
        with part(f"beam_width={k}"):
            captions = data[f"captions_{k}"]
            expect_shape(captions, wanted.shape, "the captions (n, length)")
            expect(np.all(np.isin(captions, np.arange(model.vocabulary))), "captions must be token ids")
            less_likely = _caption_scores(model, captions) < _caption_scores(model, wanted) - 1e-9
            expect(not np.any(less_likely), f"with beam_width={k}, a caption is less likely than the beam's "
                   "best: keep the beam_width best-scoring prefixes (sums of log-probabilities) at each step")
            expect(np.array_equal(captions, wanted), f"with beam_width={k}: extend finished captions by "
                   "PAD at no cost, keep the best k of all beams x words, return each image's best beam")
    part.verdict()


beam_search = define(
    "beam_search", "beam_search", probes.beam_search, _beam_compare,
    "``beam_search(next_log_probs, n, length, beam_width) -> (n, length)``: the best of the beam_width most "
    "likely prefixes kept at each step; finished captions extended by PAD at no cost.")


def _column_compare(expected, data):
    weights, context = expected["weights"], expected["context"]  # (batch, T, columns), (batch, T, depth)
    expect_shape(data["weights"], weights.shape, "weights (batch, T, columns)")
    expect_shape(data["context"], context.shape, "context (batch, T, depth)")
    expect_close(data["weights"].sum(axis=-1), np.ones(weights.shape[:2]), "the sums of the rows of "
                 "weights (take the softmax over the columns, the last axis)", atol=1e-4)
    expect_close(data["weights"], weights, "weights = softmax over the columns of v . tanh(s W_query + "
                 "f W_key)", atol=1e-4)
    expect_close(data["context"], context, "context = weights @ features", atol=1e-4)


column_attention = define(
    "column_attention", "ColumnAttention", probes.column_attention, _column_compare,
    "``layer_class(units)(states, features) -> (context, weights)``: weights = softmax over the columns of "
    "v . tanh(s_t W_query + f_i W_key); context = sum_i weights f_i.")
