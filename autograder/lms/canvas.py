"""Canvas: the names of the files in its submissions zip, how it writes a student's name
into them, the course's Canvas assignment ids, and its gradebook import table."""

import re
import unicodedata

from traitlets import Dict
from traitlets.config import Configurable

from .rows import score_and_late

CANVAS = re.compile(r"(?P<name>.+?)_(?P<late>LATE_)?(?P<lms_id>\d+)_\d+_(?P<filename>.+)")
READ_ONLY = "(read only)"


class Canvas(Configurable):
    """The course's Canvas assignments; set them in nbgrader_config.py as c.Canvas.*."""

    assignment_ids = Dict({}, help='Canvas assignment id of each assignment, e.g. '
                          '{"02_classification_losses": 4321}: the number in the assignment\'s '
                          'Canvas address, .../assignments/4321').tag(config=True)


def name_key(text):
    """A name as Canvas writes it into file names: lowercased, only word characters."""
    return re.sub(r"\W", "", unicodedata.normalize("NFC", text)).lower()


def sortable_name(student):
    """The name as Canvas lists students, "Last, First"; the student_id if it is unknown."""
    return ", ".join(n for n in (student.last_name, student.first_name) if n) or student.student_id


def table(students, assignments, graded, max_scores, ids):
    """The gradebook import: a header, the Points Possible row, a row per student; ``ids``
    maps an assignment to its Canvas assignment id."""
    titles = [f"{a} ({ids[a]})" if a in ids else a for a in assignments]
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    points = ["Points Possible", "", "", "", ""]
    for assignment, title in zip(assignments, titles, strict=True):
        header += [title, f"{assignment} late"]
        points += [max_scores.get(assignment, ""), READ_ONLY]
    rows = [[sortable_name(s), s.lms_id, s.sis_user_id, s.sis_login_id, s.section,
             *(c for a in assignments for c in score_and_late(graded, s, a))] for s in students]
    return [header, points, *rows]
