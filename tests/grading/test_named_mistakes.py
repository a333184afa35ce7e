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


# -- zero-valued mistakes, look-alikes and right answers (checks.close) ------------------------------------

def _named(got, mistakes, expected=1.0):
    try:
        checks.close("dz1/dw1", got, expected, at="at x=1, w1=0", mistakes=mistakes)
    except checks.Mistake as failure:
        return failure.mistake, str(failure)
    except AssertionError:
        return None, None
    return "passed", None


def test_a_zero_valued_mistake_is_named_only_where_a_second_input_confirms_it():
    swapped_w1 = lambda x, w1: w1  # noqa: E731 - the student's dz1/dw1, with the other input
    constant_0 = lambda x, w1: 0.0  # noqa: E731 - an unfinished answer gives 0 at every input
    for answer, named in ((swapped_w1, checks.INPUTS_SWAPPED), (constant_0, None)):
        mistakes = checks.hints("dz1/dw1", {checks.INPUTS_SWAPPED: 0.0},
                                confirm={checks.INPUTS_SWAPPED: lambda: (answer(1.0, 0.7), 0.7)})
        assert _named(answer(1.0, 0.0), mistakes)[0] == named
    # without a confirmation 0 says nothing, as before; a confirmation that crashes confirms nothing
    assert _named(0.0, checks.hints("dz1/dw1", {checks.INPUTS_SWAPPED: 0.0}))[0] is None
    crashing = {checks.INPUTS_SWAPPED: (0.0, "swapped", lambda: 1 / 0)}
    assert _named(0.0, crashing)[0] is None


def test_a_right_answer_is_never_named_and_a_mistake_equal_to_it_is_dropped():
    # the sign flipped of 0 is 0: where the right answer is what the mistake gives, nothing tells them apart
    mistakes = {checks.SIGN_FLIPPED: (1.0 + 5e-7, "sign"), checks.LOCAL_ONLY: (2.0, "local")}
    assert _named(1.0, mistakes) == ("passed", None)
    # wrong, and within the tolerance of the look-alike, which is within the tolerance of the right answer
    assert _named(1.0 + 1.4e-6, mistakes)[0] is None
    assert _named(2.0, mistakes)[0] == checks.LOCAL_ONLY


def test_two_mistakes_that_give_the_same_value_are_named_together():
    mistakes = {checks.SIGN_FLIPPED: (-1.0, "the sign is flipped"), checks.INPUTS_SWAPPED: (-1.0, "the inputs are swapped")}
    name, message = _named(-1.0, mistakes)
    assert name == f"{checks.SIGN_FLIPPED} or {checks.INPUTS_SWAPPED}"
    assert "the sign is flipped; or the inputs are swapped" in message


def test_hints_name_every_catalogued_mistake_without_a_formula():
    assert set(checks.HINTS) >= set(checks.CATALOGUE)
    for name, sentence in checks.HINTS.items():
        assert sentence.startswith("{q} "), name
        assert checks.hint("df/dx", name).startswith("df/dx ")


# -- grader.check in the student's notebook names the mistake with the public sentence ----------------------

def _public_test(notebook, question):
    """The student notebook's public test function for ``question``, as grader.check runs it (no decorator)."""
    import ast
    import json

    from grader.build import outputs_for

    source = json.loads(outputs_for(notebook)["student"].read_text())["metadata"]["otter"]["tests"][question]
    tree = ast.parse(source)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    function.decorator_list = []
    namespace = {}
    exec(compile(ast.Module(body=[function], type_ignores=[]), question, "exec"), namespace)
    return namespace[function.name]


def test_the_student_notebooks_public_check_names_the_mistake():
    test = _public_test("01_staged_computation", "q1c_backward")
    forward = lambda x, y, z: (x + y, (x + y) * z)  # noqa: E731
    flipped = lambda x, y, z: {"q": -z, "x": -z, "y": -z, "z": -(x + y)}  # noqa: E731
    with pytest.raises(checks.Mistake) as failure:
        test(flipped, forward)
    assert failure.value.mistake == checks.SIGN_FLIPPED
    assert str(failure.value).startswith(checks.hint("df/dq", checks.SIGN_FLIPPED))
    # notebook 5 (c) at w1 = 0: returning w1 gives 0 there, named because w1 = 0.7 gives 0.7
    test = _public_test("05_neural_nets", "q5_6c_dz1_dw1")
    with pytest.raises(checks.Mistake) as failure:
        test(lambda x, w1: w1)
    assert failure.value.mistake == checks.INPUTS_SWAPPED
    with pytest.raises(AssertionError) as failure:
        test(lambda x, w1: 0.0)
    assert not isinstance(failure.value, checks.Mistake)


def test_the_public_forward_checks_name_a_zero_valued_mistake_only_when_confirmed():
    import math

    # notebook 5 at w1 = 0: a1 = z1 is 0 there, as an unfinished 0 is; w1 = 0.7 tells them apart
    test = _public_test("05_neural_nets", "q5_1_forward")

    def forward(x, w1, w2, a1=None):
        z1 = x * w1
        a1 = z1 if a1 is None else a1
        z2 = (1 / (1 + math.exp(-z1))) * w2
        return z1, a1, z2, 1 / (1 + math.exp(-z2))

    with pytest.raises(checks.Mistake) as failure:
        test(forward)
    assert failure.value.mistake == checks.SIGMOID_LEFT_OUT
    assert str(failure.value).startswith(checks.hint("a1", checks.SIGMOID_LEFT_OUT))
    with pytest.raises(AssertionError) as failure:
        test(lambda x, w1, w2: forward(x, w1, w2, a1=0.0))
    assert not isinstance(failure.value, checks.Mistake)
    # notebook 4 (b): s2 = b r2 is 0 at the worksheet's inputs (r2 is off); x2 = 1 turns r2 on
    test = _public_test("04_deep_learning", "q4b_forward")

    def forward_b(x1, x2, a, b, c, d, e, f, s2=None):
        r1, r2 = max(c * x1 + e * x2, 0.0), max(d * x1 + f * x2, 0.0)
        s1 = 1 / (1 + math.exp(-a * r1))
        s2 = b * r2 if s2 is None else s2
        return r1, r2, s1, s2, s1 + s2

    with pytest.raises(checks.Mistake) as failure:
        test(forward_b)
    assert failure.value.mistake == checks.SIGMOID_LEFT_OUT
    with pytest.raises(AssertionError) as failure:
        test(lambda *args: forward_b(*args, s2=0.0))
    assert not isinstance(failure.value, checks.Mistake)
