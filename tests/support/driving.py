"""Driving the live demos of the worked solutions as a person would, for tests: build them from
the solution notebook's cells, find the controls a person can change, pick their next values."""

import contextlib
import functools
import io
import os

import ipywidgets
import nbformat

from backprop_kit.widgets import live
from grader.build import outputs_for

_LIVE_FIGURE = live.LiveFigure  # kept: solution_demos replaces live.LiveFigure while it builds


def solution_cells(name, monkeypatch, blit=False):
    """Run a notebook's worked solution cell by cell (grading cells left out), yielding each cell's
    source and the namespace after it ran."""
    monkeypatch.setattr(live, "use_live_backend", lambda: "ipympl")
    monkeypatch.setattr(live, "LiveFigure", functools.partial(_LIVE_FIGURE, blit=blit))
    notebook = nbformat.read(outputs_for(name)["solution"], as_version=4)
    namespace = {}
    monkeypatch.chdir(os.path.join(os.path.dirname(__file__), "..", "..", "notebooks"))
    for cell in notebook.cells:
        if cell.cell_type != "code" or "grader" in cell.source or cell.source.lstrip().startswith("%"):
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(cell.source, namespace)
        yield cell.source, namespace


def solution_demos(name, monkeypatch, blit):
    """The live demos of a notebook's worked solution, as its cells build them (grading cells left out)."""
    demos = []
    for source, namespace in solution_cells(name, monkeypatch, blit):
        if ".app()" in source:
            found = [v for v in namespace.values()
                     if hasattr(v, "app") and isinstance(getattr(v, "figure", None), _LIVE_FIGURE)]
            demos.extend(d for d in found if d not in demos)
    return demos


def demo_controls(app, ticks=False):
    """The widgets of a demo's app that a person can change, in the order they are shown (with
    ``ticks``, the tick boxes too)."""

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    kinds = (ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.Dropdown, ipywidgets.ToggleButtons)
    kinds += (ipywidgets.Checkbox,) if ticks else ()
    return [w for w in walk(app) if isinstance(w, kinds) and not w.disabled]


def another_value(control, rng):
    """A value a person might set next: a step or two along (a drag), or anywhere (a jump)."""
    if hasattr(control, "options"):
        return control.options[rng.integers(len(control.options))]
    steps = int(round((control.max - control.min) / control.step))
    near = control.value + control.step * rng.choice([-2, -1, 1, 2])  # a drag...
    far = control.min + control.step * rng.integers(steps + 1)  # ...or a jump
    value = near if rng.random() < 0.6 else far
    return type(control.value)(min(max(value, control.min), control.max))
