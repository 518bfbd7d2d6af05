"""Writing files so that a crash never leaves a half-written one: write aside, then rename."""

import os
import tempfile
from pathlib import Path


def write_atomically(path, write):
    """Call ``write(temporary_path)`` on a file next to ``path``, then move it to ``path`` in one step.

    Returns ``path`` as a Path; on any error the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(descriptor)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def write_text_atomically(path, text):
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the Path."""
    return write_atomically(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))
