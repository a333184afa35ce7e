"""Notebook 5, CS 188 Disc 7C Q2: a two-weight sigmoid network and gradient descent on it.

    x -> z1 = x w1 -> a1 = g1(z1) -> z2 = a1 w2 -> a2 = g2(z2) -> Loss(a2, y*)

with g1 = g2 the sigmoid and, as on the worksheet, Loss = 1/2 (a2 - y*)^2.  The
notebook passes in the student's functions (``Answers``); this module only runs
them, draws what they return, and checks them as a gradient check does, against
centred finite differences of the student's own forward pass and loss: a link
d(out)/d(in) is the change in their ``out`` over the change in their ``in`` as an
input moves, a weight gradient the change in their loss.  It holds neither the
forward pass nor the squared-error loss: those are answers (parts 1 and 2).

The cross-entropy toggle swaps only the first link of the chain (dLoss/da2,
supplied here, since the worksheet does not ask for it); every other link and
the update are still the student's, which is the point: the chain rule is
modular.
"""

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..widgets import live, reveal, static, stepper
from ..views.curves import LiveCurves
from ..views.drawing import GraphView
from ..views.checklist import CheckList
from ..views import texttable
from ..model.gradcheck import GradientComparison, compare_gradients, derivative_through, summary
from ..model.graph import ComputationGraph
from ..model import steps as stepping
from ..views.surfaces import LossSurface, contour_lines
from ..values import format_pair, format_value, is_missing

SQUARED, CROSS_ENTROPY = "squared error", "cross-entropy"
LOSSES = (SQUARED, CROSS_ENTROPY)
LOSS_FORMULAS = {
    SQUARED: "Loss = \u00bd(a2 \u2212 y*)\u00b2",
    CROSS_ENTROPY: "Loss = \u2212[y* log a2 + (1 \u2212 y*) log(1 \u2212 a2)]",
}

# The worksheet gives no numbers; this point makes every hand value exact: a1 = 1/2, a2 = 3/4.
WORKED_EXAMPLE = {"x": 1.0, "y_star": 1.0, "w1": 0.0, "w2": 2 * math.log(3)}
# The live demo starts confidently wrong (a2 near 0, y* = 1), where the two losses differ most.
DEMO_START = {"x": 1.0, "y_star": 1, "w1": 3.0, "w2": -5.0, "alpha": 2.0, "steps": 50, "loss": SQUARED}
WEIGHT_EXTENT = (-6.0, 6.0, -6.0, 6.0)
X_RANGE, X_STEP = (-3.0, 3.0), 0.1  # the slider for x
SURFACES_KEPT = 64  # loss surfaces kept (each ~0.2 MB): a drag across x's whole range is 61
Z2_RANGE = (-8.0, 8.0)
FORWARD_NAMES = ("z1", "a1", "z2", "a2")

NODES = {
    "x": dict(label="x", kind="input", pos=(0, 0)),
    "w1": dict(label="w1", kind="param", pos=(0, 1)),
    "z1": dict(label="\u00d7", caption="z1 = x w1", pos=(1, 0)),
    "a1": dict(label="g1", caption="a1 = g1(z1)", pos=(2, 0)),
    "w2": dict(label="w2", kind="param", pos=(2, 1)),
    "z2": dict(label="\u00d7", caption="z2 = a1 w2", pos=(3, 0)),
    "a2": dict(label="g2", caption="a2 = g2(z2)", pos=(4, 0)),
    "y_star": dict(label="y*", kind="input", pos=(4, 1)),
    "L": dict(label="Loss", kind="output", pos=(5, 0)),
}
WIRES = [("x", "z1"), ("w1", "z1"), ("z1", "a1"), ("a1", "z2"), ("w2", "z2"), ("z2", "a2"),
         ("a2", "L"), ("y_star", "L")]


@dataclass(frozen=True)
class Link:
    """One local derivative on the chain: the student's function and its wire (in, out), whose
    d(out)/d(in) it is.  No node definition: finite differences of it were the answer."""

    name: str  # the student's function, e.g. "da2_dz2"
    label: str  # "\u2202a2/\u2202z2"
    arguments: tuple  # what the function is called with, e.g. ("z2", "a2")
    wire: tuple  # (in, out): the wire whose gradient it is the first to change
    moving: tuple  # inputs that reach ``out`` only through ``in``: moving one estimates the link


# In the order backpropagation meets them, from the loss back to w1.
# The graded part each line of the check list belongs to (widgets/reveal.py).
LINE_PARTS = {"dloss_da2": "q5_4a_dloss_da2", "da2_dz2": "q5_4b_da2_dz2", "dz2_dw2": "q5_4c_dz2_dw2",
              "dz2_da1": "q5_6a_dz2_da1", "da1_dz1": "q5_6b_da1_dz1", "dz1_dw1": "q5_6c_dz1_dw1",
              "w2": "q5_4d_dloss_dw2", "w1": "q5_6d_dloss_dw1"}
LINKS = (
    Link("dloss_da2", "\u2202Loss/\u2202a2", ("a2", "y_star"), ("a2", "L"), ("w2", "w1", "x")),
    Link("da2_dz2", "\u2202a2/\u2202z2", ("z2", "a2"), ("z2", "a2"), ("w2", "w1", "x")),
    Link("dz2_dw2", "\u2202z2/\u2202w2", ("a1", "w2"), ("w2", "z2"), ("w2",)),
    Link("dz2_da1", "\u2202z2/\u2202a1", ("a1", "w2"), ("a1", "z2"), ("w1", "x")),
    Link("da1_dz1", "\u2202a1/\u2202z1", ("z1", "a1"), ("z1", "a1"), ("w1", "x")),
    Link("dz1_dw1", "\u2202z1/\u2202w1", ("x", "w1"), ("w1", "z1"), ("w1",)),
)
WEIGHT_LABELS = {"w2": "\u2202Loss/\u2202w2", "w1": "\u2202Loss/\u2202w1"}


# ---- what the worksheet gives: g, and cross-entropy (not asked) ------------------------------

def sigmoid(z):
    """g(z) = 1 / (1 + e^-z), written so that neither tail overflows; arrays stay arrays."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    value = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(value) if value.ndim == 0 else value


def cross_entropy(a2, y_star):
    """-[y* log a2 + (1 - y*) log(1 - a2)] (given, not asked), a2 clipped away from 0 and 1 so it
    stays finite; arrays stay arrays."""
    a2 = np.clip(np.asarray(a2, dtype=float), 1e-15, 1 - 1e-15)
    value = -(y_star * np.log(a2) + (1 - y_star) * np.log(1 - a2))
    return float(value) if value.ndim == 0 else value


def cross_entropy_dloss_da2(a2, y_star):
    """The first link for cross-entropy, dLoss/da2 = -y*/a2 + (1 - y*)/(1 - a2) (given, not asked)."""
    a2 = np.clip(np.asarray(a2, dtype=float), 1e-15, 1 - 1e-15)
    value = -y_star / a2 + (1 - y_star) / (1 - a2)
    return float(value) if value.ndim == 0 else value


def _check_kind(kind):
    if kind not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {kind!r}")


# ---- running the student's functions ---------------------------------------------------------

@dataclass
class Answers:
    """The student's functions, in notebook order; a part not reached yet stays None."""

    forward: object = None
    loss: object = None
    dloss_da2: object = None
    da2_dz2: object = None
    dz2_dw2: object = None
    dloss_dw2: object = None
    dz2_da1: object = None
    da1_dz1: object = None
    dz1_dw1: object = None
    dloss_dw1: object = None
    gradient_step: object = None


PARTS = {"forward": "part 1", "loss": "part 2", "dloss_da2": "part 4", "da2_dz2": "part 4",
         "dz2_dw2": "part 4", "dloss_dw2": "part 4", "dz2_da1": "part 6", "da1_dz1": "part 6",
         "dz1_dw1": "part 6", "dloss_dw1": "part 6", "gradient_step": "part 7"}


def _need(answers, name):
    function = getattr(answers, name)
    if function is None:
        raise AssertionError(f"Finish {PARTS[name]} ({name}) to see this.")
    return function


def student_forward(answers, x, w1, w2):
    """The student's (z1, a1, z2, a2) as floats, or an AssertionError that says what is wrong."""
    result = checks.pair("forward(x, w1, w2)", checks.call(_need(answers, "forward"), x, w1, w2, name="forward"), 4)
    return {name: checks.number(name, value) for name, value in zip(FORWARD_NAMES, result)}


def student_loss(answers, x, y_star, w1, w2, kind=SQUARED, a2=None):
    """The loss of the student's code: their ``loss`` for squared error, the given cross-entropy of
    their a2 otherwise (``a2`` when known, else from their forward pass)."""
    if kind == SQUARED:
        return checks.number("Loss", checks.call(_need(answers, "loss"), x, y_star, w1, w2, name="loss"))
    return cross_entropy(student_forward(answers, x, w1, w2)["a2"] if a2 is None else a2, y_star)


def student_losses(answers, x, y_star, w1, w2, kind=SQUARED):
    """``student_loss`` at arrays of weights (the surface, a path): one call with the arrays when the
    student's code takes them, else point by point (NaN where it fails); an AssertionError when it
    fails at the first point."""
    w1, w2 = np.broadcast_arrays(np.asarray(w1, dtype=float), np.asarray(w2, dtype=float))

    def at(u, v):
        if kind == SQUARED:
            return checks.call(_need(answers, "loss"), x, y_star, u, v, name="loss")
        got = checks.pair("forward(x, w1, w2)", checks.call(_need(answers, "forward"), x, u, v, name="forward"), 4)
        return cross_entropy(got[3], y_star)

    with np.errstate(all="ignore"):
        try:
            heights = np.asarray(at(w1, w2), dtype=float)
            if heights.shape == w1.shape:
                return heights
        except (AssertionError, TypeError, ValueError):
            pass  # code written for numbers: evaluated point by point below
        heights = np.full(w1.shape, np.nan)
        for count, index in enumerate(np.ndindex(w1.shape)):
            try:
                heights[index] = checks.number("Loss", at(float(w1[index]), float(w2[index])))
            except AssertionError:
                if count == 0:
                    raise  # unfinished or broken: no need to try the other points
    return heights


def link_estimate(answers, link, x, y_star, w1, w2, kind=SQUARED):
    """d(out)/d(in) of ``link`` by centred differences of the student's own forward pass (and loss,
    for the loss's link): the change in their out over the change in their in as an input moves.
    None when no input moves it; an AssertionError when their code cannot run."""
    into, out = link.wire

    def outputs(x, w1, w2):
        values = student_forward(answers, x, w1, w2)
        if out == "L":
            values["L"] = student_loss(answers, x, y_star, w1, w2, kind, values["a2"])
        return values

    return derivative_through(outputs, {"x": x, "w1": w1, "w2": w2}, out, into, link.moving)


def weight_estimates(answers, x, y_star, w1, w2, kind=SQUARED):
    """{"w2": dLoss/dw2, "w1": dLoss/dw1} by centred differences of the student's own loss."""
    def outputs(x, w1, w2):
        return {"L": student_loss(answers, x, y_star, w1, w2, kind)}

    point = {"x": x, "w1": w1, "w2": w2}
    return {name: derivative_through(outputs, point, "L", name, (name,)) for name in ("w2", "w1")}


def student_link(answers, link, values, kind=SQUARED):
    """The student's local derivative at ``values``; cross-entropy's first link is the given one."""
    if link.name == "dloss_da2" and kind == CROSS_ENTROPY:
        return cross_entropy_dloss_da2(values["a2"], values["y_star"])
    function = _need(answers, link.name)
    args = [values[name] for name in link.arguments]
    return checks.number(link.label, checks.call(function, *args, name=link.name))


def student_weight_gradients(answers, x, y_star, w1, w2, kind=SQUARED):
    """(dLoss/dw1, dLoss/dw2) from the student's code: their two gradient functions for squared
    error, their chain with cross-entropy's first link otherwise."""
    if kind == SQUARED:
        g1 = checks.call(_need(answers, "dloss_dw1"), x, y_star, w1, w2, name="dloss_dw1")
        g2 = checks.call(_need(answers, "dloss_dw2"), x, y_star, w1, w2, name="dloss_dw2")
        return checks.number(WEIGHT_LABELS["w1"], g1), checks.number(WEIGHT_LABELS["w2"], g2)
    values = {"x": x, "y_star": y_star, "w1": w1, "w2": w2, **student_forward(answers, x, w1, w2)}
    link = {lk.name: student_link(answers, lk, values, kind) for lk in LINKS}
    dz2 = link["dloss_da2"] * link["da2_dz2"]
    return dz2 * link["dz2_da1"] * link["da1_dz1"] * link["dz1_dw1"], dz2 * link["dz2_dw2"]


def _along(function, *arrays, name):
    """``function`` entrywise over equal-shaped arrays: one call with the arrays when the student's
    code takes them, else point by point; an AssertionError when it fails."""
    try:
        got = np.asarray(checks.call(function, *arrays, name=name), dtype=float)
        if got.shape == arrays[0].shape and np.isfinite(got).all():
            return got
    except (AssertionError, TypeError, ValueError):
        pass  # code written for numbers
    return np.array([checks.number(name, checks.call(function, *map(float, point), name=name))
                     for point in zip(*arrays)])


def output_gradients(answers, y_star, z2=None):
    """dLoss/dz2 along z2 for both losses, from the student's own links with a2 = g(z2): their
    dloss_da2 times their da2_dz2 for squared error, the given first link times theirs for
    cross-entropy.  {loss: (z2, values)}, empty where their links cannot say yet."""
    z2 = np.linspace(*Z2_RANGE, 161) if z2 is None else np.asarray(z2, dtype=float)
    a2, targets = sigmoid(z2), np.full(z2.shape, float(y_star))
    curves = {SQUARED: ([], []), CROSS_ENTROPY: ([], [])}
    with np.errstate(all="ignore"):
        try:
            slope = _along(_need(answers, "da2_dz2"), z2, a2, name="da2_dz2")
            curves[CROSS_ENTROPY] = (z2, cross_entropy_dloss_da2(a2, y_star) * slope)
            curves[SQUARED] = (z2, _along(_need(answers, "dloss_da2"), a2, targets, name="dloss_da2") * slope)
        except AssertionError:
            pass  # the notebook's own cells say what is unfinished
    return curves


def descend(answers, x, y_star, w1, w2, alpha, steps, kind=SQUARED):
    """Run ``steps`` of the student's gradient_step from (w1, w2); return (points, note).

    ``points`` holds the start and every point reached; ``note`` says why it stopped early.
    """
    points = [(float(w1), float(w2))]
    step = _need(answers, "gradient_step") if steps else None
    for _ in range(int(steps)):
        g1, g2 = student_weight_gradients(answers, x, y_star, w1, w2, kind)
        new = checks.pair("gradient_step(...)", checks.call(step, w1, w2, g1, g2, alpha, name="gradient_step"))
        w1, w2 = (checks.number(name, value) for name, value in zip(("new w1", "new w2"), new))
        points.append((w1, w2))
        if max(abs(w1), abs(w2)) > 1e6:
            return np.array(points), "The weights ran away (over a million): is the step downhill?"
    return np.array(points), ""


@dataclass
class _Model:
    """What the student's code gives at one setting of the demo: what the graph shows, the check
    list's comparisons, the descent (its points, why it stopped, whether it ran) and the loss along it."""

    state: "State"
    comparisons: list
    points: np.ndarray
    note: str
    descent_ran: bool
    losses: np.ndarray


def model_at(answers, x, y_star, w1, w2, alpha, steps, kind=SQUARED):
    """The student's code run at one setting of the demo (~1 ms): a ``_Model``."""
    state = evaluate(answers, x, y_star, w1, w2, kind)
    comparisons, _problem = link_comparisons(answers, x, y_star, w1, w2, kind)
    try:
        points, note = descend(answers, x, y_star, w1, w2, alpha, steps, kind)
        ran = True
    except AssertionError as problem:
        points, note, ran = np.array([(w1, w2)]), str(problem), False
    try:  # the loss along the path, as the student's own code computes it
        losses = student_losses(answers, x, y_star, points[:, 0], points[:, 1], kind)
    except AssertionError:
        losses = np.empty(0)
    return _Model(state, comparisons, points, note, ran, losses)


@dataclass
class State:
    """Everything the drawing shows at one setting: '...' where a function is missing or failed."""

    values: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    grads: dict = field(default_factory=dict)
    problem: str = ""


def evaluate(answers, x, y_star, w1, w2, kind=SQUARED):
    """Run the student's functions at one point and backpropagate with their links."""
    _check_kind(kind)
    state = State(values={"x": x, "y_star": y_star, "w1": w1, "w2": w2, **{n: ... for n in FORWARD_NAMES},
                          "L": ...},
                  links={link.name: ... for link in LINKS},
                  grads={name: ... for name in ("w1", "z1", "a1", "w2", "z2", "a2")})
    state.grads["L"] = 1.0  # the backward pass starts at the output: dLoss/dLoss = 1
    problems = []

    def attempt(action):
        try:
            return action()
        except AssertionError as problem:
            problems.append(str(problem))
            return ...

    forward = attempt(lambda: student_forward(answers, x, w1, w2))
    if forward is not ...:
        state.values.update(forward)
        state.values["L"] = attempt(lambda: student_loss(answers, x, y_star, w1, w2, kind, forward["a2"]))
        for link in LINKS:
            state.links[link.name] = attempt(lambda link=link: student_link(answers, link, state.values, kind))

    # Backpropagation: each node's gradient is the one after it times the link between them.
    def chain(*factors):
        return ... if any(f is ... for f in factors) else math.prod(factors)

    grads, link = state.grads, state.links
    grads["a2"] = link["dloss_da2"]
    grads["z2"] = chain(grads["a2"], link["da2_dz2"])
    grads["a1"] = chain(grads["z2"], link["dz2_da1"])
    grads["z1"] = chain(grads["a1"], link["da1_dz1"])
    if kind == SQUARED:  # the weights' wires show the student's own gradient functions
        for name, function in (("w2", "dloss_dw2"), ("w1", "dloss_dw1")):
            grads[name] = attempt(lambda name=name, function=function: checks.number(
                WEIGHT_LABELS[name], checks.call(_need(answers, function), x, y_star, w1, w2, name=function)))
    else:
        grads["w2"] = chain(grads["z2"], link["dz2_dw2"])
        grads["w1"] = chain(grads["z1"], link["dz1_dw1"])
    state.problem = problems[0] if problems else ""
    return state


NO_FORWARD = "finish part 1 (forward): the check differentiates your forward pass"
NO_LOSS = "finish part 2 (loss): the check differentiates your loss"
NOTHING_MOVES = "no input of your forward pass moves its input here"
UNCHECKED = "not checked: "  # how the problem of a quantity with no estimate starts


def link_comparisons(answers, x, y_star, w1, w2, kind=SQUARED):
    """Each link at the student's forward values, and each weight gradient, against centred finite
    differences of the student's own forward pass and loss.

    Returns (comparisons in chain order, then dLoss/dw2 and dLoss/dw1, each with ``...`` as its
    estimate and why as its problem where there is none; the first problem, or "").
    """
    problems, yours, numeric, reasons = [], {}, {}, {}

    def attempt(action, key=None):
        try:
            return action()
        except AssertionError as problem:
            problems.append(str(problem))
            if key:  # an estimate that failed: the student's code broke a finite-difference step away
                reasons[key] = f"your code failed near here: {problem}"
            return ...

    values = attempt(lambda: {"x": x, "y_star": y_star, "w1": w1, "w2": w2, **student_forward(answers, x, w1, w2)})
    loss_runs = values is not ... and attempt(
        lambda: student_loss(answers, x, y_star, w1, w2, kind, values["a2"])) is not ...
    for link in LINKS:
        if values is ...:
            yours[link.name], numeric[link.name], reasons[link.name] = ..., ..., NO_FORWARD
            continue
        yours[link.name] = attempt(lambda link=link: student_link(answers, link, values, kind))
        if link.wire[1] == "L" and not loss_runs:
            numeric[link.name], reasons[link.name] = ..., NO_LOSS
            continue
        numeric[link.name] = attempt(lambda link=link: link_estimate(answers, link, x, y_star, w1, w2, kind),
                                     link.name)
    weights = attempt(lambda: student_weight_gradients(answers, x, y_star, w1, w2, kind))
    yours["w1"], yours["w2"] = (..., ...) if weights is ... else weights
    estimates = ... if not loss_runs else attempt(lambda: weight_estimates(answers, x, y_star, w1, w2, kind), "w")
    for name in ("w2", "w1"):
        numeric[name] = ... if estimates is ... else estimates[name]
        reasons[name] = reasons.get("w") or (NO_FORWARD if values is ... else NO_LOSS)
    for key, estimate in numeric.items():
        if estimate is None:  # e.g. a sigmoid saturated to the last bit: moving w does not move it
            numeric[key], reasons[key] = ..., NOTHING_MOVES
    labels = {**{link.name: link.label for link in LINKS}, **WEIGHT_LABELS}
    compared = {c.key: c for c in compare_gradients(yours, numeric, labels)}
    comparisons = [compared.get(key) or GradientComparison(labels[key], yours[key], ..., UNCHECKED + reasons[key], key)
                   for key in (*(link.name for link in LINKS), "w2", "w1")]
    return comparisons, (problems[0] if problems else "")


def first_wrong_link(comparisons):
    """A sentence naming the first link (walking back from the loss) that is off or unchecked, if any."""
    first = next((c for c in comparisons[:len(LINKS)] if not c.ok), None)
    if first is None:
        return "Every local derivative matches finite differences."
    if is_missing(first.numeric):
        reason = first.problem[len(UNCHECKED):]
        return f"{reason[0].upper()}{reason[1:]}."
    if is_missing(first.analytic):
        return f"First link still to write, walking back from the loss: {first.name}."
    return f"First wrong link, walking back from the loss: {first.name}."


def check_lines(comparisons):
    """The report's lines: a tick or a cross per compared quantity, and one line per reason for
    those not checked (naming them all)."""
    lines, unchecked = [], {}
    for c in comparisons:
        if is_missing(c.numeric):
            unchecked.setdefault(c.problem, []).append(c.name)
        else:
            lines.append(summary([c]))
    lines += [f"? {', '.join(names)} {problem}." for problem, names in unchecked.items()]
    return "\n".join(lines)


# ---- the graph -----------------------------------------------------------------------------

def graph_title(kind):
    """The drawing's title: the loss, and that the network is redrawn (the worksheet's figure is
    not in our copy: the ``./kit demo`` page shows no markdown, so the figure says it)."""
    return f"{LOSS_FORMULAS[kind]}   (network rebuilt from the worksheet's text)"


def build_graph(kind=SQUARED):
    graph = ComputationGraph(graph_title(kind))
    for name, spec in NODES.items():
        graph.add_node(name, **spec)
    for src, dst in WIRES:
        graph.add_edge(src, dst)
    return graph


def _draw_graph(ax, kind):
    graph = build_graph(kind)
    view = GraphView(graph, ax, spacing=(2.6, 2.0), node_radius=0.4, fontsize=10,
                     no_gradient=("x", "y_star"))
    return graph, view


def _show_state(graph, view, state, kind):
    graph.set_values(state.values)
    graph.set_grads(state.grads)
    graph.clear_marks()
    view.ax.title.set_text(graph_title(kind))
    view.refresh()
    view.set_message(state.problem)


def draw(answers, **inputs):
    """A static drawing of the network at ``inputs`` (the worked example by default)."""
    point = {**WORKED_EXAMPLE, **inputs}
    state = evaluate(answers, **point)
    figure, ax = static.figure(figsize=(10, 3.6))
    graph, view = _draw_graph(ax, SQUARED)
    _show_state(graph, view, state, SQUARED)
    figure.tight_layout()
    static.show(figure, [texttable.graph_table(view)])
    return view


# ---- the live demo -------------------------------------------------------------------------

class NeuralNetDemo:
    """The chain, its local derivatives, the loss surface with your descent, and the loss curve."""

    def __init__(self, answers, **settings):
        if not isinstance(answers, Answers):
            raise TypeError(f"NeuralNetDemo needs a demo.Answers(...) of your functions; got "
                            f"{type(answers).__name__}")
        unknown = set(settings) - set(DEMO_START)
        if unknown:
            raise TypeError(f"unknown setting(s) {sorted(unknown)}; the settings are {list(DEMO_START)}")
        self.answers = answers
        self.settings = {**DEMO_START, **settings}
        # Every control changes artists in place (the surface too), so a move is redrawn by a blit
        # unless the loss curve's limits change.  6.8 in tall: with its two rows of controls and the
        # readout, the demo fits a 1080-row projector at the demo's scale (the browser tests check).
        self.figure = live.LiveFigure(2, 3, figsize=(13, 6.8),
                                      gridspec_kw={"height_ratios": [1, 1.2]})
        axes = self.figure.axes
        grid = axes[0, 0].get_gridspec()
        for ax in axes[0, :2]:
            ax.remove()
        graph_ax = self.figure.figure.add_subplot(grid[0, :2])
        self.graph, self.view = _draw_graph(graph_ax, SQUARED)
        self.checklist = CheckList(axes[0, 2], len(LINKS) + 2, fontsize=10,
                                   title="your chain vs. finite differences\n(yours | finite differences)")
        self.surface = LossSurface(axes[1, 0], WEIGHT_EXTENT, xlabel="w1", ylabel="w2")
        self.loss_curve = LiveCurves(axes[1, 1], ["loss"], xlabel="step", ylabel="Loss", y_limits="from_zero",
                                     styles={"loss": dict(marker="o", markersize=2)})
        self.output_curves = LiveCurves(axes[1, 2], [SQUARED, CROSS_ENTROPY, "now"],
                                        title="gradient reaching z2: \u2202Loss/\u2202z2",
                                        xlabel="z2", ylabel="\u2202Loss/\u2202z2",
                                        styles={SQUARED: dict(linestyle="-"), CROSS_ENTROPY: dict(linestyle="--"),
                                                "now": dict(marker="o", linestyle="", markersize=9,
                                                            color="#222222")})
        axes[1, 2].axhline(0, color="#9A9A9A", linewidth=0.8)
        self.readout = live.Readout()
        self._surface_key, self._surface_problem = None, ""
        self._output_curves = {}  # y* -> the two curves of dLoss/dz2 from the student's links
        self._surfaces = {}  # (x, y*, loss) -> what the surface panel shows for them (_surface_at)
        self._models = {}  # settings and the student's functions -> _Model, worked out ahead (_model_at)
        self._moved_by = 0.0  # the last move of x
        live.on_cell_run(self._forget_their_results)
        self._grid = self.surface.grid()
        self.points, self.losses = np.empty((0, 2)), np.empty(0)
        self.descent_ran = False
        self.figure.figure.tight_layout(h_pad=2.5)
        self.update(**self.settings)

    def update(self, x, y_star, w1, w2, alpha, steps, loss):
        """Recompute everything at new settings and redraw in place (the widgets' callback)."""
        _check_kind(loss)
        moved_by = x - self.settings["x"]
        self.settings = dict(x=x, y_star=y_star, w1=w1, w2=w2, alpha=alpha, steps=steps, loss=loss)
        model = self._model_at(x, y_star, w1, w2, alpha, steps, loss)
        self._models = {}  # kept only until the next move: what their code reads may change meanwhile
        self._shown = model, dict(self.settings)
        self._show(model, **self.settings)
        self.figure.refresh()  # the picture first, then the numbers beside it
        state = model.state
        descended = self.descent_ran  # with 0 steps the descent ends where it starts
        end = self.points[-1] if descended else (..., ...)
        self.readout.show({
            "a2": format_value(state.values["a2"]),
            "Loss": format_value(state.values["L"]),
            "dLoss/dz2": format_value(state.grads["z2"]),
            "dLoss/dw1": format_value(state.grads["w1"]),
            "dLoss/dw2": format_value(state.grads["w2"]),
            "w1 after descent": format_value(end[0]),
            "w2 after descent": format_value(end[1]),
            "Loss after descent": format_value(self.losses[-1] if descended and len(self.losses) else ...),
        }, self._tables())
        if moved_by:  # x is being moved: work out what its next values need while the kernel waits
            ahead = live.next_values(x, moved_by, X_STEP, X_RANGE)
            self.figure.work_ahead(
                [functools.partial(self._model_at, next_x, y_star, w1, w2, alpha, steps, loss) for next_x in ahead]
                + [functools.partial(self._prepare_surface, next_x, y_star, loss) for next_x in ahead]
                + [functools.partial(self._rehearse, next_x)
                   for next_x in live.drawn_ahead(ahead, moved_by, self._moved_by)])
        self._moved_by = moved_by

    def _show(self, model, x, y_star, w1, w2, alpha, steps, loss):
        """Set the figure's artists for ``model`` at these settings (no refresh)."""
        state = model.state
        _show_state(self.graph, self.view, state, loss)
        self._update_checklist(model.comparisons)
        surface_problem = self._update_surface(x, y_star, loss)
        step, note = self._update_descent(model, alpha, loss)
        self._update_output_gradient(state, y_star, loss)
        self.surface.set_point((w1, w2), step)
        self.surface.set_note(surface_problem or note)

    def _rehearse(self, next_x):
        """Draw the figure's new texts at x = ``next_x`` (the drag's next value) ahead, out of sight."""
        model, now = self._shown
        upcoming = {**now, "x": next_x}
        next_model = self._model_at(next_x, *(now[name] for name in ("y_star", "w1", "w2", "alpha", "steps", "loss")))
        self.figure.rehearse(functools.partial(self._show, next_model, **upcoming),
                             functools.partial(self._show, model, **now))

    def _forget_their_results(self):
        """Before a cell runs: drop what was worked out from the student's code (models, surfaces,
        curves), which a global their code reads may make stale; the next move works it out anew."""
        self._models, self._surfaces, self._output_curves = {}, {}, {}
        self._surface_key = None

    def _tables(self):
        """The figure as tables (its text alternative): the graph, the check list, the surface with the
        descent, the loss along it and the gradient reaching z2."""
        s, drawn = self.settings, self.surface.drawn()

        def pair(point):
            return "?" if point is None else f"({format_value(point[0])}, {format_value(point[1])})"

        levels = drawn["levels"]
        path = drawn["path"]
        surface = texttable.rows_table(self.surface.ax.get_title(), [
            ("shading and contour lines", "no surface" if levels is None else
             f"your loss from {format_value(levels[0])} to {format_value(levels[-1])} in {len(levels) - 1} bands"),
            ("current (w1, w2), the square", pair(drawn["point"])),
            ("Loss there", format_value(self.graph.nodes["L"].value)),
            ("first step, the arrow, to", pair(None if drawn["arrow"] is None else drawn["arrow"][1])),
            ("your descent, the dotted path", f"{max(len(path) - 1, 0)} steps, ending at (the cross) "
                                              f"{pair(path[-1] if len(path) else None)}"),
            ("note", drawn["note"] or "\u2014"),
        ])
        return [texttable.graph_table(self.view),
                texttable.checklist_table(self.checklist, "your chain vs. finite differences (yours | finite "
                                                          "differences)"),
                surface, texttable.curves_table(self.loss_curve, self.loss_curve.ax.get_title()),
                texttable.curves_table(self.output_curves, f"gradient reaching z2 at y* = {s['y_star']}")]

    @staticmethod
    def _pair(comparison):
        """Yours and the finite-difference reference as written on a line: one rounding when they
        match, and no reference before your own value exists (unless revealed: widgets/reveal.py)."""
        yours, reference = comparison.analytic, comparison.numeric
        if is_missing(yours) and not reveal.is_revealed(LINE_PARTS.get(comparison.key)):
            reference = ...
        return format_pair(yours, reference, comparison.ok and not is_missing(yours))

    def _model_at(self, x, y_star, w1, w2, alpha, steps, kind):
        """``model_at`` for these settings, or what was worked out for them ahead, while the kernel
        waited after the last move (the key holds the functions themselves: a part answered again
        meanwhile is run again)."""
        key = (round(float(x), 9), y_star, w1, w2, alpha, steps, kind, tuple(vars(self.answers).values()))
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = model_at(self.answers, x, y_star, w1, w2, alpha, steps, kind)
        return model

    def _update_checklist(self, comparisons):
        rows = [("missing" if is_missing(c.analytic) or is_missing(c.numeric) else "ok" if c.ok else "wrong",
                 "{:<10}{:>10} |{:>10}".format(c.name, *self._pair(c))) for c in comparisons]
        self.checklist.update(rows, footer=first_wrong_link(comparisons))

    def _update_surface(self, x, y_star, kind):
        """Show the surface of the student's loss at (x, y*); returns why there is none, or ""."""
        key = (x, y_star, kind)
        if key == self._surface_key:  # contours change only with the data or the loss
            return self._surface_problem
        self._surface_key = key
        u, v, heights, levels, lines, self._surface_problem = self._surface_at(x, y_star, kind)
        if self._surface_problem:
            self.surface.clear()
        else:
            self.surface.set_surface(u, v, heights, levels=levels, lines=lines)
        self.surface.ax.set_title(f"{kind} over (w1, w2) at x = {format_value(x)}, y* = {format_value(y_star)}",
                                  fontsize=10)
        return self._surface_problem

    def _surface_at(self, x, y_star, kind):
        """(u, v, heights, levels, contour lines, problem) of the student's loss over the weights at
        (x, y*), kept: a new x costs ~1.5 ms when their code takes arrays (the loss on a 121 x 121
        grid and its contour lines), which a drag's next values have worked out ahead, while the
        kernel waits.  ``problem`` says why there is no surface ("" when there is one)."""
        key = (round(float(x), 9), y_star, kind)  # as next_values rounds the x it works out
        u, v = self._grid
        if key not in self._surfaces:
            if len(self._surfaces) >= SURFACES_KEPT:
                self._surfaces.clear()
            try:
                heights = student_losses(self.answers, x, y_star, u, v, kind)
                if not np.isfinite(heights).any():
                    raise AssertionError("Your loss is not a finite number anywhere on the surface.")
                top = max(float(np.nanmax(heights)), 1e-9)
                levels = np.linspace(0.0, top * 1.0001, 13)
                finite = heights if np.isfinite(heights).all() else np.ma.masked_invalid(heights)
                self._surfaces[key] = heights, levels, contour_lines(u, v, finite, levels), ""
            except AssertionError as problem:
                self._surfaces[key] = None, None, None, str(problem)
        return (u, v, *self._surfaces[key])

    def _prepare_surface(self, x, y_star, kind):
        """Work out the surface at (x, y*) and make its picture, ahead of a step to that x (~4 ms)."""
        _, _, heights, levels, _, problem = self._surface_at(x, y_star, kind)
        if not problem:
            self.surface.prepare(heights, levels)

    def _update_descent(self, model, alpha, kind):
        """Your descent on the surface and its loss curve; returns (first step or None, note)."""
        self.points, note, self.descent_ran, self.losses = model.points, model.note, model.descent_ran, model.losses
        self.surface.set_path(self.points if len(self.points) > 1 else np.empty((0, 2)))
        self.loss_curve.update({"loss": (np.arange(len(self.losses)), self.losses)})
        title = f"{kind} along your descent (\u03b1 = {format_value(alpha)})"
        if self.loss_curve.ax.get_title() != title:  # set again, it would be drawn again with every step
            self.loss_curve.ax.set_title(title, fontsize=10)
        if len(self.points) > 1:
            return self.points[1] - self.points[0], note
        g1, g2 = model.state.grads["w1"], model.state.grads["w2"]  # no step taken: show -alpha * gradient if known
        if is_missing(g1) or is_missing(g2):
            return None, note
        return (-alpha * g1, -alpha * g2), note

    def _update_output_gradient(self, state, y_star, kind):
        now = state.values["z2"], state.grads["z2"]
        shown = ([], []) if any(is_missing(v) for v in now) else ([now[0]], [now[1]])
        if y_star not in self._output_curves:
            self._output_curves[y_star] = output_gradients(self.answers, y_star)
        self.output_curves.update({**self._output_curves[y_star], "now": shown})
        label = f"now ({kind}, your links)"
        if self.output_curves.lines["now"].get_label() != label:  # a new legend only when it says more
            self.output_curves.lines["now"].set_label(label)
            self.output_curves.ax.legend(fontsize=8, frameon=False)

    def check(self):
        """Compare every link and both gradients with finite differences at the current setting.

        Marks the wire of every wrong link (thick purple, with a cross) and returns the report,
        which starts with the first wrong link met walking back from the loss.
        """
        s = self.settings
        comparisons, problem = link_comparisons(self.answers, s["x"], s["y_star"], s["w1"], s["w2"], s["loss"])
        # a quantity written but not checked (no estimate) is not marked wrong; one not written is
        # marked as still to write, as its wire shows no gradient
        marks = ["" if is_missing(c.numeric) and not is_missing(c.analytic) else c.problem for c in comparisons]
        self.graph.clear_marks()
        for link, mark in zip(LINKS, marks):
            self.graph.edge(*link.wire).wrong = mark
        for name, mark in zip(("w2", "w1"), marks[len(LINKS):]):
            wire = self.graph.edge(name, "z" + name[1])  # w2 -> z2, w1 -> z1
            wire.wrong = wire.wrong or mark
        self.view.refresh()
        self.readout.show(self.readout.values, self._tables())
        self.figure.refresh()
        head = first_wrong_link(comparisons) + "\n"
        return (problem + "\n" if problem else "") + head + check_lines(comparisons)

    def graph_steps(self):
        """The steps through the chain with your own links as its local derivatives, each checked
        against finite differences of your forward pass and loss."""
        s = self.settings
        point = (s["x"], s["y_star"], s["w1"], s["w2"], s["loss"])
        state = evaluate(self.answers, *point)
        estimates = {c.key: c.numeric for c in link_comparisons(self.answers, *point)[0]}
        return stepping.build(self.graph, self.view.no_gradient,
                              local={link.wire: state.links[link.name] for link in LINKS},
                              local_reference={link.wire: estimates[link.name] for link in LINKS},
                              reference={name: estimates[name] for name in ("w1", "w2")})

    def app(self):
        s = self.settings
        widgets = {
            "x": live.slider("x", s["x"], *X_RANGE, X_STEP),
            "y_star": live.slider("y_star", s["y_star"], 0, 1, 1, description="y*", integer=True),
            "w1": live.slider("w1", s["w1"], *WEIGHT_EXTENT[:2], 0.1),
            "w2": live.slider("w2", s["w2"], *WEIGHT_EXTENT[2:], 0.1),
            "alpha": live.slider("alpha", s["alpha"], 0.0, 10.0, 0.1, description="\u03b1"),
            "steps": live.slider("steps", s["steps"], 0, 200, 1, description="steps", integer=True),
            "loss": live.toggle("loss", LOSSES, s["loss"], description="Loss"),
        }
        return stepper.app(live.controls(widgets, self.update), self.figure, self.view, self.graph_steps,
                           self.readout)
