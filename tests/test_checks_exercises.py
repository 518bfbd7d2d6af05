"""Self-checks of lessons 01-04's exercises: the lessons' own solutions pass, the usual slips
fail with a one-line hint that says what to fix."""

from labkit import checks, notebooks

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
ops = keras.ops


@pytest.fixture(scope="module")
def lesson01():
    return notebooks.load_definitions("01_rnn_from_scratch", ["MyRNNCell", "rnn_unroll", "sequence_loss"])


@pytest.fixture(scope="module")
def lesson02():
    return notebooks.load_definitions("02_vanishing_gradients_and_lstm",
                                      ["input_gradients_by_hand", "MyLSTMCell", "lstm_unroll"])


@pytest.fixture(scope="module")
def lesson03():
    return notebooks.load_definitions("03_sentiment_classification",
                                      ["SEED", "MAX_TOKENS", "standardize", "classifier", "average_ensemble"])


@pytest.fixture(scope="module")
def lesson04():
    return notebooks.load_definitions("04_music_generation", ["compute_loss", "make_train_step"])


def test_the_lessons_own_solutions_pass(lesson01, lesson02, lesson03, lesson04, capsys):
    results = [
        checks.rnn_cell(lesson01["MyRNNCell"]),
        checks.rnn_unroll(lesson01["rnn_unroll"], lesson01["MyRNNCell"]),
        checks.sequence_loss(lesson01["sequence_loss"]),
        checks.input_gradients(lesson02["input_gradients_by_hand"]),
        checks.lstm_cell(lesson02["MyLSTMCell"]),
        checks.lstm_unroll(lesson02["lstm_unroll"], lesson02["MyLSTMCell"]),
        checks.tweet_standardize(lesson03["standardize"]),
        checks.sentiment_classifier(lesson03["classifier"]),
        checks.average_ensemble(lesson03["average_ensemble"]),
        checks.next_char_loss(lesson04["compute_loss"]),
        checks.train_step(lesson04["make_train_step"]),
    ]
    printed = capsys.readouterr().out
    assert all(results) and printed.count("[PASS]") == len(results) and "[FAIL]" not in printed, printed


def test_rnn_unroll_that_ignores_the_mask_fails(lesson01, fails):
    def unroll(cell, x_seq, mask=None):
        return lesson01["rnn_unroll"](cell, x_seq)  # every step treated as real

    result = checks.rnn_unroll(unroll, lesson01["MyRNNCell"])
    fails(result, "rnn_unroll", "carry the previous state")


def test_rnn_unroll_that_restarts_from_zeros_fails(lesson01, fails):
    def unroll(cell, x_seq, mask=None):
        h0 = ops.zeros((x_seq.shape[0], cell.rnn_units))
        ys, hs = zip(*(cell(x_seq[:, t], h0) for t in range(x_seq.shape[1])))
        return ops.stack(ys, axis=1), ops.stack(hs, axis=1)

    fails(checks.rnn_unroll(unroll, lesson01["MyRNNCell"]), "rnn_unroll", "feed each step's state")


def _cross_entropy(y_ids, logits):
    return keras.losses.sparse_categorical_crossentropy(y_ids, logits, from_logits=True)  # (batch, T)


@pytest.mark.parametrize("loss, hint", [
    (lambda logits, y, m: ops.mean(_cross_entropy(y, logits) * ops.cast(m, "float32")), "averaged over time"),
    (lambda logits, y, m: ops.mean(ops.sum(_cross_entropy(y, logits), axis=1)), "must not count"),
    (lambda logits, y, m: ops.sum(_cross_entropy(y, logits), axis=1), "must return one number"),
])
def test_sequence_loss_slips_fail(loss, hint, fails):
    fails(checks.sequence_loss(loss), "sequence_loss", hint)


def _by_hand(W_xh, W_hh, states, readout, transpose_w_hh=False, skip_tanh=False):
    upstream = np.tile(readout, (states.shape[0], 1))
    grads = np.zeros(states.shape[:2] + (W_xh.shape[1],))
    for t in reversed(range(states.shape[1])):
        through = upstream if skip_tanh else upstream * (1 - states[:, t] ** 2)
        grads[:, t] = through @ W_xh
        upstream = through @ (W_hh.T if transpose_w_hh else W_hh)
    return grads


@pytest.mark.parametrize("options, hint", [
    ({}, None),
    ({"transpose_w_hh": True}, "at earlier steps"),
    ({"skip_tanh": True}, "at the last step"),
])
def test_input_gradients_check(options, hint, capsys, fails):
    result = checks.input_gradients(lambda *args: _by_hand(*args, **options))
    if hint is None:
        assert result, capsys.readouterr().out
    else:
        fails(result, "input_gradients_by_hand", hint)


def test_lstm_unroll_returning_h_for_c_fails(lesson02, fails):
    def unroll(cell, x_seq):
        hs, _ = lesson02["lstm_unroll"](cell, x_seq)
        return hs, hs[:, -1]

    fails(checks.lstm_unroll(unroll, lesson02["MyLSTMCell"]), "lstm_unroll", "final cell state")


def test_keras_default_standardize_fails(fails):
    def strip_all_punctuation(texts):  # what TextVectorization does by default
        return tf.strings.regex_replace(tf.strings.lower(texts), r"[^\w\s]", "")

    fails(checks.tweet_standardize(strip_all_punctuation), "standardize", "'Great flight!!' gives")


def _classifier(mask_zero=True, activation="softmax"):
    def build(kind, seed=0, mask=True):
        recurrent = keras.layers.LSTM(8)
        return keras.Sequential([
            keras.Input((None,), dtype="int64"),
            keras.layers.Embedding(100, 4, mask_zero=mask and mask_zero),
            keras.layers.Bidirectional(recurrent) if kind == "BiLSTM" else recurrent,
            keras.layers.Dense(3, activation=activation),
        ])
    return build


@pytest.mark.parametrize("build, hint", [
    (_classifier(), None),
    (_classifier(mask_zero=False), "pass mask_zero=mask"),
    (_classifier(activation=None), "use activation='softmax'"),
])
def test_classifier_check(build, hint, capsys, fails):
    result = checks.sentiment_classifier(build)
    if hint is None:
        assert result, capsys.readouterr().out
    else:
        fails(result, "classifier", hint)


def test_ensemble_slips_fail(fails):
    fails(checks.average_ensemble(lambda members: members[0]), "average_ensemble", "average the members")
    fails(checks.average_ensemble(lambda members: members), "average_ensemble",
          "must return a keras.Model, got list")


@pytest.mark.parametrize("loss, hint", [
    (lambda y, logits: ops.sum(_cross_entropy(y, logits)), "the loss is summed"),
    (lambda y, logits: ops.mean(keras.losses.sparse_categorical_crossentropy(y, logits)), "from_logits=True"),
])
def test_next_char_loss_slips_fail(loss, hint, fails):
    fails(checks.next_char_loss(loss), "compute_loss", hint)


def test_train_step_slips_fail(lesson04, fails):
    def forgets_to_apply(model, optimizer):
        return lambda x, y: lesson04["compute_loss"](y, model(x, training=True))

    def returns_the_loss_after_the_update(model, optimizer):
        step = lesson04["make_train_step"](model, optimizer)
        return lambda x, y: (step(x, y), lesson04["compute_loss"](y, model(x, training=True)))[1]

    fails(checks.train_step(forgets_to_apply), "train_step", "the weights did not change")
    fails(checks.train_step(returns_the_loss_after_the_update), "train_step", "the returned loss")


@pytest.mark.parametrize("flag", [{}, {"training": False}])
def test_train_step_that_runs_the_model_in_inference_mode_fails(lesson04, fails, flag):
    """Dropout off while training: the loss and the step are right, so only the flag tells (issue 36)."""

    def make_train_step(model, optimizer):
        @tf.function
        def step(x, y):
            with tf.GradientTape() as tape:
                loss = lesson04["compute_loss"](y, model(x, **flag))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss

        return step

    fails(checks.train_step(make_train_step), "train_step", "model(x, training=True)")


def _make_sample_step_without_temperature(model):
    """A typical slip: the logits are sampled as they are, whatever the temperature."""
    embedding, lstm, dense = (model.get_layer(name) for name in ("embedding", "lstm", "logits"))

    def step(char_ids, h, c, temperature):
        output, (h, c) = lstm.cell(embedding(char_ids), [h, c])  # (batch, units)
        return tf.random.categorical(dense(output), 1, dtype=tf.int32)[:, 0], h, c

    return step


def test_sample_step_check(capsys, fails):
    lesson = notebooks.load_definitions("04_music_generation", ["make_sample_step"])
    assert checks.sample_step(lesson["make_sample_step"])
    assert capsys.readouterr().out == "[PASS] sample_step\n"
    fails(checks.sample_step(_make_sample_step_without_temperature), "sample_step",
          "the samples do not follow softmax(logits / temperature)")


def _recurrent(c, h):
    return ops.matmul(h, ops.transpose(c.W_hh))  # (batch, rnn_units)


def _given(c, x):
    return ops.matmul(x, ops.transpose(c.W_xh))  # (batch, rnn_units)


_RNN_SLIPS = {
    "W_hh is used untransposed": lambda c, x, h: ops.tanh(ops.matmul(h, c.W_hh) + _given(c, x)),
    "the recurrent term W_hh h is missing": lambda c, x, h: ops.tanh(_given(c, x)),
    "the input term W_xh x is missing": lambda c, x, h: ops.tanh(_recurrent(c, h)),
    "tanh is missing": lambda c, x, h: _recurrent(c, h) + _given(c, x),
}


@pytest.mark.parametrize("slip", sorted(_RNN_SLIPS))
def test_rnn_cell_names_the_slip(lesson01, slip, fails):
    class Slipped(lesson01["MyRNNCell"]):
        def call(self, x, h):
            h_new = _RNN_SLIPS[slip](self, x, h)  # (batch, rnn_units)
            return ops.matmul(h_new, ops.transpose(self.W_hy)), h_new

    fails(checks.rnn_cell(Slipped), "MyRNNCell", slip)


def _lstm_slip(slip):
    def call(cell, x, h, c):
        hx = ops.concatenate([x, h] if slip == "the gates read [x, h]" else [h, x], axis=-1)
        f = ops.sigmoid(ops.matmul(hx, ops.transpose(cell.W_f))
                        + (0.0 if slip == "the forget gate's bias b_f is missing" else cell.b_f))
        i = ops.sigmoid(ops.matmul(hx, ops.transpose(cell.W_i)) + cell.b_i)
        squash = ops.sigmoid if slip == "the candidate goes through a sigmoid" else ops.tanh
        candidate = squash(ops.matmul(hx, ops.transpose(cell.W_c)) + cell.b_c)
        c_new = (0.0 if slip == "the old cell state is not kept" else f * c) + i * candidate
        o = ops.sigmoid(ops.matmul(hx, ops.transpose(cell.W_o)) + cell.b_o)
        return o * ops.tanh(c_new), c_new

    return call


@pytest.mark.parametrize("slip", ["the gates read [x, h]", "the forget gate's bias b_f is missing",
                                  "the candidate goes through a sigmoid", "the old cell state is not kept"])
def test_lstm_cell_names_the_slip(lesson02, slip, fails):
    Slipped = type("Slipped", (lesson02["MyLSTMCell"],), {"call": _lstm_slip(slip)})
    fails(checks.lstm_cell(Slipped), "MyLSTMCell", slip)
