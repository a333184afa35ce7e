"""``python -m grader benchmark``: sequential ``otter run`` against ``python -m grader grade``.

Both grade the same submissions (a mix of worked solutions, untouched student
notebooks and solutions with one answer left blank), each as a separate command
from a cold start, and the figures printed are wall-clock seconds per
submission.  Prints the conditions too (cores, load), because on a shared
machine the figures move with everyone else's work.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import sandbox
from .batch import available_autograders, default_workers
from .build import outputs_for

OTTER_RUN_TIMEOUT = 60  # `otter run` has no time limit of its own (and can hang: nbclient#312)


def make_submissions(name, count, folder):
    """``count`` notebooks for ``name``: solutions, blanks and one-answer-blank variants, in turn."""
    built = outputs_for(name)
    solution = json.loads(built["solution"].read_text())
    student = json.loads(built["student"].read_text())
    answers = [i for i, cell in enumerate(student["cells"])
               if "otter_answer_cell" in cell.get("metadata", {}).get("tags", [])]
    kinds = [("solution", solution), ("blank", student)]
    for index in answers:
        variant = copy.deepcopy(solution)
        variant["cells"][index] = copy.deepcopy(student["cells"][index])
        kinds.append((f"cell{index}-blank", variant))
    paths = []
    for number in range(count):
        kind, notebook = kinds[number % len(kinds)]
        path = Path(folder) / f"{name}-bench{number:02d}-{kind}.ipynb"
        path.write_text(json.dumps(notebook))
        paths.append(path)
    return paths


def _load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def benchmark(notebook=None, count=20, workers=None, out=print):
    autograders = available_autograders()
    if not autograders:
        raise SystemExit("no built notebooks: run ./kit build first")
    name = notebook or sorted(autograders)[0]
    workers = workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="backprop-benchmark-") as scratch:
        scratch = Path(scratch)
        folder = scratch / "submissions"
        folder.mkdir()
        paths = make_submissions(name, count, folder)
        kinds = sorted({p.stem.split("-", 2)[-1] for p in paths})
        out(f"benchmark: {count} submissions of {name} ({', '.join(kinds)})")
        out(f"machine: {os.cpu_count()} cores, load average {_load():.2f} at the start; `grade` with "
            f"{workers} worker(s)")

        otter_scores, hung, hung_seconds = {}, 0, 0.0
        start = time.monotonic()
        for path in paths:
            started = time.monotonic()
            results = scratch / "otter-run" / path.stem
            results.mkdir(parents=True)
            try:
                subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(autograders[name]), str(path),
                                "-o", str(results), "--no-logo"], cwd=results, capture_output=True,
                               timeout=OTTER_RUN_TIMEOUT)
                otter_scores[path.name] = gradescope_total(json.loads((results / "results.json").read_text()))
            except subprocess.TimeoutExpired:  # nbclient#312: plain Otter can hang on live-figure notebooks
                hung += 1
                hung_seconds += time.monotonic() - started
            except (OSError, ValueError):
                otter_scores[path.name] = None
        sequential = time.monotonic() - start

        batch, ours = _grade(folder, scratch / "grades", workers)
        # The same again with no sandbox: what isolating each submission costs.
        plain, _ = _grade(folder, scratch / "grades-unisolated", workers, ["--isolation", "none"])

    # A hung run would flatter the ratio: `otter run` is timed over the runs that finished.
    per_otter = (sequential - hung_seconds) / max(1, count - hung)
    per_ours = batch / count
    agree = sum(1 for k, v in otter_scores.items() if v is not None and abs(v - ours.get(k, -1)) < 1e-9)
    out(f"sequential `otter run`: {sequential:6.1f} s total, {per_otter:5.2f} s per finished submission"
        + (f" ({hung} hung and were stopped after {OTTER_RUN_TIMEOUT} s; not counted)" if hung else ""))
    out(f"python -m grader grade: {batch:6.1f} s total, {per_ours:5.2f} s per submission "
        f"(isolation: {sandbox.isolation()})")
    out(f"  with --isolation none: {plain:6.1f} s total, {plain / count:5.2f} s per submission; the sandbox adds "
        f"{(batch - plain) / count:+.2f} s per submission")
    out(f"speed-up: {per_otter / per_ours:.1f}x; same total score for {agree} of {len(otter_scores)} submissions "
        f"that `otter run` finished; load average {_load():.2f} at the end")
    return {"otter_run": per_otter, "grade": per_ours, "ratio": per_otter / per_ours, "agree": agree,
            "isolation_cost": (batch - plain) / count}


def _grade(folder, out, workers, extra=()):
    """Seconds for `python -m grader grade` on ``folder``, and its totals."""
    start = time.monotonic()
    env = {**os.environ, "XDG_STATE_HOME": str(Path(out).parent / "state")}  # its signing keys go with it
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(folder), "--out", str(out),
                           "--workers", str(workers), *extra], capture_output=True, text=True, env=env)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"`grade` failed:\n{done.stdout}\n{done.stderr}")
    return seconds, _scores(out / "grades.csv")


def gradescope_total(results):
    """The total of an Otter ``results.json`` (Gradescope format): its score, or the sum of its tests'."""
    if results.get("score") is not None:
        return float(results["score"])
    return sum(float(t["score"]) for t in results.get("tests", []) if t.get("score") is not None)


def _scores(csv_path):
    import csv

    with open(csv_path) as handle:
        return {Path(row["submission"]).name: float(row["total"]) for row in csv.DictReader(handle)}
