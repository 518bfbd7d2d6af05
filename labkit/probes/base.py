"""What a probe needs to run the student's code and say how it failed, without any judge.

This module and its package are all of labkit's checking code that a grading kernel can read:
the judges, their input generators and the NumPy references stay in :mod:`labkit.checks`,
outside the kernel's file view (:mod:`labkit.grading.view`).
"""

from labkit.assign import STUB_MESSAGE
from labkit.unfinished import exercise_of

import re
import sysconfig
import traceback
from pathlib import Path

import numpy as np

# Code that is not the student's: labkit, the standard library and the installed packages.
_LIBRARIES = tuple({str(Path(__file__).resolve().parent.parent),
                    *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))})


class CheckFailed(Exception):
    """Raised inside a check; its message tells the student what to fix. ``fraction``: the share of
    the check's independent parts that passed (partial credit; 0 for a check of one part)."""

    fraction = 0.0


_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours and bold (Keras' errors carry them)


def one_line(text):
    """``text`` on one line, without terminal colour codes."""
    return " ".join(_TERMINAL_CODES.sub("", str(text)).split())


def expect(condition, message):
    """Fail the current check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_shape(value, shape, what):
    """Fail unless ``value`` has ``shape`` (None in ``shape`` matches any size)."""
    actual = tuple(np.shape(value))
    shape = tuple(shape)
    matches = len(actual) == len(shape) and all(e is None or a == e for a, e in zip(actual, shape))
    expect(matches, f"{what} has shape {actual}, expected {shape}")


def as_pair(out, message):
    """``out`` as two NumPy arrays; ``message`` if it is not a pair."""
    expect(isinstance(out, (tuple, list)) and len(out) == 2, message)
    return tuple(np.asarray(t) for t in out)


def scalar(value, what):
    value = np.asarray(value)
    expect(value.size == 1, f"{what} must return one number (a scalar), got shape {value.shape}")
    return float(value.reshape(()))


def set_weight(owner, name, value, hint, where="the cell has no attribute {name}; create it in __init__"):
    """Give ``owner.<name>`` (a Keras variable or a plain array) the check's ``value``; ``where``
    says what to do when it is missing."""
    expect(hasattr(owner, name), where.format(name=name))
    expect_shape(getattr(owner, name), value.shape, f"{name} {hint}")
    variable = getattr(owner, name)
    if hasattr(variable, "assign"):
        variable.assign(value)
    else:
        setattr(owner, name, value.copy())


def _stubs_in(obj):
    """The numbers of the exercises whose stubs are in ``obj``'s code (a function, a tf.function,
    a class's methods), nested functions included."""
    functions = [getattr(obj, "python_function", obj)]
    if isinstance(obj, type):
        functions = [getattr(f, "__func__", f) for f in vars(obj).values()]
    codes = [f.__code__ for f in functions if hasattr(f, "__code__")]
    numbers = set()
    while codes:
        for constant in codes.pop().co_consts:
            if hasattr(constant, "co_consts"):
                codes.append(constant)
            elif isinstance(constant, str) and (match := STUB_MESSAGE.match(constant)):
                numbers.add(int(match.group(1)))
    return numbers


def failure_message(error, own=None):
    """What a check says about an exception raised by the student's code or the check itself.
    A stub's error names its exercise; if it is not ``own``'s (the object the check is for), the
    check waits for that exercise rather than blaming this one."""
    if isinstance(error, (CheckFailed, AssertionError)):
        return one_line(error) or "the check's condition does not hold"
    if isinstance(error, NotImplementedError):
        stub = exercise_of(error)
        if stub is not None and own is not None and stub[0] not in _stubs_in(own):
            return one_line(f"waits for Exercise {stub[0]} ({stub[1]}): finish that one first")
        if stub is not None:
            return one_line(f"not implemented yet (Exercise {stub[0]}: {stub[1]})")
        return one_line(f"not implemented yet ({error})" if str(error) else "not implemented yet")
    return one_line(f"your code raised {type(error).__name__}: {error}{_student_line(error)}")


def _student_line(error):
    """`` (in f, line 3: y = h @ W)``: where the traceback leaves the student's code, or ''."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        name = frame.filename
        if name.startswith(_LIBRARIES) or name.startswith("<frozen") or "__autograph_generated" in name:
            continue
        where = "" if frame.name == "<module>" else f"in {frame.name}, "
        return f" ({where}line {frame.lineno}: {(frame.line or '').strip()})" if frame.line else \
            f" ({where}line {frame.lineno})"
    return ""
