"""Time to quality for lesson 04's music model: labkit's recipe vs the MIT lab's, on a protocol
that survives a noisy shared machine.

Both train on lesson 04's training tunes and are scored on its held-out O'Neill tunes (each read
from its first character, as generation starts) in bits per character. The reference is the MIT
6.S191 music lab's configuration in Keras 3: Embedding 256, stateful LSTM 1024, batch 8, sequence
100, Adam 5e-3. Its state is carried from batch to batch and never reset, so it is also scored the
way it trains (the held-out tunes as 32 continuous streams, state carried across windows) and its
score is the better of the two. labkit's recipe is lesson 04's (loaded from the notebook).

Protocol (quality and speed measured apart):

1. ``time``: seconds per training step of each model, from interleaved blocks of steps (median of
   rounds), so a slow minute on a shared machine hurts both alike. The budget in seconds becomes a
   number of steps per model; the recipe's learning-rate schedule is fitted to its steps.
2. ``train``: each model from fixed seeds (the reference one, the recipe ``--seeds``), weights saved
   on a fixed step schedule. Resumable: run it again after an interruption. Independent runs may go
   in parallel (``--contender``, ``--seed``); their speed does not enter the result.
3. ``score``: every saved weights file scored afterwards.
4. ``report``: time axis = steps x median step time. The reference's quality is the median of its
   last three scores; a recipe seed's crossing time is interpolated between the scores either side;
   the recipe passes on the median over seeds. The raw wall-clock curve of each run is printed
   while it trains and kept in the report.

    .venv/bin/python bench/music_time_to_quality.py                       # all phases, 1500 s, 3 seeds
    .venv/bin/python bench/music_time_to_quality.py --quick               # 300 s, 1 seed: a sanity run
    .venv/bin/python bench/music_time_to_quality.py --phase train --contender labkit --seed 1
"""

from labkit import config, files, music, notebooks, same_clock, text

import argparse
import json
import math
import shutil
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

NOTEBOOK = config.NOTEBOOKS_DIR / "04_music_generation.ipynb"
LESSON = ["SEED", "SCHEDULE_STEPS", "BATCH", "LENGTH", "UNITS", "build_model", "compute_loss",
          "make_optimizer", "make_train_step", "batch_at", "make_batches"]
STREAMS, REFERENCE_SEED = 32, 0
TARGETS = {"ratio": 0.11, "bits_at_budget": 1.46, "seed_spread": 0.02}


class Corpus:
    """Lesson 04's split: O'Neill's tunes minus every 10th plus Ryan's to train on; every 10th held out.
    ``stream``: the training tunes joined (the reference's random windows); ``tunes``: one id array per
    training tune with its blank line (the recipe's consecutive windows); ``held_out``: one per tune."""

    def __init__(self):
        train_tunes, held_tunes = music.held_out(music.load_corpus(["oneills1850"]))
        train_tunes += music.load_corpus(["ryansMammoth"])
        self.vocab = text.Vocabulary.build("\n".join(train_tunes), specials=(text.UNK,))
        self.stream = self.vocab.encode("\n".join(train_tunes))  # (n_train_chars,)
        self.tunes = [self.vocab.encode(tune + "\n") for tune in train_tunes]
        self.held_out = [self.vocab.encode(tune) for tune in held_tunes]


def reference_model(vocab_size, batch_size=None, stateful=False):
    """The MIT lab's model: Embedding 256 -> LSTM 1024 -> Dense, logits (batch, time, vocab)."""
    return keras.Sequential([
        keras.Input((None,), batch_size=batch_size, dtype="int32"),
        keras.layers.Embedding(vocab_size, 256),
        keras.layers.LSTM(1024, return_sequences=True, stateful=stateful,
                          recurrent_initializer="glorot_uniform"),
        keras.layers.Dense(vocab_size),
    ])


def contender(name, lesson, data, seed, total_steps):
    """(model, optimizer, train_step, batch_at(step)) of ``name``, built right after seeding."""
    keras.utils.set_random_seed(seed)
    vocab_size = len(data.vocab)
    if name == "reference":
        model, optimizer = reference_model(vocab_size, 8, stateful=True), keras.optimizers.Adam(5e-3)

        def batch_at(step):  # the lab's get_batch: 8 random windows of 100 characters
            return text.next_step_batch(data.stream, 100, 8, np.random.default_rng([seed, step]))

        train_step = lesson["make_train_step"](model, optimizer)  # the same step: loss, tape, apply
    else:
        lesson["batch_at"].__globals__["SEED"] = seed  # each seed its own order of the tunes, too
        model = lesson["build_model"](vocab_size, lesson["BATCH"])  # stateful: rows go on from step to step
        optimizer = lesson["make_optimizer"](total_steps)
        train_step = lesson["make_train_step"](model, optimizer)
        batch_at = lesson["make_batches"](model, data.tunes)  # its state set to zero every RESET_EVERY steps
    optimizer.build(model.trainable_variables)
    return model, optimizer, tf.function(train_step), batch_at


def measure_step_seconds(lesson, data, rounds, block):
    """Median seconds per step of each contender over ``rounds`` interleaved blocks of ``block`` steps."""
    built = {name: contender(name, lesson, data, 0, 3000) for name in ("reference", "labkit")}
    times = {name: [] for name in built}
    for round_ in range(rounds + 1):  # round 0 compiles and warms up; not counted
        for name, (_, _, train_step, batch_at) in built.items():
            batches = [batch_at(step) for step in range(1, block + 1)]
            start = time.perf_counter()
            for x, y in batches:
                float(train_step(x, y))
            if round_:
                times[name].append((time.perf_counter() - start) / block)
    return {name: float(np.median(t)) for name, t in times.items()}, times


def snapshot_steps(total_steps, n_early):
    """Steps whose weights are saved: dense early (where the crossing lies), then every 5% of the run."""
    early = np.linspace(0, total_steps * 0.3, n_early + 1)[1:]
    late = np.linspace(total_steps * 0.3, total_steps, 15)[1:]
    return sorted({int(round(s)) for s in np.concatenate([early, late])})


def train(run_dir, name, lesson, data, seed, total_steps, schedule):
    """Train ``name`` from ``seed`` to ``total_steps``, saving weights at ``schedule``; resumes."""
    from labkit import checkpoints

    resume, weights = run_dir / "resume", run_dir / "weights"
    weights.mkdir(parents=True, exist_ok=True)
    model, optimizer, train_step, batch_at = contender(name, lesson, data, seed, total_steps)
    state = {"step": 0, "losses": [], "seconds": 0.0, "wall": {}}
    if checkpoints.latest(resume) is not None:
        state = checkpoints.restore(checkpoints.latest(resume), model, optimizer)
    started = time.perf_counter() - state["seconds"]
    while state["step"] < total_steps:
        state["step"] += 1
        state["losses"].append(float(train_step(*batch_at(state["step"]))))
        if state["step"] in schedule or state["step"] == total_steps:
            state["seconds"] = time.perf_counter() - started
            state["wall"][str(state["step"])] = state["seconds"]
            saved = checkpoints.save(resume, model, optimizer, state)
            staging = weights / ".writing.weights.h5"
            shutil.copy(saved / "model.weights.h5", staging)
            staging.replace(weights / f"step-{state['step']:06d}.weights.h5")
            print(f"{run_dir.name}: step {state['step']:5d}/{total_steps}, {state['seconds']:6.0f} s wall, "
                  f"loss {np.mean(state['losses'][-20:]):.3f}", flush=True)
    return state


def wall_clock(run_dir):
    """{step: training seconds on the wall clock} of a run, as it went (other runs in parallel slow it)."""
    from labkit import checkpoints

    latest = checkpoints.latest(run_dir / "resume")
    wall = json.loads((latest / "state.json").read_text())["wall"] if latest else {}
    return {int(step): seconds for step, seconds in wall.items()}


def streamed_bits_per_char(stateful_logits_fn, held_ids, window=100):
    """Bits/char of the held-out tunes joined into STREAMS continuous streams, read in windows by a
    stateful model that carries its state from one window to the next."""
    joined = np.concatenate(held_ids)
    length = (len(joined) - 1) // STREAMS
    streams = joined[: STREAMS * length + 1]
    x, y = streams[:-1].reshape(STREAMS, length), streams[1:].reshape(STREAMS, length)  # (STREAMS, length)
    nats = 0.0
    for start in range(0, length, window):
        logits = stateful_logits_fn(x[:, start : start + window])  # (STREAMS, window, vocab)
        nats += float(tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(
            y[:, start : start + window], logits, from_logits=True)))
    return nats / (STREAMS * length) / math.log(2)


def score(run_dir, name, lesson, vocab_size, held_ids):
    """{step: bits/char} of every saved weights file of a run (cached in scores.json)."""
    path = run_dir / "scores.json"
    scores = json.loads(path.read_text()) if path.exists() else {}
    model = reference_model(vocab_size) if name == "reference" else lesson["build_model"](vocab_size)
    streamer = reference_model(vocab_size, STREAMS, stateful=True) if name == "reference" else None
    logits_fn = tf.function(lambda x: model(x, training=False))
    streamed_fn = tf.function(lambda x: streamer(x, training=False)) if streamer is not None else None
    for weights in sorted((run_dir / "weights").glob("step-*.weights.h5")):
        step = str(int(weights.name[5:11]))
        if step in scores:
            continue
        model.load_weights(weights)
        bits = text.bits_per_char(logits_fn, held_ids)
        if streamer is not None:
            streamer.load_weights(weights)
            streamer.layers[1].reset_state()
            bits = min(bits, streamed_bits_per_char(streamed_fn, held_ids))
        scores[step] = bits
        files.write_text_atomically(path, json.dumps(scores, indent=1))
        print(f"{run_dir.name}: step {step:>5} held-out {bits:.3f} bits/char", flush=True)
    return {int(step): bits for step, bits in scores.items()}


def report(runs, step_seconds, budget):
    """The numbers the issue asks for, from the scored runs: {"reference": ..., "labkit": ...}."""
    curves = {key: [(step * step_seconds[key.split("/")[0]], bits) for step, bits in sorted(scores.items())]
              for key, scores in runs.items()}
    reference_quality = float(np.median([bits for _, bits in curves["reference/seed-0"][-3:]]))
    seeds = {}
    for key, curve in curves.items():
        if key.startswith("labkit"):
            reached = same_clock.seconds_to_reach([same_clock.Point(t, 0, bits) for t, bits in curve],
                                                  reference_quality)
            seeds[key] = {"seconds_to_reference_quality": reached,
                          "ratio": None if reached is None else reached / budget,
                          "bits_at_budget": float(np.interp(budget, *zip(*curve)))}
    ratios = [s["ratio"] if s["ratio"] is not None else math.inf for s in seeds.values()]
    at_budget = [s["bits_at_budget"] for s in seeds.values()]
    summary = {"reference_quality": reference_quality, "median_ratio": float(np.median(ratios)),
               "median_bits_at_budget": float(np.median(at_budget)),
               "seed_spread": float(max(at_budget) - np.median(at_budget))}
    summary["targets_met"] = {"ratio": summary["median_ratio"] <= TARGETS["ratio"],
                              "bits_at_budget": summary["median_bits_at_budget"] <= TARGETS["bits_at_budget"],
                              "seed_spread": summary["seed_spread"] <= TARGETS["seed_spread"]}
    return {"curves_seconds_bits": curves, "per_seed": seeds, **summary}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=float, default=1500, help="training seconds per model")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="the recipe's seeds")
    parser.add_argument("--quick", action="store_true", help="a sanity run: 300 s, seed 0, 3 timing rounds")
    parser.add_argument("--phase", choices=["time", "train", "score", "report", "all"], default="all")
    parser.add_argument("--contender", choices=["reference", "labkit"], help="train/score only this one")
    parser.add_argument("--seed", type=int, help="train/score only this recipe seed")
    parser.add_argument("--out", type=Path, help="runs, weights and scores (default build/bench/...)")
    parser.add_argument("--json", type=Path, help="write the report here")
    args = parser.parse_args()
    if args.quick:
        args.budget, args.seeds = 300, [0]
    out = args.out or config.REPO_ROOT / "build" / "bench" / f"music_time_to_quality-{args.budget:.0f}s"
    out.mkdir(parents=True, exist_ok=True)
    lesson = notebooks.load_definitions(NOTEBOOK, LESSON)
    data = Corpus()
    print(f"train {len(data.stream):,} chars, held-out {sum(map(len, data.held_out)):,}, "
          f"vocabulary {len(data.vocab)}; "
          f"budget {args.budget:.0f} s each", flush=True)

    timing_path = out / "step_seconds.json"
    if args.phase in ("time", "all") and not timing_path.exists():
        rounds = 3 if args.quick else 7
        medians, rounds = measure_step_seconds(lesson, data, rounds, block=10)
        files.write_text_atomically(timing_path, json.dumps({"median": medians, "rounds": rounds}, indent=1))
    if not timing_path.exists():
        raise SystemExit(f"{timing_path} is missing: run --phase time first (on a quiet machine)")
    step_seconds = json.loads(timing_path.read_text())["median"]
    steps = {name: math.ceil(args.budget / seconds) for name, seconds in step_seconds.items()}
    print("seconds per step:", {k: round(v, 4) for k, v in step_seconds.items()}, "; steps in budget:", steps)

    with_reference = args.contender in (None, "reference") and args.seed is None
    wanted = [("reference", REFERENCE_SEED)] if with_reference else []
    if args.contender in (None, "labkit"):
        wanted += [("labkit", seed) for seed in (args.seeds if args.seed is None else [args.seed])]
    runs, walls = {}, {}
    for name, seed in wanted:
        run_dir = out / name / f"seed-{seed}"
        schedule = snapshot_steps(steps[name], n_early=24 if name == "labkit" else 6)
        if args.phase in ("train", "all"):
            state = train(run_dir, name, lesson, data, seed, steps[name], schedule)
            print(f"{name} seed {seed} wall-clock curve (s): " + ", ".join(
                f"{int(step)}:{seconds:.0f}" for step, seconds in state["wall"].items()))
        if args.phase in ("score", "report", "all"):
            scores = score(run_dir, name, lesson, len(data.vocab), data.held_out)
            runs[f"{name}/seed-{seed}"] = {step: bits for step, bits in scores.items() if step <= steps[name]}
            walls[f"{name}/seed-{seed}"] = wall_clock(run_dir)
    if args.phase in ("report", "all"):
        result = {"budget_seconds": args.budget, "step_seconds": step_seconds, "steps": steps,
                  "targets": TARGETS, **report(runs, step_seconds, args.budget), "wall_clock_seconds": walls}
        for key in ("reference_quality", "median_ratio", "median_bits_at_budget", "seed_spread"):
            print(f"{key}: {result[key]:.3f}")
        print("targets met:", result["targets_met"])
        for key, seed in result["per_seed"].items():
            print(key, {k: None if v is None else round(v, 3) for k, v in seed.items()})
        if args.json:
            files.write_text_atomically(args.json, json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
