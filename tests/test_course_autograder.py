"""Gradescope's autograder zip (labkit.course.autograder) for test_grade's synthetic lesson.

The zip is unpacked into a scratch root laid out like Gradescope's ``/autograder`` (``source/``,
``submission/``, ``results/``; ``LABKIT_AUTOGRADER_ROOT`` names it) and its ``run_autograder`` runs
as a subprocess, as Gradescope runs it, once per submission: honest, buggy, untouched, forged,
hostile (it writes Gradescope's results itself, and leaves a process to do it later), malformed,
none, two notebooks, another lesson's (test_batch's class and test_grade's forgeries).
This venv's Python stands in for the one ``setup.sh`` installs (``LABKIT_AUTOGRADER_PYTHON``); it
imports labkit from the zip's copy, which ``run_autograder`` puts first on ``PYTHONPATH``. Every
``results.json`` is validated against a JSON Schema written from Gradescope's specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/), and its scores are the ones
test_batch expects of the same notebooks. The zip itself: the lesson and labkit's code byte for
byte, no caches, venv or student notebook, scripts bash can parse, the same bytes when built twice.
"""

from labkit import config, notebooks
from labkit.__main__ import main
from labkit.course import autograder

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest
import test_batch
import test_grade
from test_grade import CHECK_CELLS, FORGERIES, LESSON, PRINT_PASS, SOLUTIONS, WRONG, _fill

_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
_NUMBER, _TEXT = {"type": "number"}, {"type": "string"}
SPEC = {  # Gradescope's results.json, every field the spec names and no other
    "type": "object", "additionalProperties": False,
    "properties": {
        "score": _NUMBER, "execution_time": _NUMBER, "output": _TEXT, "output_format": _FORMAT,
        "test_output_format": _FORMAT, "test_name_format": _FORMAT, "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY, "extra_data": {"type": "object"},
        "max_score": _NUMBER,  # the one field not in the spec: labkit's (outputs.gradescope's docstring)
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "properties": {"score": _NUMBER, "max_score": _NUMBER, "status": {"enum": ["passed", "failed"]},
                           "name": _TEXT, "name_format": _FORMAT, "number": _TEXT, "output": _TEXT,
                           "output_format": _FORMAT, "tags": {"type": "array", "items": _TEXT},
                           "visibility": _VISIBILITY, "extra_data": {"type": "object"}}}},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"], "additionalProperties": False,
            "properties": {"name": _TEXT, "value": {"type": ["number", "string"]},
                           "order": {"enum": ["asc", "desc"]}}}},
    },
    "anyOf": [{"required": ["score"]},  # a score at the top, or on every test
              {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}}],
}
LABKIT = {"allOf": [SPEC, {  # and what issue 37 asks of labkit's: these fields, always
    "required": ["score", "execution_time", "output", "tests"],
    "properties": {"tests": {"items": {"required": ["name", "score", "max_score", "status", "output",
                                                    "visibility"]}}}}]}

VISIBILITY = "after_due_date"  # not the default, so that the flag is seen to reach every test
# exercise 1 a wrong answer printing PASS, its check cell edited to print PASS; 2 patches the checks; 3 honest
FORGED = _fill({1: WRONG[1] + "\n    " + PRINT_PASS,
                2: FORGERIES["labkit.checks and NumPy monkeypatched"][0].format(wrong=WRONG[2], indent="    ",
                                                                                 key="sequence_loss"),
                3: SOLUTIONS[3]})
FORGED["cells"][CHECK_CELLS[1]]["source"] = PRINT_PASS


def _batch_points(student):
    """The exercises' points test_batch expects of its student's notebook (its grades.csv row)."""
    return [float(points) for points in test_batch.CLASS[student][1].split(",")[:3]]


# exercise 1 right, and on the side a forged results.json written where Gradescope reads it, now and by a
# process left behind; {ROOT} is the scratch root standing in for /autograder, which a student knows
HOSTILE = _fill({1: SOLUTIONS[1] + """
    import json as _json, subprocess as _subprocess
    _forged = _json.dumps({"score": 100, "output": "forged", "tests": []})
    for _path in ("{ROOT}/results/results.json", "/autograder/results/results.json"):
        try:
            open(_path, "w").write(_forged)
        except OSError:
            pass
    _subprocess.Popen(["sh", "-c", "sleep 4; echo '" + _forged + "' > {ROOT}/results/results.json"])"""})
ROOTS = {}  # case -> its scratch root, kept for the checks made after the run


GRADED = {  # case -> (the submission's files, the points expected per exercise)
    "honest": ({"01_demo.ipynb": test_batch.CLASS["alice"][0]}, _batch_points("alice")),
    "buggy": ({"01_demo.ipynb": test_batch.CLASS["bob"][0]}, _batch_points("bob")),
    "untouched": ({"01_demo.ipynb": test_batch.CLASS["carol"][0]}, _batch_points("carol")),
    "forged": ({"my answers.ipynb": notebooks.dumps(FORGED)}, [0.0, 0.0, 1.0]),
    "hostile": ({"01_demo.ipynb": notebooks.dumps(HOSTILE)}, [1.0, 0.0, 0.0]),
}
ANOTHER = _fill(SOLUTIONS)
ANOTHER["metadata"]["labkit"] = {"lesson": "02_other"}
NOT_GRADED = {  # case -> (the submission's files, what its output says)
    "malformed": ({"01_demo.ipynb": test_batch.CLASS["erin"][0]},
                  "submission: 01_demo.ipynb is not valid notebook JSON ("),  # named as the student named it
    "no notebook": ({"answers.py": "x = 1\n", "notes/readme.txt": "hi"},
                    "no notebook (found: answers.py, notes/readme.txt); expected one .ipynb file"),
    "two notebooks": ({"01_demo.ipynb": test_batch.CLASS["alice"][0], "old/01_demo.ipynb": "{}"},
                      "2 notebooks (01_demo.ipynb, old/01_demo.ipynb); expected one .ipynb file"),
    "another lesson": ({"01_demo.ipynb": notebooks.dumps(ANOTHER)},
                       "is lesson 02_other's notebook, not 01_demo's"),
}
IN_THIS_PROCESS = ("two notebooks", "another lesson")  # the CPU a subprocess takes, saved


def _unpack(archive, root):
    """The zip as Gradescope lays it out: source/ holds it, run_autograder is copied to the root."""
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(root / "source")
    (root / "run_autograder").write_bytes((root / "source" / "run_autograder").read_bytes())
    (root / "run_autograder").chmod(0o755)
    (root / "results").mkdir()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("autograder")
    (folder / "01_demo.ipynb").write_text(notebooks.dumps(LESSON))
    archive = folder / "autograder.zip"
    autograder.build(folder / "01_demo.ipynb", archive, visibility=VISIBILITY, cell_timeout=20,
                     total_timeout=120)
    return archive


@pytest.fixture(scope="module")
def runs(built, tmp_path_factory):
    """{case: (exit status, results.json)}: every case's run_autograder, all at once; the two cases
    that need no kernel beyond issue 37's six run in this process (autograder.run, what it runs)."""
    started, done = {}, {}
    for case, (files, _) in {**GRADED, **NOT_GRADED}.items():
        root = ROOTS[case] = tmp_path_factory.mktemp(case.replace(" ", "_"))
        _unpack(built, root)
        for name, text in files.items():
            (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "submission" / name).write_text(text.replace("{ROOT}", str(root)))
        if case in IN_THIS_PROCESS:
            done[case] = (autograder.run(root), json.loads((root / "results" / "results.json").read_text()))
            continue
        env = {**os.environ, "LABKIT_AUTOGRADER_ROOT": str(root), "LABKIT_AUTOGRADER_PYTHON": sys.executable}
        started[case] = (root, subprocess.Popen([str(root / "run_autograder")], cwd=root, env=env,
                                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for case, (root, process) in started.items():
        printed, _ = process.communicate(timeout=300)
        results = root / "results" / "results.json"
        assert results.is_file(), f"{case}: no results.json; run_autograder printed:\n{printed}"
        graded_by = (root / "source" / "labkit").resolve()  # the zip's labkit, not this checkout's
        assert f"labkit {graded_by} grades" in printed
        done[case] = (process.returncode, json.loads(results.read_text()))
    return done


@pytest.mark.parametrize("case", sorted({**GRADED, **NOT_GRADED}))
def test_every_results_json_is_valid_against_the_spec(runs, case):
    status, results = runs[case]
    assert status == 0
    jsonschema.Draft202012Validator(LABKIT).validate(results)


@pytest.mark.parametrize("case", sorted(GRADED))
def test_a_graded_submission_gets_the_points_grading_gives_it(runs, case):
    _, results = runs[case]
    expected = GRADED[case][1]
    assert [test["score"] for test in results["tests"]] == expected
    assert results["score"] == sum(expected) and [t["max_score"] for t in results["tests"]] == [1.0] * 3
    assert [t["status"] for t in results["tests"]] == ["passed" if p == 1 else "failed" for p in expected]
    assert {t["visibility"] for t in results["tests"]} == {VISIBILITY}
    assert [t["name"] for t in results["tests"]] == [
        "Exercise 1 (positional_encoding)", "Exercise 2 (sequence_loss)", "Exercise 3 (input_gradients)"]
    assert results["output"].startswith(f"{100 * sum(expected) / 3:.0f}% on 01_demo")
    assert all("\n" not in t["output"] for t in results["tests"])


def test_each_test_says_what_its_check_said(runs):
    buggy, untouched, forged = (runs[case][1]["tests"] for case in ("buggy", "untouched", "forged"))
    assert buggy[1]["output"].startswith("the loss with every step real")  # test_grade's wrong answer's hint
    assert {t["output"] for t in untouched} == {"still raises NotImplementedError"}
    assert not any("[PASS]" in t["output"] for t in forged)
    assert "were ignored: " in runs["forged"][1]["output"]  # the edited check cell


def test_a_submission_cannot_write_the_results_gradescope_reads_not_even_after_its_run(runs):
    time.sleep(5)  # past the process the hostile submission left behind, had it outlived its kernel
    results = json.loads((ROOTS["hostile"] / "results" / "results.json").read_text())
    assert results == runs["hostile"][1] and results["score"] == 1.0 and "forged" not in json.dumps(results)


@pytest.mark.parametrize("case", sorted(NOT_GRADED))
def test_a_submission_that_cannot_be_graded_scores_0_saying_why_in_one_line(runs, case):
    _, results = runs[case]
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith("Not graded: submission: ")
    assert NOT_GRADED[case][1] in results["output"]
    assert "\n" not in results["output"]


def test_a_grader_that_fails_says_so_and_exits_1(built, tmp_path, monkeypatch):
    _unpack(built, tmp_path)
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "01_demo.ipynb").write_text(test_batch.CLASS["alice"][0])

    def no_sandbox(*args, **kwargs):
        raise RuntimeError("grading: the sandboxed kernel did not start (bwrap: no permission)")

    monkeypatch.setattr(autograder.grading, "grade", no_sandbox)
    assert autograder.run(tmp_path) == 1
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    jsonschema.Draft202012Validator(LABKIT).validate(results)
    assert results["score"] == 0
    assert results["output"].startswith("The autograder failed (grading: the sandboxed kernel did not start")


def test_run_autograder_without_setup_says_what_to_do_in_one_line(built, tmp_path):
    _unpack(built, tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "LABKIT_AUTOGRADER_PYTHON"}
    env["LABKIT_AUTOGRADER_ROOT"] = str(tmp_path)
    done = subprocess.run([str(tmp_path / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=60)
    said = f"run_autograder: no Python at {tmp_path}/venv/bin/python: run setup.sh first, or set "
    assert done.returncode == 1 and done.stderr == said + "LABKIT_AUTOGRADER_PYTHON\n"


def test_the_zip_holds_the_lesson_and_labkits_code_and_nothing_else(built, tmp_path):
    package = Path(autograder.__file__).resolve().parent.parent
    with zipfile.ZipFile(built) as opened:
        names = set(opened.namelist())
        code = {name: opened.read(name) for name in names if name.startswith("labkit/")}
        lesson = opened.read("notebooks/01_demo.ipynb")
        modes = {name: opened.getinfo(name).external_attr >> 16 for name in ("setup.sh", "run_autograder")}
    assert names - set(code) == {"setup.sh", "run_autograder", "requirements.txt", "autograder.json",
                                 "pyproject.toml", "README.md", "notebooks/01_demo.ipynb"}
    assert lesson == notebooks.dumps(LESSON).encode()
    on_disk = {f"labkit/{p.relative_to(package).as_posix()}": p for p in package.rglob("*.py")
               if "__pycache__" not in p.parts}
    assert set(on_disk) <= set(code) and all(code[name] == on_disk[name].read_bytes() for name in on_disk)
    left_out = ("__pycache__", ".pyc", ".venv", ".ipynb_checkpoints", "student", "results/", "tests/")
    assert not [name for name in names if any(part in name for part in left_out)]
    assert all(mode & 0o111 for mode in modes.values())
    for script in modes:  # bash parses both
        with zipfile.ZipFile(built) as opened:
            opened.extract(script, tmp_path)
        assert subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True).returncode == 0


def test_caches_and_compiled_files_are_left_out(tmp_path):
    for name in ("a.py", "__pycache__/a.pyc", "b.pyc", "sub/c.py", "sub/data.json", ".ruff_cache/x",
                 "sub/.ipynb_checkpoints/c-checkpoint.py", "sub/__pycache__/c.pyc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    kept = [p.relative_to(tmp_path).as_posix() for p in autograder._source_files(tmp_path)]
    assert kept == ["a.py", "sub/c.py", "sub/data.json"]


def test_setup_installs_the_sandbox_and_cpu_tensorflow_but_not_the_dev_tools(built):
    with zipfile.ZipFile(built) as opened:
        setup, requirements = opened.read("setup.sh").decode(), opened.read("requirements.txt").decode()
        settings = json.loads(opened.read("autograder.json"))
    assert "bubblewrap" in setup and "python3-venv" in setup and "-r requirements.txt" in setup
    lines = [line for line in requirements.splitlines() if not line.startswith("#")]
    assert any(line.startswith("tensorflow-cpu") for line in lines) and "-e .[lessons]" in lines
    assert any(line.startswith("nbformat") for line in lines)
    assert not any(tool in requirements for tool in ("dev]", "pytest", "jupyterlab", "selenium"))
    assert settings == {"lesson": "notebooks/01_demo.ipynb", "points": 3.0, "exercises": 3,
                        "visibility": VISIBILITY, "memory_gb": 4, "cell_timeout": 20, "total_timeout": 120}


def test_the_same_lesson_makes_the_same_zip(built, tmp_path):
    again = tmp_path / "again.zip"
    autograder.build(built.parent / "01_demo.ipynb", again, visibility=VISIBILITY, cell_timeout=20,
                     total_timeout=120)
    assert again.read_bytes() == built.read_bytes()


def test_the_command_finds_lesson_01_by_its_number(tmp_path, capsys):
    out = tmp_path / "autograder.zip"
    assert main(["autograder", "01", "--out", str(out)]) == 0
    [lesson] = sorted(config.NOTEBOOKS_DIR.glob("01_*.ipynb"))
    with zipfile.ZipFile(out) as opened:
        assert [n for n in opened.namelist() if n.endswith(".ipynb")] == [f"notebooks/{lesson.name}"]
        assert opened.read(f"notebooks/{lesson.name}") == lesson.read_bytes()
    assert capsys.readouterr().out.startswith(f"wrote {out}: {lesson.stem}, ")


@pytest.mark.parametrize("arguments, error", [
    (["01", "--out", "autograder.tar"], "out: expected a path ending in .zip"),
    (["01", "--out", "a.zip", "--visibility", "secret"], "visibility: expected one of visible, hidden, "),
    (["01", "--out", "a.zip", "--memory-gb", "0"], "memory_gb: expected a positive number of GiB"),
    (["01", "--out", "a.zip", "--cell-timeout", "0"], "cell_timeout: expected a number of seconds >= 1"),
    (["99", "--out", "a.zip"], "lesson: no lesson '99'"),
    ("no exercises", "01_plain.ipynb has no exercises (no BEGIN SOLUTION region)"),
])
def test_bad_input_is_a_one_line_error_and_no_zip(tmp_path, capsys, monkeypatch, arguments, error):
    monkeypatch.chdir(tmp_path)
    if arguments == "no exercises":
        plain = test_grade._notebook(test_grade._code("x = 1"))
        (tmp_path / "01_plain.ipynb").write_text(notebooks.dumps(plain))
        arguments = [str(tmp_path / "01_plain.ipynb"), "--out", "a.zip"]
    assert main(["autograder", *arguments]) == 2
    said = capsys.readouterr().err
    assert said.startswith("labkit autograder: ") and error in said and said.count("\n") == 1
    assert list(tmp_path.glob("*.zip")) == []
