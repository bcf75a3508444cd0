"""The class roster, roster.csv in the course folder: who the students are, by the folder
name each has under submitted/, their name, their id in the LMS and their email.

Columns ``student_id,name,lms_id,email`` (more columns are allowed and ignored):

- ``student_id``: the student's folder under submitted/ and their id in nbgrader's
  gradebook; letters, digits, ``_``, ``-`` and ``.``, starting with a letter, digit or ``_``.
- ``name``: as people write it, "Ada Lovelace"; the last word is taken as the last name.
- ``lms_id``: the LMS's user id (the Canvas user id; for Moodle, the participant id its
  submission zips carry, see :mod:`autograder.lms.collect`); may be empty.
- ``email``: may be empty; Moodle's grade import matches students by it.

Optional columns ``sis_user_id``, ``sis_login_id`` and ``section`` go into the Canvas export
as Canvas's gradebook has them (SIS User ID, SIS Login ID, Section).
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .paths import CourseError

FILE_NAME = "roster.csv"
COLUMNS = ("student_id", "name", "lms_id", "email")
OPTIONAL = ("sis_user_id", "sis_login_id", "section")
SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


@dataclass(frozen=True)
class Student:
    """One row of the roster."""

    student_id: str
    name: str
    lms_id: str
    email: str
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def first_name(self):
        """Every word of the name but the last ("" for a one-word name)."""
        return " ".join(self.name.split()[:-1])

    @property
    def last_name(self):
        """The last word of the name."""
        words = self.name.split()
        return words[-1] if words else ""


def load(root):
    """The roster of the course at ``root`` as a dict student_id -> Student, in file order;
    empty when the course has no roster.csv. Raises CourseError naming the file and line of a
    missing column, an empty, unsafe or duplicate student_id, or a duplicate lms_id or email."""
    path = Path(root) / FILE_NAME
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CourseError(f"{path} line 1: missing column(s) {', '.join(missing)}; the "
                              f"header must name {','.join(COLUMNS)}.")
        roster, owners = {}, {}
        for row in reader:
            student = Student(**{c: (row.get(c) or "").strip() for c in COLUMNS + OPTIONAL})
            _check(student, roster, owners, f"{path} line {reader.line_num}")
            roster[student.student_id] = student
    return roster


def _check(student, roster, owners, where):
    """Raise CourseError if ``student`` cannot join ``roster``; ``owners`` remembers which
    student holds each lms_id and email seen so far."""
    sid = student.student_id
    if not sid:
        raise CourseError(f"{where}: empty student_id.")
    if not SAFE_ID.fullmatch(sid):
        raise CourseError(f"{where}: student_id {sid!r} is not a safe folder name (use "
                          "letters, digits, '_', '-' and '.', starting with a letter, digit "
                          "or '_').")
    if sid in roster:
        raise CourseError(f"{where}: duplicate student_id {sid!r}.")
    for column, value in (("lms_id", student.lms_id), ("email", student.email.casefold())):
        if value and (column, value) in owners:
            raise CourseError(f"{where}: {column} {getattr(student, column)!r} is also "
                              f"{owners[column, value]}'s.")
        owners[column, value] = sid


def sync_gradebook(coursedir, roster):
    """Write every roster student's names, email and LMS id into the gradebook of nbgrader's
    ``coursedir`` (``api.coursedir``), so formgrader lists them by name; returns the ids."""
    from nbgrader.api import Gradebook

    if not roster:
        return []
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        for student in roster.values():
            gradebook.update_or_create_student(
                student.student_id, first_name=student.first_name,
                last_name=student.last_name, email=student.email or None,
                lms_user_id=student.lms_id or None)
    return list(roster)
