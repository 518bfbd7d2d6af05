"""Plots a picture beats a table for: loss curves (static and live during training), curves
over time steps or lags (gradient norms on a log scale, accuracy against sequence length), a
classifier's confusion matrix, and matrices: attention weights, positional encodings. Paths and
forecasts of continuous sequences (lesson 06) are in :mod:`labkit.series_plots`.

Functions return a ``matplotlib.figure.Figure`` that is not registered with pyplot, so a
notebook shows it exactly once (as the cell's value, or with ``display(fig)``) and tests can
inspect its data without a screen.
"""

from labkit.arguments import check_int

import functools
import io
import math

import numpy as np


@functools.cache
def _figure_class():
    from matplotlib.figure import Figure  # matplotlib loads on the first plot, not at import

    class NotebookFigure(Figure):
        """A Figure that Jupyter shows as a PNG even when pyplot was never imported."""

        def _repr_png_(self):
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    return NotebookFigure


def _new_figure(figsize=(6, 3.5)):
    fig = _figure_class()(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _label(ax, title, xlabel, ylabel):
    """Title and axis labels; a long title wraps within the figure (unwrapped, it is cut at both ends)."""
    ax.set_title(title, wrap=True)
    ax.set(xlabel=xlabel, ylabel=ylabel)


def _as_curve(losses, name="losses"):
    try:
        values = np.asarray(losses, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a sequence of numbers") from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-D sequence of numbers, got shape {values.shape}")
    return values


def loss_curve(losses, *, title="Training loss", xlabel="step", ylabel="loss", logy=False,
               smooth=0):
    """Plot a loss per step. ``smooth`` > 1 overlays a running mean over that many steps.

    Returns the Figure; ``fig.axes[0].lines[0].get_ydata()`` are the raw losses.
    """
    from matplotlib.ticker import MaxNLocator

    values = _as_curve(losses)
    check_int("smooth", smooth, minimum=0)
    fig, ax = _new_figure()
    steps = np.arange(1, values.size + 1)
    ax.plot(steps, values, color="tab:blue", alpha=0.45 if smooth > 1 else 1.0, label=ylabel)
    if 1 < smooth <= values.size:
        kernel = np.ones(smooth) / smooth
        ax.plot(steps[smooth - 1 :], np.convolve(values, kernel, mode="valid"),
                color="tab:blue", label=f"mean of {smooth}")
        ax.legend()
    if logy:
        ax.set_yscale("log")
    _label(ax, title, xlabel, ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers, even on a short curve
    ax.grid(alpha=0.3)
    return fig


def lines(series, x=None, *, title="", xlabel="", ylabel="", logy=False, reference=None):
    """Plot one line per entry of ``series`` ({label: y values}) against ``x``.

    ``x`` defaults to 0, 1, 2, …; a list of names (buckets) puts them there, on the axis; every
    series must have ``len(x)`` values. ``reference`` is an optional ``(y, label)`` drawn as a
    dashed horizontal line (e.g. chance accuracy).
    Non-finite values (a diverged run) and, on a log scale, zeros (an underflowed gradient)
    are left out of the line rather than breaking the plot.
    Returns the Figure; ``fig.axes[0].lines[i]`` holds series ``i`` in insertion order.
    """
    if not isinstance(series, dict) or not series:
        raise ValueError("series: expected a non-empty dict {label: values}")
    curves = {str(label): _as_curve(values, f"series[{label!r}]") for label, values in series.items()}
    names = list(x) if isinstance(x, (list, tuple)) and x and all(isinstance(v, str) for v in x) else None
    steps = np.arange(len(names or next(iter(curves.values())))) if x is None or names else _as_curve(x, "x")
    for label, values in curves.items():
        if values.size != steps.size:
            raise ValueError(f"series[{label!r}]: expected {steps.size} values (one per x), "
                             f"got {values.size}")
    fig, ax = _new_figure()
    for label, values in curves.items():
        values = np.where(np.isfinite(values) & ((values > 0) | (not logy)), values, np.nan)
        ax.plot(steps, values, label=label, marker="o" if steps.size <= 12 else None)
    if reference is not None:
        level, label = reference
        ax.axhline(float(level), color="gray", linestyle="--", label=label)
    if logy:
        ax.set_yscale("log")
    if names:
        ax.set_xticks(steps, names)
    _label(ax, title, xlabel, ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def gradient_norms(norms_by_label, *, title="Gradient norm vs. distance in time"):
    """Gradient norms per lag (index 0 = the last step) on a log scale, one line per label."""
    return lines(norms_by_label, title=title, xlabel="lag: steps back from the loss",
                 ylabel="gradient norm", logy=True)


def confusion_matrix(labels, predictions, class_names, *, title="Confusion matrix"):
    """Counts of (true class, predicted class), coloured by the share of each true class.

    ``labels`` and ``predictions`` are equal-length sequences of class indices into
    ``class_names``. Returns the Figure; ``fig.counts`` is the (classes, classes) int array,
    rows = true class.
    """
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    n = len(class_names)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values.ndim != 1 or values.size == 0 or not np.issubdtype(values.dtype, np.integer):
            raise ValueError(f"{name}: expected a non-empty 1-D sequence of class indices")
        if values.min() < 0 or values.max() >= n:
            raise ValueError(f"{name}: class indices must lie in [0, {n}) for {n} class_names")
    if labels.size != predictions.size:
        raise ValueError(f"predictions: expected {labels.size} values (one per label), "
                         f"got {predictions.size}")
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (labels, predictions), 1)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = _new_figure(figsize=(1.3 * n + 2, 1.1 * n + 1.5))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (row, column), count in np.ndenumerate(counts):
        ax.text(column, row, f"{count}\n{shares[row, column]:.0%}", ha="center", va="center",
                color="white" if shares[row, column] > 0.6 else "black")
    ax.set(xticks=range(n), yticks=range(n), xticklabels=class_names, yticklabels=class_names)
    _label(ax, title, "predicted", "true")
    fig.counts = counts
    return fig


def matrix(values, *, title="", xlabel="", ylabel="", xticklabels=None, yticklabels=None,
           cmap="viridis", vmin=None, vmax=None):
    """Show a 2-D array as an image with a colour bar; row 0 at the top.

    Tick labels, when given, must have one entry per column (``xticklabels``) or row.
    Returns the Figure; ``fig.values`` is the array shown.
    """
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("values: expected a 2-D array of numbers") from None
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"values: expected a non-empty 2-D array, got shape {values.shape}")
    for name, labels, size in (("xticklabels", xticklabels, values.shape[1]),
                               ("yticklabels", yticklabels, values.shape[0])):
        if labels is not None and len(labels) != size:
            per = "column" if name == "xticklabels" else "row"
            raise ValueError(f"{name}: expected {size} labels (one per {per}), got {len(labels)}")
    rows, columns = values.shape
    fig, ax = _new_figure(figsize=(min(2 + 0.3 * columns, 12), min(1.5 + 0.3 * rows, 8))
                          if xticklabels is not None else (6, 3.5))
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    fig.colorbar(image, ax=ax)
    if xticklabels is not None:
        names = [str(label) for label in xticklabels]
        upright = max(map(len, names), default=0) > 2  # words would overlap; single characters stay level
        ax.set_xticks(range(columns), names, rotation=90 if upright else 0)
    if yticklabels is not None:
        ax.set_yticks(range(rows), [str(label) for label in yticklabels])
    _label(ax, title, xlabel, ylabel)
    fig.values = values
    return fig


def attention(weights, inputs, outputs, *, title="Attention weights"):
    """Heatmap of attention: row i = output step ``outputs[i]``, column j = input ``inputs[j]``.

    ``weights`` has shape (len(outputs), len(inputs)), each row a distribution (>= 0, sums
    to 1 up to 1e-3; rows over padding may be cut off before plotting).
    """
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(outputs), len(inputs)):
        raise ValueError(f"weights: expected shape (len(outputs), len(inputs)) = "
                         f"({len(outputs)}, {len(inputs)}), got {weights.shape}")
    rows_sum_to_one = np.allclose(weights.sum(axis=1), 1, atol=1e-3)
    if not np.all(np.isfinite(weights)) or weights.min() < 0 or not rows_sum_to_one:
        raise ValueError("weights: expected each row to be a distribution (>= 0, summing to 1)")
    return matrix(weights, title=title, xlabel="input", ylabel="output", xticklabels=list(inputs),
                  yticklabels=list(outputs), cmap="Blues", vmin=0, vmax=1)


class LiveLoss:
    """A loss curve that redraws in place while a notebook trains::

        live = LiveLoss("MyRNN training", every=20)
        for step in range(n):
            live.update(float(loss))
        live.close()      # final picture; live.losses holds every value

    Outside a notebook it only collects the values.
    """

    def __init__(self, title="Training loss", every=10, ylabel="loss"):
        check_int("every", every)
        self.title, self.every, self.ylabel = title, every, ylabel
        self.losses = []
        self._handle = None

    def resume(self, losses):
        """Start from the losses of an earlier run (a resumed checkpoint) and draw them."""
        self.losses = [float(loss) for loss in losses]
        if self.losses:
            self._draw()

    def update(self, loss):
        loss = float(loss)
        if math.isnan(loss):
            raise ValueError(f"loss: got NaN at step {len(self.losses) + 1} (training diverged)")
        self.losses.append(loss)
        if len(self.losses) % self.every == 0:
            self._draw()

    def close(self):
        """Draw the final curve and return it as a Figure."""
        if not self.losses:
            raise ValueError("LiveLoss.close: no losses were recorded (call update first)")
        return self._draw()

    def _draw(self):
        fig = loss_curve(self.losses, title=self.title, ylabel=self.ylabel)
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return fig
        if get_ipython() is None:
            return fig
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)
        return fig
