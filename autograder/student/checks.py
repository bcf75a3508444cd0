"""Assertions for grade cells: each failure says what was called, what was expected,
what came back, and names the likely mistake.

Grade cells call students' functions through :func:`run`, which silences NumPy and
Python warnings: nbgrader fails a test cell on any stderr output, and a correct answer
that merely overflows inside ``np.exp`` must not lose points.

Imported in an IPython kernel, this module also makes a failed check show as the grade
cell's line and the message, without the traceback through this module's code (see
:mod:`.failure_display`).
"""

import warnings

import numpy as np

from . import failure_display
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
    "KINK_GRID",
    "inputs_of_every_rank",
    "expect_unmodified",
    "expect_elementwise",
    "expect_between",
    "SCALE_IS_STD",
    "check_gaussian_init",
    "expect_reductions",
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
        advice = _advice(error, lists)
        raise AssertionError(f"{call} raised {type(error).__name__}: {error}"
                             + (f"\nHint: {advice}" if advice else "")) from error


# Common exceptions and the mistakes that raise them: (type name, words of its message, advice).
_EXCEPTION_ADVICE = (
    ("ValueError", "truth value of an array",
     "Python's max, min, if, and, or treat a whole array as one true/false value; "
     "compare elementwise with NumPy (np.maximum, np.minimum, np.where)."),
    ("TypeError", "only integer scalar arrays can be converted to a scalar index",
     "a NumPy reduction such as np.max(a, b) reads its second argument as an axis; "
     "the elementwise maximum of two arrays is a different function."),
    ("TypeError", "cannot be interpreted as an integer",
     "NumPy expected an integer (an axis, an index or a size) where your code passed "
     "data: np.max(a, b) reads b as an axis."),
    ("ValueError", "could not be broadcast together",
     "two arrays' shapes do not line up: NumPy matches shapes from the last axis; "
     "give the smaller array a length-1 axis where the other has an axis it lacks."),
)


def _advice(error, lists):
    """The likely mistake behind a student's exception, or ""."""
    for name, words, advice in _EXCEPTION_ADVICE:
        if type(error).__name__ == name and words in str(error):
            return advice
    if isinstance(error, TypeError) and lists:
        return ("inputs may be Python lists or tuples; convert them with np.asarray before "
                "using array arithmetic.")
    return ""


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
    """True if ``actual`` is ``candidate``: same shape, close values, NaN where it has NaN
    (a mistake such as an overflowing exp is catalogued by its NaN)."""
    candidate = np.asarray(candidate, dtype=float)
    return actual.shape == candidate.shape and np.allclose(actual, candidate, rtol=rtol,
                                                           atol=atol, equal_nan=True)


def _matching(actual, mistakes, rtol, atol):
    """The descriptions of the known mistakes whose result equals ``actual``."""
    found = []
    for description, wrong in (mistakes or {}).items():
        try:
            if _matches(actual, wrong, rtol, atol):
                found.append(description)
        except (TypeError, ValueError):
            continue
    return found


def _likely(found, call):
    """The likely-mistake line naming the mistakes ``found`` ("" if none); the match is
    also recorded as data for the class report."""
    if not found:
        return ""
    _mistakes.publish(call, found)
    return f"\nLikely mistake: {'; or: '.join(found)}."


def _hint(actual, mistakes, rtol, atol, call):
    """The likely-mistake line naming the known mistakes whose result equals ``actual``."""
    return _likely(_matching(actual, mistakes, rtol, atol), call)


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
            "an overflow (np.exp of a large number) or log(0)."
            f"{_hint(got, mistakes, rtol, atol, call)}{advice}"
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


# Elementwise functions (03) -------------------------------------------------------------
# Both sides of every kink, exactly 0, and values where a naive exp overflows.
KINK_GRID = np.array([-1000.0, -30.0, -5.0, -1.0, -0.5, -1e-3, -1e-9, 0.0,
                      1e-9, 1e-3, 0.5, 1.0, 5.0, 30.0, 1000.0])


def inputs_of_every_rank(seed):
    """(description, x) pairs: a number, a 0-d array, a list, the kink grid, random 2-d and 3-d."""
    rng = np.random.default_rng(seed)
    return [
        ("a Python float 0.7", 0.7),
        ("a 0-d array -1.3", np.array(-1.3)),
        ("a Python list [-2, -0.25, 0, 0.25, 2]", [-2.0, -0.25, 0.0, 0.25, 2.0]),
        ("KINK_GRID (both sides of 0, exactly 0, and +-1000)", KINK_GRID.copy()),
        ("a random (4, 6) array", rng.normal(scale=3.0, size=(4, 6))),
        ("a random (2, 3, 5) array", rng.normal(scale=3.0, size=(2, 3, 5))),
    ]


def expect_unmodified(x, x_before, call):
    """x still equals its copy x_before: the call did not write into its input."""
    expect_true(np.array_equal(np.asarray(x, dtype=float), x_before),
                f"{call} modified its input x in place; compute a new array instead "
                "(for example np.maximum or np.where), the caller still needs x.")


def expect_elementwise(function, truth, name, seed, args=(), mistakes=None, hint=""):
    """function(x, *args) equals truth(x) for inputs of every rank and leaves x unchanged.

    mistakes(x) returns {description: what that mistake returns} for the failure message.
    """
    shown_args = "".join(f", {a!r}" for a in args)
    for described, x in inputs_of_every_rank(seed):
        x_float = np.array(x, dtype=float)
        call = f"{name}(x{shown_args}) with x = {described}"
        got = run(function, x, *args)
        expect_close(got, truth(x_float), call=call, hint=hint,
                     mistakes=mistakes(x_float) if mistakes else None)
        expect_unmodified(x, x_float, call)


# Random initializers and statistics (04) --------------------------------------------------
SCALE_IS_STD = ("rng.normal(loc, scale, size) takes the standard deviation as scale, "
                "not the variance")


def expect_between(value, low, high, *, what, advice=""):
    """Assert low <= value <= high; the message names the quantity and the expected band."""
    expect_true(bool(low <= value <= high),
                f"{what} = {value:.4g}, expected between {low:.4g} and {high:.4g}.{advice}")


def check_gaussian_init(function, args, variance, *, call, seed, mistakes=None):
    """Test a random initializer called as function(*args, rng).

    It checks the shape (n_in, n_out), a mean of 0, the variance (within 3 %: with 10^5
    entries the sampling error is below 0.5 %), the kurtosis of a Gaussian (3, where a
    uniform distribution has 1.8), and that the rng is the only source of randomness:
    generators with the same seed give the same matrix, different seeds different ones.
    ``mistakes`` maps a description to the variance that mistake gives; a wrong variance
    names the mistakes it matches (each description carries its own advice). A variance
    of ``variance ** 2`` that none of them explains is named as the variance passed as
    rng.normal's scale.
    """
    n_in, n_out = int(args[0]), int(args[1])
    W = run(function, *args, np.random.default_rng(seed))
    expect_true(W is not None, f"{call} returned None. Did you forget the `return` statement?")
    if np.shape(W) == (n_out, n_in) and n_in != n_out:
        raise AssertionError(
            f"{call} returned shape {np.shape(W)}, expected ({n_in}, {n_out}): a weight "
            "matrix is (n_in, n_out), so that a layer computes h @ W.")
    expect_shape(W, (n_in, n_out), call=call)
    values = np.asarray(W, dtype=float).ravel()
    expect_true(bool(np.all(np.isfinite(values))), f"{call} returned inf or NaN entries.")
    mean, var = values.mean(), values.var()
    expect_true(abs(mean) <= 0.03 * np.sqrt(variance),
                f"The entries of {call} have mean {mean:.4g}; expected 0 (a zero-mean "
                f"Gaussian with standard deviation {np.sqrt(variance):.4g}).")
    if not np.isclose(var, variance, rtol=0.03, atol=0.0):
        scale_mistake = {f"the variance passed as scale, which squares it: {SCALE_IS_STD}":
                         variance ** 2}
        found = (_matching(np.asarray(var), mistakes, 0.03, 0.0)
                 or _matching(np.asarray(var), scale_mistake, 0.03, 0.0))
        raise AssertionError(
            f"The entries of {call} have variance {var:.4g} (standard deviation "
            f"{np.sqrt(var):.4g}); expected {variance:.4g} (standard deviation "
            f"{np.sqrt(variance):.4g}), within 3 %.{_likely(found, call)}")
    kurtosis = np.mean((values - mean) ** 4) / var ** 2
    expect_true(2.75 < kurtosis < 3.25,
                f"The entries of {call} have kurtosis E[(w - mean)^4] / Var(w)^2 = {kurtosis:.2f}; "
                "a Gaussian has 3, a uniform distribution 1.8. Draw from a normal distribution "
                "(rng.normal or rng.standard_normal).")
    again = run(function, *args, np.random.default_rng(seed))
    expect_true(np.array_equal(np.asarray(again, dtype=float), np.asarray(W, dtype=float)),
                f"Two calls of {call} with generators of the same seed gave different matrices: "
                "draw every random number from the rng argument (not from np.random.* directly).")
    other = run(function, *args, np.random.default_rng(seed + 1))
    expect_true(not np.array_equal(np.asarray(other, dtype=float), np.asarray(W, dtype=float)),
                f"Generators with different seeds gave the same matrix from {call}: use the rng "
                "argument; do not create or seed a generator of your own.")


# Losses with a reduction argument (02) ----------------------------------------------------
_REDUCTIONS = {"none": lambda losses: losses, "mean": np.mean, "sum": np.sum}


def expect_reductions(function, args, per_example, *, call, kwargs=None, mistakes=None):
    """Test function(*args, **kwargs, reduction=r) for r = "none", "mean" and "sum".

    ``per_example`` holds the correct per-example losses: "none" must return them, "mean"
    and "sum" one number. ``call`` describes the call with ``{reduction}`` where the
    reduction's name goes. ``mistakes(reduce)`` returns {description: value} for the
    reduction function ``reduce`` (the identity, np.mean or np.sum); a mean or a sum where
    the other was asked for is always named.
    """
    per_example = np.asarray(per_example, dtype=float)
    for name, reduce in _REDUCTIONS.items():
        shown = call.replace("{reduction}", name)
        got = run(function, *args, **(kwargs or {}), reduction=name)
        if name == "none":
            expect_shape(got, per_example.shape, call=shown)
        else:
            expect_scalar(got, call=shown)
        named = {**(mistakes(reduce) if mistakes else {}),
                 "the mean: the reduction argument is ignored": np.mean(per_example),
                 "the sum instead of the mean": np.sum(per_example)}
        expect_close(got, reduce(per_example), call=shown, mistakes=named)


failure_display.show_failures_in_short()
