"""04's visible tests catch the contract breaches a student meets first, and name them
(issue 20, finding 14). The release's grade cells (hidden tests left out) run in this
process on the course's own answers with one catalogued mistake put in: no student code."""

import pytest

from autograder.student.cells import nbgrader_meta
from autograder.course.reference import library_cells
from tests.course_copy import read
from tests.mutants.catalogue import REGISTRY
from tests.mutants.initialization import ASSIGNMENT

# mistake: (the grade cell that must fail, words its message must contain)
MISTAKES = {
    "backward_weights_changes_outputs": ("test_backward_weights", "changed the caller's lists"),
    "init_zeros_integers": ("test_init_zeros", "an integer dtype"),
    "init_normal_std_as_mean": ("test_init_normal", "std passed as the mean"),
}


def _visible(grade_id, replace=None):
    """Run the release's grade cell ``grade_id`` after the source's library cells, the
    solution of ``replace.target`` replaced by the variant's code."""
    namespace = {"__name__": "visible_tests"}
    for cell in library_cells(read("source", ASSIGNMENT)):
        meta = nbgrader_meta(cell)
        code = replace.source if replace and meta.get("grade_id") == replace.target else cell.source
        exec(compile(code, f"<{meta.get('grade_id')}>", "exec"), namespace)  # noqa: S102
    grade = next(c for c in read("release", ASSIGNMENT).cells
                 if nbgrader_meta(c).get("grade_id") == grade_id)
    exec(compile(grade.source, f"<{grade_id}>", "exec"), namespace)  # noqa: S102


@pytest.mark.parametrize("grade_id", sorted({cell for cell, _ in MISTAKES.values()}))
def test_the_course_answers_pass_the_visible_tests(grade_id):
    _visible(grade_id)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_visible_test_fails_the_mistake_and_names_it(name):
    grade_id, words = MISTAKES[name]
    variant = next(v for v in REGISTRY if v.assignment == ASSIGNMENT and v.name == name)
    with pytest.raises(AssertionError, match=words):
        _visible(grade_id, variant)
