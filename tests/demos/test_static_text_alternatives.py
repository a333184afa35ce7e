"""Every figure drawn once has its text alternative too (issue 26): right after the figure, the
tables views/texttable.py builds for the live figures, in a "Table of values" disclosure
(widgets/static.py), saying what the figure draws and no more.

The cells and answers are the worked solutions' own (tests/support/driving.py runs them).  Before
widgets/static.py the static drawings displayed no text alternative at all: these tests failed.
"""

import re

import IPython.display
import matplotlib
import matplotlib.pyplot as plt
import pytest

from backprop_kit.demos import deep_learning as dl
from backprop_kit.views import texttable
from backprop_kit.widgets import live, static
from backprop_kit.values import MISSING
from grader.build import ROOT
from tests.conftest import NOTEBOOKS
from tests.support.driving import solution_cells
from tests.support.texttables import Tables, assert_accessible_tables

STATIC_TEXT = "bpk-static-figure-text"  # the class of a static figure's "Table of values"
NUMBER = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")
# The computation-graph drawings each notebook's worked solution makes (its cells' own calls, and
# (b) of notebook 2 with its answer to (c) too), and whether the drawing hides gradients ("?").
GRAPH_DRAWS = {
    "01_staged_computation": [("demo.draw(forward, None, network_edges())", True),
                              ("demo.draw(forward, backward, network_edges())", False)],
    "02_backprop_practice": [("demo.draw_units(graph_edges(2))", True),
                             ("demo.draw_units(graph_edges(2), backward_c)", False)],
    "05_neural_nets": [("demo.draw(demo.Answers(forward))", True), ("demo.draw(answers)", False)],
}


@pytest.fixture
def shown(monkeypatch):
    """What is displayed (IPython.display.display), in order; pyplot's figures closed after."""
    displayed = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **_options: displayed.extend(objects))
    plt.close("all")
    yield displayed
    plt.close("all")


def static_texts(objects):
    return [o.data for o in objects if isinstance(o, IPython.display.HTML) and STATIC_TEXT in o.data]


def worked_solution(name, monkeypatch, shown):
    """Run the worked solution; return its namespace and, for every cell that made a figure outside
    a live demo or displayed a static text alternative: (its source, figures made, texts shown)."""
    cells, figures, seen, namespace = [], set(), 0, {}
    for source, namespace in solution_cells(name, monkeypatch):
        made = set(plt.get_fignums()) - figures  # (a live demo's figure is closed: not in pyplot's list)
        figures |= made
        texts, seen = static_texts(shown[seen:]), len(shown)
        if made or texts:
            cells.append((source, len(made), texts))
    return namespace, cells


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_static_figure_of_the_worked_solution_has_its_text_alternative(name, monkeypatch, shown):
    _, cells = worked_solution(name, monkeypatch, shown)
    assert cells, f"{name}: no static figure found (every notebook has one)"
    for source, figures, texts in cells:
        assert len(texts) == figures, \
            f"{name}: the cell {source[:60]!r} drew {figures} figure(s) and displayed {len(texts)} text alternative(s)"
        for text in texts:
            assert "<summary" in text and live.TABLE_TOGGLE in text and 'class="bpk-text-alternative"' in text
            assert_accessible_tables(text, f"{name}: {source[:60]!r}")


def _drawn(text):
    return text.replace("\u2212", "-")


@pytest.mark.parametrize("name", sorted(GRAPH_DRAWS))
def test_a_static_graph_table_says_what_its_drawing_says(name, monkeypatch, shown):
    """Each node by name with the numbers its wires show: the value above, the gradient below,
    "?" where the drawing has none yet; the worked answers' numbers are in it."""
    namespace, _ = worked_solution(name, monkeypatch, shown)
    for call, hides in GRAPH_DRAWS[name]:
        before = len(shown)
        view = eval(call, namespace)
        texts = static_texts(shown[before:])
        assert len(texts) == 1, f"{name}: {call} displayed {len(texts)} text alternatives"
        assert texttable.graph_table(view) in texts[0]
        rows = Tables(texts[0]).body()
        graph = view.graph
        for key, node in graph.nodes.items():
            assert (node.caption or node.label) in rows, f"{name}: {call}: node {key} is not in the table"
        compared = {"value": [], "gradient": []}
        for (src, dst), wire in view.annotations().items():
            value, gradient = rows[graph.nodes[src].caption or graph.nodes[src].label]
            drawn = _drawn(wire["value"])
            if drawn and "[" not in drawn:  # a vector is drawn rounded, written in full
                assert value == drawn, f"{name}: {call}: {src} is drawn {drawn}, written {value}"
                compared["value"].append(value)
            edge = graph.edge(src, dst) if dst is not None else None
            drawn = _drawn(wire["grad"])
            if drawn and "[" not in drawn and (edge is None or edge.grad is None):  # (a share: its own row)
                assert gradient == drawn, f"{name}: {call}: {src}'s gradient is drawn {drawn}, written {gradient}"
                compared["gradient"].append(gradient)
        for kind, cells in compared.items():
            assert any(NUMBER.match(c) for c in cells), f"{name}: {call}: no {kind} compared with the drawing"
        hidden = [c for c in compared["gradient"] if c == MISSING]
        assert bool(hidden) == hides, f"{name}: {call}: hidden gradients {hidden}, expected some: {hides}"


def test_the_staged_tables_hold_the_worksheet_numbers_and_hide_the_gradients_until_backward_runs(
        monkeypatch, shown):
    namespace, _ = worked_solution("01_staged_computation", monkeypatch, shown)
    before = len(shown)
    eval("demo.draw(forward, None, network_edges())", namespace)
    eval("demo.draw(forward, backward, network_edges())", namespace)
    forward_only, full = (Tables(t).body() for t in static_texts(shown[before:]))
    assert forward_only == {"x": ["-2", "?"], "y": ["5", "?"], "z": ["-4", "?"], "q = x + y": ["3", "?"],
                            "f = q z": ["-12", "1"]}
    assert full == {"x": ["-2", "-4"], "y": ["5", "-4"], "z": ["-4", "3"], "q = x + y": ["3", "-4"],
                    "f = q z": ["-12", "1"]}


def test_the_rebuilt_networks_are_tables_of_their_layers(monkeypatch, shown):
    _, cells = worked_solution("03_model_intuition", monkeypatch, shown)
    [(_, _, [text])] = [cell for cell in cells if "draw_networks" in cell[0]]
    tables = Tables(text)
    assert tables.captions == ["Network A (rebuilt)", "Network B (rebuilt): A plus a layer of 10 linear units (hatched)"]
    assert tables.body(0)["hidden 1, 40 units"] == ["hidden"]
    assert tables.body(1)["linear 1, 10 units"] == ["hatched: linear units"]
    assert tables.body(1)["W1"] == ["weight matrix of shape 10\u00d740"]


def test_a_classifier_figure_is_a_table_of_its_points_and_an_unfinished_one_judges_none(shown):
    before = len(shown)
    regions = dl.show_answer(2, lambda: dl.classifier("-", "x1", "0", "x2"))
    unfinished = dl.show_answer(1, lambda: ...)
    drawn, empty = static_texts(shown[before:])
    rows = Tables(drawn).body()
    assert len(rows) == len(regions.points) and regions.misclassified.any()
    assert [cells[1] for cells in rows.values()] == \
        ["misclassified" if wrong else "right" for wrong in regions.misclassified]
    assert f"{int(regions.misclassified.sum())} of {len(regions.points)} points misclassified" in Tables(drawn).captions[0]
    # nothing shaded, nothing ringed: the table judges no point and says what the figure says instead
    assert not unfinished.shaded
    assert set(cells[1] for cells in Tables(empty).body().values()) == {"not shaded"}
    assert "nothing shaded" in Tables(empty).captions[0] and "is still `...`" in Tables(empty).captions[0]


@pytest.mark.parametrize("backend", ["inline", "ipympl"])
def test_the_text_alternative_comes_right_after_its_figure(backend, shown):
    """With the inline backend the figure is shown as a picture and closed (the cell's automatic
    display would show it again, after its table); with ipympl its canvas is shown, then the table."""
    if backend == "ipympl":
        pytest.importorskip("ipympl", reason="this stack has no ipympl")
    previous = matplotlib.get_backend()
    plt.switch_backend("module://matplotlib_inline.backend_inline" if backend == "inline"
                       else "module://ipympl.backend_nbagg")
    try:
        figure, _ = static.figure(figsize=(2, 2))
        static.show(figure, [texttable.rows_table("numbers", [("f", "1")])])
        first, second = shown
        assert first is (figure if backend == "inline" else figure.canvas)
        assert STATIC_TEXT in second.data and ">f</th>" in second.data
        assert (figure.number in plt.get_fignums()) == (backend == "ipympl")
    finally:
        plt.switch_backend(previous)


def test_no_demo_makes_a_figure_but_through_a_live_figure_or_a_static_one():
    """A figure made another way (plt.subplots in a demo) would be shown without a text alternative."""
    for path in sorted((ROOT / "notebooks" / "backprop_kit" / "demos").glob("*.py")):
        text = path.read_text()
        assert not re.search(r"\bplt\.(subplots|figure|subplot)\(", text), \
            f"{path.name} makes a figure with pyplot: use live.LiveFigure or static.figure/static.show"


def test_a_text_alternative_without_a_table_is_refused():
    with pytest.raises(ValueError, match="at least one table"):
        static.text_alternative(["<p>no table</p>"])
