"""`autograder grade ASSIGNMENT`: autograde every submission, write feedback and grades.csv.

Submissions are only read: nbgrader writes to autograded/ and feedback/. Each student is
graded on their own, so a submission that cannot be read, kills its kernel or times out
gets a status that says why, and the rest of the class is graded all the same.
"""

import warnings
from pathlib import Path

from nbgrader.api import Gradebook

from . import grades_csv
from .build import build_release
from .course import CourseError, check_assignment
from .nbgrader_api import open_api
from .submissions import students, submission_problem


def _reason(result):
    """The most telling line of a failed nbgrader call."""
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "error" in line or "died" in line]
    return (errors or lines or ["unknown error"])[-1][:300]


def _recorded(gradebook, assignment, student):
    """(score, max_score, names of grade cells that lost points) from the gradebook."""
    submission = gradebook.find_submission(assignment, student)
    failed = [grade.name for nb in submission.notebooks for grade in nb.grades
              if grade.score < grade.max_score]
    return submission.score, submission.max_score, failed


def grade_student(api, assignment, student):
    """Autograde one submission and write its feedback: a GradeRow either way."""
    root = api.coursedir.root
    problem = submission_problem(root, student, assignment)
    with Gradebook(api.coursedir.db_url) as gradebook:
        max_score = gradebook.find_assignment(assignment).max_score
    if problem == "no submission":
        return grades_csv.row(student, assignment, 0, max_score, problem)
    if problem:
        return grades_csv.row(student, assignment, None, max_score, problem)
    result = api.autograde(assignment, student)
    if not result["success"]:
        return grades_csv.row(student, assignment, None, max_score,
                              f"error: autograding failed: {_reason(result)}")
    with Gradebook(api.coursedir.db_url) as gradebook:
        score, max_score, failed = _recorded(gradebook, assignment, student)
    feedback = api.generate_feedback(assignment, student)
    status = "ok" if feedback["success"] else f"ok, but no feedback: {_reason(feedback)}"
    return grades_csv.row(student, assignment, score, max_score, status, failed)


def grade(*, root, assignment, only=None, log=print):
    """Grade every student in submitted/ (or the ``only`` ones) on ``assignment``; return the
    rows written to grades.csv."""
    root = Path(root).resolve()
    check_assignment(root, assignment)
    class_list = students(root)
    unknown = sorted(set(only or ()) - set(class_list))
    if unknown:
        raise CourseError(f"No folder submitted/<student> for {', '.join(unknown)}.")
    class_list = sorted(only) if only else class_list
    api = open_api(root)
    build_release(api, assignment)
    if not class_list:
        log(f"No submissions: put them in {root / 'submitted' / '<student>' / assignment}/.")
    rows = []
    with warnings.catch_warnings():
        # nbgrader's gradebook code (0.9.6, api.py) triggers SQLAlchemy session warnings
        # that say nothing about the submissions.
        warnings.filterwarnings("ignore", message="Object of type <Submitted")
        for student in class_list:
            rows.append(grade_student(api, assignment, student))
            r = rows[-1]
            log(f"{r.student_id:<24} {r.score or '-':>6} / {r.max_score:<6} {r.status}")
    grades_csv.merge(root / "grades.csv", rows)
    graded = sum(r.status.startswith("ok") for r in rows)
    log(f"{graded} of {len(rows)} submission(s) graded; grades in {root / 'grades.csv'}, "
        f"feedback in {root / 'feedback'}/.")
    return rows
