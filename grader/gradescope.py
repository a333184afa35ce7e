"""Gradescope's entry point: ``python -m grader.gradescope /autograder`` (the zip's ``run_autograder``).

The same engine as ``python -m grader grade`` (``grader.engine.grade_job``), so a
submission gets the same score in both: the notebook's cells run in the best sandbox
the container allows, Otter's tests run here against stand-ins, and
``results/results.json`` gets one test per question in Gradescope's format.

Gradescope runs this as root in a fresh container per submission.  Before the
student's code starts, the tests and the results folder are made readable by root
alone, so at the ``separate user`` level (uid 65534) the student's process cannot
read or write them.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from .grading import Grade, autograder_points, code_cell_positions, from_engine, not_graded
from .submissions import Submission, load

FEEDBACK_LIMIT = 2000


def main(home):
    home = Path(home)
    source, submission, results = home / "source", home / "submission", home / "results"
    results.mkdir(parents=True, exist_ok=True)
    for private in (source / "tests", results):
        os.chmod(private, 0o700)
    sys.path.insert(0, str(source / "files"))  # the tests' `from backprop_kit import checks`
    name = json.loads((source / "otter_config.json").read_text()).get("assignment_name", "")
    grade = grade_submission(submission, source, name)
    (results / "results.json").write_text(json.dumps(results_json(grade), indent=1))
    return grade


def grade_submission(folder, source, name, time_limit=600):
    """A ``Grade`` for the notebook in a Gradescope ``submission/`` folder."""
    points = autograder_points(source)
    grade = Grade(submission=folder.name, notebook=name)
    loaded = load(Submission(path=Path(folder), key=folder.name, student=""), expected=name)
    if loaded.problem:
        return not_graded(grade, "not a notebook", loaded.problem, points)
    if loaded.assignment and loaded.assignment != name:
        return not_graded(grade, "wrong assignment", f"this is the notebook for '{loaded.assignment}', "
                                                     f"not for '{name}'", points)
    from . import engine

    with tempfile.TemporaryDirectory(prefix="backprop-gradescope-") as scratch:
        notebook = Path(scratch) / "submission.ipynb"
        notebook.write_text(json.dumps(loaded.notebook))
        spec = {"id": "gradescope", "notebook": str(notebook), "autograder": str(source),
                "workdir": str(Path(scratch) / "work"), "time_limit": time_limit, "memory_limit": None}
        try:
            result = engine.grade_job(spec)
        except Exception as error:  # noqa: BLE001 - reported as the grader's own failure, never a crash
            result = {"outcome": "error", "error": f"{type(error).__name__}: {error}"}
    cells = code_cell_positions(loaded.notebook)
    return from_engine(grade, result, points, cells, time_limit)


def results_json(grade):
    """Gradescope's results format: one test per question, the reason in the overall output."""
    tests = []
    for question, possible in grade.possible.items():
        failure = grade.failures.get(question, "")
        tests.append({"name": question, "score": grade.scores.get(question, 0.0), "max_score": possible,
                      "output": (failure or "All checks passed.")[:FEEDBACK_LIMIT], "visibility": "visible"})
    summary = f"Status: {grade.status}" + (f" ({grade.reason})" if grade.reason else "")
    notes = "".join(f"\n- {note}" for note in grade.notes)
    return {"score": grade.total, "tests": tests, "output": (summary + notes)[:FEEDBACK_LIMIT],
            "extra_data": {"isolation": grade.isolation, "status": grade.status, "mistakes": grade.mistakes}}


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/autograder")
