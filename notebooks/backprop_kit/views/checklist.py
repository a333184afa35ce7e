"""A column of check lines on an axes, updated in place: one line per quantity, tick or cross.

Where gradients differ by orders of magnitude (a loss derivative of -100 beside a
sigmoid slope of 0.008) bars hide the small ones; a list of lines names every
quantity with its number and says which one is off.  The status is carried by
the symbol (tick, cross, question mark) and repeated by colour, never by colour alone.
"""

from .typesizes import legible
from .drawing import INK, QUIET_COLOUR, WRONG_COLOUR

STATUSES = {"ok": ("\u2713", INK), "wrong": ("\u2717", WRONG_COLOUR), "missing": ("?", QUIET_COLOUR)}


class CheckList:
    """``CheckList(ax, n_lines, title)``; ``update([(status, text), ...])`` rewrites the lines."""

    def __init__(self, ax, n_lines, *, title="", fontsize=10, footer=""):
        if int(n_lines) < 1:
            raise ValueError(f"a check list needs at least one line; got {n_lines}")
        self.ax = ax
        ax.axis("off")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        if title:
            # clear of the first line (which changes): close enough to touch, it would be drawn with it
            ax.set_title(title, fontsize=legible(fontsize + 1), pad=10)
        # the sentence under the lines wraps to two lines where the axes are narrow: room for both
        top, bottom = 0.97, 0.24
        gap = (top - bottom) / max(int(n_lines) - 1, 1)
        self.lines = [ax.text(0.0, top - i * gap, "", ha="left", va="center", fontsize=legible(fontsize),
                              family="DejaVu Sans Mono", color=INK) for i in range(int(n_lines))]
        self.footer = ax.text(0.0, 0.0, footer, ha="left", va="bottom", fontsize=legible(fontsize - 1),
                              color=INK, wrap=True)

    def update(self, rows, footer=None):
        """``rows``: (status, text) pairs, status one of "ok", "wrong", "missing"."""
        rows = list(rows)
        if len(rows) > len(self.lines):
            raise ValueError(f"{len(rows)} rows for a check list of {len(self.lines)} lines")
        for line, row in zip(self.lines, rows + [("ok", None)] * (len(self.lines) - len(rows))):
            status, text = row
            if status not in STATUSES:
                raise ValueError(f"status must be one of {sorted(STATUSES)}; got {status!r}")
            symbol, colour = STATUSES[status]
            line.set_text("" if text is None else f"{symbol} {text}")
            line.set_color(colour)
            line.set_fontweight("bold" if status == "wrong" else "normal")
        if footer is not None:
            self.footer.set_text(footer)

    def texts(self):
        """The lines as drawn, for tests."""
        return [line.get_text() for line in self.lines]
