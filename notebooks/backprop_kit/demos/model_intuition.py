"""Notebook 3, CS 189 DIS4 problem 3: model intuition (initialisation, parameter counts, linear layers).

The notebook passes in the student's ``hidden_units_symmetric``, ``count_weights``,
``count_parameters``, ``collapse_linear_layers`` and ``collapsed_rank``.  This module
trains and draws on its own (``twolayer``, ``layers``) and shows what the student's
functions say beside the picture, so a wrong answer shows up as a disagreement with
it.  It measures none of the answers itself: whether units are alike is said by the
student's check, and how many weights a network has by the student's count.
"""

import functools

import numpy as np

from .. import checks
from ..widgets import live, static
from ..model import twolayer
from ..views.curves import CURVE_COLOURS, LiveCurves
from ..views.drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, QUIET_COLOUR, WRONG_COLOUR, veiled_text
from ..views.images import show_grid
from ..views.layers import LayeredNetworkView, check_widths
from ..views import texttable
from ..views.typesizes import legible
from ..values import format_number


# ---- (a) initialisation ------------------------------------------------------------------

HIDDEN_UNITS = 4
DATA = twolayer.xor_blobs()
INIT_DEFAULTS = dict(initialisation="constant", constant=0.5, learning_rate=1.0, epochs=300,
                     activation="tanh")
UNIT_STYLES = ("-", "--", "-.", ":")
INIT_STYLES = {"zeros": dict(linestyle=":", linewidth=3), "constant": dict(linestyle="--"),
               "random": dict(linestyle="-")}
GRID = np.linspace(-2.4, 2.4, 61)
CONSTANT_RANGE, CONSTANT_STEP = (-2.0, 2.0), 0.1  # the slider for c
# The gradient panel's log axis starts here: a decaying gradient's smallest values move by decades
# as c moves, and limits that followed them would redraw the panel's axis at most steps of a drag.
GRADIENT_FLOOR = 1e-5


def init_label(kind, constant):
    return f"constant {format_number(constant)}" if kind == "constant" else kind


def train_all(constant, learning_rate, epochs, activation, data=DATA):
    """Train the same network from each initialisation; returns {kind: twolayer.History}
    (on the demo's DATA, runs are shared and kept: read them, do not change them)."""
    if data is DATA:
        # c as the slider sends it (-2 + 23 x 0.1 = 0.30000000000000027) and as the next value
        # trained ahead is worked out (0.2 + 0.1) are the same c: kept under the same key
        constant = round(float(constant), 9)
        return {kind: _trained_on_demo_data(kind, constant if kind == "constant" else None,
                                            learning_rate, epochs, activation)
                for kind in twolayer.INITIALISATIONS}
    return {kind: _train(kind, constant, learning_rate, epochs, activation, data)
            for kind in twolayer.INITIALISATIONS}


def _train(kind, constant, learning_rate, epochs, activation, data):
    X, y = data
    return twolayer.train(twolayer.initialise(kind, X.shape[1], HIDDEN_UNITS, constant=constant),
                          X, y, activation, learning_rate, epochs)


@functools.lru_cache(maxsize=48)
def _trained_on_demo_data(kind, constant, learning_rate, epochs, activation):
    # Training is deterministic (the random start is seeded), so a run is kept: moving c retrains
    # only the constant start, and a slider moved back retrains nothing.  48 runs hold a drag across
    # c's whole range (41 values) and at most ~35 MB (a run of 1000 steps keeps ~0.7 MB of weights).
    return _train(kind, 0.0 if constant is None else constant, learning_rate, epochs, activation, DATA)


def your_verdict(hidden_units_symmetric, units):
    """("yes" | "no" | "?", problem sentence) from the student's symmetry check on ``units``."""
    label = "hidden_units_symmetric(units)"
    try:
        got = checks.call(hidden_units_symmetric, units, name="hidden_units_symmetric")
        if got is Ellipsis or got is None or not isinstance(got, (bool, np.bool_)):
            checks.flag(label, got, True)  # raises the sentence that says what is wrong with it
    except AssertionError as problem:
        return "?", str(problem)
    return ("yes" if got else "no"), ""


def your_distinct_units(hidden_units_symmetric, units):
    """How many different units there are by the student's own check, asked of each pair of rows
    (the kit does not tell alike units apart itself: that is what the check is for); "?" and the
    problem sentence when the check cannot say."""
    kept = []
    for row in np.asarray(units, dtype=float):
        for other in kept:
            verdict, problem = your_verdict(hidden_units_symmetric, np.vstack([other, row]))
            if problem:
                return "?", problem
            if verdict == "yes":
                break
        else:
            kept.append(row)
    return len(kept), ""


def symmetry_table(hidden_units_symmetric, constant=0.5, learning_rate=1.0, epochs=300):
    """Text table: every activation and initialisation after training, and what your check says."""
    rows = [f"{'activation':10s} {'initialisation':14s} {'final loss':>10s} {'|dL/dW1| step 1':>16s}  "
            f"your check: {'distinct units':>14s}  symmetric?"]
    for activation in twolayer.ACTIVATIONS:
        for kind, history in train_all(constant, learning_rate, epochs, activation).items():
            units = history.final.units()
            verdict, _ = your_verdict(hidden_units_symmetric, units)
            distinct, _ = your_distinct_units(hidden_units_symmetric, units)
            counted = "?" if distinct == "?" else f"{distinct} of {HIDDEN_UNITS}"
            rows.append(f"{activation:10s} {init_label(kind, constant):14s} {history.losses[-1]:10.4f} "
                        f"{format_number(history.first_layer_grad_norms[0]):>16s}  {counted:>26s}  {verdict}")
    return "\n".join(rows)


def unit_line(w, b, span=GRID):
    """Points of the line w . x + b = 0 across the plot, or empty arrays when w is (nearly) zero."""
    if np.max(np.abs(w)) < 1e-9:
        return np.array([]), np.array([])
    if abs(w[1]) >= abs(w[0]):
        return span, -(w[0] * span + b) / w[1]
    return -(w[1] * span + b) / w[0], span


class InitialisationDemo:
    """Train under zero / constant / random initialisation and watch the hidden units, live."""

    def __init__(self, hidden_units_symmetric, **settings):
        self.hidden_units_symmetric = hidden_units_symmetric
        self.settings = {**INIT_DEFAULTS, **settings}
        self._moved_by = 0.0  # the last move of c
        self.figure = live.LiveFigure(2, 2, figsize=(12, 7.0))
        (self.ax_data, self.ax_loss), (self.ax_units, self.ax_grad) = self.figure.axes
        self._build_data_panel()
        self.loss = LiveCurves(self.ax_loss, list(twolayer.INITIALISATIONS), title="training loss",
                               xlabel="gradient step", ylabel="cross-entropy", styles=INIT_STYLES,
                               y_limits="from_zero")
        self.unit_curves = LiveCurves(
            self.ax_units, [f"unit {j + 1}" for j in range(HIDDEN_UNITS)], xlabel="gradient step",
            ylabel="incoming weight from x1", y_limits="symmetric",
            styles={f"unit {j + 1}": dict(linestyle=UNIT_STYLES[j]) for j in range(HIDDEN_UNITS)})
        self.grads = LiveCurves(self.ax_grad, list(twolayer.INITIALISATIONS), logy=True, log_floor=GRADIENT_FLOOR,
                                title="gradient reaching the first layer, \u2016dL/dW1\u2016",
                                xlabel="gradient step", styles=INIT_STYLES)
        self.grads.note.set_position((0.5, 0.06))  # below the curves, which start near the top
        self.message = self.figure.figure.text(0.5, 0.005, "", ha="center", va="bottom",
                                               color=WRONG_COLOUR, fontsize=10)
        self.readout = live.Readout()
        self.ax_units.set_title(" \n ", fontsize=11)  # room for the two lines update writes
        self.figure.figure.tight_layout(rect=(0, 0.03, 1, 1))
        self.update(**self.settings)

    def _build_data_panel(self):
        ax = self.ax_data
        X, y = DATA
        self.surface = show_grid(ax, np.zeros((GRID.size, GRID.size)), extent=(GRID[0], GRID[-1], GRID[0], GRID[-1]),
                                 origin="lower", cmap="Greys", vmin=0, vmax=1, alpha=0.35, zorder=0)
        ax.scatter(*X[y == 1].T, marker="o", facecolor=FORWARD_COLOUR, edgecolor="white", s=36,
                   label="class 1", zorder=2)
        ax.scatter(*X[y == 0].T, marker="x", color=GRADIENT_COLOUR, s=36, label="class 0", zorder=2)
        self.unit_lines = [ax.plot([], [], color=CURVE_COLOURS[j], linestyle=UNIT_STYLES[j], linewidth=2,
                                   label=f"unit {j + 1}: w\u00b7x + b = 0", zorder=3)[0]
                           for j in range(HIDDEN_UNITS)]
        ax.set_xlim(GRID[0], GRID[-1])
        ax.set_ylim(GRID[0], GRID[-1])
        ax.set_aspect("equal")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        # the shading's number scale, beside the plot (clear of the note under it, which is wider than
        # the plot: a changed note is repainted with what is near it in its own axes only); the legend beyond
        key = ax.inset_axes([1.1, 0.0, 0.05, 1.0])
        scale = ax.figure.colorbar(self.surface, cax=key)
        scale.set_label("network output: P(class 1)", fontsize=legible(9))
        scale.ax.tick_params(labelsize=legible(8))
        ax.legend(fontsize=legible(8), loc="upper left", bbox_to_anchor=(1.48, 1.0), frameon=False)
        self.data_note = ax.text(0.5, 0.03, "", transform=ax.transAxes, ha="center", fontsize=9,
                                 color=INK, bbox=dict(facecolor="white", edgecolor=QUIET_COLOUR, alpha=0.9))

    def update(self, initialisation, constant, learning_rate, epochs, activation):
        """Retrain from every initialisation and redraw in place (the widgets' callback)."""
        moved_by = constant - self.settings["constant"]
        self.settings = dict(initialisation=initialisation, constant=constant, learning_rate=learning_rate,
                             epochs=epochs, activation=activation)
        runs = train_all(constant, learning_rate, epochs, activation)
        self.runs = runs
        chosen = runs[initialisation]
        probability, counted, verdict = self._show(runs, **self.settings)
        first_grad = chosen.first_layer_grad_norms[0] if chosen.first_layer_grad_norms else 0.0
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({
            "initialisation": init_label(initialisation, constant),
            "final loss": f"{chosen.losses[-1]:.4f}",
            "distinct hidden units": counted,
            "|dL/dW1| at step 1": format_number(first_grad),
            "symmetric (your check)": verdict,
        }, self._tables(chosen, probability, counted))
        if moved_by:  # c is being moved: train its next values while the kernel waits for the next step
            ahead = live.next_values(constant, moved_by, CONSTANT_STEP, CONSTANT_RANGE)
            self.figure.work_ahead(
                [functools.partial(train_all, next_c, learning_rate, epochs, activation) for next_c in ahead]
                + [functools.partial(self._rehearse, next_c)
                   for next_c in live.drawn_ahead(ahead, moved_by, self._moved_by)])
        self._moved_by = moved_by

    def _show(self, runs, initialisation, constant, learning_rate, epochs, activation):
        """Set the figure's artists for ``runs`` at these settings (no refresh); returns (the shading's
        probabilities, the distinct units counted, the student's verdict) for the readout."""
        chosen = runs[initialisation]
        final = chosen.final
        steps = np.arange(len(chosen.losses))

        # data, shading by the trained network's output, each hidden unit's line w . x + b = 0
        gx, gy = np.meshgrid(GRID, GRID)
        probability = twolayer.forward(final, np.column_stack([gx.ravel(), gy.ravel()]), activation)[2]
        self.surface.set_data(probability.reshape(gx.shape))
        for j, line in enumerate(self.unit_lines):
            line.set_data(*unit_line(final.W1[j], final.b1[j]))
        # how many units are alike is what the student's check says: the lines show whether it is right
        distinct, _ = your_distinct_units(self.hidden_units_symmetric, final.units())
        counted = "?" if distinct == "?" else f"{distinct} of {HIDDEN_UNITS}"
        self.ax_data.set_title(f"{init_label(initialisation, constant)}, {activation}, {epochs} steps: "
                               f"{counted} distinct hidden unit{'' if distinct == 1 else 's'} (your check)",
                               fontsize=11)
        no_lines = np.max(np.abs(final.W1)) < 1e-9
        self.data_note.set_text("all hidden weights are still 0: no lines" if no_lines
                                else "your check: identical units, so one line" if distinct == 1 else "")
        self.data_note.set_visible(bool(self.data_note.get_text()))

        self.loss.update({kind: (np.arange(len(h.losses)), h.losses) for kind, h in runs.items()})
        weights = np.array([p.W1[:, 0] for p in chosen.params])
        self.unit_curves.update({f"unit {j + 1}": (steps, weights[:, j]) for j in range(HIDDEN_UNITS)},
                                note="")
        # two lines, the second your check or blank: on one line it ran over the tick labels
        self.ax_units.set_title(f"{init_label(initialisation, constant)}: each hidden unit's weight from x1\n"
                                + ("(your check: all on one line)" if distinct == 1 else " "), fontsize=11)
        silent = [kind for kind, h in runs.items() if h.first_layer_grad_norms
                  and max(h.first_layer_grad_norms) == 0.0]
        faint = [kind for kind, h in runs.items() if h.first_layer_grad_norms
                 and 0.0 < max(h.first_layer_grad_norms) < GRADIENT_FLOOR]
        notes = ["\u2016dL/dW1\u2016 = 0 at every step for: " + ", ".join(silent)] if silent else []
        notes += [f"\u2016dL/dW1\u2016 < {GRADIENT_FLOOR:g} at every step for: " + ", ".join(faint)] if faint else []
        self.grads.update({kind: (np.arange(1, len(h.first_layer_grad_norms) + 1), h.first_layer_grad_norms)
                           for kind, h in runs.items()}, note="\n".join(notes))

        verdict, problem = your_verdict(self.hidden_units_symmetric, final.units())
        self.message.set_text(problem)
        return probability, counted, verdict

    def _rehearse(self, next_c):
        """Draw the figure at c = ``next_c`` (the drag's next value) ahead, out of sight."""
        now = dict(self.settings)
        upcoming = {**now, "constant": next_c}
        next_runs = train_all(next_c, now["learning_rate"], now["epochs"], now["activation"])
        self.figure.rehearse(functools.partial(self._show, next_runs, **upcoming),
                             functools.partial(self._show, self.runs, **now))

    def _tables(self, chosen, probability_grid, counted):
        """The figure as tables (its text alternative): the data panel, then the three curve panels."""
        X, y = DATA
        right = int(np.sum((twolayer.forward(chosen.final, X, self.settings["activation"])[2] >= 0.5) == (y == 1)))
        label = init_label(self.settings["initialisation"], self.settings["constant"])
        data = texttable.rows_table(f"the data (class 1 dots, class 0 crosses), shaded by the network trained "
                                    f"from {label}", [
                                        ("training points on their class's side", f"{right} of {len(y)}"),
                                        ("shading", f"the network's probability of class 1, from "
                                                    f"{format_number(np.min(probability_grid))} to "
                                                    f"{format_number(np.max(probability_grid))}"),
                                        ("distinct hidden units (your check)", counted)])
        final = chosen.final
        units = texttable.table(f"{label}: each hidden unit after training (its line w\u00b7x + b = 0)",
                                ["hidden unit", "weight from x1", "weight from x2", "bias b"],
                                [[f"unit {j + 1}", format_number(final.W1[j, 0]), format_number(final.W1[j, 1]),
                                  format_number(final.b1[j])] for j in range(HIDDEN_UNITS)])
        return [data, units, texttable.curves_table(self.loss, "training loss (cross-entropy)"),
                texttable.curves_table(self.unit_curves, self.ax_units.get_title()),
                texttable.curves_table(self.grads, "gradient reaching the first layer, \u2016dL/dW1\u2016")]

    def app(self):
        s = self.settings
        widgets = {
            "initialisation": live.dropdown("initialisation", twolayer.INITIALISATIONS, s["initialisation"]),
            "constant": live.slider("constant", s["constant"], *CONSTANT_RANGE, CONSTANT_STEP,
                                    description="constant c"),
            "learning_rate": live.slider("learning_rate", s["learning_rate"], 0.05, 3.0, 0.05,
                                         description="learning rate"),
            "epochs": live.slider("epochs", s["epochs"], 0, 1000, 10, integer=True),
            "activation": live.dropdown("activation", tuple(twolayer.ACTIVATIONS), s["activation"]),
        }
        return live.app(live.controls(widgets, self.update), self.figure, self.readout)


# ---- (b) parameter count -----------------------------------------------------------------

WORKSHEET_WIDTHS = [8, 10, 10, 3]
MAX_HIDDEN_LAYERS = 4


def your_count(function, widths):
    """Text for the student's count ('210', or '?') and any problem.  The kit counts nothing itself
    (that is the question): the drawing labels each matrix with its shape to compare with."""
    try:
        got = checks.number(f"{function.__name__}({widths})", checks.call(function, list(widths)))
    except AssertionError as problem:
        return "?", str(problem)
    return format_number(got, 8), ""


class ParameterCountDemo:
    """Sliders for the layer widths; the network drawn with its matrix shapes and your counts."""

    def __init__(self, count_weights, count_parameters, widths=WORKSHEET_WIDTHS):
        self.count_weights, self.count_parameters = count_weights, count_parameters
        self.widths = check_widths(widths, MAX_HIDDEN_LAYERS + 2)
        self.figure = live.LiveFigure(1, 1, figsize=(11, 5.2))
        self.view = LayeredNetworkView(self.figure.axes, max_layers=MAX_HIDDEN_LAYERS + 2, max_drawn=8)
        self.readout = live.Readout()
        self.show(self.widths)

    def show(self, widths):
        self.widths = check_widths(widths, MAX_HIDDEN_LAYERS + 2)
        yours_w, problem_w = your_count(self.count_weights, self.widths)
        yours_p, problem_p = your_count(self.count_parameters, self.widths)
        self.view.update(self.widths, title=f"d = {self.widths}: count_weights(d) = {yours_w}, "
                                            f"count_parameters(d) = {yours_p}")
        self.problem = problem_w or problem_p
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({
            "d": str(self.widths),
            "count_weights(d)": yours_w,
            "count_parameters(d)": yours_p,
        }, [texttable.layers_table(self.view, self.view.describe()["title"])])

    def update(self, inputs, hidden_layers, outputs, **hidden):
        for index, name in enumerate(sorted(self._hidden_sliders)):
            self._hidden_sliders[name].disabled = index >= hidden_layers
        widths = [inputs] + [hidden[f"hidden_{i + 1}"] for i in range(hidden_layers)] + [outputs]
        self.show(widths)

    def app(self):
        hidden_now = self.widths[1:-1]
        self._hidden_sliders = {
            f"hidden_{i + 1}": live.slider(f"hidden_{i + 1}", hidden_now[i] if i < len(hidden_now) else 10,
                                           1, 30, 1, description=f"hidden {i + 1}", integer=True)
            for i in range(MAX_HIDDEN_LAYERS)}
        sliders = {
            "inputs": live.slider("inputs", self.widths[0], 1, 30, 1, description="inputs d0", integer=True),
            "hidden_layers": live.slider("hidden_layers", len(hidden_now), 0, MAX_HIDDEN_LAYERS, 1,
                                         description="hidden layers", integer=True),
            **self._hidden_sliders,
            "outputs": live.slider("outputs", self.widths[-1], 1, 30, 1, description="outputs", integer=True),
        }
        for index, s in enumerate(self._hidden_sliders.values()):
            s.disabled = index >= len(hidden_now)
        return live.app(live.controls(sliders, self.update), self.figure, self.readout)


# ---- (c) network A versus network B ------------------------------------------------------

# The worksheet's figure of networks A and B is missing from our copy: every drawing of them says so.
REBUILT = "(rebuilt)"

# The worksheet's figure is missing; these widths are our rebuild (the notebook says so).
NETWORK_A = [40, 40, 1]
ADDED_LINEAR_UNITS = 10


def network_b(added=ADDED_LINEAR_UNITS):
    return [NETWORK_A[0], int(added), *NETWORK_A[1:]]


KINDS_A = ["input", "hidden", "output"]
KINDS_B = ["input", "linear", "hidden", "output"]


def first_maps(added=ADDED_LINEAR_UNITS, seed=3):
    """Seeded weights: A's input-to-hidden matrix W, and B's two matrices [V, U] for the same map."""
    rng = np.random.default_rng(seed)
    d, h = NETWORK_A[0], NETWORK_A[1]
    W = rng.normal(size=(h, d)) / np.sqrt(d)
    V = rng.normal(size=(int(added), d)) / np.sqrt(d)
    U = rng.normal(size=(h, int(added))) / np.sqrt(added)
    return W, [V, U]


def draw_networks(added=ADDED_LINEAR_UNITS):
    """The rebuilt worksheet figure: network A, and network B with the added layer of linear units."""
    figure, axes = static.figure(1, 2, figsize=(12, 4.4))
    titles = [f"Network A {REBUILT}", f"Network B {REBUILT}: A plus a layer of {added} linear units (hatched)"]
    views = [LayeredNetworkView(ax, max_layers=4) for ax in axes]
    views[0].update(NETWORK_A, KINDS_A, title=titles[0])
    views[1].update(network_b(added), KINDS_B, title=titles[1])
    figure.tight_layout()
    static.show(figure, [texttable.layers_table(view, title) for view, title in zip(views, titles)])
    return figure


def _call_quietly(function, *args, label):
    try:
        return checks.call(function, *args, name=label), ""
    except AssertionError as problem:
        return None, str(problem)


class NetworksDemo:
    """Networks A and B, and the singular values of the map from the inputs to the hidden layer."""

    def __init__(self, collapse_linear_layers, collapsed_rank, count_weights, added=ADDED_LINEAR_UNITS):
        self.collapse, self.rank, self.count_weights = collapse_linear_layers, collapsed_rank, count_weights
        self.figure = live.LiveFigure(1, 3, figsize=(13, 4.6), gridspec_kw={"width_ratios": [1, 1.3, 1.2]})
        ax_a, ax_b, self.ax_sv = self.figure.axes
        self.view_a = LayeredNetworkView(ax_a, max_layers=4)
        self.view_b = LayeredNetworkView(ax_b, max_layers=4)
        positions = np.arange(1, NETWORK_A[1] + 1)
        self.bars_a = self.ax_sv.bar(positions - 0.2, np.zeros(positions.size), 0.4, facecolor="white",
                                     edgecolor=FORWARD_COLOUR, hatch="///", label="A: W")
        self.bars_b = self.ax_sv.bar(positions + 0.2, np.zeros(positions.size), 0.4, color=GRADIENT_COLOUR,
                                     label="B: your collapsed U V")
        self.ax_sv.set_title("singular values of the input \u2192 hidden map", fontsize=11)
        self.ax_sv.set_xlabel("index (largest first)")
        self.ax_sv.legend(fontsize=9, frameon=False)
        self.ax_sv.spines[["top", "right"]].set_visible(False)
        self.sv_note = veiled_text(self.ax_sv, 0.5, 0.5, transform=self.ax_sv.transAxes, ha="center",
                                   color=WRONG_COLOUR, fontsize=9, wrap=True)
        self.readout = live.Readout()
        self.figure.figure.tight_layout()
        self.update(added)

    def update(self, added):
        W, (V, U) = first_maps(added)
        widths_b = network_b(added)
        count_a, _ = _call_quietly(self.count_weights, list(NETWORK_A), label="count_weights")
        count_b, _ = _call_quietly(self.count_weights, widths_b, label="count_weights")
        text_a = "?" if count_a in (None, Ellipsis) else format_number(count_a, 8)
        text_b = "?" if count_b in (None, Ellipsis) else format_number(count_b, 8)
        self.view_a.update(NETWORK_A, KINDS_A, title=f"Network A {REBUILT}: {text_a} weights")
        self.view_b.update(widths_b, KINDS_B, title=f"Network B {REBUILT}: {text_b} weights")

        sv_a = np.linalg.svd(W, compute_uv=False)
        collapsed, problem = _call_quietly(self.collapse, [V, U], label="collapse_linear_layers")
        sv_b = np.zeros(sv_a.size)
        if not problem:
            try:
                checks.close("collapse_linear_layers([V, U])", collapsed, U @ V, shape_of="U V")
                sv_b = np.linalg.svd(np.asarray(collapsed, dtype=float), compute_uv=False)
            except AssertionError as wrong:
                problem = str(wrong)
        for bar, value in zip(self.bars_a, sv_a):
            bar.set_height(value)
        for bar, value in zip(self.bars_b, sv_b):
            bar.set_height(value)
        self.ax_sv.set_ylim(0, 1.1 * max(sv_a.max(), sv_b.max()))
        self.sv_note.set_text(problem)
        rank_b, rank_problem = _call_quietly(self.rank, [V, U], label="collapsed_rank")
        try:
            rank_text = format_number(checks.number("collapsed_rank([V, U])", rank_b)) if not rank_problem else "?"
        except AssertionError:
            rank_text = "?"
        self.figure.refresh()  # the picture first, then the numbers beside it
        self.readout.show({
            "added linear units": str(int(added)),
            "A weights": text_a,
            "B weights": text_b,
            "rank of A's map": str(int(np.linalg.matrix_rank(W))),
            "rank of B's map (yours)": rank_text,
        }, [texttable.layers_table(self.view_a, self.view_a.describe()["title"]),
            texttable.layers_table(self.view_b, self.view_b.describe()["title"]),
            texttable.table("singular values of the input \u2192 hidden map, largest first",
                            ["index", "A: W (hatched bars)", "B: your collapsed U V (solid bars)"],
                            [[str(i + 1), format_number(a, 3), format_number(b, 3)]
                             for i, (a, b) in enumerate(zip(sv_a, sv_b))])])

    def app(self):
        added = live.slider("added", ADDED_LINEAR_UNITS, 1, NETWORK_A[1], 1,
                            description="linear units", integer=True)
        return live.app(live.controls({"added": added}, self.update), self.figure, self.readout)
