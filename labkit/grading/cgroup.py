"""What one kernel holds, counted by Linux where the grader may make a cgroup, else by the grader.

    meter = Meter(memory_bytes, tasks)
    command = meter.join + command     # the kernel starts inside its cgroup
    meter.memory(processes), meter.tasks(processes), meter.how, meter.close()

With a cgroup of its own (v2, or v1's ``memory`` and ``pids`` controllers, under the grader's
own cgroup), memory is the cgroup's anonymous memory plus shared memory (``shmem``: ``/dev/shm``,
memfd, tmpfs), so memory held in a memfd or a shared segment counts; the hard limit is set a
quarter above the grader's, as a backstop the kernel's own OOM killer enforces. Tasks are the
cgroup's threads and processes, capped by ``pids.max``. Without one, the grader sums the
resident memory of every process plus the size of every memfd they hold open, and their threads.
"""

from labkit.sandbox import TASKS_ABOVE

import os
import secrets
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own(controller):
    """This process's cgroup folder for ``controller`` (v1), or the v2 one for ``controller=''``."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(",") if controller else controllers == "":
            base = ROOT / controller if controller and (ROOT / controller).is_dir() else ROOT
            return base / path.lstrip("/")
    return None


def _write(path, value):
    path.write_text(str(value))


class Meter:
    def __init__(self, memory_bytes, tasks):
        self.memory_bytes, self.tasks_allowed, self.folders, self.kind = memory_bytes, tasks, [], ""
        name = f"labkit-{secrets.token_hex(6)}"
        hard, tasks_cap = memory_bytes + memory_bytes // 4, tasks + TASKS_ABOVE  # backstops
        try:
            if (ROOT / "cgroup.controllers").exists():  # v2, unified
                folder = _own("") / name
                folder.mkdir()
                self.folders = [folder]
                _write(folder / "memory.max", hard)
                _write(folder / "pids.max", tasks_cap)
                self.kind = "v2"
            else:
                memory, pids = _own("memory") / name, _own("pids") / name
                memory.mkdir()
                self.folders = [memory]
                pids.mkdir()
                self.folders.append(pids)
                _write(memory / "memory.limit_in_bytes", hard)
                _write(pids / "pids.max", tasks_cap)
                self.kind = "v1"
        except (OSError, TypeError, AttributeError) as error:  # no cgroups here, or not ours to make
            self.close()
            self.folders, self.kind = [], ""
            self.reason = getattr(error, "strerror", None) or type(error).__name__
        procs = " ".join(f"'{folder}/cgroup.procs'" for folder in self.folders)
        self.join = ["sh", "-c", f'for f in {procs}; do echo $$ > "$f" || exit 97; done; exec "$@"', "sh"] \
            if self.folders else []

    @property
    def how(self):
        """(memory, tasks) as enforced, in words."""
        gib = f"{self.memory_bytes / 2**30:.3g} GiB"
        if self.kind:
            return (f"at most {gib} of anonymous plus shared memory (memfd, /dev/shm included), counted by "
                    f"the kernel's own cgroup ({self.kind}; hard limit a quarter above)",
                    f"at most {self.tasks_allowed} threads and processes (cgroup pids.max and the grader's "
                    "count)")
        return (f"at most {gib}: the resident memory of its processes plus the memfds they hold, counted by "
                f"the grader (no cgroup: {self.reason})",
                f"at most {self.tasks_allowed} threads and processes, counted by the grader (no cgroup)")

    def _stat(self, names):
        text = (self.folders[0] / "memory.stat").read_text()
        values = dict(line.split() for line in text.splitlines())
        return sum(int(values.get(name, 0)) for name in names)

    def memory(self, processes):
        """Bytes held: cgroup anon + shmem, or RSS + open memfds of ``processes`` (psutil)."""
        if self.kind == "v2":
            return self._stat(("anon", "shmem"))
        if self.kind == "v1":
            return self._stat(("total_rss", "total_shmem"))
        total, seen = 0, set()
        for process in processes:
            try:
                total += process.memory_info().rss
                for fd in os.listdir(f"/proc/{process.pid}/fd"):
                    link = f"/proc/{process.pid}/fd/{fd}"
                    if os.readlink(link).startswith("/memfd:"):
                        info = os.stat(link)
                        if info.st_ino not in seen:
                            seen.add(info.st_ino)
                            total += info.st_size
            except Exception:  # gone, or not ours to read
                continue
        return total

    def tasks(self, processes):
        if self.kind:
            return int((self.folders[-1] / "pids.current").read_text())
        count = 0
        for process in processes:
            try:
                count += process.num_threads()
            except Exception:
                continue
        return count

    def oom_killed(self):
        """Whether the kernel's OOM killer stopped a process of this cgroup."""
        if not self.kind:
            return False
        name = "memory.events" if self.kind == "v2" else "memory.oom_control"
        values = dict(line.split() for line in (self.folders[0] / name).read_text().splitlines())
        return int(values.get("oom_kill", 0)) > 0

    def close(self):
        for folder in self.folders:
            try:
                folder.rmdir()
            except OSError:
                pass
