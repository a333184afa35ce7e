"""backprop_kit.acceleration.idle: work run while the kernel waits, one step a turn of its event loop."""

import asyncio
import concurrent.futures

from backprop_kit.acceleration.idle import IdleWork
from tests.conftest import run_on_own_loop, until_idle_work_done


def test_steps_run_in_order_once_idle_and_a_new_start_drops_the_rest():
    done = []

    async def drag():
        work = IdleWork()
        assert work.start(lambda: done.append(name) for name in "abc")
        assert done == [], "nothing runs before the kernel has been idle a moment"
        await until_idle_work_done(work)
        assert done == ["a", "b", "c"]
        # the next slider move comes between two steps: what was left is dropped
        next_move = lambda: work.start([lambda: done.append("g")])
        work.start([lambda: done.append("d"), next_move, lambda: done.append("f")])
        await until_idle_work_done(work)

    run_on_own_loop(drag)
    assert done == ["a", "b", "c", "d", "g"], done


def test_a_step_that_fails_ends_only_itself():
    done = []

    def fails():
        raise RuntimeError("a step went wrong")

    async def run():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: done.append("reported"))
        work = IdleWork()
        work.start([fails, lambda: done.append("next")])
        await until_idle_work_done(work)

    run_on_own_loop(run)
    assert done == ["reported", "next"]


def test_outside_an_event_loop_nothing_is_run():
    done = []
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a thread without a loop
        assert pool.submit(IdleWork().start, [lambda: done.append("x")]).result() is False
    assert done == []
