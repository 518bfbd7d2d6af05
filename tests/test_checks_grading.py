"""Checks on grading inputs, through the probe's file and the judge, as the grader runs them:
every lesson's own solution passes for fresh seeds and sizes the visible check never uses;
degenerate and special-cased answers fail; the judge refuses data a probe would not write.
The NumPy references the judges use are compared with Keras' own layers and GradientTape."""

from labkit import assign, checks, config, notebooks, probes
from labkit.answers import reference
from labkit.answers.training import bptt_input_gradients
from labkit.checks import probe
from labkit.grading import release

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

def _exercises():
    """check key -> (lesson, the names its self-check cell passes), read from every lesson."""
    found = {}
    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        notebook = notebooks.read(path)
        for exercise in assign.exercises(notebook, path.name):
            check = release.check_of(notebook, exercise, path.name)
            found[check.key] = (path.stem, [name.strip() for name in check.arguments.split(",")])
    return found


EXERCISES = _exercises()
_EXTRA = {"03_sentiment_classification": ["SEED", "MAX_TOKENS"], "04_music_generation": ["compute_loss"],
          "07_transformer_music": ["AttentionHeads", "causal_mask"]}


@pytest.fixture(scope="module")
def lessons():
    wanted = {}
    for lesson, names in EXERCISES.values():
        wanted.setdefault(lesson, set()).update(names, _EXTRA.get(lesson, ()))
    return {lesson: notebooks.load_definitions(lesson, sorted(names)) for lesson, names in wanted.items()}


def _graded(key, objects, tmp_path, seed):
    """As the grader does: inputs drawn here and written as arrays, the probe run on them (in the
    kernel when grading), its file judged here."""
    check, spec = checks.REGISTRY[key], checks.Spec(seed=seed, grading=True)
    given, result = tmp_path / f"{key}-{seed}-in.npz", tmp_path / f"{key}-{seed}.npz"
    probes.write(given, probes.pack(check.inputs(spec)))
    probes.run(check.probe.__module__, check.probe.__name__, str(given), str(result), *objects)
    return probe.judge(key, spec, probe.load(str(result)))


def test_every_registered_check_is_an_exercise_of_a_lesson():
    assert set(EXERCISES) == set(checks.REGISTRY)


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_the_lessons_solution_passes_on_grading_inputs(key, lessons, tmp_path):
    lesson, names = EXERCISES[key]
    objects = [lessons[lesson][name] for name in names]
    for seed in (11, 2024):
        assert _graded(key, objects, tmp_path, seed) == (True, "", 1.0), seed


def test_grading_sizes_differ_from_the_visible_ones():
    visible = checks.Spec().draw(units=(4, range(5, 9)))[1]
    drawn = {checks.Spec(seed, grading=True).draw(units=(4, range(5, 9)))[1]["units"] for seed in range(20)}
    assert visible == {"units": 4} and drawn <= set(range(5, 9)) and len(drawn) > 1


class ZeroCell(keras.layers.Layer):
    """Degenerate: zero weights of the right shapes, and an output of zeros whatever they are."""

    def __init__(self, rnn_units, input_dim, output_dim):
        super().__init__()
        self.W_xh = self.add_weight(shape=(rnn_units, input_dim), initializer="zeros")
        self.W_hh = self.add_weight(shape=(rnn_units, rnn_units), initializer="zeros")
        self.W_hy = self.add_weight(shape=(output_dim, rnn_units), initializer="zeros")

    def call(self, x, h):
        return ops_zeros(x.shape[0], self.W_hy.shape[0]), ops_zeros(x.shape[0], self.W_hh.shape[0])


def ops_zeros(*shape):
    return np.zeros(shape, dtype="float32")


def test_degenerate_and_special_cased_answers_fail(lessons, tmp_path):
    assert _graded("rnn_cell", [ZeroCell], tmp_path, 5)[0] is False
    identity = lambda q, k, v, mask=None: (q, np.ones(q.shape[:-1] + k.shape[-2:-1]))  # noqa: E731
    assert _graded("scaled_dot_product_attention", [identity], tmp_path, 5)[0] is False
    visible = np.asarray(lessons["05_attention"]["positional_encoding"](50, 16))  # the visible answer, stored
    assert _graded("positional_encoding", [lambda length, depth: visible], tmp_path, 5)[0] is False
    cell = lessons["01_rnn_from_scratch"]["MyRNNCell"]

    class ReturnsTheInput(cell):
        def call(self, x, h):
            return h[:, : self.W_hy.shape[0]], h

    assert _graded("rnn_cell", [ReturnsTheInput], tmp_path, 5)[0] is False


def test_the_judge_refuses_data_a_probe_would_not_write(tmp_path):
    spec = checks.Spec(seed=3, grading=True)
    assert probe.judge("rnn_cell", spec, probe.load(str(tmp_path / "missing.npz")))[1].startswith(
        "the check's probe wrote no data")
    np.savez(tmp_path / "objects.npz", h_new=np.array([object()], dtype=object), y=np.zeros(1))
    objects = probe.load(str(tmp_path / "objects.npz"))
    assert "plain NumPy archive" in probe.judge("rnn_cell", spec, objects)[1]
    (tmp_path / "link.npz").symlink_to(tmp_path / "objects.npz")
    assert probe.judge("rnn_cell", spec, probe.load(str(tmp_path / "link.npz")))[0] is False
    assert probe.judge("rnn_cell", spec, {"y": np.array([np.nan]), "h_new": np.zeros(1)}) == (
        False, "your code returned NaN or infinity (in 'y')", 0.0)
    assert probe.judge("rnn_cell", spec, {"y": np.zeros(1)})[0] is False


def test_a_probe_reports_the_students_exception_in_one_line(tmp_path):
    def todo(logits, labels, mask):
        raise NotImplementedError("Exercise 3: write it")

    assert _graded("sequence_loss", [todo], tmp_path, 1) == (
        False, "not implemented yet (Exercise 3: write it)", 0.0)


def test_the_numpy_references_equal_keras_and_the_tape():
    rng = np.random.default_rng(0)
    lstm = keras.layers.LSTM(5, return_sequences=True, dtype="float64")
    x = rng.normal(size=(3, 6, 4))  # (batch, time, input)
    mask = np.arange(6)[None, :] < np.array([6, 4, 1])[:, None]
    expected = np.asarray(lstm(x, mask=mask))
    mine, _ = reference.keras_lstm(x, *lstm.get_weights(), mask=mask)
    assert np.max(np.abs(mine[mask] - expected[mask])) < 1e-10
    attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, dtype="float64")
    y = rng.normal(size=(2, 5, 6))
    out, scores = attention(y, y, use_causal_mask=True, return_attention_scores=True)
    causal = np.broadcast_to(np.tril(np.ones((5, 5), bool)), (2, 5, 5))
    ours, our_scores = reference.multi_head_self_attention(y, attention.get_weights(), 2, causal)
    assert np.max(np.abs(ours - np.asarray(out))) < 1e-6  # Keras keeps part of it in float32
    assert np.max(np.abs(our_scores - np.asarray(scores))) < 1e-6
    rnn = keras.layers.SimpleRNN(4, return_sequences=True, dtype="float64")
    inputs = tf.constant(rng.normal(size=(3, 7, 2)))
    readout = rng.normal(size=4)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        states = rnn(inputs)
        loss = tf.reduce_sum(states[:, -1] * readout)
    W_xh_T, W_hh_T, _ = rnn.get_weights()
    by_hand = bptt_input_gradients(W_xh_T.T, W_hh_T.T, states.numpy(), readout)
    assert np.max(np.abs(by_hand - tape.gradient(loss, inputs).numpy())) < 1e-10


STANDARDIZE_CASES = (  # (visible tweet, its tokens after standardize + whitespace split), by hand
    ("Great flight!!", ["great", "flight", "!", "!"]),
    ("@United where is my bag?", ["@", "united", "where", "is", "my", "bag", "?"]),
    ("Loving it #happy https://t.co/Ab3x", ["loving", "it", "#", "happy", "http"]),
    ("Not bad, at all. (really)", ["not", "bad", "at", "all", "really"]),
    ('"Delayed" again: 3-4 hours/day *sigh*', ["delayed", "again", "3", "4", "hours", "day", "sigh"]),
)


def test_the_standardize_reference_gives_the_hand_written_tokens():
    from labkit.answers.classifiers import VISIBLE_TWEETS, standardize_tokens

    assert VISIBLE_TWEETS == tuple(tweet for tweet, _ in STANDARDIZE_CASES)
    assert all(standardize_tokens(tweet) == tokens for tweet, tokens in STANDARDIZE_CASES)


def test_a_check_of_several_parts_gives_the_share_it_passed(lessons, tmp_path):
    attention = lessons["05_attention"]["scaled_dot_product_attention"]

    def ignores_the_mask(q, k, v, mask=None):
        return attention(q, k, v)

    passed, message, fraction = _graded("scaled_dot_product_attention", [ignores_the_mask], tmp_path, 4)
    assert (passed, fraction) == (False, 0.5)
    assert message.startswith("masked keys (mask False) still get weight")
