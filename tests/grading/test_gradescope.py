"""Gradescope: the built autograder zip under Gradescope's own layout, and grading a Gradescope bulk export.

The layout test runs what the zip's ``run_autograder`` script runs on Gradescope
(``python -m grader.gradescope /autograder``, from the zip's own copy of the engine) on
``source/`` (the unzipped autograder), ``submission/``, ``results/`` and
``submission_metadata.json``, and reads ``results/results.json``; the same submissions
graded by ``python -m grader grade`` get the same scores.
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
from tests.support.submissions import compose, corpus, write

ATTEMPT_TIMEOUT = 300


def _lay_out(folder, name, notebook):
    autograder = outputs_for(name)["autograder"]
    for part in ("source", "submission", "results"):
        (folder / part).mkdir(parents=True)
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(folder / "source")
    shutil.copy(notebook, folder / "submission" / f"{name}.ipynb")  # the notebook from the student's zip
    (folder / "submission_metadata.json").write_text(json.dumps({"users": [{"name": "A Student"}]}))


def _run_all(folders):
    """Run the zip's entry point on every folder, two at a time (Gradescope gives each its own container)."""
    results = {}
    for pair in [folders[i:i + 2] for i in range(0, len(folders), 2)]:
        runs = {f: subprocess.Popen([sys.executable, "-m", "grader.gradescope", str(f)], cwd=f / "source",
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for f in pair}
        for folder, run in runs.items():
            output, _ = run.communicate(timeout=ATTEMPT_TIMEOUT)
            assert run.returncode == 0, output
            results[folder] = json.loads((folder / "results" / "results.json").read_text())
    return results


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
    assert solution["extra_data"]["isolation"] in ("bubblewrap", "separate user", "none")


def test_the_zip_runs_the_kits_own_engine():
    with zipfile.ZipFile(outputs_for(NOTEBOOKS[0])["autograder"]) as archive:
        names = set(archive.namelist())
        entry = archive.read("run_autograder").decode()
    assert "python -m grader.gradescope /autograder" in entry
    assert {"grader/engine.py", "grader/gradescope.py", "grader/student_runner.py"} <= names
    assert "run_otter.py" not in names


def test_gradescope_and_the_batch_grader_give_the_same_scores(tmp_path):
    """One engine: each wrong submission of notebook 1 scores the same in both."""
    name = NOTEBOOKS[0]
    cases = corpus(name).CASES
    paths = [write(compose(name, case), tmp_path, f"{name}-{case.name}") for case in cases]
    folders = []
    for case, path in zip(cases, paths):
        _lay_out(tmp_path / "gs" / case.name, name, path)
        folders.append(tmp_path / "gs" / case.name)
    results = _run_all(folders)
    batch_grades = batch.grade_files(paths, {name: outputs_for(name)["autograder"]}, workers=2)
    for case, folder, grade in zip(cases, folders, batch_grades):
        on_gradescope = {t["name"]: t["score"] for t in results[folder]["tests"]}
        assert on_gradescope == grade.scores == {q: float(p) for q, p in case.expected.items()}, case.name
        # the same sentences, naming the mistake, without Otter's test source; the names in extra_data
        outputs = {t["name"]: t["output"] for t in results[folder]["tests"]}
        for question, (mistake, begins) in case.named.items():
            assert outputs[question].startswith(begins), (case.name, outputs[question])
            assert "Error at line" not in outputs[question]
            assert mistake in results[folder]["extra_data"]["mistakes"][question], case.name


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
