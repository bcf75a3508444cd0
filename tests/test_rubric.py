"""Every score equals the rubric: honest students of 02 and 04, in many styles and with
catalogued mistakes, graded by `autograder grade --jobs 2`, get exactly the score of a plain
nbclient execution of the same notebook with the source's tests, and none is flagged.

To keep the class small, each notebook carries several styles (of different functions) or
two mistakes (in different functions): the comparison is per notebook all the same."""

import tempfile

import pytest

from autograder.student.cells import nbgrader_meta
from autograder.grading.check import restore
from autograder.course.execute import execute
from autograder.course.reference import answered
from tests.course_copy import (NEEDS_BWRAP, autograder, graded_cells_only, graded_ok, grades,
                               make_course, read, submit)
from tests.mutants import classification_losses, initialization  # noqa: F401 - registers
from tests.mutants.catalogue import REGISTRY
from tests.submissions.styles import STYLES_02, STYLES_04, Student

pytestmark = [
    pytest.mark.slow,
    NEEDS_BWRAP,
]
MISTAKES_EACH = 10
STYLES = {"02_classification_losses": STYLES_02, "04_initialization": STYLES_04}
PER_NOTEBOOK = 3  # styles in one notebook


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


def _groups(items, size, cells):
    """``items`` dealt into groups of at most ``size`` that change no cell twice."""
    groups = []
    for item in items:
        group = next((g for g in groups if len(g) < size
                      and not any(cells(item) & cells(other) for other in g)), None)
        if group is None:
            groups.append([item])
        else:
            group.append(item)
    return groups


def _combined(students):
    """One Student carrying the changes of ``students`` (each to other solution cells)."""
    merged = {"answers": {}, "before": {}, "after": {}}
    for student in students:
        for part, changes in merged.items():
            changes.update(getattr(student, part) or {})
    return Student("+".join(s.name for s in students), students[0].assignment, **merged)


def notebooks(assignment):
    """{student: notebook}: the styles of ``assignment`` several to a notebook, and its
    mistakes two to a notebook."""
    release, source = read("release", assignment), read("source", assignment)
    styles = _groups(STYLES[assignment], PER_NOTEBOOK,
                     lambda s: {*s.answers, *(s.before or {}), *(s.after or {})})
    made = {}
    for group in styles:
        student = _combined(group) if len(group) > 1 else group[0]
        made[student.name] = student.build(release, source)
    for pair in _groups(mistakes(assignment), 2, lambda v: {v.target}):
        name = "mistake_" + "+".join(v.name for v in pair)
        made[name] = graded_cells_only(answered(
            release, source, replace={v.target: v.source for v in pair}))
    return made


def nbclient_score(nb, source):
    """The score of a plain nbclient execution of ``nb`` with the source's tests restored:
    a grade cell (code: written answers are graded by a person) earns its points when it
    shows no error."""
    prepared = restore(nb, source)
    with tempfile.TemporaryDirectory() as folder:
        execute(prepared, cwd=folder, timeout=300)
    return sum(float(nbgrader_meta(c).get("points") or 0) for c in prepared.cells
               if c.cell_type == "code" and nbgrader_meta(c).get("grade") and not any(
                   o.output_type == "error" for o in c.get("outputs", [])))


_GRADED = {}
ASSIGNMENTS = [pytest.param(a, marks=pytest.mark.xdist_group(f"rubric-{a}"))
               for a in sorted(STYLES)]


def graded(assignment, tmp_path_factory):
    """Grade ``assignment``'s honest class once: (rows, {student: the nbclient score})."""
    if assignment not in _GRADED:
        root = make_course(tmp_path_factory.mktemp(f"rubric-{assignment}"), [assignment])
        made = notebooks(assignment)
        for student, nb in made.items():
            submit(root, student, assignment, nb)
        result = autograder("grade", assignment, "--jobs", "2", root=root)
        assert result.returncode == 0, result.stdout + result.stderr
        source = read("source", assignment)
        _GRADED[assignment] = grades(root), {student: nbclient_score(nb, source)
                                             for student, nb in made.items()}
    return _GRADED[assignment]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_honest_student_gets_exactly_the_rubric_and_no_flag(assignment, tmp_path_factory):
    rows, expected = graded(assignment, tmp_path_factory)
    assert len(STYLES[assignment]) >= (15 if assignment.startswith("02") else 5)
    wrong = {}
    for student, score in expected.items():
        row = rows[(student, assignment)]
        if float(row["score"]) != score or not graded_ok(row["status"]):
            wrong[student] = (row["score"], score, row["status"], row["failed_tests"])
    assert not wrong, f"graded (score, rubric, status, failed) differ: {wrong}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_mistakes_lose_points_and_the_styles_keep_them(assignment, tmp_path_factory):
    rows, expected = graded(assignment, tmp_path_factory)
    for student, score in expected.items():
        full = float(rows[(student, assignment)]["max_score"])  # the tests' points only
        assert (score < full) == student.startswith("mistake_"), (student, score, full)
