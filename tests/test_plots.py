from labkit import plots

import numpy as np
import pytest


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


def test_lines_plots_each_series_against_x_with_a_reference_line():
    fig = plots.lines({"LSTM": [1.0, 1.0, 0.9], "SimpleRNN": [1.0, 0.5, 0.25]}, x=[10, 50, 200],
                      title="acc", reference=(0.25, "chance"))
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["LSTM", "SimpleRNN", "chance"]
    assert ax.lines[1].get_xdata().tolist() == [10, 50, 200]
    assert ax.lines[1].get_ydata().tolist() == [1.0, 0.5, 0.25]
    assert list(ax.lines[2].get_ydata()) == [0.25, 0.25]


def test_lines_against_names_put_them_on_the_x_axis():
    buckets = ["1-20", "21-40", "41-60", "61+"]
    fig = plots.lines({"attention": [1.0, 1.0, 0.9, 0.9]}, x=buckets, xlabel="source length")
    ax = fig.axes[0]
    assert ax.lines[0].get_xdata().tolist() == [0, 1, 2, 3]
    assert list(ax.get_xticks()) == [0, 1, 2, 3] and [t.get_text() for t in ax.get_xticklabels()] == buckets


def test_a_long_title_wraps_within_the_figure_instead_of_being_cut_off():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    long = "Accuracy by source length (buckets 0: 1-20, 1: 21-40, 2: 41-60, 3: 61+ characters), exact match"
    tokens = "@ americanair worst flight ever delayed 3 hours".split()
    for fig in (plots.lines({"a": [1.0, 0.5]}, title=long),
                plots.attention(np.eye(len(tokens)), tokens, tokens, title=f"Self-attention: {long}")):
        renderer, text = FigureCanvasAgg(fig).get_renderer(), fig.axes[0].title
        fig.draw(renderer)
        one_line, *_ = renderer.get_text_width_height_descent(long, text.get_fontproperties(), False)
        box = text.get_window_extent(renderer)
        assert one_line > fig.bbox.width and 0 <= box.x0 and box.x1 <= fig.bbox.width  # too long, yet inside


def test_gradient_norms_use_a_log_scale_and_drop_underflowed_zeros():
    fig = plots.gradient_norms({"tanh": np.array([1.0, 1e-3, 0.0])})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.lines[0].get_xdata().tolist() == [0, 1, 2]
    y = ax.lines[0].get_ydata()
    assert y[:2].tolist() == [1.0, 1e-3] and np.isnan(y[2])


@pytest.mark.parametrize("series, kwargs, pattern", [
    ({}, {}, r"^series: expected a non-empty dict \{label: values\}$"),
    ([1.0, 2.0], {}, r"^series: expected a non-empty dict"),
    ({"a": [1.0, 2.0]}, {"x": [1, 2, 3]}, r"^series\['a'\]: expected 3 values \(one per x\), got 2$"),
    ({"a": [1.0, 2.0]}, {"x": ["1-20", "21+", "?"]}, r"^series\['a'\]: expected 3 values \(one per x\)"),
    ({"a": []}, {}, r"^series\['a'\]: expected a non-empty 1-D sequence"),
])
def test_lines_rejects_bad_input_in_one_line(series, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.lines(series, **kwargs)


def test_confusion_matrix_counts_true_against_predicted():
    fig = plots.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], ["neg", "neu", "pos"])
    assert fig.counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["neg", "neu", "pos"]
    assert ax.texts[0].get_text() == "1\n50%"


@pytest.mark.parametrize("labels, predictions, pattern", [
    ([0, 1], [0], r"^predictions: expected 2 values \(one per label\), got 1$"),
    ([0, 3], [0, 1], r"^labels: class indices must lie in \[0, 3\) for 3 class_names$"),
    ([], [], r"^labels: expected a non-empty 1-D sequence of class indices$"),
    ([0.5], [0], r"^labels: expected a non-empty 1-D sequence of class indices$"),
])
def test_confusion_matrix_rejects_bad_input_in_one_line(labels, predictions, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.confusion_matrix(labels, predictions, ["a", "b", "c"])


def test_matrix_shows_the_array_with_row_and_column_labels():
    values = np.arange(6.0).reshape(2, 3)
    fig = plots.matrix(values, title="m", xticklabels="abc", yticklabels=["r0", "r1"])
    ax = fig.axes[0]
    assert np.array_equal(ax.images[0].get_array(), values) and np.array_equal(fig.values, values)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["r0", "r1"]
    assert ax.get_title() == "m" and ax.get_xticklabels()[0].get_rotation() == 0  # characters stay level
    words = plots.matrix(values, xticklabels=["worst", "flight", "ever"]).axes[0]
    assert [t.get_rotation() for t in words.get_xticklabels()] == [90, 90, 90]  # words would overlap


def test_attention_map_rows_are_outputs_and_columns_inputs():
    weights = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5]])
    fig = plots.attention(weights, inputs="Aug", outputs=["2", "0"])
    ax = fig.axes[0]
    assert np.allclose(ax.images[0].get_array(), weights)
    assert ax.get_xlabel() == "input" and ax.get_ylabel() == "output"
    assert ax.images[0].get_clim() == (0, 1)


@pytest.mark.parametrize("call, pattern", [
    (lambda: plots.matrix([1.0, 2.0]), r"^values: expected a non-empty 2-D array, got shape \(2,\)"),
    (lambda: plots.matrix([["a"]]), "^values: expected a 2-D array of numbers"),
    (lambda: plots.matrix(np.ones((2, 3)), xticklabels="ab"), "^xticklabels: expected 3 labels"),
    (lambda: plots.matrix(np.ones((2, 3)), yticklabels="abc"), "^yticklabels: expected 2 labels"),
    (lambda: plots.attention(np.ones((2, 3)) / 3, "abc", "x"),
     r"^weights: expected shape \(len\(outputs\), len\(inputs\)\) = \(1, 3\), got \(2, 3\)"),
    (lambda: plots.attention(np.ones((1, 3)), "abc", "x"), "^weights: expected each row to be a distrib"),
    (lambda: plots.attention([[1.5, -0.5]], "ab", "x"), "^weights: expected each row to be a distribution"),
])
def test_matrix_and_attention_reject_bad_arguments_in_one_line(call, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern) as error:
        call()
    assert "\n" not in str(error.value)


def test_loss_curve_ticks_whole_steps_only():
    fig = plots.loss_curve([3.0, 2.0, 1.5])
    ticks = [t for t in fig.axes[0].get_xticks() if 1 <= t <= 3]
    assert ticks and all(float(t).is_integer() for t in ticks)
