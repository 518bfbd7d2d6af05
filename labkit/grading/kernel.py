"""One submission's kernel, run in :mod:`labkit.sandbox` and watched from outside.

    kernel = Kernel(scratch, limits)
    outcome = kernel.run("x = 1", timeout=60)   # Outcome(breach="", error="", printed="")
    kernel.stop()

The grader's process never runs student code. It starts the kernel in bubblewrap where it is
installed (a private file system holding only :func:`labkit.grading.view.readable`), as a uid of
its own when the grader is root, inside a cgroup of its own where one can be made
(:mod:`.cgroup`). It talks to the kernel over Unix sockets in the scratch folder, reads only what
the kernel sends (kept up to ``PRINTED_KEPT`` characters a cell for the report) and enforces the
limits itself: a watchdog thread counts the kernel's memory (shared memory and memfd included),
its threads and processes, and the bytes in its scratch folder; output is counted as it
arrives; the wall time of each cell is bounded. A breach kills the whole sandbox, and the
cell's :class:`Outcome` says which limit it broke, in one line.
"""

from labkit.grading import cgroup, view

import json
import os
import secrets
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
TIME, OUTPUT, TASKS, DISK = "time limit", "output limit", "task limit", "disk limit"
BREACHES = (DIED, MEMORY, PROCESSES, TIME, OUTPUT, TASKS, DISK)
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
    tasks: int = 512  # threads and processes together
    scratch_bytes: int = 1 * 2**30  # everything in the scratch folder

    def __post_init__(self):
        for name, value in vars(self).items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive whole number, got {value!r}")


@dataclass(frozen=True)
class Outcome:
    breach: str  # the limit the cell broke (the kernel is gone), or ""
    error: str  # "Name: message" of an exception the cell raised, or ""
    printed: str  # the start of what the cell printed


def _fresh_uid():
    """A uid no account and, with odds of one in a million, no other job uses."""
    return 1_000_000 + secrets.randbelow(1_000_000)


class Kernel:
    def __init__(self, scratch, limits, env=None):
        self.scratch, self.limits, self.breach = Path(scratch), limits, ""
        home = self.scratch / "home"
        for folder in ("notebooks", "home", "tmp", "ipc"):
            (self.scratch / folder).mkdir(exist_ok=True)
        environment = {name: os.environ[name] for name in _ENV_KEPT if name in os.environ}
        environment.update(env or {}, HOME=str(home), TMPDIR=str(self.scratch / "tmp"),
                           MPLCONFIGDIR=str(home / ".matplotlib"), IPYTHONDIR=str(home / ".ipython"),
                           PYTHONUNBUFFERED="1", LABKIT_ROOT=str(self.scratch), LABKIT_GRADING_KERNEL="1")
        self.meter = cgroup.Meter(limits.memory_bytes, limits.tasks)
        self._bytes_checked = 0.0
        try:
            self._start(environment)
        except BaseException:
            self.meter.close()
            raise

    def _start(self, environment):
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        connection, _ = write_connection_file(str(self.scratch / "kernel.json"), transport="ipc",
                                              ip=str(self.scratch / "ipc" / "kernel"))
        uid = _fresh_uid() if os.geteuid() == 0 else None
        if uid is not None:  # the job's own uid owns its folder, and nothing else
            for path in [self.scratch, *self.scratch.rglob("*")]:
                os.chown(path, uid, uid)
        bubblewrap = view.bubblewrap_path()
        self._own_processes = 4 if bubblewrap else 2  # bwrap's two, the sandbox and the kernel
        paths = view.readable()
        settings = {"scratch": str(self.scratch), "readable": [str(p) for p in paths], "uid": uid,
                    "file_bytes": self.limits.file_bytes, "tasks": self.limits.tasks,
                    "bubblewrap": bool(bubblewrap)}
        box = [*view.bubblewrap(paths, self.scratch, os.geteuid() == 0), "--chdir",
               str(self.scratch / "notebooks"), "--"] if bubblewrap else []
        command = [*self.meter.join, *box, sys.executable, "-m", "labkit.sandbox", json.dumps(settings), "--",
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
        memory, tasks = self.meter.how
        self.enforced = {**json.loads((self.scratch / "sandbox.json").read_text()), "memory": memory,
                         "tasks": tasks, "processes started": f"at most {self.limits.processes}",
                         "scratch folder": f"at most {self.limits.scratch_bytes / 2**30:.3g} GiB in all, "
                         "counted by the grader", "the kernel reads": ", ".join(map(str, paths))}

    def _tree(self):
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def _scratch_bytes(self):
        total = 0
        for folder, _, files in os.walk(self.scratch):
            for name in files:
                try:
                    total += os.lstat(os.path.join(folder, name)).st_blocks * 512
                except OSError:
                    pass
        return total

    def _check(self):
        """Kill the sandbox if it died or is over a limit; returns the breach."""
        if self.process.poll() is not None:
            killed = self.meter.oom_killed()
            reason = f"{MEMORY}: the kernel used over {self.limits.memory_bytes / 2**30:.3g} GiB" if killed \
                else f"{DIED} (exit status {self.process.returncode})"
            self.breach = self.breach or reason
            return self.breach
        tree = self._tree()
        if self.meter.memory(tree) > self.limits.memory_bytes:
            self.kill(f"{MEMORY}: the kernel used over {self.limits.memory_bytes / 2**30:.3g} GiB")
        elif len(tree) > self.limits.processes + self._own_processes:
            self.kill(f"{PROCESSES}: the kernel started over {self.limits.processes} processes")
        elif self.meter.tasks(tree) > self.limits.tasks:
            self.kill(f"{TASKS}: the kernel ran over {self.limits.tasks} threads and processes")
        elif time.monotonic() - self._bytes_checked > 0.5:
            self._bytes_checked = time.monotonic()
            if self._scratch_bytes() > self.limits.scratch_bytes:
                self.kill(f"{DISK}: the kernel wrote over {self.limits.scratch_bytes / 2**20:.0f} MiB in its "
                          "scratch folder")
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
        for _ in range(50):  # the cgroup goes once its last process has
            self.meter.close()
            if not any(folder.exists() for folder in self.meter.folders):
                break
            time.sleep(0.02)
        shutil.rmtree(self.scratch / "ipc", ignore_errors=True)
