from labkit import text
from labkit.text import PAD, UNK, Vocabulary

import numpy as np
import pytest


def test_words_lowercases_and_splits_punctuation():
    assert text.words("The food was good, not bad!") == ["the", "food", "was", "good", ",", "not", "bad", "!"]
    assert text.words("don't STOP") == ["don't", "stop"]
    assert text.words("") == []


def test_words_rejects_non_strings():
    with pytest.raises(TypeError, match=r"^text: expected a str, got list$"):
        text.words(["a"])


def test_vocabulary_build_orders_by_frequency_then_alphabet():
    vocab = Vocabulary.build(["b", "a", "c", "a", "b", "a"])
    assert vocab.id_to_token == [PAD, UNK, "a", "b", "c"]
    assert len(vocab) == 5 and "a" in vocab and "z" not in vocab
    assert Vocabulary.build(["x", "y", "y"], min_count=2).id_to_token == [PAD, UNK, "y"]


def test_encode_decode_round_trip_and_unknown_tokens():
    vocab = Vocabulary.build(text.words("i love recurrent neural networks"))
    ids = vocab.encode(["i", "love", "transformers"])
    assert ids.dtype == np.int32 and ids.shape == (3,)
    assert vocab.decode(ids) == ["i", "love", UNK]
    assert vocab.decode(vocab.encode(["neural", "networks"]), sep=" ") == "neural networks"


def test_character_vocabulary_treats_a_string_as_characters():
    vocab = Vocabulary.build("abcab", specials=())
    assert vocab.decode(vocab.encode("cab"), sep="") == "cab"


def test_encode_without_unk_names_the_token():
    vocab = Vocabulary(["a", "b"], specials=())
    with pytest.raises(ValueError, match=r"^tokens: 'z' is not in the vocabulary"):
        vocab.encode(["a", "z"])


@pytest.mark.parametrize("bad_ids, pattern", [([[1, 2]], "1-D"), ([0.5], "1-D"), ([7], r"\[0, 4\)"),
                                              ([-1], r"\[0, 4\)")])
def test_decode_rejects_bad_ids(bad_ids, pattern):
    vocab = Vocabulary(["a", "b"])
    with pytest.raises(ValueError, match=f"^ids: expected.*{pattern}"):
        vocab.decode(bad_ids)


def test_vocabulary_rejects_bad_construction():
    with pytest.raises(ValueError, match="^tokens: expected unique"):
        Vocabulary(["a", "a"])
    with pytest.raises(ValueError, match="^tokens: expected at least one"):
        Vocabulary([], specials=())
    with pytest.raises(TypeError, match="^tokens: expected str"):
        Vocabulary([1, 2])
    with pytest.raises(ValueError, match="^min_count: expected an int >= 1"):
        Vocabulary.build(["a"], min_count=0)


def test_bag_of_words_is_order_free_counts():
    vocab = Vocabulary.build(text.words("good bad not"))
    good_not_bad = vocab.bag_of_words(text.words("good , not bad"))
    assert np.array_equal(good_not_bad, vocab.bag_of_words(text.words("bad , not good")))
    assert good_not_bad.sum() == 4 and good_not_bad[vocab.token_to_id[UNK]] == 1  # ',' is unknown


def test_pad_stacks_and_masks():
    ids, mask = text.pad([[5, 6, 7], [8]])
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False]]
    ids, mask = text.pad([[1]], pad_id=9, length=3)
    assert ids.tolist() == [[1, 9, 9]] and mask.sum() == 1


@pytest.mark.parametrize("sequences, kwargs, pattern", [
    ([], {}, "^sequences: expected at least one"),
    ([[[1]]], {}, "^sequences: expected 1-D"),
    ([[1, 2, 3]], {"length": 2}, "^length: a sequence has 3 tokens"),
    ([[1]], {"length": 0}, "^length: expected an int >= 1"),
])
def test_pad_rejects_bad_input(sequences, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        text.pad(sequences, **kwargs)


def test_shift_targets_pairs_each_step_with_the_next():
    x, y = text.shift_targets(np.array([[1, 2, 3, 4]]))
    assert x.tolist() == [[1, 2, 3]] and y.tolist() == [[2, 3, 4]]
    with pytest.raises(ValueError, match="^ids: expected at least 2 steps"):
        text.shift_targets([1])


def test_next_step_batch_windows_come_from_the_stream():
    stream = np.arange(100, dtype=np.int32)
    x, y = text.next_step_batch(stream, seq_length=10, batch_size=4, rng=np.random.default_rng(0))
    assert x.shape == y.shape == (4, 10) and x.dtype == np.int32
    assert np.array_equal(y, x + 1)  # consecutive ids: every target is the next id
    again, _ = text.next_step_batch(stream, 10, 4, rng=np.random.default_rng(0))
    assert np.array_equal(x, again)


@pytest.mark.parametrize("args, error, pattern", [
    ((np.zeros((2, 2)), 1, 1, np.random.default_rng()), ValueError, "^ids: expected a 1-D stream"),
    ((np.arange(5), 0, 1, np.random.default_rng()), ValueError, "^seq_length: expected an int >= 1"),
    ((np.arange(5), 2, -1, np.random.default_rng()), ValueError, "^batch_size: expected an int >= 1"),
    ((np.arange(5), 5, 1, np.random.default_rng()), ValueError, "^ids: stream of 5 ids is shorter"),
    ((np.arange(5), 2, 1, 0), TypeError, "^rng: expected a numpy.random.Generator"),
])
def test_next_step_batch_rejects_bad_arguments(args, error, pattern):
    with pytest.raises(error, match=pattern):
        text.next_step_batch(*args)


def test_consecutive_batch_rows_continue_from_step_to_step_and_cover_an_epoch():
    sequences = [i * 100 + np.arange(n, dtype=np.int32) for i, n in enumerate([30, 25, 40, 26])]
    steps_per_epoch = (121 - 1) // 3 // 10  # 121 ids, 3 rows, windows of 10: 4 steps
    batches = [text.consecutive_batch(sequences, 10, 3, step, 0) for step in range(1, steps_per_epoch + 1)]
    for x, y in batches:
        assert x.shape == y.shape == (3, 10) and x.dtype == np.int32
        assert np.array_equal(x[:, 1:], y[:, :-1])
    for (_, y_before), (x_after, _) in zip(batches, batches[1:]):
        assert np.array_equal(x_after[:, 0], y_before[:, -1])  # each row picks up where it stopped
    read = np.concatenate([x for x, _ in batches], axis=1).ravel()  # the epoch's rows, one after another
    stream = np.concatenate([sequences[i] for i in np.random.default_rng([0, 0]).permutation(4)])
    assert np.array_equal(read, stream[:120].reshape(3, 40).ravel())  # the whole stream, in order, once
    next_epoch, _ = text.consecutive_batch(sequences, 10, 3, steps_per_epoch + 1, seed=0)
    assert not np.array_equal(next_epoch, batches[0][0])  # a new order of the sequences
    again, _ = text.consecutive_batch(sequences, 10, 3, 2, seed=0)
    assert np.array_equal(again, batches[1][0])  # a function of the step: resuming gets the same data


@pytest.mark.parametrize("args, pattern", [
    (([np.arange(50)], 0, 2, 1, 0), "^seq_length: expected an int >= 1"),
    (([np.arange(50)], 5, 2, 0, 0), "^step: expected an int >= 1"),
    (([], 5, 2, 1, 0), "^sequences: expected a non-empty list of 1-D id arrays"),
    (([np.arange(20)], 10, 2, 1, 0), "^sequences: 20 ids are too few for 2 rows of at least 10 \\+ 1"),
])
def test_consecutive_batch_rejects_bad_arguments(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        text.consecutive_batch(*args)


def test_sentences_accepts_one_string_or_a_list():
    assert text.sentences("good, not bad") == ["good, not bad"]
    assert text.sentences(["a", "b c"]) == ["a", "b c"]


@pytest.mark.parametrize("texts, error, pattern", [
    ("", ValueError, r"^sentence: expected a sentence with at least one word, got ''$"),
    (["ok", "  "], ValueError, r"^sentence: expected a sentence with at least one word \(item 1\)"),
    ([], ValueError, r"^sentence: expected at least one sentence, got an empty list$"),
    (42, TypeError, r"^sentence: expected a str or a list of str, got int$"),
    (["ok", None], TypeError, r"^sentence: expected a str or a list of str, got list$"),
])
def test_sentences_rejects_bad_input_in_one_line(texts, error, pattern):
    with pytest.raises(error, match=pattern):
        text.sentences(texts, name="sentence")


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def test_bits_per_char_of_a_uniform_guess_is_log2_vocab():
    uniform = lambda ids: np.zeros(ids.shape + (16,))  # noqa: E731
    sequences = [np.arange(5) % 16, np.arange(30) % 16, np.array([3, 1])]
    assert text.bits_per_char(uniform, sequences, batch_size=2) == pytest.approx(4.0)


def test_bits_per_char_matches_numpy_and_ignores_padding_and_batching():
    rng = np.random.default_rng(0)
    table = rng.normal(size=(8, 8))  # a bigram model: logits of the next id given this id
    bigram = lambda ids: table[ids]  # noqa: E731  (b, t) -> (b, t, 8)
    sequences = [rng.integers(0, 8, size=n) for n in (2, 7, 40, 13)]
    log_probs = _log_softmax(table)
    nats = [-log_probs[s[:-1], s[1:]] for s in sequences]
    expected = np.concatenate(nats).mean() / np.log(2)
    for batch_size in (1, 3, 10):
        assert text.bits_per_char(bigram, sequences, batch_size=batch_size) == pytest.approx(expected)


def test_bits_per_char_with_a_context_scores_each_token_once_within_the_context():
    rng = np.random.default_rng(1)
    table = rng.normal(size=(8, 8))
    sequences = [rng.integers(0, 8, size=n) for n in (2, 7, 40, 13, 6)]
    expected = np.concatenate([-_log_softmax(table)[s[:-1], s[1:]] for s in sequences]).mean() / np.log(2)
    for context in (1, 4, 5, 9):
        def bigram(ids, context=context):
            assert ids.shape[1] <= context  # never more than the model can read
            return table[ids]
        assert text.bits_per_char(bigram, sequences, batch_size=3, context=context) == pytest.approx(expected)


def test_bits_per_char_windows_give_each_token_half_a_context_of_history():
    def history_model(ids):  # (b, t) -> (b, t, 2): predicts id 1 iff it has read >= 4 ids of its window
        seen = np.broadcast_to(np.arange(1, ids.shape[1] + 1) >= 4, ids.shape)
        return np.stack([np.where(seen, -50.0, 50.0), np.where(seen, 50.0, -50.0)], axis=-1)
    sequence = np.ones(30, dtype=int)  # after its first 3 targets, every one is predicted with >= 4 ids read
    bits = text.bits_per_char(history_model, [sequence], context=8)
    assert bits * 29 == pytest.approx(3 * 100 / np.log(2))  # only the first window's first 3 targets cost


@pytest.mark.parametrize("sequences, batch_size, pattern", [
    (np.arange(10), 4, r"^sequences: expected a list of 1-D id arrays .* got one array"),
    ([], 4, r"^sequences: expected a non-empty list"),
    ([np.array([1])], 4, r"^sequences: .* length >= 2"),
    ([np.arange(3)], 0, r"^batch_size: expected an int >= 1"),
])
def test_bits_per_char_rejects_bad_input(sequences, batch_size, pattern):
    with pytest.raises(ValueError, match=pattern):
        text.bits_per_char(lambda ids: np.zeros(ids.shape + (4,)), sequences, batch_size=batch_size)
