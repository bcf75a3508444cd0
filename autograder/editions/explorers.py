"""The explorers of notebooks/ as the editions and the site show them: executed headless,
re-executed only when they or what they import change, and for the student edition with
every cell that touches the reference implementations replaced by a note."""

import hashlib
import re
from pathlib import Path

import nbformat

from ..course.paths import CourseError, assignments, notebook
from .student_package import PACKAGE

# A code cell of an explorer that touches the reference implementations.
REFERENCE_CODE = re.compile(r"autograder\.course\.reference|\bload\(|\bref\b")
REFERENCE_NOTE = ("# The code of this cell uses the reference implementations (the answers),\n"
                  "# so it is not part of the student edition; its output is kept below.\n")



def explorer_fingerprint(root, path):
    """SHA-256 over an explorer, the source notebooks and the modules notebooks import."""
    digest = hashlib.sha256(Path(path).read_bytes())
    for name in assignments(root):
        digest.update(notebook(root, "source", name).read_bytes())
    for name in ("student/checks.py", "student/interactive.py", "editions/explorers.py"):
        digest.update((PACKAGE / name).read_bytes())
    return digest.hexdigest()


def _executed_explorer(root, path, previous, generated, strip):
    """The explorer at ``path`` executed headless (``previous``, bytes of an earlier copy,
    reused when its fingerprint matches); ``strip`` replaces every code cell that touches
    the reference implementations by a note, keeping its outputs."""
    from ..course.execute import errors, execute_file

    fingerprint = explorer_fingerprint(root, path)
    if previous:
        try:
            old = nbformat.reads(previous.decode(), as_version=4)
            if old.metadata.get("autograder", {}).get("explorer_sha256") == fingerprint:
                return previous
        except Exception:  # noqa: BLE001 - an unreadable previous copy is re-made
            pass
    nb = execute_file(Path(path))
    failed = errors(nb)
    if failed:
        raise CourseError(f"{path} raised errors when executed:\n" + "\n".join(failed))
    for cell in nb.cells:
        if strip and cell.cell_type == "code" and REFERENCE_CODE.search(cell.source):
            cell.source = REFERENCE_NOTE
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["autograder"] = {"generated": generated, "explorer_sha256": fingerprint}
    return nbformat.writes(nb).encode() + b"\n"


def student_explorer(root, path, previous=None):
    """The explorer for the student edition: executed, reference code left out."""
    return _executed_explorer(
        root, path, previous, strip=True,
        generated=f"`autograder publish student` from notebooks/{Path(path).name}; "
                  "cells that use the reference implementations are left out")


def reading_explorer(root, path, previous=None):
    """The explorer for the reading site: executed with all its code and figures."""
    return _executed_explorer(root, path, previous, strip=False,
                              generated=f"`make site` from notebooks/{Path(path).name}")
