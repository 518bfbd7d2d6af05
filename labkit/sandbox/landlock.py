"""Linux Landlock for the grading sandbox: an allow-list of what one process tree may read and write.

    landlock.restrict(writable, readable)   # -> what is enforced, in words

Reads only under ``readable`` (the kernel's view, :mod:`labkit.grading.view`), ``/proc`` and
``/dev``, and lists the folders that hold them; writes only under ``writable`` (the scratch
folder, and the box's own ``/dev/shm`` under bubblewrap) and to ``/dev/null``. With ABI 4, no
TCP bind or connect; with ABI 6, no signal to and no abstract Unix socket of a process outside.
Everything else is refused, whatever the file modes say (a uid 0 kernel included).
"""

import ctypes
import os
import struct
from pathlib import Path

PR_SET_NO_NEW_PRIVS = 38
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


def restrict(writable, readable):
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
    readable = [Path(p) for p in [*readable, "/proc", "/dev"]]
    parents = {p.parent for p in readable} - set(readable)  # listed (names only), so imports find modules
    rules = [(p, _READ) for p in readable] + [(p, _READ_DIR) for p in sorted(parents)]
    rules += [(Path(p), fs) for p in writable] + [(Path("/dev/null"), _FILE_RIGHTS & fs)]
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
    scopes = ", no signal or abstract socket outside" if abi >= 6 else ""
    return (f"an allow-list: reads only the kernel's view, writes only in the scratch folder{net}{scopes} "
            f"(Landlock ABI {abi})")
