"""The editions built from source/: release/ and solutions/ (build), their validation, the
published student and solutions editions (publish) and the leak check.

May import: student and course.
Never imported by: the student side or the sandbox side.
"""
