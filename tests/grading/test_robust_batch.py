"""The batch always finishes and its records hold up: one bad file or result is that submission's
status and reason, never the end of the run; messages are capped; grades.csv holds no formula;
a resumed run reuses only the records it can verify it wrote.

Nothing here runs a notebook: ``grade_planned`` is replaced by a fake that makes up each engine
result (full marks unless a test says otherwise) and turns it into a Grade through
``batch.from_engine``, as the engine does, so every test takes well under a second.
"""

import json
import shutil

import pytest

from grader import batch, report
from grader.build import outputs_for
from tests.grading.bad_submissions.corpus import FULL, NOTEBOOK

STUDENTS = ("alice", "bob", "carol")


@pytest.fixture(autouse=True)
def own_key_folder(tmp_path, monkeypatch):
    """Each test's grader keys go to a state folder of its own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _file(student):
    return f"{NOTEBOOK}-{student}.ipynb"


def _class(folder, students=STUDENTS):
    """A folder with the worked solution as each student's submission; ``who`` in its metadata."""
    folder.mkdir()
    solution = json.loads(outputs_for(NOTEBOOK)["solution"].read_text())
    for student in students:
        solution["metadata"]["who"] = student
        (folder / _file(student)).write_text(json.dumps(solution))
    return folder


class NoEngine:
    def __init__(self, **options):
        pass

    def close(self):
        pass


def _full_marks(points):
    return {"outcome": "graded", "questions": {
        q: {"score": p, "possible": p, "checks": [{"name": f"{q} check", "hidden": False, "passed": True,
                                                   "message": ""}]}
        for q, p in points.items()}}


def _fake_engine(monkeypatch, results=None):
    """Replace the engine; return the list of submissions it was asked to grade, in order.

    ``results``: ``{submission: engine result}`` for the ones that must not get full marks.
    """
    graded = []

    def grade_planned(planned, pool, *, on_done=None, on_start=None, time_limit=None, **options):
        for item in planned:
            graded.append(item.grade.submission)
            result = (results or {}).get(item.grade.submission) or _full_marks(item.points)
            on_done(batch.from_engine(item.grade, result, item.points, item.cells, time_limit))

    monkeypatch.setattr(batch, "grade_planned", grade_planned)
    monkeypatch.setattr(batch, "Pool", NoEngine)
    return graded


def _journal(out):
    """``{submission: record}`` of the lines in ``out``'s results.jsonl."""
    records = [json.loads(line) for line in (out / batch.JOURNAL).read_text().splitlines()]
    return {record["submission"]: record for record in records}


def _run(submissions, out, messages=None):
    grades = batch.run(submissions, out, workers=1, log=(messages if messages is not None else []).append)
    return {g.submission: g for g in grades}


# ---------------------------------------------------------------------------- one bad file, the batch goes on

def _raise_for_bob(real, error):
    """``real`` (load or prepare), raising ``error`` when it meets bob's submission or notebook."""
    def wrapper(first, *args, **options):
        who = first.student if isinstance(first, batch.Submission) else first["metadata"].get("who")
        if who == "bob":
            raise error
        return real(first, *args, **options)
    return wrapper


@pytest.mark.parametrize("stage", ["load", "prepare"])
def test_a_grader_error_while_planning_one_file_is_that_files_error_and_the_rest_are_graded(
        tmp_path, monkeypatch, stage):
    submissions = _class(tmp_path / "submissions")
    graded = _fake_engine(monkeypatch)
    failing = _raise_for_bob(getattr(batch, stage), TypeError("something only bob's file does"))
    monkeypatch.setattr(batch, stage, failing)
    grades = _run(submissions, tmp_path / "out")
    bob = grades[_file("bob")]
    assert (bob.status, bob.notebook) == ("error", NOTEBOOK)
    assert bob.reason == f"grader error while planning {_file('bob')}: TypeError: something only bob's file does"
    assert graded == [_file("alice"), _file("carol")]
    for student in ("alice", "carol"):
        assert (grades[_file(student)].status, grades[_file(student)].scores) == ("graded", FULL)


def test_a_gradescope_export_with_a_file_the_grader_cannot_read_still_grades_the_others(tmp_path, monkeypatch):
    """The export's assignment is read from every submission before planning: that read has the boundary too."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "submission_metadata.yml").write_text("".join(
        f"submission_{i}:\n  :submitters:\n  - :name: {s}\n" for i, s in enumerate(STUDENTS)))
    solution = outputs_for(NOTEBOOK)["solution"]
    for i, _ in enumerate(STUDENTS):
        (export / f"submission_{i}").mkdir()
        shutil.copy(solution, export / f"submission_{i}" / f"{NOTEBOOK}.ipynb")
    _fake_engine(monkeypatch)
    monkeypatch.setattr(batch, "load", _raise_for_bob(batch.load, OSError("gone")))
    grades = _run(export, tmp_path / "out")
    assert {k: g.status for k, g in grades.items()} == {"submission_0": "graded", "submission_1": "error",
                                                        "submission_2": "graded"}
    assert grades["submission_1"].reason == "grader error while planning submission_1: OSError: gone"


def test_a_result_the_grader_cannot_read_is_that_submissions_error_and_the_rest_are_graded(tmp_path, monkeypatch):
    """A forged result whose score is the string "2" used to stop the run before it was journalled."""
    submissions = _class(tmp_path / "submissions")
    points = dict(FULL)
    forged = _full_marks(points)
    forged["questions"]["q1a_forward"]["score"] = "2"
    _fake_engine(monkeypatch, {_file("bob"): forged})
    grades = _run(submissions, tmp_path / "out")
    bob = grades[_file("bob")]
    assert bob.status == "error" and bob.total == 0 and not bob.checks
    assert bob.reason.startswith(f"grader error while reading the result for {_file('bob')}: TypeError: ")
    assert [grades[_file(s)].status for s in ("alice", "carol")] == ["graded", "graded"]
    assert sorted(_journal(tmp_path / "out")) == sorted(_file(s) for s in STUDENTS), "each result is journalled"


def test_a_malformed_notebook_in_a_class_is_not_a_notebook_and_the_rest_are_graded(tmp_path, monkeypatch):
    """The issue's first crash: a notebook whose metadata is a JSON list stopped the run while planning."""
    submissions = _class(tmp_path / "submissions")
    bob = json.loads((submissions / _file("bob")).read_text())
    bob["metadata"] = ["not", "an", "object"]
    (submissions / _file("bob")).write_text(json.dumps(bob))
    _fake_engine(monkeypatch)
    grades = _run(submissions, tmp_path / "out")
    assert (grades[_file("bob")].status, grades[_file("bob")].reason) == (
        "not a notebook", "not a notebook: the notebook's metadata is a list, not a JSON object")
    assert [grades[_file(s)].status for s in ("alice", "carol")] == ["graded", "graded"]


# ---------------------------------------------------------------------------- messages capped

HUGE = 5 * 2**20  # characters: the 5 MB exception message


def test_a_message_over_the_cap_is_cut_with_an_ellipsis_saying_how_much_went():
    from grader.grading import MAX_MESSAGE, cap

    assert cap("x" * MAX_MESSAGE) == "x" * MAX_MESSAGE
    cut = cap("x" * (MAX_MESSAGE + 1))
    assert len(cut) <= MAX_MESSAGE
    kept = cut.index("…")
    assert cut == "x" * kept + f"… (cut: {MAX_MESSAGE + 1 - kept} characters)"
    assert cap(None) is None and cap(3) == 3


def test_a_grade_keeps_at_most_a_hundred_notes():
    from grader.grading import MAX_NOTES, Grade

    grade = Grade("a.ipynb", notes=[f"cell {i} raised ValueError" for i in range(MAX_NOTES + 7)]).capped()
    assert len(grade.notes) == MAX_NOTES + 1
    assert grade.notes[-1] == "… and 7 more notes (cut)"
    checks = {"q": [{"name": "n", "passed": True}]}  # a check without a message keeps its shape
    assert Grade("a.ipynb", checks=checks).capped().checks == checks


def test_a_huge_message_never_makes_a_huge_record_feedback_file_or_csv_cell(tmp_path, monkeypatch):
    """A 5 MB failure message from the engine (bob) and a 5 MB exception while planning (carol)."""
    from grader.grading import MAX_MESSAGE

    submissions = _class(tmp_path / "submissions")
    huge = _full_marks(FULL)
    check = huge["questions"]["q1c_backward"]["checks"][0]
    check.update(passed=False, message="ValueError: " + "x" * HUGE)
    huge["questions"]["q1c_backward"]["score"] = 0
    _fake_engine(monkeypatch, {_file("bob"): huge})
    real = batch.prepare

    def prepare(notebook, name, **options):
        if notebook["metadata"].get("who") == "carol":
            raise RuntimeError("y" * HUGE)
        return real(notebook, name, **options)

    monkeypatch.setattr(batch, "prepare", prepare)
    out = tmp_path / "out"
    grades = _run(submissions, out)
    bob, carol = grades[_file("bob")], grades[_file("carol")]
    assert bob.status == "graded" and carol.status == "error"
    for message in (bob.failures["q1c_backward"], bob.checks["q1c_backward"][0]["message"], carol.reason):
        assert len(message) <= MAX_MESSAGE and message.endswith(" characters)") and "… (cut: " in message
    assert max(len(line) for line in (out / batch.JOURNAL).read_text().splitlines()) < 4 * MAX_MESSAGE
    for student in ("bob", "carol"):
        assert (out / "feedback" / NOTEBOOK / f"{student}.txt").stat().st_size < 4 * MAX_MESSAGE
    assert (out / "grades.csv").stat().st_size < 8 * MAX_MESSAGE


# ---------------------------------------------------------------------------- grades.csv

def _csv_rows(out):
    import csv

    with open(out / "grades.csv", newline="") as handle:
        return list(csv.reader(handle))


def test_the_csv_says_which_isolation_graded_each_row_after_its_reason(tmp_path, monkeypatch):
    from grader.grading import Grade

    submissions = _class(tmp_path / "submissions", ["alice"])
    _fake_engine(monkeypatch)
    real = batch.from_engine
    monkeypatch.setattr(batch, "from_engine", lambda *args, **options: Grade(**{
        **real(*args, **options).to_json(), "isolation": "bubblewrap"}))
    grades = _run(submissions, tmp_path / "out")
    assert grades[_file("alice")].isolation == "bubblewrap"
    header, row = _csv_rows(tmp_path / "out")
    assert header[-6:] == ["total", "out_of", "status", "reason", "isolation", "submission"]
    assert dict(zip(header, row))["isolation"] == "bubblewrap"
    assert _journal(tmp_path / "out")[_file("alice")]["isolation"] == "bubblewrap"


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_and_numbers_stay_numbers(tmp_path):
    from grader.grading import Grade

    autograders = batch.available_autograders()
    texts = {"student": "=2+5", "sid": "-5", "email": "@SUM(A1)", "reason": "+cmd|' /C calc'!A0",
             "isolation": "\tnone", "submission": "\r=1.ipynb"}
    grade = Grade(notebook=NOTEBOOK, status="graded", scores={"q1a_forward": 2.0, "q1b_network": 0.5},
                  possible=dict(FULL), **texts)
    report.write_csv([grade], tmp_path, autograders)
    header, row = _csv_rows(tmp_path)
    cells = dict(zip(header, row))
    assert {name: cells[name] for name in texts} == {name: "'" + text for name, text in texts.items()}
    assert (cells["q1a_forward"], cells["q1b_network"], cells["q1c_backward"]) == ("2", "0.5", "")
    assert (cells["total"], cells["out_of"], cells["notebook"], cells["status"]) == ("2.5", "7", NOTEBOOK, "graded")


def test_a_student_named_like_a_formula_from_a_file_name_is_text_in_the_csv(tmp_path, monkeypatch):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(outputs_for(NOTEBOOK)["solution"], submissions / "=2+5.ipynb")
    _fake_engine(monkeypatch)
    assert _run(submissions, tmp_path / "out")["=2+5.ipynb"].student == "=2+5"
    header, row = _csv_rows(tmp_path / "out")
    cells = dict(zip(header, row))
    assert (cells["student"], cells["submission"], cells["total"]) == ("'=2+5", "'=2+5.ipynb", "7")


# ---------------------------------------------------------------------------- resuming only what the grader wrote

def _bob_scores_zero_on_backward(monkeypatch):
    """The engine gives bob 0 of 4 on q1c_backward, everyone else full marks; returns who it graded."""
    result = _full_marks(FULL)
    result["questions"]["q1c_backward"].update(score=0)
    result["questions"]["q1c_backward"]["checks"][0].update(passed=False, message="q1c: wrong gradient")
    return _fake_engine(monkeypatch, {_file("bob"): result})


def _rewrite_journal(out, change):
    """Apply ``change(record)`` to each line of ``out``'s results.jsonl (it returns the new record)."""
    path = out / batch.JOURNAL
    lines = [json.dumps(change(json.loads(line))) for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")


def test_a_score_edited_in_results_jsonl_is_regraded_and_never_reaches_grades_csv(tmp_path, monkeypatch):
    submissions, out = _class(tmp_path / "submissions"), tmp_path / "out"
    graded = _bob_scores_zero_on_backward(monkeypatch)
    assert _run(submissions, out)[_file("bob")].scores["q1c_backward"] == 0

    def forge(record):
        if record["submission"] == _file("bob"):
            record["scores"]["q1c_backward"] = 4.0
            record["failures"] = {}
        return record

    _rewrite_journal(out, forge)
    graded.clear()
    written = []  # every grade each grades.csv of the resumed run was written from
    write_csv = report.write_csv
    monkeypatch.setattr(report, "write_csv", lambda grades, *args: (written.extend(grades), write_csv(grades, *args)))
    messages = []
    grades = _run(submissions, out, messages)
    assert graded == [_file("bob")], "only the forged record's submission is graded again"
    assert written and not [g for g in written if g.submission == _file("bob") and g.scores["q1c_backward"]]
    assert grades[_file("bob")].scores["q1c_backward"] == 0
    assert any(m.startswith("ignored 1 record(s) in results.jsonl") and "1 edited or forged" in m for m in messages)
    header, *rows = _csv_rows(out)
    bob = next(dict(zip(header, row)) for row in rows if row[header.index("student")] == "bob")
    assert (bob["q1c_backward"], bob["total"]) == ("0", "3")


def test_records_without_a_signature_are_regraded(tmp_path, monkeypatch):
    """Lines from a run before records were signed, or added by hand, are not trusted."""
    submissions, out = _class(tmp_path / "submissions"), tmp_path / "out"
    graded = _fake_engine(monkeypatch)
    _run(submissions, out)
    _rewrite_journal(out, lambda record: {k: v for k, v in record.items() if k != "hmac"})
    graded.clear()
    messages = []
    _run(submissions, out, messages)
    assert graded == [_file(s) for s in STUDENTS]
    assert any("3 unsigned" in m for m in messages), messages


def test_a_resumed_run_reuses_its_own_records_and_a_copied_journal_is_not_trusted(tmp_path, monkeypatch):
    submissions, out = _class(tmp_path / "submissions"), tmp_path / "out"
    graded = _fake_engine(monkeypatch)
    _run(submissions, out)
    graded.clear()
    _run(submissions, out)
    assert graded == [], "an unchanged class is not graded again"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(out / batch.JOURNAL, other / batch.JOURNAL)  # signed with another folder's key
    _run(submissions, other)
    assert graded == [_file(s) for s in STUDENTS]


def test_the_key_is_kept_outside_the_output_folder_for_the_ta_alone(tmp_path, monkeypatch):
    import hashlib
    import stat

    submissions, out = _class(tmp_path / "submissions", ["alice"]), tmp_path / "out"
    _fake_engine(monkeypatch)
    _run(submissions, out)
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()
    key = tmp_path / "state" / "backprop-kit" / "grader-keys" / f"{name}.key"
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert not any(out.rglob("*.key"))
    assert all(len(record["hmac"]) == 64 for record in _journal(out).values())


def test_without_xdg_state_home_the_key_is_under_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert batch.key_path(tmp_path / "out").parent == tmp_path / "home" / ".local/state/backprop-kit/grader-keys"


@pytest.mark.parametrize("line", ["[" * 100_000 + "]" * 100_000, '{"submission": "x", "hmac": "é"}', "[1, 2]",
                                  '{"submission": "x", "hmac": 7}'])
def test_a_hostile_line_in_results_jsonl_is_ignored_without_a_crash(tmp_path, line):
    (tmp_path / batch.JOURNAL).write_text(line + "\n")
    assert batch.Journal(tmp_path / batch.JOURNAL).grades == {}


def test_a_damaged_key_stops_the_run_with_what_to_do(tmp_path):
    path = batch.key_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("not a key\n")
    with pytest.raises(SystemExit, match="is damaged; delete it to grade .* again from scratch"):
        batch.Journal(tmp_path / batch.JOURNAL)
