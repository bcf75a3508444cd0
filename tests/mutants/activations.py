"""Mistakes and valid alternatives for 03_activations (sigmoid, tanh, ReLU family, maxout)."""

import numpy as np

from .catalogue import mutant, valid

ASSIGNMENT = "03_activations"


# --- sigmoid -----------------------------------------------------------------------------
@mutant("sigmoid")
def sigmoid_exp_ratio(x):
    """exp(x) / (1 + exp(x)): inf / inf = NaN for large positive x."""
    x = np.asarray(x, dtype=float)
    return np.exp(x) / (1.0 + np.exp(x))


@mutant("sigmoid")
def sigmoid_sign_flipped(x):
    """1 / (1 + exp(x)): the sign of the exponent is flipped (this is sigma(-x))."""
    return 1.0 / (1.0 + np.exp(np.asarray(x, dtype=float)))


@mutant("sigmoid")
def sigmoid_clipped_wrong(x):
    """Guards overflow by clipping x to [-5, 5]: wrong in the tails."""
    x = np.clip(np.asarray(x, dtype=float), -5.0, 5.0)
    return 1.0 / (1.0 + np.exp(-x))


@mutant("sigmoid")
def sigmoid_scalar_only(x):
    """math.exp: works for one number, fails for lists and arrays."""
    import math
    return 1.0 / (1.0 + math.exp(-x))


@mutant("sigmoid")
def sigmoid_naive(x):
    """The literal formula: e^720 overflows, so sigmoid(-720) is 0 instead of 2.2e-313."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


@mutant("sigmoid")
def sigmoid_via_tanh(x):
    """(1 + tanh(x / 2)) / 2: no overflow, but 1 + tanh cancels to 0 for x < -37."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


@valid("sigmoid")
def sigmoid_logaddexp(x):
    """exp(-log(1 + e^-x)) with np.logaddexp: neither overflow nor cancellation."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


@valid("sigmoid")
def sigmoid_loop(x):
    """A Python loop over the elements with a branch on the sign (lists accepted)."""
    import math
    x = np.array(x, dtype=float)
    out = np.empty_like(x)
    for index, value in np.ndenumerate(x):
        if value >= 0:
            out[index] = 1.0 / (1.0 + math.exp(-value))
        else:
            out[index] = math.exp(value) / (1.0 + math.exp(value))
    return out


# --- sigmoid_grad ------------------------------------------------------------------------
@mutant("sigmoid_grad")
def sigmoid_grad_returns_sigmoid(x):
    """Returns sigma(x) instead of sigma(x) (1 - sigma(x))."""
    return sigmoid(x)


@mutant("sigmoid_grad")
def sigmoid_grad_sign_error(x):
    """sigma(x) (sigma(x) - 1): a sign error."""
    s = sigmoid(x)
    return s * (s - 1.0)


@mutant("sigmoid_grad")
def sigmoid_grad_of_input(x):
    """x (1 - x): the output formula applied to the input."""
    x = np.asarray(x, dtype=float)
    return x * (1.0 - x)


@mutant("sigmoid_grad")
def sigmoid_grad_exp_quotient(x):
    """exp(-x) / (1 + exp(-x))^2: exact, but NaN (inf / inf) for x = -1000."""
    e = np.exp(-np.asarray(x, dtype=float))
    return e / (1.0 + e) ** 2


@valid("sigmoid_grad")
def sigmoid_grad_symmetric(x):
    """exp(-|x|) / (1 + exp(-|x|))^2, using that sigma' is even: never overflows."""
    e = np.exp(-np.abs(np.asarray(x, dtype=float)))
    return e / (1.0 + e) ** 2


@valid("sigmoid_grad")
def sigmoid_grad_naive(x):
    """s (1 - s) with the naive (warning, not NaN) sigmoid written inline."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
    return s * (1.0 - s)


# --- tanh --------------------------------------------------------------------------------
@mutant("tanh")
def tanh_naive_exp(x):
    """(e^x - e^-x) / (e^x + e^-x): inf / inf = NaN for |x| = 1000."""
    x = np.asarray(x, dtype=float)
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


@mutant("tanh")
def tanh_as_2sigmoid_minus_1(x):
    """2 sigma(x) - 1: the identity is 2 sigma(2x) - 1 (this is tanh(x / 2))."""
    return 2.0 * sigmoid(x) - 1.0


@mutant("tanh")
def tanh_returns_sigmoid(x):
    """Returns the sigmoid."""
    return sigmoid(x)


@valid("tanh")
def tanh_via_sigmoid(x):
    """2 sigma(2x) - 1 with the stable sigmoid."""
    return 2.0 * sigmoid(2.0 * np.asarray(x, dtype=float)) - 1.0


@valid("tanh")
def tanh_stable_exp(x):
    """sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}): the exp formula written stably."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-2.0 * np.abs(x))
    return np.sign(x) * (1.0 - e) / (1.0 + e)


# --- tanh_grad ---------------------------------------------------------------------------
@mutant("tanh_grad")
def tanh_grad_not_squared(x):
    """1 - tanh(x): the square is missing."""
    return 1.0 - np.tanh(np.asarray(x, dtype=float))


@mutant("tanh_grad")
def tanh_grad_of_input(x):
    """1 - x^2: the output formula applied to the input."""
    return 1.0 - np.asarray(x, dtype=float) ** 2


@mutant("tanh_grad")
def tanh_grad_plus(x):
    """1 + tanh(x)^2: a sign error."""
    return 1.0 + np.tanh(np.asarray(x, dtype=float)) ** 2


@mutant("tanh_grad")
def tanh_grad_sigmoid_formula(x):
    """sigma(x) (1 - sigma(x)): the sigmoid's derivative."""
    s = sigmoid(x)
    return s * (1.0 - s)


@valid("tanh_grad")
def tanh_grad_sech(x):
    """1 / cosh(x)^2: cosh overflows to inf for |x| = 1000 (a warning), giving 0."""
    return 1.0 / np.cosh(np.asarray(x, dtype=float)) ** 2


@valid("tanh_grad")
def tanh_grad_via_sigmoid(x):
    """4 sigma(2x) (1 - sigma(2x))."""
    s = sigmoid(2.0 * np.asarray(x, dtype=float))
    return 4.0 * s * (1.0 - s)


# --- relu --------------------------------------------------------------------------------
@mutant("relu")
def relu_max_over_array(x):
    """np.max(x, 0): reduces over axis 0 instead of comparing with 0 elementwise."""
    return np.max(np.asarray(x, dtype=float), 0)


@mutant("relu")
def relu_python_max(x):
    """Python's max(0, x): works for a number, fails for arrays."""
    return max(0.0, x)


@mutant("relu")
def relu_in_place(x):
    """Sets the negative entries of the caller's array to 0 (modifies the input)."""
    x = np.asarray(x)
    x[x < 0] = 0
    return x


@mutant("relu")
def relu_abs(x):
    """|x|: negative inputs are flipped instead of zeroed."""
    return np.abs(np.asarray(x, dtype=float))


@valid("relu")
def relu_mask_multiply(x):
    """x * (x > 0), no dtype conversion (integer lists stay integer)."""
    x = np.asarray(x)
    return x * (x > 0)


@valid("relu")
def relu_where_copy(x):
    """A copy with the negative entries set to 0."""
    out = np.array(x, dtype=float)
    out[out < 0] = 0.0
    return out


@valid("relu")
def relu_clip(x):
    """np.clip(x, 0, None)."""
    return np.clip(np.asarray(x, dtype=float), 0.0, None)


# --- relu_grad ---------------------------------------------------------------------------
@mutant("relu_grad")
def relu_grad_ge(x):
    """x >= 0: 1 at the kink, where this course uses 0."""
    return (np.asarray(x, dtype=float) >= 0).astype(float)


@mutant("relu_grad")
def relu_grad_half_at_zero(x):
    """np.heaviside(x, 0.5): 1/2 at the kink."""
    return np.heaviside(np.asarray(x, dtype=float), 0.5)


@mutant("relu_grad")
def relu_grad_sign(x):
    """np.sign(x): -1 for negative x."""
    return np.sign(np.asarray(x, dtype=float))


@mutant("relu_grad")
def relu_grad_returns_relu(x):
    """Returns relu(x), the function instead of its derivative."""
    return np.maximum(0.0, np.asarray(x, dtype=float))


@valid("relu_grad")
def relu_grad_heaviside(x):
    """np.heaviside(x, 0)."""
    return np.heaviside(np.asarray(x, dtype=float), 0.0)


@mutant("relu_grad")
def relu_grad_boolean(x):
    """The boolean mask x > 0 itself: True/False where the docstring promises 1.0/0.0."""
    return np.asarray(x) > 0


@valid("relu_grad")
def relu_grad_where(x):
    """np.where(x > 0, 1.0, 0.0)."""
    return np.where(np.asarray(x, dtype=float) > 0, 1.0, 0.0)


# --- leaky_relu --------------------------------------------------------------------------
@mutant("leaky_relu")
def leaky_relu_swapped(x, alpha=0.01):
    """alpha * x on the positive side and x on the negative side."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, alpha * x, x)


@mutant("leaky_relu")
def leaky_relu_hardcoded_alpha(x, alpha=0.01):
    """Ignores the alpha argument: always 0.01."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.01 * x)


@mutant("leaky_relu")
def leaky_relu_is_relu(x, alpha=0.01):
    """Plain ReLU: 0 for negative x."""
    return np.maximum(0.0, np.asarray(x, dtype=float))


@mutant("leaky_relu")
def leaky_relu_alpha_constant(x, alpha=0.01):
    """alpha (not alpha * x) for negative x."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha)


@mutant("leaky_relu")
def leaky_relu_in_place(x, alpha=0.01):
    """Scales the negative entries of the caller's array in place."""
    x = np.asarray(x, dtype=float)
    x[x < 0] *= alpha
    return x


@valid("leaky_relu")
def leaky_relu_maximum(x, alpha=0.01):
    """np.maximum(x, alpha * x): equal to leaky ReLU for alpha <= 1."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, alpha * x)


@valid("leaky_relu")
def leaky_relu_masks(x, alpha=0.01):
    """Mask arithmetic: x * (x > 0) + alpha * x * (x <= 0)."""
    x = np.asarray(x, dtype=float)
    return x * (x > 0) + alpha * x * (x <= 0)


# --- leaky_relu_grad ---------------------------------------------------------------------
@mutant("leaky_relu_grad")
def leaky_relu_grad_zero_negative(x, alpha=0.01):
    """0 for negative x (the ReLU derivative)."""
    return (np.asarray(x, dtype=float) > 0).astype(float)


@mutant("leaky_relu_grad")
def leaky_relu_grad_ge(x, alpha=0.01):
    """1 at x == 0 (x >= 0), where the contract says alpha."""
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1.0, alpha)


@mutant("leaky_relu_grad")
def leaky_relu_grad_hardcoded_alpha(x, alpha=0.01):
    """Ignores the alpha argument: always 0.01."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, 0.01)


@mutant("leaky_relu_grad")
def leaky_relu_grad_alpha_x(x, alpha=0.01):
    """alpha * x for negative x: the value, not the slope."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * x)


@valid("leaky_relu_grad")
def leaky_relu_grad_masks(x, alpha=0.01):
    """alpha + (1 - alpha) * (x > 0)."""
    x = np.asarray(x, dtype=float)
    return alpha + (1.0 - alpha) * (x > 0)


@valid("leaky_relu_grad")
def leaky_relu_grad_fill(x, alpha=0.01):
    """A full array of alpha with the positive entries set to 1."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, alpha, dtype=float)
    out[x > 0] = 1.0
    return out


# --- prelu -------------------------------------------------------------------------------
@mutant("prelu")
def prelu_maximum(x, alpha):
    """np.maximum(x, alpha * x): wrong for a learned alpha > 1."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, alpha * x)


@mutant("prelu")
def prelu_swapped(x, alpha):
    """alpha * x on the positive side."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, alpha * x, x)


@mutant("prelu")
def prelu_hardcoded_alpha(x, alpha):
    """Ignores alpha: a leaky ReLU with 0.01."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.01 * x)


@mutant("prelu")
def prelu_in_place(x, alpha):
    """Scales the negative entries of the caller's array in place."""
    x = np.asarray(x, dtype=float)
    x[x < 0] *= alpha
    return x


@valid("prelu")
def prelu_via_relu(x, alpha):
    """relu(x) - alpha * relu(-x)."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0.0) - alpha * np.maximum(-x, 0.0)


@valid("prelu")
def prelu_loop(x, alpha):
    """A Python loop over the elements."""
    x = np.array(x, dtype=float)
    out = np.empty_like(x)
    for index, value in np.ndenumerate(x):
        out[index] = value if value > 0 else alpha * value
    return out


# --- prelu_grad --------------------------------------------------------------------------
@mutant("prelu_grad")
def prelu_grad_dalpha_x_everywhere(x, alpha):
    """dalpha = x everywhere, also where x > 0."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha), x


@mutant("prelu_grad")
def prelu_grad_dalpha_summed(x, alpha):
    """dalpha summed to a scalar instead of elementwise."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha), np.sum(np.where(x > 0, 0.0, x))


@mutant("prelu_grad")
def prelu_grad_swapped(x, alpha):
    """Returns (dalpha, dx): the wrong order."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 0.0, x), np.where(x > 0, 1.0, alpha)


@mutant("prelu_grad")
def prelu_grad_dalpha_is_alpha(x, alpha):
    """dalpha = alpha where x <= 0 (confuses df/dalpha with df/dx)."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha), np.where(x > 0, 0.0, alpha)


@mutant("prelu_grad")
def prelu_grad_dx_relu(x, alpha):
    """dx = 0 for negative x (the ReLU derivative)."""
    x = np.asarray(x, dtype=float)
    return (x > 0).astype(float), np.where(x > 0, 0.0, x)


@valid("prelu_grad")
def prelu_grad_masks(x, alpha):
    """Mask arithmetic, returned as a list [dx, dalpha]."""
    x = np.asarray(x, dtype=float)
    negative = x <= 0
    return [1.0 - (1.0 - alpha) * negative, x * negative]


@valid("prelu_grad")
def prelu_grad_minimum(x, alpha):
    """dalpha = min(x, 0); dx with np.where."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha), np.minimum(x, 0.0)


# --- maxout ------------------------------------------------------------------------------
@mutant("maxout")
def maxout_wrong_axis(x, W, b):
    """Stacks the pieces as (N, M, K) and takes the max over the units (axis 1)."""
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    pieces = np.stack([x @ W[k] + b[k] for k in range(W.shape[0])], axis=2)
    return pieces.max(axis=1)


@mutant("maxout")
def maxout_no_bias(x, W, b):
    """The bias is ignored."""
    x, W = np.asarray(x, dtype=float), np.asarray(W, dtype=float)
    return (x @ W).max(axis=0)


@mutant("maxout")
def maxout_min(x, W, b):
    """min over the pieces instead of max."""
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    return (x @ W + b[:, None, :]).min(axis=0)


@mutant("maxout")
def maxout_transposed(x, W, b):
    """x @ W[k].T: the weights of each piece transposed."""
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    return np.max([x @ W[k].T + b[k] for k in range(W.shape[0])], axis=0)


@mutant("maxout")
def maxout_sum(x, W, b):
    """Sums the pieces instead of taking their maximum."""
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    return (x @ W + b[:, None, :]).sum(axis=0)


@mutant("maxout")
def maxout_bias_max_separately(x, W, b):
    """max_k(x @ W[k]) + max_k(b[k]): the bias added after the maximum."""
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    return (x @ W).max(axis=0) + b.max(axis=0)


@mutant("maxout")
def maxout_arrays_only(x, W, b):
    """Assumes NumPy arrays: b[:, None, :] fails for nested lists."""
    return (x @ W + b[:, None, :]).max(axis=0)


@valid("maxout")
def maxout_einsum(x, W, b):
    """np.einsum for the pieces, then the max over k."""
    pieces = np.einsum("nd,kdm->knm", np.asarray(x, float), np.asarray(W, float))
    return (pieces + np.asarray(b, float)[:, None, :]).max(axis=0)


@valid("maxout")
def maxout_loop(x, W, b):
    """A loop over the pieces with a running np.maximum."""
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    best = x @ W[0] + b[0]
    for k in range(1, W.shape[0]):
        best = np.maximum(best, x @ W[k] + b[k])
    return best


@valid("maxout")
def maxout_stack_last(x, W, b):
    """Stacks the pieces on a last axis (N, M, K) and takes the max there."""
    x, W, b = np.asarray(x, dtype=float), np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    return np.stack([x @ W[k] + b[k] for k in range(len(W))], axis=-1).max(axis=-1)


# normalize_inputs ------------------------------------------------------------------------
@mutant("normalize_inputs")
def normalize_inputs_own_statistics(x_train, x_test):
    """Standardizes the test inputs with their own mean and std, not the training ones."""
    def standardize(x):
        x = np.asarray(x, dtype=float)
        std = x.std(axis=0)
        return (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return standardize(x_train), standardize(x_test)


@mutant("normalize_inputs")
def normalize_inputs_no_axis(x_train, x_test):
    """One mean and one std over all features together (no axis=0)."""
    a, b = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    return (a - a.mean()) / a.std(), (b - a.mean()) / a.std()


@mutant("normalize_inputs")
def normalize_inputs_ddof1(x_train, x_test):
    """The sample standard deviation (ddof=1) instead of np.std's default."""
    a, b = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    std = a.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (a - a.mean(axis=0)) / std, (b - a.mean(axis=0)) / std


@mutant("normalize_inputs")
def normalize_inputs_center_only(x_train, x_test):
    """Centres but never divides by the standard deviation."""
    a, b = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    return a - a.mean(axis=0), b - a.mean(axis=0)


@mutant("normalize_inputs")
def normalize_inputs_zero_std(x_train, x_test):
    """Divides by a zero std for a constant feature: NaN (0 / 0) there."""
    a, b = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    return (a - a.mean(axis=0)) / a.std(axis=0), (b - a.mean(axis=0)) / a.std(axis=0)


@mutant("normalize_inputs")
def normalize_inputs_in_place(x_train, x_test):
    """Standardizes the training array in place (the caller's array changes)."""
    a, b = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    mean, std = a.mean(axis=0), a.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    a -= mean
    a /= std
    return a, (b - mean) / std


@valid("normalize_inputs")
def normalize_inputs_keepdims(x_train, x_test):
    """Statistics with keepdims=True; a 1-D input handled by the same broadcasting."""
    a, b = np.array(x_train, dtype=float), np.array(x_test, dtype=float)
    mean = a.mean(axis=0, keepdims=True)
    std = a.std(axis=0, keepdims=True)
    std[std == 0] = 1.0
    return (a - mean) / std, (b - mean) / std


@valid("normalize_inputs")
def normalize_inputs_by_hand(x_train, x_test):
    """The mean and the variance written out as sums, and a tuple of two lists."""
    a, b = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    mean = np.sum(a, axis=0) / len(a)
    std = np.sqrt(np.sum((a - mean) ** 2, axis=0) / len(a))
    std = np.where(std == 0, 1.0, std)
    return ((a - mean) / std).tolist(), ((b - mean) / std).tolist()
