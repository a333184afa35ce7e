"""python -m grader build [NAME ...] | grade SUBMISSION [--notebook NAME]

build   run Otter Assign on the masters in solutions/ (all, or the named ones) and write
        notebooks/NAME.ipynb, grader/dist/NAME-autograder.zip and grader/dist/NAME-solution.ipynb
grade   grade one submission (.ipynb or the zip grader.export() makes) and print its scores
"""

import argparse
import sys
from pathlib import Path

from . import build as building
from .grading import grade
from .manual import written_answers


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build student notebooks and autograders from the masters")
    build_cmd.add_argument("names", nargs="*", help=f"masters to build (default all: {', '.join(building.master_names())})")
    build_cmd.add_argument("--no-run-tests", action="store_true",
                           help="skip Otter Assign's check that the solution scores full marks")
    grade_cmd = commands.add_parser("grade", help="grade one submission")
    grade_cmd.add_argument("submission", type=Path)
    grade_cmd.add_argument("--notebook", help="which notebook it is (default: from the file name)")
    args = parser.parse_args(argv)

    if args.command == "build":
        for name, outputs in building.build(args.names, run_tests=not args.no_run_tests).items():
            for path in outputs.values():
                print(f"  wrote {path.relative_to(building.ROOT)}")
        return 0

    name = args.notebook or _notebook_name(args.submission)
    autograder = building.outputs_for(name)["autograder"]
    if not args.submission.exists():
        parser.error(f"{args.submission} does not exist")
    if not autograder.exists():
        parser.error(f"no autograder for {name!r}; notebooks: {', '.join(building.master_names())}")
    result = grade(args.submission, autograder)
    for question, score in result.scores.items():
        note = f"  ({result.failures[question]})" if question in result.failures else ""
        print(f"{question:24s} {score:g} / {result.possible[question]:g}{note}")
    print(f"{'total':24s} {result.total:g} / {result.out_of:g}")
    if result.error:
        print(f"grading error: {result.error}")
    _print_written_answers(args.submission, name)
    return 0


def _print_written_answers(submission, name):
    """The manual questions, with what the submission wrote, for the TA to grade by hand."""
    answers = written_answers(submission, name)
    if not answers:
        return
    rubric = building.outputs_for(name)["solution"].relative_to(building.ROOT)
    print(f"\nwritten answers, graded by a TA (answers and rubric: {rubric}):")
    for answer in answers:
        note = "" if answer.answered else "  (no answer written)"
        print(f"{answer.question:24s} _ / {answer.points:g}{note}")
        for line in answer.text.splitlines():
            print(f"    | {line}")


def _notebook_name(path):
    for name in building.master_names():
        if path.stem.startswith(name):
            return name
    sys.exit(f"cannot tell which notebook {path.name} is; pass --notebook (one of {', '.join(building.master_names())})")


if __name__ == "__main__":
    sys.exit(main())
