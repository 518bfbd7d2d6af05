"""Keeps TensorFlow's start-up log lines out of the notebook (a student reads red "E"/"W" lines
as failures).

TensorFlow's C++ code writes lines such as "oneDNN custom operations are on" straight to file
descriptor 2 while it is imported, before its own log level applies, and a few ERROR lines later
(lesson 01 meets "oneDNN supports DT_BOOL only on platforms with AVX-512"). ``install()`` (called
when labkit is imported, which every lesson does before TensorFlow) sets
``TF_CPP_MIN_LOG_LEVEL=3`` and sends descriptor 2 to /dev/null while ``tensorflow`` itself is
imported. Python errors still show: an import that fails raises as usual.

It does nothing when the user chose a level (``TF_CPP_MIN_LOG_LEVEL`` set) or asks to see
everything (``LABKIT_TF_LOGS=1``), or when TensorFlow is already imported.
"""

import contextlib
import importlib.abc
import importlib.util
import os
import sys


@contextlib.contextmanager
def silenced_fd2():
    """Descriptor 2 goes to /dev/null inside the block; restored after, whatever happens."""
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


class _SilencedLoader:
    """The real loader, with ``exec_module`` run while descriptor 2 is silenced."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def exec_module(self, module):
        with silenced_fd2():
            self._loader.exec_module(module)


class _QuietImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` with the other finders and gives it a :class:`_SilencedLoader`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)  # one import is enough
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _SilencedLoader(spec.loader)
        return spec


def install():
    """Quiet TensorFlow's C++ logs unless the user asked otherwise (see the module docstring)."""
    if os.environ.get("LABKIT_TF_LOGS") == "1" or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietImport())
