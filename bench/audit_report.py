"""The second step and the report of ``bench/audit_checks.py``: which lesson names a check needs,
which passing mutants to run further, a lesson run in fast mode with one of them spliced in (this
file, run as ``python bench/audit_report.py NOTEBOOK OUT CELL_TIMEOUT``, is that run's process), how
the run ended, and the Markdown tables of the results."""

from labkit import notebooks

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def run_lesson(notebook, out, cell_timeout):
    """Execute ``notebook`` with nbclient in its folder, stop at the first error, save it to ``out``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=int(cell_timeout), kernel_name="python3",
                            resources={"metadata": {"path": str(Path(notebook).parent)}})
    client.comm_open_handlers = {"jupyter.widget": lambda message: None}  # no widget front end
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, RuntimeError):
        pass  # the outputs so far, the error's among them, stay in nb
    nbformat.write(nb, out)


def later(nb, lesson, check_cell, folder, env, cell_timeout, wall_timeout):
    """The lesson ``nb`` (a mutant spliced in) run in fast mode in its own scratch ``folder``, as
    LABKIT_ROOT (its results and checkpoints stay there): {status, cell, error, seconds}."""
    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    path, out = folder / "notebooks" / f"{lesson}.ipynb", folder / "executed.ipynb"
    start = time.perf_counter()
    path.write_text(json.dumps(nb))
    out.unlink(missing_ok=True)  # never read an earlier run's
    env = {**env, "LABKIT_ROOT": str(folder), "LABKIT_RESULTS_DIR": str(folder / "results")}
    process = subprocess.Popen([sys.executable, __file__, str(path), str(out), str(cell_timeout)], env=env,
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(wall_timeout)
    except subprocess.TimeoutExpired:  # the budget ran out: no verdict on the mutant
        os.killpg(process.pid, signal.SIGKILL)  # the runner's own session: it and its kernel
        process.wait()
        return {"status": "unfinished", "cell": None, "error": f"stopped after {wall_timeout:.0f} s (budget)",
                "seconds": round(wall_timeout)}
    seconds = round(time.perf_counter() - start, 1)
    if not out.is_file():
        return {"status": "unfinished", "cell": None, "error": "the runner wrote nothing", "seconds": seconds}
    return {**classify(notebooks.read(out), check_cell), "seconds": seconds}


def classify(executed, check_cell):
    """How the lesson run with a passing mutant ended: harmless (ran to the end, no ``[FAIL]``) or
    broke at a cell (1-based, of all cells), with the error or the ``[FAIL]`` line."""
    for index, cell in enumerate(executed["cells"]):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                said = [line.strip() for line in str(output.get("evalue", "")).splitlines() if line.strip()]
                return {"status": "broke", "cell": index + 1,
                        "error": (said[-1] if said and said[-1].startswith(f"{output.get('ename')}:")
                                  else f"{output.get('ename')}: {said[-1] if said else ''}")[:200]}
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            failed = [line for line in text.splitlines() if line.startswith("[FAIL]")]
            if failed and index > check_cell:
                return {"status": "broke", "cell": index + 1, "error": failed[0][:200]}
        if cell.get("execution_count") is None and notebooks.cell_source(cell).strip():
            return {"status": "broke", "cell": index + 1,
                    "error": "the run stopped before this cell (a cell timed out?)"}
    return {"status": "harmless", "cell": None, "error": ""}


def later_tasks(done, per_lesson):
    """The passing mutants to run further: up to ``per_lesson`` per lesson, taken round-robin over the
    lessons (so a spent budget leaves every lesson some), shortest lessons first within a round."""
    queues = []
    for report, nb, plans in done:
        by_number = {plan["exercise"].number: plan for plan in plans}
        queue = []
        for row in report["exercises"]:
            for record in row["mutants"]:
                if record["outcome"] == "pass":
                    plan = by_number[row["exercise"]]
                    queue.append((report, nb, plan, plan["mutants"][record["index"] - 1], record))
        queues.append(sorted(queue, key=lambda t: t[4]["index"])[:per_lesson])
    order = sorted(range(len(queues)), key=lambda i: len(notebooks.dumps(done[i][1])))
    return [queues[i][r] for r in range(per_lesson) for i in order if r < len(queues[i])]


def _counts(row):
    tried = len(row["mutants"])
    passed = [m for m in row["mutants"] if m["outcome"] == "pass"]
    later = [m.get("later", {}).get("status") for m in passed]
    harmless, broke = later.count("harmless"), later.count("broke")
    how = [m["outcome"] for m in row["mutants"] if m["outcome"] != "pass"]
    slips = [m for m in row["mutants"] if m.get("slip")]
    return {"tried": tried, "slips": f"{sum(m['outcome'] != 'pass' for m in slips)}/{len(slips)}",
            "caught": tried - len(passed), "harmless": harmless, "broke": broke,
            "not run": len(later) - harmless - broke,
            "how": ", ".join(f"{how.count(o)} {o}" for o in ("fail", "raised", "timeout", "crashed")
                             if o in how)}


def markdown(summary):
    """One table per lesson, the totals, and every mutant that passed its check with its diff."""
    later = ("run through the rest of their lesson in fast mode, stopping at the first error"
             if summary["later"] else "not run further")
    out = ["# Self-check audit: plausible wrong answers per exercise (`bench/audit_checks.py`)\n",
           "The typical slips of `bench/check_slips.py` (column *slips caught*: caught of tried) and "
           f"{summary['mutants_per_exercise']} tree mutants per exercise (seed {summary['seed']}); a wrong "
           "answer is "
           "*caught* when its check prints [FAIL] (`fail`, also when the mutant raised inside the check), "
           "when loading its definitions raises (`raised`), or when it hangs or crashes. Mutants that pass "
           "were "
           f"{later} (at most {summary['later_max']} per lesson, {summary['later_budget_s']:.0f} s in all); "
           "the unmutated lessons were not re-run. "
           f"Wall time: {summary['seconds']['checks']:.0f} s for the checks, "
           f"{summary['seconds']['total']:.0f} s in all. Lessons as at commit {summary.get('commit', '?')}"
           + (f", with uncommitted edits in {', '.join(summary['uncommitted_lessons'])}"
              if summary.get("uncommitted_lessons") else "") + ".\n"]
    totals, passing, slips = dict.fromkeys(["tried", "caught", "harmless", "broke", "not run"], 0), [], []
    for lesson in summary["lessons"]:
        out += [f"## {lesson['lesson']}\n", "| exercise | key | tried | slips caught | caught "
                "| passed-harmless | passed-broke-later | passed, not run | control | caught how |",
                "|---" * 10 + "|"]
        for row in lesson["exercises"]:
            counts = _counts(row)
            totals = {k: totals[k] + counts[k] for k in totals}
            out.append(f"| {row['exercise']} | `{row['key']}` | {counts['tried']} | {counts['slips']} | "
                       f"{counts['caught']} | "
                       f"{counts['harmless']} | {counts['broke']} | {counts['not run']} | "
                       f"{row['control']['outcome']} | {counts['how']} |")
            passing += [(lesson["lesson"], row, m) for m in row["mutants"] if m["outcome"] == "pass"]
            slips += [(lesson["lesson"], row, m) for m in row["mutants"] if m.get("slip")]
        out.append("")
    out += ["## Totals\n", "| tried | caught | passed-harmless | passed-broke-later | passed, not run |",
            "|---|---|---|---|---|", "| " + " | ".join(str(totals[k]) for k in totals) + " |", "",
            "## Wrong answers that passed their check\n"]
    for lesson, row, mutant in passing:
        result = mutant.get("later")
        if result is None:
            why = "over --later-max or the budget" if summary["later"] else "--no-later"
            verdict = f"not run further ({why})"
        else:
            where = f" at cell {result['cell']}" if result.get("cell") else ""
            verdict = result["status"] + where + (f": {result['error']}" if result.get("error") else "")
        out.append(f"- {lesson[:2]} exercise {row['exercise']} `{row['key']}` ({mutant['kind']}): {verdict}")
        out += [f"  `{line}`" for line in mutant["diff"][:6]]
    if not passing:
        out.append("None.")
    out += ["", "## What each check said to each typical slip\n"]
    for lesson, row, slip in slips:
        said = " ".join(str(slip.get("message") or "").split())
        out.append(f"- {lesson[:2]} exercise {row['exercise']} `{row['key']}`, {slip['kind'][6:]}: "
                   f"**{slip['outcome']}** {said[:240]}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    run_lesson(*sys.argv[1:4])
