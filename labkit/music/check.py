"""Is a generated tune valid ABC music? ``check_tune`` says, and never raises; ``parse``
turns a playable tune into a music21 score or raises a one-line ``ValueError``; ``plays`` says
whether it would (what ``play``, ``piano_roll`` and ``to_midi`` need), and never raises.

A tune is ``ok`` when it

1. starts with an ``X:`` line and has ``M:`` (meter) and ``K:`` (key) header lines,
2. has balanced chords ``[ ]``, slurs ``( )``, grace notes ``{ }`` and quotes ``"``,
3. parses with music21 into at least one note, and
4. has no bar longer than its meter allows (short bars are fine: pickups and repeats make
   them; about 95% of the corpus' own tunes pass, the rest have transcription slips).

``n_notes`` and ``n_measures`` are filled in whenever music21 could parse the tune.
"""

import contextlib
import io
import re
import warnings
from typing import NamedTuple

MAX_CHARS = 20_000  # the longest corpus tune has 2,300 characters
_PAIRS = {"]": "[", ")": "(", "}": "{"}
_NOT_BRACKETS = re.compile(
    r"\[[A-Za-z]:[^\]\n]*\]"  # an inline field such as [K:D]
    r"|\[\||\|\]|\[\d"  # bar lines [| and |], first/second endings [1 [2
    r"|\(\d")  # a tuplet such as (3abc, not a slur
_QUOTED = re.compile(r'"[^"\n]*"')  # chord symbols and annotations


class TuneCheck(NamedTuple):
    ok: bool
    reason: str  # empty when ok
    n_notes: int
    n_measures: int


def _header_problem(lines):
    if not lines or not lines[0].startswith("X:"):
        return "it does not start with an 'X:' line"
    for letter, what in (("M", "meter"), ("K", "key")):
        if not any(line.startswith(f"{letter}:") for line in lines):
            return f"it has no '{letter}:' ({what}) line"
    return ""


def _bracket_problem(music):
    """The first unbalanced bracket or quote in the music, described; '' if none."""
    for line_number, line in enumerate(music.split("\n"), 1):
        if line.count('"') % 2:
            return f"music line {line_number} has an unclosed '\"'"
    music = _NOT_BRACKETS.sub("", _QUOTED.sub("", music))
    stack = []
    for char in music:
        if char in "[({":
            stack.append(char)
        elif char in _PAIRS:
            if not stack or stack[-1] != _PAIRS[char]:
                return f"'{char}' closes nothing"
            stack.pop()
    return f"'{stack[-1]}' is never closed" if stack else ""


@contextlib.contextmanager
def _quiet():
    """music21 warns (Python warnings, and "abcFormat: WARNING: ..." lines on stderr) about notes it
    guesses; a student sees red lines as failures, and a check says what is wrong itself."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _parse(abc):
    """(score, problem) — music21's score, or None and why it could not parse."""
    from music21 import converter

    try:
        with _quiet():
            score = converter.parse(abc, format="abc")
    except Exception as error:  # music21 raises many types on bad ABC; none may escape
        message = " ".join(str(error).split())[:160]
        return None, f"music21 could not parse it ({type(error).__name__}: {message})"
    if "Opus" in score.classes:  # a second X: line (e.g. an indented one) starts another tune
        return None, f"it holds {len(score.scores)} tunes (more than one X: line)"
    return score, ""


def _overfull_bars(abc, n_measures):
    """Why some bar is longer than the meter allows; '' if none is.

    music21 silently splits an overfull bar in two ("re-barring"), so music21 making more
    measures than the tune has bars with notes means some bar was too long.
    """
    from music21 import abcFormat

    handler = abcFormat.ABCHandler()
    with _quiet():
        handler.process(abc)
    if not handler.definesMeasures():
        return ""
    n_bars = sum(bar.hasNotes() for bar in abcFormat.mergeLeadingMetaData(handler.splitByMeasure()))
    if n_measures > n_bars:
        return f"{n_measures - n_bars} of its {n_bars} bars last longer than the meter allows"
    return ""


def _text_problem(abc):
    """(problem, normalised text) for the checks that need no music21."""
    if not isinstance(abc, str):
        return f"expected ABC text as a str, got {type(abc).__name__}", ""
    if len(abc) > MAX_CHARS:
        return f"it is {len(abc):,} characters long, more than {MAX_CHARS:,}", ""
    lines = [line.strip() for line in abc.replace("\r", "\n").split("\n") if line.strip()]
    key_line = next((i for i, line in enumerate(lines) if line.startswith("K:")), len(lines))
    problem = _header_problem(lines) or _bracket_problem("\n".join(lines[key_line + 1:]))
    return problem, "\n".join(lines) + "\n"


def parse(abc):
    """music21 ``Score`` of one ABC tune; a one-line ``ValueError`` when it is not one.

    Overfull bars are allowed here (music21 re-bars them), so every corpus tune parses.
    """
    problem, text = _text_problem(abc)
    score = None
    if not problem:
        score, problem = _parse(text)
    if not problem and not score.recurse().notes:
        problem = "it has no notes"
    if problem:
        raise ValueError(f"abc: not a playable ABC tune: {problem}")
    return score


def plays(abc):
    """Whether :func:`parse` takes the tune, so that it can be played and drawn. Looser than
    ``check_tune(abc).ok``: music21 re-bars a bar longer than the meter and plays it."""
    try:
        parse(abc)
    except ValueError:
        return False
    return True


def check_tune(abc):
    """Check one ABC tune; returns ``TuneCheck(ok, reason, n_notes, n_measures)``."""
    problem, text = _text_problem(abc)
    if problem:
        return TuneCheck(False, problem, 0, 0)
    score, problem = _parse(text)
    if score is None:
        return TuneCheck(False, problem, 0, 0)
    part = score.parts[0] if score.parts else score
    n_measures = len(part.getElementsByClass("Measure"))
    n_notes = len(score.recurse().notes)
    problem = "it has no notes" if n_notes == 0 else _overfull_bars(text, n_measures)
    return TuneCheck(not problem, problem, n_notes, n_measures)
