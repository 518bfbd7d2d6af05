"""The margin of every claim a lesson asserts in fast mode, measured over repeated runs (issue 34).

Each run executes every lesson in fast mode, as ``make test`` does (one thread each, two lessons at
a time on a 2-core machine), from a copy in which each ``assert`` is replaced by a call that records
the values on both sides of each comparison and does not stop the run. Some runs have a CPU-heavy
process (a NumPy busy loop) running beside them, as on CI's shared machine. For each comparison
``a op b`` the margin is the signed distance to failing (``a - b`` for ``>``, ``b - a`` for ``<``),
and the spread is how much it varied over the runs. A claim is **fragile** when it failed in a run
or its median margin is not larger than its spread; where both sides are positive in every run (a
time, a speed-up, an accuracy) the verdict reads the margins as log-ratios, since timing noise is
multiplicative. Each assert's message is evaluated too, so a
message that would itself raise when its claim fails is found while the claim still holds.

    .venv/bin/python bench/claim_margins.py --runs 5 --loaded 2 --json results/bench/claim_margins.json
    make audit-claims        (the same; the table also goes to results/bench/claim_margins.md)

Asserts that run in full mode only (under ``if not config.FAST:``) are listed as such, unmeasured.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import ast  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RECORDER = '''import json as _json, os as _os
class _Claims:
    """Records each asserted comparison instead of asserting it (bench/claim_margins.py)."""
    def record(self, where, source, pairs, test, message):
        def value(fn):
            try:
                v = fn()
            except Exception as error:  # noqa: BLE001
                return f"error: {error!r}"[:80]
            try:
                return float(v)
            except (TypeError, ValueError):
                return repr(v)[:80]
        try:
            holds = bool(test())
        except Exception as error:  # noqa: BLE001
            holds = f"error: {error!r}"[:80]
        try:  # the message a failure would show: it must evaluate, whatever the values
            said = None if message is None else str(message())[:300]
        except Exception as error:  # noqa: BLE001
            said = f"error: {error!r}"[:120]
        row = {"where": where, "source": source, "holds": holds, "message": said,
               "pairs": [[left, op, right, value(a), value(b)] for left, op, right, a, b in pairs]}
        with open(_os.environ["CLAIM_LOG"], "a") as log:
            log.write(_json.dumps(row) + "\\n")
__claims__ = _Claims()
'''
OPS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}


def _lambda(expr):
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
                      body=expr)


def _pairs(test):
    """(left source, op, right source, left expr, right expr) for each comparison in an and-chain."""
    conjuncts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    pairs = []
    for part in conjuncts:
        if isinstance(part, ast.Compare) and all(type(op) in OPS for op in part.ops):
            operands = [part.left, *part.comparators]
            for op, left, right in zip(part.ops, operands, operands[1:]):
                pairs.append((ast.unparse(left), OPS[type(op)], ast.unparse(right), left, right))
        else:  # a boolean: recorded as itself, == True
            pairs.append((ast.unparse(part), "==", "True", part, ast.Constant(True)))
    return pairs


def _full_mode_only(node, parents):
    """Whether an assert runs in full mode only: under ``if not config.FAST:``, or in the ``else`` of
    ``if config.FAST:``."""
    for parent in parents:
        test = ast.unparse(parent.test) if isinstance(parent, ast.If) else ""
        if test in ("not config.FAST", "config.FAST"):
            in_body = parent.body[0].lineno <= node.lineno <= parent.body[-1].end_lineno
            if in_body == (test == "not config.FAST"):
                return True
    return False


def claims_of(source, where):
    """[(line range, replacement statement or None if full mode only, claim source)] of a cell."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    found = []

    def visit(node, parents):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Assert):
                claim = ast.unparse(child.test)
                if _full_mode_only(child, parents):
                    found.append((None, None, claim))
                    continue
                pairs = _pairs(child.test)
                call = ast.Call(func=ast.Attribute(ast.Name("__claims__"), "record"), keywords=[], args=[
                    ast.Constant(where), ast.Constant(claim),
                    ast.List([ast.Tuple([*map(ast.Constant, (a, op, b)), _lambda(x), _lambda(y)])
                              for a, op, b, x, y in pairs]), _lambda(child.test),
                    _lambda(child.msg) if child.msg else ast.Constant(None)])
                found.append(((child.lineno, child.end_lineno, child.col_offset), ast.unparse(call), claim))
            else:
                visit(child, parents + [child])

    visit(ast.parse(code), [])
    return found


def instrument(notebook, where_prefix):
    """The notebook (dict) with every fast-mode assert recording instead of asserting; the claims found."""
    nb, listed = json.loads(json.dumps(notebook)), []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines, found = source.splitlines(), claims_of(source, f"{where_prefix} cell {index}")
        listed += [{"where": f"{where_prefix} cell {index}", "source": claim, "full_mode_only": span is None}
                   for span, _, claim in found]
        for span, replacement, _ in reversed(found):
            if span is not None:
                first, last, column = span
                lines[first - 1:last] = [" " * column + replacement]
        cell["source"] = "\n".join(lines)
    nb["cells"].insert(0, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": RECORDER})
    return nb, listed


def _lesson_env(scratch, log):
    return {**os.environ, "LABKIT_FAST": "1", "LABKIT_ROOT": str(scratch), "PYTHONHASHSEED": "0",
            "LABKIT_RESULTS_DIR": str(scratch / "results"), "CLAIM_LOG": str(log), "OMP_NUM_THREADS": "1",
            "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}


def run_lessons(lessons, scratch, jobs):
    """Execute the instrumented lessons in ``scratch``, ``jobs`` at a time: {lesson: (seconds, error)}."""
    def one(lesson):
        log, start = scratch / f"claims-{lesson.stem}.jsonl", time.perf_counter()
        command = [sys.executable, "-m", "labkit", "execute", "--output-dir", str(scratch / "executed"),
                   str(scratch / "notebooks" / lesson.name)]
        done = subprocess.run(command, env=_lesson_env(scratch, log), capture_output=True, text=True,
                              cwd=scratch)
        error = None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1][:200]
        return lesson.stem, (time.perf_counter() - start, error)

    with ThreadPoolExecutor(jobs) as pool:
        return dict(pool.map(one, sorted(lessons, key=lambda p: -p.stat().st_size)))  # longest first


def busy_loop():
    """A CPU-heavy neighbour: matrix products on one thread, until killed."""
    code = "import numpy as np\na = np.random.rand(400, 400)\nwhile True: a = np.tanh(a @ a)"
    return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "OMP_NUM_THREADS": "1",
                                                               "OPENBLAS_NUM_THREADS": "1"})


def margin(op, a, b):
    """Signed distance from failing (> 0 holds); for == and != the size of the difference."""
    return {">": a - b, ">=": a - b, "<": b - a, "<=": b - a, "==": -abs(a - b), "!=": abs(a - b)}[op]


def verdict(op, margins, failed):
    """FAILED in some run; exact (== held every time); deterministic (the same every run); robust
    (median margin larger than the spread of the margins over the runs); else FRAGILE."""
    spread, median = max(margins) - min(margins), float(np.median(margins))
    if failed:
        return f"FAILED in {failed} of {len(margins)}"
    if op == "==":
        return "exact"
    return "deterministic" if spread == 0 else "robust" if median > spread else "FRAGILE"


def log_margins(op, values):
    """For a quantity and threshold both positive in every run (a time, a ratio, an accuracy), the
    margins as log(a / b) (> and >=) or log(b / a) (< and <=): noise in timings is multiplicative,
    so a ratio of 6 to 17 against a threshold of 1.5 is read as the factors it is. None otherwise."""
    if op not in (">", ">=", "<", "<=") or not all(a > 0 and b > 0 for a, b in values):
        return None
    sign = 1 if op in (">", ">=") else -1
    return [sign * float(np.log(a / b)) for a, b in values]


def _row(claim, per_run, held):
    """The table's row for one comparison, from its [left, op, right, a, b] in each run and whether
    the whole assert held in each run."""
    left, op, right = per_run[0][:3]
    row = {"where": claim["where"], "claim": claim["source"], "comparison": f"{left} {op} {right}",
           "runs": len(per_run)}
    values = [(a, b) for *_, a, b in per_run]
    if any(isinstance(v, str) for pair in values for v in pair):  # not numbers: did the assert hold?
        failed = sum(h is not True for h in held)
        row.update(values=sorted({str(a)[:40] for a, _ in values}),
                   verdict=f"FAILED in {failed} of {len(held)}" if failed else "exact")
        return row
    margins = [margin(op, a, b) for a, b in values]
    failed = sum(m < 0 or (m == 0 and op in (">", "<", "!=")) for m in margins)
    measured, logs = [a for a, _ in values], log_margins(op, values)
    judged = logs if logs is not None else margins  # the scale the verdict reads
    spread = max(judged) - min(judged)
    row.update(measured=[min(measured), float(np.median(measured)), max(measured)],
               threshold=float(np.median([b for _, b in values])), margin=float(np.median(margins)),
               spread=max(margins) - min(margins), scale="log" if logs is not None else "linear",
               margin_over_spread=float(np.median(judged)) / spread if spread else None,
               verdict=verdict(op, judged, failed))
    return row


def table(listed, rows_by_run):
    """One row per comparison (per pass, for an assert in a loop): threshold, min / median / max of
    the measured side over the runs, margin, spread and verdict."""
    rows = []
    for claim in listed:
        if claim["full_mode_only"]:
            rows.append({**claim, "comparison": claim["source"], "verdict": "full mode only"})
            continue
        passes = {}  # the k-th time the assert ran in each run
        for run in rows_by_run:
            mine = [r for r in run if (r["where"], r["source"]) == (claim["where"], claim["source"])]
            for k, record in enumerate(mine):
                passes.setdefault(k, []).append(record)
        if not passes:
            rows.append({**claim, "comparison": claim["source"], "verdict": "not reached"})
        for k, records in passes.items():
            where = claim["where"] + (f" (pass {k + 1})" if len(passes) > 1 else "")
            pairs_by_run = zip(*(r["pairs"] for r in records))
            held = [r["holds"] for r in records]
            rows += [_row({**claim, "where": where}, per_run, held) for per_run in pairs_by_run]
    return rows


def _fmt(x):
    return "" if x is None else f"{x:.3g}"


def _ratio(row):
    ratio = row.get("margin_over_spread")
    return "" if ratio is None else f"{ratio:.3g}" + (" (log)" if row.get("scale") == "log" else "")


def markdown(rows):
    lines = ["| where | comparison | threshold | min / median / max | margin | spread | margin ÷ spread "
             "| verdict |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        measured = " / ".join(map(_fmt, r["measured"])) if "measured" in r else ", ".join(r.get("values", []))
        comparison = r["comparison"].replace("|", "\\|")
        lines.append(f"| {r['where']} | `{comparison}` | {_fmt(r.get('threshold'))} | {measured} | "
                     f"{_fmt(r.get('margin'))} | {_fmt(r.get('spread'))} | {_ratio(r)} | {r['verdict']} |")
    return "\n".join(lines)


def audit(lessons, runs, loaded_runs, jobs, scratch):
    """Run every lesson ``runs`` times (a busy neighbour during ``loaded_runs``); the claims found, and
    per run the records and the lessons' seconds. Each run's logs stay in ``scratch/run-N``."""
    listed, instrumented = [], {}
    for lesson in lessons:
        instrumented[lesson.name], claims = instrument(json.loads(lesson.read_text()), lesson.stem[:2])
        listed += claims
    (scratch / "claims.json").parent.mkdir(parents=True, exist_ok=True)
    (scratch / "claims.json").write_text(json.dumps(listed))
    for run in range(runs):
        folder = scratch / f"run-{run}"
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "notebooks").mkdir(parents=True)
        for name, nb in instrumented.items():
            (folder / "notebooks" / name).write_text(json.dumps(nb))
        neighbour = busy_loop() if run in loaded_runs else None
        try:
            outcome = run_lessons(lessons, folder, jobs)
        finally:
            if neighbour:
                neighbour.kill()
        (folder / "timings.json").write_text(json.dumps({"loaded": run in loaded_runs, "lessons": outcome}))
        errors = [error for _, error in outcome.values() if error]
        if len(errors) == len(outcome):
            raise SystemExit(f"claim_margins: every lesson failed in run {run + 1}, e.g. {errors[0]}")
        print(f"run {run + 1}/{runs}{' (loaded)' if neighbour else ''}: "
              + ", ".join(f"{k[:2]} {s:.0f} s{' ERROR ' + e if e else ''}" for k, (s, e) in outcome.items()),
              flush=True)


def report(scratch, json_path=None):
    """The table from the logs in ``scratch``; printed, and written to ``json_path`` with the runs."""
    listed = json.loads((scratch / "claims.json").read_text())
    folders = sorted(scratch.glob("run-*"), key=lambda f: int(f.name.split("-")[1]))
    records = [[json.loads(line) for log in sorted(f.glob("claims-*.jsonl")) for line in log.open()]
               for f in folders]
    rows = table(listed, records)
    print(markdown(rows))
    bad = [r for r in rows if r["verdict"] in ("FRAGILE", "not reached") or r["verdict"].startswith("FAILED")]
    broken = sorted({f"{r['where']}: {r['message']}" for run in records for r in run
                     if str(r.get("message")).startswith("error:")})
    print(*(f"message does not evaluate: {b}" for b in broken), sep="\n")
    print(f"{len(rows)} comparisons over {len(folders)} runs: {len(bad)} fragile, failed or not reached; "
          f"{len(broken)} messages that do not evaluate")
    if json_path:
        timings = [json.loads(t.read_text()) for f in folders if (t := f / "timings.json").exists()]
        json_path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"runs": len(folders), "timings": timings, "table": rows, "records": records},
                          indent=1)
        loaded = [i + 1 for i, t in enumerate(timings) if t["loaded"]]
        heading = (f"Every comparison the lessons assert in fast mode, {len(folders)} runs (runs {loaded} "
                   "beside a CPU-heavy process), from `bench/claim_margins.py`; margins and verdicts as its "
                   "docstring says.\n\n")
        for path, content in ((json_path, text), (json_path.with_suffix(".md"), heading + markdown(rows))):
            path.with_suffix(".tmp").write_text(content + "\n")
            path.with_suffix(".tmp").replace(path)
    return 1 if bad or broken else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of every lesson (default 5)")
    parser.add_argument("--loaded", type=int, default=2, help="runs with a CPU-heavy neighbour (default 2)")
    parser.add_argument("--jobs", type=int, default=2, help="lessons at a time, as make test (default 2)")
    parser.add_argument("--lessons", nargs="*", default=None, help="lesson names or numbers (default all)")
    parser.add_argument("--scratch", type=Path, default=ROOT / "build" / "claim-audit")
    parser.add_argument("--report", action="store_true", help="only make the table from --scratch's logs")
    parser.add_argument("--json", type=Path, default=None, help="write the table and the runs here")
    args = parser.parse_args(argv)
    if args.runs < 1 or not 0 <= args.loaded <= args.runs:
        parser.error("--runs: expected >= 1, and --loaded between 0 and --runs")
    args.scratch = args.scratch.resolve()  # the lessons run with their own folder as working directory
    if not args.report:
        lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
        if args.lessons:
            lessons = [p for p in lessons if p.stem in args.lessons or p.stem[:2] in args.lessons]
        spaced = np.linspace(min(1, args.runs - 1), args.runs - 1, args.loaded)  # 2nd, ..., last
        loaded_runs = {round(r) for r in spaced}
        audit(lessons, args.runs, loaded_runs, args.jobs, args.scratch)
    return report(args.scratch, args.json)


if __name__ == "__main__":
    sys.exit(main())
