"""How many plausible wrong answers each exercise's self-check catches (issue 36, item 3).

For every exercise of every lesson, the typical slips of ``bench/check_slips.py`` (a transpose left
out, a missing term, a wrong axis or initial value, a flag ignored, state not carried ...) and
``--mutants`` single-site mutants of the solution from ``bench/check_mutants.py`` (operands swapped,
constants, comparisons, axes, a dropped statement, a transpose removed, ...). Each is spliced into a
scratch copy of the lesson, the check's objects are loaded from it with ``notebooks.load_definitions``
and the check ``checks.REGISTRY[key]`` is called, in a worker process per lesson (a mutant that hangs
past ``--timeout`` or crashes the worker is counted as caught, and a fresh worker goes on). The
unmutated solution goes first, as a control: it must pass. A wrong answer the check lets through is
run through the rest of its lesson in fast mode (``--later``, nbclient, every one by default, within
``--later-budget`` seconds): it is *harmless* if the lesson runs to the end with no ``[FAIL]``
printed, else it *broke* the cell named. The unmutated lessons are not re-run here (``make test``
runs them in fast mode).

    .venv/bin/python bench/audit_checks.py --mutants 12 --json results/bench/check_audit.json \\
        --markdown results/bench/check_audit.md
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_report  # noqa: E402
import check_mutants  # noqa: E402
import check_slips  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ONE_THREAD = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1", "LABKIT_FAST": "1", "PYTHONHASHSEED": "0"}


def exercise_plan(path, count, seed, only=None):
    """Each exercise of the lesson at ``path``: its check, the names to load, the regions and mutants."""
    from labkit import assign, notebooks
    from labkit.grading.release import check_of

    nb, plans = notebooks.read(path), []
    for exercise in assign.exercises(nb, path.name):
        if only and exercise.number not in only:
            continue
        check = check_of(nb, exercise, path.name)
        lines = notebooks.cell_source(nb["cells"][exercise.cell]).split("\n")
        indents = [lines[r.begin][: len(lines[r.begin]) - len(lines[r.begin].lstrip())]
                   for r in exercise.regions]
        sources = [textwrap.dedent("\n".join(r.lines)) for r in exercise.regions]
        mutants = [*check_slips.slips(path.stem, exercise.number, sources),
                   *check_mutants.generate(sources, count, seed=f"{seed}:{path.stem}:{exercise.number}")]
        plans.append({"exercise": exercise, "check": check, "indents": indents, "sources": sources,
                      "mutants": mutants, "names": notebooks.names_to_load(nb, check.arguments)})
    return nb, plans


def spliced(nb, plan, mutant):
    """A copy of the lesson with ``mutant``'s region in place of the solution's (None: the solution)."""
    from labkit import assign, notebooks

    exercise, copy = plan["exercise"], json.loads(json.dumps(nb))
    lines = notebooks.cell_source(nb["cells"][exercise.cell]).split("\n")
    regions = [list(region.lines) for region in exercise.regions]
    if mutant is not None:
        text = mutant.regions[mutant.region]
        regions[mutant.region] = textwrap.indent(text, plan["indents"][mutant.region]).split("\n")
    kept, _ = assign.replace_regions(lines, exercise, regions)
    copy["cells"][exercise.cell]["source"] = "\n".join(kept)
    return copy


class Worker:
    """A child process that loads a lesson's objects and runs one check per request (JSON lines)."""

    def __init__(self):
        env = {**os.environ, **ONE_THREAD}
        self.process = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        env=env, cwd=ROOT, start_new_session=True)

    def ask(self, request, timeout):
        """The worker's answer, or {"outcome": "timeout" | "crashed"} (the worker is then stopped)."""
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            line = self.process.stdout.readline() if ready else ""
        except (BrokenPipeError, OSError):
            line, ready = "", True
        if line:
            return json.loads(line)
        self.stop()
        return {"outcome": "timeout" if not ready else "crashed", "message": f"no answer in {timeout:.0f} s"
                if not ready else f"the worker died (exit {self.process.poll()})"}

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the worker's own session: it and its children
            self.process.wait()

    @property
    def alive(self):
        return self.process.poll() is None


def serve():
    """The worker: for each request, load the objects from the spliced lesson and call the check."""
    import contextlib
    import io

    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever the lesson's code prints stays off the answers' channel
    from labkit import config, notebooks
    from labkit.checks import REGISTRY

    for line in sys.stdin:
        request, start = json.loads(line), time.perf_counter()
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                config.seed_everything(0)
                namespace = notebooks.load_definitions(request["notebook"], request["names"])
                objects = eval(f"[{request['arguments']}]", {}, namespace)  # noqa: S307  the check cell's
                result = REGISTRY[request["key"]](*objects)
            answer = {"outcome": "pass" if result else "fail", "message": result.message}
        except BaseException as error:  # noqa: BLE001  a mutant that breaks loading is caught too
            answer = {"outcome": "raised", "message": f"{type(error).__name__}: {error}"[:300]}
        answer["seconds"] = round(time.perf_counter() - start, 2)
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def check_lesson(path, count, seed, scratch, timeout, only=None):
    """Step 1 for one lesson: the control and every mutant through the check; the rows per exercise."""
    nb, plans = exercise_plan(path, count, seed, only)
    folder = scratch / "check" / path.stem
    folder.mkdir(parents=True, exist_ok=True)
    worker, rows = Worker(), []
    for plan in plans:
        number, check = plan["exercise"].number, plan["check"]
        row = {"exercise": number, "key": check.key, "names": plan["names"], "mutants": []}
        for i, mutant in enumerate([None, *plan["mutants"]]):
            target = folder / f"{path.stem}-ex{number}-m{i}.ipynb"
            target.write_text(json.dumps(spliced(nb, plan, mutant)))
            if not worker.alive:
                worker = Worker()
            answer = worker.ask({"notebook": str(target), "names": plan["names"], "key": check.key,
                                 "arguments": check.arguments}, timeout)
            if mutant is None:
                row["control"] = answer
                continue
            row["mutants"].append({"exercise": number, "index": i, "kind": mutant.kind,
                                   "slip": mutant.kind.startswith("slip: "),
                                   "description": mutant.description,
                                   "diff": check_mutants.diff(plan["sources"], mutant), **answer})
        rows.append(row)
        print(f"{path.stem[:2]} ex{number} {check.key}: control {row['control']['outcome']}, "
              f"{sum(m['outcome'] == 'pass' for m in row['mutants'])}/{len(row['mutants'])} passed",
              flush=True)
    worker.stop()
    return {"lesson": path.stem, "exercises": rows}, nb, plans


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", default=None, help="lesson numbers or names (default all)")
    parser.add_argument("--mutants", type=int, default=12, help="tree mutants per exercise (default 12)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exercises", nargs="*", type=int, default=None,
                        help="only these exercise numbers (of each lesson chosen)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for one check (default 120)")
    parser.add_argument("--later", action=argparse.BooleanOptionalAction, default=True,
                        help="run passing mutants through the rest of the lesson (default on)")
    parser.add_argument("--later-max", type=int, default=100,
                        help="passing mutants run per lesson (default 100: every one)")
    parser.add_argument("--later-budget", type=float, default=3600, help="seconds for all later runs")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds for one cell of a later run")
    parser.add_argument("--jobs", type=int, default=2, help="processes at a time (default 2)")
    parser.add_argument("--scratch", type=Path, default=ROOT / "build" / "check-audit")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return serve()
    if args.mutants < 1 or args.jobs < 1:
        parser.error("--mutants and --jobs: expected >= 1")
    lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.lessons:
        lessons = [p for p in lessons if p.stem in args.lessons or p.stem[:2] in args.lessons]
    scratch, start = args.scratch.resolve(), time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        done = list(pool.map(lambda p: check_lesson(p, args.mutants, args.seed, scratch, args.timeout,
                                                    args.exercises), lessons))
    checked = time.perf_counter() - start
    tasks = audit_report.later_tasks(done, args.later_max) if args.later else []
    deadline = time.perf_counter() + args.later_budget

    def one(task):
        report, nb, plan, mutant, record = task
        left = deadline - time.perf_counter()
        if left < 120:
            return
        folder = scratch / "later" / f"{report['lesson']}-ex{record['exercise']}-m{record['index']}"
        env = {**os.environ, **ONE_THREAD}
        try:
            record["later"] = audit_report.later(spliced(nb, plan, mutant), report["lesson"],
                                                 plan["check"].cell, folder, env, args.cell_timeout, left)
        except Exception as error:  # noqa: BLE001  one run's trouble must not stop the others
            said = f"{type(error).__name__}: {error}"[:200]
            record["later"] = {"status": "unfinished", "cell": None, "error": said}
        print(f"later {folder.name}: {record['later']['status']} {record['later'].get('cell') or ''}",
              flush=True)

    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(one, tasks))
    git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True, cwd=ROOT).stdout  # noqa: E731
    edited = [line[3:] for line in git("status", "--porcelain", "--", "notebooks").splitlines()]
    summary = {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted_lessons": edited,
               "seed": args.seed, "mutants_per_exercise": args.mutants, "later": args.later,
               "later_max": args.later_max, "later_budget_s": args.later_budget,
               "seconds": {"checks": round(checked, 1), "total": round(time.perf_counter() - start, 1)},
               "lessons": [report for report, _, _ in done]}
    text = audit_report.markdown(summary)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
