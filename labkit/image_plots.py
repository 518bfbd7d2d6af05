"""Plots of images and of attention over an image's columns (lesson 08, captioning).

Like :mod:`labkit.plots`, each function returns a Figure that Jupyter shows once and a test can
inspect (``fig.axes``) without a screen.
"""

from labkit.plots import _figure_class

import numpy as np


def _images(value, name="images"):
    try:
        images = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected an array of numbers") from None
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"{name}: expected (n, height, width) with n >= 1, got shape {images.shape}")
    return images


def captioned(images, captions, *, columns=2, title=""):
    """One panel per image (n, height, width), dark ink on white, titled by its caption."""
    images = _images(images)
    captions = list(captions)
    if len(captions) != len(images):
        raise ValueError(f"captions: expected {len(images)} (one per image), got {len(captions)}")
    rows = -(-len(images) // columns)
    height, width = images.shape[1:]
    figsize = (columns * (0.9 + width / 12), rows * (0.5 + height / 10))
    fig = _figure_class()(figsize=figsize, layout="constrained")
    for ax, image, caption in zip(fig.subplots(rows, columns, squeeze=False).ravel(), images, captions):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"“{caption}”" if caption else "(nothing)", fontsize="medium")
        ax.set_xticks([]), ax.set_yticks([])
    for ax in fig.axes[len(images):]:
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    return fig


def column_attention(image, weights, words, *, title=""):
    """An image (height, width) above its attention map: row i is how word ``words[i]`` spread its
    attention ``weights`` (len(words), width) over the image's columns (each row sums to 1)."""
    image = _images(np.asarray(image)[None], "image")[0]
    weights = np.asarray(weights, dtype=float)
    words = list(words)
    if weights.shape != (len(words), image.shape[1]):
        raise ValueError(f"weights: expected (len(words), width) = ({len(words)}, {image.shape[1]}), got "
                         f"{weights.shape}")
    rows_sum_to_one = np.allclose(weights.sum(axis=1), 1, atol=1e-3)
    if not np.all(np.isfinite(weights)) or weights.min() < 0 or not rows_sum_to_one:
        raise ValueError("weights: expected each row to be a distribution (>= 0, summing to 1)")
    width = image.shape[1]
    fig = _figure_class()(figsize=(1.2 + width / 8, 1.2 + (image.shape[0] + 2 * len(words)) / 8),
                          layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[image.shape[0], 2 * len(words)])
    top.imshow(image, cmap="gray_r", vmin=0, vmax=1, aspect="auto")
    top.set_yticks([])
    bottom.imshow(weights, cmap="Blues", vmin=0, vmax=weights.max(), aspect="auto")
    bottom.set_yticks(range(len(words)), words)
    bottom.set_xlabel("column of the image")
    bottom.set_ylabel("word written")
    if title:
        fig.suptitle(title)
    return fig
