"""The seam between the teaching package and the acceleration layer (backprop_kit.acceleration).

The teaching package uses public matplotlib only and imports the layer nowhere but in live.py,
when an ipympl live figure is made; with the layer off, on a stack it was not tested on, missing
(an autograder's copy of the kit) or failing, every figure is a plain persistent ipympl figure
that shows what a full redraw shows.
"""

import ast
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.image import AxesImage

from backprop_kit import acceleration
from backprop_kit.widgets import live
from tests.conftest import NOTEBOOKS
from tests.support.driving import another_value, demo_controls, solution_demos
from tests.support.screens import BrowserScreen, differing_pixels, shown

PACKAGE = pathlib.Path(live.__file__).parent.parent  # backprop_kit/
LAYER = PACKAGE / "acceleration"
TEACHING = sorted(path for path in PACKAGE.rglob("*.py") if LAYER not in path.parents)
# canvas methods the layer replaces on the instance: a plain canvas has none of its own
CANVAS_HOOKS = {"handle_draw", "draw_idle", "get_renderer", "blit", "get_diff_image", "handle_bpk_paste_frames"}


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def plain(live_figure):
    """Whether ``live_figure`` is a plain figure: no accelerator, its canvas's own methods, no
    animated artist, matplotlib's own images."""
    figure = live_figure.figure
    return (live_figure.accelerator is None and not CANVAS_HOOKS & set(vars(figure.canvas))
            and not any(artist.get_animated() for artist in figure.findobj())
            and all(type(image) is AxesImage for ax in figure.axes for image in ax.images))


# ---- every demo, plain -----------------------------------------------------------------------

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_demo_runs_plainly_with_the_layer_off(name, ipympl_backend, monkeypatch):
    """BACKPROP_KIT_ACCELERATION=off: each demo of the worked solution builds a plain figure; its
    controls move it (a redraw drawn at once or asked for with draw_idle), the picture the browser builds from
    ipympl's own frames is a full redraw's, and at the end it is the picture of the same demo
    built anew and set to those values at once."""
    monkeypatch.setenv(acceleration.SWITCH, "off")
    demos, fresh = solution_demos(name, monkeypatch, blit=True), solution_demos(name, monkeypatch, blit=True)
    assert demos and len(demos) == len(fresh)
    rng = np.random.default_rng(sum(map(ord, name)))
    for number, (demo, anew) in enumerate(zip(demos, fresh), start=1):
        canvas = demo.figure.figure.canvas
        assert plain(demo.figure) and plain(anew.figure), f"demo {number} is not plain"
        asked = []
        controls = demo_controls(demo.app())
        screen = BrowserScreen(canvas, monkeypatch, takes_pastes=False)
        monkeypatch.setattr(canvas, "draw_idle", lambda: asked.append("asked"))
        canvas.mpl_connect("draw_event", lambda _event: asked.append("drawn at once"))
        shown(demo.figure)
        for _ in range(8):
            control = controls[rng.integers(len(controls))]
            moved = control.value != (value := another_value(control, rng))
            asked.clear()
            control.value = value
            what = f"demo {number} ({type(demo).__name__}) after {control.description} = {value}"
            assert asked or not moved, f"{what}: no redraw asked for or drawn"
            redrawn = shown(demo.figure)  # the browser asks for the frame: the figure drawn in full
            assert differing_pixels(screen.picture, redrawn) == 0, f"the browser's picture: {what}"
        anew_controls = demo_controls(anew.app())
        for control, anew_control in zip(controls, anew_controls):
            anew_control.value = control.value
        assert differing_pixels(shown(demo.figure), shown(anew.figure)) == 0, \
            f"demo {number} ({type(demo).__name__}) differs from the same demo built anew at its values"
        assert not any(artist.get_animated() for artist in demo.figure.figure.findobj())


def test_blit_false_installs_nothing(ipympl_backend):
    figure = live.LiveFigure(figsize=(3, 2), blit=False)
    assert plain(figure) and live.accelerator_of(figure.figure) is None
    assert not figure.work_ahead([lambda: None]), "a plain figure works nothing out ahead"
    accelerated = live.LiveFigure(figsize=(3, 2))
    assert accelerated.accelerator is not None and live.accelerator_of(accelerated.figure) is accelerated.accelerator


# ---- switched on only where tested -----------------------------------------------------------

@pytest.mark.parametrize("package, release", [("matplotlib", (3, 10)), ("ipympl", (0, 9)), ("ipywidgets", (7, 7))])
def test_another_release_than_the_one_tested_gets_a_plain_figure(package, release, ipympl_backend, monkeypatch):
    monkeypatch.setitem(acceleration.TESTED, package, release)
    figure = live.LiveFigure(figsize=(3, 2))
    assert plain(figure)
    assert package in acceleration.unsupported(figure.figure)


def test_versions_are_read_to_their_minor_release():
    assert acceleration.release("3.11.2") == (3, 11)
    assert acceleration.release("3.11.0rc1") == (3, 11)
    assert acceleration.release("0.10.0.dev3+g1234") == (0, 10)
    assert acceleration.release("") is None and acceleration.release("eleven") is None


def test_a_figure_that_is_not_ipympls_is_never_accelerated():
    import matplotlib

    matplotlib.use("Agg")
    figure = live.LiveFigure(figsize=(3, 2))
    assert figure.accelerator is None and acceleration.unsupported(figure.figure) == "not an ipympl figure"


# ---- failures fall back, quietly -------------------------------------------------------------

def test_a_setup_that_raises_leaves_a_plain_figure_and_shows_no_traceback(ipympl_backend, monkeypatch, capsys):
    """The blitter is attached (canvas methods replaced, a draw callback connected) when the diff
    frames' setup raises: the canvas is left as it was, and the figure draws as a plain one."""
    from backprop_kit.acceleration import frames

    def broken(self, canvas):
        raise RuntimeError("ipympl changed under the layer")

    reference = live.LiveFigure(figsize=(4, 3), blit=False)
    monkeypatch.setattr(frames.DiffFrames, "__init__", broken)
    figure = live.LiveFigure(figsize=(4, 3))
    assert plain(figure)
    callbacks = lambda f: {signal: len(ids) for signal, ids in f.figure.canvas.callbacks.callbacks.items()}
    assert callbacks(figure) == callbacks(reference), "a callback of the layer is still connected"
    for live_figure in (figure, reference):
        live_figure.axes.plot([0, 1, 2], [1, 3, 2])
        live_figure.axes.set_title("after the fall back")
        live_figure.refresh()
    assert differing_pixels(shown(figure), shown(reference)) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == "", f"the student saw: {out + err}"


def test_a_kit_without_the_layer_draws_plainly(ipympl_backend, monkeypatch, capsys):
    """An autograder's copy of the kit leaves the layer out: importing it fails, the figure is plain."""
    monkeypatch.setitem(sys.modules, "backprop_kit.acceleration", None)  # import raises ImportError
    monkeypatch.delattr(sys.modules["backprop_kit"], "acceleration", raising=False)
    figure = live.LiveFigure(figsize=(3, 2))
    assert plain(figure)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("sent", ["at once", "when the browser asks"])
def test_a_layer_that_fails_later_detaches_and_the_figure_goes_on_plainly(sent, ipympl_backend, monkeypatch,
                                                                          capsys):
    """A repaint raises, in a refresh (the frame sent at once) or in answering the browser's request:
    the layer lets go of the figure, which shows the picture a plain figure shows from then on."""
    from backprop_kit.acceleration import blitting

    figure, reference = live.LiveFigure(figsize=(4, 3)), live.LiveFigure(figsize=(4, 3), blit=False)
    lines = [f.axes.plot([0, 1], [0, 1])[0] for f in (figure, reference)]
    shown(figure), shown(reference)
    for top in (1.5, 2.0):  # learnt, then blitted: the line is animated
        for live_figure, line in zip((figure, reference), lines):
            line.set_ydata([0, top])
            live_figure.refresh()
        assert differing_pixels(shown(figure), shown(reference)) == 0
    accelerator = figure.accelerator
    assert accelerator.blitter.blits >= 1 and lines[0].get_animated()

    def broken(self):
        raise RuntimeError("a repaint went wrong")

    monkeypatch.setattr(blitting.Blitter, "_repaint_changes", broken)
    if sent == "at once":
        monkeypatch.setattr(blitting.time, "monotonic", lambda: 1e9)  # the browser is idle
        figure.figure.canvas.syncing_data_url = False
    for live_figure, line in zip((figure, reference), lines):
        line.set_ydata([0, 0.5])
        live_figure.refresh()
    assert differing_pixels(shown(figure), shown(reference)) == 0
    assert not accelerator.attached and live.accelerator_of(figure.figure) is None
    assert not CANVAS_HOOKS & set(vars(figure.figure.canvas)) and not lines[0].get_animated()
    assert not hasattr(figure.figure.canvas.get_renderer(), "_keeps_glyphs"), "the renderer still keeps glyphs"
    for live_figure, line in zip((figure, reference), lines):
        line.set_ydata([0, 0.7])
        live_figure.refresh()
    assert figure.accelerator is None and plain(figure)
    assert differing_pixels(shown(figure), shown(reference)) == 0
    assert capsys.readouterr() == ("", "")


# ---- nothing of the layer on the teaching side -----------------------------------------------

def test_the_teaching_package_imports_nothing_of_the_layer():
    """backprop_kit, live and every demo (what notebooks and grading tests import) leave the
    layer unimported, and so does a figure that is not ipympl's."""
    modules = [module_name(path) for path in TEACHING]
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "from backprop_kit.widgets import live\n"
            "live.LiveFigure()\n"
            "print(sorted(m for m in sys.modules if m.startswith('backprop_kit.acceleration')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent,
                          env={**os.environ, "MPLBACKEND": "agg"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"imported: {done.stdout.strip()}"
    assert {"backprop_kit", "backprop_kit.widgets.live", "backprop_kit.demos.neural_nets"} <= set(modules)


def private_matplotlib_uses(paths):
    """[(file, line, what)] for each use of a private matplotlib name in ``paths``: an import of a
    private module or name from matplotlib, and an attribute (read, or named in getattr and the
    like) starting with one underscore on anything but self or cls that the package itself does
    not define."""
    trees = {path: ast.parse(path.read_text(), str(path)) for path in paths}
    own = set()  # private names the package defines: its functions, classes, variables, own attributes
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                own.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                    and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                own.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                own.add(node.id)
    private = lambda name: name.startswith("_") and not name.startswith("__")
    found = []
    for path, tree in trees.items():
        where = lambda node: (path.relative_to(PACKAGE.parent).as_posix(), node.lineno)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "matplotlib":
                names = (node.module or "").split(".") + [alias.name for alias in node.names]
                found += [(*where(node), name) for name in names if private(name)]
            elif isinstance(node, ast.Import):
                found += [(*where(node), alias.name) for alias in node.names
                          if alias.name.startswith("matplotlib") and any(map(private, alias.name.split(".")))]
            elif isinstance(node, ast.Attribute) and private(node.attr) and node.attr not in own \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append((*where(node), node.attr))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) > 1 \
                    and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str) \
                    and private(node.args[1].value) and node.args[1].value not in own:
                found.append((*where(node), node.args[1].value))
    return found


def test_the_teaching_package_uses_no_private_matplotlib_name():
    assert TEACHING and not private_matplotlib_uses(TEACHING)


def test_the_private_name_scan_finds_what_the_layer_uses():
    """The scan above, run over the layer, finds the private names it is known to use."""
    found = {what for _, _, what in private_matplotlib_uses(sorted(LAYER.glob("*.py")))}
    assert {"_get_layout", "_find_best_position", "_renderer", "_render_glyph", "_last_buff"} <= found, found
