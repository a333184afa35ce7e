"""Drawing a computation graph with matplotlib, updated in place.

``GraphView`` draws the nodes and wires once and keeps every artist; a slider
move only changes texts and styles and asks for a redraw, so one persistent
figure serves a whole live demo (no new figure per change, no flicker).

Colours are from the Okabe-Ito palette, which stays distinct under the common
forms of colour blindness; meaning never rests on colour alone (forward values
sit above a wire, gradients below, zero-gradient wires are dashed, wrong wires
are thick and marked with a cross, the wire of a step is thick on a broad band).

Step mode (``step_with``): the forward pass node by node, then the backward pass wire
by wire (``model/steps.py`` makes the steps); numbers not reached yet are hidden.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import same_color
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from . import wirelabels
from .typesizes import legible, smallest
from ..values import MISSING, is_missing, is_zero, value_texts

FORWARD_COLOUR = "#0072B2"  # blue: forward values, above the wire
GRADIENT_COLOUR = "#D55E00"  # vermillion: gradients, below the wire
WRONG_COLOUR = "#CC79A7"  # reddish purple: a wire the gradient check flagged
QUIET_COLOUR = "#9A9A9A"  # grey: zero-gradient paths, inactive units, missing numbers
INK = "#222222"
NODE_FILL = "#F4F4F4"
WRONG_MARK = " \u2717"
STEP_COLOUR = "#F0E442"  # Okabe-Ito yellow: the band under the wires of the current step
WIRE_CLEAR_PT = 4  # a caption keeps this far from a wire: the widest wire's half and a little air
MINUS = "\u2212"  # a number's sign on a wire: a hyphen turned with its wire reads as an apostrophe


@dataclass
class _Wire:
    arrow: FancyArrowPatch
    value_text: object
    grad_text: object
    local_text: object
    ends: tuple  # where the drawn wire starts and ends (data coordinates)


class GraphView:
    """Draws ``graph`` on ``ax``; call ``refresh()`` after changing numbers on the graph."""

    def __init__(self, graph, ax, *, spacing=(3.0, 1.7), node_radius=0.42, fontsize=12,
                 show_legend=True, no_gradient=(), label_at=0.32):
        self.graph = graph
        # Nodes nothing is differentiated with respect to (data such as x or a label, or every
        # node of a forward-only drawing): their wires show the forward value only.
        self.no_gradient = frozenset(no_gradient)
        unknown = self.no_gradient - set(graph.nodes)
        if unknown:
            raise ValueError(f"no_gradient names {sorted(unknown)}, which are not nodes of the graph")
        # how far along a wire its value and gradient sit: one fraction, or {(src, dst): fraction}
        # for chosen wires (the rest at 0.32), so fan-outs and crossing wires keep their labels apart
        self.label_at = label_at
        self.ax = ax
        self.fontsize = fontsize
        self.node_radius = node_radius
        sx, sy = spacing
        self.positions = {n: (x * sx, y * sy) for n, (x, y) in graph.layout().items()}
        self._nodes = {}
        self._label_sizes = {}  # node -> its label's type size before fitting it into the node
        self._wires = {}
        self._gradient_legend = None  # the legend's gradient line, when it has one
        self._step_source = None  # step mode: a callable giving the step to show (see step_with)
        self._note = ""  # the demo's message (a check's result, a function that failed)
        self._step = None  # the step shown at the last refresh
        self._band_keys = ()  # the wires under the band
        self._placer = wirelabels.LabelPlacer(ax, self._node_shapes, smallest=smallest())
        self._stub_length = 0.55 * sx
        ax.set_aspect("equal")
        ax.axis("off")
        if graph.title:
            ax.set_title(graph.title, fontsize=legible(fontsize + 2), pad=24)
        for node in graph.nodes.values():
            self._draw_node(node)
        for edge in graph.edges:
            self._wires[edge.key] = self._draw_wire(edge.src, self.positions[edge.dst], edge.local,
                                                    at=self._label_fraction(edge.key))
        for node in graph.sinks():
            x, y = self.positions[node.name]
            end = (x + self.node_radius + self._stub_length, y)
            self._wires[(node.name, None)] = self._draw_wire(node.name, end, "", stub=True)
        self._message = ax.text(0.5, -0.02, "", transform=ax.transAxes, ha="center", va="top",
                                fontsize=legible(fontsize - 1), color=WRONG_COLOUR, wrap=True)
        self._legend = []  # the legend's texts: in step mode the step's line takes their place
        if show_legend:
            self._draw_legend()
        self._step_line = ax.text(0.5, 1.0, "", transform=ax.transAxes, ha="center", va="bottom",
                                  fontsize=legible(max(fontsize - 1, 10)), color=INK)
        self._fit_limits()
        # the band under the current step's wires: its width, not only its colour, tells them apart
        self._band = Line2D([], [], color=STEP_COLOUR, linewidth=11, alpha=0.8, solid_capstyle="round",
                            zorder=1)
        ax.add_line(self._band)
        self.refresh()

    # ---- building artists once ---------------------------------------------------------

    def _draw_node(self, node):
        x, y = self.positions[node.name]
        r = self.node_radius
        if node.kind in ("input", "param"):
            patch = FancyBboxPatch((x - r, y - r), 2 * r, 2 * r, boxstyle="round,pad=0,rounding_size=0.12",
                                   facecolor=NODE_FILL, edgecolor=INK, linewidth=1.5, zorder=3)
        else:
            patch = Circle((x, y), r, facecolor=NODE_FILL, edgecolor=INK, linewidth=1.5, zorder=3)
        self.ax.add_patch(patch)
        # drawn after the wire labels (zorder 5), whose drawing fits these texts (_fit_node_texts)
        size = legible(self.fontsize + (2 if len(node.label) <= 2 else -2))
        self._label_sizes[node.name] = size
        label = self.ax.text(x, y, node.label, ha="center", va="center", zorder=5.5, fontsize=size, color=INK)
        # on a veil of the background: a wire passing under a caption stays visible but off its letters
        caption = self.ax.text(x, y - r - 0.12, node.caption, ha="center", va="top", zorder=5.5,
                               fontsize=legible(self.fontsize - 3), color=INK, style="italic",
                               bbox=dict(boxstyle="round,pad=0.1", facecolor=self.ax.get_facecolor(),
                                         edgecolor="none", alpha=0.75))
        self._nodes[node.name] = (patch, label, caption)

    def _fit_node_texts(self, renderer):
        """Each node's label inside its node (in smaller type where it is too wide, never under the
        smallest that reads) and its caption beside it where no wire, node or other caption is:
        under it if it can be, else above, else at a corner.  Done with the wire labels' placing,
        whenever the drawing moves on screen, before any of these texts is drawn (they are drawn
        after the wire labels, whose drawing places them all)."""
        floor = smallest()
        for name, (patch, label, _caption) in self._nodes.items():
            size = self._label_sizes[name]
            lowest = floor if floor is not None else 0.7 * size
            label.set_fontsize(size)
            while not _inside(label.get_window_extent(renderer), patch, renderer) and size * 0.92 >= lowest:
                size *= 0.92
                label.set_fontsize(size)
        wires = [self.ax.transData.transform(wire.value_text.wire) for wire in self._wires.values()]
        # what a caption keeps off besides wires: other nodes, and the captions placed before it
        taken = {name: patch.get_window_extent(renderer) for name, (patch, _label, _caption) in self._nodes.items()}
        half_width = renderer.points_to_pixels(WIRE_CLEAR_PT)
        # the room beside a wire that its numbers take (wirelabels.GAP_PT, then a line of type)
        number_room = renderer.points_to_pixels(wirelabels.GAP_PT + 1.2 * legible(self.fontsize))
        for name, (_patch, _label, caption) in self._nodes.items():
            if not caption.get_text():
                continue
            x, y = self.positions[name]
            best = None
            for spot in _caption_spots(x, y, self.node_radius):
                caption.set_position(spot[0])
                caption.set_horizontalalignment(spot[1])
                caption.set_verticalalignment(spot[2])
                box = caption.get_window_extent(renderer)
                # (what it covers, whose numbers it crowds): a wire or a node first, then numbers' room
                touches = (sum(_box_meets_segment(box, a, b, half_width) for a, b in wires)
                           + sum(box.overlaps(other) for key, other in taken.items() if key != name),
                           sum(_near_box(box, a, b, number_room).mean() > 0.5 for a, b in wires))
                if best is None or touches < best[0]:
                    best = touches, spot, box
                if touches == (0, 0):
                    break
            _touches, (where, ha, va), box = best
            caption.set_position(where)
            caption.set_horizontalalignment(ha)
            caption.set_verticalalignment(va)
            taken[(name, "caption")] = box

    def _label_fraction(self, key):
        if isinstance(self.label_at, dict):
            return self.label_at.get(key, 0.32)
        return self.label_at

    def _draw_wire(self, src, end_centre, local, stub=False, at=0.32):
        start = np.array(self.positions[src], dtype=float)
        end = np.array(end_centre, dtype=float)
        direction = (end - start) / max(np.linalg.norm(end - start), 1e-9)
        a = start + direction * self.node_radius
        b = end if stub else end - direction * self.node_radius
        arrow = FancyArrowPatch(tuple(a), tuple(b), arrowstyle="-|>", mutation_scale=14,
                                color=INK, linewidth=1.6, zorder=2, shrinkA=0, shrinkB=0)
        self.ax.add_patch(arrow)
        # each label goes near its fraction of the way, where it touches nothing else (wirelabels.py)
        number = dict(fontsize=legible(self.fontsize), fontweight="bold", zorder=5)
        local_text = wirelabels.WireLabel(self.ax, self._placer, a, b, at=0.68, above=True,
                                          fontsize=legible(self.fontsize - 3), color="#555555", style="italic",
                                          zorder=5)
        local_text.set_text(local)
        at = 0.5 if stub else at
        value_text = wirelabels.WireLabel(self.ax, self._placer, a, b, at=at, above=True, color=FORWARD_COLOUR,
                                          **number)
        grad_text = wirelabels.WireLabel(self.ax, self._placer, a, b, at=at, above=False, color=GRADIENT_COLOUR,
                                         **number)
        return _Wire(arrow, value_text, grad_text, local_text, (tuple(a), tuple(b)))

    def _node_shapes(self, renderer):
        """What every wire label keeps clear of, in display pixels: the nodes and their captions
        (fitted first: the placer asks for these whenever the drawing moves on screen)."""
        self._fit_node_texts(renderer)
        shapes = []
        for patch, _label, caption in self._nodes.values():
            if isinstance(patch, Circle):
                (x, y), (edge_x, _) = self.ax.transData.transform([patch.center, (patch.center[0] + patch.radius,
                                                                                  patch.center[1])])
                shapes.append(wirelabels.Circle(x, y, edge_x - x))
            else:
                shapes.append(wirelabels.Polygon.box(*patch.get_window_extent(renderer).extents))
            if caption.get_text():
                shapes.append(wirelabels.Polygon.box(*caption.get_window_extent(renderer).extents))
        return shapes

    def _draw_legend(self):
        common = dict(transform=self.ax.transAxes, fontsize=legible(self.fontsize - 2), va="bottom")
        self._legend.append(self.ax.text(0.0, 1.0, "above a wire: forward value", color=FORWARD_COLOUR,
                                         ha="left", **common))
        if not set(self.graph.nodes) <= self.no_gradient:
            self._gradient_legend = self.ax.text(1.0, 1.0, self._gradient_legend_text(), color=GRADIENT_COLOUR,
                                                 ha="right", **common)
            self._legend.append(self._gradient_legend)

    def _gradient_legend_text(self):
        """What the gradient below a wire is; where a node fans out with each wire's own share,
        a share told apart from the node's total, their sum, written with its value."""
        fan_outs = sorted(self._fan_outs())
        if not fan_outs:
            return "below a wire: gradient of the output"
        totals = "; ".join(f"total at {self.graph.nodes[n].label} (the sum of its wires): "
                           f"{value_texts(self.graph.nodes[n].grad)[0]}" for n in fan_outs)
        return f"below a wire: the share it carries back;\n{totals}"  # two lines: beside the other legend

    def _fan_outs(self):
        """The nodes whose wires out carry their own shares of the gradient (``Edge.grad``)."""
        return {e.src for e in self.graph.edges if e.grad is not None and e.src not in self.no_gradient}

    def _fit_limits(self):
        xs = [p[0] for p in self.positions.values()]
        ys = [p[1] for p in self.positions.values()]
        pad = self.node_radius + 0.9
        self.ax.set_xlim(min(xs) - pad, max(xs) + self.node_radius + self._stub_length + 0.6)
        self.ax.set_ylim(min(ys) - pad, max(ys) + pad)

    # ---- updating in place ---------------------------------------------------------------

    def step_with(self, source):
        """Step mode: ``source()`` gives the step to show at each refresh (a ``model.steps.Step``:
        which values and gradients are reached, which wires are its own, its line of text), or
        None for the full view; ``source`` None leaves step mode.  Call ``refresh()`` after."""
        self._step_source = source

    def refresh(self):
        """Write the graph's current values, gradients and marks onto the artists (in step mode,
        only what the current step has reached)."""
        step = self._step_source() if self._step_source is not None else None
        self._step = step
        for key, wire in self._wires.items():
            src = self.graph.nodes[key[0]]
            edge = self.graph.edge(*key) if key[1] is not None else None
            grad = self._shown_grad(edge) if edge is not None else src.grad
            value_shown = step is None or key[0] in step.values
            grad_shown = step is None or key in step.grads
            # a flagged wire with no gradient to show is still to write, not wrong: no cross, not purple
            wrong = edge.wrong if edge is not None and not is_missing(grad) and grad_shown else ""
            no_gradient = key[0] in self.no_gradient
            # offered, not set: the placer sets the one that fits (set in full and then shortened on
            # every refresh, a label would count as changed each time and a live figure repaint it)
            wire.value_text.offer(_signed(value_texts(src.value)) if value_shown else ("",))
            mark = WRONG_MARK if wrong else ""
            wire.grad_text.offer(("",) if no_gradient or not grad_shown
                                 else tuple(text + mark for text in _signed(value_texts(grad))))
            restyle(wire.value_text, color=QUIET_COLOUR if is_missing(src.value) else FORWARD_COLOUR)
            inactive = src.inactive and value_shown
            current = step is not None and key in step.wires
            if no_gradient:
                self._style_no_gradient_wire(wire, src, edge, current, value_shown)
                continue
            if wrong:
                colour, style, width = WRONG_COLOUR, "-", 3.2
            elif (grad_shown and is_zero(grad)) or inactive:
                colour, style, width = QUIET_COLOUR, "--", 1.4
            else:
                colour, style, width = INK, "-", 1.6
            restyle(wire.arrow, color=colour, linestyle=style, linewidth=max(width, 3.0) if current else width)
            quiet_grad = is_missing(grad) or (is_zero(grad) and not wrong)
            restyle(wire.grad_text,
                    color=WRONG_COLOUR if wrong else QUIET_COLOUR if quiet_grad else GRADIENT_COLOUR)
        if self._gradient_legend is not None:
            legend = self._gradient_legend_text()  # set only when it changes: a live figure redraws what changed
            if self._gradient_legend.get_text() != legend:
                self._gradient_legend.set_text(legend)
        for name, (patch, label, _caption) in self._nodes.items():
            inactive = self.graph.nodes[name].inactive and (step is None or name in step.values)
            restyle(patch, hatch="///" if inactive else None, edgecolor=QUIET_COLOUR if inactive else INK,
                    linewidth=3.2 if step is not None and name == step.node else 1.5)
            restyle(label, color=QUIET_COLOUR if inactive else INK)
        self._show_band(step)
        self._show_message()
        flagged = [self._shown_grad(e) for e in self.graph.edges if e.wrong]
        wrong = sum(1 for grad in flagged if not is_missing(grad))
        to_write = len(flagged) - wrong
        # the full sentences go to the check's printed report
        if wrong:
            more = f" {to_write} more have no gradient yet." if to_write else ""
            self.set_message(f"\u2717 {wrong} wire(s) carry a gradient that disagrees with finite differences.{more}")
        elif to_write:
            self.set_message(f"? {to_write} wire(s) have no gradient yet: finish the backward pass to check them.")
        self._place_labels()

    def _shown_grad(self, edge):
        """The gradient a wire shows: its own share where it has one, else its source's."""
        return edge.grad if edge.grad is not None else self.graph.nodes[edge.src].grad

    def _place_labels(self):
        """Place the labels for their new texts now: one that moves without a new text of its own
        (to make room for another) is marked changed, so a live figure draws it again."""
        get_renderer = getattr(self.ax.figure.canvas, "get_renderer", None)
        if get_renderer is None:  # a canvas that cannot measure text yet: placed when drawn
            return
        for label in self._placer.place(get_renderer()):
            label.stale = True

    def _style_no_gradient_wire(self, wire, src, edge, current=False, value_shown=True):
        """A wire without a gradient label: quiet when no gradient can flow (out of or into an inactive unit)."""
        into_inactive = edge is not None and self.graph.nodes[edge.dst].inactive
        quiet = (src.inactive or into_inactive) and value_shown
        width = 1.4 if quiet else 1.6
        restyle(wire.arrow, color=QUIET_COLOUR if quiet else INK, linestyle="--" if quiet else "-",
                linewidth=3.0 if current else width)

    def _show_band(self, step):
        """The band under the current step's wires (none outside step mode); set only when it moves."""
        keys = tuple(step.wires) if step is not None else ()
        if keys == self._band_keys:
            return
        self._band_keys = keys
        xs, ys = [], []
        for key in keys:
            (x0, y0), (x1, y1) = self._wires[key].ends
            xs += [x0, x1, np.nan]
            ys += [y0, y1, np.nan]
        self._band.set_data(xs, ys)

    def set_message(self, text):
        """A line under the drawing, for a check result or a student function that failed."""
        self._note = text
        self._show_message()

    def _show_message(self):
        """The note under the drawing; in step mode the step's line over it, in the legend's place,
        and what finite differences say at the step before the note."""
        step = self._step
        for legend in self._legend:
            restyle(legend, visible=step is None)
        line = step.text if step is not None else ""
        if self._step_line.get_text() != line:
            self._step_line.set_text(line)
        verdict = step.verdict if step is not None else ""
        text = "\n".join(line for line in (verdict, self._note) if line)
        if self._message.get_text() != text:
            self._message.set_text(text)
        agrees = step is not None and step.ok is not False and (verdict or not self._note)
        restyle(self._message, color=INK if agrees else WRONG_COLOUR)

    @property
    def message(self):
        return self._message.get_text()

    @property
    def step(self):
        """The step shown (None: the full view)."""
        return self._step

    @property
    def step_line(self):
        """The step's line over the drawing ("" outside step mode)."""
        return self._step_line.get_text()

    def annotations(self):
        """{(src, dst): {"value", "grad", "local", "style", "colour", "width", "stepped"}} as drawn
        (stepped: the wire is the current step's, on the band); dst None for output stubs; the
        numbers with the sign "-" that value_texts writes (drawn as a minus sign, MINUS)."""
        stepped = set(self._band_keys)
        return {
            key: {
                "value": wire.value_text.get_text().replace(MINUS, "-"),
                "grad": wire.grad_text.get_text().replace(MINUS, "-"),
                "local": wire.local_text.get_text(),
                "style": wire.arrow.get_linestyle(),
                "colour": wire.arrow.get_edgecolor(),
                "width": wire.arrow.get_linewidth(),
                "stepped": key in stepped,
            }
            for key, wire in self._wires.items()
        }


def _caption_spots(x, y, r, gap=0.12):
    """Where a caption may go beside the node of radius ``r`` at (x, y), in order of preference:
    ((x, y), horizontal alignment, vertical alignment)."""
    corner = r * 0.7 + gap / 2
    return [((x, y - r - gap), "center", "top"), ((x, y + r + gap), "center", "bottom"),
            ((x, y - 2 * r - gap), "center", "top"), ((x, y + 2 * r + gap), "center", "bottom"),
            ((x + corner, y - corner), "left", "top"), ((x + corner, y + corner), "left", "bottom"),
            ((x - corner, y - corner), "right", "top"), ((x - corner, y + corner), "right", "bottom")]


def _inside(box, patch, renderer):
    """Whether the text box ``box`` (display pixels) lies inside the node ``patch``, a little in."""
    node = patch.get_window_extent(renderer)
    if not isinstance(patch, Circle):
        return node.x0 < box.x0 and box.x1 < node.x1 and node.y0 < box.y0 and box.y1 < node.y1
    radius = 0.95 * node.width / 2
    return (box.width / 2) ** 2 + (box.height / 2) ** 2 <= radius ** 2


def _near_box(box, a, b, clear):
    """For points every 2 pixels along the segment from ``a`` to ``b``: whether each is within
    ``clear`` of ``box`` (display pixels)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    steps = max(int(np.linalg.norm(b - a) / 2), 1)
    points = a + np.linspace(0, 1, steps + 1)[:, None] * (b - a)
    return ((box.x0 - clear < points[:, 0]) & (points[:, 0] < box.x1 + clear)
            & (box.y0 - clear < points[:, 1]) & (points[:, 1] < box.y1 + clear))


def _box_meets_segment(box, a, b, clear):
    """Whether the segment from ``a`` to ``b`` comes within ``clear`` of ``box`` (display pixels)."""
    return bool(_near_box(box, a, b, clear).any())


def _signed(texts):
    """A number's texts (value_texts) with a minus sign for the hyphen: turned along a wire, "-2" read as "'2"."""
    return tuple(text.replace("-", MINUS) for text in texts)


def veiled_text(ax, x, y, text="", **style):
    """Text over a plot (what to fix, why a curve is empty) on a veil of the axes' background:
    readable over bars, curves or a dark surface, which stay faintly visible under it."""
    return ax.text(x, y, text, bbox=dict(boxstyle="round,pad=0.3", facecolor=ax.get_facecolor(),
                                         edgecolor="none", alpha=0.85), **style)


def restyle(artist, **style):
    """Set only the properties that differ: an unchanged artist stays unchanged (not "stale"),
    so a live figure need not redraw it (acceleration/blitting.py)."""
    for name, value in style.items():
        if name == "color" and not hasattr(artist, "get_color"):  # a patch: set_color sets edge and face
            current = artist.get_edgecolor()
        else:
            current = getattr(artist, f"get_{name}")()
        same = same_color(current, value) if name in ("color", "edgecolor") else current == value
        if not same:
            getattr(artist, f"set_{name}")(value)


__all__ = ["GraphView", "FORWARD_COLOUR", "GRADIENT_COLOUR", "WRONG_COLOUR", "QUIET_COLOUR", "MISSING"]
