"""Finding and reading submissions: names from paths, Gradescope metadata, and every way a file can
fail to be a notebook, each with a plain reason (nothing here runs a notebook)."""

import json
import zipfile
from pathlib import Path

import pytest

from grader import submissions
from grader.batch import parse_memory
from grader.submissions import MAX_JSON_DEPTH, Submission, discover, load, parse_notebook, read_gradescope_metadata
from tests.grading.bad_submissions import hostile
from tests.grading.bad_submissions.corpus import CASES, HERE

NAMES = ["01_staged_computation", "02_backprop_practice"]
NOTEBOOK = {"cells": [], "metadata": {"otter": {"assignment_name": "01_staged_computation"}}, "nbformat": 4,
            "nbformat_minor": 5}


@pytest.mark.parametrize("relative,student,expected", [
    ("alice.ipynb", "alice", ""),
    ("alice/01_staged_computation.ipynb", "alice", "01_staged_computation"),
    ("01_staged_computation-bob.ipynb", "bob", "01_staged_computation"),
    ("carol/02_backprop_practice_2025_01_31T10_00_00_123456.zip", "carol", "02_backprop_practice"),
    ("section1/dan_01_staged_computation.ipynb", "section1/dan", "01_staged_computation"),
])
def test_student_and_notebook_come_from_the_path(tmp_path, relative, student, expected):
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(NOTEBOOK))
    (found,), ignored = discover(tmp_path, NAMES)
    assert (found.student, found.expected, found.key) == (student, expected, relative)


def test_other_files_are_ignored_and_listed(tmp_path):
    (tmp_path / "a.ipynb").write_text(json.dumps(NOTEBOOK))
    (tmp_path / "roster.csv").write_text("name\n")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text(json.dumps(NOTEBOOK))
    found, ignored = discover(tmp_path, NAMES)
    assert [s.key for s in found] == ["a.ipynb"]
    assert ignored == [Path("roster.csv")]


def _write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _file(path, data):
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize("make,problem", [
    (lambda p: _file(p.with_suffix(".ipynb"), b""), "empty"),
    (lambda p: _file(p.with_suffix(".ipynb"), "print('hi')"), "not notebook JSON"),
    (lambda p: _file(p.with_suffix(".ipynb"), "[1, 2]"), "no list of cells"),
    (lambda p: _file(p.with_suffix(".ipynb"), json.dumps({**NOTEBOOK, "nbformat": 3})), "nbformat 3"),
    (lambda p: _file(p.with_suffix(".zip"), b"PK nonsense"), "not a zip archive"),
    (lambda p: _write_zip(p.with_suffix(".zip"), {"notes.txt": "hi"}), "holds no notebook"),
    (lambda p: _write_zip(p.with_suffix(".zip"), {"a.ipynb": json.dumps(NOTEBOOK), "b.ipynb": json.dumps(NOTEBOOK)}),
     "several notebooks"),
], ids=["empty", "python", "json_list", "nbformat3", "bad_zip", "zip_without_notebook", "zip_two_notebooks"])
def test_each_unreadable_submission_says_why(tmp_path, make, problem):
    path = make(tmp_path / "submission")
    loaded = load(Submission(path=path, key=path.name, student="s"))
    assert loaded.notebook is None
    assert problem in loaded.problem


def test_a_zip_with_several_notebooks_uses_the_one_named_for_the_assignment(tmp_path):
    path = _write_zip(tmp_path / "export.zip", {"scratch.ipynb": json.dumps(NOTEBOOK),
                                                "01_staged_computation.ipynb": json.dumps(NOTEBOOK)})
    loaded = load(Submission(path=path, key="export.zip", student="s"), expected="01_staged_computation")
    assert loaded.problem == "" and loaded.inner_name == "01_staged_computation.ipynb"
    assert loaded.assignment == "01_staged_computation"


def test_gradescope_metadata_is_read_even_with_ruby_tags(tmp_path):
    path = tmp_path / "submission_metadata.yml"
    path.write_text("submission_7:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '7'\n    :email: a@x.edu\n"
                    "  :created_at: !ruby/object:ActiveSupport::TimeWithZone\n    utc: 2025-01-31\n")
    assert read_gradescope_metadata(path) == {"submission_7": [{"name": "Ada Lovelace", "sid": "7",
                                                               "email": "a@x.edu"}]}


@pytest.mark.parametrize("text,value", [("4G", 4 * 2**30), ("512M", 512 * 2**20), ("1.5G", int(1.5 * 2**30)),
                                        ("0", None), ("none", None)])
def test_memory_limits_are_read_like_people_write_them(text, value):
    assert parse_memory(text) == value


def test_a_memory_limit_that_cannot_be_read_says_how_to_write_it():
    with pytest.raises(ValueError, match="like 4G"):
        parse_memory("four gigs")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_committed_bad_submissions_match_their_recipes(case):
    assert (HERE / case.filename).read_bytes() == case.make(), (
        f"{case.filename} is stale: run .venv/bin/python -m tests.grading.bad_submissions.corpus")


def _notebook_with(**changes):
    """NOTEBOOK with one code cell, then ``changes`` applied: ``cell=`` merges into the cell."""
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"] = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                          "source": "x = 1\n"}]
    notebook["cells"][0].update(changes.pop("cell", {}))
    notebook.update(changes)
    return notebook


WRONG_TYPES = {  # id -> (notebook, the problem parse_notebook must name)
    "metadata_list": (_notebook_with(metadata=[]), "the notebook's metadata is a list, not a JSON object"),
    "metadata_text": (_notebook_with(metadata="x"), "the notebook's metadata is text, not a JSON object"),
    "otter_list": (_notebook_with(metadata={"otter": []}),
                   "the notebook's metadata.otter is a list, not a JSON object"),
    "assignment_number": (_notebook_with(metadata={"otter": {"assignment_name": 1}}),
                          "the notebook's metadata.otter.assignment_name is a number, not text"),
    "minor_text": (_notebook_with(nbformat_minor="5"), "nbformat_minor is text, not a whole number"),
    "nbformat_list": (_notebook_with(nbformat=[4]), "nbformat is a list, not 4"),
    "cell_number": (_notebook_with(cells=[1]), "cell 1 is a number, not a JSON object"),
    "cell_list": (_notebook_with(cells=[[]]), "cell 1 is a list, not a JSON object"),
    "cell_type_list": (_notebook_with(cell={"cell_type": ["code"]}),
                       "cell 1's cell_type is a list, not code, markdown or raw"),
    "cell_type_unknown": (_notebook_with(cell={"cell_type": "python"}),
                          "cell 1's cell_type is 'python', not code, markdown or raw"),
    "source_ints": (_notebook_with(cell={"source": [1, 2]}),
                    "cell 1's source is a list holding a number, not only text"),
    "source_object": (_notebook_with(cell={"source": {"a": "b"}}), "cell 1's source is a JSON object, not text"),
    "source_null": (_notebook_with(cell={"source": None}), "cell 1's source is null, not text"),
    "cell_metadata_list": (_notebook_with(cell={"metadata": []}), "cell 1's metadata is a list, not a JSON object"),
    "outputs_object": (_notebook_with(cell={"outputs": {}}), "cell 1's outputs are a JSON object, not a list"),
    "outputs_text": (_notebook_with(cell={"outputs": ["text"]}), "cell 1's outputs hold text, not JSON objects"),
    "output_type_number": (_notebook_with(cell={"outputs": [{"output_type": 3}]}),
                           "cell 1's outputs hold an output_type that is a number, not text"),
    "execution_count_text": (_notebook_with(cell={"execution_count": "1"}),
                             "cell 1's execution_count is text, not a whole number"),
    "execution_count_fraction": (_notebook_with(cell={"execution_count": 1.5}),
                                 "cell 1's execution_count is a decimal number, not a whole number"),
    "id_number": (_notebook_with(cell={"id": 7}), "cell 1's id is a number, not text"),
    "attachments_list": (_notebook_with(cell={"attachments": []}),
                         "cell 1's attachments are a list, not a JSON object"),
}


@pytest.mark.parametrize("notebook,problem", WRONG_TYPES.values(), ids=WRONG_TYPES)
def test_a_notebook_with_a_wrong_type_anywhere_is_not_a_notebook_and_says_where(notebook, problem):
    loaded = parse_notebook(json.dumps(notebook).encode())
    assert loaded.notebook is None
    assert loaded.problem == f"not a notebook: {problem}"


def test_a_cell_without_source_is_not_a_notebook():
    notebook = _notebook_with()
    del notebook["cells"][0]["source"]
    assert parse_notebook(json.dumps(notebook).encode()).problem == "not a notebook: cell 1 has no source"


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_json_is_not_a_notebook(depth):
    """100000 nested lists make json.loads raise RecursionError; 150 would still exhaust the stack later
    (copying the notebook, writing it for the kernel)."""
    text = json.dumps(_notebook_with(cell={"metadata": "DEEP"})).replace('"DEEP"', "[" * depth + "]" * depth)
    loaded = parse_notebook(text.encode())
    assert loaded.notebook is None
    assert loaded.problem == f"not a notebook: the JSON is nested more than {MAX_JSON_DEPTH} levels deep"


def test_text_that_is_not_unicode_is_not_a_notebook():
    """A lone surrogate (valid JSON, never written by Jupyter) cannot be encoded, so nothing can read the cell."""
    text = json.dumps(_notebook_with(cell={"source": "x = 1  # \ud800\n"}))
    assert "\\ud800" in text
    loaded = parse_notebook(text.encode())
    assert loaded.problem == "not a notebook: the JSON holds text that is not valid Unicode (a lone surrogate)"


def test_a_file_over_the_size_limit_is_not_read(monkeypatch):
    monkeypatch.setattr(submissions, "MAX_NOTEBOOK_BYTES", 100)
    loaded = parse_notebook(json.dumps(_notebook_with(cell={"source": "x" * 200})).encode())
    assert loaded.notebook is None and "too large" in loaded.problem


def test_a_valid_notebook_still_reads_with_its_assignment():
    loaded = parse_notebook(json.dumps(_notebook_with(cell={"source": ["a = 1\n", "b = 2\n"]})).encode())
    assert loaded.problem == "" and loaded.assignment == "01_staged_computation"


def _mutations(rng, value, count):
    """``count`` copies of JSON ``value``, each with one node replaced by a value of another type."""
    replacements = [None, True, 0, -1.5, "", "text", [], [1, "a"], {}, {"k": [None]}, ["a", 2], [[]]]
    paths = []
    stack = [((), value)]
    while stack:
        path, node = stack.pop()
        paths.append(path)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((path + (key,), child) for key, child in children)
    for _ in range(count):
        copy_ = json.loads(json.dumps(value))
        path = paths[rng.randrange(len(paths))]
        if not path:
            yield rng.choice(replacements)
            continue
        parent = copy_
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = json.loads(json.dumps(rng.choice(replacements)))
        yield copy_


def test_what_parse_notebook_lets_through_never_crashes_prepare():
    """Every notebook parse_notebook accepts (here: the kit's student notebook with one node of the JSON
    replaced by another type, 400 ways) is prepared, and its code cells read, without an exception."""
    import random

    from grader.build import outputs_for
    from grader.engine import code_cells
    from grader.grading import code_cell_positions
    from grader.prepare import prepare

    student = json.loads(outputs_for("01_staged_computation")["student"].read_text())
    accepted = 0
    for mutated in _mutations(random.Random(23), student, 400):
        loaded = parse_notebook(json.dumps(mutated).encode())
        assert loaded.problem or loaded.notebook is not None
        if loaded.problem:
            continue
        accepted += 1
        graded = prepare(loaded.notebook, "01_staged_computation")
        code_cell_positions(graded)
        code_cells(loaded.notebook)  # what Gradescope's entry point reads, unprepared
        json.dumps(graded)
    assert accepted > 50, "the mutations should also make notebooks that are still notebooks"


def test_gradescope_names_that_yaml_reads_as_numbers_or_dates_are_still_text(tmp_path):
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_7:\n  :submitters:\n  - :name: 1234\n    :sid: 7\n    :email: 2025-01-31\n")
    (tmp_path / "submission_7").mkdir()
    (found,), _ = discover(tmp_path, NAMES)
    assert (found.student, found.sid, found.email) == ("1234", "7", "2025-01-31")


@pytest.mark.parametrize("layout", ["notebook", "folder"])
def test_a_huge_file_is_never_read_into_memory(tmp_path, layout):
    """A 200 MB file (sparse: no disk used) is measured and hashed in blocks, never held whole."""
    import os
    import tracemalloc

    folder = tmp_path / "submission_1"
    folder.mkdir()
    if layout == "folder":  # a Gradescope submission: its notebook beside a huge upload
        (folder / "01_staged_computation.ipynb").write_text(json.dumps(NOTEBOOK))
    huge = folder / ("huge.ipynb" if layout == "notebook" else "data.bin")
    with open(huge, "wb") as handle:
        os.truncate(handle.fileno(), 200 * 2**20)
    tracemalloc.start()
    try:
        loaded = load(Submission(path=huge if layout == "notebook" else folder, key="k", student="s"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20
    assert loaded.digest
    if layout == "notebook":
        assert loaded.problem == "not a notebook: the file is 200 MB, too large"
    else:
        assert loaded.problem == "" and loaded.assignment == "01_staged_computation"


def test_a_zip_whose_notebook_is_damaged_is_not_a_notebook(tmp_path):
    path = _write_zip(tmp_path / "export.zip", {"01_staged_computation.ipynb": json.dumps(NOTEBOOK)})
    data = bytearray(path.read_bytes())
    start = data.index(b'{"cells"')
    data[start:start + 8] = b'{"cellz"'  # the stored bytes no longer match the zip's CRC
    path.write_bytes(bytes(data))
    loaded = load(Submission(path=path, key="export.zip", student="s"))
    assert loaded.problem == ("not a notebook: the notebook in the zip cannot be unpacked "
                              "(Bad CRC-32 for file '01_staged_computation.ipynb')")


@pytest.mark.parametrize("case", hostile.CASES, ids=[c.name for c in hostile.CASES])
def test_the_committed_hostile_submissions_match_their_recipes(case):
    assert (hostile.HERE / case.filename).read_bytes() == case.make(), (
        f"{case.filename} is stale: run .venv/bin/python -m tests.grading.bad_submissions.hostile")


def test_every_committed_hostile_submission_has_a_recipe():
    assert sorted(p.name for p in hostile.HERE.iterdir()) == sorted(c.filename for c in hostile.CASES)
