"""The plain feedback page a student gets when the full page could not be rendered: the
score of each grade cell from the gradebook and a sentence saying so. Built from the
gradebook alone, so it is written whatever the notebook holds."""

from html import escape

from nbgrader.api import Gradebook

from . import csp

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{assignment}</title>
</head>
<body>
<h1>{assignment} (Score: {score} / {max_score})</h1>
<p>The full feedback page could not be rendered, so this page shows your score for each
test cell only. Your grade is not affected; ask your instructor for the details.</p>
<table>
<thead><tr><th>Test cell</th><th>Score</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def _number(value):
    return f"{float(value or 0):g}"


def plain_page(db_url, assignment, student):
    """The plain page of ``student``'s graded ``assignment``."""
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        grades = [(g.name, g.score, g.max_score) for nb in submission.notebooks
                  for g in nb.grades]
        score, max_score = submission.score, submission.max_score
    rows = "\n".join(f"<tr><td>{escape(name)}</td><td>{_number(points)} / {_number(most)}</td>"
                     "</tr>" for name, points, most in grades)
    return csp.protect(PAGE.format(assignment=escape(assignment), score=_number(score),
                                   max_score=_number(max_score), rows=rows))
