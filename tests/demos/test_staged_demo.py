"""Notebook 1's drawing and widgets, driven with a reference implementation (independent of the notebook)."""

import matplotlib

matplotlib.use("Agg")

import pytest

from backprop_kit.demos import staged_computation as staged
from backprop_kit.views.drawing import QUIET_COLOUR, WRONG_COLOUR
from matplotlib.colors import to_rgba


def forward(x, y, z):
    return x + y, (x + y) * z


def backward(x, y, z):
    return {"q": z, "x": z, "y": z, "z": x + y}


def sign_flipped_backward(x, y, z):
    return {"q": z, "x": z, "y": z, "z": -(x + y)}


EDGES = [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")]


def test_update_at_worksheet_values_puts_the_worksheet_numbers_on_the_drawing():
    demo = staged.StagedComputationDemo(forward, backward, EDGES)
    demo.update(x=-2.0, y=5.0, z=-4.0)
    drawn = demo.view.annotations()
    assert (drawn[("x", "q")]["value"], drawn[("x", "q")]["grad"]) == ("-2", "-4")
    assert (drawn[("y", "q")]["value"], drawn[("y", "q")]["grad"]) == ("5", "-4")
    assert (drawn[("q", "f")]["value"], drawn[("q", "f")]["grad"]) == ("3", "-4")
    assert (drawn[("z", "f")]["value"], drawn[("z", "f")]["grad"]) == ("-4", "3")
    assert (drawn[("f", None)]["value"], drawn[("f", None)]["grad"]) == ("-12", "1")
    assert drawn[("q", "f")]["local"] == "\u2202f/\u2202q = z"
    assert demo.view.message == ""
    heights = [bar.get_height() for bar in demo.bars.yours]
    assert heights == [-4.0, -4.0, -4.0, 3.0]
    assert demo.readout.values == {"q": "3", "f": "-12", "df/dq": "-4", "df/dx": "-4", "df/dy": "-4", "df/dz": "3"}
    assert 'data-name="df/dz">df/dz = <b>3</b>' in demo.readout.line.value


def test_sliders_redraw_the_same_figure():
    demo = staged.StagedComputationDemo(forward, backward, EDGES)
    figure = demo.figure.figure
    app = demo.app()
    sliders = app.children[0].children[0].children
    sliders[2].value = 0.0  # z = 0: every gradient through z vanishes
    drawn = demo.view.annotations()
    assert demo.figure.figure is figure
    assert drawn[("f", None)]["value"] == "0"
    assert drawn[("x", "q")]["grad"] == "0"
    assert drawn[("x", "q")]["style"] == "--", "a zero-gradient path is drawn dashed"
    assert to_rgba(drawn[("x", "q")]["colour"]) == to_rgba(QUIET_COLOUR)


def test_check_marks_the_wrong_wire_and_says_which_quantity():
    demo = staged.StagedComputationDemo(forward, sign_flipped_backward, EDGES)
    report = demo.check()
    assert "\u2717 df/dz is off: you return -3, finite differences give 3." in report
    assert "\u2713 df/dx matches finite differences." in report
    drawn = demo.view.annotations()
    assert to_rgba(drawn[("z", "f")]["colour"]) == to_rgba(WRONG_COLOUR)
    assert drawn[("z", "f")]["grad"].endswith("\u2717")
    assert to_rgba(drawn[("x", "q")]["colour"]) != to_rgba(WRONG_COLOUR)


@pytest.mark.parametrize("edges,message", [
    (..., "Finish part (b)"),
    ([("x", "nowhere")], "not in the graph"),
])
def test_unfinished_or_wrong_edges_explain_themselves(edges, message):
    demo = staged.StagedComputationDemo(forward, backward, edges)
    assert message in demo.view.message


def test_unfinished_functions_show_question_marks_not_a_crash():
    demo = staged.StagedComputationDemo(lambda x, y, z: (..., ...), lambda x, y, z: None, EDGES)
    drawn = demo.view.annotations()
    assert drawn[("q", "f")]["value"] == "?"
    assert "still `...`" in demo.view.message
    report = demo.check()
    assert report.startswith("backward(x, y, z) is None: did you forget a return statement?")
    assert "Finish forward first: the check differentiates your forward pass." in report
    assert [bar.get_height() for bar in demo.bars.estimates] == [0, 0, 0, 0], "no forward, no estimates"
    with_forward = staged.StagedComputationDemo(forward, lambda x, y, z: None, EDGES)
    assert "df/dx is not computed yet." in with_forward.check()


def test_the_hatched_bars_differentiate_the_students_forward_not_the_problem():
    """A gradient check compares the backward pass with the forward pass it belongs to: the kit
    holds no f of its own, so a forward that doubles f doubles the finite differences."""
    def doubled(x, y, z):
        return x + y, 2 * (x + y) * z

    demo = staged.StagedComputationDemo(doubled, backward, EDGES)
    assert [bar.get_height() for bar in demo.bars.estimates] == pytest.approx([-8.0, -8.0, -8.0, 6.0])
    report = demo.check()
    assert "\u2717 df/dq is off: you return -4, finite differences give -8." in report
    assert "\u2717 df/dz is off: you return 3, finite differences give 6." in report
    # df/dq is the change in f over the change in q: a q that ignores x and y cannot give it
    constant_q = staged.StagedComputationDemo(lambda x, y, z: (1.0, (x + y) * z), backward, EDGES)
    report = constant_q.check()
    assert "df/dq not checked: your q does not change when x or y does." in report
    assert "\u2713 df/dx matches finite differences." in report
    assert constant_q.bars.estimates[0].get_height() == 0
