"""The grading engine as seen from the TA's side: start it, hand it jobs, collect results.

The engine (``python -m grader.engine``) is one warm process that forks a child per
submission; this module only talks to it over two pipes.  Closing the pool (or
this process dying) closes the engine's input, and the engine then kills every
grading child it still has.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class EngineError(RuntimeError):
    pass


class Pool:
    def __init__(self, log_path=None):
        env = dict(os.environ)
        env["PYTHONHASHSEED"] = "0"  # the same set and dict order in every kernel, on every run
        env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # as a fresh ipykernel sets it
        env.pop("JUPYTER_PATH", None)
        self._temporary_log = log_path is None
        if log_path is None:
            handle, log_path = tempfile.mkstemp(prefix="backprop-engine-", suffix=".log")
            os.close(handle)
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "grader.engine"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self.ready = False
        self.running = 0

    def wait_until_ready(self):
        if not self.ready:
            message = self._read()
            if message.get("event") != "ready":
                raise EngineError(f"the grading engine did not start: {message}")
            self.ready = True
            self._log.write(f"engine ready: pid {message.get('pid')}\n".encode())
            self._log.flush()

    def submit(self, job):
        """Start grading ``job`` (a dict: id, notebook, autograder, workdir, time_limit, memory_limit, verify)."""
        self.wait_until_ready()
        self.process.stdin.write((json.dumps({"op": "grade", **job}) + "\n").encode())
        self.process.stdin.flush()
        self.running += 1

    def next_done(self):
        """Block until a job finishes; return ``{"id", "result", "seconds"}``."""
        while True:
            message = self._read()
            if message.get("event") == "done":
                self.running -= 1
                return message

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            raise EngineError(f"the grading engine stopped (exit code {self.process.returncode}); "
                              f"its log: {self.log_path}\n{_tail(self.log_path)}")
        return json.loads(line)

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.close()  # the engine kills what is still running, then exits
            except OSError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        if self._temporary_log and self.process.returncode == 0:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _tail(path, lines=20):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
