"""The `autograder` command line: thin wrappers over the keyword-only functions of each verb."""

from . import startup  # noqa: F401 - first: makes importing nbformat faster

import argparse
import sys

from .build import build
from .course import CourseError, find_root
from .grade import default_jobs, grade
from .validate import validate


def _build(args):
    build(root=args.root, assignment=args.assignment, force=args.force)
    return 0


def _validate(args):
    problems = validate(root=args.root, assignment=args.assignment)
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


def _grade(args):
    rows = grade(root=args.root, assignment=args.assignment, only=args.student, jobs=args.jobs,
                 scheduler=args.scheduler, use_sandbox=not args.no_sandbox, resume=args.resume)
    return 1 if any(r.score == "" and r.status != "no submission" for r in rows) else 0


def parser():
    """The argument parser: one sub-command per verb."""
    main_parser = argparse.ArgumentParser(
        prog="autograder",
        description="Build, validate and grade the course's nbgrader notebooks. "
                    "Works on the course in the current folder (or --root).")
    main_parser.add_argument("--root", help="the course folder (default: the nearest folder "
                             "at or above the current one with nbgrader_config.py)")
    verbs = main_parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("build", help="regenerate release/ and solutions/ from source/")
    p.add_argument("assignment", nargs="?", help="one assignment (default: all)")
    p.add_argument("--force", action="store_true", help="re-execute solutions even if current")
    p.set_defaults(run=_build)

    p = verbs.add_parser("validate", help="sources pass their tests; student editions fail them")
    p.add_argument("assignment", nargs="?", help="one assignment (default: all)")
    p.set_defaults(run=_validate)

    p = verbs.add_parser("grade", help="autograde submitted/*/ASSIGNMENT, write feedback/ "
                                       "and grades.csv")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", metavar="ID",
                   help="grade only this student (repeat for several); other rows are kept")
    p.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                   help="grade N students at once (default: the number of cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the work on a Dask cluster, e.g. tcp://10.0.0.5:8786 (workers "
                        "need this package and bubblewrap)")
    p.add_argument("--resume", action="store_true",
                   help="skip submissions this grader already graded (same bytes, same "
                        "grader), as recorded in grading-log.jsonl")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run student code without bubblewrap: only for code you trust; "
                        "written into every log record")
    p.set_defaults(run=_grade)
    return main_parser


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        args.root = find_root(args.root)
        return args.run(args)
    except CourseError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
