"""The machinery of a self-check: run a test, print ``[PASS] name`` or ``[FAIL] name: why``.

    checks.check("bag of words", lambda: checks.expect(a.shape == b.shape, "..."))
"""

from dataclasses import dataclass

import numpy as np


class CheckFailed(Exception):
    """Raised inside a check; its message tells the student what to fix."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    message: str = ""

    def __bool__(self):
        return self.passed

    def __str__(self):
        return f"[PASS] {self.name}" if self.passed else f"[FAIL] {self.name}: {self.message}"


def _one_line(text):
    return " ".join(str(text).split())


def check(name, test, *args, **kwargs):
    """Run ``test(*args, **kwargs)``, print ``[PASS]``/``[FAIL]`` and return a CheckResult.

    ``test`` signals failure by raising :class:`CheckFailed` (or AssertionError); any
    other exception is reported in one line as a failure too.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: expected a non-empty str, got {name!r}")
    if not callable(test):
        raise TypeError(f"test: expected a callable, got {type(test).__name__}")
    try:
        test(*args, **kwargs)
    except (CheckFailed, AssertionError) as error:
        message = _one_line(error) or "the check's condition does not hold"
    except NotImplementedError as error:
        message = _one_line(f"not implemented yet ({error})" if str(error) else "not implemented yet")
    except Exception as error:  # a student's bug: report it, don't show a traceback
        message = _one_line(f"your code raised {type(error).__name__}: {error}")
    else:
        message = ""
    result = CheckResult(name, not message, message)
    print(result)
    return result


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


def expect_close(actual, expected, what, atol=1e-5):
    """Fail unless ``actual`` equals ``expected`` elementwise within ``atol``."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    expect_shape(actual, expected.shape, what)
    error = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    expect(error <= atol, f"{what} differs from the reference by up to {error:.3g} (allowed {atol:g})")
