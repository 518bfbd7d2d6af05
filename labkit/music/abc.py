"""ABC text: split a file into tunes, clean them, and load music21's bundled folk-tune corpus.

ABC is plain text: a header (``X:`` number, ``T:`` title, ``M:`` meter, ``L:`` unit note
length, ``K:`` key — always last) and then the notes, one line per few bars::

    X:1
    T:The Enchanted Valley
    M:2/4
    L:1/16
    K:Gm
    G3-A (Bcd=e) | f4 (g2dB) | ...

Nothing here imports music21 except :func:`corpus_paths`, which asks it where its corpus is.
"""

import re

COLLECTIONS = ("oneills1850", "ryansMammoth")
KEPT_FIELDS = "XTMLK"  # header fields the model sees; the others are credits and notes
_FIELD = re.compile(r"^([A-Za-z]):\s*(.*)$")
_COMMENT = re.compile(r"(?<!\\)%.*$")  # '%' starts a comment to the end of the line
_KEY = re.compile(r"^K:([A-G][#b]?)\s*([A-Za-z]+)$")  # a key written out: "K:E Minor", "K:AMix"
_MODES = {"major": "", "maj": "", "minor": "m", "min": "m", "m": "m", "mixolydian": "mix", "dorian": "dor",
          "lydian": "lyd", "phrygian": "phr", "aeolian": "m", "ionian": ""}


def _check_text(text, name):
    if not isinstance(text, str):
        raise ValueError(f"{name}: expected ABC text as a str, got {type(text).__name__}")


def split_tunes(text):
    """One string per tune in ``text``, each starting at its ``X:`` line.

    A tune runs from one ``X:`` line to the next, so blank lines inside a tune do not split
    it. ``%`` comments, blank lines, CRLF line ends and text before the first ``X:`` are
    dropped; each tune ends with one newline. Raises ``ValueError`` if there is no tune.
    """
    _check_text(text, "text")
    tunes = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _COMMENT.sub("", line).rstrip()
        if line.startswith("X:"):
            tunes.append([])
        if line and tunes:
            tunes[-1].append(line)
    if not tunes:
        raise ValueError("text: expected ABC with at least one tune starting at an 'X:' line, found none")
    return ["\n".join(lines) + "\n" for lines in tunes]


def normalise_key(line):
    """One spelling per key, O'Neill's: ``K:E Minor`` and ``K:EMin`` -> ``K:Em``, ``K:A Mixolydian``
    and ``K:AMix`` -> ``K:Amix``, ``K:D Major`` -> ``K:D``. Other lines come back unchanged."""
    key = _KEY.match(line)
    mode = key and _MODES.get(key.group(2).lower(), key.group(2).lower() if len(key.group(2)) == 3 else None)
    return line if mode is None else f"K:{key.group(1)}{mode}"


def clean_tune(tune):
    """Keep the header fields X, T (the first), M, L, K and the music; drop credits and notes.

    Header fields are written without a space after the colon (``T:The Enchanted Valley``) and
    keys in one spelling (:func:`normalise_key`), so every collection looks alike to a character
    model. Fields inside the music (a key change ``K:D`` or meter change) are kept.
    """
    _check_text(tune, "tune")
    kept, in_header, has_title = [], True, False
    for line in tune.rstrip("\n").split("\n"):
        field = _FIELD.match(line)
        if field and (in_header or field.group(1) in KEPT_FIELDS):
            letter, value = field.groups()
            if letter not in KEPT_FIELDS or (letter == "T" and has_title):
                continue
            has_title |= letter == "T"
            kept.append(normalise_key(f"{letter}:{value.strip()}"))
            in_header &= letter != "K"
        elif not in_header:
            kept.append(normalise_key(line) if field else line)
    return "\n".join(kept) + "\n"


def corpus_paths(collection):
    """Sorted paths of the ``.abc`` files music21 ships for ``collection``."""
    if not isinstance(collection, str) or not collection:
        raise ValueError(f"collection: expected a music21 corpus folder name such as 'oneills1850', "
                         f"got {collection!r}")
    from music21 import corpus

    paths = sorted(str(p) for p in corpus.getPaths(fileExtensions=["abc"])
                   if p.parent.name == collection)
    if not paths:
        raise ValueError(f"collection: music21 has no ABC files in {collection!r} "
                         f"(try one of {', '.join(COLLECTIONS)})")
    return paths


def load_corpus(collections=COLLECTIONS):
    """Cleaned tunes of music21's ABC ``collections``, in sorted file order, as a list of str.

    The default, O'Neill's 1850 collection and Ryan's Mammoth Collection, holds about 3,000
    Irish and Scottish folk tunes (public domain; transcribed by Norbert Paap and Ray Davies'
    contributors, as music21 distributes them).
    """
    if isinstance(collections, str) or not collections:
        raise ValueError(f"collections: expected a non-empty list of collection names, got {collections!r}")
    tunes = []
    for collection in collections:
        for path in corpus_paths(collection):
            with open(path, encoding="utf-8", errors="replace") as file:
                tunes += [clean_tune(tune) for tune in split_tunes(file.read())]
    return tunes


def held_out(tunes_of_collection):
    """Split one collection's tunes: every 10th tune (index % 10 == 0) is held out.

    Returns ``(train, held_out)``; the rule is fixed so numbers compare across runs.
    """
    held = [t for i, t in enumerate(tunes_of_collection) if i % 10 == 0]
    kept = [t for i, t in enumerate(tunes_of_collection) if i % 10 != 0]
    return kept, held
