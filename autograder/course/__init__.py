"""The course folder: where things are, nbgrader's configuration and API, the roster,
submissions and deadlines, the reference implementations in source/, the course's CSV
cells and file modes, running a notebook the way nbgrader does.

May import: itself and the student side.
Never imported by: the student side or the sandbox side.
"""
