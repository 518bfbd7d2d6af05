"""Self-checks of lesson 08's exercises: the lesson's own solutions pass, the usual slips fail with
a one-line hint; the references the judges use agree with Keras' AdditiveAttention and with an
exhaustive search over every caption."""

from labkit import checks, notebooks
from labkit.answers import captioning as answers
from labkit.checks import captioning
from labkit.datasets.digit_strips import END, PAD, START
from labkit.probes.captioning import ToyCaptioner

import itertools

import numpy as np
import pytest

keras = pytest.importorskip("keras")
ops = keras.ops


@pytest.fixture(scope="module")
def lesson08():
    return notebooks.load_definitions("08_image_captioning",
                                      ["ImageToState", "greedy_captions", "beam_search", "ColumnAttention"])


def test_the_lessons_own_solutions_pass(lesson08, capsys):
    results = [checks.image_to_state(lesson08["ImageToState"]),
               checks.greedy_captions(lesson08["greedy_captions"]),
               checks.beam_search(lesson08["beam_search"]),
               checks.column_attention(lesson08["ColumnAttention"])]
    printed = capsys.readouterr().out
    assert all(results) and printed.count("[PASS]") == len(results) and "[FAIL]" not in printed, printed


def _state_slip(lesson08, slip):
    class Slipped(lesson08["ImageToState"]):
        def call(self, features):
            if slip == "no tanh":
                flat = ops.reshape(features, (ops.shape(features)[0], -1))
                return flat @ self.w_h + self.b_h, flat @ self.w_c + self.b_c
            flat = ops.reshape(ops.swapaxes(features, 1, 2), (ops.shape(features)[0], -1))  # depth first
            return ops.tanh(flat @ self.w_h + self.b_h), ops.tanh(flat @ self.w_c + self.b_c)
    return Slipped


@pytest.mark.parametrize("slip, hint", [("no tanh", "h is not squashed"),
                                        ("depth first", "flattened depth by depth")])
def test_image_to_state_slips_fail(lesson08, slip, hint, fails):
    fails(checks.image_to_state(_state_slip(lesson08, slip)), "ImageToState", hint)


def _greedy_slip(slip):
    def greedy(next_log_probs, n, length):
        prefixes, done = np.full((n, 1), START), np.zeros(n, dtype=bool)
        for _ in range(length):
            if slip == "one image at a time":
                log_probs = np.concatenate([next_log_probs(prefixes) for _ in range(n)])[:n]
            else:
                log_probs = next_log_probs(prefixes)
            words = np.argmin(log_probs, axis=-1) if slip == "argmin" else np.argmax(log_probs, axis=-1)
            if slip != "no PAD after END":
                words = np.where(done, PAD, words)
            done |= words == END
            prefixes = np.concatenate([prefixes, words[:, None]], axis=1)
        return prefixes[:, 1:]
    return greedy


@pytest.mark.parametrize("slip, hint", [("no PAD after END", "after END the caption must hold PAD"),
                                        ("one image at a time", "call it once per step"),
                                        ("argmin", "the most likely next word")])
def test_greedy_slips_fail(slip, hint, fails):
    fails(checks.greedy_captions(_greedy_slip(slip)), "greedy_captions", hint)


def _beam_slip(lesson08, slip):
    def beam(next_log_probs, n, length, beam_width):
        if slip == "greedy":
            return lesson08["greedy_captions"](next_log_probs, n, length)
        if slip == "keeps scoring after END":  # a finished caption keeps paying for the tokens after it
            def ignoring_end(prefixes):
                log_probs = next_log_probs(prefixes)
                return np.where(np.arange(log_probs.shape[-1]) == END, log_probs - 2.0, log_probs)
            return lesson08["beam_search"](ignoring_end, n, length, beam_width)
        return lesson08["beam_search"](next_log_probs, n, length, 1 if beam_width > 1 else beam_width)
    return beam


@pytest.mark.parametrize("slip", ["greedy", "keeps scoring after END", "width ignored"])
def test_beam_search_slips_fail(lesson08, slip, fails):
    fails(checks.beam_search(_beam_slip(lesson08, slip)), "beam_search", "beam_width=")


def _attention_slip(lesson08, slip):
    class Slipped(lesson08["ColumnAttention"]):
        def call(self, states, features):
            queries, keys = states @ self.w_query, features @ self.w_key
            if slip == "dot product":
                scores = ops.einsum("bta,bwa->btw", queries, keys)
            else:
                scores = ops.sum(ops.tanh(queries[:, :, None, :] + keys[:, None, :, :]) * self.v, axis=-1)
            weights = ops.softmax(scores, axis=1 if slip == "softmax over the words" else -1)
            return ops.einsum("btw,bwf->btf", weights, features), weights
    return Slipped


@pytest.mark.parametrize("slip, hint", [("dot product", "weights = softmax over the columns of v . tanh"),
                                        ("softmax over the words", "the sums of the rows of weights")])
def test_column_attention_slips_fail(lesson08, slip, hint, fails):
    fails(checks.column_attention(_attention_slip(lesson08, slip)), "ColumnAttention", hint)


def test_the_additive_reference_is_keras_additive_attention_on_projected_queries_and_keys():
    rng = np.random.default_rng(0)
    states, features = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 7, 5))
    w_query, w_key, v = rng.normal(size=(4, 6)), rng.normal(size=(5, 6)), rng.normal(size=6)
    context, weights = answers.reference_additive_attention(states, features, w_query, w_key, v)
    layer = keras.layers.AdditiveAttention(use_scale=True)
    queries, keys = (a.astype("float32") for a in (states @ w_query, features @ w_key))
    layer([queries, features.astype("float32"), keys])
    layer.scale.assign(v.astype("float32"))
    output, scores = layer([queries, features.astype("float32"), keys], return_attention_scores=True)
    np.testing.assert_allclose(weights, np.asarray(scores), atol=1e-5)
    np.testing.assert_allclose(context, np.asarray(output), atol=1e-5)


def test_a_beam_as_wide_as_every_caption_finds_the_most_likely_one_and_width_one_is_greedy():
    model = ToyCaptioner(*answers.toy_captioner_arrays(np.random.default_rng(1), n=6, words=3, length=3))
    tokens = [END, *range(END + 1, model.vocabulary)]
    every = [c for c in itertools.product(tokens, repeat=3)]
    captions = np.array([[t if END not in c[:i] else PAD for i, t in enumerate(c)] for c in every])
    captions = np.unique(captions, axis=0)  # (m, 3): everything after END is PAD
    scores = np.stack([captioning._caption_scores(model, np.repeat(c[None], 6, axis=0)) for c in captions])
    best = captions[np.argmax(scores, axis=0)]  # (6, 3)
    assert np.array_equal(answers.reference_beam_search(model, 6, 3, len(captions)), best)
    greedy = answers.reference_greedy(model, 6, 3)
    assert np.array_equal(answers.reference_beam_search(model, 6, 3, 1), greedy)
    wider = captioning._caption_scores(model, answers.reference_beam_search(model, 6, 3, 3))
    assert np.all(wider >= captioning._caption_scores(model, greedy) - 1e-9)


def test_the_toy_model_says_in_one_line_what_prefixes_it_expects():
    model = ToyCaptioner(*answers.toy_captioner_arrays(np.random.default_rng(2), n=3, words=4, length=4))
    with pytest.raises(ValueError, match=r"^next_log_probs: expected prefixes \(n=3, \.\.\., t\) int, each "):
        model(np.full((3, 1), END))
    log_probs = model(np.full((3, 2, 1), START))  # (n, beams, V)
    assert log_probs.shape == (3, 2, model.vocabulary) and np.allclose(np.exp(log_probs).sum(-1), 1)
    assert np.all(np.isneginf(log_probs[..., [PAD, START]]))
