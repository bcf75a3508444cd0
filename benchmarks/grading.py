"""Grading a synthetic class with everything on (sandboxes, grade cells in the grading
process, hidden tests and verification, feedback, --jobs 2) against plain sequential
`nbgrader autograde` of the same submissions (nbgrader's own preprocessors, tests in the
student's kernel), in the same run; where the time goes; what a call through the proxy
costs; and a notebook's cost against a bare kernel."""

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder.grading import grading_log
from autograder.student.cells import nbgrader_meta
from autograder.course.execute import execute
from autograder.course.nbgrader_api import open_api
from autograder.course.reference import answered

from .timing import once_seconds

ASSIGNMENTS = ("01_regression_losses", "02_classification_losses")
# 24 students: most right, some partial, some broken (blank, a crash, a syntax error).
MIX = ["full"] * 14 + ["partial"] * 5 + ["blank"] * 2 + ["crash", "syntax", "partial"]
# The baseline: nbgrader's own autograde, as it comes (the course's config sends it through
# the sandbox instead).
PLAIN_NBGRADER = """
from nbgrader.converters import Autograde as _Autograde
c.Autograde.sanitize_preprocessors = _Autograde.class_traits()["sanitize_preprocessors"].default()
c.Autograde.autograde_preprocessors = _Autograde.class_traits()[
    "autograde_preprocessors"].default()
"""


def _submission(kind, release, source):
    solutions = [nbgrader_meta(c)["grade_id"] for c in source.cells
                 if nbgrader_meta(c).get("solution")]
    if kind == "full":
        return answered(release, source)
    if kind == "partial":
        return answered(release, source, keep=set(solutions[: len(solutions) // 2]))
    if kind == "blank":
        return nbformat.from_dict(release)
    broken = answered(release, source)
    cell = next(c for c in broken.cells if nbgrader_meta(c).get("grade_id") == solutions[1])
    cell.source += "\nimport os\nos._exit(1)\n" if kind == "crash" else "\ndef oops(:\n"
    return broken


def _course(root, folder, settings=""):
    """A course with both assignments, released, and the same class in submitted/."""
    shutil.copy(root / "nbgrader_config.py", folder)
    with (folder / "nbgrader_config.py").open("a") as config:
        config.write(settings)
    (folder / "verification").mkdir()
    for assignment in ASSIGNMENTS:
        shutil.copytree(root / "source" / assignment, folder / "source" / assignment)
        shutil.copy(root / "verification" / f"{assignment}.py", folder / "verification")
        release, source = (nbformat.read(root / stage / assignment / f"{assignment}.ipynb",
                                         as_version=4) for stage in ("release", "source"))
        for index, kind in enumerate(MIX):
            target = folder / "submitted" / f"s{index:02d}" / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(_submission(kind, release, source), target)
    api = open_api(folder)  # the gradebook and the release, outside the timed part
    for assignment in ASSIGNMENTS:
        api.generate_assignment(assignment, force=True)
    return folder


def _command(course, *args):
    completed = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                               cwd=course)
    if completed.returncode not in (0, 1):
        raise RuntimeError(completed.stdout + completed.stderr)


def _nbgrader(course):
    for assignment in ASSIGNMENTS:
        _command(course, "nbgrader", "autograde", assignment, "--force")


def _ours(course):
    for assignment in ASSIGNMENTS:
        _command(course, "autograder", "grade", assignment, "--jobs", "2")


def _breakdown(course):
    """Mean seconds per graded notebook of each stage, from the grading log, and the mean
    seconds of one call through the proxy."""
    records = [r for r in grading_log.records(course) if r.get("seconds")]
    stages = ("run", "calls", "gradebook", "feedback")
    calls = sum(r.get("calls") or 0 for r in records)
    per_call = sum(r["seconds"].get("calls", 0.0) for r in records) / max(calls, 1)
    return {s: statistics.mean(r["seconds"].get(s, 0.0) for r in records) for s in stages}, \
        per_call, calls / max(len(records), 1)


def run(root):
    notebooks = len(MIX) * len(ASSIGNMENTS)
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, \
            tempfile.TemporaryDirectory() as c:
        plain, ours = _course(root, Path(a), PLAIN_NBGRADER), _course(root, Path(b))
        drawn = _course(root, Path(c), "\nc.Sandbox.figures = True\n")
        trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        kernel = min(once_seconds(lambda: execute(nbformat.from_dict(trivial), cwd=plain))
                     for _ in range(3))
        nbgrader_seconds = once_seconds(lambda: _nbgrader(plain))
        our_seconds = once_seconds(lambda: _ours(ours))
        drawn_seconds = once_seconds(lambda: _ours(drawn))
        stages, per_call, calls = _breakdown(ours)
    print(f"\nGrading {len(MIX)} students on {len(ASSIGNMENTS)} assignments ({notebooks} "
          "notebooks: right, partial, blank, crashing, not parsing)")
    print(f"  plain sequential nbgrader autograde      {nbgrader_seconds:7.1f} s  "
          f"{nbgrader_seconds / notebooks:5.2f} s a notebook")
    print(f"  autograder grade --jobs 2, everything on {our_seconds:7.1f} s  "
          f"{our_seconds / notebooks:5.2f} s a notebook   x{nbgrader_seconds / our_seconds:.2f}"
          " faster")
    print("  (everything on: bubblewrap sandbox, grade cells in the grading process calling "
          "the student's functions through the proxy, verification cases, feedback, tamper "
          "scan, grading log; figures are not drawn while grading)")
    print(f"  the same, drawing figures into feedback  {drawn_seconds:7.1f} s  "
          f"{drawn_seconds / notebooks:5.2f} s a notebook   x{nbgrader_seconds / drawn_seconds:.2f}"
          " faster")
    print("  where a notebook's time goes (mean seconds; run, which includes calls, is in the "
          "workers, the rest in the one grading process):")
    for stage, seconds in stages.items():
        print(f"    {stage:<10} {seconds:6.2f} s")
    print(f"  the tests called the student's functions {calls:.0f} times a notebook, "
          f"{per_call * 1e3:.2f} ms a call through the proxy")
    per_notebook = stages["run"] + stages["gradebook"] + stages["feedback"]
    print(f"  bare kernel running a trivial notebook {kernel:.2f} s; one notebook's stages add up "
          f"to x{per_notebook / kernel:.1f} that")
