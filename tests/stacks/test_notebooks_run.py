"""Every built notebook runs top to bottom in a real Jupyter kernel.

The student notebook must run without a single cell error even though nothing
is filled in: unfinished parts explain themselves (a '?' on the drawing, a
message from grader.check) instead of crashing.  The solution must run too.
"""

import pytest

from grader.build import outputs_for
from tests.support.notebooks import outputs_text, run_notebook
from tests.conftest import NOTEBOOKS

STATIC_TEXT = "bpk-static-figure-text"
FIGURE_KINDS = {"application/vnd.jupyter.widget-view+json", "image/png"}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_student_notebook_runs_without_errors(name, tmp_path):
    executed = run_notebook(outputs_for(name)["student"], tmp_path)
    text = outputs_text(executed)
    assert "is still `...`" in text, "grader.check should say what is unfinished"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solution_notebook_runs_without_errors(name, tmp_path):
    executed = run_notebook(outputs_for(name)["solution"], tmp_path)
    assert "All tests passed" in outputs_text(executed) or "passed!" in outputs_text(executed)
    # every figure drawn once (widgets/static.py) is followed by its text alternative, in a real kernel:
    # ipympl's canvas (a widget) or, without ipympl, the inline picture, then the "Table of values"
    found = 0
    for cell in executed.cells:
        outputs = [o.get("data", {}) for o in cell.get("outputs", [])]
        for index, data in enumerate(outputs):
            if STATIC_TEXT in data.get("text/html", ""):
                found += 1
                assert index and FIGURE_KINDS & set(outputs[index - 1]), \
                    f"{name}: a static figure's text alternative follows no figure in {cell.source[:60]!r}"
    assert found, f"{name}: no static figure's text alternative in the executed solution"
