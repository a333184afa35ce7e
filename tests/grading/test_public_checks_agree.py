"""Public checks agree with the grade (issue 25, point 2).

Every wrong submission in ``tests/grading/wrong_submissions`` that loses points on a
question also fails one of that question's public checks (the ones ``grader.check``
runs in the student's notebook, at the worksheet's values): a student who sees
"All test cases passed!" has not lost points there.  The one exception is an answer
that types in the public checks' own numbers (``typed_in=True``): it passes publicly
by construction, and the hidden tests at other inputs catch it.
"""

import pytest

from tests.conftest import NOTEBOOKS
from tests.support.submissions import corpus

CASES = [(name, case) for name in NOTEBOOKS for case in corpus(name).CASES if not case.typed_in]


def public_failures(result, question):
    return [c for c in result.checks.get(question, []) if not c["hidden"] and not c["passed"]]


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}:{c.name}" for n, c in CASES])
def test_points_lost_only_where_a_public_check_fails(name, case, grade_wrong_submission):
    result = grade_wrong_submission(name, case)
    assert not result.error, result.error
    full = corpus(name).FULL
    silent = [question for question, points in case.expected.items()
              if points < full[question] and not public_failures(result, question)]
    assert not silent, (
        f"{case.mistake}: loses points on {silent} while grader.check says all public checks pass; "
        f"hidden failures: {[result.failures.get(q) for q in silent]}")

