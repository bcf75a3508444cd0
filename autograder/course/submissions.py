"""Finding the class's submissions and reading each one, without following a link or
reading past the size limit, before anything parses it: its bytes, or why it cannot be
graded."""

import os
from pathlib import Path

import nbformat
from traitlets import Float
from traitlets.config import Configurable

from . import safe_files

MAX_FILES = 1000  # files in one submission folder


class Submissions(Configurable):
    """Limits on what a student hands in; set them in nbgrader_config.py as c.Submissions.*."""

    max_mb = Float(5.0, help="Largest submission, MiB: its notebook and every other file in "
                   "its folder. A larger one is not read and not graded").tag(config=True)


def max_bytes(config):
    """The size limit of a submission, in bytes, from a traitlets config."""
    return int(Submissions(config=config).max_mb * 2**20)


def students(root):
    """Every student folder in submitted/ (and every link there, refused when graded),
    sorted; hidden folders such as checkpoints skipped."""
    folder = Path(root) / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if (p.is_dir() or p.is_symlink()) and not p.name.startswith("."))


def handed_in(root, assignment, students):
    """True if any of ``students`` has a folder (or a link) submitted/<student>/<assignment>."""
    folder = Path(root) / "submitted"
    return any((folder / s / assignment).exists() or (folder / s / assignment).is_symlink()
               for s in students)


def read(root, student, assignment, limit):
    """(the bytes of ``student``'s notebook of ``assignment``, None), or (None, why it
    cannot be graded); ``limit`` is the most bytes its folder may hold."""
    name, where = f"{assignment}.ipynb", f"submitted/{student}/{assignment}"
    try:
        with safe_files.folder(Path(root) / "submitted", [student, assignment],
                               "submitted") as folder:
            total = safe_files.tree_size(folder, where, MAX_FILES)
            if total > limit:
                raise safe_files.TooLarge(total)
            if name not in os.listdir(folder):
                others = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb"))
                found = f"found {', '.join(others)}" if others else "the folder has no notebook"
                return None, f"not graded: expected {name}, {found} (was it renamed?)"
            data = safe_files.read(folder, name, limit, f"{where}/{name}")
    except FileNotFoundError:
        return None, "no submission"
    except safe_files.TooLarge as error:
        return None, (f"not graded: the submission is {error.size / 2**20:.1f} MB, over the "
                      f"{limit / 2**20:g} MB limit (c.Submissions.max_mb in nbgrader_config.py)")
    except safe_files.Refused as error:
        return None, f"not graded: {error}"
    problem = _notebook_problem(data, name)
    return (None, problem) if problem else (data, None)


def _notebook_problem(data, name):
    """Why ``data`` is not a notebook nbgrader can grade, or None."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same verdict
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"not graded: {name} is not a readable notebook ({reason[:200]})"
    if not any(c.cell_type == "code" for c in nb.cells):
        return f"not graded: {name} has no code cells"
    return None
