"""The TA batch grader on notebook 1: every bad submission gets its score and reason, none stops the
batch or changes another row; an interrupted run loses nothing and a rerun grades only what is missing.

One batch (the corpus in tests/grading/bad_submissions plus a solution, a blank notebook, an export zip and a
broken zip) is graded once for the module: first with the command line, interrupted with Ctrl-C after a
few results, then finished in-process.  No test here asserts a duration.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grader import batch
from grader.build import ROOT, outputs_for
from tests.grading.bad_submissions.corpus import CASES, FULL, HERE, NOTEBOOK, ZERO

TIME_LIMIT = 15  # seconds: the infinite loop's cost
MEMORY_LIMIT = "2G"
EXTRA = {  # relative path -> (student, status, scores)
    f"{NOTEBOOK}-solution.ipynb": ("solution", "graded", FULL),
    f"{NOTEBOOK}-blank.ipynb": ("blank", "graded", ZERO),
    f"zoe/{NOTEBOOK}_2025_01_31T10_00_00_123456.zip": ("zoe", "graded", FULL),
    f"{NOTEBOOK}-broken_zip.zip": ("broken_zip", "not a notebook", ZERO),
}
NOT_GRADABLE = {"not a notebook", "wrong assignment"}  # recorded without running anything


def _make_submissions(folder):
    folder.mkdir()
    for case in CASES:
        shutil.copy(HERE / case.filename, folder / case.filename)
    built = outputs_for(NOTEBOOK)
    shutil.copy(built["solution"], folder / f"{NOTEBOOK}-solution.ipynb")
    shutil.copy(built["student"], folder / f"{NOTEBOOK}-blank.ipynb")
    (folder / "zoe").mkdir()
    with zipfile.ZipFile(folder / f"zoe/{NOTEBOOK}_2025_01_31T10_00_00_123456.zip", "w") as export:
        export.write(built["solution"], f"{NOTEBOOK}.ipynb")  # what grader.export() puts in its zip
    (folder / f"{NOTEBOOK}-broken_zip.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (folder / "notes.txt").write_text("a TA's note, not a submission")


def _journal_lines(out):
    path = out / batch.JOURNAL
    return path.read_text().splitlines() if path.exists() else []


def _ctrl_c_as_in_a_terminal():
    # A test run started in the background by a shell without job control (`cmd &` in a script)
    # inherits Ctrl-C ignored, and so would the command; a TA's terminal delivers it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _process_groups_alive(groups):
    """Which of these process groups still have a process (Linux /proc)."""
    alive = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) in groups:
                alive.add(int(fields[2]))
    return alive


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Interrupt a command-line run, finish it in-process, then regrade three deleted results."""
    base = tmp_path_factory.mktemp("batch")
    submissions, out = base / "submissions", base / "grades"
    _make_submissions(submissions)
    expected_total = len(CASES) + len(EXTRA)
    not_gradable = sum(1 for c in CASES if c.status in NOT_GRADABLE) + 1  # + the broken zip

    command = [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out),
               "--time-limit", str(TIME_LIMIT), "--memory-limit", MEMORY_LIMIT, "--workers", "2"]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    started = time.monotonic()
    deadline = started + 300
    while len(_journal_lines(out)) < not_gradable + 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    # what the run looked like when Ctrl-C was sent: shown when the run was not interrupted
    ended = first.poll() is not None
    when = (f"Ctrl-C sent after {time.monotonic() - started:.1f} s with {len(_journal_lines(out))} result(s) "
            f"saved (the test waits for {not_gradable + 3}); the command had "
            f"{'already ended' if ended else 'not ended'}")
    os.killpg(first.pid, signal.SIGINT)  # Ctrl-C reaches the command and its engine
    stdout, stderr = first.communicate(timeout=60)
    interrupted = {"returncode": first.returncode, "stdout": stdout, "stderr": when + "\n" + stderr,
                   "journal": _journal_lines(out),
                   "groups": {int(line.rsplit(" ", 1)[1]) for line in (out / "engine.log").read_text().splitlines()
                              if line.startswith("job ")}}

    messages = []
    finished = batch.run(submissions, out, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT, workers=2,
                         log=messages.append)
    before = {g.submission: g for g in finished}

    # Deleting results makes a rerun grade exactly those again, with the same outcome.
    redo = [f"{NOTEBOOK}-solution.ipynb", f"{NOTEBOOK}-patches_numpy.ipynb", f"{NOTEBOOK}-exception_in_cell.ipynb"]
    kept = [line for line in _journal_lines(out) if json.loads(line)["submission"] not in redo]
    (out / batch.JOURNAL).write_text("\n".join(kept) + "\n")
    rerun_messages = []
    after = {g.submission: g for g in batch.run(submissions, out, time_limit=TIME_LIMIT,
                                                memory_limit=MEMORY_LIMIT, workers=2, log=rerun_messages.append)}
    return {"out": out, "grades": after, "before": before, "interrupted": interrupted, "messages": messages,
            "rerun_messages": rerun_messages, "redo": redo, "expected_total": expected_total}


def test_ctrl_c_stops_the_run_keeps_every_finished_result_and_leaves_no_process(graded):
    interrupted = graded["interrupted"]
    assert interrupted["returncode"] == 130, interrupted["stderr"]
    assert "run the same command again" in interrupted["stderr"]
    assert len(interrupted["journal"]) >= 3
    assert all(json.loads(line)["submission"] for line in interrupted["journal"])
    assert interrupted["groups"], "the engine should log each grading child's process group"
    deadline = time.monotonic() + 10  # SIGKILLed processes take a moment to leave the process table
    while _process_groups_alive(interrupted["groups"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _process_groups_alive(interrupted["groups"]), "a grading child or kernel outlived Ctrl-C"


def test_the_rerun_grades_only_what_the_interrupted_run_had_not(graded):
    done_before = {json.loads(line)["submission"] for line in graded["interrupted"]["journal"]}
    first_message = graded["messages"][0]
    remaining = graded["expected_total"] - len(done_before)
    assert f"{remaining} to grade" in first_message, first_message
    assert len(graded["before"]) == graded["expected_total"]


def test_deleted_results_are_regraded_and_come_out_the_same(graded):
    assert f"{len(graded['redo'])} to grade" in graded["rerun_messages"][0], graded["rerun_messages"][0]
    for submission in graded["redo"]:
        old, new = graded["before"][submission], graded["grades"][submission]
        assert (new.status, new.scores) == (old.status, old.scores), submission
    lines = [json.loads(line)["submission"] for line in _journal_lines(graded["out"])]
    assert len(lines) == len(set(lines)) == graded["expected_total"], "each result is in results.jsonl once"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_submission_gets_its_status_score_and_reason(graded, case):
    grade = graded["grades"][case.filename]
    assert grade.status == case.status, f"{case.what}: {grade.status} ({grade.reason})"
    assert grade.scores == {q: float(p) for q, p in case.scores.items()}, f"{case.what}: {grade.reason}"
    assert grade.notebook == NOTEBOOK
    if case.status != "graded":
        assert grade.reason, f"{case.what}: a {case.status} submission needs a reason"
    text = " ".join([grade.reason, *grade.notes, *grade.failures.values()])
    assert case.note in text, f"{case.what}: expected {case.note!r} in {text!r}"


@pytest.mark.parametrize("relative", list(EXTRA))
def test_solutions_blanks_and_export_zips_grade_normally_beside_the_bad_ones(graded, relative):
    student, status, scores = EXTRA[relative]
    grade = graded["grades"][relative]
    assert (grade.student, grade.status) == (student, status), grade.reason
    assert grade.scores == {q: float(p) for q, p in scores.items()}


def test_the_csv_has_one_row_per_submission_and_a_column_per_question(graded):
    with open(graded["out"] / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == graded["expected_total"]
    assert list(rows[0])[:7] == ["student", "sid", "email", "notebook", *FULL]
    assert list(rows[0])[7:] == ["total", "out_of", "status", "reason", "isolation", "submission"]
    by_submission = {row["submission"]: row for row in rows}
    solution = by_submission[f"{NOTEBOOK}-solution.ipynb"]
    assert (solution["total"], solution["out_of"], solution["status"]) == ("7", "7", "graded")
    loop = by_submission[f"{NOTEBOOK}-infinite_loop.ipynb"]
    assert loop["status"] == "timed out" and "while True" in loop["reason"]


def test_feedback_files_say_in_plain_words_what_passed_and_what_failed(graded):
    folder = graded["out"] / "feedback" / NOTEBOOK
    wrong = (folder / "exception_in_cell.txt").read_text()
    assert "Score: 3 / 7" in wrong
    assert "q1a_forward" in wrong and "all checks passed" in wrong
    assert "q1c_backward  0 / 4" in wrong and "checks failed" in wrong
    assert "ValueError: not finished" in wrong
    patched = (folder / "patches_numpy.txt").read_text()
    assert "Score: 0 / 7" in patched and "expected" in patched
    assert "Traceback" not in wrong + patched


def test_the_summary_and_histogram_are_written(graded):
    summary = (graded["out"] / "summary.txt").read_text()
    assert f"{NOTEBOOK}: {graded['expected_total']} submission(s)" in summary
    assert "timed out 1" in summary and "mean per question" in summary
    assert (graded["out"] / "histogram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_shows_a_bar_and_the_time_left(graded):
    stderr = graded["interrupted"]["stderr"]
    assert "grading [" in stderr and ("left" in stderr or "estimating" in stderr)


def test_a_result_line_cut_short_by_an_interruption_is_skipped_and_the_next_one_kept(tmp_path):
    from grader.grading import Grade

    journal = batch.Journal(tmp_path / batch.JOURNAL)
    journal.add(Grade("a.ipynb", status="graded"))
    with open(tmp_path / batch.JOURNAL, "a") as handle:
        handle.write('{"submission": "b.ipynb", "sta')  # the process died mid-line
    batch.Journal(tmp_path / batch.JOURNAL).add(Grade("c.ipynb", status="graded"))
    assert sorted(batch.Journal(tmp_path / batch.JOURNAL).grades) == ["a.ipynb", "c.ipynb"]


def test_a_rerun_tries_again_what_the_grader_could_not_finish_and_keeps_the_rest(tmp_path, monkeypatch):
    """An "error" is the grader's failure (here: a kernel killed by Ctrl-C as it started, which once
    left a student's row at error after the resumed run); every other result is kept."""
    submissions, out = tmp_path / "submissions", tmp_path / "grades"
    submissions.mkdir()
    built = outputs_for(NOTEBOOK)
    shutil.copy(built["solution"], submissions / f"{NOTEBOOK}-solution.ipynb")
    shutil.copy(built["student"], submissions / f"{NOTEBOOK}-blank.ipynb")
    graded_now, runs = [], []

    def fake_grading(planned, pool, *, on_done=None, on_start=None, **options):
        runs.append(1)
        for item in planned:
            graded_now.append(item.grade.submission)
            item.grade.possible = dict(item.points)
            item.grade.scores = {q: 0.0 for q in item.points}
            failed = item.grade.submission.endswith("solution.ipynb") and len(runs) == 1
            item.grade.status = "error" if failed else "graded"
            item.grade.reason = "the grader could not finish: RuntimeError: Kernel died" if failed else ""
            on_done(item.grade)

    class NoEngine:
        def __init__(self, **options):
            pass

        def close(self):
            pass

    monkeypatch.setattr(batch, "grade_planned", fake_grading)
    monkeypatch.setattr(batch, "Pool", NoEngine)
    first = {g.submission: g.status for g in batch.run(submissions, out, workers=1, log=lambda _: None)}
    assert first == {f"{NOTEBOOK}-blank.ipynb": "graded", f"{NOTEBOOK}-solution.ipynb": "error"}
    graded_now.clear()
    second = {g.submission: g.status for g in batch.run(submissions, out, workers=1, log=lambda _: None)}
    assert graded_now == [f"{NOTEBOOK}-solution.ipynb"], "only the error is graded again"
    assert second == {f"{NOTEBOOK}-blank.ipynb": "graded", f"{NOTEBOOK}-solution.ipynb": "graded"}
