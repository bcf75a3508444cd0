"""Properties of the reference implementations (loaded from source/), checked by hypothesis
on inputs the grade cells never list."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from autograder.student.checks import numerical_gradient, relative_error
from autograder.course.reference import load

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


@pytest.fixture(scope="module")
def activations():
    return load("03_activations")


any_array = arrays(float, array_shapes(min_dims=0, max_dims=3, max_side=4),
                   elements=st.floats(-1e4, 1e4, allow_nan=False))
smooth = arrays(float, array_shapes(max_dims=2, max_side=4),
                elements=st.floats(0.05, 5).flatmap(lambda v: st.sampled_from([v, -v])))


@given(any_array)
def test_activations_keep_shape_and_stay_finite_and_bounded(activations, x):
    s, t = activations.sigmoid(x), activations.tanh(x)
    assert np.shape(s) == np.shape(t) == np.shape(x)
    assert np.all((0 <= s) & (s <= 1)) and np.all(np.abs(t) <= 1)
    assert np.allclose(activations.tanh(-x), -t) and np.allclose(activations.sigmoid(-x), 1 - s)
    assert np.all(activations.sigmoid_grad(x) <= 0.25)
    relu = activations.relu(x)
    assert np.array_equal(activations.relu(relu), relu) and np.all(relu >= 0)


@given(smooth, st.floats(-2, 2))
def test_activation_derivatives_match_finite_differences(activations, x, alpha):
    a = activations
    pairs = [(a.sigmoid, a.sigmoid_grad), (a.tanh, a.tanh_grad), (a.relu, a.relu_grad),
             (lambda v: a.leaky_relu(v, 0.1), lambda v: a.leaky_relu_grad(v, 0.1)),
             (lambda v: a.prelu(v, alpha), lambda v: a.prelu_grad(v, alpha)[0])]
    for function, derivative in pairs:
        numeric = numerical_gradient(lambda v, f=function: np.sum(f(v)), x, h=1e-6)
        assert np.allclose(derivative(x), numeric, rtol=1e-5, atol=1e-6)
    dalpha = numerical_gradient(lambda al: np.sum(a.prelu(x, al[0])), np.array([alpha]), h=1e-6)
    assert np.sum(a.prelu_grad(x, alpha)[1]) == pytest.approx(dalpha[0], abs=1e-5)


@given(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2**32 - 1))
def test_maxout_is_the_upper_envelope_of_its_pieces(activations, n, d, m, k, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(n, d)), rng.normal(size=(k, d, m)), rng.normal(size=(k, m))
    out = activations.maxout(x, w, b)
    pieces = np.stack([x @ w[i] + b[i] for i in range(k)])
    assert out.shape == (n, m)
    assert np.all(out >= pieces - 1e-12) and np.allclose(out, pieces.max(axis=0))


@pytest.fixture(scope="module")
def initialization():
    return load("04_initialization")


@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_initializers_have_the_shape_asked_for_and_follow_the_seed(initialization, n_in, n_out,
                                                                   seed):
    ref = initialization
    assert np.array_equal(ref.init_zeros(n_in, n_out), np.zeros((n_in, n_out)))
    draws = [lambda g: ref.init_normal(n_in, n_out, 0.5, g),
             lambda g: ref.init_xavier(n_in, n_out, g),
             lambda g: ref.init_kaiming(n_in, n_out, g)]
    for draw in draws:
        first, again = draw(np.random.default_rng(seed)), draw(np.random.default_rng(seed))
        assert first.shape == (n_in, n_out) and np.array_equal(first, again)


@given(st.lists(st.integers(1, 12), min_size=1, max_size=5), st.integers(0, 2**32 - 1))
def test_forward_activations_chains_layers_of_any_widths(initialization, widths, seed):
    rng = np.random.default_rng(seed)
    sizes = [7, *widths]
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    x = rng.normal(size=(5, 7))
    outputs = initialization.forward_activations(x, weights, np.tanh)
    assert [h.shape for h in outputs] == [(5, w) for w in widths]
    assert np.allclose(outputs[0], np.tanh(x @ weights[0]))
    means, stds = initialization.activation_stats(outputs)
    assert len(means) == len(stds) == len(widths)
    assert np.allclose(stds, [np.std(h) for h in outputs], rtol=0.2)


@pytest.fixture(scope="module")
def classification():
    return load("02_classification_losses")


def score_tables(max_classes=6):
    """(scores (N, C), labels (N,)) with moderate scores."""
    shape = st.tuples(st.integers(1, 6), st.integers(2, max_classes))
    return shape.flatmap(lambda nc: st.tuples(
        arrays(float, nc, elements=st.floats(-20, 20)),
        arrays(np.int64, (nc[0],), elements=st.integers(0, nc[1] - 1))))


@given(score_tables(), st.floats(-1e4, 1e4))
def test_softmax_rows_are_distributions_and_shift_invariant(classification, table, shift):
    scores, _ = table
    probabilities = classification.softmax(scores)
    assert np.all(probabilities >= 0) and np.allclose(probabilities.sum(axis=1), 1)
    assert np.allclose(classification.softmax(scores + shift), probabilities, atol=1e-12)


@given(score_tables())
def test_cross_entropy_reductions_agree_and_its_gradient_rows_sum_to_zero(classification, table):
    scores, y = table
    per_example = classification.cross_entropy_loss(scores, y, reduction="none")
    assert np.all(per_example >= 0)
    assert classification.cross_entropy_loss(scores, y) == pytest.approx(per_example.mean())
    assert classification.cross_entropy_loss(scores, y, reduction="sum") == pytest.approx(
        per_example.sum())
    grad = classification.cross_entropy_grad(scores, y)
    assert np.allclose(grad.sum(axis=1), 0, atol=1e-12)
    numeric = numerical_gradient(lambda s: classification.cross_entropy_loss(s, y), scores)
    assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def binary_samples():
    """(scores of any finite size, moderate scores, labels 0 or 1), all of one length."""
    return st.integers(1, 8).flatmap(lambda n: st.tuples(
        arrays(float, (n,), elements=st.floats(-1e300, 1e300)),
        arrays(float, (n,), elements=st.floats(-15, 15)),
        arrays(np.int64, (n,), elements=st.integers(0, 1))))


@given(binary_samples())
def test_binary_cross_entropy_from_scores_is_finite_and_agrees_with_probabilities(
        classification, sample):
    huge, moderate, y = sample
    per_sample = [classification.binary_cross_entropy_with_logits([s], [label])
                  for s, label in zip(huge, y, strict=True)]
    assert np.all(np.isfinite(per_sample))
    wrong_side = np.where(y == 1, np.maximum(-huge, 0), np.maximum(huge, 0))  # |s| or 0
    excess = np.array(per_sample) - wrong_side  # log(1 + e^-|s|), between 0 and ln 2
    slack = 1e-12 * wrong_side  # rounding of the huge scores
    assert np.all(excess >= -slack) and np.all(excess <= np.log(2) + slack)
    from_probabilities = classification.binary_cross_entropy(classification.sigmoid(moderate), y)
    assert classification.binary_cross_entropy_with_logits(moderate, y) == pytest.approx(
        from_probabilities, rel=1e-8, abs=1e-12)


@given(score_tables(), st.floats(0, 3))
def test_hinge_gradient_matches_finite_differences_away_from_kinks(classification, table,
                                                                   margin):
    scores, y = table
    terms = scores - scores[np.arange(len(y)), y][:, None] + margin
    terms[np.arange(len(y)), y] = 1.0  # the true class is no kink
    if np.min(np.abs(terms)) < 1e-3:
        return
    numeric = numerical_gradient(lambda s: classification.hinge_loss(s, y, margin), scores)
    assert np.allclose(classification.hinge_grad(scores, y, margin), numeric, atol=1e-6)


@given(st.integers(0, 2**32 - 1), st.sampled_from(["cross_entropy", "hinge"]),
       st.floats(0, 2))
def test_linear_classifier_gradient_matches_finite_differences(classification, seed, loss, reg):
    rng = np.random.default_rng(seed)
    w, x, y = rng.normal(size=(4, 3)), rng.normal(size=(7, 4)), rng.integers(0, 3, size=7)
    if loss == "hinge":  # finite differences straddling a kink (a margin term at 0) disagree
        scores = x @ w
        margins = scores - scores[np.arange(7), y][:, None] + 1.0
        margins[np.arange(7), y] = 1.0
        assume(np.min(np.abs(margins)) > 1e-3)
    value, dw = classification.linear_classifier_loss(w, x, y, reg, loss=loss)
    numeric = numerical_gradient(lambda v: classification.linear_classifier_loss(
        v, x, y, reg, loss=loss)[0], w)
    assert np.isclose(value, classification.linear_classifier_loss(w, x, y, reg, loss)[0])
    assert np.allclose(dw, numeric, atol=1e-4)
