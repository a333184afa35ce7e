"""Written answers: the questions a TA grades by hand, and what a submission wrote for each.

Otter Assign marks a question ``manual: true`` in the master; such a question has no tests,
so it never appears in Otter's results (locally or on Gradescope).  In the student notebook
Otter wraps it in ``<!-- BEGIN QUESTION -->`` ... ``<!-- END QUESTION -->`` (the markers its PDF
export filters on) and gives it a placeholder answer cell.  The answer travels inside the
notebook, in the zip that ``grader.export()`` makes, so this module reads it back from there:
the names and points come from the master, the text from the submission.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from .build import MASTERS

BEGIN, END = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"
PLACEHOLDER = "_Type your answer here, replacing this text._"  # Otter Assign's answer cell


@dataclass
class WrittenAnswer:
    question: str
    points: float
    text: str  # what the submission wrote; "" when the placeholder was left as it is

    @property
    def answered(self):
        return bool(self.text)


def manual_questions(name):
    """{question: points} for the master's ``manual: true`` questions, in notebook order."""
    master = MASTERS / f"{name}.ipynb"
    if not master.exists():
        raise FileNotFoundError(f"no master {master}")
    questions = {}
    for cell in json.loads(master.read_text())["cells"]:
        source = "".join(cell["source"]).strip()
        if cell["cell_type"] != "raw" or not source.startswith("# BEGIN QUESTION"):
            continue
        config = yaml.safe_load(source.split("\n", 1)[1]) if "\n" in source else {}
        if config.get("manual"):
            questions[config["name"]] = float(config.get("points") or 0)
    return questions


def load_notebook(submission, name=""):
    """The notebook JSON of a submission (.ipynb or the zip grader.export() makes), strictly parsed."""
    from .submissions import Submission, load

    loaded = load(Submission(path=Path(submission), key=Path(submission).name, student=""), expected=name)
    if loaded.problem:
        raise ValueError(f"{Path(submission).name}: {loaded.problem}")
    return loaded.notebook


def _regions(notebook):
    """Lists of cell texts between each BEGIN marker cell and the next END marker (both excluded)."""
    regions, current = [], None
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        if current is not None and END in text:
            current["answer"].append(text.split(END, 1)[0])
            regions.append(current)
            current = None
        if BEGIN in text:
            current = {"prompt": text, "answer": []}
        elif current is not None:
            current["answer"].append(text)
    return regions


def written_answers(submission, name):
    """One WrittenAnswer per manual question of notebook ``name``, read from ``submission``.

    A region is matched to the question whose name its prompt mentions, otherwise by order.
    """
    questions = manual_questions(name)
    if not questions:
        return []
    try:
        regions = _regions(load_notebook(submission, name))
    except ValueError:  # not a notebook: its grade already says why; no written answers to show
        regions = []
    unclaimed = list(questions)
    by_question = {}
    for region in regions:
        named = [q for q in unclaimed if q in region["prompt"]]
        if named or unclaimed:
            question = (named or unclaimed)[0]
            unclaimed.remove(question)
            by_question[question] = region
    answers = []
    for question, points in questions.items():
        cells = by_question.get(question, {"answer": []})["answer"]
        text = "\n\n".join(c.strip() for c in cells if c.strip() and c.strip() != PLACEHOLDER)
        answers.append(WrittenAnswer(question, points, text))
    return answers
