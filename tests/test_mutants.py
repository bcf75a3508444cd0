"""Every catalogued mistake loses points and every valid alternative earns full marks,
graded through the real pipeline: one temporary class per assignment, one student per
variant, each notebook reduced to its nbgrader cells."""

import importlib
import pkgutil
from collections import Counter

import nbformat
import pytest

from autograder.execute import grade_cells
from autograder.reference import answered
from tests import mutants
from tests.contract import CONTRACT
from tests.course_copy import (autograder, grades, graded_cells_only, make_course, read,
                               submit)
from tests.mutants.catalogue import REGISTRY

for module in pkgutil.iter_modules(mutants.__path__):
    importlib.import_module(f"tests.mutants.{module.name}")

pytestmark = pytest.mark.slow
# Variants graded together as one class. A big catalogue is split into several classes, each
# an xdist group of its own, so that the two workers share it (02's alone took 7 minutes).
CLASS_SIZE = 50
_CLASSES = {}


def _class_keys():
    """{variant id: its class}: each assignment's variants dealt into classes of at most
    CLASS_SIZE."""
    keys = {}
    for assignment in sorted({v.assignment for v in REGISTRY}):
        variants = [v for v in REGISTRY if v.assignment == assignment]
        parts = -(-len(variants) // CLASS_SIZE)
        for index, variant in enumerate(variants):
            keys[variant.id] = f"{assignment}-{index % parts + 1}of{parts}"
    return keys


CLASS_OF = _class_keys()


def graded_class(variant, tmp_path_factory):
    """Grade ``variant``'s class once; its grade rows and failure messages."""
    key, assignment = CLASS_OF[variant.id], variant.assignment
    if key not in _CLASSES:
        root = make_course(tmp_path_factory.mktemp(f"mutants-{key}"), [assignment])
        release, source = read("release", assignment), read("source", assignment)
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


@pytest.mark.parametrize("variant", _variant_params(valid=False))
def test_mistake_loses_points(variant, tmp_path_factory):
    rows, messages, log = graded_class(variant, tmp_path_factory)
    row = rows[(variant.name, variant.assignment)]
    assert honest_status(row["status"]), f"{variant.name}: {row['status']}\n{log}"
    assert float(row["score"]) < float(row["max_score"]), (
        f"{variant.name} ({variant.description}) scored full marks: the tests miss this mistake")
    failures = messages[variant.name]
    assert any(message and message.strip() for message in failures.values()), (
        f"{variant.name} failed {sorted(failures)} without any message for the student")


@pytest.mark.parametrize("variant", _variant_params(valid=True))
def test_valid_alternative_earns_full_marks(variant, tmp_path_factory):
    rows, messages, log = graded_class(variant, tmp_path_factory)
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
