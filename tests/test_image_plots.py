"""labkit.image_plots: captioned images and attention over an image's columns (lesson 08)."""

from labkit import image_plots

import numpy as np
import pytest

pytest.importorskip("matplotlib")


def test_captioned_draws_one_titled_panel_per_image_and_hides_the_spare_ones():
    images = np.random.default_rng(0).random((5, 8, 24))
    fig = image_plots.captioned(images, ["one two", "", "three", "a", "b"], columns=3, title="strips")
    shown = [ax for ax in fig.axes if ax.axison]
    assert len(fig.axes) == 6 and len(shown) == 5
    assert [ax.get_title() for ax in shown[:2]] == ["“one two”", "(nothing)"]
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_column_attention_puts_the_image_above_one_row_of_weights_per_word():
    weights = np.full((3, 16), 1 / 16)
    fig = image_plots.column_attention(np.zeros((8, 16)), weights, ["one", "two", "<end>"], title="t")
    image, rows = fig.axes
    assert image.images[0].get_array().shape == (8, 16) and rows.images[0].get_array().shape == (3, 16)
    assert [label.get_text() for label in rows.get_yticklabels()] == ["one", "two", "<end>"]


@pytest.mark.parametrize("call, pattern", [
    (lambda: image_plots.captioned(np.zeros((2, 8)), ["a", "b"]), r"^images: expected \(n, height, width\)"),
    (lambda: image_plots.captioned(np.zeros((2, 8, 8)), ["a"]),
     r"^captions: expected 2 \(one per image\), got 1$"),
    (lambda: image_plots.column_attention(np.zeros((8, 16)), np.ones((2, 15)) / 15, ["a", "b"]),
     r"^weights: expected \(len\(words\), width\) = \(2, 16\), got \(2, 15\)$"),
    (lambda: image_plots.column_attention(np.zeros((8, 4)), np.ones((1, 4)), ["a"]),
     r"^weights: expected each row to be a distribution"),
])
def test_bad_arguments_get_one_line_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_images_that_are_not_numbers_get_a_type_error():
    with pytest.raises(TypeError, match=r"^images: expected an array of numbers$"):
        image_plots.captioned([["a"]], ["x"])
