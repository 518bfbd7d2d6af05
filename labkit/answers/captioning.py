"""Answers of lesson 08's checks, in NumPy: the image's initial state, greedy and beam-search decoding
of :class:`labkit.probes.captioning.ToyCaptioner` (a small random model whose next-word
log-probabilities depend on the image and the whole prefix), and additive attention over the columns.
Token ids follow :mod:`labkit.datasets.digit_strips`."""

from labkit.answers import reference, register
from labkit.datasets.digit_strips import END, PAD, START
from labkit.probes.captioning import ToyCaptioner

import numpy as np


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


def _state(spec):
    s, features, (w_h, b_h, w_c, b_c) = _state_inputs(spec)
    flat = features.reshape(len(features), -1).astype("float64")  # (batch, columns * depth), row by row
    depth_major = features.transpose(0, 2, 1).reshape(len(features), -1).astype("float64")
    return {"shape": (s["batch"], s["units"]), "h": np.tanh(flat @ w_h + b_h), "c": np.tanh(flat @ w_c + b_c),
            "h_not_squashed": flat @ w_h + b_h, "h_depth_major": np.tanh(depth_major @ w_h + b_h)}


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


def _greedy(spec):
    s, image, tokens = _decoding_setup(spec)
    captions = reference_greedy(ToyCaptioner(image, tokens), s["n"], s["length"])  # (n, length)
    return {"length": s["length"], "captions": captions}


def _beam(spec):
    s, image, tokens = _decoding_setup(spec)
    model = ToyCaptioner(image, tokens)
    return {"model": (image, tokens), "widths": {str(k): reference_beam_search(model, s["n"], s["length"], k)
                                                 for k in (1, s["beam_width"])}}


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


def _columns(spec):
    _, states, features, weights = _column_inputs(spec)
    inputs = (a.astype("float64") for a in (states, features, *weights))
    context, weights = reference_additive_attention(*inputs)
    return {"context": context, "weights": weights}


register("image_to_state", _state_inputs, _state)
register("greedy_captions", _decoding_setup, _greedy)
register("beam_search", _decoding_setup, _beam)
register("column_attention", _column_inputs, _columns)
