"""The warm grading process: import Otter once, grade each submission in a fresh fork.

``python -m grader.engine`` is started by ``grader.pool`` and speaks JSON lines:
``{"op": "grade", "id", "notebook", "autograder", "workdir", "time_limit",
"memory_limit", "verify"}`` in, ``{"event": "ready"}`` and ``{"event": "done",
"id", "result", "seconds"}`` out.  Every job runs in a child forked from this
process (so Otter, ipykernel, numpy and matplotlib are already imported), in its
own session, so a time limit kills the child, its kernel and anything the
kernel started with one ``killpg``.  This process never runs submission code;
it only forks, waits and kills, and it stays single-threaded so forking is safe.

Inside the child, Otter's own ``run_autograder`` grades the notebook in the
layout Gradescope uses (``source/``, ``submission/``, ``results/``), in the
job's fresh folder, with a fresh copy of the autograder zip.  The child
returns plain data through a pipe: per-question scores and check messages, the
errors cells raised, and whether the tests or the kit's files were changed.
"""

import hashlib
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

# Set before the heavy imports below, which read them once.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per kernel: workers run in parallel
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
# What ipykernel would set before the notebook imports matplotlib (matplotlib is pre-imported here).
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

PROGRESS_FILE = "progress.json"
LOG_FILE = "grading.log"
KERNEL_LOG_FILE = "kernel.log"


def preimport():
    """Everything a grading child and its kernel would otherwise import per submission."""
    import dill  # noqa: F401  (Otter's results file)
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import ipywidgets  # noqa: F401
    import jupyter_client  # noqa: F401
    import matplotlib.pyplot  # noqa: F401  (the backend module itself still loads in the kernel)
    import nbconvert.preprocessors  # noqa: F401
    import nbformat.validator
    import numpy  # noqa: F401
    import otter  # noqa: F401  (the kernel's `from otter import Notebook` becomes free)
    import otter.run.run_autograder  # noqa: F401

    # Compile the notebook schema once: Otter validates the notebook in the child and in the kernel.
    nbformat.validator.get_validator(version=4, version_minor=5)


# ---------------------------------------------------------------------------- the warm process

class _Job:
    def __init__(self, spec, pid, pipe):
        self.spec = spec
        self.pid = pid
        self.pipe = pipe
        self.data = b""
        self.started = time.monotonic()
        self.deadline = self.started + float(spec["time_limit"])
        self.status = None  # wait status once reaped


class Engine:
    def __init__(self, commands, replies):
        self.commands = commands  # fd
        self.replies = replies  # fd
        self.jobs = {}  # pid -> _Job
        self.pending = b""

    def send(self, message):
        _write_all(self.replies, (json.dumps(message) + "\n").encode())

    def serve(self):
        self.send({"event": "ready", "pid": os.getpid()})
        while True:
            now = time.monotonic()
            timeout = max(0.0, min((j.deadline for j in self.jobs.values()), default=now + 1.0) - now)
            readable = [self.commands] + [j.pipe for j in self.jobs.values()]
            ready, _, _ = select.select(readable, [], [], min(timeout, 1.0))
            if self.commands in ready and not self._read_commands():
                break
            for job in list(self.jobs.values()):
                if job.pipe in ready:
                    chunk = os.read(job.pipe, 1 << 16)
                    if chunk:
                        job.data += chunk
                    else:
                        self._finish(job)
            now = time.monotonic()
            for job in list(self.jobs.values()):
                if now >= job.deadline:
                    self._time_out(job)
            self._reap_orphans()
        self.stop_all()

    def _read_commands(self):
        chunk = os.read(self.commands, 1 << 16)
        if not chunk:
            return False  # the pool went away: stop everything
        self.pending += chunk
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            if not line.strip():
                continue
            command = json.loads(line)
            if command.get("op") == "stop":
                return False
            if command.get("op") == "grade":
                self._start(command)
        return True

    def _start(self, spec):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                os.close(read_end)
                _grading_child(spec, write_end)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.jobs[pid] = _Job(spec, pid, read_end)
        print(f"job {spec['id']}: process group {pid}", file=sys.stderr, flush=True)

    def _finish(self, job):
        _kill_group(job.pid)  # the kernel and anything it started (the child itself has finished)
        self._wait(job)
        try:
            result = json.loads(job.data)
        except ValueError:
            result = {"outcome": "crashed", "error": _exit_description(job.status),
                      "log": _tail(Path(job.spec["workdir"]) / LOG_FILE)}
        self._done(job, result)

    def _time_out(self, job):
        _kill_group(job.pid)
        self._wait(job)
        result = {"outcome": "timed out", "progress": _read_progress(job.spec["workdir"])}
        self._done(job, result)

    def _done(self, job, result):
        os.close(job.pipe)
        del self.jobs[job.pid]
        self.send({"event": "done", "id": job.spec["id"], "result": result,
                   "seconds": round(time.monotonic() - job.started, 3)})

    def _wait(self, job):
        if job.status is None:
            try:
                _, job.status = os.waitpid(job.pid, 0)
            except ChildProcessError:
                job.status = 0

    def _reap_orphans(self):
        """Kernels whose grading child died are re-parented here (a child subreaper): reap them."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.jobs:  # a grading child ended: its kernel goes too, before its pid can be reused
                _kill_group(pid)
                self.jobs[pid].status = status

    def stop_all(self):
        for job in list(self.jobs.values()):
            _kill_group(job.pid)
            self._wait(job)
        self.jobs.clear()


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _exit_description(status):
    if status is None:
        return "the grading process ended without a result"
    if os.WIFSIGNALED(status):
        return f"the grading process was killed by signal {os.WTERMSIG(status)}"
    return f"the grading process exited with code {os.waitstatus_to_exitcode(status)} without a result"


def _tail(path, lines=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _read_progress(workdir):
    try:
        return json.loads((Path(workdir) / PROGRESS_FILE).read_text())
    except (OSError, ValueError):
        return None


def _become_subreaper():
    """Orphaned kernels come back to this process (Linux), not to init, so they are reaped."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def main():
    # Replies go to a private copy of stdout; anything a library prints goes to stderr instead.
    replies = os.dup(1)
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the pool's to handle; it closes our stdin
    preimport()
    from . import forkkernel

    jupyter_dir = tempfile.mkdtemp(prefix="backprop-kernelspec-")
    os.environ["JUPYTER_PATH"] = jupyter_dir
    forkkernel.install(jupyter_dir)
    _become_subreaper()
    engine = Engine(sys.stdin.fileno(), replies)
    try:
        engine.serve()
    finally:
        engine.stop_all()
        shutil.rmtree(jupyter_dir, ignore_errors=True)


# ---------------------------------------------------------------------------- one submission

def _grading_child(spec, result_fd):
    """Runs in the forked child: grade one prepared notebook and write the result to ``result_fd``."""
    os.setsid()  # its own process group: one killpg stops it, its kernel and their children
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    workdir = Path(spec["workdir"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    log = os.open(workdir / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.dup2(result_fd, 3)
    os.closerange(4, 65536)  # sibling jobs' pipes and the engine's own stay out of this process
    result_fd = 3
    if spec.get("memory_limit"):
        import resource

        limit = int(spec["memory_limit"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = grade_prepared(spec)
    except BaseException as error:  # anything at all: report it, never hang
        result = {"outcome": "error", "error": f"{type(error).__name__}: {error}",
                  "log": traceback.format_exc()[-3000:]}
    _write_all(result_fd, json.dumps(result).encode())
    os.close(result_fd)


def grade_prepared(spec):
    """Grade ``spec["notebook"]`` with Otter in ``spec["workdir"]``; return plain result data."""
    from otter.run.run_autograder import main as run_autograder

    from . import forkkernel

    workdir = Path(spec["workdir"])
    home = workdir / "autograder"
    for part in ("source", "submission", "results"):
        (home / part).mkdir(parents=True, exist_ok=True)
    (home / "submission_metadata.json").write_text("{}")
    with zipfile.ZipFile(spec["autograder"]) as autograder:
        autograder.extractall(home / "source")
    notebook = Path(spec["notebook"])
    shutil.copy(notebook, home / "submission" / notebook.name)

    scratch = workdir / "tmp"
    scratch.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = str(scratch)  # Otter's and the kernel's temporary files stay in this folder
    tempfile.tempdir = None
    os.environ["IPYTHONDIR"] = str(workdir / "ipython")  # no TA profile or startup files in the kernel
    _use_grading_executor(workdir / PROGRESS_FILE)

    forkkernel.prefork(str(workdir / KERNEL_LOG_FILE), spec.get("memory_limit"))
    try:
        run_autograder(str(home), otter_run=True, logo=False, debug=False)
    except Exception as error:
        return {"outcome": _outcome_of(error), "error": f"{type(error).__name__}: {error}".strip(),
                "progress": _read_progress(workdir)}
    finally:
        forkkernel.discard()

    import dill

    with open(home / "results" / "results.pkl", "rb") as stored:
        results = dill.load(stored)
    result = {"outcome": "graded", "questions": _questions(results), "cell_errors": _cell_errors(results)}
    if results.catastrophic_error is not None:
        error = results.catastrophic_error
        result["catastrophic"] = f"{type(error).__name__}: {error}"
    if spec.get("verify", True):
        result["changed_files"] = changed_files(spec["autograder"], home / "submission")
    return result


def _outcome_of(error):
    name = type(error).__name__
    if name == "DeadKernelError":
        return "kernel died"
    return "error"


def _questions(results):
    questions = {}
    for name in results.test_files:
        test_file = results.get_result(name)
        checks = [{"name": r.test_case.name, "hidden": bool(r.test_case.hidden), "passed": bool(r.passed),
                   "message": _last_line(r.message)}
                  for r in test_file.test_case_results]
        questions[name] = {"score": float(test_file.score), "possible": float(test_file.possible),
                           "checks": checks}
    return questions


def _last_line(message):
    """Otter keeps a failed check's traceback; its last line is the check's own sentence.

    The kit's checks raise AssertionError with a whole sentence, so that prefix goes;
    any other exception keeps its name ("NameError: name 'q' is not defined").
    """
    lines = (message or "").strip().splitlines()
    last = lines[-1].strip() if lines else ""
    return last[len("AssertionError: "):] if last.startswith("AssertionError: ") else last


def _cell_errors(results):
    errors = []
    notebook = results.notebook
    for index, cell in enumerate(getattr(notebook, "cells", None) or []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append({"index": index, "source": cell.get("source", "")[:300],
                               "error": f"{output.get('ename', '')}: {output.get('evalue', '')}"[:300]})
    return errors


def changed_files(autograder, submission_dir):
    """The tests and support files (from the autograder zip) that differ from the zip after grading."""
    changed = []
    with zipfile.ZipFile(autograder) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.filename.startswith("tests/"):
                target = Path(submission_dir) / info.filename
            elif info.filename.startswith("files/"):
                target = Path(submission_dir) / info.filename[len("files/"):]
            else:
                continue
            expected = hashlib.sha256(archive.read(info)).digest()
            try:
                actual = hashlib.sha256(target.read_bytes()).digest()
            except OSError:
                actual = None
            if actual != expected:
                changed.append(str(target.relative_to(submission_dir)))
    return changed


def _use_grading_executor(progress_path):
    """Otter's notebook runner, with two changes made in this child only.

    - It records which cell is running, so a time limit can say where the notebook was.
    - It does not imitate a browser's Output widget.  nbclient answers every Output
      widget update with a message on the shell channel while it waits for the cell's
      reply on that same channel, and now and then the reply is lost and the run hangs
      forever (jupyter/nbclient#312; ~1 run in 20 for notebooks with live figures).
      Widget state is never graded, so the imitation is switched off.
    """
    import nbconvert.preprocessors as preprocessors

    base = preprocessors.ExecutePreprocessor
    if getattr(base, "_backprop_grading", False):
        return

    class GradingExecutePreprocessor(base):
        _backprop_grading = True

        def on_comm_open_jupyter_widget(self, msg):
            return None

        def preprocess_cell(self, cell, resources, index):
            _write_progress(progress_path, index, cell.get("source", ""), errors)
            result = super().preprocess_cell(cell, resources, index)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    errors.append({"source": cell.get("source", "")[:300],
                                   "error": f"{output.get('ename', '')}: {output.get('evalue', '')}"[:300]})
            return result

    errors = []  # cells that raised so far: if the kernel dies later, the reason can name them
    preprocessors.ExecutePreprocessor = GradingExecutePreprocessor


def _write_progress(path, index, source, errors):
    temporary = f"{path}.tmp"
    with open(temporary, "w") as progress:
        json.dump({"index": index, "source": source[:300], "errors": errors[-5:], "time": time.time()}, progress)
    os.replace(temporary, path)


if __name__ == "__main__":
    main()
