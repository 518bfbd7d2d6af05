"""The lesson site: every lesson rendered with its outputs (plots, audio players, results tables)
as static HTML, with an index, for reading before running (``make site``).

Rendering is nbconvert's ``HTMLExporter`` (the lab template): the same tool JupyterLab uses to
export, already installed with it, and it embeds images and audio in the page, so the site
works from a folder with no server and no network. A lesson is taken from ``executed/`` when an
executed copy is there (``make results`` writes full-mode ones to build/executed), else it is
executed now with nbclient in the current mode.
"""

from labkit import config, notebooks
from labkit.files import write_text_atomically

import html
from pathlib import Path

SITE = config.REPO_ROOT / "build" / "site"


def _executed(lesson, executed_dir, timeout):
    import nbformat

    ready = Path(executed_dir) / lesson.name if executed_dir else None
    if ready is not None and ready.is_file():
        return nbformat.read(ready, as_version=4)
    return notebooks.executed(lesson, timeout)


def _summary(notebook):
    """The lesson's title and the list under "What you will learn", from its first cell."""
    lines = notebooks.cell_source(notebook["cells"][0]).splitlines()
    title = lines[0].lstrip("# ").strip()
    start = next((i for i, line in enumerate(lines) if "What you will learn" in line), len(lines))
    learn = []
    for line in lines[start + 1:]:
        if line[:2].rstrip(".").isdigit():
            learn.append(line.split(". ", 1)[-1].replace("**", ""))
        elif learn and line.startswith("   ") and line.strip():  # an item's next line
            learn[-1] += " " + line.strip().replace("**", "")
    return title, learn


def build(lessons=None, out=SITE, executed_dir=None, timeout=1800):
    """Render ``lessons`` (default: every lesson) into ``out``: one page each and index.html."""
    from nbconvert import HTMLExporter

    lessons = [Path(p) for p in (lessons or sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")))]
    missing = [str(p) for p in lessons if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"lessons: no notebook at {', '.join(missing)}")
    exporter = HTMLExporter(template_name="lab")
    entries = []
    for lesson in lessons:
        notebook = _executed(lesson, executed_dir, timeout)
        page, _ = exporter.from_notebook_node(notebook)
        write_text_atomically(Path(out) / f"{lesson.stem}.html", page)
        entries.append((lesson.stem, *_summary(notebook)))
    write_text_atomically(Path(out) / "index.html", _index(entries))
    return Path(out) / "index.html"


def _index(entries):
    items = "\n".join(
        f'<li><a href="{stem}.html">{html.escape(title)}</a><ul>'
        + "".join(f"<li>{html.escape(point)}</li>" for point in learn) + "</ul></li>"
        for stem, title, learn in entries)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Sequence Modeling Labs</title></head>\n<body><h1>Sequence Modeling Labs</h1>\n"
            "<p>Every lesson with its outputs, as it ran. The notebooks: <code>notebooks/</code>.</p>\n"
            f"<ol>\n{items}\n</ol></body></html>\n")
