"""The machinery of a self-check: a probe that runs the student's code, a judge that decides.

    checks.check("bag of words", lambda: checks.expect(a.shape == b.shape, "..."))

An exercise's check is a :class:`Check`, made of two halves:

- the **probe** ``probe(spec, *objects) -> {name: array}`` calls the student's code (the
  objects the lesson passes: a class, a function, a model) on inputs it draws from ``spec``
  and returns plain arrays, nothing callable;
- the **judge** ``judge(spec, data)`` draws the same inputs from ``spec`` on its own, computes
  the reference in NumPy and raises :class:`CheckFailed` with a one-line hint.

In a lesson, ``checks.rnn_cell(MyRNNCell)`` runs both in the kernel on the visible inputs and
prints ``[PASS] MyRNNCell`` or ``[FAIL] MyRNNCell: what to fix``. When grading, only the probe
runs in the student's kernel (:mod:`labkit.checks.probe`), on a :class:`Spec` with a fresh
seed and other sizes; the judge runs in the grader's process on the data the probe returned.
"""

from labkit.assign import STUB_MESSAGE
from labkit.unfinished import exercise_of

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np


class CheckFailed(Exception):
    """Raised inside a check; its message tells the student what to fix. ``fraction``: the share of
    the check's independent parts that passed (partial credit; 0 for a check of one part)."""

    fraction = 0.0


class Parts:
    """A judge made of independent parts, for partial credit::

        part = Parts()
        with part("without a mask"):
            expect_close(...)
        with part("with a mask"):
            expect_close(...)
        part.verdict()  # raises the first failure, its fraction the share of parts passed

    A part that fails does not stop the next; any error but :class:`CheckFailed` stops the judge."""

    def __init__(self):
        self.passed, self.failures = 0, []

    @contextmanager
    def __call__(self, name):
        try:
            yield
        except CheckFailed as error:
            self.failures.append(error)
        else:
            self.passed += 1

    def verdict(self):
        if self.failures:
            first = self.failures[0]
            first.fraction = self.passed / (self.passed + len(self.failures))
            raise first


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    message: str = ""

    def __bool__(self):
        return self.passed

    def __str__(self):
        return f"[PASS] {self.name}" if self.passed else f"[FAIL] {self.name}: {self.message}"

    def _ipython_display_(self):
        """Show nothing as a cell's value: the check has printed its one line already."""


def one_line(text):
    return " ".join(str(text).split())


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
    return one_line(f"your code raised {type(error).__name__}: {error}")


def _verdict(name, test, own=None):
    """Run ``test()``; print and return its CheckResult (a failure never shows a traceback)."""
    try:
        test()
    except Exception as error:  # a student's bug: report it, don't show a traceback
        message = failure_message(error, own)
    else:
        message = ""
    result = CheckResult(name, not message, message)
    print(result)
    return result


def check(name, test, *args, **kwargs):
    """Run ``test(*args, **kwargs)``, print ``[PASS]``/``[FAIL]`` and return a CheckResult.

    ``test`` signals failure by raising :class:`CheckFailed` (or AssertionError); any
    other exception is reported in one line as a failure too.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: expected a non-empty str, got {name!r}")
    if not callable(test):
        raise TypeError(f"test: expected a callable, got {type(test).__name__}")
    return _verdict(name, lambda: test(*args, **kwargs))


@dataclass(frozen=True)
class Spec:
    """Where a check's inputs come from: a ``seed``, and whether they are the visible ones the
    lesson shows (fixed sizes, overridable by ``sizes``) or grading ones (sizes drawn from the
    seed, out of the visible ones' reach)."""

    seed: int = 0
    grading: bool = False
    sizes: dict = field(default_factory=dict)

    def draw(self, **choices):
        """(rng, sizes): ``choices`` maps a size to ``(visible value, grading range)``; the rng
        then draws the inputs, the same way in the probe and in the judge."""
        rng = np.random.default_rng(self.seed)
        sizes = {}
        for name, (visible, grading) in choices.items():
            sizes[name] = int(rng.choice(list(grading))) if self.grading else self.sizes.get(name, visible)
        return rng, sizes


REGISTRY = {}


@dataclass(frozen=True)
class Check:
    """A self-check: ``key`` is its name in ``labkit.checks``, ``name`` what it prints."""

    key: str
    name: str
    probe: object
    judge: object
    doc: str = ""

    def __call__(self, *objects, seed=0, **sizes):
        """The lesson's self-check: probe and judge here, on the visible inputs."""
        spec = Spec(seed=seed, sizes=sizes)
        return _verdict(self.name, lambda: self.judge(spec, self.probe(spec, *objects)),
                        objects[0] if objects else None)


def define(key, name, probe, judge, doc):
    """Register and return the :class:`Check` ``labkit.checks.<key>``; ``doc`` says what it checks."""
    REGISTRY[key] = Check(key, name, probe, judge, doc)
    return REGISTRY[key]


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
