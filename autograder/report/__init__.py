"""The instructor's report: data gathered from the grades and the log, plots, pages
(Jinja2 templates, autoescaped) and similar submissions.

May import: student, course and grading (the records grading writes, the page policy).
Never imported by: the student side, the sandbox side or grading.
"""
