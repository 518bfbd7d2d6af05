"""Hear and see a tune with no system packages: ABC -> MIDI file, waveform, player, piano roll.

music21 parses the ABC and writes MIDI; the waveform is synthesised here in numpy (a plucked
tone: a few harmonics under a decaying envelope), so no abc2midi, timidity or fluidsynth.
"""

import copy
import os
from pathlib import Path

import numpy as np

from ..files import write_atomically
from .check import parse

DEFAULT_QPM = 120  # quarter notes per minute when the tune gives no tempo (Q:)
MAX_SECONDS = 600  # a tune longer than this is not a tune


def _check_rate(sample_rate):
    if type(sample_rate) is not int or not 8000 <= sample_rate <= 96_000:
        raise ValueError(f"sample_rate: expected an int from 8000 to 96000 (per second), got {sample_rate!r}")


def _performance(abc):
    """(flat music21 stream of the sounding notes at the tune's tempo, quarter notes per minute).

    Ties are merged and grace notes (no duration) left out. Writing MIDI from this flat stream
    also avoids a music21 bug that fails on some re-barred ABC scores.
    """
    from music21 import stream, tempo

    score = parse(abc).stripTies()
    mark = score.recurse().getElementsByClass("MetronomeMark").first()
    qpm = mark.getQuarterBPM() if mark is not None and mark.number else DEFAULT_QPM
    flat = stream.Stream()
    flat.insert(0, tempo.MetronomeMark(number=qpm))
    for note in score.flatten().notes:
        if note.duration.quarterLength > 0:
            flat.insert(note.offset, copy.deepcopy(note))
    return flat, qpm


def notes(abc):
    """The tune's notes as ``(start_seconds, seconds, midi_pitch)`` rows; ties merged, no grace notes.

    Returns a float array of shape (n_notes, 3); a chord gives one row per pitch.
    """
    flat, qpm = _performance(abc)
    to_seconds = 60.0 / qpm  # seconds per quarter note
    rows = [(float(note.offset) * to_seconds, float(note.duration.quarterLength) * to_seconds, pitch.midi)
            for note in flat.notes for pitch in note.pitches]
    return np.array(rows, dtype=float).reshape(-1, 3)  # (n_notes, 3)


def render_wave(abc, sample_rate=22050):
    """Synthesise the tune: returns ``(wave, sample_rate)``, wave a float32 array in [-1, 1]."""
    _check_rate(sample_rate)
    events = notes(abc)  # (n, 3): start s, length s, midi pitch
    end = float(np.max(events[:, 0] + events[:, 1]))
    if end > MAX_SECONDS:
        raise ValueError(f"abc: the tune lasts {end:.0f} s, longer than {MAX_SECONDS} s")
    wave = np.zeros(int((end + 0.5) * sample_rate), dtype=np.float32)  # 0.5 s to ring out
    for start, length, pitch in events:
        n = int((length + 0.25) * sample_rate)
        t = np.arange(n) / sample_rate  # (n,) seconds since the note started
        frequency = 440.0 * 2 ** ((pitch - 69) / 12)
        tone = sum(np.sin(2 * np.pi * k * frequency * t) / k**1.5 for k in (1, 2, 3, 4))
        envelope = np.minimum(t / 0.005, 1.0) * np.exp(-3.0 * t)  # 5 ms attack, then decay
        envelope[t > length] *= np.exp(-(t[t > length] - length) / 0.04)  # release after the note
        first = int(start * sample_rate)
        wave[first:first + n] += (tone * envelope)[: len(wave) - first].astype(np.float32)
    peak = float(np.max(np.abs(wave)))
    return (wave / peak * 0.9 if peak > 0 else wave).astype(np.float32), sample_rate


def play(abc, sample_rate=22050):
    """An ``IPython.display.Audio`` player for the tune (shown when it is a cell's value)."""
    from IPython.display import Audio

    wave, rate = render_wave(abc, sample_rate)
    return Audio(wave, rate=rate)


def _check_path(path):
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ValueError(f"path: expected a file path, got {path!r}")
    path = Path(path)
    if not path.parent.is_dir():
        raise ValueError(f"path: folder {str(path.parent)!r} does not exist")
    return path


def write_wav(abc, path, sample_rate=22050):
    """Write :func:`render_wave`'s audio as a 16-bit mono WAV file (atomically); returns the Path."""
    import wave as wav_format

    path = _check_path(path)
    samples, rate = render_wave(abc, sample_rate)

    def write(temporary):
        with wav_format.open(temporary, "wb") as file:
            file.setnchannels(1)
            file.setsampwidth(2)
            file.setframerate(rate)
            file.writeframes((samples * 32767).astype("<i2").tobytes())

    return write_atomically(path, write)


def to_midi(abc, path):
    """Write the tune as a MIDI file at ``path`` (written atomically); returns the Path."""
    path = _check_path(path)
    flat, _ = _performance(abc)
    return write_atomically(path, lambda temporary: flat.write("midi", fp=temporary))


def piano_roll(abc, *, title=None):
    """A piano roll: one bar per note, pitch against time. Returns a matplotlib Figure."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    from ..plots import _new_figure

    events = notes(abc)  # (n, 3): start s, length s, midi pitch
    fig, ax = _new_figure(figsize=(9, 3.2))
    for start, length, pitch in events:
        ax.broken_barh([(start, length * 0.95)], (pitch - 0.4, 0.8), color="tab:blue")
    low, high = int(events[:, 2].min()), int(events[:, 2].max())
    ax.set(xlim=(0, float(np.max(events[:, 0] + events[:, 1]))), ylim=(low - 1.5, high + 1.5),
           xlabel="time (s)", ylabel="pitch", title=title or _title(abc))
    ax.yaxis.set_major_locator(MultipleLocator(12))  # every C
    ax.yaxis.set_minor_locator(MultipleLocator(1))  # every semitone
    ax.yaxis.set_major_formatter(FuncFormatter(lambda midi, _: f"C{int(midi) // 12 - 1}"))
    ax.grid(axis="y", alpha=0.3)
    return fig


def _title(abc):
    return next((line[2:].strip() for line in abc.split("\n") if line.startswith("T:")), "") or "Piano roll"
