"""The class view (issue 25, point 4): a batch's summary counts, per notebook and question, the
submissions that made each catalogued mistake, in summary.txt, mistakes.csv and mistakes.png, from
the names the checks give in the grading process (through results.jsonl)."""

import csv
import json
import shutil

import pytest

from grader import batch
from grader.build import outputs_for
from tests.support.submissions import compose, corpus, write

NOTEBOOK = "01_staged_computation"
# student -> the notebook-1 corpus case they submitted (two students made the same mistake)
CLASS = {"ann": "upstream_gradient_forgotten", "ben": "upstream_gradient_forgotten", "cat": "sign_flip",
         "dan": "forward_outputs_swapped"}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class_view")
    submissions, out = base / "submissions", base / "grades"
    cases = {case.name: case for case in corpus(NOTEBOOK).CASES}
    for student, case in CLASS.items():
        (submissions / student).mkdir(parents=True)
        write(compose(NOTEBOOK, cases[case]), submissions / student, NOTEBOOK)
    (submissions / "eve").mkdir()
    shutil.copy(outputs_for(NOTEBOOK)["solution"], submissions / "eve" / f"{NOTEBOOK}.ipynb")
    grades = batch.run(submissions, out, workers=2, time_limit=60, memory_limit="2G", log=lambda *a: None)
    return out, {g.student: g for g in grades}


def test_the_mistakes_travel_from_the_checks_into_every_grade_and_results_jsonl(graded_class):
    out, grades = graded_class
    assert grades["ann"].mistakes == {"q1c_backward": ["local derivative only"]}
    assert grades["cat"].mistakes == {"q1c_backward": ["sign flipped"]}
    assert grades["dan"].mistakes == {"q1a_forward": ["two outputs swapped"], "q1c_backward": ["an earlier part is wrong"]}
    assert grades["eve"].mistakes == {}
    recorded = [json.loads(line) for line in (out / batch.JOURNAL).read_text().splitlines()]
    assert {tuple(sorted(r["mistakes"])) for r in recorded if r["student"] == "ben"} == {("q1c_backward",)}


def test_summary_csv_and_chart_count_submissions_per_mistake(graded_class):
    out, _ = graded_class
    summary = (out / "summary.txt").read_text()
    assert "catalogued mistakes" in summary
    assert "q1c_backward: local derivative only 2 · an earlier part is wrong 1 · sign flipped 1" in summary
    assert "q1a_forward: two outputs swapped 1" in summary
    with open(out / "mistakes.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = {(r["notebook"], r["question"], r["mistake"]): int(r["submissions"]) for r in rows}
    assert counts == {(NOTEBOOK, "q1a_forward", "two outputs swapped"): 1,
                      (NOTEBOOK, "q1c_backward", "local derivative only"): 2,
                      (NOTEBOOK, "q1c_backward", "sign flipped"): 1,
                      (NOTEBOOK, "q1c_backward", "an earlier part is wrong"): 1}
    assert (out / "mistakes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_feedback_file_gives_the_sentence_without_otters_test_source(graded_class):
    out, _ = graded_class
    text = (out / "feedback" / NOTEBOOK / "ann.txt").read_text()
    assert "df/dx equals the local derivative dq/dx = 1 alone: multiply it by the upstream gradient" in text
    assert "Error at line" not in text and "checks.close(" not in text
