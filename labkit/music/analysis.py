"""Which key and meter a piece of ABC music is in, measured on its notes (lesson 04's continuations).

- :func:`header_and_body`: a tune's header lines (up to ``K:``) and its music.
- :func:`opening`: the header and the first bars — a prompt for the model to continue.
- :func:`key_of`: music21's key analysis (Krumhansl–Schmuckler profiles) of the notes, e.g. "G major".
- :func:`bar_length`: how long its bars are, in quarter notes (the most common length of its inner bars).

``key_of`` and ``bar_length`` measure the notes as written under their own header, and return ``None``
for music that music21 cannot parse, so a generated piece that is not music matches nothing, and a
caller never needs a ``try``.
"""

import re

import numpy as np

from .check import parse

_BAR_LINE = re.compile(r"\|\]|\|\||\|:|:\||::|\|")


def header_and_body(tune):
    """``(header, body)`` of an ABC tune: the lines up to and including ``K:``, and the rest."""
    if not isinstance(tune, str):
        raise ValueError(f"tune: expected ABC text as a str, got {type(tune).__name__}")
    lines = tune.rstrip("\n").split("\n")
    key_line = next((i for i, line in enumerate(lines) if line.startswith("K:")), None)
    if key_line is None:
        raise ValueError("tune: expected ABC with a 'K:' header line, found none")
    body = "\n".join(lines[key_line + 1:])
    return "\n".join(lines[: key_line + 1]) + "\n", body + "\n" if body else ""


def opening(tune, bars=2):
    """The header and the music up to the end of the ``bars``-th bar line (a pickup counts as a bar)."""
    if isinstance(bars, bool) or not isinstance(bars, int) or bars < 1:
        raise ValueError(f"bars: expected an int >= 1, got {bars!r}")
    header, body = header_and_body(tune)
    ends = [bar.end() for bar in _BAR_LINE.finditer(body) if body[: bar.start()].strip(" \n\\|:")]
    if len(ends) < bars:
        raise ValueError(f"tune: expected at least {bars} bars of music, found {len(ends)}")
    return header + body[: ends[bars - 1]]


def _score(abc):
    try:
        return parse(abc)
    except ValueError:
        return None


def key_of(abc):
    """The key music21 hears in the notes, as "<tonic> <mode>" (e.g. "G major", "E minor"); None if
    music21 cannot parse ``abc``. The ``K:`` line only spells the notes; the analysis weighs them."""
    score = _score(abc)
    if score is None:
        return None
    key = score.analyze("key")
    return f"{key.tonic.name} {key.mode}"


def bar_length(abc):
    """The most common length of the bars, in quarter notes (4.0 for a reel in C|, 3.0 for a jig in 6/8),
    the first and last bar left out (pickups, endings); None if music21 cannot parse ``abc`` or it has
    fewer than three bars."""
    score = _score(abc)
    if score is None:
        return None
    part = score.parts[0] if score.parts else score
    inner = [float(bar.duration.quarterLength) for bar in part.getElementsByClass("Measure")][1:-1]
    if not inner:
        return None
    lengths, counts = np.unique(inner, return_counts=True)
    return float(lengths[np.argmax(counts)])
