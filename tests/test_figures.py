"""Every figure the solutions notebooks draw follows the course's figure rules:

1. every visible axis has a non-empty xlabel and ylabel (units in parentheses where there
   is a unit; a colorbar's scale axis has a label);
2. a legend's window extent lies within its axes' window extent (no figure legends);
3. an axis whose plotted data are all integers (e.g. depth, layer, epoch, K) shows only
   integer tick labels.

Each notebook's code cells run once, in a subprocess with a headless backend; every figure
is checked where the notebook shows it (tests/figure_audit.py)."""

import json
import subprocess
import sys

import pytest

from autograder.course.paths import assignments, notebook
from tests.course_copy import ROOT


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_figures_are_labelled_with_legends_inside_and_integer_ticks(assignment):
    result = subprocess.run(
        [sys.executable, "-m", "tests.figure_audit", str(notebook(ROOT, "source", assignment))],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    problems = json.loads(result.stdout.splitlines()[-1])
    assert not problems, "\n".join(problems)
