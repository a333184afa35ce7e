"""Python's cyclic garbage collector kept off a slider's path.

A kernel that has imported matplotlib, numpy and ipywidgets and built a notebook's demos holds
about 300,000 objects the collector tracks.  A collection of the oldest generation walks all of
them (~160 ms on the machines measured), and Python starts one now and then while a slider moves:
that frame comes 160 ms late.  Objects that live as long as the kernel need no walking, so once
the cells that build live figures have run (the kernel idle a moment), everything alive is
collected once and then frozen (``gc.freeze``: left out of later collections).  Each new figure
does it again, unfreezing first, so whatever has become garbage since (a figure whose cell was run
again) is still freed.  Outside a running event loop (a script, a test) nothing is done.
"""

import asyncio
import gc

AFTER_IDLE_S = 0.5  # a notebook's cells build several figures one after another: once, after them

_pending = None  # the event loop's handle of the collection to come


def freeze_when_idle():
    """Collect and freeze once the kernel has been idle AFTER_IDLE_S; whether it will."""
    global _pending
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    if _pending is not None:
        _pending.cancel()
    _pending = loop.call_later(AFTER_IDLE_S, collect_and_freeze)
    return True


def collect_and_freeze():
    global _pending
    _pending = None
    gc.unfreeze()  # what was frozen before and is garbage now is collected too
    gc.collect()
    gc.freeze()
