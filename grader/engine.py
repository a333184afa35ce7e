"""Grade one submission: its cells run in a sandbox, Otter's tests run here against stand-ins.

``grade_job(spec)`` is the whole of it, the same for a local batch (``grader.pool``
runs several at once) and for Gradescope (``grader.gradescope``):

1. The job folder gets the notebook's code cells (``job.json``), the student runner and
   ``wire.py``; nothing else.  ``grader.sandbox`` starts the runner there, isolated.
2. The runner runs every cell (seeded), then waits for calls.
3. Here, each of the autograder's test files (Otter's exception-based format, read
   from our own copy of the zip, never the student's) runs with its parameters bound to
   ``StandIn``s: every call to a student function goes to the sandbox and comes back as
   plain data, and every comparison happens in this process.
4. The sandbox is killed; the result is plain data for ``grader.grading.from_engine``.

A question whose answer called the kit's own code (beyond the helpers the notebook
hands students, ``ANSWER_HELPERS``) scores 0, with the function named; one whose
answer differentiated the student's own function numerically is flagged for a TA.
"""

import atexit
import inspect
import json
import os
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from . import sandbox
from .grading import code_cell_positions
from .standins import Session, StandIn, StudentGone, Stopped

MESSAGE_LIMIT = 2000
# Kit functions an answer may call: the ones the student notebooks import for answers.
ANSWER_HELPERS = {"backprop_kit.demos.deep_learning": ("sigmoid", "classifier")}


class Autograder:
    """One autograder zip, unpacked once into a folder no sandbox can see (or Gradescope's ``source/``)."""

    _cache = {}
    _lock = threading.Lock()

    def __init__(self, path):
        self.path = Path(path)
        if self.path.is_dir():
            self.folder = self.path
        else:
            self.folder = Path(tempfile.mkdtemp(prefix="backprop-autograder-"))
            with zipfile.ZipFile(self.path) as archive:
                archive.extractall(self.folder)
            os.chmod(self.folder, 0o711)  # a job running as its own uid reaches files/ by name, never tests/
        os.chmod(self.folder / "tests", 0o700)
        self.tests = {p.stem: p.read_text() for p in sorted((self.folder / "tests").glob("*.py"))}
        self.kit_dir = self.folder / "files"

    @classmethod
    def load(cls, path):
        path = Path(path)
        key = (str(path.resolve()), path.stat().st_mtime_ns, path.stat().st_size)
        with cls._lock:
            if key not in cls._cache:
                cls._cache[key] = cls(path)
            return cls._cache[key]

    @classmethod
    def discard_all(cls):
        """Remove every unpacked copy (run at exit: a TA's batches would otherwise fill /tmp)."""
        with cls._lock:
            for autograder in cls._cache.values():
                if autograder.folder != autograder.path:
                    shutil.rmtree(autograder.folder, ignore_errors=True)
            cls._cache.clear()

    def test_files(self):
        """Fresh Otter test-file objects (each job gets its own: results are stored on them)."""
        from otter.test_files import ExceptionTestFile

        return {name: ExceptionTestFile.from_string(source, path=str(self.folder / "tests" / f"{name}.py"))
                for name, source in self.tests.items()}


def _import_otter():
    import otter.test_files  # noqa: F401


def kit_types():
    """Constructors for the kit objects answers return (``wire.KIT_TYPES``), from our own kit."""
    from backprop_kit.demos.deep_learning import classifier

    return {"MaxClassifier": classifier}


def grade_job(spec, on_start=None):
    """Grade ``spec["notebook"]`` (a prepared notebook file) with ``spec["autograder"]``; return plain data.

    ``on_start(process)`` is told the sandbox's process as soon as it exists (so a pool can
    kill it on Ctrl-C).
    """
    autograder = Autograder.load(spec["autograder"])
    level = spec.get("isolation") or sandbox.isolation()
    workdir = Path(spec["workdir"])
    job = workdir / "job"
    job.mkdir(parents=True, exist_ok=True)
    cells = code_cells(json.loads(Path(spec["notebook"]).read_text()))
    (job / "tmp").mkdir(exist_ok=True)
    (job / "job.json").write_text(json.dumps({
        "cells": cells, "kit": sandbox.kit_inside(level, autograder.kit_dir), "seed": 0,
        "uid": sandbox.NOBODY if level == "bubblewrap" else None,
        "allowed": [[module, name] for module, names in ANSWER_HELPERS.items() for name in names]}))
    uid = sandbox.prepare_job_folder(job, level)

    started = time.monotonic()
    deadline = started + float(spec.get("time_limit") or 120)
    process = sandbox.start(job, autograder.kit_dir, level, uid=uid, memory_limit=spec.get("memory_limit"))
    threading.Thread(target=_import_otter, daemon=True).start()  # ~2 s, while the cells run
    if on_start:
        on_start(process)
    session = Session(process, deadline, kit_types=kit_types(), kill=sandbox.kill)
    try:
        try:
            cell_errors = session.wait_ready()
        except Stopped as stopped:
            return {"outcome": stopped.outcome, "isolation": level,
                    "progress": {"index": stopped.index, "source": _source(cells, stopped.index)[:300],
                                 "errors": []}}
        questions = run_tests(autograder.test_files(), session)
        return {"outcome": "graded", "questions": questions, "isolation": level,
                "cell_errors": [{"index": e["index"], "source": _source(cells, e["index"])[:300],
                                 "error": e["error"][:300]} for e in cell_errors],
                "stopped": session.gone}  # set only if the process died or hung during the checks
    finally:
        session.stop()


def run_tests(test_files, session):
    """Run every test file against the student's process: ``{question: {score, possible, checks}}``."""
    from otter.test_files.abstract_test import TestCaseResult

    names = sorted({p for f in test_files.values() for case in f.test_cases
                    for p in inspect.signature(case.body.test_func).parameters if p != "env"})
    environment = {}
    try:
        kinds = session.kinds(names)
    except StudentGone:
        kinds = {name: "missing" for name in names}
    for name in names:
        if kinds[name] == "function":
            environment[name] = StandIn(session, name)
        elif kinds[name] == "value":
            try:
                environment[name] = session.value(name)
            except (StudentGone, Exception):  # noqa: BLE001 - unreadable: the tests say "not defined"
                pass
    questions = {}
    for question, test_file in test_files.items():
        session.kit_used, session.nudged = [], []
        results, mistakes = [], []
        for case in test_file.test_cases:
            mistake = None
            try:
                case.body.call_func(environment)
                passed, message = True, ""
            except StudentGone as gone:
                passed, message = False, str(gone)
            except Exception as error:  # noqa: BLE001 - a failed check, in the check's own words
                passed, message, mistake = False, _sentence(error), _mistake(error)
            results.append(TestCaseResult(test_case=case, message=message[:MESSAGE_LIMIT], passed=passed))
            mistakes.append(mistake)
        test_file.test_case_results = results
        checks = [{"name": r.test_case.name, "hidden": bool(r.test_case.hidden), "passed": bool(r.passed),
                   "message": r.message, **({"mistake": mistake} if mistake else {})}
                  for r, mistake in zip(results, mistakes)]
        score = float(test_file.score)
        if session.kit_used:
            function, used = session.kit_used[0]
            checks.insert(0, {"name": "own work", "hidden": False, "passed": False,
                              "message": f"{function} calls the kit's own {used}() to compute its answer: "
                                         f"write the computation yourself (0 points for this question)"})
            score = 0.0
        questions[question] = {"score": score, "possible": float(test_file.possible), "checks": checks}
        if session.nudged:
            function, inner = session.nudged[0]
            questions[question]["numerical"] = (
                f"{function} calls {inner} at its inputs moved by a hair, as a finite difference does: a "
                f"derivative worked out numerically, not by the chain rule (score kept, for a TA to look at)")
    return questions


def _sentence(error):
    """The kit's checks raise AssertionError with a whole sentence; other errors keep their name."""
    text = str(error).strip()
    if isinstance(error, AssertionError) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _mistake(error):
    """The catalogue name a kit check attached to its failure (``checks.Mistake``), if any."""
    name = getattr(error, "mistake", None)
    return name[:200] if isinstance(name, str) and name else None


def code_cells(notebook):
    """The sources of a notebook's code cells, in order."""
    return [source for _, source in code_cell_positions(notebook)]


def _source(cells, index):
    return cells[index] if 0 <= index < len(cells) else ""


atexit.register(Autograder.discard_all)
