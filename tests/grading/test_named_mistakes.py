"""Feedback that names the mistake (issue 25, point 3): every catalogued mistake has a wrong submission
whose grade names it, and whose first failure on that question (what the student reads first) says
in a sentence what to change; a failure caused by an earlier wrong part names that part first."""

import pytest

from backprop_kit import checks
from tests.conftest import NOTEBOOKS
from tests.support.submissions import corpus

NAMED = [(name, case) for name in NOTEBOOKS for case in corpus(name).CASES if case.named]


@pytest.mark.parametrize("name,case", NAMED, ids=[f"{n}:{c.name}" for n, c in NAMED])
def test_the_grade_names_the_mistake_in_a_sentence(name, case, grade_wrong_submission):
    result = grade_wrong_submission(name, case)
    assert not result.error, result.error
    for question, (mistake, begins) in case.named.items():
        assert mistake in result.mistakes.get(question, []), (
            f"{case.mistake}: {question} should name {mistake!r}; named {result.mistakes.get(question)}; "
            f"first failure: {result.failures.get(question)}")
        assert result.failures[question].startswith(begins), (question, result.failures[question])
        assert "Error at line" not in result.failures[question]


def test_every_catalogued_mistake_has_a_wrong_submission_that_names_it():
    named = {mistake for _, case in NAMED for mistake, _ in case.named.values()}
    assert not set(checks.CATALOGUE) - named, f"no case names {sorted(set(checks.CATALOGUE) - named)}"


def test_an_unrecognised_wrong_answer_still_gives_the_quantity_and_the_values():
    with pytest.raises(AssertionError) as failure:
        checks.close("df/dx", 7.0, -4.0, at="at x=-2", mistakes={checks.LOCAL_ONLY: (1.0, "df/dx is local")})
    assert str(failure.value) == "df/dx at x=-2: expected -4, got 7"
    assert not isinstance(failure.value, checks.Mistake)
    with pytest.raises(checks.Mistake) as named:
        checks.close("df/dx", 1.0, -4.0, at="at x=-2", mistakes={checks.LOCAL_ONLY: (1.0, "df/dx is local")})
    assert named.value.mistake == checks.LOCAL_ONLY
    assert str(named.value) == "df/dx is local (df/dx at x=-2: expected -4, got 1)"
