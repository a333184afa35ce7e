"""The shared pieces notebook 5 added: LossSurface, CheckList and GraphView's no_gradient wires."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from backprop_kit.views.checklist import CheckList
from backprop_kit.views.drawing import INK, WRONG_COLOUR, GraphView
from backprop_kit.model.graph import ComputationGraph
from backprop_kit.views.surfaces import LossSurface
from backprop_kit.values import format_number


@pytest.fixture
def surface():
    figure, ax = plt.subplots()
    yield LossSurface(ax, (-2, 2, -1, 3), xlabel="w1", ylabel="w2")
    plt.close(figure)


def test_a_new_surface_changes_the_same_artists(surface):
    u, v = surface.grid(21)
    assert u.shape == (21, 21) and u.min() == -2 and v.max() == 3
    artists = list(surface.ax.get_children())
    surface.set_surface(u, v, u ** 2 + v ** 2)
    first = surface.drawn()["levels"]
    assert first[0] <= 0 and first[-1] >= 13, "levels span the heights"
    surface.set_surface(u, v, (u - 1) ** 2 + v ** 2, levels=[0, 1, 4, 9])
    assert list(surface.drawn()["levels"]) == [0, 1, 4, 9]
    assert list(surface.ax.get_children()) == artists, "nothing added or replaced: a live figure blits it"
    assert surface.ax.get_xlim() == (-2, 2) and surface.ax.get_ylim() == (-1, 3)


@pytest.mark.parametrize("levels", [[0, 1, 4, 9], list(np.linspace(0, 2.5, 13)), [0, 0.5, 1, 1.5, 2, 2.5, 3]])
def test_the_colour_key_shows_each_band_in_its_surface_colour_with_the_loss_at_its_edges(surface, levels):
    u, v = surface.grid(21)
    surface.set_surface(u, v, (u ** 2 + v ** 2) / 10, levels=levels)
    middles = (np.array(levels[:-1]) + np.array(levels[1:])) / 2
    key = surface._key_bands
    assert key.get_visible() and key.get_array().shape == (len(middles), 1)
    for band, middle in enumerate(middles):  # the key's band, bottom to top, against the surface's
        assert np.allclose(key.to_rgba(key.get_array()[band, 0]), surface._bands.to_rgba(middle)), band
    numbers = {round(text.get_position()[1], 9): text.get_text() for text in surface._key_numbers if text.get_text()}
    assert numbers[0.0] == "0" and numbers[1.0] == format_number(levels[-1], 2) and len(numbers) >= 3
    for height, text in numbers.items():  # each number at its edge: band i ends i / (count of bands) up
        assert text == format_number(levels[round(height * (len(levels) - 1))], 2)
    surface.clear()
    assert not key.get_visible() and not any(text.get_text() for text in surface._key_numbers)


def test_a_flat_surface_gets_increasing_levels_around_its_height(surface):
    u, v = surface.grid(11)
    surface.set_surface(u, v, np.full_like(u, 2.0))
    levels = surface.drawn()["levels"]
    assert np.all(np.diff(levels) > 0) and levels[0] < 2.0 < levels[-1]


def test_surface_bands_and_lines_sit_where_contourf_puts_them(surface):
    """Independent truth: matplotlib's own contour set of the same heights."""
    u, v = surface.grid(41)
    heights = (u - 0.5) ** 2 + (v - 1) ** 2
    surface.set_surface(u, v, heights, levels=[0.5, 2, 4])
    reference = surface.ax.contour(u, v, heights, levels=[0.5, 2, 4])
    mine = np.concatenate(surface._lines.get_segments())
    theirs = np.concatenate([p.vertices for p in reference.get_paths() if len(p.vertices)])
    # every vertex of ours lies on one of matplotlib's lines (both follow the same marching squares)
    nearest = np.min(np.hypot(*(mine[:, None, :] - theirs[None, :, :]).transpose(2, 0, 1)), axis=1)
    assert nearest.max() < 1e-9
    reference.remove()
    figure = surface.ax.figure
    figure.canvas.draw()
    # the band colour at the point (0.5, 1) (height 0, under the lowest level) and at (-1.5, -0.5)
    # (height 4.5, over the top level) are the colour map's two ends
    image = np.asarray(figure.canvas.buffer_rgba())
    def colour_at(x, y):
        px, py = surface.ax.transData.transform((x, y))
        return image[image.shape[0] - int(py) - 1, int(px), :3] / 255
    cmap = surface._bands.get_cmap()
    assert np.allclose(colour_at(0.5, 1.0), cmap(0)[:3], atol=0.02)
    assert np.allclose(colour_at(-1.5, -0.5), cmap(cmap.N - 1)[:3], atol=0.02)


def test_point_arrow_and_path_move_in_place(surface):
    marker, arrow, path = surface.point, surface.arrow, surface.path
    surface.set_point((0.5, 1.0), (-0.5, 0.25))
    drawn = surface.drawn()
    assert drawn["point"] == (0.5, 1.0)
    assert drawn["arrow"] == ((0.5, 1.0), (0.0, 1.25))
    surface.set_path([(0.5, 1.0), (0.0, 1.25), (np.nan, 0.0), (-0.2, 1.3)])
    assert surface.drawn()["path"].tolist() == [[0.5, 1.0], [0.0, 1.25], [-0.2, 1.3]], "non-finite points dropped"
    assert surface.end.get_data() == ([-0.2], [1.3])
    assert (surface.point, surface.arrow, surface.path) == (marker, arrow, path)


def test_long_steps_are_shortened_and_tiny_ones_hidden_with_a_note(surface):
    surface.set_point((0.0, 0.0), (40.0, 0.0))
    start, tip = surface.drawn()["arrow"]
    assert np.isclose(np.hypot(tip[0] - start[0], tip[1] - start[1]), surface.max_arrow)
    assert "step 40 long, arrow shortened" in surface.arrow_note.get_text()
    surface.set_point((0.0, 0.0), (1e-4, 0.0))
    assert surface.drawn()["arrow"] is None
    assert surface.arrow_note.get_text() == "step 0.0001 long: too short to draw"
    surface.set_point((0.0, 0.0), None)
    assert surface.drawn()["arrow"] is None and surface.arrow_note.get_text() == ""
    surface.set_point((np.nan, 0.0), (1.0, 1.0))
    assert surface.drawn()["point"] is None


@pytest.mark.parametrize("call,message", [
    (lambda s: s.set_point((1, 2, 3)), "pair"),
    (lambda s: s.set_surface(*s.grid(5), np.zeros((4, 4))), "share one shape"),
    (lambda s: s.set_surface(*s.grid(5), np.full((5, 5), np.nan)), "no finite value"),
    (lambda s: s.grid(1), "at least 2"),
])
def test_surface_refuses_bad_input_with_a_reason(surface, call, message):
    with pytest.raises(ValueError, match=message):
        call(surface)


def test_surface_refuses_an_empty_extent():
    figure, ax = plt.subplots()
    with pytest.raises(ValueError, match="min < max"):
        LossSurface(ax, (1, 1, 0, 2))
    plt.close(figure)


def test_checklist_marks_status_by_symbol_and_colour():
    figure, ax = plt.subplots()
    checklist = CheckList(ax, 3, title="links")
    checklist.update([("ok", "a = 1"), ("wrong", "b = 2"), ("missing", "c = ?")], footer="first wrong: b")
    assert checklist.texts() == ["\u2713 a = 1", "\u2717 b = 2", "? c = ?"]
    assert to_rgba(checklist.lines[1].get_color()) == to_rgba(WRONG_COLOUR)
    assert checklist.footer.get_text() == "first wrong: b"
    checklist.update([("ok", "a = 1")])
    assert checklist.texts() == ["\u2713 a = 1", "", ""]
    with pytest.raises(ValueError, match="status must be one of"):
        checklist.update([("fine", "a")])
    with pytest.raises(ValueError, match="4 rows"):
        checklist.update([("ok", "a")] * 4)
    plt.close(figure)


def test_no_gradient_wires_show_the_value_only():
    graph = ComputationGraph()
    graph.add_node("x", kind="input")
    graph.add_node("w", kind="param")
    graph.add_node("f", "\u00d7", kind="output")
    graph.add_edge("x", "f")
    graph.add_edge("w", "f")
    graph.set_values({"x": 2.0, "w": 3.0, "f": 6.0})
    graph.set_grads({"x": 0.0, "w": 2.0, "f": 1.0})
    figure, ax = plt.subplots()
    view = GraphView(graph, ax, no_gradient=["x"])
    drawn = view.annotations()
    assert (drawn[("x", "f")]["value"], drawn[("x", "f")]["grad"]) == ("2", "")
    view._wires[("x", "f")].grad_text.stale = False
    view.refresh()  # the same values again: nothing to draw again in a live figure
    assert not view._wires[("x", "f")].grad_text.stale, "an empty gradient label was set and set back"
    assert drawn[("x", "f")]["style"] == "-" and to_rgba(drawn[("x", "f")]["colour"]) == to_rgba(INK)
    assert drawn[("w", "f")]["grad"] == "2"
    with pytest.raises(ValueError, match="not nodes of the graph"):
        GraphView(graph, ax, no_gradient=["nope"])
    plt.close(figure)
