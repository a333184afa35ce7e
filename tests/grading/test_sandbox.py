"""The student's side of grading, in isolation: what the sandboxed process can reach, and the pipe.

Each test runs a few cells in the real runner (``grader/student_runner.py``) inside the
sandbox this machine gives (bubblewrap here and in CI: the test fails if CI lacks it),
then asks it questions through ``grader.standins.Session``, as the engine does.
"""

import os
import socket
import time

import numpy as np
import pytest

from grader import sandbox, wire
from grader.build import ROOT
from grader.standins import Session, StandIn, StudentError, StudentGone

KIT = ROOT / "notebooks"


def start(cells, folder, time_limit=60):
    """A ready Session running ``cells`` in a fresh job folder under ``folder``."""
    level = sandbox.isolation()
    job = folder / "job"
    job.mkdir(parents=True)
    (job / "job.json").write_text(__import__("json").dumps({
        "cells": cells, "kit": sandbox.kit_inside(level, KIT), "seed": 0,
        "uid": sandbox.NOBODY if level == "bubblewrap" else None, "allowed": []}))
    uid = sandbox.prepare_job_folder(job, level)
    process = sandbox.start(job, KIT, level, uid=uid, memory_limit=2 * 2**30)
    session = Session(process, time.monotonic() + time_limit, kill=sandbox.kill)
    session.errors = session.wait_ready()
    return session


@pytest.fixture
def bubblewrap():
    if sandbox.isolation() != "bubblewrap":
        if os.environ.get("CI"):
            pytest.fail("CI must grade in a bubblewrap sandbox: is Debian's bubblewrap installed (.ci/run)?")
        pytest.skip("bubblewrap is not available on this machine")


PROBE = """
import os, glob
def can_write(path):
    try:
        with open(path, "w") as handle:
            handle.write("x")
        return True
    except OSError:
        return False
def probe(paths):
    return {"uid": os.getuid(), "exists": {p: os.path.exists(p) for p in paths},
            "writes": {p: can_write(p) for p in ["/job/mine", "/usr/x", "/etc/x", "/kit/backprop_kit/x"]},
            "root": sorted(os.listdir("/"))}
"""


def test_the_student_process_sees_its_own_folder_and_nothing_of_the_graders(bubblewrap, tmp_path):
    secret = tmp_path / "other_submission.ipynb"
    secret.write_text("another student's notebook")
    session = start([PROBE], tmp_path)
    watched = [str(secret), str(ROOT / "grader"), str(ROOT / "tests"), str(ROOT / "grader" / "dist"),
               "/root/.bashrc", str(KIT / "01_staged_computation.ipynb"), "/kit/backprop_kit/checks.py"]
    found = StandIn(session, "probe")(watched)
    session.stop()
    assert found["uid"] == sandbox.NOBODY
    assert found["exists"] == {**{p: False for p in watched}, "/kit/backprop_kit/checks.py": True}
    assert found["writes"] == {"/job/mine": True, "/usr/x": False, "/etc/x": False, "/kit/backprop_kit/x": False}


def test_the_student_process_has_no_network(bubblewrap, tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    cell = f"""
import socket
def reach():
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
        return "connected"
    except OSError as error:
        return type(error).__name__
"""
    session = start([cell], tmp_path)
    answer = StandIn(session, "reach")()
    session.stop()
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()
    assert answer != "connected"


def test_every_process_the_job_started_ends_with_it(bubblewrap, tmp_path):
    cell = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:  # a daemon: double fork, its own session
        for _ in range(600):
            with open("/job/alive", "w") as handle:
                handle.write(str(time.time()))
            time.sleep(0.05)
    os._exit(0)
time.sleep(0.3)
"""
    session = start([cell], tmp_path)
    beat = tmp_path / "job" / "alive"
    assert beat.exists(), "the daemon should have started"
    session.stop()
    time.sleep(0.3)
    before = beat.read_text()
    time.sleep(0.5)
    assert beat.read_text() == before, "a process the notebook started outlived its job"


def test_unseeded_randomness_gives_the_same_numbers_every_run(tmp_path):
    cell = """
import random
import numpy as np
def draws():
    return [float(np.random.default_rng().normal()), float(np.random.rand()), random.random(),
            random.SystemRandom().random(), float(np.random.default_rng(None).integers(1000))]
"""
    runs = []
    for attempt in range(2):
        session = start([cell], tmp_path / str(attempt))
        runs.append(StandIn(session, "draws")())
        session.stop()
    assert runs[0] == runs[1]


def test_answers_cross_as_plain_data_and_a_lying_object_only_lies_to_itself(tmp_path):
    cell = """
import numbers
import numpy as np
class Liar:
    def __float__(self): return 42.0
    def __eq__(self, other): return True
numbers.Real.register(Liar)
def answers():
    return {"t": (1, 2.5), "a": np.arange(6.0).reshape(2, 3), "b": np.bool_(True), "s": {"x"},
            "nan": float("nan"), "liar": Liar(), "dots": ..., ("k", 1): None}
"""
    session = start([cell], tmp_path)
    got = StandIn(session, "answers")()
    session.stop()
    assert got["t"] == (1, 2.5) and got["s"] == {"x"} and got[("k", 1)] is None and got["dots"] is Ellipsis
    assert isinstance(got["a"], np.ndarray) and got["a"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert isinstance(got["b"], np.bool_) and np.isnan(got["nan"])
    assert isinstance(got["liar"], wire.Opaque) and type(got["liar"]).__name__ == "Liar"
    assert got["liar"] != 42.0 and not isinstance(got["liar"], float)


def test_a_test_s_function_is_called_back_and_a_student_exception_fails_only_its_call(tmp_path):
    cell = """
def twice(f, x):
    return f(f(x))
def interrupts():
    raise KeyboardInterrupt("stop")
def exits():
    raise SystemExit(3)
def shouts():
    raise ValueError("x" * 5_000_000)
"""
    session = start([cell], tmp_path)
    assert StandIn(session, "twice")(lambda v: v * 3, 2.0) == 18.0
    for name, kind in [("interrupts", "KeyboardInterrupt"), ("exits", "SystemExit"), ("shouts", "ValueError")]:
        with pytest.raises(StudentError) as raised:
            StandIn(session, name)()
        assert type(raised.value).__name__ == kind
        assert len(str(raised.value)) <= wire.MAX_TEXT
    assert StandIn(session, "twice")(lambda v: v + 1, 0) == 2, "the process still answers"
    session.stop()


def test_a_process_that_ends_during_a_call_fails_that_check_and_the_rest(tmp_path):
    cell = "import os\ndef dies():\n    os._exit(0)\ndef fine():\n    return 1"
    session = start([cell], tmp_path)
    with pytest.raises(StudentGone, match="stopped while dies"):
        StandIn(session, "dies")()
    with pytest.raises(StudentGone):
        StandIn(session, "fine")()


@pytest.mark.parametrize("line", [b"NaN", b'{"$": "array", "kind": "f", "shape": [3], "data": [1]}',
                                  b"[" * 100000 + b"]" * 100000, b'{"$": "fn", "id": 0}',
                                  b'{"$": "scalar", "kind": "i", "v": 1.5}', b"\xff"])
def test_malformed_data_is_refused_with_a_reason(line):
    with pytest.raises(wire.WireError):
        wire.decode(wire.loads(line))


def test_without_a_sandbox_the_grade_is_the_same_and_the_run_warns_once(tmp_path):
    """A host with no bubblewrap (macOS, a locked-down server): grading still compares outside."""
    import shutil

    from grader import batch
    from grader.build import outputs_for
    from tests.grading.bad_submissions.corpus import CASES, HERE, NOTEBOOK

    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(outputs_for(NOTEBOOK)["solution"], folder / f"{NOTEBOOK}-ada.ipynb")
    patched = next(c for c in CASES if c.name == "patches_numpy")
    shutil.copy(HERE / patched.filename, folder / patched.filename)
    messages = []
    grades = {g.student: g for g in batch.run(folder, tmp_path / "out", workers=2, isolation="none",
                                              log=messages.append)}
    assert sum("warning" in m and "isolation 'none'" in m for m in messages) == 1, messages
    assert (grades["ada"].total, grades["ada"].isolation) == (7, "none")
    assert (grades["patches_numpy"].total, grades["patches_numpy"].isolation) == (0, "none")


NUMERICAL_BACKWARD = '''
def backward(x, y, z):
    h = 1e-6
    def nudge(i, step):
        inputs = [x, y, z]
        inputs[i] += step
        return forward(*inputs)[1]
    q, f = forward(x, y, z)
    dx, dy, dz = [(nudge(i, h) - nudge(i, -h)) / (2 * h) for i in range(3)]
    return {"q": z, "x": dx, "y": dy, "z": dz}
'''


def test_a_backward_pass_worked_out_by_finite_differences_is_flagged_with_its_score(tmp_path):
    from grader import batch
    from grader.build import outputs_for
    from tests.support.submissions import WrongSubmission, compose, write

    name = "01_staged_computation"
    case = WrongSubmission("numerical", "backward by centred differences of forward", {"backward": NUMERICAL_BACKWARD})
    numerical = write(compose(name, case), tmp_path, f"{name}-numerical")
    grades = batch.grade_files([numerical, outputs_for(name)["solution"]], {name: outputs_for(name)["autograder"]},
                               workers=2)
    assert (grades[0].status, grades[0].total) == ("flagged", 7), grades[0].reason
    assert "q1c_backward" in grades[0].reason and "finite difference" in grades[0].reason
    assert (grades[1].status, grades[1].total) == ("graded", 7), "the chain rule is not flagged"
