"""`autograder forget ASSIGNMENT [--student S]`: undo what grading wrote for an assignment
(gradebook submissions, autograded/ and feedback/ folders, rows of autograder_grades.csv) and
mark its grading-log records as forgotten. Submissions in submitted/ are never touched.

:func:`clear` is also how a regrade removes what a changed or vanished submission left."""

import shutil
import warnings
from pathlib import Path

from . import grades_csv, grading_log
from ..course.nbgrader_api import GRADEBOOK_NOISE


def clear(root, db_url, assignment, student):
    """Remove ``student``'s gradebook submission and autograded/ and feedback/ folders of
    ``assignment``; True if there was anything to remove."""
    from nbgrader.api import Gradebook, MissingEntry

    found = False
    with Gradebook(db_url) as gradebook, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=GRADEBOOK_NOISE)
        try:
            gradebook.remove_submission(assignment, student)
            found = True
        except MissingEntry:
            pass
    for stage in ("autograded", "feedback"):
        folder = Path(root) / stage / student / assignment
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
            found = True
    return found


def _graded_students(root, db_url, assignment):
    """Every student grading left something of ``assignment`` for."""
    from nbgrader.api import Gradebook, MissingEntry

    found = {r.student_id for r in grades_csv.read(Path(root) / grades_csv.FILE_NAME)
             if r.assignment == assignment}
    with Gradebook(db_url) as gradebook:
        try:
            found |= {s.student.id for s in gradebook.find_assignment(assignment).submissions}
        except MissingEntry:
            pass
    for stage in ("autograded", "feedback"):
        found |= {p.parent.name for p in (Path(root) / stage).glob(f"*/{assignment}")}
    return found


def forget(*, root, assignment, students=None, db_url):
    """Forget the grading of ``assignment`` (for ``students`` only, when given); returns
    (students cleared, CSV rows removed, log records marked)."""
    root = Path(root)
    who = set(students) if students else _graded_students(root, db_url, assignment)
    cleared = sorted(s for s in who if clear(root, db_url, assignment, s))
    path = root / grades_csv.FILE_NAME
    before = grades_csv.read(path)
    removed = {(s, assignment) for s in who}
    rows = sum((r.student_id, r.assignment) in removed for r in before)
    if rows:
        grades_csv.merge(path, [], removed=removed)
    marked = grading_log.forget(root, assignment, set(students) if students else None)
    return cleared, rows, marked
