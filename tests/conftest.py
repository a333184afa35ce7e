"""Shared fixtures: the notebooks that exist, Otter grading with a per-run cache, pyplot on ipympl."""

import pytest

from grader.build import ROOT, master_names, outputs_for
from grader.batch import grade

NOTEBOOKS = master_names()


@pytest.fixture(scope="session", autouse=True)
def own_state_folder(tmp_path_factory):
    """The batch grader's keys (one per output folder) go to this run's own folder, never ~/.local/state."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
        yield


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def grade_with_otter():
    """grade_with_otter(notebook_name, submission_path) -> grader.grading.Grade, via Otter."""
    cache = {}

    def run(notebook_name, submission):
        key = (notebook_name, str(submission))
        if key not in cache:
            cache[key] = grade(submission, outputs_for(notebook_name)["autograder"])
        return cache[key]

    return run


@pytest.fixture(scope="session")
def grade_wrong_submission(grade_with_otter, tmp_path_factory):
    """grade_wrong_submission(notebook_name, case) -> its Grade, graded once per run whichever test asks."""
    from tests.support.submissions import compose, write

    folder = tmp_path_factory.mktemp("wrong_submissions")

    def run(notebook_name, case):
        path = folder / f"{notebook_name}-{case.name}.ipynb"
        if not path.exists():
            write(compose(notebook_name, case), folder, path.stem)
        return grade_with_otter(notebook_name, path)

    return run


@pytest.fixture
def ipympl_backend():
    """pyplot on ipympl for one test (no browser needed), then back to what it was."""
    import matplotlib  # here: importing pyplot at collection would choose a backend for every test

    previous = matplotlib.get_backend()  # before ipympl's first import, which switches pyplot to it
    pytest.importorskip("ipympl", reason="this stack has no ipympl: its figures are static pictures")
    import matplotlib.pyplot as plt

    plt.switch_backend("module://ipympl.backend_nbagg")
    yield
    plt.close("all")
    plt.switch_backend(previous)


@pytest.fixture
def cell_runs(monkeypatch):
    """IPython as a kernel has it, with IPython's own event manager: call the fixture's value to
    run a cell (the events a cell triggers before it runs); ``.events`` is the manager."""
    import IPython
    from IPython.core.events import EventManager, available_events

    shell = type("Shell", (), {})()
    shell.events = EventManager(shell, available_events)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)

    def run_cell():
        shell.events.trigger("pre_run_cell", None)

    run_cell.events = shell.events
    yield run_cell
    import matplotlib.pyplot as plt

    plt.uninstall_repl_displayhook()  # pyplot may have hooked into this shell (plt.ion): let it go too


def run_on_own_loop(coroutine_function):
    """asyncio.run(coroutine_function()) in a thread of its own: a test before may have left an
    event loop running in this one (Playwright's sync API does)."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


async def until_idle_work_done(work, timeout_s=30):
    """Wait (on the running loop) until ``work`` (an IdleWork) has no step left: tests wait for the
    work itself, not for a time a loaded machine may overrun."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while work.pending:
        assert loop.time() < deadline, f"idle work still running after {timeout_s} s"
        await asyncio.sleep(0.01)
