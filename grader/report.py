"""What a batch run leaves in its output folder, rebuilt from the grades at any time.

- ``grades.csv``: one row per student and notebook, one column per question (points),
  then total, out_of, status, reason and isolation (what kept the submission's code apart);
- ``feedback/<notebook>/<student>.txt``: each student's grade in plain words;
- ``summary.txt`` and ``histogram.png``: per notebook, statuses, score spread and
  per-question means, and a histogram of total scores;
- ``mistakes.csv`` and ``mistakes.png``: per notebook and question, how many submissions made
  each catalogued mistake (the names the checks give, ``backprop_kit.checks``), also in the summary.
"""

import csv
import os
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from .grading import GRADED_STATUSES, autograder_points, cap

CSV_NAME = "grades.csv"
SUMMARY_NAME = "summary.txt"
HISTOGRAM_NAME = "histogram.png"
MISTAKES_CSV_NAME = "mistakes.csv"
MISTAKES_CHART_NAME = "mistakes.png"
FEEDBACK_DIR = "feedback"
LEADING_COLUMNS = ["student", "sid", "email", "notebook"]
TRAILING_COLUMNS = ["total", "out_of", "status", "reason", "isolation", "submission"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell starting so as a formula


def write_all(grades, out, autograders):
    """Rewrite every output from ``grades``; return the summary text."""
    write_csv(grades, out, autograders)
    paths = feedback_paths(grades, out)
    for grade in grades:
        write_feedback(grade, paths[grade.submission])
    summary = summarize(grades)
    _atomic_write(Path(out) / SUMMARY_NAME, summary + "\n")
    write_histogram(grades, Path(out) / HISTOGRAM_NAME)
    write_mistakes_csv(grades, Path(out) / MISTAKES_CSV_NAME)
    write_mistakes_chart(grades, Path(out) / MISTAKES_CHART_NAME)
    return summary


def mistake_counts(grades):
    """``{notebook: {question: Counter({mistake: submissions})}}`` over the graded submissions.

    A submission counts once per question and mistake, however many of its checks named it.
    """
    counts = defaultdict(lambda: defaultdict(Counter))
    for grade in grades:
        if grade.status in GRADED_STATUSES and grade.notebook:
            for question, names in (grade.mistakes or {}).items():
                counts[grade.notebook][question].update(set(names))
    return {notebook: dict(questions) for notebook, questions in counts.items()}


def mistake_rows(grades):
    """``[(notebook, question, mistake, submissions)]``, commonest first within each question."""
    rows = []
    for notebook, questions in sorted(mistake_counts(grades).items()):
        order = next((list(g.possible) for g in grades if g.notebook == notebook and g.possible), [])
        for question in sorted(questions, key=lambda q: (order.index(q) if q in order else len(order), q)):
            for mistake, count in sorted(questions[question].items(), key=lambda item: (-item[1], item[0])):
                rows.append((notebook, question, mistake, count))
    return rows


def write_mistakes_csv(grades, path):
    path = Path(path)
    temporary = path.with_suffix(".csv.tmp")
    with open(temporary, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["notebook", "question", "mistake", "submissions"])
        for notebook, question, mistake, count in mistake_rows(grades):
            writer.writerow([_text(notebook), _text(question), _text(mistake), count])
    os.replace(temporary, path)
    return path


def write_mistakes_chart(grades, path):
    """One horizontal bar chart per notebook: submissions per (question, mistake), saved as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = mistake_rows(grades)
    by_notebook = defaultdict(list)
    for notebook, question, mistake, count in rows:
        by_notebook[notebook].append((f"{question}: {mistake}", count))
    names = sorted(by_notebook) or [""]
    figure = Figure(figsize=(7.5, 1.2 + sum(0.32 * max(len(by_notebook.get(n, [])), 2) + 0.8 for n in names)),
                    layout="constrained")
    FigureCanvasAgg(figure)
    heights = [max(len(by_notebook.get(n, [])), 2) for n in names]
    for axes, name in zip(figure.subplots(len(names), 1, squeeze=False, height_ratios=heights)[:, 0], names):
        bars = by_notebook.get(name, [])
        if not bars:
            axes.set_axis_off()
            axes.set_title("no catalogued mistakes in this batch", fontsize=10)
            continue
        labels, counts = zip(*reversed(bars))
        axes.barh(range(len(bars)), counts, color="#D55E00")
        axes.set_yticks(range(len(bars)), labels, fontsize=8)
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("submissions")
        axes.xaxis.get_major_locator().set_params(integer=True)
    return _save_png(figure, path)


def question_columns(autograders, notebooks=None):
    """One column per question of the given notebooks (default: all), in notebook order."""
    columns = []
    for name in sorted(n for n in autograders if notebooks is None or n in notebooks):
        for question in autograder_points(autograders[name]):
            if question not in columns:
                columns.append(question)
    return columns


def write_csv(grades, out, autograders):
    # Columns for the notebooks this batch holds, so grading one notebook gives that notebook's sheet.
    questions = question_columns(autograders, {g.notebook for g in grades if g.notebook})
    path = Path(out) / CSV_NAME
    temporary = path.with_suffix(".csv.tmp")
    with open(temporary, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LEADING_COLUMNS + questions + TRAILING_COLUMNS)
        for grade in sorted(grades, key=lambda g: (g.notebook, g.student.lower(), g.submission)):
            row = [_text(grade.student), _text(grade.sid), _text(grade.email), _text(grade.notebook)]
            row += [_number(grade.scores[q]) if q in grade.scores else "" for q in questions]
            row += [_number(grade.total), _number(grade.out_of) if grade.possible else "", _text(grade.status),
                    cap(_text(grade.reason)), _text(grade.isolation), _text(grade.submission)]
            writer.writerow(row)
    os.replace(temporary, path)
    return path


def feedback_paths(grades, out):
    """``{submission: feedback file}``: ``feedback/<notebook>/<student>.txt``, numbered if two collide."""
    paths, taken = {}, Counter()
    for grade in sorted(grades, key=lambda g: g.submission):
        folder = grade.notebook or "unknown_notebook"
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", grade.student or grade.submission).strip("._") or "submission"
        taken[(folder, slug)] += 1
        suffix = f"-{taken[(folder, slug)]}" if taken[(folder, slug)] > 1 else ""
        paths[grade.submission] = Path(out) / FEEDBACK_DIR / folder / f"{slug}{suffix}.txt"
    return paths


def write_feedback(grade, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, feedback_text(grade))
    return path


def feedback_text(grade):
    grade = grade.capped()
    who = grade.student or grade.submission
    lines = [f"{grade.notebook or 'Backprop kit notebook'}: feedback for {who}",
             f"Submission: {grade.submission}", ""]
    score = f"Score: {_number(grade.total)} / {_number(grade.out_of)}" if grade.possible else "Score: 0"
    if grade.status == "graded":
        lines.append(score)
    else:
        lines.append(f"{score} ({grade.status})")
    if grade.reason and grade.status != "graded":
        lines += ["", _sentence(grade.reason)]
    if grade.status in GRADED_STATUSES:
        lines.append("")
        width = max((len(q) for q in grade.possible), default=0)
        for question, possible in grade.possible.items():
            earned = grade.scores.get(question, 0.0)
            checks = grade.checks.get(question, [])
            failed = [c for c in checks if not c["passed"]]
            verdict = "all checks passed" if not failed else f"{len(failed)} of {len(checks)} checks failed:"
            lines.append(f"{question:<{width}}  {_number(earned)} / {_number(possible)}   {verdict}")
            for check in failed:
                kind = "hidden check" if check["hidden"] else "check"
                lines.append(f"    - ({kind}) {check['message'] or check['name'] + ' failed'}")
    if grade.notes:
        lines += ["", "Notes:"] + [f"- {note}" for note in grade.notes]
    return "\n".join(lines) + "\n"


def summarize(grades):
    by_notebook = defaultdict(list)
    for grade in grades:
        by_notebook[grade.notebook].append(grade)
    lines = [f"{len(grades)} submission(s)"]
    for name in sorted(by_notebook, key=lambda n: (n == "", n)):
        group = by_notebook[name]
        statuses = Counter(g.status for g in group)
        status_text = " · ".join(f"{s} {n}" for s, n in statuses.most_common())
        if not name:
            lines.append(f"notebook unknown: {len(group)} · {status_text}")
            continue
        totals = [g.total for g in group]
        out_of = max((g.out_of for g in group), default=0)
        lines.append(f"{name}: {len(group)} submission(s) · mean {_number(statistics.mean(totals), 2)} / "
                     f"{_number(out_of)} · median {_number(statistics.median(totals), 2)} · "
                     f"min {_number(min(totals))} · max {_number(max(totals))}")
        lines.append(f"  statuses: {status_text}")
        questions = next((g.possible for g in group if g.possible), {})
        means = [f"{q} {_number(statistics.mean(g.scores.get(q, 0.0) for g in group), 2)}/{_number(p)}"
                 for q, p in questions.items()]
        if means:
            lines.append("  mean per question: " + " · ".join(means))
        mistakes = [row for row in mistake_rows(group) if row[0] == name]
        if mistakes:
            lines.append("  catalogued mistakes (submissions that made each):")
            for question in dict.fromkeys(row[1] for row in mistakes):
                made = " · ".join(f"{mistake} {count}" for _, q, mistake, count in mistakes if q == question)
                lines.append(f"    {question}: {made}")
    return "\n".join(lines)


def write_histogram(grades, path):
    """One histogram of total scores per notebook, side by side, saved as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure  # no pyplot: no global backend or figure state

    by_notebook = defaultdict(list)
    for grade in grades:
        if grade.notebook:
            by_notebook[grade.notebook].append(grade)
    names = sorted(by_notebook) or [""]
    figure = Figure(figsize=(4.2 * len(names), 3.4), layout="constrained")
    FigureCanvasAgg(figure)
    for axes, name in zip(figure.subplots(1, len(names), squeeze=False)[0], names):
        group = by_notebook.get(name, [])
        out_of = max((g.out_of for g in group), default=1) or 1
        totals = [g.total for g in group]
        edges = [i - 0.5 for i in range(int(out_of) + 2)] if out_of <= 40 else 20
        axes.hist(totals, bins=edges, color="#0072B2", edgecolor="white")
        axes.set_title(name or "no submissions", fontsize=10)
        axes.set_xlabel(f"total score (out of {_number(out_of)})")
        axes.set_ylabel("submissions")
        axes.yaxis.get_major_locator().set_params(integer=True)
    return _save_png(figure, path)


def _save_png(figure, path):
    temporary = Path(path).with_suffix(".tmp.png")
    figure.savefig(temporary, dpi=100)
    os.replace(temporary, path)
    return path


def _number(value, digits=None):
    if digits is not None:
        value = round(value, digits)
    return f"{value:g}"


def _text(value):
    """A text cell as a spreadsheet shows it, never runs it: one that could start a formula gets a leading '."""
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _sentence(text):
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _atomic_write(path, text):
    temporary = Path(f"{path}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
