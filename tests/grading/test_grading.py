"""Real Otter grading of every notebook: the solution, the blank notebook and the wrong-answer corpus.

Each wrong submission must keep exactly the points its corpus entry says, so a
test that lets a mistake through, or punishes a right answer, fails here.
"""

import pytest

from grader.build import outputs_for
from tests.conftest import NOTEBOOKS
from tests.support.submissions import corpus

MINIMUM_CORPUS = 6
CASES = [(name, case) for name in NOTEBOOKS for case in corpus(name).CASES]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solution_scores_full_marks(name, grade_with_otter):
    result = grade_with_otter(name, outputs_for(name)["solution"])
    assert not result.error, result.error
    assert result.scores == result.possible, result.failures
    assert result.possible == corpus(name).FULL


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_student_notebook_scores_zero(name, grade_with_otter):
    result = grade_with_otter(name, outputs_for(name)["student"])
    assert not result.error, result.error
    assert result.total == 0, result.scores
    assert set(result.failures) == set(result.possible), "every question should say why it failed"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_has_a_wrong_answer_corpus(name):
    cases = corpus(name).CASES
    assert len(cases) >= MINIMUM_CORPUS
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    for case in cases:
        assert case.expected != corpus(name).FULL, f"{case.name} loses no points: it is not a wrong answer"


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}:{c.name}" for n, c in CASES])
def test_wrong_submission_loses_exactly_its_points(name, case, grade_wrong_submission):
    result = grade_wrong_submission(name, case)
    assert not result.error, result.error
    assert result.scores == {q: float(p) for q, p in case.expected.items()}, (
        f"{case.mistake}: got {result.scores}; failures: {result.failures}")
