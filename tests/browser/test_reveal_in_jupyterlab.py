"""Predict, then reveal, in JupyterLab in a real browser: an untouched notebook 1 run from the top
shows a button per graded part instead of its worked values, and one click shows that part's
values (and only that part's); another button, focused and pressed with Space, shows its own."""

from tests.browser import harness
from tests.browser.lab import OPEN_TIMEOUT, RUN_TIMEOUT, errors, finished, state

NAME = "01_staged_computation"
FORWARD_TEXT = "the forward pass gives"  # the worked text of (a) and of (c), as rendered
BACKWARD_TEXT = "The backward pass gives"


def test_one_click_reveals_one_parts_worked_values(lab_server, page):
    page.goto(f"{lab_server.url}/lab/tree/{NAME}.ipynb?reset", wait_until="commit")
    harness.wait_until(lambda: (s := state(page)) and s["kernel"] == "idle" and s["cells"], OPEN_TIMEOUT,
                       f"{NAME}: the notebook did not open with an idle kernel in JupyterLab")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    try:
        done = harness.wait_until(lambda: finished(page), RUN_TIMEOUT, f"{NAME}: running all cells did not finish",
                                  interval=0.5)
        assert not errors(done["cells"])
        notebook = page.locator(".jp-NotebookPanel:visible")
        button = notebook.locator("button", has_text="Show the worked values of (c)")
        harness.wait_until(lambda: button.count() == 1, 30, "no button for the worked values of (c)")
        assert notebook.locator("button", has_text="Show the worked values of (a)").count() == 1
        text = notebook.inner_text()
        assert BACKWARD_TEXT not in text and FORWARD_TEXT not in text, "worked values shown before an attempt"

        button.scroll_into_view_if_needed()
        button.click()
        harness.wait_until(lambda: BACKWARD_TEXT in notebook.inner_text(), 20, "the click did not show (c)")
        assert FORWARD_TEXT not in notebook.inner_text(), "one click showed another part too"

        # from the keyboard too: a button in the Tab order, pressed with Space
        other = notebook.locator("button", has_text="Show the worked values of (a)")
        assert other.evaluate("b => b.tabIndex") >= 0, "the reveal button is not in the Tab order"
        other.focus()
        other.press("Space")
        harness.wait_until(lambda: FORWARD_TEXT in notebook.inner_text(), 20, "Space on the button did not show (a)")
    finally:
        harness.screenshot(page, f"{NAME}-reveal")
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
