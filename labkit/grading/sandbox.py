"""The box a submission's kernel runs in: ``python -m labkit.grading.sandbox CONFIG -- COMMAND...``.

Before it becomes the kernel (``exec``), this process takes away what a student's code must
not have, each step where the machine allows it, and writes what it enforced to
``<scratch>/sandbox.json`` (read by the grader before any student code runs):

- **files**: Linux Landlock. Writes only inside the scratch folder (and ``/dev/null``); reads
  everywhere except the protected folders (the course checkout: its solutions and history),
  where only the labkit package and the Python environment stay readable. Processes outside
  the box cannot be signalled or traced, abstract Unix sockets outside cannot be reached.
- **network**: a new, empty network namespace (no interface but a down loopback); Landlock
  also refuses every TCP bind and connect. The kernel talks to the grader over Unix sockets
  in the scratch folder.
- **processes**: a new PID namespace whose first process is the kernel, so killing it ends
  everything the submission started; the grader's watchdog counts them.
- **user**: a grader running as root runs the kernel as ``nobody``, or, where ``nobody`` cannot
  run its Python, as root without any capability (the grader's home is then protected too).
- **sizes**: no core dumps; no file larger than ``file_bytes``.
"""

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
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 28, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL, _SECURE_NO_ROOT = 4, 0x2F  # noroot, no setuid fixup, keep caps: all locked
NOBODY = 65534
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same number on every architecture
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1, 2, 4, 8
_READ = _EXECUTE | _READ_FILE | _READ_DIR
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | (1 << 14) | (1 << 15)  # + truncate, ioctl on devices

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _fail(what):
    return f"{what}: {os.strerror(ctypes.get_errno())}"


def _fs_rights(abi):
    """Every filesystem right this Landlock ABI knows (1: 13 rights; 2: refer; 3: truncate; 5: ioctl)."""
    return (1 << 13) - 1 | (abi >= 2) << 13 | (abi >= 3) << 14 | (abi >= 5) << 15


def readable_roots(protected, inside):
    """Paths to grant reading under: all of ``/`` but the ``protected`` folders, plus ``inside``
    (folders within them that stay readable). Ancestors of a protected folder get listing only."""
    protected = [Path(p).resolve() for p in protected]
    roots, listing = set(), {Path("/")}

    def walk(directory):
        for child in sorted(directory.iterdir()):
            if child in protected:
                continue
            if any(child in p.parents for p in protected):
                listing.add(child)
                walk(child)
            else:
                roots.add(child)

    walk(Path("/"))
    return sorted(roots | {Path(p).resolve() for p in inside}), sorted(listing)


def landlock(scratch, protected, inside):
    """Restrict this process and its children; returns what is enforced, in words."""
    abi = _libc.syscall(_CREATE_RULESET, None, 0, 1)
    if abi < 1:
        return "not enforced (" + _fail("Landlock unavailable") + ")"
    fs = _fs_rights(abi)
    attr = struct.pack("=QQQ", fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)  # TCP bind+connect; scopes
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _libc.syscall(_CREATE_RULESET, ctypes.c_char_p(attr[:size]), size, 0)
    if ruleset < 0:
        return "not enforced (" + _fail("landlock_create_ruleset") + ")"
    roots, listing = readable_roots(protected, inside)
    rules = [(p, _READ) for p in roots] + [(p, _READ_DIR) for p in listing]
    rules += [(Path(scratch), fs), (Path("/dev/null"), _FILE_RIGHTS & fs)]
    for path, rights in rules:
        try:
            descriptor = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue  # vanished, or unreadable to us anyway
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        rule = struct.pack("=Qi", rights & fs, descriptor)
        done = _libc.syscall(_ADD_RULE, ruleset, 1, ctypes.c_char_p(rule), 0)
        os.close(descriptor)
        if done < 0:
            return "not enforced (" + _fail(f"landlock_add_rule {path}") + ")"
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) or _libc.syscall(_RESTRICT_SELF, ruleset, 0):
        return "not enforced (" + _fail("landlock_restrict_self") + ")"
    net = ", no TCP" if abi >= 4 else ""
    return f"writes only in the scratch folder, reads outside the course checkout{net} (Landlock ABI {abi})"


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


def _others_may_run(*paths):
    """True if a user with no special rights can reach and read each path."""
    for path in paths:
        path = Path(path).resolve()
        for part in [path, *path.parents]:
            mode = part.stat().st_mode
            if not mode & stat.S_IROTH or (part.is_dir() and not mode & stat.S_IXOTH):
                return False
    return True


def runs_as_nobody():
    """Whether a grader running as root runs the kernel as ``nobody`` (else as capless root)."""
    return os.geteuid() == 0 and _others_may_run(sys.executable, sys.base_prefix, sys.prefix)


def _drop_root():
    """Run the kernel as ``nobody``, or, where that user cannot run this Python (installed under
    a private home, say), as root without any capability."""
    if runs_as_nobody():
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        return "nobody (root dropped)"
    _libc.prctl(PR_SET_SECUREBITS, _SECURE_NO_ROOT, 0, 0, 0)  # exec gives uid 0 no capabilities
    for capability in range(64):
        _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, nothing = struct.pack("=Ii", 0x20080522, 0), bytes(24)  # capability API version 3
    if _libc.capset(ctypes.c_char_p(header), ctypes.c_char_p(nothing)):
        return "root, capabilities not dropped (" + _fail("capset") + ")"
    return "root without capabilities (nobody cannot run this Python)"


def main(argv):
    settings, command = json.loads(argv[0]), argv[2:]
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # a grader that dies takes its kernels along
    if os.getppid() == 1:  # it died before that
        sys.exit(1)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (settings["file_bytes"], settings["file_bytes"]))
    network, processes = _namespaces()
    files = landlock(settings["scratch"], settings["protected"], settings["readable"])
    user = _drop_root() if os.geteuid() == 0 else f"uid {os.getuid()}"
    enforced = {"files": files, "network": network, "processes": processes, "user": user,
                "file size": f"at most {settings['file_bytes'] // 2**20} MiB a file"}
    Path(settings["scratch"], "sandbox.json").write_text(json.dumps(enforced))
    child = os.fork()  # the first process of the new PID namespace, when there is one
    if child == 0:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        os.execv(command[0], command)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    main(sys.argv[1:])
