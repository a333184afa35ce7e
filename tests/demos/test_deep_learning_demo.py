"""Notebook 4's drawings, tables and widgets, driven with a reference implementation written here.

The exact values the notebook states are checked against centred finite differences of the
worksheet's own network and the grading side's definitions (backprop_reference), and the rebuilt
data sets of (c) against the worksheet's answers.
"""

import itertools
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from backprop_kit.demos import deep_learning as dl
from backprop_kit.views.drawing import INK, QUIET_COLOUR, WRONG_COLOUR, GraphView
from backprop_kit.model.gradcheck import numerical_gradient
from backprop_kit.model.graph import ComputationGraph
from backprop_kit.views.regions import DecisionRegions
from backprop_reference import deep_learning as ref

MINUS = "\u2212"


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


# ---- reference implementations (independent of the notebook) -------------------------------

def forward_a(x):
    h1, h2 = 2 * x + 1, 2 - 4 * x
    r1, r2, m = max(h1, 0.0), max(h2, 0.0), max(h2, x)
    u = r1 - 2 * r2 - 3 * m
    return h1, h2, r1, r2, m, u, sigmoid(u)


def y_of(x1, x2, a, b, c, d, e, f):
    return sigmoid(a * max(c * x1 + e * x2, 0.0)) + sigmoid(b * max(d * x1 + f * x2, 0.0))


def forward_b(x1, x2, a, b, c, d, e, f):
    r1, r2 = max(c * x1 + e * x2, 0.0), max(d * x1 + f * x2, 0.0)
    s1, s2 = sigmoid(a * r1), sigmoid(b * r2)
    return r1, r2, s1, s2, s1 + s2


def backward_b(x1, x2, a, b, c, d, e, f, relu_slope=None):
    r1, r2, s1, s2, _ = forward_b(x1, x2, a, b, c, d, e, f)
    g1, g2 = s1 * (1 - s1), s2 * (1 - s2)
    k1 = relu_slope if relu_slope is not None else float(r1 > 0)
    k2 = relu_slope if relu_slope is not None else float(r2 > 0)
    return {"a": g1 * r1, "b": g2 * r2, "c": g1 * a * k1 * x1, "e": g1 * a * k1 * x2,
            "d": g2 * b * k2 * x1, "f": g2 * b * k2 * x2, "s1": 1.0, "s2": 1.0, "r1": g1 * a, "r2": g2 * b}


def relu_slope_one(*args):
    return backward_b(*args, relu_slope=1.0)


WORKSHEET = dict(x1=1.0, x2=-1.0, a=1.0, b=1.0, c=4.0, d=1.0, e=2.0, f=2.0)


def quiet(drawn):
    return drawn["style"] == "--" and to_rgba(drawn["colour"]) == to_rgba(QUIET_COLOUR)


# ---- the numbers the notebook states -----------------------------------------------------------

def test_exact_values_of_b_by_finite_differences():
    grads = numerical_gradient(y_of, WORKSHEET)
    exact = {name: round(grads[name], 4) for name in "abcdef"}
    assert exact == {"a": 0.21, "b": 0.0, "c": 0.105, "d": 0.0, "e": -0.105, "f": 0.0}
    assert f"{grads['a']:.4f}" == "0.2100" and f"{grads['c']:.4f}" == "0.1050"
    assert round(y_of(**WORKSHEET), 4) == 1.3808
    assert round(sigmoid(2.0), 4) == 0.8808
    # the worksheet's 0.18, 0.09, -0.09: the same formulas with s1 rounded to 0.9
    s1 = 0.9
    assert (round(2 * s1 * (1 - s1), 4), round(s1 * (1 - s1), 4)) == (0.18, 0.09)


def test_table_values_of_a_at_x_1():
    assert forward_a(1.0) == (3.0, -2.0, 3.0, 0.0, 1.0, 0.0, 0.5)
    assert ref.a_definition(1.0) == forward_a(1.0)
    for x in np.linspace(-3, 3, 61):
        assert np.allclose(ref.a_definition(x), forward_a(x))


def test_the_exact_row_written_in_the_kit_is_the_grading_sides_exact_gradient():
    exact = ref.b_gradients(**WORKSHEET)
    assert dl.WORKSHEET_EXACT == {name: exact[name] for name in "abcdef"}
    numeric = numerical_gradient(y_of, WORKSHEET)
    assert all(exact[name] == pytest.approx(numeric[name], abs=1e-9) for name in "abcdef")
    for point in ({**WORKSHEET, "x1": 3.0}, dict(zip(WORKSHEET, np.linspace(-1.7, 2.3, 8)))):
        assert ref.b_forward(**point) == pytest.approx(forward_b(**point))
        assert ref.b_gradients(**point) == pytest.approx(backward_b(**point))


# ---- (a) --------------------------------------------------------------------------------------------

def test_forward_table_is_filled_from_the_students_values():
    html = dl.forward_table(forward_a, x=1.0).data
    for label, value in zip(dl.A_LABELS, ["3", "-2", "3", "0", "1", "0", "0.5"]):
        assert f">{label}</th>" in html  # each output's label heads its row
        assert f">{value}</td>" in html
    unfinished = dl.forward_table(lambda x: (...,) * 7).data
    assert unfinished.count(">?</td>") == 7
    assert "is still `...`" in unfinished


def test_forward_demo_at_x_1_draws_values_and_an_inactive_relu():
    demo = dl.ForwardNetworkDemo(forward_a)
    drawn = demo.view.annotations()
    assert demo.readout.values == {"(i)": "3", "(ii)": "-2", "(iii)": "3", "(iv)": "0", "(v)": "1",
                                   "(vi)": "0", "(vii)": "0.5"}
    assert drawn[("x", "i")]["value"] == "1" and drawn[("i", "iii")]["value"] == "3"
    assert drawn[("vii", None)]["value"] == "0.5"
    assert all(wire["grad"] == "" for wire in drawn.values()), "part (a) shows no gradients"
    patch = demo.view._nodes["iv"][0]
    assert patch.get_hatch() == "///" and demo.view._nodes["iii"][0].get_hatch() is None
    assert quiet(drawn[("ii", "iv")]) and quiet(drawn[("iv", "vi")]), "wires into and out of an off ReLU are quiet"
    assert drawn[("i", "iii")]["style"] == "-" and to_rgba(drawn[("i", "iii")]["colour"]) == to_rgba(INK)
    texts = [t.get_text() for t in demo.view.ax.texts]
    assert "above a wire: forward value" in texts
    assert "below a wire: gradient of the output" not in texts
    assert "rebuilt" in demo.view.ax.get_title(), "the worksheet's figure is missing: the drawing says so"


def test_forward_demo_slider_redraws_the_same_figure():
    demo = dl.ForwardNetworkDemo(forward_a)
    figure = demo.figure.figure
    (slider,) = demo.app().children[0].children[0].children[:1]  # then the table toggle
    slider.value = -1.0  # (i) = -1: the first ReLU switches off, the second on
    drawn = demo.view.annotations()
    assert demo.figure.figure is figure
    assert demo.view._nodes["iii"][0].get_hatch() == "///" and demo.view._nodes["iv"][0].get_hatch() is None
    assert demo.readout.values["(iv)"] == "6" and demo.readout.values["(v)"] == "6"
    assert quiet(drawn[("i", "iii")]) and not quiet(drawn[("ii", "iv")])


def test_forward_demo_with_unfinished_function_shows_question_marks():
    demo = dl.ForwardNetworkDemo(lambda x: (...,) * 7)
    assert demo.view.annotations()[("i", "iii")]["value"] == "?"
    assert "still `...`" in demo.view.message
    short = dl.ForwardNetworkDemo(lambda x: (1.0, 2.0))
    assert "should be a tuple of 7 values" in short.view.message


# ---- (b) --------------------------------------------------------------------------------------------

def test_b_demo_at_worksheet_values_shows_exact_numbers():
    demo = dl.ReluSigmoidDemo(forward_b, backward_b)
    assert demo.readout.values == {
        "r1": "2", "r2": "0", "s1": "0.8808", "s2": "0.5", "y": "1.381",
        "dy/da": "0.21", "dy/db": "0", "dy/dc": "0.105", "dy/dd": "0", "dy/de": "-0.105", "dy/df": "0"}
    drawn = demo.view.annotations()
    assert (drawn[("c", "r1")]["value"], drawn[("c", "r1")]["grad"]) == ("4", "0.105")
    assert (drawn[("e", "r1")]["value"], drawn[("e", "r1")]["grad"]) == ("2", "-0.105")
    assert (drawn[("a", "s1")]["value"], drawn[("a", "s1")]["grad"]) == ("1", "0.21")
    assert (drawn[("r1", "s1")]["value"], drawn[("r1", "s1")]["grad"]) == ("2", "0.105")
    assert (drawn[("y", None)]["value"], drawn[("y", None)]["grad"]) == ("1.381", "1")
    assert drawn[("x1", "r1")]["grad"] == "" and drawn[("x1", "r1")]["value"] == "1"
    assert [bar.get_height() for bar in demo.bars.yours] == pytest.approx([0.20999, 0, 0.104994, 0, -0.104994, 0],
                                                                         abs=1e-5)
    assert demo.bars.ax.get_ylim() == pytest.approx((-0.3, 0.3)), "the bar axis fits gradients under 0.21"
    assert demo.view.message == ""


def test_b_inactive_relu_and_the_path_behind_it_are_drawn_differently():
    demo = dl.ReluSigmoidDemo(forward_b, backward_b)
    drawn = demo.view.annotations()
    assert demo.graph.nodes["r2"].inactive and not demo.graph.nodes["r1"].inactive
    assert demo.view._nodes["r2"][0].get_hatch() == "///"
    assert to_rgba(demo.view._nodes["r2"][0].get_edgecolor()) == to_rgba(QUIET_COLOUR)
    assert demo.view._nodes["r1"][0].get_hatch() is None
    for wire in [("d", "r2"), ("f", "r2"), ("x1", "r2"), ("x2", "r2"), ("r2", "s2"), ("b", "s2")]:
        assert quiet(drawn[wire]), f"{wire} is behind the inactive ReLU: it should be dashed grey"
    for wire in [("c", "r1"), ("e", "r1"), ("x1", "r1"), ("x2", "r1"), ("r1", "s1"), ("a", "s1"), ("s2", "y")]:
        assert drawn[wire]["style"] == "-", f"{wire} carries a gradient: it should be solid"


def test_b_sliders_switch_the_relu_on_in_the_same_figure():
    demo = dl.ReluSigmoidDemo(forward_b, backward_b)
    figure = demo.figure.figure
    sliders = dict(zip(["x1", "x2", *"abcdef"], demo.app().children[0].children[0].children))
    assert [sliders[n].value for n in sliders] == list(WORKSHEET.values())
    sliders["x1"].value = 3.0  # d x1 + f x2 = 3 - 2 = 1 > 0: r2 is on
    drawn = demo.view.annotations()
    assert demo.figure.figure is figure
    assert not demo.graph.nodes["r2"].inactive and demo.view._nodes["r2"][0].get_hatch() is None
    assert drawn[("d", "r2")]["style"] == "-" and drawn[("x1", "r2")]["style"] == "-"
    expected = numerical_gradient(y_of, {**WORKSHEET, "x1": 3.0})
    assert float(demo.readout.values["dy/dd"]) == pytest.approx(expected["d"], rel=1e-3)


def test_b_check_marks_the_wires_behind_an_off_relu_when_its_slope_is_taken_as_1():
    demo = dl.ReluSigmoidDemo(forward_b, relu_slope_one)
    report = demo.check()
    assert "\u2717 dy/dd is off: you return 0.25, finite differences give 0." in report
    assert "\u2717 dy/df is off" in report
    assert "\u2713 dy/dc matches finite differences." in report
    drawn = demo.view.annotations()
    assert to_rgba(drawn[("d", "r2")]["colour"]) == to_rgba(WRONG_COLOUR)
    assert drawn[("d", "r2")]["grad"].endswith("\u2717")
    assert to_rgba(drawn[("c", "r1")]["colour"]) != to_rgba(WRONG_COLOUR)
    assert demo.view.message.startswith("\u2717 2 wire(s)")


def test_b_check_at_the_relu_kink_says_so_instead_of_flagging():
    demo = dl.ReluSigmoidDemo(forward_b, backward_b, c=2.0)  # c x1 + e x2 = 2 - 2 = 0
    assert demo.graph.nodes["r1"].inactive, "at exactly 0 the notebook's convention: the unit is off"
    report = demo.check()
    assert "dy/dc, dy/de not checked" in report and "slope there as 0" in report
    assert "\u2717" not in report


def test_b_unfinished_functions_show_question_marks_not_a_crash():
    demo = dl.ReluSigmoidDemo(lambda *args: (...,) * 5, lambda *args: None)
    assert demo.view.annotations()[("r1", "s1")]["value"] == "?"
    assert "still `...`" in demo.view.message
    assert demo.readout.values["dy/da"] == "?"
    report = demo.check()
    assert report.startswith("backward_b(...) is None: did you forget a return statement?")
    with pytest.raises(ValueError, match="unknown input"):
        dl.ReluSigmoidDemo(forward_b, backward_b, g=1.0)


def test_b_finite_differences_are_of_the_students_forward_pass():
    """The kit holds no y of its own: the hatched bars and the check differentiate forward_b, so a
    forward pass that doubles y doubles them, and the (right) backward pass no longer matches it."""
    def doubled(*args):
        r1, r2, s1, s2, y = forward_b(*args)
        return r1, r2, s1, s2, 2 * y

    demo = dl.ReluSigmoidDemo(doubled, backward_b)
    estimates = [bar.get_height() for bar in demo.bars.estimates]
    assert estimates == pytest.approx([2 * 0.20998717, 0, 2 * 0.10499359, 0, -2 * 0.10499359, 0], abs=1e-6)
    report = demo.check()
    assert "\u2717 dy/da is off: you return 0.21, finite differences give 0.42." in report
    assert "\u2717 dy/ds1 is off" in report, "dy/ds1 is the change in y over the change in s1 as a moves"
    # the second ReLU is off in the student's forward pass: nothing moves s2 or r2, so they are not checked
    assert "dy/ds2, dy/dr2 not checked: your forward pass has that unit's ReLU off" in report


def test_b_draws_a_relu_off_from_the_students_own_r():
    def r2_never_off(*args):
        r1, r2, s1, s2, y = forward_b(*args)
        return r1, 1.0, s1, s2, y

    demo = dl.ReluSigmoidDemo(r2_never_off, backward_b)
    assert not demo.graph.nodes["r2"].inactive and not demo.graph.nodes["r1"].inactive
    blank = dl.ReluSigmoidDemo(lambda *args: (...,) * 5, backward_b)
    assert not blank.graph.nodes["r2"].inactive, "no r yet: no ReLU drawn off"
    report = blank.check()
    assert "Finish forward_b first: the check differentiates your forward pass." in report
    assert "\u2717" not in report and "\u2713" not in report, "no forward pass, nothing to compare with"


def test_worksheet_comparison_shows_rounded_exact_and_yours():
    html = dl.worksheet_comparison(backward_b).data
    for text in ("0.18", "0.09", "-0.09", "0.2100", "0.1050", "-0.1050"):
        assert f">{text}</td>" in html
    assert html.count(">0.2100</td>") == 2, "the exact row and the reference's row"
    unfinished = dl.worksheet_comparison(lambda *args: dict.fromkeys("abcdef", ...)).data
    # predict, then compare: before backward_b exists the worksheet's and the exact rows are hidden too
    assert unfinished.count(">?</td>") == 18 and "0.2100" not in unfinished


# ---- (c) --------------------------------------------------------------------------------------------

PIECES = list(itertools.product(dl.SIGNS, dl.MAX_PIECES, dl.MAX_PIECES, dl.OFFSETS))
WORKSHEET_ANSWERS = {
    1: [("+", "x1", "-x1", "-1"), ("+", "-x1", "x1", "-1")],
    2: [("-", "x1", "-x1", "x2"), ("-", "-x1", "x1", "x2"),
        ("-", "x1 - x2", "-x1 - x2", "0"), ("-", "-x1 - x2", "x1 - x2", "0")],
}
RULES = {1: lambda x1, x2: np.abs(x1) - 1, 2: lambda x1, x2: x2 - np.abs(x1)}


@pytest.mark.parametrize("plot", [1, 2])
def test_rebuilt_data_match_the_worksheet_answers_with_a_margin(plot):
    points, labels = dl.plot_data(plot)
    truth = RULES[plot](points[:, 0], points[:, 1])
    assert np.array_equal(truth >= 0, labels)
    assert np.abs(truth).min() >= 0.25, "no point sits on the boundary"
    assert labels.sum() >= 5 and (~labels).sum() >= 5


@pytest.mark.parametrize("plot", [1, 2])
def test_only_the_worksheet_forms_classify_the_plotted_points(plot):
    points, labels = dl.plot_data(plot)
    right = [p for p in PIECES if not len(dl.misclassified(dl.classifier(*p), plot))]
    assert sorted(right) == sorted(WORKSHEET_ANSWERS[plot])
    # so whoever gets the plotted points right also gets every other point of the two classes right
    grid = np.random.default_rng(0).uniform(-3, 3, size=(4000, 2))
    for pieces in right:
        assert np.allclose(dl.classifier(*pieces)(grid[:, 0], grid[:, 1]), RULES[plot](grid[:, 0], grid[:, 1]))


def test_a_near_miss_misclassifies_exactly_one_point_of_plot_2():
    wrong = dl.misclassified(dl.classifier("-", "x1", "0", "x2"), 2)
    assert wrong.tolist() == [[-1.3, 0.9]]


def test_classifier_text_code_and_bad_pieces():
    f = dl.classifier("+", "x1", "-x1", "-1")
    assert str(f) == f"f(x1, x2) = max(x1, {MINUS}x1) {MINUS} 1"
    assert str(dl.classifier("-", "x1 - x2", "-x1 - x2", "0")) == \
        f"f(x1, x2) = {MINUS}max(x1 {MINUS} x2, {MINUS}x1 {MINUS} x2)"
    assert str(dl.classifier("-", "x1", "-x1", "x2")) == f"f(x1, x2) = {MINUS}max(x1, {MINUS}x1) + x2"
    assert f.code() == 'return classifier("+", "x1", "-x1", "-1")'
    assert f(-2.0, 5.0) == 1.0 and np.allclose(f(np.array([0.5, 3.0]), np.zeros(2)), [-0.5, 2.0])
    with pytest.raises(ValueError, match="the first piece must be one of .*got 'x3'"):
        dl.classifier("+", "x3", "x1", "0")
    with pytest.raises(ValueError, match="the sign piece"):
        dl.classifier("*", "x1", "x1", "0")


@pytest.mark.parametrize("got,message", [
    (..., "is still `...`"), (None, "is None"), (lambda x1, x2: x1, "should return classifier"),
])
def test_read_answer_refuses_what_is_not_an_answer(got, message):
    with pytest.raises(AssertionError, match=message.replace("(", r"\(")):
        dl.read_answer("plot1_classifier()", got)


def test_read_answer_and_check_classifier():
    assert dl.read_answer("p()", dl.NO_VALID_COMBINATION) is None
    with pytest.raises(AssertionError, match="answers 'no valid combination'"):
        dl.check_classifier("p()", None, *dl.plot_data(1))
    with pytest.raises(AssertionError, match=r"misclassifies 1 of 20 of the plotted points; e.g. \(-1.3, 0.9\)"):
        dl.check_classifier("p()", dl.classifier("-", "x1", "0", "x2"), *dl.plot_data(2))
    dl.check_classifier("p()", dl.classifier("-", "-x1 - x2", "x1 - x2", "0"), *dl.plot_data(2))


def test_builder_redraws_in_place_and_shows_the_answer_line():
    builder = dl.ClassifierBuilder(1)
    figure, region = builder.figure.figure, builder.regions.region
    assert builder.readout.values == {"f": "max(x1, x2)", "misclassified": "11 of 22"}
    for name, value in zip(["sign", "first", "second", "offset"], ["+", "x1", "-x1", "-1"]):
        builder.dropdowns[name].value = value
    assert builder.figure.figure is figure and builder.regions.region is region
    assert builder.readout.values == {"f": f"max(x1, {MINUS}x1) {MINUS} 1", "misclassified": "0 of 22"}
    assert len(builder.regions.rings.get_offsets()) == 0
    assert "return classifier(&quot;+&quot;, &quot;x1&quot;, &quot;-x1&quot;, &quot;-1&quot;)" in builder.code.value
    builder.none_valid.value = True
    assert all(d.disabled for d in builder.dropdowns.values())
    assert builder.readout.values["f"] == "no valid combination"
    assert "return NO_VALID_COMBINATION" in builder.code.value
    assert not builder.regions.region.get_array().any()


def test_show_answer_rings_misclassified_points_and_explains_unfinished_answers():
    regions = dl.show_answer(2, lambda: dl.classifier("-", "x1", "0", "x2"))
    assert regions.misclassified.sum() == 1
    assert regions.rings.get_offsets().tolist() == [[-1.3, 0.9]]
    assert "1 of 20 misclassified" in regions.ax.get_title()
    assert regions.ax.get_title().startswith("plot 2 (rebuilt)"), "the worksheet's plots are missing: the figure says so"

    def plot1_classifier():
        return ...

    unfinished = dl.show_answer(1, plot1_classifier)
    assert "is still `...`" in unfinished.note.get_text().replace("\n", " ")
    with pytest.raises(ValueError, match="plot must be one of"):
        dl.plot_data(3)


# ---- shared pieces added for this notebook ---------------------------------------------------

def test_decision_regions_update_in_place_without_piling_up_boundaries():
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    regions = DecisionRegions(ax, [(0, 1), (0, -1)], [True, False])
    image = regions.region
    for offset in (0.0, 0.5, -0.5):
        wrong = regions.update(lambda x1, x2, o=offset: x2 + o)
    assert regions.region is image and wrong.tolist() == [False, False]
    assert sum(1 for c in ax.collections if c is regions._boundary) == 1
    assert len(ax.collections) == 4, "two classes, the rings and one boundary"
    regions.update(lambda x1, x2: -x2 + 0 * x1)
    assert regions.misclassified.tolist() == [True, True]
    regions.update(None, note="nothing yet")
    assert regions._boundary is None and regions.note.get_text() == "nothing yet"
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        DecisionRegions(ax, [1, 2, 3], [True])
    with pytest.raises(ValueError, match="one entry per point"):
        DecisionRegions(ax, [(0, 1)], [True, False])
    plt.close(figure)


def test_graph_view_no_gradient_refuses_unknown_nodes():
    import matplotlib.pyplot as plt

    graph = ComputationGraph()
    graph.add_node("x", kind="input")
    graph.add_node("r", "ReLU")
    graph.add_edge("x", "r")
    figure, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"no_gradient names \['z'\]"):
        GraphView(graph, ax, no_gradient=["z"])
    plt.close(figure)
