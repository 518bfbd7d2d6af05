"""labkit.word_plots: word vectors on their principal plane (lesson 03)."""

from labkit import word_plots

import numpy as np
import pytest

pytest.importorskip("matplotlib")
sklearn_decomposition = pytest.importorskip("sklearn.decomposition")


def test_the_plane_is_scikit_learns_first_two_principal_components_up_to_sign():
    vectors = np.random.default_rng(0).normal(size=(30, 8)) * np.arange(1, 9)  # (n, dim)
    mine = word_plots.principal_plane(vectors)
    reference = sklearn_decomposition.PCA(n_components=2).fit_transform(vectors)
    signs = np.sign((mine * reference).sum(axis=0))
    np.testing.assert_allclose(mine * signs, reference, atol=1e-9)


def test_word_map_labels_every_point_and_colours_each_group():
    vectors = np.random.default_rng(1).normal(size=(6, 4))
    fig = word_plots.word_map(vectors, list("abcdef"), ["positive"] * 3 + ["negative"] * 3, title="t")
    ax = fig.axes[0]
    assert [text.get_text() for text in ax.texts] == list("abcdef")
    assert len(ax.collections) == 2 and fig.points.shape == (6, 2)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["positive", "negative"]


@pytest.mark.parametrize("kwargs, pattern", [
    ({"vectors": np.zeros((2, 4))}, r"^vectors: expected \(n, dim\) with n >= 3, got shape \(2, 4\)$"),
    ({"words": ["a"]}, r"^words: expected 4 \(one per vector\), got 1$"),
    ({"groups": ["a", "b"]}, r"^groups: expected 4 \(one per vector\), got 2$"),
])
def test_word_map_rejects_bad_arguments_in_one_line(kwargs, pattern):
    arguments = {"vectors": np.ones((4, 3)), "words": list("abcd"), "groups": list("xxyy"), **kwargs}
    with pytest.raises(ValueError, match=pattern):
        word_plots.word_map(**arguments)
