"""What the grader knows about an assignment and no student sees: the verification cases,
bound each to one grade cell, with the reference functions' outputs on them.

The cases live in verification/<assignment>.py at the course root (never in release/);
the reference outputs come from the source notebook's own functions, computed here. They
travel to the trusted test runner with the work unit; no part of them enters a sandbox.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import __version__
from . import verification
from ..student.cells import nbgrader_meta
from ..course.paths import CourseError, notebook
from ..course.reference import load


@dataclass(frozen=True)
class AnswerKey:
    """An assignment's verification cases with their reference outputs, by grade cell."""

    assignment: str
    checks: dict                 # grade_id -> [(Case, reference outputs: list of arrays)]
    fingerprint: str             # changes when anything that decides a grade changes

    @classmethod
    def load(cls, root, assignment):
        """Build the key from source/ and verification/ of the course at ``root``."""
        root = Path(root)
        try:
            cases = verification.load_cases(root, assignment)
        except FileNotFoundError as error:
            raise CourseError(f"{error}: grading verifies every function on cases kept in "
                              "verification/<assignment>.py") from None
        source = notebook(root, "source", assignment)
        grade_ids = {nbgrader_meta(c).get("grade_id") for c in
                     nbformat.read(source, as_version=4).cells if nbgrader_meta(c).get("grade")}
        namespace = vars(load(assignment, root))
        checks = {}
        for case in cases:
            if case.grade_id not in grade_ids:
                raise CourseError(f"verification/{assignment}.py: a case of {case.function} "
                                  f"belongs to the grade cell {case.grade_id!r}, which "
                                  f"{source.name} does not have (set Case(cell=...))")
            checks.setdefault(case.grade_id, []).append(
                (case, verification.reference_outputs(namespace, case)))
        digest = hashlib.sha256(__version__.encode())
        for path in (source, root / "verification" / f"{assignment}.py"):
            digest.update(path.read_bytes())
        return cls(assignment=assignment, checks=checks, fingerprint=digest.hexdigest())
