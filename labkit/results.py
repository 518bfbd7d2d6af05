"""Measured results of a notebook run, as JSON: ``results/<notebook>.json``.

The last cell of every lesson asserts its numbers and then calls::

    results.record("01_rnn_from_scratch", {"max_abs_diff_vs_simplernn": 3e-7, ...})

Full mode writes ``results/`` (committed, quoted in README); fast mode writes
``results/fast/`` (ignored by git) so CI never overwrites the real numbers.
``python -m labkit results`` prints the README's results table.
"""

import datetime
import json
import math
import re
from numbers import Number

from labkit import config
from labkit.files import write_text_atomically

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


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


def record(notebook, metrics):
    """Write ``metrics`` (a non-empty dict of name -> value) for ``notebook``; return the path."""
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
    path = config.results_dir() / f"{name}.json"
    write_text_atomically(path, json.dumps(payload, indent=2, sort_keys=False) + "\n")
    return path


def load(notebook):
    """The recorded payload for ``notebook`` in the current mode's results folder."""
    path = config.results_dir() / f"{_notebook_name(notebook)}.json"
    if not path.is_file():
        raise FileNotFoundError(f"notebook: no results at {path}; run the notebook first")
    return json.loads(path.read_text(encoding="utf-8"))


def _format(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def table():
    """A Markdown table of every recorded result in the current mode's folder."""
    rows = ["| notebook | metric | value |", "|---|---|---|"]
    for path in sorted(config.results_dir().glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        for key, value in payload["metrics"].items():
            rows.append(f"| {payload['notebook']} | {key} | {_format(value)} |")
    return "\n".join(rows)
