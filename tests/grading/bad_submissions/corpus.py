"""Bad submissions to notebook 1, kept as real files beside this module, and what each must get.

Every case is a file a student could upload: broken code, a notebook that never
ends or kills its own process, a memory bomb, and the tampering tricks that won
points from plain Otter, which ran the tests inside the student's kernel (changing
the tests, numpy or Otter; reading the hidden tests; printing a fake pass).  The
grader runs the tests outside the student's process, so none of them reaches a test.  Each is
made from notebook 1's built solution or student notebook by the recipe next to
its expectation, so it stays in step with the notebook:

    .venv/bin/python -m tests.grading.bad_submissions.corpus     # rewrite the files after a rebuild

``test_bad_submissions`` fails when a committed file differs from its recipe.

Expectations: ``status`` and ``scores`` under the batch grader; ``otter`` is what
plain Otter (``otter run``) gave the same file where that differs, measured when
the grader still ran Otter's tests in the kernel: the proof that a case tampers.
"""

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from grader.build import outputs_for
from tests.support.submissions import answer_cell_index, load_notebook

NOTEBOOK = "01_staged_computation"
HERE = Path(__file__).parent
FULL = {"q1a_forward": 2, "q1b_network": 1, "q1c_backward": 4}
ZERO = {q: 0 for q in FULL}
BLANK = "student"  # the untouched student notebook
SOLVED = "solution"  # the worked solution


@dataclass
class Case:
    name: str
    what: str  # what the student did, in a sentence
    status: str
    scores: dict
    otter: tuple = ()  # (status, scores) from plain `otter run`, when it differs
    note: str = ""  # a phrase the grade's reason or notes must contain
    make: object = None  # recipe: a function returning the file's bytes
    extension: str = ".ipynb"

    @property
    def filename(self):
        return f"{NOTEBOOK}-{self.name}{self.extension}"


# ---------------------------------------------------------------------------- recipes

def _base(which, notebook=NOTEBOOK):
    built = outputs_for(notebook)
    return load_notebook(built["solution"] if which == SOLVED else built["student"])


def _cell(source):
    return {"cell_type": "code", "execution_count": None, "id": "x", "metadata": {}, "outputs": [],
            "source": source.strip("\n")}


def _with(which, *, replace=None, prefix=None, after=None, metadata=None, name=NOTEBOOK):
    """``which`` base notebook (of notebook ``name``) with answer cells replaced or prefixed, and cells
    inserted after them.

    ``after={None: ...}`` inserts after the imports cell, before any answer.
    """
    notebook = copy.deepcopy(_base(which, name))
    for function, source in (replace or {}).items():
        notebook["cells"][answer_cell_index(notebook, function)]["source"] = source.strip("\n")
    for function, source in (prefix or {}).items():
        cell = notebook["cells"][answer_cell_index(notebook, function)]
        cell["source"] = source.strip("\n") + "\n\n" + "".join(cell["source"])
    for function, source in (after or {}).items():
        index = answer_cell_index(notebook, function) if function else 2  # 2: the imports cell
        notebook["cells"].insert(index + 1, _cell(source))
    for index, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{index:02d}"
    if metadata:
        notebook["metadata"]["otter"].update(metadata)
    return (json.dumps(notebook, indent=1, sort_keys=True) + "\n").encode()


FORGED_TEST = '''
FORGED = """from otter.test_files import test_case

OK_FORMAT = False

name = "{name}"
points = {points}

@test_case(points={points}, hidden=False)
def test_forged():
    pass
"""
for name, points in {"q1a_forward": 2, "q1b_network": 1, "q1c_backward": 4}.items():
    with open(f"tests/{name}.py", "w") as test_file:  # the copy of the tests Otter is about to run
        test_file.write(FORGED.format(name=name, points=points))
'''

PATCH_OTTER = '''
from otter.test_files.abstract_test import TestCaseResult
from otter.test_files.exception_test import ExceptionTestFile


def always_passes(self, global_environment):
    self.test_case_results = [TestCaseResult(test_case=case, message="All tests passed!", passed=True)
                              for case in self.test_cases]


ExceptionTestFile.run = always_passes  # Otter's own test runner, inside the kernel
'''

READ_HIDDEN = '''
import re

hidden = open("tests/q1a_forward.py").read()  # the hidden tests, seeds and formulas
print(hidden)
expected_q = re.search(r"checks\\.close\\('q', q, (.+?), at=checks", hidden).group(1)
expected_f = re.search(r"checks\\.close\\('f', f, (.+?), at=checks", hidden).group(1)


def forward(x, y, z):
    point = {"x": x, "y": y, "z": z}
    return eval(expected_q), eval(expected_f)
'''

WRONG_NUMBERS = {
    "forward": "def forward(x, y, z):\n    return 0.0, 0.0",
    "backward": 'def backward(x, y, z):\n    return {"q": 0.0, "x": 0.0, "y": 0.0, "z": 0.0}',
}

CASES = [
    Case("syntax_error", "a missing bracket in the (b) answer", "graded", {**FULL, "q1b_network": 0},
         note="SyntaxError",
         make=lambda: _with(SOLVED, replace={"network_edges": 'def network_edges():\n    return [("x", "q"), '
                                                              '("y", "q"), ("q", "f"), ("z", "f")'})),
    Case("exception_in_cell", "the (c) cell raises before it defines backward", "graded",
         {**FULL, "q1c_backward": 0}, note="ValueError",
         make=lambda: _with(SOLVED, prefix={"backward": 'raise ValueError("not finished")'})),
    Case("infinite_loop", "a cell that never ends", "timed out", ZERO, note="cell",
         make=lambda: _with(SOLVED, after={"backward": "while True:\n    pass"})),
    Case("os_exit", "os._exit(0) ends the notebook's own process", "kernel died", ZERO, note="cell",
         make=lambda: _with(SOLVED, after={"backward": "import os\nos._exit(0)"})),
    Case("sys_exit", "sys.exit() after the answers (a notebook carries on)", "graded", FULL, note="SystemExit",
         make=lambda: _with(SOLVED, after={"backward": 'import sys\nsys.exit("done")'})),
    Case("memory_bomb", "asks for 8 GiB at once and fills it", "graded", FULL, note="MemoryError",
         make=lambda: _with(SOLVED, after={"backward": "hog = b'x' * (8 * 2**30)  # 8 GiB, every byte written"})),
    Case("deletes_files", "deletes the tests and the notebook in its folder", "graded", FULL,
         otter=("error", ZERO),
         make=lambda: _with(SOLVED, after={None: "import os\nimport shutil\n\nshutil.rmtree('tests', "
                                                 "ignore_errors=True)\nfor name in os.listdir('.'):\n"
                                                 "    if name.endswith('.ipynb'):\n        os.remove(name)"})),
    Case("overwrites_tests", "rewrites the test files so every test passes", "graded", ZERO,
         otter=("graded", FULL), note="FileNotFoundError",
         make=lambda: _with(BLANK, after={None: FORGED_TEST})),
    Case("patches_numpy", "np.isclose always True, answers all 0", "graded", ZERO,
         otter=("graded", {**FULL, "q1b_network": 0}), note="expected",
         make=lambda: _with(BLANK, replace=WRONG_NUMBERS, after={
             None: "import numpy as np\n\nnp.isclose = lambda *args, **kwargs: True  # every check 'matches'"})),
    Case("patches_grader", "replaces Otter's test runner with one that passes everything", "graded", ZERO,
         otter=("graded", FULL), note="ModuleNotFoundError",
         make=lambda: _with(BLANK, after={None: PATCH_OTTER})),
    Case("replaces_grader", "replaces the grader object with one that always says 'passed'", "graded", ZERO,
         make=lambda: _with(BLANK, after={None: 'class AlwaysPasses:\n    def check(self, question):\n'
                                                '        print(f"{question} results: All test cases passed!")'
                                                '\n\n    def check_all(self):\n'
                                                '        print("All tests passed!")\n\n\ngrader = AlwaysPasses()'})),
    Case("fake_output", "prints a fake 'All tests passed!'", "graded", ZERO,
         make=lambda: _with(BLANK, after={"forward": 'print("q1a_forward results: All test cases passed!")',
                                          "backward": 'print("All tests passed!")'})),
    Case("reads_hidden_tests", "reads the hidden test file and evaluates its formulas", "graded", ZERO,
         otter=("graded", {**ZERO, "q1a_forward": 2}), note="FileNotFoundError",
         make=lambda: _with(BLANK, replace={"forward": READ_HIDDEN})),
    Case("hard_coded_answers", "the worksheet's numbers typed in", "graded",
         {"q1a_forward": 0, "q1b_network": 1, "q1c_backward": 0},
         make=lambda: _with(SOLVED, replace={
             "forward": "def forward(x, y, z):\n    return 3.0, -12.0",
             "backward": 'def backward(x, y, z):\n    return {"q": -4.0, "x": -4.0, "y": -4.0, "z": 3.0}'})),
    Case("empty", "an empty file", "not a notebook", ZERO, note="empty", make=lambda: b""),
    Case("not_a_notebook", "a Python script saved with .ipynb", "not a notebook", ZERO, note="JSON",
         make=lambda: b"def forward(x, y, z):\n    return x + y, (x + y) * z\n"),
    Case("wrong_assignment", "another course's notebook", "wrong assignment", ZERO, note="hw3_linear_regression",
         make=lambda: _with(SOLVED, metadata={"assignment_name": "hw3_linear_regression"})),
]


def write_all(folder=HERE):
    for case in CASES:
        (Path(folder) / case.filename).write_bytes(case.make())


if __name__ == "__main__":
    write_all()
    print(f"wrote {len(CASES)} files to {HERE}")
