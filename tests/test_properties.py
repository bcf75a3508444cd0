"""Properties of the reference implementations (loaded from source/), checked by hypothesis
on inputs the grade cells never list."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from autograder.checks import numerical_gradient, relative_error
from autograder.reference import load

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
settings.register_profile("course", max_examples=60, deadline=None)
settings.load_profile("course")


@pytest.fixture(scope="module")
def regression():
    return load("01_regression_losses")


def pairs(max_dims=3):
    """Two arrays of one random shape."""
    return array_shapes(max_dims=max_dims, max_side=5).flatmap(
        lambda shape: st.tuples(arrays(float, shape, elements=finite),
                                arrays(float, shape, elements=finite)))


@given(pairs())
def test_regression_losses_are_nonnegative_symmetric_and_zero_on_agreement(regression, ab):
    a, b = ab
    for loss in (regression.l2_loss, regression.l1_loss):
        assert loss(a, b) >= 0
        assert loss(a, b) == pytest.approx(loss(b, a))
        assert loss(a, a) == 0


@given(pairs())
def test_l1_never_exceeds_l2_plus_count_and_l2_is_squared_l1_for_one_element(regression, ab):
    a, b = ab
    l1, l2 = regression.l1_loss(a, b), regression.l2_loss(a, b)
    assert l1 <= l2 + a.size * 0.25 + 1e-9  # |r| <= r^2 + 1/4 for every residual
    if a.size == 1:
        assert l2 == pytest.approx(l1 ** 2)


@given(pairs(max_dims=2))
def test_regression_gradients_match_finite_differences(regression, ab):
    a, b = ab
    # Absolute tolerance: other elements' large squares swamp a tiny gradient's differences.
    numeric = numerical_gradient(lambda p: regression.l2_loss(a, p), b, h=1e-4)
    assert np.allclose(regression.l2_loss_grad(a, b), numeric, rtol=1e-5, atol=1e-3)
    residual = np.abs(b - a)
    if residual.size and residual.min() > 1e-3:
        numeric = numerical_gradient(lambda p: regression.l1_loss(a, p), b, h=1e-5)
        assert relative_error(regression.l1_loss_grad(a, b), numeric) < 1e-6
