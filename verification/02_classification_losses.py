"""Secret verification cases for 02_classification_losses (instructors only, never released).

Shapes with N != C, lists, every reduction, margins other than 1, both losses of the linear
classifier, and the stability the contract promises (scores of size 1e3, sigmoid at +-800,
the binary cross-entropy from scores up to 1e4). Each case is a hidden test of the grade
cell that grades what it checks: huge scores the stability cells, the hinge loss of the
linear classifier its hinge cell.
"""

import numpy as np

from autograder.grading.verification import AsList, Case


def _scores(rng, n, c, scale=3.0):
    """Random (n, c) scores and labels 0..c-1."""
    return rng.normal(scale=scale, size=(n, c)), rng.integers(0, c, size=n)


def _size(scale):
    """Scores described without values."""
    return "huge" if scale > 100 else "random"


def _margin(margin):
    """A margin described without its value."""
    if margin is None:
        return "the default margin"
    return "margin 0" if margin == 0 else f"a margin {'above' if margin > 1 else 'below'} 1"


def _reg(reg):
    """A regularization strength described without its value."""
    return "no regularization" if reg == 0 else "some regularization"


def _sigmoid(rng):
    extremes = np.array([-1e6, -800.0, -300.0, -40.0, 0.0, 40.0, 300.0, 800.0, 1e6])
    listed = rng.normal(scale=5.0, size=(2, 4))
    listed[0, :2] = [800.0, -800.0]
    return [
        Case("sigmoid", (rng.normal(scale=5.0, size=(5, 3)),), label="random (5, 3) scores"),
        Case("sigmoid", (AsList(listed),), label="nested lists (2, 4) including huge scores"),
        Case("sigmoid", (extremes,), label="hugely negative to hugely positive scores, (9,)"),
        Case("sigmoid", (-3.7,), label="a Python float"),
        Case("sigmoid", (rng.normal(scale=2.0, size=(2, 3, 4)),), label="random (2, 3, 4) scores"),
    ]


def _binary_cross_entropy(rng):
    labels = rng.integers(0, 2, size=13)
    listed = rng.integers(0, 2, size=6).astype(float)
    return [
        Case("binary_cross_entropy", (rng.uniform(0.02, 0.98, size=13), labels),
             label="13 random samples"),
        Case("binary_cross_entropy", (AsList(rng.uniform(0.05, 0.95, size=6)), AsList(listed)),
             label="lists of 6 probabilities and float labels"),
        Case("binary_cross_entropy", (np.array([1.0, 0.0, 1.0, 0.0, 0.3, 0.8]),
                                      np.array([1, 0, 1, 0, 1, 0])),
             label="6 samples, some certain and right (p exactly 0 or 1)"),
        Case("binary_cross_entropy", (np.array([1e-13, 1.0 - 1e-10, 0.4]), np.array([1, 0, 0])),
             rtol=1e-4, label="3 samples, some confident and wrong"),
        Case("binary_cross_entropy", (rng.uniform(0.3, 0.7, size=40), np.ones(40, dtype=int)),
             label="40 samples, all of class 1"),
    ]


def _binary_cross_entropy_with_logits(rng):
    extremes = np.array([40.0, -40.0, 800.0, -800.0, 1e4, -1e4, 37.5, -745.0, 3.0])
    extreme_labels = np.array([0, 1, 1, 0, 0, 1, 0, 1, 1])
    confident = rng.uniform(30.0, 60.0, size=12) * rng.choice([-1.0, 1.0], size=12)
    return [
        Case("binary_cross_entropy_with_logits",
             (rng.normal(scale=5.0, size=13), rng.integers(0, 2, size=13)),
             label="13 random scores"),
        Case("binary_cross_entropy_with_logits",
             (AsList(rng.normal(scale=3.0, size=7)),
              AsList(rng.integers(0, 2, size=7).astype(float))),
             label="lists of 7 scores and float labels"),
        Case("binary_cross_entropy_with_logits", (extremes, extreme_labels),
             label="9 scores from hugely negative to hugely positive, both labels"),
        Case("binary_cross_entropy_with_logits", (confident, (confident < 0).astype(int)),
             label="12 large scores, each on the wrong side of its label"),
        Case("binary_cross_entropy_with_logits", (np.array([-2.5]), np.array([0])),
             label="a single sample"),
    ]


def _softmax(rng):
    shifted = rng.normal(size=(1, 7)) + 800.0
    return [
        Case("softmax", (rng.normal(scale=4.0, size=(6, 9)),), label="random (6, 9) scores"),
        Case("softmax", (AsList(rng.integers(-5, 6, size=(4, 3))),),
             label="a nested list of integers, shape (4, 3)"),
        Case("softmax", (rng.normal(scale=1e3, size=(5, 4)),), label="huge (5, 4) scores",
             cell="test_softmax_stability"),
        Case("softmax", (shifted,), label="one row of huge scores, shape (1, 7)",
             cell="test_softmax_stability"),
        Case("softmax", (rng.normal(scale=2.0, size=(5, 5)),), label="random (5, 5) scores"),
        Case("softmax", (rng.normal(size=(8, 1)),), label="one class, shape (8, 1)"),
    ]


CE_STABILITY = "test_cross_entropy_loss_stability"  # huge scores cost that cell's points


def _cross_entropy_loss(rng):
    found = []
    for (n, c, scale), reduction in zip([(8, 5, 3.0), (6, 6, 2.0), (7, 4, 1e3), (1, 9, 3.0)],
                                        ["none", None, "sum", "none"], strict=True):
        v, y = _scores(rng, n, c, scale)
        kwargs = {} if reduction is None else {"reduction": reduction}
        found.append(Case("cross_entropy_loss", (v, y), kwargs,
                          label=f"{_size(scale)} ({n}, {c}) scores, reduction "
                                f"{reduction or 'default'}",
                          cell=CE_STABILITY if scale > 100 else ""))
    v, y = _scores(rng, 5, 3)
    found.append(Case("cross_entropy_loss", (AsList(v), AsList(y)), {"reduction": "mean"},
                      label="(5, 3) scores and labels as lists, reduction mean"))
    v, y = _scores(rng, 4, 3, 1e3)
    y = v.argmin(axis=1)
    found.append(Case("cross_entropy_loss", (v, y), {"reduction": "mean"}, cell=CE_STABILITY,
                      label="huge (4, 3) scores with the lowest-scoring class true"))
    return found


def _cross_entropy_grad(rng):
    found = []
    for n, c, scale in [(7, 4, 2.0), (3, 8, 2.0), (6, 3, 1e3), (5, 5, 3.0)]:
        v, y = _scores(rng, n, c, scale)
        found.append(Case("cross_entropy_grad", (v, y), label=f"{_size(scale)} ({n}, {c}) scores"))
    v, y = _scores(rng, 4, 5)
    found.append(Case("cross_entropy_grad", (AsList(v), AsList(y)),
                      label="(4, 5) scores and labels as lists"))
    return found


def _hinge_loss(rng):
    found = []
    for (n, c, margin), reduction in zip([(7, 4, 2.5), (5, 6, None), (9, 3, 0.0)],
                                         ["none", "sum", "mean"], strict=True):
        v, y = _scores(rng, n, c, 2.0)
        if margin == 0.0:
            v = np.round(v)  # ties: terms exactly 0
        kwargs = {"reduction": reduction} if margin is None else \
            {"margin": margin, "reduction": reduction}
        found.append(Case("hinge_loss", (v, y), kwargs,
                          label=f"({n}, {c}) scores, {_margin(margin)}, reduction {reduction}"))
    v, y = _scores(rng, 4, 3)
    found.append(Case("hinge_loss", (AsList(v), AsList(y), 0.5),
                      label="(4, 3) lists, a margin below 1 by position"))
    v, y = _scores(rng, 5, 4, 1e3)
    found.append(Case("hinge_loss", (v, y), {"reduction": "none"},
                      label="huge (5, 4) scores, reduction none"))
    return found


def _hinge_grad(rng):
    found = []
    for n, c, margin in [(6, 5, 1.5), (4, 7, None), (8, 2, 0.0)]:
        v, y = _scores(rng, n, c, 2.0)
        if margin == 0.0:
            v = np.round(v)
        kwargs = {} if margin is None else {"margin": margin}
        found.append(Case("hinge_grad", (v, y), kwargs,
                          label=f"({n}, {c}) scores, {_margin(margin)}"))
    v, y = _scores(rng, 5, 3)
    found.append(Case("hinge_grad", (AsList(v), AsList(y), 2.0),
                      label="(5, 3) lists, a margin above 1 by position"))
    v = rng.integers(-3, 4, size=(9, 4)).astype(float)
    y = rng.integers(0, 4, size=9)
    found.append(Case("hinge_grad", (v, y), label="(9, 4) integer scores with terms exactly 0"))
    return found


def _regularization(rng, function):
    return [
        Case(function, (rng.normal(size=(6, 4)),), label="a random (6, 4) W"),
        Case(function, (rng.normal(size=(2, 3, 5)),), label="a random (2, 3, 5) W"),
        Case(function, (AsList(rng.integers(-4, 5, size=(3, 3))),),
             label="a nested list of integers, shape (3, 3)"),
        Case(function, (rng.normal(size=11) * 1e100,), label="a huge (11,) W"),
        Case(function, (rng.normal(size=(1, 7)),), label="a random (1, 7) W"),
    ]


HINGE_CELL = "test_linear_classifier_loss_hinge"  # the hinge cases cost that cell's points


def _linear_classifier_loss(rng):
    found = []
    for n, d, c, reg, loss in [(9, 5, 3, 0.25, None), (7, 4, 6, 1.5, "hinge"),
                               (10, 6, 2, 0.05, "hinge"), (8, 3, 5, 0.0, "cross_entropy"),
                               (6, 2, 4, 0.7, "cross_entropy")]:
        w, x, y = rng.normal(size=(d, c)), rng.normal(size=(n, d)), rng.integers(0, c, size=n)
        kwargs = {} if loss is None else {"loss": loss}
        found.append(Case("linear_classifier_loss", (w, x, y, reg), kwargs,
                          label=f"W {w.shape}, X {x.shape}, {_reg(reg)}, loss {loss or 'default'}",
                          cell=HINGE_CELL if loss == "hinge" else ""))
    w, x, y = rng.normal(size=(3, 4)), rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)
    found.append(Case("linear_classifier_loss", (AsList(w), AsList(x), AsList(y), 0.3),
                      {"loss": "hinge"}, cell=HINGE_CELL,
                      label="lists W (3, 4), X (5, 3), some regularization, loss hinge"))
    return found


def cases(rng):
    """The cases of every contract function of 02_classification_losses."""
    return [*_sigmoid(rng), *_binary_cross_entropy(rng), *_softmax(rng),
            *_cross_entropy_loss(rng), *_cross_entropy_grad(rng), *_hinge_loss(rng),
            *_hinge_grad(rng), *_regularization(rng, "l1_regularization"),
            *_regularization(rng, "l2_regularization"), *_linear_classifier_loss(rng),
            *_binary_cross_entropy_with_logits(rng)]
