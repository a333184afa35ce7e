"""Grades: what grading one submission found, in plain words.

``grader.engine`` runs Otter's tests against the student's sandboxed process; this
module turns what came back into a ``Grade`` a test or a TA can read, and checks it
against the autograder itself: every question of the autograder appears with
exactly its points, and no score exceeds them.

Statuses:

- ``graded``            graded; the reason names the first cell that raised, if any
- ``flagged``           graded, for a TA to look at: an answer called the kit's own code (that question 0)
                        or worked a derivative out numerically (score kept)
- ``timed out``         the cells were still running at the time limit (an infinite loop?): 0
- ``kernel died``       the notebook ended or crashed its own process while its cells ran: 0
- ``not a notebook``    empty, not notebook JSON, a broken zip, no notebook inside: 0
- ``wrong assignment``  a notebook of another assignment: 0
- ``error``             the grader itself could not finish (the reason says why): 0
"""

import ast
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

GRADED_STATUSES = ("graded", "flagged")
MAX_MESSAGE = 2000  # characters in a reason, failure, note or check message: a 5 MB exception is no record
MAX_NOTES = 100  # a notebook of ten thousand failing cells needs no ten thousand notes


@dataclass
class Grade:
    submission: str
    notebook: str = ""
    student: str = ""
    status: str = "graded"
    reason: str = ""  # one or two plain sentences
    scores: dict = field(default_factory=dict)  # question -> points earned
    possible: dict = field(default_factory=dict)  # question -> points available
    failures: dict = field(default_factory=dict)  # question -> the failing check to read first, in its own words
    checks: dict = field(default_factory=dict)  # question -> [{name, hidden, passed, message[, mistake]}]
    mistakes: dict = field(default_factory=dict)  # question -> the catalogued mistakes its failed checks named
    notes: list = field(default_factory=list)  # cell errors and how the checks stopped, one sentence each
    sid: str = ""
    email: str = ""
    seconds: float = 0.0
    key: str = ""  # what a resumed run compares to decide that this grade is still current
    isolation: str = ""  # how the student's code was kept apart: bubblewrap, separate user, none or not run

    @property
    def total(self):
        return sum(self.scores.values())

    @property
    def out_of(self):
        return sum(self.possible.values())

    @property
    def error(self):
        """Non-empty when the submission was not graded (kept for callers that only ask 'did it grade?')."""
        return "" if self.status in GRADED_STATUSES else f"{self.status}: {self.reason}"

    def capped(self):
        """This grade with every message cut to ``MAX_MESSAGE`` characters and at most ``MAX_NOTES`` notes."""
        notes = [cap(note) for note in self.notes[:MAX_NOTES]]
        if len(self.notes) > MAX_NOTES:
            notes.append(f"… and {len(self.notes) - MAX_NOTES} more notes (cut)")
        checks = {question: [{key: cap(value) if key in ("name", "message") else value for key, value in check.items()}
                             if isinstance(check, dict) else check for check in found]
                  for question, found in self.checks.items()}
        return replace(self, reason=cap(self.reason), notes=notes, checks=checks,
                       failures={question: cap(message) for question, message in self.failures.items()})

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, data):
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def cap(text, most=MAX_MESSAGE):
    """``text`` cut to at most ``most`` characters, saying how many were cut; anything not text as it is."""
    if not isinstance(text, str) or len(text) <= most:
        return text
    keep = most - len(f"… (cut: {len(text)} characters)")  # the count cut is no longer than this one
    return f"{text[:keep]}… (cut: {len(text) - keep} characters)"


def autograder_points(autograder):
    """``{question: points}`` from the test files of an autograder zip or its unpacked folder (read, never run)."""
    points = {}
    for name, text in _test_sources(Path(autograder)):
        value = 0.0
        for statement in ast.parse(text).body:
            if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and getattr(statement.targets[0], "id", None) == "points"):
                value = float(ast.literal_eval(statement.value))
        points[Path(name).stem] = value
    return points


def _test_sources(autograder):
    if autograder.is_dir():
        return [(p.name, p.read_text()) for p in sorted((autograder / "tests").glob("*.py"))]
    with zipfile.ZipFile(autograder) as archive:
        return [(n, archive.read(n).decode()) for n in sorted(archive.namelist())
                if n.startswith("tests/") and n.endswith(".py")]


def assignment_of(autograder_zip):
    import json

    with zipfile.ZipFile(autograder_zip) as archive:
        return json.loads(archive.read("otter_config.json")).get("assignment_name", "")


def code_cell_positions(notebook):
    """``[(position in the notebook, source)]`` of its code cells, positions 1-based."""
    positions = []
    for position, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            positions.append((position, "".join(source) if isinstance(source, list) else str(source)))
    return positions


def not_graded(grade, status, reason, points=None):
    """Fill ``grade`` for a submission that earns nothing: every question 0, with the reason."""
    grade.status, grade.reason = status, reason
    grade.isolation = grade.isolation or "not run"  # none of its code ran: nothing to keep apart
    grade.possible = dict(points or {})
    grade.scores = {q: 0.0 for q in grade.possible}
    grade.failures = {q: reason for q in grade.possible}
    return grade


def from_engine(grade, result, points, cells, time_limit=None):
    """Fill ``grade`` from the engine's result for it.

    ``points`` is the autograder's ``{question: points}``; ``cells`` the graded
    notebook's ``[(position, source)]`` code cells, to name cells in reasons.
    """
    grade.isolation = str(result.get("isolation") or "")
    outcome = result.get("outcome")
    if outcome in ("timed out", "kernel died"):
        return _stopped(grade, outcome, result.get("progress") or {}, points, cells, time_limit)
    if outcome != "graded":
        detail = result.get("error") or "no result"
        return not_graded(grade, "error", f"the grader could not finish: {detail}", points)
    questions = result.get("questions") or {}
    problem = _mismatch(questions, points)
    if problem:
        return not_graded(grade, "error", f"the results do not match the autograder: {problem}", points)

    grade.possible = dict(points)
    for question in points:
        found = questions[question]
        grade.scores[question] = float(found["score"])
        grade.checks[question] = found["checks"]
        failed = [c for c in found["checks"] if not c["passed"]]
        if failed:
            # what the student reads first: a failure that names the mistake, a hidden check's first
            # (its sentence is the problem's own; a public check's only names the mistake and the rule)
            first = min(failed, key=lambda c: (c["name"] != "own work", not c.get("mistake"), not c["hidden"]))
            grade.failures[question] = first["message"] or f"{first['name']} failed"
        named = list(dict.fromkeys(c["mistake"] for c in failed if c.get("mistake")))
        if named:
            grade.mistakes[question] = named
    cell_errors = [note for note in (_cell_error(e, cells) for e in result.get("cell_errors", [])) if note]
    own_work = [f"{q}: {c['message']}" for q in points for c in questions[q]["checks"] if c["name"] == "own work"]
    own_work += [f"{q}: {questions[q]['numerical']}" for q in points if questions[q].get("numerical")]
    grade.notes = own_work[1:] + cell_errors + ([result["stopped"]] if result.get("stopped") else [])
    grade.status = "flagged" if own_work else "graded"
    grade.reason = (own_work or ([result["stopped"]] if result.get("stopped") else []) or cell_errors or [""])[0]
    return grade


def _stopped(grade, outcome, progress, points, cells, time_limit):
    """A notebook that never reached its tests: where it was, and what failed before."""
    earlier = [note for note in (_cell_error(e, cells) for e in progress.get("errors", [])) if note]
    before = f"; before that, {earlier[-1]}" if earlier else ""
    where = _where(progress, cells)
    if outcome == "timed out":
        limit = f"{time_limit:g} s" if time_limit else "the time limit"
        reason = f"still running after {limit}{where} (an infinite loop or a very slow cell), so no test ran"
    else:
        reason = f"the notebook's Python process stopped{where} (os._exit, a crash, or no memory left), so no test ran"
    not_graded(grade, outcome, reason + before, points)
    grade.notes = earlier
    return grade


def _mismatch(questions, points):
    for question, possible in points.items():
        if question not in questions:
            return f"{question} is missing"
        found = questions[question]
        if abs(found["possible"] - possible) > 1e-9:
            return f"{question} is out of {found['possible']:g}, not {possible:g}"
        if not -1e-9 <= found["score"] <= possible + 1e-9:
            return f"{question} scored {found['score']:g} of {possible:g}"
    extra = sorted(set(questions) - set(points))
    return f"unknown question(s) {', '.join(extra)}" if extra else ""


def _locate(source, cells):
    """Which submitted cell an executed cell was; Otter's own cells by their job."""
    source = source or ""
    for position, text in cells:
        if source and text.startswith(source):
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")
            first = first if len(first) <= 40 else first[:37] + "..."
            return f"cell {position} (`{first}`)"
    return ""


def _where(progress, cells):
    place = _locate((progress or {}).get("source", ""), cells) if progress else ""
    return f" while running {place}" if place else ""


def _cell_error(error, cells):
    place = _locate(error.get("source", ""), cells)
    if not place:
        return ""
    return f"{place} raised {error['error'].strip()}"


