"""autograder_grades.csv: one row per student and assignment, merged across `grade` runs.

Its name differs from the grades.csv that `nbgrader export` writes, so neither overwrites
the other.
"""

import csv
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from ..course import csv_cells, modes


@dataclass(frozen=True)
class GradeRow:
    """One student's result for one assignment; ``status`` is ``ok`` or why not."""

    student_id: str
    assignment: str
    score: str
    max_score: str
    status: str
    failed_tests: str = ""
    late: str = ""  # how late and the penalty taken off score (see autograder.course.deadlines)


FILE_NAME = "autograder_grades.csv"
NO_SUBMISSION = "no submission"
COLUMNS = [f.name for f in fields(GradeRow)]


def _number(value):
    """A score as text without float noise (3.0 -> "3", 2.5 -> "2.5")."""
    return f"{float(value):g}"


def row(student, assignment, score, max_score, status, failed_tests=(), late=""):
    """A GradeRow with scores written as plain numbers (score None: not graded, left empty)."""
    return GradeRow(student, assignment, "" if score is None else _number(score),
                    _number(max_score), status, " ".join(failed_tests), late)


def missing(student, assignment, max_score):
    """The one row of a student with no submission: score 0, status "no submission"."""
    return row(student, assignment, 0, max_score, NO_SUBMISSION)


def read(path):
    """The rows of the CSV at ``path`` ([] if there is none), as they were before being
    written (see :mod:`autograder.course.csv_cells`); missing columns read as ""."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [GradeRow(**{c: csv_cells.value(r.get(c) or "") for c in COLUMNS})
                for r in csv.DictReader(handle)]


def merge(path, rows, removed=()):
    """Write ``rows`` into the CSV at ``path``, replacing the rows of the same student and
    assignment, dropping the (student, assignment) pairs ``removed`` and keeping every other
    row."""
    path = Path(path)
    replaced = {(r.student_id, r.assignment) for r in rows} | set(removed)
    kept = [r for r in read(path) if (r.student_id, r.assignment) not in replaced]
    merged = sorted(kept + list(rows), key=lambda r: (r.assignment, r.student_id))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_cells.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(astuple(r) for r in merged)
    modes.share(path.parent, path)
    return merged
