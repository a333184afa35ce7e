"""Grade a whole class: ``python -m grader grade SUBMISSIONS --out grades/``.

Each submission is read here (nothing of it runs in this process), then graded by
``grader.pool``, several at a time, each in its own sandbox.  Every
result is appended to ``results.jsonl`` the moment it arrives, with its feedback
file and a refreshed ``grades.csv``; a later run with the same arguments reuses
every result whose submission, notebook and autograder are unchanged and grades
only the rest.  ``grades.csv``, the feedback files and the summary are always
rebuilt from ``results.jsonl``.

Each line of ``results.jsonl`` is signed (HMAC-SHA256) with a key kept for that
output folder in the TA's own state folder, never in the output folder: a line
edited, added or copied from elsewhere does not verify, is ignored, and its
submission is graded again.
"""

import atexit
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import grading, report, sandbox
from .build import DIST, master_names
from .grading import Grade, autograder_points, code_cell_positions, not_graded
from .pool import Pool
from .prepare import prepare
from .progress import Progress
from .submissions import Submission, discover, is_gradescope_zip, load

JOURNAL = "results.jsonl"
SIGNATURE = "hmac"  # the field of a results.jsonl line that signs the rest of it
ENGINE_VERSION = "2"  # bump when grading changes, so resumed runs regrade
MINIMUM_MEMORY = int(1.5 * 2**30)


def parse_memory(text):
    """'4G', '512M', '2.5G' -> bytes; '0' or 'none' -> None (no cap)."""
    if text is None or str(text).strip().lower() in ("0", "none", "off", ""):
        return None
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)i?B?\s*", str(text), re.IGNORECASE)
    if not match:
        raise ValueError(f"memory limit {text!r}: write it like 4G or 512M")
    scale = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[match.group(2).upper()]
    return int(float(match.group(1)) * scale)


def default_workers():
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def available_autograders():
    """``{notebook: autograder zip}`` for every built notebook."""
    found = {}
    for name in master_names():
        path = DIST / f"{name}-autograder.zip"
        if path.exists():
            found[name] = path
    return found


@dataclass
class Planned:
    grade: Grade
    notebook: dict = None  # the prepared notebook, when it still has to be graded
    autograder: Path = None
    cells: tuple = ()
    points: dict = None


class Journal:
    """``results.jsonl``: one finished grade per line, signed, appended and flushed as each arrives.

    Only lines that verify with the output folder's key are read back; ``ignored`` counts the
    others by why (``"unsigned"``, ``"altered"``).
    """

    def __init__(self, path):
        self.path = Path(path)
        self.key = signing_key(self.path.parent)
        self.grades = {}
        self.ignored = Counter()
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                grade = self._verified(line)
                if grade is not None:
                    self.grades[grade.submission] = grade

    def _verified(self, line):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return None  # a line cut short by an interruption (or worse: it is not trusted either way)
        signature = record.pop(SIGNATURE, None) if isinstance(record, dict) else None
        if not isinstance(signature, str):
            self.ignored["unsigned"] += 1
            return None
        if not hmac.compare_digest(signature.encode(), self._sign(record).encode()):
            self.ignored["altered"] += 1
            return None
        try:
            return Grade.from_json(record)
        except (ValueError, TypeError):  # signed by a grader whose Grade had other fields
            return None

    def _sign(self, record):
        canonical = json.dumps(record, sort_keys=True, separators=(",", ":"))
        return hmac.new(self.key, canonical.encode(), hashlib.sha256).hexdigest()

    def describe_ignored(self):
        """One line for the TA: how many records were not trusted, and why."""
        why = {"altered": "edited or forged (the signature does not match)",
               "unsigned": "unsigned (written before records were signed, or by hand)"}
        parts = ", ".join(f"{self.ignored[kind]} {words}" for kind, words in why.items() if self.ignored[kind])
        return (f"ignored {sum(self.ignored.values())} record(s) in {JOURNAL} that this grader cannot verify it "
                f"wrote: {parts}; their submissions are graded again")

    def add(self, grade):
        """Append ``grade`` with its messages capped; return the grade as recorded."""
        grade = grade.capped()
        self.grades[grade.submission] = grade
        if self.path.exists() and self.path.stat().st_size:
            with open(self.path, "rb") as journal:
                journal.seek(-1, os.SEEK_END)
                cut_short = journal.read(1) != b"\n"  # a line an interrupted run did not finish
        else:
            cut_short = False
        with open(self.path, "a") as journal:
            if cut_short:
                journal.write("\n")
            record = grade.to_json()
            journal.write(json.dumps({**record, SIGNATURE: self._sign(record)}) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        return grade


def key_path(out):
    """Where the key that signs ``out``'s results lives: the TA's own state folder, never ``out``."""
    state = os.environ.get("XDG_STATE_HOME", "")
    if not os.path.isabs(state):  # unset, or relative (which the XDG spec says to ignore)
        state = Path.home() / ".local" / "state"
    name = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()
    return Path(state) / "backprop-kit" / "grader-keys" / f"{name}.key"


def signing_key(out):
    """The secret key for ``out``'s results (32 random bytes), made on first use, readable by the TA alone."""
    path = key_path(out)
    try:
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            draft = path.with_name(f"{path.name}.{secrets.token_hex(8)}.tmp")
            with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            try:
                os.link(draft, path)  # whole or not at all; a run that made one first keeps its own
            except FileExistsError:
                pass
            finally:
                os.unlink(draft)
        key = bytes.fromhex(path.read_text().strip())
    except OSError as error:
        raise SystemExit(f"cannot keep the grader's key in {path.parent} ({error.strerror}); "
                         f"set XDG_STATE_HOME to a folder of your own") from error
    except ValueError:
        key = b""
    if len(key) != 32:
        raise SystemExit(f"the grader's key {path} is damaged; delete it to grade {out} again from scratch")
    return key


# ---------------------------------------------------------------------------- planning

def plan(submission, autograders, *, forced=None):
    """What to do with one submission: a finished (ungradable) Grade, or a prepared notebook."""
    grade = _new_grade(submission)
    target = forced or submission.expected
    loaded = load(submission, expected=target)
    name = target or loaded.assignment
    grade.notebook = name if name in autograders else ""
    points = autograder_points(autograders[name]) if name in autograders else {}
    grade.key = _key(loaded.digest, name, autograders.get(name))
    if loaded.problem:
        return Planned(not_graded(grade, "not a notebook", loaded.problem, points))
    if not name:
        return Planned(not_graded(grade, "wrong assignment", "cannot tell which notebook this is: neither its "
                                  "file name nor its metadata names one of " + ", ".join(autograders)))
    if name not in autograders:
        return Planned(not_graded(grade, "wrong assignment", f"this is a notebook for '{name}', which is not "
                                  f"one of this kit's notebooks ({', '.join(autograders)})"))
    if loaded.assignment and loaded.assignment != name:
        return Planned(not_graded(grade, "wrong assignment", f"this is the notebook for '{loaded.assignment}', "
                                  f"not for '{name}'", points))
    notebook = prepare(loaded.notebook, name)
    return Planned(grade, notebook=notebook, autograder=autograders[name],
                   cells=tuple(code_cell_positions(notebook)), points=points)


def _plan_or_error(submission, autograders, **options):
    """``plan`` behind this submission's exception boundary: the grader failing on one file is its error."""
    try:
        return plan(submission, autograders, **options)
    except Exception as error:  # noqa: BLE001 - one file must never stop the class
        grade = _new_grade(submission)
        named = options.get("forced") or submission.expected  # its row and feedback stay with that notebook
        grade.notebook = named if named in autograders else ""
        return Planned(not_graded(grade, "error", _grader_error("planning", submission.key, error)))


def from_engine(grade, result, points, *rest, **options):
    """``grading.from_engine`` behind this submission's exception boundary (``grade_planned`` calls this
    name): a result the grader cannot read is that submission's error, and the batch goes on."""
    try:
        return grading.from_engine(grade, result, points, *rest, **options)
    except Exception as error:  # noqa: BLE001 - a forged or broken result must not stop the class
        grade.checks, grade.notes = {}, []  # whatever it filled in before failing
        return not_graded(grade, "error", _grader_error("reading the result for", grade.submission, error), points)


def _grader_error(doing, key, error):
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"grader error while {doing} {key}: {detail}"


def _new_grade(submission):
    return Grade(submission=submission.key, student=submission.student, sid=submission.sid, email=submission.email)


def _key(digest, name, autograder):
    parts = [digest, name or "", _file_digest(autograder) if autograder else "", ENGINE_VERSION]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


_digests = {}


def _file_digest(path):
    path = Path(path)
    stamp = (str(path), path.stat().st_mtime_ns, path.stat().st_size)
    if stamp not in _digests:
        _digests[stamp] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digests[stamp]


# ---------------------------------------------------------------------------- grading

def grade_planned(planned, pool, *, workers, time_limit, memory_limit, isolation=None, on_done=None,
                  on_start=None):
    """Grade every planned notebook with ``pool``, ``workers`` at a time; call ``on_done(grade)`` for each."""
    scratch = Path(tempfile.mkdtemp(prefix="backprop-grading-"))
    waiting = [p for p in planned if p.notebook is not None]
    running = {}
    count = 0
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                item = waiting.pop(0)
                count += 1
                job_id = f"job{count}"
                workdir = scratch / job_id
                (workdir / "input").mkdir(parents=True)
                notebook_path = workdir / "input" / f"{item.grade.notebook}.ipynb"
                notebook_path.write_text(json.dumps(item.notebook))
                pool.submit({"id": job_id, "notebook": str(notebook_path), "autograder": str(item.autograder),
                             "workdir": str(workdir), "time_limit": time_limit, "memory_limit": memory_limit,
                             "isolation": isolation})
                running[job_id] = (item, workdir)
                if on_start:
                    on_start(item.grade)
            done = pool.next_done()
            item, workdir = running.pop(done["id"])
            grade = from_engine(item.grade, done["result"], item.points, item.cells, time_limit)
            grade.seconds = done["seconds"]
            shutil.rmtree(workdir, ignore_errors=True)
            if on_done:
                on_done(grade)
    except BaseException:
        pool.close()  # stop the sandboxes before their folders go (Ctrl-C, an engine failure)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_shared_pool = None


def _pool():
    """One grading pool per process for ``grade_files`` (tests, the single-file command)."""
    global _shared_pool
    if _shared_pool is None or _shared_pool.closed:
        _shared_pool = Pool()
        atexit.register(_shared_pool.close)
    return _shared_pool


def grade(submission, autograder_zip, *, time_limit=120, memory_limit="4G"):
    """Grade one submission (.ipynb or export .zip) with ``autograder_zip``; return a ``Grade``.

    Uses a grading pool kept for the life of this process.
    """
    name = grading.assignment_of(autograder_zip)
    return grade_files([Path(submission)], {name: Path(autograder_zip)}, time_limit=time_limit,
                       memory_limit=memory_limit)[0]


def grade_files(paths, autograders, *, time_limit=120, memory_limit="4G", workers=1):
    """Grade the given files (no output folder); return their Grades in the same order."""
    planned = []
    for path in paths:
        path = Path(path)
        submission = Submission(path=path, key=path.name, student=path.stem,
                                expected=_name_for(path, autograders))
        planned.append(_plan_or_error(submission, autograders))
    grade_planned(planned, _pool(), workers=workers, time_limit=time_limit, memory_limit=parse_memory(memory_limit))
    return [p.grade.capped() for p in planned]


def _name_for(path, autograders):
    for name in sorted(autograders, key=len, reverse=True):
        if name in path.name:
            return name
    return next(iter(autograders)) if len(autograders) == 1 else ""


# ---------------------------------------------------------------------------- the TA command

def run(submissions, out, *, notebook=None, workers=None, time_limit=120, memory_limit="4G",
        regrade=False, isolation=None, stream=None, log=print):
    """Grade every submission under ``submissions`` into the folder ``out``; return the Grades."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    autograders = available_autograders()
    if notebook and notebook not in autograders:
        raise SystemExit(f"no autograder for {notebook!r}; built notebooks: {', '.join(autograders) or 'none'}")
    workers = max(1, workers or default_workers())
    memory = parse_memory(memory_limit)
    if time_limit <= 0:
        raise SystemExit("the time limit must be a positive number of seconds")
    if memory is not None and memory < MINIMUM_MEMORY:
        raise SystemExit(f"memory limit {memory_limit}: a kernel alone takes about 1 GB of address space "
                         f"(Python, numpy, Jupyter); give at least 1.5G, or 0 for no limit")

    level = isolation or sandbox.isolation()
    if level != "bubblewrap":
        log(f"warning: each submission runs with isolation '{level}', not in a bubblewrap sandbox (bubblewrap is "
            f"missing or not allowed here): grades are still compared outside the student's code, but that code can "
            f"read what uid {sandbox.NOBODY if level == 'separate user' else 'you'} can read. On Debian or Ubuntu: "
            f"apt install bubblewrap")
    root, extracted = _unzip_gradescope(Path(submissions))
    pool = Pool(log_path=out / "engine.log")  # starts importing now, while the submissions are read
    try:
        found, ignored = discover(root, list(autograders))
        if not notebook and found and all(s.gradescope for s in found):
            notebook = _assignment_of_export(found, autograders, log)
        if notebook:  # submissions that name another of the kit's notebooks are not part of this run
            found = [s for s in found if not s.expected or s.expected == notebook]
        journal = Journal(out / JOURNAL)
        if regrade:
            journal.grades.clear()
        planned = [_plan_or_error(s, autograders, forced=notebook) for s in found]
        grades, to_do = {}, []
        for item in planned:
            previous = journal.grades.get(item.grade.submission)
            # "error" is the grader's own failure (a kernel that never started, a run cut by Ctrl-C),
            # not the submission's: it is tried again, never kept
            if previous is not None and previous.key == item.grade.key and previous.status != "error":
                grades[previous.submission] = previous  # graded before, nothing changed since
            elif item.notebook is None:
                # nothing to run: not a notebook, wrong assignment, ...
                grades[item.grade.submission] = journal.add(item.grade)
            else:
                to_do.append(item)
        feedback = report.feedback_paths([p.grade for p in planned], out)
        report.write_csv(list(grades.values()), out, autograders)
        for grade in grades.values():
            report.write_feedback(grade, feedback[grade.submission])

        unchanged = sum(1 for p in planned if journal.grades.get(p.grade.submission) is grades.get(p.grade.submission)
                        and p.notebook is not None)
        log(f"{len(planned)} submission(s) in {submissions}: {len(to_do)} to grade"
            + (f", {unchanged} unchanged since the last run" if unchanged else "")
            + (f"; ignored {len(ignored)} file(s) that are not .ipynb or .zip" if ignored else ""))
        if journal.ignored and not regrade:
            log(journal.describe_ignored())
        if to_do:
            progress = Progress(len(to_do), stream=stream)

            def finished(grade):
                grade = journal.add(grade)
                grades[grade.submission] = grade
                report.write_feedback(grade, feedback[grade.submission])
                report.write_csv(list(grades.values()), out, autograders)
                progress.advance(grade)

            grade_planned(to_do, pool, workers=min(workers, len(to_do)), time_limit=time_limit,
                          memory_limit=memory, isolation=isolation, on_done=finished, on_start=progress.started)
            progress.finish()
        final = [grades[p.grade.submission] for p in planned if p.grade.submission in grades]
        summary = report.write_all(final, out, autograders)
        log(summary)
        return final
    finally:
        pool.close()  # also stops any grading still running (Ctrl-C)
        if extracted:
            shutil.rmtree(extracted, ignore_errors=True)


def _assignment_of_export(found, autograders, log):
    """A Gradescope export is one assignment: the kit notebook most of its notebooks name."""
    named = Counter(_assignment(s) for s in found)
    ranked = [(count, name) for name, count in named.items() if name in autograders]
    if not ranked:
        return None
    count, name = max(ranked)
    log(f"Gradescope export of {name} ({count} of {len(found)} submissions say so; "
        f"pass --notebook to choose another)")
    return name


def _assignment(submission):
    try:
        return load(submission).assignment
    except Exception:  # noqa: BLE001 - planning meets the same failure and makes it this submission's error
        return ""


def _unzip_gradescope(path):
    """A Gradescope export zip is unpacked to a temporary folder; anything else is used as it is."""
    if path.is_file() and path.suffix.lower() == ".zip" and is_gradescope_zip(path):
        folder = Path(tempfile.mkdtemp(prefix="gradescope-export-"))
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
        return folder, folder
    return path, None
