"""Stepping through a graph (model/steps.py): the order of the steps, their numbers, and the step at
which a wrong local derivative shows, on notebook 1's graph at the worksheet's values."""

import pytest

from backprop_kit.demos import staged_computation as staged
from backprop_kit.model import steps as stepping
from backprop_kit.model.graph import ComputationGraph

EDGES = [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")]
WORKSHEET = {"x": -2.0, "y": 5.0, "z": -4.0}


def forward(x, y, z):
    return x + y, (x + y) * z


def backward(x, y, z):
    return {"q": z, "x": z, "y": z, "z": x + y}


def local_only(x, y, z):
    """df/dx = dq/dx = 1: the upstream gradient forgotten on x -> q (a catalogued mistake)."""
    return {"q": z, "x": 1.0, "y": z, "z": x + y}


def sign_flipped_q(x, y, z):
    """df/dq with its sign flipped, and df/dx, df/dy built on it (consistent with the wrong upstream)."""
    return {"q": -z, "x": -z, "y": -z, "z": x + y}


def staged_steps(back=backward, **inputs):
    """The steps of notebook 1's graph with the student's ``back``, checked as the demo checks them."""
    inputs = {**WORKSHEET, **inputs}
    graph, problem = staged.build_graph(EDGES)
    assert not problem
    values, grads, problem = staged.evaluate(forward, back, **inputs)
    assert not problem
    graph.set_values(values)
    graph.set_grads(grads)
    estimates, _ = staged.your_finite_differences(forward, **inputs)
    return stepping.build(graph, reference=estimates)


def test_forward_node_by_node_then_backward_wire_by_wire_from_the_output():
    steps = staged_steps()
    assert [step.text for step in steps] == [
        "forward 1/3, the inputs x = -2, y = 5, z = -4",
        "forward 2/3, q = x + y = 3",
        "forward 3/3, f = q z = -12",
        "backward 1/5, start at the output: df/df = 1",
        "backward 2/5, q \u2192 f: upstream df/df = 1 \u00d7 local \u2202f/\u2202q = z = -4 = downstream df/dq = -4",
        "backward 3/5, z \u2192 f: upstream df/df = 1 \u00d7 local \u2202f/\u2202z = q = 3 = downstream df/dz = 3",
        "backward 4/5, x \u2192 q: upstream df/dq = -4 \u00d7 local \u2202q/\u2202x = 1 = downstream df/dx = -4",
        "backward 5/5, y \u2192 q: upstream df/dq = -4 \u00d7 local \u2202q/\u2202y = 1 = downstream df/dy = -4",
    ]


def test_each_step_reveals_what_it_reaches_and_highlights_its_own_wire():
    steps = staged_steps()
    inputs, q, f, start, qf, zf, xq, yq = steps
    assert inputs.values == {"x", "y", "z"} and inputs.wires == (("x", "q"), ("y", "q"), ("z", "f"))
    assert q.values == {"x", "y", "z", "q"} and q.wires == (("q", "f"),) and q.node == "q"
    assert f.wires == (("f", None),) and not f.grads, "no gradient is shown in the forward pass"
    assert start.values == {"x", "y", "z", "q", "f"} and start.grads == {("f", None)}
    assert xq.wire == ("x", "q") and xq.wires == (("x", "q"),)
    assert xq.grads == {("f", None), ("q", "f"), ("z", "f"), ("x", "q")}, "y -> q is not reached yet"
    assert (xq.upstream, xq.local, xq.downstream) == ("df/dq = -4", "\u2202q/\u2202x = 1", "df/dx = -4")
    assert yq.grads == {("f", None), *(edge for edge in EDGES)}


def test_every_step_of_a_right_backward_pass_agrees_with_finite_differences():
    steps = staged_steps()
    assert [step.ok for step in steps] == [None] * 4 + [True] * 4
    assert steps[6].verdict == "\u2713 df/dx matches finite differences."
    assert stepping.first_off(steps) is None


def test_a_wrong_local_derivative_shows_at_its_own_step_and_not_before():
    steps = staged_steps(local_only)
    off = stepping.first_off(steps)
    assert off.wire == ("x", "q")
    assert [step.ok for step in steps[:off.number + 2]] == [None] * 4 + [True, True], "the steps before agree"
    assert off.local == "\u2202q/\u2202x = 1 = -0.25", "the local derivative the student used, read off their numbers"
    assert off.verdict == ("\u2717 upstream df/dq is right, so the local derivative on x \u2192 q is off: "
                           "df/dx is off (finite differences give -4).")
    assert steps[-1].ok, "y -> q, after it, is right"


def test_a_wrong_upstream_is_named_at_the_step_where_it_went_wrong():
    steps = staged_steps(sign_flipped_q)
    off = stepping.first_off(steps)
    assert off.wire == ("q", "f") and "upstream df/df is right, so the local derivative on q \u2192 f is off" in off.verdict
    later = next(step for step in steps if step.wire == ("x", "q"))
    assert later.ok is False and "but so is upstream df/dq: fix the earlier step first" in later.verdict


def test_steps_follow_the_inputs_and_unfinished_gradients_say_so():
    assert staged_steps(z=0.0)[6].text.endswith("= downstream df/dx = 0")
    graph, _ = staged.build_graph(EDGES)
    values, grads, _ = staged.evaluate(forward, lambda x, y, z: ..., **WORKSHEET)
    graph.set_values(values)
    graph.set_grads(grads)
    step = stepping.build(graph)[6]
    assert step.text.endswith("upstream df/dq = ? \u00d7 local \u2202q/\u2202x = 1 = downstream df/dx = ?")
    assert step.verdict == "df/dx is not computed yet." and step.ok is None


def chain(local_given):
    """a -> b -> c: the student's local derivatives given as numbers, as notebook 5's links are."""
    graph = ComputationGraph()
    graph.add_node("a", kind="input")
    graph.add_node("b")
    graph.add_node("c", kind="output")
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    graph.set_values({"a": 1.0, "b": 2.0, "c": 4.0})
    graph.set_grads({"c": 1.0, "b": 4.0, "a": 4.0 * local_given})
    return stepping.build(graph, local={("b", "c"): 4.0, ("a", "b"): local_given},
                          local_reference={("b", "c"): 4.0, ("a", "b"): 2.0})


def test_a_students_own_local_derivative_is_checked_at_its_wire():
    right, wrong = chain(2.0), chain(3.0)
    assert [step.ok for step in right[-2:]] == [True, True]
    assert right[-1].local == "\u2202b/\u2202a = 2"
    assert wrong[-2].ok and wrong[-1].ok is False
    assert wrong[-1].verdict == "\u2717 the local derivative on a \u2192 b is off: yours is 3, finite differences give 2."


def test_a_fan_out_steps_through_each_wires_share_and_a_forward_only_graph_has_no_backward_pass():
    graph = ComputationGraph()
    graph.add_node("w", kind="input")
    for name in ("g1", "g2"):
        graph.add_node(name)
        graph.add_edge("w", name)
    graph.add_node("f", kind="output")
    graph.add_edge("g1", "f")
    graph.add_edge("g2", "f")
    graph.set_values({"w": 1.0, "g1": 2.0, "g2": 3.0, "f": 5.0})
    graph.set_grads({"f": 1.0, "g1": 1.0, "g2": 2.0, "w": 8.0})
    graph.set_edge_grads({("w", "g1"): 2.0, ("w", "g2"): 6.0})
    steps = stepping.build(graph)
    share = next(step for step in steps if step.wire == ("w", "g2"))
    assert share.downstream == "df/dw = 6 (this wire's share)"
    assert share.local == "\u2202g2/\u2202w = 3"
    forward_only = stepping.build(graph, no_gradient=graph.nodes)
    assert {step.phase for step in forward_only} == {"forward"} and len(forward_only) == 4


@pytest.mark.parametrize("inputs", [{}, {"z": 0.0}])
def test_steps_only_read_the_graph(inputs):
    """Building the steps writes nothing on the graph: the demo's drawing is left as it was."""
    graph, _ = staged.build_graph(EDGES)
    values, grads, _ = staged.evaluate(forward, backward, **{**WORKSHEET, **inputs})
    graph.set_values(values)
    graph.set_grads(grads)
    before = [(n.value, n.grad) for n in graph.nodes.values()] + [(e.grad, e.wrong) for e in graph.edges]
    stepping.build(graph, reference={"x": 0.0})
    assert before == [(n.value, n.grad) for n in graph.nodes.values()] + [(e.grad, e.wrong) for e in graph.edges]


def test_a_graph_not_wired_yet_still_starts_from_its_inputs_and_its_output():
    graph, problem = staged.build_graph(...)
    assert "Finish part (b)" in problem
    values, grads, _ = staged.evaluate(forward, backward, **WORKSHEET)
    graph.set_values(values)
    graph.set_grads(grads)
    assert [step.text for step in stepping.build(graph)] == [
        "forward 1/3, the inputs x = -2, y = 5, z = -4", "forward 2/3, q = x + y = 3", "forward 3/3, f = q z = -12",
        "backward 1/1, start at the output: df/df = 1"]
