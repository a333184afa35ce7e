"""Named line plots updated in place: loss against iteration, a function with its tangent.

``LiveCurves`` makes one Line2D per name once; ``update`` only swaps their data
and rescales the axes to limits that change only in coarse steps, the same
draw-once pattern as ``GraphView``.
"""

import textwrap

import numpy as np
from matplotlib.ticker import LogFormatterSciNotation

from .typesizes import legible
from .drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, QUIET_COLOUR, veiled_text
from ..values import format_number, round_up_nicely

# Okabe-Ito colours, in the order curves are added.
CURVE_COLOURS = (FORWARD_COLOUR, GRADIENT_COLOUR, "#009E73", "#CC79A7", "#E69F00", "#56B4E9", INK)
# Points larger than this (in size) are not drawn: a run that diverges reaches 1e300 and beyond, where
# limits around it break the axis (on a log axis matplotlib's tick labels overflow and the figure
# stops drawing).  The curve is cut there and its note says it diverged.  On a log axis points
# below 1 / LARGEST_DRAWN are not drawn either.
LARGEST_DRAWN = 1e100


# How update() sets the y limits:
#   "data"       the data's range rounded out to a coarse grid: the curves fill the axes
#   "from_zero"  0 to a round number above the highest point (a loss, which is never negative)
#   "symmetric"  -L to L, L a round number above the largest size (weights, gradients)
# The last two hold while the curves move below the round number; limits that follow the data
# change with most moves, and a change of limits redraws more (acceleration/blitting.py).
Y_LIMITS = ("data", "from_zero", "symmetric")


class LiveCurves:
    """Curves on one axes; ``update({name: (xs, ys)})`` redraws only the named ones."""

    def __init__(self, ax, names, *, title="", xlabel="", ylabel="", logy=False, styles=None,
                 fontsize=11, y_limits="data", log_floor=None):
        """``log_floor`` (a log axis only): the lowest y shown, so that only the top follows the data
        (the smallest values of a decaying curve jump by decades from one slider value to the
        next); a curve that falls below it runs off the bottom."""
        if y_limits not in Y_LIMITS or (logy and y_limits != "data"):
            raise ValueError(f"y_limits must be one of {Y_LIMITS} (only 'data' on a log axis); got {y_limits!r}")
        if log_floor is not None and not (logy and log_floor > 0):
            raise ValueError(f"log_floor is the lowest y of a log axis: a positive number with logy=True; "
                             f"got {log_floor!r} with logy={logy}")
        self.ax = ax
        self.y_limits = y_limits
        self.log_floor = log_floor
        self.lines = {}
        for index, name in enumerate(names):
            style = dict(color=CURVE_COLOURS[index % len(CURVE_COLOURS)], linewidth=2)
            style.update((styles or {}).get(name, {}))
            (self.lines[name],) = ax.plot([], [], label=name, **style)
        if logy:
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(ShortMinorLabels(labelOnlyBase=False))
        ax.set_title(title, fontsize=legible(fontsize))
        ax.set_xlabel(xlabel, fontsize=legible(fontsize - 1))
        ax.set_ylabel(ylabel, fontsize=legible(fontsize - 1))
        ax.spines[["top", "right"]].set_visible(False)
        if len(names) > 1:
            ax.legend(fontsize=legible(fontsize - 2), frameon=False)
        self.note = veiled_text(ax, 0.5, 0.5, transform=ax.transAxes, ha="center", va="center",
                                color=QUIET_COLOUR, fontsize=legible(fontsize))

    def update(self, data, note=""):
        """``data`` maps names to (xs, ys); missing (nan) points are dropped, and a curve that
        diverges (an infinite point, or one past LARGEST_DRAWN) is cut there, with a line added
        to ``note`` (shown if not empty) saying so."""
        diverged = []
        for name, (xs, ys) in data.items():
            xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
            with np.errstate(invalid="ignore"):
                huge = np.isinf(ys) | (np.abs(ys) > LARGEST_DRAWN)
                keep = np.isfinite(xs) & np.isfinite(ys) & ~huge
                if self.ax.get_yscale() == "log":
                    keep &= ys >= 1 / LARGEST_DRAWN
            if huge.any():
                diverged.append(f"{name}: diverged at {self.ax.get_xlabel() or 'x'} {xs[np.argmax(huge)]:g} "
                                f"(beyond {LARGEST_DRAWN:.0e}: not drawn)")
            line, xs, ys = self.lines[name], xs[keep], ys[keep]
            # the same data again (a curve that does not depend on the slider moved) is no change:
            # a live figure would repaint the curve and all it crosses
            if not (np.array_equal(line.get_xdata(), xs) and np.array_equal(line.get_ydata(), ys)):
                line.set_data(xs, ys)
        self.note.set_text(self._wrapped("\n".join(filter(None, [note, *diverged]))))
        self.ax.relim()
        self.ax.autoscale_view()
        # y limits rounded out to a coarse grid: a small change keeps them, so a live figure redraws
        # only the curves (a blit), and the same data always get the same limits.
        log = self.ax.get_yscale() == "log"
        if self.y_limits == "data":
            low, high = _rounded_out(self.ax.get_ylim(), log)
            if self.log_floor is not None:
                low, high = self.log_floor, max(high, 10 * self.log_floor)
            self.ax.set_ylim(low, high, auto=None)  # auto=None: keep autoscaling
        else:
            ys = [line.get_ydata() for line in self.lines.values() if len(line.get_ydata())]
            reach = max((float(np.max(np.abs(y))) for y in ys), default=0.0)
            top = round_up_nicely(reach * 1.05) if reach > 0 else 1.0  # 5%: a curve never runs along the edge
            self.ax.set_ylim(-top if self.y_limits == "symmetric" else 0.0, top, auto=None)
        self._legend_clear_of_note()

    def _legend_clear_of_note(self):
        """The legend hidden while the note covers it: the note says what went wrong (a run that
        diverged), and the legend is back once it is gone."""
        legend = self.ax.get_legend()
        get_renderer = getattr(self.ax.figure.canvas, "get_renderer", None)
        if legend is None or get_renderer is None:
            return
        covered = False
        if self.note.get_text():
            renderer = get_renderer()
            covered = self.note.get_window_extent(renderer).overlaps(legend.get_window_extent(renderer))
        if legend.get_visible() == covered:
            legend.set_visible(not covered)

    def _wrapped(self, text):
        """``text`` broken into lines as wide as the axes: a long note ran over the ticks and off
        the figure."""
        width_px = self.ax.get_window_extent().width
        size_px = self.note.get_fontsize() * self.ax.figure.dpi / 72
        columns = max(int(width_px / (0.6 * size_px)), 12)  # 0.6 em: a wide average character
        return "\n".join(textwrap.fill(line, columns) for line in text.split("\n"))


class ShortMinorLabels(LogFormatterSciNotation):
    """The minor ticks of a log axis that matplotlib labels, written short: "0.175", not 1.75x10^-1
    (within a decade those ran off the figure)."""

    def __call__(self, x, pos=None):
        return format_number(x, 3) if super().__call__(x, pos) else ""


def _rounded_out(limits, log):
    """``limits`` widened to multiples of half the power of ten below their span (in log10 on a log axis)."""
    low, high = np.log10(limits) if log else np.asarray(limits, dtype=float)
    span = high - low
    if not np.isfinite(span) or span <= 0:
        return tuple(limits)
    step = 10.0 ** np.floor(np.log10(span)) / 2
    low, high = np.floor(low / step) * step, np.ceil(high / step) * step
    return (10 ** low, 10 ** high) if log else (low, high)
