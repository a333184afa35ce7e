"""Notebook 1, CS 189 DIS4 problem 1: f(x, y, z) = (x + y) z in two stages.

The notebook passes in the student's ``forward``, ``backward`` and
``network_edges``; everything here only evaluates them, draws what they return
and compares the backward pass with centred finite differences of the student's
own forward pass, as a gradient check does.  Nothing here computes f itself.
"""

from .. import checks
from ..widgets import live, static, stepper
from ..views.drawing import GraphView
from ..views.gradbars import GradientBars
from ..views import texttable
from ..model.gradcheck import compare_gradients, derivative_through, summary
from ..model.graph import ComputationGraph
from ..model import steps as stepping
from ..values import format_value

WORKSHEET_INPUTS = {"x": -2.0, "y": 5.0, "z": -4.0}
INPUT_NAMES = ("x", "y", "z")
GRADIENT_NAMES = ("q", "x", "y", "z")
GRADIENT_LABELS = {name: f"df/d{name}" for name in GRADIENT_NAMES}

NODES = {
    "x": dict(label="x", kind="input"),
    "y": dict(label="y", kind="input"),
    "z": dict(label="z", kind="input"),
    "q": dict(label="+", caption="q = x + y"),
    "f": dict(label="\u00d7", kind="output", caption="f = q z"),
}
# Local derivative on each wire of the staged network (shown on the drawing).
LOCAL_DERIVATIVES = {
    ("x", "q"): "\u2202q/\u2202x = 1",
    ("y", "q"): "\u2202q/\u2202y = 1",
    ("q", "f"): "\u2202f/\u2202q = z",
    ("z", "f"): "\u2202f/\u2202z = q",
}
# Where each node sits, so a student's partial edge list still draws sensibly.
POSITIONS = {"x": (0, 1), "y": (0, 0), "z": (0, -1), "q": (1, 0.5), "f": (2, 0)}


def build_graph(edges):
    """The network drawn from the student's list of wires; returns (graph, problem or "")."""
    graph = ComputationGraph("f(x, y, z) = (x + y) z")
    for name, spec in NODES.items():
        graph.add_node(name, pos=POSITIONS[name], **spec)
    if edges is None or edges is Ellipsis:
        return graph, "Finish part (b): list the wires with network_edges() to draw them."
    try:
        for src, dst in edges:
            graph.add_edge(src, dst, LOCAL_DERIVATIVES.get((src, dst), ""))
    except (TypeError, ValueError) as error:
        return graph, f"network_edges(): {error}"
    return graph, ""


def evaluate(forward, backward, x, y, z):
    """Run the student's passes; return (values, grads, problem) with '...' where they fail."""
    values = {"x": x, "y": y, "z": z, "q": ..., "f": ...}
    grads = {name: ... for name in ("x", "y", "z", "q")}
    grads["f"] = 1.0
    try:
        q, f = checks.pair("forward(x, y, z)", checks.call(forward, x, y, z, name="forward"))
        values["q"] = checks.number("q", q)
        values["f"] = checks.number("f", f)
        if backward is None:  # drawing the forward pass only
            return values, grads, ""
        result = checks.entries("backward(x, y, z)", checks.call(backward, x, y, z, name="backward"),
                                GRADIENT_NAMES)
        for name in GRADIENT_NAMES:
            grads[name] = checks.number(GRADIENT_LABELS[name], result[name])
    except AssertionError as problem:
        return values, grads, str(problem)
    return values, grads, ""


def your_finite_differences(forward, x, y, z):
    """Centred differences of the student's own forward pass: df/dx, df/dy, df/dz, and df/dq as the
    change in their f over the change in their q while x (or y) moves.

    Returns ({name: estimate, or ... where there is none}, a sentence if forward could not run).
    """

    def outputs(x, y, z):
        q, f = checks.pair("forward(x, y, z)", checks.call(forward, x, y, z, name="forward"))
        return {"q": checks.number("q", q), "f": checks.number("f", f)}

    point = {"x": x, "y": y, "z": z}
    try:
        estimates = {"q": derivative_through(outputs, point, "f", "q", ("x", "y")),
                     **{n: derivative_through(outputs, point, "f", n, (n,)) for n in INPUT_NAMES}}
    except AssertionError as failure:
        return dict.fromkeys(GRADIENT_NAMES, ...), str(failure)
    return {n: ... if v is None else v for n, v in estimates.items()}, ""


def check_gradients(forward, backward, x, y, z):
    """Compare the student's backward pass with finite differences of their forward pass.

    Returns (one comparison per gradient that has an estimate, sentences for what could not run).
    """
    problems = []
    try:
        result = checks.entries("backward(x, y, z)", checks.call(backward, x, y, z, name="backward"),
                                GRADIENT_NAMES)
    except AssertionError as failure:
        result = {}
        problems.append(str(failure))
    numeric, problem = your_finite_differences(forward, x, y, z)
    if problem:
        problems.append(f"{problem} Finish forward first: the check differentiates your forward pass.")
    elif numeric["q"] is ...:
        problems.append("df/dq not checked: your q does not change when x or y does.")
    return compare_gradients(result, numeric, GRADIENT_LABELS), "\n".join(problems)


class StagedComputationDemo:
    """The annotated network and the gradient bars, live under sliders for x, y and z."""

    def __init__(self, forward, backward, edges, **inputs):
        self.forward, self.backward = forward, backward
        self.inputs = {**WORKSHEET_INPUTS, **inputs}
        self.graph, self.graph_problem = build_graph(edges)
        self.figure = live.LiveFigure(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [2.3, 1]})
        self.view = GraphView(self.graph, self.figure.axes[0])
        self.bars = GradientBars(self.figure.axes[1], [GRADIENT_LABELS[n] for n in GRADIENT_NAMES],
                                 part="q1c_backward")
        self.readout = live.Readout()
        self.figure.figure.tight_layout()
        self.update(**self.inputs)

    def update(self, x, y, z):
        """Recompute everything at new inputs and redraw in place (the slider callback)."""
        self.inputs = {"x": x, "y": y, "z": z}
        values, grads, problem = evaluate(self.forward, self.backward, x, y, z)
        self.graph.set_values(values)
        self.graph.set_grads(grads)
        self.graph.clear_marks()
        self.view.refresh()
        self.view.set_message(self.graph_problem or problem)
        estimates, _ = your_finite_differences(self.forward, x, y, z)
        self.bars.update([grads[n] for n in GRADIENT_NAMES], [estimates[n] for n in GRADIENT_NAMES])
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({"q": format_value(values["q"]), "f": format_value(values["f"]),
                           **{GRADIENT_LABELS[n]: format_value(grads[n]) for n in GRADIENT_NAMES}},
                          self._tables())

    def _tables(self):
        """The figure as tables (its text alternative): the graph's nodes, then the bars."""
        return [texttable.graph_table(self.view), texttable.bars_table(self.bars)]

    def check(self):
        """Mark every wire whose gradient disagrees with finite differences; return the report."""
        comparisons, problem = check_gradients(self.forward, self.backward, **self.inputs)
        self.graph.mark_wires_from({c.key: c.problem for c in comparisons})
        self.view.refresh()
        self.readout.show(self.readout.values, self._tables())
        self.figure.refresh()
        return (problem + "\n" if problem else "") + summary(comparisons)

    def graph_steps(self):
        """The steps through the network at the current inputs, each backward step checked against
        finite differences of the student's own forward pass."""
        estimates, _ = your_finite_differences(self.forward, **self.inputs)
        return stepping.build(self.graph, reference=estimates)

    def app(self):
        sliders = {name: live.slider(name, self.inputs[name], -6.0, 6.0, 0.5) for name in INPUT_NAMES}
        return stepper.app(live.controls(sliders, self.update), self.figure, self.view, self.graph_steps,
                           self.readout)


def draw(forward, backward, edges, **inputs):
    """A static drawing of the network at ``inputs`` (worksheet values by default)."""
    values = {**WORKSHEET_INPUTS, **inputs}
    graph, graph_problem = build_graph(edges)
    node_values, grads, problem = evaluate(forward, backward, values["x"], values["y"], values["z"])
    graph.set_values(node_values)
    graph.set_grads(grads)
    figure, ax = static.figure(figsize=(8, 4.2))
    view = GraphView(graph, ax)
    view.set_message(graph_problem or problem)
    static.show(figure, [texttable.graph_table(view)])
    return view
