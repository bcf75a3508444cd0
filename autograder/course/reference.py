"""The reference implementations, loaded from the source notebooks (never a copy).

Explorer notebooks, property tests and the benchmark import the instructor's solution
functions with ``load("02_classification_losses")``: the notebook's solution cells and
locked helper cells run in a fresh module; its tests and demonstrations do not.
``answered`` makes a student edition with the reference answers filled in: the submission
of a student who gets everything right.
"""

import types

import nbformat

from ..student.cells import nbgrader_meta
from .paths import find_root, notebook


def library_cells(nb):
    """The code cells that define the assignment's functions: solution and locked, not grade."""
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("locked")) \
                and not meta.get("grade"):
            yield cell


def answered(release, source, replace=None, keep=None):
    """A copy of the student edition ``release`` whose solution cells hold the source's
    answers, or ``replace[grade_id]`` where given; ``keep`` limits which cells are filled."""
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells
               if nbgrader_meta(c).get("solution")}
    answers.update(replace or {})
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and (keep is None or grade_id in keep):
            cell.source = answers[grade_id]
    return nb


def load(assignment, root=None):
    """A module holding every name the assignment's solution and locked cells define."""
    path = notebook(root or find_root(), "source", assignment)
    nb = nbformat.read(path, as_version=4)
    module = types.ModuleType(f"reference_{assignment}", f"Reference functions of {path}")
    for cell in library_cells(nb):
        exec(compile(cell.source, f"{path}:{cell.get('id', '?')}", "exec"), module.__dict__)
    return module
