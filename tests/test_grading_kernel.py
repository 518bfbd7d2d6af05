"""The sandboxed kernel: what it lets a submission do, and what it stops.

Where this machine lacks a mechanism (no Landlock, no namespaces), the kernel says so in
``enforced`` and the test of that mechanism is skipped with that reason; on Linux 5.13+ with
namespaces (CI's machine) every test runs.
"""

from labkit import config
from labkit.grading.kernel import Kernel, Limits, Outcome

import socket
import tempfile
import time
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def kernel():
    scratch = Path(tempfile.mkdtemp(prefix="labkit-test-kernel-"))
    box = Kernel(scratch, Limits())
    yield box
    box.stop()


def _needs(kernel, item):
    if "not enforced" in kernel.enforced.get(item, "not enforced"):
        pytest.skip(f"{item}: {kernel.enforced.get(item)}")


def test_it_runs_code_and_reports_errors_and_output(kernel):
    assert kernel.run("print('hello'); x = 2", 30) == Outcome("", "", "hello\n")
    assert kernel.run("x / 0", 30).error == "ZeroDivisionError: division by zero"


def test_writes_only_in_its_scratch_folder(kernel):
    _needs(kernel, "files")
    assert kernel.run("open('inside.txt', 'w').write('ok')", 30).error == ""
    outside = Path(tempfile.gettempdir()) / "labkit-outside.txt"
    assert "PermissionError" in kernel.run(f"open({str(outside)!r}, 'w')", 30).error
    assert not outside.exists()


_REFUSED = ("PermissionError", "FileNotFoundError")  # refused by Landlock, or absent from bubblewrap's view


def test_the_course_checkout_is_unreadable_but_labkit_is_importable(kernel):
    _needs(kernel, "files")
    lesson = config.NOTEBOOKS_DIR / "01_rnn_from_scratch.ipynb"
    assert kernel.run(f"open({str(lesson)!r}).read()", 30).error.startswith(_REFUSED)
    assert kernel.run(f"open({str(config.REPO_ROOT / '.git' / 'HEAD')!r})", 30).error.startswith(_REFUSED)
    assert kernel.run("import labkit.text, labkit.probes", 30).error == ""
    assert kernel.run("from labkit import checks\nassert checks.__name__ == 'labkit.probes'", 30).error == ""


def test_no_network(kernel):
    _needs(kernel, "network")
    with socket.socket() as server:  # a server on the grader's loopback: the kernel cannot reach it
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
        assert kernel.run(code, 30).error  # refused, unreachable or not permitted: never connected


def test_a_killed_kernel_leaves_nothing_running():
    scratch = Path(tempfile.mkdtemp(prefix="labkit-test-kernel-"))
    box = Kernel(scratch, Limits(processes=3))
    _needs(box, "processes")
    code = ("import subprocess\n"
            "for _ in range(5):\n    subprocess.Popen(['sleep', '600'], start_new_session=True)")
    outcome = box.run(code, 30)
    assert outcome.breach.startswith("process limit"), outcome
    time.sleep(0.5)
    assert box.process.poll() is not None and box._tree() == []  # reaped, and nothing it started lives on
    box.stop()


def test_a_kernel_that_cannot_start_fails_fast_with_one_line():
    scratch = Path(tempfile.mkdtemp(prefix="labkit-test-kernel-"))
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^grading: the sandboxed kernel did not start \(memory limit"):
        Kernel(scratch, Limits(memory_bytes=1))
    assert time.monotonic() - start < 30
