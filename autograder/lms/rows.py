"""What every LMS's table shows of one student's result."""


def score_and_late(graded, student, assignment):
    """(score, late) of ``student`` on ``assignment``: ("", "") when there is no row."""
    row = graded.get((student.student_id, assignment))
    return (row.score, row.late) if row else ("", "")
