"""Submissions whose files, not their code, are the attack: links out of the student's
folder, a hard link to a course file, a notebook too big to read. Each builder makes what
the student hands in; ``after(root, notebook)`` then changes the submitted file system."""

import os

import nbformat

from autograder.course.reference import answered

ASSIGNMENT = "01_regression_losses"
OVERSIZED_MB = 6


def correct(release, source, root, port):
    return answered(release, source)


def oversized(release, source, root, port):
    """Full marks' code, padded with a markdown cell past the 5 MiB limit."""
    nb = answered(release, source)
    nb.cells.append(nbformat.v4.new_markdown_cell("x" * (OVERSIZED_MB << 20)))
    return nb


def _course_file(root):
    return root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def symlink_notebook(root, notebook):
    notebook.unlink()
    notebook.symlink_to(_course_file(root))


def hard_link_notebook(root, notebook):
    notebook.unlink()
    os.link(_course_file(root), notebook)


def symlink_beside(root, notebook):
    (notebook.parent / "data.csv").symlink_to(root / "nbgrader_config.py")
