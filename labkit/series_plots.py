"""Plots of continuous sequences (lesson 06): thrown balls as small multiples, with the frames a
model saw and the paths it drew, and a forecast of a time series against what happened.

Like :mod:`labkit.plots`, each function returns a Figure that Jupyter shows once and a test can
inspect (``fig.axes``) without a screen.
"""

from labkit.plots import _figure_class

import numpy as np


def _array(value, name, ndim):
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected an array of numbers") from None
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    return array


def throws(truth, *, seen=None, drawn=None, columns=3, title=""):
    """One panel per throw: the true path ``truth`` (throws, frames, 2) as a grey line, the frames a
    model ``seen`` (throws, frames seen, 2) as dots, and each of ``drawn`` ({label: (throws, frames
    drawn, 2)}) as a line continuing from the last seen frame. Positions in metres, (x, height)."""
    truth = _array(truth, "truth", 3)
    if truth.shape[-1] != 2:
        raise ValueError(f"truth: expected (throws, frames, 2) positions, got shape {truth.shape}")
    seen = None if seen is None else _array(seen, "seen", 3)
    drawn = {label: _array(path, f"drawn[{label!r}]", 3) for label, path in (drawn or {}).items()}
    for name, array in {"seen": seen, **{f"drawn[{k!r}]": v for k, v in drawn.items()}}.items():
        if array is not None and len(array) != len(truth):
            raise ValueError(f"{name}: expected {len(truth)} throws (one per panel), got {len(array)}")
    rows = -(-len(truth) // columns)
    fig = _figure_class()(figsize=(3.2 * columns, 2.2 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for index, ax in enumerate(axes):
        if index >= len(truth):
            ax.set_axis_off()
            continue
        ax.plot(*truth[index].T, color="0.6", lw=1.5, label="true path")
        start = truth[index, :1]
        if seen is not None:
            ax.plot(*seen[index].T, "o", ms=3, color="black", label="frames seen")
            start = seen[index, -1:]
        for label, path in drawn.items():
            ax.plot(*np.concatenate([start, path[index]]).T, lw=1.5, label=label)
        ax.axhline(0, color="saddlebrown", lw=1)
        ax.set(xlabel="x (m)", ylabel="height (m)")
    axes[0].legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def forecast(times, history, truth, forecasts, *, title="", ylabel="", labels=("observed", "what happened")):
    """A series up to a forecast origin (``times[:len(history)]``, ``history``), what came after
    (``truth``), and each forecast ({label: values}) over the same times as ``truth``; ``labels``
    name the first two."""
    history, truth = _array(history, "history", 1), _array(truth, "truth", 1)
    times = np.asarray(times)
    if len(times) != len(history) + len(truth):
        raise ValueError(f"times: expected {len(history) + len(truth)} (history, then truth), "
                         f"got {len(times)}")
    fig = _figure_class()(figsize=(7, 3.5), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(times[:len(history)], history, color="black", lw=1, label=labels[0])
    after = times[len(history):]
    ax.plot(after, truth, color="0.6", lw=2, label=labels[1])
    for label, values in forecasts.items():
        values = _array(values, f"forecasts[{label!r}]", 1)
        if len(values) != len(truth):
            raise ValueError(f"forecasts[{label!r}]: expected {len(truth)} values, got {len(values)}")
        ax.plot(after, values, lw=1.5, label=label)
    ax.axvline(after[0], color="gray", ls="--", lw=1)
    ax.set(title=title, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return fig
