"""Predict, then reveal (issue 25, point 1): a demo draws no finite-difference reference, and no
worked value, for an entry before the student's own answer for it exists, unless that part (or
everything) was revealed; the reveal widget itself shows the worked text only after an attempt or
a click."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from backprop_kit.demos import backprop_practice as bp
from backprop_kit.demos import deep_learning as dl
from backprop_kit.demos import neural_nets as nn
from backprop_kit.demos import staged_computation as staged
from backprop_kit.widgets import reveal


@pytest.fixture(autouse=True)
def nothing_revealed():
    reveal.reveal_all(False)
    yield
    reveal.reveal_all(False)


def hatched(bars):
    return [bar.get_height() for bar in bars.estimates]


# ---- the reveal widget ------------------------------------------------------------------------------

def test_an_answer_counts_as_attempted_only_when_no_placeholder_is_left_and_it_runs():
    assert not reveal.attempted(lambda: ...)
    assert not reveal.attempted(lambda: {"q": 1.0, "x": ...})
    assert not reveal.attempted(lambda: (3.0, (1.0, None)))
    assert not reveal.attempted(lambda: np.array([1.0, ...], dtype=object))
    assert not reveal.attempted(lambda: 1 / 0)  # an answer that does not run yet
    assert reveal.attempted(lambda: {"q": -4.0, "x": np.zeros(3)})
    assert reveal.attempted(0.0)


def test_a_hidden_part_shows_a_button_and_a_sentence_never_the_text_until_clicked(monkeypatch):
    shown = []
    monkeypatch.setattr(reveal, "_display_text", shown.append)
    block = reveal._HiddenBlock("q1c_backward", "(c)", "df/dq = -4")
    bundle = block._repr_mimebundle_()
    assert "-4" not in str(bundle) and "reveal.show('q1c_backward')" in bundle["text/plain"]
    assert not reveal.is_revealed("q1c_backward") and shown == []
    block.button.click()  # one click per part
    assert shown == ["df/dq = -4"] and reveal.is_revealed("q1c_backward")
    assert not reveal.is_revealed("q1a_forward")
    assert block.button.layout.display == "none"


def test_a_click_still_reveals_once_nothing_but_its_button_holds_the_block(monkeypatch):
    import gc

    shown = []
    monkeypatch.setattr(reveal, "_display_text", shown.append)
    button = reveal._HiddenBlock("q4b_backward", "(b)", "dy/da = 0.21").button  # as after display()
    gc.collect()
    button.click()
    assert shown == ["dy/da = 0.21"]


def test_reveal_all_shows_every_hidden_block_at_once(monkeypatch):
    shown = []
    monkeypatch.setattr(reveal, "_display_text", shown.append)
    blocks = [reveal._HiddenBlock(part, part, f"text of {part}") for part in ("q4a_forward", "q4b_backward")]
    reveal.reveal_all()
    assert sorted(shown) == ["text of q4a_forward", "text of q4b_backward"]
    assert all(reveal.is_revealed(part) for part in ("q4a_forward", "anything"))
    assert blocks  # kept alive: the registry holds them weakly


def test_worked_shows_the_text_at_once_after_an_attempt_and_hides_it_before(monkeypatch):
    shown, displayed = [], []
    monkeypatch.setattr(reveal, "_display_text", shown.append)
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: displayed.append(obj))
    reveal.worked("q1c_backward", lambda: {"q": ..., "x": ...}, "df/dq = -4", label="(c)")
    assert shown == [] and isinstance(displayed[0], reveal._HiddenBlock)
    reveal.worked("q1c_backward", lambda: {"q": -4.0, "x": -4.0}, "df/dq = -4", label="(c)")
    assert shown == ["df/dq = -4"]


# ---- notebook 1: the hatched bars -------------------------------------------------------------------

def forward(x, y, z):
    return x + y, (x + y) * z


def untouched_backward(x, y, z):
    return {"q": ..., "x": ..., "y": ..., "z": ...}


def half_backward(x, y, z):
    return {"q": z, "x": ..., "y": ..., "z": x + y}  # the demo reads up to the first missing one


def test_staged_demo_hatches_no_finite_difference_bar_before_the_backward_pass_exists():
    demo = staged.StagedComputationDemo(forward, untouched_backward, [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")])
    assert hatched(demo.bars) == [0.0, 0.0, 0.0, 0.0]  # were -4, -4, -4, 3 (the answers)
    reveal.show("q1c_backward")
    demo.update(**demo.inputs)
    assert hatched(demo.bars) == pytest.approx([-4.0, -4.0, -4.0, 3.0])


def test_staged_demo_hatches_each_entry_once_its_own_answer_exists():
    demo = staged.StagedComputationDemo(forward, half_backward, [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")])
    assert hatched(demo.bars) == pytest.approx([-4.0, 0.0, 0.0, 0.0])


# ---- notebook 4: the bars, the (a) network and the worksheet table -----------------------------------

def forward_b(x1, x2, a, b, c, d, e, f):
    r1, r2 = max(c * x1 + e * x2, 0.0), max(d * x1 + f * x2, 0.0)
    s1, s2 = 1 / (1 + np.exp(-a * r1)), 1 / (1 + np.exp(-b * r2))
    return r1, r2, s1, s2, s1 + s2


def untouched_backward_b(*args):
    return {"a": ..., "b": ..., "c": ..., "d": ..., "e": ..., "f": ..., "s1": 1.0, "s2": 1.0, "r1": ..., "r2": ...}


def test_relu_sigmoid_demo_hatches_no_finite_difference_bar_before_backward_b_exists():
    demo = dl.ReluSigmoidDemo(forward_b, untouched_backward_b)
    assert hatched(demo.bars) == [0.0] * 6  # were 0.21, 0, 0.105, 0, -0.105, 0
    reveal.reveal_all()
    demo.update(**demo.point)
    assert hatched(demo.bars) == pytest.approx([0.20999, 0.0, 0.10499, 0.0, -0.10499, 0.0], abs=1e-4)


def test_worksheet_comparison_keeps_the_exact_and_rounded_answers_until_backward_b_exists(monkeypatch):
    shown = []
    monkeypatch.setattr(dl, "_display_html", shown.append)
    dl.worksheet_comparison(untouched_backward_b)
    assert "0.2100" not in shown[-1] and "0.18" not in shown[-1] and "0.1050" not in shown[-1]
    reveal.show("q4b_backward")
    dl.worksheet_comparison(untouched_backward_b)
    assert "0.2100" in shown[-1] and "0.18" in shown[-1]


def test_the_a_network_draws_a_relu_off_only_once_the_students_own_output_of_it_exists():
    def first_two(x):  # (i) and (ii) written, the ReLUs not yet
        return 2 * x + 1, 2 - 4 * x, ..., ..., ..., ..., ...

    demo = dl.ForwardNetworkDemo(first_two)
    assert not demo.graph.nodes["iv"].inactive  # hatched off, it would answer (iv)

    def through_iv(x):
        v1, v2 = 2 * x + 1, 2 - 4 * x
        return v1, v2, max(v1, 0.0), max(v2, 0.0), ..., ..., ...

    assert dl.ForwardNetworkDemo(through_iv).graph.nodes["iv"].inactive


# ---- notebook 5: the check list of links ----------------------------------------------------------

def test_neural_nets_check_list_writes_no_reference_beside_a_link_not_written_yet():
    from tests.support.neural_nets_reference import answers

    def unwritten(*args):
        return ...

    names = ("dloss_da2", "da2_dz2", "dz2_dw2", "dloss_dw2", "dz2_da1", "da1_dz1", "dz1_dw1", "dloss_dw1")
    demo = nn.NeuralNetDemo(answers(**dict.fromkeys(names, unwritten)))
    lines = [line for line in demo.checklist.texts() if line]
    assert lines and all(line.split("|")[-1].strip() == "?" for line in lines), lines
    reveal.reveal_all()
    demo.update(**demo.settings)
    assert any(line.split("|")[-1].strip() not in ("?", "") for line in demo.checklist.texts() if line)


# ---- notebook 2: the (a) tangent and the heatmaps ----------------------------------------------------

def test_chain_demo_draws_no_reference_tangent_before_total_derivative_exists():
    demo = bp.ChainRuleDemo(lambda *a: ..., lambda *a: ...)
    assert len(demo.curves.lines["tangent, finite differences"].get_xdata()) == 0
    reveal.show("q2a_chain_rule")
    demo.update(w=demo.w, n=demo.n)
    assert len(demo.curves.lines["tangent, finite differences"].get_xdata()) == 2


def test_two_layer_heatmaps_write_no_finite_differences_before_backward_e_exists():
    blank = bp.TwoLayerDemo(lambda *a: {"x": ..., "W1": ..., "W2": ..., "b": ...}, lambda *a: ..., phi="sigmoid")
    for heatmap in blank.heatmaps.values():
        assert {t.get_text() for row in heatmap.estimate_texts for t in row} == {"?"}
    assert len(blank.curves.lines["finite-difference steps"].get_ydata()) == 0
