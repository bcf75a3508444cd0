"""The verification model (autograder/grading/verification.py) and its secret cases
(verification/<assignment>.py): the cases cover the contract and belong each to one grade
cell, the reference and every valid alternative pass them, the catalogued mistakes fail
them, and their messages reveal no values."""

import importlib
import pkgutil

import numpy as np
import pytest

from autograder.course import reference
from autograder.grading import verification as v
from autograder.grading.answer_key import AnswerKey
from tests import mutants
from tests.contract import CONTRACT
from tests.course_copy import ROOT
from tests.mutants.catalogue import REGISTRY

for _module in pkgutil.iter_modules(mutants.__path__):
    importlib.import_module(f"tests.mutants.{_module.name}")

ASSIGNMENTS = list(CONTRACT)

# Mistakes that verification cannot catch, by design: results are compared as float64
# arrays, so an integer or boolean dtype is invisible, and each call gets fresh copies of its
# inputs, so a change to the caller's list is too (the grade cells' own tests catch these).
UNCATCHABLE = {"04_initialization:init_zeros_integers", "04_initialization:init_zeros_shared",
               "04_initialization:backward_weights_changes_outputs",
               "03_activations:relu_grad_boolean"}

_PREPARED = {}


def prepared(assignment):
    """(cases, reference namespace, reference outputs), made once."""
    if assignment not in _PREPARED:
        cases = v.load_cases(ROOT, assignment)
        namespace = vars(reference.load(assignment, root=ROOT))
        _PREPARED[assignment] = (cases, namespace,
                                 [v.reference_outputs(namespace, case) for case in cases])
    return _PREPARED[assignment]


def call(namespace, case):
    """The outputs of ``case`` run on ``namespace``, as the grade cell runs it."""
    return v.reference_outputs(namespace, case)


def failures(namespace, target, assignment):
    """The messages (or exceptions) of every case of ``target`` run on ``namespace``."""
    cases, _, outputs = prepared(assignment)
    found = []
    for case, want in zip(cases, outputs, strict=True):
        if case.function != target:
            continue
        try:
            message = v.check(case, want, call(namespace, case))
        except Exception as error:  # noqa: BLE001 - any exception fails a case
            message = f"{case.function} raised {type(error).__name__}: {error}"
        if message:
            found.append(message)
    return found


def with_variant(variant):
    """A copy of the reference namespace in which the variant replaces its target."""
    namespace = dict(prepared(variant.assignment)[1])
    exec(compile(variant.source, f"<{variant.id}>", "exec"), namespace)
    return namespace


# 1. coverage ----------------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_contract_function_has_at_least_four_cases(assignment):
    """Four cases each; a random initializer two large statistical ones (each is called
    three times and its arrays travel back from the sandbox)."""
    cases = v.load_cases(ROOT, assignment)
    counts = {name: sum(c.function == name for c in cases) for name in CONTRACT[assignment]}
    gaussian = {c.function for c in cases if c.check == "gaussian"}
    assert all(n >= (2 if name in gaussian else 4) for name, n in counts.items()), counts
    assert {c.function for c in cases} <= set(CONTRACT[assignment])
    for case in cases:
        if case.check == "gaussian":
            shape = tuple(int(a) for a in case.args[:2])
            assert shape[0] != shape[1] and shape[0] * shape[1] >= v.MIN_GAUSSIAN_ENTRIES, case


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_case_belongs_to_a_grade_cell_that_tests_its_function(assignment):
    key = AnswerKey.load(ROOT, assignment)
    assert sum(len(c) for c in key.checks.values()) == len(v.load_cases(ROOT, assignment))
    for grade_id, checks in key.checks.items():
        assert all(grade_id.startswith(f"test_{case.function}") for case, _ in checks), grade_id
        stability = grade_id.endswith("_stability")
        assert all(("huge" in case.label) == stability for case, _ in checks
                   if case.function in ("softmax", "cross_entropy_loss")), grade_id


def test_load_cases_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="05_missing"):
        v.load_cases(tmp_path, "05_missing")


# 2. the reference -----------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_passes_its_own_cases(assignment):
    cases, namespace, outputs = prepared(assignment)
    for case, want in zip(cases, outputs, strict=True):
        again = call(namespace, case)
        assert v.check(case, want, again) is None, case.label
        assert all(a.dtype == np.float64 for a in again)


# 3. valid alternatives ------------------------------------------------------------------
@pytest.mark.parametrize("variant", [v_ for v_ in REGISTRY if v_.valid], ids=lambda x: x.id)
def test_valid_alternative_passes_every_case(variant):
    found = failures(with_variant(variant), variant.target, variant.assignment)
    assert not found, f"{variant.name} ({variant.description}) fails: {found}"


# 4. mistakes ----------------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_mistakes_are_caught(assignment, capsys):
    mistakes = [m for m in REGISTRY if m.assignment == assignment and not m.valid]
    missed = {m.id for m in mistakes if not failures(with_variant(m), m.target, assignment)}
    with capsys.disabled():
        print(f"\n{assignment}: verification catches {len(mistakes) - len(missed)} of "
              f"{len(mistakes)} catalogued mistakes")
    allowed = {name for name in UNCATCHABLE if name.startswith(f"{assignment}:")}
    assert missed == allowed, f"missed: {sorted(missed - allowed)}; " \
                              f"caught after all (shorten UNCATCHABLE): {sorted(allowed - missed)}"


# 5. calling -----------------------------------------------------------------------------
def test_none_is_an_error_not_nan():
    with pytest.raises(TypeError, match="None"):
        call({"sigmoid": lambda s: None}, v.Case("sigmoid", (np.array([0.0, 1.0]),)))


def test_func_names_must_be_known():
    with pytest.raises(ValueError):
        v.Func("os.system")


def test_inputs_are_fresh_and_read_only():
    def scale_in_place(x, rng):
        x *= 2
        return x

    with pytest.raises(ValueError, match="read-only"):
        call({"f": scale_in_place}, v.Case("f", (np.ones(3), v.Seed(1))))


def test_seeded_cases_catch_global_random_state():
    case = v.Case("f", (v.Seed(5),), check="gaussian", std=1.0)
    good = call({"f": lambda rng: rng.normal(size=(400, 300))}, case)
    bad = call({"f": lambda rng: np.random.normal(size=(400, 300))}, case)
    assert v.check(case, good, good) is None
    assert "reproducible" in v.check(case, good, bad)


def test_structures_that_flatten_alike_are_accepted():
    case = v.Case("stats", ([np.ones((2, 2)), np.zeros((3, 1))],))
    want = call({"stats": lambda a: (np.array([1.0, 0.0]), np.zeros(2))}, case)
    stacked = call({"stats": lambda a: np.array([[1.0, 0.0], [0.0, 0.0]])}, case)
    assert v.check(case, want, stacked) is None
    assert "3 results" in v.check(case, want, [np.ones(2)] * 3)


# 6. no values in feedback ---------------------------------------------------------------
def _numbers(arrays):
    """Several renderings of the non-integer numbers in arrays (the first 50 of each)."""
    texts = set()
    for array in arrays:
        for x in np.ravel(np.asarray(array, dtype=float))[:50]:
            if np.isfinite(x) and x != round(x):
                texts |= {f"{x:.3g}", f"{x:.4g}", f"{x:.6g}", repr(float(x)), str(x)}
    return {t for t in texts if len(t.lstrip("-")) >= 4}


@pytest.mark.parametrize("variant_id", [
    "01_regression_losses:l2_loss_mean", "01_regression_losses:l1_loss_grad_residual",
    "02_classification_losses:softmax_axis0", "02_classification_losses:hinge_loss_squared",
    "02_classification_losses:linear_classifier_loss_half_convention",
    "03_activations:prelu_grad_dalpha_is_alpha", "03_activations:maxout_min",
    "04_initialization:init_xavier_glorot", "04_initialization:init_normal_std_as_variance",
    "04_initialization:activation_stats_variance",
])
def test_messages_reveal_no_values(variant_id):
    variant = next(m for m in REGISTRY if m.id == variant_id)
    cases, _, outputs = prepared(variant.assignment)
    namespace = with_variant(variant)
    checked = 0
    for case, want in zip(cases, outputs, strict=True):
        if case.function != variant.target:
            continue
        got = call(namespace, case)
        message = v.check(case, want, got)
        if message is None:
            continue
        checked += 1
        inputs = [a.array if isinstance(a, v.AsList) else a for a in case.args
                  if isinstance(a, (np.ndarray, v.AsList, float))]
        secret = _numbers(want) | _numbers(inputs) | _numbers(got)
        if case.std is not None:
            secret |= _numbers([case.std, case.std ** 2])
        assert "\n" not in message
        assert not [s for s in secret if s in message], message
    assert checked
