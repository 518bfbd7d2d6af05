"""Same work, same clock: lesson 04's LSTM against lesson 07's Transformer on the folk tunes.

Both models are the lessons' own (loaded from their notebooks, not copied): lesson 04's recipe
(384-unit LSTM, windows of 100 characters, batch 128, its optimizer and train_step) and lesson
07's decoder-only Transformer and its recipe (2 blocks of 128, context 512, mostly windows of 128,
Adam 5e-3 after a warm-up). Each trains for ``--seconds`` of training time on this machine, is
scored on all held-out tunes (bits/char, each tune from its first character; the Transformer with
a sliding window past its context) every ``--every`` seconds (the clock stops while scoring), once
per seed.

    .venv/bin/python bench/lstm_vs_transformer.py --seconds 420 --every 60 --seeds 0 1

Prints both curves, each model's best, and the training seconds each model takes to reach the
other's best (interpolated; "not reached" within the budget); writes them to
``results/bench/lstm_vs_transformer.json``.
"""

from labkit import config, files, notebooks, same_clock, text

import argparse
import json
import sys
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

LESSON_04 = ["build_model", "UNITS", "compute_loss", "make_optimizer", "LEARNING_RATE", "make_train_step",
             "BATCH", "LENGTH"]
LESSON_07 = ["causal_mask", "AttentionHeads", "CausalSelfAttention", "DecoderBlock", "D_MODEL",
             "MusicTransformer", "TRANSFORMER_BATCH", "transformer_window_shape", "transformer_optimizer"]
OUT = config.REPO_ROOT / "results" / "bench" / "lstm_vs_transformer.json"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from music_time_to_quality import Corpus  # noqa: E402  (lesson 04's split and vocabulary, as that bench builds them)


def contenders(vocab_size):
    """make_train_step, {name: (model, optimizer, window_shape(step) -> (length, batch), scoring context)}."""
    lesson04 = notebooks.load_definitions("04_music_generation", LESSON_04)
    lesson07 = notebooks.load_definitions("07_transformer_music", LESSON_07)
    lstm = lesson04["build_model"](vocab_size)
    gpt = lesson07["MusicTransformer"](vocab_size)
    context = gpt.positions.input_dim
    lstm_window = (lesson04["LENGTH"], lesson04["BATCH"])
    return lesson04["make_train_step"], {
        "LSTM (lesson 04)": (lstm, lesson04["make_optimizer"](), lambda step: lstm_window, None),
        "Transformer (lesson 07)": (gpt, lesson07["transformer_optimizer"](),
                                    lesson07["transformer_window_shape"], context)}


def race(seed, seconds, every):
    keras.utils.set_random_seed(seed)
    data = Corpus()
    vocab, train_ids, held = data.vocab, data.stream, data.held_out
    make_train_step, models = contenders(len(vocab))
    curves = {}
    for name, (model, optimizer, window_shape, context) in models.items():
        train_step = tf.function(make_train_step(model, optimizer))

        def batches(step, window_shape=window_shape):
            length, batch = window_shape(step)
            return text.next_step_batch(train_ids, length, batch, np.random.default_rng([seed, step]))

        def score(model=model, context=context):
            return text.bits_per_char(lambda ids: model(ids, training=False), held, context=context)

        curves[name] = same_clock.train_and_score(train_step, batches, seconds, score, every,
                                                  desc=f"{name}, seed {seed}")
        characters = sum(np.prod(window_shape(step)) for step in range(1, curves[name][-1].step + 1))
        print(f"{name}: {model.count_params():,} parameters, {curves[name][-1].step} steps, "
              f"{characters / curves[name][-1].seconds:,.0f} characters/s")
    return curves


def report(curves):
    """Each curve, each best, and how long each model takes to reach the other's best."""
    (a, curve_a), (b, curve_b) = curves.items()
    for name, curve in curves.items():
        print(f"{name}: " + "  ".join(f"{p.seconds:.0f} s {p.score:.3f}" for p in curve))
    best = {name: min(p.score for p in curve) for name, curve in curves.items()}
    reach = {f"{a} to {b}'s best": same_clock.seconds_to_reach(curve_a, best[b]),
             f"{b} to {a}'s best": same_clock.seconds_to_reach(curve_b, best[a])}
    for what, seconds in reach.items():
        print(f"{what}: {'not reached' if seconds is None else f'{seconds:.0f} s'}")
    return {"curves": {name: [p._asdict() for p in curve] for name, curve in curves.items()},
            "best": best, "seconds_to_reach": reach}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=360, help="training seconds per model")
    parser.add_argument("--every", type=float, default=60, help="score every this many training seconds")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args(argv)
    runs = {}
    for seed in args.seeds:
        print(f"--- seed {seed}")
        runs[seed] = report(race(seed, args.seconds, args.every))
    files.write_text_atomically(OUT, json.dumps({"seconds": args.seconds, "every": args.every, "environment":
                                             config.describe(), "seeds": runs}, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(config.REPO_ROOT)}")


if __name__ == "__main__":
    main()
