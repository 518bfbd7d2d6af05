"""Measured results of a notebook run, as JSON: ``results/<notebook>.json``.

The last cell of every lesson asserts its numbers and then calls::

    results.record("01_rnn_from_scratch", {"max_abs_diff_vs_simplernn": 3e-7, ...})

Full mode writes ``results/`` (committed, quoted in README); fast mode writes
``results/fast/`` (ignored by git) so CI never overwrites the real numbers.
The lesson's ``SUMMARY`` (Markdown with ``{metric:format}`` fields) is what the README shows;
``record(..., summary=SUMMARY)`` displays it filled, and ``python -m labkit results --readme``
writes it into README.md (:mod:`labkit.readme`).
"""

from labkit import config
from labkit.files import write_text_atomically

import datetime
import json
import math
import re
from numbers import Number

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
FIELD = re.compile(r"\{([A-Za-z0-9_.+-]+)(?::([^{}]*))?\}")  # {metric} or {metric:format}
NOT_MEASURED = "—"  # a field whose metric this run did not record (fast mode measures less)


def _notebook_name(notebook):
    if not isinstance(notebook, str):
        raise TypeError(f"notebook: expected a str like '01_rnn_from_scratch', got {type(notebook).__name__}")
    name = notebook.removesuffix(".ipynb")
    if not _NAME.match(name) or name.startswith("."):
        raise ValueError(f"notebook: expected a plain name like '01_rnn_from_scratch', got {notebook!r}")
    return name


def _plain(value, key):
    """Convert NumPy scalars/arrays to JSON types; reject what JSON can't hold faithfully."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Number):
        if isinstance(value, complex) or not math.isfinite(value):
            raise ValueError(f"metrics[{key!r}]: expected a finite real number, got {value!r}")
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, key) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{key}.{k}") for k, v in value.items()}
    raise TypeError(f"metrics[{key!r}]: expected a number, str, bool, list or dict, "
                    f"got {type(value).__name__}")


def metric_key(label):
    """A metric key from a label a lesson prints: ``"LSTM, no mask"`` -> ``"lstm_no_mask"``."""
    return re.sub(r"[^a-z0-9.+-]+", "_", str(label).lower()).strip("_")


def keyed(pattern, by_label):
    """Metrics named from labels: ``keyed("{}_accuracy", {"LSTM ensemble": 0.75})`` is
    ``{"lstm_ensemble_accuracy": 0.75}``; a tuple label fills several fields."""
    return {pattern.format(*map(metric_key, label if isinstance(label, tuple) else (label,))): value
            for label, value in by_label.items()}


def record(notebook, metrics, summary=None):
    """Write ``metrics`` (a non-empty dict of name -> value) for ``notebook`` and say where.

    With ``summary`` (the lesson's ``SUMMARY``), display it filled with these metrics above that line.
    Returns None, so a lesson's last cell shows only these (find the file with :func:`load`)."""
    name = _notebook_name(notebook)
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("metrics: expected a non-empty dict of name -> value")
    if not all(isinstance(k, str) and k for k in metrics):
        raise ValueError("metrics: expected non-empty str keys")
    payload = {
        "notebook": name,
        "mode": config.MODE,
        "recorded": datetime.date.today().isoformat(),
        "environment": config.describe(),
        "metrics": {k: _plain(v, k) for k, v in metrics.items()},
    }
    filled = "" if summary is None else render(summary, payload["metrics"]) + "\n\n"
    path = config.results_dir() / f"{name}.json"
    write_text_atomically(path, json.dumps(payload, indent=2, sort_keys=False) + "\n")
    shown = path.relative_to(config.REPO_ROOT) if path.is_relative_to(config.REPO_ROOT) else path
    show(f"{filled}Recorded in `{shown}`.")


def load(notebook):
    """The recorded payload for ``notebook`` in the current mode's results folder."""
    path = config.results_dir() / f"{_notebook_name(notebook)}.json"
    if not path.is_file():
        raise FileNotFoundError(f"notebook: no results at {path}; run the notebook first")
    return json.loads(path.read_text(encoding="utf-8"))


def render(summary, metrics, strict=False):
    """``summary`` with each ``{metric:format}`` field filled from ``metrics`` (booleans as yes/no).

    A metric that is not there is an error when ``strict`` (the README), else shown as
    ``NOT_MEASURED`` (fast mode skips some sizes)."""

    def fill(match):
        key, spec = match.group(1), match.group(2) or ""
        if key not in metrics:
            if strict:
                raise ValueError(f"summary: {{{key}}} is not a metric this run recorded")
            return NOT_MEASURED
        value = metrics[key]
        if isinstance(value, bool):
            return "yes" if value else "no"
        try:
            return format(value, spec)
        except (TypeError, ValueError) as error:
            raise ValueError(f"summary: {{{key}:{spec}}} cannot format {value!r}: {error}") from None

    return FIELD.sub(fill, summary).strip()


def show(markdown):
    """Display Markdown in a notebook (plain text elsewhere)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(markdown))
    else:
        print(markdown)
