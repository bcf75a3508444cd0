"""Grading cost per submission, as a multiple of the unavoidable part: starting a kernel and
running one trivial notebook."""

import shutil
import tempfile
from pathlib import Path

import nbformat

from autograder.execute import execute
from autograder.grade import grade
from autograder.nbgrader_api import open_api
from autograder.reference import answered

from .timing import once_seconds

STUDENTS = 4


def run(root, assignment="01_regression_losses"):
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        shutil.copy(root / "nbgrader_config.py", course)
        shutil.copytree(root / "source" / assignment, course / "source" / assignment)
        release, source = (nbformat.read(root / stage / assignment / f"{assignment}.ipynb",
                                         as_version=4) for stage in ("release", "source"))
        submission = answered(release, source)
        for i in range(STUDENTS):
            target = course / "submitted" / f"student{i}" / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(submission, target)
        open_api(course)  # import nbgrader outside the timed part

        trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        baseline = min(once_seconds(lambda: execute(nbformat.from_dict(trivial), cwd=course))
                       for _ in range(3))
        total = once_seconds(lambda: grade(root=course, assignment=assignment, log=lambda *_: None))
    per_submission = total / STUDENTS
    print(f"\nGrading {assignment}: {STUDENTS} submissions in {total:.1f} s, "
          f"{per_submission:.2f} s each (autograde, feedback, gradebook)")
    print(f"Baseline: one kernel running a trivial notebook {baseline:.2f} s; "
          f"a submission costs x{per_submission / baseline:.1f} that")
