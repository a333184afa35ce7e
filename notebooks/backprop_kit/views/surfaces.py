"""A loss surface over two weights, with the current point, its gradient step and a descent path.

``LossSurface`` makes its artists once and changes them in place, the draw-once
pattern of ``GraphView``: a slider move only moves the marker (``set_offsets``),
the arrow (``set_positions``) and the path (``set_data``), and a new surface (new
data, another loss) only gives the filled bands and the contour lines new data.
The bands are an image coloured level by level (the look of ``contourf``) and the
lines one collection of segments, because matplotlib's contour sets cannot be
changed, only replaced, and a replaced artist makes a live figure redraw everything
(acceleration/blitting.py) where a changed one is redrawn alone.

Meaning never rests on colour alone: the start is a square, the path a line of
small dots, the end a cross, the step an arrow.  A colour key beside the plot gives the
loss each colour stands for: its bands and the numbers at their edges, changed in place
like the rest (a matplotlib colour bar is made anew whenever its levels change).
"""

import contourpy
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator

from .typesizes import legible
from .drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, QUIET_COLOUR, restyle, veiled_text
from .images import prepare, show_grid
from ..values import format_number

SURFACE_COLOURMAP = "cividis"  # perceptually uniform and readable with colour-blindness
PATH_COLOUR = "#E69F00"  # Okabe-Ito orange: stands out on cividis
ARROW_COLOUR = GRADIENT_COLOUR
KEY_NUMBERS = 5  # numbers at most along the colour key


class LossSurface:
    """Contours of a loss over (u, v) on ``ax``, plus the descent drawn on top of them.

    ``extent`` is (u_min, u_max, v_min, v_max); the view stays on it, so a path that
    leaves it is cut at the edge (the notebook's readout gives where it ends).
    """

    def __init__(self, ax, extent, *, xlabel="", ylabel="", title="", max_arrow=None, fontsize=11):
        u_min, u_max, v_min, v_max = (float(e) for e in extent)
        if not (u_min < u_max and v_min < v_max):
            raise ValueError(f"extent must be (u_min, u_max, v_min, v_max) with min < max; got {extent}")
        self.ax = ax
        self.extent = (u_min, u_max, v_min, v_max)
        # Longest arrow drawn, in data units; a longer step is drawn at this length and said so.
        span = min(u_max - u_min, v_max - v_min)
        self.max_arrow = float(max_arrow) if max_arrow is not None else 0.45 * span
        self.min_arrow = 0.02 * span  # shorter than this, the arrow head alone would hide the point
        self.fontsize = fontsize
        self.levels = None
        # Bands of colour between contour levels; hidden until there is a surface.
        self._bands = show_grid(ax, np.zeros((2, 2)), cmap=SURFACE_COLOURMAP, origin="lower", aspect="auto",
                                interpolation="bilinear", interpolation_stage="data", zorder=1,
                                extent=self.extent, visible=False)
        self._lines = LineCollection([], colors="white", linewidths=0.5, alpha=0.6, zorder=2)
        ax.add_collection(self._lines, autolim=False)
        (self.path,) = ax.plot([], [], "-o", color=PATH_COLOUR, markersize=3, linewidth=1.6, zorder=4,
                               label="descent path")
        (self.end,) = ax.plot([], [], "X", color=PATH_COLOUR, markeredgecolor=INK, markersize=10, zorder=5,
                              label="after the last step")
        self.point = ax.scatter([], [], marker="s", s=70, color=FORWARD_COLOUR, edgecolor="white",
                                zorder=6, label="current weights")
        self.arrow = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=16, linewidth=2.4,
                                     color=ARROW_COLOUR, zorder=7, shrinkA=0, shrinkB=0)
        ax.add_patch(self.arrow)
        self.arrow.set_visible(False)
        self._arrow_ends = None
        self.arrow_note = veiled_text(ax, 0.02, 0.02, transform=ax.transAxes, fontsize=legible(fontsize - 2), color=INK,
                                      va="bottom", ha="left", zorder=8)
        self.note = veiled_text(ax, 0.5, 0.5, transform=ax.transAxes, ha="center", va="center",
                                color=QUIET_COLOUR, fontsize=legible(fontsize), zorder=8)
        ax.set_xlim(u_min, u_max)
        ax.set_ylim(v_min, v_max)
        ax.set_xlabel(xlabel, fontsize=legible(fontsize - 1))
        ax.set_ylabel(ylabel, fontsize=legible(fontsize - 1))
        ax.set_title(title, fontsize=legible(fontsize))
        # under the axes, not on the surface: it hides none of it, and nothing drawn under it changes
        # as the path moves (a legend over the surface was drawn again with every step)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=legible(fontsize - 3), frameon=False)
        self._make_key(legible(fontsize - 2))

    def _make_key(self, fontsize):
        """The colour key: a strip beside the plot, one band per level, with the loss at some edges."""
        self.key = self.ax.inset_axes([1.03, 0.0, 0.045, 1.0])
        self.key.set_xticks([])
        self.key.set_yticks([])
        self._key_bands = show_grid(self.key, np.zeros((1, 1)), cmap=SURFACE_COLOURMAP, origin="lower", aspect="auto",
                                    interpolation="nearest", extent=(0, 1, 0, 1), visible=False)
        self.key.set_xlim(0, 1)
        self.key.set_ylim(0, 1)
        self.key.set_title("loss", fontsize=fontsize, pad=fontsize)  # clear of the top number, centred on the edge
        self._key_numbers = [self.key.text(1.25, 0, "", transform=self.key.transAxes, ha="left", va="center",
                                           fontsize=fontsize, color=INK) for _ in range(KEY_NUMBERS)]

    def _show_key(self, levels):
        """The key for bands between ``levels`` (None: no surface, an empty key)."""
        self._key_bands.set_visible(levels is not None)
        shown = set()
        if levels is not None:
            bands = len(levels) - 1
            if self._key_bands.get_array().shape != (bands, 1):
                # band i in the colour band i has on the surface: a boundary norm's colours depend on
                # the count of bands only, so the key's picture changes only when the count does
                self._key_bands.set_data(np.arange(bands, dtype=float).reshape(bands, 1))
                self._key_bands.set_norm(BoundaryNorm(np.arange(bands + 1) - 0.5, self._bands.get_cmap().N))
            shown = {int(i) for i in np.round(np.linspace(0, bands, min(KEY_NUMBERS, bands + 1)))}
        for number, edge in zip(self._key_numbers, sorted(shown) + [None] * KEY_NUMBERS):
            text = "" if edge is None else format_number(levels[edge], 2)
            if number.get_text() != text:  # set only when it changes: a live figure redraws what changed
                number.set_text(text)
            if edge is not None and number.get_position()[1] != edge / bands:
                number.set_y(edge / bands)

    def grid(self, resolution=121):
        """The (U, V) mesh over the extent on which a caller evaluates its loss."""
        if int(resolution) < 2:
            raise ValueError(f"resolution must be at least 2; got {resolution}")
        u_min, u_max, v_min, v_max = self.extent
        return np.meshgrid(np.linspace(u_min, u_max, int(resolution)), np.linspace(v_min, v_max, int(resolution)))

    def set_surface(self, u, v, heights, levels=12, lines=None):
        """Show ``heights`` on the mesh (u, v) from ``grid()``: bands of colour between ``levels``
        (a count, as for ``contourf``, or the levels themselves) with thin lines at each level
        (``lines``: ``contour_lines(u, v, heights, levels)`` worked out before, for those levels)."""
        heights = np.asarray(heights, dtype=float)
        if np.shape(u) != heights.shape or np.shape(v) != heights.shape:
            raise ValueError(f"u, v and heights must share one shape; got {np.shape(u)}, {np.shape(v)}, "
                             f"{heights.shape}")
        finite = heights[np.isfinite(heights)]
        if finite.size == 0:
            raise ValueError("heights has no finite value: nothing to draw")
        if np.ndim(levels) == 0:
            low, high = float(finite.min()), float(finite.max())
            if low == high:  # a flat surface: one band around its height
                low, high = low - 0.5, high + 0.5
            levels = MaxNLocator(int(levels) + 1).tick_values(low, high)
        self.levels = np.asarray(levels, dtype=float)
        u = np.asarray(u, dtype=float)
        v = np.asarray(v, dtype=float)
        # each value is the colour of the cell around its mesh point, so the image reaches half a cell out
        half_u = (u[0, -1] - u[0, 0]) / (2 * (u.shape[1] - 1))
        half_v = (v[-1, 0] - v[0, 0]) / (2 * (v.shape[0] - 1))
        self._bands.set_data(heights)
        self._bands.set_extent((u[0, 0] - half_u, u[0, -1] + half_u, v[0, 0] - half_v, v[-1, 0] + half_v))
        self._bands.set_norm(self._band_norm(self.levels))
        self._bands.set_visible(True)
        self._lines.set_segments(contour_lines(u, v, heights, self.levels) if lines is None else lines)
        self._show_key(self.levels)
        self.ax.set_xlim(*self.extent[:2])
        self.ax.set_ylim(*self.extent[2:])

    def clear(self):
        """No surface (the loss cannot be worked out yet): the bands and lines hidden, the rest kept."""
        self.levels = None
        self._bands.set_visible(False)
        self._lines.set_segments([])
        self._show_key(None)

    def prepare(self, heights, levels):
        """Make the bands' picture of ``heights`` (on the mesh from ``grid()``) between ``levels``
        ahead of ``set_surface``, while the kernel waits: drawing them then costs no sampling (on an
        accelerated figure; elsewhere nothing is made ahead)."""
        prepare(self._bands, np.asarray(heights, dtype=float), self._band_norm(np.asarray(levels, dtype=float)))

    def _band_norm(self, levels):
        """The colour bands between ``levels``: the same norm for a picture made ahead and the one set."""
        return BoundaryNorm(levels, self._bands.get_cmap().N)

    def set_point(self, point, step=None):
        """Mark ``point`` = (u, v) and draw ``step`` = (du, dv) from it as an arrow (None: no arrow)."""
        point = np.asarray(point, dtype=float)
        if point.shape != (2,):
            raise ValueError(f"point must be a pair (u, v); got shape {point.shape}")
        if not np.all(np.isfinite(point)):
            self.point.set_offsets(np.empty((0, 2)))
            self._hide_arrow()
            return
        self.point.set_offsets(point[None, :])
        if step is None or not np.all(np.isfinite(np.asarray(step, dtype=float))):
            self._hide_arrow()
            return
        step = np.asarray(step, dtype=float)
        length = float(np.hypot(*step))
        if length < self.min_arrow:
            self._hide_arrow()
            self.arrow_note.set_text(f"step {length:.3g} long: too short to draw")
            self._note_away_from(point)
            return
        drawn = step if length <= self.max_arrow else step * (self.max_arrow / length)
        self._arrow_ends = (tuple(map(float, point)), tuple(map(float, point + drawn)))
        self.arrow.set_positions(*self._arrow_ends)
        self.arrow.set_visible(True)
        self.arrow_note.set_text(f"step {length:.3g} long, arrow shortened to {self.max_arrow:.3g}"
                                 if length > self.max_arrow else "")
        self._note_away_from(point, point + drawn)

    def _note_away_from(self, *points):
        """Put the arrow's note in the corner of the plot farthest from ``points`` and the path's
        end: it never covers the marks it is about."""
        u_min, u_max, v_min, v_max = self.extent
        marks = [((u - u_min) / (u_max - u_min), (v - v_min) / (v_max - v_min)) for u, v in points]
        ends = np.column_stack(self.end.get_data()).astype(float)
        marks += [((u - u_min) / (u_max - u_min), (v - v_min) / (v_max - v_min)) for u, v in ends]
        corners = [(0.02, 0.02, "left", "bottom"), (0.98, 0.02, "right", "bottom"),
                   (0.02, 0.98, "left", "top"), (0.98, 0.98, "right", "top")]
        x, y, ha, va = max(corners, key=lambda c: min((np.hypot(c[0] - u, c[1] - v) for u, v in marks),
                                                     default=0.0))
        if self.arrow_note.get_position() != (x, y):
            self.arrow_note.set_position((x, y))
        restyle(self.arrow_note, horizontalalignment=ha, verticalalignment=va)

    def _hide_arrow(self):
        self._arrow_ends = None
        self.arrow.set_visible(False)
        self.arrow_note.set_text("")

    def set_path(self, points):
        """The descent path through ``points`` (k x 2), first point to last; empty clears it."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        points = points[np.all(np.isfinite(points), axis=1)]
        self.path.set_data(points[:, 0], points[:, 1])
        if len(points):
            self.end.set_data([points[-1, 0]], [points[-1, 1]])
        else:
            self.end.set_data([], [])

    def set_note(self, text):
        """A sentence over the surface (an unfinished function, a path that failed)."""
        self.note.set_text(text)

    def drawn(self):
        """What is on the axes now, for tests: point, arrow end points, path, levels."""
        offsets = self.point.get_offsets()
        return {
            "point": tuple(map(float, offsets[0])) if len(offsets) else None,
            "arrow": self._arrow_ends if self.arrow.get_visible() else None,
            "path": np.column_stack(self.path.get_data()).astype(float),
            "levels": None if self.levels is None else self.levels.copy(),
            "note": self.note.get_text(),
        }


def contour_lines(u, v, heights, levels):
    """The segments of the contour lines of ``heights`` on the mesh (u, v) at each of ``levels``."""
    generator = contourpy.contour_generator(u, v, heights)
    return [segment for level in levels for segment in generator.lines(level)]
