"""Fixtures for the real-browser tests: chromium, one demo server and one JupyterLab per run.

Without chromium (or the playwright package) these tests skip with the reason locally, and
FAIL in CI (CI=true), where .ci/run installs Debian's chromium: a browser test that silently
stops running is worse than none.
"""

import importlib.util
import os

import pytest

from tests.browser import harness
from tests.conftest import NOTEBOOKS

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing_browser():
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (it is pinned in requirements.txt)"
    if not harness.CHROMIUM.exists():
        return (f"{harness.CHROMIUM} is missing: install Debian's chromium with "
                f"`apt-get install -y --no-install-recommends chromium` (.ci/run does this in CI)")
    return ""


@pytest.fixture(scope="session")
def browser():
    problem = _missing_browser()
    if problem:
        if IN_CI:
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests need chromium: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = harness.new_page(browser)
    yield page
    page.close(run_before_unload=True)  # its kernel is shut down once idle (grader/demo.py: CLOSED_PAGE_IDLE_S)


@pytest.fixture(scope="session")
def demo_server(browser, tmp_path_factory):
    """``./kit demo`` with every notebook: one Voila server for the whole run."""
    folder = tmp_path_factory.mktemp("demo")
    home = harness.throwaway_home(tmp_path_factory.mktemp("home-voila"))
    with harness.demo_server(NOTEBOOKS, folder, home, harness.ARTIFACTS / "voila.log") as server:
        yield server


@pytest.fixture(scope="session")
def lab_server(browser, tmp_path_factory):
    """JupyterLab on copies of the student notebooks: one server for the whole run."""
    folder = harness.student_folder(NOTEBOOKS, tmp_path_factory.mktemp("students"))
    home = harness.throwaway_home(tmp_path_factory.mktemp("home-lab"))
    with harness.lab_server(folder, home, harness.ARTIFACTS / "jupyterlab.log") as server:
        yield server
