"""Every catalogued mistake loses points and every valid alternative earns full marks,
graded through the real pipeline: temporary classes on a course reduced to their targets'
grade cells, each notebook reduced to its nbgrader cells. A submission carries variants of
several targets when each target keeps a cell no other one reaches; a verdict such a pack
cannot attribute comes from grading the variant alone. 04's mistakes are graded first on a
course of their targets' own test cells (`OWN_TESTS_FIRST`)."""

import importlib
import pkgutil
from collections import Counter
from itertools import combinations

import nbformat
import pytest

from autograder.course.execute import grade_cells
from autograder.course.reference import answered
from autograder.grading.verification import load_cases
from tests import mutants
from tests.contract import CONTRACT
from tests.course_copy import (ROOT, autograder, graded_cells_only, graded_ok, grades, read,
                               submit)
from tests.mutants.catalogue import REGISTRY
from autograder.grading.trusted_runner import bound_names
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
# 04's grade cells replay the lecture's 10-layer, 500-unit experiment, about 3 s of a
# submission's 5 (measured with `autograder grade` on these classes): its mistakes are graded
# first on a course of their targets' own test cells (`test_<target>`); one that loses no
# point there is graded alone on its class's whole course.
OWN_TESTS_FIRST = {"04_initialization"}


def _first_courses():
    """{class name: the cell ids of the course its mistakes are graded on first}, for the
    classes of OWN_TESTS_FIRST's assignments."""
    found = {}
    for key, (assignment, _, targets) in CLASSES.items():
        if assignment in OWN_TESTS_FIRST:
            cells = Cells(read("source", assignment), load_cases(ROOT, assignment))
            found[key] = set().union(*(cells.kept_ids(t, own_test_only=True) for t in targets))
    return found


FIRST_COURSE = _first_courses()
CLASS_OF = {v.id: name for name, (assignment, _, targets) in CLASSES.items()
            for v in REGISTRY if v.assignment == assignment and v.target in targets}


def _reach():
    """{variant id: the grade ids of the cells that reach its target}, through the course's
    answers or any catalogued version of a function."""
    reach = {}
    for assignment in sorted({v.assignment for v in REGISTRY}):
        variants = [v for v in REGISTRY if v.assignment == assignment]
        cells = Cells(read("source", assignment), load_cases(ROOT, assignment))
        for target in {v.target for v in variants}:
            cells.reached_by(target, [v.source for v in variants if v.target == target])
        for variant in variants:
            reach[variant.id] = cells.reached_by(variant.target)
    return reach


REACH = _reach()


def _own_cells(reach, member, members):
    """The cells of ``reach[member]`` that no other of ``members`` reaches: where a failure
    can only be ``member``'s."""
    return reach[member] - set().union(*(reach[m] for m in members if m != member))


def _groups(by_target):
    """Targets grouped so that each keeps a cell of its own (reached by no other target of
    its group), the targets with the most variants first."""
    reach = {t: REACH[variants[0].id] for t, variants in by_target.items()}
    groups = []
    for target in sorted(by_target, key=lambda t: (-len(by_target[t]), t)):
        group = next((g for g in groups if all(_own_cells(reach, t, [*g, target])
                                               for t in [*g, target])), None)
        if group is None:
            groups.append([target])
        else:
            group.append(target)
    return groups


def _packs(key):
    """The submissions of class ``key``: lists of variants, at most one per target, mistakes
    and valid alternatives apart, of targets that each keep a cell of their own in the pack
    (`_groups`). A variant that binds any name but its target's gets a submission of its own.
    A verdict a pack cannot attribute is settled by grading the variant alone (`_settled`)."""
    members = [v for v in REGISTRY if CLASS_OF[v.id] == key]
    alone = [v for v in members if bound_names(v.source) - {v.target}]
    packs = [[v] for v in alone]
    for valid in (False, True):
        by_target = {}
        for variant in members:
            if variant not in alone and variant.valid == valid:
                by_target.setdefault(variant.target, []).append(variant)
        for group in _groups(by_target):
            for k in range(max(len(by_target[t]) for t in group)):
                packs.append([by_target[t][k] for t in group if k < len(by_target[t])])
    return packs


PACK_OF = {v.id: (f"pack{index}", pack) for key in CLASSES
           for index, pack in enumerate(_packs(key)) for v in pack}


def _settled(variant, row, failures):
    """The pack's verdict on ``variant`` when it is its own, else None: the pack was graded,
    and a valid alternative failed no cell it reaches ({}), or a mistake failed cells of its
    own (those)."""
    if not graded_ok(row["status"]):
        return None
    if variant.valid:
        return None if failures else {}
    own = _own_cells(REACH, variant.id, [v.id for v in PACK_OF[variant.id][1]])
    return {g: m for g, m in failures.items() if g in own} or None


def _grade_course(root, assignment, ids, submissions):
    """Grade ``submissions`` ({student: {target: source}}) and the control on a course
    reduced to ``ids``; their grade rows, failure messages and the run's output."""
    release, source = make_reduced_course(root, assignment, ids)
    submit(root, CONTROL, assignment, graded_cells_only(answered(release, source)))
    for student, replace in submissions.items():
        nb = answered(release, source, replace=replace)
        submit(root, student, assignment, graded_cells_only(nb))
    result = autograder("grade", assignment, root=root)
    rows = grades(root)
    messages = {}
    for student, _ in rows:
        path = root / "autograded" / student / assignment / f"{assignment}.ipynb"
        if path.exists():
            outcomes = grade_cells(nbformat.read(path, as_version=4))
            messages[student] = {k: o.error_value for k, o in outcomes.items() if not o.passed}
    return rows, messages, result.stdout + result.stderr


def graded_class(key, tmp_path_factory):
    """Grade class ``key`` once: its packs, each course with the control, then alone each
    variant whose verdict its pack cannot attribute. {variant id: (its row, the failures of
    the cells reaching it, the log)}, and per course the control's (the course's cell ids,
    row, failures, log)."""
    if key not in _CLASSES:
        assignment, ids, _ = CLASSES[key]
        packs = _packs(key)
        courses = [(ids, packs)] if key not in FIRST_COURSE else [
            (FIRST_COURSE[key], [p for p in packs if not p[0].valid]),
            (ids, [p for p in packs if p[0].valid])]
        verdicts, unsettled, controls = {}, [], []
        for kept, graded_packs in courses:
            rows, messages, log = _grade_course(
                tmp_path_factory.mktemp("mutants"), assignment, kept,
                {PACK_OF[p[0].id][0]: {v.target: v.source for v in p} for p in graded_packs})
            controls.append((kept, rows[(CONTROL, assignment)], messages.get(CONTROL), log))
            for variant in (v for pack in graded_packs for v in pack):
                student = PACK_OF[variant.id][0]
                row = rows[(student, assignment)]
                failures = {g: m for g, m in messages.get(student, {}).items()
                            if g in REACH[variant.id]}
                settled = _settled(variant, row, failures)
                if settled is None:
                    unsettled.append(variant)
                else:
                    verdicts[variant.id] = (row, settled, log)
        if unsettled:
            alone_rows, alone_messages, alone_log = _grade_course(
                tmp_path_factory.mktemp("mutants-alone"), assignment, ids,
                {f"alone{i}": {v.target: v.source} for i, v in enumerate(unsettled)})
            for i, variant in enumerate(unsettled):
                failures = {g: m for g, m in alone_messages.get(f"alone{i}", {}).items()
                            if g in REACH[variant.id]}
                verdicts[variant.id] = (alone_rows[(f"alone{i}", assignment)], failures,
                                        alone_log)
        _CLASSES[key] = (verdicts, controls)
    return _CLASSES[key]


def _variant_params(valid):
    return [pytest.param(v, id=v.id, marks=pytest.mark.xdist_group(CLASS_OF[v.id]))
            for v in REGISTRY if v.valid == valid]


def honest_status(status):
    """An honest mistake is graded and never flagged: flags are for tampering only."""
    return graded_ok(status)


@pytest.mark.parametrize("key", [pytest.param(k, marks=pytest.mark.xdist_group(k))
                                 for k in CLASSES])
def test_reduced_course_gives_the_answers_full_marks(key, tmp_path_factory):
    _, controls = graded_class(key, tmp_path_factory)
    for kept, row, failures, log in controls:
        assert graded_ok(row["status"]), f"the answers were not graded: {row['status']}\n{log}"
        assert row["score"] == row["max_score"], (
            f"the answers scored {row['score']} of {row['max_score']} in a course reduced to "
            f"{sorted(kept)}: {failures}")


def _verdict(variant, tmp_path_factory):
    """The row of the submission that settled ``variant``, the failures of the cells reaching
    it (of its own cells when it shared a pack), and the run's output."""
    verdicts, _ = graded_class(CLASS_OF[variant.id], tmp_path_factory)
    return verdicts[variant.id]


@pytest.mark.parametrize("variant", _variant_params(valid=False))
def test_mistake_loses_points(variant, tmp_path_factory):
    row, failures, log = _verdict(variant, tmp_path_factory)
    assert honest_status(row["status"]), f"{variant.name}: {row['status']}\n{log}"
    assert failures, (f"{variant.name} ({variant.description}) passed every cell that reaches "
                      f"{variant.target} {sorted(REACH[variant.id])}: the tests miss this mistake")
    assert any(message and message.strip() for message in failures.values()), (
        f"{variant.name} failed {sorted(failures)} without any message for the student")


@pytest.mark.parametrize("variant", _variant_params(valid=True))
def test_valid_alternative_earns_full_marks(variant, tmp_path_factory):
    row, failures, log = _verdict(variant, tmp_path_factory)
    assert graded_ok(row["status"]), f"{variant.name} was not graded: {row['status']}\n{log}"
    assert not failures, (f"{variant.name} ({variant.description}) is correct but failed "
                          f"{failures}")


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
