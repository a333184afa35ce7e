"""Notebook 2, CS 189 DIS4 problem 2: backpropagation practice, parts (a) to (f).

This module holds the problem's own functions (the ones the worksheet writes
down, none of them a graded answer), seeded random problems for the hidden tests,
and the three live demos.  It holds no answer: no function here returns a graded
gradient.  The references the hidden tests compare with live on the grading side
(``backprop_reference.backprop_practice``).  The student writes no forward pass
in this notebook, so what a demo shows beside the student's gradients comes from
centred finite differences of the worksheet's function, worked out only at the
demo's own problems (chosen by seed), never at inputs a caller passes in.

- (a) ``Chain`` / ``chain_example``: f(g_1(w), ..., g_n(w)), ``ChainRuleDemo``.
- (b)-(d) ``units_output``: f(W, x, y) = (y - sum_i phi(w_i^T x + b_i))^2, ``UnitsDemo``.
- (e)-(f) ``two_layer_loss``: l = 1/2 ||W2 Phi(W1 x + b) - y||^2, ``TwoLayerDemo``.
"""

import textwrap
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import checks
from ..widgets import live, reveal, static, stepper
from ..views.curves import LiveCurves
from ..views.drawing import GraphView
from ..model.gradcheck import compare_gradients, numerical_gradient, summary
from ..model.graph import ComputationGraph
from ..model import steps as stepping
from ..views.heatmaps import GradientHeatmap
from ..views import texttable
from ..values import format_value, is_missing

SUBSCRIPTS = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")


def sub(text):
    """'w1' -> 'w\u2081': subscripts for node labels (DejaVu has the glyphs)."""
    return str(text).translate(SUBSCRIPTS)


# ---- activations Phi, each with its derivative -------------------------------------------------

def identity(z):
    return np.array(z, dtype=float)


def identity_derivative(z):
    return np.ones_like(np.asarray(z, dtype=float))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_derivative(z):
    return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2


def relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_derivative(z):
    """Convention: ReLU'(0) = 0.  Random problems keep pre-activations away from 0 anyway."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


# name -> (Phi, Phi'): what the dropdown offers and what the tests pass to backward_e
PHIS = {
    "identity": (identity, identity_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (np.tanh, tanh_derivative),
    "ReLU": (relu, relu_derivative),
}


def phi_pair(name):
    if name not in PHIS:
        raise ValueError(f"Phi must be one of {list(PHIS)}; got {name!r}")
    return PHIS[name]


# ---- (a) the multivariate chain rule --------------------------------------------------------

@dataclass
class Chain:
    """f(g_1(w), ..., g_n(w)): ``g(w)`` returns the n values x_i, ``dg_dw(w)`` their derivatives,
    ``f(x)`` the output and ``grad_f(x)`` the n partial derivatives df/dx_i."""

    n: int
    g: object
    dg_dw: object
    f: object
    grad_f: object
    description: str = ""

    def composite(self, w):
        return float(self.f(self.g(w)))


def chain_example(n=3):
    """The notebook's concrete functions: g_i(w) = sin(i w), f(x) = log(1 + x_1^2 + ... + x_n^2)."""
    if not isinstance(n, (int, np.integer)) or not 1 <= n <= 8:
        raise ValueError(f"n must be a whole number from 1 to 8; got {n!r}")
    i = np.arange(1, n + 1, dtype=float)
    return Chain(
        n=int(n),
        g=lambda w: np.sin(i * w),
        dg_dw=lambda w: i * np.cos(i * w),
        f=lambda x: float(np.log1p(np.sum(np.asarray(x, dtype=float) ** 2))),
        grad_f=lambda x: 2.0 * np.asarray(x, dtype=float) / (1.0 + np.sum(np.asarray(x, dtype=float) ** 2)),
        description="g_i(w) = sin(i w), f(x) = log(1 + |x|^2)",
    )


def random_chain(seed):
    """A seeded random f and g_i (2 to 5 of them) for the hidden tests.

    g_i(w) = a_i sin(c_i w + p_i) + q_i w and f(x) = 1/2 x^T A x + sin(v^T x) with A not symmetric.
    """
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    a, c, p, q, v = (rng.normal(size=n) for _ in range(5))
    A = rng.normal(size=(n, n))
    return Chain(
        n=n,
        g=lambda w: a * np.sin(c * w + p) + q * w,
        dg_dw=lambda w: a * c * np.cos(c * w + p) + q,
        f=lambda x: float(0.5 * x @ A @ x + np.sin(v @ x)),
        grad_f=lambda x: 0.5 * (A + A.T) @ x + np.cos(v @ x) * v,
        description=f"random chain (seed {seed}, n = {n})",
    )


def chain_graph(n):
    """w fans out to g_1 ... g_n, which fan in to f."""
    graph = ComputationGraph(f"f(g\u2081(w), \u2026, g{sub(n)}(w))")
    graph.add_node("w", "w", kind="input", pos=(0, 0))
    for i in range(1, n + 1):
        graph.add_node(f"g{i}", sub(f"g{i}"), caption=sub(f"x{i}") + f" = sin({i}w)",
                       pos=(1, (n + 1) / 2 - i))
    graph.add_node("f", "f", kind="output", pos=(2.3, 0))
    for i in range(1, n + 1):
        graph.add_edge("w", f"g{i}", "")
        graph.add_edge(f"g{i}", "f", "")
    return graph


def evaluate_chain(path_terms, total_derivative, chain, w):
    """The student's path terms and total derivative; (terms, total, problem) with '...' on failure."""
    terms, total = [...] * chain.n, ...
    arguments = (w, chain.g, chain.dg_dw, chain.grad_f)
    try:
        got = checks.call(path_terms, *arguments, name="path_terms")
        terms = [float(t) for t in checks.shaped("path_terms(w, g, dg_dw, grad_f)", got, (chain.n,))]
        total = checks.number("total_derivative", checks.call(total_derivative, *arguments,
                                                              name="total_derivative"))
    except AssertionError as problem:
        return terms, total, str(problem)
    return terms, total, ""


class ChainRuleDemo:
    """(a): the fan-out/fan-in graph with each path's share, and f(g(w)) with your tangent."""

    N_MAX = 5
    W_RANGE = (-2.5, 2.5)

    def __init__(self, path_terms, total_derivative, w=0.6, n=3):
        self.path_terms, self.total_derivative = path_terms, total_derivative
        self.figure = live.LiveFigure(1, 2, figsize=(12.5, 5.6), gridspec_kw={"width_ratios": [1.45, 1]})
        graph_ax, plot_ax = self.figure.axes
        spec = graph_ax.get_subplotspec()
        # one graph per n, drawn once; moving the n slider only shows another one
        self.views = {}
        for size in range(1, self.N_MAX + 1):
            ax = graph_ax if size == 1 else self.figure.figure.add_subplot(spec, label=f"graph n={size}")
            # fan-out labels late on their wires (where the wires have spread), fan-in labels early
            fractions = {**{("w", f"g{i}"): 0.62 for i in range(1, size + 1)},
                         **{(f"g{i}", "f"): 0.38 for i in range(1, size + 1)}}
            self.views[size] = GraphView(chain_graph(size), ax, spacing=(3.6, 1.9), fontsize=9.5,
                                         label_at=fractions)
        self.curves = LiveCurves(plot_ax, ["f(g(w))", "tangent, your df/dw", "tangent, finite differences",
                                           "(w, f(g(w)))"],
                                 xlabel="w", ylabel="f(g(w))",
                                 # your tangent thick, the reference dashed: told apart without colour
                                 styles={"tangent, your df/dw": dict(linewidth=4),
                                         "tangent, finite differences": dict(linestyle="--", linewidth=1.6),
                                         "(w, f(g(w)))": dict(marker="o", linestyle="", markersize=7)})
        self.readout = live.Readout()
        self._curves = {}  # n -> (ws, f(g(ws))) of chain_example(n)
        self.figure.figure.tight_layout()
        self.update(w=w, n=n)

    def update(self, w, n):
        self.w, self.n = float(w), int(n)
        chain = chain_example(self.n)
        view = self.views[self.n]
        for size, other in self.views.items():
            other.ax.set_visible(size == self.n)
        graph = view.graph
        x = chain.g(self.w)
        terms, total, problem = evaluate_chain(self.path_terms, self.total_derivative, chain, self.w)
        partials = chain.grad_f(x)
        graph.set_values({"w": self.w, "f": chain.f(x), **{f"g{i}": x[i - 1] for i in range(1, self.n + 1)}})
        graph.set_grads({"f": 1.0, "w": total, **{f"g{i}": partials[i - 1] for i in range(1, self.n + 1)}})
        graph.set_edge_grads({("w", f"g{i}"): terms[i - 1] for i in range(1, self.n + 1)})
        view.refresh()
        view.set_message(problem)
        self._plot(chain, total)
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({"w": format_value(self.w), "n": str(self.n),
                           "f(g(w))": format_value(chain.composite(self.w)),
                           "df/dw": format_value(total)}, self._tables())

    def _plot(self, chain, total):
        if self.n not in self._curves:  # the curve depends on n alone: worked out once per n
            ws = np.linspace(*self.W_RANGE, 400)
            self._curves[self.n] = ws, np.array([chain.composite(w) for w in ws])
        ws, values = self._curves[self.n]
        height = chain.composite(self.w)
        reference = numerical_gradient(chain.composite, {"w": self.w})["w"]  # the drawn curve's own slope
        data = {"f(g(w))": (ws, values), "(w, f(g(w)))": ([self.w], [height])}
        if is_missing(total) and not reveal.is_revealed("q2a_chain_rule"):
            reference = ...  # predict, then compare: no reference tangent before your own (widgets/reveal.py)
        for name, slope in (("tangent, your df/dw", total), ("tangent, finite differences", reference)):
            if is_missing(slope):
                data[name] = ([], [])
                continue
            half = 0.7 / np.sqrt(1.0 + slope ** 2)  # a tangent of about the same length at any slope
            ts = np.array([self.w - half, self.w + half])
            data[name] = (ts, height + slope * (ts - self.w))
        self.slopes = {"your tangent (solid, thick)": total, "finite-difference tangent (dashed)": reference}
        self.curves.update(data, note="" if not is_missing(total) else "finish (a) to see your tangent")
        # Limits from the curve alone (fixed for each n), not the moving tangent, so a move of w
        # redraws only the tangent and the texts (a blit) instead of rescaling the axes.
        pad = 0.2 * (values.max() - values.min()) + 0.1
        self.curves.ax.set_xlim(*self.W_RANGE)
        self.curves.ax.set_ylim(values.min() - pad, values.max() + pad)
        self.curves.ax.set_title(f"df/dw = sum of the {self.n} path shares = {format_value(total)}",
                                 fontsize=11)

    def _tables(self):
        """The figure as tables (its text alternative): the graph of n paths, then the tangents."""
        point = [("w", format_value(self.w)), ("f(g(w))", format_value(chain_example(self.n).composite(self.w)))]
        slopes = [(f"slope of the {name}", format_value(slope)) for name, slope in self.slopes.items()]
        return [texttable.graph_table(self.views[self.n]),
                texttable.rows_table("f(g(w)) at w and its tangents", point + slopes)]

    def graph_steps(self):
        """The steps through the graph shown: each path's local derivative read off your share
        (the worksheet gives f's partial derivatives, on the wires into f)."""
        graph = self.views[self.n].graph
        return stepping.build(graph, trusted=[name for name in graph.nodes if name != "w"])

    def app(self):
        widgets = {"w": live.slider("w", self.w, *self.W_RANGE, 0.05),
                   "n": live.slider("n", self.n, 1, self.N_MAX, 1, integer=True)}
        return stepper.app(live.controls(widgets, self.update), self.figure, list(self.views.values()),
                           self.graph_steps, self.readout, shown=lambda: self.views[self.n])


# ---- (b)-(d) n units, one output: f(W, x, y) = (y - sum_i phi(w_i^T x + b_i))^2 -----------------------

EXAMPLE_UNITS = {
    "W": np.array([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5]]),
    "b": np.array([0.2, -0.4]),
    "x": np.array([1.0, 2.0, -1.0]),
    "y": 1.5,
}


def _check_units_shapes(W, b, x):
    W, b, x = (np.asarray(a, dtype=float) for a in (W, b, x))
    if W.ndim != 2:
        raise ValueError(f"W must be an n x d matrix (one row w_i per unit); got shape {W.shape}")
    if b.shape != (W.shape[0],) or x.shape != (W.shape[1],):
        raise ValueError(f"with W of shape {W.shape}, b must have shape ({W.shape[0]},) and x shape "
                         f"({W.shape[1]},); got {b.shape} and {x.shape}")
    return W, b, x


def units_output(W, b, x, y, phi=sigmoid):
    """The worksheet's f(W, x, y) = (y - sum_i phi(w_i^T x + b_i))^2, w_i the rows of W."""
    W, b, x = _check_units_shapes(W, b, x)
    return float((y - np.sum(phi(W @ x + b))) ** 2)


def random_units(seed, n=3, d=4):
    """A seeded random (W, b, x, y) with n units of d inputs; the residual is kept away from 0."""
    rng = np.random.default_rng(seed)
    W, b, x = rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d)
    s = float(np.sum(sigmoid(W @ x + b)))
    y = s + float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0))  # |y - s| >= 0.5: gradients not tiny
    return {"W": W, "b": b, "x": x, "y": y}


def units_problem(seed):
    """Seed 0 is the notebook's example; other seeds draw 2 units of 3 inputs (the drawn graph's size)."""
    return {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in EXAMPLE_UNITS.items()} \
        if seed == 0 else random_units(seed, n=2, d=3)


def units_forward(W, b, x, y):
    """Every intermediate value of the unit network (the drawing's forward values)."""
    W, b, x = _check_units_shapes(W, b, x)
    u = W @ x
    z = u + b
    h = sigmoid(z)
    s = float(np.sum(h))
    r = float(y - s)
    return {"u": u, "z": z, "h": h, "s": s, "r": r, "f": r * r}


def units_node_specs(n):
    """{name: dict(label, kind, caption, pos)} for the graph of (b) with n units (laid out for n = 2)."""
    rows = [0.95 * ((n + 1) / 2 - i) / max((n - 1) / 2, 0.5) for i in range(1, n + 1)]
    # x sits between the weight vectors; with an odd n the middle one takes its place, so x goes below
    specs = {"x": dict(label="x", kind="input", pos=(-0.6, 0 if n % 2 == 0 else -2.2 * max(rows) - 1.3))}
    for i, row in enumerate(rows, start=1):
        side = 1.0 if row >= 0 else -1.0
        specs[f"w{i}"] = dict(label=sub(f"w{i}"), kind="param", pos=(-0.6, 2.2 * row))
        specs[f"u{i}"] = dict(label="\u00b7", caption=sub(f"u{i} = w{i}") + "\u1d40x", pos=(1.5, row))
        specs[f"b{i}"] = dict(label=sub(f"b{i}"), kind="param", pos=(1.8, row + side * 1.25))
        specs[f"z{i}"] = dict(label="+", caption=sub(f"z{i} = u{i} + b{i}"), pos=(2.7, row))
        specs[f"h{i}"] = dict(label="\u03c3", caption=sub(f"h{i} = \u03c3(z{i})"), pos=(3.8, row))
    specs["s"] = dict(label="\u03a3", caption="s = \u03a3 h\u1d62", pos=(4.9, 0))
    specs["y"] = dict(label="y", kind="input", pos=(5.2, 1.5))
    specs["r"] = dict(label="\u2212", caption="r = y \u2212 s", pos=(6.0, 0))
    specs["f"] = dict(label="( )\u00b2", kind="output", caption="f = r\u00b2", pos=(7.0, 0))
    return specs


# x's fan-out wires carry their labels late, where the two wires have spread apart
UNITS_LABEL_AT = {("x", "u1"): 0.5, ("x", "u2"): 0.5, ("w1", "u1"): 0.4, ("w2", "u2"): 0.4}


def build_units_graph(edges, n=2):
    """The graph of (b) from the student's wires; returns (graph, problem or "")."""
    graph = ComputationGraph(f"f(W, x, y) = (y \u2212 \u03a3\u1d62 \u03c3(w\u1d62\u1d40x + b\u1d62))\u00b2,"
                             f"  n = {n} units, d = 3 inputs")
    for name, spec in units_node_specs(n).items():
        graph.add_node(name, **spec)
    if is_missing(edges):
        return graph, "Finish part (b): list the wires with graph_edges(n) to draw them."
    try:
        for src, dst in edges:
            graph.add_edge(src, dst)
    except (TypeError, ValueError) as error:
        return graph, f"graph_edges({n}): {error}"
    return graph, ""


def evaluate_units_backward(backward_c, W, b, x, y):
    """The student's {"W": df/dW, "b": df/db}; (grads, problem) with '...' for what failed."""
    grads = {"W": ..., "b": ...}
    try:
        got = checks.entries("backward_c(W, b, x, y)", checks.call(backward_c, W, b, x, y, name="backward_c"),
                             ["W", "b"])
        grads = {"W": got["W"], "b": got["b"]}
        checks.shaped("df/dW", got["W"], np.shape(W), shape_of="W")
        checks.shaped("df/db", got["b"], np.shape(b), shape_of="b")
    except AssertionError as problem:
        return grads, str(problem)
    return grads, ""


def _rows(matrix, n):
    """Row i of the student's df/dW for each unit, or '...' where it cannot be split."""
    try:
        array = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        return [...] * n
    return list(array) if array.ndim == 2 and array.shape[0] == n else [...] * n


def _entries(vector, n):
    try:
        array = np.asarray(vector, dtype=float)
    except (TypeError, ValueError):
        return [...] * n
    return [float(v) for v in array] if array.shape == (n,) else [...] * n


def draw_units_on(graph, seed, grads):
    """Write the forward values of problem ``seed`` and gradients (the student's on w_i and b_i
    wires) onto the (b) graph.

    The inner wires carry df/d(stage) by finite differences of the stages above it, worked out
    here for the demo's own problem and only drawn: df/dz_i is df/db_i, an answer of (c).
    """
    W, b, x, y = (units_problem(seed)[k] for k in ("W", "b", "x", "y"))
    n = len(b)
    values = units_forward(W, b, x, y)
    inner = {
        "r": numerical_gradient(lambda r: r * r, {"r": values["r"]})["r"],
        "s": numerical_gradient(lambda s: (y - s) ** 2, {"s": values["s"]})["s"],
        "y": numerical_gradient(lambda y: (y - values["s"]) ** 2, {"y": float(y)})["y"],
        "h": numerical_gradient(lambda h: (y - np.sum(h)) ** 2, {"h": values["h"]})["h"],
        "z": numerical_gradient(lambda z: (y - np.sum(sigmoid(z))) ** 2, {"z": values["z"]})["z"],
        "u": numerical_gradient(lambda u: (y - np.sum(sigmoid(u + b))) ** 2, {"u": values["u"]})["u"],
    }
    # x fans out to every unit: each wire's share is the derivative through that unit's copy of x
    copies = np.tile(np.asarray(x, dtype=float), (n, 1))
    inner["x_shares"] = numerical_gradient(
        lambda xs: (y - np.sum(sigmoid(np.sum(W * xs, axis=1) + b))) ** 2, {"xs": copies})["xs"]
    node_values = {"x": x, "y": y, "s": values["s"], "r": values["r"], "f": values["f"]}
    # x's total gradient is the sum of its wires' shares (part (a)'s lesson), drawn under x
    node_grads = {"f": 1.0, "r": inner["r"], "s": inner["s"], "y": inner["y"], "x": inner["x_shares"].sum(axis=0)}
    w_rows, b_entries = _rows(grads["W"], n), _entries(grads["b"], n)
    for i in range(1, n + 1):
        node_values.update({f"w{i}": W[i - 1], f"b{i}": b[i - 1], f"u{i}": values["u"][i - 1],
                            f"z{i}": values["z"][i - 1], f"h{i}": values["h"][i - 1]})
        node_grads.update({f"w{i}": w_rows[i - 1], f"b{i}": b_entries[i - 1], f"u{i}": inner["u"][i - 1],
                           f"z{i}": inner["z"][i - 1], f"h{i}": inner["h"][i - 1]})
    graph.set_values({k: v for k, v in node_values.items() if k in graph.nodes})
    graph.set_grads({k: v for k, v in node_grads.items() if k in graph.nodes})
    shares = {("x", f"u{i}"): inner["x_shares"][i - 1] for i in range(1, n + 1)
              if graph.edge("x", f"u{i}") is not None}
    graph.set_edge_grads(shares)


def draw_units(edges, backward_c=None, seed=0):
    """A static drawing of the graph of (b) at the example values (seed 0) or a random problem."""
    problem = units_problem(seed)
    graph, graph_problem = build_units_graph(edges, n=len(problem["b"]))
    grads, grads_problem = ({"W": ..., "b": ...}, "") if backward_c is None else \
        evaluate_units_backward(backward_c, **problem)
    draw_units_on(graph, seed, grads)
    figure, ax = static.figure(figsize=(12, 5.4))
    view = GraphView(graph, ax, spacing=(2.6, 1.45), fontsize=9, label_at=UNITS_LABEL_AT)
    view.set_message(graph_problem or grads_problem)
    figure.tight_layout()
    static.show(figure, [texttable.graph_table(view)])
    return view


@lru_cache(maxsize=256)
def _units_reference_curve(seed, eps, steps):
    """f along gradient descent with finite-difference gradients (the dashed reference curve)."""
    p = units_problem(seed)
    W, b = p["W"], p["b"]
    losses = [units_output(W, b, p["x"], p["y"])]
    for _ in range(steps):
        g = numerical_gradient(lambda W, b: units_output(W, b, p["x"], p["y"]), {"W": W, "b": b})
        W, b = W - eps * g["W"], b - eps * g["b"]
        losses.append(units_output(W, b, p["x"], p["y"]))
    return tuple(losses)


def _after_yours(reference, losses, part):
    """The reference curve once your own steps exist (more than the starting loss), or when ``part``
    was revealed (widgets/reveal.py); before that, none: predict, then compare."""
    return reference if len(losses) > 1 or reveal.is_revealed(part) else np.array([])


@lru_cache(maxsize=32)
def _units_estimate(seed):
    """Finite differences of the worksheet's f at the demo's problem ``seed``: what its heatmaps
    and check set beside the student's df/dW and df/db (read them, do not change them)."""
    p = units_problem(seed)
    return numerical_gradient(lambda W, b: units_output(W, b, p["x"], p["y"]), {"W": p["W"], "b": p["b"]})


def _descend(step, state, loss, steps, label):
    """Apply the student's ``step(state) -> new state`` ``steps`` times; (losses, problem or "")."""
    losses = [loss(state)]
    with np.errstate(all="ignore"):
        for t in range(steps):
            try:
                state = step(state)
                losses.append(loss(state))
            except AssertionError as problem:
                return losses, str(problem) if t == 0 else f"step {t + 1}: {problem}"
            except (TypeError, ValueError) as error:
                return losses, f"{label} returned something unusable: {error}"
            if not np.isfinite(losses[-1]):
                return losses, "the loss is no longer finite: the step size is too large"
    return losses, ""


def with_hints(comparisons):
    """Say what a wrong matrix or vector gradient looks like: transposed, or right but for its sign."""
    for comparison in comparisons:
        if comparison.ok or is_missing(comparison.analytic):
            continue
        try:
            got = np.asarray(comparison.analytic, dtype=float)
        except (TypeError, ValueError):
            continue
        estimate = np.asarray(comparison.numeric, dtype=float)
        if got.ndim == 2 and got.shape == estimate.T.shape and np.allclose(got.T, estimate, rtol=1e-4, atol=1e-6):
            comparison.problem += " It is the transpose: a gradient is laid out like its variable."
        elif got.shape == estimate.shape and np.allclose(-got, estimate, rtol=1e-4, atol=1e-6):
            comparison.problem += " Only the sign is wrong."
    return comparisons


def checked_steps(graph, estimates):
    """The steps through a graph of (b) or (e), the student's gradients checked against ``estimates``
    (finite differences, by node).  Every other gradient on it the demo drew from finite differences
    itself: right as an upstream, so a step says when the student's local derivative is off."""
    trusted = {name for name in graph.nodes if name not in estimates} | {e.key for e in graph.edges if e.grad is not None}
    return stepping.build(graph, reference=estimates, trusted=trusted)


def short_note(problem, width=46):
    """A problem sentence wrapped to fit inside a plot."""
    return textwrap.fill(problem, width)


def _merge_top_row(live_figure):
    """Replace the top row of a 2-row LiveFigure's axes by one wide axes (for a graph); return it."""
    top = live_figure.axes[0]
    spec = top[0].get_gridspec()
    for ax in top:
        ax.remove()
    return live_figure.figure.add_subplot(spec[0, :])


# Room left at the figure's sides by its layout: tick labels change width with the numbers (a colour
# bar's "-0.25" for "-5", a log axis's 10^-1 for 10^0) after the layout is worked out once
EDGE_ROOM = (0.015, 0.0, 0.985, 1.0)


class UnitsDemo:
    """(b)-(d): the graph with your df/dw_i and df/db_i, and f over your gradient-descent steps."""

    def __init__(self, edges, backward_c, gd_step_sigmoid, seed=0, eps=0.1, steps=30):
        self.edges, self.backward_c, self.gd_step = edges, backward_c, gd_step_sigmoid
        self.figure = live.LiveFigure(2, 3, figsize=(13.5, 7.5),
                                      gridspec_kw={"height_ratios": [1.7, 1], "width_ratios": [2.2, 1.6, 0.8]})
        graph_ax, (curve_ax, w_ax, b_ax) = _merge_top_row(self.figure), self.figure.axes[1]
        self.graph, self.graph_problem = build_units_graph(edges, n=2)
        self.view = GraphView(self.graph, graph_ax, spacing=(2.6, 1.45), fontsize=9, label_at=UNITS_LABEL_AT)
        self.curves = LiveCurves(curve_ax, ["your steps (d)", "finite-difference steps"],
                                 xlabel="step", ylabel="f", logy=True,
                                 styles={"finite-difference steps": dict(linestyle="--", linewidth=1.6)})
        self.heatmaps = {"W": GradientHeatmap(w_ax, (2, 3), "df/dW", part="q2c_sigmoid_grads"),
                         "b": GradientHeatmap(b_ax, (2,), "df/db", part="q2c_sigmoid_grads")}
        self.readout = live.Readout()
        self.figure.figure.tight_layout(rect=EDGE_ROOM)
        self.update(seed=seed, eps=eps, steps=steps)

    def update(self, seed, eps, steps):
        self.settings = {"seed": int(seed), "eps": float(eps), "steps": int(steps)}
        p = units_problem(self.settings["seed"])
        grads, problem = evaluate_units_backward(self.backward_c, **p)
        draw_units_on(self.graph, self.settings["seed"], grads)
        self.graph.clear_marks()
        self.view.refresh()
        self.view.set_message(self.graph_problem or problem)
        losses, step_problem = self._your_losses(p)
        reference = _units_reference_curve(self.settings["seed"], self.settings["eps"], self.settings["steps"])
        reference = _after_yours(reference, losses, "q2d_sigmoid_step")
        self.curves.update({"your steps (d)": (np.arange(len(losses)), losses),
                            "finite-difference steps": (np.arange(len(reference)), reference)},
                           note=short_note(step_problem))
        self.curves.ax.set_title(f"f along gradient descent, \u03b5 = {self.settings['eps']:g}", fontsize=11)
        reference = _units_estimate(self.settings["seed"])
        statuses = {f"df/d{name}": heatmap.update(grads[name], reference[name])
                    for name, heatmap in self.heatmaps.items()}
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({"f": format_value(losses[0]),
                           "f after steps": format_value(losses[-1]) if len(losses) > 1 else "?",
                           **statuses}, self._tables())

    def _tables(self):
        """The figure as tables (its text alternative): the graph, the descent, the two heatmaps."""
        return [texttable.graph_table(self.view),
                texttable.curves_table(self.curves, self.curves.ax.get_title()),
                *(texttable.heatmap_table(h) for h in self.heatmaps.values())]

    def _your_losses(self, p):
        eps = self.settings["eps"]

        def step(state):
            got = checks.pair("gd_step_sigmoid(W, b, x, y, eps)",
                              checks.call(self.gd_step, state[0], state[1], p["x"], p["y"], eps,
                                          name="gd_step_sigmoid"))
            return (checks.shaped("W after one step", got[0], np.shape(p["W"]), shape_of="W"),
                    checks.shaped("b after one step", got[1], np.shape(p["b"]), shape_of="b"))

        return _descend(step, (p["W"], p["b"]), lambda s: units_output(s[0], s[1], p["x"], p["y"]),
                        self.settings["steps"], "gd_step_sigmoid")

    def check(self):
        """Compare your df/dW and df/db with finite differences; mark the wires that are off."""
        p = units_problem(self.settings["seed"])
        grads, problem = evaluate_units_backward(self.backward_c, **p)
        comparisons = with_hints(compare_gradients(grads, _units_estimate(self.settings["seed"]), {"W": "df/dW", "b": "df/db"}))
        self.graph.clear_marks()
        for key, comparison in zip(("W", "b"), comparisons):
            for i in range(1, len(p["b"]) + 1):
                edge = self.graph.edge(f"{key.lower()}{i}", f"u{i}" if key == "W" else f"z{i}")
                if edge is not None:
                    edge.wrong = comparison.problem
        self.view.refresh()
        self.readout.show(self.readout.values, self._tables())
        self.figure.refresh()
        return (problem + "\n" if problem else "") + summary(comparisons)

    def graph_steps(self):
        """The steps through the graph, your df/dw_i and df/db_i checked against finite differences."""
        estimate = _units_estimate(self.settings["seed"])
        n = len(estimate["b"])
        return checked_steps(self.graph, {**{f"w{i}": estimate["W"][i - 1] for i in range(1, n + 1)},
                                          **{f"b{i}": estimate["b"][i - 1] for i in range(1, n + 1)}})

    def app(self):
        widgets = {"seed": live.slider("seed", self.settings["seed"], 0, 20, 1, integer=True),
                   "eps": live.slider("eps", self.settings["eps"], 0.01, 2.0, 0.01, description="\u03b5"),
                   "steps": live.slider("steps", self.settings["steps"], 1, 100, 1, integer=True)}
        return stepper.app(live.controls(widgets, self.update), self.figure, self.view, self.graph_steps,
                           self.readout)


# ---- (e)-(f) two layers: l = 1/2 ||W2 Phi(W1 x + b) - y||^2 ---------------------------------------

EXAMPLE_TWO_LAYER = {
    "W1": np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -1.0], [-0.6, 0.4, 0.5]]),
    "W2": np.array([[0.5, 1.0, -0.3], [-0.7, 0.2, 0.6], [0.4, -0.9, 0.1]]),
    "b": np.array([-0.3, -0.2, 0.5]),
    "x": np.array([1.0, 2.0, -1.0]),
    "y": np.array([0.5, -1.0, 2.0]),
}
TWO_LAYER_NAMES = ("x", "W1", "W2", "b")
TWO_LAYER_LABELS = {name: f"dl/d{name}" for name in TWO_LAYER_NAMES}


def two_layer_loss(W1, W2, b, x, y, phi=identity):
    """The worksheet's cost (1): l(x) = 1/2 ||W2 Phi(W1 x + b) - y||^2."""
    W1, W2, b, x, y = (np.asarray(a, dtype=float) for a in (W1, W2, b, x, y))
    d = x.shape[0] if x.ndim == 1 else -1
    if d < 1 or W1.shape != (d, d) or W2.shape != (d, d) or b.shape != (d,) or y.shape != (d,):
        raise ValueError("W1 and W2 must be d x d and b, x, y vectors of length d; got shapes "
                         f"W1 {W1.shape}, W2 {W2.shape}, b {b.shape}, x {x.shape}, y {y.shape}")
    e = W2 @ phi(W1 @ x + b) - y
    return 0.5 * float(e @ e)


def random_two_layer(seed, d=3, margin=0.1):
    """A seeded random (W1, W2, b, x, y): non-symmetric matrices, every |W1 x + b| >= margin (ReLU kink)."""
    rng = np.random.default_rng(seed)
    while True:
        problem = {"W1": rng.normal(size=(d, d)), "W2": rng.normal(size=(d, d)), "b": rng.normal(size=d),
                   "x": rng.normal(size=d), "y": rng.normal(size=d)}
        if np.min(np.abs(problem["W1"] @ problem["x"] + problem["b"])) >= margin:
            return problem


def two_layer_problem(seed):
    """Seed 0 is the notebook's example; other seeds a random problem with d = 3."""
    return {k: v.copy() for k, v in EXAMPLE_TWO_LAYER.items()} if seed == 0 else random_two_layer(seed)


@lru_cache(maxsize=128)
def _two_layer_estimate(seed, phi_name):
    """Finite differences of the worksheet's l at the demo's problem ``seed``: what its heatmaps
    and check set beside the student's four gradients (read them, do not change them)."""
    p, phi = two_layer_problem(seed), phi_pair(phi_name)[0]
    return numerical_gradient(lambda x, W1, W2, b: two_layer_loss(W1, W2, b, x, p["y"], phi),
                              {name: p[name] for name in TWO_LAYER_NAMES})


def _draw_two_layer_on(graph, seed, phi_name, grads):
    """Write every stage's value and gradient at the demo's problem ``seed`` onto the graph: the
    student's on the wires out of x, W1, b and W2; on the inner wires dl/d(stage) by finite
    differences of the stages above it, worked out here and only drawn (dl/dz is dl/db, an
    answer of (e))."""
    W1, W2, b, x, y = (two_layer_problem(seed)[k] for k in ("W1", "W2", "b", "x", "y"))
    phi = phi_pair(phi_name)[0]
    u = W1 @ x
    z = u + b
    h = phi(z)
    v = W2 @ h
    e = v - y
    values = {"x": x, "W1": W1, "b": b, "W2": W2, "y": y, "u": u, "z": z, "h": h, "v": v, "e": e,
              "l": 0.5 * float(e @ e)}
    half_square = lambda e: 0.5 * float(e @ e)  # noqa: E731 - the last stage, reused below
    inner = {
        "e": numerical_gradient(half_square, {"e": e})["e"],
        "v": numerical_gradient(lambda v: half_square(v - y), {"v": v})["v"],
        "y": numerical_gradient(lambda y: half_square(v - y), {"y": y})["y"],
        "h": numerical_gradient(lambda h: half_square(W2 @ h - y), {"h": h})["h"],
        "z": numerical_gradient(lambda z: half_square(W2 @ phi(z) - y), {"z": z})["z"],
        "u": numerical_gradient(lambda u: half_square(W2 @ phi(u + b) - y), {"u": u})["u"],
    }
    graph.set_values(values)
    graph.set_grads({**inner, **grads, "l": 1.0})


def two_layer_graph():
    graph = ComputationGraph()
    nodes = [
        ("x", "x", "input", "", (0, 0)), ("W1", sub("W1"), "param", "", (-0.1, 1.5)),
        ("u", "\u00d7", "op", sub("u = W1x"), (1, 0)), ("b", "b", "param", "", (0.75, 1.5)),
        ("z", "+", "op", "z = u + b", (2, 0)), ("h", "\u03a6", "op", "h = \u03a6(z)", (3, 0)),
        ("W2", sub("W2"), "param", "", (2.75, 1.5)), ("v", "\u00d7", "op", sub("v = W2h"), (4, 0)),
        ("y", "y", "input", "", (3.75, 1.5)), ("e", "\u2212", "op", "e = v \u2212 y", (5, 0)),
        ("l", "\u00bd\u2016\u00b7\u2016\u00b2", "output", "\u2113 = \u00bd\u2016e\u2016\u00b2", (6, 0)),
    ]
    for name, label, kind, caption, pos in nodes:
        graph.add_node(name, label, kind=kind, caption=caption, pos=pos)
    for src, dst in [("x", "u"), ("W1", "u"), ("u", "z"), ("b", "z"), ("z", "h"), ("h", "v"), ("W2", "v"),
                     ("v", "e"), ("y", "e"), ("e", "l")]:
        graph.add_edge(src, dst)
    return graph


def evaluate_two_layer_backward(backward_e, problem, phi_name):
    """The student's gradients from (e) as {name: array or '...'}, and a problem sentence or ""."""
    phi, dphi = phi_pair(phi_name)
    grads = {name: ... for name in TWO_LAYER_NAMES}
    try:
        got = checks.entries("backward_e(W1, W2, b, x, y, phi, dphi)",
                             checks.call(backward_e, problem["W1"], problem["W2"], problem["b"], problem["x"],
                                         problem["y"], phi, dphi, name="backward_e"), TWO_LAYER_NAMES)
        grads = {name: got[name] for name in TWO_LAYER_NAMES}
        for name in TWO_LAYER_NAMES:
            checks.shaped(TWO_LAYER_LABELS[name], got[name], np.shape(problem[name]), shape_of=name)
    except AssertionError as failure:
        return grads, str(failure)
    return grads, ""


@lru_cache(maxsize=256)
def _two_layer_reference_curve(seed, phi_name, eps, steps):
    """l along gradient descent on W1 and W2 (b fixed) with finite-difference gradients."""
    p = two_layer_problem(seed)
    phi = phi_pair(phi_name)[0]
    W1, W2 = p["W1"], p["W2"]
    loss = lambda W1, W2: two_layer_loss(W1, W2, p["b"], p["x"], p["y"], phi)  # noqa: E731
    losses = [loss(W1, W2)]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = numerical_gradient(loss, {"W1": W1, "W2": W2})
            W1, W2 = W1 - eps * g["W1"], W2 - eps * g["W2"]
            losses.append(loss(W1, W2))
            if not np.isfinite(losses[-1]):
                break
    return tuple(losses)


class TwoLayerDemo:
    """(e)-(f): the graph with your gradients, loss over your updates, your matrix gradients vs finite differences."""

    def __init__(self, backward_e, gd_step_identity, phi="identity", seed=0, eps=0.02, steps=30):
        self.backward_e, self.gd_step = backward_e, gd_step_identity
        self.figure = live.LiveFigure(2, 5, figsize=(13.5, 7.5),
                                      gridspec_kw={"height_ratios": [1.3, 0.9],
                                                   "width_ratios": [1.65, 2.15, 2.15, 0.85, 0.85]})
        axes = self.figure.axes
        graph_ax = _merge_top_row(self.figure)
        self.graph = two_layer_graph()
        # main chain labels mid-wire; the parameters' diagonal wires keep theirs high, away from the chain
        main = {(s, d): 0.5 for s, d in [("x", "u"), ("u", "z"), ("z", "h"), ("h", "v"), ("v", "e"), ("e", "l")]}
        # rows far apart: the parameters' wires come down steeply, leaving the chain's numbers room
        self.view = GraphView(self.graph, graph_ax, spacing=(3.3, 2.6), fontsize=8.5, label_at=main)
        self.curves = LiveCurves(axes[1, 0], ["your steps", "finite-difference steps"],
                                 xlabel="step", ylabel="\u2113", logy=True,
                                 styles={"finite-difference steps": dict(linestyle="--", linewidth=1.6)})
        self.heatmaps = {name: GradientHeatmap(ax, EXAMPLE_TWO_LAYER[name].shape, TWO_LAYER_LABELS[name],
                                               part="q2e_backward", fontsize=8.5)  # "-0.087" fits a cell
                         for name, ax in zip(("W1", "W2", "x", "b"), axes[1, 1:])}
        self.readout = live.Readout()
        self.curves.ax.set_title(" \n ", fontsize=9)  # room for the two lines update writes
        self.view.ax.set_title(" ", fontsize=12, pad=22)  # and for the graph's title, as update writes it
        self.figure.figure.tight_layout(rect=EDGE_ROOM)
        self.update(phi=phi, seed=seed, eps=eps, steps=steps)

    def update(self, phi, seed, eps, steps):
        self.settings = {"phi": phi, "seed": int(seed), "eps": float(eps), "steps": int(steps)}
        p = two_layer_problem(self.settings["seed"])
        grads, problem = evaluate_two_layer_backward(self.backward_e, p, phi)
        _draw_two_layer_on(self.graph, self.settings["seed"], phi, grads)
        self.graph.clear_marks()
        self.graph.title = f"\u2113 = \u00bd\u2016W\u2082 \u03a6(W\u2081x + b) \u2212 y\u2016\u00b2 with \u03a6 = {phi}"
        self.view.ax.set_title(self.graph.title, fontsize=12, pad=22)
        self.view.refresh()
        self.view.set_message(problem)
        reference = _two_layer_estimate(self.settings["seed"], phi)
        statuses = {TWO_LAYER_LABELS[name]: heatmap.update(grads[name], reference[name])
                    for name, heatmap in self.heatmaps.items()}
        losses, step_problem, rule = self._your_losses(p)
        curve = _two_layer_reference_curve(self.settings["seed"], phi, self.settings["eps"],
                                           self.settings["steps"])
        curve = _after_yours(curve, losses, "q2f_identity_step" if phi == "identity" else "q2e_backward")
        self.curves.update({"your steps": (np.arange(len(losses)), losses),
                            "finite-difference steps": (np.arange(len(curve)), curve)},
                           note=short_note(step_problem))
        # two lines (room kept for them in __init__): on one it ran past the axes over the ticks
        self.curves.ax.set_title(f"\u2113 along\n{rule}, \u03b5 = {self.settings['eps']:g}", fontsize=9)
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({"Phi": phi, "loss": format_value(losses[0]),
                           "loss after steps": format_value(losses[-1]) if len(losses) > 1 else "?",
                           **{TWO_LAYER_LABELS[n]: statuses[TWO_LAYER_LABELS[n]] for n in TWO_LAYER_NAMES}},
                          self._tables())

    def _tables(self):
        """The figure as tables (its text alternative): the graph, the descent, the four heatmaps."""
        return [texttable.graph_table(self.view),
                texttable.curves_table(self.curves, self.curves.ax.get_title()),
                *(texttable.heatmap_table(self.heatmaps[n]) for n in TWO_LAYER_NAMES)]

    def _your_losses(self, p):
        """Your update: (f) when Phi is the identity, else a step along your (e) gradients (b fixed)."""
        eps, phi_name = self.settings["eps"], self.settings["phi"]
        phi, dphi = phi_pair(phi_name)
        shapes = {"W1": np.shape(p["W1"]), "W2": np.shape(p["W2"])}

        def checked(W1, W2):
            return (checks.shaped("W1 after one step", W1, shapes["W1"], shape_of="W1"),
                    checks.shaped("W2 after one step", W2, shapes["W2"], shape_of="W2"))

        if phi_name == "identity":
            rule = "your gd_step_identity (f)"

            def step(state):
                got = checks.pair("gd_step_identity(W1, W2, b, x, y, eps)",
                                  checks.call(self.gd_step, state[0], state[1], p["b"], p["x"], p["y"], eps,
                                              name="gd_step_identity"))
                return checked(*got)
        else:
            rule = "your (e) gradients"

            def step(state):
                grads, problem = evaluate_two_layer_backward(self.backward_e, {**p, "W1": state[0],
                                                                               "W2": state[1]}, phi_name)
                if problem:
                    raise AssertionError(problem)
                return checked(state[0] - eps * np.asarray(grads["W1"]), state[1] - eps * np.asarray(grads["W2"]))

        losses, problem = _descend(step, (p["W1"], p["W2"]),
                                   lambda s: two_layer_loss(s[0], s[1], p["b"], p["x"], p["y"], phi),
                                   self.settings["steps"], "the update")
        return losses, problem, rule

    def check(self):
        """Compare your four gradients with finite differences; mark the wires that are off."""
        seed, phi = self.settings["seed"], self.settings["phi"]
        grads, problem = evaluate_two_layer_backward(self.backward_e, two_layer_problem(seed), phi)
        comparisons = with_hints(compare_gradients(grads, _two_layer_estimate(seed, phi), TWO_LAYER_LABELS))
        self.graph.mark_wires_from({name: c.problem for name, c in zip(TWO_LAYER_NAMES, comparisons)})
        self.view.refresh()
        self.readout.show(self.readout.values, self._tables())
        self.figure.refresh()
        return (problem + "\n" if problem else "") + summary(comparisons)

    def graph_steps(self):
        """The steps through the graph, your four gradients checked against finite differences."""
        return checked_steps(self.graph, _two_layer_estimate(self.settings["seed"], self.settings["phi"]))

    def app(self):
        widgets = {"phi": live.dropdown("phi", list(PHIS), self.settings["phi"], description="\u03a6"),
                   "seed": live.slider("seed", self.settings["seed"], 0, 20, 1, integer=True),
                   "eps": live.slider("eps", self.settings["eps"], 0.01, 0.5, 0.01, description="\u03b5"),
                   "steps": live.slider("steps", self.settings["steps"], 1, 100, 1, integer=True)}
        return stepper.app(live.controls(widgets, self.update), self.figure, self.view, self.graph_steps,
                           self.readout)
