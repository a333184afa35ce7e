"""The student's side of grading: run the notebook's cells, then answer calls with plain data.

This file runs inside the sandbox (``grader/sandbox.py``), as its own process, next to a
copy of ``wire.py``; it imports nothing of the grader.  It reads ``job.json`` (the code
cells, where the kit is, which kit functions answers may use), runs every cell in an
IPython shell (so ``%magics`` work as in a notebook), then serves the grading side over
its stdin/stdout: ``{"op": "call", "name", "args", "kwargs"}`` calls a function the
notebook defined and replies with its result as plain data.  The expected answers, the
tests and the comparison never come here, so whatever this process does (it is the
student's) can only change its own answers.

Everything that could make two runs differ is seeded first: ``random``, numpy's global
state, and the operating system's entropy (so an unseeded ``np.random.default_rng()``
or ``random.SystemRandom`` gives the same numbers every run).
"""

import json
import os
import sys

MESSAGE_LIMIT = 2000  # characters of an exception message sent back


class Channel:
    """The pipe to the grading side, on private copies of fds 0 and 1 (the cells' output goes to a log)."""

    def __init__(self, log_path):
        self.incoming = os.fdopen(os.dup(0), "rb")
        self.outgoing = os.dup(1)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)

    def send(self, message):
        import wire

        data = wire.dumps(message)
        while data:
            data = data[os.write(self.outgoing, data):]

    def receive(self):
        import wire

        line = self.incoming.readline(wire.MAX_LINE + 1)
        if not line:
            raise SystemExit(0)  # the grading side is done (or gone)
        return wire.loads(line)


def drop_privileges(uid):
    """As root inside the sandbox: become ``uid`` for good before any student code runs."""
    if os.getuid() != 0 or uid is None:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def seed_everything(seed):
    import random

    stream = random.Random(seed)

    def entropy(count):  # os.urandom, for numpy's SeedSequence and random.SystemRandom alike
        return bytes(stream.getrandbits(8) for _ in range(int(count)))

    os.urandom = entropy
    random._urandom = entropy
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)


def install_otter_stub():
    """``import otter`` gets this: at grading time the checks run on the grading side, not here."""
    import types

    class Notebook:
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):  # check, check_all, export, to_pdf, ...: nothing to do here
            return lambda *args, **kwargs: None

    otter = types.ModuleType("otter")
    otter.Notebook = Notebook
    sys.modules["otter"] = otter


def make_shell(cache_dir):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    os.environ["IPYTHONDIR"] = cache_dir
    return InteractiveShell.instance(config=config)


def run_cells(shell, cells, channel):
    errors = []
    for index, source in enumerate(cells):
        channel.send({"event": "cell", "index": index})
        result = shell.run_cell(source, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            errors.append({"index": index, "error": _describe(error)[:300]})
    return errors


def _text(error):
    try:
        return str(error)[:MESSAGE_LIMIT]
    except BaseException:  # noqa: BLE001 - a student's exception whose __str__ raises
        return ""


def _describe(error):
    text = _text(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


CELL_CODE = "<ipython-input-"  # how IPython names the code a cell compiled
NUDGE = 1e-4  # steps this small (relative) from an input, taken both ways or beside the input: a difference quotient


class AnswerWatch:
    """What an answer did to compute its value, for the grading side to judge.

    ``used``: the kit's functions it called from its own code (beyond the ones it may use).
    ``nudged``: the notebook's own functions it called at one of its inputs moved by a hair
    both ways, or moved and not (``f(x + h)`` beside ``f(x - h)`` or ``f(x)``), as a finite
    difference does: a derivative worked out numerically.
    This runs in the student's process, so it only catches the honest shortcut; the
    comparison itself never happens here.
    """

    def __init__(self, kit_dir, allowed):
        self.prefix = os.path.join(os.path.realpath(kit_dir), "backprop_kit") + os.sep
        self.allowed = set()
        for module_name, name in allowed:
            try:
                module = __import__(module_name, fromlist=[name])
                self.allowed.add(getattr(module, name).__code__)
            except (ImportError, AttributeError):
                pass
        self.used, self.nudged, self.inputs, self.offsets = [], [], [], {}

    def profile(self, frame, event, arg):
        if event != "call":
            return
        filename = frame.f_code.co_filename
        if filename.startswith(CELL_CODE):
            if frame.f_back is not None and frame.f_back.f_code.co_filename.startswith(CELL_CODE):
                self._check_nudged(frame)
            return
        if not filename.startswith(self.prefix):
            return
        if frame.f_code in self.allowed or frame.f_code.co_name.startswith("<"):
            return
        caller = frame.f_back
        while caller is not None:  # the kit calling itself (maybe through numpy or a dataclass __init__)
            if caller.f_code.co_filename.startswith(self.prefix):
                return
            caller = caller.f_back
        self._note(self.used, frame)

    def _check_nudged(self, frame):
        """A difference quotient calls f at x + h and at x - h (or at x): both, on one argument."""
        code = frame.f_code
        names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        for position, name in enumerate(names):
            value = frame.f_locals.get(name)
            for index, original in enumerate(self.inputs):
                offset = _offset(value, original)
                if offset is None:
                    continue
                seen = self.offsets.setdefault((code, position, index), set())
                if offset != 0 and (0 in seen or _opposite(offset) in seen) or offset == 0 and len(seen - {0}):
                    self._note(self.nudged, frame)
                    return
                if len(seen) < 100:
                    seen.add(offset)

    def _note(self, found, frame):
        code = frame.f_code
        name = f"{frame.f_globals.get('__name__', '?')}.{getattr(code, 'co_qualname', code.co_name)}"
        if found is self.nudged:
            name = code.co_name
        if name not in found and len(found) < 5:
            found.append(name)

    def watching(self, args, kwargs):
        self.inputs = [v for v in _numbers(list(args) + list(kwargs.values()))]
        return self

    def __enter__(self):
        self.used, self.nudged, self.offsets = [], [], {}
        sys.setprofile(self.profile)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)
        self.inputs = []


def _numbers(values, depth=0):
    """The numbers and small arrays among a call's arguments (one level into tuples, lists, dicts)."""
    import numpy as np

    found = []
    for value in values:
        if type(value) in (int, float) or isinstance(value, np.ndarray) and value.dtype.kind == "f" \
                and value.size <= 10_000:
            found.append(value)
        elif depth == 0 and type(value) in (list, tuple, dict):
            found += _numbers(value.values() if type(value) is dict else value, 1)
    return found


def _offset(value, original):
    """How far ``value`` is from an input: 0 (the input itself), a small step, or None (unrelated).

    A step is a number (scalars) or (entry, step) for an array moved at one entry.
    """
    import numpy as np

    if type(original) in (int, float):
        if type(value) not in (int, float, np.float64):
            return None
        gap = float(value) - original
        return gap if abs(gap) <= NUDGE * max(1.0, abs(original)) else None
    if not isinstance(value, np.ndarray) or value.shape != original.shape or value.dtype.kind != "f":
        return None
    gap = value - original
    moved = np.flatnonzero(gap)
    if moved.size == 0:
        return 0
    if moved.size > 1 or abs(float(gap.flat[moved[0]])) > NUDGE * max(1.0, float(np.abs(original).max())):
        return None
    return (int(moved[0]), float(gap.flat[moved[0]]))


def _opposite(offset):
    return (offset[0], -offset[1]) if isinstance(offset, tuple) else -offset


def serve(shell, channel, watch):
    import wire

    def callback(identity):
        def call_grader(*args, **kwargs):
            channel.send({"event": "callback", "id": identity, "args": wire.encode(list(args)),
                          "kwargs": wire.encode(kwargs)})
            reply = channel.receive()
            if "raised" in reply:
                raise ValueError(str(reply["raised"])[:MESSAGE_LIMIT])
            return wire.decode(reply.get("ok"))
        return call_grader

    while True:
        request = channel.receive()
        op = request.get("op")
        if op == "kinds":
            kinds = {}
            for name in request.get("names", []):
                value = shell.user_ns.get(name, _MISSING) if isinstance(name, str) else _MISSING
                kinds[name] = "missing" if value is _MISSING else ("function" if callable(value) else "value")
            channel.send({"event": "kinds", "kinds": kinds})
        elif op == "value":
            channel.send(_reply(lambda: shell.user_ns[request["name"]], watch))
        elif op == "call":
            function = shell.user_ns.get(request.get("name"))
            args = wire.decode(request.get("args", []), callback)
            kwargs = wire.decode(request.get("kwargs", {"$": "dict", "v": []}), callback)
            channel.send(_reply(lambda: function(*args, **kwargs), watch.watching(args, kwargs)))
        else:
            channel.send({"event": "result", "raised": {"type": "GraderError", "message": f"unknown op {op!r}"}})


_MISSING = object()


def _reply(compute, watch):
    import wire

    with watch:
        try:
            value = compute()
            raised = None
        except BaseException as error:  # noqa: BLE001 - KeyboardInterrupt, SystemExit: this check fails, no more
            value, raised = None, error
    seen = {"kit": list(watch.used), "nudged": list(watch.nudged)}
    if raised is not None:
        return {"event": "result", "raised": {"type": type(raised).__name__[:60], "message": _text(raised)}, **seen}
    try:
        data = wire.encode(value)
        wire.dumps(data)  # the size check, before anything is sent
    except BaseException as error:  # noqa: BLE001 - a value that cannot be sent is this check's failure
        message = str(error) if isinstance(error, wire.WireError) else _describe(error)
        return {"event": "result", "raised": {"type": "AnswerNotSendable", "message": message[:MESSAGE_LIMIT]},
                **seen}
    return {"event": "result", "ok": data, **seen}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "job.json")) as handle:
        job = json.load(handle)
    drop_privileges(job.get("uid"))
    channel = Channel(os.path.join(here, "output.log"))
    sys.path[:0] = [job["kit"], here]
    seed_everything(job.get("seed", 0))
    install_otter_stub()
    shell = make_shell(os.path.join(job.get("scratch", here), "ipython"))
    errors = run_cells(shell, job["cells"], channel)
    watch = AnswerWatch(job["kit"], [tuple(pair) for pair in job.get("allowed", [])])
    channel.send({"event": "ready", "errors": errors})
    serve(shell, channel, watch)


if __name__ == "__main__":
    main()
