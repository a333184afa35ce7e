"""Additions to existing shared modules: checks.shaped, live.dropdown/toggle/panel/app, GraphView(label_at=)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop_kit import checks
from backprop_kit.widgets import live
from backprop_kit.views.drawing import GraphView
from backprop_kit.model.graph import ComputationGraph


def test_shaped_returns_the_array_or_says_what_is_wrong():
    assert checks.shaped("W", [[1, 2]], (1, 2)).dtype == float
    with pytest.raises(AssertionError, match=r"^dl/dW1 must have the shape of W1, \(3, 3\); got \(3,\)$"):
        checks.shaped("dl/dW1", np.zeros(3), (3, 3), shape_of="W1")
    with pytest.raises(AssertionError, match="still `...`"):
        checks.shaped("df/db", ..., (2,))
    with pytest.raises(AssertionError, match="array of numbers; got str"):
        checks.shaped("df/db", "ab", (2,))


def test_dropdown_offers_the_choices_and_refuses_an_unknown_default():
    choice = live.dropdown("phi", ["identity", "tanh"], "tanh", description="\u03a6")
    assert choice.options == ("identity", "tanh") and choice.value == "tanh"
    seen = []
    live.controls({"phi": choice}, lambda phi: seen.append(phi))
    choice.value = "identity"
    assert seen == ["identity"]
    with pytest.raises(ValueError, match="not one of"):
        live.dropdown("phi", ["identity"], "relu")
    with pytest.raises(ValueError, match="at least one option"):
        live.dropdown("phi", [])


def test_toggle_offers_the_choices_with_room_for_the_longest_and_refuses_an_unknown_default():
    choice = live.toggle("loss", ["squared error", "cross-entropy"], "cross-entropy", description="Loss")
    assert choice.options == ("squared error", "cross-entropy") and choice.value == "cross-entropy"
    assert float(choice.style.button_width.removesuffix("em")) >= live.CHAR_EM * len("squared error")
    with pytest.raises(ValueError, match="not one of"):
        live.toggle("loss", ["squared error"], "hinge")
    with pytest.raises(ValueError, match="at least one option"):
        live.toggle("loss", [])


def test_a_panel_gives_every_description_the_room_of_the_longest_and_widens_each_control_once():
    short = live.slider("x", 0.0, -1, 1)
    shared = live.widgets.Layout(width="200px")  # two controls sharing one Layout, as notebook 4's do
    first = live.widgets.Dropdown(options=["a"], description="initialisation", layout=shared)
    second = live.widgets.Dropdown(options=["a"], description="sign", layout=shared)
    live.panel([short, first, second])
    needed = live.CHAR_EM * len("initialisation")
    assert {c.style.description_width for c in (short, first, second)} == {short.style.description_width}
    assert float(short.style.description_width.removesuffix("em")) >= needed
    extra = float(short.style.description_width.removesuffix("em")) - live.LABEL_EM
    assert short.layout.width == f"calc({live.SLIDER_WIDTH_PX}px + {extra:.1f}em)"
    assert shared.width == f"calc(200px + {extra:.1f}em)", "a shared Layout is widened once, not per control"
    plain = live.slider("x", 0.0, -1, 1)
    live.panel([plain])
    assert plain.layout.width == f"{live.SLIDER_WIDTH_PX}px", "short names keep ipywidgets' widths"


@pytest.mark.parametrize("width_in, beside", [(5.4, True), (12, False)])
def test_controls_stand_beside_a_narrow_figure_and_above_a_wide_one(width_in, beside):
    figure = live.LiveFigure(1, 1, figsize=(width_in, 4))
    panel = live.controls({"x": live.slider("x", 0.0, -1, 1)}, lambda x: None)
    live.app(panel, figure)
    assert (panel.layout.flex_flow == "column") == beside
    assert (panel.layout.width == "100%") == (not beside)
    plt.close(figure.figure)


def test_label_at_moves_chosen_wire_labels_along_their_wire():
    graph = ComputationGraph()
    graph.add_node("a", kind="input", pos=(0, 0))
    graph.add_node("b", pos=(1, 0))
    graph.add_node("c", kind="output", pos=(2, 0))
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    graph.set_values({"a": 1.0, "b": 2.0, "c": 3.0})
    figure, (ax, other_ax) = plt.subplots(2, figsize=(8, 6))
    view = GraphView(graph, ax, spacing=(3.0, 1.0), label_at={("a", "b"): 0.5})
    early = GraphView(graph, other_ax, spacing=(3.0, 1.0))
    figure.canvas.draw()

    def fraction(view, wire):
        label = view._wires[wire].value_text
        return label.spot[0] / label.frame()[2]

    assert fraction(view, ("a", "b")) == pytest.approx(0.5)  # mid-wire
    assert fraction(early, ("a", "b")) == pytest.approx(0.32)  # the default: room there for "1"
    assert fraction(view, ("b", "c")) == pytest.approx(fraction(early, ("b", "c")))
    plt.close(figure)


def test_on_cell_run_calls_a_method_before_each_cell_while_its_object_lives(cell_runs):
    """What a demo worked out from the student's code is forgotten before every cell they run,
    and a demo that is gone (its cell run again) is not kept alive for it, nor called."""
    import gc

    class Demo:
        forgotten = 0

        def forget(self):
            self.forgotten += 1

    demo = Demo()
    assert live.on_cell_run(demo.forget)
    cell_runs()
    cell_runs()
    assert demo.forgotten == 2
    assert len(cell_runs.events.callbacks["pre_run_cell"]) == 1
    del demo
    gc.collect()
    cell_runs()
    assert cell_runs.events.callbacks["pre_run_cell"] == [], "a demo gone unregisters its callback"


def test_on_cell_run_outside_ipython_does_nothing(monkeypatch):
    import IPython

    class Demo:
        def forget(self):
            pass

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert not live.on_cell_run(Demo().forget), "no cells to run (a script, a test): nothing is registered"


def test_a_drag_that_kept_its_way_draws_its_next_step_ahead_and_a_turn_none():
    ahead = live.next_values(0.5, 0.1, 0.1, (-1, 1))
    assert ahead == [0.6, 0.4]
    assert live.drawn_ahead(ahead, 0.1, 0.1) == [0.6], "on up: the next step up"
    assert live.drawn_ahead(live.next_values(0.5, -0.1, 0.1, (-1, 1)), -0.1, -0.2) == [0.4], "on down"
    assert live.drawn_ahead(ahead, 0.1, -0.1) == [], "turned: back and forth finds its steps kept"
    assert live.drawn_ahead(ahead, 0.1, 0.0) == [], "a first move: no way kept yet"
    assert live.drawn_ahead([], 0.1, 0.1) == [], "at the end of the slider"
