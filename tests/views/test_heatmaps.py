"""The gradient heatmap on its own: two grids of numbers, drawn once and updated in place."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop_kit.views.heatmaps import GradientHeatmap, as_grid


@pytest.fixture
def ax():
    figure, ax = plt.subplots()
    yield ax
    plt.close(figure)


def texts(grid):
    return [[t.get_text() for t in row] for row in grid]


def test_matching_entries_are_written_out_beside_the_estimate(ax):
    heatmap = GradientHeatmap(ax, (2, 3), "dl/dW1")
    estimate = np.array([[1.0, -2.0, 0.5], [0.0, 3.5, -0.125]])
    image = heatmap.image
    assert heatmap.update(estimate + 1e-9, estimate) == "matches"
    assert heatmap.image is image
    assert texts(heatmap.your_texts) == texts(heatmap.estimate_texts) == [["1", "-2", "0.5"], ["0", "3.5", "-0.12"]]
    assert not any(box.get_visible() for row in heatmap.outlines for box in row)
    assert heatmap.image.get_clim() == pytest.approx((-3.5, 3.5))
    assert np.ma.getmaskarray(heatmap.image.get_array())[:, 3].all(), "a blank column separates the two blocks"


def test_wrong_entries_get_a_cross_and_an_outline(ax):
    heatmap = GradientHeatmap(ax, (2, 2), "dl/dW2")
    estimate = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert heatmap.update(estimate.T, estimate) == "2 of 4 entries off"
    assert heatmap.your_texts[0][1].get_text() == "3\u2717"
    assert heatmap.outlines[0][1].get_visible() and not heatmap.outlines[0][0].get_visible()


def test_vectors_are_columns_and_unusable_answers_say_why(ax):
    assert as_grid((3,)) == (3, 1) and as_grid(()) == (1, 1)
    heatmap = GradientHeatmap(ax, (3,), "dl/db")
    estimate = np.array([1.0, -1.0, 2.0])
    for answer, status in [(..., "not computed yet"), (np.ones((3, 1)), "has shape (3, 1); it should be (3,)"),
                           ("abc", "should be an array of numbers; got str"),
                           (np.array([1.0, np.nan, 2.0]), "has entries that are not finite numbers")]:
        assert heatmap.update(answer, estimate) == status
        assert heatmap.note.get_text() == f"dl/db {status}"
        assert texts(heatmap.your_texts) == [["?"], ["?"], ["?"]]
    heatmap.update(estimate, estimate)
    assert heatmap.note.get_text() == ""


def test_bad_shapes_are_refused_with_a_reason(ax):
    with pytest.raises(ValueError, match="scalar, vector or matrix"):
        GradientHeatmap(ax, (2, 2, 2), "T")
    heatmap = GradientHeatmap(ax, (2,), "v")
    with pytest.raises(ValueError, match=r"the estimate has shape \(3,\)"):
        heatmap.update(np.zeros(2), np.zeros(3))
