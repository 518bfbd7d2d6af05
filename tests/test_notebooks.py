from labkit import config, notebooks

import json
import time
from pathlib import Path

import numpy as np
import pytest

LESSONS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def _code(source, outputs=()):
    return {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": source,
            "outputs": list(outputs)}


def _write_nb(path, cells):
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lessons_are_stored_without_outputs_except_pinned_cells(lesson):
    assert notebooks.unpinned_outputs(lesson) == []
    cells = notebooks.read(lesson)["cells"]
    unpinned = [c for c in cells if c["cell_type"] == "code" and not notebooks.is_pinned(c)]
    assert all(c.get("execution_count") is None for c in unpinned)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lessons_never_shell_out_to_install_or_download(lesson):
    code = [notebooks.cell_source(c) for c in notebooks.read(lesson)["cells"] if c["cell_type"] == "code"]
    for line in "\n".join(code).splitlines():
        assert not line.lstrip().startswith(("!", "%pip", "%conda")), line


def test_strip_keeps_only_pinned_outputs_without_stderr(tmp_path):
    stdout = {"output_type": "stream", "name": "stdout", "text": "kept\n"}
    stderr = {"output_type": "stream", "name": "stderr", "text": "tf noise\n"}
    path = _write_nb(tmp_path / "a.ipynb", [_code("print(1)", [stdout]),
                                             _code("# NBVAL_CHECK_OUTPUT\nprint(2)", [stdout, stderr])])
    assert notebooks.strip(path) is True
    cells = json.loads(path.read_text())["cells"]
    assert cells[0]["outputs"] == [] and cells[1]["outputs"] == [stdout]
    assert [c["execution_count"] for c in cells] == [None, 3]  # nbval needs the pinned cell's count
    assert notebooks.strip(path) is False  # already clean


def test_read_gives_one_line_errors_for_malformed_notebooks(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    with pytest.raises(ValueError, match=r"^notebook: .*broken.ipynb is not valid notebook JSON"):
        notebooks.read(tmp_path / "broken.ipynb")
    (tmp_path / "list.ipynb").write_text("[]")
    with pytest.raises(ValueError, match="has no 'cells' list"):
        notebooks.read(tmp_path / "list.ipynb")
    with pytest.raises(FileNotFoundError, match="^notebook: no notebook at"):
        notebooks.read("no_such_lesson")


def test_load_definitions_runs_imports_and_named_defs_only(tmp_path):
    path = _write_nb(tmp_path / "lesson.ipynb", [
        _code("%matplotlib inline\nimport math\nraise SystemExit('cells are not run')"),
        _code("def area(r):\n    return math.pi * r * r\n\nprint('not run')"),
    ])
    area = notebooks.load_definitions(path, ["area"])["area"]
    assert area(1.0) == pytest.approx(np.pi)
    with pytest.raises(ValueError, match=r"^names: \['volume'\] not defined at top level"):
        notebooks.load_definitions(path, ["volume"])
    with pytest.raises(ValueError, match="^names: expected a non-empty list"):
        notebooks.load_definitions(path, "area")


def test_load_definitions_also_runs_the_named_constants_in_notebook_order(tmp_path):
    path = _write_nb(tmp_path / "lesson.ipynb", [
        _code("WIDTH, HEIGHT = 3, 4\nSCALE = 10\nUNUSED = 1 / 0 if False else None"),
        _code("def area():\n    return WIDTH * HEIGHT * SCALE\n\nSCALE = 2"),
    ])
    lesson = notebooks.load_definitions(path, ["WIDTH", "SCALE", "area"])
    assert lesson["area"]() == 24 and lesson["WIDTH"] == 3  # the later SCALE = 2 wins, as in the notebook
    with pytest.raises(NameError):
        notebooks.load_definitions(path, ["area"])["area"]()  # HEIGHT was not asked for


def test_notebook_path_resolves_lesson_names():
    assert notebooks.notebook_path("01_rnn_from_scratch") == Path(LESSONS[0])


def test_a_lesson_name_outside_repo_root_resolves_to_the_checkouts_lesson(monkeypatch, tmp_path):
    from labkit import config

    monkeypatch.setattr(config, "NOTEBOOKS_DIR", tmp_path)  # a scratch root that holds no lessons
    assert notebooks.notebook_path("01_rnn_from_scratch") == config.LESSONS_DIR / "01_rnn_from_scratch.ipynb"
    with pytest.raises(FileNotFoundError, match="^notebook: no notebook at .*never_written.ipynb$"):
        notebooks.notebook_path("never_written")


def test_execute_keeps_every_output_and_does_not_wait_out_a_widget_playing_audio(tmp_path):
    """Lesson 04's temperature player plays a tune inside an ipywidgets Output. nbclient's stand-in for
    that widget's front end sometimes left the cell's reply unread until the cell's timeout, and then
    went on as if nothing happened; execute leaves it out, so the cells finish well before it."""
    played = ("from labkit import music, widgets\nfrom IPython.display import display\n"
              "tune = 'X:1\\nT:t\\nM:4/4\\nL:1/8\\nK:G\\n' + 'GABc dBGB|c2e2 d2B2|' * 12\n"
              "def show(tune):\n    print('playing')\n    display(music.play(tune))\n"
              "display(widgets.temperature_player(lambda temperature: tune, show))")
    path = _write_nb(tmp_path / "lesson.ipynb", [_code(played), _code("print('after')")])
    started = time.monotonic()
    written = notebooks.execute(path, tmp_path / "executed", timeout=120)
    assert time.monotonic() - started < 90  # a missed reply waits the whole 120 s
    cells = json.loads(written.read_text())["cells"]
    assert written == tmp_path / "executed" / "lesson.ipynb"
    assert "".join(cells[1]["outputs"][0]["text"]) == "after\n"
    assert "audio/wav" in json.dumps(cells[0]["outputs"])  # the widget's output stays in the cell
    assert path.read_text().count('"outputs": []') == 2  # the source notebook is left as it was
