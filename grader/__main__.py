"""python -m grader build [NAME ...] | grade SUBMISSIONS [--out DIR] | benchmark

build      run Otter Assign on the masters in solutions/ (all, or the named ones) and write
           notebooks/NAME.ipynb, grader/dist/NAME-autograder.zip and grader/dist/NAME-solution.ipynb
grade      grade a folder of submissions (.ipynb, grader.export() zips, or a Gradescope export)
           into --out (default grades/): grades.csv, feedback/, summary.txt, histogram.png;
           a single file without --out is graded and its scores printed
benchmark  grade the same 20 mixed submissions with sequential `otter run` and with `grade`,
           and print seconds per submission for each
"""

import argparse
import sys
from pathlib import Path

from . import build as building
from .manual import written_answers


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser("build", help="build student notebooks and autograders from the masters")
    build_cmd.add_argument("names", nargs="*", help=f"masters to build (default all: {', '.join(building.master_names())})")
    build_cmd.add_argument("--no-run-tests", action="store_true",
                           help="skip Otter Assign's check that the solution scores full marks")

    grade_cmd = commands.add_parser("grade", help="grade submissions (a folder, a Gradescope export, or one file)")
    grade_cmd.add_argument("submissions", type=Path)
    grade_cmd.add_argument("--out", type=Path, help="output folder (default grades/; a single file without "
                                                    "--out prints its scores instead)")
    grade_cmd.add_argument("--notebook", help="grade only this notebook (and treat unnamed files as it)")
    grade_cmd.add_argument("--workers", type=int, help="submissions graded at once (default: the number of cores)")
    grade_cmd.add_argument("--time-limit", type=float, default=120, help="seconds per submission (default 120)")
    grade_cmd.add_argument("--memory-limit", default="4G", help="address-space cap per submission, e.g. 4G or "
                                                                "512M; 0 for none (default 4G)")
    grade_cmd.add_argument("--regrade", action="store_true", help="grade everything again, ignoring earlier results")
    grade_cmd.add_argument("--isolation", choices=["bubblewrap", "separate user", "none"],
                           help="how to keep each submission's code apart (default: the best this machine "
                                "allows; 'none' only to measure what the sandbox costs)")

    bench_cmd = commands.add_parser("benchmark", help="time sequential `otter run` against `grade`")
    bench_cmd.add_argument("--notebook", help="which notebook's submissions to use (default: the first built)")
    bench_cmd.add_argument("--count", type=int, default=20, help="number of submissions (default 20)")
    bench_cmd.add_argument("--workers", type=int, help="workers for `grade` (default: the number of cores)")
    args = parser.parse_args(argv)

    if args.command == "build":
        for name, outputs in building.build(args.names, run_tests=not args.no_run_tests).items():
            for path in outputs.values():
                print(f"  wrote {path.relative_to(building.ROOT)}")
        return 0
    if args.command == "benchmark":
        from .benchmark import benchmark

        benchmark(notebook=args.notebook, count=args.count, workers=args.workers)
        return 0
    if not args.submissions.exists():
        parser.error(f"{args.submissions} does not exist")
    if args.submissions.is_file() and args.out is None and not _is_gradescope(args.submissions):
        return _grade_one(args, parser)
    return _grade_batch(args)


def _is_gradescope(path):
    from .submissions import is_gradescope_zip

    return path.suffix.lower() == ".zip" and is_gradescope_zip(path)


def _grade_batch(args):
    import signal

    from .batch import run

    # `kill` (SIGTERM) cleans up like Ctrl-C: the engine stops its kernels, temporary folders go
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        run(args.submissions, args.out or Path("grades"), notebook=args.notebook, workers=args.workers,
            time_limit=args.time_limit, memory_limit=args.memory_limit, regrade=args.regrade,
            isolation=args.isolation)
    except KeyboardInterrupt:
        print("\ninterrupted: every submission graded so far is saved; run the same command again to "
              "grade the rest", file=sys.stderr)
        return 130
    return 0


def _grade_one(args, parser):
    from .batch import available_autograders, grade_files

    autograders = available_autograders()
    if args.notebook:
        if args.notebook not in autograders:
            parser.error(f"no autograder for {args.notebook!r}; notebooks: {', '.join(autograders)}")
        autograders = {args.notebook: autograders[args.notebook]}
    (result,) = grade_files([args.submissions], autograders,
                            time_limit=args.time_limit, memory_limit=args.memory_limit)
    for question, score in result.scores.items():
        note = f"  ({result.failures[question]})" if question in result.failures else ""
        print(f"{question:24s} {score:g} / {result.possible[question]:g}{note}")
    if result.possible:
        print(f"{'total':24s} {result.total:g} / {result.out_of:g}")
    print(f"status: {result.status}" + (f" ({result.reason})" if result.reason else ""))
    print(f"isolation: {result.isolation}")
    for note in result.notes:
        print(f"  - {note}")
    if result.notebook:
        _print_written_answers(args.submissions, result.notebook)
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


if __name__ == "__main__":
    sys.exit(main())
