"""The `autograder` command line: thin wrappers over the keyword-only functions of each verb."""

from .sandbox import startup  # noqa: F401 - first: makes importing nbformat faster

import argparse
import sys

from .editions.build import build
from .grading.check import check
from .course.paths import CourseError, find_root
from .grading.grade import default_jobs, grade
from .grading.interrupt import Interrupted
from .editions.validate import validate


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


def _forget(args):
    from .grading.forget import forget
    from .course.nbgrader_api import open_api

    cleared, rows, marked = forget(root=args.root, assignment=args.assignment,
                                   students=args.student,
                                   db_url=open_api(args.root).coursedir.db_url)
    print(f"{args.assignment}: forgot {len(cleared)} graded submission(s)"
          f"{' (' + ', '.join(cleared) + ')' if cleared else ''}, {rows} row(s) of "
          f"autograder_grades.csv, {marked} log record(s) (marked forgotten); submitted/ "
          "untouched")
    return 0


def _check(args):
    return check(notebook=args.notebook, root=args.root,
                 sandbox=False if args.no_sandbox else None).exit_code


def _publish(args):
    from .editions.publish import publish

    if (args.dest is None) == (args.branch is None):
        raise CourseError("publish: give either DEST or --branch NAME.")
    publish(root=args.root, edition=args.edition, dest=args.dest, branch=args.branch)
    return 0


def _leaks(args):
    from .editions.leaks import leaks

    if (args.path is None) == (args.branch is None):
        raise CourseError("leaks: give either PATH or --branch NAME.")
    found = leaks(root=args.root, path=args.path, branch=args.branch)
    for leak in found:
        print(f"LEAK {leak}")
    print(f"{len(found)} leaked line(s)" if found else "no leaks")
    return 1 if found else 0


def _report(args):
    from .report.make import report

    report(root=args.root, assignment=args.assignment)
    return 0


def _collect(args):
    from .course import roster
    from .course.deadlines import due_date
    from .lms.collect import collect
    from .course.nbgrader_api import open_api

    found = roster.load(args.root)
    api = open_api(args.root)
    result = collect(root=args.root, assignment=args.assignment, zip_path=args.zip, roster=found,
                     due=due_date(api, args.assignment))
    roster.sync_gradebook(api.coursedir, found)
    print("\n".join(result.lines()))
    return 1 if result.unmatched else 0


def _export_grades(args):
    from .course import roster
    from .lms.canvas import Canvas
    from .lms.export import export_grades
    from .course.nbgrader_api import open_api

    result = export_grades(root=args.root, fmt=args.format, assignments=args.assignment,
                           roster=roster.load(args.root), out=args.output,
                           canvas_ids=Canvas(config=open_api(args.root).config).assignment_ids)
    print("\n".join(result.lines()))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


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
                                       "and autograder_grades.csv")
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

    p = verbs.add_parser("forget", help="undo grading ASSIGNMENT: its gradebook entries, "
                         "autograded/ and feedback/ folders and CSV rows; log records are "
                         "marked forgotten; submissions are never touched")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", metavar="ID",
                   help="forget only this student (repeat for several)")
    p.set_defaults(run=_forget)

    p = verbs.add_parser("check", help="self-check: grade one notebook as `grade` would and "
                                       "print its points and failing tests (no gradebook)")
    p.add_argument("notebook", help="the notebook, e.g. 02_classification_losses.ipynb; works "
                                    "in a course folder or beside a student edition's release/")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run the notebook as a plain process even if bubblewrap is installed")
    p.set_defaults(run=_check)

    p = verbs.add_parser("publish", help="write the student edition or the solutions edition "
                                         "into a folder or as a commit on a branch")
    p.add_argument("edition", choices=["student", "solutions"])
    p.add_argument("dest", nargs="?", help="the folder to write (absent, empty or an earlier "
                                           "edition of the same kind)")
    p.add_argument("--branch", metavar="NAME", help="instead of DEST: commit the edition to "
                   "branch NAME of this repository (work tree and current branch untouched)")
    p.set_defaults(run=_publish)

    p = verbs.add_parser("leaks", help="fail, naming file and line, if an edition holds a "
                                       "line of an answer, a hidden test or a verification case")
    p.add_argument("path", nargs="?", help="the edition's folder")
    p.add_argument("--branch", metavar="NAME", help="instead of PATH: the edition on branch NAME")
    p.set_defaults(run=_leaks)

    p = verbs.add_parser("report", help="the class report: scores, hardest tests, the class's "
                         "common mistakes, similar submissions (report/ASSIGNMENT/index.html)")
    p.add_argument("assignment", nargs="?", help="one assignment (default: every graded one, "
                   "and the course page report/index.html)")
    p.set_defaults(run=_report)

    p = verbs.add_parser("collect", help="put the notebooks of an LMS's submissions zip (Canvas "
                         "or Moodle) into submitted/<student>/ASSIGNMENT/, matched by roster.csv")
    p.add_argument("assignment")
    p.add_argument("zip", help="the zip the LMS's 'download submissions' gives")
    p.set_defaults(run=_collect)

    p = verbs.add_parser("export-grades", help="a gradebook import file for the LMS, from "
                         "autograder_grades.csv and roster.csv")
    p.add_argument("--format", required=True, choices=["canvas", "moodle", "csv"])
    p.add_argument("--assignment", action="append", metavar="NAME",
                   help="an assignment to export (repeatable; default: every graded one)")
    p.add_argument("--output", metavar="FILE", help="where to write (default: export/canvas-"
                   "grades.csv, export/moodle-ASSIGNMENT.csv or export/grades-table.csv; never "
                   "grades.csv, which is nbgrader's)")
    p.set_defaults(run=_export_grades)
    return main_parser


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if args.run is not _check:  # check works without a course folder too
            args.root = find_root(args.root)
        return args.run(args)
    except CourseError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2
    except Interrupted as error:
        print(f"autograder: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("autograder: stopped by Ctrl-C", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
