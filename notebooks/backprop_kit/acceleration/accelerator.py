"""One live ipympl figure made fast, and made plain again if the layer ever fails on it.

``Accelerator(figure)`` attaches a ``Blitter`` (redraw only what changed, text from kept
glyphs) and ``DiffFrames`` (frames cut to the changed pixels) to the figure's canvas; both
replace canvas methods on the instance.  What they replaced and connected is noted, so a
setup that raises, or a later failure, leaves the canvas with its own methods: a plain
ipympl figure that draws everything each time.
"""

import logging

from . import collector
from .blitting import Blitter
from .frames import DiffFrames
from .idle import IdleWork
from .images import GridImage
from .rehearsal import Rehearsal

log = logging.getLogger(__name__)


class Accelerator:
    """The layer on one figure.  ``request()`` shows the figure's current state (in place of
    ``canvas.draw_idle()``); ``grid_image(ax, **settings)`` makes an ``AxesImage`` that draws a
    grid fast; ``work_ahead(steps)`` runs callables while the kernel waits; ``rehearse(show_next,
    show_now)`` draws a next step's texts and new limits' backgrounds ahead; ``detach()`` makes
    the figure plain."""

    def __init__(self, figure):
        self.figure = figure
        self.canvas = canvas = figure.canvas
        own, connected = dict(vars(canvas)), _connections(canvas)
        try:
            self.blitter = Blitter(figure)
            self.frames = DiffFrames(canvas)
            self._answer_browser = canvas.handle_draw  # the blitter's: guarded below
            canvas.handle_draw = self._guarded_handle_draw
        except BaseException:
            _restore(canvas, own, _set_since(canvas, own), connected)
            raise
        self._own, self._installed, self._connected = own, _set_since(canvas, own), connected
        self.ahead = IdleWork()
        self.rehearsal = Rehearsal(self.blitter)
        self.attached = True
        collector.freeze_when_idle()  # the kernel's long-lived objects out of the collector's walks

    def request(self):
        self.blitter.request()

    def grid_image(self, ax, **settings):
        return GridImage(ax, **settings)

    def work_ahead(self, steps):
        """Run ``steps`` (callables) while the kernel waits (see idle.py); whether they will run."""
        return self.attached and self.ahead.start(steps)

    def rehearse(self, show_next, show_now):
        """Draw the figure as ``show_next()`` sets it off screen (its new texts, the background of
        new limits), then ``show_now()`` (rehearsal.py); whether it ran.  A failure is only a step
        not drawn ahead: what it left changed stays marked changed, and is drawn again."""
        if not self.attached:
            return False
        try:
            return self.rehearsal.run(show_next, show_now)
        except Exception:
            log.debug("a rehearsal failed: the next step draws its texts anew", exc_info=True)
            return False

    def _guarded_handle_draw(self, event):
        # the browser asks for a frame: a failure here would leave the figure frozen in the page
        try:
            self._answer_browser(event)
        except Exception:
            log.debug("the acceleration layer failed answering the browser: drawn plainly", exc_info=True)
            self.detach()
            self.canvas.handle_draw(event)

    def detach(self):
        """Leave the figure a plain ipympl figure: the canvas's own methods, nothing animated, a
        renderer without kept glyphs, the next frame whole.  Its grid images stay (public to
        draw)."""
        if not self.attached:
            return
        self.attached = False
        self.ahead.cancel()
        _restore(self.canvas, self._own, self._installed, self._connected)
        for artist in self.blitter.dynamic:
            artist.set_animated(False)
        self.canvas._lastKey = None  # FigureCanvasAgg makes a new renderer: the old one kept glyphs
        self.canvas._force_full = True  # the browser may hold raw pastes: send it a whole picture
        self.figure.stale = True


def _connections(canvas):
    """The ids of every callback connected to the canvas's events."""
    return {cid for callbacks in canvas.callbacks.callbacks.values() for cid in callbacks}


def _set_since(canvas, own):
    """The names of the canvas instance's attributes set since it held ``own``: what the layer
    installed (canvas methods it replaces), when taken right after the setup."""
    return {name for name, value in vars(canvas).items() if name not in own or own[name] is not value}


def _restore(canvas, own, installed, connected):
    """Undo the ``installed`` attributes (back to ``own``, or the class's) and the callbacks
    connected since ``connected``; what the canvas itself changed meanwhile is left as it is."""
    for name in installed:
        if name in own:
            setattr(canvas, name, own[name])
        else:
            vars(canvas).pop(name, None)
    for cid in _connections(canvas) - connected:
        canvas.mpl_disconnect(cid)
