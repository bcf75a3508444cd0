"""How long each source notebook takes to run headless, against a bare kernel running a
trivial notebook in the same run (the timings tests must not assert)."""

import tempfile

import nbformat

from autograder.course.paths import assignments, notebook
from autograder.course.execute import execute, execute_file

from .timing import once_seconds


def run(root):
    trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    with tempfile.TemporaryDirectory() as folder:
        kernel = min(once_seconds(lambda: execute(nbformat.from_dict(trivial), cwd=folder))
                     for _ in range(3))
    print(f"\nEach source notebook run headless (bare kernel, trivial notebook: {kernel:.2f} s)")
    for name in assignments(root):
        seconds = once_seconds(lambda name=name: execute_file(notebook(root, "source", name)))
        print(f"  {name:<28} {seconds:6.1f} s   x{seconds / kernel:5.1f} a bare kernel")
