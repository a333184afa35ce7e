"""Wire labels (backprop_kit.views.wirelabels) sit where they touch nothing else.

The intervals the placer rules out are checked against brute force (dense points of both
shapes), and every demo's drawn graph against its own pixels: each number drawn alone
must share no ink with the nodes, captions and wires, nor with any other number.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.path import Path

from backprop_kit.views import wirelabels
from backprop_kit.views.drawing import GraphView
from backprop_kit.model.graph import ComputationGraph
from tests.conftest import NOTEBOOKS
from tests.support.driving import another_value, demo_controls, solution_demos

INK = 60  # a pixel differs from white by more than this in some channel: something is drawn there


def _random_label(rng):
    angle = rng.uniform(-math.pi, math.pi)
    d = (math.cos(angle), math.sin(angle))
    side = (-d[1], d[0]) if rng.random() < 0.5 else (d[1], -d[0])
    return wirelabels._Moving(a=tuple(rng.uniform(-20, 20, 2)), d=d, side=side, length=200.0, gap=5.0,
                              width=rng.uniform(5, 60), height=rng.uniform(8, 20))


def _points_inside(corners, count=40):
    """A grid of points over a convex quadrilateral (corners in order)."""
    p0, p1, _, p3 = (np.array(c) for c in corners)
    u, v = np.meshgrid(np.linspace(0, 1, count), np.linspace(0, 1, count))
    return p0 + u.reshape(-1, 1) * (p1 - p0) + v.reshape(-1, 1) * (p3 - p0)


def _polygons_overlap(a, b):
    return bool(Path(b).contains_points(_points_inside(a)).any() or Path(a).contains_points(_points_inside(b)).any())


@pytest.mark.parametrize("seed", range(40))
def test_a_box_rules_out_exactly_the_centres_where_the_label_overlaps_it(seed):
    rng = np.random.default_rng(seed)
    label = _random_label(rng)
    x0, y0 = rng.uniform(-60, 60, 2)
    if rng.random() < 0.5:
        box = wirelabels.Polygon.box(x0, y0, x0 + rng.uniform(5, 50), y0 + rng.uniform(5, 50))
    else:  # a turned box: another wire, or another label
        other = _random_label(rng)
        box = other.at(rng.uniform(0, 100))
    interval = box.ruled_out(label, clear=0.0)
    for centre in np.linspace(-150, 150, 121):
        overlaps = _polygons_overlap(label.at(centre).corners, box.corners)
        if interval is not None and min(abs(centre - interval[0]), abs(centre - interval[1])) < 1.0:
            continue  # on the edge, the sampled points decide by where they fall
        assert overlaps == (interval is not None and interval[0] < centre < interval[1]), (centre, interval)


@pytest.mark.parametrize("seed", range(20))
def test_a_round_node_rules_out_exactly_the_centres_where_the_label_comes_within_its_radius(seed):
    rng = np.random.default_rng(100 + seed)
    label = _random_label(rng)
    circle = wirelabels.Circle(*rng.uniform(-40, 40, 2), rng.uniform(5, 30))
    interval = circle.ruled_out(label, clear=0.0)
    for centre in np.linspace(-150, 150, 121):
        points = _points_inside(label.at(centre).corners, 80)
        touches = bool((np.hypot(points[:, 0] - circle.x, points[:, 1] - circle.y) < circle.radius).any())
        if interval is not None and min(abs(centre - interval[0]), abs(centre - interval[1])) < 1.0:
            continue
        assert touches == (interval is not None and interval[0] < centre < interval[1]), (centre, interval)


def test_best_spot_keeps_out_of_open_intervals_and_stays_on_the_wire():
    assert wirelabels._best_spot(50, 10, 90, []) == (50, 0)
    assert wirelabels._best_spot(50, 10, 90, [(40, 70)]) == (40, 0)  # the nearer end
    assert wirelabels._best_spot(50, 10, 90, [(20, 55), (55, 95)]) == (55, 0)  # between two
    assert wirelabels._best_spot(5, 10, 90, []) == (10, 0)
    # nowhere free: where the fewest things are touched, then the nearest
    assert wirelabels._best_spot(50, 10, 90, [(0, 100), (30, 60)]) == (60, 1)


def _chain(value):
    graph = ComputationGraph()
    graph.add_node("a", kind="input", pos=(0, 0))
    graph.add_node("b", caption="b = g(a)", pos=(1, 0))
    graph.add_node("c", kind="output", pos=(2, 0))
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    graph.set_values({"a": value, "b": 2.0, "c": 3.0})
    graph.set_grads({"a": value, "b": 1.0, "c": 1.0})
    return graph


@pytest.mark.parametrize("value", [1.0, -0.123456, 1.2345e-5])
def test_a_number_too_long_for_its_spot_slides_off_the_node_it_would_cover(value):
    figure, ax = plt.subplots(figsize=(8, 2))
    view = GraphView(_chain(value), ax, spacing=(4.0, 1.0), label_at={("a", "b"): 0.1})
    figure.canvas.draw()
    label = view._wires[("a", "b")].value_text
    preferred = 0.1 * label.frame()[2]
    node_right = view._nodes["a"][0].get_window_extent().x1
    assert label.get_window_extent().x0 > node_right  # matplotlib's own box of the text: clear of the node
    assert label.spot[1] == label.size  # room on the wire: slid, not shrunk
    if value == 1.0:
        assert label.spot[0] == pytest.approx(preferred)  # "1" fits where it was put
    else:
        assert label.spot[0] > preferred + 5
    plt.close(figure)


def _two_wires():
    graph = ComputationGraph()  # two wires close together: the numbers between them share the room
    for name, kind, pos in [("a", "input", (0, 1)), ("c", "output", (1, 1)),
                            ("b", "input", (0, 0)), ("d", "output", (1, 0))]:
        graph.add_node(name, kind=kind, pos=pos)
    graph.add_edge("a", "c")
    graph.add_edge("b", "d")
    graph.set_values({name: 1.0 for name in "abcd"})
    graph.set_grads({name: 1.0 for name in "abcd"})
    _, ax = plt.subplots(figsize=(6, 3))
    view = GraphView(graph, ax, spacing=(4.0, 0.6), show_legend=False)
    ax.figure.canvas.draw()
    return graph, view


def _spots(view):
    return [(label.spot, label.get_text()) for wire in view._wires.values()
            for label in (wire.value_text, wire.grad_text) if label is not None]


def test_a_label_pushed_aside_by_another_is_marked_changed():
    graph, view = _two_wires()
    under_upper_wire = view._wires[("a", "c")].grad_text
    over_lower_wire = view._wires[("b", "d")].value_text
    where = over_lower_wire.spot
    under_upper_wire.stale = over_lower_wire.stale = False
    graph.set_grads({"a": -123.456})
    view.refresh()
    assert over_lower_wire.get_text() == "1" and abs(over_lower_wire.spot[0] - where[0]) > 20, "it did not make room"
    assert over_lower_wire.stale, "moved without being marked changed: a live figure would not draw it again"
    assert _overlaps(view) == []
    plt.close(view.ax.figure)


def test_texts_placed_before_take_their_placing_again(monkeypatch):
    """A drag's step back (and the next step a live figure drew ahead) finds its labels' placing
    kept: the spots a placing worked out anew gives, a label it moves marked changed, and the
    newest PLACINGS_KEPT placings kept."""
    graph, view = _two_wires()
    worked_out = []
    placing = wirelabels.LabelPlacer._placing
    monkeypatch.setattr(wirelabels.LabelPlacer, "_placing",
                        lambda placer, *args: worked_out.append(placer) or placing(placer, *args))
    grads = [1.0, -123.456] + [float(n) for n in range(10, 10 + wirelabels.PLACINGS_KEPT - 1)]
    for grad in grads:
        graph.set_grads({"a": grad})
        view.refresh()
    assert len(worked_out) == len(grads) - 1, "(1.0 was placed when the view was drawn)"
    pushed = view._wires[("b", "d")].value_text
    for grad, kept in [(-123.456, True), (1.0, False), (grads[-1], True)]:
        worked_out.clear()
        pushed.stale = False
        graph.set_grads({"a": grad})
        view.refresh()
        assert worked_out == ([] if kept else [view._placer]), f"kept: {kept} ({grad})"
        if grad == -123.456:
            assert pushed.stale, "a label a kept placing moves is marked changed: a live figure draws it again"
        fresh_graph, fresh = _two_wires()
        fresh_graph.set_grads({"a": grad})
        fresh.refresh()
        assert _spots(view) == _spots(fresh), f"placed as anew ({grad})"
    plt.close("all")


@pytest.mark.parametrize("dpi", [72, 100, 130])
@pytest.mark.parametrize("flagged", [False, True])
def test_every_wire_is_kept_clear_of_as_drawn_line_and_arrowhead(dpi, flagged):
    """The shapes a label keeps clear of hold every point of each wire's arrow as matplotlib draws it
    (thin, and as thick as a wire a gradient check flagged)."""
    graph = ComputationGraph()
    for name, kind, pos in [("a", "input", (0, 1)), ("b", "input", (0, -1)), ("c", "input", (0.6, 1.5)),
                            ("d", "op", (1, 0)), ("e", "output", (2, 0.4))]:
        graph.add_node(name, kind=kind, pos=pos)
    for src in "abc":
        graph.add_edge(src, "d")
    graph.add_edge("d", "e")
    if flagged:
        graph.mark_wires_from({name: "off" for name in "abcd"})
    figure, ax = plt.subplots(figsize=(6, 4), dpi=dpi)
    view = GraphView(graph, ax)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    drawn = view._placer.scene(renderer).drawn
    for key, wire in view._wires.items():
        arrow = wire.arrow
        path = arrow.get_path()
        points = arrow.get_transform().transform(path.vertices[path.codes != Path.CLOSEPOLY])
        points = np.vstack([points + offset for offset in  # the stroke's edges
                            arrow.get_linewidth() * renderer.points_to_pixels(1.0) / 2 * np.array(
                                [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)])])
        shapes = drawn[wire.value_text.wire]
        inside = np.zeros(len(points), bool)
        for shape in shapes:
            inside |= Path(shape.corners).contains_points(points, radius=1.0)
        assert inside.all(), f"wire {key}: {points[~inside].round(1).tolist()} outside what labels keep clear of"
    plt.close(figure)


def _ink(figure):
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.get_renderer().buffer_rgba())[..., :3].astype(int)
    return (np.abs(pixels - 255) > INK).any(axis=2)


def _graph_views(demo):
    for value in vars(demo).values():
        for item in (value.values() if isinstance(value, dict) else [value]):
            if isinstance(item, GraphView):
                yield item


def _overlaps(view):
    """(what, ink pixels shared) for every number on ``view`` that shares ink with anything."""
    figure = view.ax.figure
    labels = [label for wire in view._wires.values()
              for label in (wire.value_text, wire.grad_text, wire.local_text) if label.get_text()]
    children = view.ax.get_children()
    visible = {a: a.get_visible() for a in children + figure.axes + figure.texts}
    try:
        for a in figure.axes + figure.texts:  # the graph's axes only
            a.set_visible(a is view.ax)
        for label in labels:
            label.set_visible(False)
        rest = _ink(figure)
        for a in children:
            a.set_visible(False)
        alone = []
        for label in labels:
            label.set_visible(True)
            alone.append(_ink(figure))
            label.set_visible(False)
    finally:
        for a, shown in visible.items():
            a.set_visible(shown)
    found = []
    for i, label in enumerate(labels):
        if (shared := int((alone[i] & rest).sum())):
            found.append((f"{label.get_text()!r} and the drawing", shared))
        for j in range(i + 1, len(labels)):
            if (shared := int((alone[i] & alone[j]).sum())):
                found.append((f"{label.get_text()!r} and {labels[j].get_text()!r}", shared))
    return found


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if not n.startswith("03")])
def test_no_number_on_a_demo_graph_touches_anything_else(name, ipympl_backend, monkeypatch):
    """Every graph of every live demo at its defaults and after seeded random changes of its controls:
    each number drawn alone shares no ink with the rest of the graph, nor with another number."""
    demos = solution_demos(name, monkeypatch, blit=False)
    rng = np.random.default_rng(sum(map(ord, name)))
    checked = 0
    for demo in demos:
        views = list(_graph_views(demo))
        controls = demo_controls(demo.app())
        for step in range(4):
            if step:
                pick = rng.integers(len(controls))
                controls[pick].value = another_value(controls[pick], rng)
            for view in views:
                assert _overlaps(view) == [], f"{type(demo).__name__} after step {step}"
                checked += 1
    assert checked, "no graph found: nothing tested"


def test_a_vector_too_long_for_its_spot_is_written_with_a_digit_fewer_not_over_the_drawing(
        ipympl_backend, monkeypatch):
    """Notebook 2's two-layer network with seed 5 (identity): two 3-vectors fit their wires at
    no size with three digits each ("[-0.214, 0.0963, -0.698]" touched its neighbour by 5 px);
    with two they fit and touch nothing.  Seed 0 needs no shortening: full digits stay."""
    demo = solution_demos("02_backprop_practice", monkeypatch, blit=False)[-1]
    controls = {control.description: control for control in demo_controls(demo.app())}
    (view,) = _graph_views(demo)

    def shortened():
        return [label.get_text() for wire in view._wires.values() for label in (wire.value_text, wire.grad_text)
                if label.get_text() != label.texts[0]]

    controls["seed"].value = 5
    assert _overlaps(view) == []
    assert shortened(), "no label needed fewer digits: the test would pass without them"
    assert all(text.count(",") == 2 for text in shortened()), shortened()
    controls["seed"].value = 0
    assert shortened() == [], "a label that fits with every digit keeps them"
