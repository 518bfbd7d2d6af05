"""Run configuration: fast/full mode, seeds and paths.

``LABKIT_FAST=1`` (set by ``make test`` and CI) shrinks data, epochs and model sizes so
every notebook finishes in minutes on 2 CPU cores; anything else means full mode. The code
path is the same in both modes: notebooks read sizes through :func:`pick`::

    EPOCHS = config.pick(fast=3, full=40)
"""

import os
import random
import sys
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _read_fast_flag():
    raw = os.environ.get("LABKIT_FAST", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"LABKIT_FAST: expected 1/0 (or true/false), got {raw!r}")


FAST = _read_fast_flag()
MODE = "fast" if FAST else "full"


def pick(*, fast, full):
    """Return ``fast`` in fast mode and ``full`` in full mode."""
    return fast if FAST else full


def seed_everything(seed=0):
    """Seed Python, NumPy and (if installed) Keras/TensorFlow for reproducible runs.

    Call once at the top of a notebook. Returns the seed.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError(f"seed: expected an int in [0, 2**32), got {seed!r}")
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)
    try:
        import keras
    except ImportError:  # labkit works without Keras for its numpy-only helpers
        return seed
    keras.utils.set_random_seed(seed)
    return seed


def banner():
    """One line saying which mode this run is in (the setup cell prints it)."""
    if FAST:
        return "FAST mode (LABKIT_FAST=1): small data and few steps, as in CI."
    return "FULL mode: full data and training; set LABKIT_FAST=1 for a quick run."


def _find_repo_root():
    """``LABKIT_ROOT`` if set (the grader's scratch copy), else the checkout labkit lives in
    (editable install), else the working directory."""
    if os.environ.get("LABKIT_ROOT"):
        return Path(os.environ["LABKIT_ROOT"]).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").is_file() and (here / "notebooks").is_dir():
        return here
    return Path.cwd()


REPO_ROOT = _find_repo_root()
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
# The lessons of the checkout labkit lives in: where a lesson finds another lesson's code (lesson 07
# loads lesson 04's recipe) also when REPO_ROOT is a scratch copy that holds only one notebook.
LESSONS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def results_dir():
    """Where :mod:`labkit.results` writes: ``results/`` (full) or ``results/fast/`` (fast).

    ``LABKIT_RESULTS_DIR`` overrides the base folder (tests use it).
    """
    base = Path(os.environ.get("LABKIT_RESULTS_DIR") or REPO_ROOT / "results")
    return base / "fast" if FAST else base


def describe():
    """Versions worth recording next to a result (Python, and Keras/TF if imported)."""
    info = {"python": sys.version.split()[0], "mode": MODE}
    for name in ("numpy", "keras", "tensorflow"):
        module = sys.modules.get(name)
        if module is not None:
            info[name] = getattr(module, "__version__", "?")
    return info
