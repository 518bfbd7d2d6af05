"""The right answers, in the course checkout only: for each self-check, the inputs it draws from a
:class:`labkit.checks.Spec` and the values its comparison expects (the reference's outputs, and
what each typical slip computes), all in NumPy.

    compute("rnn_cell", Spec(), "given")     # what the probe runs the student's code on
    compute("rnn_cell", Spec(), "expected")  # what labkit.checks.recurrent's comparison is given

A student release (:mod:`labkit.course.release`) leaves this package out and stores, as data, what
it computes for each lesson's own inputs (:mod:`labkit.checks.tables`). The grader keeps it out of
the kernel's view. One module here per module of :mod:`labkit.checks`; :mod:`.reference` holds the
lecture's cells and Keras' layers in NumPy.
"""

REGISTRY = {}  # check key -> (inputs(spec), expected(spec))


def register(key, inputs, expected):
    REGISTRY[key] = (inputs, expected)


def compute(key, spec, part):
    """Check ``key``'s ``part`` ("given" or "expected") for ``spec``."""
    inputs, expected = REGISTRY[key]
    return inputs(spec) if part == "given" else expected(spec)


from labkit.answers import (  # noqa: E402  (each registers its checks' answers)
    attention,
    captioning,
    classifiers,
    decoder,
    forecasting,
    recurrent,
    sampling,
    training,
    transformer,
)

__all__ = ["REGISTRY", "attention", "captioning", "classifiers", "compute", "decoder", "forecasting",
           "recurrent", "register", "sampling", "training", "transformer"]
