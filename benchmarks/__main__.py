"""Run every benchmark of the course; each prints ratios against a baseline of the same run."""

from autograder.course.paths import find_root

from . import grading, hostile_output, notebooks, reference, report, sandbox, submission_size

root = find_root()
reference.run(root)
notebooks.run(root)
sandbox.run(root)
grading.run(root)
report.run(root)
hostile_output.run(root)
submission_size.run(root)
