"""Mistakes and valid alternatives for 01_regression_losses."""

import numpy as np

from .catalogue import mutant, valid

ASSIGNMENT = "01_regression_losses"


# l2_loss ---------------------------------------------------------------------------------
@mutant("l2_loss")
def l2_loss_mean(y_true, y_pred):
    """The mean of squared differences (MSE) where the lecture sums."""
    return np.mean((np.asarray(y_pred, float) - np.asarray(y_true, float)) ** 2)


@mutant("l2_loss")
def l2_loss_norm(y_true, y_pred):
    """The Euclidean norm: the square root of the sum of squares."""
    return np.linalg.norm(np.asarray(y_pred, float) - np.asarray(y_true, float))


@mutant("l2_loss")
def l2_loss_square_of_sum(y_true, y_pred):
    """Squares the sum of differences instead of summing the squares."""
    return np.sum(np.asarray(y_pred, float) - np.asarray(y_true, float)) ** 2


@mutant("l2_loss")
def l2_loss_axis0(y_true, y_pred):
    """Sums over the first axis only: an array instead of one number."""
    return np.sum((np.asarray(y_pred, float) - np.asarray(y_true, float)) ** 2, axis=0)


@mutant("l2_loss")
def l2_loss_halved(y_true, y_pred):
    """The 1/2 convention of some textbooks: half the lecture's L2."""
    return 0.5 * np.sum((np.asarray(y_pred, float) - np.asarray(y_true, float)) ** 2)


@mutant("l2_loss")
def l2_loss_lists(y_true, y_pred):
    """Assumes arrays: list inputs raise TypeError."""
    return float(np.sum((y_pred - y_true) ** 2))


@mutant("l2_loss")
def l2_loss_hardcoded(y_true, y_pred):
    """Returns the lecture's answer whatever the input."""
    return 33.0


@valid("l2_loss")
def l2_loss_loop(y_true, y_pred):
    """A plain loop over flattened elements."""
    total = 0.0
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        total += (float(t) - float(p)) ** 2
    return total


@valid("l2_loss")
def l2_loss_dot(y_true, y_pred):
    """A dot product of the residual with itself, returned as a NumPy scalar."""
    r = (np.asarray(y_true, float) - np.asarray(y_pred, float)).ravel()
    return r @ r


@valid("l2_loss")
def l2_loss_square_subtract(y_true, y_pred):
    """np.square of np.subtract (no explicit conversion), a NumPy scalar."""
    return np.sum(np.square(np.subtract(y_true, y_pred)))


# l1_loss ---------------------------------------------------------------------------------
@mutant("l1_loss")
def l1_loss_mean(y_true, y_pred):
    """The mean absolute error where the lecture sums."""
    return np.mean(np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float)))


@mutant("l1_loss")
def l1_loss_signed(y_true, y_pred):
    """Forgets the absolute value: positive and negative residuals cancel."""
    return np.sum(np.asarray(y_pred, float) - np.asarray(y_true, float))


@mutant("l1_loss")
def l1_loss_abs_of_sum(y_true, y_pred):
    """The absolute value of the sum instead of the sum of absolute values."""
    return abs(np.sum(np.asarray(y_pred, float) - np.asarray(y_true, float)))


@mutant("l1_loss")
def l1_loss_squared(y_true, y_pred):
    """Squares the residuals: that is the L2 loss."""
    return np.sum((np.asarray(y_pred, float) - np.asarray(y_true, float)) ** 2)


@mutant("l1_loss")
def l1_loss_max(y_true, y_pred):
    """The largest absolute residual (the L-infinity norm)."""
    return np.max(np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float)))


@valid("l1_loss")
def l1_loss_loop(y_true, y_pred):
    """A plain loop with abs()."""
    total = 0.0
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        total += abs(float(t) - float(p))
    return total


@valid("l1_loss")
def l1_loss_norm(y_true, y_pred):
    """np.linalg.norm with ord=1 on the flattened residual."""
    return np.linalg.norm(np.ravel(np.subtract(y_true, y_pred)), ord=1)


# l2_loss_grad ----------------------------------------------------------------------------
@mutant("l2_loss_grad")
def l2_loss_grad_sign(y_true, y_pred):
    """Differentiates with respect to y_true: the sign is flipped."""
    return 2 * (np.asarray(y_true, float) - np.asarray(y_pred, float))


@mutant("l2_loss_grad")
def l2_loss_grad_no_two(y_true, y_pred):
    """Forgets the factor 2 that comes down from the square."""
    return np.asarray(y_pred, float) - np.asarray(y_true, float)


@mutant("l2_loss_grad")
def l2_loss_grad_mean(y_true, y_pred):
    """The gradient of the mean: divides by the number of elements."""
    d = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return 2 * d / d.size


@mutant("l2_loss_grad")
def l2_loss_grad_summed(y_true, y_pred):
    """Sums the gradient into one number instead of one entry per prediction."""
    return np.sum(2 * (np.asarray(y_pred, float) - np.asarray(y_true, float)))


@mutant("l2_loss_grad")
def l2_loss_grad_flat(y_true, y_pred):
    """Returns the gradient flattened to 1-D."""
    return 2 * (np.ravel(y_pred).astype(float) - np.ravel(y_true).astype(float))


@valid("l2_loss_grad")
def l2_loss_grad_loop(y_true, y_pred):
    """An element-by-element loop over np.ndindex."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    grad = np.empty_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        grad[index] = 2 * (y_pred[index] - y_true[index])
    return grad


@valid("l2_loss_grad")
def l2_loss_grad_negated(y_true, y_pred):
    """-2 (y_true - y_pred), on integer input kept as integers."""
    return -2 * np.subtract(y_true, y_pred)


# l1_loss_grad ----------------------------------------------------------------------------
@mutant("l1_loss_grad")
def l1_loss_grad_sign_flipped(y_true, y_pred):
    """Differentiates with respect to y_true: the sign is flipped."""
    return np.sign(np.asarray(y_true, float) - np.asarray(y_pred, float))


@mutant("l1_loss_grad")
def l1_loss_grad_ties_one(y_true, y_pred):
    """Uses >= so that ties get +1 instead of the subgradient 0."""
    d = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return np.where(d >= 0, 1.0, -1.0)


@mutant("l1_loss_grad")
def l1_loss_grad_divide(y_true, y_pred):
    """d / |d|: right away from ties, NaN where prediction equals label."""
    d = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return d / np.abs(d)


@mutant("l1_loss_grad")
def l1_loss_grad_soft_sign(y_true, y_pred):
    """d / (|d| + eps) to avoid dividing by 0: a tiny residual gets a tiny gradient."""
    d = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return d / (np.abs(d) + 1e-8)


@mutant("l1_loss_grad")
def l1_loss_grad_residual(y_true, y_pred):
    """Returns the residual itself (half the L2 gradient)."""
    return np.asarray(y_pred, float) - np.asarray(y_true, float)


@valid("l1_loss_grad")
def l1_loss_grad_where(y_true, y_pred):
    """Nested np.where with an explicit 0 at ties."""
    d = np.asarray(y_pred, float) - np.asarray(y_true, float)
    return np.where(d > 0, 1.0, np.where(d < 0, -1.0, 0.0))


@valid("l1_loss_grad")
def l1_loss_grad_masks(y_true, y_pred):
    """Boolean masks subtracted: (d > 0) - (d < 0), as integers."""
    d = np.subtract(y_pred, y_true)
    return (d > 0).astype(int) - (d < 0).astype(int)
