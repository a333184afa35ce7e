"""The notebook that is graded: the submitted cells' types and sources, the kit's own metadata.

A student owns every byte of the file they upload, metadata and outputs included;
none of it but the cells' sources matters to grading, so nothing else is kept.
Outputs are dropped: grading runs the cells again.
"""

import json

from .build import outputs_for


def prepare(notebook, name):
    """The notebook to grade, from a submitted notebook (JSON dict): its cells' types and sources only."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        clean = {"cell_type": cell["cell_type"], "id": f"cell-{index:03d}", "metadata": {}, "source": source}
        if cell["cell_type"] == "code":
            clean.update(outputs=[], execution_count=None)
        cells.append(clean)
    return {"cells": cells, "metadata": _kit_metadata(name, _kit_notebook(name)), "nbformat": 4, "nbformat_minor": 5}


def _kit_notebook(name):
    student = outputs_for(name)["student"]
    return json.loads(student.read_text()) if student.exists() else {}


def _kit_metadata(name, kit):
    metadata = {"language_info": {"name": "python"}, "otter": {"assignment_name": name}}
    if isinstance(kit.get("metadata", {}).get("otter"), dict):
        metadata["otter"] = kit["metadata"]["otter"]
    return metadata
