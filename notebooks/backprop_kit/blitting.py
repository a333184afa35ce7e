"""Blitting for a live ipympl figure: redraw only the artists that change.

A full matplotlib draw of a demo figure re-lays out and re-renders every text, tick
and patch (40-70 ms here); a slider move usually changes a dozen texts and bars.
``Blitter`` learns which artists change: the first time an artist changes it becomes
*animated* (left out of full draws), the figure is drawn once without it and that
image is kept as the background.  From then on a refresh restores the background and
draws only the animated artists, in z-order (10-20 ms).  Anything else that changes
(axis limits, an artist seen changing for the first time) makes the figure stale, and
the next refresh is a full draw again.

It keeps ipympl's own handshake: ``draw_idle`` asks the browser, the browser asks for a
frame only once it has shown the last one, so fast slider drags still coalesce and no
frame is dropped.  What changes is what the kernel does when the browser asks.

An animated artist is skipped by ``savefig``; the live figure is only ever shown
through its canvas, and the static figures of a notebook are separate figures.
"""

from matplotlib.axis import Axis


class Blitter:
    """Attach to an ipympl figure; call ``request()`` instead of ``canvas.draw_idle()``."""

    def __init__(self, figure):
        self.figure = figure
        self.canvas = figure.canvas
        self.dynamic = []  # animated artists, in the order they are drawn (z-order)
        self.blits = self.full_draws = 0  # how each browser request was answered (tests, profiling)
        self._background = None
        self._undrawn = set()  # ids of artists the last full draw left out (axis off, empty text)
        self._blit_requested = False
        self._full_draw = self.canvas.draw
        # The browser's "draw" request reaches the canvas as handle_draw (matplotlib's WebAgg
        # protocol); answering it here lets a request be served by a blit.
        self.canvas.handle_draw = self._answer_draw_request
        self.canvas.mpl_connect("draw_event", self._after_full_draw)

    def request(self):
        """Show the figure's current state: a blit when only animated artists changed."""
        if self._background is not None and self.figure.stale:
            self._learn()
        self._blit_requested = self._background is not None and not self.figure.stale
        self.canvas.draw_idle()

    # ---- the two ways of answering the browser ---------------------------------------

    def _answer_draw_request(self, _event=None):
        if self._blit_requested and self._background is not None and not self.figure.stale:
            self._blit_requested = False
            self.blits += 1
            self.canvas.restore_region(self._background)
            self._draw_dynamic()
            self.canvas.blit(self.figure.bbox)  # WebAgg: send the changed pixels
        else:
            self._blit_requested = False
            self.full_draws += 1
            self._full_draw()

    def _after_full_draw(self, _event):
        """A full draw just rendered everything but the animated artists: keep it, then add them."""
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        # A drawn artist is no longer stale; one still stale was not drawn (its axes are off, its
        # text is empty): it must not be mistaken for a changed one, nor drawn by us.
        self._undrawn = {id(a) for a, _ in _leaf_artists(self.figure) if a.stale and not a.get_animated()}
        self._draw_dynamic()

    def _draw_dynamic(self):
        renderer = self.canvas.get_renderer()
        for artist in self.dynamic:
            if artist.get_visible() and artist.figure is self.figure:
                artist.draw(renderer)

    # ---- learning which artists change -----------------------------------------------

    def _learn(self):
        """Make every artist that changed since the last draw animated (and what must stay above it)."""
        leaves = dict(_leaf_artists(self.figure))  # artist -> its place in the drawing order
        changed = [a for a in leaves
                   if a.stale and not a.get_animated() and a.get_visible() and id(a) not in self._undrawn]
        if not changed:
            return  # limits or layout changed: a full draw, nothing to learn
        still = [a for a in leaves if not a.get_animated() and a.get_visible() and a not in changed
                 and id(a) not in self._undrawn]
        new = _with_artists_above(changed, still, leaves, self.canvas.get_renderer(), self.figure.bbox)
        for artist in new:
            artist.set_animated(True)
        # drawn in the order a full draw would draw them, so overlaps come out the same
        self.dynamic = sorted(self.dynamic + new, key=lambda a: leaves.get(a, ()))
        self.figure.stale = True  # the background still shows them: draw it again without them


def _leaf_artists(figure):
    """(artist, place in the drawing order) for every artist without children, except axis ticks
    (an axis redraws those itself).  The place is the path of (z-order, position) pairs from the
    figure down, the order matplotlib sorts and draws in."""

    def walk(artist, place):
        children = artist.get_children()
        if not children:
            yield artist, place
        for index, child in enumerate(children):
            if not isinstance(child, Axis):
                yield from walk(child, place + ((child.get_zorder(), index),))

    yield from walk(figure, ())


def _with_artists_above(changed, still, places, renderer, everywhere):
    """``changed`` plus every still artist drawn after one of them, in the same axes, over it.

    Animated artists are drawn after the background, so an unchanging artist that should
    cover a changing one (a node circle over the end of its wire) must be animated too.
    """
    extents = {}

    def extent(artist):
        if id(artist) not in extents:
            try:
                # padded: antialiased edges reach a pixel or two beyond the box
                extents[id(artist)] = artist.get_window_extent(renderer).padded(2)
            except Exception:  # an artist that cannot say where it is: assume it is everywhere
                extents[id(artist)] = everywhere
        return extents[id(artist)]

    chosen, still, queue = list(changed), list(still), list(changed)
    while queue:
        below = queue.pop()
        for artist in list(still):
            if artist.axes is below.axes and places[artist] > places[below] \
                    and extent(artist).overlaps(extent(below)):
                still.remove(artist)
                chosen.append(artist)
                queue.append(artist)
    return chosen
