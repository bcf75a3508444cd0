"""The plain feedback page a student gets when the full page could not be rendered: the
score of each grade cell from the gradebook and a sentence saying so. Built from the
gradebook alone, so it is written whatever the notebook holds."""

from nbgrader.api import Gradebook

from . import csp, pages

PAGE = pages.TEMPLATES.get_template("plain_feedback.html.j2")


def _number(value):
    return f"{float(value or 0):g}"


def plain_page(db_url, assignment, student):
    """The plain page of ``student``'s graded ``assignment``."""
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        grades = [(g.name, g.score, g.max_score) for nb in submission.notebooks
                  for g in nb.grades]
        score, max_score = submission.score, submission.max_score
    return csp.protect(PAGE.render(
        assignment=assignment, score=_number(score), max_score=_number(max_score),
        grades=[(name, _number(points), _number(most)) for name, points, most in grades]))
