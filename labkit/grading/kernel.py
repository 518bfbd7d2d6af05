"""One submission's kernel, run in :mod:`labkit.grading.sandbox` and watched from outside.

    kernel = Kernel(scratch, limits, protected=[course_checkout])
    outcome = kernel.run("x = 1", timeout=60)   # Outcome(breach="", error="", printed="")
    kernel.stop()

The grader's process never runs student code. It talks to the kernel over Unix sockets in the
scratch folder, reads only what the kernel sends (kept up to ``PRINTED_KEPT`` characters a
cell for the report) and enforces the limits itself: a watchdog thread sums the resident
memory of every process the kernel started and counts them; output is counted as it arrives;
the wall time of each cell is bounded. A breach kills the whole sandbox, and the cell's
:class:`Outcome` says which limit it broke, in one line.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PRINTED_KEPT = 4000
# How each breach's one-line reason starts (reports and grades.csv's notes key on these words).
DIED, MEMORY, PROCESSES = "the kernel died", "memory limit", "process limit"
TIME, OUTPUT = "time limit", "output limit"
BREACHES = (DIED, MEMORY, PROCESSES, TIME, OUTPUT)
_ENV_KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHASHSEED",
             "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
             "TF_NUM_INTEROP_THREADS")


@dataclass(frozen=True)
class Limits:
    """What one submission may use; the defaults suit every lesson in fast mode with room to spare."""

    memory_bytes: int = 4 * 2**30
    output_bytes: int = 4 * 2**20
    processes: int = 8
    file_bytes: int = 256 * 2**20

    def __post_init__(self):
        for name, value in vars(self).items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive whole number, got {value!r}")


@dataclass(frozen=True)
class Outcome:
    breach: str  # the limit the cell broke (the kernel is gone), or ""
    error: str  # "Name: message" of an exception the cell raised, or ""
    printed: str  # the start of what the cell printed


class Kernel:
    def __init__(self, scratch, limits, protected=(), env=None):
        self.scratch, self.limits, self.breach = Path(scratch), limits, ""
        home = self.scratch / "home"
        for folder in ("notebooks", "home", "tmp", "ipc"):
            (self.scratch / folder).mkdir(exist_ok=True)
        environment = {name: os.environ[name] for name in _ENV_KEPT if name in os.environ}
        environment.update(env or {}, HOME=str(home), TMPDIR=str(self.scratch / "tmp"),
                           MPLCONFIGDIR=str(home / ".matplotlib"), IPYTHONDIR=str(home / ".ipython"),
                           PYTHONUNBUFFERED="1", LABKIT_ROOT=str(self.scratch))
        self._start(environment, protected)

    def _start(self, environment, protected):
        import labkit
        from labkit.grading import sandbox

        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        connection, _ = write_connection_file(str(self.scratch / "kernel.json"), transport="ipc",
                                              ip=str(self.scratch / "ipc" / "kernel"))
        if sandbox.runs_as_nobody():  # let `nobody` work in its folder
            for path in [self.scratch, *self.scratch.rglob("*")]:
                os.chown(path, sandbox.NOBODY, sandbox.NOBODY)
        readable = {Path(labkit.__file__).parent, Path(sys.prefix), Path(sys.base_prefix)}
        readable |= {Path(p) for p in sys.path if p and Path(p).is_dir() and "site-packages" in p}
        if os.geteuid() == 0:
            protected = [*protected, Path.home()]
        settings = {"scratch": str(self.scratch), "protected": [str(p) for p in protected],
                    "readable": sorted(map(str, readable)), "file_bytes": self.limits.file_bytes}
        command = [sys.executable, "-m", "labkit.grading.sandbox", json.dumps(settings), "--",
                   sys.executable, "-m", "ipykernel_launcher", "-f", connection]
        with open(self.scratch / "kernel.log", "wb") as log:
            self.process = subprocess.Popen(command, env=environment, cwd=self.scratch / "notebooks",
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                            start_new_session=True)
        self.client = BlockingKernelClient()
        self.client.load_connection_file(connection)
        self.client.start_channels()
        self._watching = True
        self._watchdog = threading.Thread(target=self._watch, daemon=True)
        self._watchdog.start()
        deadline = time.monotonic() + 120
        while True:
            try:
                self.client.wait_for_ready(timeout=1)
                break
            except RuntimeError:
                if self.breach or time.monotonic() > deadline:
                    self.kill(self.breach or "no answer in 120 s")
                    log = (self.scratch / "kernel.log").read_text(errors="replace").strip().splitlines()
                    raise RuntimeError(f"grading: the sandboxed kernel did not start ({self.breach}; "
                                       f"{log[-1] if log else 'no log'})") from None
        self.enforced = json.loads((self.scratch / "sandbox.json").read_text())

    def _tree(self):
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def _check(self):
        """Kill the sandbox if it died or is over its memory or process limit; returns the breach."""
        import psutil

        if self.process.poll() is not None:
            self.breach = self.breach or f"{DIED} (exit status {self.process.returncode})"
            return self.breach
        tree, memory = self._tree(), 0
        for process in tree:
            try:
                memory += process.memory_info().rss
            except psutil.Error:
                pass
        if memory > self.limits.memory_bytes:
            self.kill(f"{MEMORY}: the kernel used over {self.limits.memory_bytes / 2**30:.3g} GiB")
        elif len(tree) > self.limits.processes + 2:  # the sandbox and the kernel
            self.kill(f"{PROCESSES}: the kernel started over {self.limits.processes} processes")
        return self.breach

    def _watch(self):
        while self._watching and not self._check():
            time.sleep(0.05)

    def kill(self, reason):
        """Stop everything in the sandbox now; ``reason`` becomes the breach."""
        self.breach = self.breach or reason
        for process in reversed(self._tree()):
            try:
                process.send_signal(signal.SIGKILL)
            except Exception:  # already gone
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def run(self, code, timeout):
        """Execute ``code``; an :class:`Outcome` within ``timeout`` seconds, whatever the code does."""
        if self.breach:
            return Outcome(self.breach, "", "")
        message_id = self.client.execute(code, store_history=False, allow_stdin=False)
        deadline, printed, error, size = time.monotonic() + timeout, [], "", 0
        while not self.breach:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill(f"{TIME}: the cell ran longer than {timeout:.0f} s")
                break
            try:
                message = self.client.get_iopub_msg(timeout=min(left, 0.2))
            except Exception:  # queue.Empty: nothing yet
                continue
            if message.get("parent_header", {}).get("msg_id") != message_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                return Outcome(self._check(), error, "".join(printed)[:PRINTED_KEPT])
            size += len(json.dumps(content))
            if size > self.limits.output_bytes:
                self.kill(f"{OUTPUT}: the cell printed over {self.limits.output_bytes / 2**20:.3g} MiB")
            elif kind == "stream" and sum(map(len, printed)) < PRINTED_KEPT:
                printed.append(content.get("text", ""))
            elif kind == "error":
                error = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}".strip()
        return Outcome(self.breach, error, "".join(printed)[:PRINTED_KEPT])

    def stop(self):
        self._watching = False
        self.kill("stopped")
        self.client.stop_channels()
        self.process.wait()
        shutil.rmtree(self.scratch / "ipc", ignore_errors=True)
