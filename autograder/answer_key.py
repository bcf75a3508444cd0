"""What the grader knows about an assignment and no student sees: the verification cases,
the reference functions' outputs on them, and which functions each grade cell tests.

The cases live in verification/<assignment>.py at the course root (never in release/);
the reference outputs come from the source notebook's own functions. A worker gets only
the cases' inputs; judging its outputs happens here, in the grading process.
"""

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import __version__, verification
from .cells import nbgrader_meta
from .course import CourseError, notebook
from .reference import load


@dataclass(frozen=True)
class AnswerKey:
    """An assignment's verification cases with their inputs and reference outputs."""

    assignment: str
    cases: list
    manifest: list
    inputs: dict                 # .npy file name -> bytes
    reference: list              # per case: the reference's outputs (list of float arrays)
    cell_functions: dict         # grade_id -> contract functions its tests call
    demonstrations: frozenset    # the release's plain code cells (not the student's code)
    fingerprint: str             # changes when anything that decides a grade changes

    @classmethod
    def load(cls, root, assignment):
        """Build the key from source/, release/ and verification/ of the course at ``root``."""
        root = Path(root)
        try:
            cases = verification.load_cases(root, assignment)
        except FileNotFoundError as error:
            raise CourseError(f"{error}: grading verifies every function on cases kept in "
                              "verification/<assignment>.py") from None
        namespace = vars(load(assignment, root))
        with tempfile.TemporaryDirectory() as folder:
            manifest = verification.encode(cases, folder)
            inputs = {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())}
            reference = [verification.run_entry(namespace, entry, folder) for entry in manifest]
        source = notebook(root, "source", assignment)
        release = nbformat.read(notebook(root, "release", assignment), as_version=4)
        functions = sorted({case.function for case in cases})
        digest = hashlib.sha256(__version__.encode())
        for path in (source, root / "verification" / f"{assignment}.py"):
            digest.update(path.read_bytes())
        return cls(
            assignment=assignment, cases=cases, manifest=manifest, inputs=inputs,
            reference=reference,
            cell_functions=verification.grade_cell_functions(
                nbformat.read(source, as_version=4), functions),
            demonstrations=frozenset(c.source for c in release.cells
                                     if c.cell_type == "code" and not nbgrader_meta(c)),
            fingerprint=digest.hexdigest())

    def function_failures(self, outputs):
        """Function name -> why it failed verification (the first failing case), if it did."""
        failures = {}
        for index, case in enumerate(self.cases):
            if case.function in failures:
                continue
            got = outputs.get(index, "was not run")
            about = case.label or "an input you have not seen"
            if isinstance(got, str):
                failures[case.function] = (f"{case.function} {got} in the grader's own check "
                                           f"on {about}")
                continue
            problem = verification.check(case, self.reference[index], got)
            if problem:
                failures[case.function] = problem
        return failures

    def cell_failures(self, outputs):
        """grade_id -> why the functions that cell tests failed verification."""
        failing = self.function_failures(outputs)
        return {grade_id: "; ".join(failing[f] for f in functions if f in failing)
                for grade_id, functions in self.cell_functions.items()
                if any(f in failing for f in functions)}

