"""Every source notebook runs top to bottom and passes its grade cells; every release
notebook fails each grade cell with NotImplementedError (nbgrader's validate --invert)."""

import time

import pytest

from autograder.course import assignments, notebook
from autograder.execute import errors, execute_file
from autograder.validate import release_problems, source_problems
from tests.course_copy import ROOT

pytestmark = pytest.mark.slow

# The issues' limits for one headless run of the solution, on this two-core machine.
TIME_LIMITS = {"01_regression_losses": 20, "02_classification_losses": 30,
               "03_activations": 20, "04_initialization": 30}


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_source_runs_top_to_bottom_without_errors_in_time(assignment):
    path = notebook(ROOT, "source", assignment)
    started = time.perf_counter()
    nb = execute_file(path)
    seconds = time.perf_counter() - started
    assert not errors(nb), errors(nb)
    print(f"{assignment}: {seconds:.1f} s")
    assert seconds < TIME_LIMITS[assignment], f"{assignment} took {seconds:.1f} s"


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_source_passes_every_grade_cell(assignment):
    assert source_problems(ROOT, assignment) == []


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_release_fails_every_grade_cell_with_not_implemented(assignment):
    assert release_problems(ROOT, assignment) == []
