"""What a student's own stack gets: Colab's widget manager turned on, one sentence (not a traceback)
for a package missing or too old, and the ranges pyproject.toml declares, which hold the lock."""

import importlib.util
import io
import os
import re
import subprocess
import sys
import textwrap
import tomllib
import types

import ipywidgets
import numpy as np
import pytest
from packaging.requirements import Requirement

from backprop_kit.widgets import live, needs
from grader.build import ROOT
from tests.conftest import NOTEBOOKS
from tests.support.driving import another_value, demo_controls, solution_demos

NOTEBOOKS_DIR = ROOT / "notebooks"
# what use_live_backend switches to on this stack: ipympl where it is installed, pictures elsewhere
LIVE_BACKEND, LIVE_MAGIC = (("ipympl", "%matplotlib widget") if importlib.util.find_spec("ipympl")
                            else ("inline", "%matplotlib inline"))


class Shell:
    """What use_live_backend asks of IPython: the magics it runs."""

    def __init__(self):
        self.magics = []
        self.kernel = object()

    def run_line_magic(self, name, line):
        self.magics.append(f"%{name} {line}")


@pytest.fixture
def kernel(monkeypatch):
    """A kernel's IPython shell, recording the magics run (nothing is switched for real)."""
    import IPython

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    return shell


def fake_colab(monkeypatch):
    """google.colab.output as Colab has it; returns the calls to enable_custom_widget_manager."""
    calls = []
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append(1)
    colab = types.ModuleType("google.colab")
    colab.output = output
    google = types.ModuleType("google")
    google.colab = colab
    for name, module in [("google", google), ("google.colab", colab), ("google.colab.output", output)]:
        monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_in_colab_the_custom_widget_manager_is_turned_on_for_ipympl(kernel, monkeypatch, capsys):
    calls = fake_colab(monkeypatch)
    assert live.use_live_backend() == LIVE_BACKEND
    assert calls == [1] and kernel.magics == [LIVE_MAGIC]
    assert capsys.readouterr().out == "", "ipympl is optional: its absence is not a problem to report"


def test_elsewhere_there_is_no_colab_to_turn_on(kernel, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", None)  # importing it fails, as outside Colab
    assert live.use_live_backend() == LIVE_BACKEND and kernel.magics == [LIVE_MAGIC]


@pytest.mark.skipif(LIVE_BACKEND != "ipympl", reason="this stack has no ipympl to fail to start: figures are pictures")
def test_an_ipympl_that_cannot_start_leaves_pictures_and_one_sentence(kernel, monkeypatch, capsys):
    def widget_fails(name, line):
        if line == "widget":
            raise ImportError("cannot import name 'x' from 'matplotlib.backends'")
        kernel.magics.append(f"%{name} {line}")

    monkeypatch.setattr(kernel, "run_line_magic", widget_fails)
    assert live.use_live_backend() == "inline" and kernel.magics == ["%matplotlib inline"]
    printed = capsys.readouterr().out
    assert "pip install --upgrade ipympl" in printed and len(printed.strip().splitlines()) == 1


@pytest.mark.parametrize("releases, says", [
    ({"matplotlib": (3, 7, 1)}, ['"matplotlib>=3.8"', "this is 3.7.1"]),
    ({"ipywidgets": (7, 6, 5)}, ['"ipywidgets>=7.7,<9"']),
    ({"ipywidgets": (9, 0, 0)}, ['"ipywidgets>=7.7,<9"', "this is 9.0.0"]),
    ({"numpy": None, "matplotlib": (3, 5)}, ["numpy (not installed)", 'pip install "numpy>=1.26" "matplotlib>=3.8"']),
])
def test_a_missing_or_old_package_is_named_with_what_to_install(releases, says, kernel, monkeypatch, capsys):
    found = needs.installed
    monkeypatch.setattr(needs, "installed", lambda package: releases[package] if package in releases
                        else found(package))
    sentence = needs.problem()
    for part in says:
        assert part in sentence, sentence
    assert sentence.startswith("The backprop kit needs") and "\n" not in sentence
    live.use_live_backend()
    assert capsys.readouterr().out.strip() == sentence, "use_live_backend prints the sentence"


def test_the_stack_here_needs_nothing(kernel, capsys):
    assert needs.problem() is None
    live.use_live_backend()
    assert capsys.readouterr().out == ""


def test_without_ipympl_a_live_figure_is_a_picture_drawn_anew_at_each_refresh(monkeypatch):
    """A PNG in an Image widget, never the figure displayed in an Output widget: nbclient's imitation
    of an Output widget (Otter's run of the notebook behind grader.export()) now and then hangs for
    ever, jupyter/nbclient#312."""
    monkeypatch.setattr(live, "is_ipympl", lambda: False)  # pyplot on the inline backend, ipympl or not
    monkeypatch.setattr(live, "_in_kernel", lambda: True)  # (outside a kernel nothing is drawn)
    figure = live.LiveFigure(figsize=(3, 2))
    assert type(figure.widget) is ipywidgets.Image and figure.widget.format == "png"
    first = bytes(figure.widget.value)  # (ipywidgets 8 holds a memoryview)
    assert first.startswith(b"\x89PNG")
    figure.axes.plot([0, 1], [0, 1], linewidth=5)
    figure.refresh()
    assert bytes(figure.widget.value).startswith(b"\x89PNG") and bytes(figure.widget.value) != first


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_without_ipympl_every_demo_redraws_its_picture_as_its_controls_move(name, monkeypatch):
    """The pictures a stack without ipympl shows (checked on every stack): each demo of the worked
    solution draws its picture anew when a control moves, and ends showing the picture of the same
    demo built anew and set to those values at once."""
    monkeypatch.setattr(live, "is_ipympl", lambda: False)
    monkeypatch.setattr(live, "_in_kernel", lambda: True)
    demos, fresh = solution_demos(name, monkeypatch, blit=True), solution_demos(name, monkeypatch, blit=True)
    assert demos and len(demos) == len(fresh)
    rng = np.random.default_rng(sum(map(ord, name)))
    for number, (demo, anew) in enumerate(zip(demos, fresh), start=1):
        figure = demo.figure
        assert figure.accelerator is None and type(figure.widget) is ipywidgets.Image, f"demo {number}"
        drawn = []
        monkeypatch.setattr(figure, "refresh", lambda refresh=figure.refresh: (drawn.append(1), refresh()))
        controls = demo_controls(demo.app())
        for _ in range(5):
            control = controls[rng.integers(len(controls))]
            moved = control.value != (value := another_value(control, rng))
            control.value = value
            assert drawn or not moved, f"demo {number} ({type(demo).__name__}) after {control.description} = " \
                                       f"{value}: no picture drawn"
            drawn.clear()
        for control, anew_control in zip(controls, demo_controls(anew.app())):
            anew_control.value = control.value
        picture = io.BytesIO()  # the figure built anew, drawn here (not by the kit)
        anew.figure.figure.savefig(picture, format="png", bbox_inches="tight")
        assert bytes(figure.widget.value) == picture.getvalue(), \
            f"demo {number} ({type(demo).__name__}): its picture is not the same demo's built anew at its values"


def run_python(code, **env):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=NOTEBOOKS_DIR, env={**os.environ, "MPLBACKEND": "agg", **env})


def test_importing_live_without_matplotlib_says_what_to_install_in_one_sentence():
    """In IPython (a notebook's kernel) the student sees the sentence alone, no traceback."""
    done = run_python("""
        import importlib.abc, sys
        class NoMatplotlib(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "matplotlib":
                    raise ModuleNotFoundError(f"No module named {name!r}")
        sys.meta_path.insert(0, NoMatplotlib())
        from IPython.core.interactiveshell import InteractiveShell
        InteractiveShell.instance().run_cell("from backprop_kit.widgets import live")
    """)
    shown = done.stdout + done.stderr
    assert 'pip install "matplotlib>=3.8"' in shown and "matplotlib (not installed)" in shown, shown
    assert "Traceback" not in shown and "File " not in shown, shown


@pytest.mark.parametrize("pyplot", [True, False], ids=["imports", "fails to import"])
def test_importing_live_with_an_old_matplotlib_says_so(pyplot, tmp_path):
    """An old matplotlib (3.7.1 here) is named with what to install, whether or not its pyplot imports."""
    (tmp_path / "matplotlib").mkdir()
    (tmp_path / "matplotlib" / "__init__.py").write_text("__version__ = '3.7.1'\n")
    if pyplot:
        (tmp_path / "matplotlib" / "pyplot.py").write_text("")
    done = run_python("from backprop_kit.widgets import live", PYTHONPATH=str(tmp_path))
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("backprop_kit.widgets.needs.MissingPackage: The backprop kit needs matplotlib>=3.8 (this is 3.7.1)")


def test_controls_without_ipywidgets_say_what_to_install(monkeypatch):
    monkeypatch.setattr(live, "widgets", None)
    monkeypatch.setattr(needs, "installed", lambda package: None if package == "ipywidgets" else (9, 9))
    with pytest.raises(needs.MissingPackage, match=re.escape('pip install "ipywidgets>=7.7,<9"')):
        live.slider("x", 0, -1, 1)
    assert needs.MissingPackage("one sentence")._render_traceback_() == ["one sentence"]


def test_the_lock_lies_inside_the_ranges_pyproject_declares_and_the_kit_checks():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [Requirement(text) for text in project["dependencies"]]
    declared += [Requirement(text) for extra in project["optional-dependencies"].values() for text in extra]
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE))
    for requirement in declared:
        assert requirement.specifier.contains(pins[requirement.name]), f"{requirement} excludes the lock's {pins}"
    # the kit's own check says what pyproject.toml declares
    assert {str(r) for r in declared if r.name in needs.NEEDED} == \
        {str(Requirement(needs.requirement(name))) for name in needs.NEEDED}
    assert project["requires-python"] == ">=3.10" and "ipympl" in {r.name for r in declared}
