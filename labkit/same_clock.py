"""Compare models on the same clock (lesson 07, ``bench/lstm_vs_transformer.py``): train each for a
budget of training seconds (:func:`race`: the models taking turns, so a shared machine's load hits
each alike), score it on a schedule of training seconds, and read off how long one model takes to
reach another's score.

Scoring time is not training time: the clock stops while a model is scored. A curve is a list of
:class:`Point` (training seconds, steps, score), lower scores better (e.g. held-out bits/char).
"""

from labkit import training

import time
from typing import NamedTuple


class Point(NamedTuple):
    seconds: float
    step: int
    score: float


class _OnTheClock:
    """One model on the clock: trains in slices of training seconds, scores every ``every`` of them."""

    def __init__(self, train_step, batches, score, seconds, every):
        for name, value in (("seconds", seconds), ("every", every)):
            if type(value) not in (int, float) or value <= 0:
                raise ValueError(f"{name}: expected a number of seconds > 0, got {value!r}")
        if not callable(train_step) or not callable(batches) or not callable(score):
            raise ValueError("train_step, batches, score: expected functions (x, y) -> loss, step -> (x, y) "
                             "and () -> float")
        self.train_step, self.batches, self.score = train_step, batches, score
        self.seconds, self.every = seconds, every
        self.curve, self.trained, self.step, self.next_score = [Point(0.0, 0, float(score()))], 0.0, 0, every
        self.loss = None

    def train_for(self, seconds):
        """Train until another ``seconds`` of training have passed (or the budget is spent)."""
        until = min(self.trained + seconds, self.seconds)
        while self.trained < until:
            x, y = self.batches(self.step + 1)
            started = time.perf_counter()
            self.loss = float(self.train_step(x, y))  # float() waits for the step to finish
            self.trained += time.perf_counter() - started
            self.step += 1
            if self.trained >= self.next_score or self.trained >= self.seconds:
                self.curve.append(Point(self.trained, self.step, float(self.score())))
                self.next_score += self.every


def race(contestants, seconds, every, turn=1.0, desc="race"):
    """Train each model of ``contestants`` ({name: (train_step, batches, score)}) for ``seconds`` of
    training, the models taking turns of ``turn`` training seconds, so that load on a shared machine
    that comes and goes slows each alike. Each is scored when its own clock passes every ``every``
    seconds and at the end. Returns {name: curve}, each starting with the untrained score at 0 s."""
    if not isinstance(contestants, dict) or not contestants:
        raise ValueError("contestants: expected a non-empty dict {name: (train_step, batches, score)}")
    if type(turn) not in (int, float) or turn <= 0:
        raise ValueError(f"turn: expected a number of seconds > 0, got {turn!r}")
    clocks = {name: _OnTheClock(*contestant, seconds, every) for name, contestant in contestants.items()}
    with training.bar(round(seconds * len(clocks)), desc, unit="s") as bar:
        while any(clock.trained < seconds for clock in clocks.values()):
            for name, clock in clocks.items():
                clock.train_for(turn)
                bar.update(round(sum(c.trained for c in clocks.values())) - bar.n)
                bar.set_postfix({name[:12]: f"{clock.curve[-1].score:.3f}"}, refresh=False)
    return {name: clock.curve for name, clock in clocks.items()}


def train_and_score(train_step, batches, seconds, score, every, desc="training"):
    """Run ``train_step(x, y)`` on ``batches(step)`` for ``seconds`` of training; call ``score()``
    each time another ``every`` seconds have passed and at the end. Returns the curve, starting
    with the untrained score at 0 s. ``train_step`` should be compiled (``tf.function``)."""
    clock = _OnTheClock(train_step, batches, score, seconds, every)
    with training.bar(round(seconds), desc, unit="s") as bar:
        while clock.trained < seconds:
            clock.train_for(min(every, 1.0))
            bar.update(min(round(clock.trained), round(seconds)) - bar.n)
            bar.set_postfix(loss=f"{clock.loss:.3g}", score=f"{clock.curve[-1].score:.3f}", refresh=False)
    return clock.curve


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
