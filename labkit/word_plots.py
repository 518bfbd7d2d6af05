"""A picture of word vectors: learned embeddings projected to 2-D, labelled with the words (lesson 03).

Like :mod:`labkit.plots`, the function returns a Figure that Jupyter shows once and a test can
inspect without a screen.
"""

from labkit.plots import _figure_class

import numpy as np


def principal_plane(vectors):
    """Coordinates (n, 2) of ``vectors`` (n, dim) on their first two principal components."""
    centred = vectors - vectors.mean(axis=0)  # (n, dim)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)  # rows: principal directions
    return centred @ directions[:2].T  # (n, 2)


def word_map(vectors, words, groups, *, title="Word vectors, first two principal components"):
    """Scatter ``vectors`` (n, dim) on their principal plane, each point labelled with its word and
    coloured by its group (``groups``: n labels, e.g. "positive" / "negative"). ``fig.points`` holds
    the (n, 2) coordinates."""
    try:
        vectors = np.asarray(vectors, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("vectors: expected a 2-D array of numbers") from None
    if vectors.ndim != 2 or len(vectors) < 3:
        raise ValueError(f"vectors: expected (n, dim) with n >= 3, got shape {vectors.shape}")
    words, groups = [str(word) for word in words], [str(group) for group in groups]
    for name, values in (("words", words), ("groups", groups)):
        if len(values) != len(vectors):
            raise ValueError(f"{name}: expected {len(vectors)} (one per vector), got {len(values)}")
    points = principal_plane(vectors)  # (n, 2)
    fig = _figure_class()(figsize=(7, 5), layout="constrained")
    ax = fig.subplots()
    for group in dict.fromkeys(groups):
        chosen = np.array([g == group for g in groups])
        ax.scatter(points[chosen, 0], points[chosen, 1], label=group, alpha=0.7)
    for (x, y), word in zip(points, words):
        ax.annotate(word, (x, y), fontsize="small", xytext=(3, 2), textcoords="offset points")
    ax.set(title=title, xlabel="component 1", ylabel="component 2")
    ax.legend()
    fig.points = points
    return fig
