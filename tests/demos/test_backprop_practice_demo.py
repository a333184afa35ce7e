"""Notebook 2's definitions, drawings and widgets, driven with a reference implementation written here."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from backprop_kit.demos import backprop_practice as bp
from backprop_kit.views.drawing import WRONG_COLOUR
from backprop_kit.model.gradcheck import numerical_gradient
from backprop_kit.values import format_value
from backprop_reference import backprop_practice as ref
from tests.support.backprop_practice_reference import (backward_c, backward_e, gd_step_identity,
                                                      gd_step_sigmoid, graph_edges, path_terms, sigmoid,
                                                      total_derivative, unfinished)


# ---- the problem's definitions, and the grading side's references --------------------------------

def test_finite_difference_references_match_the_closed_forms():
    p = bp.random_units(1, n=3, d=5)
    reference = ref.units_reference(**p)
    exact = backward_c(**p)
    assert reference["W"].shape == (3, 5)
    np.testing.assert_allclose(reference["W"], exact["W"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(reference["b"], exact["b"], rtol=1e-6, atol=1e-8)
    assert ref.units_loss(**p) == bp.units_output(**p), "the grading side's f is the worksheet's"
    for name, (phi, dphi) in bp.PHIS.items():
        q = bp.random_two_layer(2, d=4)
        reference = ref.two_layer_reference(**q, phi=phi)
        exact = backward_e(**q, phi=phi, dphi=dphi)
        for key in bp.TWO_LAYER_NAMES:
            np.testing.assert_allclose(reference[key], exact[key], rtol=1e-6, atol=1e-8, err_msg=f"{name} {key}")
        assert ref.two_layer_loss(**q, phi=phi) == bp.two_layer_loss(**q, phi=phi)


def test_chain_reference_matches_the_chain_rule_and_the_given_derivatives_are_right():
    for chain in (bp.chain_example(4), bp.random_chain(5)):
        terms, total = ref.chain_reference(chain, 0.37)
        np.testing.assert_allclose(terms, path_terms(0.37, chain.g, chain.dg_dw, chain.grad_f), rtol=1e-6)
        assert total == pytest.approx(terms.sum(), rel=1e-12)
        # the derivatives a student is handed agree with finite differences of f and g
        x = chain.g(0.37)
        np.testing.assert_allclose(chain.grad_f(x), numerical_gradient(chain.f, {"x": x})["x"], rtol=1e-6)
        slope = numerical_gradient(chain.composite, {"w": 0.37})["w"]
        assert total == pytest.approx(slope, rel=1e-6)


def test_random_problems_are_seeded_non_symmetric_and_away_from_the_relu_kink():
    first, again = bp.random_two_layer(7, d=3), bp.random_two_layer(7, d=3)
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert not np.allclose(first["W1"], first["W1"].T) and not np.allclose(first["W2"], first["W2"].T)
    for seed in range(30):
        q = bp.random_two_layer(seed, d=4)
        assert np.min(np.abs(q["W1"] @ q["x"] + q["b"])) >= 0.1
        p = bp.random_units(seed, n=3, d=4)
        assert abs(p["y"] - np.sum(sigmoid(p["W"] @ p["x"] + p["b"]))) >= 0.5
    assert bp.random_chain(3).n != bp.random_chain(4).n or bp.random_chain(3).n in range(2, 6)


def test_the_example_keeps_away_from_the_relu_kink_and_is_not_changed_by_a_student():
    z = bp.EXAMPLE_TWO_LAYER["W1"] @ bp.EXAMPLE_TWO_LAYER["x"] + bp.EXAMPLE_TWO_LAYER["b"]
    assert np.min(np.abs(z)) >= 0.1
    p = bp.two_layer_problem(0)
    p["W1"] += 1.0
    assert bp.EXAMPLE_TWO_LAYER["W1"][0, 0] == 1.0


@pytest.mark.parametrize("call,message", [
    (lambda: bp.units_output(np.ones((2, 3)), np.ones(3), np.ones(3), 1.0), "b must have shape"),
    (lambda: bp.two_layer_loss(np.ones((3, 2)), np.ones((3, 3)), np.ones(3), np.ones(3), np.ones(3)), "d x d"),
    (lambda: bp.phi_pair("softplus"), "Phi must be one of"),
    (lambda: bp.chain_example(0), "n must be"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- (a) the chain-rule demo ----------------------------------------------------------------------

def test_chain_demo_puts_each_paths_share_on_its_wire_and_the_tangent_on_the_curve():
    demo = bp.ChainRuleDemo(path_terms, total_derivative)
    chain = bp.chain_example(3)
    terms = path_terms(0.6, chain.g, chain.dg_dw, chain.grad_f)
    drawn = demo.views[3].annotations()
    for i in range(1, 4):
        assert drawn[("w", f"g{i}")]["value"] == "0.6"
        assert drawn[("w", f"g{i}")]["grad"] == format_value(terms[i - 1])
        assert drawn[(f"g{i}", "f")]["grad"] == format_value(chain.grad_f(chain.g(0.6))[i - 1])
    assert demo.readout.values == {"w": "0.6", "n": "3", "f(g(w))": "1.143", "df/dw": "0.3047"}
    yours = demo.curves.lines["tangent, your df/dw"].get_ydata()
    reference = demo.curves.lines["tangent, finite differences"].get_ydata()
    np.testing.assert_allclose(yours, reference, rtol=1e-6)


def test_chain_demo_n_slider_shows_another_graph_in_the_same_figure():
    demo = bp.ChainRuleDemo(path_terms, total_derivative)
    figure = demo.figure.figure
    sliders = demo.app().children[0].children[0].children
    sliders[1].value = 5
    assert demo.figure.figure is figure
    assert [n for n, view in demo.views.items() if view.ax.get_visible()] == [5]
    assert ("w", "g5") in demo.views[5].annotations()
    assert demo.readout.values["n"] == "5"


def test_chain_demo_unfinished_shows_question_marks_and_says_why():
    demo = bp.ChainRuleDemo(unfinished, unfinished)
    drawn = demo.views[3].annotations()
    assert drawn[("w", "g1")]["grad"] == "?"
    assert "still `...`" in demo.views[3].message
    assert len(demo.curves.lines["tangent, your df/dw"].get_xdata()) == 0
    assert demo.curves.note.get_text() == "finish (a) to see your tangent"


# ---- (b)-(d) the units demo -------------------------------------------------------------------------

def test_units_demo_draws_your_gradients_and_descends_with_your_step():
    demo = bp.UnitsDemo(graph_edges(2), backward_c, gd_step_sigmoid)
    p = bp.units_problem(0)
    exact = backward_c(**p)
    drawn = demo.view.annotations()
    assert drawn[("w1", "u1")]["value"] == "[0.5, -1, 0.25]"
    assert drawn[("w1", "u1")]["grad"] == format_value(exact["W"][0])
    assert drawn[("b2", "z2")]["grad"] == format_value(exact["b"][1])
    assert drawn[("f", None)]["value"] == "0.1884"
    assert demo.readout.values == {"f": "0.1884", "f after steps": "0.001366", "df/dW": "matches",
                                   "df/db": "matches"}
    yours = demo.curves.lines["your steps (d)"].get_ydata()
    reference = demo.curves.lines["finite-difference steps"].get_ydata()
    assert len(yours) == 31
    np.testing.assert_allclose(yours, reference, rtol=1e-6)


def test_units_check_marks_the_wires_and_entries_that_are_off():
    def sign_flipped(W, b, x, y):
        grads = backward_c(W, b, x, y)
        return {"W": -grads["W"], "b": grads["b"]}

    demo = bp.UnitsDemo(graph_edges(2), sign_flipped, gd_step_sigmoid)
    report = demo.check()
    assert "\u2717 df/dW is off" in report and "\u2713 df/db matches finite differences." in report
    drawn = demo.view.annotations()
    assert to_rgba(drawn[("w1", "u1")]["colour"]) == to_rgba(WRONG_COLOUR)
    assert to_rgba(drawn[("b1", "z1")]["colour"]) != to_rgba(WRONG_COLOUR)
    assert demo.readout.values["df/dW"] == "6 of 6 entries off"
    assert all(box.get_visible() for row in demo.heatmaps["W"].outlines for box in row)


def test_units_demo_reports_a_transposed_gradient_by_its_shape():
    def transposed(W, b, x, y):
        grads = backward_c(W, b, x, y)
        return {"W": grads["W"].T, "b": grads["b"]}

    demo = bp.UnitsDemo(graph_edges(2), transposed, gd_step_sigmoid)
    assert demo.view.message == "df/dW must have the shape of W, (2, 3); got (3, 2)"
    assert demo.heatmaps["W"].note.get_text() == "df/dW has shape (3, 2); it should be (2, 3)"


@pytest.mark.parametrize("edges,message", [
    (..., "Finish part (b)"),
    ([("x", "u9")], "not in the graph"),
])
def test_unfinished_or_wrong_wires_explain_themselves(edges, message):
    demo = bp.UnitsDemo(edges, backward_c, gd_step_sigmoid)
    assert message in demo.view.message


def test_units_demo_sliders_redraw_the_same_figure_and_survive_unfinished_answers():
    demo = bp.UnitsDemo(graph_edges(2), unfinished, unfinished)
    figure = demo.figure.figure
    seed, eps, steps = demo.app().children[0].children[0].children[:3]  # then the table toggle
    seed.value = 4
    steps.value = 5
    assert demo.figure.figure is figure
    assert demo.settings == {"seed": 4, "eps": 0.1, "steps": 5}
    assert demo.view.annotations()[("w1", "u1")]["grad"] == "?"
    assert "still `...`" in " ".join(demo.curves.note.get_text().split())  # the note is wrapped to fit
    assert demo.readout.values["df/dW"] == "not computed yet"
    assert demo.check().startswith("backward_c(W, b, x, y) is still `...`")


def test_static_drawing_of_b_shows_forward_values_before_c_is_done():
    view = bp.draw_units(graph_edges(2))
    drawn = view.annotations()
    assert drawn[("x", "u1")]["value"] == "[1, 2, -1]"
    assert drawn[("w1", "u1")]["grad"] == "?"
    r = bp.units_forward(**bp.units_problem(0))["r"]
    assert drawn[("r", "f")]["grad"] == format_value(2 * r)  # inner wires: finite differences of f = r^2


# ---- (e)-(f) the two-layer demo (the notebook's main live demo) ----------------------------------------

def test_two_layer_demo_at_its_defaults():
    demo = bp.TwoLayerDemo(backward_e, gd_step_identity)
    assert demo.readout.values == {"Phi": "identity", "loss": "14.43", "loss after steps": "0.006786",
                                   "dl/dx": "matches", "dl/dW1": "matches", "dl/dW2": "matches",
                                   "dl/db": "matches"}
    drawn = demo.view.annotations()
    exact = backward_e(**bp.two_layer_problem(0), phi=bp.identity, dphi=bp.identity_derivative)
    assert drawn[("W1", "u")]["value"] == "3\u00d73, \u2016\u00b7\u2016=1.95"
    assert drawn[("x", "u")]["grad"] == format_value(exact["x"])
    assert drawn[("b", "z")]["grad"] == format_value(exact["b"])
    assert drawn[("l", None)]["value"] == "14.43"
    assert 'data-name="loss after steps">loss after steps = <b>0.006786</b>' in demo.readout.line.value


def test_two_layer_widgets_change_phi_and_seed_in_the_same_figure():
    demo = bp.TwoLayerDemo(backward_e, gd_step_identity)
    figure = demo.figure.figure
    phi, seed, eps, steps = demo.app().children[0].children[0].children[:4]  # then the table toggle
    phi.value = "ReLU"
    seed.value = 3
    assert demo.figure.figure is figure
    assert demo.readout.values["Phi"] == "ReLU"
    assert "\u03a6 = ReLU" in demo.view.ax.get_title()
    assert "your (e) gradients" in demo.curves.ax.get_title()
    assert all(status == "matches" for name, status in demo.readout.values.items() if name.startswith("dl/"))
    losses = demo.curves.lines["your steps"].get_ydata()
    np.testing.assert_allclose(losses, demo.curves.lines["finite-difference steps"].get_ydata(), rtol=1e-5)


def test_two_layer_check_names_the_transposed_gradient():
    def transposed_dW1(W1, W2, b, x, y, phi, dphi):
        grads = backward_e(W1, W2, b, x, y, phi, dphi)
        return {**grads, "W1": grads["W1"].T}

    demo = bp.TwoLayerDemo(transposed_dW1, gd_step_identity, phi="tanh")
    report = demo.check()
    assert "\u2717 dl/dW1 is off" in report and "\u2713 dl/dW2 matches finite differences." in report
    drawn = demo.view.annotations()
    assert to_rgba(drawn[("W1", "u")]["colour"]) == to_rgba(WRONG_COLOUR)
    assert to_rgba(drawn[("W2", "v")]["colour"]) != to_rgba(WRONG_COLOUR)
    assert demo.readout.values["dl/dW1"].endswith("of 9 entries off")


def test_two_layer_demo_with_a_wrong_shape_or_an_unfinished_answer_does_not_crash():
    def flat_dW1(W1, W2, b, x, y, phi, dphi):
        return {**backward_e(W1, W2, b, x, y, phi, dphi), "W1": np.zeros(3)}

    demo = bp.TwoLayerDemo(flat_dW1, unfinished)
    assert demo.view.message == "dl/dW1 must have the shape of W1, (3, 3); got (3,)"
    assert demo.heatmaps["W1"].note.get_text() == "dl/dW1 has shape (3,); it should be (3, 3)"
    assert "still `...`" in " ".join(demo.curves.note.get_text().split())  # the note is wrapped to fit
    assert demo.readout.values["loss after steps"] == "?"

    blank = bp.TwoLayerDemo(lambda *a: {"x": ..., "W1": ..., "W2": ..., "b": ...}, unfinished, phi="sigmoid")
    assert blank.view.annotations()[("W2", "v")]["grad"] == "?"
    assert blank.readout.values["dl/dW2"] == "not computed yet"
    assert "dl/dx is not computed yet." in blank.check()


def _legend(view):
    return [t.get_text() for t in view.ax.texts if t.get_text().startswith("below a wire")]


def test_a_fan_out_tells_each_wires_share_from_the_nodes_total():
    """Part (a)'s lesson on (b)'s graph: the number under each x -> u_i wire is that path's share,
    and x's total gradient, their sum, is written in the legend with its value."""
    view = bp.draw_units(graph_edges(2), backward_c)
    shares = [view.graph.edge("x", f"u{i}").grad for i in (1, 2)]
    total = view.graph.nodes["x"].grad
    np.testing.assert_allclose(total, shares[0] + shares[1], rtol=1e-12)
    p = bp.units_problem(0)
    reference = numerical_gradient(lambda x: bp.units_output(p["W"], p["b"], x, p["y"]), {"x": p["x"]})["x"]
    np.testing.assert_allclose(total, reference, rtol=1e-5)  # the total is df/dx itself
    (legend,) = _legend(view)
    assert "share" in legend and f"total at x (the sum of its wires): {format_value(total)}" in legend
    chain = bp.ChainRuleDemo(path_terms, total_derivative)
    (legend,) = _legend(chain.views[3])
    assert legend.endswith("total at w (the sum of its wires): 0.3047")  # the student's own total
    (legend,) = _legend(bp.ChainRuleDemo(path_terms, unfinished).views[3])
    assert legend.endswith("total at w (the sum of its wires): ?"), "no total before the student's own"
