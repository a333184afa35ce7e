"""python -m grader.demo [NAME ...] [--port N] [--scale S] [voila options]: the live demos for a projector.

Serves the worked solutions (grader/dist/NAME-solution.ipynb) as a clean Voila app on
127.0.0.1: no code, no grading cells, only each section's heading, the figures and the
widgets, drawn large for a projector.  One NAME opens that notebook as the app; no NAME
(or several) serves a page that lists them.

The app runs demo copies made in a scratch folder, never the built files themselves:
grading cells are removed (an Otter grader would look for tests and ``grader.export``
would write a zip), markdown is cut down to its headings (their TeX typeset by the MathJax
Voila bundles), and a first cell turns on
``live.projector_mode``.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .build import master_names, outputs_for

DEFAULT_PORT = 8866
DEFAULT_SCALE = 1.3
# The demo page's Voila template: Voila's lab template (demo_page/) plus the acceleration layer's
# script that draws its frames (kept with that layer), put together where Voila's data path finds it.
TEMPLATE = "backprop-kit"
PAGE = Path(__file__).resolve().parent / "demo_page"
FRAMES_SCRIPT = "figure-frames.js"
# Front-end extensions in the environment that the demos do not use: in Voila's page they only
# add start-up time and console errors (they expect JupyterLab's menus and editors).
UNUSED_EXTENSIONS = ["ipylab", "jupyterlab-jupytext", "@jupyter-notebook/lab-extension",
                     "@voila-dashboards/jupyterlab-preview"]
# A kernel whose page was closed is shut down once it has been idle this long (seconds), looked for
# every CULL_EVERY_S: Voila's own shutdown when a page closes is refused by the server (no _xsrf
# cookie: voila-dashboards/voila#1458), and every kernel left holds a live figure in memory.  A
# kernel with its page open is kept however long it idles.
CLOSED_PAGE_IDLE_S, CULL_EVERY_S = 60, 10
# A line that belongs to grading: starting Otter, or a call on its grader object.
GRADING_LINE = re.compile(r"^\s*(import otter\b|from otter\b|grader\s*=\s*otter\.|grader\.\w+\()")
# The set-up call that names the backend it chose: useful to a student, noise on a projector.
BACKEND_CALL = re.compile(r"^(\s*live\.use_live_backend\(\))(\s*(#.*)?)$")


def demo_notebook(solution):
    """The demo copy of one solution notebook (an nbformat notebook), for Voila."""
    notebook = nbformat.read(solution, as_version=4)
    cells = [nbformat.v4.new_code_cell(
        "from backprop_kit.widgets import live\n"
        "live.projector_mode(PROJECTOR_SCALE)  # big type for a projector")]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            kept = [BACKEND_CALL.sub(r"\1;\2", line) for line in cell.source.splitlines()
                    if not GRADING_LINE.match(line)]
            if any(line.strip() and not line.lstrip().startswith("#") for line in kept):
                cells.append(nbformat.v4.new_code_cell("\n".join(kept)))
        elif cell.cell_type == "markdown" and cell.metadata.get("editable", True):
            # headings keep their TeX: the page typesets it with the MathJax Voila bundles (no CDN)
            headings = [line for line in cell.source.splitlines() if line.startswith("#")]
            if headings:
                cells.append(nbformat.v4.new_markdown_cell("\n\n".join(headings)))
        # Otter's own markdown (submission instructions) is not editable: dropped.
    notebook.cells = cells
    return notebook


def prepare(names, folder, scale=DEFAULT_SCALE):
    """Write the demo copies of ``names`` into ``folder``; return their paths."""
    if not isinstance(scale, (int, float)) or not 0.5 <= scale <= 3:
        raise ValueError(f"scale must be a number from 0.5 to 3; got {scale!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        solution = outputs_for(name)["solution"]
        if not solution.exists():
            raise SystemExit(f"no worked solution {solution}; notebooks: {', '.join(master_names())} "
                             f"(run ./kit build first)")
        notebook = demo_notebook(solution)
        notebook.cells[0].source = notebook.cells[0].source.replace("PROJECTOR_SCALE", repr(float(scale)))
        path = folder / f"{name}.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths


def voila_command(target, port=DEFAULT_PORT, extra=(), closed_page_idle_s=CLOSED_PAGE_IDLE_S):
    """The Voila command line that serves ``target`` (one notebook, or a folder of them) on 127.0.0.1;
    ``extra`` options are Voila's (one that sets what this sets replaces it)."""
    culling = {"cull_idle_timeout": closed_page_idle_s, "cull_interval": min(CULL_EVERY_S, closed_page_idle_s),
               "cull_connected": False}
    given = {option.split("=", 1)[0] for option in extra}
    return [sys.executable, "-m", "voila", str(target),
            "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
            f"--template={TEMPLATE}", "--theme=light", "--VoilaConfiguration.show_tracebacks=True",
            "--VoilaConfiguration.classic_tree=True",  # a plain list of links, rendered by the server
            *(f"--MappingKernelManager.{name}={value}" for name, value in culling.items()
              if f"--MappingKernelManager.{name}" not in given),
            *(f"--VoilaConfiguration.extension_denylist={name}" for name in UNUSED_EXTENSIONS), *extra]


def write_template(folder):
    """Put the demo page's Voila template together under ``folder``; return the data path to give Voila."""
    from backprop_kit import acceleration

    root = Path(folder) / "jupyter"
    template = root / "voila" / "templates" / TEMPLATE
    (template / "static").mkdir(parents=True, exist_ok=True)
    for part in PAGE.iterdir():
        shutil.copy(part, template / part.name)
    shutil.copy(Path(acceleration.__file__).parent / FRAMES_SCRIPT, template / "static" / FRAMES_SCRIPT)
    return root


def voila_environment(template_root, environment=None):
    """Voila's environment variables (``os.environ`` by default) with ``template_root`` first on the data path."""
    environment = dict(os.environ if environment is None else environment)
    paths = [str(template_root), *filter(None, environment.get("JUPYTER_PATH", "").split(os.pathsep))]
    environment["JUPYTER_PATH"] = os.pathsep.join(paths)
    return environment


def main(argv=None):
    parser = argparse.ArgumentParser(prog="./kit demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"notebooks to serve (default all: {', '.join(master_names())})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                        help=f"how much larger than normal to draw text and figures (default {DEFAULT_SCALE})")
    args, voila_options = parser.parse_known_args(argv)
    unknown = sorted(set(args.names) - set(master_names()))
    if unknown:
        parser.error(f"no notebook {', '.join(unknown)}; notebooks: {', '.join(master_names())}")
    names = args.names or master_names()
    folder = Path(tempfile.mkdtemp(prefix="backprop-kit-demo-"))
    server = None
    # a plain `kill` stops the server too, and the scratch folder goes with it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        paths = prepare(names, folder / "notebooks", args.scale)
        template_root = write_template(folder / "page")
        target = paths[0] if len(args.names) == 1 else folder / "notebooks"  # one name: that app; else a list
        print(f"Serving {', '.join(names)} at http://127.0.0.1:{args.port}/  (Ctrl+C stops)", flush=True)
        server = subprocess.Popen(voila_command(target, args.port, voila_options), cwd=folder / "notebooks",
                                  env=voila_environment(template_root))
        return server.wait()
    except KeyboardInterrupt:  # Voila got the Ctrl+C too and is stopping
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
