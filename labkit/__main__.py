"""``python -m labkit``: maintenance commands behind the Makefile.

    python -m labkit strip notebooks/*.ipynb    clear outputs except pinned cells
    python -m labkit pin notebooks/*.ipynb      execute, keep only pinned cells' outputs
    python -m labkit execute --output-dir DIR notebooks/*.ipynb   execute, write them with outputs to DIR
    python -m labkit results [--readme]         print the generated parts (README, site), or rewrite README's
    python -m labkit assign notebooks/*.ipynb   write the student versions to notebooks/student/
    python -m labkit docs [--executed DIR] [--out DIR]   the site (docs/, lessons, API) into build/docs/
    python -m labkit colab notebooks/*.ipynb    write the Colab/Binder links and Colab's setup cell
    python -m labkit grade SUBMISSION.ipynb [--lesson NN] [--json OUT] [--cell-timeout S] [--timeout S]
                           [--memory-gb G] [--all-cells]
    python -m labkit grade PATH... --out DIR [--lesson NN] [--jobs N] [--roster CSV] [--scheduler ADDRESS]
                           [--format csv|gradescope|json] [--force]     a class (labkit.grading.batch)
    python -m labkit grade PATH... --out DIR --canvas GRADEBOOK.csv|--moodle GRADES.csv [--assignment NAME]
                           [--missing blank|zero]   the class's points for the LMS (labkit.course.gradebook)
    python -m labkit autograder NN --out autograder.zip [--visibility V] [--memory-gb G] [--cell-timeout S]
                           [--timeout S]                   Gradescope's autograder (labkit.course.autograder)
    python -m labkit release --out DIR [--through NN] [--repository URL]   the students' folder, no answer
    python -m labkit similarity PATH... --out DIR [--lesson NN] [--threshold T] [--top K]
                           students' exercise code compared, pairs ranked (labkit.course.similarity)
"""

from labkit.files import write_text_atomically

import argparse
import sys
from pathlib import Path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m labkit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("strip", "clear outputs except cells marked NBVAL_CHECK_OUTPUT"),
                            ("pin", "execute notebooks and store only the pinned cells' outputs"),
                            ("colab", "write Colab's and Binder's links and Colab's setup cell")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("notebooks", nargs="+", help="paths to .ipynb files")
    sub = commands.add_parser("execute", help="execute notebooks, write them with outputs to --output-dir")
    sub.add_argument("notebooks", nargs="+", help="paths to .ipynb files")
    sub.add_argument("--output-dir", type=Path, required=True, help="folder for the executed notebooks")
    sub.add_argument("--timeout", type=float, default=1800, help="seconds per cell (default 1800)")
    sub = commands.add_parser("results", help="the README's results and exercise tables, from the lessons "
                              "and results/*.json")
    sub.add_argument("--readme", action="store_true", help="rewrite them in README.md (between the markers)")
    sub = commands.add_parser("docs", help="build the site (docs/, the lessons, the API) into build/docs/")
    sub.add_argument("--executed", type=Path, help="show the lessons executed here when there (default "
                     "build/executed, which make results writes); the others as stored, never executed")
    sub.add_argument("--out", type=Path, help="the site's folder (default build/docs)")
    sub = commands.add_parser("assign", help="write student versions (solutions blanked) to student/")
    sub.add_argument("lessons", nargs="+", help="paths to lesson .ipynb files")
    sub = commands.add_parser("grade", help="grade a submission, or a class's (with --out)")
    sub.add_argument("paths", nargs="+", metavar="PATH", help="submitted .ipynb files, or folders of them")
    sub.add_argument("--out", type=Path, help="grade a class into this folder: grades.csv, reports, feedback")
    sub.add_argument("--jobs", type=int, default=1, help="submissions graded at once here (default 1)")
    sub.add_argument("--roster", type=Path, help="CSV with the columns file,student (who handed in what)")
    sub.add_argument("--scheduler", help="a Dask scheduler (tcp://HOST:8786): grade on its workers")
    sub.add_argument("--format", choices=("csv", "gradescope", "json"), default="csv",
                     help="besides grades.csv and the reports: gradescope results.json files, or grades.json")
    sub.add_argument("--force", action="store_true", help="grade again submissions already graded unchanged")
    sub.add_argument("--lesson",
                     help="the lesson it answers (01, 02, ...; default: from the notebook or its name)")
    sub.add_argument("--json", type=Path, help="also write the report here as JSON")
    sub.add_argument("--memory-gb", type=float, default=4, help="memory the submission may use (default 4)")
    sub.add_argument("--cell-timeout", type=float, default=300, help="seconds per cell (default 300)")
    sub.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run (default 1800)")
    sub.add_argument("--all-cells", action="store_true",
                     help="also run the cells after the last self-check (they cannot change the grade)")
    lms = sub.add_mutually_exclusive_group()
    lms.add_argument("--canvas", type=Path, metavar="GRADEBOOK.csv",
                     help="with --out: Canvas's gradebook export, filled in as DIR/canvas_import.csv")
    lms.add_argument("--moodle", type=Path, metavar="GRADES.csv",
                     help="with --out: Moodle's grade export, for DIR/moodle_import.csv")
    sub.add_argument("--assignment", metavar="NAME", help="the lesson's column in --canvas/--moodle: its "
                     "header, title or Canvas id (default: the one titled as the lesson, else a new column)")
    sub.add_argument("--missing", metavar="blank|zero", help="a student with no submission: the cell left as "
                     "exported (blank, the default) or 0")
    sub = commands.add_parser("release", help="the folder students get: student notebooks, labkit without "
                              "the answers, the self-checks' expected values as data")
    sub.add_argument("--out", type=Path, required=True, help="the folder to write (must not exist yet)")
    sub.add_argument("--through", help="release lessons 01 to this one only (default: all)")
    sub.add_argument("--repository", help="the students' GitHub repository (https://github.com/OWNER/NAME) "
                     "for the notebooks' Colab and Binder links (default: none: the course's has answers)")
    sub = commands.add_parser("autograder", help="Gradescope's autograder zip for a lesson")
    sub.add_argument("lesson", help="the lesson it grades (01, 02, ..., or a lesson's .ipynb path)")
    sub.add_argument("--out", type=Path, required=True, help="the zip to write (autograder.zip)")
    sub.add_argument("--visibility", default="visible", help="when students see each exercise's result on "
                     "Gradescope: visible (default), hidden, after_due_date or after_published")
    sub.add_argument("--memory-gb", type=float, default=4, help="memory a submission may use (default 4)")
    sub.add_argument("--cell-timeout", type=float, default=300, help="seconds per cell (default 300)")
    sub.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run (default 1800)")
    sub = commands.add_parser("similarity", help="pairs of students ranked by their exercise code's overlap")
    sub.add_argument("paths", nargs="+", metavar="PATH", help="submitted .ipynb files, or folders of them")
    sub.add_argument("--out", type=Path, required=True, help="folder for similarity.html and similarity.json")
    sub.add_argument("--lesson", help="the lesson they answer (01, 02, ...; default: the one most name)")
    sub.add_argument("--threshold", type=float, help="overall score from which a pair is flagged and shown "
                     "side by side (0 to 1; default: THRESHOLD in labkit/course/similarity.py)")
    sub.add_argument("--top", type=int, help="pairs listed, highest first (default: TOP there)")
    args = parser.parse_args(argv)

    from labkit import assign, grading, notebooks

    try:
        if args.command == "results":
            _results(args.readme)
        if args.command == "docs":
            from labkit import docs

            out = args.out or docs.OUT
            pages = docs.build(out, args.executed or docs.EXECUTED)
            print(f"{len(pages)} pages, no warning, no broken link or image: {out / 'index.html'}")
        if args.command == "assign":
            for path in assign.assign(args.lessons):
                print(f"wrote {path}")
        if args.command == "grade":
            _grade(args, grading)
        if args.command == "release":
            _release(args)
        if args.command == "similarity":
            _similarity(args)
        if args.command == "autograder":
            _autograder(args)
        for path in getattr(args, "notebooks", []):
            if args.command == "colab":
                print(f"{path}: {'links and Colab setup written' if _colab(path) else 'already up to date'}")
            elif args.command == "strip":
                print(f"{path}: {'stripped' if notebooks.strip(path) else 'already clean'}")
            elif args.command == "execute":
                written = notebooks.execute(path, args.output_dir, args.timeout)
                print(f"{path}: executed, written to {written}")
            else:
                print(f"{path}: executed, pinned outputs stored in {notebooks.pin(path)}")
    except (ValueError, FileNotFoundError, RuntimeError) as error:  # MarkerError is a ValueError
        print(f"labkit {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


def _colab(path):
    from labkit import colab, notebooks

    notebook = notebooks.read(path)
    before = notebooks.dumps(notebook)
    after = notebooks.dumps(colab.apply(notebook, Path(path)))
    if after != before:
        write_text_atomically(Path(path), after)
    return after != before


def _results(rewrite):
    from labkit import readme

    if not rewrite:
        print("\n\n".join(make() for make in (*readme.PAGE_PARTS.values(), *readme.PARTS.values())))
        return
    changed = readme.rewrite()
    print(f"README.md: rewrote {', '.join(changed)}" if changed else "README.md: already up to date")


def _release(args):
    from labkit.course import release

    print(f"wrote {release.build(args.out, args.through, args.repository)}")
    found = release.handed_out_later(release.lessons(args.through))
    for later, earlier, number in dict.fromkeys(found_line[:3] for found_line in found):
        print(f"note: {later.stem} holds the answer to {earlier.stem}'s exercise {number} as code of its "
              f"own: hand it out after {earlier.stem}'s deadline", file=sys.stderr)


def _autograder(args):
    from labkit.course import autograder
    from labkit.grading import release

    lesson = release.find_lesson(args.lesson, {}, args.lesson)
    settings = autograder.build(lesson, args.out, visibility=args.visibility, memory_gb=args.memory_gb,
                                cell_timeout=args.cell_timeout, total_timeout=args.timeout)
    print(f"wrote {args.out}: {lesson.stem}, {settings['exercises']} exercises worth {settings['points']:g} "
          f"points (set the Gradescope assignment's autograder points to that), results {args.visibility}")


def _grade(args, grading):
    """One submission: print its table (and --json). A class (--out): grade every PATH into it."""
    if not 0 < args.memory_gb < 2**20:
        raise ValueError(f"--memory-gb: expected a positive number of GiB, got {args.memory_gb}")
    if args.jobs < 1:
        raise ValueError(f"--jobs: expected a whole number >= 1, got {args.jobs}")
    limits = grading.Limits(memory_bytes=int(args.memory_gb * 2**30))
    options = {"cell_timeout": args.cell_timeout, "total_timeout": args.timeout, "all_cells": args.all_cells}
    if args.out is None:
        if len(args.paths) != 1 or Path(args.paths[0]).is_dir():
            raise ValueError("--out: needed to grade more than one submission (a folder for grades.csv)")
        if args.canvas or args.moodle:
            raise ValueError(f"--{'canvas' if args.canvas else 'moodle'}: needs --out DIR (a class to grade)")
        report = grading.grade(args.paths[0], lesson=args.lesson, limits=limits, **options)
        print(report.table())
        if args.json:
            write_text_atomically(args.json, report.to_json())
        return
    from labkit.course import gradebook
    from labkit.grading import batch

    roster = batch.read_roster(args.roster) if args.roster else None
    submissions = batch.collect(args.paths, roster)
    lesson = batch.class_lesson(submissions, args.lesson)
    book = gradebook.from_arguments(args, lesson, submissions)  # None without --canvas or --moodle
    rows = batch.grade_class(submissions, lesson, args.out, jobs=args.jobs, scheduler=args.scheduler,
                             formats=(args.format,), force=args.force, limits=limits, options=options)
    graded = [row for row in rows.values() if "max_points" in row]
    print(f"{len(rows)} submissions ({len(rows) - len(graded)} not gradable) -> {args.out / 'grades.csv'}; "
          f"the class at a glance: {args.out / 'class.html'}")
    if book is not None:
        print(gradebook.write(args.out, book, rows), end="")


def _similarity(args):
    from labkit.course import similarity

    chosen = {name: getattr(args, name) for name in ("threshold", "top") if getattr(args, name) is not None}
    result = similarity.report(args.paths, args.out, args.lesson, **chosen)
    skipped = len(result["not_compared"])
    also = f" ({skipped} could not be: see the report)" if skipped else ""
    print(f"{result['students']} students compared{also}, {result['pairs_above_threshold']} pairs at or "
          f"above {result['threshold']:g} -> {args.out / 'similarity.html'}")


if __name__ == "__main__":
    sys.exit(main())
