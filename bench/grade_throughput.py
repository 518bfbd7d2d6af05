"""Class-grading throughput: the same 12 lesson-01 submissions graded serially, with --jobs 2,
and through a 2-worker Dask LocalCluster, in one run.

    .venv/bin/python bench/grade_throughput.py

The submissions are lesson 01's student notebook filled with the solutions (6), with exercise 2
ignoring the mask (4), and untouched (2). Prints submissions per hour for each way and the
ratios; targets on 2 cores: --jobs 2 >= 1.5x serial, Dask within 10% of --jobs 2.
"""

import copy
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _class(folder):
    from labkit import assign, config, notebooks

    from test_classroom import fill

    lesson = config.NOTEBOOKS_DIR / "01_rnn_from_scratch.ipynb"
    solution, student = notebooks.read(lesson), notebooks.read(assign.student_path(lesson))
    honest = fill(student, solution)
    buggy = copy.deepcopy(honest)
    unroll = assign.exercises(solution, lesson.name)[1]
    cell = buggy["cells"][unroll.cell]
    no_mask = "        y, h = cell(x_seq[:, t], h)\n        ys.append(y)\n        hs.append(h)"
    cell["source"] = notebooks.cell_source(cell).replace("\n".join(unroll.regions[0].lines), no_mask)
    kinds = [honest] * 6 + [buggy] * 4 + [student] * 2
    for number, notebook in enumerate(kinds):
        path = folder / f"student{number:02}" / lesson.name
        path.parent.mkdir(parents=True)
        path.write_text(notebooks.dumps(notebook), encoding="utf-8")
    return lesson


def main():
    from labkit.grading import batch

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "class"
        lesson = _class(folder)
        submissions = batch.collect([folder])
        rates = {}
        for name, options in (("serial", {}), ("--jobs 2", {"jobs": 2}), ("dask, 2 workers", "dask")):
            out = Path(scratch) / name.replace(" ", "_")
            cluster = None
            if options == "dask":
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
                options = {"scheduler": cluster.scheduler_address}
            start = time.monotonic()
            rows = batch.grade_class(submissions, lesson, out, progress=False, **options)
            seconds = time.monotonic() - start
            if cluster is not None:
                cluster.close()
            scores = sorted(row["percent"] for row in rows.values())
            rates[name] = len(submissions) / seconds * 3600
            print(f"{name:16} {seconds:6.1f} s  {rates[name]:6.0f} submissions/hour  scores {scores}",
                  flush=True)
    print(f"--jobs 2 / serial: {rates['--jobs 2'] / rates['serial']:.2f}x (target >= 1.5)")
    print(f"dask / --jobs 2:   {rates['dask, 2 workers'] / rates['--jobs 2']:.2f}x (target >= 0.9)")


if __name__ == "__main__":
    main()
