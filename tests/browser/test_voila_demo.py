"""The live demo as instructors project it (``./kit demo``), driven in a real browser.

For every notebook: the Voila app loads with no error, the readout shows the worksheet's
numbers, every slider moved from the keyboard redraws the same figure (its pixels change,
the canvas stays the same element) and changes the numbers, moving it back restores them,
and values typed into a slider's readout box give the expected numbers; each demo fits a
1920x1080 projector screen with no control's text cut off.  The demo page
draws frames its own way (figure-frames.js): changed rectangles at their offsets, and
ipympl's snapshot of the figure only once the figure is still.  Step mode (notebook 1): the
arrow keys on the step slider move the highlighted wire and its numbers.
Screenshots go to test-artifacts/browser/.
"""

import time
import warnings

import pytest

from grader import demo
from grader.build import outputs_for
from tests.browser import harness
from tests.browser.expectations import READOUT_UNCHANGED_BY, TYPED, expected_readouts, mismatches
from tests.conftest import NOTEBOOKS

LOAD_TIMEOUT = 90  # s: Voila runs every cell before it sends the page; the machine may be busy
REDRAW_TIMEOUT = 20
BURST = 8  # key presses sent without waiting, faster than frames come back
SNAPSHOT_TIMEOUT = 10  # s: the demo page takes ipympl's snapshot 0.5 s after the last frame, when idle

# In the page before it loads: key presses, frames drawn into a figure on the page, images drawn or
# pixels put into canvases off the page (ipympl's copy of the figure) and where, and PNG encodes of those
# (ipympl's snapshot of a figure for saving).
FRAME_LOG = """
window.__frames = [];
const now = () => performance.now();
document.addEventListener('keydown', () => window.__frames.push(['key', now()]), true);
const toDataURL = HTMLCanvasElement.prototype.toDataURL;
HTMLCanvasElement.prototype.toDataURL = function (...args) {
    if (!this.isConnected) window.__frames.push(['snapshot', now()]);
    return toDataURL.apply(this, args);
};
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const [toX, toY] = args.length === 9 ? args.slice(5, 7) : args.slice(1, 3);  // where it goes
    window.__frames.push(this.canvas.isConnected ? ['frame', now()] : ['image', now(), toX, toY]);
    return drawImage.apply(this, args);
};
const putImageData = CanvasRenderingContext2D.prototype.putImageData;  // a raw diff's rectangles
CanvasRenderingContext2D.prototype.putImageData = function (...args) {
    if (!this.canvas.isConnected) window.__frames.push(['image', now(), args[1], args[2]]);
    return putImageData.apply(this, args);
};
"""


def wait_for_readout(app, expected, what):
    """Wait until the readout in ``app`` shows ``expected``; fail listing what it shows instead."""
    try:
        harness.wait_until(lambda: not mismatches(harness.readout(app), expected), REDRAW_TIMEOUT, what)
    except AssertionError:
        wrong = mismatches(harness.readout(app), expected)
        details = ", ".join(f"{name}: expected {want}, shows {shown}" for name, (want, shown) in wrong.items())
        raise AssertionError(f"{what}: {details}") from None


def open_demo(page, server, name):
    """Load the demo page; a page stuck while Voila runs the notebook is loaded once more (and said)."""
    for attempt in (1, 2):
        page.goto(harness.demo_url(server, name), wait_until="commit")
        try:
            apps = harness.wait_until(lambda: harness.live_apps(page), LOAD_TIMEOUT,
                                      f"{name}: no live demo (sliders, an ipympl figure and a readout) appeared")
            break
        except AssertionError as problem:
            harness.screenshot(page, f"{name}-voila-not-loaded-{attempt}")
            if attempt == 2:
                raise AssertionError(f"{problem}\nVoila log:\n{server.log_tail()}") from None
            # Voila 0.5.13 now and then never finishes running a cell (a known, intermittent
            # "Executing x of y" stall); a new page gets a new kernel, as a person would reload.
            warnings.warn(f"{name}: the demo page stalled while Voila ran the notebook; reloaded it")
    text = page.locator("body").inner_text()
    for sign in ("Traceback", "There was an error when executing cell", "Error displaying widget"):
        assert sign not in text, f"{name}: the demo page shows an error ({sign!r})"
    return apps


def move_and_check(app, slider, name, label, defaults):
    """Move one slider a step and back; the figure must redraw and the numbers follow."""
    before_pixels = harness.canvas_image(app)
    before_numbers = harness.readout(app)
    forward, back = ("ArrowRight", "ArrowLeft") if harness.can_step_up(slider) else ("ArrowLeft", "ArrowRight")
    harness.press(slider, forward)
    harness.wait_until(lambda: harness.canvas_image(app) != before_pixels, REDRAW_TIMEOUT,
                       f"{name}: moving slider {label!r} did not redraw the figure")
    if label not in READOUT_UNCHANGED_BY.get(name, ()):
        harness.wait_until(lambda: harness.readout(app) != before_numbers, REDRAW_TIMEOUT,
                           f"{name}: moving slider {label!r} changed no number in the readout")
    moved_pixels = harness.canvas_image(app)
    harness.press(slider, back)
    wait_for_readout(app, defaults, f"{name}: moving slider {label!r} back did not restore the readout")
    harness.wait_until(lambda: harness.canvas_image(app) != moved_pixels, REDRAW_TIMEOUT,
                       f"{name}: moving slider {label!r} back did not redraw the figure")


def burst_and_back(page, app, slider, name, label, defaults):
    """Keys pressed faster than frames arrive coalesce, and the figure ends exactly as it began."""
    wait_until_still = lambda: harness.wait_until(  # noqa: E731 - two uses, same wait
        lambda: _same_twice(lambda: harness.canvas_image(app)), REDRAW_TIMEOUT,
        f"{name}: the figure kept changing after a burst of key presses on {label!r}")
    start_pixels = harness.canvas_image(app)
    # Toward the farther end of the range, so the burst is not cut short by it (and back is back).
    steps = BURST if harness.room_up(slider) >= harness.room_down(slider) else -BURST
    harness.press(slider, "ArrowRight" if steps > 0 else "ArrowLeft", abs(steps))
    harness.wait_until(lambda: harness.readout(app) != defaults and harness.canvas_image(app) != start_pixels,
                       REDRAW_TIMEOUT, f"{name}: a burst of key presses on {label!r} changed nothing")
    wait_until_still()
    harness.press(slider, "ArrowLeft" if steps > 0 else "ArrowRight", abs(steps))
    wait_for_readout(app, defaults, f"{name}: a burst on {label!r} and back did not restore the readout")
    wait_until_still()
    assert harness.canvas_image(app) == start_pixels, \
        f"{name}: after a burst on {label!r} and back the figure differs from how it began (a frame lost?)"


def assert_fits_the_screen(app, what):
    """The whole demo (controls, figure, readout) on one projector screen, with no control's text cut."""
    box = app.bounding_box()
    screen = harness.VIEWPORT
    assert box["width"] <= screen["width"] and box["height"] <= screen["height"], (
        f"{what} is {box['width']:.0f}x{box['height']:.0f} px: it does not fit a "
        f"{screen['width']}x{screen['height']} screen at the demo's scale (the instructor would scroll)")
    cut = app.evaluate(CUT_TEXT)
    assert not cut, f"{what}: text cut off (text, width it needs, width it has): {cut}"


# Control text the page cuts off with an ellipsis: descriptions, buttons, choices, readouts.
CUT_TEXT = """root => [...root.querySelectorAll('.widget-label, .widget-toggle-button, select, .widget-readout')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth)
    .map(e => [(e.innerText || e.value || '').trim(), e.scrollWidth, e.clientWidth])"""


def _same_twice(read, pause=0.4):
    first = read()
    time.sleep(pause)
    return first == read()


# A heading's text as the page shows it, while its TeX is still source: "$", or a backslash command.
UNRENDERED_HEADINGS = """() => [...document.querySelectorAll(
    '.jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3, .jp-RenderedMarkdown h4')]
  .map(h => { const c = h.cloneNode(true); c.querySelectorAll('mjx-container').forEach(m => m.remove());
              return c.textContent; })
  .filter(text => /\\$|\\\\[A-Za-z]/.test(text))"""
TYPESET_HEADINGS = ("() => document.querySelectorAll('.jp-RenderedMarkdown :is(h1, h2, h3, h4) mjx-container')"
                    ".length")


def assert_headings_render_their_mathematics(page, name):
    """Headings keep their TeX and the page typesets it (Voila's bundled MathJax: no CDN)."""
    harness.wait_until(lambda: not page.evaluate(UNRENDERED_HEADINGS), REDRAW_TIMEOUT,
                       f"{name}: headings show TeX source: {page.evaluate(UNRENDERED_HEADINGS)}")
    copy = demo.demo_notebook(outputs_for(name)["solution"])
    with_tex = [line for cell in copy.cells if cell.cell_type == "markdown"
                for line in cell.source.split("\n\n") if "$" in line]
    if with_tex:  # (a notebook whose headings hold no TeX has nothing to typeset)
        assert page.evaluate(TYPESET_HEADINGS) > 0, f"{name}: no heading's mathematics was typeset: {with_tex}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_live_demo_in_voila(name, demo_server, page):
    apps = open_demo(page, demo_server, name)
    assert_headings_render_their_mathematics(page, name)
    for number, (app, defaults) in enumerate(zip(apps, expected_readouts(name, len(apps)))):
        wait_for_readout(app, defaults, f"{name}: the readout at the default sliders is not the worksheet's")
        harness.wait_until(lambda: harness.figures_drawn(app), REDRAW_TIMEOUT, f"{name}: the live figure stays blank")
        assert_fits_the_screen(app, f"{name}, live demo {number + 1}")
        app.scroll_into_view_if_needed()
        harness.screenshot(page, f"{name}-voila-{number}-defaults")
        figure_canvas = app.locator(harness.CANVAS).first.element_handle()
        sliders = [s for s in app.locator(harness.SLIDER).all() if not harness.is_disabled(s)]
        assert sliders, f"{name}: the live demo has no slider a person can move"
        for slider in sliders:
            move_and_check(app, slider, name, harness.slider_name(slider), defaults)
        burst_and_back(page, app, sliders[0], name, harness.slider_name(sliders[0]), defaults)
        for label, text, expected in TYPED.get(name, []):
            (slider,) = [s for s in sliders if harness.slider_name(s) == label] or [None]
            assert slider is not None, f"{name}: no slider labelled {label!r} (expectations.TYPED)"
            before_pixels = harness.canvas_image(app)
            harness.type_value(slider, text)
            wait_for_readout(app, expected, f"{name}: after typing {label} = {text}")
            harness.wait_until(lambda: harness.canvas_image(app) != before_pixels, REDRAW_TIMEOUT,
                               f"{name}: typing {label} = {text} did not redraw the figure")
        harness.screenshot(page, f"{name}-voila-{number}-moved")
        harness.screenshot(app, f"{name}-voila-{number}-app")
        assert figure_canvas.evaluate("canvas => canvas.isConnected"), \
            f"{name}: the figure was replaced; a live demo changes one persistent figure in place"


def test_figure_frames_are_cut_to_what_changed_and_the_snapshot_waits(demo_server, page):
    """The demo page puts the rectangles of a raw diff frame where they go (the kernel then sends
    only the rectangles that changed), and takes ipympl's snapshot of the figure (for saved notebooks) only once the
    figure is still, not as each frame arrives."""
    name = NOTEBOOKS[0]
    page.add_init_script(FRAME_LOG)
    app = open_demo(page, demo_server, name)[0]
    state = harness.wait_until(lambda: page.evaluate("document.body.dataset.bpkFigureFrames"),
                               REDRAW_TIMEOUT, f"{name}: the demo page never ran figure-frames.js")
    assert state == "on", f"{name}: figure-frames.js could not reach ipympl's figure model: {state}"
    harness.wait_until(lambda: harness.figures_drawn(app), REDRAW_TIMEOUT, f"{name}: the live figure stays blank")
    slider = next(s for s in app.locator(harness.SLIDER).all() if not harness.is_disabled(s))
    key = "ArrowRight" if harness.room_up(slider) >= harness.room_down(slider) else "ArrowLeft"
    time.sleep(1)  # the snapshot of the figure as loaded is taken
    page.evaluate("window.__frames = []")
    for _ in range(3):
        harness.press(slider, key)
        harness.wait_until(lambda: _logged_after_last_key(page, "frame"), REDRAW_TIMEOUT,
                           f"{name}: a key press on the slider drew no frame")
    harness.wait_until(lambda: _logged_after_last_key(page, "snapshot"), SNAPSHOT_TIMEOUT,
                       f"{name}: no snapshot of the figure was taken after the frames stopped")
    events = page.evaluate("window.__frames")
    places = [tuple(event[2:]) for event in events if event[0] == "image"]
    assert any(place != (0, 0) for place in places), \
        f"{name}: diff frames were not cut to the rectangles that changed and drawn there: {places}"
    last_frame = max(event[1] for event in events if event[0] == "frame")
    early = [round(event[1] - events[0][1]) for event in events if event[0] == "snapshot" and event[1] < last_frame]
    assert not early, f"{name}: snapshots taken while frames came in (ms after the first key): {early}"


def _logged_after_last_key(page, kind):
    events = page.evaluate("window.__frames")
    keys = [event[1] for event in events if event[0] == "key"]
    return any(event[0] == kind and event[1] > keys[-1] for event in events) if keys else False


def test_demo_lists_every_notebook(demo_server, page):
    """``./kit demo`` with no name serves a page linking every notebook's demo."""
    page.goto(demo_server.url + "/", wait_until="domcontentloaded")
    links = harness.wait_until(
        lambda: page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"),
        LOAD_TIMEOUT, "the demo's start page shows no links")
    for name in NOTEBOOKS:
        assert any(link and f"/{name}.ipynb" in link for link in links), \
            f"the demo's start page does not link {name}.ipynb; links: {links}"


# ---- step mode (issue 26, point 1) ------------------------------------------------------------

STEPS_OF_NOTEBOOK_1 = [  # what the step line says at each step of the worked solution, in order
    ("forward", "1", "", {"value": "x = -2, y = 5, z = -4"}),
    ("forward", "2", "", {"value": "q = x + y = 3"}),
    ("forward", "3", "", {"value": "f = q z = -12"}),
    ("backward", "1", "", {"downstream": "df/df = 1"}),
    ("backward", "2", "q -> f", {"upstream": "df/df = 1", "local": "\u2202f/\u2202q = z = -4",
                                 "downstream": "df/dq = -4"}),
    ("backward", "3", "z -> f", {"upstream": "df/df = 1", "local": "\u2202f/\u2202z = q = 3",
                                 "downstream": "df/dz = 3"}),
    ("backward", "4", "x -> q", {"upstream": "df/dq = -4", "local": "\u2202q/\u2202x = 1", "downstream": "df/dx = -4",
                                 "verdict": "\u2713 df/dx matches finite differences."}),
    ("backward", "5", "y -> q", {"upstream": "df/dq = -4", "local": "\u2202q/\u2202y = 1",
                                 "downstream": "df/dy = -4"}),
]


def step_shown(app):
    """(phase, number, wire, {part: text}) of the step line in ``app``, or None before there is one."""
    # read in one go in the page: the line is rewritten whole at every step, so spans found one
    # call earlier may be gone by the next (a reset to step 1, which has fewer parts)
    line = app.locator(".bpk-step")
    if not line.count():
        return None
    shown = line.first.evaluate("""line => [line.dataset.phase, line.dataset.number, line.dataset.wire,
        Object.fromEntries([...line.querySelectorAll('[data-name]')].map(s => [s.dataset.name, s.textContent]))]""")
    return (*shown[:3], shown[3])


def wait_for_step(app, expected, what):
    phase, number, wire, parts = expected
    try:
        harness.wait_until(lambda: (shown := step_shown(app)) and shown[:3] == (phase, number, wire)
                           and all(shown[3].get(k) == v for k, v in parts.items()), REDRAW_TIMEOUT, what)
    except AssertionError:
        raise AssertionError(f"{what}: expected {expected}, the step line shows {step_shown(app)}") from None


def test_step_mode_moves_the_highlighted_wire_and_its_numbers_from_the_keyboard(demo_server, page):
    """Notebook 1's demo, stepped as an instructor would: "step through", then the arrow keys on the
    step slider go forward node by node and backward wire by wire, each key redrawing the figure (the
    band moves to the step's wire) with that wire's upstream, local and downstream numbers; the left
    key goes back; play at a chosen pace runs to the end.  The demo still fits the screen."""
    name = "01_staged_computation"
    app = open_demo(page, demo_server, name)[0]
    harness.wait_until(lambda: harness.figures_drawn(app), REDRAW_TIMEOUT, f"{name}: the live figure stays blank")
    assert step_shown(app) is None or not app.locator(".bpk-step").is_visible()
    app.locator("button", has_text="step through").click()
    wait_for_step(app, STEPS_OF_NOTEBOOK_1[0], "'step through' did not show the first step")
    assert_fits_the_screen(app, f"{name} in step mode")
    (slider,) = [s for s in app.locator(harness.SLIDER).all() if harness.slider_name(s) == "step"]
    pictures = [harness.canvas_image(app)]
    for number, expected in enumerate(STEPS_OF_NOTEBOOK_1[1:], start=2):
        harness.press(slider, "ArrowRight")
        wait_for_step(app, expected, f"ArrowRight to step {number}")
        harness.wait_until(lambda: harness.canvas_image(app) != pictures[-1], REDRAW_TIMEOUT,
                           f"ArrowRight to step {number} did not redraw the figure")
        pictures.append(harness.canvas_image(app))
    harness.screenshot(app, f"{name}-voila-step-mode")
    harness.press(slider, "ArrowLeft")
    wait_for_step(app, STEPS_OF_NOTEBOOK_1[-2], "ArrowLeft from the last step")
    harness.wait_until(lambda: harness.canvas_image(app) == pictures[-2], REDRAW_TIMEOUT,
                       "ArrowLeft did not bring back the figure of the step before (x -> q highlighted)")

    app.locator("button", has_text="reset").click()
    wait_for_step(app, STEPS_OF_NOTEBOOK_1[0], "reset did not go back to the first step")
    app.locator("select").last.select_option(label="fast (0.5 s)")
    app.locator(".widget-play button").first.click()
    harness.wait_until(lambda: (shown := step_shown(app)) and shown[:2] == ("backward", "5"), 60,
                       f"play did not run to the last step; the step line shows {step_shown(app)}")


def test_a_closed_pages_kernel_is_shut_down_and_an_open_ones_kept(browser, tmp_path):
    """Voila's own shutdown when a page closes is refused (voila-dashboards/voila#1458): the demo
    server culls a kernel once no page is connected to it and it idles, and keeps one whose page is
    open however long it idles (here 5 s, as the benchmark's server; ./kit demo: a minute)."""
    name = "04_deep_learning"
    home = harness.throwaway_home(tmp_path / "home")
    with harness.demo_server([name], tmp_path / "demo", home, tmp_path / "voila.log",
                             closed_page_idle_s=harness.SOON_CULLED_S) as server:
        pages = []
        for _ in range(2):
            before = harness.kernels(server)
            page = harness.new_page(browser)
            open_demo(page, server, name)
            pages.append((page, harness.kernels(server) - before))
            assert pages[-1][1], "each page runs its own kernel"
        (closed, closed_kernel), (kept, kept_kernel) = pages
        closed.close(run_before_unload=True)
        harness.wait_until(lambda: not closed_kernel & harness.kernels(server), 30,
                           "the closed page's kernel shut down")
        time.sleep(6)  # longer than the idle time a kernel without a page is given
        assert kept_kernel <= harness.kernels(server), "the open page's kernel was shut down"
        shown = harness.readout(kept)
        harness.press(kept.locator(harness.SLIDER).first, "ArrowRight")
        harness.wait_until(lambda: harness.readout(kept) != shown, 30, "the open page's demo answered its slider")
        kept.close(run_before_unload=True)
