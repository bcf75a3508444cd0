"""Finding the class's submissions and saying, before nbgrader runs, why one cannot be graded."""

from pathlib import Path

import nbformat


def students(root):
    """Every student folder in submitted/, sorted (hidden folders such as checkpoints skipped)."""
    folder = Path(root) / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def submission_problem(root, student, assignment):
    """Why ``student``'s submission of ``assignment`` cannot be graded, or None if it can."""
    folder = Path(root) / "submitted" / student / assignment
    if not folder.is_dir():
        return "no submission"
    expected = folder / f"{assignment}.ipynb"
    if not expected.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        found = f"found {', '.join(others)}" if others else "the folder has no notebook"
        return f"not graded: expected {expected.name}, {found} (was it renamed?)"
    try:
        nb = nbformat.read(expected, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same verdict
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"not graded: {expected.name} is not a readable notebook ({reason[:200]})"
    if not any(c.cell_type == "code" for c in nb.cells):
        return f"not graded: {expected.name} has no code cells"
    return None
