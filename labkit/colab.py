"""Running a lesson elsewhere: "Open in Colab" and Binder links, and Colab's setup cell.

One configured repository URL (``[tool.labkit] repository`` in pyproject.toml) gives every
lesson and student notebook its links (a line under the title) and its first code cell, which
does nothing outside Colab and on Colab clones the labs and installs ``labkit[lessons]``: the
lessons' packages, not TensorFlow, so Colab's own TensorFlow stays. ``python -m labkit colab``
writes both into the lessons; ``make student`` writes them into the student versions; a test fails
when a notebook's differ from what the URL gives.
"""

from labkit import config

import re
from pathlib import Path

CELL_ID = "colab-setup"
_LINKS = re.compile(r"^\[Open in Colab\]\(.*$")
_SETUP = '''# On Colab only (nothing happens elsewhere): fetch the labs and install labkit with the lessons'
# packages. TensorFlow is not among them, so Colab's own TensorFlow stays as it is.
import os
import subprocess
import sys

LABS, REPOSITORY = os.environ.get("LABKIT_COLAB_DIR", "/content/labs"), "{repository}"
if "google.colab" in sys.modules and not os.path.isdir(LABS):
    subprocess.run(["git", "clone", "--depth=1", os.environ.get("LABKIT_COLAB_REPOSITORY", REPOSITORY), LABS],
                   check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", f"{{LABS}}[lessons]"], check=True)
if "google.colab" in sys.modules:
    sys.path.insert(0, LABS)  # this kernel started before labkit was installed
    os.chdir(os.path.join(LABS, "notebooks"))'''


def repository():
    """The repository URL configured in pyproject.toml (``https://github.com/OWNER/NAME``)."""
    text = (config.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'(?ms)^\[tool\.labkit\]$.*?^repository = "(https://github\.com/[^/"]+/[^/"]+)"$', text)
    if not found:
        raise ValueError('pyproject.toml: expected [tool.labkit] repository = "https://github.com/OWNER/NAME"')
    return found.group(1)


def links(path, url=None, root=None):
    """The Markdown line under a notebook's title: Colab and Binder, for ``path`` in the repository
    (``url``, or the configured one, whose checkout is ``root``, or this one)."""
    relative = path.resolve().relative_to(Path(root or config.REPO_ROOT).resolve()).as_posix()
    github = (url or repository()).removeprefix("https://github.com/")
    return (f"[Open in Colab](https://colab.research.google.com/github/{github}/blob/main/{relative}) · "
            f"[Open in Binder](https://mybinder.org/v2/gh/{github}/main?labpath={relative})")


def setup_source(url=None):
    return _SETUP.format(repository=url or repository())


def checked_url(url):
    """``url`` if it names a GitHub repository (https://github.com/OWNER/NAME), else a one-line error."""
    if not re.fullmatch(r"https://github\.com/[^/\s]+/[^/\s]+", url or ""):
        raise ValueError(f"--repository: expected https://github.com/OWNER/NAME, got {url!r}")
    return url


def apply(notebook, path, url=None, root=None):
    """``notebook`` (a dict) with its links under the title and Colab's setup as its first code
    cell, for the notebook at ``path`` (see :func:`links`); changed in place and returned."""
    cells = notebook["cells"]
    cells[0]["source"] = _as_lines("\n".join(_title_without_links(cells[0]) + ["", links(path, url, root)]) +
                                   _after_title(cells[0]))
    if not (len(cells) > 1 and cells[1].get("id") == CELL_ID):
        cells.insert(1, {"cell_type": "code", "execution_count": None, "id": CELL_ID, "metadata": {},
                         "outputs": []})
    cells[1]["source"] = _as_lines(setup_source(url))
    return notebook


def remove(notebook):
    """``notebook`` without the links and Colab's setup cell (they would fetch this repository)."""
    cells = notebook["cells"]
    cells[0]["source"] = _as_lines("\n".join(_title_without_links(cells[0])) + _after_title(cells[0]))
    if len(cells) > 1 and cells[1].get("id") == CELL_ID:
        del cells[1]
    return notebook


def _title_without_links(cell):
    return ["".join(cell["source"]).split("\n")[0]]


def _after_title(cell):
    """The title cell's text after the title and the links, with the blank line before it ('' if none)."""
    rest = [line for line in "".join(cell["source"]).split("\n")[1:] if not _LINKS.match(line)]
    while rest and not rest[0].strip():
        rest.pop(0)
    return "\n\n" + "\n".join(rest) if rest else ""


def _as_lines(text):
    """A cell's source as Jupyter stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)
