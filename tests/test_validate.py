"""Every source notebook runs top to bottom and passes its grade cells; every release
notebook fails each grade cell with NotImplementedError (nbgrader's validate --invert)."""

import pytest

from autograder.course.paths import assignments, notebook
from autograder.course.execute import errors, execute_file
from autograder.editions.validate import release_problems, source_problems
from tests.course_copy import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_source_runs_top_to_bottom_and_passes_every_grade_cell(assignment):
    """One execution for both. How long it takes is `make bench`'s to report (a busy
    machine runs it several times slower); execute_file's per-cell timeout still stops a
    notebook that hangs."""
    nb = execute_file(notebook(ROOT, "source", assignment))
    assert not errors(nb), errors(nb)
    assert source_problems(ROOT, assignment, executed=nb) == []


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_release_fails_every_grade_cell_with_not_implemented(assignment):
    assert release_problems(ROOT, assignment) == []
