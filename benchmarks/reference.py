"""Reference implementations from source/ against straightforward Python-loop baselines."""

import math

import numpy as np

from autograder.course.paths import assignments
from autograder.course.reference import load

from .timing import best_seconds, report


def _regression(ref, rng):
    y_true, y_pred = rng.normal(size=(200, 50)), rng.normal(size=(200, 50))

    def l2_loop():
        return sum((t - p) ** 2 for t, p in zip(y_true.ravel().tolist(), y_pred.ravel().tolist(),
                                                     strict=True))

    yield "l2_loss (200 x 50)", lambda: ref.l2_loss(y_true, y_pred), l2_loop, "Python loop"


def _classification(ref, rng):
    scores, labels = rng.normal(scale=3.0, size=(500, 10)), rng.integers(0, 10, size=500)
    rows = scores.tolist()

    def cross_entropy_loop():
        total = 0.0
        for row, label in zip(rows, labels.tolist(), strict=True):
            top = max(row)
            total += math.log(sum(math.exp(s - top) for s in row)) - (row[label] - top)
        return total / len(rows)

    def hinge_loop():
        total = 0.0
        for row, label in zip(rows, labels.tolist(), strict=True):
            total += sum(max(0.0, s - row[label] + 1.0) for k, s in enumerate(row) if k != label)
        return total / len(rows)

    yield "cross_entropy_loss (N=500, C=10)", lambda: ref.cross_entropy_loss(scores, labels), \
        cross_entropy_loop, "Python loops"
    yield "hinge_loss (N=500, C=10)", lambda: ref.hinge_loss(scores, labels), hinge_loop, \
        "Python loops"


def _activations(ref, rng):
    x = rng.normal(size=(100, 100))

    def relu_loop():
        return [[v if v > 0 else 0.0 for v in row] for row in x.tolist()]

    yield "relu (100 x 100)", lambda: ref.relu(x), relu_loop, "Python loop"

    inputs, weights, bias = rng.normal(size=(64, 32)), rng.normal(size=(4, 32, 16)), \
        rng.normal(size=(4, 16))

    def maxout_loop():
        out = np.empty((64, 16))
        for n in range(64):
            for j in range(16):
                out[n, j] = max(float(inputs[n] @ weights[k, :, j]) + bias[k, j]
                                for k in range(4))
        return out

    yield "maxout (N=64, D=32, M=16, K=4)", lambda: ref.maxout(inputs, weights, bias), \
        maxout_loop, "loops over N, M, K"


def _initialization(ref, rng):
    x = rng.normal(size=(1000, 500))
    weights = [ref.init_xavier(500, 500, rng) for _ in range(10)]

    def bare_loop():
        h, outputs = x, []
        for w in weights:
            h = np.tanh(h @ w)
            outputs.append(h)
        return outputs

    yield "forward_activations (the lecture's 10 x 500)", \
        lambda: ref.forward_activations(x, weights, np.tanh), bare_loop, "bare matmul-tanh loop"


CASES = {"01_regression_losses": _regression, "02_classification_losses": _classification,
         "03_activations": _activations,
         "04_initialization": _initialization}


def run(root):
    rng = np.random.default_rng(0)
    print("Reference implementations (vectorized NumPy) against Python loops; x = speed-up")
    for assignment in assignments(root):
        if assignment not in CASES:
            continue
        ref = load(assignment, root)
        for name, measured, baseline, baseline_name in CASES[assignment](ref, rng):
            report(f"{assignment[:2]} {name}", best_seconds(measured), best_seconds(baseline),
                   baseline_name)
