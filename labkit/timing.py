"""Wall-clock timing for the lessons and the benchmarks: a call timed until its results are
computed (TensorFlow runs ops asynchronously), and a block timed with a stopwatch."""

from labkit.arguments import check_int

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


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self):
        self.seconds, self._start = None, time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False

