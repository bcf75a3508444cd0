"""grading-log.jsonl: one JSON record per graded submission, appended, never rewritten.

Each record says when, who, which assignment, the sha256 of the submitted bytes, the
package versions, per grade cell the in-notebook and the verified result, the status, the
flags, the duration and whether the sandbox was on. `grade --resume` reads it to skip
submissions already graded by the same grader.
"""

import json
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

FILE_NAME = "grading-log.jsonl"
_PACKAGES = ("autograder", "nbgrader", "nbclient", "ipykernel", "numpy")


def versions():
    """The versions of Python and of the packages grading depends on."""
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def append(root, record):
    """Add ``record`` (with the time) as one line of the course's grading log."""
    line = json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}, sort_keys=True)
    with (Path(root) / FILE_NAME).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()


def records(root):
    """Every readable record of the log, oldest first."""
    path = Path(root) / FILE_NAME
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def already_graded(root, assignment, fingerprint):
    """(student, submission sha256) pairs the same grader has graded for ``assignment``."""
    return {(r.get("student"), r.get("sha256")) for r in records(root)
            if r.get("assignment") == assignment and r.get("grader") == fingerprint
            and r.get("score") is not None}
