"""Gradescope: the built autograder zip under Gradescope's own layout, and grading a Gradescope bulk export.

The layout test runs Otter's own entry point (``otter.run.run_autograder.main``, what the zip's
``run_autograder`` script calls on Gradescope) on ``source/`` (the unzipped autograder),
``submission/``, ``results/`` and ``submission_metadata.json``, and reads ``results/results.json``.
"""

import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from grader import batch
from grader.benchmark import gradescope_total
from grader.build import ROOT, outputs_for
from grader.grading import autograder_points
from tests.conftest import NOTEBOOKS

RUN_AUTOGRADER = "import sys\nfrom otter.run.run_autograder import main\nmain(sys.argv[1])"
ATTEMPT_TIMEOUT = 150


def _lay_out(folder, name, notebook):
    autograder = outputs_for(name)["autograder"]
    for part in ("source", "submission", "results"):
        (folder / part).mkdir(parents=True)
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(folder / "source")
    shutil.copy(notebook, folder / "submission" / f"{name}.ipynb")  # the notebook from the student's zip
    (folder / "submission_metadata.json").write_text(json.dumps({"users": [{"name": "A Student"}]}))


def _run_all(folders):
    """Run the entry point on every folder at once; once more for any that hangs.

    Plain Otter can hang on notebooks with live figures (jupyter/nbclient#312, about one run in
    twenty); that is an upstream bug Gradescope's own time limit would also hit, not a property of
    the zip, so a hung attempt is retried once rather than failing the layout test.
    """
    for attempt in range(2):
        runs = {f: subprocess.Popen([sys.executable, "-c", RUN_AUTOGRADER, str(f)], cwd=f, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
                for f in folders if not (f / "results" / "results.json").exists()}
        for folder, run in runs.items():
            try:
                run.communicate(timeout=ATTEMPT_TIMEOUT)
            except subprocess.TimeoutExpired:
                run.kill()
                run.communicate()
                for stale in (folder / "results").iterdir():
                    stale.unlink()
    return {f: json.loads((f / "results" / "results.json").read_text()) for f in folders}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_autograder_zip_runs_under_gradescopes_layout(name, tmp_path):
    built = outputs_for(name)
    folders = {"solution": tmp_path / "solution", "student": tmp_path / "student"}
    for which, folder in folders.items():
        _lay_out(folder, name, built[which])
    results = _run_all(list(folders.values()))
    points = autograder_points(built["autograder"])
    solution, blank = results[folders["solution"]], results[folders["student"]]
    assert gradescope_total(solution) == sum(points.values()), solution
    assert gradescope_total(blank) == 0, blank
    graded = {t["name"]: t for t in solution["tests"] if t.get("max_score") is not None}
    assert {q: t["max_score"] for q, t in graded.items()} == points


METADATA = """\
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1001'
    :email: ada@example.edu
  :created_at: 2025-01-31 10:00:00.000000000 -08:00
  :score: 7.0
submission_1002:
  :submitters:
  - :name: Pair One
    :sid: '2001'
    :email: one@example.edu
  - :name: Pair Two
    :sid: '2002'
    :email: two@example.edu
  :created_at: 2025-01-31 11:00:00.000000000 -08:00
submission_1003:
  :submitters:
  - :name: No Notebook
    :sid: '3001'
    :email: none@example.edu
"""


def test_a_gradescope_bulk_export_zip_is_graded_with_the_students_names(tmp_path):
    name = NOTEBOOKS[0]
    built = outputs_for(name)
    export = tmp_path / "assignment_42_export"
    for folder in ("submission_1001", "submission_1002", "submission_1003"):
        (export / folder).mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(METADATA)
    shutil.copy(built["solution"], export / "submission_1001" / f"{name}.ipynb")
    with zipfile.ZipFile(export / "submission_1002" / f"{name}_2025_01_31T11_00_00_000000.zip", "w") as upload:
        upload.write(built["student"], f"{name}.ipynb")
    (export / "submission_1003" / "answers.pdf").write_bytes(b"%PDF-1.4 not a notebook")
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for path in export.rglob("*"):
            archive.write(path, path.relative_to(tmp_path))

    messages = []
    grades = {g.submission: g for g in batch.run(download, tmp_path / "grades", workers=2, time_limit=60,
                                                 log=messages.append)}
    assert f"Gradescope export of {name}" in messages[0]
    full = sum(autograder_points(built["autograder"]).values())
    ada, pair, nobody = grades["submission_1001"], grades["submission_1002"], grades["submission_1003"]
    assert (ada.student, ada.sid, ada.email, ada.status, ada.total) == (
        "Ada Lovelace", "1001", "ada@example.edu", "graded", full)
    assert (pair.student, pair.sid, pair.status, pair.total) == ("Pair One; Pair Two", "2001; 2002", "graded", 0)
    assert (nobody.student, nobody.status, nobody.notebook) == ("No Notebook", "not a notebook", name)
    assert "answers.pdf" in nobody.reason
    assert (tmp_path / "grades" / "feedback" / name / "Ada_Lovelace.txt").exists()


def test_the_single_file_command_prints_the_scores():
    name = NOTEBOOKS[0]
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(outputs_for(name)["solution"])], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    full = sum(autograder_points(outputs_for(name)["autograder"]).values())
    assert done.returncode == 0, done.stderr
    assert "total" in done.stdout and f"{full:g} / {full:g}" in done.stdout
    assert "status: graded" in done.stdout
