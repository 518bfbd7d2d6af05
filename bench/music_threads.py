"""Thread settings for 2 cores, one of issue 23's levers: seconds per training step of lesson 04's
recipe and of the MIT lab's model under each setting of TensorFlow's thread pools.

A setting is read when TensorFlow starts, so each one runs in its own process (``--worker``), one at
a time, settings interleaved over ``--passes`` so a slow minute hits them alike. A worker times both
models as ``music_time_to_quality.py --phase time`` does (interleaved blocks, median of rounds).

    .venv/bin/python bench/music_threads.py --json results/bench/music_threads.json
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

SETTINGS = {
    "TensorFlow's default": {},
    "intra-op 2, inter-op 1": {"TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "1"},
    "intra-op 1, inter-op 2": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "2"},
    "intra-op 1, inter-op 1": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"},
    "oneDNN off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}


def worker(rounds, block):
    """Print {"reference": [seconds per step per round], "labkit": [...]} under this process's setting."""
    from labkit import notebooks

    import music_time_to_quality as protocol

    lesson = notebooks.load_definitions(protocol.NOTEBOOK, protocol.LESSON)
    _, times = protocol.measure_step_seconds(lesson, protocol.Corpus(), rounds, block)
    print(json.dumps(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=2, help="times each setting runs, interleaved")
    parser.add_argument("--rounds", type=int, default=2, help="timed blocks per model in one worker")
    parser.add_argument("--block", type=int, default=20, help="training steps per block")
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS),
                        help="the settings to compare; the first is the one ratios are taken to")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.rounds, args.block)
    times = {name: {"reference": [], "labkit": []} for name in args.settings}
    worker_command = [sys.executable, __file__, "--worker", "--rounds", str(args.rounds),
                      "--block", str(args.block)]
    for pass_ in range(args.passes):
        for name in args.settings:
            environment = {**os.environ, **SETTINGS[name], "TF_CPP_MIN_LOG_LEVEL": "3"}
            done = subprocess.run(worker_command, env=environment, capture_output=True, text=True, check=True)
            for model, seconds in json.loads(done.stdout.strip().splitlines()[-1]).items():
                times[name][model] += seconds
            print(f"pass {pass_ + 1}: {name}: " + ", ".join(
                f"{model} {np.median(s):.3f} s" for model, s in times[name].items()), flush=True)
    first = {model: np.median(s) for model, s in times[args.settings[0]].items()}
    print(f"\n{'setting':<24} {'reference':>10} {'labkit':>8} {'labkit / first':>15} "
          f"{'labkit / reference':>19}")
    for name, per_model in times.items():
        reference, labkit = np.median(per_model["reference"]), np.median(per_model["labkit"])
        print(f"{name:<24} {reference:>9.3f}s {labkit:>7.3f}s {labkit / first['labkit']:>15.3f} "
              f"{labkit / reference:>19.3f}")
    if args.json:
        from labkit import files

        report = {"settings": {name: SETTINGS[name] for name in args.settings}, "seconds_per_step": times,
                  "cpu_count": os.cpu_count()}
        files.write_text_atomically(args.json, json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
