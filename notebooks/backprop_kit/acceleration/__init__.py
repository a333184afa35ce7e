"""The acceleration layer: a live ipympl figure redrawn in a few ms a slider step.

The teaching package draws with public matplotlib only; this layer makes its live figures
fast by re-doing private parts of matplotlib and ipympl (``accelerator``: one figure's parts
put together, and taken apart if they ever fail; ``blitting``: redraw only what
changed; ``glyphs``: text from kept glyphs; ``frames``: frames cut to the changed pixels;
``images``: grid images sampled with numpy; ``idle``: work done while the kernel waits;
``rehearsal``: a drag's next step drawn ahead, out of sight;
``collector``: the garbage collector's long walks kept off a slider's path;
``figure-frames.js``: the demo page's script that draws those frames in the browser).
Those parts change between releases, so it switches itself on only on the stack it was
tested on (``TESTED``) and only for an ipympl figure; ``live.py`` imports it lazily and
draws the figure plainly (changed artists, ``draw_idle``) wherever it is off or fails.

The whole interface is ``accelerate(figure)``, an ``Accelerator`` or None, and
``unsupported(figure)``, why not.  ``BACKPROP_KIT_ACCELERATION=off`` turns it off.
"""

import os
import re
import sys

SWITCH = "BACKPROP_KIT_ACCELERATION"
OFF = ("off", "0", "no", "false")
# The (major, minor) releases the layer was tested on: requirements.txt's pins.  It reads and
# replaces private parts of these (matplotlib's Agg text and artists' internals, ipympl's canvas
# state) and relies on matplotlib 3.11 leaving animated images out of Axes.draw (3.10 drew them:
# twice, blitted).
TESTED = {"matplotlib": (3, 11), "ipympl": (0, 10), "ipywidgets": (8, 1)}
IPYMPL_CANVAS = "ipympl.backend_nbagg"


def unsupported(figure):
    """Why ``figure`` is drawn plainly here (a few words), or None when the layer can take it."""
    if os.environ.get(SWITCH, "on").strip().lower() in OFF:
        return f"{SWITCH} is {os.environ[SWITCH]!r}"
    canvases = sys.modules.get(IPYMPL_CANVAS)  # imported if the figure is ipympl's
    if canvases is None or not isinstance(figure.canvas, canvases.Canvas):
        return "not an ipympl figure"
    # (read from the modules already imported: importing ipympl anew switches pyplot's backend)
    for name, tested in TESTED.items():
        version = getattr(sys.modules.get(name), "__version__", "")
        if release(version) != tested:
            return f"{name} {version or '(not imported)'} is not {tested[0]}.{tested[1]}.x, the release tested"
    return None


def release(version):
    """(major, minor) of a version string ("3.11.2" -> (3, 11)), or None."""
    found = re.match(r"(\d+)\.(\d+)", version)
    return (int(found[1]), int(found[2])) if found else None


def accelerate(figure):
    """An ``Accelerator`` attached to ``figure`` where the layer supports it, else None.  A setup
    that raises leaves the canvas as it was and raises: the caller draws the figure plainly."""
    if unsupported(figure) is not None:
        return None
    from .accelerator import Accelerator  # here: its modules use the private names tested above

    return Accelerator(figure)
