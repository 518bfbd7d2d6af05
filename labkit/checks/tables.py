"""Where a check's inputs and expected values come from: :mod:`labkit.answers` in the course
checkout, or the tables a student release stores in place of it.

A release (``python -m labkit release``, :mod:`labkit.course.release`) has no ``labkit.answers``:
no reference, no input generator, nothing that computes a right answer. For each check it
stores, as data, what the course computes for the lesson's own inputs (``Spec()``: seed 0, the
visible sizes): ``tables/<key>.npz`` holds ``{"given": ..., "expected": ...}`` packed by
:func:`labkit.probes.pack`. So a self-check in a release gives the verdict the course gives, on
those inputs only; other seeds or sizes need the course checkout.
"""

from labkit.probes import unpack

import functools
import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parent / "tables"


@functools.cache
def _answers():
    """The course's answers package, or None in a release (it has the tables' folder)."""
    if FOLDER.is_dir() or importlib.util.find_spec("labkit.answers") is None:
        return None
    import labkit.answers

    return labkit.answers


@functools.cache
def _stored(key):
    path = FOLDER / f"{key}.npz"
    if not path.is_file():
        raise ValueError(f"check {key!r}: this release stores no table for it ({path} is missing)")
    with np.load(path, allow_pickle=False) as archive:
        return unpack({name: archive[name] for name in archive.files})


def _lookup(key, spec, part):
    answers = _answers()
    if answers is not None:
        return answers.compute(key, spec, part)
    if spec.seed != 0 or spec.grading or spec.sizes:
        raise ValueError(f"check {key!r}: a student release knows the expected values for the lesson's own "
                         "inputs only (seed=0, no sizes); other inputs need the course checkout")
    return _stored(key)[part]


def given(key, spec):
    """What the probe of check ``key`` is given for ``spec``."""
    return _lookup(key, spec, "given")


def expected(key, spec):
    """What check ``key``'s comparison is given for ``spec``: the reference's values and the slips'."""
    return _lookup(key, spec, "expected")
