"""Type sizes: every text a drawing makes passes its size through ``legible``.

In a notebook a drawing keeps the sizes it asks for.  On a projector (``live.projector_mode``,
which ``./kit demo`` turns on) no text is smaller than what reads from the back of a room:
``live.SMALLEST_PROJECTED_PX`` screen pixels, whatever the drawing asked for.  The sizes are read
when a drawing is made, as the projector's dots per inch are.
"""

from ..widgets import live


def smallest():
    """The smallest type size in points a text made now may have (None: any size, in a notebook)."""
    return live.smallest_text_pt()


def legible(points):
    """``points``, raised to the projector's smallest size where it is smaller."""
    floor = smallest()
    return points if floor is None or points >= floor else floor
