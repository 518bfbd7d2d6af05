"""What a grading kernel can see of the machine: an allow-list of paths, and the bubblewrap
command line that builds a private file system of exactly those.

    paths = view.readable()            # the Python environment, labkit's kernel side, system files
    command = view.bubblewrap(paths, scratch, uid) + ["--", python, ...]

The list holds the Python environment (its prefixes and site-packages), labkit without the
packages a kernel must not read (:data:`HIDDEN`: the right answers, input generators and
references in ``labkit/answers``; the comparisons in ``labkit/checks``; the grader in
``labkit/grading``; the instructor's course kit in ``labkit/course``), the system's libraries and
programs (``/usr`` and its links), and a few files of ``/etc`` that programs read at start.
Not in it: the course checkout (solutions, history), other checkouts, home folders, ``/tmp``
(other jobs' scratch folders), ``/etc/shadow`` and the rest of ``/etc``, and every socket outside
the scratch folder. Under bubblewrap those paths do not exist in the kernel's mount namespace;
without it, Landlock grants reading only under these paths (:mod:`.sandbox`).
"""

import labkit

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

HIDDEN = ("answers", "checks", "course", "grading")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group",
       "hosts", "host.conf", "os-release", "mime.types", "fonts")


def labkit_files():
    """labkit's top-level modules and subpackages, less :data:`HIDDEN`."""
    package = Path(labkit.__file__).resolve().parent
    return sorted(p for p in package.iterdir() if p.name not in HIDDEN)


def _environment():
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent}
    roots |= {Path(p) for p in sys.path if p and "site-packages" in p and Path(p).is_dir()}
    return {p.resolve() for p in roots}


def readable():
    """Every path a kernel may read (files and folders, resolved), outermost first."""
    paths = _environment() | set(labkit_files())
    paths |= {Path(p) for p in SYSTEM if os.path.exists(p) and not os.path.islink(p)}
    paths |= {Path("/etc", name) for name in ETC if os.path.exists(f"/etc/{name}")}
    return sorted(p for p in paths if not any(q != p and q in p.parents for q in paths))


@functools.cache
def bubblewrap_path():
    """bwrap where it is installed and may make its namespaces here, else None: a container (Gradescope's
    Docker, say) may forbid them, and the kernel then runs under Landlock alone, its report saying so."""
    found = shutil.which("bwrap")
    if found is None:
        return None
    trial = [found, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
             *([] if os.geteuid() == 0 else ["--unshare-user"]), "--ro-bind", "/", "/", "--proc", "/proc",
             "--dev", "/dev", "true"]
    try:
        return found if subprocess.run(trial, capture_output=True, timeout=60).returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def bubblewrap(paths, scratch, as_root):
    """bwrap's options for a kernel that sees ``paths`` read-only and ``scratch`` writable, in new
    IPC, PID, network, UTS and cgroup namespaces. ``as_root``: bwrap runs as root and keeps
    CAP_SETUID/CAP_SETGID for the sandbox to become the job's own uid; else in a user namespace."""
    command = [bubblewrap_path(), "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
               "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"] if as_root else ["--unshare-user"]
    shown = [*paths, Path(scratch)]
    folders = sorted({parent for p in shown for parent in p.parents if parent != Path("/")} - set(shown),
                     key=lambda p: len(p.parts))
    for folder in folders:  # the folders on the way, readable by the kernel's uid, holding nothing else
        command += ["--perms", "0755", "--dir", str(folder)]
    for link in SYSTEM:
        if os.path.islink(link):
            command += ["--symlink", os.readlink(link), link]
    for path in paths:
        command += ["--ro-bind", str(path), str(path)]
    package = Path(labkit.__file__).resolve().parent
    if any(path in package.parents for path in paths):  # labkit installed inside the environment: mask
        for name in HIDDEN:
            command += ["--tmpfs", str(package / name)]
    command += ["--bind", str(scratch), str(scratch), "--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--tmpfs", "/dev/shm"]  # shared memory: counted in the cgroup
    return command
