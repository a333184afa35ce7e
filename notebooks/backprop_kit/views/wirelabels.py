"""Numbers written along wires, placed where they touch nothing else.

A wire carries its forward value above it and its gradient below, near a chosen fraction of
the way along.  A number is as wide as its digits: "3" fits anywhere, but "-0.008326" or a
vector "[-2.31, 6.44, 0.178]" can be longer than a short wire, and drawn at a fixed spot it
runs over the node the wire leaves, the caption under a node, another wire, or the label of
a wire meeting it at a node.  Where a label fits depends on every text and on the figure's
size on screen, so ``LabelPlacer`` places all of a graph's labels together, one after the
other in a fixed order, whenever a text or the figure changes: each goes to the spot nearest
its chosen one where it touches no node, caption, other wire or label placed before it;
failing that, the same in smaller type (down to the last of ``SHRINK``, never under the
placer's ``smallest``: on a projector, the smallest type that reads); failing that, the same
with fewer digits (a label is offered its texts from more digits to fewer); failing all, the
spot touching the fewest of them, fewest digits and smallest type (the middle of a wire it is
longer than).

Geometry, in display pixels: a wire runs from ``a`` in direction ``d``; a label's box covers
``t`` in [c - w/2, c + w/2] along it and ``s`` in [gap, gap + h] out to its side.  Each
obstacle rules out an open interval of centres ``c``: exactly for a round node, and for a
convex polygon (a square node, a caption, a wire, an arrowhead, a label) by the separating-axis
test.
"""

import math

from matplotlib.text import Annotation
from matplotlib.transforms import Affine2D

GAP_PT = 4  # between a wire and its labels
CLEAR_PT = 2.5  # kept free around what a label avoids
WIRE_PT = 3.2  # the widest a wire is drawn (one a gradient check flagged)
# Where a wire's arrowhead may be ("-|>" at mutation scale 14: 0.4 and 0.2 of it), with room for the
# widest line's stroke and for matplotlib pulling a thick arrow's tip back to keep its point sharp
HEAD_LENGTH_PT, HEAD_HALF_WIDTH_PT = 5.6 + 2 * WIRE_PT, 2.8 + WIRE_PT
SHRINK = (1.0, 0.9, 0.8, 0.7)  # type sizes tried, as fractions of a label's own size
MAX_MEASURED = 20_000
# placings kept per drawing: a drag's step back, and the next step a live figure drew ahead
PLACINGS_KEPT = 8
_measured = {}  # (text, font, dpi) -> (width, height) in pixels


class Circle:
    """A round node, in display pixels."""

    def __init__(self, x, y, radius):
        self.x, self.y, self.radius = x, y, radius
        self.bounds = (x - radius, y - radius, x + radius, y + radius)

    def ruled_out(self, label, clear):
        """The open interval of centres at which ``label`` (a _Moving) comes within ``clear`` of
        this circle, or None."""
        a, d, side = label.a, label.d, label.side
        along = (self.x - a[0]) * d[0] + (self.y - a[1]) * d[1]
        out = (self.x - a[0]) * side[0] + (self.y - a[1]) * side[1]
        reach = self.radius + clear
        off_band = max(label.gap - out, out - label.gap - label.height, 0.0)  # centre to the label's band
        if off_band >= reach:
            return None
        half_chord = math.sqrt(reach * reach - off_band * off_band)
        return along - label.width / 2 - half_chord, along + label.width / 2 + half_chord


class Polygon:
    """A convex shape in display pixels: its corners and the directions across its sides."""

    def __init__(self, corners, normals):
        self.corners = corners
        self.normals = normals
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        self.bounds = (min(xs), min(ys), max(xs), max(ys))

    @classmethod
    def box(cls, x0, y0, x1, y1):
        return cls([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], [(1.0, 0.0), (0.0, 1.0)])

    @classmethod
    def strip(cls, start, d, side, length, low, high):
        """The rectangle ``length`` along ``d`` from ``start`` and from ``low`` to ``high`` out along ``side``."""
        corners = [(start[0] + d[0] * t + side[0] * s, start[1] + d[1] * t + side[1] * s)
                   for t, s in ((0, low), (length, low), (length, high), (0, high))]
        return cls(corners, [d, side])

    def ruled_out(self, label, clear):
        """The open interval of centres at which ``label`` comes within ``clear`` of this shape (on
        every separating axis: the label's two and this shape's), or None."""
        low, high = -math.inf, math.inf
        for u in (label.d, label.side, *self.normals):
            du = label.d[0] * u[0] + label.d[1] * u[1]
            su = label.side[0] * u[0] + label.side[1] * u[1]
            base = label.a[0] * u[0] + label.a[1] * u[1] + (label.gap + label.height / 2) * su
            half = label.width / 2 * abs(du) + label.height / 2 * abs(su) + clear
            projected = [x * u[0] + y * u[1] for x, y in self.corners]
            near, far = min(projected), max(projected)
            # overlap on u: base + c * du - half < far and base + c * du + half > near
            if abs(du) < 1e-9:
                if base - half >= far or base + half <= near:
                    return None
                continue
            ends = sorted(((near - half - base) / du, (far + half - base) / du))
            low, high = max(low, ends[0]), min(high, ends[1])
            if low >= high:
                return None
        return low, high


class _Moving:
    """A label being placed: its wire's frame and its size, in display pixels."""

    def __init__(self, a, d, side, length, gap, width, height):
        self.a, self.d, self.side, self.length = a, d, side, length
        self.gap, self.width, self.height = gap, width, height

    def at(self, centre):
        """The label's box with its centre ``centre`` along the wire."""
        start = (self.a[0] + self.d[0] * (centre - self.width / 2), self.a[1] + self.d[1] * (centre - self.width / 2))
        return Polygon.strip(start, self.d, self.side, self.width, self.gap, self.gap + self.height)

    def zone(self, clear):
        """Bounds of everywhere the label could go along its wire, and ``clear`` around it: what
        reaches into them may rule spots out."""
        start = (self.a[0] - self.d[0] * clear, self.a[1] - self.d[1] * clear)
        return Polygon.strip(start, self.d, self.side, self.length + 2 * clear, self.gap - clear,
                             self.gap + self.height + clear).bounds


class WireLabel(Annotation):
    """A label on one side of the wire from ``start`` to ``end`` (data coordinates), near ``at``
    of the way along; ``LabelPlacer`` says where exactly and in what size."""

    def __init__(self, ax, placer, start, end, *, at, above, **style):
        self.wire = tuple(start), tuple(end)
        self.at = at
        self.above = above
        self.size = style.pop("fontsize")
        self._placer = placer
        self.spot = None  # (centre along the wire in pixels, type size), set by the placer
        self._offered = None  # what it may say (see offer); else what it was set to say
        self._anchored = (None, None)  # ((scene, spot), the transform to the anchor there)
        # annotation_clip=False: the annotated point is on a wire, inside the axes by construction;
        # matplotlib would otherwise test that again on every draw (a tenth of a slider step)
        super().__init__("", self.wire[0], xytext=(0, 0), textcoords=self._anchor, annotation_clip=False,
                         rotation_mode="anchor", ha="center", va="bottom" if above else "top",
                         fontsize=self.size, **style)
        ax.add_artist(self)
        placer.labels.append(self)

    def offer(self, texts):
        """Say the first of ``texts`` (e.g. "[-0.0128, -0.000754, 0.294]", "[-0.013, -0.00075, 0.29]")
        that fits where the label may go, or, where none does, the last."""
        self._offered = tuple(texts) or ("",)
        if self.get_text() not in self._offered:  # until placed (kept: set and set back is a change)
            self.set_text(self._offered[0])

    @property
    def texts(self):
        """What the label may say, from more digits to fewer: the placer picks one."""
        return self._offered if self._offered is not None else (self.get_text(),)

    def frame(self):
        """The wire in display pixels: its start, direction, length, and this label's side."""
        (x0, y0), (x1, y1) = self.axes.transData.transform(self.wire)
        length = math.hypot(x1 - x0, y1 - y0) or 1e-9
        d = ((x1 - x0) / length, (y1 - y0) / length)
        up = (-d[1], d[0]) if (d[0] > 0 or (d[0] == 0 and d[1] < 0)) else (d[1], -d[0])  # up the page
        return (x0, y0), d, length, up if self.above else (-up[0], -up[1])

    def measure(self, renderer, size, text=None):
        """Width and height in pixels of ``text`` (this label's own by default) in this label's font
        at ``size`` (one line: the height of "lp", as matplotlib lays a line out, or the text's own
        if taller)."""
        text = self.get_text() if text is None else text
        font = self.get_fontproperties()
        in_font = (size, font.get_weight(), font.get_style(), tuple(font.get_family()), renderer.dpi)
        if (text, *in_font) not in _measured:
            if len(_measured) >= MAX_MEASURED:
                _measured.clear()
            props = font.copy()
            props.set_size(size)
            # each new text costs a FreeType layout (~0.1 ms): the line's height is kept per font and size
            line_key = ("line height", in_font)  # two items: never a text's key
            if line_key not in _measured:
                _measured[line_key] = renderer.get_text_width_height_descent("lp", props, ismath=False)[1]
            width, height, _ = renderer.get_text_width_height_descent(text, props, ismath=False)
            _measured[(text, *in_font)] = width, max(height, _measured[line_key])
        return _measured[(text, *in_font)]

    def _anchor(self, renderer):
        """The transform that puts this label's anchor (xytext (0, 0)) in place: Annotation asks
        for it each time it draws or measures itself (kept while the spot and the scene hold)."""
        scene = self._placer.scene(renderer)
        self._placer.place(renderer, scene)  # nothing to do unless a text or the figure changed
        key = (scene, self.spot)
        if self._anchored[0] != key:
            centre, size = self.spot
            if size != self.get_fontsize():
                self.set_fontsize(size)
            a, d, _, side = scene.frames[self]
            # upright, its top towards the wire's upper side
            up = side if self.above else (-side[0], -side[1])
            rotation = math.degrees(math.atan2(up[1], up[0])) - 90
            if abs((rotation - self.get_rotation() + 180) % 360 - 180) > 1e-6:
                self.set_rotation(rotation)
            self._anchored = key, Affine2D().translate(a[0] + d[0] * centre + side[0] * scene.gap,
                                                       a[1] + d[1] * centre + side[1] * scene.gap)
        return self._anchored[1]


class LabelPlacer:
    """Places the labels of one drawing.  ``fixed(renderer)`` gives the shapes every label keeps
    clear of (``Circle`` or ``Polygon`` in display pixels); each wire is kept clear of by the
    labels of other wires.  Labels are placed in the order they were made; none is made smaller
    than ``smallest`` points (None: down to the last of SHRINK)."""

    def __init__(self, ax, fixed, smallest=None):
        self.ax = ax
        self.smallest = smallest
        self.labels = []
        self._fixed = fixed
        self._placed_for = None  # what the last placing depended on
        self._placings = {}  # what a placing depended on -> each label's (spot, text), PLACINGS_KEPT at most
        self._scene = (None, None)  # (where the axes are on screen, _Scene there)

    def place(self, renderer, scene=None):
        """Place every label unless nothing they depend on changed; returns the labels that moved
        or changed size (a live figure must draw them again)."""
        scene = scene or self.scene(renderer)
        key = (scene, tuple(label.texts for label in self.labels))
        if key == self._placed_for:
            return []
        self._placed_for = key
        placing = self._placings.get(key)
        if placing is None:
            if len(self._placings) >= PLACINGS_KEPT:
                del self._placings[next(iter(self._placings))]  # the oldest
            placing = self._placings[key] = self._placing(renderer, scene)
        moved = []
        for label, (spot, text) in zip(self.labels, placing):
            if text != label.get_text():
                label.set_text(text)  # a new text: changed, and drawn again by a live figure anyway
            if spot != label.spot:
                label.spot = spot
                moved.append(label)
        return moved

    def _placing(self, renderer, scene):
        """Each label's (spot, text), placed one after the other."""
        placed = []  # boxes of the labels placed so far
        placing = []
        for label in self.labels:
            spot, box, text = self._place_one(label, renderer, scene, placed, self._sizes(label))
            if box is not None:
                placed.append(box)
            placing.append((spot, text))
        return placing

    def scene(self, renderer):
        """The _Scene for where the axes are on screen now."""
        where = (tuple(self.ax.transData.get_matrix().flat), renderer.dpi)
        if self._scene[0] != where:
            self._scene = where, _Scene(self.labels, self._fixed(renderer), renderer)
        return self._scene[1]

    def _sizes(self, label):
        """The type sizes ``label`` may be drawn in, largest first."""
        sizes = [label.size * fraction for fraction in SHRINK]
        if self.smallest is not None:
            sizes = [size for size in sizes if size >= self.smallest] or [max(self.smallest, label.size)]
        return sizes

    @staticmethod
    def _place_one(label, renderer, scene, placed, sizes):
        """(spot, the label's box there, its text): the free spot nearest the label's chosen one
        for the first of its texts that has one, in the largest of ``sizes`` that does."""
        a, d, length, side = scene.frames[label]
        preferred = label.at * length
        if not label.texts[-1]:
            return (preferred, label.size), None, ""
        fallback = None  # the shortest text in the smallest type, at the spot touching the fewest things
        for text in label.texts:
            for size in sizes:
                moving = _Moving(a, d, side, length, scene.gap, *label.measure(renderer, size, text))
                c_free = (moving.width / 2, length - moving.width / 2)
                if c_free[0] > c_free[1]:  # longer than its wire
                    continue
                zone = moving.zone(scene.clear)
                near = scene.near[label] + [box for box in placed if _meet(box.bounds, zone)]
                ruled_out = [interval for shape in near if (interval := shape.ruled_out(moving, scene.clear))]
                centre, touching = _best_spot(preferred, *c_free, ruled_out)
                if not touching:
                    return (float(centre), size), moving.at(centre), text
                fallback = (float(centre), size), moving.at(centre), text
        if fallback is None:  # longer than its wire whatever it says: in the middle
            return (length / 2, size), moving.at(length / 2), text
        return fallback


class _Scene:
    """What placing depends on besides the texts, for one place of the axes on screen: each
    label's frame, and the still shapes (nodes, captions, other wires) near where it can go."""

    def __init__(self, labels, fixed, renderer):
        pixel = renderer.points_to_pixels(1.0)
        self.gap, self.clear = GAP_PT * pixel, CLEAR_PT * pixel
        self.frames = {label: label.frame() for label in labels}
        self.drawn = drawn = {}  # each wire as drawn: its line and its arrowhead
        for label in labels:
            if label.wire not in drawn:
                a, d, length, side = self.frames[label]
                half_line = WIRE_PT * pixel / 2  # the line's stroke reaches this far past its ends too
                start = (a[0] - d[0] * half_line, a[1] - d[1] * half_line)
                line = Polygon.strip(start, d, side, length + 2 * half_line, -half_line, half_line)
                back = length - HEAD_LENGTH_PT * pixel
                head = Polygon.strip((a[0] + d[0] * back, a[1] + d[1] * back), d, side, HEAD_LENGTH_PT * pixel
                                     + half_line, -HEAD_HALF_WIDTH_PT * pixel, HEAD_HALF_WIDTH_PT * pixel)
                drawn[label.wire] = [line, head]
        self.near = {}
        for label in labels:
            a, d, length, side = self.frames[label]
            # as far out as the label could reach at its full size (a tall text, to be safe)
            zone = _Moving(a, d, side, length, self.gap, 0.0, 2 * label.size * pixel).zone(self.clear)
            shapes = list(fixed) + [shape for wire, parts in drawn.items() if wire != label.wire for shape in parts]
            self.near[label] = [shape for shape in shapes if _meet(shape.bounds, zone)]


def _meet(bounds, other):
    """Whether two boxes (x0, y0, x1, y1) overlap."""
    return bounds[0] < other[2] and other[0] < bounds[2] and bounds[1] < other[3] and other[1] < bounds[3]


def _best_spot(preferred, low, high, ruled_out):
    """(centre, how many intervals of ``ruled_out`` hold it): the point of [low, high] in the fewest
    of those open intervals (none, where it can), and of those the nearest ``preferred``."""
    candidates = [min(max(preferred, low), high), low, high]
    for start, end in ruled_out:
        candidates += [value for value in (start, end) if low <= value <= high]
    touching = {c: sum(start < c < end for start, end in ruled_out) for c in candidates}
    best = min(candidates, key=lambda c: (touching[c], abs(c - preferred)))
    return best, touching[best]
