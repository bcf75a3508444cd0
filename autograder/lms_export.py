"""`autograder export-grades --format canvas|moodle|csv [--assignment A ...] [--output FILE]`:
the scores of autograder_grades.csv as a file an LMS's gradebook imports, one row per
roster student (an empty cell where a student has no score) and one column per assignment.

- canvas: Grades > Import. Header ``Student,ID,SIS User ID,SIS Login ID,Section`` and the
  assignments, then a ``Points Possible`` row. Canvas finds each student by ID (the Canvas
  user id: the roster's lms_id), else by SIS ids, else by name ("Last, First"); it updates
  the assignment whose title matches a column header and creates one otherwise, and leaves
  a blank cell's grade unchanged (app/models/gradebook_importer.rb).
- moodle: Grades > Import > CSV file. ``First name,Last name,Email address`` and the
  assignments; on import map from "Email address" to "Email address" (useremail; Moodle
  compares emails case-sensitively) and each column to its grade item.
- csv: a plain table, ``student_id,name,email,lms_id``, the assignments and ``total``.

Graded students missing from the roster get a row too, and a warning: the LMS cannot match
them. The output is never nbgrader's grades.csv, autograder_grades.csv or roster.csv.
"""

from dataclasses import dataclass
from pathlib import Path

from . import csv_cells, grades_csv
from .course import CourseError, check_assignment
from .roster import FILE_NAME as ROSTER_FILE
from .roster import Student

FORMATS = ("canvas", "moodle", "csv")
DEFAULT_OUTPUT = {"canvas": "export/canvas-grades.csv", "moodle": "export/moodle-grades.csv",
                  "csv": "export/grades-table.csv"}
PROTECTED_NAMES = {"grades.csv", grades_csv.FILE_NAME, ROSTER_FILE}


@dataclass(frozen=True)
class ExportResult:
    """The file written and what the instructor should know before importing it."""

    path: Path
    format: str
    assignments: tuple
    students: int
    warnings: tuple

    def lines(self):
        """What was written; the warnings are in ``warnings`` (for stderr)."""
        return [f"wrote {self.path}: {self.format} gradebook import, {self.students} "
                f"student(s) x {len(self.assignments)} assignment(s) "
                f"({', '.join(self.assignments)})"]


def _read_grades(root):
    """The rows of the course's autograder_grades.csv."""
    path = Path(root) / grades_csv.FILE_NAME
    if not path.is_file():
        raise CourseError(f"No {grades_csv.FILE_NAME} in {root}: grade an assignment first "
                          "(autograder grade ASSIGNMENT).")
    return grades_csv.read(path)


def _output(root, fmt, out):
    """The path to write: ``out`` or the format's default under the course folder."""
    path = Path(out) if out is not None else Path(root) / DEFAULT_OUTPUT[fmt]
    if path.name in PROTECTED_NAMES:
        raise CourseError(f"Refusing to write {path}: {path.name} is "
                          + ("nbgrader's export file." if path.name == "grades.csv"
                             else "the course's own data.") + " Choose another --output.")
    return path


def export_grades(*, root, fmt, assignments=None, roster, out=None):
    """Write the gradebook import file for ``fmt`` (canvas, moodle or csv) with the scores of
    ``assignments`` (default: every assignment in autograder_grades.csv) for the students of
    ``roster`` (see :func:`autograder.roster.load`); returns an ExportResult."""
    if fmt not in FORMATS:
        raise CourseError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    path = _output(root, fmt, out)
    rows = _read_grades(root)
    for assignment in assignments or ():
        check_assignment(root, assignment)
    chosen = tuple(assignments or sorted({r.assignment for r in rows}))
    scores = {(r.student_id, r.assignment): r.score for r in rows}
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
        table = _canvas(students, chosen, scores, max_scores)
    elif fmt == "moodle":
        warnings += [f"{s.student_id} has no email: Moodle cannot match them"
                     for s in roster.values() if not s.email]
        table = _moodle(students, chosen, scores)
    else:
        table = _plain(students, chosen, scores)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv_cells.writer(handle).writerows(table)
    return ExportResult(path, fmt, chosen, len(students), tuple(warnings))


def _sortable_name(student):
    """The name as Canvas lists students, "Last, First"; the student_id if it is unknown."""
    return ", ".join(n for n in (student.last_name, student.first_name) if n) or student.student_id


def _canvas(students, assignments, scores, max_scores):
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments]
    points = ["Points Possible", "", "", "", "", *(max_scores.get(a, "") for a in assignments)]
    rows = [[_sortable_name(s), s.lms_id, "", "", "",
             *(scores.get((s.student_id, a), "") for a in assignments)] for s in students]
    return [header, points, *rows]


def _moodle(students, assignments, scores):
    header = ["First name", "Last name", "Email address", *assignments]
    rows = [[s.first_name, s.last_name or s.student_id, s.email,
             *(scores.get((s.student_id, a), "") for a in assignments)] for s in students]
    return [header, *rows]


def _plain(students, assignments, scores):
    header = ["student_id", "name", "email", "lms_id", *assignments, "total"]
    rows = []
    for s in students:
        cells = [scores.get((s.student_id, a), "") for a in assignments]
        numbers = [float(c) for c in cells if c]
        total = f"{sum(numbers):g}" if numbers else ""
        rows.append([s.student_id, s.name, s.email, s.lms_id, *cells, total])
    return [header, *rows]
