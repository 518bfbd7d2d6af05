"""Music for lesson 04: ABC tunes as text, whether a tune is valid, and how it sounds and looks.

- ``abc``: ``split_tunes``, ``clean_tune`` (keys in one spelling: ``normalise_key``), ``load_corpus``
  (music21's bundled folk tunes).
- ``check``: ``check_tune`` -> ``TuneCheck(ok, reason, n_notes, n_measures)``; ``parse``.
- ``audio``: ``to_midi``, ``render_wave``, ``write_wav``, ``play``, ``piano_roll`` — no system packages.

Everything is importable from ``labkit.music``; music21 loads on the first call that needs it.
"""

from .abc import COLLECTIONS, clean_tune, corpus_paths, held_out, load_corpus, normalise_key, split_tunes
from .audio import notes, piano_roll, play, render_wave, to_midi, write_wav
from .check import TuneCheck, check_tune, parse

__all__ = [
    "COLLECTIONS", "TuneCheck", "check_tune", "clean_tune", "corpus_paths", "held_out", "load_corpus",
    "normalise_key", "notes", "parse", "piano_roll", "play", "render_wave", "split_tunes", "to_midi",
    "write_wav",
]
