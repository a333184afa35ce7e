"""Every built notebook runs top to bottom in a real Jupyter kernel.

The student notebook must run without a single cell error even though nothing
is filled in: unfinished parts explain themselves (a '?' on the drawing, a
message from grader.check) instead of crashing.  The solution must run too.
"""

import pytest

from grader.build import outputs_for
from tests.support.notebooks import outputs_text, run_notebook
from tests.conftest import NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_student_notebook_runs_without_errors(name, tmp_path):
    executed = run_notebook(outputs_for(name)["student"], tmp_path)
    text = outputs_text(executed)
    assert "is still `...`" in text, "grader.check should say what is unfinished"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solution_notebook_runs_without_errors(name, tmp_path):
    executed = run_notebook(outputs_for(name)["solution"], tmp_path)
    assert "All tests passed" in outputs_text(executed) or "passed!" in outputs_text(executed)
