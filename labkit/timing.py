"""Wall-clock timing for the lessons and the benchmarks: a call timed until its results are
computed (TensorFlow runs ops asynchronously), contenders timed in interleaved rounds (so that a
noisy, shared machine slows each alike), and a block timed with a stopwatch."""

from labkit.arguments import check_int

import statistics
import time


def wait(result):
    """Block until every tensor or array in ``result`` (nested in tuples, lists, dicts) exists."""
    if isinstance(result, dict):
        result = list(result.values())
    if isinstance(result, (tuple, list)):
        for item in result:
            wait(item)
    elif hasattr(result, "numpy"):
        result.numpy()
    return result


def call_seconds(fn, *args, repeats=5, summary=min):
    """``summary`` (min, or a median) of the seconds ``fn(*args)`` takes over ``repeats``
    calls, after one call that warms it up (and traces it, for a tf.function)."""
    check_int("repeats", repeats)
    wait(fn(*args))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        wait(fn(*args))
        times.append(time.perf_counter() - start)
    return float(summary(times))


def interleaved_seconds(contenders, repeats=7):
    """Median seconds of each call in ``contenders`` ({name: fn of no arguments}), timed in
    ``repeats`` rounds of one call of each, after one warm-up call each. Background load that
    comes and goes then hits every contender alike, and the median drops the rounds it spoiled::

        seconds = timing.interleaved_seconds({"eager": lambda: f(x), "compiled": lambda: g(x)})
    """
    check_int("repeats", repeats)
    if not isinstance(contenders, dict) or len(contenders) < 2 or not all(map(callable, contenders.values())):
        raise ValueError(f"contenders: expected a dict of two or more functions, got {contenders!r}")
    for fn in contenders.values():
        wait(fn())
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            wait(fn())
            times[name].append(time.perf_counter() - start)
    return {name: float(statistics.median(seconds)) for name, seconds in times.items()}


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self):
        self.seconds, self._start = None, time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False

