"""The labs' site: ``docs/`` and the lessons, built by Sphinx with MyST-NB into build/docs/ (``make docs``).

:func:`build` stages a source folder, ``build/docs-src/``, and runs Sphinx on it:

- ``docs/`` as written (``conf.py`` and the pages), and ``CONTRIBUTING.md`` as ``contributing.md``
  (the maintainers' page includes it);
- ``lessons/NN_name.ipynb``: each lesson as ``make results`` left it in ``build/executed/`` (full
  mode, with its plots and audio) when it is there, else as stored. Nothing is executed here.
  Under its title goes a cell listing its student version's exercises, with the student notebook
  to download (``downloads/``); widgets' live views are dropped (their first view is in the cell);
- the generated parts: a page's line ``<!-- generated: NAME -->`` becomes
  :data:`labkit.readme.PAGE_PARTS` ``[NAME]``, and ``api/`` gets a page per labkit package, each
  module's docstrings through autodoc;
- ``results/`` (the pages link its files; ``results/bench/*.md`` become pages of their own).

Sphinx runs with warnings as errors, then :func:`broken_links` reads every page it wrote: a link or
image that does not resolve (a file, or an ``#anchor`` in it) fails the build too, with each one
named. ``python -m labkit docs [--executed DIR] [--out DIR]`` prints the index and the page count.
"""

from labkit import assign, config, notebooks, readme
from labkit.files import write_text_atomically

import html.parser
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

DOCS = config.REPO_ROOT / "docs"
OUT = config.REPO_ROOT / "build" / "docs"
EXECUTED = config.REPO_ROOT / "build" / "executed"
_GENERATED = re.compile(r"^<!-- generated: ([\w-]+) -->$", re.M)
WIDGET = "application/vnd.jupyter.widget-view+json"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # http:, data:, mailto:, ...


def exercise_list(lesson):
    """Markdown listing the exercises of ``lesson``'s student version, with the notebook to download."""
    rows = readme.exercise_rows(lesson)
    items = "\n".join(f"{number}. `{name}` ({points:g} point{'s' if points != 1 else ''}): {doc}"
                      for number, name, doc, points in rows)
    download = f"{{download}}`download it <../downloads/{lesson.name}>`"
    return f"**The student version's exercises** ({download}):\n\n{items}"


def _stage_lesson(lesson, source, staged):
    notebook = notebooks.read(source)
    # A widget's live view needs a kernel (its text is "VBox(...)"); what it showed first, the lessons
    # put in the cell's other outputs (a tune, a map). Its state would load a manager from a CDN.
    notebook["metadata"].pop("widgets", None)
    for cell in notebook["cells"]:
        if "outputs" in cell:
            cell["outputs"] = [output for output in cell["outputs"] if WIDGET not in output.get("data", {})]
    listing = {"cell_type": "markdown", "id": "labkit-exercises", "metadata": {},
               "source": exercise_list(lesson)}
    notebook["cells"].insert(1, listing)
    write_text_atomically(staged / "lessons" / lesson.name, json.dumps(notebook, ensure_ascii=False))
    shutil.copy(assign.student_path(lesson), staged / "downloads" / lesson.name)


def _api_pages(staged):
    """One page per labkit package: its docstring, then each of its modules' (autodoc)."""
    packages = {"labkit": config.REPO_ROOT / "labkit"}
    packages |= {f"labkit.{info.name}": Path(info.module_finder.path) / info.name
                 for info in pkgutil.iter_modules([str(packages["labkit"])]) if info.ispkg}
    for package, folder in packages.items():
        modules = [f"{package}.{info.name}" for info in pkgutil.iter_modules([str(folder)])
                   if not info.ispkg and info.name != "__main__"]
        # eval-rst: docstrings are reStructuredText (``code``, :func:`name`), not Markdown
        blocks = [f"```{{eval-rst}}\n.. automodule:: {package}\n   :no-members:\n```"]
        blocks += [f"## `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}\n   :members:\n```"
                   for module in modules]
        page = f"# `{package}`\n\n" + "\n\n".join(blocks) + "\n"
        write_text_atomically(staged / "api" / f"{package}.md", page)
    return list(packages)


def _fill(text, where):
    def part(match):
        name = match.group(1)
        if name not in readme.PAGE_PARTS:
            known = ", ".join(readme.PAGE_PARTS)
            raise ValueError(f"{where}: unknown generated part {name!r} (known: {known})")
        return readme.PAGE_PARTS[name]()
    return _GENERATED.sub(part, text)


def stage(staged, executed=EXECUTED, docs=DOCS, lessons=None):
    """Write Sphinx's source folder ``staged`` (emptied first) from ``docs`` and ``lessons`` (default:
    every lesson); the API pages when ``docs`` has an ``api.md``."""
    staged = Path(staged)
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(docs, staged)
    shutil.copy(config.REPO_ROOT / "CONTRIBUTING.md", staged / "contributing.md")
    shutil.copytree(readme.FULL_RESULTS, staged / "results", ignore=shutil.ignore_patterns("fast"))
    for tables in (staged / "results").rglob("*.md"):  # pages the history links to, outside its toctree
        tables.write_text("---\norphan: true\n---\n\n" + tables.read_text(encoding="utf-8"), encoding="utf-8")
    for page in staged.glob("*.md"):
        page.write_text(_fill(page.read_text(encoding="utf-8"), page.name), encoding="utf-8")
    (staged / "downloads").mkdir()
    for lesson in readme.lessons() if lessons is None else [Path(lesson) for lesson in lessons]:
        ready = Path(executed) / lesson.name if executed else None
        _stage_lesson(lesson, ready if ready is not None and ready.is_file() else lesson, staged)
    api = staged / "api.md"
    if api.is_file():
        toctree = "\n".join(f"api/{package}" for package in _api_pages(staged))
        toctree = f"\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n"
        api.write_text(api.read_text(encoding="utf-8") + toctree, encoding="utf-8")
    return staged


class _Page(html.parser.HTMLParser):
    """The ids a page defines and the links and images it holds."""

    def __init__(self):
        super().__init__()
        self.ids, self.targets = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.update(value for key, value in attrs.items() if key in ("id", "name") and value)
        canonical = tag == "link" and "canonical" in (attrs.get("rel") or "")  # the published address
        self.targets += [attrs[key] for key in ("href", "src") if attrs.get(key) and not canonical]


def _read_page(path, pages):
    if path not in pages:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path] = page
    return pages[path]


def broken_links(site):
    """``page: target`` for every relative link or image in the site's pages that does not resolve."""
    site, pages, broken = Path(site), {}, []
    for path in sorted(site.rglob("*.html")):
        for target in _read_page(path, pages).targets:
            if _SCHEME.match(target) or target.startswith("//"):
                continue
            parts = urllib.parse.urlsplit(target)
            file = (path.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else path
            if file.is_dir():
                file = file / "index.html"
            ok = file.is_file() and (not parts.fragment or file.suffix != ".html"
                                     or urllib.parse.unquote(parts.fragment) in _read_page(file, pages).ids)
            if not ok:
                broken.append(f"{path.relative_to(site)}: {target}")
    return broken


def build(out=OUT, executed=EXECUTED, docs=DOCS, lessons=None):
    """Stage the sources next to ``out`` (:func:`stage`), build the site into ``out``; its pages.

    A Sphinx warning or a broken link or image is a RuntimeError naming them."""
    out = Path(out)
    staged = stage(out.parent / f"{out.name}-src", executed, docs, lessons)
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
               "-d", str(out.parent / f"{out.name}-doctrees"), str(staged), str(out)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(config.REPO_ROOT),
                                                                    os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        problems = [line for line in done.stderr.splitlines() if line.strip()] or [done.stdout.strip()]
        raise RuntimeError(f"sphinx: {len(problems)} problem(s):\n" + "\n".join(problems))
    broken = broken_links(out)
    if broken:
        raise RuntimeError(f"{len(broken)} broken link(s) or image(s):\n" + "\n".join(broken))
    return sorted(path for path in out.rglob("*.html") if "_" not in path.relative_to(out).parts[0][:1])
