"""Stand-ins: the student's functions as the grading side sees them.

Otter's test functions take the student's functions as parameters.  Here they get
a ``StandIn`` instead: calling it sends the arguments to the student's process
(``grader/student_runner.py``) and returns what came back, parsed strictly as plain
data (``grader/wire.py``).  So the tests, their expected values and the comparisons
all run on the grading side, and a student's object never does: whatever the
student's process does, it can only change its own answers.

A function a test passes in (notebook 2's ``phi``) crosses as a reference and is
called back over the same pipe.  A student exception comes back as an exception of
the same name; a process that ended, or a call past its time, raises
``StudentGone``, a ``BaseException`` the kit's checks do not catch, so the check
fails with that sentence.
"""

import os
import select
import time

from . import wire

CALL_LIMIT = 20.0  # seconds one call may take before the job is stopped


class StudentGone(BaseException):
    """The student's process ended or ran out of time: this check and every later one fail."""


class StudentError(Exception):
    """Base of the exceptions a student's function raised, re-created by name on this side."""


def student_exception(type_name, message):
    name = "".join(c for c in str(type_name) if c.isalnum() or c == "_")[:60] or "Exception"
    return type(name, (StudentError,), {})(str(message)[:wire.MAX_TEXT])


class Stopped(Exception):
    """The notebook's cells did not finish: ``outcome`` is 'timed out' or 'kernel died'."""

    def __init__(self, outcome, index, errors):
        super().__init__(outcome)
        self.outcome, self.index, self.errors = outcome, index, errors


class Session:
    """One student process: run its cells (``wait_ready``), then ``call`` its functions."""

    def __init__(self, process, deadline, kit_types=None, kill=None):
        self.process = process
        self.deadline = deadline
        self.kit_types = kit_types or {}
        self._kill = kill or (lambda process: process.kill())
        self._buffer = b""
        self._functions = []
        self.gone = ""  # why the process can no longer answer
        self.kit_used = []  # (function, kit function it called), since last cleared
        self.nudged = []  # (function, own function it called at a nudged input: a finite difference)

    # ------------------------------------------------------------------ the cells

    def wait_ready(self):
        """Every cell ran: return the cells' errors ``[{index, error}]``, or raise ``Stopped``."""
        index = -1
        while True:
            try:
                message = self._receive(self.deadline)
            except StudentGone:
                outcome = "timed out" if time.monotonic() >= self.deadline else "kernel died"
                raise Stopped(outcome, index, []) from None
            if message.get("event") == "cell" and type(message.get("index")) is int:
                index = message["index"]
            elif message.get("event") == "ready":
                errors = message.get("errors")
                return [e for e in errors if _is_error(e)] if type(errors) is list else []

    # ------------------------------------------------------------------ calls

    def kinds(self, names):
        """``{name: "function" | "value" | "missing"}`` for the names the tests take."""
        reply = self._request({"op": "kinds", "names": list(names)}, "kinds")
        kinds = reply.get("kinds") if type(reply.get("kinds")) is dict else {}
        return {name: kinds.get(name) if kinds.get(name) in ("function", "value") else "missing" for name in names}

    def value(self, name):
        return self._result(self._request({"op": "value", "name": name}, "result"), name)

    def call(self, name, args, kwargs):
        functions_before = len(self._functions)
        message = {"op": "call", "name": name, "args": wire.encode(list(args), self._functions),
                   "kwargs": wire.encode(dict(kwargs), self._functions)}
        try:
            reply = self._request(message, "result", what=f"{name}()")
        finally:
            del self._functions[functions_before:]
        return self._result(reply, name)

    def _result(self, reply, name):
        for field, found in (("kit", self.kit_used), ("nudged", self.nudged)):
            if type(reply.get(field)) is list:
                found += [(name, str(u)[:120]) for u in reply[field][:5] if (name, str(u)[:120]) not in found]
        if "raised" in reply:
            raised = reply["raised"] if type(reply["raised"]) is dict else {}
            raise student_exception(raised.get("type", "Exception"), raised.get("message", ""))
        try:
            return wire.decode(reply.get("ok"), kinds=self.kit_types)
        except wire.WireError as error:
            raise student_exception("AnswerNotReadable", f"the answer could not be read as data: {error}") from None

    def _request(self, message, expected, what="the request"):
        if self.gone:
            raise StudentGone(self.gone)
        self._send(message)
        limit = min(self.deadline, time.monotonic() + CALL_LIMIT)
        while True:
            try:
                reply = self._receive(limit)
            except StudentGone as gone:
                if time.monotonic() >= limit:
                    self.stop(f"{what} did not return within {CALL_LIMIT:g} s (or the time limit): an infinite "
                              f"loop? Later checks could not run either")
                else:
                    self.stop(f"the notebook's process stopped while {what} ran ({gone}); later checks could "
                              f"not run either")
                raise StudentGone(self.gone) from None
            if reply.get("event") == "callback":
                self._answer_callback(reply)
            elif reply.get("event") == expected:
                return reply

    def _answer_callback(self, request):
        index = request.get("id")
        try:
            if type(index) is not int or not 0 <= index < len(self._functions):
                raise ValueError("no such function")
            args = wire.decode(request.get("args"))
            kwargs = wire.decode(request.get("kwargs"))
            if type(args) is not list or type(kwargs) is not dict or not all(type(k) is str for k in kwargs):
                raise ValueError("malformed arguments")
            reply = {"op": "callback_result", "ok": wire.encode(self._functions[index](*args, **kwargs))}
        except Exception as error:  # a test's function refusing the student's arguments: their problem
            reply = {"op": "callback_result", "raised": f"{type(error).__name__}: {str(error)[:300]}"}
        self._send(reply)

    # ------------------------------------------------------------------ the pipe

    def _send(self, message):
        try:
            data = wire.dumps(message)
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (OSError, ValueError) as error:
            if isinstance(error, wire.WireError):
                raise
            self.stop("the notebook's process stopped reading (it ended or crashed)")
            raise StudentGone(self.gone) from None

    def _receive(self, deadline):
        """The next message, or ``StudentGone`` at EOF, at ``deadline`` or on a malformed line."""
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            if len(self._buffer) > wire.MAX_LINE:
                self.stop("the notebook's process sent more data than the grader accepts")
                raise StudentGone(self.gone)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StudentGone("time limit")
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise StudentGone("it ended")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = wire.loads(line)
        except wire.WireError as error:
            self.stop(f"the notebook's process sent something that is not the grader's protocol ({error})")
            raise StudentGone(self.gone) from None
        return message if type(message) is dict else {}

    def stop(self, why="the checks are done"):
        if not self.gone:
            self.gone = why
        self._kill(self.process)


def _is_error(entry):
    return type(entry) is dict and type(entry.get("index")) is int and type(entry.get("error")) is str


class StandIn:
    """What a test receives for one of the student's functions: calls go to the student's process."""

    def __init__(self, session, name):
        self._session = session
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self._session.call(self.__name__, args, kwargs)

    def __repr__(self):
        return f"<the student's {self.__name__}>"
