"""Files to and from a learning management system: collecting submissions from an LMS's
download, exporting grades for its gradebook, and nbgrader's collect that refuses forged
submissions.

May import: course and grading (the grades CSV).
Never imported by: the student side, the sandbox side or grading.
"""
