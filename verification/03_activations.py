"""Secret verification cases for 03_activations (instructors only, never released).

Inputs of every rank the docstrings allow ("a number or array-like of any shape"): random
arrays, nested lists, Python and NumPy scalars, 0-d arrays, the kinks (0, -0.0, tiny values)
and +-800 where the activations saturate. alpha is a scalar, as in the notebook's tests;
leaky ReLU's alpha stays in [0, 1] (np.maximum(x, alpha x) is a valid answer there).
"""

import numpy as np

from autograder.grading.verification import AsList, Case

KINKS = np.array([-800.0, -35.0, -2.0, -1e-7, -1e-300, -0.0, 0.0, 1e-300, 1e-7, 0.7, 35.0, 800.0])


def _inputs(rng):
    """(label, x) inputs of every rank for the elementwise functions."""
    listed = rng.normal(scale=3.0, size=(3, 4))
    listed[0, :3] = [0.0, 800.0, -800.0]
    return [
        ("a random (4, 5) array", rng.normal(scale=4.0, size=(4, 5))),
        ("a nested list (3, 4) with 0 and huge values", AsList(listed)),
        ("values at and around the kinks and huge values, shape (12,)", KINKS.copy()),
        ("a Python float", -1.7),
        ("a 0-d array", np.array(0.35)),
        ("a random (2, 3, 4) array", rng.normal(scale=2.0, size=(2, 3, 4))),
    ]


def _alpha(alpha):
    """alpha described without its value."""
    kind = "a NumPy float64" if isinstance(alpha, np.generic) else "a"
    if alpha == 0:
        return f"{kind} zero alpha"
    return f"{kind} {'negative' if alpha < 0 else 'above 1' if alpha > 1 else 'positive'} alpha"


def _elementwise(rng, function):
    return [Case(function, (x,), label=label) for label, x in _inputs(rng)]


def _with_alpha(rng, function, alphas):
    found = []
    for (label, x), alpha in zip(_inputs(rng), alphas, strict=True):
        if alpha is None:
            found.append(Case(function, (x,), label=label + ", default alpha"))
        elif isinstance(alpha, np.generic):
            found.append(Case(function, (x, alpha), label=label + ", a NumPy float64 alpha"))
        else:
            found.append(Case(function, (x,), {"alpha": alpha}, label=f"{label}, {_alpha(alpha)}"))
    return found


def _prelu(rng, function):
    found = []
    alphas = [1.7, -0.6, 2.5, 0.3, np.float64(0.5), 0.0]
    for (label, x), alpha in zip(_inputs(rng), alphas, strict=True):
        found.append(Case(function, (x, alpha), label=f"{label}, {_alpha(alpha)}"))
    x, alpha = np.float64(-1000.0), np.float64(0.25)
    found.append(Case(function, (x, alpha), label="NumPy float64 x and alpha"))
    return found


def _maxout(rng):
    found = []
    for n, d, m, k in [(8, 3, 5, 2), (4, 6, 2, 4), (1, 4, 1, 5), (6, 5, 4, 3)]:
        x, w, b = rng.normal(size=(n, d)), rng.normal(size=(k, d, m)), rng.normal(size=(k, m))
        found.append(Case("maxout", (x, w, b), label=f"N={n}, D={d}, M={m}, K={k}"))
    x, w, b = rng.normal(size=(5, 2)), rng.normal(size=(3, 2, 3)), rng.normal(size=(3, 3))
    found.append(Case("maxout", (AsList(x), AsList(w), AsList(b)),
                      label="nested lists, N=5, D=2, M=3, K=3"))
    return found


def cases(rng):
    """The cases of every contract function of 03_activations."""
    found = []
    for function in ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad"):
        found += _elementwise(rng, function)
    tail = -np.concatenate([rng.uniform(40.0, 700.0, size=3), rng.uniform(712.0, 740.0, size=3)])
    found.append(Case("sigmoid", (tail,), atol=0.0,
                      label="far negative values, compared to their last digits"))
    alphas = [0.2, None, 0.75, np.float64(0.3), 0.0, 0.95]
    found += _with_alpha(rng, "leaky_relu", alphas)
    found += _with_alpha(rng, "leaky_relu_grad", alphas)
    found += _prelu(rng, "prelu")
    found += _prelu(rng, "prelu_grad")
    found += _maxout(rng)
    found += _normalize(rng)
    return found


def _normalize(rng):
    """Training and test inputs of other shapes and scales, a constant feature, lists."""
    wide = rng.normal(loc=[3.0, -40.0, 1e4], scale=[0.5, 9.0, 300.0], size=(25, 3))
    wide_test = rng.normal(loc=[3.0, -40.0, 1e4], scale=[0.5, 9.0, 300.0], size=(4, 3))
    constant = rng.normal(size=(8, 2))
    constant[:, 1] = -2.5
    one = rng.uniform(-5.0, 20.0, size=12)
    ints = rng.integers(-9, 10, size=(7, 2))
    return [
        Case("normalize_inputs", (wide, wide_test),
             label="three features of very different scales"),
        Case("normalize_inputs", (constant, rng.normal(size=(3, 2))),
             label="a feature that is constant in the training data"),
        Case("normalize_inputs", (one, rng.uniform(-5.0, 20.0, size=5)),
             label="one feature, 1-D arrays"),
        Case("normalize_inputs", (AsList(ints), AsList(ints[:2] + 1)),
             label="nested lists of integers"),
    ]
