"""labkit.docs: the site's sources staged from docs/ and the lessons, Sphinx with warnings as errors, and
every link and image checked. `make docs` builds the whole site (in `make test` too); these tests build
small sites with the real conf.py, so that a broken link, image or page is shown to fail the build."""

from labkit import assign, config, docs, notebooks, readme

import json
import shutil

import nbformat
import pytest

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
LESSON = config.NOTEBOOKS_DIR / "01_rnn_from_scratch.ipynb"


def _site(folder, page):
    """A docs folder with the real conf.py, an index and ``page`` (Markdown)."""
    source = folder / "docs"
    source.mkdir()
    shutil.copy(docs.DOCS / "conf.py", source)
    (source / "index.md").write_text("# Home\n\n```{toctree}\npage\n```\n", encoding="utf-8")
    (source / "page.md").write_text(f"# A page\n\n{page}\n", encoding="utf-8")
    return source


def test_a_site_is_built_with_its_pages_and_search_and_a_broken_raw_link_fails_it(tmp_path):
    page = ('Back [home](index.md), to [a section](#a-section), <a href="nowhere.html">nowhere</a>.\n\n'
            "## A section")
    with pytest.raises(RuntimeError, match=r"^1 broken link\(s\) or image\(s\):\npage.html: nowhere.html$"):
        docs.build(tmp_path / "site", executed=None, docs=_site(tmp_path, page), lessons=[])
    built = {path.name for path in (tmp_path / "site").iterdir()}  # Sphinx built it; the link check failed it
    assert {"index.html", "page.html", "search.html", "searchindex.js"} <= built


def test_a_missing_page_or_image_fails_the_build_naming_each(tmp_path):
    page = "See [the missing page](missing.md).\n\n![a figure](figure-that-is-not-there.png)"
    with pytest.raises(RuntimeError, match="^sphinx: 2 problem") as failure:
        docs.build(tmp_path / "site", executed=None, docs=_site(tmp_path, page), lessons=[])
    assert "missing.md" in str(failure.value) and "figure-that-is-not-there.png" in str(failure.value)


def test_broken_links_checks_files_anchors_and_images_and_skips_external_ones(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.html").write_text('<h2 id="there">x</h2>', encoding="utf-8")
    (tmp_path / "sub" / "a.html").write_text(
        '<a href="../b.html#there">ok</a> <a href="#top" id="top">self</a> <a href="https://x.org/y">web</a>'
        '<img src="data:image/png;base64,AAAA"> <a href="../b.html#gone">anchor</a>'
        '<a href="../c.html">file</a> <img src="../figure.png"> <a href="mailto:a@b.c">mail</a>',
        encoding="utf-8")
    assert docs.broken_links(tmp_path) == [
        "sub/a.html: ../b.html#gone", "sub/a.html: ../c.html", "sub/a.html: ../figure.png"]


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """The real docs/ staged with lesson 01 as if make results had executed it (a widget and a figure)."""
    executed = tmp_path_factory.mktemp("executed")
    notebook = notebooks.read(LESSON)
    widget = {docs.WIDGET: {"model_id": "1", "version_major": 2, "version_minor": 0}, "text/plain": "VBox()"}
    notebook["cells"][2]["outputs"] = [nbformat.v4.new_output("display_data", data)
                                       for data in (widget, {"image/png": PNG})]
    (executed / LESSON.name).write_text(json.dumps(notebook), encoding="utf-8")
    return docs.stage(tmp_path_factory.mktemp("site") / "src", executed=executed, lessons=[LESSON])


def test_a_lesson_page_is_its_executed_run_with_its_exercises_listed(staged):
    page = notebooks.read(staged / "lessons" / LESSON.name)
    figure, = page["cells"][3]["outputs"]  # the executed copy, under a new cell, less the widget's live view
    assert figure["data"] == {"image/png": PNG}
    listing = notebooks.cell_source(page["cells"][1])
    exercises = assign.exercises(notebooks.read(LESSON), LESSON.name)
    assert len(exercises) == 3 and listing.count(" point") == len(exercises)
    assert all(f"`{name}`" in listing for _, name, _, _ in readme.exercise_rows(LESSON))
    assert (staged / "downloads" / LESSON.name).read_bytes() == assign.student_path(LESSON).read_bytes()


def test_generated_parts_are_filled_and_every_package_gets_an_api_page(staged):
    results = (staged / "results.md").read_text(encoding="utf-8")
    assert "<!-- generated" not in results and readme.results_part() in results
    assert readme.exercises_part() in (staged / "instructors.md").read_text(encoding="utf-8")
    assert "results/bench/claim_margins.json" in (staged / "benchmark-history.md").read_text(encoding="utf-8")
    packages = sorted(path.name for path in (config.REPO_ROOT / "labkit").iterdir()
                      if (path / "__init__.py").is_file())
    assert sorted(page.stem for page in (staged / "api").glob("*.md")) == ["labkit"] + [
        f"labkit.{name}" for name in packages]
    assert "api/labkit.grading" in (staged / "api.md").read_text(encoding="utf-8")


def test_an_unknown_generated_part_is_a_one_line_error(tmp_path):
    source = _site(tmp_path, "<!-- generated: nope -->")
    with pytest.raises(ValueError, match=r"^page.md: unknown generated part 'nope' \(known: results, "):
        docs.stage(tmp_path / "src", executed=None, docs=source, lessons=[])
