"""A matrix (or vector) gradient beside its finite-difference estimate, as two grids of numbers.

``GradientHeatmap`` draws one axes with two blocks of the same shape, the
student's entries on the left and the centred finite differences on the right,
each cell coloured by its value and written out as a number, so the picture is
readable without colour.  Entries that disagree get a cross and a thick outline.
Like ``GraphView`` it builds its artists once; ``update`` changes them in place.
A vector of length d is shown as a d x 1 column.  While the student's entries are not computed
the estimate is blank too (predict, then compare), unless its ``part`` was revealed
(``widgets/reveal.py``); an entry that matches is written from one number, so both sides read the same.
"""

import matplotlib
import numpy as np
from matplotlib.patches import Rectangle

from .typesizes import legible
from .drawing import INK, QUIET_COLOUR, WRONG_COLOUR
from .images import show_grid
from ..values import MISSING, format_number, format_pair, is_missing
from ..widgets.reveal import is_revealed

COLOURMAP = "PuOr"  # diverging, readable with the common colour-vision deficiencies
RTOL = 1e-4  # the same tolerance as GradientBars: finite differences are good to ~1e-8
ATOL = 1e-6
WRONG_MARK = "\u2717"


def as_grid(shape):
    """The 2-D grid a gradient of ``shape`` is drawn as: matrices as they are, vectors as columns."""
    shape = tuple(int(n) for n in shape)
    if len(shape) == 2:
        return shape
    if len(shape) == 1:
        return (shape[0], 1)
    if len(shape) == 0:
        return (1, 1)
    raise ValueError(f"a heatmap shows a scalar, vector or matrix; got shape {shape}")


class GradientHeatmap:
    """``GradientHeatmap(ax, (3, 3), "dl/dW1")``; then ``update(yours, estimate)`` after each change."""

    def __init__(self, ax, shape, label, *, fontsize=9, show_titles=True, part=None):
        self.ax = ax
        self.part = part
        self.label = label
        self.shape = tuple(int(n) for n in shape)
        self.rows, self.cols = as_grid(self.shape)
        self.fontsize = fontsize
        self.status = "not computed yet"
        # One image for both blocks, with a blank (NaN) column between them.
        blank = np.full((self.rows, 2 * self.cols + 1), np.nan)
        colours = matplotlib.colormaps[COLOURMAP].with_extremes(bad="white")  # the gap stays blank
        self.image = show_grid(ax, blank, cmap=colours, vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
        self.your_texts = [[self._cell_text(r, c) for c in range(self.cols)] for r in range(self.rows)]
        self.estimate_texts = [[self._cell_text(r, self.cols + 1 + c) for c in range(self.cols)]
                               for r in range(self.rows)]
        self.outlines = [[self._outline(r, c) for c in range(self.cols)] for r in range(self.rows)]
        ax.set_xticks([(self.cols - 1) / 2, self.cols + 1 + (self.cols - 1) / 2],
                      ["yours", "finite diff."], fontsize=legible(fontsize))
        ax.xaxis.set_ticks_position("top")
        ax.tick_params(length=0)
        # indices, so that a student can find W[1, 2]: rows on the left, columns under each block
        ax.set_yticks(range(self.rows), [str(r) for r in range(self.rows)], fontsize=legible(fontsize - 1),
                      color=QUIET_COLOUR)
        if len(self.shape) == 2:
            columns = ax.secondary_xaxis("bottom")
            columns.set_xticks([*range(self.cols), *range(self.cols + 1, 2 * self.cols + 1)],
                               [str(c) for c in range(self.cols)] * 2, fontsize=legible(fontsize - 1), color=QUIET_COLOUR)
            columns.tick_params(length=0)
            columns.spines["bottom"].set_visible(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if show_titles:
            ax.set_title(label, fontsize=legible(fontsize + 2), pad=18)
        # a colour bar: the colour's number scale (the cells also write their numbers out)
        self.colour_bar = ax.figure.colorbar(self.image, ax=ax, fraction=0.04, pad=0.02)
        self.colour_bar.ax.tick_params(labelsize=legible(fontsize - 1))
        self.note = ax.text(0.5, -0.04 if len(self.shape) < 2 else -0.12, "", transform=ax.transAxes,
                            ha="center", va="top", fontsize=legible(fontsize), color=WRONG_COLOUR, wrap=True)

    def _cell_text(self, row, column):
        return self.ax.text(column, row, "", ha="center", va="center", fontsize=legible(self.fontsize), color=INK)

    def _outline(self, row, column):
        box = Rectangle((column - 0.46, row - 0.46), 0.92, 0.92, fill=False, edgecolor=WRONG_COLOUR,
                        linewidth=2.6, visible=False)
        self.ax.add_patch(box)
        return box

    def update(self, yours, estimate):
        """Show ``yours`` (array, or ``...``/None while unfinished) beside ``estimate``."""
        estimate = np.asarray(estimate, dtype=float)
        if estimate.shape != self.shape:
            raise ValueError(f"{self.label}: the estimate has shape {estimate.shape}; "
                             f"this heatmap was made for {self.shape}")
        mine, self.status = self._usable(yours)
        grid = np.full((self.rows, 2 * self.cols + 1), np.nan)
        estimate_grid = estimate.reshape(self.rows, self.cols)
        hidden = mine is None and not is_revealed(self.part)  # nothing of yours to compare yet
        if not hidden:
            grid[:, self.cols + 1:] = estimate_grid
        wrong = np.zeros((self.rows, self.cols), dtype=bool)
        if mine is not None:
            mine = mine.reshape(self.rows, self.cols)
            grid[:, :self.cols] = mine
            wrong = ~np.isclose(mine, estimate_grid, rtol=RTOL, atol=ATOL)
            count = int(wrong.sum())
            self.status = f"{count} of {wrong.size} entries off" if count else "matches"
        largest = np.nanmax(np.abs(grid)) if np.isfinite(grid).any() else 0.0
        largest = largest if largest > 0 else 1.0
        self.image.set_data(grid)
        self.image.set_clim(-largest, largest)
        for r in range(self.rows):
            for c in range(self.cols):
                if mine is None:
                    for text in (self.your_texts[r][c], self.estimate_texts[r][c]):
                        text.set_text(MISSING)
                        text.set_color(QUIET_COLOUR)
                    if not hidden:
                        self._write(self.estimate_texts[r][c], estimate_grid[r, c], None, largest)
                else:
                    yours_text, estimate_text = format_pair(_shown(mine[r, c]), _shown(estimate_grid[r, c]),
                                                            not wrong[r, c], digits=2)
                    self._write(self.your_texts[r][c], mine[r, c], yours_text, largest, wrong[r, c])
                    self._write(self.estimate_texts[r][c], estimate_grid[r, c], estimate_text, largest)
                self.outlines[r][c].set_visible(bool(wrong[r, c]))
        self.note.set_text("" if mine is not None else f"{self.label} {self.status}")
        return self.status

    def _usable(self, yours):
        """(array of the right shape, "") or (None, a sentence saying why not)."""
        if is_missing(yours):
            return None, "not computed yet"
        try:
            array = np.asarray(yours, dtype=float)
        except (TypeError, ValueError):
            return None, f"should be an array of numbers; got {type(yours).__name__}"
        if array.shape != self.shape:
            return None, f"has shape {array.shape}; it should be {self.shape}"
        if not np.all(np.isfinite(array)):
            return None, "has entries that are not finite numbers"
        return array, ""

    def _write(self, text, value, written, largest, wrong=False):
        written = format_number(_shown(value), 2) if written is None else written
        text.set_text(written + (WRONG_MARK if wrong else ""))
        # white ink on the darkest cells, dark ink elsewhere
        text.set_color("white" if abs(value) > 0.6 * largest else INK)


def _shown(value):
    return 0.0 if abs(value) <= ATOL else value  # finite-difference noise around 0 reads as 0
