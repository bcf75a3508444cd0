"""Moodle: the names of the files in its submissions zip, how it writes a student's name
into them, and its grading worksheet."""

import re
import unicodedata

from ..grading import grades_csv
from .rows import score_and_late

MOODLE = re.compile(r"(?:^|/)(?P<name>[^/_]+)_(?P<lms_id>\d+)_assignsubmission_file_/?"
                    r"(?P<filename>[^/].*)$")
MOODLE_DROPPED = re.compile(r"[\x00-\x1f\x7f&<>\"`|':\\/]")


def name_key(text):
    """A full name as Moodle writes it into file names ('_' as a space, without the
    characters its clean_filename drops), compared without regard to case or runs of
    spaces."""
    text = MOODLE_DROPPED.sub("", unicodedata.normalize("NFC", text).replace("_", " "))
    return " ".join(text.split()).casefold()


def table(students, assignment, graded, max_scores, when):
    """The grading worksheet of ``assignment``: a header and a row per student, the grades
    modified ``when``."""
    header = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
              "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
              "Late"]
    rows = []
    for s in students:
        row = graded.get((s.student_id, assignment))
        status = ("No submission" if row is None or row.status == grades_csv.NO_SUBMISSION
                  else "Submitted for grading")
        score, late = score_and_late(graded, s, assignment)
        rows.append([f"Participant {s.lms_id}" if s.lms_id else "", s.name or s.student_id,
                     s.email, status, score, max_scores.get(assignment, ""), "Yes", "",
                     when, late])
    return [header, *rows]
