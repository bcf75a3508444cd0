"""The reference implementations, loaded from the source notebooks (never a copy).

Explorer notebooks, property tests and the benchmark import the instructor's solution
functions with ``load("02_classification_losses")``: the notebook's solution cells and
locked helper cells run in a fresh module; its tests and demonstrations do not.
"""

import types

import nbformat

from .course import find_root, notebook


def library_cells(nb):
    """The code cells that define the assignment's functions: solution and locked, not grade."""
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("locked")) \
                and not meta.get("grade"):
            yield cell


def load(assignment, root=None):
    """A module holding every name the assignment's solution and locked cells define."""
    path = notebook(root or find_root(), "source", assignment)
    nb = nbformat.read(path, as_version=4)
    module = types.ModuleType(f"reference_{assignment}", f"Reference functions of {path}")
    for cell in library_cells(nb):
        exec(compile(cell.source, f"{path}:{cell.get('id', '?')}", "exec"), module.__dict__)
    return module
