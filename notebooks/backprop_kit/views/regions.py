"""A two-class data set with a classifier's region f >= 0, updated in place.

``DecisionRegions`` draws the points once (crosses for the class that should get
f >= 0, dots for the class that should get f < 0) and keeps every artist; ``update(f)``
swaps the shaded region and rings the misclassified points, so one persistent
figure serves a whole widget session.

Meaning never rests on colour alone: the two classes have different markers, the
region f >= 0 is shaded with a dashed boundary f = 0, and a misclassified point
gets a large ring as well as a colour.
"""

import textwrap

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .typesizes import legible
from .drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, WRONG_COLOUR, veiled_text
from .images import show_grid

REGION_COLOUR = "#56B4E9"  # Okabe-Ito sky blue, light: where f >= 0
CROSS, DOT = "\u00d7", "\u2022"


class DecisionRegions:
    """Points labelled ``True`` (want f >= 0, drawn x) or ``False`` (want f < 0, drawn o) on ``ax``."""

    def __init__(self, ax, points, labels, *, extent=(-3.0, 3.0, -3.0, 3.0), resolution=301,
                 title="", axis_names=("x1", "x2"), fontsize=11):
        self.points = np.asarray(points, dtype=float)
        self.labels = np.asarray(labels, dtype=bool)
        if self.points.ndim != 2 or self.points.shape[1] != 2:
            raise ValueError(f"points must be an (n, 2) array of (x1, x2) pairs; got shape {self.points.shape}")
        if self.labels.shape != (len(self.points),):
            raise ValueError(f"labels must have one entry per point, {len(self.points)}; got shape {self.labels.shape}")
        self.ax = ax
        self.extent = tuple(float(v) for v in extent)
        left, right, bottom, top = self.extent
        self._grid = np.meshgrid(np.linspace(left, right, resolution), np.linspace(bottom, top, resolution))
        self._boundary = None
        self.misclassified = np.zeros(len(self.points), dtype=bool)
        self.shaded = False  # whether a classifier is drawn (update with f=None draws none)
        self.region = show_grid(ax, np.zeros((resolution, resolution)), extent=self.extent, origin="lower",
                                cmap=ListedColormap(["white", REGION_COLOUR]), vmin=0, vmax=1, alpha=0.45,
                                interpolation="nearest", aspect="equal", zorder=0)
        crosses, dots = self.points[self.labels], self.points[~self.labels]
        ax.scatter(crosses[:, 0], crosses[:, 1], marker="x", s=60, linewidths=2.2, color=GRADIENT_COLOUR, zorder=3)
        ax.scatter(dots[:, 0], dots[:, 1], marker="o", s=40, color=FORWARD_COLOUR, zorder=3)
        self.rings = ax.scatter(np.empty(0), np.empty(0), marker="o", s=260, facecolors="none",
                                edgecolors=WRONG_COLOUR, linewidths=2.4, zorder=4)
        ax.axhline(0, color=INK, linewidth=0.6, zorder=1)
        ax.axvline(0, color=INK, linewidth=0.6, zorder=1)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        ax.set_xlabel(axis_names[0], fontsize=legible(fontsize))
        ax.set_ylabel(axis_names[1], fontsize=legible(fontsize), rotation=0, labelpad=12)
        ax.set_title(title, fontsize=legible(fontsize + 1))
        ax.legend(handles=[
            Line2D([], [], marker="x", linestyle="", color=GRADIENT_COLOUR, markeredgewidth=2.2,
                   label=f"{CROSS}: want f \u2265 0"),
            Line2D([], [], marker="o", linestyle="", color=FORWARD_COLOUR, label=f"{DOT}: want f < 0"),
            Patch(facecolor=REGION_COLOUR, alpha=0.45, edgecolor=INK, linestyle="--", label="shaded: f \u2265 0"),
            Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=WRONG_COLOUR,
                   markersize=13, markeredgewidth=2.4, label="ringed: misclassified"),
        ], loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=legible(fontsize - 2), frameon=False)
        self.note = veiled_text(ax, 0.5, 0.5, transform=ax.transAxes, ha="center", va="center",
                                fontsize=legible(fontsize), color=INK, zorder=5)

    def update(self, f, note=""):
        """Shade f >= 0 and ring the misclassified points; ``f=None`` clears both (shows ``note``).

        ``f(x1, x2)`` must accept numpy arrays.  Returns the boolean mask of misclassified points.
        """
        if self._boundary is not None:
            self._boundary.remove()
            self._boundary = None
        self.shaded = f is not None
        if f is None:
            self.region.set_data(np.zeros_like(self._grid[0]))
            self.misclassified = np.zeros(len(self.points), dtype=bool)
        else:
            grid_values = np.asarray(f(*self._grid), dtype=float)
            inside = grid_values >= 0
            self.region.set_data(inside.astype(float))
            if inside.any() and not inside.all():
                self._boundary = self.ax.contour(*self._grid, grid_values, levels=[0.0], colors=INK,
                                                 linewidths=1.4, linestyles="--", zorder=2)
            predicted = np.asarray(f(self.points[:, 0], self.points[:, 1]), dtype=float) >= 0
            self.misclassified = predicted != self.labels
        self.rings.set_offsets(self.points[self.misclassified] if self.misclassified.any() else np.empty((0, 2)))
        self.note.set_text(textwrap.fill(note, 44))  # stays inside the axes
        self.note.set_visible(bool(note))
        return self.misclassified
