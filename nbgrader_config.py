"""nbgrader configuration: `nbgrader` and `autograder` work from this folder with no flags."""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "dl-lecture-07"
# A grade cell a student deleted is put back and graded, instead of silently scoring 0.
c.OverwriteCells.add_missing_cells = True
# Generous per-cell limit; an infinite loop in one submission costs that cell, not the class.
c.Execute.timeout = 120
# Feedback shows what failed and why, but neither the hidden tests' source nor the
# traceback lines that would quote it.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "autograder.feedback.MessagesOnly",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
