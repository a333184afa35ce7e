"""Written (Otter ``manual: true``) answers reach the TA: in the export zip and in ``python -m grader grade``.

Otter gives manual questions no tests, so they never appear in its results; test_grading's
FULL therefore lists autograded questions only, and each corpus names its written questions
in MANUAL.  These tests check that MANUAL matches the master, that the answers a student
types survive ``grader.export()``, and that the TA tools read them back.
"""

import json
import shutil
import subprocess
import sys

import pytest

from grader.__main__ import _print_written_answers
from grader.build import ROOT, outputs_for
from grader.manual import PLACEHOLDER, manual_questions, written_answers
from tests.conftest import NOTEBOOKS
from tests.support.submissions import corpus

WITH_WRITTEN = [name for name in NOTEBOOKS if manual_questions(name)]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_corpus_names_exactly_the_written_questions_of_the_master(name):
    manual = getattr(corpus(name), "MANUAL", {})
    assert manual == {q: int(p) for q, p in manual_questions(name).items()}
    assert not set(manual) & set(corpus(name).FULL), "a question is either autograded or written, not both"


@pytest.mark.parametrize("name", WITH_WRITTEN)
def test_student_notebook_has_blank_answers_and_solution_has_answers_with_rubric(name):
    blank = written_answers(outputs_for(name)["student"], name)
    assert [a.question for a in blank] == list(manual_questions(name))
    assert not any(a.answered for a in blank), [a.text for a in blank]
    solution = written_answers(outputs_for(name)["solution"], name)
    for answer in solution:
        assert "**Answer.**" in answer.text and "**Rubric" in answer.text, f"{answer.question}: {answer.text[:80]}"


def fill_written_answers(notebook):
    """Replace each placeholder answer cell with a recognisable sentence; return what was written, in order."""
    written = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and "".join(cell["source"]).strip() == PLACEHOLDER:
            text = f"My answer number {len(written) + 1}: the hidden units stay identical."
            cell["source"] = text
            written.append(text)
    return written


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{name: (export zip, the answers written)}: student notebooks filled in and exported by Otter."""
    made = {}
    for name in WITH_WRITTEN:
        folder = tmp_path_factory.mktemp(f"export-{name}")
        shutil.copytree(ROOT / "notebooks" / "backprop_kit", folder / "backprop_kit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        notebook = json.loads(outputs_for(name)["student"].read_text())
        written = fill_written_answers(notebook)
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook))
        # what the notebook's last cell runs, minus the kernel: Otter zips the saved notebook
        subprocess.run([sys.executable, "-c", "import otter; otter.Notebook(%r).export(pdf=False, display_link=False)"
                        % f"{name}.ipynb"], cwd=folder, check=True, capture_output=True)
        (zip_path,) = folder.glob(f"{name}_*.zip")
        made[name] = (zip_path, written)
    return made


@pytest.mark.parametrize("name", WITH_WRITTEN)
def test_export_zip_carries_the_written_answers(name, exported):
    zip_path, written = exported[name]
    assert len(written) == len(manual_questions(name)), "one placeholder answer cell per written question"
    assert [a.text for a in written_answers(zip_path, name)] == written


@pytest.mark.parametrize("name", WITH_WRITTEN)
def test_otter_grades_the_export_zip_on_autograded_questions_only(name, exported, grade_with_otter):
    result = grade_with_otter(name, exported[name][0])
    assert not result.error, result.error
    assert result.possible == corpus(name).FULL
    assert not set(result.possible) & set(manual_questions(name))


@pytest.mark.parametrize("name", WITH_WRITTEN)
def test_grade_command_lists_the_written_answers_for_the_ta(name, exported, capsys):
    _print_written_answers(exported[name][0], name)
    printed = capsys.readouterr().out
    assert f"{name}-solution.ipynb" in printed, "the TA is told where the rubric is"
    for answer, text in zip(manual_questions(name).items(), exported[name][1]):
        question, points = answer
        assert f"{question:24s} _ / {points:g}" in printed
        assert f"    | {text}" in printed
    _print_written_answers(outputs_for(name)["student"], name)
    assert "(no answer written)" in capsys.readouterr().out
