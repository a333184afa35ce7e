"""Bars of the student's gradients beside finite-difference estimates, updated in place."""

import numpy as np

from .typesizes import legible
from .drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, QUIET_COLOUR, WRONG_COLOUR, restyle
from ..values import MISSING, format_value, is_missing, round_up_nicely
from ..widgets.reveal import is_revealed

# Bars all shorter than this are nothing to fit the axes to (a gradient of 0 estimated as 1e-11).
NOTHING_TO_SHOW = 1e-6


class GradientBars:
    """One pair of bars per gradient entry: yours (solid) and finite differences (hatched).

    An entry you have not computed yet has no hatched bar either (predict, then compare), unless
    ``part`` (the graded part the bars belong to, e.g. "q1c_backward") was revealed
    (``widgets/reveal.py``)."""

    def __init__(self, ax, labels, title="your gradients vs. finite differences", fontsize=11, part=None):
        self.ax = ax
        self.part = part
        self.labels = list(labels)
        self._limit = None
        self.shown = []  # (label, yours, finite differences) as written: the figure's text alternative
        positions = np.arange(len(self.labels))
        width = 0.38
        zeros = np.zeros(len(self.labels))
        self.yours = ax.bar(positions - width / 2, zeros, width, color=GRADIENT_COLOUR, label="yours")
        self.estimates = ax.bar(positions + width / 2, zeros, width, facecolor="white",
                                edgecolor=FORWARD_COLOUR, hatch="///", linewidth=1.4,
                                label="finite differences")
        self.value_texts = [ax.text(x - width / 2, 0, "", ha="center", fontsize=legible(fontsize - 2))
                            for x in positions]
        ax.axhline(0, color=INK, linewidth=0.8)
        ax.set_xticks(positions, self.labels, fontsize=legible(fontsize))
        # The legend sits between the title and the plot: inside the axes a tall bar ran into it.
        ax.set_title(title, fontsize=legible(fontsize), pad=2.2 * fontsize)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=legible(fontsize - 2),
                  frameon=False, borderaxespad=0.2)
        ax.spines[["top", "right"]].set_visible(False)

    def update(self, yours, estimates):
        """``yours`` and ``estimates``: sequences of numbers (or ``...``/None where missing)."""
        tallest = 0.0
        yours, estimates = list(yours), list(estimates)
        revealed = is_revealed(self.part)
        # no estimate (no forward pass), or no answer of yours to compare it with: no hatched bar
        known = [not is_missing(e) and (revealed or not _missing(v)) for e, v in zip(estimates, yours)]
        estimates = [float(e) if k else 0.0 for e, k in zip(estimates, known)]
        for bar, text, value, estimate, checked in zip(self.yours, self.value_texts, yours, estimates, known):
            missing = _missing(value)
            height = 0.0 if missing else float(value)
            off = not missing and checked and not np.isclose(height, estimate, rtol=1e-4, atol=1e-6)
            _set_height(bar, height)
            restyle(bar, color=WRONG_COLOUR if off else QUIET_COLOUR if missing else GRADIENT_COLOUR)
            text.set_text(MISSING if missing else format_value(height, 3) + (" \u2717" if off else ""))
            if text.get_position()[1] != height:
                text.set_y(height)
            restyle(text, verticalalignment="bottom" if height >= 0 else "top")
            tallest = max(tallest, abs(height))
        for bar, estimate in zip(self.estimates, estimates):
            _set_height(bar, estimate)
            tallest = max(tallest, abs(estimate))
        self.shown = [(label, text.get_text(), format_value(estimate, 3) if checked else MISSING)
                      for label, text, estimate, checked in zip(self.labels, self.value_texts, estimates, known)]
        self._fit_limits(tallest)

    def _fit_limits(self, tallest):
        """Symmetric y limits at the next round number above the tallest bar: they change only
        when a bar crosses a round number, so the axes stay put (and a live figure can redraw
        just the bars: acceleration/blitting.py), and the same inputs always give the same picture."""
        if not np.isfinite(tallest):
            return  # an infinite gradient: keep the axes, the bar text says what it is
        if tallest < NOTHING_TO_SHOW:
            tallest = 1.0  # no bar yet (or only finite-difference noise about 0): a plain unit scale
        limit = round_up_nicely(1.25 * tallest)
        if limit != self._limit:
            self._limit = limit
            self.ax.set_ylim(-limit, limit)


def _missing(value):
    return is_missing(value) or not np.isscalar(value) and np.ndim(value) != 0


def _set_height(bar, height):
    # Only a real change marks the bar changed (a live figure redraws what changed,
    # acceleration/blitting.py); a finite-difference estimate wobbles in its last digits.
    if not np.isclose(bar.get_height(), height, rtol=1e-9, atol=1e-12):
        bar.set_height(height)
