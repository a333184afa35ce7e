"""Named line plots updated in place: loss against iteration, a function with its tangent.

``LiveCurves`` makes one Line2D per name once; ``update`` only swaps their data
and rescales the axes when the data no longer fit them well, the same draw-once
pattern as ``GraphView``.
"""

import numpy as np

from .drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, QUIET_COLOUR

# Okabe-Ito colours, in the order curves are added.
CURVE_COLOURS = (FORWARD_COLOUR, GRADIENT_COLOUR, "#009E73", "#CC79A7", "#E69F00", "#56B4E9", INK)


class LiveCurves:
    """Curves on one axes; ``update({name: (xs, ys)})`` redraws only the named ones."""

    def __init__(self, ax, names, *, title="", xlabel="", ylabel="", logy=False, styles=None,
                 fontsize=11):
        self.ax = ax
        self.lines = {}
        for index, name in enumerate(names):
            style = dict(color=CURVE_COLOURS[index % len(CURVE_COLOURS)], linewidth=2)
            style.update((styles or {}).get(name, {}))
            (self.lines[name],) = ax.plot([], [], label=name, **style)
        if logy:
            ax.set_yscale("log")
        ax.set_title(title, fontsize=fontsize)
        ax.set_xlabel(xlabel, fontsize=fontsize - 1)
        ax.set_ylabel(ylabel, fontsize=fontsize - 1)
        ax.spines[["top", "right"]].set_visible(False)
        if len(names) > 1:
            ax.legend(fontsize=fontsize - 2, frameon=False)
        self.note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            color=QUIET_COLOUR, fontsize=fontsize)

    def update(self, data, note=""):
        """``data`` maps names to (xs, ys); non-finite points are dropped, ``note`` shows if empty."""
        for name, (xs, ys) in data.items():
            xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
            keep = np.isfinite(xs) & np.isfinite(ys)
            if self.ax.get_yscale() == "log":
                keep &= ys > 0
            self.lines[name].set_data(xs[keep], ys[keep])
        self.note.set_text(note)
        before = self.ax.get_xlim(), self.ax.get_ylim()
        self.ax.relim()
        self.ax.autoscale_view()
        # Keep limits that still show the data well: a small change then redraws only the curves
        # (a blit in a live figure) instead of rescaling the axes at every slider step.
        log = self.ax.get_yscale() == "log"
        if _still_fits(before[0], self.ax.get_xlim(), self.ax.get_xscale() == "log") and \
                _still_fits(before[1], self.ax.get_ylim(), log):
            self.ax.set_xlim(before[0])
            self.ax.set_ylim(before[1])
        else:  # headroom, so the next small change still fits
            self.ax.set_ylim(_widened(self.ax.get_ylim(), HEADROOM, log))


# New limits smaller than this share of the old ones are worth rescaling to.
MIN_FILL = 0.7
# Share of the y range added above and below when the axes are rescaled.
HEADROOM = 0.08


def _widened(limits, share, log):
    low, high = np.log10(limits) if log else np.asarray(limits, dtype=float)
    pad = share * (high - low)
    low, high = low - pad, high + pad
    return (10 ** low, 10 ** high) if log else (low, high)


def _still_fits(old, new, log):
    """True when the old limits hold the new ones and the new fill at least MIN_FILL of them."""
    old, new = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    if log:
        if (old <= 0).any() or (new <= 0).any():
            return False
        old, new = np.log10(old), np.log10(new)
    return bool(old[0] <= new[0] and new[1] <= old[1] and new[1] - new[0] >= MIN_FILL * (old[1] - old[0]))
