"""Grading a class: the work unit, the trusted test runner and its proxies, verification
cases, scoring through nbgrader, tamper scans, feedback pages, the grades CSV, the log,
executors and progress, and the `check` verb that runs one notebook the same way.

May import: student, sandbox and course.
Never imported by: the student side or the sandbox side.
"""
