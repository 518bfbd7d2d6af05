"""Text as numbers: tokens, vocabularies, padding and next-step (x, y) pairs.

The lecture's three steps to feed language to a network: a *vocabulary* of tokens,
*indexing* (token -> integer id), then an embedding (one-hot or learned, done in Keras).
Everything here is NumPy; nothing imports TensorFlow.

    vocab = Vocabulary.build(words("i love recurrent neural networks"))
    ids = vocab.encode(words("i love networks"))          # (3,) int32
    x, y = shift_targets(ids)                              # x = ids[:-1], y = ids[1:]

``next_step_batch`` draws random windows of a stream; ``consecutive_batch`` reads it in rows whose
windows continue from one step to the next (for a stateful model). ``bits_per_char`` scores a
next-step model on held-out sequences (lesson 04's tunes).
"""

from labkit.arguments import check_int

import re
from collections import Counter

import numpy as np

PAD, UNK = "<pad>", "<unk>"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def words(text):
    """Lower-case word tokens; punctuation marks become tokens of their own.

    >>> words("The food was good, not bad!")
    ['the', 'food', 'was', 'good', ',', 'not', 'bad', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


def sentences(texts, name="texts"):
    """``texts`` (one str, or a list of str) as a list of str; each must contain a non-space.

    What a ``predict(...)`` cell calls first, so a student's bad input gets a one-line error.
    """
    items = [texts] if isinstance(texts, str) else texts
    if not isinstance(items, (list, tuple)) or not all(isinstance(t, str) for t in items):
        raise TypeError(f"{name}: expected a str or a list of str, got {type(texts).__name__}")
    if not items:
        raise ValueError(f"{name}: expected at least one sentence, got an empty list")
    for index, item in enumerate(items):
        if not item.strip():
            where = "" if isinstance(texts, str) else f" (item {index})"
            raise ValueError(f"{name}: expected a sentence with at least one word{where}, got {item!r}")
    return list(items)


class Vocabulary:
    """A fixed token <-> id mapping. Ids 0.. are the ``specials``, then tokens.

    With the default specials, id 0 is ``<pad>`` (for padding) and id 1 is ``<unk>``
    (for tokens not seen when the vocabulary was built).
    """

    def __init__(self, tokens, specials=(PAD, UNK)):
        special_set = set(specials)
        tokens = list(specials) + [t for t in tokens if t not in special_set]
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError("tokens: expected str tokens")
        if len(set(tokens)) != len(tokens):
            raise ValueError("tokens: expected unique tokens, got duplicates")
        if not tokens:
            raise ValueError("tokens: expected at least one token")
        self.id_to_token = tokens
        self.token_to_id = {t: i for i, t in enumerate(tokens)}
        self.specials = tuple(specials)

    @classmethod
    def build(cls, tokens, min_count=1, specials=(PAD, UNK)):
        """Vocabulary of the tokens seen at least ``min_count`` times, most frequent first.

        ``tokens`` is an iterable of str (a str is taken as its characters); ties are
        broken alphabetically so the ids are deterministic.
        """
        check_int("min_count", min_count)
        counts = Counter(tokens)
        kept = sorted((t for t, c in counts.items() if c >= min_count),
                      key=lambda t: (-counts[t], t))
        return cls(kept, specials=specials)

    def __len__(self):
        return len(self.id_to_token)

    def __contains__(self, token):
        return token in self.token_to_id

    def __repr__(self):
        preview = ", ".join(repr(t) for t in self.id_to_token[:8])
        return f"Vocabulary({len(self)} tokens: {preview}{', ...' if len(self) > 8 else ''})"

    def encode(self, tokens):
        """Token ids, shape (len(tokens),) int32. Unknown tokens map to ``<unk>``."""
        if isinstance(tokens, str):
            tokens = list(tokens)
        unk = self.token_to_id.get(UNK)
        ids = []
        for token in tokens:
            idx = self.token_to_id.get(token, unk)
            if idx is None:
                raise ValueError(f"tokens: {token!r} is not in the vocabulary (and no {UNK})")
            ids.append(idx)
        return np.asarray(ids, dtype=np.int32)

    def decode(self, ids, sep=None):
        """Tokens for ``ids``; joined with ``sep`` into one string if ``sep`` is given."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(f"ids: expected a 1-D sequence of ints, got shape {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids: expected values in [0, {len(self)}), got {ids.min()}..{ids.max()}")
        tokens = [self.id_to_token[i] for i in ids]
        return tokens if sep is None else sep.join(tokens)

    def bag_of_words(self, tokens):
        """Token counts, shape (len(vocab),) int32: the order of ``tokens`` is lost."""
        return np.bincount(self.encode(tokens), minlength=len(self)).astype(np.int32)


def pad(sequences, pad_id=0, length=None):
    """Stack variable-length id sequences into one array, padding at the end.

    Returns ``(ids, mask)``: ids (n, length) int32, mask (n, length) bool, True where a
    real token is. ``length`` defaults to the longest sequence; longer ones raise.
    """
    sequences = [np.asarray(s) for s in sequences]
    if not sequences:
        raise ValueError("sequences: expected at least one sequence")
    if any(s.ndim != 1 for s in sequences):
        raise ValueError("sequences: expected 1-D sequences of ids")
    longest = max(len(s) for s in sequences)
    length = longest if length is None else length
    check_int("length", length)
    if longest > length:
        raise ValueError(f"length: a sequence has {longest} tokens, more than length={length}")
    ids = np.full((len(sequences), length), pad_id, dtype=np.int32)  # (n, length)
    mask = np.zeros((len(sequences), length), dtype=bool)  # (n, length)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = True
    return ids, mask


def shift_targets(ids):
    """Next-step pairs: x = ids[..., :-1], y = ids[..., 1:] (y[t] is the token after x[t])."""
    ids = np.asarray(ids)
    if ids.ndim < 1 or ids.shape[-1] < 2:
        raise ValueError(f"ids: expected at least 2 steps on the last axis, got shape {ids.shape}")
    return ids[..., :-1], ids[..., 1:]


def next_step_batch(ids, seq_length, batch_size, rng):
    """A random batch of windows from one long id stream (e.g. a character corpus).

    Returns ``(x, y)``, each (batch_size, seq_length) int32, with y shifted one step
    ahead of x. ``rng`` is a ``numpy.random.Generator``.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids: expected a 1-D stream, got shape {ids.shape}")
    check_int("seq_length", seq_length)
    check_int("batch_size", batch_size)
    if len(ids) < seq_length + 1:
        raise ValueError(f"ids: stream of {len(ids)} ids is shorter than seq_length + 1")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng: expected a numpy.random.Generator (np.random.default_rng(seed))")
    starts = rng.integers(0, len(ids) - seq_length, size=batch_size)
    windows = np.stack([ids[s : s + seq_length + 1] for s in starts]).astype(np.int32)
    return shift_targets(windows)  # each (batch_size, seq_length)


def consecutive_batch(sequences, seq_length, batch_size, step, seed):
    """Batch ``step`` (1, 2, ...) of truncated backpropagation through time over ``sequences``.

    Each epoch joins the sequences (1-D id arrays, e.g. one tune each with its separator) in a
    new order drawn from ``seed`` and the epoch, and cuts the stream into ``batch_size`` rows read
    side by side. Step k of an epoch is the k-th window of ``seq_length`` ids of every row, so row
    i of a batch continues row i of the batch before and a stateful model can carry its state
    across. A function of the step, so a resumed run gets the same data.
    Returns ``(x, y)``, each (batch_size, seq_length) int32, y one id ahead of x.
    """
    check_int("seq_length", seq_length)
    check_int("batch_size", batch_size)
    check_int("step", step)
    sequences = [np.asarray(s) for s in sequences]
    if not sequences or any(s.ndim != 1 for s in sequences):
        raise ValueError("sequences: expected a non-empty list of 1-D id arrays (e.g. one per tune)")
    windows_per_row = (sum(map(len, sequences)) - 1) // batch_size // seq_length
    if windows_per_row < 1:
        raise ValueError(f"sequences: {sum(map(len, sequences))} ids are too few for {batch_size} rows "
                         f"of at least {seq_length} + 1")
    epoch, window = divmod(step - 1, windows_per_row)
    order = np.random.default_rng([seed, epoch]).permutation(len(sequences))
    stream = np.concatenate([sequences[i] for i in order]).astype(np.int32)  # (n_ids,)
    row_length = (len(stream) - 1) // batch_size
    starts = np.arange(batch_size) * row_length + window * seq_length  # (batch_size,)
    windows = stream[starts[:, None] + np.arange(seq_length + 1)]  # (batch_size, seq_length + 1)
    return shift_targets(windows)


def _windows(sequence, context):
    """Pieces of at most ``context + 1`` ids covering ``sequence``, each with the index of its first
    scored target: the first piece scores all of its targets, each later one (shifted by half a
    context) only the new ones, so every token is predicted from at least ``context // 2`` before it."""
    if context is None or len(sequence) <= context + 1:
        return [(sequence, 0)]
    stride = max(context // 2, 1)
    pieces, scored_to = [(sequence[: context + 1], 0)], context  # targets 1..context are scored
    start = stride
    while scored_to < len(sequence) - 1:
        piece = sequence[start : start + context + 1]
        pieces.append((piece, scored_to - start))  # its targets after the ones already scored
        scored_to = start + len(piece) - 1
        start += stride
    return pieces


def bits_per_char(logits_fn, sequences, batch_size=32, context=None):
    """Mean next-step cross-entropy, in bits per token, of a model on held-out sequences.

    Each sequence (a 1-D id array, e.g. one tune) is read from its first token with a fresh
    state, and every later token is scored: ``logits_fn(x)`` maps (batch, time) ids to
    (batch, time, vocab) logits. Sequences are batched with zeros after their end; a causal
    model's earlier outputs cannot see those, and they are not scored.
    ``context``: the most tokens the model can read (a Transformer's position table). A longer
    sequence is read in windows of ``context`` tokens moved on by half of it; each token is
    scored once, from at least ``context // 2`` tokens of history.
    log2(vocab) bits is a uniform guess; every bit less halves the model's uncertainty.
    """
    if isinstance(sequences, np.ndarray) and sequences.ndim == 1:
        raise ValueError("sequences: expected a list of 1-D id arrays (e.g. one per tune), got one array")
    sequences = [np.asarray(s) for s in sequences]
    if not sequences or any(s.ndim != 1 or len(s) < 2 for s in sequences):
        raise ValueError("sequences: expected a non-empty list of 1-D id arrays, each of length >= 2")
    check_int("batch_size", batch_size)
    if context is not None:
        check_int("context", context)
    pieces = [piece for s in sequences for piece in _windows(s, context)]
    by_length = sorted(pieces, key=lambda piece: len(piece[0]))  # similar lengths share a batch
    total_nats, n_scored = 0.0, 0
    for start in range(0, len(by_length), batch_size):
        batch = by_length[start : start + batch_size]
        ids, mask = pad([piece for piece, _ in batch])  # (b, longest) each
        first_scored = np.array([first for _, first in batch])[:, None]  # (b, 1)
        targets = mask[:, 1:] & (np.arange(ids.shape[1] - 1) >= first_scored)  # (b, longest - 1)
        logits = np.asarray(logits_fn(ids[:, :-1]), dtype=np.float64)  # (b, longest - 1, vocab)
        peak = logits.max(axis=-1, keepdims=True)
        log_probs = logits - peak - np.log(np.exp(logits - peak).sum(axis=-1, keepdims=True))
        scored = np.take_along_axis(log_probs, ids[:, 1:, None], axis=-1)[..., 0]  # (b, longest - 1)
        total_nats -= scored[targets].sum()
        n_scored += int(targets.sum())
    return float(total_nats / n_scored / np.log(2))
