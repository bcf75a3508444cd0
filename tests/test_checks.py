"""The grade-cell assertions say what was called, expected and returned, and name mistakes."""

import warnings

import numpy as np
import pytest

from autograder.checks import (expect_close, expect_gradient, expect_scalar, expect_shape,
                               numerical_gradient, relative_error, run)


def test_run_silences_numpy_warnings():
    def naive_sigmoid(s):
        return 1 / (1 + np.exp(-np.asarray(s, dtype=float)))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(naive_sigmoid, [-1000.0])[0] == 0.0


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
