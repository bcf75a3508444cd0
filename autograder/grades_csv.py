"""grades.csv: one row per student and assignment, merged across `grade` runs."""

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class GradeRow:
    """One student's result for one assignment; ``status`` is ``ok`` or why not."""

    student_id: str
    assignment: str
    score: str
    max_score: str
    status: str
    failed_tests: str = ""


COLUMNS = [f.name for f in fields(GradeRow)]


def _number(value):
    """A score as text without float noise (3.0 -> "3", 2.5 -> "2.5")."""
    return f"{float(value):g}"


def row(student, assignment, score, max_score, status, failed_tests=()):
    """A GradeRow with scores written as plain numbers (score None: not graded, left empty)."""
    return GradeRow(student, assignment, "" if score is None else _number(score),
                    _number(max_score), status, " ".join(failed_tests))


def merge(path, rows):
    """Write ``rows`` into the CSV at ``path``, replacing the rows of the same student and
    assignment and keeping every other row."""
    path = Path(path)
    replaced = {(r.student_id, r.assignment) for r in rows}
    kept = []
    if path.exists():
        with path.open(newline="") as handle:
            kept = [GradeRow(**{c: r.get(c, "") for c in COLUMNS}) for r in csv.DictReader(handle)
                    if (r.get("student_id"), r.get("assignment")) not in replaced]
    merged = sorted(kept + list(rows), key=lambda r: (r.assignment, r.student_id))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(r) for r in merged)
    return merged
