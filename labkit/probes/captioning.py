"""Probes of lesson 08's captioner: the image-to-state layer and the column attention with the
check's weights, and the decoding loops driven by :class:`ToyCaptioner`."""

from labkit.datasets.digit_strips import PAD, START
from labkit.probes.base import as_pair, set_weight

import numpy as np

_MISSING = "the layer has no weight {name}; create it in build with add_weight"


def image_to_state(given, layer_class):
    s, features, weights = given
    layer = layer_class(s["units"])
    layer(features)  # builds the weights
    for name, value in zip(("w_h", "b_h", "w_c", "b_c"), weights):
        set_weight(layer, name, value, "(the lesson's layout)", where=_MISSING)
    h, c = as_pair(layer(features), "the layer must return a pair (h, c)")
    return {"h": h, "c": c}


class ToyCaptioner:
    """Next-word log-probabilities (..., V) for prefixes (n, ..., t) of ``n`` images: a random function
    of the image (``image`` (n, V)) and of every token so far (``tokens`` (position, token, V)). PAD and
    START are never written; ``calls`` records the shape of every prefix array it was given."""

    def __init__(self, image, tokens):
        self.image, self.tokens, self.vocabulary = image, tokens, image.shape[1]
        self.calls = []

    def __call__(self, prefixes):
        prefixes = np.asarray(prefixes)
        self.calls.append(prefixes.shape)
        if prefixes.ndim < 2 or len(prefixes) != len(self.image) or np.any(prefixes[..., 0] != START):
            raise ValueError(f"next_log_probs: expected prefixes (n={len(self.image)}, ..., t) int, each "
                             f"starting with START, got shape {prefixes.shape}")
        logits = self.image.reshape(len(self.image), *[1] * (prefixes.ndim - 2), -1)  # (n, ..., V)
        logits = logits + sum(self.tokens[j][prefixes[..., j]] for j in range(prefixes.shape[-1]))
        logits[..., [PAD, START]] = -np.inf
        return logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)


def greedy_captions(given, fn):
    s, image, tokens = given
    model = ToyCaptioner(image, tokens)
    captions = np.asarray(fn(model, s["n"], s["length"]))
    return {"captions": captions, "calls": np.array([shape[0] for shape in model.calls])}


def beam_search(given, fn):
    s, image, tokens = given
    return {f"captions_{k}": np.asarray(fn(ToyCaptioner(image, tokens), s["n"], s["length"], k))
            for k in (1, s["beam_width"])}


def column_attention(given, layer_class):
    s, states, features, weights = given
    layer = layer_class(s["attention"])
    layer(states, features)  # builds the weights
    for name, value in zip(("w_query", "w_key", "v"), weights):
        set_weight(layer, name, value, "(the lesson's layout)", where=_MISSING)
    context, attention = as_pair(layer(states, features), "the layer must return (context, weights)")
    return {"context": context, "weights": attention}
