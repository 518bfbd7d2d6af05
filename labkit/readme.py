"""The generated parts of README.md and of the site's pages, from the lessons and results/.

Each lesson states its results once, in a ``SUMMARY = \"\"\"...\"\"\"`` cell: Markdown whose
``{metric:format}`` fields name keys of its ``results/<lesson>.json``. The README's lessons table
gives each lesson's title and one headline result (:data:`HEADLINES`, filled the same way). The
exercise table comes from the lessons' solution regions and the self-check after each; the
benchmark history from ``results/bench/*.json``.

README.md holds its parts between markers::

    <!-- generated: lessons -->  ...  <!-- end: lessons -->

``python -m labkit results --readme`` rewrites them and ``tests/test_readme.py`` fails when README.md
and the lessons or results files disagree. The site's pages get theirs when it is built
(:data:`PAGE_PARTS`, :mod:`labkit.docs`).
"""

from labkit import assign, config, notebooks, results
from labkit.files import write_text_atomically

import ast
import json

README = config.REPO_ROOT / "README.md"
FULL_RESULTS = config.REPO_ROOT / "results"
BENCH_RESULTS = FULL_RESULTS / "bench"
BENCH_VALUES_SHOWN = 40  # per file on the history page; the file itself holds the rest
# Each lesson's headline in the README's lessons table: {metric:format} fields of its results file.
HEADLINES = {
    "01": "a phrase at positions never seen in training: RNN {rnn_unseen_position_accuracy:.2f}, fixed "
          "window {window_unseen_position_accuracy:.2f} (chance 0.5)",
    "02": "recall after 200 distractors: LSTM {accuracy_lstm_lag200:.2f}, GRU {accuracy_gru_lag200:.2f}, "
          "SimpleRNN {accuracy_simplernn_lag200:.2f} (chance 0.25)",
    "03": "37k tweets: LSTM ensemble {lstm_ensemble_accuracy:.3f}, bag of words {bow_accuracy:.3f}; same "
          "words, opposite sentiment: LSTM {probe_accuracy_lstm:.2f}, bag of words {probe_accuracy_bow:.2f}",
    "04": "held-out {held_out_bits_per_char:.2f} bits/char; {validity_at_0.5:.0%} of its tunes valid at "
          "temperature 0.5 (the corpus's own {validity_of_held_out_corpus_tunes:.0%})",
    "05": "dates of 61+ characters translated exactly: {attention_exact_match_61+:.2f} with attention, "
          "{no_attention_exact_match_61+:.2f} without",
    "06": "next frame: LSTM {history_network_rmse_cm:.1f} cm, constant velocity "
          "{constant_velocity_rmse_cm:.1f} cm; CO₂ 1–52 weeks ahead: LSTM {co2_lstm_mae:.2f}, "
          "Holt-Winters {co2_holt-winters_mae:.2f} ppm",
    "07": "same clock, held-out bits/char: LSTM {lstm_bits_per_char:.3f}, Transformer "
          "{transformer_bits_per_char:.3f}; key/value cache {cache_speedup:.1f}× faster",
    "08": "exact captions: {attention_exact_match:.3f} with attention, "
          "{no_attention_exact_match:.3f} without",
}
_MARKERS = "<!-- generated: {0} (python -m labkit results --readme; edit the lessons, not this) -->"
_END = "<!-- end: {0} -->"


def lessons():
    """The lessons' paths, in order."""
    return sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def summary_of(lesson):
    """The string literal a lesson assigns to ``SUMMARY`` (a one-line error if there is not one)."""
    found = []
    for cell in notebooks.read(lesson)["cells"]:
        if cell["cell_type"] != "code" or "SUMMARY" not in notebooks.cell_source(cell):
            continue
        for node in ast.parse(notebooks.cell_source(cell)).body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["SUMMARY"]:
                if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                    raise ValueError(f"{lesson.name}: SUMMARY must be a string literal")
                found.append(node.value.value)
    if len(found) != 1:
        raise ValueError(f"{lesson.name}: expected one SUMMARY = \"\"\"...\"\"\" cell, found {len(found)}")
    return found[0]


def title_of(lesson):
    """The lesson's title, from the first line of its first cell (``# Lesson NN — <title>``)."""
    first = notebooks.cell_source(notebooks.read(lesson)["cells"][0]).splitlines()[0]
    return first.lstrip("# ").split(" — ", 1)[-1].strip()


def _metrics(lesson):
    path = FULL_RESULTS / f"{lesson.stem}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{lesson.name}: no full-mode results at {path}; run make results")
    return json.loads(path.read_text(encoding="utf-8"))["metrics"]


def lessons_part(link="notebooks/{stem}.ipynb"):
    """The lessons table: each lesson (linked by ``link``), its title and its headline result."""
    rows = ["| lesson | you build | headline result (full mode) |", "|---|---|---|"]
    for lesson in lessons():
        number = lesson.stem[:2]
        if number not in HEADLINES:
            raise ValueError(f"{lesson.name}: expected a headline in labkit.readme.HEADLINES")
        headline = results.render(HEADLINES[number], _metrics(lesson), strict=True)
        where = link.format(stem=lesson.stem)
        rows.append(f"| [`{lesson.stem}`]({where}) | {title_of(lesson)} | {headline} |")
    return "\n".join(rows)


def results_part():
    """Every lesson's SUMMARY filled with its committed full-mode results."""
    parts = []
    for lesson in lessons():
        filled = results.render(summary_of(lesson), _metrics(lesson), strict=True)
        name = f"results/{lesson.stem}.json"
        parts.append(f"**Lesson {lesson.stem[:2]}** ([`{name}`]({name})): {title_of(lesson)}\n\n{filled}")
    return "\n\n".join(parts)


def exercise_rows(lesson):
    """(number, what the student writes, what its self-check checks, points) for each exercise."""
    from labkit.checks import REGISTRY
    from labkit.grading import release

    notebook, rows = notebooks.read(lesson), []
    for exercise in assign.exercises(notebook, lesson.name):
        check = REGISTRY[release.check_of(notebook, exercise, lesson.name).key]
        doc = " ".join(check.doc.split()).removeprefix(f"Lesson {lesson.stem[:2]}: ")
        rows.append((exercise.number, check.name, doc, exercise.points))
    return rows


def exercises_part():
    """One row per exercise: lesson, number, what the student writes, what its self-check checks."""
    rows = ["| lesson | exercise | you write | what its self-check checks | points |",
            "|---|---|---|---|---|"]
    for lesson in lessons():
        rows += [f"| {lesson.stem[:2]} | {number} | `{name}` | {doc} | {points:g} |"
                 for number, name, doc, points in exercise_rows(lesson)]
    return "\n".join(rows)


def _leaves(value, path=()):
    """(path, value) for every number, flag or short text in a JSON value, depth first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list) and value and all(isinstance(item, (int, float)) for item in value):
        yield path, ", ".join(f"{item:.4g}" for item in value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, str(index)))
    elif isinstance(value, float):
        yield path, f"{value:.4g}"
    elif value is None or (isinstance(value, str) and len(value) > 80):
        return
    else:
        yield path, str(value)


def bench_history_part():
    """Every file in results/bench/: each benchmark's current run, then its earlier runs and variants
    (``NAME-VARIANT.json``), with the values it recorded (the :data:`BENCH_VALUES_SHOWN` least nested)."""
    runs = {}
    for path in sorted(BENCH_RESULTS.glob("*.json")):
        runs.setdefault(path.stem.split("-", 1)[0], []).append(path)
    sections = []
    for name, paths in runs.items():
        lines = [f"### `{name}`"]
        for path in sorted(paths, key=lambda p: (p.stem != name, p.stem)):
            leaves = _leaves(json.loads(path.read_text(encoding="utf-8")))
            leaves = sorted(leaves, key=lambda leaf: len(leaf[0]))  # the summaries first
            variant = path.stem[len(name) + 1:]
            what = f"earlier run or variant: {variant}" if variant else "current run"
            tables = path.with_suffix(".md")
            also = f", its tables: [`{tables.name}`](results/bench/{tables.name})" if tables.is_file() else ""
            lines += ["", f"**{what}** ([`{path.name}`](results/bench/{path.name}){also}), "
                      f"{len(leaves)} values:", "", "| value | recorded |", "|---|---|"]
            lines += [f"| {' › '.join(key).replace('|', '/')} | {text.replace('|', '/')} |"
                      for key, text in leaves[:BENCH_VALUES_SHOWN]]
            if len(leaves) > BENCH_VALUES_SHOWN:
                lines.append(f"| … | {len(leaves) - BENCH_VALUES_SHOWN} more in the file |")
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


PARTS = {"lessons": lessons_part}  # README.md's
PAGE_PARTS = {"results": results_part, "exercises": exercises_part, "bench-history": bench_history_part}


def _span(text, part):
    begin, end = _MARKERS.format(part), _END.format(part)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"README.md: expected the markers {begin!r} ... {end!r}")
    return start + len(begin), stop


def generated(text=None):
    """README.md's text with every generated part rewritten."""
    text = README.read_text(encoding="utf-8") if text is None else text
    for part, make in PARTS.items():
        start, stop = _span(text, part)
        text = f"{text[:start]}\n{make()}\n{text[stop:]}"
    return text


def stale(text=None):
    """The names of the generated parts that README.md's text does not match."""
    return _compare(README.read_text(encoding="utf-8") if text is None else text)[0]


def _compare(text):
    """(names of the parts that differ, the text with every part generated)."""
    fresh = generated(text)
    return [part for part in PARTS if _slice(text, part) != _slice(fresh, part)], fresh


def _slice(text, part):
    start, stop = _span(text, part)
    return text[start:stop]


def rewrite():
    """Rewrite README.md's generated parts; return the names of those that changed."""
    changed, fresh = _compare(README.read_text(encoding="utf-8"))
    if changed:
        write_text_atomically(README, fresh)
    return changed

