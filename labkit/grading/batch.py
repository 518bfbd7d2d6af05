"""Grade a whole class: many submissions, in parallel, on one machine or a Dask cluster.

    python -m labkit grade PATH... --out DIR [--lesson NN] [--jobs N] [--roster roster.csv]
                           [--scheduler tcp://HOST:8786] [--format csv|gradescope|json] [--force]

PATH: notebooks, or folders of them (an LMS export with one folder per student, or one folder of
``<student>_01_rnn_from_scratch.ipynb`` files). The student id comes from the roster
(``file,student`` columns: a file name or relative path -> an id), else from the student's
folder, else from the file name less the lesson's name.

Each submission is one job, the same on both executors (``concurrent.futures``): a local pool
of ``--jobs`` processes, each kernel's threads capped at cores / jobs, or a ``dask.distributed``
client's executor. The job carries the submission's and the lesson's text, so a remote worker
needs only this package installed. Results come back here and are written atomically as they
arrive; ``grades.csv`` is rewritten after each, and at the end ``class.html`` and ``class.json``
summarise the class (:mod:`labkit.course.class_report`). A submission whose report is already in
``DIR/reports`` with the same content hash is not graded again (``--force`` regrades), so an
interrupted batch resumes where it stopped. A submission that cannot be graded gets a row with
its one-line error; it never stops the batch. So do a student id that cannot name a file in DIR
(a path, control characters: :func:`outputs.id_problem`), a student with two submissions, and a
submission of another lesson than the class's.
"""

from labkit.files import write_text_atomically
from labkit.grading import outputs

import csv
import hashlib
import json
import os
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

_VERSION = "labkit-grading-5"  # part of the content hash: bump when grading changes


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    error: str = ""  # why it is not graded (its row says so), or ""


def read_roster(path):
    """{file name or relative path: student id} from a CSV with ``file`` and ``student`` columns."""
    try:
        with open(path, newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    except OSError as error:
        raise ValueError(f"--roster: cannot read {path} ({error.strerror})") from None
    if not rows or not {"file", "student"} <= set(rows[0]):
        raise ValueError(f"--roster: {path} needs a header with the columns file,student")
    return {row["file"].strip(): row["student"].strip() for row in rows}


def _student_from_name(path):
    """The student a file name names: the name less a lesson's (``alice-01_rnn_from_scratch.ipynb``,
    Canvas's ``smithjohn_12345_67890_01_rnn_from_scratch.ipynb``), else the whole stem."""
    from labkit import config

    for lesson in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        if path.stem.endswith(lesson.stem) and path.stem != lesson.stem:
            return path.stem[: -len(lesson.stem)].strip("_- ") or path.stem
    return path.stem


def collect(paths, roster=None):
    """The submissions under ``paths`` (notebooks or folders), one per student id; a student id
    that cannot name a file, or that two submissions share, gets one with its one-line error."""
    found = []
    for given in map(Path, paths):
        if given.is_file():
            found.append((given, given.name, _student_from_name(given)))
        elif given.is_dir():
            for path in sorted(given.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in path.parts:
                    continue
                relative = path.relative_to(given)
                student = relative.parts[0] if len(relative.parts) > 1 else _student_from_name(path)
                found.append((path, str(relative), student))
        else:
            raise ValueError(f"PATH: no notebook or folder at {given}")
    if roster is not None:
        names = {name for _, relative, _ in found for name in (relative, Path(relative).name)}
        missing = sorted(set(roster) - names)
        if missing:
            missing = ", ".join(missing)
            raise ValueError(f"--roster: names files that are not among the submissions: {missing}")
        found = [(path, relative, roster.get(relative, roster.get(Path(relative).name, student)))
                 for path, relative, student in found]
    by_student = {}
    for path, relative, student in found:
        by_student.setdefault(student, []).append((path, relative))
    submissions = []
    for student, files in by_student.items():
        error = outputs.id_problem(student)
        if not error and len(files) > 1:
            names = ", ".join(relative for _, relative in files)
            error = (f"student {student}: {len(files)} submissions ({names}); expected one (remove the "
                     "others, or give each its own id in --roster)")
        submissions.append(Submission(outputs.printable(student) if error else student, files[0][0], error))
    if not submissions:
        raise ValueError(f"PATH: no .ipynb files in {', '.join(map(str, paths))}")
    return submissions


def class_lesson(submissions, lesson=None):
    """The release lesson the class answers: ``lesson``, else the one most submissions name (by
    their metadata or file name; unreadable ones are skipped; one naming another lesson gets its
    one-line error when graded); a one-line error if no lesson, or two equally often, are named."""
    from labkit.grading import release

    if lesson is not None:
        return release.find_lesson(submissions[0].path, {}, lesson)
    found = Counter()
    for submission in (s for s in submissions if not s.error):
        try:
            notebook = json.loads(submission.path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            notebook = {}
        try:
            found[release.find_lesson(submission.path, notebook if isinstance(notebook, dict) else {})] += 1
        except ValueError:
            continue
    ranked = found.most_common(2)
    if not ranked:
        raise ValueError("--lesson: needed, the submissions name no lesson")
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        names = " and ".join(sorted(p.stem for p, _ in ranked))
        raise ValueError(f"--lesson: needed, as many submissions name {names}")
    return ranked[0][0]


def _content_hash(submission, lesson_text):
    digest = hashlib.sha256(_VERSION.encode())
    for part in (submission.path.read_bytes(), lesson_text.encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def grade_job(job):
    """Grade one submission from its text (runs in a worker process, local or remote)."""
    from labkit import grading

    threads = job["threads"]
    if isinstance(threads, dict):  # on a Dask worker: this host's share
        from distributed import get_worker

        threads = threads.get(_host(get_worker().address), 1)
    os.environ.update({name: str(threads) for name in
                       ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")})
    with tempfile.TemporaryDirectory(prefix="labkit-job-") as folder:
        lesson = Path(folder) / "lesson" / job["lesson_name"]
        lesson.parent.mkdir()
        lesson.write_text(job["lesson"], encoding="utf-8")
        submission = Path(folder) / job["name"]
        submission.write_bytes(job["notebook"])
        try:
            report = grading.grade(submission, lesson=lesson, limits=grading.Limits(**job["limits"]),
                                   **job["options"])
        except (ValueError, RuntimeError) as error:
            return {"error": str(error).replace(f"{folder}{os.sep}", "")}  # the worker's folder means nothing
    report = asdict(report)
    report["submission"] = job["name"]
    return {"report": report}


def _host(address):
    return address.split("://")[-1].rsplit(":", 1)[0]


def executor(jobs=1, scheduler=None):
    """(a concurrent.futures executor, the threads each kernel may use): local processes with
    cores / jobs each, or a Dask cluster's executor with, per host, its cores / its workers."""
    if scheduler is None:
        import multiprocessing

        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
        return pool, max(1, (os.cpu_count() or 1) // jobs)
    from collections import Counter

    from distributed import Client

    try:
        client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as error:
        raise ValueError(f"--scheduler: no Dask scheduler answers at {scheduler} ({error})") from None
    cores = client.run(os.cpu_count)  # {worker address: cores of its machine}
    workers = Counter(_host(address) for address in cores)
    pool = client.get_executor(pure=False)  # two identical notebooks are two gradings, as in a local pool
    pool.client = client
    return pool, {_host(a): max(1, n // workers[_host(a)]) for a, n in cores.items()}


def grade_class(submissions, lesson, out, *, jobs=1, scheduler=None, formats=("csv",), force=False,
                limits=None, options=None, progress=True):
    """Grade ``submissions`` against ``lesson`` (a path) into ``out``; returns the grades.csv rows."""
    from labkit import assign, notebooks
    from labkit.course import class_report

    from tqdm.auto import tqdm

    out = Path(out)
    lesson_text = Path(lesson).read_text(encoding="utf-8")
    exercises = [e.number for e in assign.exercises(notebooks.read(lesson), Path(lesson).name)]
    rows, todo = {}, []
    for submission in submissions:
        if submission.error:  # nothing to grade: the row says why
            rows[submission.student] = outputs.row(submission.student, submission.path.name, None,
                                                   submission.error)
            continue
        digest = _content_hash(submission, lesson_text)
        saved = outputs.student_file(out, "reports", submission.student, ".json")
        previous = json.loads(saved.read_text()) if saved.is_file() else {}
        if previous.get("hash") == digest and not force:
            rows[submission.student] = outputs.row(submission.student, submission.path.name,
                                                   previous.get("report"), previous.get("error", ""))
        else:
            todo.append((submission, digest))
    pool, threads = executor(jobs, scheduler)
    try:
        futures = {pool.submit(grade_job, {
            "name": s.path.name, "notebook": s.path.read_bytes(), "lesson_name": Path(lesson).name,
            "lesson": lesson_text, "threads": threads, "limits": asdict(limits) if limits else {},
            "options": options or {}}): (s, digest) for s, digest in todo}
        bar = tqdm(as_completed(futures), total=len(futures), unit="submission", disable=not progress)
        for future in bar:
            submission, digest = futures[future]
            try:
                result = future.result()
            except Exception as error:  # a worker that died: the row says so, the batch goes on
                result = {"error": f"grading failed: {type(error).__name__}: {error}"}
            report = result.get("report")
            if report is not None:
                outputs.write_pages(out, submission.student, report, formats)
            write_text_atomically(outputs.student_file(out, "reports", submission.student, ".json"),
                                  json.dumps({"hash": digest, **result}, indent=1) + "\n")
            rows[submission.student] = outputs.row(submission.student, submission.path.name, report,
                                                   result.get("error", ""))
            write_text_atomically(out / "grades.csv", outputs.csv_text(rows.values(), exercises))
    finally:
        pool.shutdown(wait=True)
        if hasattr(pool, "client"):
            pool.client.close()
    write_text_atomically(out / "grades.csv", outputs.csv_text(rows.values(), exercises))
    if "json" in formats:
        ordered = sorted(rows.values(), key=lambda r: r["student"])
        write_text_atomically(out / "grades.json", json.dumps(ordered, indent=1) + "\n")
    class_report.write(out, rows.values(), exercises, Path(lesson).stem)
    return rows
