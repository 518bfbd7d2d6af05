"""Shared by the benchmarks: time two contenders in one run, interleaved, and print ratios.

A benchmark supplies two functions ``x -> states`` (the lesson's code and Keras' layer) and
their weights; :func:`forward_and_backward` compiles each into a forward pass and a
forward+backward pass, and :func:`main` times them on one input. Calls are interleaved round
by round so background load hits both alike, and the median of the rounds is reported.
"""

from labkit import config, timing

import argparse
import time

import numpy as np
import tensorflow as tf


def seconds(fn, x):
    """Wall time of one call, waiting for every output tensor."""
    start = time.perf_counter()
    timing.wait(fn(x))
    return time.perf_counter() - start


def forward_and_backward(mine, mine_weights, reference, reference_weights):
    """{"forward": (mine, reference), "forward+backward": (...)} as tf.functions of x."""

    def backward(states, weights):
        def run(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(states(x))
            return tape.gradient(loss, weights)
        return tf.function(run)

    return {"forward": (tf.function(mine), tf.function(reference)),
            "forward+backward": (backward(mine, mine_weights), backward(reference, reference_weights))}


def compare(pairs, x, *, rounds, names, target):
    """Time each ``(mine, reference)`` pair on ``x``; print a table; return the worst ratio."""
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


def main(doc, build, *, input_shape, names, target=None):
    """Command line of a benchmark: ``--rounds``; seeds, builds the pairs, times them."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed calls per contender (median)")
    args = parser.parse_args()
    config.seed_everything(0)
    x = tf.random.normal(input_shape)
    batch, steps, features = input_shape
    print(f"batch {batch}, {steps} steps, {features} inputs; median of {args.rounds} interleaved calls")
    return compare(build(), x, rounds=args.rounds, names=names, target=target)
