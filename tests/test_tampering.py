"""Tampering: each trick in the corpus really earns points from plain Otter, and none does from the grader.

The batch test (test_batch_grader) checks what the grader gives each file; here the same files go
through plain Otter (``guarded=False``: no screen, no file check), which must give the points the
corpus says, or the "attack" is a dud and proves nothing.  Then the second guard alone: with the
screen off, the check of the grader's own files still catches rewritten tests.
"""

import json
import shutil

import pytest

from grader.batch import available_autograders, grade_files
from grader.build import outputs_for
from grader.prepare import prepare
from tests.bad_submissions.corpus import CASES, HERE, NOTEBOOK, ZERO
from tests.conftest import NOTEBOOKS

PLAIN_OTTER = [c for c in CASES if c.otter]


@pytest.fixture(scope="module")
def plain_otter(tmp_path_factory):
    """The tampering cases through plain Otter, then a blank and a solved notebook on the same engine."""
    folder = tmp_path_factory.mktemp("plain")
    built = outputs_for(NOTEBOOK)
    followers = [folder / f"{NOTEBOOK}-blank.ipynb", folder / f"{NOTEBOOK}-solution.ipynb"]
    shutil.copy(built["student"], followers[0])
    shutil.copy(built["solution"], followers[1])
    files = [HERE / c.filename for c in PLAIN_OTTER] + followers
    autograders = {NOTEBOOK: available_autograders()[NOTEBOOK]}
    grades = grade_files(files, autograders, guarded=False, time_limit=15, memory_limit="2G", workers=2)
    return {g.submission: g for g in grades}


@pytest.mark.parametrize("case", PLAIN_OTTER, ids=[c.name for c in PLAIN_OTTER])
def test_plain_otter_gives_what_the_corpus_says(plain_otter, case):
    status, scores = case.otter
    grade = plain_otter[case.filename]
    assert grade.status == status, f"{case.what}: {grade.status} ({grade.reason})"
    assert grade.scores == {q: float(p) for q, p in scores.items()}, case.what


def test_what_one_submission_does_to_its_folder_never_reaches_the_next(plain_otter):
    """Rewritten and deleted tests stay in their own fresh folder, even with no guard at all."""
    assert plain_otter[f"{NOTEBOOK}-blank.ipynb"].scores == {q: 0.0 for q in ZERO}
    assert plain_otter[f"{NOTEBOOK}-solution.ipynb"].total == 7
    assert plain_otter[f"{NOTEBOOK}-solution.ipynb"].status == "graded"


def test_every_tampering_case_gains_points_from_plain_otter_and_none_from_the_grader():
    tampering = [c for c in CASES if c.otter and sum(c.otter[1].values()) > sum(c.scores.values())]
    assert {c.name for c in tampering} >= {"overwrites_tests", "patches_numpy", "patches_grader",
                                            "reads_hidden_tests"}


def test_the_file_check_alone_catches_rewritten_tests():
    case = next(c for c in CASES if c.name == "overwrites_tests")
    autograders = {NOTEBOOK: available_autograders()[NOTEBOOK]}
    (grade,) = grade_files([HERE / case.filename], autograders, screen=False, verify=True, time_limit=30)
    assert grade.status == "tampered", grade.reason
    assert grade.scores == {q: 0.0 for q in ZERO}
    assert "tests/q1c_backward.py" in grade.reason


@pytest.mark.parametrize("name", NOTEBOOKS)
@pytest.mark.parametrize("which", ["solution", "student"])
def test_the_kit_notebooks_pass_the_screen_untouched(name, which):
    notebook = json.loads(outputs_for(name)[which].read_text())
    graded, findings = prepare(notebook, name)
    assert findings == [], [f.describe() for f in findings]
    assert [_text(c["source"]) for c in notebook["cells"]] == [c["source"] for c in graded["cells"]]


def test_the_kit_s_own_cells_pass_but_the_same_trick_in_a_student_s_cell_does_not():
    notebook = json.loads(outputs_for(NOTEBOOK)["student"].read_text())
    given = _text(notebook["cells"][2]["source"])
    notebook["cells"][2]["source"] = given + "\n%matplotlib inline"
    _, findings = prepare(notebook, NOTEBOOK)
    assert [(f.cell, f.line) for f in findings] == [(3, len(given.splitlines()) + 1)]


def _text(source):
    return "".join(source) if isinstance(source, list) else source
