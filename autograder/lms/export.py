"""`autograder export-grades --format canvas|moodle|csv [--assignment A ...] [--output FILE]`:
the scores of autograder_grades.csv as files the LMS's gradebook imports as they are, one row
per roster student and, beside each score, how late the submission was and the penalty
taken off (empty when on time). A student with no submission has 0.

- canvas: Grades > Import, in the format of Canvas's own gradebook export
  (app/models/gradebook_importer.rb): ``Student,ID,SIS User ID,SIS Login ID,Section``, then
  one column per assignment titled ``Name (ID)`` with the Canvas assignment id of
  ``c.Canvas.assignment_ids`` in nbgrader_config.py (Canvas updates the assignment of that
  id; without one it would create a new assignment, so the export warns), then a
  ``Points Possible`` row. ID is the Canvas user id (the roster's lms_id), the SIS columns
  and Section the roster's optional columns. Each late column is marked ``read only`` in
  the Points Possible row, which Canvas's importer skips.
- moodle: one offline grading worksheet per assignment (Assignment > View all submissions
  > Upload grading worksheet; mod/assign/feedback/offline): ``Identifier`` ("Participant
  N", N the participant id of Moodle's submissions zip, the roster's lms_id), ``Full name``,
  ``Email address``, ``Status``, ``Grade``, ``Maximum Grade``, ``Grade can be changed``,
  ``Last modified (submission)``, ``Last modified (grade)`` (the export's time, so Moodle
  takes these grades unless one was changed in Moodle since), and ``Late``, which Moodle
  ignores. The worksheet's importer reads only these named columns.
- csv: a plain table, ``student_id,name,email,lms_id``, per assignment its score and late
  column, and ``total``.

Graded students missing from the roster get a row too, and a warning: the LMS cannot match
them. The output is never nbgrader's grades.csv, autograder_grades.csv or roster.csv, and it
gets the course folder's group and other permissions.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from ..course import csv_cells, modes
from ..grading import grades_csv
from ..course.paths import CourseError, check_assignment
from ..course.roster import FILE_NAME as ROSTER_FILE
from ..course.roster import Student
from . import canvas, moodle
from .rows import score_and_late

FORMATS = ("canvas", "moodle", "csv")
DEFAULT_OUTPUT = {"canvas": "export/canvas-grades.csv", "moodle": "export/moodle-{}.csv",
                  "csv": "export/grades-table.csv"}
PROTECTED_NAMES = {"grades.csv", grades_csv.FILE_NAME, ROSTER_FILE}


@dataclass(frozen=True)
class ExportResult:
    """The file written and what the instructor should know before importing it."""

    paths: tuple
    format: str
    assignments: tuple
    students: int
    warnings: tuple

    def lines(self):
        """What was written; the warnings are in ``warnings`` (for stderr)."""
        return [f"wrote {path}: {self.format} gradebook import, {self.students} "
                f"student(s) x {len(self.assignments)} assignment(s) "
                f"({', '.join(self.assignments)})" for path in self.paths]


def _read_grades(root):
    """The rows of the course's autograder_grades.csv."""
    path = Path(root) / grades_csv.FILE_NAME
    if not path.is_file():
        raise CourseError(f"No {grades_csv.FILE_NAME} in {root}: grade an assignment first "
                          "(autograder grade ASSIGNMENT).")
    return grades_csv.read(path)


def _output(root, fmt, out, assignment=None):
    """The path to write: ``out`` or the format's default under the course folder."""
    path = (Path(out) if out is not None
            else Path(root) / DEFAULT_OUTPUT[fmt].format(assignment))
    if path.name in PROTECTED_NAMES:
        raise CourseError(f"Refusing to write {path}: {path.name} is "
                          + ("nbgrader's export file." if path.name == "grades.csv"
                             else "the course's own data.") + " Choose another --output.")
    return path


def export_grades(*, root, fmt, assignments=None, roster, out=None, canvas_ids=None):
    """Write the gradebook import file(s) for ``fmt`` (canvas, moodle or csv) with the scores
    of ``assignments`` (default: every assignment in autograder_grades.csv) for the students
    of ``roster`` (see :func:`autograder.course.roster.load`); ``canvas_ids`` maps an assignment to
    its Canvas assignment id. Returns an ExportResult."""
    if fmt not in FORMATS:
        raise CourseError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    rows = _read_grades(root)
    for assignment in assignments or ():
        check_assignment(root, assignment)
    chosen = tuple(assignments or sorted({r.assignment for r in rows}))
    if fmt == "moodle" and out is not None and len(chosen) > 1:
        raise CourseError("A Moodle grading worksheet holds one assignment: give one "
                          "--assignment with --output, or leave --output out.")
    graded = {(r.student_id, r.assignment): r for r in rows}
    max_scores = {r.assignment: r.max_score for r in rows}
    warnings = [f"{a}: no student has a score in {grades_csv.FILE_NAME}" for a in chosen
                if a not in max_scores]
    outsiders = sorted({r.student_id for r in rows if r.assignment in chosen} - set(roster))
    warnings += [f"{s} has grades but is not in roster.csv: the LMS cannot match that row"
                 for s in outsiders]
    students = list(roster.values()) + [Student(s, "", "", "") for s in outsiders]
    if fmt == "canvas":
        warnings += [f"{s.student_id} has no lms_id: Canvas can only match them by name"
                     for s in roster.values() if not s.lms_id]
        warnings += [f"{a} has no Canvas assignment id (c.Canvas.assignment_ids in "
                     "nbgrader_config.py): Canvas would create a new assignment"
                     for a in chosen if a not in (canvas_ids or {})]
        tables = {_output(root, fmt, out): canvas.table(students, chosen, graded, max_scores,
                                                   canvas_ids or {})}
    elif fmt == "moodle":
        warnings += [f"{s.student_id} has no lms_id: Moodle's worksheet cannot match them"
                     for s in roster.values() if not s.lms_id]
        when = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        tables = {_output(root, fmt, out, a): moodle.table(students, a, graded, max_scores, when)
                  for a in chosen}
    else:
        tables = {_output(root, fmt, out): _plain(students, chosen, graded)}
    for path, table in tables.items():
        made = [p for p in (path.parent,) if not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv_cells.writer(handle).writerows(table)
        modes.share(root, *made, path)
    return ExportResult(tuple(tables), fmt, chosen, len(students), tuple(warnings))


def _plain(students, assignments, graded):
    header = ["student_id", "name", "email", "lms_id",
              *(c for a in assignments for c in (a, f"{a} late")), "total"]
    rows = []
    for s in students:
        cells = [c for a in assignments for c in score_and_late(graded, s, a)]
        numbers = [float(c) for c in cells[::2] if c]
        total = f"{sum(numbers):g}" if numbers else ""
        rows.append([s.student_id, s.name, s.email, s.lms_id, *cells, total])
    return [header, *rows]
