"""Hostile submissions (tests/grading/bad_submissions/hostile.py) graded in one batch beside honest ones.

Each hostile file must get its status and scores; the honest ones (the solutions, under a few
student names) keep full marks; and nothing a submission does reaches the results, the output
folder, the TA's machine or the network: no process of a job outlives it, the output files stay as
the run left them, a resumed run reuses exactly what was graded, and a regrade gives the same scores.

The batch is graded once for the module with the TA's command's options, then resumed (nothing to
grade) and regraded.  The attacks only a sandbox stops (``sandbox=True``) are run only where
bubblewrap works; with CI=true the engine must then use it.  Nothing is skipped without a reason.
"""

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from grader import batch
from grader.build import outputs_for
from tests.grading.bad_submissions.corpus import FULL
from tests.grading.bad_submissions.hostile import (BACKGROUND_MARK, BACKGROUND_SECONDS, CASES, DEEP, DEEP_FULL, HERE,
                                           NOTEBOOK, PORTS)

OPTIONS = {"workers": 2, "time_limit": 60, "memory_limit": "4G"}
NOT_RUN = {"not a notebook", "wrong assignment"}  # statuses of files that never ran
WEAKER = {"none", "separate user"}  # isolations that do not stop the sandbox-only attacks
JOB_END_GRACE = 2  # seconds from a job's result being saved to its processes being gone
RECORD_LIMIT = 20_000  # bytes: one submission's record, CSV row or feedback file, whatever it raised
CI = os.environ.get("CI") == "true"
FORMULA_STARTS = ("=", "+", "-", "@")


def _bubblewrap_works():
    if not os.access("/usr/bin/bwrap", os.X_OK):
        return False
    command = ["/usr/bin/bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
               "--die-with-parent", "true"]
    try:
        return subprocess.run(command, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


SANDBOX = _bubblewrap_works()
RUN = [c for c in CASES if SANDBOX or not c.sandbox]
# The solutions, graded in the same batch.  Files are graded in path order, so these are spread
# through it: some run while (h)'s and (i)'s processes would still be alive.
VICTIMS = {
    f"{NOTEBOOK}-cleo.ipynb": (NOTEBOOK, "cleo"),
    f"{NOTEBOOK}-sam.ipynb": (NOTEBOOK, "sam"),
    f"{NOTEBOOK}-uma.ipynb": (NOTEBOOK, "uma"),
    f"{DEEP}-noor.ipynb": (DEEP, "noor"),
    f"zoe/{NOTEBOOK}.ipynb": (NOTEBOOK, "zoe"),
}
FULL_MARKS = {NOTEBOOK: FULL, DEEP: DEEP_FULL}


class Listener:
    """A TCP server on 127.0.0.1, on one of the ports (q) tries, recording what connects."""

    def __init__(self):
        self.connections = []
        self.socket = None
        for port in PORTS:
            candidate = socket.socket()
            try:
                candidate.bind(("127.0.0.1", port))
            except OSError:
                candidate.close()
                continue
            self.socket, self.port = candidate, port
            break
        if self.socket is None:
            raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the network case to find")
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(200))
                except OSError:
                    self.connections.append(b"")

    def close(self):
        self.stopped.set()
        self.thread.join()
        self.socket.close()


def _background_processes():
    """``{pid: case name}`` of the live processes started by (h) and (i) (their command line says)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if BACKGROUND_MARK.encode() in arguments and state != "Z":
            found[int(entry.name)] = arguments[arguments.index(BACKGROUND_MARK.encode()) + 1].decode()
    return found


def _wait_for_the_background_to_end():
    """They end by themselves; waiting keeps them away from the next run and from later tests."""
    deadline = time.monotonic() + BACKGROUND_SECONDS + 5
    while _background_processes() and time.monotonic() < deadline:
        time.sleep(0.5)


class Watcher:
    """While a run goes on: when each submission's result reached results.jsonl (its job was over),
    and when each case's background processes were last seen alive."""

    def __init__(self, out):
        self.journal = out / batch.JOURNAL
        self.finished, self.last_seen = {}, {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        position, partial = 0, b""
        while not self.stopped.wait(0.25):
            now = time.monotonic()
            for name in _background_processes().values():
                self.last_seen[name] = now
            try:
                with open(self.journal, "rb") as journal:
                    if journal.seek(0, os.SEEK_END) < position:  # rewritten: read it again
                        position, partial = 0, b""
                    journal.seek(position)
                    lines = (partial + journal.read()).split(b"\n")
                    position = journal.tell()
            except OSError:
                continue
            partial = lines.pop()
            for line in lines:
                try:
                    self.finished.setdefault(json.loads(line)["submission"], now)
                except (ValueError, KeyError, TypeError):
                    continue

    def stop(self):
        if not self.stopped.is_set():
            self.stopped.set()
            self.thread.join()
            self.ended = time.monotonic()


def _snapshot(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "engine.log"}


def _make_submissions(folder):
    folder.mkdir()
    for case in RUN:
        shutil.copy(HERE / case.filename, folder / case.filename)
    for relative, (notebook, _) in VICTIMS.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(outputs_for(notebook)["solution"], folder / relative)


def _run(submissions, out, **options):
    messages = []
    grades = batch.run(submissions, out, log=messages.append, **OPTIONS, **options)
    return {g.submission: g for g in grades}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the batch; look at its output 3 s later; resume it; regrade it."""
    listener = Listener()
    base = tmp_path_factory.mktemp("hostile")
    submissions, out = base / "submissions", base / "grades"
    _make_submissions(submissions)
    watcher = Watcher(out)
    try:
        first = _run(submissions, out)
        watcher.stop()
        just_after = _snapshot(out)
        time.sleep(3)  # a process left behind by (i) would rewrite the output files now
        later = _snapshot(out)
        lingering = _background_processes()
        _wait_for_the_background_to_end()
        resumed = _run(submissions, out)
        regraded = _run(submissions, out, regrade=True)
    finally:
        watcher.stop()
        _wait_for_the_background_to_end()
        listener.close()
    return {"first": first, "just_after": just_after, "later": later, "lingering": lingering,
            "watcher": watcher, "resumed": resumed, "regraded": regraded, "connections": listener.connections}


def _isolation(grade):
    return getattr(grade, "isolation", "")


def _skip_where_the_sandbox_attacks_ran_without_one(graded, what):
    """Outside CI an engine may grade without bubblewrap; then what only a sandbox stops cannot hold."""
    weaker = sorted({_isolation(g) for g in graded["first"].values() if g.status not in NOT_RUN} & WEAKER)
    if SANDBOX and weaker and not CI:
        pytest.skip(f"{what}: graded with isolation {', '.join(weaker)}, not bubblewrap, so the attacks only "
                    f"a sandbox stops were not stopped (CI=true requires bubblewrap where it works)")


def _said(grade):
    """Everything a grade says in words: reason, notes, and each failed check's message."""
    messages = [c.get("message") or "" for checks in grade.checks.values() for c in checks]
    return " ".join([grade.reason, *grade.notes, *grade.failures.values(), *messages])


def _scores_match(scores, expected):
    """``expected[q] is None``: any score (the same on every run is checked separately)."""
    return set(scores) == set(expected) and all(p is None or scores[q] == float(p) for q, p in expected.items())


def _differences(before, after):
    """``{submission: (status and scores before, after)}`` where two runs disagree."""
    outcomes = {s: ((g.status, g.scores), (after[s].status, after[s].scores) if s in after else None)
                for s, g in before.items()}
    return {s: pair for s, pair in outcomes.items() if pair[0] != pair[1]}


def _records(snapshot):
    """``[(record, its line)]`` of results.jsonl as the snapshot holds it."""
    records = []
    for line in snapshot[batch.JOURNAL].splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append((record, line))
    return records


def _sheet(snapshot):
    return list(csv.DictReader(io.StringIO(snapshot["grades.csv"].decode())))


def test_the_batch_finishes_with_a_grade_for_every_file(graded):
    expected = {c.filename for c in RUN} | set(VICTIMS)
    assert set(graded["first"]) == expected
    assert set(graded["regraded"]) == expected


@pytest.mark.parametrize("case", CASES, ids=[f"{c.attack}-{c.name}" for c in CASES])
def test_each_hostile_submission_gets_its_status_and_scores(graded, case):
    if case.sandbox and not SANDBOX:
        pytest.skip(f"({case.attack}) {case.what}: only a sandbox stops it, and bubblewrap does not work here, "
                    f"so it was not run")
    if case.sandbox:
        _skip_where_the_sandbox_attacks_ran_without_one(graded, f"({case.attack}) {case.name}")
    grade = graded["first"][case.filename]
    assert grade.status == case.status, f"({case.attack}) {case.what}: {grade.status} ({grade.reason[:300]})"
    assert _scores_match(grade.scores, case.scores), f"({case.attack}) {case.what}: {grade.scores}"
    assert grade.notebook == case.notebook
    if case.status != "graded":
        assert grade.reason, f"({case.attack}) {case.what}: a {case.status} submission needs a reason"
    assert case.note in _said(grade), f"({case.attack}) {case.what}: expected {case.note!r} in what it says"


@pytest.mark.parametrize("relative", list(VICTIMS))
def test_the_honest_submissions_in_the_same_batch_keep_full_marks(graded, relative):
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "the honest submissions' marks")
    notebook, student = VICTIMS[relative]
    full = {q: float(p) for q, p in FULL_MARKS[notebook].items()}
    for run in ("first", "regraded"):
        grade = graded[run][relative]
        assert (grade.student, grade.status) == (student, "graded"), f"{run} run: {grade.reason[:300]}"
        assert grade.scores == full, f"{run} run: {grade.failures}"


def test_unseeded_randomness_scores_the_same_on_a_regrade(graded):
    (case,) = [c for c in CASES if c.attack == "o"]
    first, again = graded["first"][case.filename], graded["regraded"][case.filename]
    assert (again.status, again.scores) == (first.status, first.scores), case.what


def test_every_submission_scores_the_same_on_a_regrade(graded):
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "a regrade's scores")
    assert not _differences(graded["first"], graded["regraded"])


def test_a_resumed_run_reuses_exactly_what_was_graded(graded):
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "a resumed run's grades")
    assert not _differences(graded["first"], graded["resumed"])


def test_the_output_files_stay_as_the_run_left_them(graded):
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "the output files")
    changed = sorted(name for name in set(graded["just_after"]) | set(graded["later"])
                     if graded["just_after"].get(name) != graded["later"].get(name))
    assert not changed, "changed in the 3 s after the run"


def test_the_output_files_hold_the_grades_the_run_gave(graded):
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "the output files")
    records = {record.get("submission"): record for record, _ in _records(graded["later"])}  # the last of each
    rows = {row["submission"]: row for row in _sheet(graded["later"])}
    for submission, grade in graded["first"].items():
        record, row = records.get(submission, {}), rows.get(submission, {})
        assert (record.get("status"), record.get("scores")) == (grade.status, grade.scores), submission
        assert row.get("total") == f"{grade.total:g}", f"grades.csv: {submission}"


def test_no_process_a_submission_starts_outlives_its_job(graded):
    if not any(c.attack in ("h", "i") for c in RUN):
        pytest.skip("the cases that leave processes behind, (h) and (i), need a sandbox and were not run here")
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "processes left behind")
    watcher = graded["watcher"]
    outlived = {name: round(seen - watcher.finished.get(f"{NOTEBOOK}-{name}.ipynb", watcher.ended), 1)
                for name, seen in watcher.last_seen.items()
                if seen > watcher.finished.get(f"{NOTEBOOK}-{name}.ipynb", watcher.ended) + JOB_END_GRACE}
    assert not outlived, "seconds each case's processes were still running after its result was saved"
    assert graded["lingering"] == {}, "processes started by (h) or (i) still running 3 s after the run"


def test_no_submission_reaches_the_network(graded):
    if not any(c.attack == "q" for c in RUN):
        pytest.skip("the network case (q) needs a sandbox and was not run here")
    _skip_where_the_sandbox_attacks_ran_without_one(graded, "the network")
    assert graded["connections"] == []


def test_a_huge_exception_message_leaves_small_records(graded):
    (case,) = [c for c in CASES if c.attack == "n"]
    lines = [line for record, line in _records(graded["later"]) if record.get("submission") == case.filename]
    assert lines and max(len(line) for line in lines) < RECORD_LIMIT, "its results.jsonl record"
    (row,) = [r for r in _sheet(graded["later"]) if r["submission"] == case.filename]
    assert sum(len(cell) for cell in row.values()) < RECORD_LIMIT, "its grades.csv row"
    (feedback,) = [name for name in graded["later"] if name.startswith("feedback/") and case.name in name]
    assert len(graded["later"][feedback]) < RECORD_LIMIT, "its feedback file"


def test_a_spreadsheet_formula_in_a_name_is_escaped_in_grades_csv(graded):
    (case,) = [c for c in CASES if c.attack == "p"]
    rows = _sheet(graded["later"])
    (row,) = [r for r in rows if r["submission"] == case.filename]
    assert row["student"] == "'=2+5"
    formulas = [(r["submission"], k, v) for r in rows for k, v in r.items() if v and v.startswith(FORMULA_STARTS)]
    assert not formulas


def test_every_grade_says_how_its_submission_was_isolated(graded):
    grades = list(graded["first"].values())
    assert all(_isolation(g) for g in grades), sorted({_isolation(g) for g in grades})
    rows = _sheet(graded["later"])
    assert "isolation" in rows[0], list(rows[0])
    assert all(row["isolation"] for row in rows)
    if CI and SANDBOX:
        unsandboxed = {g.submission: _isolation(g) for g in grades
                       if g.status not in NOT_RUN and _isolation(g) != "bubblewrap"}
        assert not unsandboxed, "bubblewrap works here and CI=true: every submission must run in it"
