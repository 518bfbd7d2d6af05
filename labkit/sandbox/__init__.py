"""The box a submission's kernel runs in: ``python -m labkit.sandbox CONFIG -- COMMAND...``.

The grader starts this module inside bubblewrap where it is installed (:mod:`labkit.grading.view`
builds the command: a private mount namespace holding only the allow-list; new PID, network,
IPC and UTS namespaces), else directly. Before it becomes the kernel (``exec``) it takes away, each step
where the machine allows it, what a student's code must not have, and writes what it enforced
to ``<scratch>/sandbox.json`` (read by the grader before any student code runs):

- **files**: Linux Landlock, an allow-list: reads only under the kernel's view (the Python
  environment, labkit less its judges, system libraries, ``/proc``, ``/dev``), writes only in
  the scratch folder (and ``/dev/null``). Signals and abstract Unix sockets outside the box
  cannot be reached (Landlock ABI 6).
- **network**: an empty network namespace; Landlock also refuses every TCP bind and connect.
- **processes**: a PID namespace whose first process is the kernel.
- **user**: a grader running as root gives each kernel a uid of its own, unused by any other
  job (bubblewrap makes the Python environment reachable for it); without bubblewrap, and
  where that uid cannot run this Python, root without any capability.
- **sizes**: no core dumps; no file larger than ``file_bytes``; at most ``tasks`` threads and
  processes for the kernel's uid (the grader's watchdog counts them too).
"""

from labkit.sandbox import landlock

import ctypes
import json
import os
import resource
import signal
import stat
import struct
import sys
from pathlib import Path

CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER = 0x40000000, 0x20000000, 0x10000000
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_CAP_AMBIENT = 1, 24, 28, 47
PR_CAP_AMBIENT_CLEAR_ALL, _SECURE_NO_ROOT = 4, 0x2F  # noroot, no setuid fixup, keep caps: all locked

TASKS_ABOVE = 16  # the hard cap on tasks, this far above the grader's limit, so that it sees the breach
_libc = ctypes.CDLL(None, use_errno=True)


def _fail(what):
    return f"{what}: {os.strerror(ctypes.get_errno())}"


def _namespaces():
    """(network, processes) enforced, in words: new network and PID namespaces if allowed."""
    if _libc.unshare(CLONE_NEWNET | CLONE_NEWPID) == 0:
        return "no network (empty network namespace)", "own PID namespace"
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID) == 0:  # unprivileged: in a user namespace
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
        return "no network (empty network namespace)", "own PID namespace"
    reason = _fail("unshare")
    return f"not enforced by a namespace ({reason})", f"not enforced by a namespace ({reason})"


def others_may_run(*paths):
    """True if a user with no special rights can reach and read each path."""
    for path in paths:
        path = Path(path).resolve()
        for part in [path, *path.parents]:
            mode = part.stat().st_mode
            if not mode & stat.S_IROTH or (part.is_dir() and not mode & stat.S_IXOTH):
                return False
    return True


def _capless_root():
    _libc.prctl(PR_SET_SECUREBITS, _SECURE_NO_ROOT, 0, 0, 0)  # exec gives uid 0 no capabilities
    for capability in range(64):
        _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, nothing = struct.pack("=Ii", 0x20080522, 0), bytes(24)  # capability API version 3
    if _libc.capset(ctypes.c_char_p(header), ctypes.c_char_p(nothing)):
        return "root, capabilities not dropped (" + _fail("capset") + ")"
    return ("root without capabilities: not enforced (no usable bubblewrap, and another uid cannot run this "
            "Python)")


def _become(uid):
    """Run as ``uid`` (this job's own) if one was given and it can run this Python; else capless root."""
    if uid is None:
        return _capless_root()
    try:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)  # from root to another uid: every capability goes
    except OSError as error:
        return _capless_root() + f" (setuid: {error.strerror})"
    return f"uid {uid}, this job's own (not root, no capabilities)"


def main(argv):
    settings, command = json.loads(argv[0]), argv[2:]
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # a grader that dies takes its kernels along
    if os.getppid() == 1 and not settings["bubblewrap"]:  # it died before that
        sys.exit(1)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (settings["file_bytes"], settings["file_bytes"]))
    if settings["bubblewrap"]:
        network = "no network (empty network namespace, bubblewrap)"
        processes = "own PID namespace (bubblewrap)"
    else:
        network, processes = _namespaces()
    uid = settings["uid"]
    if uid is not None and not (settings["bubblewrap"] or others_may_run(sys.executable, sys.prefix)):
        uid = None  # root without capabilities instead, owning the folder it writes (no student code yet)
        for path in [Path(settings["scratch"]), *Path(settings["scratch"]).rglob("*")]:
            os.chown(path, 0, 0)
    if uid is not None:  # counted per uid, so only for the job's own; a little above the grader's count
        cap = settings["tasks"] + TASKS_ABOVE
        resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))
    writable = [settings["scratch"], *(["/dev/shm"] if settings["bubblewrap"] else [])]  # the box's own
    files = landlock.restrict(writable, settings["readable"])
    user = _become(uid) if os.geteuid() == 0 else f"uid {os.getuid()} (the grader's own, not root)"
    enforced = {"files": files, "network": network, "processes": processes, "user": user,
                "file size": f"at most {settings['file_bytes'] // 2**20} MiB a file",
                "view": "a private mount namespace holding only the allow-list (bubblewrap)"
                if settings["bubblewrap"] else "not enforced by a mount namespace (no usable bubblewrap): "
                "other paths exist but Landlock refuses them; /proc shows every process"}
    Path(settings["scratch"], "sandbox.json").write_text(json.dumps(enforced))
    child = os.fork()  # the first process of the new PID namespace, when there is one
    if child == 0:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        os.execv(command[0], command)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
