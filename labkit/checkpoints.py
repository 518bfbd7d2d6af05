"""Checkpoints that survive an interrupted run: model weights, optimizer state, step and log.

A checkpoint is a folder ``<dir>/step-000300/`` holding ``model.weights.h5`` (Keras 3's
weights format), ``optimizer.npz`` (Adam's moments and iteration count) and ``state.json``
(step, per-step losses, training seconds, and the :func:`fingerprint` of the code that trained
it). It is written to a temporary folder first and renamed into place, and ``<dir>/latest`` is
replaced atomically after that, so a crash mid-write never leaves a half checkpoint behind
``latest``. The two newest are kept.

:func:`resume` restores the latest checkpoint only when the same code wrote it: a student who
fixes the loss or the train step after a failed run starts fresh instead of reloading the weights
the broken code trained.
"""

import hashlib
import inspect
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


def _source(thing):
    """The source of a function or class (an object stands for its class)."""
    thing = inspect.unwrap(thing) if callable(thing) else thing  # a tf.function, a functools.wraps
    if not (inspect.isroutine(thing) or inspect.isclass(thing)):
        thing = type(thing)
    try:
        return inspect.getsource(thing)
    except (OSError, TypeError):
        methods = [m for m in vars(thing).values() if inspect.isfunction(m)] if inspect.isclass(thing) else []
        if methods:  # a class from a notebook cell: Python < 3.13 cannot find it, but finds its methods
            return "".join(map(_source, methods))
    raise ValueError(f"code: cannot read the source of {getattr(thing, '__qualname__', thing)!r} "
                     "(define it in a file or a notebook cell)")


def fingerprint(code):
    """``{name: hash of its source}`` for the functions and classes in ``code``: what a checkpoint
    records of the code that trained it, so that changed code is never resumed."""
    sources = {}
    for thing in code:
        name = getattr(thing, "__name__", type(thing).__name__)
        sources[name] = sources.get(name, "") + _source(thing)
    return {name: hashlib.sha256(text.encode()).hexdigest()[:16] for name, text in sorted(sources.items())}


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
    # The newest by time, not by step: a run that started over writes lower steps than the code before it.
    older = sorted((other for other in directory.glob("step-*") if other != final), key=_written)
    for old in older[:len(older) - (KEEP - 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _written(folder):
    """When the checkpoint in ``folder`` was written (ties, within a file system's clock tick: by step)."""
    state = folder / "state.json"
    return state.stat().st_mtime_ns if state.is_file() else 0, folder.name


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


def resume(directory, model, optimizer, code):
    """Restore the latest checkpoint in ``directory`` if the code it records is ``code`` (a
    :func:`fingerprint`). Returns ``(state, why)``: the restored state dict, or None to start from
    step 0, and a phrase saying which checkpoint was resumed or why none was."""
    folder = latest(directory)
    if folder is None:
        return None, f"no checkpoint in {directory} yet"
    saved = json.loads((folder / "state.json").read_text())
    where = f"the checkpoint at step {saved['step']} in {directory}"
    if "code" not in saved:
        return None, f"{where} does not record the code that trained it"
    changed = sorted(name for name in {**code, **saved["code"]} if code.get(name) != saved["code"].get(name))
    if changed:
        return None, f"{', '.join(changed)} changed since {where} was written"
    return restore(folder, model, optimizer), f"{folder.name}, written by this same {', '.join(code)}"
