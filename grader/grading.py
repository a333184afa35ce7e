"""Grade one submission with Otter's own engine and return plain per-question scores.

Otter runs the notebook in a fresh kernel and its tests against the result; this
module only turns Otter's results into a small record a test or a TA can read.
"""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Grade:
    submission: str
    scores: dict = field(default_factory=dict)  # question -> points earned
    possible: dict = field(default_factory=dict)  # question -> points available
    failures: dict = field(default_factory=dict)  # question -> first failing test's last line
    error: str = ""  # set when Otter could not grade at all

    @property
    def total(self):
        return sum(self.scores.values())

    @property
    def out_of(self):
        return sum(self.possible.values())


def grade(submission, autograder_zip):
    """Run Otter on ``submission`` (.ipynb or export .zip) with ``autograder_zip``."""
    from otter.api import grade_submission  # Otter's import is slow: only when grading

    submission = Path(submission)
    results = grade_submission(str(submission), str(autograder_zip), quiet=True)
    record = Grade(submission.name)
    if results.catastrophic_error is not None:
        record.error = f"{type(results.catastrophic_error).__name__}: {results.catastrophic_error}"
    for name in results.test_files:
        test_file = results.get_result(name)
        record.scores[name] = float(test_file.score)
        record.possible[name] = float(test_file.possible)
        failed = [r for r in test_file.test_case_results if not r.passed]
        if failed:
            record.failures[name] = failed[0].message.strip().splitlines()[-1]
    return record
