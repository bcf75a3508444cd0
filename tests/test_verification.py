"""The trusted verification model (autograder/verification.py) and its secret cases
(verification/<assignment>.py): the cases cover the contract, the reference and every valid
alternative pass them, the catalogued mistakes fail them, and feedback reveals no values."""

import importlib
import json
import pkgutil

import nbformat
import numpy as np
import pytest

from autograder import reference
from autograder import verification as v
from autograder.course import notebook
from tests import mutants
from tests.contract import CONTRACT
from tests.course_copy import ROOT
from tests.mutants.catalogue import REGISTRY

for _module in pkgutil.iter_modules(mutants.__path__):
    importlib.import_module(f"tests.mutants.{_module.name}")

ASSIGNMENTS = list(CONTRACT)

# Mistakes that verification cannot catch, by design of the boundary:
UNCATCHABLE = {
    # Results cross the boundary as float64 arrays, so an integer dtype is invisible.
    "04_initialization:init_zeros_integers",
    # Returning one shared array only matters when the caller later writes into it; every
    # call's result is copied before it is compared.
    "04_initialization:init_zeros_shared",
}

_PREPARED = {}


def prepared(assignment, tmp_path_factory):
    """(cases, manifest, folder, reference namespace, reference outputs), made once."""
    if assignment not in _PREPARED:
        cases = v.load_cases(ROOT, assignment)
        folder = tmp_path_factory.mktemp(f"verification-{assignment}")
        manifest = v.encode(cases, folder)
        namespace = vars(reference.load(assignment, root=ROOT))
        outputs = [v.run_entry(namespace, entry, folder) for entry in manifest]
        _PREPARED[assignment] = (cases, manifest, folder, namespace, outputs)
    return _PREPARED[assignment]


def failures(namespace, target, assignment, tmp_path_factory):
    """The messages (or exceptions) of every case of ``target`` run on ``namespace``."""
    cases, manifest, folder, _, outputs = prepared(assignment, tmp_path_factory)
    found = []
    for case, entry, want in zip(cases, manifest, outputs, strict=True):
        if case.function != target:
            continue
        try:
            message = v.check(case, want, v.run_entry(namespace, entry, folder))
        except Exception as error:  # noqa: BLE001 - in the sandbox, any exception fails a case
            message = f"{case.function} raised {type(error).__name__}: {error}"
        if message:
            found.append(message)
    return found


def with_variant(variant, tmp_path_factory):
    """A copy of the reference namespace in which the variant replaces its target."""
    namespace = dict(prepared(variant.assignment, tmp_path_factory)[3])
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
def test_every_grade_cell_maps_to_a_contract_function(assignment):
    nb = nbformat.read(notebook(ROOT, "source", assignment), as_version=4)
    mapping = v.grade_cell_functions(nb, CONTRACT[assignment])
    assert mapping, "no grade cells found"
    assert all(mapping.values()), {k: f for k, f in mapping.items() if not f}
    assert mapping == v.grade_cell_functions(nb, CONTRACT[assignment])


def test_grade_cell_functions_parses_names_and_falls_back_to_words():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = np.tanh(1)\nrun(relu, [1])\nrun(tanh, 2)",
                                  metadata={"nbgrader": {"grade": True, "grade_id": "a"}}),
        nbformat.v4.new_code_cell("%time relu(3)", metadata={"nbgrader": {"grade": True,
                                                                           "grade_id": "b"}}),
        nbformat.v4.new_code_cell("relu(1)", metadata={"nbgrader": {"solution": True,
                                                                     "grade_id": "c"}}),
    ])
    assert v.grade_cell_functions(nb, ["tanh", "relu"]) == {"a": ["relu", "tanh"], "b": ["relu"]}


def test_load_cases_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="05_missing"):
        v.load_cases(tmp_path, "05_missing")


# 2. the reference -----------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_passes_its_own_cases(assignment, tmp_path_factory):
    cases, manifest, folder, namespace, outputs = prepared(assignment, tmp_path_factory)
    json.dumps(manifest)
    for case, entry, want in zip(cases, manifest, outputs, strict=True):
        again = v.run_entry(namespace, entry, folder)
        assert v.check(case, want, again) is None, case.label
        assert all(a.dtype == np.float64 for a in again)


# 3. valid alternatives ------------------------------------------------------------------
@pytest.mark.parametrize("variant", [v_ for v_ in REGISTRY if v_.valid], ids=lambda x: x.id)
def test_valid_alternative_passes_every_case(variant, tmp_path_factory):
    namespace = with_variant(variant, tmp_path_factory)
    found = failures(namespace, variant.target, variant.assignment, tmp_path_factory)
    assert not found, f"{variant.name} ({variant.description}) fails: {found}"


# 4. mistakes ----------------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_mistakes_are_caught(assignment, tmp_path_factory, capsys):
    mistakes = [m for m in REGISTRY if m.assignment == assignment and not m.valid]
    missed = {m.id for m in mistakes
              if not failures(with_variant(m, tmp_path_factory), m.target, assignment,
                              tmp_path_factory)}
    with capsys.disabled():
        print(f"\n{assignment}: verification catches {len(mistakes) - len(missed)} of "
              f"{len(mistakes)} catalogued mistakes")
    allowed = {name for name in UNCATCHABLE if name.startswith(f"{assignment}:")}
    assert missed == allowed, f"missed: {sorted(missed - allowed)}; " \
                              f"caught after all (shorten UNCATCHABLE): {sorted(allowed - missed)}"


# 5. strict decoding ---------------------------------------------------------------------
@pytest.fixture
def entry_folder(tmp_path):
    """A folder with one encoded sigmoid case, and its manifest entry."""
    manifest = v.encode([v.Case("sigmoid", (np.array([0.0, 1.0]),))], tmp_path)
    return manifest[0], tmp_path


NAMESPACE = {"sigmoid": lambda s: 1 / (1 + np.exp(-np.asarray(s, dtype=float)))}


def test_run_entry_runs_a_valid_entry(entry_folder):
    entry, folder = entry_folder
    (out,) = v.run_entry(NAMESPACE, entry, folder)
    assert np.allclose(out, [0.5, 0.7310585786])


@pytest.mark.parametrize("arg", [
    {"array": "../secret.npy"}, {"array": "sub/0_a0.npy"}, {"array": "/etc/passwd"},
    {"list": ".."}, {"arrays": ["0_a0.npy", "../0_a0.npy"]}, {"array": "0_a0.txt"},
    {"pickle": "0_a0.npy"}, {"array": "0_a0.npy", "seed": 1}, {"func": "os.system"},
    {"func": "eval"}, {"seed": True}, {"seed": -1}, {"value": [1, 2]},
    {"value": 1, "dtype": "object"}, {}, "0_a0.npy",
])
def test_run_entry_rejects_bad_arguments(entry_folder, arg):
    entry, folder = entry_folder
    with pytest.raises(ValueError):
        v.run_entry(NAMESPACE, {**entry, "args": [arg]}, folder)


@pytest.mark.parametrize("change", [
    {"function": "__import__"}, {"function": "a.b"}, {"repeat": 1}, {"args": {}},
    {"kwargs": {"not a name": {"value": 1}}}, {"extra": True},
])
def test_run_entry_rejects_bad_entries(entry_folder, change):
    entry, folder = entry_folder
    with pytest.raises(ValueError):
        v.run_entry(NAMESPACE, {**entry, **change}, folder)


def test_run_entry_needs_the_function_defined(entry_folder):
    entry, folder = entry_folder
    with pytest.raises(NameError):
        v.run_entry({"relu": np.abs}, entry, folder)


def test_run_entry_refuses_pickled_arrays(entry_folder):
    entry, folder = entry_folder
    np.save(folder / "0_a0.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError):
        v.run_entry(NAMESPACE, entry, folder)


def test_none_is_an_error_not_nan(entry_folder):
    entry, folder = entry_folder
    with pytest.raises(TypeError, match="None"):
        v.run_entry({"sigmoid": lambda s: None}, entry, folder)


def test_func_names_must_be_known():
    with pytest.raises(ValueError):
        v.Func("os.system")


def test_inputs_are_fresh_and_read_only(tmp_path):
    def scale_in_place(x, rng):
        x *= 2
        return x

    (entry,) = v.encode([v.Case("f", (np.ones(3), v.Seed(1)))], tmp_path)
    with pytest.raises(ValueError, match="read-only"):
        v.run_entry({"f": scale_in_place}, entry, tmp_path)


def test_seeded_entries_catch_global_random_state(tmp_path):
    case = v.Case("f", (v.Seed(5),), check="gaussian", std=1.0)
    (entry,) = v.encode([case], tmp_path)
    good = v.run_entry({"f": lambda rng: rng.normal(size=(400, 300))}, entry, tmp_path)
    bad = v.run_entry({"f": lambda rng: np.random.normal(size=(400, 300))}, entry, tmp_path)
    assert v.check(case, good, good) is None
    assert "reproducible" in v.check(case, good, bad)


def test_structures_that_flatten_alike_are_accepted(tmp_path):
    case = v.Case("stats", ([np.ones((2, 2)), np.zeros((3, 1))],))
    (entry,) = v.encode([case], tmp_path)
    want = v.run_entry({"stats": lambda a: (np.array([1.0, 0.0]), np.zeros(2))}, entry, tmp_path)
    stacked = v.run_entry({"stats": lambda a: np.array([[1.0, 0.0], [0.0, 0.0]])}, entry,
                          tmp_path)
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
def test_messages_reveal_no_values(variant_id, tmp_path_factory):
    variant = next(m for m in REGISTRY if m.id == variant_id)
    cases, manifest, folder, _, outputs = prepared(variant.assignment, tmp_path_factory)
    namespace = with_variant(variant, tmp_path_factory)
    checked = 0
    for case, entry, want in zip(cases, manifest, outputs, strict=True):
        if case.function != variant.target:
            continue
        got = v.run_entry(namespace, entry, folder)
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
