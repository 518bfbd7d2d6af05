import numpy as np
import pytest

from labkit import plots


def test_loss_curve_plots_the_values_it_was_given():
    fig = plots.loss_curve([3.0, 2.0, 1.5], title="t", logy=True)
    ax = fig.axes[0]
    assert ax.lines[0].get_ydata().tolist() == [3.0, 2.0, 1.5]
    assert ax.lines[0].get_xdata().tolist() == [1, 2, 3]
    assert ax.get_title() == "t" and ax.get_yscale() == "log"


def test_loss_curve_overlays_a_running_mean():
    fig = plots.loss_curve([4.0, 2.0, 0.0, 2.0], smooth=2)
    assert np.allclose(fig.axes[0].lines[1].get_ydata(), [3.0, 1.0, 1.0])


def test_figures_render_as_png_for_notebooks():
    png = plots.loss_curve([1.0, 0.5])._repr_png_()
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize("losses, kwargs, error, pattern", [
    ([], {}, ValueError, "^losses: expected a non-empty 1-D"),
    ([[1.0, 2.0]], {}, ValueError, "^losses: expected a non-empty 1-D"),
    (["a"], {}, TypeError, "^losses: expected a sequence of numbers"),
    ([1.0], {"smooth": -1}, ValueError, "^smooth: expected an int >= 0"),
])
def test_loss_curve_rejects_bad_input(losses, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        plots.loss_curve(losses, **kwargs)


def test_live_loss_collects_values_and_draws_the_final_curve():
    live = plots.LiveLoss("training", every=2)
    for value in (3.0, 2.0, 1.0):
        live.update(np.float32(value))
    assert live.losses == [3.0, 2.0, 1.0]
    assert live.close().axes[0].lines[0].get_ydata().tolist() == [3.0, 2.0, 1.0]


def test_live_loss_stops_on_nan_and_bad_arguments():
    live = plots.LiveLoss()
    live.update(1.0)
    with pytest.raises(ValueError, match=r"^loss: got NaN at step 2 \(training diverged\)$"):
        live.update(float("nan"))
    with pytest.raises(ValueError, match="^LiveLoss.close: no losses were recorded"):
        plots.LiveLoss().close()
    with pytest.raises(ValueError, match="^every: expected an int >= 1"):
        plots.LiveLoss(every=0)
