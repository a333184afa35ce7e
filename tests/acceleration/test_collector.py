"""backprop_kit.acceleration.collector: the kernel's long-lived objects frozen out of the cyclic
garbage collector's walks once the cells that build figures have run, and still freed when they
become garbage."""

import asyncio
import gc
import weakref

from backprop_kit.acceleration import collector
from tests.conftest import run_on_own_loop


class Cycle:
    """An object only the cyclic collector can free (it refers to itself)."""

    def __init__(self):
        self.me = self


def test_after_the_cells_everything_alive_is_frozen_and_garbage_since_is_still_freed(monkeypatch):
    monkeypatch.setattr(collector, "AFTER_IDLE_S", 0.02)
    gc.unfreeze()
    try:
        async def cells():
            kept = Cycle()
            assert collector.freeze_when_idle()
            assert collector.freeze_when_idle(), "a second figure's cell: one collection, after both"
            await asyncio.sleep(0.01)
            assert gc.get_freeze_count() == 0, "nothing is done while cells may still be running"
            await asyncio.sleep(0.1)
            assert gc.get_freeze_count() > 0, "the kernel's objects are frozen once it is idle"
            assert not any(o is kept for o in gc.get_objects()), "frozen: no collection walks it again"
            gone = weakref.ref(kept)
            del kept  # a figure whose cell ran again: garbage while frozen
            gc.collect()
            assert gone() is not None, "frozen garbage waits..."
            collector.freeze_when_idle()
            await asyncio.sleep(0.1)
            assert gone() is None, "...for the next figure's collection, which unfreezes first"

        run_on_own_loop(cells)
    finally:
        gc.unfreeze()


def test_outside_an_event_loop_nothing_is_frozen():
    gc.unfreeze()
    assert not collector.freeze_when_idle()
    assert gc.get_freeze_count() == 0
