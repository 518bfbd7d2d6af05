"""Attacks on the grader, from where the threat model puts a student: the lines written in place
of a stub. Each must fail to earn a point or to touch another job, and the report says why.

On test_grade's synthetic lesson, exercise 2 (``sequence_loss``) is the attacker: its code runs
when the probe calls it, inside the probe's own frame.

- The answer key: labkit's judges, input generators and references cannot be imported or read;
  a result file forged through the probe's frame is judged like any other data, and fails.
- Each kernel alone: in a ``--jobs 2`` batch (and on Dask), a kernel finds no other job's folder,
  files or sockets, and the other student's grade is untouched.
- Every resource counted: memfd and shared memory, threads, bytes in the scratch folder, a
  decompression bomb as the probe's data, a judge that would run too long or too large.
- The machine: ``/etc/shadow``, another checkout and other processes' command lines.
"""

from labkit import checks, notebooks
from labkit.answers import REGISTRY as ANSWERS
from labkit.checks import probe
from labkit.checks.core import Check, Spec
from labkit.grading import batch
from labkit.grading.kernel import Kernel, Limits

import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import test_grade
from test_grade import SOLUTIONS, _fill, _grade, _statuses

lesson = test_grade.lesson  # the fixture
REFUSED = ("PermissionError", "FileNotFoundError")  # refused by Landlock, or absent from the kernel's view


def _attack(tmp_path, lesson, code, **options):
    """The report of a submission whose exercise 2 is ``code`` (indented into the function)."""
    body = "\n".join("    " + line for line in code.strip("\n").split("\n"))
    return _grade(tmp_path, _fill({**SOLUTIONS, 2: body}), lesson, **options)


def _assert_only_the_attack_fails(report):
    assert _statuses(report) == ["passed", "failed", "passed"], report.table()
    assert report.points == 2


KEY_IMPORT = """
import numpy as np
from labkit.answers import reference  # the judges' NumPy solutions
per_step = reference.cross_entropy(y_ids, logits.astype("float64"))
return float((per_step * step_mask).sum(axis=1).mean())
"""
KEY_READ = """
source = open(__import__("labkit").__file__.replace("__init__.py", "answers/reference.py")).read()
namespace = {}
exec(source, namespace)
per_step = namespace["cross_entropy"](y_ids, logits.astype("float64"))
return float((per_step * step_mask).sum(axis=1).mean())
"""


@pytest.mark.parametrize("code", [KEY_IMPORT, KEY_READ], ids=["import", "read by path"])
def test_the_answer_key_cannot_be_imported_or_read_in_the_kernel(tmp_path, lesson, code):
    report = _attack(tmp_path, lesson, code)
    _assert_only_the_attack_fails(report)
    message = report.exercises[1].message
    assert any(error in message for error in ("ModuleNotFoundError", *REFUSED)), message


STACK_WALK = """
import sys, numpy as np
import labkit.probes as probes
frame, seen = sys._getframe(), []
while frame is not None:  # up to labkit.probes.run: its locals hold the paths and what it was given
    if frame.f_code.co_name == "run" and "result_path" in frame.f_locals:
        break
    frame = frame.f_back
local = frame.f_locals
seen = sorted(local)
print("run's locals:", seen)
print("a seed anywhere:", "seed" in repr(local["given"]))
forged = {"loss_every_step": np.array(float(logits.mean())), "loss_with_padding": np.array(0.5)}
probes.write(local["result_path"], forged)
if probes.write.__name__ == "write":  # the probe's own write, once, is skipped
    probes.write = lambda path, arrays, _write=probes.write: setattr(probes, "write", _write)
return 0.0
"""


def test_a_result_file_forged_through_the_probes_frame_is_judged_and_fails(tmp_path, lesson):
    report = _attack(tmp_path, lesson, STACK_WALK)
    _assert_only_the_attack_fails(report)
    attack = report.exercises[1]
    assert "a seed anywhere: False" in attack.printed, attack.printed  # the kernel is given arrays only
    assert attack.message.startswith("the loss with every step real"), attack.message  # forged data, judged


BOMB = """
import sys, zipfile
frame = sys._getframe()
while "result_path" not in frame.f_locals:
    frame = frame.f_back
with zipfile.ZipFile(frame.f_locals["result_path"], "w", zipfile.ZIP_DEFLATED) as archive:
    with archive.open("loss_every_step.npy", "w", force_zip64=True) as member:
        member.write(b"\\x93NUMPY\\x01\\x00v\\x00{'descr': '<f8', 'fortran_order': False, "
                     b"'shape': (2000000000,), }" + b" " * 50 + b"\\n")
        block = bytes(2**20)
        for _ in range(200):  # 200 MiB of zeros, a fraction of a MiB on disk
            member.write(block)
import labkit.probes as probes
if probes.write.__name__ == "write":  # the probe's own write, once, is skipped
    probes.write = lambda path, arrays, _write=probes.write: setattr(probes, "write", _write)
return 0.0
"""


def test_a_decompression_bomb_as_the_probes_data_fails_its_exercise_only(tmp_path, lesson):
    report = _attack(tmp_path, lesson, BOMB)
    _assert_only_the_attack_fails(report)
    assert report.exercises[1].message == "the check's data would decompress to over 64 MiB"


def test_the_judge_reads_no_member_past_the_cap_and_runs_under_a_time_and_memory_bound(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("y.npy", "w", force_zip64=True) as member:
            for _ in range(100):
                member.write(bytes(2**20))
    assert bomb.stat().st_size < 2**20
    assert probe.load(str(bomb)) == "the check's data would decompress to over 64 MiB"
    good = tmp_path / "good.npz"
    np.savez(good, y=np.zeros(3))

    def slow(expected, data):
        while True:
            pass

    def greedy(expected, data):
        return np.ones(2**33, dtype=np.uint8)  # 8 GiB

    for name, compare in (("slow", slow), ("greedy", greedy)):
        monkeypatch.setitem(checks.REGISTRY, name, Check(name, name, None, compare))
        monkeypatch.setitem(ANSWERS, name, (lambda spec: None, lambda spec: None))
    took = probe.judged("slow", Spec(), str(good), seconds=2)
    assert took == (False, "judging the check's data took over 2 s", 0.0)
    assert probe.judged("greedy", Spec(), str(good), memory_bytes=2**30) == (
        False, "judging the check's data needs over 1 GiB", 0.0)


@pytest.fixture(scope="module")
def kernel():
    box = Kernel(Path(tempfile.mkdtemp(prefix="labkit-test-attacks-")), Limits())
    yield box
    box.stop()


def _fresh(**limits):
    return Kernel(Path(tempfile.mkdtemp(prefix="labkit-test-attacks-")), Limits(**limits))


def _needs(box, item, words):
    if words not in box.enforced.get(item, ""):
        pytest.skip(f"{item}: {box.enforced.get(item)}")


def test_the_kernel_reads_neither_etc_shadow_nor_another_checkout_nor_other_processes(kernel, tmp_path):
    _needs(kernel, "files", "allow-list")
    other = tmp_path / "another-course" / "notebooks"
    other.mkdir(parents=True)
    (other / "01_rnn_from_scratch.ipynb").write_text("the solutions")
    other.chmod(0o755)
    for path in ("/etc/shadow", other / "01_rnn_from_scratch.ipynb", Path.home() / ".bashrc"):
        assert kernel.run(f"open({str(path)!r}).read()", 30).error.startswith(REFUSED), path
    _needs(kernel, "view", "bubblewrap")
    code = "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))"
    assert kernel.run(code, 30).printed.strip() in ("[1, 2]", "[1, 2, 3]")  # its own processes only


HOLD_MEMFD = """import os
block = bytes(2**20)
for _ in range(4):  # files are capped at 256 MiB each: four memfds of 200 MiB
    fd = os.memfd_create('hold')
    for _ in range(200):
        os.write(fd, block)"""
HOLD_SHM = """block = bytes(2**20)
for n in range(4):
    with open(f'/dev/shm/hold-{n}', 'wb') as f:
        for _ in range(200):
            f.write(block)"""


@pytest.mark.parametrize("code", [HOLD_MEMFD, HOLD_SHM], ids=["memfd", "shared memory"])
def test_memory_in_a_memfd_or_in_shared_memory_is_counted(code):
    box = _fresh(memory_bytes=512 * 2**20)
    if "/dev/shm" in code:
        _needs(box, "view", "bubblewrap")
    outcome = box.run(code + "\nimport time\ntime.sleep(5)", 60)
    box.stop()
    assert outcome.breach.startswith("memory limit"), outcome


def test_threads_are_counted():
    box = _fresh(tasks=128)
    code = ("import threading, time\nfor _ in range(2000):\n"
            "    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()")
    outcome = box.run(code, 60)
    box.stop()
    assert outcome.breach.startswith("task limit"), outcome


def test_the_scratch_folders_total_size_is_counted():
    box = _fresh(scratch_bytes=64 * 2**20)
    code = ("import time\nblock = bytes(2**20)\nfor n in range(20):\n    with open(f'fill-{n}', 'wb') as f:\n"
            "        for _ in range(8):\n            f.write(block)\ntime.sleep(3)")
    outcome = box.run(code, 60)
    box.stop()
    assert outcome.breach.startswith("disk limit"), outcome


SNOOP = """
import glob, os, socket, time
own = os.getcwd().rsplit("/", 1)[0]  # this kernel's scratch folder
found, connected = set(), []
deadline = time.monotonic() + 12
while time.monotonic() < deadline:  # while the other student is graded beside us
    for pattern in ("/tmp/labkit-*", "/tmp/labkit-*/**/*", "/tmp/*/labkit-*/**/*"):
        found.update(p for p in glob.glob(pattern, recursive=True)
                     if not (own.startswith(p) or p.startswith(own)))
    for path in list(found):
        if "ipc" in path:
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(path)
                    connected.append(path)
            except OSError:
                pass
        elif path.endswith((".json", ".ipynb", ".npz")):
            try:
                open(path, "rb").read()
                connected.append(path)
            except OSError:
                pass
    time.sleep(0.2)
print("own folder seen:", bool(glob.glob(own + "/**/*.json", recursive=True)))  # the search itself works
print("found", sorted(found)[:5], "reached", connected[:5])
return 0.0
"""


@pytest.mark.parametrize("where", ["jobs 2", "dask"])
def test_a_kernel_reaches_no_other_jobs_files_or_sockets(tmp_path, lesson, where):
    folder = tmp_path / "class"
    for student, answers in (("mallory", {**SOLUTIONS, 2: "\n".join("    " + line for line in
                                                                    SNOOP.strip("\n").split("\n"))}),
                             ("victor", SOLUTIONS)):
        (folder / student).mkdir(parents=True)
        (folder / student / "01_demo.ipynb").write_text(notebooks.dumps(_fill(answers)))
    submissions, out = batch.collect([folder]), tmp_path / "out"
    options = {"options": {"cell_timeout": 30, "total_timeout": 120}, "progress": False}
    if where == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        with cluster:
            batch.grade_class(submissions, lesson, out, scheduler=cluster.scheduler_address, **options)
    else:
        batch.grade_class(submissions, lesson, out, jobs=2, **options)
    reports = {student: json.loads((out / "reports" / f"{student}.json").read_text())["report"]
               for student in ("mallory", "victor")}
    assert reports["victor"]["score"] == 100.0
    printed = reports["mallory"]["exercises"][1]["printed"]
    assert "own folder seen: True" in printed and "reached []" in printed and "found []" in printed, printed
