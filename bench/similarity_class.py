"""Copying among students: ``labkit.course.similarity`` on a synthetic class of lesson 05, beside the
alternatives (issue 37, item 4).

    .venv/bin/python bench/similarity_class.py [--students 300] [--seed 0] [--out results/bench/similarity]

The class. Each exercise of lesson 05 has two independent correct answers: the lesson's own
solution and :data:`INDEPENDENT`, written apart from it as a second student would (it passes the
lesson's self-checks: ``tests/test_course_similarity.py``). An honest student takes one of the two
per exercise, rewrites some of its statements as :data:`STYLES` lists (each rewrite with chance
1/2), and writes it in their own names and statement order (:func:`disguise`). A copier takes
another student's answers and only disguises them: every name the answer binds renamed, the
statements shuffled where no statement depends on another's result, comments dropped and the code
reformatted. The class has ``--students`` submissions with 10 such copies of whole notebooks and
5 of two exercises only, the rest honest, plus 3 untouched student versions.

Contenders, each on every pair and exercise, the lesson's given code as boilerplate where it takes
some: ``labkit.course.similarity`` (``ours``); copydetect 0.5 (its ``CodeFingerprint`` and
``compare_files``: winnowing over pygments tokens, names as ``V``); difflib's ``SequenceMatcher``
ratio over our normalised tokens (order-sensitive); pycode_similar 1.4 (normalised AST, difflib,
whole functions). copydetect and pycode_similar are measured when installed
(``.venv/bin/pip install copydetect pycode_similar``); labkit does not need them.

Writes ``<out>.json`` and ``<out>.md``: per contender, the seconds for the whole class, and how the
planted copies rank among all pairs.
"""

import ast
import random

# The second student's answer to each exercise of lesson 05: region lines at the lesson's indentation.
INDEPENDENT = {
    1: """\
        projected = ops.matmul(encoder_states, ops.transpose(self.w))  # h W^T for every source step
        logits = ops.matmul(decoder_states, ops.transpose(projected, (0, 2, 1)))
        hidden = ops.logical_not(ops.expand_dims(source_mask, 1))
        logits = logits - 1e9 * ops.cast(hidden, logits.dtype)
        weights = ops.softmax(logits)
        context = ops.matmul(weights, encoder_states)""",
    2: """\
    depth = ops.shape(q)[-1]
    q = q / ops.sqrt(ops.cast(depth, q.dtype))
    logits = ops.matmul(q, ops.swapaxes(k, -2, -1))
    if mask is not None:
        logits = logits + (1.0 - ops.cast(mask, logits.dtype)) * -1e9
    weights = ops.softmax(logits)
    output = ops.matmul(weights, v)""",
    3: """\
        def heads_of(kernel, bias):
            return self.split_heads(ops.add(ops.matmul(x, kernel), bias))

        queries = heads_of(self.w_query, self.b_query)
        keys = heads_of(self.w_key, self.b_key)
        values = heads_of(self.w_value, self.b_value)
        attended, weights = scaled_dot_product_attention(queries, keys, values, mask=mask)
        attended = ops.transpose(attended, (0, 2, 1, 3))
        attended = ops.reshape(attended, (batch, length, self.num_heads * self.key_dim))
        output = ops.add(ops.matmul(attended, self.w_output), self.b_output)""",
    4: """\
    encoding = np.empty((length, depth), dtype=np.float32)
    for position in range(length):
        for i in range(0, depth, 2):
            angle = position / np.power(10000.0, i / depth)
            encoding[position, i] = np.sin(angle)
            if i + 1 < depth:
                encoding[position, i + 1] = np.cos(angle)""",
    5: """\
        context, _ = self.attention(x, attention_mask=attention_mask)
        context = self.drop_attention(context, training=training)
        hidden = self.norm_attention(ops.add(x, context))
        expanded = self.drop_feed_forward(self.feed_forward(hidden), training=training)
        x = self.norm_feed_forward(ops.add(hidden, expanded))""",
}

# Rewrites an honest student may make, each the same computation: (text in one of the two answers, instead).
STYLES = {
    1: [("source_mask[:, None, :]", "ops.expand_dims(source_mask, 1)"),
        ("ops.softmax(scores, axis=-1)", "ops.softmax(scores)"),
        ('ops.einsum("bqk,bku->bqu", weights, encoder_states)', "ops.matmul(weights, encoder_states)"),
        ('ops.einsum("bqu,uv,bkv->bqk", decoder_states, self.w, encoder_states)',
         "ops.matmul(ops.matmul(decoder_states, self.w), ops.swapaxes(encoder_states, 1, 2))"),
        ("ops.transpose(projected, (0, 2, 1))", "ops.swapaxes(projected, 1, 2)"),
        ("ops.matmul(encoder_states, ops.transpose(self.w))",
         'ops.einsum("bkv,uv->bku", encoder_states, self.w)'),
        ("ops.logical_not(ops.expand_dims(source_mask, 1))", "~ops.expand_dims(source_mask, 1)"),
        ("1e9", "1e30")],
    2: [("/ ops.sqrt(d_k)", "/ d_k ** 0.5"),
        ("ops.cast(ops.shape(k)[-1], q.dtype)", 'ops.cast(ops.shape(q)[-1], "float32")'),
        ("ops.softmax(scores, axis=-1)", "ops.softmax(scores)"),
        ("ops.softmax(logits)", "ops.softmax(logits, axis=-1)"),
        ("ops.swapaxes(k, -1, -2)", "ops.swapaxes(k, -2, -1)"),
        ("depth = ops.shape(q)[-1]", "depth = q.shape[-1]"),
        ("ops.matmul(weights, v)", 'ops.einsum("...qk,...kd->...qd", weights, v)'),
        ("1e9", "1e30")],
    3: [("(batch, length, -1)", "(batch, length, self.num_heads * self.key_dim)"),
        ("ops.matmul(merged, self.w_output) + self.b_output",
         "ops.add(ops.matmul(merged, self.w_output), self.b_output)"),
        ("ops.matmul(x, self.w_query)", "x @ self.w_query"),
        ("ops.matmul(x, self.w_key)", "x @ self.w_key"),
        ("ops.matmul(x, self.w_value)", "x @ self.w_value"),
        ("scaled_dot_product_attention(q, k, v, mask)", "scaled_dot_product_attention(q, k, v, mask=mask)"),
        ("values, mask=mask)", "values, mask)"),
        ("(batch, length, self.num_heads * self.key_dim))", "(batch, length, -1))")],
    4: [("1.0 / 10000 ** (np.arange(0, depth, 2) / depth)",
         "np.exp(-np.log(10000.0) * np.arange(0, depth, 2) / depth)"),
        ("np.arange(length)[:, None]", "np.arange(length).reshape(-1, 1)"),
        ("np.zeros((length, depth)", "np.empty((length, depth)"),
        ('dtype="float32"', "dtype=np.float32"),
        ("position / np.power(10000.0, i / depth)", "position * np.power(10000.0, -i / depth)"),
        ("np.power(10000.0, i / depth)", "10000 ** (i / depth)"),
        ("dtype=np.float32", 'dtype="float32"')],
    5: [("attended, _ = self.attention(x, attention_mask=attention_mask)",
         "attended = self.attention(x, attention_mask=attention_mask)[0]"),
        ("self.feed_forward(x)", "self.feed_forward(x, training=training)"),
        ("self.drop_attention(context, training=training)", "self.drop_attention(context, training)"),
        ("ops.add(x, context)", "x + context"),
        ("ops.add(hidden, expanded)", "hidden + expanded"),
        ("x = self.norm_attention(x + self.drop_attention(attended, training=training))",
         "x = self.norm_attention(ops.add(x, self.drop_attention(attended, training=training)))")],
}


def _names(node, ctx):
    """The names ``node`` reads (``ast.Load``) or writes (``ast.Store``: also ``a`` in ``a[i] = ...``)."""
    found = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}
    if ctx is ast.Store:
        targets = [t for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.AugAssign)) for t in
                   (n.targets if isinstance(n, ast.Assign) else [n.target])]
        found |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        found |= {node.name} if isinstance(node, ast.FunctionDef) else set()
    return found


def _shuffled(statements, rng, tries=20):
    """``statements`` in a random order that keeps each after every statement it depends on, not
    their own order where ``tries`` random orders find another."""
    reads = [_names(s, ast.Load) for s in statements]
    writes = [_names(s, ast.Store) for s in statements]
    after = {j: {i for i in range(j) if writes[i] & (reads[j] | writes[j]) or reads[i] & writes[j]}
             for j in range(len(statements))}
    for _ in range(tries):
        order = []
        while len(order) < len(statements):
            ready = [j for j in range(len(statements)) if j not in order and after[j] <= set(order)]
            order.append(rng.choice(ready))
        if order != sorted(order):
            break
    return [statements[j] for j in order]


class _Renamer(ast.NodeTransformer):
    def __init__(self, renamed):
        self.renamed = renamed

    def visit_Name(self, node):
        node.id = self.renamed.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.renamed.get(node.arg, node.arg)
        return node

    def visit_FunctionDef(self, node):
        node.name = self.renamed.get(node.name, node.name)
        return self.generic_visit(node)


def disguise(region, keep, rng):
    """``region`` (lines) rewritten by someone hiding a copy: every name it binds, but those in
    ``keep`` (the cell around it reads them), renamed; statements shuffled where independent;
    comments dropped, the code reformatted; at the region's indentation."""
    indent = region[0][: len(region[0]) - len(region[0].lstrip())]
    tree = ast.parse("\n".join(line[len(indent):] for line in region))
    bound = set().union(*(_names(s, ast.Store) for s in tree.body), *(
        {a.arg for a in ast.walk(s) if isinstance(a, ast.arg)} for s in tree.body)) - keep
    renamed = {name: f"{rng.choice(['t', 'tmp', 'val', 'my'])}_{i}" for i, name in enumerate(sorted(bound))}
    tree = _Renamer(renamed).visit(tree)
    tree.body = _shuffled(tree.body, rng)
    return [indent + line for line in ast.unparse(tree).split("\n")]


def lesson_answers(lesson, student):
    """({exercise: (the lesson's solution, INDEPENDENT's) as region lines}, {exercise: the names the
    student version's cell holds around the region}) for lesson 05 and its student version."""
    from labkit import assign, notebooks

    answers, keep = {}, {}
    for exercise in assign.exercises(lesson):
        answers[exercise.number] = ([list(r.lines) for r in exercise.regions],
                                    [INDEPENDENT[exercise.number].split("\n")])
        around = next(notebooks.cell_source(c) for c in student["cells"]
                      if c.get("metadata", {}).get("labkit", {}).get("exercise") == exercise.number)
        keep[exercise.number] = {n.id for n in ast.walk(ast.parse(around)) if isinstance(n, ast.Name)}
    return answers, keep


def honest(answers, keep, rng):
    """A student's own answers: per exercise one of the two, some STYLES rewrites, own names and order."""
    written = {}
    for number, choices in answers.items():
        regions = rng.choice(choices)
        text = "\n".join("\n".join(region) for region in regions)
        for old, new in STYLES[number]:
            if old in text and rng.random() < 0.5:
                regions = [[line.replace(old, new) for line in region] for region in regions]
        written[number] = [disguise(region, keep[number], rng) for region in regions]
    return written


def copied(original, keep, rng, exercises=None):
    """A copy of ``original``'s answers (all, or ``exercises``), disguised."""
    return {number: [disguise(region, keep[number], rng) for region in regions]
            for number, regions in original.items() if exercises is None or number in exercises}


def synthetic_class(lesson, student, students, seed=0):
    """({student: {exercise: region lines}}, [(copier, original, exercises copied)]): ``students``
    submissions, 10 whole copies and 5 copies of two exercises among them, and 3 untouched."""
    rng = random.Random(seed)
    answers, keep = lesson_answers(lesson, student)
    names = [f"s{i:03d}" for i in range(students)]
    work = {name: honest(answers, keep, rng) for name in names[: students - 18]}
    work.update({name: {} for name in names[students - 3:]})  # untouched
    planted = []
    for i, name in enumerate(names[students - 18 : students - 3]):
        original = names[i * 7]
        exercises = None if i < 10 else set(rng.sample(sorted(answers), 2))
        own = honest(answers, keep, rng)
        work[name] = {**own, **copied(work[original], keep, rng, exercises)}
        planted.append((name, original, sorted(exercises or answers)))
    return work, planted


def small_class(lesson, student, seed=0):
    """The test's class, {student: {exercise: region lines}}: ``ann`` the lesson's solution, ``ben``
    a disguised copy of it, ``cat`` INDEPENDENT's answers, ``eve`` and ``fay`` untouched."""
    answers, keep = lesson_answers(lesson, student)
    ann = {number: choices[0] for number, choices in answers.items()}
    return {"ann": ann, "ben": copied(ann, keep, random.Random(seed)),
            "cat": {number: choices[1] for number, choices in answers.items()}, "eve": {}, "fay": {}}


def write_class(folder, work, student):
    """Each student's notebook, ``folder/<student>/05_attention.ipynb``: the student version, answered."""
    from labkit import assign, notebooks

    for name, answers in work.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        notebook = assign.with_answers(student, answers)
        (folder / name / "05_attention.ipynb").write_text(notebooks.dumps(notebook))


def _texts(codes):
    """{student: {exercise: the answer's written lines (no comment, no stub), dedented}} from
    similarity.read_class's codes."""
    from labkit import assign

    import textwrap

    return {s: {n: textwrap.dedent("\n".join(line for line in code.lines if assign.is_written(line)))
                for n, code in answers.items()} for s, answers in codes.items()}


def _pairs(students):
    return [(a, b) for i, a in enumerate(students) for b in students[i + 1:]]


def by_copydetect(codes, given):
    """{(a, b): score}: copydetect's CodeFingerprint per answer (defaults: k=25, window 4), the
    given code's k-grams as boilerplate; per exercise the mean of the two sides' shares, then the
    mean over exercises."""
    import io

    import numpy as np
    from copydetect.detector import CodeFingerprint, compare_files

    boilerplate = np.unique(np.array(list(CodeFingerprint("given.py", 25, 1, fp=io.StringIO(given)).hashes)))
    texts = _texts(codes)
    students = sorted(texts)
    numbers = sorted(texts[students[0]])
    prints = {(s, n): CodeFingerprint(f"{s}.py", 25, 4, boilerplate, fp=io.StringIO(texts[s][n]))
              for s in students for n in numbers}
    scores = {}
    for a, b in _pairs(students):
        total = 0.0
        for n in numbers:
            _, (first, second), _ = compare_files(prints[a, n], prints[b, n])
            total += (first + second) / 2
        scores[a, b] = total / len(numbers)
    return scores


def by_difflib(codes):
    """{(a, b): score}: difflib's SequenceMatcher ratio of the two answers' normalised tokens in
    order (labkit.course.similarity's normalisation), mean over exercises; no boilerplate removed."""
    from labkit.course import similarity

    import difflib

    texts = _texts(codes)
    students = sorted(texts)
    numbers = sorted(texts[students[0]])
    tokens = {(s, n): [t for statement, _ in similarity._statements(texts[s][n]) for t in statement]
              for s in students for n in numbers}
    return {(a, b): sum(difflib.SequenceMatcher(None, tokens[a, n], tokens[b, n], autojunk=False).ratio()
                        for n in numbers) / len(numbers) for a, b in _pairs(students)}


def by_pycode_similar(codes):
    """{(a, b): score}: pycode_similar's normalised AST lines of each answer (wrapped in a function)
    and its UnifiedDiff, a as the reference: 1 - changed lines / a's lines, mean over exercises."""
    import textwrap

    import pycode_similar as ps

    texts = _texts(codes)
    students = sorted(texts)
    numbers = sorted(texts[students[0]])
    info = {}
    for s in students:
        for n in numbers:
            source = "def answer():\n" + textwrap.indent(texts[s][n] or "pass", "    ")
            try:
                collector = ps.FuncNodeCollector()
                collector.visit(ast.parse(source))
                info[s, n] = ps.FuncInfo(collector.get_function_nodes()[0], source.splitlines(True))
            except SyntaxError:
                info[s, n] = None
    scores = {}
    for a, b in _pairs(students):
        total = 0.0
        for n in numbers:
            if info[a, n] is not None and info[b, n] is not None:
                changed = ps.UnifiedDiff.diff(info[a, n], info[b, n])
                total += 1 - changed / max(ps.UnifiedDiff.total(info[a, n], None), 1)
        scores[a, b] = total / len(numbers)
    return scores


def by_ours(codes):
    """{(a, b): score}: labkit.course.similarity's overall score."""
    from labkit.course import similarity

    pairs, _ = similarity.rank(codes, top=None)
    return {tuple(p["students"]): p["score"] for p in pairs}


def _quality(scores, planted, untouched):
    """How the planted copies rank among all pairs (rank 1 = the highest; ties count in their favour)."""
    ordered = sorted(scores.values(), reverse=True)

    def rank_of(pair):
        score = scores[tuple(sorted(pair))]
        return 1 + sum(1 for s in ordered if s > score), score

    whole = [rank_of((a, b)) for a, b, ex in planted if len(ex) == 5]
    partial = sorted(int(rank_of((a, b))[0]) for a, b, ex in planted if len(ex) < 5)
    copies = {tuple(sorted((a, b))) for a, b, _ in planted}
    honest = [s for pair, s in scores.items() if pair not in copies and not set(pair) & untouched]
    lowest = min(score for _, score in whole)
    return {"whole_copies_worst_rank": int(max(r for r, _ in whole)),
            "whole_copies_lowest_score": round(lowest, 3),
            "two_exercise_copies_ranks": partial, "honest_highest_score": round(max(honest), 3),
            "honest_pairs_at_or_above_lowest_whole_copy": int(sum(s >= lowest for s in honest)),
            "untouched_highest_score": round(max(s for p, s in scores.items() if set(p) <= untouched), 3)}


CONTENDERS = {"ours (labkit.course.similarity)": (by_ours, None),
              "copydetect 0.5": (by_copydetect, "copydetect"), "difflib ratio": (by_difflib, None),
              "pycode_similar 1.4": (by_pycode_similar, "pycode_similar")}


JUDGEMENT = """\
- **copydetect 0.5.0** (MIT; last release and commit March 2024; needs numpy, matplotlib, jinja2,
  pygments, tqdm): MOSS's winnowing over pygments tokens. It compares files; per exercise it takes
  `CodeFingerprint`s built from text and `compare_files`, and the given code's k-grams as
  boilerplate hashes, as here. It writes every name, attribute and function as `V`/`F`, so
  `ops.softmax` and `ops.matmul` look alike and the library calls that tell answers apart are lost;
  its k-grams (25 characters of that text) run across statements, so moving a statement breaks
  them; its pair loop is Python, one `compare_files` per pair and exercise.
- **difflib** (standard library): a ratio over the tokens in order, so reordered statements lower
  it; quadratic per pair; no boilerplate removal of its own (two empty answers score 1).
- **pycode_similar 1.4** (MIT; last release 2020, last commit 2022; no dependency): normalised AST
  lines of whole functions compared with difflib, so an exercise's region must be wrapped in a
  function; order-sensitive; one-sided (the reference's share); no boilerplate (two empty answers
  score 1).
- **ours** (`labkit.course.similarity`, no dependency beyond numpy): statements in Python's own
  spelling (`ast.unparse`), names the student binds as `V`, runs of 5 tokens inside each statement,
  a run weighed by its rarity in the class, the given code's runs removed; all pairs of an exercise
  in one matrix product. Chosen: no library added to pyproject.toml.
"""


def markdown(results):
    """The bench's results as Markdown."""
    students, load = results["students"], results["load_average_1min"]
    lines = [
        "# Copying among students: lesson 05's exercise code compared (`bench/similarity_class.py`)", "",
        f"`.venv/bin/python bench/similarity_class.py --students {students} --seed {results['seed']}` on "
        f"{results['cores']} cores shared with other work (1-minute load average {load[0]} at the start, "
        f"{load[1]} at the end).", "",
        f"**{students} submissions:** `python -m labkit similarity` took "
        f"{results['ours_end_to_end_seconds']} s end to end (reading the notebooks, extracting the answers, "
        f"{students * (students - 1) // 2:,} pairs x 5 exercises, writing the report; the budget is 120 s) "
        f"and flagged {results['ours_flagged_pairs']} pairs at its threshold {results['threshold']}; "
        f"reading and extracting, timed again on their own: {results['reading_seconds']} s.",
        "", "The small class is the test's: ann the lesson's solution, ben a disguised copy of it, cat the "
        "independent answers, eve and fay untouched. The class: honest students (per exercise one of the two "
        "answers, some rewrites, own names and order), 10 disguised whole copies, 5 disguised copies of two "
        "exercises, 3 untouched. Ranks among all pairs (1 = the highest; ties in the copy's favour).", "",
        "| contender | seconds, all pairs | copy ann-ben | independent ann-cat | untouched eve-fay | whole "
        "copies: worst rank | lowest whole copy | honest pairs at or above it | highest honest | "
        "two-exercise copies: ranks |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, found in results["contenders"].items():
        if "skipped" in found:
            lines.append(f"| {name} | {found['skipped']} |" + " |" * 8)
            continue
        small, big = found["small_class"], found["class"]
        cells = [found["seconds_all_pairs"], *small.values(), big["whole_copies_worst_rank"],
                 big["whole_copies_lowest_score"], big["honest_pairs_at_or_above_lowest_whole_copy"],
                 big["honest_highest_score"], ", ".join(map(str, big["two_exercise_copies_ranks"]))]
        lines.append(f"| {name} | " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines + ["", JUDGEMENT])


def main():
    from labkit import assign, config, notebooks
    from labkit.course import similarity
    from labkit.files import write_text_atomically
    from labkit.grading import batch

    import argparse
    import importlib.util
    import json
    import os
    import tempfile
    import time
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=config.REPO_ROOT / "results" / "bench" / "similarity")
    args = parser.parse_args()
    lesson_path = config.NOTEBOOKS_DIR / "05_attention.ipynb"
    lesson, student = notebooks.read(lesson_path), notebooks.read(assign.student_path(lesson_path))
    given = "\n".join(notebooks.cell_source(cell) for cell in assign.student_version(lesson)["cells"]
                      if cell["cell_type"] == "code")
    load = [os.getloadavg()[0]]
    results = {"students": args.students, "seed": args.seed, "cores": os.cpu_count(), "contenders": {}}
    with tempfile.TemporaryDirectory(prefix="similarity-") as folder:
        small, big = Path(folder) / "small", Path(folder) / "big"
        write_class(small, small_class(lesson, student, args.seed), student)
        work, planted = synthetic_class(lesson, student, args.students, args.seed)
        write_class(big, work, student)
        start = time.perf_counter()
        report = similarity.report([big], Path(folder) / "out", lesson="05")
        results["ours_end_to_end_seconds"] = round(time.perf_counter() - start, 2)
        results["ours_flagged_pairs"] = report["pairs_above_threshold"]
        results["threshold"] = report["threshold"]
        small_codes, _ = similarity.read_class(batch.collect([small]), lesson_path)
        start = time.perf_counter()
        codes, _ = similarity.read_class(batch.collect([big]), lesson_path)
        results["reading_seconds"] = round(time.perf_counter() - start, 2)
    untouched = {name for name, answers in work.items() if not answers}
    for name, (compare, package) in CONTENDERS.items():
        if package and importlib.util.find_spec(package) is None:
            results["contenders"][name] = {"skipped": f"{package} is not installed"}
            continue
        scores = compare(small_codes) if package != "copydetect" else compare(small_codes, given)
        start = time.perf_counter()
        big_scores = compare(codes) if package != "copydetect" else compare(codes, given)
        seconds = time.perf_counter() - start
        results["contenders"][name] = {
            "seconds_all_pairs": round(seconds, 2),
            "small_class": {"copy (ann-ben)": round(scores["ann", "ben"], 3),
                            "independent (ann-cat)": round(scores["ann", "cat"], 3),
                            "untouched (eve-fay)": round(scores["eve", "fay"], 3)},
            "class": _quality(big_scores, planted, untouched)}
        print(name, json.dumps(results["contenders"][name]), flush=True)
    load.append(os.getloadavg()[0])
    results["load_average_1min"] = [round(x, 2) for x in load]
    write_text_atomically(args.out.with_suffix(".json"), json.dumps(results, indent=1) + "\n")
    write_text_atomically(args.out.with_suffix(".md"), markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
