"""Due dates and lateness: the due date of each assignment (``c.Deadlines.due`` in
nbgrader_config.py, else the gradebook's), written into nbgrader's gradebook before grading so
that nbgrader's AssignLatePenalties compares it with each submission's timestamp.txt and asks
its plugin (``c.AssignLatePenalties.plugin_class``, nbgrader's LateSubmissionPlugin by default,
``c.LateSubmissionPlugin.penalty_method = "zero"`` or ``"none"``) for the penalty."""

from datetime import timezone

from dateutil.parser import parse
from traitlets import Dict
from traitlets.config import Configurable


class Deadlines(Configurable):
    """When each assignment is due; set it in nbgrader_config.py as c.Deadlines.due."""

    due = Dict({}, help='Due date per assignment, e.g. {"02_classification_losses": '
               '"2026-12-01 23:59:00 UTC"}; a time without a zone is UTC').tag(config=True)


def _utc(text):
    when = parse(text)
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(
        timezone.utc)


def configured(config, assignment):
    """The due date of ``assignment`` in ``config`` as an aware UTC datetime, or None."""
    text = Deadlines(config=config).due.get(assignment)
    return _utc(str(text)) if text else None


def due_date(api, assignment):
    """The due date of ``assignment``: the configured one, else the gradebook's (or None)."""
    from nbgrader.api import Gradebook, MissingEntry

    found = configured(api.config, assignment)
    if found:
        return found
    with Gradebook(api.coursedir.db_url) as gradebook:
        try:
            stored = gradebook.find_assignment(assignment).duedate
        except MissingEntry:
            return None
    return stored.replace(tzinfo=timezone.utc) if stored else None


def record(api, assignment):
    """Write the configured due date of ``assignment`` into the gradebook (nbgrader stores
    naive UTC); returns the due date in force."""
    from nbgrader.api import Gradebook

    due = configured(api.config, assignment)
    if due:
        with Gradebook(api.coursedir.db_url) as gradebook:
            gradebook.update_or_create_assignment(
                assignment, duedate=due.astimezone(timezone.utc).replace(tzinfo=None))
    return due_date(api, assignment)


def stamp(when):
    """``when`` as nbgrader's timestamp.txt holds it."""
    return f"{when.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S.%f} UTC\n"


def describe(seconds_late, penalty):
    """The late column: "" when on time, else how late and the penalty applied."""
    if not seconds_late or seconds_late <= 0:
        return ""
    minutes = round(seconds_late / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return f"{' '.join(parts) or 'under 1 min'} late, penalty {float(penalty or 0):g}"

