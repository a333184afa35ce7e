"""Finding and reading submissions: names from paths, Gradescope metadata, and every way a file can
fail to be a notebook, each with a plain reason (nothing here runs a notebook)."""

import json
import zipfile
from pathlib import Path

import pytest

from grader.batch import parse_memory
from grader.submissions import Submission, discover, load, read_gradescope_metadata
from tests.bad_submissions import hostile
from tests.bad_submissions.corpus import CASES, HERE

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
        f"{case.filename} is stale: run .venv/bin/python -m tests.bad_submissions.corpus")


@pytest.mark.parametrize("case", hostile.CASES, ids=[c.name for c in hostile.CASES])
def test_the_committed_hostile_submissions_match_their_recipes(case):
    assert (hostile.HERE / case.filename).read_bytes() == case.make(), (
        f"{case.filename} is stale: run .venv/bin/python -m tests.bad_submissions.hostile")


def test_every_committed_hostile_submission_has_a_recipe():
    assert sorted(p.name for p in hostile.HERE.iterdir()) == sorted(c.filename for c in hostile.CASES)
