"""Compare models on the same clock (lesson 07, ``bench/lstm_vs_transformer.py``): train each for a
budget of training seconds, score it on a schedule of training seconds, and read off how long one
model takes to reach another's score.

Scoring time is not training time: the clock stops while a model is scored. A curve is a list of
:class:`Point` (training seconds, steps, score), lower scores better (e.g. held-out bits/char).
"""

import time
from typing import NamedTuple


class Point(NamedTuple):
    seconds: float
    step: int
    score: float


def train_and_score(train_step, batches, seconds, score, every, desc="training"):
    """Run ``train_step(x, y)`` on ``batches(step)`` for ``seconds`` of training; call ``score()``
    each time another ``every`` seconds have passed and at the end. Returns the curve, starting
    with the untrained score at 0 s. ``train_step`` should be compiled (``tf.function``)."""
    for name, value in (("seconds", seconds), ("every", every)):
        if type(value) not in (int, float) or value <= 0:
            raise ValueError(f"{name}: expected a number of seconds > 0, got {value!r}")
    if not callable(train_step) or not callable(batches) or not callable(score):
        raise ValueError("train_step, batches, score: expected functions (x, y) -> loss, step -> (x, y) "
                         "and () -> float")
    from tqdm.auto import tqdm

    curve, trained, step, next_score = [Point(0.0, 0, float(score()))], 0.0, 0, every
    with tqdm(total=round(seconds), desc=desc, unit="s") as bar:
        while trained < seconds:
            x, y = batches(step + 1)
            started = time.perf_counter()
            loss = float(train_step(x, y))  # float() waits for the step to finish
            trained += time.perf_counter() - started
            step += 1
            bar.update(min(round(trained), round(seconds)) - bar.n)
            if trained >= next_score or trained >= seconds:
                curve.append(Point(trained, step, float(score())))
                bar.set_postfix(loss=f"{loss:.3g}", score=f"{curve[-1].score:.3f}", refresh=False)
                next_score += every
    return curve


def seconds_to_reach(curve, target):
    """Training seconds at which ``curve`` first scores ``target`` or lower, interpolated linearly
    between the scores on either side; None if it never does."""
    if not curve:
        raise ValueError("curve: expected at least one Point (seconds, step, score), got none")
    for before, after in zip(curve, curve[1:]):
        if after.score <= target:
            if before.score <= target:
                return before.seconds
            share = (before.score - target) / (before.score - after.score)
            return before.seconds + share * (after.seconds - before.seconds)
    return curve[0].seconds if curve[0].score <= target else None


def plot(curves, *, ylabel="score", title=""):
    """One line per curve ({label: curve}) against training seconds; returns the Figure."""
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves: expected a non-empty dict {label: list of Point}")
    from labkit.plots import _new_figure

    fig, ax = _new_figure()
    for label, curve in curves.items():
        ax.plot([p.seconds for p in curve], [p.score for p in curve], marker="o", label=label)
    ax.set(title=title, xlabel="training seconds", ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig
