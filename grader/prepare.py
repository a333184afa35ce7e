"""The notebook Otter grades: the submitted cells, the kit's own metadata, the screen applied.

A student owns every byte of the file they upload, metadata included, and Otter
reads some of it: an edited ``otter.tests`` entry replaces a test, a cell tagged
``otter_ignore`` is skipped, ``kernelspec`` picks the kernel.  So the graded copy
keeps only the cells' types and sources, takes its notebook metadata from the
kit's built student notebook, and names the grading kernel.  Outputs are dropped:
grading runs the cells again.
"""

import copy
import json

from .build import outputs_for
from .forkkernel import KERNEL_NAME
from .screen import screen_notebook

KERNELSPEC = {"name": KERNEL_NAME, "display_name": "Python 3 (backprop grading)", "language": "python"}


def prepare(notebook, name, guarded=True, screen=None):
    """Return ``(notebook to grade, screen findings)`` for a submitted notebook (JSON dict).

    ``guarded=False`` grades exactly what was submitted (as plain Otter would);
    ``screen=False`` keeps the clean metadata but skips the screen.
    """
    if not guarded:  # exactly what was submitted; only the kernel is ours
        graded = copy.deepcopy(notebook)
        graded.setdefault("metadata", {})["kernelspec"] = dict(KERNELSPEC)
        return graded, []
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        clean = {"cell_type": cell["cell_type"], "id": f"cell-{index:03d}", "metadata": {}, "source": source}
        if cell["cell_type"] == "code":
            clean.update(outputs=[], execution_count=None)
        cells.append(clean)
    kit = _kit_notebook(name)
    graded = {"cells": cells, "metadata": _kit_metadata(name, kit), "nbformat": 4, "nbformat_minor": 5}
    findings = screen_notebook(graded, given=_given_cells(kit)) if screen in (None, True) else []
    return graded, findings


def _kit_notebook(name):
    student = outputs_for(name)["student"]
    return json.loads(student.read_text()) if student.exists() else {}


def _kit_metadata(name, kit):
    metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"},
                "otter": {"assignment_name": name}}
    if isinstance(kit.get("metadata", {}).get("otter"), dict):
        metadata["otter"] = kit["metadata"]["otter"]
    return metadata


def _given_cells(kit):
    """The code cells the student notebook comes with (set-up, checks, demos), unscreened."""
    return {"".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in kit.get("cells", []) if c.get("cell_type") == "code"}


def code_cell_positions(notebook):
    """``[(position in the notebook, source)]`` of its code cells, positions 1-based."""
    positions = []
    for position, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            positions.append((position, "".join(source) if isinstance(source, list) else str(source)))
    return positions
