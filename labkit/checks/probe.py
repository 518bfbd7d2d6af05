"""A check split across two processes when grading: :func:`run` in the student's kernel,
:func:`judge` in the grader's.

The grader sends the kernel one line per exercise::

    import labkit.checks.probe as probe; probe.run("rnn_cell", {"seed": 81, "grading": True, "sizes": {}},
                                                   "/scratch/probe-3f9c.npz", MyRNNCell)

:func:`run` calls the check's probe and writes what it returned (arrays only, or the one-line
failure of the student's code) to an ``.npz`` file. :func:`judge` reads that file without
pickle, validates it (size, plain numeric or text arrays, finite numbers) and hands it to the
check's judge, in NumPy, with the spec the grader chose. Nothing the kernel prints or patches
reaches the verdict; data that is not what the probe would return fails the exercise.
"""

from labkit.checks.core import REGISTRY, CheckFailed, Spec, failure_message, one_line

import os
import stat

import numpy as np

FAILURE = "_failure"  # the key of a probe that stopped on the student's code
MAX_BYTES = 64 * 2**20


def run(key, spec, path, *objects):
    """Probe ``labkit.checks.<key>`` with ``objects`` and write its arrays to ``path`` (.npz)."""
    try:
        data = REGISTRY[key].probe(Spec(**spec), *objects)
        data = {name: np.asarray(value) for name, value in data.items()}
    except (Exception, SystemExit) as error:  # the student's code failed: say how, in one line
        data = {FAILURE: np.array(failure_message(error, objects[0] if objects else None))}
    temporary = f"{path}.part"
    with open(temporary, "wb") as file:
        np.savez(file, **data)
    os.replace(temporary, path)


def load(path):
    """The arrays at ``path``, or a one-line reason why they cannot be judged."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return "the check's probe wrote no data (the exercise's code stopped it, or it never ran)"
    except OSError as error:
        return f"the check's data cannot be read ({error.strerror})"
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return "the check's data is not a regular file of at most 64 MiB"
        try:
            with np.load(file, allow_pickle=False) as archive:
                return {name: archive[name] for name in archive.files}
        except Exception as error:  # a damaged or forged archive
            return one_line(f"the check's data is not a plain NumPy archive ({type(error).__name__})")


def _invalid(data):
    """Why ``data`` is not what a probe returns, or ''."""
    for name, value in data.items():
        if value.dtype.kind not in "biufU":
            return f"the check's data {name!r} has dtype {value.dtype}, not numbers or text"
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            return f"your code returned NaN or infinity (in {name!r})"
    return ""


def judge(key, spec, data):
    """(passed, message, fraction of the check's parts passed) for the probe ``data`` (a dict, or a
    reason it could not be loaded)."""
    if isinstance(data, str):
        return False, data, 0.0
    if FAILURE in data:
        return False, one_line(data[FAILURE]) or "the check failed", 0.0
    reason = _invalid(data)
    if reason:
        return False, reason, 0.0
    try:
        REGISTRY[key].judge(Spec(**spec), data)
    except CheckFailed as error:
        return False, failure_message(error), error.fraction
    except KeyError as error:
        return False, f"the check's data lacks {error}", 0.0
    except Exception as error:  # data of the wrong shape or type for the judge
        return False, one_line(f"the check's data does not fit it ({type(error).__name__}: {error})"), 0.0
    return True, "", 1.0
