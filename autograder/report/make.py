"""`autograder report [ASSIGNMENT]`: the class report pages in report/, from what grading
recorded (autograder_grades.csv, grading-log.jsonl), the roster and the submissions."""

from pathlib import Path

from ..course import modes
from ..course.paths import CourseError, assignments, check_assignment
from .data import assignment_model
from .page import write_assignment_report, write_course_report

FOLDER = "report"


def report(*, root, assignment=None, log=print):
    """Write ``assignment``'s report (or, without one, every graded assignment's and the
    course page); return the path of the page to open."""
    root = Path(root)
    out = root / FOLDER
    if assignment:
        check_assignment(root, assignment)
        model = assignment_model(root, assignment)
        if model is None:
            raise CourseError(f"No grades for {assignment} yet: run "
                              f"`autograder grade {assignment}` first.")
        write_assignment_report(model, out / assignment)
        page = out / assignment / "index.html"
    else:
        models = [m for m in (assignment_model(root, a) for a in assignments(root)) if m]
        if not models:
            raise CourseError("No grades yet: run `autograder grade ASSIGNMENT` first.")
        for model in models:
            write_assignment_report(model, out / model["assignment"])
        write_course_report(models, out)
        page = out / "index.html"
    modes.share(root, out, *out.rglob("*"))
    log(f"report: {page}")
    return page
