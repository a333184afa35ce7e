"""Notebook 4, CS 188 Disc 7C Q1 (deep learning): a forward pass, a ReLU-sigmoid network, max classifiers.

The notebook passes in the student's functions; everything here only evaluates
them and draws what they return.  Gradients are compared with centred finite
differences of the student's own forward pass, as a gradient check does: nothing
here computes the networks' outputs itself.  Three parts:

- (a) a seven-operation network at one input x.  The worksheet's figure is missing,
  so the network here is rebuilt (and the notebook says so).
- (b) r = ReLU(weighted sums), s = sigmoid(a r1), sigmoid(b r2), y = s1 + s2, with
  weights a..f: the forward pass and dy/da..dy/df.
- (c) classifiers f(x1, x2) = [+/-] max(A, B) + offset composed from offered pieces,
  on two data sets rebuilt to match the worksheet's answers.
"""

from dataclasses import dataclass
from html import escape

import numpy as np

from .. import checks
from ..widgets import live, reveal, static, stepper
from ..views.drawing import GraphView
from ..views.gradbars import GradientBars
from ..model.gradcheck import DEFAULT_STEP, compare_gradients, derivative_through, summary
from ..model.graph import ComputationGraph
from ..model import steps as stepping
from ..views.regions import DecisionRegions
from ..views import texttable
from ..values import format_value, is_missing

MINUS = "\u2212"


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), for numbers or arrays."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _display_html(text):
    from IPython.display import HTML

    return HTML(text)


# =====================================================================================
# (a) Forward propagation through a rebuilt seven-operation network
# =====================================================================================

A_WORKSHEET_X = 1.0
A_OUTPUTS = ("i", "ii", "iii", "iv", "v", "vi", "vii")
A_LABELS = tuple(f"({n})" for n in A_OUTPUTS)
# What each operation computes, as the notebook and the table state it.
A_OPERATIONS = (
    "weighted sum: 2x + 1",
    f"weighted sum: 2 {MINUS} 4x",
    "ReLU of (i): max((i), 0)",
    "ReLU of (ii): max((ii), 0)",
    "max((ii), x)",
    f"weighted sum: (iii) {MINUS} 2\u00b7(iv) {MINUS} 3\u00b7(v)",
    "sigmoid of (vi)",
)
A_NODES = {  # name: (label, kind, caption, (column, row))
    "x": ("x", "input", "", (0, 0)),
    "i": ("\u03a3", "op", "(i) 2x + 1", (1, 1.2)),
    "ii": ("\u03a3", "op", f"(ii) 2 {MINUS} 4x", (1, 0)),
    "iii": ("ReLU", "op", "(iii)", (2, 1.2)),
    "iv": ("ReLU", "op", "(iv)", (2, 0)),
    "v": ("max", "op", "(v)", (2, -1.2)),
    "vi": ("\u03a3", "op", "(vi)", (3, 0)),
    "vii": ("\u03c3", "output", "(vii)", (4, 0)),
}
A_WIRES = {  # (src, dst): the weight on the wire, shown in grey
    ("x", "i"): "w = 2", ("x", "ii"): f"w = {MINUS}4", ("x", "v"): "",
    ("i", "iii"): "", ("ii", "iv"): "", ("ii", "v"): "",
    ("iii", "vi"): "w = 1", ("iv", "vi"): f"w = {MINUS}2", ("v", "vi"): f"w = {MINUS}3",
    ("vi", "vii"): "",
}


def a_evaluate(forward_a, x):
    """The student's seven outputs as {name: number or ...}, and a sentence if they are unfinished."""
    values = dict.fromkeys(A_OUTPUTS, ...)
    try:
        outputs = checks.pair(f"forward_a({format_value(x)})", checks.call(forward_a, x, name="forward_a"),
                              length=7)
        for name, label, got in zip(A_OUTPUTS, A_LABELS, outputs):
            values[name] = checks.number(label, got)
    except AssertionError as problem:
        return values, str(problem)
    return values, ""


A_TITLE = "Part (a) network, rebuilt from the text (the worksheet's figure is missing)"


def a_build_graph():
    graph = ComputationGraph(A_TITLE)
    for name, (label, kind, caption, pos) in A_NODES.items():
        graph.add_node(name, label, kind=kind, caption=caption, pos=pos)
    for (src, dst), weight in A_WIRES.items():
        graph.add_edge(src, dst, weight)
    return graph


def _off(relu_input):
    """A ReLU is off when its input is not positive (at exactly 0 the notebook's convention); an
    input not computed yet leaves it drawn on."""
    return not is_missing(relu_input) and relu_input <= 0


def forward_table(forward_a, x=A_WORKSHEET_X):
    """The worksheet's table for part (a), filled in from the student's ``forward_a`` at ``x``."""
    values, problem = a_evaluate(forward_a, x)
    rows = [(label, operation, format_value(values[name]))
            for name, label, operation in zip(A_OUTPUTS, A_LABELS, A_OPERATIONS)]
    note = f"<p><i>{escape(problem)}</i></p>" if problem else ""
    return _display_html(texttable.table(f"Forward pass at x = {format_value(x)}",
                                         ["output", "operation", "your value"], rows) + note)


class ForwardNetworkDemo:
    """Part (a): the rebuilt network with the student's forward values, live under a slider for x."""

    def __init__(self, forward_a, x=A_WORKSHEET_X):
        self.forward_a = forward_a
        self.x = x
        self.graph = a_build_graph()
        self.figure = live.LiveFigure(1, 1, figsize=(11, 4.4))
        self.view = GraphView(self.graph, self.figure.axes, no_gradient=tuple(self.graph.nodes), fontsize=11,
                              spacing=(2.6, 1.5))
        self.readout = live.Readout()
        self.figure.figure.tight_layout()
        self.update(x)

    def update(self, x):
        """Recompute at a new x and redraw in place (the slider callback)."""
        self.x = x
        values, problem = a_evaluate(self.forward_a, x)
        self.graph.set_values({"x": x, **values})
        # a ReLU is drawn off when the student's own input to it, (i) or (ii), is not positive
        # once the student's own output of that ReLU, (iii) or (iv), exists: drawn off before, the
        # hatching would answer it (predict, then compare)
        self.graph.nodes["iii"].inactive = _off(values["i"]) and not is_missing(values["iii"])
        self.graph.nodes["iv"].inactive = _off(values["ii"]) and not is_missing(values["iv"])
        self.view.refresh()
        self.view.set_message(problem)
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({label: format_value(values[name]) for name, label in zip(A_OUTPUTS, A_LABELS)},
                          [texttable.graph_table(self.view)])

    def graph_steps(self):
        """The forward pass node by node (the drawing has no gradients)."""
        return stepping.build(self.graph, self.view.no_gradient)

    def app(self):
        slider = live.slider("x", self.x, -3.0, 3.0, 0.1)
        return stepper.app(live.controls({"x": slider}, self.update), self.figure, self.view,
                           self.graph_steps, self.readout)


# =====================================================================================
# (b) The ReLU-then-sigmoid network with weights a..f
# =====================================================================================

B_INPUT_NAMES = ("x1", "x2")
WEIGHT_NAMES = ("a", "b", "c", "d", "e", "f")
B_WORKSHEET = {"x1": 1.0, "x2": -1.0, "a": 1.0, "b": 1.0, "c": 4.0, "d": 1.0, "e": 2.0, "f": 2.0}
B_ARGUMENTS = ("x1", "x2", "a", "b", "c", "d", "e", "f")  # the order forward_b and backward_b take
B_FORWARD_NAMES = ("r1", "r2", "s1", "s2", "y")
HIDDEN_NAMES = ("s1", "s2", "r1", "r2")  # gradients of y at the hidden units, drawn on their wires
GRADIENT_LABELS = {name: f"dy/d{name}" for name in WEIGHT_NAMES + HIDDEN_NAMES}
# The worksheet's answers, computed with s1 rounded to 0.9 (sigmoid(2) = 0.8808).
WORKSHEET_ROUNDED = {"a": 0.18, "b": 0.0, "c": 0.09, "d": 0.0, "e": -0.09, "f": 0.0}
# The exact values at the worksheet's inputs, written out as the notebook's text and public test
# state them (2 s1 (1 - s1), s1 (1 - s1), -s1 (1 - s1) with s1 = sigmoid(2)): not worked out here.
WORKSHEET_EXACT = {"a": 0.20998717080701323, "b": 0.0, "c": 0.10499358540350662, "d": 0.0,
                   "e": -0.10499358540350662, "f": 0.0}
# Which inputs reach y only through each hidden unit: moving one of them, the change in y over the
# change in the unit is dy/d(unit) of the student's own forward pass.
THROUGH = {"s1": ("a", "c", "e"), "s2": ("b", "d", "f"), "r1": ("c", "e"), "r2": ("d", "f")}
RELU_WEIGHTS = {"r1": ("c", "e"), "r2": ("d", "f")}

B_NODES = {  # name: (label, kind, caption, (column, row)); weights sit beside the unit they feed
    "x1": ("x1", "input", "", (0, 1.3)),
    "x2": ("x2", "input", "", (0, -1.3)),
    "c": ("c", "param", "", (0.3, 3.6)),
    "e": ("e", "param", "", (1.6, 3.6)),
    "d": ("d", "param", "", (0.3, -3.6)),
    "f": ("f", "param", "", (1.6, -3.6)),
    "r1": ("ReLU", "op", "r1", (1.1, 1.3)),  # what r1 and r2 are, the title says: wires cross here
    "r2": ("ReLU", "op", "r2", (1.1, -1.3)),
    "a": ("a", "param", "", (2.9, 3.6)),
    "b": ("b", "param", "", (2.9, -3.6)),
    "s1": ("\u03c3", "op", "s1 = \u03c3(a r1)", (2.5, 1.3)),
    "s2": ("\u03c3", "op", "s2 = \u03c3(b r2)", (2.5, -1.3)),
    "y": ("+", "output", "y = s1 + s2", (3.5, 0)),
}
B_WIRES = [("c", "r1"), ("e", "r1"), ("x1", "r1"), ("x2", "r1"), ("x1", "r2"), ("x2", "r2"),
           ("d", "r2"), ("f", "r2"), ("a", "s1"), ("r1", "s1"), ("b", "s2"), ("r2", "s2"),
           ("s1", "y"), ("s2", "y")]


B_TITLE = "y = \u03c3(a r1) + \u03c3(b r2)\nr1 = max(c x1 + e x2, 0),  r2 = max(d x1 + f x2, 0)"
# The wires x1 -> r2 and x2 -> r1 cross: their numbers sit near where they start, far from the
# crossing, each by its own wire
B_LABEL_AT = {("x1", "r2"): 0.16, ("x2", "r1"): 0.16}


def _arguments(point):
    return [point[name] for name in B_ARGUMENTS]


def _forward_outputs(forward_b):
    """``outputs(**point)`` -> {r1, r2, s1, s2, y} from the student's forward_b, for finite differences."""

    def outputs(**point):
        got = checks.pair("forward_b(...)", checks.call(forward_b, *_arguments(point), name="forward_b"), length=5)
        return {name: checks.number(name, value) for name, value in zip(B_FORWARD_NAMES, got)}

    return outputs


def your_finite_differences(forward_b, point):
    """dy/da..dy/df and dy/d(hidden unit) by centred differences of the student's own forward_b.

    Returns ({name: estimate, or ... where no input moves the unit}, the ReLUs at their kink,
    a sentence if forward_b could not run).  A ReLU is at its kink when its output is 0 but a
    finite-difference step of its weights switches it on: there the estimates of those weights
    average two slopes.
    """
    outputs = _forward_outputs(forward_b)
    try:
        estimates = {w: derivative_through(outputs, point, "y", w, (w,)) for w in WEIGHT_NAMES}
        estimates.update({unit: derivative_through(outputs, point, "y", unit, THROUGH[unit])
                          for unit in HIDDEN_NAMES})
        here = outputs(**point)
        at_kink = {unit for unit, weights in RELU_WEIGHTS.items() if here[unit] == 0 and any(
            outputs(**{**point, w: point[w] + sign * DEFAULT_STEP})[unit] > 0 for w in weights for sign in (1, -1))}
    except AssertionError as failure:
        return dict.fromkeys(WEIGHT_NAMES + HIDDEN_NAMES, ...), set(), str(failure)
    return {n: ... if v is None else v for n, v in estimates.items()}, at_kink, ""


def away_from_kinks(numeric, kinks):
    """The estimates a check may use: none for the weights of a ReLU at its kink (``kinks``), where
    finite differences average two slopes."""
    at_kink = {w for unit in kinks for w in RELU_WEIGHTS[unit]}
    return {n: numeric[n] for n in WEIGHT_NAMES + HIDDEN_NAMES if n not in at_kink}


def b_evaluate(forward_b, backward_b, point):
    """Run the student's passes; return (values, grads, problem) with ``...`` where they fail."""
    values = {**dict.fromkeys(B_FORWARD_NAMES, ...), **point}
    grads = dict.fromkeys(WEIGHT_NAMES + HIDDEN_NAMES, ...)
    grads["y"] = 1.0  # backpropagation starts at the output: dy/dy = 1
    try:
        outputs = checks.pair("forward_b(...)", checks.call(forward_b, *_arguments(point), name="forward_b"), length=5)
        for name, got in zip(B_FORWARD_NAMES, outputs):
            values[name] = checks.number(name, got)
        result = checks.entries("backward_b(...)", checks.call(backward_b, *_arguments(point), name="backward_b"),
                                WEIGHT_NAMES)
        for name in WEIGHT_NAMES + HIDDEN_NAMES:
            if name in result:
                grads[name] = checks.number(GRADIENT_LABELS[name], result[name])
    except AssertionError as problem:
        return values, grads, str(problem)
    return values, grads, ""


def b_build_graph():
    graph = ComputationGraph(B_TITLE)
    for name, (label, kind, caption, pos) in B_NODES.items():
        graph.add_node(name, label, kind=kind, caption=caption, pos=pos)
    for src, dst in B_WIRES:
        graph.add_edge(src, dst)
    return graph


def worksheet_comparison(backward_b):
    """A table of dy/da..dy/df: the worksheet's rounded answers, the exact values and the student's."""
    point, exact = dict(B_WORKSHEET), WORKSHEET_EXACT
    try:
        yours = checks.entries("backward_b(...)", checks.call(backward_b, *_arguments(point), name="backward_b"), WEIGHT_NAMES)
        problem = ""
    except AssertionError as failure:
        yours, problem = {}, str(failure)

    def shown(value):
        try:
            return f"{checks.number('', value):.4f}".replace("-0.0000", "0.0000")
        except AssertionError:
            return "?"

    # predict, then compare: the worksheet's and the exact values once all six of yours exist
    attempted = not problem and not any(is_missing(yours.get(w)) for w in WEIGHT_NAMES)
    hidden = not (attempted or reveal.is_revealed("q4b_backward"))
    rows = [["worksheet (s1 rounded to 0.9)", *["?" if hidden else f"{WORKSHEET_ROUNDED[w]:.2f}" for w in WEIGHT_NAMES]],
            ["exact (s1 = \u03c3(2) = 0.8808)", *["?" if hidden else shown(exact[w]) for w in WEIGHT_NAMES]],
            ["your backward_b", *[shown(yours.get(w, ...)) for w in WEIGHT_NAMES]]]
    note = f"<p><i>{escape(problem)}</i></p>" if problem else ""
    if hidden:
        note += ("<p><i>The worksheet's and the exact values appear once your backward_b returns all six "
                 "(or after reveal.show('q4b_backward')).</i></p>")
    return _display_html(texttable.table("dy/da to dy/df: the worksheet's, the exact values and yours",
                                         ["", *[GRADIENT_LABELS[w] for w in WEIGHT_NAMES]], rows) + note)


class ReluSigmoidDemo:
    """Part (b): the network with the student's values and gradients, live under eight sliders."""

    def __init__(self, forward_b, backward_b, **point):
        self.forward_b, self.backward_b = forward_b, backward_b
        unknown = set(point) - set(B_WORKSHEET)
        if unknown:
            raise ValueError(f"unknown input(s) {sorted(unknown)}; the network takes {', '.join(B_WORKSHEET)}")
        self.point = {**B_WORKSHEET, **point}
        self.graph = b_build_graph()
        self.figure = live.LiveFigure(1, 2, figsize=(13, 6.2), gridspec_kw={"width_ratios": [2.4, 1]})
        self.view = GraphView(self.graph, self.figure.axes[0], no_gradient=B_INPUT_NAMES, fontsize=11,
                              spacing=(3.2, 1.5), node_radius=0.5, label_at=B_LABEL_AT)
        self.bars = GradientBars(self.figure.axes[1], [GRADIENT_LABELS[w] for w in WEIGHT_NAMES],
                                 part="q4b_backward")
        self.readout = live.Readout()
        self.figure.figure.tight_layout()
        self.update(**self.point)

    def update(self, **point):
        """Recompute everything at new inputs and weights and redraw in place (the slider callback)."""
        self.point = {**self.point, **point}
        values, grads, problem = b_evaluate(self.forward_b, self.backward_b, self.point)
        self.graph.set_values(values)
        self.graph.set_grads(grads)
        # a ReLU is drawn off when the student's own r is 0 (at exactly 0 the notebook's convention)
        self.graph.nodes["r1"].inactive = _off(values["r1"])
        self.graph.nodes["r2"].inactive = _off(values["r2"])
        self.graph.clear_marks()
        self.view.refresh()
        self.view.set_message(problem)
        estimates, _, _ = your_finite_differences(self.forward_b, self.point)
        self.bars.update([grads[w] for w in WEIGHT_NAMES], [estimates[w] for w in WEIGHT_NAMES])
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({**{n: format_value(values[n]) for n in B_FORWARD_NAMES},
                           **{GRADIENT_LABELS[w]: format_value(grads[w]) for w in WEIGHT_NAMES}},
                          self._tables())

    def _tables(self):
        """The figure as tables (its text alternative): the graph's nodes, then the bars."""
        return [texttable.graph_table(self.view), texttable.bars_table(self.bars)]

    def check(self):
        """Mark every wire whose gradient disagrees with finite differences of the student's own
        forward_b; return the report."""
        point = self.point
        lines = []
        try:
            result = checks.entries("backward_b(...)", checks.call(self.backward_b, *_arguments(point), name="backward_b"),
                                    WEIGHT_NAMES)
        except AssertionError as failure:
            result = {}
            lines.append(str(failure))
        numeric, kinks, problem = your_finite_differences(self.forward_b, point)
        if problem:
            lines.append(f"{problem} Finish forward_b first: the check differentiates your forward pass.")
        at_kink = {w for unit in kinks for w in RELU_WEIGHTS[unit]}
        comparisons = compare_gradients(result, away_from_kinks(numeric, kinks), GRADIENT_LABELS)
        self.graph.mark_wires_from({c.key: c.problem for c in comparisons})
        self.view.refresh()
        self.readout.show(self.readout.values, self._tables())
        self.figure.refresh()
        lines.append(summary(comparisons))
        unchecked = [GRADIENT_LABELS[n] for n in HIDDEN_NAMES if not problem and numeric[n] is ...]
        if unchecked:
            lines.append(f"\u2022 {', '.join(unchecked)} not checked: your forward pass has that unit's ReLU off "
                         "(r = 0), so no input moves it.")
        if at_kink:
            lines.append(f"\u2022 {', '.join(GRADIENT_LABELS[n] for n in sorted(at_kink))} not checked: a ReLU's "
                         "input is exactly 0 (its kink), where finite differences average the two slopes. "
                         "This notebook takes the slope there as 0.")
        return "\n".join(line for line in lines if line)

    def graph_steps(self):
        """The steps through the network, each backward step checked against finite differences of
        the student's own forward_b (not where a ReLU sits at its kink)."""
        numeric, kinks, _ = your_finite_differences(self.forward_b, self.point)
        return stepping.build(self.graph, self.view.no_gradient, reference=away_from_kinks(numeric, kinks))

    def app(self):
        sliders = {name: live.slider(name, self.point[name], -3.0, 3.0, 0.5) for name in B_INPUT_NAMES}
        sliders.update({name: live.slider(name, self.point[name], -5.0, 5.0, 0.5) for name in WEIGHT_NAMES})
        return stepper.app(live.controls(sliders, self.update), self.figure, self.view, self.graph_steps,
                           self.readout)


# =====================================================================================
# (c) Classifiers composed from max and offered pieces
# =====================================================================================

NO_VALID_COMBINATION = "no valid combination"
SIGNS = ("+", "-")
# Each piece is a linear function of (x1, x2): (coefficient of x1, coefficient of x2, constant).
MAX_PIECES = {"x1": (1, 0, 0), "-x1": (-1, 0, 0), "x2": (0, 1, 0), "-x2": (0, -1, 0),
              "x1 - x2": (1, -1, 0), "-x1 - x2": (-1, -1, 0), "0": (0, 0, 0)}
OFFSETS = {"0": (0, 0, 0), "1": (0, 0, 1), "-1": (0, 0, -1), "x1": (1, 0, 0), "-x1": (-1, 0, 0),
           "x2": (0, 1, 0), "-x2": (0, -1, 0)}


def _pretty(piece):
    return piece.replace("-", MINUS)


@dataclass(frozen=True)
class MaxClassifier:
    """f(x1, x2) = sign max(first, second) + offset, built from the offered pieces.

    Callable: ``f(x1, x2)`` works on numbers and numpy arrays, so answers are compared by
    what they compute (max(x1, -x1) and max(-x1, x1) are the same classifier).
    """

    sign: str
    first: str
    second: str
    offset: str

    def __post_init__(self):
        for part, value, allowed in (("sign", self.sign, SIGNS), ("first", self.first, MAX_PIECES),
                                     ("second", self.second, MAX_PIECES), ("offset", self.offset, OFFSETS)):
            if value not in allowed:
                choices = ", ".join(repr(a) for a in allowed)
                raise ValueError(f"the {part} piece must be one of {choices}; got {value!r}")

    def __call__(self, x1, x2):
        def linear(coefficients):
            p, q, r = coefficients
            return p * np.asarray(x1, dtype=float) + q * np.asarray(x2, dtype=float) + r

        inner = np.maximum(linear(MAX_PIECES[self.first]), linear(MAX_PIECES[self.second]))
        return (1 if self.sign == "+" else -1) * inner + linear(OFFSETS[self.offset])

    def __str__(self):
        sign = "" if self.sign == "+" else MINUS
        offset = "" if self.offset == "0" else (
            f" {MINUS} {_pretty(self.offset[1:])}" if self.offset.startswith("-") else f" + {self.offset}")
        return f"f(x1, x2) = {sign}max({_pretty(self.first)}, {_pretty(self.second)}){offset}"

    def code(self):
        """The line that returns this classifier from an answer function."""
        return f'return classifier("{self.sign}", "{self.first}", "{self.second}", "{self.offset}")'


def classifier(sign, first, second, offset):
    """f(x1, x2) = sign max(first, second) + offset, e.g. classifier("+", "x1", "-x1", "-1")."""
    return MaxClassifier(sign, first, second, offset)


def read_answer(label, got):
    """A student's (c) answer as a callable f, or None for "no valid combination"; else a one-line failure."""
    if got is Ellipsis:
        raise AssertionError(f"{label} is still `...`: replace it with your answer.")
    if got is None:
        raise AssertionError(f"{label} is None: did you forget a return statement?")
    if isinstance(got, str) and got.strip().lower() == NO_VALID_COMBINATION:
        return None
    if not isinstance(got, MaxClassifier):
        raise AssertionError(f"{label} should return classifier(sign, first, second, offset) or "
                             f"NO_VALID_COMBINATION; got {type(got).__name__} {got!r:.40}")
    return got


# The two data sets, rebuilt (the worksheet's plots are missing): x1, x2 coordinates of the
# points labelled x (want f >= 0) and the points labelled o (want f < 0).
PLOT_DATA = {
    1: {"crosses": [(-2.6, -2.7), (1.8, 2.3), (1.8, -2.8), (2.0, -2.6), (1.3, -1.8), (2.0, 0.2),
                    (-2.6, -2.1), (2.8, 2.7), (-2.0, 1.2), (2.4, -0.8), (-1.5, 0.7), (-2.3, 1.9)],
        "dots": [(0.6, 1.3), (0.2, 2.4), (0.6, -0.7), (0.1, -1.1), (-0.1, 2.2), (0.4, -1.0),
                 (0.5, -0.9), (-0.6, 2.2), (-0.7, -2.0), (0.3, 0.4)]},
    2: {"crosses": [(0.6, 1.3), (-0.4, 0.9), (-1.0, 2.4), (-0.2, 1.1), (-1.7, 2.2), (1.0, 2.0), (0.1, 0.5)],
        "dots": [(-1.3, -1.1), (1.8, -2.3), (-1.7, -2.5), (-1.3, 0.9), (0.3, -2.0), (2.6, 1.0),
                 (-0.6, -1.8), (-0.9, -0.3), (2.2, 1.5), (-2.2, -2.2), (0.8, -0.5), (2.0, -0.3), (2.2, 0.6)]},
}
PLOT_EXTENT = (-3.0, 3.0, -3.0, 3.0)


def plot_data(plot):
    """(points, labels) of a rebuilt data set: labels True for x (want f >= 0), False for o."""
    if plot not in PLOT_DATA:
        raise ValueError(f"plot must be one of {sorted(PLOT_DATA)}; got {plot!r}")
    crosses, dots = PLOT_DATA[plot]["crosses"], PLOT_DATA[plot]["dots"]
    points = np.array(crosses + dots, dtype=float)
    labels = np.array([True] * len(crosses) + [False] * len(dots))
    return points, labels


def misclassified(f, plot):
    """The points of a data set that ``f`` puts on the wrong side (f >= 0 means x)."""
    points, labels = plot_data(plot)
    return points[(np.asarray(f(points[:, 0], points[:, 1])) >= 0) != labels]


def check_classifier(label, answer, points, labels, what="the plotted points"):
    """Fail with one sentence unless ``answer`` puts every point on its label's side (x: f >= 0)."""
    points, labels = np.asarray(points, dtype=float), np.asarray(labels, dtype=bool)
    if answer is None:
        raise AssertionError(f"{label} answers 'no valid combination', but a combination of the offered "
                             f"pieces classifies {what} correctly.")
    values = np.asarray(answer(points[:, 0], points[:, 1]), dtype=float)
    wrong = np.flatnonzero((values >= 0) != labels)
    if wrong.size:
        i = wrong[0]
        x1, x2 = (format_value(v) for v in points[i])
        side = "f \u2265 0" if labels[i] else "f < 0"
        raise AssertionError(
            f"{label}: {answer} misclassifies {wrong.size} of {len(points)} of {what}; e.g. ({x1}, {x2}) "
            f"is labelled {'x' if labels[i] else 'o'} (wants {side}) but f = {format_value(values[i])}")


def _describe(answer):
    return "no valid combination" if answer is None else str(answer)


class ClassifierBuilder:
    """Dropdowns that compose f = [+/-] max(A, B) + offset, shading f >= 0 over one data set."""

    DEFAULT = ("+", "x1", "x2", "0")

    def __init__(self, plot, start=None):
        import ipywidgets as widgets

        self.plot = plot
        points, labels = plot_data(plot)
        self.figure = live.LiveFigure(1, 1, figsize=(5.4, 6.0))
        self.regions = DecisionRegions(self.figure.axes, points, labels, extent=PLOT_EXTENT,
                                       title=f"plot {plot} (rebuilt)")
        self.readout = live.Readout()
        self.code = widgets.HTML()
        sign, first, second, offset = start or self.DEFAULT
        layout = widgets.Layout(width="210px")
        self.dropdowns = {
            "sign": widgets.Dropdown(options=[("+", "+"), (MINUS, "-")], value=sign, description="sign",
                                     layout=layout),
            "first": widgets.Dropdown(options=[(_pretty(p), p) for p in MAX_PIECES], value=first,
                                      description="max( A", layout=layout),
            "second": widgets.Dropdown(options=[(_pretty(p), p) for p in MAX_PIECES], value=second,
                                       description=", B )", layout=layout),
            "offset": widgets.Dropdown(options=[(_pretty(p), p) for p in OFFSETS], value=offset,
                                       description="+ offset", layout=layout),
        }
        self.none_valid = widgets.Checkbox(value=False, description="no valid combination", indent=False)
        for control in [*self.dropdowns.values(), self.none_valid]:
            control.observe(lambda _change: self.update(), names="value")
        self.figure.figure.tight_layout()
        self.update()

    @property
    def answer(self):
        """The current choice: a MaxClassifier, or None for "no valid combination"."""
        if self.none_valid.value:
            return None
        return classifier(*(self.dropdowns[k].value for k in ("sign", "first", "second", "offset")))

    def update(self):
        answer = self.answer
        for dropdown in self.dropdowns.values():
            dropdown.disabled = answer is None
        note = "no valid combination: nothing shaded" if answer is None else ""
        wrong = self.regions.update(answer, note=note)
        total = len(wrong)
        self.readout.show({"f": _describe(answer).replace("f(x1, x2) = ", ""),
                           "misclassified": f"{int(wrong.sum())} of {total}"},
                          [texttable.regions_table(self.regions, f"plot {self.plot} (rebuilt), "
                                                   f"{_describe(answer)}, shaded where f \u2265 0")])
        line = "return NO_VALID_COMBINATION" if answer is None else answer.code()
        self.code.value = f"Your answer, for the cell below: <code>{escape(line)}</code>"
        self.figure.refresh()

    def app(self):
        return live.app(live.panel([*self.dropdowns.values(), self.none_valid]), self.figure,
                        self.readout, self.code)


def show_answer(plot, answer_function):
    """A static figure of the student's answer for one plot: the region f >= 0 and misclassified points."""
    points, labels = plot_data(plot)
    figure, ax = static.figure(figsize=(5.4, 6.0))
    regions = DecisionRegions(ax, points, labels, extent=PLOT_EXTENT)
    try:
        answer = read_answer(f"{answer_function.__name__}()",
                             checks.call(answer_function, name=answer_function.__name__))
    except AssertionError as problem:
        regions.update(None, note=str(problem))
        ax.set_title(f"plot {plot} (rebuilt): unfinished")
        caption = f"plot {plot} (rebuilt), unfinished"
    else:
        wrong = regions.update(answer, note="nothing shaded" if answer is None else "")
        ax.set_title(f"plot {plot} (rebuilt): {_describe(answer)}\n{int(wrong.sum())} of {len(wrong)} misclassified",
                     fontsize=11)
        caption = f"plot {plot} (rebuilt), {_describe(answer)}, shaded where f \u2265 0"
    figure.tight_layout()
    static.show(figure, [texttable.regions_table(regions, caption)])
    return regions
