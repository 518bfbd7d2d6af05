"""Music for lesson 04: ABC tunes as text, whether a tune is valid, and how it sounds and looks.

- ``abc``: ``split_tunes``, ``clean_tune`` (keys in one spelling: ``normalise_key``), ``load_corpus``
  (music21's bundled folk tunes).
- ``check``: ``check_tune`` -> ``TuneCheck(ok, reason, n_notes, n_measures)``; ``parse``; ``plays``.
- ``audio``: ``to_midi``, ``render_wave``, ``write_wav``, ``play``, ``piano_roll`` — no system packages.
- ``analysis``: ``header_and_body``, ``opening`` (a prompt), ``key_of``, ``bar_length``: does a
  continuation keep its prompt's key and meter?

Everything is importable from ``labkit.music``; music21 loads on the first call that needs it.
"""

from .abc import COLLECTIONS, clean_tune, corpus_paths, held_out, load_corpus, normalise_key, split_tunes
from .analysis import bar_length, header_and_body, key_of, opening
from .audio import notes, piano_roll, play, render_wave, to_midi, write_wav
from .check import TuneCheck, check_tune, parse, plays

__all__ = [
    "COLLECTIONS", "TuneCheck", "bar_length", "check_tune", "clean_tune", "corpus_paths", "header_and_body",
    "held_out", "key_of", "load_corpus", "normalise_key", "notes", "opening", "parse", "piano_roll", "play",
    "plays", "render_wave", "split_tunes", "to_midi", "write_wav",
]
