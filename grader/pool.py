"""Grade several submissions at once: one thread a job, each waiting on its own sandbox.

The work happens in ``grader.engine.grade_job``: the student's code runs in the
sandboxed process each job starts, and the thread here only sends calls, reads
plain data and compares.  ``close()`` (Ctrl-C, the end of a run) kills every
sandbox still running.  ``engine.log`` gets one line a job with its process group.
"""

import queue
import tempfile
import threading
import time
import traceback
from pathlib import Path

from . import engine, sandbox


class EngineError(RuntimeError):
    pass


class Pool:
    def __init__(self, log_path=None):
        self._temporary_log = log_path is None
        if log_path is None:
            handle, log_path = tempfile.mkstemp(prefix="backprop-engine-", suffix=".log")
            import os

            os.close(handle)
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "a")
        self._lock = threading.Lock()
        self._done = queue.Queue()
        self._processes = {}
        self.closed = False
        self.running = 0

    def log(self, line):
        with self._lock:
            if not self._log.closed:
                self._log.write(line + "\n")
                self._log.flush()

    def submit(self, job):
        """Start grading ``job`` (id, notebook, autograder, workdir, time_limit, memory_limit) in a thread."""
        self.running += 1
        threading.Thread(target=self._run, args=(job,), daemon=True, name=f"grading {job['id']}").start()

    def _run(self, job):
        started = time.monotonic()

        def register(process):
            with self._lock:
                self._processes[job["id"]] = process
                killed = self.closed
            self.log(f"job {job['id']}: process group {process.pid}")
            if killed:
                sandbox.kill(process)

        try:
            result = engine.grade_job(job, on_start=register)
        except BaseException as error:  # noqa: BLE001 - the grader's own failure, reported per job
            result = {"outcome": "error", "error": f"{type(error).__name__}: {error}"[:2000]}
            self.log(traceback.format_exc())
        finally:
            with self._lock:
                self._processes.pop(job["id"], None)
        self._done.put({"event": "done", "id": job["id"], "result": result,
                        "seconds": round(time.monotonic() - started, 3)})

    def next_done(self):
        """Block until a job finishes; return ``{"id", "result", "seconds"}``."""
        while True:
            try:
                message = self._done.get(timeout=0.5)  # a timeout, so Ctrl-C is not held up
            except queue.Empty:
                continue
            self.running -= 1
            return message

    def close(self):
        with self._lock:
            self.closed = True
            processes = list(self._processes.values())
        for process in processes:
            sandbox.kill(process)
        with self._lock:
            self._log.close()
        if self._temporary_log:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
