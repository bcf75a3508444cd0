"""Assertions for grade cells: each failure says what was called, what was expected,
what came back, and names the likely mistake.

Grade cells call students' functions through :func:`run`, which silences NumPy and
Python warnings: nbgrader fails a test cell on any stderr output, and a correct answer
that merely overflows inside ``np.exp`` must not lose points.
"""

import warnings

import numpy as np

from . import mistakes as _mistakes

__all__ = [
    "run",
    "expect_close",
    "expect_shape",
    "expect_scalar",
    "expect_true",
    "relative_error",
    "numerical_gradient",
    "expect_gradient",
]


def _describe(value):
    """A short description of an argument: its type and shape, or its value if small."""
    try:
        if np.ndim(value) == 0 and not isinstance(value, (list, tuple)):
            return _short(value, limit=40)
        return f"{type(value).__name__} of shape {np.shape(value)}"
    except ValueError:  # a ragged list, such as weight matrices of different shapes
        return f"{type(value).__name__} of length {len(value)}"


def run(function, *args, **kwargs):
    """Call ``function(*args, **kwargs)`` with every floating-point and Python warning
    silenced; an exception other than NotImplementedError becomes an AssertionError that
    says which call raised it."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    except (NotImplementedError, AssertionError):
        raise
    except Exception as error:
        described = [_describe(a) for a in args]
        described += [f"{k}={_describe(v)}" for k, v in kwargs.items()]
        call = f"{getattr(function, '__name__', 'function')}({', '.join(described)})"
        lists = any(isinstance(a, (list, tuple)) for a in [*args, *kwargs.values()])
        advice = ""
        if isinstance(error, TypeError) and lists:
            advice = ("\nHint: inputs may be Python lists or tuples; convert them with "
                      "np.asarray before using array arithmetic.")
        raise AssertionError(f"{call} raised {type(error).__name__}: {error}{advice}") from error


def _short(value, limit=400):
    """A readable, bounded representation of a value for a failure message."""
    try:
        array = np.asarray(value)
        if array.dtype != object:
            with np.printoptions(precision=6, threshold=20, edgeitems=3, linewidth=88):
                text = np.array2string(array, separator=", ") if array.ndim else repr(array.item())
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001 - any object must be describable
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_float_array(value, call):
    """``value`` as a float array, or an AssertionError that says why it is not numeric."""
    if value is None:
        raise AssertionError(f"{call} returned None. Did you forget the `return` statement?")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise AssertionError(
            f"{call} returned {_short(value)} of type {type(value).__name__}, "
            f"which is not numeric ({error})."
        ) from None
    return array


def _matches(actual, candidate, rtol, atol):
    candidate = np.asarray(candidate, dtype=float)
    return actual.shape == candidate.shape and np.allclose(actual, candidate, rtol=rtol, atol=atol)


def _hint(actual, mistakes, rtol, atol, call):
    """The likely-mistake line naming the known mistakes whose result equals ``actual``
    ("" if none); the match is also recorded as data for the class report."""
    found = []
    for description, wrong in (mistakes or {}).items():
        try:
            if _matches(actual, wrong, rtol, atol):
                found.append(description)
        except (TypeError, ValueError):
            continue
    if found:
        _mistakes.publish(call, found)
    return f"\nLikely mistake: {'; or: '.join(found)}." if found else ""


def expect_close(actual, expected, *, call, rtol=1e-6, atol=1e-9, mistakes=None, hint=""):
    """Assert that ``actual`` has ``expected``'s shape and values.

    ``mistakes`` maps a description of a common mistake to the value that mistake
    produces; when ``actual`` equals one of them, the message names it. ``hint`` is
    added to every failure message.
    """
    got = _as_float_array(actual, call)
    want = np.asarray(expected, dtype=float)
    advice = f"\nHint: {hint}" if hint else ""
    if got.shape != want.shape:
        raise AssertionError(
            f"{call} returned shape {got.shape}, expected shape {want.shape}.\n"
            f"Expected: {_short(want)}\nGot:      {_short(got)}"
            f"{_hint(got, mistakes, rtol, atol, call)}{advice}"
        )
    if np.isnan(got).any() and not np.isnan(want).any():
        raise AssertionError(
            f"{call} returned NaN at {int(np.isnan(got).sum())} place(s).\n"
            f"Expected: {_short(want)}\nGot:      {_short(got)}\n"
            "NaN usually comes from 0 / 0, inf - inf or 0 * inf: look for a division by zero, "
            f"an overflow (np.exp of a large number) or log(0).{advice}"
        )
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        worst = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.ndim else ()
        where = f" (largest difference at index {tuple(int(i) for i in worst)})" if got.ndim else ""
        raise AssertionError(
            f"{call} returned the wrong values{where}.\n"
            f"Expected: {_short(want)}\nGot:      {_short(got)}"
            f"{_hint(got, mistakes, rtol, atol, call)}{advice}"
        )


def expect_shape(actual, shape, *, call):
    """Assert that ``actual`` is array-like with exactly ``shape``."""
    got = np.shape(actual)
    if got != tuple(shape):
        raise AssertionError(f"{call} returned shape {got}, expected shape {tuple(shape)}.")


def expect_scalar(actual, *, call):
    """Assert that ``actual`` is a single number (a Python or NumPy scalar, or a 0-d array)."""
    if actual is None:
        raise AssertionError(f"{call} returned None. Did you forget the `return` statement?")
    if np.ndim(actual) != 0:
        raise AssertionError(
            f"{call} returned an array of shape {np.shape(actual)}, expected a single number. "
            "Did you forget to reduce (sum or mean) over all elements?"
        )
    _as_float_array(actual, call)


def expect_true(condition, message):
    """Assert ``condition`` with a message written for a student."""
    if not condition:
        raise AssertionError(message)


def relative_error(a, b):
    """cs231n's relative error: max |a - b| / max(1e-8, |a| + |b|), elementwise then max."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the array ``x``."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        plus = float(f(x.copy()))
        x[index] = original - h
        minus = float(f(x.copy()))
        x[index] = original
        grad[index] = (plus - minus) / (2 * h)
    return grad


def expect_gradient(analytic, f, x, *, call, tol=1e-6, h=1e-5, mistakes=None):
    """Assert that ``analytic`` matches the numerical gradient of ``f`` at ``x``."""
    got = _as_float_array(analytic, call)
    numeric = numerical_gradient(f, x, h)
    if got.shape != numeric.shape:
        raise AssertionError(f"{call} returned shape {got.shape}, expected shape {numeric.shape}.")
    error = relative_error(got, numeric)
    if not error < tol:
        raise AssertionError(
            f"{call} does not match the numerical gradient: relative error {error:.2e} "
            f"(must be below {tol:.0e}).\nNumerical: {_short(numeric)}\nGot:       {_short(got)}"
            f"{_hint(got, mistakes, 1e-5, 1e-7, call)}"
        )
