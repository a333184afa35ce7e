"""Bars of the student's gradients beside finite-difference estimates, updated in place."""

import numpy as np

from .drawing import FORWARD_COLOUR, GRADIENT_COLOUR, INK, QUIET_COLOUR, WRONG_COLOUR
from .values import MISSING, format_value, is_missing


class GradientBars:
    """One pair of bars per gradient entry: yours (solid) and finite differences (hatched)."""

    def __init__(self, ax, labels, title="your gradients vs. finite differences", fontsize=11):
        self.ax = ax
        self.labels = list(labels)
        positions = np.arange(len(self.labels))
        width = 0.38
        zeros = np.zeros(len(self.labels))
        self.yours = ax.bar(positions - width / 2, zeros, width, color=GRADIENT_COLOUR, label="yours")
        self.estimates = ax.bar(positions + width / 2, zeros, width, facecolor="white",
                                edgecolor=FORWARD_COLOUR, hatch="///", linewidth=1.4,
                                label="finite differences")
        self.value_texts = [ax.text(x - width / 2, 0, "", ha="center", fontsize=fontsize - 2)
                            for x in positions]
        ax.axhline(0, color=INK, linewidth=0.8)
        ax.set_xticks(positions, self.labels, fontsize=fontsize)
        ax.set_title(title, fontsize=fontsize)
        ax.legend(loc="upper right", fontsize=fontsize - 2, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)

    def update(self, yours, estimates):
        """``yours`` and ``estimates``: sequences of numbers (or ``...``/None where missing)."""
        tallest = 1.0
        for bar, text, value, estimate in zip(self.yours, self.value_texts, yours, estimates):
            missing = is_missing(value) or not np.isscalar(value) and np.ndim(value) != 0
            height = 0.0 if missing else float(value)
            off = not missing and not np.isclose(height, float(estimate), rtol=1e-4, atol=1e-6)
            bar.set_height(height)
            bar.set_color(WRONG_COLOUR if off else QUIET_COLOUR if missing else GRADIENT_COLOUR)
            text.set_text(MISSING if missing else format_value(height, 3) + (" \u2717" if off else ""))
            text.set_y(height)
            text.set_va("bottom" if height >= 0 else "top")
            tallest = max(tallest, abs(height))
        for bar, estimate in zip(self.estimates, estimates):
            bar.set_height(float(estimate))
            tallest = max(tallest, abs(float(estimate)))
        self.ax.set_ylim(-1.25 * tallest, 1.25 * tallest)
