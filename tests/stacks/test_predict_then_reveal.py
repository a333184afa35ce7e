"""Predict, then reveal (issue 25, point 1), in a real kernel: an untouched student notebook run top
to bottom shows none of the worked values of its graded parts (not in its text, not in any output),
and shows every one of them after the instructors' ``reveal.reveal_all()``.  The cells that hold
the worked text are collapsed (``source_hidden``), so the text is not on screen until asked for."""

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from grader.build import ROOT, outputs_for

# What each notebook's text stated before the student tried a part (issue 25 measured most of them).
WORKED_VALUES = {
    "01_staged_computation": ["q = 3", "f = -12", r"\partial f/\partial q = -4", r"\partial f/\partial z = 3"],
    "03_model_intuition": ["210 weights", "**233**"],
    "04_deep_learning": ["(i) $= 3$", "0.2100", "0.1050", "0.18, 0.09"],
    "05_neural_nets": [r"a_1 = \tfrac12", r"\tfrac{1}{32}", r"-\tfrac{3}{128}", r"-\tfrac{3\ln 3}{128}",
                       r"-\tfrac{3\ln 3}{32}", r"w_1 - \alpha\,(a_2 - y^*)",
                       r"\partial a_2/\partial z_2 = a_2(1 - a_2)"],
}


class WidgetQuietClient(NotebookClient):
    """nbclient without its imitation of a browser's Output widget, which now and then loses a
    cell's reply and hangs (jupyter/nbclient#312): reveal_all() shows worked values in Output
    widgets, and this test reads what the kernel displayed, not widget state."""

    def on_comm_open_jupyter_widget(self, msg):
        return None


def shown_text(cells):
    """Everything a student sees without opening a collapsed cell: markdown, and every output."""
    parts = []
    for cell in cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(value) for value in output.get("data", {}).values())
    return "\n".join(parts)


def reveal_cells(notebook):
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and "reveal.worked(" in cell.source]


@pytest.mark.parametrize("name", sorted(WORKED_VALUES))
def test_an_untouched_notebook_shows_no_worked_value_until_revealed(name, tmp_path):
    shutil.copytree(ROOT / "notebooks" / "backprop_kit", tmp_path / "backprop_kit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / f"{name}.ipynb"
    shutil.copy(outputs_for(name)["student"], target)
    notebook = nbformat.read(target, as_version=4)
    hidden = reveal_cells(notebook)
    assert hidden, f"{name} has no worked-values cell"
    for i in hidden:
        assert notebook.cells[i].metadata.get("jupyter", {}).get("source_hidden"), f"cell {i} is not collapsed"
    client = WidgetQuietClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                               resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        before = shown_text(notebook.cells)
        leaked = [value for value in WORKED_VALUES[name] if value in before]
        assert not leaked, f"{name} shows {leaked} before the student has tried those parts"
        assert "are hidden until you try it" in before  # what a front end without widgets shows

        notebook.cells.append(nbformat.v4.new_code_cell("reveal.reveal_all()"))  # the instructors' one call
        client.execute_cell(notebook.cells[-1], len(notebook.cells) - 1)
        for index in hidden:
            client.execute_cell(notebook.cells[index], index)
        after = shown_text(notebook.cells[i] for i in hidden)
    missing = [value for value in WORKED_VALUES[name] if value not in after]
    assert not missing, f"{name} does not show {missing} after reveal.reveal_all()"
