"""Shared fixtures: the notebooks that exist, and Otter grading with a per-run cache."""

import pytest

from grader.build import ROOT, master_names, outputs_for
from grader.grading import grade

NOTEBOOKS = master_names()


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def grade_with_otter():
    """grade_with_otter(notebook_name, submission_path) -> grader.grading.Grade, via Otter."""
    cache = {}

    def run(notebook_name, submission):
        key = (notebook_name, str(submission))
        if key not in cache:
            cache[key] = grade(submission, outputs_for(notebook_name)["autograder"])
        return cache[key]

    return run
