"""Additions to existing shared modules made with notebook 2: checks.shaped, live.dropdown, GraphView(label_at=)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop_kit import checks, live
from backprop_kit.drawing import GraphView
from backprop_kit.graph import ComputationGraph


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


def test_label_at_moves_chosen_wire_labels_along_their_wire():
    graph = ComputationGraph()
    graph.add_node("a", kind="input", pos=(0, 0))
    graph.add_node("b", pos=(1, 0))
    graph.add_node("c", kind="output", pos=(2, 0))
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    figure, ax = plt.subplots()
    view = GraphView(graph, ax, spacing=(3.0, 1.0), label_at={("a", "b"): 0.5})
    early = GraphView(graph, ax, spacing=(3.0, 1.0))
    assert view._wires[("a", "b")].value_text.xy[0] == pytest.approx(1.5)  # mid-wire
    assert early._wires[("a", "b")].value_text.xy[0] < 1.5  # the default, 0.32 of the way
    assert view._wires[("b", "c")].value_text.xy[0] == pytest.approx(early._wires[("b", "c")].value_text.xy[0])
    plt.close(figure)
