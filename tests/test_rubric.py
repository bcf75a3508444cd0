"""Every score equals the rubric: honest students of 02 and 04, in many styles and with one
catalogued mistake each, graded by `autograder grade --jobs 2`, get exactly the score of a
plain nbclient execution of the same notebook with the source's tests, and none is flagged."""

import tempfile

import pytest

from autograder import sandbox
from autograder.cells import nbgrader_meta
from autograder.check import restore
from autograder.execute import execute
from autograder.reference import answered
from tests.course_copy import autograder, graded_cells_only, grades, make_course, read, submit
from tests.mutants import classification_losses, initialization  # noqa: F401 - registers
from tests.mutants.catalogue import REGISTRY
from tests.submissions.styles import STYLES_02, STYLES_04

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("rubric"),
    pytest.mark.skipif(not sandbox.available(), reason="bubblewrap (bwrap) is not installed: "
                       "apt-get install bubblewrap"),
]
MISTAKES_EACH = 10
STYLES = {"02_classification_losses": STYLES_02, "04_initialization": STYLES_04}


def mistakes(assignment):
    """MISTAKES_EACH catalogued mistakes of ``assignment``, dealt round the functions."""
    by_target = {}
    for variant in REGISTRY:
        if variant.assignment == assignment and not variant.valid:
            by_target.setdefault(variant.target, []).append(variant)
    chosen, round_ = [], 0
    while len(chosen) < MISTAKES_EACH:
        for variants in by_target.values():
            if round_ < len(variants) and len(chosen) < MISTAKES_EACH:
                chosen.append(variants[round_])
        round_ += 1
    return chosen


def notebooks(assignment):
    """{student: notebook} of every style and mistake student of ``assignment``."""
    release, source = read("release", assignment), read("source", assignment)
    made = {s.name: s.build(release, source) for s in STYLES[assignment]}
    for variant in mistakes(assignment):
        made[f"mistake_{variant.name}"] = graded_cells_only(
            answered(release, source, replace={variant.target: variant.source}))
    return made


def nbclient_score(nb, source):
    """The score of a plain nbclient execution of ``nb`` with the source's tests restored:
    a grade cell earns its points when it shows no error."""
    prepared = restore(nb, source)
    with tempfile.TemporaryDirectory() as folder:
        execute(prepared, cwd=folder, timeout=300)
    return sum(float(nbgrader_meta(c).get("points") or 0) for c in prepared.cells
               if nbgrader_meta(c).get("grade") and not any(
                   o.output_type == "error" for o in c.get("outputs", [])))


@pytest.fixture(scope="module", params=sorted(STYLES))
def graded(request, tmp_path_factory):
    assignment = request.param
    root = make_course(tmp_path_factory.mktemp(f"rubric-{assignment}"), [assignment])
    made = notebooks(assignment)
    for student, nb in made.items():
        submit(root, student, assignment, nb)
    result = autograder("grade", assignment, "--jobs", "2", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    source = read("source", assignment)
    expected = {student: nbclient_score(nb, source) for student, nb in made.items()}
    return assignment, grades(root), expected


def test_each_honest_student_gets_exactly_the_rubric_and_no_flag(graded):
    assignment, rows, expected = graded
    assert len(STYLES[assignment]) >= (15 if assignment.startswith("02") else 5)
    wrong = {}
    for student, score in expected.items():
        row = rows[(student, assignment)]
        if float(row["score"]) != score or row["status"] != "ok":
            wrong[student] = (row["score"], score, row["status"], row["failed_tests"])
    assert not wrong, f"graded (score, rubric, status, failed) differ: {wrong}"


def test_the_mistakes_lose_points_and_the_styles_keep_them(graded):
    assignment, rows, expected = graded
    for student, score in expected.items():
        full = float(rows[(student, assignment)]["max_score"])
        assert (score < full) == student.startswith("mistake_"), (student, score, full)
