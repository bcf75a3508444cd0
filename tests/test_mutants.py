"""Every catalogued mistake loses points and every valid alternative earns full marks,
graded through the real pipeline: temporary classes of one student per variant, each class
on a course reduced to its targets' grade cells, each notebook reduced to its nbgrader
cells."""

import importlib
import pkgutil
from collections import Counter
from itertools import combinations

import nbformat
import pytest

from autograder.execute import grade_cells
from autograder.reference import answered
from autograder.verification import load_cases
from tests import mutants
from tests.contract import CONTRACT
from tests.course_copy import ROOT, autograder, grades, graded_cells_only, read, submit
from tests.mutants.catalogue import REGISTRY
from tests.reduced_course import Cells, make_reduced_course

for module in pkgutil.iter_modules(mutants.__path__):
    importlib.import_module(f"tests.mutants.{module.name}")

pytestmark = pytest.mark.slow
# Variants graded together as one class, on a course reduced to their targets' grade cells
# (tests/reduced_course.py). Each class is an xdist group, so the two workers share the
# catalogue. CPU seconds of a class, measured on classes of 1 to 30: a run of `autograder
# grade`, then per submission, plus per cell of its course (most of a submission's time is
# kernel start-up, nbgrader's gradebook writes and the feedback page):
CLASS_SECONDS, SUBMISSION_SECONDS, CELL_SECONDS = 10.0, 0.7, 0.03
CLASS_SIZE = 50
CONTROL = "the_course_answers"  # a student of every class: the course's own answers
_CLASSES = {}


def _cost(ids, count):
    return CLASS_SECONDS + count * (SUBMISSION_SECONDS + CELL_SECONDS * len(ids))


def _deal(assignment):
    """{frozenset of targets: the cell ids their reduced course keeps}: one class per target
    at first, then the pair whose merging saves the most merged while any saves time."""
    variants = [v for v in REGISTRY if v.assignment == assignment]
    cells = Cells(read("source", assignment), load_cases(ROOT, assignment))
    classes = {frozenset([t]): cells.kept_ids(t) for t in sorted({v.target for v in variants})}
    count = Counter(v.target for v in variants)
    size = {key: sum(count[t] for t in key) for key in classes}
    while True:
        merges = [(_cost(classes[a], size[a]) + _cost(classes[b], size[b])
                   - _cost(classes[a] | classes[b], size[a] + size[b]), sorted(a | b), a, b)
                  for a, b in combinations(classes, 2) if size[a] + size[b] <= CLASS_SIZE]
        saving, _, a, b = max(merges, default=(0, None, None, None))
        if saving <= 0:
            return classes
        classes[a | b] = classes.pop(a) | classes.pop(b)
        size[a | b] = size[a] + size[b]


def _classes():
    """{class name: (assignment, the cell ids its course keeps, its targets)}."""
    found = {}
    for assignment in sorted({v.assignment for v in REGISTRY}):
        for targets, ids in _deal(assignment).items():
            found[f"{assignment}-{'+'.join(sorted(targets))}"] = (assignment, ids, targets)
    return found


CLASSES = _classes()
CLASS_OF = {v.id: name for name, (assignment, _, targets) in CLASSES.items()
            for v in REGISTRY if v.assignment == assignment and v.target in targets}


def graded_class(key, tmp_path_factory):
    """Grade class ``key`` once: its variants and the control; its grade rows and failure
    messages."""
    if key not in _CLASSES:
        assignment, ids, _ = CLASSES[key]
        root = tmp_path_factory.mktemp("mutants")
        release, source = make_reduced_course(root, assignment, ids)
        submit(root, CONTROL, assignment, graded_cells_only(answered(release, source)))
        for member in (v for v in REGISTRY if CLASS_OF[v.id] == key):
            nb = answered(release, source, replace={member.target: member.source})
            submit(root, member.name, assignment, graded_cells_only(nb))
        result = autograder("grade", assignment, root=root)
        rows = grades(root)
        messages = {}
        for student, _ in rows:
            path = root / "autograded" / student / assignment / f"{assignment}.ipynb"
            if path.exists():
                outcomes = grade_cells(nbformat.read(path, as_version=4))
                messages[student] = {k: o.error_value for k, o in outcomes.items() if not o.passed}
        _CLASSES[key] = (rows, messages, result.stdout + result.stderr)
    return _CLASSES[key]


def _variant_params(valid):
    return [pytest.param(v, id=v.id, marks=pytest.mark.xdist_group(CLASS_OF[v.id]))
            for v in REGISTRY if v.valid == valid]


def honest_status(status):
    """An honest mistake is graded and never flagged: flags are for tampering only."""
    return status == "ok"


@pytest.mark.parametrize("key", [pytest.param(k, marks=pytest.mark.xdist_group(k))
                                 for k in CLASSES])
def test_reduced_course_gives_the_answers_full_marks(key, tmp_path_factory):
    rows, messages, log = graded_class(key, tmp_path_factory)
    row = rows[(CONTROL, CLASSES[key][0])]
    assert row["status"] == "ok", f"the answers were not graded: {row['status']}\n{log}"
    assert row["score"] == row["max_score"], (
        f"the answers scored {row['score']} of {row['max_score']} in a course reduced to "
        f"{sorted(CLASSES[key][1])}: {messages.get(CONTROL)}")


@pytest.mark.parametrize("variant", _variant_params(valid=False))
def test_mistake_loses_points(variant, tmp_path_factory):
    rows, messages, log = graded_class(CLASS_OF[variant.id], tmp_path_factory)
    row = rows[(variant.name, variant.assignment)]
    assert honest_status(row["status"]), f"{variant.name}: {row['status']}\n{log}"
    assert float(row["score"]) < float(row["max_score"]), (
        f"{variant.name} ({variant.description}) scored full marks: the tests miss this mistake")
    failures = messages[variant.name]
    assert any(message and message.strip() for message in failures.values()), (
        f"{variant.name} failed {sorted(failures)} without any message for the student")


@pytest.mark.parametrize("variant", _variant_params(valid=True))
def test_valid_alternative_earns_full_marks(variant, tmp_path_factory):
    rows, messages, log = graded_class(CLASS_OF[variant.id], tmp_path_factory)
    row = rows[(variant.name, variant.assignment)]
    assert row["status"] == "ok", f"{variant.name} was not graded: {row['status']}\n{log}"
    assert row["score"] == row["max_score"], (
        f"{variant.name} ({variant.description}) is correct but scored "
        f"{row['score']} of {row['max_score']}: {messages.get(variant.name)}")


@pytest.mark.parametrize("assignment", sorted(CONTRACT))
def test_catalogue_covers_every_contract_function(assignment):
    mistakes = Counter(v.target for v in REGISTRY if v.assignment == assignment and not v.valid)
    alternatives = Counter(v.target for v in REGISTRY if v.assignment == assignment and v.valid)
    thin = {f: mistakes[f] for f in CONTRACT[assignment] if mistakes[f] < 3}
    missing = [f for f in CONTRACT[assignment] if alternatives[f] < 1]
    assert not thin, f"fewer than three mistakes catalogued for {thin}"
    assert not missing, f"no valid alternative catalogued for {missing}"


def test_variant_names_are_unique():
    names = Counter(v.id for v in REGISTRY)
    assert not [n for n, count in names.items() if count > 1]
