"""Slider latency in a real browser: key press on a slider to the new plot on screen.

    .venv/bin/python -m tests.browser.latency_benchmark [NAME ...] [--changes 50] [--scale 1.3] [--profile]
        [--runs N]

For each notebook's live demo (served exactly as ``./kit demo`` serves it) this presses
ArrowRight / ArrowLeft on the first slider's handle ``--changes`` times, one change at a
time, and times each from the keydown event in the page to the first frame after the new
image is drawn into the figure's canvas (a display frame is 1/60 s: the keys go down at
seeded random moments of a frame, as a person's do; the table also gives the median time
to the drawing itself, which does not depend on that moment).  The baseline is the same figure and sliders with
the inline backend, wired through ``ipywidgets.interactive_output`` (the machinery of
``interact``): every change re-renders the whole figure to a PNG in an Output widget.
Those presses go back and forth between two values, so after the first everything drawn
for them is kept (text layouts above all); "one way" then presses Home and ArrowRight up to
``--changes`` times, every change a value not drawn before, as a drag across the slider.
Then it sends 20 key presses without waiting and times the last one to the last plot (a
fast drag must not pile up).  ``--profile`` splits the persistent figures' time (accelerated,
and plain with ``--plain``) into their parts with wall-clock stamps from the kernel.
``--runs N`` measures each persistent figure N times, each on a new page with a new kernel,
pools the changes and prints each run's medians: on a shared machine a run's median moves by
several ms from one run to the next.  It prints
tables and the machine's load; it asserts nothing: a shared machine makes timings noisy, so
this is a measurement, not a test.
"""

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grader import demo
from tests.browser import harness
from tests.conftest import NOTEBOOKS

WARM_UP = 3  # changes not counted: the first draws warm caches on both sides
SETTLE = 0.15  # s between changes, so each one is timed on its own
# A new plot shows on the first display frame (60 Hz) after it is drawn, so a latency depends on
# when in a frame the key went down.  SETTLE is a whole number of frames after the last frame
# waited for: without more, every key would go down at the same moment of a frame (just after one
# begins, the longest wait).  A person's key goes down at any moment: each wait gets a seeded
# random part of a frame, so the presses sample every moment of it.
FRAME_S = 1 / 60
LOAD_ATTEMPTS = 3
BURST = 20  # key presses sent as fast as possible, to see that a fast drag does not pile up

# In the page before anything loads: when keys go down and when figures are drawn.
TIMING_SCRIPT = """
window.__keys = [];
window.__draws = [];  // the display frame after a new image is drawn: on screen
window.__drawCalls = [];  // when the image is drawn into the canvas
const now = () => performance.timeOrigin + performance.now();  // wall clock, ms, like the kernel's
document.addEventListener('keydown', () => window.__keys.push(now()), true);
// when a large binary message (an image) arrives on a websocket: splits transfer from drawing
window.__arrivals = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
        super(...args);
        this.addEventListener('message', event => {
            const size = typeof event.data === 'string' ? 0 : (event.data.byteLength || event.data.size || 0);
            if (size > 2000) window.__arrivals.push(now());
        });
    }
};
const drawn = () => {
    window.__drawCalls.push(now());
    requestAnimationFrame(() => window.__draws.push(now()));
};
// ipympl: a new image is drawn into the figure's visible canvas (the first in its div)
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = drawImage.apply(this, args);
    const canvas = this.canvas;
    const div = canvas && canvas.closest && canvas.closest('.jupyter-matplotlib-canvas-div');
    if (div && div.querySelector('canvas') === canvas) drawn();
    return result;
};
// inline backend: a new <img> arrives in an Output widget and is decoded
new MutationObserver(changes => {
    for (const change of changes) for (const node of change.addedNodes) {
        const images = node.tagName === 'IMG' ? [node] : (node.querySelectorAll ? [...node.querySelectorAll('img')] : []);
        for (const image of images) image.decode().then(drawn, () => {});
    }
}).observe(document, {childList: true, subtree: true});
"""

# The baseline: the kit's sliders through interact's machinery, figures by the inline backend.
BASELINE_CELL = '''\
import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display
from backprop_kit.widgets import live

def _inline_backend():
    get_ipython().run_line_magic("matplotlib", "inline")
    return "inline"

def _interact_controls(sliders, on_change):
    """What interact builds: on every change the callback runs inside an Output widget."""
    return widgets.VBox([*sliders.values(), widgets.interactive_output(on_change, sliders)])

def _inline_refresh(figure):
    """What the inline backend does under interact: the whole figure shown again, in the Output."""
    display(figure.figure)

live.use_live_backend = _inline_backend
live.controls = _interact_controls
live.LiveFigure.refresh = _inline_refresh
'''


# --plain: the same demo with the acceleration layer switched off, as on any untested stack.
PLAIN_CELL = '''\
import os
os.environ["BACKPROP_KIT_ACCELERATION"] = "off"
'''


# --profile: the kernel appends [what, start, end] (wall clock, ms) for every slider callback,
# figure render and image send to a file beside the notebook, to split the latency into parts.
PROFILE_CELL = '''\
import json, time
from matplotlib.backends.backend_webagg_core import FigureManagerWebAgg
from backprop_kit.widgets import live
from backprop_kit.acceleration.blitting import Blitter

_stamps = open("profile-stamps.jsonl", "a")

def _timed(what, function):
    def timed(*args, **kwargs):
        start = time.time() * 1000
        try:
            return function(*args, **kwargs)
        finally:
            _stamps.write(json.dumps([what, start, time.time() * 1000]) + "\\n")
            _stamps.flush()
    return timed

_controls = live.controls
live.controls = lambda sliders, on_change: _controls(sliders, _timed("callback", on_change))
# the browser's request for a frame: a blit or a full draw, then the send
Blitter._answer_draw_request = _timed("request", Blitter._answer_draw_request)
FigureManagerWebAgg.refresh_all = _timed("send", FigureManagerWebAgg.refresh_all)
'''
# The plain figure's frame is WebAgg's full draw and its send (at once in the callback, or asked for).
PROFILE_PLAIN_CELL = PROFILE_CELL.replace(
    "from backprop_kit.acceleration.blitting import Blitter\n",
    "from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore\n").replace(
    "Blitter._answer_draw_request = _timed(\"request\", Blitter._answer_draw_request)",
    "FigureCanvasWebAggCore.draw = _timed(\"request\", FigureCanvasWebAggCore.draw)")


def prepare(names, folder, scale, profile=False):
    """NAME.ipynb (the demo as served), NAME-plain.ipynb (the same with the acceleration layer off)
    and NAME-baseline.ipynb for each notebook, in ``folder``."""
    demo.prepare(names, folder, scale)
    for name in names:
        served = folder / f"{name}.ipynb"
        notebook = nbformat.read(served, as_version=4)
        plain = nbformat.from_dict(notebook)
        plain.cells.insert(0, nbformat.v4.new_code_cell(PLAIN_CELL))
        if profile:
            plain.cells.insert(2, nbformat.v4.new_code_cell(PROFILE_PLAIN_CELL))
        nbformat.write(plain, folder / f"{name}-plain.ipynb")
        if profile:
            notebook.cells.insert(1, nbformat.v4.new_code_cell(PROFILE_CELL))
            nbformat.write(notebook, served)
        notebook.cells.insert(1, nbformat.v4.new_code_cell(BASELINE_CELL))
        # Only the first live demo is timed.  Voila (0.5.13, with nbclient) now and then never
        # finishes a cell that displays into an Output widget, and with the inline backend every
        # figure does: the baseline stops after the first demo, so a load needs few such cells.
        first_demo = next(i for i, cell in enumerate(notebook.cells)
                          if cell.cell_type == "code" and ".app()" in cell.source)
        notebook.cells = notebook.cells[:first_demo + 1]
        nbformat.write(notebook, folder / f"{name}-baseline.ipynb")


def until_shut_down(server, running, notebook):
    """Wait until the server runs no kernel beyond ``running`` (the closed page's is culled once idle)."""
    try:
        harness.wait_until(lambda: harness.kernels(server) <= running, 30, "")
    except AssertionError:  # a page reloaded while Voila ran its notebook leaves a busy kernel: never idle
        print(f"  {notebook}: a closed page's kernel still runs after 30 s; measuring on", flush=True)


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(page, url, changes):
    """[(key down, new plot on screen, image arrived, image drawn)] in wall-clock ms for ``changes``
    presses back and forth, the latencies of the one-way presses, and the burst's figure."""
    for attempt in range(LOAD_ATTEMPTS):
        page.goto(url, wait_until="commit")
        try:
            (app, *_) = harness.wait_until(lambda: harness.live_apps(page) or _inline_apps(page), 60,
                                           f"no live demo at {url}")
            break
        except AssertionError:
            # Voila (0.5.13, with nbclient) now and then never finishes running a cell that displays
            # into an Output widget; the inline baseline does that on every change.  A new page
            # gets a new kernel.
            print(f"  {url}: page stuck while Voila ran the notebook; loading it again", flush=True)
    else:
        raise AssertionError(f"no live demo at {url} after {LOAD_ATTEMPTS} loads")
    harness.wait_until(lambda: page.evaluate("window.__draws.length") > 0, 60, f"no figure drawn at {url}")
    time.sleep(1.0)
    slider = app.locator(harness.SLIDER).first
    handle = slider.locator(harness.SLIDER_HANDLE)
    handle.focus()
    moment_in_frame = random.Random(189)  # seeded: the same moments in every run
    keys = ["ArrowRight" if change % 2 == 0 else "ArrowLeft" for change in range(WARM_UP + changes)]
    timings = [timed_change(page, handle, key, moment_in_frame) for key in keys][WARM_UP:]
    return timings, sweep(page, slider, changes, moment_in_frame), burst(page, handle)


def timed_change(page, handle, key, moment_in_frame):
    """Press ``key`` on the slider: (key down, new plot on screen, image arrived, image drawn)."""
    draws_before, calls_before = page.evaluate("[window.__draws.length, window.__drawCalls.length]")
    handle.press(key)
    page.wait_for_function(f"window.__draws.length > {draws_before}", timeout=30_000, polling="raf")
    key_at, drawn_at, drawn_into_canvas_at, arrivals = page.evaluate(
        f"[window.__keys[window.__keys.length - 1], window.__draws[{draws_before}], "
        f"window.__drawCalls[{calls_before}], window.__arrivals]")
    arrived_at = next((t for t in arrivals if key_at <= t <= drawn_at), None)
    time.sleep(SETTLE + moment_in_frame.uniform(0, FRAME_S))
    return key_at, drawn_at, arrived_at, drawn_into_canvas_at


def sweep(page, slider, changes, moment_in_frame):
    """Latencies (ms) of key presses all one way from the slider's low end, up to ``changes`` of
    them: a drag through values not drawn before (the back-and-forth presses above revisit two
    values, so after the first press everything drawn for them, down to text layouts, is kept)."""
    handle = slider.locator(harness.SLIDER_HANDLE)
    if harness.room_down(slider) > 0:  # Home at the low end changes nothing: no plot to wait for
        timed_change(page, handle, "Home", moment_in_frame)
    latencies = []
    while len(latencies) < changes and harness.room_up(slider) > 0:
        key_at, drawn_at, *_ = timed_change(page, handle, "ArrowRight", moment_in_frame)
        latencies.append(drawn_at - key_at)
    return latencies


def burst(page, handle):
    """ms from the last of BURST key presses sent without waiting to the last new plot: no growing lag."""
    for change in range(BURST):
        handle.press("ArrowRight" if change < BURST // 2 else "ArrowLeft", delay=0)
    last_key = page.evaluate("window.__keys[window.__keys.length - 1]")
    count = -1
    while count != page.evaluate("window.__draws.length"):  # until no new plot for a second
        count = page.evaluate("window.__draws.length")
        time.sleep(1.0)
    return page.evaluate("window.__draws[window.__draws.length - 1]") - last_key


def _inline_apps(page):
    """The baseline's app: sliders, an inline image and the readout in one widget box."""
    boxes = page.locator(".widget-box").filter(has=page.locator(harness.SLIDER)).filter(
        has=page.locator(".widget-output img")).filter(has=page.locator(harness.READOUT_ITEM))
    return [boxes.nth(i) for i in range(boxes.count())][-1:]


def phases(timings, stamps_file):
    """Median ms of each part of a change, from the page's and the kernel's wall-clock stamps."""
    stamps = [json.loads(line) for line in stamps_file.read_text().splitlines()] if stamps_file.exists() else []
    parts = {name: [] for name in PHASES}
    for key_at, drawn_at, arrived_at, drawn_into_canvas_at in timings:
        inside = {}
        for what, start, end in stamps:
            if key_at <= start <= drawn_at:
                inside.setdefault(what, (start, end))  # the first of each kind after the key press
        if {"callback", "request", "send"} <= inside.keys() and arrived_at is not None:
            callback, request, send = inside["callback"], inside["request"], inside["send"]
            # A frame sent at once is answered inside the callback; otherwise the browser asks later.
            pushed = request[0] <= callback[1]
            own = (callback[1] - callback[0]) - ((request[1] - request[0]) if pushed else 0)
            for name, value in zip(PHASES, (callback[0] - key_at, own, 0 if pushed else request[0] - callback[1],
                                            send[0] - request[0], send[1] - send[0], arrived_at - send[1],
                                            drawn_into_canvas_at - arrived_at, drawn_at - drawn_into_canvas_at)):
                parts[name].append(value)
    return {name: statistics.median(values) if values else float("nan") for name, values in parts.items()}


PHASES = ("key to kernel", "callback", "browser asks for the frame", "render", "diff + encode + send",
          "image to browser", "browser: decode (a PNG) + draw", "until the display frame")


def conditions():
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    browser = subprocess.run([str(harness.CHROMIUM), "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores, load average {load} (1, 5, 15 min); "
            f"{browser}; Python {platform.python_version()}")


def main(argv=None):
    global SETTLE  # --settle: read by timed_change; a whole number of frames, as the comment at SETTLE says
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"notebooks (default all: {', '.join(NOTEBOOKS)})")
    parser.add_argument("--changes", type=int, default=50, help="timed slider changes per figure (default 50)")
    parser.add_argument("--scale", type=float, default=demo.DEFAULT_SCALE,
                        help=f"projector scale, as ./kit demo --scale (default {demo.DEFAULT_SCALE})")
    parser.add_argument("--profile", action="store_true",
                        help="also split the persistent figures' latency into its parts (kernel stamps)")
    parser.add_argument("--runs", type=int, default=1,
                        help="measure each persistent figure this many times, each on a new page with a new "
                             "kernel; its figures pool the runs' changes (default 1; the baseline runs once)")
    parser.add_argument("--plain", action="store_true",
                        help="also measure each figure with the acceleration layer off (the plain ipympl "
                             "figure every stack outside the tested one gets)")
    parser.add_argument("--settle", type=float, default=SETTLE,
                        help=f"seconds between timed changes (default {SETTLE}: a person stepping a slider; "
                             "a readout's tables follow once the controls rest for live.TABLES_AFTER_S, so "
                             "with --settle 0.5 the page also lays out the tables between the changes)")
    args = parser.parse_args(argv)
    SETTLE = round(args.settle / FRAME_S) * FRAME_S
    if args.runs < 1:
        parser.error(f"--runs must be at least 1; got {args.runs}")
    names = args.names or NOTEBOOKS
    unknown = sorted(set(names) - set(NOTEBOOKS))
    if unknown:
        parser.error(f"no notebook {', '.join(unknown)}; notebooks: {', '.join(NOTEBOOKS)}")
    if not harness.CHROMIUM.exists():
        sys.exit(f"{harness.CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    from playwright.sync_api import sync_playwright

    print(f"before: {conditions()}", flush=True)
    rows, profiles = [], {}
    with tempfile.TemporaryDirectory(prefix="latency-") as tmp:
        folder, home = Path(tmp) / "demo", harness.throwaway_home(Path(tmp) / "home")
        folder.mkdir()
        prepare(names, folder, args.scale, args.profile)
        port = harness.free_port()
        # closed pages' kernels shut down before the next page: kernels left would load the machine
        command = demo.voila_command(folder, port, ["--no-browser"], harness.SOON_CULLED_S)
        template_root = demo.write_template(Path(tmp) / "demo-page")
        with harness.Server(command, port, folder, home, Path(tmp) / "voila.log",
                            environment=lambda env: demo.voila_environment(template_root, env)) as server, \
                sync_playwright() as playwright:
            browser = harness.launch(playwright)
            for name in names:
                kinds = [("ipympl, persistent figure", name, args.runs)]
                if args.plain:
                    kinds.append(("ipympl, plain (layer off)", f"{name}-plain", args.runs))
                kinds.append(("interact + inline", f"{name}-baseline", 1))
                for kind, notebook, runs in kinds:
                    timings, one_way, settles, run_medians = [], [], [], []
                    for _ in range(runs):
                        running = harness.kernels(server)
                        page = harness.new_page(browser)
                        page.add_init_script(TIMING_SCRIPT)
                        run_timings, run_one_way, settle = measure(page, harness.demo_url(server, notebook),
                                                                   args.changes)
                        page.close(run_before_unload=True)
                        until_shut_down(server, running, notebook)
                        timings += run_timings
                        one_way += run_one_way
                        settles.append(settle)
                        run_medians.append((statistics.median(drawn - key for key, drawn, *_ in run_timings),
                                            statistics.median(run_one_way)))
                    latencies = [drawn - key for key, drawn, *_ in timings]
                    until_drawn = statistics.median(into_canvas - key for key, _, _, into_canvas in timings)
                    rows.append((name, kind, statistics.median(latencies), percentile(latencies, 0.95),
                                 max(latencies), len(latencies), until_drawn, statistics.median(one_way),
                                 percentile(one_way, 0.95), len(one_way), statistics.median(settles), run_medians))
                    if args.profile and "inline" not in kind:  # the persistent figures
                        profiles[f"{name} ({kind})"] = phases(timings, folder / "profile-stamps.jsonl")
                    print(f"  measured {name} ({kind})", flush=True)
            browser.close()
    print(f"after:  {conditions()}")
    print(f"\nKey press on a slider to the new plot in the browser (ms), demo scale {args.scale}, "
          f"{SETTLE:.2f} s between changes:\n")
    by_run = args.runs > 1  # and then each run's medians, to show how far runs differ
    print(f"| notebook | figure | median | p95 | max | changes | median to the draw, before its frame "
          f"| one way: median | one way: p95 | one way: changes | {BURST} fast keys: last key to last plot |"
          + (" medians of each run (back and forth; one way) |" if by_run else ""))
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---|" if by_run else ""))
    for (name, kind, median, p95, worst, count, until_drawn, one_way, one_way_p95, one_way_count, settle,
         run_medians) in rows:
        each_run = (" " + ", ".join(f"{back:.0f}" for back, _ in run_medians) + "; "
                    + ", ".join(f"{one:.0f}" for _, one in run_medians) + " |") if by_run else ""
        print(f"| {name} | {kind} | {median:.0f} | {p95:.0f} | {worst:.0f} | {count} | {until_drawn:.0f} "
              f"| {one_way:.0f} | {one_way_p95:.0f} | {one_way_count} | {settle:.0f} |{each_run}")
    if profiles:
        print("\nWhere the persistent figure's time goes (median ms per change):\n")
        print("| notebook | " + " | ".join(PHASES) + " |")
        print("|---|" + "---:|" * len(PHASES))
        for name, parts in profiles.items():
            print(f"| {name} | " + " | ".join(f"{parts[p]:.1f}" for p in PHASES) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
