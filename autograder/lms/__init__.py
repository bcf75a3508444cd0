"""Files to and from a learning management system: collecting submissions from an LMS's
download (collect), exporting grades for its gradebook (export), what is particular to
each LMS (canvas, moodle), and nbgrader's collect that refuses forged submissions.

May import: course and grading (the grades CSV).
Never imported by: the student side, the sandbox side or grading.
"""
