"""labkit.widgets: the controls call the lesson's functions at once and on every change (what they
show renders in a browser: tests/test_browser.py)."""

from labkit import widgets

import pytest

pytest.importorskip("ipywidgets")


def test_temperature_player_writes_a_tune_at_once_and_on_each_click():
    asked = []
    box = widgets.temperature_player(lambda t: asked.append(t) or f"X:1 at {t:.1f}", print, value=0.5)
    slider, button = box.children[0].children
    assert asked == [0.5]
    slider.value = 1.2
    button.click()
    assert asked == [0.5, 1.2]


def test_choose_and_show_draws_the_first_then_the_chosen_one():
    shown = []
    box = widgets.choose_and_show(["a date", "another date"], shown.append)
    box.children[0].value = "another date"
    assert shown == ["a date", "another date"]


@pytest.mark.parametrize("call, pattern", [
    (lambda: widgets.temperature_player(str, print, low=1.0, high=0.5), "^value: expected low <= value"),
    (lambda: widgets.choose_and_show([], print), "^options: expected at least one example"),
])
def test_bad_arguments_are_one_line_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_an_error_while_showing_reaches_the_cell():
    def unfinished(_):
        raise NotImplementedError("Exercise 2: write it")

    with pytest.raises(NotImplementedError, match="Exercise 2"):
        widgets.choose_and_show(["a date"], unfinished)


def test_what_a_click_shows_lives_in_the_widgets_own_state():
    box = widgets.temperature_player(lambda t: f"X:1 at {t:.1f}", print, value=0.5)
    (slider, button), output = box.children[0].children, box.children[1]
    assert output.outputs == ()  # the first tune went to the cell itself
    slider.value = 1.2
    button.click()
    assert output.outputs == ({"output_type": "stream", "name": "stdout", "text": "X:1 at 1.2\n"},)


WIDGET_CELL = """
import numpy as np
from IPython.display import Audio, display
from labkit import widgets
def show(tune):
    print(tune)
    display(Audio(np.sin(np.arange(8000) / 5.0), rate=8000))
widgets.temperature_player(lambda t: f"X:1 at {t:.1f}", show)
"""


def test_a_plain_nbclient_runs_a_widget_cell_without_waiting_out_its_timeout(tmp_path):
    """Plain nbclient (what nbconvert --execute and papermill use), with its own widget handling: the
    cell that plays a tune in the player's output finishes at once, run after run."""
    import time

    import nbformat
    from nbclient import NotebookClient

    for _ in range(3):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WIDGET_CELL)])
        start = time.monotonic()
        NotebookClient(notebook, timeout=60, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
        assert time.monotonic() - start < 30, "the widget cell waited for its timeout"
        state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        assert state, "nbclient saved no widget state"
