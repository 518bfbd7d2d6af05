"""labkit.site: executed lessons rendered as HTML pages with an index (the browser test opens them)."""

from labkit import site

import nbformat
import pytest

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _lesson(folder):
    notebook = nbformat.v4.new_notebook()
    title = ("# Lesson 09 — A demo\n\n**What you will learn**\n\n1. How a **page** looks.\n2. Images embed,\n"
             "   also on a **second** line.\n")
    image = nbformat.v4.new_output("display_data", {"image/png": PNG})
    code = nbformat.v4.new_code_cell("plot()", outputs=[image])
    notebook.cells = [nbformat.v4.new_markdown_cell(title), code]
    path = folder / "09_demo.ipynb"
    nbformat.write(notebook, path)
    return path


def test_build_writes_a_page_per_lesson_and_an_index(tmp_path):
    lesson = _lesson(tmp_path)
    index = site.build([lesson], out=tmp_path / "site", executed_dir=tmp_path)  # already executed: not run
    text = index.read_text()
    assert '<a href="09_demo.html">Lesson 09 — A demo</a>' in text and "<li>How a page looks.</li>" in text
    assert "<li>Images embed, also on a second line.</li>" in text
    assert f"data:image/png;base64,{PNG}" in (tmp_path / "site" / "09_demo.html").read_text()


def test_a_missing_lesson_is_a_one_line_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="^lessons: no notebook at .*nope.ipynb$"):
        site.build([tmp_path / "nope.ipynb"], out=tmp_path / "site")
