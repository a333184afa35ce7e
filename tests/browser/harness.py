"""Servers and a headless browser for the real-browser tests and the latency benchmark.

Everything here runs what a person runs: the demo app is served by the same code as
``./kit demo`` (grader.demo), JupyterLab by ``jupyter lab``, and the page is Debian's
chromium driven by the ``playwright`` package (never ``playwright install``: its
downloads do not work here).  Servers get a free port, ``port_retries=0`` (otherwise
they silently move to another port), a throwaway HOME (so ~/.jupyter, ~/.ipython and
matplotlib caches stay out of the real one) and are stopped by their own process id.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from grader import demo
from grader.build import ROOT, outputs_for

# Debian's chromium (apt-get install chromium); another build can be named for a local run.
CHROMIUM = Path(os.environ.get("BACKPROP_KIT_CHROMIUM", "/usr/bin/chromium"))
# Variables that would point Jupyter, IPython or matplotlib somewhere other than the throwaway HOME.
HOME_OVERRIDES = {"JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PLATFORM_DIRS",
                  "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"}
ARTIFACTS = ROOT / "test-artifacts" / "browser"
VIEWPORT = {"width": 1920, "height": 1080}  # a projector / classroom screen

# ---- selectors (measured on ipywidgets 8.1, ipympl 0.10, Voila 0.5, JupyterLab 4.6) ----
SLIDER = ".widget-slider"
SLIDER_HANDLE = ".noUi-handle[role=slider]"
SLIDER_LABEL = ".widget-label"
SLIDER_READOUT = ".widget-readout"
READOUT_ITEM = "span.bpk-readout[data-name]"
CANVAS = ".jupyter-matplotlib-canvas-div canvas"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throwaway_home(folder):
    """A HOME for Jupyter servers with JupyterLab's news and update pop-ups off and every cell rendered."""
    home = Path(folder)
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    for path, values in {
        "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        # draw every cell (not only the visible ones) so widgets far down the notebook render too
        "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }.items():
        (settings / path).parent.mkdir(parents=True, exist_ok=True)
        (settings / path).write_text(json.dumps(values))
    return home


class Server:
    """A Jupyter or Voila server as a child process; ``with Server(...) as s:`` waits until it listens."""

    def __init__(self, command, port, cwd, home, log_path, startup_timeout=90, environment=lambda env: env):
        self.command, self.port, self.cwd, self.home = command, port, cwd, home
        self.environment = environment  # what the server's variables need besides the throwaway HOME
        self.log_path = Path(log_path)
        self.startup_timeout = startup_timeout
        self.process = None
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {name: value for name, value in os.environ.items() if name not in HOME_OVERRIDES}
        env.update(HOME=str(self.home), PYTHONUNBUFFERED="1")
        env = self.environment(env)
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"server not listening on port {self.port} after {self.startup_timeout} s:\n"
                           f"{self.log_tail()}")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """Stop this server (and only it) by its process id."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# Seconds a closed page's kernel idles before a test's server shuts it down (./kit demo: a minute);
# time enough for a page to connect to the kernel that ran its notebook (unconnected until then).
SOON_CULLED_S = 5


def demo_server(names, folder, home, log_path, scale=demo.DEFAULT_SCALE, closed_page_idle_s=demo.CLOSED_PAGE_IDLE_S):
    """``./kit demo`` for ``names``: the demo copies in ``folder``, one Voila server listing them all."""
    demo.prepare(names, folder, scale)
    port = free_port()
    template_root = demo.write_template(Path(home) / "demo-page")
    return Server(demo.voila_command(folder, port, ["--no-browser"], closed_page_idle_s), port, folder, home,
                  log_path, environment=lambda env: demo.voila_environment(template_root, env))


def kernels(server):
    """The process ids of the kernels ``server`` runs now."""
    import psutil

    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return set()
    found = set()
    for child in children:
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.add(child.pid)
        except psutil.Error:  # gone meanwhile
            pass
    return found


def demo_url(server, name):
    return f"{server.url}/voila/render/{name}.ipynb"


def student_folder(names, folder):
    """Copies of the student notebooks beside the shared package, as a student downloads them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "notebooks" / "backprop_kit", folder / "backprop_kit",
                    ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    for name in names:
        shutil.copy(outputs_for(name)["student"], folder / f"{name}.ipynb")
    return folder


def lab_server(folder, home, log_path):
    """JupyterLab on ``folder`` with no token, ``window.jupyterapp`` exposed for running all cells."""
    port = free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={folder}",
               "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
               "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return Server(command, port, folder, home, log_path)


# ---- the browser ----------------------------------------------------------------------------

def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def new_page(browser):
    """A page that only talks to 127.0.0.1: CDN fonts and MathJax would only add waiting offline."""
    page = browser.new_page(viewport=VIEWPORT)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
               else route.abort())
    return page


def wait_until(predicate, timeout, what, interval=0.1):
    """Poll ``predicate()`` until it returns something truthy; fail saying ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} (after {timeout} s)")


def readout(page, scope=None):
    """{name: text} from every Readout span on the page (or inside the element ``scope``)."""
    root = scope or page
    return {span.get_attribute("data-name"): span.inner_text().split("=", 1)[1].strip()
            for span in root.locator(READOUT_ITEM).all()}


def live_apps(page):
    """Locators of the live demos: the smallest widget box holding sliders, a live figure and a readout."""
    boxes = page.locator(".widget-box").filter(has=page.locator(SLIDER)).filter(
        has=page.locator(CANVAS)).filter(has=page.locator(READOUT_ITEM))
    count = boxes.count()
    outer = [boxes.nth(i) for i in range(count)]
    # keep the innermost: a box whose descendants include another matching box is a wrapper
    return [box for box in outer
            if box.locator(".widget-box").filter(has=page.locator(SLIDER)).filter(
                has=page.locator(CANVAS)).filter(has=page.locator(READOUT_ITEM)).count() == 0]


def canvas_image(scope):
    """The pixels of every ipympl figure inside ``scope`` as data URLs (what the person sees)."""
    return scope.locator(".jupyter-matplotlib-canvas-div").evaluate_all(
        "divs => divs.map(d => d.querySelector('canvas').toDataURL())")


def figures_drawn(scope):
    """True once every ipympl figure inside ``scope`` has pixels (the image arrives after the widgets)."""
    return scope.locator(".jupyter-matplotlib-canvas-div").evaluate_all("""divs => divs.length > 0 &&
        divs.every(d => {
            const canvas = d.querySelector('canvas');
            if (!canvas.width || !canvas.height) return false;
            const blank = document.createElement('canvas');
            blank.width = canvas.width; blank.height = canvas.height;
            return canvas.toDataURL() !== blank.toDataURL();
        })""")


def slider_name(slider):
    return slider.locator(SLIDER_LABEL).first.inner_text().strip()


def is_disabled(slider):
    """True for a slider the demo has switched off (e.g. the width of a layer that is not there)."""
    return slider.evaluate("el => el.matches('.mod-disabled, [disabled]') || !!el.querySelector('[disabled]')")


def press(slider, key, times=1):
    """Focus the slider's handle and press ``key`` (ArrowRight moves one step up)."""
    handle = slider.locator(SLIDER_HANDLE)
    handle.focus()
    for _ in range(times):
        handle.press(key)


def _aria(slider, name):
    return float(slider.locator(SLIDER_HANDLE).get_attribute(f"aria-value{name}"))


def room_up(slider):
    return _aria(slider, "max") - _aria(slider, "now")


def room_down(slider):
    return _aria(slider, "now") - _aria(slider, "min")


def can_step_up(slider):
    handle = slider.locator(SLIDER_HANDLE)
    return float(handle.get_attribute("aria-valuenow")) < float(handle.get_attribute("aria-valuemax"))


def type_value(slider, text):
    """Type a value into the slider's readout box and press Enter, as a person would."""
    box = slider.locator(SLIDER_READOUT)
    box.click()
    box.fill(text)
    box.press("Enter")


def screenshot(target, name):
    """Save a PNG under test-artifacts/browser/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path
