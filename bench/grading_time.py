"""Grading time per lesson: this checkout's grader against an earlier revision's, in one run.

    .venv/bin/python bench/grading_time.py [--baseline REV] [--lessons 01 04]

Each lesson's student notebook, filled with the lesson's own solution lines, is graded by the
grader of REV (checked out in a temporary git worktree) and by this checkout's, alternately,
``--repeats`` times each, each in a fresh process; the child times only the ``grade`` call.
Prints the median seconds of each and their ratio per lesson.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

_CHILD = """
import json, sys, time
try:
    from labkit.grading import grade
except ImportError:  # before trusted grading
    from labkit.grade import grade
start = time.monotonic()
report = grade(sys.argv[1])
print(json.dumps({"seconds": time.monotonic() - start, "score": report.score}))
"""


def _grade(root, submission):
    environment = {**os.environ, "LABKIT_FAST": "1", "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(submission)], cwd=root, capture_output=True,
                          text=True, env=environment, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="493105d", help="git revision of the grader to compare with")
    parser.add_argument("--lessons", nargs="*", default=[], help="lesson numbers (default: all)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved gradings of each (median)")
    args = parser.parse_args()

    from labkit import assign, notebooks

    from test_classroom import fill

    lessons = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
               if not args.lessons or p.name[:2] in args.lessons]
    with tempfile.TemporaryDirectory() as scratch:
        baseline = Path(scratch) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(baseline), args.baseline], cwd=ROOT,
                       check=True)
        try:
            print(f"{'lesson':34} {args.baseline:>10} {'now':>8} {'ratio':>6}  (seconds to grade, filled)")
            for lesson in lessons:
                filled = fill(notebooks.read(assign.student_path(lesson)), notebooks.read(lesson))
                submission = Path(scratch) / lesson.name
                submission.write_text(notebooks.dumps(filled), encoding="utf-8")
                runs = [(_grade(baseline, submission), _grade(ROOT, submission)) for _ in range(args.repeats)]
                assert all(b["score"] == a["score"] == 100 for b, a in runs), runs
                before, after = (statistics.median(run[i]["seconds"] for run in runs) for i in (0, 1))
                print(f"{lesson.stem:34} {before:>10.1f} {after:>8.1f} {after / before:>6.2f}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
