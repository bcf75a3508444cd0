"""Verification cases: hidden tests of the contract functions on secret inputs, kept apart.

The instructor's cases (``verification/<assignment>.py``, never published) are hidden tests
of one grade cell each (:attr:`Case.grade_id`, by default ``test_<function>``): when that
cell's own tests pass, the trusted test runner calls the student's function on every case
(:func:`call_case`, through the proxy into the sandbox) and compares the result with the
reference functions' outputs (:func:`reference_outputs`) with :func:`check`, whose messages
name the function, the case's label and shapes, never an input or an expected value. A
failing case costs that cell's points and no other's.
"""

import importlib.util
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..student import callables

SEED = 20_250_917
"""The one seed of every case's random inputs, so that grading is reproducible."""

CHECKS = ("close", "gaussian")

# "gaussian": with n >= MIN_GAUSSIAN_ENTRIES entries the sample mean has a standard error of
# std / sqrt(n) <= 0.0032 std, the sample variance a relative one of sqrt(2 / n) <= 0.45 % and
# the kurtosis one of sqrt(24 / n) <= 0.016: the bands below are 9, 6.7 and 16 standard
# errors wide (as the notebook's check_gaussian_init), while a uniform has kurtosis 1.8.
MIN_GAUSSIAN_ENTRIES = 100_000
GAUSSIAN_MEAN = 0.03
GAUSSIAN_VARIANCE = 0.03
GAUSSIAN_KURTOSIS = (2.75, 3.25)

# Calls of a seeded entry: the same seed twice (the arrays must be identical), then the
# seed + 1 (the array must differ); np.random's global state is reseeded before each call.
SEED_SHIFTS = (0, 0, 1)
_GLOBAL_SEEDS = (101, 202, 303)


FUNCTIONS = {
    "tanh": np.tanh,
    "relu": callables.relu,
    "sigmoid": callables.sigmoid,
    "sin": np.sin,
    "abs": np.abs,
    "tanh_grad_from_output": callables.tanh_grad_from_output,
    "relu_grad_from_output": callables.relu_grad_from_output,
}
"""The callables a case may pass: NumPy's and the public registry's, which cross by name."""


@dataclass(frozen=True, eq=False)
class AsList:
    """An array passed to the student's function as nested Python lists."""

    array: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "array", np.asarray(self.array))


@dataclass(frozen=True)
class Seed:
    """A seed passed as a fresh ``np.random.default_rng(seed)`` on each call."""

    seed: int


@dataclass(frozen=True)
class Func:
    """A name from FUNCTIONS, passed as that callable."""

    name: str

    def __post_init__(self):
        if self.name not in FUNCTIONS:
            raise ValueError(f"unknown function {self.name!r}; known: {sorted(FUNCTIONS)}")


@dataclass(frozen=True)
class Case:
    """One call of a contract function and how its result is judged."""

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    check: str = "close"
    rtol: float = 1e-6
    atol: float = 1e-9
    std: float | None = None
    label: str = ""
    cell: str = ""  # the grade cell whose hidden tests these are; default test_<function>

    def __post_init__(self):
        object.__setattr__(self, "args", tuple(self.args))
        object.__setattr__(self, "kwargs", dict(self.kwargs))
        if self.check not in CHECKS:
            raise ValueError(f"check must be one of {CHECKS}, not {self.check!r}")
        if self.check == "gaussian" and (self.std is None or not self.seeded):
            raise ValueError("a 'gaussian' case needs std and a Seed argument")

    @property
    def seeded(self):
        """Whether an argument is a Seed (the entry is then called several times)."""
        return any(isinstance(v, Seed) for v in (*self.args, *self.kwargs.values()))

    @property
    def grade_id(self):
        """The grade cell this case belongs to: it costs that cell's points only."""
        return self.cell or f"test_{self.function}"

    @property
    def calls(self):
        """How many calls call_case makes for this case."""
        return len(SEED_SHIFTS) if self.seeded else 1


# --- cases ------------------------------------------------------------------------------
def load_cases(root, assignment):
    """The cases of ``<root>/verification/<assignment>.py``: its ``cases(rng)`` with SEED."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", assignment):
        raise ValueError(f"not an assignment name: {assignment!r}")
    path = Path(root) / "verification" / f"{assignment}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no verification cases for {assignment}: {path} is missing")
    spec = importlib.util.spec_from_file_location(f"verification_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = list(module.cases(np.random.default_rng(SEED)))
    for case in cases:
        if not isinstance(case, Case):
            raise TypeError(f"{path}: cases() returned {type(case).__name__}, not Case")
    return cases


# --- calling ----------------------------------------------------------------------------
def _argument(value, shift):
    """The Python object an argument of a case stands for (a fresh one on every call)."""
    if isinstance(value, AsList):
        return value.array.tolist()
    if isinstance(value, Seed):
        return np.random.default_rng(value.seed + shift)
    if isinstance(value, Func):
        return FUNCTIONS[value.name]
    if isinstance(value, np.ndarray):
        array = value.copy()
        array.flags.writeable = False  # writing into an input fails, as it must
        return array
    if isinstance(value, (list, tuple)):
        return [_argument(v, shift) for v in value]
    return value


def _as_floats(value):
    """A copy of value as a float64 array (None is an error, not NaN)."""
    if value is None:
        raise TypeError("the function returned None (is a return statement missing?)")
    return np.array(value, dtype=float)


def _flatten(result):
    """A result as a list of float64 arrays: one per element of a list or tuple."""
    if isinstance(result, (list, tuple)):
        return [_as_floats(element) for element in result]
    return [_as_floats(result)]


def call_case(function, case, seed_global):
    """Call ``function`` as ``case`` says; its outputs as float arrays (a seeded case: the
    outputs of all SEED_SHIFTS calls, concatenated, with NumPy's global generator seeded
    through ``seed_global`` before each call)."""
    outputs = []
    for call, shift in enumerate(SEED_SHIFTS if case.seeded else (0,)):
        args = [_argument(a, shift) for a in case.args]
        kwargs = {k: _argument(v, shift) for k, v in case.kwargs.items()}
        if case.seeded:
            seed_global(_GLOBAL_SEEDS[call])
        outputs.extend(_flatten(function(*args, **kwargs)))
    return outputs


def reference_outputs(namespace, case):
    """The reference functions' outputs on ``case``, computed here (NumPy's global random
    state is restored afterwards)."""
    state = np.random.get_state()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return call_case(namespace[case.function], case, np.random.seed)
    finally:
        np.random.set_state(state)


# --- checking ---------------------------------------------------------------------------
def describe(case):
    """How a message names the call: the function and the case's label."""
    return f"{case.function} with {case.label}" if case.label else case.function


def _plural(count, word, words=None):
    """'1 entry', '3 entries'."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def _conform(student, count):
    """The student's arrays in the reference's structure (count arrays), or None."""
    if len(student) == count:
        return student
    if count == 1 and student:
        try:
            return [np.stack(student)]
        except ValueError:
            return None
    if len(student) == 1 and student[0].ndim >= 1 and student[0].shape[0] == count:
        return list(student[0])
    return None


def _compare(case, want, got, name):
    """A message when got is not want (shape, NaN/inf, values), else None."""
    if got.shape != want.shape:
        return f"{name} has shape {got.shape} where shape {want.shape} was expected"
    bad = ~np.isfinite(got) & np.isfinite(want)
    if bad.any():
        return f"{name} holds NaN or inf at {_plural(int(bad.sum()), 'place')} (expected finite)"
    close = np.isclose(got, want, rtol=case.rtol, atol=case.atol, equal_nan=True)
    if not close.all():
        wrong, total = int(close.size - close.sum()), _plural(close.size, "entry", "entries")
        return f"{name} has wrong values ({wrong} of {total} differ)"
    return None


def _check_close(case, groups):
    """Compare every call's arrays with the reference's."""
    for call, (want, got) in enumerate(groups):
        for i, (w, g) in enumerate(zip(want, got, strict=True)):
            name = "the result" if len(want) == 1 else f"result {i + 1} of {len(want)}"
            if case.calls > 1:
                name += f" of call {call + 1}"
            message = _compare(case, w, g, name)
            if message:
                return message
    return None


def _gaussian_stats(case, values):
    """A message when values are not a zero-mean Gaussian of std case.std, else None."""
    mean, var = values.mean(), values.var()
    if abs(mean) > GAUSSIAN_MEAN * case.std:
        return "the entries' mean is not 0"
    if abs(var / case.std ** 2 - 1) > GAUSSIAN_VARIANCE:
        side = "large" if var > case.std ** 2 else "small"
        return f"the entries' standard deviation is too {side} (more than 3 % off in variance)"
    kurtosis = np.mean((values - mean) ** 4) / var ** 2 if var > 0 else 0.0
    low, high = GAUSSIAN_KURTOSIS
    if not low < kurtosis < high:
        return "the entries are not normally distributed (their kurtosis is not that of a " \
               "Gaussian; draw with rng.normal or rng.standard_normal)"
    return None


def _check_gaussian(case, groups):
    """Shape, finiteness, reproducibility from the seed and the statistics of the entries."""
    if any(len(want) != 1 for want, _ in groups):
        raise ValueError("a 'gaussian' case needs a reference with one array per call")
    (want, first), (_, again), (_, other) = ((w, g[0]) for w, g in groups)
    want = want[0]
    if first.shape != want.shape:
        return f"returned shape {first.shape} where shape {want.shape} was expected"
    if not np.isfinite(first).all():
        return "returned NaN or inf entries"
    if again.shape != first.shape or not np.array_equal(again, first):
        return "not reproducible: two generators of the same seed gave different " \
               "arrays (draw every random number from the rng argument, not np.random)"
    if other.shape == first.shape and np.array_equal(other, first):
        return "the rng argument is ignored: generators of different seeds gave the same array " \
               "(do not create or seed a generator of your own)"
    return _gaussian_stats(case, first.ravel())


def check(case, reference_outputs, student_outputs):
    """None when the student's outputs pass ``case``, else a one-line message that reveals
    neither the inputs nor the expected values."""
    calls = case.calls
    if len(reference_outputs) % calls:
        raise ValueError("the reference outputs do not match the case's number of calls")
    if len(student_outputs) % calls:
        return f"{describe(case)}: returned a different number of results on repeated calls"
    size, got_size = len(reference_outputs) // calls, len(student_outputs) // calls
    groups = []
    for call in range(calls):
        want = [np.asarray(a, dtype=float) for a in reference_outputs[call * size:][:size]]
        got = [np.asarray(a, dtype=float) for a in student_outputs[call * got_size:][:got_size]]
        conformed = _conform(got, size)
        if conformed is None:
            return (f"{describe(case)}: returned {_plural(len(got), 'result')} where "
                    f"{size} {'was' if size == 1 else 'were'} expected")
        groups.append((want, conformed))
    message = (_check_gaussian if case.check == "gaussian" else _check_close)(case, groups)
    return f"{describe(case)}: {message}" if message else None
