"""Feedback rendering of a pathological output (the 196 KB of `$`, `\\(` and unterminated
<script src=...mathjax fragments that once made the offline-math regex backtrack for minutes,
and an output over the cell's cap) against a normal submission's: both are graded, then each
page is rendered again by one warm feedback worker, best of three."""

import shutil
import tempfile
from pathlib import Path

import nbformat

from autograder.grading.feedback_worker import FeedbackWorker
from autograder.grading.grade import grade
from autograder.course.nbgrader_api import open_api
from autograder.course.reference import answered
from tests.submissions.hostile_output import pathological_output

from .timing import once_seconds

ASSIGNMENT = "01_regression_losses"


def _course(root, folder):
    """A course with the assignment released, a normal and a pathological submission."""
    shutil.copy(root / "nbgrader_config.py", folder)
    (folder / "verification").mkdir()
    shutil.copytree(root / "source" / ASSIGNMENT, folder / "source" / ASSIGNMENT)
    shutil.copy(root / "verification" / f"{ASSIGNMENT}.py", folder / "verification")
    release, source = (nbformat.read(root / stage / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                     as_version=4) for stage in ("release", "source"))
    for student, nb in (("normal", answered(release, source)),
                        ("pathological", pathological_output(release, source, folder, 0))):
        target = folder / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    open_api(folder).generate_assignment(ASSIGNMENT, force=True)
    return folder


def run(root):
    with tempfile.TemporaryDirectory() as folder:
        course = _course(root, Path(folder))
        grade(root=course, assignment=ASSIGNMENT, jobs=1, log=lambda line: None)
        worker = FeedbackWorker(course)
        if worker.render(ASSIGNMENT, "normal") is not None:  # started and warm
            raise RuntimeError("the feedback worker could not render the normal page")
        normal, hostile = (min(once_seconds(lambda s=student: worker.render(ASSIGNMENT, s))
                               for _ in range(3)) for student in ("normal", "pathological"))
        worker.stop()
    print(f"\nFeedback page of a pathological output (worker process, sanitized, capped)\n"
          f"  normal submission {normal:6.2f} s   pathological {hostile:6.2f} s   "
          f"x{hostile / normal:.2f} the normal one")
