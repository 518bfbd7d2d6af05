from labkit import timing

import time

import numpy as np
import pytest


class Lazy:
    """Stands in for a tensor whose value is computed when asked for (``.numpy()``)."""

    def __init__(self):
        self.waited = False

    def numpy(self):
        self.waited = True
        return np.zeros(1)


def test_wait_asks_every_nested_tensor_for_its_value():
    tensors = [Lazy() for _ in range(3)]
    timing.wait((tensors[0], [tensors[1]], {"c": tensors[2]}, 4.0))
    assert all(t.waited for t in tensors)


def test_call_seconds_warms_up_then_summarises_the_timed_calls():
    calls = []

    def fn(pause):
        calls.append(pause)
        time.sleep(pause if len(calls) > 1 else 0.0)

    assert 0.01 <= timing.call_seconds(fn, 0.01, repeats=3) < 0.5
    assert calls == [0.01] * 4  # one warm-up call, three timed
    with pytest.raises(ValueError, match=r"^repeats: expected an int >= 1, got 0$"):
        timing.call_seconds(fn, 0.0, repeats=0)


def test_stopwatch_times_its_block():
    with timing.Stopwatch() as watch:
        time.sleep(0.02)
    assert 0.02 <= watch.seconds < 0.5


def test_interleaved_seconds_alternates_the_contenders_and_takes_medians():
    order = []

    def contender(name, pause):
        def call():
            order.append(name)
            time.sleep(pause)
        return call

    seconds = timing.interleaved_seconds({"slow": contender("slow", 0.02), "fast": contender("fast", 0.0)},
                                         repeats=3)
    assert order == ["slow", "fast"] * 4  # one warm-up call each, then three rounds of one call each
    assert seconds["slow"] >= 0.02 > seconds["fast"]
    with pytest.raises(ValueError, match=r"^contenders: expected a dict of two or more functions"):
        timing.interleaved_seconds({"alone": lambda: None})
    with pytest.raises(ValueError, match=r"^repeats: expected an int >= 1, got 0$"):
        timing.interleaved_seconds({"a": lambda: None, "b": lambda: None}, repeats=0)
