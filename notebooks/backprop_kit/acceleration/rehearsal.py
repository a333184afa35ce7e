"""Rehearsal: a drag's next step drawn while the kernel waits, off screen: its new texts, and
the background of any axes it gives new limits.

A step to a value not drawn before writes new texts (in notebook 5, ~25 a step of x: wire
labels, check-list rows, a title), and each is laid out, its glyphs placed and merged into
images the first time it is drawn at its place: about a third of that step's repaint.  A
step back and forth draws the same texts from images kept for their places (glyphs.py).

A step may also give an axes new limits (notebook 3's curves rescale every few steps of a
drag of c), and its background is drawn again there (~15-20 ms); a step back puts back the
background kept for limits seen before.

``Rehearsal.run(show_next, show_now)`` has the demo set its figure as the next step will
(``show_next``), draws the animated texts that changed into a renderer of its own, keeping
their layouts and images, draws and keeps the background of any axes with new limits
(``Blitter.keep_backgrounds_ahead``), and has the demo set the figure back (``show_now``);
then every artist's changed mark is put back as it was.  Nothing is drawn on the canvas,
sent, or learnt: the canvas, the background shown and the browser see no change.  The
demo's promise is that ``show_now`` sets exactly what was shown; the step that comes then
draws its texts from kept images and puts back its background, as a step back does.
"""

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.axis import Axis
from matplotlib.text import Text

from .blitting import _changed, _layouts_kept, _shows
from .glyphs import keep_glyphs_on


class Rehearsal:
    """Draws a figure's next step ahead (``run``), for one Blitter and its kept glyphs."""

    def __init__(self, blitter):
        self.blitter = blitter
        self._off_screen = None  # off screen, the canvas renderer's size and resolution
        self.texts_drawn = self.backgrounds_kept = 0  # (tests, profiling)

    def run(self, show_next, show_now):
        """Draw what ``show_next()`` changes off screen, then ``show_now()``; whether it ran
        (not before the figure's first full draw: nothing is known to change yet).  Every mark is
        put back, so a change not yet in a frame stays marked."""
        blitter, figure = self.blitter, self.blitter.figure
        # (nor while the browser is about to ask for a frame: during a fast drag it would wait)
        if blitter._background is None or blitter._browser_will_ask:
            return False
        marks = [(artist, artist.stale) for artist in _every_artist(figure)]
        rescaled = set()
        try:
            show_next()
            texts = [artist for artist in blitter.dynamic if isinstance(artist, Text) and _changed(artist)
                     and _shows(artist) and artist.figure is figure]
            renderer = self._renderer_like(blitter.canvas.get_renderer())
            blitter.glyphs.rehearsing = True
            with _layouts_kept(texts):
                for text in texts:
                    text.draw(renderer)
            self.texts_drawn += len(texts)
            blitter.glyphs.rehearsing = False
            rescaled = blitter.keep_backgrounds_ahead()  # an axes with new limits: its background
            self.backgrounds_kept += len(rescaled)
        finally:
            blitter.glyphs.rehearsing = False
            show_now()
        blitter.keep_backgrounds(rescaled)  # the shown limits', in a zone that may have grown
        for artist, stale in reversed(marks):  # children before their parents, which a True reaches
            artist.stale = stale
        return True

    def _renderer_like(self, renderer):
        own = self._off_screen
        if own is None or (own.width, own.height, own.dpi) != (renderer.width, renderer.height, renderer.dpi):
            own = RendererAgg(renderer.width, renderer.height, renderer.dpi)
            self._off_screen = keep_glyphs_on(own, self.blitter.glyphs)
        return self._off_screen


def _every_artist(figure):
    """The figure and every artist in it, down to the leaves; an axis is not asked for its
    children (that makes new ticks, which marks it changed)."""
    stack = [figure]
    while stack:
        artist = stack.pop()
        yield artist
        if not isinstance(artist, Axis):
            stack.extend(artist.get_children())
