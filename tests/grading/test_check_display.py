"""grader.check in the student's notebook shows the check's sentence, not Otter's test source around it
(issue 25, point 3), through ``backprop_kit.otter_messages``: one wrapper around one private Otter
method, on the Otter versions it was tested with; anywhere else Otter's own message (the fallback)."""

import pytest

from backprop_kit import checks, otter_messages
from tests.support.submissions import compose, corpus, write

TEST_FILE = '''
from otter.test_files import test_case

OK_FORMAT = False
name = "q_demo"
points = 1

@test_case(points=None, hidden=False)
def test_demo(backward):
    from backprop_kit import checks
    checks.close("df/dx", backward(), -4.0, at="at x=-2", mistakes={
        checks.LOCAL_ONLY: (1.0, "df/dx equals the local derivative dq/dx = 1 alone: multiply it by df/dq = z")})
'''
SENTENCE = "df/dx equals the local derivative dq/dx = 1 alone: multiply it by df/dq = z"


def _otter_message():
    from otter.test_files import ExceptionTestFile

    test_file = ExceptionTestFile.from_string(TEST_FILE, path="q_demo.py")
    test_file.run({"backward": lambda: 1.0})
    (result,) = test_file.test_case_results
    assert not result.passed
    return result.message


@pytest.fixture
def otter_as_shipped():
    """Otter's own method during the test, and the kit's wrapper back afterwards (as importing checks left it)."""
    otter_messages.uninstall()
    yield
    otter_messages.install()


def _tested_otter():
    import otter

    return otter.__version__ in otter_messages.TESTED


def test_on_a_tested_otter_the_message_is_the_sentence_alone(otter_as_shipped):
    if not _tested_otter():
        pytest.skip("this stack's Otter is not one the wrapper was tested with: the fallback test covers it")
    assert otter_messages.install()
    message = _otter_message()
    assert SENTENCE in message and "(df/dx at x=-2: expected -4, got 1)" in message
    assert "Error at line" not in message and "checks.close(" not in message


def test_on_any_other_otter_it_keeps_otters_own_message(otter_as_shipped):
    assert not otter_messages.install(tested=("0.0.1",))
    message = _otter_message()
    assert "Error at line" in message and "checks.close(" in message  # Otter's format, the source around it
    assert SENTENCE in message  # the sentence is still there, inside it


def test_importing_the_checks_installs_it_once():
    from otter.test_files import ExceptionTestFile

    if not _tested_otter():
        assert not otter_messages.install()  # an untested Otter keeps its own method
        return
    assert otter_messages.install() and otter_messages.install()
    method = ExceptionTestFile._generate_error_message
    assert getattr(method, "_backprop_kit_sentence", False)
    assert not getattr(method.__wrapped__, "_backprop_kit_sentence", False)
    assert checks.otter_messages is otter_messages


def test_grader_check_in_a_real_kernel_shows_the_sentence(tmp_path):
    from tests.support.notebooks import outputs_text, run_notebook

    name = "01_staged_computation"
    case = next(c for c in corpus(name).CASES if c.name == "upstream_gradient_forgotten")
    (tmp_path / "in").mkdir()
    (tmp_path / "run").mkdir()
    submission = write(compose(name, case), tmp_path / "in", f"{name}-solution")
    text = outputs_text(run_notebook(submission, tmp_path / "run"))
    assert "df/dx equals the local derivative dq/dx = 1 alone: multiply it by the upstream gradient df/dq = z" in text
    assert ("Error at line" in text) != _tested_otter()  # Otter's own format only where the wrapper is off
