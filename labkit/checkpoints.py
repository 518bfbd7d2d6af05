"""Checkpoints that survive an interrupted run: model weights, optimizer state, step and log.

A checkpoint is a folder ``<dir>/step-000300/`` holding ``model.weights.h5`` (Keras 3's
weights format), ``optimizer.npz`` (Adam's moments and iteration count) and ``state.json``
(step, per-step losses, training seconds). It is written to a temporary folder first and
renamed into place, and ``<dir>/latest`` is replaced atomically after that, so a crash
mid-write never leaves a half checkpoint behind ``latest``. The two newest are kept.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .files import write_text_atomically

KEEP = 2


def _check_dir(directory):
    if not isinstance(directory, (str, os.PathLike)) or not str(directory):
        raise ValueError(f"checkpoint_dir: expected a folder path, got {directory!r}")
    return Path(directory)


def save(directory, model, optimizer, state):
    """Write a checkpoint for ``state['step']``; returns its folder."""
    directory = _check_dir(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"step-{state['step']:06d}"
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=directory))
    try:
        model.save_weights(staging / "model.weights.h5")
        np.savez(staging / "optimizer.npz", *[np.asarray(v) for v in optimizer.variables])
        (staging / "state.json").write_text(json.dumps(state))
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_text_atomically(directory / "latest", final.name)
    for old in sorted(directory.glob("step-*"))[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def latest(directory):
    """The newest complete checkpoint folder in ``directory``, or None."""
    pointer = _check_dir(directory) / "latest"
    if not pointer.is_file():
        return None
    folder = pointer.parent / pointer.read_text().strip()
    return folder if (folder / "state.json").is_file() else None


def restore(folder, model, optimizer):
    """Load a checkpoint into ``model`` and ``optimizer`` (both built); returns its state dict."""
    folder = Path(folder)
    model.load_weights(folder / "model.weights.h5")
    with np.load(folder / "optimizer.npz") as saved:
        values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    if len(values) != len(optimizer.variables):
        raise ValueError(f"checkpoint: {folder} holds {len(values)} optimizer variables, "
                         f"this optimizer has {len(optimizer.variables)} (a different model?)")
    for variable, value in zip(optimizer.variables, values):
        variable.assign(value)
    return json.loads((folder / "state.json").read_text())
