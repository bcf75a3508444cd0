"""What a submission's size costs the grading process: one correct notebook of 01 padded
with big outputs to 1x, 10x, 100x and 200x its size, each graded alone (sandbox, --jobs 1),
with the wall time and the peak memory of the trusted grading process itself (not its
workers or sandboxes) as ratios to the 1x run. Past c.Submissions.max_mb the run measures
the refusal, and says so."""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.grading import grades_csv
from autograder.sandbox import session as sandbox
from autograder.course.reference import answered

ASSIGNMENT = "01_regression_losses"
FACTORS = (1, 10, 100, 200)
# Run in a fresh process: grade it, then report this process's own peak resident memory.
GRADE = """
import json, resource, sys
from autograder.grading.grade import grade
grade(root=sys.argv[1], assignment=sys.argv[2], jobs=1, log=lambda line: None)
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def _padded(nb, size):
    """``nb`` with a stream output on its first code cell that brings it to ``size`` bytes."""
    nb = nbformat.from_dict(nb)
    missing = size - len(nbformat.writes(nb))
    if missing > 0:
        cell = next(c for c in nb.cells if c.cell_type == "code")
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="x" * missing))
    return nb


def _grade_one(root, folder, nb):
    """(seconds, peak KiB of the grading process, status) of grading ``nb`` in a new course."""
    course = Path(folder)
    shutil.copy(root / "nbgrader_config.py", course)
    shutil.copytree(root / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    (course / "verification").mkdir()
    shutil.copy(root / "verification" / f"{ASSIGNMENT}.py", course / "verification")
    target = course / "submitted" / "padded" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(nb, target)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", GRADE, str(course), ASSIGNMENT],
                          capture_output=True, text=True, cwd=course)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    (row,) = grades_csv.read(course / grades_csv.FILE_NAME)
    return seconds, json.loads(done.stdout.splitlines()[-1]), row.status


def run(root):
    if not sandbox.available():
        print("\nSubmission size: bubblewrap is not installed; nothing to measure")
        return
    release, source = (nbformat.read(root / stage / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                     as_version=4) for stage in ("release", "source"))
    base = answered(release, source)
    size = len(nbformat.writes(base))
    print(f"\nSubmission size: a correct {ASSIGNMENT} ({size / 1024:.0f} KiB) padded with "
          "outputs, graded alone; the grading process's own time and peak memory")
    first = None
    for factor in FACTORS:
        with tempfile.TemporaryDirectory() as folder:
            seconds, peak, status = _grade_one(root, folder, _padded(base, size * factor))
        first = first or (seconds, peak)
        what = "refused (over the limit): " + status if status.startswith("not graded") \
            else status
        print(f"  {factor:>4}x {size * factor / 2**20:6.2f} MiB  {seconds:6.1f} s "
              f"(x{seconds / first[0]:5.2f})  peak {peak / 1024:6.0f} MiB "
              f"(x{peak / first[1]:5.2f})  {what[:90]}")
