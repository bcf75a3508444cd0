"""nbgrader configuration: `nbgrader` and `autograder` work from this folder with no flags."""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "dl-lecture-07"
# A grade cell a student deleted is put back and graded, instead of silently scoring 0.
c.OverwriteCells.add_missing_cells = True
# Generous per-cell limit; an infinite loop in one submission costs that cell, not the class
# (the sandbox limits the whole notebook too).
c.Execute.timeout = 120
# `nbgrader autograde` and the formgrader's Autograde button grade exactly as `autograder
# grade` does: the student's cells in the sandbox, the grade cells in the grading process.
c.Autograde.sanitize_preprocessors = [
    "autograder.grading.inject.PlainUnknownIds",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "autograder.grading.inject.GradeInSandbox",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback shows what failed and why, but neither the hidden tests' source nor the
# traceback lines that would quote it.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "autograder.grading.feedback.MessagesOnly",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Every submission runs in a bubblewrap sandbox, one resource unit for all its processes
# (see the README, "Sandbox limits"); `autograder grade --no-sandbox` turns it off, on the record.
c.Sandbox.memory_mb = 4096        # processes, /tmp files and shared memory together
c.Sandbox.cpu_seconds = 600       # CPU time of all its processes together
c.Sandbox.cpus = 1.0              # cores it may use at once
c.Sandbox.processes = 256         # processes and threads at once
c.Sandbox.file_size_mb = 64       # largest file a submission may write (RLIMIT_FSIZE)
c.Sandbox.disk_mb = 256           # private working folder and /tmp, each
c.Sandbox.wall_seconds = 600      # a whole notebook; c.Execute.timeout limits each cell
c.Sandbox.output_kb = 4096        # output beyond this is cut as it arrives
c.Sandbox.figures = False         # True: draw figures while grading, so feedback shows them
# Feedback pages show at most this much of a student's outputs (the rest is cut, visibly),
# and are rendered in a worker process with these limits; a page that fails becomes a plain
# page with the score of each test cell, and the student's status says so.
c.CapOutputs.cell_output_kb = 512         # output of one code cell, KiB
c.CapOutputs.notebook_output_kb = 4096    # output of the whole notebook, KiB
c.FeedbackWorker.seconds = 60             # longest one page may take to render
c.FeedbackWorker.memory_mb = 2048         # address space of the rendering process (RLIMIT_AS)
# A larger submission (its notebook and every other file in its folder) is neither read nor
# graded: its row says so (see the README, "Grading a class").
c.Submissions.max_mb = 5
# Due dates and late penalties (see the README, "Deadlines and late work"): grading writes each
# due date into the gradebook, and nbgrader's AssignLatePenalties compares it with the
# submission's timestamp.txt (which `autograder collect` writes from the LMS's zip) and asks
# its plugin for the penalty: "none" (flag lateness only) or "zero" (a late submission scores 0);
# a plugin of your own subclasses nbgrader.plugins.LateSubmissionPlugin
# (c.AssignLatePenalties.plugin_class = "mycourse.HourlyPenalty").
# c.Deadlines.due = {"02_classification_losses": "2026-12-01 23:59:00 UTC"}
c.LateSubmissionPlugin.penalty_method = "none"
# Canvas's gradebook import matches a column "Name (ID)" to the assignment of that id (the
# number in the assignment's address, .../assignments/4321); without one it creates a new one.
# c.Canvas.assignment_ids = {"02_classification_losses": 4321}
