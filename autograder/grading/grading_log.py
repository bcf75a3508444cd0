"""grading-log.jsonl: one JSON record per graded submission, appended; only `autograder
forget` rewrites it, to mark records as forgotten (kept, never deleted).

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

from ..course import modes

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
    modes.share(root, Path(root) / FILE_NAME)


def records(root, forgotten=False):
    """Every readable record of the log, oldest first; those marked forgotten only when
    ``forgotten``."""
    path = Path(root) / FILE_NAME
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if forgotten or not (isinstance(record, dict) and record.get("forgotten")):
            found.append(record)
    return found


def forget(root, assignment, students=None):
    """Mark the records of ``assignment`` (of ``students`` only, when given) as forgotten, with
    the time; returns how many were marked. Unreadable lines are kept as they are."""
    path = Path(root) / FILE_NAME
    if not path.exists():
        return 0
    when, marked, lines = time.strftime("%Y-%m-%dT%H:%M:%S%z"), 0, []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            lines.append(line)
            continue
        if (isinstance(record, dict) and record.get("assignment") == assignment
                and not record.get("forgotten")
                and (students is None or record.get("student") in students)):
            record["forgotten"] = when
            line, marked = json.dumps(record, sort_keys=True), marked + 1
        lines.append(line)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    modes.share(root, path)
    return marked


def already_graded(root, assignment, fingerprint):
    """(student, submission sha256) pairs the same grader has graded for ``assignment``."""
    return {(r.get("student"), r.get("sha256")) for r in records(root)
            if r.get("assignment") == assignment and r.get("grader") == fingerprint
            and r.get("score") is not None}
