"""The kernel's half of a check: call the student's code on inputs given as arrays, return arrays.

A probe is ``probe(given, *objects) -> {name: array}``: ``given`` is what the check's input
generator drew (sizes, weights, sequences), ``objects`` what the lesson passes (a class, a
function, a model). In a lesson, :class:`labkit.checks.core.Check` draws ``given`` and calls the
probe in the same process. When grading, the grader draws ``given`` in its own process, writes it
with :func:`pack` to an ``.npz`` file and sends the kernel one line per exercise::

    import labkit.probes as _probes; _probes.run("labkit.probes.recurrent", "rnn_cell",
                                                 "/scratch/in-3f9c.npz", "/scratch/out-3f9c.npz", MyRNNCell)

The kernel never sees a seed, an input generator, a judge or a reference (they are not in its
file view), so what it writes back is worth only what the student's code computed.
"""

from labkit.probes.base import failure_message

import importlib
import json
import os

import numpy as np

FAILURE = "_failure"  # the key of a probe that stopped on the student's code
_STRUCTURE = "_structure"


def pack(tree):
    """``tree`` (dicts, lists, tuples of arrays, numbers, strings) as {name: array} for np.savez."""
    arrays = {}

    def encode(node):
        if isinstance(node, dict):
            return {"dict": {str(key): encode(value) for key, value in node.items()}}
        if isinstance(node, (list, tuple)):
            return {type(node).__name__: [encode(value) for value in node]}
        if isinstance(node, np.ndarray):
            name = f"a{len(arrays)}"
            arrays[name] = node
            return {"array": name}
        if isinstance(node, np.generic):
            return {"value": node.item()}
        if isinstance(node, (bool, int, float, str)) or node is None:
            return {"value": node}
        raise TypeError(f"given: cannot send a {type(node).__name__} to the kernel (arrays, numbers, text)")

    structure = encode(tree)
    return {**arrays, _STRUCTURE: np.array(json.dumps(structure))}


def unpack(arrays):
    """The tree :func:`pack` packed, from its {name: array}."""

    def decode(node):
        (kind, value), = node.items()
        if kind == "dict":
            return {key: decode(item) for key, item in value.items()}
        if kind in ("list", "tuple"):
            items = [decode(item) for item in value]
            return items if kind == "list" else tuple(items)
        return arrays[value] if kind == "array" else value

    return decode(json.loads(str(arrays[_STRUCTURE])))


def write(path, arrays):
    """``arrays`` to ``path`` (.npz), atomically."""
    temporary = f"{path}.part"
    with open(temporary, "wb") as file:
        np.savez(file, **arrays)
    os.replace(temporary, path)


def run(module, name, inputs_path, result_path, *objects):
    """Call the probe ``module.name`` on the inputs at ``inputs_path`` and ``objects``; write what it
    returned (arrays only, or the one-line failure of the student's code) to ``result_path``."""
    if not module.startswith("labkit.probes."):
        raise ValueError(f"module: expected a module of labkit.probes, got {module!r}")
    probe = getattr(importlib.import_module(module), name)
    with np.load(inputs_path, allow_pickle=False) as archive:
        given = unpack({key: archive[key] for key in archive.files})
    try:
        data = {key: np.asarray(value) for key, value in probe(given, *objects).items()}
    except (Exception, SystemExit) as error:  # the student's code failed: say how, in one line
        data = {FAILURE: np.array(failure_message(error, objects[0] if objects else None))}
    write(result_path, data)
