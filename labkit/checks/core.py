"""The machinery of a self-check: a probe that runs the student's code, a judge that decides.

    checks.check("bag of words", lambda: checks.expect(a.shape == b.shape, "..."))

An exercise's check is a :class:`Check`, made of three parts:

- the **inputs** ``given`` the student's code is run on (sizes, weights, sequences: arrays,
  numbers and text), and the **expected** values the judge compares with (the reference's
  outputs, and what each typical slip would compute), both drawn from a :class:`Spec` by
  :mod:`labkit.answers` in the course checkout, or read from the tables a student release
  stores for the lesson's own inputs (:mod:`labkit.checks.tables`);
- the **probe** ``probe(given, *objects) -> {name: array}`` (in :mod:`labkit.probes`) calls the
  student's code (the objects the lesson passes: a class, a function, a model) on ``given``
  and returns plain arrays, nothing callable;
- the **comparison** ``compare(expected, data)`` in this package: it holds no reference, only
  the comparisons and their hints, and raises :class:`CheckFailed` with a one-line hint.

In a lesson, ``checks.rnn_cell(MyRNNCell)`` runs all three in the kernel on the visible inputs
and prints ``[PASS] MyRNNCell`` or ``[FAIL] MyRNNCell: what to fix``. When grading, the grader
draws the inputs from a fresh seed and other sizes, sends them to the student's kernel as
arrays, where only the probe runs (:func:`labkit.probes.run`), and judges the arrays it gets
back in its own process (:mod:`labkit.checks.probe`). The kernel cannot read this package.
"""

from labkit.checks import tables
from labkit.probes.base import (  # re-exported: the checks' vocabulary
    CheckFailed,
    expect,
    expect_shape,
    failure_message,
)

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np


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
    probe: object  # probe(given, *objects) -> {name: array}, in labkit.probes
    compare: object  # compare(expected, data): raises CheckFailed
    doc: str = ""

    def inputs(self, spec):
        """What the probe is given for ``spec`` (arrays, numbers, text)."""
        return tables.given(self.key, spec)

    def judge(self, spec, data):
        """Raise :class:`CheckFailed` unless the probe's ``data`` is right for ``spec``."""
        self.compare(tables.expected(self.key, spec), data)

    def __call__(self, *objects, seed=0, **sizes):
        """The lesson's self-check: inputs, probe and judge here, on the visible inputs."""
        spec = Spec(seed=seed, sizes=sizes)
        try:
            given, expected = self.inputs(spec), tables.expected(self.key, spec)
        except ValueError as error:  # the check's own setup (a release knows the lesson's inputs only)
            result = CheckResult(self.name, False, f"this self-check cannot run here: {error}")
            print(result)
            return result
        return _verdict(self.name, lambda: self.compare(expected, self.probe(given, *objects)),
                        objects[0] if objects else None)


def define(key, name, probe, compare, doc):
    """Register and return the :class:`Check` ``labkit.checks.<key>``; ``doc`` says what it checks."""
    REGISTRY[key] = Check(key, name, probe, compare, doc)
    return REGISTRY[key]


def expect_close(actual, expected, what, atol=1e-5, slips=None):
    """Fail unless ``actual`` equals ``expected`` elementwise within ``atol``. ``slips`` ({what the
    student did: what it computes}) names the slip when ``actual`` is what one of them computes."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    expect_shape(actual, expected.shape, what)
    error = float(np.max(np.abs(actual - expected))) if actual.size else 0.0
    for slip, value in (slips or {}).items() if error > atol else ():
        value = np.asarray(value, dtype=float)
        if value.shape == actual.shape and np.max(np.abs(actual - value), initial=0.0) <= atol:
            raise CheckFailed(f"{what}: {slip}")
    expect(error <= atol, f"{what} differs from the reference by up to {error:.3g} (allowed {atol:g})")


