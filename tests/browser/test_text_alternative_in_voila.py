"""The text alternative and the keyboard on the projected demo (``./kit demo``), in a real browser.

For every notebook: each live demo holds its figure's text alternative (views/texttable.py: tables
with a caption and scoped headers) in the page, for a screen reader, even while it is out of sight;
the "Table of values" toggle shows it on screen from the keyboard (Space) and hides it again
(Enter); a slider moved with the arrow keys changes its numbers, and moved back restores them; Tab
leaves a figure (ipympl keeps every key, Tab too: the demo page passes Tab by); and Tab reaches
every control of every demo (slider handles, dropdowns, buttons, checkboxes).  Each figure drawn
once has its tables right after it, in a "Table of values" disclosure that Enter opens and closes.
"""

import pytest

from tests.browser import harness
from tests.conftest import NOTEBOOKS

LOAD_TIMEOUT = 90  # s: Voila runs every cell before it sends the page; the machine may be busy
REDRAW_TIMEOUT = 20
TEXT_ALTERNATIVE = ".bpk-text-alternative"
TABLE_TOGGLE = "button:has-text('Table of values')"
# Everything a person operates: the handles of sliders, dropdowns, buttons (one per choice of a
# row of toggles), checkboxes; not those the demo switched off, nor those not drawn (ipympl's
# hidden toolbar).
CONTROLS = ".noUi-handle[role=slider], select, button, input[type=checkbox]"
ENABLED = ("e => !e.disabled && !e.closest('.mod-disabled, [disabled]') "
           "&& e.checkVisibility({checkVisibilityCSS: true, visibilityProperty: true})")
MAX_TABS = 1000


def text_of(app):
    return app.locator(TEXT_ALTERNATIVE).evaluate("e => e.textContent")


def on_screen(app):
    """True when the text alternative is drawn at a readable size (not the 1-pixel hidden box)."""
    box = app.locator(TEXT_ALTERNATIVE).bounding_box()
    return box is not None and box["width"] > 50 and box["height"] > 20


def tab_through(page):
    """Press Tab from the top of the page, round the page twice (as often as there are elements
    that could take focus, twice over), marking every element that gets focus."""
    page.mouse.click(1, 1)  # focus starts from the top of the page, not from the last control used
    could = page.evaluate("() => document.querySelectorAll('a[href], button, input, select, textarea, "
                          "[tabindex]').length")
    presses = 2 * could + 5
    assert presses <= MAX_TABS, f"{could} elements could take focus: too many to tab through"
    for _ in range(presses):
        page.keyboard.press("Tab")
        page.evaluate("() => { const e = document.activeElement; if (e) e.dataset.bpkTabbed = '1'; }")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_text_alternative_and_keyboard_in_voila(name, demo_server, page):
    page.goto(harness.demo_url(demo_server, name), wait_until="commit")
    apps = harness.wait_until(lambda: harness.live_apps(page), LOAD_TIMEOUT,
                              f"{name}: no live demo (sliders, an ipympl figure and a readout) appeared")
    for number, app in enumerate(apps, start=1):
        what = f"{name}, live demo {number}"
        harness.wait_until(lambda: app.locator(TEXT_ALTERNATIVE).count() == 1, REDRAW_TIMEOUT,
                           f"{what}: no text alternative in the page")
        tables = app.locator(f"{TEXT_ALTERNATIVE} table")
        assert tables.count() >= 1, f"{what}: the text alternative holds no table"
        assert tables.count() == app.locator(f"{TEXT_ALTERNATIVE} table > caption").count(), \
            f"{what}: a table without a caption"
        assert app.locator(f"{TEXT_ALTERNATIVE} th:not([scope])").count() == 0, f"{what}: a header without a scope"
        assert not on_screen(app), f"{what}: the tables should be out of sight until asked for"

        toggle = app.locator(TABLE_TOGGLE)
        toggle.focus()
        toggle.press("Space")
        harness.wait_until(lambda: on_screen(app), REDRAW_TIMEOUT, f"{what}: Space on the toggle showed no table")
        toggle.press("Enter")
        harness.wait_until(lambda: not on_screen(app), REDRAW_TIMEOUT, f"{what}: Enter on the toggle hid nothing")

        slider = next(s for s in app.locator(harness.SLIDER).all() if not harness.is_disabled(s))
        label = harness.slider_name(slider)
        before = text_of(app)
        forward, back = ("ArrowRight", "ArrowLeft") if harness.can_step_up(slider) else ("ArrowLeft", "ArrowRight")
        harness.press(slider, forward)
        harness.wait_until(lambda: text_of(app) != before, REDRAW_TIMEOUT,
                           f"{what}: moving {label!r} with {forward} changed nothing in the text alternative")
        harness.press(slider, back)
        harness.wait_until(lambda: text_of(app) == before, REDRAW_TIMEOUT,
                           f"{what}: moving {label!r} back did not restore the text alternative")

        figure = app.locator(".jupyter-matplotlib-canvas-div").first
        figure.focus()
        page.keyboard.press("Tab")
        assert not figure.evaluate("e => e === document.activeElement"), \
            f"{what}: Tab does not leave the figure (a keyboard trap)"

    tab_through(page)
    # every control on the page: the live demos' and the others' (notebook 4's classifier builder)
    controls = [c for c in page.locator(f".jupyter-widgets :is({CONTROLS})").all() if c.evaluate(ENABLED)]
    assert len(controls) >= len(apps), f"{name}: no controls found"
    missed = [c.evaluate("e => e.getAttribute('aria-label') || e.innerText || e.outerHTML.slice(0, 80)")
              for c in controls if not c.evaluate("e => !!e.dataset.bpkTabbed")]
    assert not missed, f"{name}: Tab never reaches {missed}"


# A figure drawn once (widgets/static.py): its tables in a "Table of values" disclosure right after it.
STATIC_TEXT = "details.bpk-static-figure-text"
# Whether the output before the disclosure's own is a figure (an ipympl canvas or a picture).
FIGURE_BEFORE = """e => { const output = e.closest('.jp-OutputArea-child');
    const before = output && output.previousElementSibling;
    return !!(before && before.querySelector('.jupyter-matplotlib-canvas-div canvas, img')); }"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_static_figure_has_its_table_of_values_after_it_in_voila(name, demo_server, page):
    """Each figure drawn once has its text alternative right after it, one closed line ("Table of
    values") that Enter on its summary opens and closes: captioned tables with scoped headers."""
    page.goto(harness.demo_url(demo_server, name), wait_until="commit")
    harness.wait_until(lambda: harness.live_apps(page), LOAD_TIMEOUT, f"{name}: the demo page did not load")
    disclosures = page.locator(STATIC_TEXT).all()
    assert disclosures, f"{name}: no static figure's text alternative on the page"
    for number, disclosure in enumerate(disclosures, start=1):
        what = f"{name}, static figure {number}"
        assert disclosure.evaluate(FIGURE_BEFORE), f"{what}: the output before its tables is not a figure"
        region = disclosure.locator(TEXT_ALTERNATIVE)
        assert not region.is_visible(), f"{what}: the tables should be closed until asked for"
        summary = disclosure.locator("summary")
        assert summary.inner_text().strip() == "Table of values"
        summary.focus()
        summary.press("Enter")
        harness.wait_until(lambda: region.is_visible() and on_screen(disclosure), REDRAW_TIMEOUT,
                           f"{what}: Enter on its summary showed no table")
        tables = region.locator("table")
        assert tables.count() >= 1 and tables.count() == region.locator("table > caption").count(), \
            f"{what}: no table, or a table without a caption"
        assert region.locator("th:not([scope])").count() == 0, f"{what}: a header without a scope"
        harness.screenshot(page, f"{name}-static-figure-{number}-table-of-values")
        summary.press("Enter")
        harness.wait_until(lambda: not region.is_visible(), REDRAW_TIMEOUT, f"{what}: Enter again hid nothing")
