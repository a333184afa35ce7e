"""When a plain ipympl figure's new frame goes to the browser.

``draw_idle`` asks the browser to ask for a frame (matplotlib's WebAgg handshake): during a
fast drag that coalesces the changes into one frame per round trip, but for a single slider
step the round trip is only waiting (10-20 ms in the Voila demo page).  ``FramePacer`` draws
and sends at once when the browser has had the last frame for a while and is not about to
ask for one, and asks otherwise.  Public matplotlib only: ``canvas.draw`` (WebAgg sends the
frame as it draws), ``canvas.draw_idle`` and the ``draw_event``.
"""

import time

# A frame drawn less than this long ago may still be on its way to the browser or loading
# there: ipympl's frames are differences from the last one, and one sent on top of a frame the
# browser has not yet loaded would be lost.  So the browser is asked instead.
FRAME_IN_FLIGHT_S = 0.1


class FramePacer:
    """Call ``refresh()`` instead of ``canvas.draw_idle()`` on a plain ipympl canvas."""

    def __init__(self, canvas):
        self.canvas = canvas
        # time.monotonic() of the last full draw; None: never drawn, so no browser shows it yet
        # (a notebook run without a front end never draws: nothing is drawn for nobody)
        self._drawn_at = None
        self._asked = False  # the browser was asked for a frame and none was drawn since
        canvas.mpl_connect("draw_event", self._drawn)

    def refresh(self):
        idle = (self._drawn_at is not None and not self._asked
                and time.monotonic() - self._drawn_at > FRAME_IN_FLIGHT_S)
        if idle:
            self.canvas.draw()
        else:
            self._asked = True
            self.canvas.draw_idle()

    def _drawn(self, _event):
        self._drawn_at = time.monotonic()
        self._asked = False
