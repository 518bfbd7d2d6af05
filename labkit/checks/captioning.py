"""Self-checks of lesson 08's captioner (one image in, a sentence out):

- :data:`image_to_state`: the decoder's initial state from the image, ``tanh(flatten(features) W + b)``;
- :data:`greedy_captions`: the decoding loop, the most likely word at each step, PAD after END;
- :data:`beam_search`: the ``beam_width`` most likely partial captions kept at each step;
- :data:`column_attention`: additive (Bahdanau) attention of each decoder state over the columns.

The decoding checks drive the student's loop with :class:`labkit.probes.captioning.ToyCaptioner`, a
small random NumPy model
whose next-word log-probabilities depend on the image (row) and the whole prefix; judges run the
reference decoders below on the same model. Token ids follow :mod:`labkit.datasets.digit_strips`.
"""

from labkit.checks import reference
from labkit.checks.core import Parts, define, expect, expect_close, expect_shape
from labkit.datasets.digit_strips import END, PAD, START
from labkit.probes import captioning as probes

import numpy as np

_MISSING = "the layer has no weight {name}; create it in build with add_weight"


def _state_inputs(spec):
    """Sizes, features (batch, columns, depth) and [w_h, b_h, w_c, b_c]."""
    rng, s = spec.draw(batch=(2, range(3, 5)), columns=(6, range(7, 10)), depth=(3, (2, 4)),
                       units=(5, (4, 6, 7)))
    flat = s["columns"] * s["depth"]
    features = rng.normal(size=(s["batch"], s["columns"], s["depth"])).astype("float32")
    weights = [rng.normal(scale=scale, size=shape).astype("float32") for scale, shape in
               ((flat ** -0.5, (flat, s["units"])), (0.5, (s["units"],)),
                (flat ** -0.5, (flat, s["units"])), (0.5, (s["units"],)))]
    return s, features, weights


def _state_judge(spec, data):
    s, features, (w_h, b_h, w_c, b_c) = _state_inputs(spec)
    flat = features.reshape(len(features), -1).astype("float64")  # (batch, columns * depth), row by row
    expect_shape(data["h"], (s["batch"], s["units"]), "h (batch, units)")
    expect_shape(data["c"], (s["batch"], s["units"]), "c (batch, units)")
    expect(not np.allclose(data["h"], flat @ w_h + b_h, atol=1e-4), "h is not squashed: apply tanh")
    depth_major = features.transpose(0, 2, 1).reshape(len(features), -1).astype("float64")
    expect(not np.allclose(data["h"], np.tanh(depth_major @ w_h + b_h), atol=1e-4), "the features are "
           "flattened depth by depth: flatten column by column (reshape (batch, columns, depth) to (batch, "
           "columns * depth) as it is, without transposing), so each column's features stay together")
    expect_close(data["h"], np.tanh(flat @ w_h + b_h), "h = tanh(flatten(features) @ w_h + b_h)", atol=1e-4)
    expect_close(data["c"], np.tanh(flat @ w_c + b_c), "c = tanh(flatten(features) @ w_c + b_c)", atol=1e-4)


image_to_state = define(
    "image_to_state", "ImageToState", _state_inputs, probes.image_to_state, _state_judge,
    "``layer_class(units)(features) -> (h, c)``: each tanh(flatten(features) @ w + b), the flattening "
    "keeping every column's features in order.")


def reference_greedy(next_log_probs, n, length):
    """The most likely word at each step; PAD once END is written: (n, length) int."""
    prefixes, done = np.full((n, 1), START), np.zeros(n, dtype=bool)
    for _ in range(length):
        words = np.where(done, PAD, np.argmax(next_log_probs(prefixes), axis=-1))  # (n,)
        done |= words == END
        prefixes = np.concatenate([prefixes, words[:, None]], axis=1)  # (n, t + 1)
    return prefixes[:, 1:]


def reference_beam_search(next_log_probs, n, length, beam_width):
    """The most likely caption among the ``beam_width`` best kept at each step: (n, length) int.
    A finished caption (END written) is extended only by PAD, at no cost; ties go to the lower index."""
    prefixes = np.full((n, beam_width, 1), START)  # (n, k, t)
    scores = np.full((n, beam_width), -np.inf)
    scores[:, 0] = 0.0  # one live beam at first, not k copies of it
    done = np.zeros((n, beam_width), dtype=bool)
    for _ in range(length):
        log_probs = next_log_probs(prefixes)  # (n, k, V)
        finished = np.full_like(log_probs, -np.inf)
        finished[..., PAD] = 0.0
        candidates = scores[..., None] + np.where(done[..., None], finished, log_probs)  # (n, k, V)
        vocabulary = candidates.shape[-1]
        best = np.argsort(-candidates.reshape(n, -1), axis=1, kind="stable")[:, :beam_width]  # (n, k)
        parents, words = best // vocabulary, best % vocabulary
        scores = np.take_along_axis(candidates.reshape(n, -1), best, axis=1)
        done = np.take_along_axis(done, parents, axis=1) | (words == END)
        kept = np.take_along_axis(prefixes, parents[..., None], axis=1)  # (n, k, t): each parent's prefix
        prefixes = np.concatenate([kept, words[..., None]], axis=-1)  # (n, k, t + 1)
    return prefixes[np.arange(n), np.argmax(scores, axis=1), 1:]


def toy_captioner_arrays(rng, n, words, length):
    """The toy model's image (n, V) and token (position, token, V) log-odds, V = END + 1 + words."""
    vocabulary = END + 1 + words
    image = rng.normal(size=(n, vocabulary))  # (n, V)
    image[:, END] -= 1.0  # most captions run a few words
    return image, rng.normal(size=(length + 1, vocabulary, vocabulary))  # (position, token, V)


def _decoding_setup(spec):
    """Sizes, and the toy model's arrays (:func:`toy_captioner_arrays`)."""
    rng, s = spec.draw(n=(4, range(5, 9)), words=(5, (4, 6, 7)), length=(5, (4, 6, 7)),
                       beam_width=(3, (2, 4)))
    return (s, *toy_captioner_arrays(rng, s["n"], s["words"], s["length"]))


def _toy_model(spec):
    s, image, tokens = _decoding_setup(spec)
    return s, probes.ToyCaptioner(image, tokens)


def _greedy_judge(spec, data):
    s, model = _toy_model(spec)
    captions, expected = data["captions"], reference_greedy(model, s["n"], s["length"])
    expect_shape(captions, expected.shape, "the captions (n, length)")
    expect(len(data["calls"]) <= s["length"], f"next_log_probs was called {len(data['calls'])} times for "
           f"{s['length']} words: call it once per step, for all images at once")
    written = expected != PAD
    expect(np.array_equal(captions, expected) or not np.array_equal(captions[written], expected[written]),
           "after END the caption must hold PAD: stop writing words once END is written")
    expect(np.array_equal(captions, expected), "at each step write the most likely next word (argmax of "
           "next_log_probs(prefixes)) and append it to the prefixes")


greedy_captions = define(
    "greedy_captions", "greedy_captions", _decoding_setup, probes.greedy_captions, _greedy_judge,
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


def _beam_judge(spec, data):
    s, model = _toy_model(spec)
    part = Parts()
    for k in (1, s["beam_width"]):
        with part(f"beam_width={k}"):
            captions = data[f"captions_{k}"]
            expected = reference_beam_search(model, s["n"], s["length"], k)
            expect_shape(captions, expected.shape, "the captions (n, length)")
            expect(np.all(np.isin(captions, np.arange(model.vocabulary))), "captions must be token ids")
            less_likely = _caption_scores(model, captions) < _caption_scores(model, expected) - 1e-9
            expect(not np.any(less_likely), f"with beam_width={k}, a caption is less likely than the beam's "
                   "best: keep the beam_width best-scoring prefixes (sums of log-probabilities) at each step")
            expect(np.array_equal(captions, expected), f"with beam_width={k}: extend finished captions by "
                   "PAD at no cost, keep the best k of all beams x words, return each image's best beam")
    part.verdict()


beam_search = define(
    "beam_search", "beam_search", _decoding_setup, probes.beam_search, _beam_judge,
    "``beam_search(next_log_probs, n, length, beam_width) -> (n, length)``: the best of the beam_width most "
    "likely prefixes kept at each step; finished captions extended by PAD at no cost.")


def _column_inputs(spec):
    """Sizes, decoder states (batch, T, U), column features (batch, W, F) and [w_query, w_key, v]."""
    rng, s = spec.draw(batch=(2, range(3, 5)), steps=(3, range(4, 6)), columns=(7, range(8, 11)),
                       units=(4, (3, 5)), depth=(5, (4, 6)), attention=(6, (5, 7)))
    states = rng.normal(size=(s["batch"], s["steps"], s["units"])).astype("float32")
    features = rng.normal(size=(s["batch"], s["columns"], s["depth"])).astype("float32")
    weights = [rng.normal(scale=0.7, size=shape).astype("float32") for shape in
               ((s["units"], s["attention"]), (s["depth"], s["attention"]), (s["attention"],))]
    return s, states, features, weights


def reference_additive_attention(states, features, w_query, w_key, v):
    """context (batch, T, F) and weights (batch, T, W) = softmax_columns(v . tanh(s W_q + f W_k))."""
    queries, keys = states @ w_query, features @ w_key  # (batch, T, A), (batch, W, A)
    scores = np.tanh(queries[:, :, None, :] + keys[:, None, :, :]) @ v  # (batch, T, W)
    weights = reference.softmax(scores)
    return weights @ features, weights


def _column_judge(spec, data):
    s, states, features, weights = _column_inputs(spec)
    expect_shape(data["weights"], (s["batch"], s["steps"], s["columns"]), "weights (batch, T, columns)")
    expect_shape(data["context"], (s["batch"], s["steps"], s["depth"]), "context (batch, T, depth)")
    expect_close(data["weights"].sum(axis=-1), np.ones((s["batch"], s["steps"])), "the sums of the rows of "
                 "weights (take the softmax over the columns, the last axis)", atol=1e-4)
    inputs = (a.astype("float64") for a in (states, features, *weights))
    context, expected = reference_additive_attention(*inputs)
    expect_close(data["weights"], expected, "weights = softmax over the columns of v . tanh(s W_query + "
                 "f W_key)", atol=1e-4)
    expect_close(data["context"], context, "context = weights @ features", atol=1e-4)


column_attention = define(
    "column_attention", "ColumnAttention", _column_inputs, probes.column_attention, _column_judge,
    "``layer_class(units)(states, features) -> (context, weights)``: weights = softmax over the columns of "
    "v . tanh(s_t W_query + f_i W_key); context = sum_i weights f_i.")
