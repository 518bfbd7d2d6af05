"""Small ipywidgets front-ends where a student would play with a trained model.

- :func:`temperature_player` (lesson 04): a temperature slider and a button that writes, checks
  and plays a new tune with the lesson's own sampler.
- :func:`choose_and_show` (lesson 05): pick an example from a list and see what a function draws
  for it (an attention map).

Each returns the widget box to ``display``; the lesson's model stays in the notebook, these only
wire controls to it. ipywidgets is imported when a function is called.
"""


def _show(output, show, *args, in_cell=False):
    """``show(*args)``: ``in_cell`` (the first one, while the cell runs) into the cell's own outputs,
    where a saved or converted notebook keeps it; later ones (a click, a choice), captured, become what
    ``output`` holds, carried by the widget's state. Never ``with output:``, whose outputs a runner
    without a widget front end (plain nbclient, nbconvert, papermill) must route itself and can wait
    on until the cell's timeout. An error is raised to the caller (inside an Output, ipywidgets would
    swallow it, and neither the cell nor labkit.unfinished would see it)."""
    from IPython.utils.capture import capture_output

    if in_cell:
        show(*args)
        return
    with capture_output() as captured:
        show(*args)
    shown = [{"output_type": "stream", "name": "stdout", "text": captured.stdout}] if captured.stdout else []
    shown += [{"output_type": "display_data", "data": o.data, "metadata": o.metadata}
              for o in captured.outputs]
    output.outputs = tuple(shown)


def temperature_player(write_tune, show_tune, *, low=0.1, high=1.5, value=0.5, step=0.1):
    """A slider (``low``..``high``), a "Write a tune" button and an output area.

    On a click, ``write_tune(temperature)`` returns a new tune (text) and ``show_tune(tune)`` shows
    it in the output (print it, play it). The first tune is written at once, into the cell.
    """
    import ipywidgets as widgets

    if not low < high or not low <= value <= high:
        raise ValueError(f"value: expected low <= value <= high with low < high, got {low}, {value}, {high}")
    slider = widgets.FloatSlider(value=value, min=low, max=high, step=step, description="temperature",
                                 continuous_update=False, readout_format=".1f")
    button = widgets.Button(description="Write a tune", icon="music", button_style="primary")
    output = widgets.Output()

    def write(_=None, in_cell=False):
        _show(output, lambda: show_tune(write_tune(slider.value)), in_cell=in_cell)

    button.on_click(write)
    write(in_cell=True)
    return widgets.VBox([widgets.HBox([slider, button]), output])


def choose_and_show(options, show, *, description="example"):
    """A dropdown of ``options`` (labels) and an output where ``show(label)`` draws the chosen one;
    the first is shown at once."""
    import ipywidgets as widgets

    options = list(options)
    if not options:
        raise ValueError("options: expected at least one example to choose from")
    dropdown = widgets.Dropdown(options=options, value=options[0], description=description,
                                layout=widgets.Layout(width="max-content"))
    output = widgets.Output()

    def draw(_=None, in_cell=False):
        _show(output, show, dropdown.value, in_cell=in_cell)

    dropdown.observe(draw, names="value")
    draw(in_cell=True)
    return widgets.VBox([dropdown, output])
