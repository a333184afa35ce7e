"""Work done while the kernel waits: a live demo readies what the next slider value will need.

Between two slider steps the kernel is idle.  ``IdleWork.start(steps)`` runs ``steps`` (callables)
on the kernel's event loop once it has been idle a moment, one step a turn of the loop, so a
message that comes meanwhile waits for the step being run at most; starting again (the next
slider move) drops what is left.  Outside a running event loop (a script, a test, nbconvert)
nothing is run: the work was only ever ahead of time, never needed.  ``LiveFigure.work_ahead``
runs it for an accelerated figure; ``live.next_values`` names a drag's next values.
"""

import asyncio

START_AFTER_S = 0.03  # during a fast drag the next step comes sooner: the kernel is left to it


class IdleWork:
    def __init__(self):
        self._pending = None  # the event loop's handle of the next step

    def start(self, steps):
        """Run ``steps`` one by one while the kernel is idle (after what was left is dropped);
        returns whether there is an event loop to run them on."""
        self.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        steps = iter(steps)

        def run_next():
            step = next(steps, None)
            if step is None:
                self._pending = None
                return
            self._pending = loop.call_soon(run_next)  # first: a step that fails ends only itself
            step()

        self._pending = loop.call_later(START_AFTER_S, run_next)
        return True

    @property
    def pending(self):
        """Whether steps are left to run."""
        return self._pending is not None

    def cancel(self):
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
