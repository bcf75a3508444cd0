"""Verification of the contract functions on secret inputs, decided outside the student's code.

The instructor's cases (``verification/<assignment>.py``, never published) are written to a
folder as ``.npy`` files plus a JSON-serialisable manifest (:func:`encode`). A sandbox loads
a student's solution cells and runs every manifest entry with :func:`run_entry`; only plain
float arrays come back. The trusted grader runs the same entries on the reference functions
and compares the two with :func:`check`, whose messages name the function, the case's label
and shapes, never an input or an expected value.
"""

import ast
import importlib.util
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cells import nbgrader_meta

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

_FILENAME = re.compile(r"[A-Za-z0-9_]+\.npy")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DTYPES = {"int64": np.int64, "int32": np.int32, "float64": np.float64, "float32": np.float32}
_KINDS = {"array", "list", "seed", "func", "value", "arrays", "lists"}
_SCALARS = (bool, int, float, str, type(None))


def _sigmoid(z):
    """The logistic sigmoid without overflow."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


FUNCTIONS = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": _sigmoid,
    "sin": np.sin,
    "abs": np.abs,
    "tanh_grad_from_output": lambda h: 1 - h ** 2,
    "relu_grad_from_output": lambda h: (h > 0).astype(float),
}
"""The callables a case may pass; only their names cross the sandbox boundary."""


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
    def calls(self):
        """How many calls run_entry makes for this case."""
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


# --- encoding ---------------------------------------------------------------------------
def encode(cases, folder):
    """Write the cases' arrays to ``folder`` as .npy files; return the JSON manifest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for index, case in enumerate(cases):
        args = [_encode(v, folder, f"{index}_a{j}") for j, v in enumerate(case.args)]
        kwargs = {}
        for name, value in case.kwargs.items():
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise ValueError(f"not a keyword argument name: {name!r}")
            kwargs[name] = _encode(value, folder, f"{index}_k{name}")
        manifest.append({"function": case.function, "args": args, "kwargs": kwargs,
                         "repeat": case.seeded})
    return manifest


def _save(array, folder, key):
    """Save a numeric array as ``<key>.npy``; return the file name."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"only numeric arrays cross the boundary, not dtype {array.dtype}")
    np.save(folder / f"{key}.npy", array, allow_pickle=False)
    return f"{key}.npy"


def _encode(value, folder, key):
    """The manifest form of one argument (arrays are written to folder)."""
    if isinstance(value, AsList):
        return {"list": _save(value.array, folder, key)}
    if isinstance(value, Seed):
        return {"seed": int(value.seed)}
    if isinstance(value, Func):
        return {"func": value.name}
    if isinstance(value, np.ndarray):
        return {"array": _save(value, folder, key)}
    if isinstance(value, np.generic):
        if value.dtype.name not in _DTYPES:
            raise TypeError(f"unsupported NumPy scalar type {value.dtype}")
        return {"value": value.item(), "dtype": value.dtype.name}
    if isinstance(value, _SCALARS):
        return {"value": value}
    if isinstance(value, (list, tuple)) and all(isinstance(v, AsList) for v in value):
        return {"lists": [_save(v.array, folder, f"{key}_{i}") for i, v in enumerate(value)]}
    if isinstance(value, (list, tuple)) and all(isinstance(v, np.ndarray) for v in value):
        return {"arrays": [_save(v, folder, f"{key}_{i}") for i, v in enumerate(value)]}
    raise TypeError(f"cannot encode an argument of type {type(value).__name__}")


# --- running ----------------------------------------------------------------------------
def _filename(name):
    """A validated plain file name inside the folder."""
    if not isinstance(name, str) or not _FILENAME.fullmatch(name):
        raise ValueError(f"not a plain .npy file name: {name!r}")
    return name


def _validate_arg(arg):
    """Check one encoded argument strictly; return it."""
    if not isinstance(arg, dict) or not arg:
        raise ValueError(f"an argument must be a non-empty dict, not {arg!r}")
    kinds = set(arg) & _KINDS
    extra = set(arg) - _KINDS - {"dtype"}
    if len(kinds) != 1 or extra or ("dtype" in arg and kinds != {"value"}):
        raise ValueError(f"unknown or ambiguous argument kind: {sorted(arg)}")
    kind = kinds.pop()
    value = arg[kind]
    if kind in ("array", "list"):
        _filename(value)
    elif kind in ("arrays", "lists"):
        if not isinstance(value, list):
            raise ValueError(f"{kind} must be a list of file names")
        for name in value:
            _filename(name)
    elif kind == "seed":
        if type(value) is not int or value < 0:
            raise ValueError(f"a seed must be a non-negative int, not {value!r}")
    elif kind == "func":
        if not isinstance(value, str) or value not in FUNCTIONS:
            raise ValueError(f"unknown function name {value!r}")
    elif type(value) not in _SCALARS:
        raise ValueError(f"a value must be a Python scalar, str or None, not {type(value)}")
    elif "dtype" in arg and (arg["dtype"] not in _DTYPES or type(value) not in (int, float)):
        raise ValueError(f"unsupported dtype {arg['dtype']!r} for value {value!r}")
    return arg


def _validate_entry(namespace, entry):
    """Check a manifest entry strictly; return (function, args, kwargs, repeat)."""
    if not isinstance(entry, dict) or set(entry) != {"function", "args", "kwargs", "repeat"}:
        raise ValueError("an entry has exactly the keys function, args, kwargs and repeat")
    name, args, kwargs, repeat = (entry[k] for k in ("function", "args", "kwargs", "repeat"))
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name.startswith("_"):
        raise ValueError(f"not a contract function name: {name!r}")
    if not isinstance(args, list) or not isinstance(kwargs, dict) or type(repeat) is not bool:
        raise ValueError("args must be a list, kwargs a dict and repeat a bool")
    for key in kwargs:
        if not isinstance(key, str) or not _NAME.fullmatch(key):
            raise ValueError(f"not a keyword argument name: {key!r}")
    args = [_validate_arg(a) for a in args]
    kwargs = {k: _validate_arg(v) for k, v in kwargs.items()}
    function = namespace.get(name)
    if not callable(function):
        raise NameError(f"{name} is not defined as a function")
    return function, args, kwargs, repeat


def _load(folder, name):
    """A read-only numeric array from folder/name, never unpickled."""
    path = folder / _filename(name)
    if path.is_symlink():
        raise ValueError(f"{name} is a symbolic link")
    array = np.load(path, allow_pickle=False)
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise ValueError(f"{name} does not hold a numeric array")
    array.flags.writeable = False
    return array


def _decode(arg, folder, shift):
    """The Python object an encoded argument stands for (a fresh one on every call)."""
    kind = next(k for k in arg if k in _KINDS)
    value = arg[kind]
    if kind == "array":
        return _load(folder, value)
    if kind == "list":
        return _load(folder, value).tolist()
    if kind == "arrays":
        return [_load(folder, v) for v in value]
    if kind == "lists":
        return [_load(folder, v).tolist() for v in value]
    if kind == "seed":
        return np.random.default_rng(value + shift)
    if kind == "func":
        return FUNCTIONS[value]
    return _DTYPES[arg["dtype"]](value) if "dtype" in arg else value


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


def run_entry(namespace, entry, folder):
    """Call ``namespace[entry["function"]]`` as the manifest entry says; its outputs as
    float arrays (a seeded entry: the outputs of all SEED_SHIFTS calls, concatenated).

    Every call gets freshly decoded, read-only arrays, so writing into an input fails.
    """
    function, args, kwargs, repeat = _validate_entry(namespace, entry)
    folder = Path(folder)
    outputs = []
    state = np.random.get_state()
    try:
        for call, shift in enumerate(SEED_SHIFTS if repeat else (0,)):
            call_args = [_decode(a, folder, shift) for a in args]
            call_kwargs = {k: _decode(v, folder, shift) for k, v in kwargs.items()}
            if repeat:
                np.random.seed(_GLOBAL_SEEDS[call])
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                outputs.extend(_flatten(function(*call_args, **call_kwargs)))
    finally:
        np.random.set_state(state)
    return outputs


# --- checking ---------------------------------------------------------------------------
def _what(case):
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
        return f"{_what(case)}: returned a different number of results on repeated calls"
    size, got_size = len(reference_outputs) // calls, len(student_outputs) // calls
    groups = []
    for call in range(calls):
        want = [np.asarray(a, dtype=float) for a in reference_outputs[call * size:][:size]]
        got = [np.asarray(a, dtype=float) for a in student_outputs[call * got_size:][:got_size]]
        conformed = _conform(got, size)
        if conformed is None:
            return (f"{_what(case)}: returned {_plural(len(got), 'result')} where "
                    f"{size} {'was' if size == 1 else 'were'} expected")
        groups.append((want, conformed))
    message = (_check_gaussian if case.check == "gaussian" else _check_close)(case, groups)
    return f"{_what(case)}: {message}" if message else None


# --- grade cells ------------------------------------------------------------------------
def _mentions(source, functions):
    """The names in functions that source mentions, in order of first mention."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        found = {}
        for name in functions:
            match = re.search(rf"(?<![\w.]){re.escape(name)}\b", source)
            if match:
                found[name] = match.start()
    else:
        found = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in functions:
                where = (node.lineno, node.col_offset)
                found[node.id] = min(found.get(node.id, where), where)
    return sorted(found, key=lambda name: (found[name], name))


def grade_cell_functions(nb, functions):
    """For every grade cell (by grade_id), the names in ``functions`` its source mentions."""
    functions = list(functions)
    mapping = {}
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") == "code" and meta.get("grade"):
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            mapping[meta.get("grade_id") or cell.get("id")] = _mentions(source, functions)
    return mapping
