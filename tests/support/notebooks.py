"""Running a built notebook in a real Jupyter kernel, as a student or Otter's export would."""

import shutil

import nbformat
from nbclient import NotebookClient

from grader.build import ROOT


def run_notebook(path, folder):
    """Execute a copy of ``path`` beside a copy of the shared package; return the executed notebook."""
    shutil.copytree(ROOT / "notebooks" / "backprop_kit", folder / "backprop_kit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = folder / path.name  # under the name it ships with: a worked solution runs as NAME-solution
    shutil.copy(path, target)
    notebook = nbformat.read(target, as_version=4)
    # plain nbclient, as Otter's run of the notebook behind grader.export() is: its imitation of an
    # Output widget now and then hangs for ever (jupyter/nbclient#312), so the kit shows none
    NotebookClient(notebook, timeout=600,  # generous: a bound on a hang, not a speed check
                   kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def outputs_text(notebook):
    return "\n".join(o.get("text", "") if o["output_type"] == "stream" else str(o.get("data", {}).get("text/plain", ""))
                     for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs)
