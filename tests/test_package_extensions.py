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
