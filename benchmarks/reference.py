"""Reference implementations from source/ against straightforward Python-loop baselines."""

import numpy as np

from autograder.course import assignments
from autograder.reference import load

from .timing import best_seconds, report


def _regression(ref, rng):
    y_true, y_pred = rng.normal(size=(200, 50)), rng.normal(size=(200, 50))

    def l2_loop():
        return sum((t - p) ** 2 for t, p in zip(y_true.ravel().tolist(), y_pred.ravel().tolist(),
                                                     strict=True))

    yield "l2_loss (200 x 50)", lambda: ref.l2_loss(y_true, y_pred), l2_loop, "Python loop"


CASES = {"01_regression_losses": _regression}


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
