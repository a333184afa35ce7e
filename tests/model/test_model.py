"""The shared package on its own: graph model, number formatting, gradient checking, answer checks."""

import numpy as np
import pytest

from backprop_kit import checks
from backprop_kit.model.gradcheck import compare_gradients, numerical_gradient, relative_error
from backprop_kit.model.graph import ComputationGraph
from backprop_kit.values import format_value, value_texts


# ---- graph ------------------------------------------------------------------------------

def small_graph():
    graph = ComputationGraph()
    for name in "abc":
        graph.add_node(name, kind="input")
    graph.add_node("s", "+")
    graph.add_node("p", "\u00d7", kind="output")
    graph.add_edge("a", "s")
    graph.add_edge("b", "s")
    graph.add_edge("s", "p")
    graph.add_edge("c", "p")
    return graph


def test_layout_puts_each_node_one_column_after_its_deepest_input():
    positions = small_graph().layout()
    assert positions["a"][0] == positions["b"][0] == positions["c"][0] == 0
    assert positions["s"][0] == 1 and positions["p"][0] == 2


def test_fan_out_and_fan_in_are_supported():
    graph = ComputationGraph()
    graph.add_node("w", kind="param")
    for i in range(3):
        graph.add_node(f"g{i}")
        graph.add_edge("w", f"g{i}")
    graph.add_node("f")
    for i in range(3):
        graph.add_edge(f"g{i}", "f")
    assert len(graph.edges_from("w")) == 3 and len(graph.edges_into("f")) == 3
    graph.set_edge_grads({("w", "g1"): 0.5})
    assert graph.edge("w", "g1").grad == 0.5


@pytest.mark.parametrize("bad,message", [
    (("a", "zz"), "not in the graph"),
    (("a", "a"), "to itself"),
    (("a", "s"), "listed twice"),
    (("p", "a"), "cycle"),
])
def test_bad_wires_are_refused_with_a_reason(bad, message):
    graph = small_graph()
    with pytest.raises(ValueError, match=message):
        graph.add_edge(*bad)


def test_unknown_node_kind_is_refused():
    with pytest.raises(ValueError, match="node kind"):
        ComputationGraph().add_node("x", kind="banana")


# ---- values ------------------------------------------------------------------------------

@pytest.mark.parametrize("value,text", [
    (3.0, "3"), (-12, "-12"), (0.20999, "0.21"), (-0.0, "0"), (..., "?"), (None, "?"),
    (-9.3172e-06, "-9.317e-6"), (1.5e12, "1.5e+12"), (2e100, "2e+100"),
    (np.array([1.0, 2.0]), "[1, 2]"), (np.ones((3, 4)), "3\u00d74, \u2016\u00b7\u2016=3.46"),
])
def test_values_are_short_enough_for_a_wire(value, text):
    assert format_value(value) == text


@pytest.mark.parametrize("value,texts", [
    (-0.008326, ("-0.008326", "-0.00833")), (3.0, ("3",)), (..., ("?",)),
    (np.array([-0.0128, -0.000754, 0.294]),
     ("[-0.0128, -0.000754, 0.294]", "[-0.013, -0.00075, 0.29]", "[-0.01, -0.0008, 0.3]")),
    (np.ones((3, 4)), ("3\u00d74, \u2016\u00b7\u2016=3.46", "3\u00d74, \u2016\u00b7\u2016=3.5")),
])
def test_a_wire_label_may_fall_back_to_a_digit_fewer(value, texts):
    assert value_texts(value) == texts


# ---- gradient checking --------------------------------------------------------------------

def test_numerical_gradient_matches_hand_derivatives():
    def f(x, w):
        return float(np.sum(np.tanh(w @ x)))

    rng = np.random.default_rng(0)
    x, w = rng.normal(size=3), rng.normal(size=(2, 3))
    numeric = numerical_gradient(f, {"x": x, "w": w})
    upstream = 1 - np.tanh(w @ x) ** 2
    assert relative_error(numeric["x"], w.T @ upstream) < 1e-7
    assert relative_error(numeric["w"], np.outer(upstream, x)) < 1e-7
    assert numeric["w"].shape == w.shape


def test_numerical_gradient_keeps_scalars_scalar():
    numeric = numerical_gradient(lambda x, y: x * y, {"x": 2.0, "y": 3.0})
    assert isinstance(numeric["x"], float) and numeric["x"] == pytest.approx(3.0)


def test_compare_gradients_names_what_is_off():
    results = compare_gradients({"x": 1.0, "y": ..., "z": np.zeros(2)}, {"x": -4.0, "y": 1.0, "z": 0.0},
                                labels={"x": "df/dx"})
    assert "df/dx is off: you return 1, finite differences give -4." == results[0].problem
    assert "not computed yet" in results[1].problem
    assert "shape" in results[2].problem


def test_relative_error_treats_tiny_pairs_as_equal():
    assert relative_error(0.0, 1e-12) == 0.0
    assert relative_error(1.0, -1.0) == 2.0


# ---- answer checks -------------------------------------------------------------------------

@pytest.mark.parametrize("got,message", [
    (..., "still `...`"), (None, "forget a return"), ("3", "should be a number"),
    (np.ones(2), "single number"), (float("nan"), "finite"), (True, "should be a number"),
])
def test_number_check_says_why(got, message):
    with pytest.raises(AssertionError, match=message):
        checks.number("q", got)


def test_close_names_the_quantity_and_both_values():
    with pytest.raises(AssertionError, match=r"^df/dx at x=1: expected -4, got 4$"):
        checks.close("df/dx", 4.0, -4.0, at="at x=1")


def test_close_reports_shape_in_terms_of_the_parameter():
    with pytest.raises(AssertionError, match=r"dl/dW1 must have the shape of W1, \(3, 3\); got \(3,\)"):
        checks.close("dl/dW1", np.zeros(3), np.zeros((3, 3)), shape_of="W1")


def test_close_reports_first_wrong_entry_of_an_array():
    with pytest.raises(AssertionError, match=r"1 of 4 entries are wrong; at index \(1, 0\)"):
        checks.close("W", np.array([[1, 2], [0, 4]]), np.array([[1, 2], [3, 4]]))


def test_call_reports_student_crashes_and_missing_functions():
    with pytest.raises(AssertionError, match=r"forward\(1\) raised ZeroDivisionError"):
        checks.call(lambda x: 1 / 0, 1, name="forward")
    with pytest.raises(AssertionError, match="not defined"):
        checks.call(None, name="backward")


def test_random_inputs_are_seeded_and_plain_floats():
    first, again = checks.random_inputs(7, "xyz"), checks.random_inputs(7, "xyz")
    assert first == again and len(first) == 8
    assert all(type(v) is float for point in first for v in point.values())
    assert checks.random_inputs(8, "xyz") != first


# ---- live curves -----------------------------------------------------------------------------

def test_live_curves_update_in_place_and_drop_non_finite_points():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop_kit.views.curves import LiveCurves

    figure, ax = plt.subplots()
    curves = LiveCurves(ax, ["loss", "tangent"], logy=True)
    line = curves.lines["loss"]
    curves.update({"loss": ([0, 1, 2, 3], [4.0, float("nan"), 1.0, 0.0])})
    assert curves.lines["loss"] is line
    assert list(line.get_xdata()) == [0, 2]  # nan dropped, and 0 has no place on a log axis
    line.stale = False
    curves.update({"loss": ([0, 1, 2, 3], [4.0, float("nan"), 1.0, 0.0])})
    assert not line.stale, "the same data again is no change (a live figure would draw the curve again)"
    curves.update({"loss": ([], [])}, note="nothing to plot yet")
    assert curves.note.get_text() == "nothing to plot yet" and len(line.get_xdata()) == 0
    plt.close(figure)


@pytest.mark.parametrize("logy", [False, True])
def test_live_curves_keep_limits_through_a_small_change_and_rescale_for_a_large_one(logy):
    """Limits on a coarse grid: a small change keeps them (a live figure blits), the same data always
    get the same limits (a slider moved and back gives the same picture), new data get new ones."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop_kit.views.curves import LiveCurves

    figure, ax = plt.subplots()
    curves = LiveCurves(ax, ["loss"], logy=logy)
    xs = np.arange(50)
    curves.update({"loss": (xs, 1.0 + np.exp(-xs / 10))})
    first = ax.get_ylim()
    assert first[0] < 1.0 and first[1] > 2.0
    curves.update({"loss": (xs, 1.0 + 0.98 * np.exp(-xs / 10))})
    assert ax.get_ylim() == first, "a small change keeps the limits"
    curves.update({"loss": (xs, 1.0 + 3 * np.exp(-xs / 10))})
    assert ax.get_ylim()[1] > 4.0, "data beyond the limits rescales"
    curves.update({"loss": (xs, 1.0 + np.exp(-xs / 10))})
    assert ax.get_ylim() == first, "the same data, the same limits"
    curves.update({"loss": (xs, 1.0 + 0.1 * np.exp(-xs / 10))})
    assert ax.get_ylim()[1] < 1.5, "data filling a small part of the limits rescales"
    plt.close(figure)


def test_live_curves_on_a_log_floor_follow_only_the_top():
    """A decaying curve's smallest values move by decades as a slider moves: above a floor the
    limits follow only the top, which holds while the curve's top stays under its round number."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop_kit.views.curves import LiveCurves

    figure, (floored, free) = plt.subplots(1, 2)
    curves = [LiveCurves(ax, ["gradient"], logy=True, **extra) for ax, extra in ((floored, dict(log_floor=1e-5)), (free, {}))]
    xs = np.arange(1, 300)
    limits = []
    for decay in (0.02, 0.03, 0.05):  # the smallest value: 1e-3.6, 1e-4.6, 1e-7.1
        for live_curves in curves:
            live_curves.update({"gradient": (xs, 0.3 * np.exp(-decay * xs))})
        limits.append((floored.get_ylim(), free.get_ylim()))
    assert len({floor for floor, _ in limits}) == 1 and limits[0][0][0] == 1e-5, limits
    assert len({free for _, free in limits}) == 3, "without a floor the limits follow the bottom: the test could not fail"
    curves[0].update({"gradient": (xs, 3 * np.exp(-0.02 * xs))})
    assert floored.get_ylim()[0] == 1e-5 and floored.get_ylim()[1] > 3, "a higher top rescales"
    curves[0].update({"gradient": (xs, 1e-7 * np.exp(-0.02 * xs))})
    assert floored.get_ylim() == (1e-5, 1e-4), "all below the floor: a decade above it"
    plt.close(figure)


def test_live_curves_from_zero_and_symmetric_limits_hold_below_a_round_number():
    """A loss from 0, weights around 0: the limits are round numbers that hold while the curves move
    under them (a live figure blits instead of redrawing everything) and rise when a curve passes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from backprop_kit.views.curves import LiveCurves

    figure, (left, right) = plt.subplots(1, 2)
    loss = LiveCurves(left, ["loss"], y_limits="from_zero")
    weights = LiveCurves(right, ["unit 1", "unit 2"], y_limits="symmetric")
    xs = np.arange(20)
    for top in (0.46, 0.47, 0.4):
        loss.update({"loss": (xs, top * np.exp(-xs / 10))})
        assert left.get_ylim() == (0.0, 0.5)
        weights.update({"unit 1": (xs, -top * xs / 19), "unit 2": (xs, 0.1 * xs / 19)})
        assert right.get_ylim() == (-0.5, 0.5)
    loss.update({"loss": (xs, 0.7 * np.exp(-xs / 10))})
    assert left.get_ylim() == (0.0, 0.8)
    loss.update({"loss": (xs, np.zeros(20))})
    assert left.get_ylim() == (0.0, 1.0), "all zero: a unit axis, not an empty one"
    with pytest.raises(ValueError, match="y_limits must be one of"):
        LiveCurves(left, ["x"], y_limits="fixed")
    with pytest.raises(ValueError, match="log_floor is the lowest y of a log axis"):
        LiveCurves(left, ["x"], log_floor=1e-5)
    with pytest.raises(ValueError, match="only 'data' on a log axis"):
        LiveCurves(left, ["x"], logy=True, y_limits="from_zero")
    plt.close(figure)
