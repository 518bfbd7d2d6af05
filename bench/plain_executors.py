"""Every lesson under plain ``jupyter nbconvert --execute`` (nbclient, no labkit executor), repeated,
with a short cell timeout (issue 36, item 6).

Users' pipelines (nbconvert, papermill, CI actions) execute notebooks with plain nbclient, which waits
for a cell's messages until its timeout: a widget that needs a front end, or an output that never
arrives, turns a 1-s cell into a wait of the whole timeout. Each run here is a fresh copy of the
lessons in a scratch folder (``LABKIT_ROOT``, so no checkpoint or result of an earlier run is reused),
in fast mode, ``--jobs`` lessons at a time, one thread each as in ``make test``. For each lesson and
run: the wall time of nbconvert, the sum of the cells' own times (from nbclient's timing metadata),
the slowest cell, the wait: wall time not spent in any cell (kernel start and shutdown, and any
wait after a cell has finished), and the figures the executed notebook holds (PNG outputs). A run
fails if nbconvert fails or a cell passes ``--timeout``.

    .venv/bin/python bench/plain_executors.py --repeats 3 --timeout 300 \\
        --json results/bench/plain_executors.json --markdown results/bench/plain_executors.md
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cell_seconds(cell):
    """A cell's own time: from the kernel starting it to its reply, as nbclient records them."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def run_one(lesson, scratch, timeout):
    """nbconvert on a fresh copy of the lessons in ``scratch``: {seconds, cells, slowest, wait, error}."""
    shutil.copytree(ROOT / "notebooks", scratch / "notebooks", ignore=shutil.ignore_patterns("student"))
    env = {**os.environ, "LABKIT_FAST": "1", "LABKIT_ROOT": str(scratch), "OMP_NUM_THREADS": "1",
           "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "LABKIT_RESULTS_DIR": str(scratch / "results")}
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", str(scratch / "executed"),
               str(scratch / "notebooks" / lesson)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=scratch)
    seconds = time.perf_counter() - start
    row = {"lesson": lesson, "seconds": round(seconds, 1), "error": None}
    if done.returncode != 0:
        plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", done.stderr)  # no terminal colours
        lines = [line for line in plain.splitlines() if line.strip()]
        row["error"] = " / ".join(lines[-3:])[-400:].replace("|", "\\|")  # one Markdown cell
        return row
    cells = json.loads((scratch / "executed" / lesson).read_text())["cells"]
    times = [_cell_seconds(c) for c in cells if c["cell_type"] == "code"]
    figures = sum("image/png" in out.get("data", {}) for c in cells for out in c.get("outputs", []))
    row.update(cells=round(sum(times), 1), slowest=round(max(times), 1), wait=round(seconds - sum(times), 1),
               figures=figures)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of every lesson (default 3)")
    parser.add_argument("--timeout", type=int, default=300, help="cell timeout, s (default 300)")
    parser.add_argument("--jobs", type=int, default=2, help="lessons at a time (default 2)")
    parser.add_argument("--lessons", nargs="*", default=None, help="lesson numbers (default all)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args(argv)
    for name in ("repeats", "timeout", "jobs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name}: expected a positive integer, got {getattr(args, name)}")
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("0*.ipynb")
                     if not args.lessons or p.name[:2] in {f"{int(n):02d}" for n in args.lessons})
    jobs = [(run, lesson) for run in range(args.repeats) for lesson in lessons]
    with tempfile.TemporaryDirectory(prefix="plain-executors-") as scratch, \
            ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda job: {"run": job[0] + 1, **run_one(
            job[1], Path(scratch) / f"run-{job[0] + 1}-{job[1][:2]}", args.timeout)}, jobs))
    for row in rows:
        print(json.dumps(row), flush=True)
    table = report(rows, args)
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"repeats": args.repeats, "timeout": args.timeout, "jobs": args.jobs,
                                         "rows": rows}, indent=1) + "\n")
    if args.markdown:
        args.markdown.write_text(table + "\n")
    return 1 if any(row["error"] for row in rows) else 0


def report(rows, args):
    """One Markdown row a lesson: runs that finished, median and range of wall time, cells, wait."""
    lines = ["# Every lesson under plain `jupyter nbconvert --execute` (`bench/plain_executors.py`)", "",
             f"{args.repeats} runs of each lesson in fast mode, {args.jobs} at a time, cell timeout "
             f"{args.timeout} s; each run on a fresh copy. *wait*: wall time outside every cell (kernel "
             "start and shutdown, and any wait after a cell finished).", "",
             "| lesson | finished | wall s (median, range) | cells s (median) | slowest cell s (max) "
             "| wait s (max) | figures | errors |", "|---|---|---|---|---|---|---|---|"]
    for lesson in sorted({row["lesson"] for row in rows}):
        mine = [row for row in rows if row["lesson"] == lesson]
        ok = [row for row in mine if not row["error"]]
        walls = [row["seconds"] for row in ok] or [float("nan")]
        errors = "; ".join(f"run {row['run']}: {row['error']}" for row in mine if row["error"]) or "none"
        lines.append(f"| {lesson[:-6]} | {len(ok)}/{len(mine)} | {statistics.median(walls):.0f} "
                     f"({min(walls):.0f}–{max(walls):.0f}) | "
                     f"{statistics.median([r['cells'] for r in ok]) if ok else float('nan'):.0f} | "
                     f"{max((r['slowest'] for r in ok), default=float('nan')):.0f} | "
                     f"{max((r['wait'] for r in ok), default=float('nan')):.0f} | "
                     f"{'/'.join(sorted({str(r['figures']) for r in ok})) or '-'} | {errors} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
