"""A fully connected network drawn as columns of units, redrawn in place when the widths change.

``LayeredNetworkView(ax)`` makes every artist it could ever need once (``max_layers``
columns of ``max_drawn`` unit circles, one LineCollection for the wires, the labels);
``update(widths)`` only moves, shows and hides them, so a width slider never makes a
new figure.  Layers wider than ``max_drawn`` show their first units, a vertical
ellipsis and their true width in the label.

Each gap between two columns is labelled with the shape of its weight matrix
(``W2: 10×10``), never with a count: counting is the student's job.  A layer of
linear units is hatched and labelled "linear", so the kind of a layer never rests
on colour alone.
"""

import numbers

from matplotlib.collections import LineCollection
from matplotlib.patches import Circle

from .typesizes import legible
from .drawing import INK, NODE_FILL, QUIET_COLOUR

LAYER_KINDS = ("input", "hidden", "linear", "output")
ELLIPSIS = "\u22ee"
TIMES = "\u00d7"


def check_widths(widths, max_layers=None):
    """``widths`` as a list of positive ints, or a ValueError that says what is wrong."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise ValueError(f"layer widths must be a list of positive integers like [8, 10, 10, 3]; got {widths!r}")
    values = list(widths)
    if len(values) < 2:
        raise ValueError(f"a network needs at least an input and an output layer; got widths {values}")
    if max_layers is not None and len(values) > max_layers:
        raise ValueError(f"this drawing has room for {max_layers} layers; got {len(values)}")
    for width in values:
        if isinstance(width, bool) or not isinstance(width, numbers.Integral) or width < 1:
            raise ValueError(f"every layer width must be a positive integer; got {width!r} in {values}")
    return [int(w) for w in values]


def default_kinds(count):
    return ["input"] + ["hidden"] * (count - 2) + ["output"]


class LayeredNetworkView:
    """Draws a network with layer widths ``d = [d0, ..., dN]`` on ``ax``; ``update`` redraws it."""

    def __init__(self, ax, max_layers=6, max_drawn=8, fontsize=10, spacing=(2.4, 0.62),
                 unit_radius=0.2):
        if max_layers < 2 or max_drawn < 2:
            raise ValueError("max_layers and max_drawn must be at least 2")
        self.ax = ax
        self.max_layers, self.max_drawn = int(max_layers), int(max_drawn)
        self.dx, self.dy = spacing
        self.radius = unit_radius
        self.widths, self.kinds = [], []
        ax.set_aspect("equal")
        ax.axis("off")
        self._wires = LineCollection([], colors=QUIET_COLOUR, linewidths=0.6, zorder=1)
        ax.add_collection(self._wires)
        self._units = [[Circle((0, 0), unit_radius, facecolor=NODE_FILL, edgecolor=INK, linewidth=1.2,
                               zorder=3, visible=False) for _ in range(self.max_drawn)]
                       for _ in range(self.max_layers)]
        for column in self._units:
            for patch in column:
                ax.add_patch(patch)
        text = dict(ha="center", fontsize=legible(fontsize), color=INK, zorder=4)
        self._more = [ax.text(0, 0, ELLIPSIS, va="center", visible=False, **{**text, "fontsize": legible(fontsize + 6)})
                      for _ in range(self.max_layers)]
        self._labels = [ax.text(0, 0, "", va="top", **text) for _ in range(self.max_layers)]
        self._gaps = [ax.text(0, 0, "", va="bottom", style="italic", **{**text, "fontsize": legible(fontsize - 1)})
                      for _ in range(self.max_layers - 1)]
        self._title = ax.set_title("", fontsize=legible(fontsize + 2))
        self._half_height = (self.max_drawn - 1) / 2 * self.dy

    def _slot_y(self, slots):
        return [((slots - 1) / 2 - k) * self.dy for k in range(slots)]

    def update(self, widths, kinds=None, title=None):
        """Redraw for layer ``widths``; ``kinds`` names each layer (default input, hidden..., output)."""
        widths = check_widths(widths, self.max_layers)
        kinds = list(kinds) if kinds is not None else default_kinds(len(widths))
        if len(kinds) != len(widths) or any(k not in LAYER_KINDS for k in kinds):
            raise ValueError(f"kinds must name each of the {len(widths)} layers with one of {LAYER_KINDS}; got {kinds}")
        self.widths, self.kinds = widths, kinds
        centres = []  # per layer: the (x, y) of each drawn unit
        for index in range(self.max_layers):
            column, more, label = self._units[index], self._more[index], self._labels[index]
            if index >= len(widths):
                for patch in column:
                    patch.set_visible(False)
                more.set_visible(False)
                label.set_text("")
                continue
            width, kind, x = widths[index], kinds[index], index * self.dx
            clipped = width > self.max_drawn
            slots = self.max_drawn if clipped else width
            ys = self._slot_y(slots)
            drawn = [y for k, y in enumerate(ys) if not (clipped and k == slots - 2)]  # one slot for the dots
            for k, patch in enumerate(column):
                patch.set_visible(k < len(drawn))
                if k < len(drawn):
                    patch.center = (x, drawn[k])
                    patch.set_hatch("////" if kind == "linear" else None)
                    patch.set_facecolor("white" if kind == "linear" else NODE_FILL)
            more.set_visible(clipped)
            if clipped:
                more.set_position((x, ys[slots - 2]))
            label.set_position((x, -self._half_height - self.radius - 0.25))
            name = {"hidden": f"hidden {index}", "linear": f"linear {index}"}.get(kind, kind)
            label.set_text(f"{name}\n{width} unit{'s' if width != 1 else ''}")
            centres.append([(x, y) for y in drawn])
        segments = [(a, b) for left, right in zip(centres, centres[1:]) for a in left for b in right]
        self._wires.set_segments(segments)
        for index, gap in enumerate(self._gaps):
            if index + 1 < len(widths):
                gap.set_position(((index + 0.5) * self.dx, self._half_height + self.radius + 0.12))
                gap.set_text(f"W{index + 1}: {widths[index + 1]}{TIMES}{widths[index]}")
            else:
                gap.set_text("")
        if title is not None:
            self._title.set_text(title)
        right = (len(widths) - 1) * self.dx
        self.ax.set_xlim(-0.9, max(right, self.dx) + 0.9)
        self.ax.set_ylim(-self._half_height - 1.3, self._half_height + 0.8)

    def describe(self):
        """What is drawn, for tests: labels, gap labels, wire count, visible units per layer."""
        return {
            "labels": [t.get_text() for t in self._labels if t.get_text()],
            "gaps": [t.get_text() for t in self._gaps if t.get_text()],
            "wires": len(self._wires.get_segments()),
            "units_drawn": [sum(p.get_visible() for p in column) for column in self._units[:len(self.widths)]],
            "clipped": [m.get_visible() for m in self._more[:len(self.widths)]],
            "hatched": [bool(column[0].get_hatch()) for column in self._units[:len(self.widths)]],
            "title": self._title.get_text(),
        }
