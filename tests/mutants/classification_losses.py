"""Mistakes and valid alternatives for 02_classification_losses."""

import numpy as np

from .catalogue import mutant, valid

ASSIGNMENT = "02_classification_losses"


# sigmoid ---------------------------------------------------------------------------------
@mutant("sigmoid")
def sigmoid_sign_flipped(s):
    """1 / (1 + e^s): the sign of the exponent is flipped (that is 1 - sigma)."""
    return 1.0 / (1.0 + np.exp(np.asarray(s, dtype=float)))


@mutant("sigmoid")
def sigmoid_exp_ratio(s):
    """e^s / (1 + e^s) everywhere: inf / inf = NaN for large positive s."""
    e = np.exp(np.asarray(s, dtype=float))
    return e / (1.0 + e)


@mutant("sigmoid")
def sigmoid_clipped(s):
    """Clips the probabilities to [1e-7, 1 - 1e-7] (a habit from loss code)."""
    return np.clip(1.0 / (1.0 + np.exp(-np.asarray(s, dtype=float))), 1e-7, 1 - 1e-7)


@mutant("sigmoid")
def sigmoid_tanh_without_half(s):
    """0.5 (1 + tanh(s)): the tanh identity needs tanh(s / 2)."""
    return 0.5 * (1.0 + np.tanh(np.asarray(s, dtype=float)))


@mutant("sigmoid")
def sigmoid_no_one(s):
    """1 / e^(-s): the 1 + in the denominator is missing."""
    return 1.0 / np.exp(-np.asarray(s, dtype=float))


@mutant("sigmoid")
def sigmoid_math_exp(s):
    """math.exp: works for one number only, raises for arrays."""
    import math
    return 1.0 / (1.0 + math.exp(-s))


@mutant("sigmoid")
def sigmoid_lists(s):
    """Assumes an array: -s raises TypeError for a list."""
    return 1.0 / (1.0 + np.exp(-s))


@mutant("sigmoid")
def sigmoid_flattened(s):
    """Returns a flat 1-D array whatever the input's shape."""
    return 1.0 / (1.0 + np.exp(-np.ravel(s).astype(float)))


@valid("sigmoid")
def sigmoid_naive(s):
    """The plain formula: overflows (with a warning) at s = -1000 but returns the right 0."""
    return 1.0 / (1.0 + np.exp(-np.asarray(s, dtype=float)))


@valid("sigmoid")
def sigmoid_tanh(s):
    """The tanh identity sigma(s) = (1 + tanh(s / 2)) / 2."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(s, dtype=float)))


@valid("sigmoid")
def sigmoid_logaddexp(s):
    """exp(-log(1 + e^-s)) via np.logaddexp, never overflowing."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(s, dtype=float)))


@valid("sigmoid")
def sigmoid_where_both_branches(s):
    """np.where over both formulas: the unused branch overflows to NaN, with warnings only."""
    s = np.asarray(s, dtype=float)
    return np.where(s >= 0, 1.0 / (1.0 + np.exp(-s)), np.exp(s) / (1.0 + np.exp(s)))


@valid("sigmoid")
def sigmoid_loop(s):
    """A loop over every element with math.exp and a branch on the sign."""
    import math
    s = np.asarray(s, dtype=float)
    out = np.empty(s.shape)
    for index, v in np.ndenumerate(s):
        out[index] = 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
    return out


# binary_cross_entropy --------------------------------------------------------------------
@mutant("binary_cross_entropy")
def binary_cross_entropy_sum(p, y):
    """Sums over the samples instead of averaging."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.sum(np.log(np.where(y == 1, p, 1 - p))))


@mutant("binary_cross_entropy")
def binary_cross_entropy_no_minus(p, y):
    """Forgets the minus sign: a negative loss."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean(np.log(np.where(y == 1, p, 1 - p))))


@mutant("binary_cross_entropy")
def binary_cross_entropy_log10(p, y):
    """Uses log10 instead of the natural logarithm."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.mean(np.log10(np.where(y == 1, p, 1 - p))))


@mutant("binary_cross_entropy")
def binary_cross_entropy_swapped(p, y):
    """Pairs y with log(1 - p) and 1 - y with log p."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.mean(np.log(np.where(y == 1, 1 - p, p))))


@mutant("binary_cross_entropy")
def binary_cross_entropy_positive_only(p, y):
    """Keeps only the y log p term: samples of class 0 cost nothing."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p)))


@mutant("binary_cross_entropy")
def binary_cross_entropy_nan_at_certainty(p, y):
    """The formula as written: 0 * log 0 = NaN where p is exactly 0 or 1."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@mutant("binary_cross_entropy")
def binary_cross_entropy_clipped(p, y):
    """Clips p to [1e-7, 1 - 1e-7] first: confident predictions get the wrong loss."""
    p, y = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7), np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@mutant("binary_cross_entropy")
def binary_cross_entropy_halved(p, y):
    """Averages over the 2N terms (both terms of every sample) instead of the N samples."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    terms = np.stack([np.where(y == 1, np.log(p), 0.0), np.where(y == 0, np.log(1 - p), 0.0)])
    return float(-np.mean(terms))


@valid("binary_cross_entropy")
def binary_cross_entropy_log_where(p, y):
    """np.log with where= and out=, summed over both terms, a NumPy scalar."""
    p, y = np.asarray(p, dtype=float), np.asarray(y)
    positive = np.log(p, out=np.zeros_like(p), where=(y == 1))
    negative = np.log(1 - p, out=np.zeros_like(p), where=(y == 0))
    return -np.mean(positive + negative)


@valid("binary_cross_entropy")
def binary_cross_entropy_loop(p, y):
    """A loop with math.log and an if on the label."""
    import math
    total = 0.0
    for pi, yi in zip(np.ravel(p), np.ravel(y)):
        total += -math.log(pi) if yi == 1 else -math.log(1 - pi)
    return total / len(np.ravel(p))


@valid("binary_cross_entropy")
def binary_cross_entropy_abs_trick(p, y):
    """|1 - y - p| is p for y = 1 and 1 - p for y = 0."""
    q = np.abs(1 - np.asarray(y, dtype=float) - np.asarray(p, dtype=float))
    return float(-np.mean(np.log(q)))


# binary_cross_entropy_with_logits --------------------------------------------------------
@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_via_probabilities(s, y):
    """The probability form on a stable sigmoid: sigmoid(40) is 1.0 and -log(1 - 1) is inf."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    p = np.exp(-np.logaddexp(0.0, -s))
    return float(-np.mean(np.log(np.where(y == 1, p, 1 - p))))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_textbook(s, y):
    """y log p + (1 - y) log(1 - p) with p = 1 / (1 + e^-s): inf, and 0 * log 0 = NaN."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    p = 1.0 / (1.0 + np.exp(-s))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_log_one_plus_exp(s, y):
    """np.log(1 + np.exp(s)) - y s: right up to s = 709, inf from e^800 on."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean(np.log(1 + np.exp(s)) - y * s))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_clipped(s, y):
    """Clips p = sigmoid(s) to [1e-7, 1 - 1e-7]: finite, but 16.1 where the loss is 40."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    p = np.clip(np.exp(-np.logaddexp(0.0, -s)), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_sign(s, y):
    """log(1 + e^s) + y s: the sign of the y s term is flipped."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean(np.logaddexp(0.0, s) + y * s))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_swapped_labels(s, y):
    """log(1 + e^s) - (1 - y) s: y and 1 - y are swapped."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean(np.logaddexp(0.0, s) - (1 - y) * s))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_sum(s, y):
    """Sums over the samples instead of averaging."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    return float(np.sum(np.logaddexp(0.0, s) - y * s))


@mutant("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_lists(s, y):
    """Assumes arrays: y * s raises TypeError for two lists."""
    return float(np.mean(np.logaddexp(0.0, s) - y * s))


@valid("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_relu_form(s, y):
    """PyTorch's form max(s, 0) - y s + log1p(e^-|s|), a NumPy scalar."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    return np.mean(np.maximum(s, 0.0) - y * s + np.log1p(np.exp(-np.abs(s))))


@valid("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_logaddexp(s, y):
    """np.logaddexp(0, s) - y s: cancels for y = 1 and a large s, within every tolerance."""
    s, y = np.asarray(s, dtype=float), np.asarray(y, dtype=float)
    return float(np.mean(np.logaddexp(0.0, s) - y * s))


@valid("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_per_label(s, y):
    """np.where over the labels: logaddexp(0, -s) for class 1, logaddexp(0, s) for class 0."""
    s, y = np.asarray(s, dtype=float), np.asarray(y)
    return float(np.mean(np.where(y == 1, np.logaddexp(0.0, -s), np.logaddexp(0.0, s))))


@valid("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits_loop(s, y):
    """A loop with math.log1p, math.exp and a branch on the sign of the score."""
    import math
    total, scores, labels = 0.0, np.ravel(np.asarray(s, dtype=float)), np.ravel(y)
    for score, label in zip(scores, labels):
        softplus = score + math.log1p(math.exp(-score)) if score > 0 else math.log1p(math.exp(score))
        total += softplus - label * score
    return total / len(scores)


# softmax ---------------------------------------------------------------------------------
@mutant("softmax")
def softmax_no_max(scores):
    """No max subtraction: e^1000 overflows and inf / inf = NaN."""
    e = np.exp(np.asarray(scores, dtype=float))
    return e / e.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_axis0(scores):
    """Normalises each column (axis=0) instead of each row."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@mutant("softmax")
def softmax_global_max(scores):
    """Subtracts the maximum of the whole array: rows far below it underflow to 0 / 0."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max())
    return e / e.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_row_min(scores):
    """Subtracts each row's minimum: e^(s - min) still overflows for wide rows."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_no_keepdims(scores):
    """Row sums without keepdims: broadcasting divides column i by row i's sum."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


@mutant("softmax")
def softmax_total_sum(scores):
    """Divides by the sum over all elements instead of each row's sum."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum()


@mutant("softmax")
def softmax_no_exp(scores):
    """Normalises the raw scores without exponentiating."""
    s = np.asarray(scores, dtype=float)
    return s / s.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_lists(scores):
    """Assumes an array: scores.max raises AttributeError for a list."""
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_in_place(scores):
    """Subtracts the maximum in place: the caller's score array is changed."""
    s = np.asarray(scores, dtype=float)
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s


@mutant("softmax")
def softmax_row_max_column_sums(scores):
    """Subtracts each row's maximum but sums over each column (axis=0)."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@mutant("softmax")
def softmax_max_without_keepdims(scores):
    """s - s.max(axis=1): the (N,) maxima broadcast along the columns (row j's from column j)."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1))
    return e / e.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_no_max_no_keepdims(scores):
    """Neither the max trick nor keepdims: overflow, and row j's sum divides column j."""
    e = np.exp(np.asarray(scores, dtype=float))
    return e / e.sum(axis=1)


@mutant("softmax")
def softmax_column_max(scores):
    """Subtracts each column's maximum (axis=0) before normalising the rows."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=0, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@mutant("softmax")
def softmax_row_mean(scores):
    """Subtracts each row's mean: wide rows still overflow."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@valid("softmax")
def softmax_loop(scores):
    """One row at a time in a Python loop."""
    s = np.asarray(scores, dtype=float)
    out = np.empty_like(s)
    for i, row in enumerate(s):
        e = np.exp(row - np.max(row))
        out[i] = e / np.sum(e)
    return out


@valid("softmax")
def softmax_logaddexp(scores):
    """exp(s - logsumexp(s)) with np.logaddexp.reduce along each row."""
    s = np.asarray(scores, dtype=float)
    return np.exp(s - np.logaddexp.reduce(s, axis=1, keepdims=True))


@valid("softmax")
def softmax_transposed(scores):
    """Works on the transpose, so a plain 1-D row vector of sums broadcasts."""
    s = np.asarray(scores, dtype=float).T
    e = np.exp(s - s.max(axis=0))
    return (e / e.sum(axis=0)).T


@valid("softmax")
def softmax_apply_along_axis(scores):
    """np.apply_along_axis with a 1-D stable softmax."""
    def row_softmax(row):
        e = np.exp(row - row.max())
        return e / e.sum()
    return np.apply_along_axis(row_softmax, 1, np.asarray(scores, dtype=float))


# cross_entropy_loss ----------------------------------------------------------------------
@mutant("cross_entropy_loss")
def cross_entropy_loss_log_of_softmax(scores, y, reduction="mean"):
    """-log(softmax): a stable softmax, but an underflowed probability gives log 0 = inf."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    losses = -np.log(p[np.arange(len(y)), y])
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_no_max(scores, y, reduction="mean"):
    """Log-sum-exp without the max: e^1000 overflows to inf."""
    s = np.asarray(scores, dtype=float)
    losses = np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(y)), y]
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_log10(scores, y, reduction="mean"):
    """log10 instead of the natural logarithm."""
    s = np.asarray(scores, dtype=float)
    log_p = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    losses = -log_p[np.arange(len(y)), y] / np.log(10)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_swapped_index(scores, y, reduction="mean"):
    """Indexes [y, arange(N)] (rows and columns swapped): the wrong class's log-probability."""
    s = np.asarray(scores, dtype=float)
    log_p = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    losses = -log_p[y, np.arange(len(y))]
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_all_classes(scores, y, reduction="mean"):
    """Sums -log p over all classes instead of taking the true class only."""
    s = np.asarray(scores, dtype=float)
    log_p = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    losses = -log_p.sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_ignores_reduction(scores, y, reduction="mean"):
    """Always returns the mean, whatever the reduction."""
    s = np.asarray(scores, dtype=float)
    log_p = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    return float(-np.mean(log_p[np.arange(len(y)), y]))


@mutant("cross_entropy_loss")
def cross_entropy_loss_sum_for_mean(scores, y, reduction="mean"):
    """Sums where the mean is asked (and averages where the sum is asked)."""
    s = np.asarray(scores, dtype=float)
    log_p = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    losses = -log_p[np.arange(len(y)), y]
    return {"none": losses, "sum": float(losses.mean()), "mean": float(losses.sum())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_argmax_class(scores, y, reduction="mean"):
    """Uses the highest-scoring class instead of the true label."""
    s = np.asarray(scores, dtype=float)
    log_p = s - np.logaddexp.reduce(s, axis=1, keepdims=True)
    losses = -log_p.max(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("cross_entropy_loss")
def cross_entropy_loss_probability(scores, y, reduction="mean"):
    """Returns 1 - p(y_i) instead of -log p(y_i)."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    losses = 1 - (e / e.sum(axis=1, keepdims=True))[np.arange(len(y)), y]
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@valid("cross_entropy_loss")
def cross_entropy_loss_loop(scores, y, reduction="mean"):
    """A loop over the examples with math.exp and math.log."""
    import math
    losses = []
    for row, label in zip(np.asarray(scores, dtype=float), y):
        top = max(row)
        losses.append(math.log(sum(math.exp(v - top) for v in row)) - (row[label] - top))
    losses = np.array(losses)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


@valid("cross_entropy_loss")
def cross_entropy_loss_logaddexp(scores, y, reduction="mean"):
    """np.logaddexp.reduce for the log-sum-exp and take_along_axis for the true scores."""
    s = np.asarray(scores, dtype=float)
    labels = np.asarray(y).reshape(-1, 1)
    losses = (np.logaddexp.reduce(s, axis=1, keepdims=True)
              - np.take_along_axis(s, labels, axis=1)).ravel()
    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}
    return reduce[reduction](losses)


@valid("cross_entropy_loss")
def cross_entropy_loss_onehot(scores, y, reduction="mean"):
    """Log-probabilities dotted with a one-hot matrix."""
    s = np.asarray(scores, dtype=float)
    shifted = s - s.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    onehot = np.eye(s.shape[1])[np.asarray(y)]
    losses = -np.sum(onehot * log_p, axis=1)
    if reduction == "mean":
        return np.mean(losses)
    if reduction == "sum":
        return np.sum(losses)
    return losses


# cross_entropy_grad ----------------------------------------------------------------------
@mutant("cross_entropy_grad")
def cross_entropy_grad_no_n(scores, y):
    """Forgets the division by N: the gradient of the summed loss."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    g = e / e.sum(axis=1, keepdims=True)
    g[np.arange(len(y)), y] -= 1
    return g


@mutant("cross_entropy_grad")
def cross_entropy_grad_sign(scores, y):
    """onehot - softmax: the sign is flipped."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return (np.eye(s.shape[1])[y] - e / e.sum(axis=1, keepdims=True)) / len(y)


@mutant("cross_entropy_grad")
def cross_entropy_grad_no_onehot(scores, y):
    """Returns softmax / N: the one-hot term is missing."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) / len(y)


@mutant("cross_entropy_grad")
def cross_entropy_grad_subtract_everywhere(scores, y):
    """Subtracts 1 from every class's probability, not only the true class's."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - 1) / len(y)


@mutant("cross_entropy_grad")
def cross_entropy_grad_onehot_transposed(scores, y):
    """Builds the one-hot matrix as np.eye(C)[:, y] (transposed; wrong shape when N != C)."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - np.eye(s.shape[1])[:, y]) / len(y)


@mutant("cross_entropy_grad")
def cross_entropy_grad_unstable(scores, y):
    """Softmax without the max subtraction: NaN for huge scores."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s)
    g = e / e.sum(axis=1, keepdims=True)
    g[np.arange(len(y)), y] -= 1
    return g / len(y)


@mutant("cross_entropy_grad")
def cross_entropy_grad_by_classes(scores, y):
    """Divides by the number of classes C instead of the number of examples N."""
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    g = e / e.sum(axis=1, keepdims=True)
    g[np.arange(len(y)), y] -= 1
    return g / s.shape[1]


@mutant("cross_entropy_grad")
def cross_entropy_grad_in_place(scores, y):
    """Computes the softmax in place: the caller's score array is overwritten."""
    s = np.asarray(scores, dtype=float)
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    s[np.arange(len(y)), y] -= 1
    s /= len(y)
    return s


@valid("cross_entropy_grad")
def cross_entropy_grad_loop(scores, y):
    """Loops over examples and classes."""
    import math
    s = np.asarray(scores, dtype=float)
    n, c = s.shape
    g = np.zeros((n, c))
    for i in range(n):
        top = max(s[i])
        total = sum(math.exp(v - top) for v in s[i])
        for k in range(c):
            g[i, k] = (math.exp(s[i, k] - top) / total - (1.0 if k == y[i] else 0.0)) / n
    return g


@valid("cross_entropy_grad")
def cross_entropy_grad_eye(scores, y):
    """np.eye(C)[y] as the one-hot matrix and np.logaddexp for the probabilities."""
    s = np.asarray(scores, dtype=float)
    p = np.exp(s - np.logaddexp.reduce(s, axis=1, keepdims=True))
    return (p - np.eye(s.shape[1])[np.asarray(y)]) / s.shape[0]


@valid("cross_entropy_grad")
def cross_entropy_grad_add_at(scores, y):
    """Uses the notebook's softmax and np.add.at for the one-hot subtraction."""
    g = softmax(scores).copy()
    np.add.at(g, (np.arange(len(y)), np.asarray(y)), -1.0)
    return g / len(y)


# hinge_loss ------------------------------------------------------------------------------
@mutant("hinge_loss")
def hinge_loss_counts_true_class(scores, y, margin=1.0, reduction="mean"):
    """Sums over all k, including k = y_i: adds max(0, margin) per example."""
    s = np.asarray(scores, dtype=float)
    losses = np.maximum(0, s - s[np.arange(len(y)), y][:, None] + margin).sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_sign_flipped(scores, y, margin=1.0, reduction="mean"):
    """max(0, s_y - s_k + margin): the sign is flipped."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s[rows, y][:, None] - s + margin)
    t[rows, y] = 0
    losses = t.sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_margin_ignored(scores, y, margin=1.0, reduction="mean"):
    """Hard-codes the lecture's margin 1, ignoring the argument."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s - s[rows, y][:, None] + 1.0)
    t[rows, y] = 0
    losses = t.sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_no_margin(scores, y, margin=1.0, reduction="mean"):
    """Leaves the margin out of the terms: max(0, s_k - s_y)."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s - s[rows, y][:, None])
    losses = t.sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_mean_over_classes(scores, y, margin=1.0, reduction="mean"):
    """Averages the terms over the classes instead of summing them."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s - s[rows, y][:, None] + margin)
    t[rows, y] = 0
    losses = t.mean(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_ignores_reduction(scores, y, margin=1.0, reduction="mean"):
    """Always returns the mean."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s - s[rows, y][:, None] + margin)
    t[rows, y] = 0
    return float(t.sum(axis=1).mean())


@mutant("hinge_loss")
def hinge_loss_squared(scores, y, margin=1.0, reduction="mean"):
    """Squares the terms (the squared hinge loss)."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s - s[rows, y][:, None] + margin)
    t[rows, y] = 0
    losses = (t ** 2).sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_max_term(scores, y, margin=1.0, reduction="mean"):
    """Takes the largest term (Crammer-Singer) instead of the lecture's sum."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    t = np.maximum(0, s - s[rows, y][:, None] + margin)
    t[rows, y] = 0
    losses = t.max(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@mutant("hinge_loss")
def hinge_loss_lists(scores, y, margin=1.0, reduction="mean"):
    """Assumes arrays: indexing a list with a tuple raises TypeError."""
    rows = np.arange(len(y))
    t = np.maximum(0, scores - scores[rows, y][:, None] + margin)
    t[rows, y] = 0
    losses = t.sum(axis=1)
    return {"none": losses, "sum": float(losses.sum()), "mean": float(losses.mean())}[reduction]


@valid("hinge_loss")
def hinge_loss_loop(scores, y, margin=1.0, reduction="mean"):
    """Loops over examples and classes, skipping k = y_i."""
    s = np.asarray(scores, dtype=float)
    losses = np.zeros(len(s))
    for i, label in enumerate(y):
        for k in range(s.shape[1]):
            if k != label:
                losses[i] += max(0.0, s[i, k] - s[i, label] + margin)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


@valid("hinge_loss")
def hinge_loss_subtract_margin(scores, y, margin=1.0, reduction="mean"):
    """Sums over all classes, then removes the true class's term max(0, margin)."""
    s = np.asarray(scores, dtype=float)
    correct = np.take_along_axis(s, np.asarray(y).reshape(-1, 1), axis=1)
    losses = np.clip(s - correct + margin, 0, None).sum(axis=1) - max(0.0, margin)
    return {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction](losses)


@valid("hinge_loss")
def hinge_loss_mask(scores, y, margin=1.0, reduction="mean"):
    """A boolean mask of the other classes and np.where."""
    s = np.asarray(scores, dtype=float)
    labels = np.asarray(y)
    other = np.arange(s.shape[1])[None, :] != labels[:, None]
    terms = np.where(other, np.maximum(0, s - s[np.arange(len(labels)), labels][:, None] + margin), 0)
    losses = terms.sum(axis=1)
    if reduction == "mean":
        return float(losses.mean())
    if reduction == "sum":
        return float(losses.sum())
    return losses


# hinge_grad ------------------------------------------------------------------------------
@mutant("hinge_grad")
def hinge_grad_no_n(scores, y, margin=1.0):
    """Forgets the division by N: the gradient of the summed loss."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = (s - s[rows, y][:, None] + margin > 0).astype(float)
    a[rows, y] = 0
    a[rows, y] = -a.sum(axis=1)
    return a


@mutant("hinge_grad")
def hinge_grad_sign(scores, y, margin=1.0):
    """The sign is flipped."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = (s - s[rows, y][:, None] + margin > 0).astype(float)
    a[rows, y] = 0
    a[rows, y] = -a.sum(axis=1)
    return -a / len(y)


@mutant("hinge_grad")
def hinge_grad_counts_zero(scores, y, margin=1.0):
    """Uses >= 0: terms exactly at the kink count."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = (s - s[rows, y][:, None] + margin >= 0).astype(float)
    a[rows, y] = 0
    a[rows, y] = -a.sum(axis=1)
    return a / len(y)


@mutant("hinge_grad")
def hinge_grad_true_class_counted(scores, y, margin=1.0):
    """Does not zero the true class's own indicator before summing the row."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = (s - s[rows, y][:, None] + margin > 0).astype(float)
    a[rows, y] = -a.sum(axis=1)
    return a / len(y)


@mutant("hinge_grad")
def hinge_grad_no_true_column(scores, y, margin=1.0):
    """Forgets the true class's column: it must get minus the number of active terms."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = (s - s[rows, y][:, None] + margin > 0).astype(float)
    a[rows, y] = 0
    return a / len(y)


@mutant("hinge_grad")
def hinge_grad_margin_ignored(scores, y, margin=1.0):
    """Hard-codes the margin 1."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = (s - s[rows, y][:, None] + 1.0 > 0).astype(float)
    a[rows, y] = 0
    a[rows, y] = -a.sum(axis=1)
    return a / len(y)


@mutant("hinge_grad")
def hinge_grad_term_values(scores, y, margin=1.0):
    """Uses the terms' values instead of the indicator 1 where they are positive."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(len(y))
    a = np.maximum(0, s - s[rows, y][:, None] + margin)
    a[rows, y] = 0
    a[rows, y] = -a.sum(axis=1)
    return a / len(y)


@valid("hinge_grad")
def hinge_grad_loop(scores, y, margin=1.0):
    """Loops over examples and classes (cs231n's svm_loss_naive)."""
    s = np.asarray(scores, dtype=float)
    n = len(s)
    g = np.zeros_like(s)
    for i in range(n):
        for k in range(s.shape[1]):
            if k != y[i] and s[i, k] - s[i, y[i]] + margin > 0:
                g[i, k] += 1.0 / n
                g[i, y[i]] -= 1.0 / n
    return g


@valid("hinge_grad")
def hinge_grad_heaviside(scores, y, margin=1.0):
    """np.heaviside(m, 0) for the indicators and np.add.at for the true column."""
    s = np.asarray(scores, dtype=float)
    labels = np.asarray(y)
    rows = np.arange(len(labels))
    m = s - s[rows, labels][:, None] + margin
    m[rows, labels] = -1.0
    g = np.heaviside(m, 0.0)
    np.add.at(g, (rows, labels), -g.sum(axis=1))
    return g / len(labels)


@valid("hinge_grad")
def hinge_grad_via_mask(scores, y, margin=1.0):
    """Boolean masks and np.where, integer labels given as a list."""
    s = np.asarray(scores, dtype=float)
    labels = np.asarray(y)
    true = np.arange(s.shape[1])[None, :] == labels[:, None]
    active = (s - s[np.arange(len(labels)), labels][:, None] + margin > 0) & ~true
    counts = active.sum(axis=1, keepdims=True)
    return np.where(true, -counts, active.astype(float)) / len(labels)


# l1_regularization -----------------------------------------------------------------------
@mutant("l1_regularization")
def l1_regularization_signed(W):
    """Sums w instead of |w|."""
    return float(np.sum(np.asarray(W, dtype=float)))


@mutant("l1_regularization")
def l1_regularization_norm2(W):
    """The Euclidean norm: the square root of the sum of squares."""
    return float(np.sqrt(np.sum(np.asarray(W, dtype=float) ** 2)))


@mutant("l1_regularization")
def l1_regularization_mean(W):
    """The mean of |w| instead of the sum."""
    return float(np.mean(np.abs(np.asarray(W, dtype=float))))


@mutant("l1_regularization")
def l1_regularization_max(W):
    """The largest |w|."""
    return float(np.max(np.abs(np.asarray(W, dtype=float))))


@mutant("l1_regularization")
def l1_regularization_axis0(W):
    """Sums over the first axis only: an array for matrices."""
    return np.sum(np.abs(np.asarray(W, dtype=float)), axis=0)


@mutant("l1_regularization")
def l1_regularization_lists(W):
    """abs() of a list raises TypeError."""
    return float(np.sum(abs(W)))


@valid("l1_regularization")
def l1_regularization_loop(W):
    """A loop over the flattened weights."""
    total = 0.0
    for w in np.ravel(W):
        total += abs(float(w))
    return total


@valid("l1_regularization")
def l1_regularization_norm1(W):
    """np.linalg.norm(ord=1) of the flattened weights."""
    return np.linalg.norm(np.ravel(np.asarray(W, dtype=float)), ord=1)


@valid("l1_regularization")
def l1_regularization_numpy_scalar(W):
    """np.abs(W).sum() as a NumPy scalar (integers stay integers)."""
    return np.abs(np.asarray(W)).sum()


# l2_regularization -----------------------------------------------------------------------
@mutant("l2_regularization")
def l2_regularization_norm(W):
    """The Euclidean norm (the square root) instead of the squared norm."""
    return float(np.linalg.norm(np.ravel(np.asarray(W, dtype=float))))


@mutant("l2_regularization")
def l2_regularization_abs(W):
    """The sum of |w| (L1)."""
    return float(np.sum(np.abs(np.asarray(W, dtype=float))))


@mutant("l2_regularization")
def l2_regularization_square_of_sum(W):
    """Squares the sum of the weights."""
    return float(np.sum(np.asarray(W, dtype=float)) ** 2)


@mutant("l2_regularization")
def l2_regularization_mean(W):
    """The mean of w^2 instead of the sum."""
    return float(np.mean(np.asarray(W, dtype=float) ** 2))


@mutant("l2_regularization")
def l2_regularization_half(W):
    """Half the sum of squares (the 1/2 convention of some textbooks)."""
    return float(0.5 * np.sum(np.asarray(W, dtype=float) ** 2))


@mutant("l2_regularization")
def l2_regularization_lists(W):
    """W ** 2 on a list raises TypeError."""
    return float(np.sum(W ** 2))


@valid("l2_regularization")
def l2_regularization_loop(W):
    """A loop over the flattened weights."""
    total = 0.0
    for w in np.ravel(W):
        total += float(w) * float(w)
    return total


@valid("l2_regularization")
def l2_regularization_norm_squared(W):
    """The squared Frobenius norm of the flattened weights."""
    return np.linalg.norm(np.ravel(np.asarray(W, dtype=float))) ** 2


@valid("l2_regularization")
def l2_regularization_vdot(W):
    """np.vdot of the weights with themselves (flattens any shape), a NumPy scalar."""
    W = np.asarray(W, dtype=float)
    return np.vdot(W, W)


@valid("l2_regularization")
def l2_regularization_einsum(W):
    """np.einsum over all axes."""
    W = np.asarray(W, dtype=float).ravel()
    return float(np.einsum("i,i->", W, W))


# linear_classifier_loss ------------------------------------------------------------------
@mutant("linear_classifier_loss")
def linear_classifier_loss_no_reg_grad(W, X, y, reg, loss="cross_entropy"):
    """Adds the penalty to the loss but forgets its gradient 2 reg W."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    if loss == "hinge":
        value, ds = hinge_loss(s, y), hinge_grad(s, y)
    else:
        value, ds = cross_entropy_loss(s, y), cross_entropy_grad(s, y)
    return value + reg * np.sum(W * W), X.T @ ds


@mutant("linear_classifier_loss")
def linear_classifier_loss_reg_grad_factor_one(W, X, y, reg, loss="cross_entropy"):
    """The gradient of reg * sum(W^2) taken as reg * W: the factor 2 is missing."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    if loss == "hinge":
        value, ds = hinge_loss(s, y), hinge_grad(s, y)
    else:
        value, ds = cross_entropy_loss(s, y), cross_entropy_grad(s, y)
    return value + reg * np.sum(W * W), X.T @ ds + reg * W


@mutant("linear_classifier_loss")
def linear_classifier_loss_half_convention(W, X, y, reg, loss="cross_entropy"):
    """0.5 reg sum(W^2) with gradient reg W: consistent, but not the lecture's penalty."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    if loss == "hinge":
        value, ds = hinge_loss(s, y), hinge_grad(s, y)
    else:
        value, ds = cross_entropy_loss(s, y), cross_entropy_grad(s, y)
    return value + 0.5 * reg * np.sum(W * W), X.T @ ds + reg * W


@mutant("linear_classifier_loss")
def linear_classifier_loss_summed(W, X, y, reg, loss="cross_entropy"):
    """Sums the data loss and its gradient over the examples instead of averaging."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s, n = X @ W, len(y)
    if loss == "hinge":
        value, ds = hinge_loss(s, y, reduction="sum"), hinge_grad(s, y) * n
    else:
        value, ds = cross_entropy_loss(s, y, reduction="sum"), cross_entropy_grad(s, y) * n
    return value + reg * np.sum(W * W), X.T @ ds + 2 * reg * W


@mutant("linear_classifier_loss")
def linear_classifier_loss_always_cross_entropy(W, X, y, reg, loss="cross_entropy"):
    """Ignores the loss argument: always the cross-entropy."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    return (cross_entropy_loss(s, y) + reg * np.sum(W * W),
            X.T @ cross_entropy_grad(s, y) + 2 * reg * W)


@mutant("linear_classifier_loss")
def linear_classifier_loss_l1_penalty(W, X, y, reg, loss="cross_entropy"):
    """Regularizes with L1 (reg sum |W|, gradient reg sign(W)) instead of L2."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    if loss == "hinge":
        value, ds = hinge_loss(s, y), hinge_grad(s, y)
    else:
        value, ds = cross_entropy_loss(s, y), cross_entropy_grad(s, y)
    return value + reg * np.sum(np.abs(W)), X.T @ ds + reg * np.sign(W)


@mutant("linear_classifier_loss")
def linear_classifier_loss_transposed_grad(W, X, y, reg, loss="cross_entropy"):
    """dscores.T @ X: a (C, D) gradient instead of (D, C)."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    if loss == "hinge":
        value, ds = hinge_loss(s, y), hinge_grad(s, y)
    else:
        value, ds = cross_entropy_loss(s, y), cross_entropy_grad(s, y)
    return value + reg * np.sum(W * W), ds.T @ X + 2 * reg * W.T


@mutant("linear_classifier_loss")
def linear_classifier_loss_reg_only_in_grad(W, X, y, reg, loss="cross_entropy"):
    """Adds 2 reg W to the gradient but leaves the penalty out of the loss value."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    s = X @ W
    if loss == "hinge":
        value, ds = hinge_loss(s, y), hinge_grad(s, y)
    else:
        value, ds = cross_entropy_loss(s, y), cross_entropy_grad(s, y)
    return value, X.T @ ds + 2 * reg * W


@valid("linear_classifier_loss")
def linear_classifier_loss_self_contained(W, X, y, reg, loss="cross_entropy"):
    """Everything inline, without the notebook's other functions; a NumPy scalar loss."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    labels = np.asarray(y)
    s, n, rows = X @ W, len(labels), np.arange(len(labels))
    if loss == "cross_entropy":
        shifted = s - s.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        data = np.mean(np.log(e.sum(axis=1)) - shifted[rows, labels])
        ds = e / e.sum(axis=1, keepdims=True)
        ds[rows, labels] -= 1
    else:
        m = s - s[rows, labels][:, None] + 1.0
        m[rows, labels] = 0
        data = np.maximum(0, m).sum(axis=1).mean()
        ds = (m > 0).astype(float)
        ds[rows, labels] = -ds.sum(axis=1)
    return data + reg * np.sum(W ** 2), X.T @ ds / n + 2 * reg * W


@valid("linear_classifier_loss")
def linear_classifier_loss_loops(W, X, y, reg, loss="cross_entropy"):
    """Per-example loops for the gradient, as in cs231n's naive versions."""
    import math
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    n, c = X.shape[0], W.shape[1]
    total, dW = 0.0, np.zeros_like(W)
    for i in range(n):
        s = X[i] @ W
        yi = y[i]
        if loss == "cross_entropy":
            top = max(s)
            z = sum(math.exp(v - top) for v in s)
            total += math.log(z) - (s[yi] - top)
            for k in range(c):
                dW[:, k] += (math.exp(s[k] - top) / z - (k == yi)) * X[i]
        else:
            for k in range(c):
                if k != yi and s[k] - s[yi] + 1 > 0:
                    total += s[k] - s[yi] + 1
                    dW[:, k] += X[i]
                    dW[:, yi] -= X[i]
    return total / n + reg * float(np.sum(W * W)), dW / n + 2 * reg * W


@valid("linear_classifier_loss")
def linear_classifier_loss_dispatch(W, X, y, reg, loss="cross_entropy"):
    """A dictionary of (loss, gradient) functions from the notebook, and np.einsum."""
    W = np.asarray(W, dtype=float)
    X = np.asarray(X, dtype=float)
    functions = {"cross_entropy": (cross_entropy_loss, cross_entropy_grad),
                 "hinge": (hinge_loss, hinge_grad)}
    value, gradient = functions[loss]
    s = np.einsum("nd,dc->nc", X, W)
    return (value(s, y) + reg * l2_regularization(W),
            np.einsum("nd,nc->dc", X, gradient(s, y)) + 2 * reg * W)
