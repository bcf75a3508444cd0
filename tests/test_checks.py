"""The grade-cell assertions and the helpers the notebooks share say what was called,
expected and returned, and name mistakes."""

import warnings

import numpy as np
import pytest

from autograder.student.checks import (KINK_GRID, SCALE_IS_STD, check_gaussian_init, expect_between,
                               expect_close, expect_elementwise, expect_gradient,
                               expect_reductions, expect_scalar, expect_shape,
                               expect_unmodified, inputs_of_every_rank, numerical_gradient,
                               relative_error, run)


def test_run_silences_numpy_warnings():
    def naive_sigmoid(s):
        return 1 / (1 + np.exp(-np.asarray(s, dtype=float)))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(naive_sigmoid, [-1000.0])[0] == 0.0


def _relu_np_max(x):
    return np.max(0, np.asarray(x, dtype=float))


def _relu_python_max(x):
    return max(0, np.asarray(x, dtype=float))


def _maxout_unbroadcast_bias(x, W, b):
    return (np.asarray(x) @ np.asarray(W) + np.asarray(b)).max(axis=0)


def _add_lists(a, b):
    return a - b


@pytest.mark.parametrize("function, args, words", [
    (_relu_np_max, ([-2.0, 0.5],), "reads its second argument as an axis"),
    (_relu_np_max, (np.array([-2.0, 0.5]),), "reads its second argument as an axis"),
    (_relu_python_max, ([-2.0, 0.5],), "Python's max, min, if, and, or"),
    (_maxout_unbroadcast_bias, (np.ones((3, 2)), np.ones((2, 2, 1)), np.zeros((2, 1))),
     "NumPy matches shapes from the last axis"),
    (_add_lists, ([1.0], [2.0]), "convert them with np.asarray"),
])
def test_run_names_the_mistake_behind_a_common_exception(function, args, words):
    with pytest.raises(AssertionError) as raised:
        run(function, *args)
    assert "\nHint: " in str(raised.value) and words in str(raised.value), str(raised.value)


def test_run_lets_not_implemented_through():
    def unanswered(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        run(unanswered, 1)


def test_run_explains_a_crash_on_list_input():
    def array_only(a, b):
        return a - b

    with pytest.raises(AssertionError, match=r"array_only\(list of shape \(2,\), .*TypeError"
                       r"(.|\n)*np.asarray"):
        run(array_only, [1, 2], [3, 4])


def test_expect_close_names_the_call_the_values_and_the_likely_mistake():
    with pytest.raises(AssertionError) as failure:
        expect_close(2.0625, 33.0, call="l2_loss(Y_TRUE, Y_PRED)",
                     mistakes={"the mean instead of the sum": 2.0625, "unrelated": 7.0})
    message = str(failure.value)
    assert "l2_loss(Y_TRUE, Y_PRED)" in message and "33.0" in message and "2.0625" in message
    assert "Likely mistake: the mean instead of the sum." in message
    assert "unrelated" not in message


@pytest.mark.parametrize("actual", [33, 33.0, np.float32(33), np.array(33.0), [33.0]])
def test_expect_close_accepts_any_numeric_type(actual):
    expected = [33.0] if isinstance(actual, list) else 33.0
    expect_close(actual, expected, call="f()")


@pytest.mark.parametrize("actual, words", [
    (None, "forget the `return`"),
    ("thirty-three", "not numeric"),
    (np.array([1.0, np.nan]), "NaN"),
    (np.ones(3), "shape (3,)"),
])
def test_expect_close_explains_unusable_results(actual, words):
    with pytest.raises(AssertionError, match=None) as failure:
        expect_close(actual, [1.0, 2.0], call="f()")
    assert words in str(failure.value)


def test_expect_scalar_and_shape():
    expect_scalar(np.float64(1.0), call="f()")
    with pytest.raises(AssertionError, match="reduce"):
        expect_scalar(np.ones(2), call="f()")
    expect_shape(np.ones((2, 3)), (2, 3), call="f()")
    with pytest.raises(AssertionError, match=r"shape \(3, 2\), expected shape \(2, 3\)"):
        expect_shape(np.ones((3, 2)), (2, 3), call="f()")


def test_relative_error_is_the_cs231n_definition():
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([1.0], [3.0]) == pytest.approx(0.5)
    assert relative_error([0.0], [1e-12]) == pytest.approx(1e-4)


def test_numerical_gradient_and_expect_gradient():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert np.allclose(numerical_gradient(lambda v: np.sum(v ** 3), x), 3 * x ** 2, atol=1e-6)
    expect_gradient(3 * x ** 2, lambda v: np.sum(v ** 3), x, call="grad(x)")
    with pytest.raises(AssertionError, match="relative error"):
        expect_gradient(x ** 2, lambda v: np.sum(v ** 3), x, call="grad(x)")


def test_run_describes_ragged_arguments_without_losing_the_error():
    def forward(x, weights):
        raise ValueError("matmul: dimension mismatch")

    ragged = [np.ones((3, 4)), np.ones((4, 2))]
    with pytest.raises(AssertionError, match=r"forward\(ndarray of shape \(2, 3\), list of "
                                             r"length 2\) raised ValueError: matmul"):
        run(forward, np.ones((2, 3)), ragged)


# Helpers the notebooks share --------------------------------------------------------------
def test_inputs_of_every_rank_cover_numbers_lists_and_arrays_reproducibly():
    inputs = inputs_of_every_rank(3)
    assert [np.ndim(x) for _, x in inputs] == [0, 0, 1, 1, 2, 3]
    assert isinstance(inputs[0][1], float) and isinstance(inputs[2][1], list)
    assert np.array_equal(inputs[4][1], inputs_of_every_rank(3)[4][1])
    assert not np.array_equal(inputs[4][1], inputs_of_every_rank(4)[4][1])
    inputs[3][1][:] = 0.0  # each call gets its own copy of the grid
    assert KINK_GRID[0] == -1000.0 and 0.0 in KINK_GRID


def relu_truth(z):
    return np.maximum(z, 0.0)


def test_expect_elementwise_passes_a_correct_function_on_every_input():
    expect_elementwise(relu_truth, relu_truth, "relu", seed=1)
    leaky = lambda x, alpha: np.where(np.asarray(x) > 0, x, alpha * np.asarray(x))  # noqa: E731
    expect_elementwise(leaky, lambda z: np.where(z > 0, z, 0.1 * z), "leaky_relu", 2, args=(0.1,))


def test_expect_elementwise_names_the_input_the_likely_mistake_and_the_hint():
    with pytest.raises(AssertionError) as failure:
        expect_elementwise(lambda x: np.minimum(x, 0.0), relu_truth, "relu", seed=1,
                           mistakes=lambda x: {"min instead of max": np.minimum(x, 0.0),
                                               "unrelated": x + 5},
                           hint="ReLU keeps the positive side")
    message = str(failure.value)
    assert message.startswith("relu(x) with x = a Python float 0.7 returned the wrong values")
    assert "Likely mistake: min instead of max." in message and "unrelated" not in message
    assert message.endswith("Hint: ReLU keeps the positive side")


def test_expect_elementwise_shows_extra_arguments_in_the_call():
    with pytest.raises(AssertionError, match=r"^leaky_relu\(x, 0\.1\) with x = a Python float"):
        expect_elementwise(lambda x, alpha: 2 * np.asarray(x), relu_truth, "leaky_relu", 1,
                           args=(0.1,))


def test_expect_elementwise_catches_a_function_that_writes_into_its_input():
    def relu_in_place(x):
        x = np.asarray(x)
        x[x < 0] = 0.0
        return x

    with pytest.raises(AssertionError) as failure:
        expect_elementwise(relu_in_place, relu_truth, "relu", seed=1)
    assert str(failure.value) == (
        "relu(x) with x = a 0-d array -1.3 modified its input x in place; compute a new array "
        "instead (for example np.maximum or np.where), the caller still needs x.")


def test_expect_unmodified():
    expect_unmodified([1.0, 2.0], np.array([1.0, 2.0]), "f(x)")
    with pytest.raises(AssertionError, match=r"^f\(x\) modified its input x in place"):
        expect_unmodified(np.zeros(2), np.array([1.0, 2.0]), "f(x)")


def test_expect_between():
    expect_between(1.0, 1.0, 2.0, what="the std of layer 1")
    expect_between(2.0, 1.0, 2.0, what="the std of layer 1")
    with pytest.raises(AssertionError) as failure:
        expect_between(0.25, 0.5, 0.75, what="Xavier, tanh: the std of layer 10",
                       advice=" Check init_xavier.")
    assert str(failure.value) == ("Xavier, tanh: the std of layer 10 = 0.25, expected between "
                                  "0.5 and 0.75. Check init_xavier.")


def gaussian(std, mean=0.0):
    """An initializer drawing N(mean, std(n_in)^2) entries from its rng."""
    return lambda n_in, n_out, rng: rng.normal(mean, std(n_in), size=(n_in, n_out))


XAVIER = {"call": "init_xavier(400, 300, rng)", "seed": 21}
XAVIER_MISTAKES = {"n_out instead of n_in (n is the number of inputs of the layer)": 1 / 300,
                   "Kaiming's 2 / n_in (that is for ReLU)": 2 / 400}


def xavier_failure(function, mistakes=None):
    with pytest.raises(AssertionError) as failure:
        check_gaussian_init(function, (400, 300), 1 / 400, mistakes=mistakes, **XAVIER)
    return str(failure.value)


def test_check_gaussian_init_passes_a_correct_initializer():
    check_gaussian_init(gaussian(lambda n: np.sqrt(1 / n)), (400, 300), 1 / 400,
                        mistakes=XAVIER_MISTAKES, **XAVIER)
    check_gaussian_init(lambda n_in, n_out, std, rng: std * rng.standard_normal((n_in, n_out)),
                        (400, 300, 0.01), 0.01 ** 2, call="init_normal(400, 300, 0.01, rng)",
                        seed=11)


def test_a_wrong_variance_names_its_mistake_without_the_scale_advice():
    message = xavier_failure(gaussian(lambda n: np.sqrt(1 / 300)), XAVIER_MISTAKES)
    assert message.startswith("The entries of init_xavier(400, 300, rng) have variance 0.003")
    assert "; expected 0.0025 (standard deviation 0.05), within 3 %." in message
    assert message.endswith("Likely mistake: n_out instead of n_in (n is the number of inputs "
                            "of the layer).")
    assert "scale" not in message


def test_the_variance_passed_as_scale_gets_the_scale_advice():
    message = xavier_failure(gaussian(lambda n: 1 / n), XAVIER_MISTAKES)
    assert message.endswith(f"Likely mistake: the variance passed as scale, which squares it: "
                            f"{SCALE_IS_STD}.")
    # A mistake the caller describes for that variance is named instead.
    message = xavier_failure(gaussian(lambda n: 1 / n), {"1 / n as scale": 1 / 400 ** 2})
    assert message.endswith("Likely mistake: 1 / n as scale.") and SCALE_IS_STD not in message


def test_a_wrong_variance_no_mistake_explains_names_none():
    message = xavier_failure(gaussian(lambda n: np.sqrt(10 / n)), XAVIER_MISTAKES)
    assert "have variance 0.02" in message and "Likely mistake" not in message


@pytest.mark.parametrize("function, words", [
    (lambda n_in, n_out, rng: None, "returned None. Did you forget the `return` statement?"),
    (lambda n_in, n_out, rng: rng.normal(0, 0.05, (n_out, n_in)),
     "returned shape (300, 400), expected (400, 300): a weight matrix is (n_in, n_out)"),
    (lambda n_in, n_out, rng: rng.normal(0, 0.05, (n_in, n_out - 1)),
     "returned shape (400, 299), expected shape (400, 300)."),
    (lambda n_in, n_out, rng: np.full((n_in, n_out), np.inf), "returned inf or NaN entries."),
    (gaussian(lambda n: 0.05, mean=0.01), "have mean 0.01; expected 0 (a zero-mean Gaussian "
                                          "with standard deviation 0.05)."),
    (lambda n_in, n_out, rng: rng.uniform(-0.05 * np.sqrt(3), 0.05 * np.sqrt(3), (n_in, n_out)),
     "have kurtosis E[(w - mean)^4] / Var(w)^2 = 1.80; a Gaussian has 3"),
    (lambda n_in, n_out, rng: np.random.normal(0, 0.05, (n_in, n_out)),
     "Two calls of init_xavier(400, 300, rng) with generators of the same seed gave different"),
    (lambda n_in, n_out, rng: np.random.default_rng(0).normal(0, 0.05, (n_in, n_out)),
     "Generators with different seeds gave the same matrix from init_xavier(400, 300, rng)"),
])
def test_check_gaussian_init_explains_each_failure(function, words):
    assert words in xavier_failure(function)


def loss(values, reduction="mean", scale=1.0):
    """A loss whose per-example values are ``scale * values``."""
    per_example = scale * np.asarray(values, dtype=float)
    return {"none": per_example, "mean": per_example.mean(), "sum": per_example.sum()}[reduction]


PER_EXAMPLE = [1.0, 2.0, 6.0]
REDUCED = {"call": 'loss(v, reduction="{reduction}") with v of shape (3,)'}


def reductions_failure(function, **keywords):
    with pytest.raises(AssertionError) as failure:
        expect_reductions(function, (PER_EXAMPLE,), PER_EXAMPLE, **REDUCED, **keywords)
    return str(failure.value)


def test_expect_reductions_passes_every_reduction_and_passes_keywords_on():
    expect_reductions(loss, (PER_EXAMPLE,), PER_EXAMPLE, **REDUCED)
    expect_reductions(loss, (PER_EXAMPLE,), np.multiply(2, PER_EXAMPLE), kwargs={"scale": 2.0},
                      **REDUCED)


def test_expect_reductions_names_an_ignored_reduction_and_a_sum_for_a_mean():
    ignores_sum = lambda v, reduction: loss(v, "mean" if reduction == "sum" else reduction)  # noqa: E731
    message = reductions_failure(ignores_sum)
    assert message.startswith('loss(v, reduction="sum") with v of shape (3,) returned the wrong')
    assert message.endswith("Likely mistake: the mean: the reduction argument is ignored.")
    sums = lambda v, reduction: loss(v, "sum" if reduction == "mean" else reduction)  # noqa: E731
    assert reductions_failure(sums).endswith("Likely mistake: the sum instead of the mean.")


def test_expect_reductions_checks_the_shape_of_each_reduction():
    assert reductions_failure(lambda v, reduction: loss(v)) == (
        'loss(v, reduction="none") with v of shape (3,) returned shape (), expected shape (3,).')
    per_example_always = lambda v, reduction: loss(v, "none")  # noqa: E731
    assert "returned an array of shape (3,), expected a single number" in reductions_failure(
        per_example_always)


def test_expect_reductions_names_the_callers_mistakes_for_each_reduction():
    log10 = lambda v, reduction: loss(v, reduction) / np.log(10)  # noqa: E731
    message = reductions_failure(
        log10, mistakes=lambda reduce: {"log10": reduce(np.divide(PER_EXAMPLE, np.log(10)))})
    assert message.startswith('loss(v, reduction="none")')
    assert message.endswith("Likely mistake: log10.")
