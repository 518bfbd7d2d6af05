"""Shared by the benchmarks: time two contenders in one run, interleaved, and print ratios.

Each contender is a function of one input tensor; calls are interleaved round by round so
background load hits both alike, and the median of the rounds is reported.
"""

import time

import numpy as np
import tensorflow as tf


def seconds(fn, x):
    """Wall time of one call, waiting for every output tensor."""
    start = time.perf_counter()
    for tensor in tf.nest.flatten(fn(x)):
        tensor.numpy()
    return time.perf_counter() - start


def compare(pairs, x, *, rounds, names, target):
    """Time ``{"forward": (mine, reference), ...}`` on ``x``; print a table; return the worst ratio."""
    mine_name, reference_name = names
    print(f"{'':18} {mine_name:>12} {reference_name:>12} {'ratio':>7}")
    worst = 0.0
    for label, (mine, reference) in pairs.items():
        for fn in (mine, reference):  # trace and warm up
            seconds(fn, x), seconds(fn, x)
        times = np.array([(seconds(mine, x), seconds(reference, x)) for _ in range(rounds)])
        mine_s, reference_s = np.median(times, axis=0)
        ratio = mine_s / reference_s
        worst = max(worst, ratio)
        print(f"{label:18} {mine_s * 1e3:>9.2f} ms {reference_s * 1e3:>9.2f} ms {ratio:>6.2f}x")
    if target is not None:
        verdict = "meets" if worst <= target else "MISSES"
        print(f"worst ratio {worst:.2f}x {verdict} the target of <= {target:g}x")
    return worst
