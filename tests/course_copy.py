"""Temporary course folders and hand-made submissions for the pipeline and mutant tests."""

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.sandbox import session as sandbox
from autograder.student.cells import nbgrader_meta

ROOT = Path(__file__).resolve().parents[1]
# Grading runs every submission in a bubblewrap sandbox: tests that grade need it.
NEEDS_BWRAP = pytest.mark.skipif(not sandbox.available(), reason="bubblewrap (bwrap) is not "
                                 "installed: apt-get install bubblewrap")


def make_course(folder, assignments):
    """A course at ``folder`` with the repository's config, the given source notebooks and
    their verification cases."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    for name in assignments:
        shutil.copytree(ROOT / "source" / name, folder / "source" / name)
        (folder / "verification").mkdir(exist_ok=True)
        shutil.copy(ROOT / "verification" / f"{name}.py", folder / "verification")
    return folder


def graded_ok(status):
    """Graded with nothing wrong: "ok", or "ok" but for the written answers that a person
    grades in the formgrader ("needs manual grading: ...")."""
    return status == "ok" or status.startswith("needs manual grading: ")


def read(stage, assignment, root=ROOT):
    """The notebook of ``assignment`` in ``stage`` (source, release or solutions)."""
    return nbformat.read(root / stage / assignment / f"{assignment}.ipynb", as_version=4)


def graded_cells_only(nb):
    """``nb`` reduced to its nbgrader cells: what the grade cells depend on, nothing slower."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c)]
    return nb


def submit(root, student, assignment, nb=None, raw=None, name=None):
    """Put a notebook (or raw bytes) into submitted/<student>/<assignment>/."""
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or f"{assignment}.ipynb")
    if raw is not None:
        target.write_bytes(raw)
    else:
        nbformat.write(nb, target)
    return target


def tree_digest(folder):
    """SHA-256 of every file's path and bytes below ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def autograder(*args, root):
    """Run the `autograder` command line on the course at ``root`` in a separate process."""
    return subprocess.run([sys.executable, "-m", "autograder", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=3000)


def grades(root):
    """autograder_grades.csv as a dict keyed by (student_id, assignment)."""
    with (Path(root) / "autograder_grades.csv").open(newline="") as handle:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}
