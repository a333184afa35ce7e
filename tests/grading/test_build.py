"""The build: committed files match their masters, builds are reproducible, students see no answers."""

import json
import re
import zipfile

import pytest

from grader import build as building
from tests.conftest import NOTEBOOKS

SOLUTION_LINE = re.compile(r"^(.*?)\s*# SOLUTION\s*$")


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    """Build every master into a temp tree (skipping Otter's self-test: test_grading covers it)."""
    out = tmp_path_factory.mktemp("fresh-build")
    return building.build(out_root=out, run_tests=False, log=lambda *_: None)


@pytest.mark.parametrize("name", NOTEBOOKS)
@pytest.mark.parametrize("kind", ["student", "autograder", "solution"])
def test_committed_build_is_up_to_date(name, kind, fresh_build):
    committed = building.outputs_for(name)[kind]
    assert committed.exists(), f"{committed} is missing: run ./kit build"
    assert committed.read_bytes() == fresh_build[name][kind].read_bytes(), (
        f"{committed.relative_to(building.ROOT)} is out of date with solutions/{name}.ipynb: run ./kit build")


def test_build_is_reproducible(fresh_build, tmp_path):
    name = NOTEBOOKS[0]
    again = building.build([name], out_root=tmp_path, run_tests=False, log=lambda *_: None)[name]
    for kind, path in again.items():
        assert path.read_bytes() == fresh_build[name][kind].read_bytes(), f"{kind} differs between two builds"


def _code_lines(notebook):
    return {line.strip() for cell in notebook["cells"] if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines() if line.strip()}


def _solution_lines(master):
    """Code lines the master marks as solution: '# SOLUTION' lines and BEGIN/END SOLUTION blocks."""
    lines, inside = set(), False
    for cell in master["cells"]:
        if cell["cell_type"] == "raw":
            text = "".join(cell["source"]).strip()
            inside = {"# BEGIN SOLUTION": True, "# END SOLUTION": False}.get(text, inside)
            continue
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            marked = SOLUTION_LINE.match(line)
            if marked:
                lines.add(marked.group(1).strip())
    return lines


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_notebook_holds_no_solution_and_no_hidden_test(name):
    paths = building.outputs_for(name)
    text = paths["student"].read_text()
    student = json.loads(text)
    master = json.loads((building.MASTERS / f"{name}.ipynb").read_text())
    leaked = _solution_lines(master) & _code_lines(student)
    assert not leaked, f"solution code in the student notebook: {sorted(leaked)}"
    for marker in ("# SOLUTION", "BEGIN SOLUTION", "# HIDDEN", "hidden: true", "hidden=True"):
        assert marker not in text, f"{marker!r} in the student notebook"
    with zipfile.ZipFile(paths["autograder"]) as autograder:
        hidden = {m for n in autograder.namelist() if n.startswith("tests/")
                  for m in re.findall(r"hidden=True\)\ndef (\w+)", autograder.read(n).decode())}
    assert hidden, "the autograder should have hidden tests"
    assert not {h for h in hidden if h in text}, "a hidden test's name appears in the student notebook"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_notebook_is_clean_and_ends_with_check_all_and_export(name):
    student = json.loads(building.outputs_for(name)["student"].read_text())
    code = [c for c in student["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "grader = otter.Notebook(" in "".join(code[0]["source"])
    assert "grader.check_all()" in "".join(code[-2]["source"])
    assert "grader.export(" in "".join(code[-1]["source"])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_autograder_leaves_the_acceleration_layer_out(name, fresh_build):
    with zipfile.ZipFile(fresh_build[name]["autograder"]) as autograder:
        names = autograder.namelist()
    assert "files/backprop_kit/widgets/live.py" in names
    assert not [n for n in names if "acceleration" in n], "the zip carries the acceleration layer"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_autograder_ships_the_shared_package(name):
    with zipfile.ZipFile(building.outputs_for(name)["autograder"]) as autograder:
        names = autograder.namelist()
        environment = autograder.read("environment.yml").decode()
    assert "files/backprop_kit/checks.py" in names
    assert not any("__pycache__" in n for n in names)
    assert "python=3.11" in environment, "Gradescope should grade on the Python the kit is tested with"
    for package in building.GRADING_PACKAGES:
        assert f"{package}==" in environment, f"{package} is not pinned in the autograder's environment"
