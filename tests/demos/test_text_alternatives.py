"""Every live figure has a text alternative, colour is never the only cue, every control is a
keyboard control (issue 26, point 4).

The demos are the worked solutions' own (tests/support/driving.py builds them from the cells).
Their text alternative is the Readout's tables (views/texttable.py): real tables with a caption
and scoped headers, in the page at all times, that change when any control moves.
"""

import asyncio

import ipywidgets
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from backprop_kit.demos import backprop_practice as bp
from backprop_kit.demos import staged_computation as staged
from backprop_kit.views import texttable
from backprop_kit.widgets import live, reveal
from tests.conftest import NOTEBOOKS, run_on_own_loop
from tests.support.driving import another_value, demo_controls, solution_demos
from tests.support.texttables import assert_accessible_tables

# What a person can operate from the keyboard as the page draws it: a slider's handle, a <select>,
# a <button> (one per option of a ToggleButtons) and a checkbox.
# Play (the step mode's) is a row of native buttons: Tab reaches them, Space and Enter press them.
KEYBOARD_CONTROLS = (ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.Dropdown, ipywidgets.ToggleButtons,
                     ipywidgets.ToggleButton, ipywidgets.Button, ipywidgets.Checkbox, ipywidgets.Play)


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_demo_has_a_text_alternative_that_follows_its_controls(name, ipympl_backend, monkeypatch):
    demos = solution_demos(name, monkeypatch, blit=False)
    assert demos
    rng = np.random.default_rng(26)
    for number, demo in enumerate(demos, start=1):
        what = f"{name}, demo {number} ({type(demo).__name__})"
        app = demo.app()
        assert_accessible_tables(demo.readout.text_alternative, what)
        assert demo.readout.text_alternative in demo.readout.table_area.value, f"{what}: the tables are not on the page"
        assert demo.readout.widget in list(walk(app)), f"{what}: the readout is not in the app"
        assert demo.readout.toggle in list(walk(app)), f"{what}: no control shows the tables on screen"
        for control in demo_controls(app):
            if control.disabled:  # switched off by a control moved before it (a layer taken away)
                continue
            before = demo.readout.text_alternative
            while (value := another_value(control, rng)) == control.value:
                pass
            control.value = value
            assert demo.readout.text_alternative != before, \
                f"{what}: moving {control.description!r} to {value!r} changed nothing in the text alternative"
            assert_accessible_tables(demo.readout.text_alternative, f"{what} after {control.description}")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_control_of_every_demo_works_from_the_keyboard(name, ipympl_backend, monkeypatch):
    for demo in solution_demos(name, monkeypatch, blit=False):
        app = demo.app()
        controls = [w for w in walk(app) if isinstance(w, ipywidgets.ValueWidget) or isinstance(w, ipywidgets.Button)]
        odd = [type(w).__name__ for w in controls
               if not isinstance(w, KEYBOARD_CONTROLS) and not isinstance(w, (ipywidgets.HTML, ipywidgets.Image))]
        assert not odd, f"{name}: controls of a kind not checked for the keyboard: {odd}"


def _cue(handle):
    """What tells a legend entry apart besides its colour."""
    if isinstance(handle, Line2D):
        return ("line", handle.get_linestyle(), round(handle.get_linewidth(), 1), handle.get_marker())
    if isinstance(handle, Patch):
        return ("patch", handle.get_hatch(), handle.get_fill(), handle.get_linestyle())
    if isinstance(handle, PathCollection):  # a scatter's marker: its shape
        return ("marker", handle.get_paths()[0].vertices.round(3).tobytes())
    return (type(handle).__name__,)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_legend_tells_its_entries_apart_by_colour_alone(name, ipympl_backend, monkeypatch):
    for demo in solution_demos(name, monkeypatch, blit=False):
        for ax in demo.figure.figure.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            handles = legend.legend_handles
            texts = [t.get_text() for t in legend.get_texts()]
            cues = [_cue(h) for h in handles]
            same = {t for t, c in zip(texts, cues) if cues.count(c) > 1}
            assert not same, f"{name}, {type(demo).__name__}: legend entries told apart by colour alone: {same}"


def test_the_graph_table_gives_every_node_its_value_and_gradient_and_says_which_wire_is_off():
    graph, _ = staged.build_graph([("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")])
    graph.set_values({"x": -2, "y": 5, "z": -4, "q": 3, "f": -12})
    graph.set_grads({"x": -4, "y": -4, "z": 3, "q": -4, "f": 1})
    graph.mark_wires_from({"z": "df/dz is off"})
    text = texttable.graph_table(graph)
    assert_accessible_tables(text, "the staged graph")
    cell = 'style="padding: 1px 8px; text-align: left"'
    assert f'<th scope="row" {cell}>q = x + y</th><td {cell}>3</td><td {cell}>-4</td>' in text
    assert "z \u2192 f = q z" in text and "\u2717 disagrees with finite differences" in text
    assert "x \u2192" not in text, "a wire neither flagged nor carrying its own share is the node's row alone"


def test_a_matrix_is_written_in_full_and_an_unfinished_one_as_a_question_mark():
    assert texttable.full_value(np.array([[1.0, -0.5], [0.25, 2.0]])) == "[1, -0.5]; [0.25, 2]"
    assert texttable.full_value(...) == "?"


def test_a_table_hides_what_its_figure_hides_until_the_part_is_tried(ipympl_backend):
    """Predict, then reveal: the heatmaps' finite-difference entries are '?' in the table too."""
    edges = [wire for i in (1, 2) for wire in [("x", f"u{i}"), (f"w{i}", f"u{i}"), (f"u{i}", f"z{i}"),
                                               (f"b{i}", f"z{i}"), (f"z{i}", f"h{i}"), (f"h{i}", "s")]]
    edges += [("s", "r"), ("y", "r"), ("r", "f")]
    reveal.reveal_all(False)
    try:
        demo = bp.UnitsDemo(edges, lambda *a: {"W": ..., "b": ...}, lambda *a: (..., ...))
        hidden = texttable.heatmap_table(demo.heatmaps["W"])
        assert hidden in demo.readout.text_alternative
        assert hidden.count(">?</td>") == 2 * 6 and "-0.13" not in hidden
        reveal.show("q2c_sigmoid_grads")
        demo.update(**demo.settings)
        shown = texttable.heatmap_table(demo.heatmaps["W"])
        assert shown in demo.readout.text_alternative and "-0.13" in shown
    finally:
        reveal.reveal_all(False)


def test_the_tables_are_out_of_sight_until_their_toggle_is_on_and_always_in_the_page():
    readout = live.Readout()
    readout.show({"f": "1"}, [texttable.rows_table("numbers", [("f", "1")])])
    assert live.VISUALLY_HIDDEN in readout.table_area.value and "<table" in readout.table_area.value
    readout.toggle.value = True
    assert live.VISUALLY_HIDDEN not in readout.table_area.value and "<table" in readout.table_area.value


def test_in_a_kernel_the_tables_follow_the_controls_once_they_rest(monkeypatch):
    """A drag sends its numbers at every step but the tables once, when it stops: the browser lays
    out every table again for each new value, which would hold up the figure's frames."""
    monkeypatch.setattr(live, "_in_kernel", lambda: True)
    monkeypatch.setattr(live, "TABLES_AFTER_S", 0.05)
    readout = live.Readout()
    sent = {"line": [], "tables": []}
    readout.line.observe(lambda change: sent["line"].append(change["new"]), names="value")
    readout.table_area.observe(lambda change: sent["tables"].append(change["new"]), names="value")

    async def drag():
        for step in range(5):
            readout.show({"f": str(step)}, [texttable.rows_table("numbers", [("f", str(step))])])
            await asyncio.sleep(0.01)
        assert len(sent["line"]) == 5 and sent["tables"] == [], "tables were sent while the slider moved"
        await asyncio.sleep(0.2)
        assert len(sent["tables"]) == 1 and ">4<" in sent["tables"][0], "the resting value's tables, once"
        readout.show({"f": "5"}, [texttable.rows_table("numbers", [("f", "5")])])
        readout.toggle.value = True  # asked for on screen: shown at once, with the newest numbers
        assert len(sent["tables"]) == 2 and ">5<" in sent["tables"][1]
        await asyncio.sleep(0.2)
        assert len(sent["tables"]) == 2, "the timer of a change already shown sends nothing more"

    run_on_own_loop(drag)
