"""Submissions for grading tests, composed from the built notebooks.

A wrong submission is the worked solution with some answer functions replaced
by a known mistake (or left as the student notebook gives them).  Composing it
from the built files keeps the corpus small and never stale: only the mistake is
written down, next to the points it must keep.
"""

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

from grader.build import outputs_for

AS_GIVEN = "<the cell as the student notebook gives it>"
CORPUS = Path(__file__).parent.parent / "grading" / "wrong_submissions"


@dataclass
class WrongSubmission:
    name: str
    mistake: str  # what a student did, in a sentence
    replace: dict  # function name -> its wrong source, or AS_GIVEN
    expected: dict = field(default_factory=dict)  # question -> points it must keep
    typed_in: bool = False  # the public checks' numbers typed in: passes publicly, fails hidden (the exception)
    # question -> (the catalogued mistake its checks must name, how its first failure must begin)
    named: dict = field(default_factory=dict)


def load_notebook(path):
    return json.loads(Path(path).read_text())


def answer_cell_index(notebook, function):
    pattern = re.compile(rf"^def {re.escape(function)}\(", re.MULTILINE)
    hits = [i for i, c in enumerate(notebook["cells"])
            if c["cell_type"] == "code" and pattern.search("".join(c["source"]))]
    if len(hits) != 1:
        raise LookupError(f"expected one cell defining {function}(); found {len(hits)}")
    return hits[0]


def compose(notebook_name, case):
    """The solution notebook with ``case.replace`` applied; returns notebook JSON."""
    built = outputs_for(notebook_name)
    solution = load_notebook(built["solution"])
    student = load_notebook(built["student"])
    submission = copy.deepcopy(solution)
    for function, source in case.replace.items():
        index = answer_cell_index(submission, function)
        if source == AS_GIVEN:
            source = "".join(student["cells"][answer_cell_index(student, function)]["source"])
        submission["cells"][index]["source"] = dedent(source).strip("\n")
    return submission


def write(notebook, folder, name):
    path = Path(folder) / f"{name}.ipynb"
    path.write_text(json.dumps(notebook, indent=1))
    return path


def corpus(notebook_name):
    """The CASES list and FULL marks of tests/grading/wrong_submissions/<notebook>.py."""
    import importlib.util

    path = CORPUS / f"{notebook_name}.py"
    spec = importlib.util.spec_from_file_location(f"corpus_{notebook_name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
