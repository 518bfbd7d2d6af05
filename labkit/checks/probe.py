"""The grader's half of a check: draw the inputs, hand them to the kernel, judge what comes back.

    call = probe.Exchange(key, spec, folder)      # writes the inputs the kernel's probe is given
    kernel.run(call.code(objects_source), timeout)
    passed, message, fraction = call.verdict()    # judged here, in a bounded child process

The kernel gets arrays, never the seed, the input generators, the judges or the references
(see :mod:`labkit.probes`). What it writes back is read without pickle, each archive member's
size checked against a cap before anything is decompressed, validated (plain numeric or text
arrays, finite numbers) and judged in a forked child under a time and memory limit, so that
neither a forged archive nor a slow judge can take the grader down.
"""

from labkit.checks.core import REGISTRY, CheckFailed, Spec
from labkit.probes import FAILURE, pack, write
from labkit.probes.base import failure_message, one_line

import json
import os
import resource
import secrets
import select
import signal
import stat
import zipfile

import numpy as np

MAX_BYTES = 64 * 2**20  # the archive on disk, and all its members once decompressed
JUDGE_SECONDS, JUDGE_BYTES = 120, 2 * 2**30  # what judging one probe's data may take


class Exchange:
    """One probe's round trip through the scratch ``folder`` the kernel shares."""

    def __init__(self, key, spec, folder):
        self.check, self.spec = REGISTRY[key], spec
        token = secrets.token_hex(8)
        self.inputs = os.path.join(folder, f"in-{token}.npz")
        self.result = os.path.join(folder, f"out-{token}.npz")
        write(self.inputs, pack(self.check.inputs(spec)))
        os.chmod(self.inputs, 0o644)

    def code(self, objects):
        """The kernel's line: run the probe on the inputs file and ``objects`` (source text)."""
        probe = self.check.probe
        return (f"import labkit.probes as _probes\n_probes.run({probe.__module__!r}, {probe.__name__!r}, "
                f"{self.inputs!r}, {self.result!r}, {objects})")

    def verdict(self):
        try:
            return judged(self.check.key, self.spec, self.result)
        finally:
            for path in (self.inputs, self.result):
                try:
                    os.unlink(path)
                except OSError:
                    pass


def load(path):
    """The arrays at ``path``, or a one-line reason why they cannot be judged."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return "the check's probe wrote no data (the exercise's code stopped it, or it never ran)"
    except OSError as error:
        return f"the check's data cannot be read ({error.strerror})"
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return "the check's data is not a regular file of at most 64 MiB"
        try:
            with zipfile.ZipFile(file) as archive:
                members = archive.infolist()
                if sum(member.file_size for member in members) > MAX_BYTES:
                    return "the check's data would decompress to over 64 MiB"
                file.seek(0)
                with np.load(file, allow_pickle=False) as arrays:
                    return {name: arrays[name] for name in arrays.files}
        except Exception as error:  # a damaged or forged archive
            return one_line(f"the check's data is not a plain NumPy archive ({type(error).__name__})")


def _invalid(data):
    """Why ``data`` is not what a probe returns, or ''."""
    for name, value in data.items():
        if value.dtype.kind not in "biufU":
            return f"the check's data {name!r} has dtype {value.dtype}, not numbers or text"
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            return f"your code returned NaN or infinity (in {name!r})"
    return ""


def judge(key, spec, data):
    """(passed, message, fraction of the check's parts passed) for the probe ``data`` (a dict, or a
    reason it could not be loaded)."""
    if isinstance(data, str):
        return False, data, 0.0
    if FAILURE in data:
        return False, one_line(data[FAILURE]) or "the check failed", 0.0
    reason = _invalid(data)
    if reason:
        return False, reason, 0.0
    try:
        REGISTRY[key].judge(spec, data)
    except CheckFailed as error:
        return False, failure_message(error), error.fraction
    except KeyError as error:
        return False, f"the check's data lacks {error}", 0.0
    except MemoryError:
        raise
    except Exception as error:  # data of the wrong shape or type for the judge
        return False, one_line(f"the check's data does not fit it ({type(error).__name__}: {error})"), 0.0
    return True, "", 1.0


def _address_space():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) * 1024


def judged(key, spec, path, seconds=JUDGE_SECONDS, memory_bytes=JUDGE_BYTES):
    """:func:`judge` of the data at ``path``, loaded and judged in a forked child that may take at most
    ``seconds`` and ``memory_bytes`` more memory; over either, the exercise fails with a one-line reason."""
    if isinstance(spec, dict):
        spec = Spec(**spec)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: judge, send the verdict, leave without running the parent's cleanup
        os.close(reading)
        try:
            limit = _address_space() + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            verdict = judge(key, spec, load(path))
        except MemoryError:
            verdict = (False, f"judging the check's data needs over {memory_bytes / 2**30:.3g} GiB", 0.0)
        except BaseException as error:
            verdict = (False, one_line(f"the check's data could not be judged ({type(error).__name__})"), 0.0)
        os.write(writing, json.dumps(verdict).encode())
        os._exit(0)
    os.close(writing)
    try:
        ready, _, _ = select.select([reading], [], [], seconds)
        if not ready:
            os.kill(child, signal.SIGKILL)
            return False, f"judging the check's data took over {seconds} s", 0.0
        chunks = []
        while chunk := os.read(reading, 65536):
            chunks.append(chunk)
    finally:
        os.close(reading)
        os.waitpid(child, 0)
    if not chunks:
        return False, "judging the check's data ran out of memory", 0.0
    passed, message, fraction = json.loads(b"".join(chunks))
    return passed, message, fraction
