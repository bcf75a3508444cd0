"""Secret verification cases for 01_regression_losses (instructors only, never released).

Inputs differ from the notebook's tests: other shapes, integer lists, Python and NumPy
scalars, large values and ties, as the docstrings promise ("array-likes of the same shape,
lists are fine").
"""

import numpy as np

from autograder.grading.verification import AsList, Case


def _pairs(rng):
    """(label, y_true, y_pred) inputs shared by the losses and their gradients."""
    ints = rng.integers(-9, 10, size=(2, 4, 3))
    big = rng.normal(size=(2, 9)) * 1e3 + 1e7
    return [
        ("random (6, 2) arrays", rng.normal(size=(6, 2)) * 4, rng.normal(size=(6, 2)) * 4),
        ("random (3, 1, 5) arrays", rng.normal(size=(3, 1, 5)), rng.normal(size=(3, 1, 5)) * 2),
        ("nested lists of integers, shape (4, 3)", AsList(ints[0]), AsList(ints[1])),
        ("two Python floats", 2.5, -4.25),
        ("two NumPy float64 scalars", np.float64(-1.75), np.float64(0.5)),
        ("values around 1e7, shape (9,)", big[0], big[1]),
        ("random (1, 11) arrays", rng.normal(size=(1, 11)) * 3, rng.normal(size=(1, 11)) * 3),
    ]


def _ties(rng):
    """(label, y_true, y_pred) inputs with equal entries, for the L1 subgradient."""
    a, b = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    b.flat[::4] = a.flat[::4]
    c, d = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3))
    d.flat[1::3] = c.flat[1::3]
    ints = rng.integers(-2, 3, size=(2, 7, 2))
    tiny = np.array([0.0, 0.0, 1e-13, -1e-13, 5.0, 1e9])
    return [
        ("random (5, 6) arrays with some equal entries", a, b),
        ("random (2, 4, 3) arrays with some equal entries", c, d),
        ("nested lists of small integers, shape (7, 2)", AsList(ints[0]), AsList(ints[1])),
        ("tiny, zero and huge residuals, shape (6,)", np.zeros(6), tiny),
        ("two equal Python floats", 3.5, 3.5),
        ("two NumPy float64 scalars", np.float64(2.0), np.float64(-7.5)),
    ]


def cases(rng):
    """The cases of every contract function of 01_regression_losses."""
    found = []
    for function in ("l2_loss", "l1_loss", "l2_loss_grad"):
        found += [Case(function, (t, p), label=label) for label, t, p in _pairs(rng)]
    found += [Case("l1_loss_grad", (t, p), label=label) for label, t, p in _ties(rng)]
    found += [Case("l1_loss", (t, p), label=label) for label, t, p in _ties(rng)[:2]]
    return found
