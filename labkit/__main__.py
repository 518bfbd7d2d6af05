"""``python -m labkit``: maintenance commands behind the Makefile.

    python -m labkit strip notebooks/*.ipynb    clear outputs except pinned cells
    python -m labkit pin notebooks/*.ipynb      execute, keep only pinned cells' outputs
    python -m labkit results                    print the results table (README)
    python -m labkit assign notebooks/*.ipynb   write the student versions to notebooks/student/
    python -m labkit grade SUBMISSION.ipynb [--lesson NN] [--json OUT] [--cell-timeout S] [--timeout S]
                           [--memory-gb G] [--all-cells]
"""

import argparse
import sys
from pathlib import Path

from labkit.files import write_text_atomically


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m labkit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("strip", "clear outputs except cells marked NBVAL_CHECK_OUTPUT"),
                            ("pin", "execute notebooks and store only the pinned cells' outputs")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("notebooks", nargs="+", help="paths to .ipynb files")
    commands.add_parser("results", help="print recorded results as a Markdown table")
    sub = commands.add_parser("assign", help="write student versions (solutions blanked) to student/")
    sub.add_argument("lessons", nargs="+", help="paths to lesson .ipynb files")
    sub = commands.add_parser("grade", help="run a submission and grade its exercises")
    sub.add_argument("submission", help="path to the submitted .ipynb")
    sub.add_argument("--lesson", help="the lesson it answers (01, 02, ...; default: from the notebook or its "
                                      "name)")
    sub.add_argument("--json", type=Path, help="also write the report here as JSON")
    sub.add_argument("--memory-gb", type=float, default=4, help="memory the submission may use (default 4)")
    sub.add_argument("--cell-timeout", type=float, default=300, help="seconds per cell (default 300)")
    sub.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run (default 1800)")
    sub.add_argument("--all-cells", action="store_true",
                     help="also run the cells after the last self-check (they cannot change the grade)")
    args = parser.parse_args(argv)

    from labkit import assign, grading, notebooks, results

    try:
        if args.command == "results":
            print(results.table())
        if args.command == "assign":
            for path in assign.assign(args.lessons):
                print(f"wrote {path}")
        if args.command == "grade":
            if not 0 < args.memory_gb < 2**20:
                raise ValueError(f"--memory-gb: expected a positive number of GiB, got {args.memory_gb}")
            limits = grading.Limits(memory_bytes=int(args.memory_gb * 2**30))
            report = grading.grade(args.submission, lesson=args.lesson, cell_timeout=args.cell_timeout,
                                   total_timeout=args.timeout, all_cells=args.all_cells, limits=limits)
            print(report.table())
            if args.json:
                write_text_atomically(args.json, report.to_json())
        for path in getattr(args, "notebooks", []):
            if args.command == "strip":
                print(f"{path}: {'stripped' if notebooks.strip(path) else 'already clean'}")
            else:
                print(f"{path}: executed, pinned outputs stored in {notebooks.pin(path)}")
    except (ValueError, FileNotFoundError, RuntimeError) as error:  # MarkerError is a ValueError
        print(f"labkit {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
