"""Honest students of 02 and 04 who write correct code in many styles.

Each :class:`Student` builds its notebook from the release and the source: the reference
answers in the nbgrader cells (tests/course_copy.graded_cells_only), then its own changes:
whole solution cells replaced, cells of its own added, magics. 02 has one student per
style; 04's students (slower to grade) carry several each: loops, prints inside functions,
%%time, a class-based implementation, display() inside a function, helper cells, %timeit
-o, float32, early returns, warnings, np.vectorize, lambdas, a long experiment cell, lists
built without append, gradients collected in reverse. Each one's grade must be exactly
what the rubric gives for its work, and it must never be flagged.
"""

from dataclasses import dataclass

import nbformat

from autograder.student.cells import nbgrader_meta
from autograder.course.reference import answered
from tests.course_copy import graded_cells_only


@dataclass(frozen=True)
class Student:
    name: str
    assignment: str
    answers: dict          # grade_id -> the solution cell's whole source
    before: dict = None    # grade_id -> a new code cell put before that solution cell
    after: dict = None     # grade_id -> a new code cell put after that solution cell

    def build(self, release, source):
        nb = graded_cells_only(answered(release, source, replace=self.answers))
        for where, extra in (("before", self.before or {}), ("after", self.after or {})):
            for grade_id, code in extra.items():
                index = next(i for i, c in enumerate(nb.cells)
                             if nbgrader_meta(c).get("grade_id") == grade_id)
                nb.cells.insert(index + (where == "after"), nbformat.v4.new_code_cell(code))
        return nb


C02, C04 = "02_classification_losses", "04_initialization"

STABLE_SIGMOID = '''def sigmoid(s):
    s = np.asarray(s, dtype=float)
    z = np.exp(-np.abs(s))
    return np.where(s >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
'''

STYLES_02 = [
    Student("warnings_helper", C02, {"softmax": '''import warnings


def softmax(scores):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = np.asarray(scores, dtype=float)
        e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
'''}),
    Student("percent_time", C02, {"sigmoid": "%%time\n" + STABLE_SIGMOID}),
    Student("timeit_o", C02, {}, after={
        "sigmoid": "t = %timeit -o -n 3 -r 2 sigmoid(np.linspace(-5, 5, 11))\n"
                   "print(t.best > 0)"}),
    Student("display_inside", C02, {"l2_regularization": '''from IPython.display import display


def l2_regularization(W):
    W = np.asarray(W, dtype=float)
    display(W.shape)
    return float(np.sum(W ** 2))
'''}),
    Student("tolist_softmax", C02, {"softmax": '''def softmax(scores):
    rows = np.asarray(scores, dtype=float).tolist()
    result = []
    for row in rows:
        top = max(row)
        e = [np.exp(v - top) for v in row]
        total = sum(e)
        result.append([v / total for v in e])
    return np.array(result)
'''}),
    Student("long_experiment", C02, {}, after={"binary_cross_entropy": '''import time
started = time.time()
total = 0.0
while time.time() - started < 4:
    total += float(np.sum(sigmoid(np.linspace(-3, 3, 1001))))
print("experiment done", total > 0)
'''}),
    Student("helper_cells", C02, {"hinge_loss": '''\
def hinge_loss(scores, y, margin=1.0, reduction="mean"):
    return _reduce(_hinge_terms(scores, y, margin), reduction)
'''}, before={"hinge_loss": '''def _hinge_terms(scores, y, margin):
    scores, y = np.asarray(scores, dtype=float), np.asarray(y, dtype=int)
    rows = np.arange(len(y))
    terms = np.maximum(0.0, scores - scores[rows, y][:, None] + margin)
    terms[rows, y] = 0.0
    return terms.sum(axis=1)


def _reduce(losses, reduction):
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(losses.sum())
    if reduction == "mean":
        return float(losses.mean())
    raise ValueError(reduction)
'''}),
    Student("loops", C02, {"l1_regularization": '''def l1_regularization(W):
    total = 0.0
    for value in np.asarray(W, dtype=float).ravel():
        total += abs(value)
    return total
'''}),
    Student("float32_counts", C02, {"hinge_grad": '''def hinge_grad(scores, y, margin=1.0):
    scores, y = np.asarray(scores, dtype=float), np.asarray(y, dtype=int)
    rows = np.arange(len(y))
    active = (scores - scores[rows, y][:, None] + margin > 0).astype(np.float32)  # exact
    active[rows, y] = 0
    active[rows, y] = -active.sum(axis=1)
    return active.astype(np.float64) / len(y)
'''}),
    Student("vectorize", C02, {"sigmoid": '''import math


def _one(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    z = math.exp(v)
    return z / (1.0 + z)


sigmoid = np.vectorize(_one, otypes=[float])
'''}),
    Student("print_inside", C02, {"binary_cross_entropy": '''def binary_cross_entropy(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y)
    print("computing the binary cross-entropy of", len(p), "samples")
    return float(-np.mean(np.log(np.where(y == 1, p, 1.0 - p))))
'''}),
    Student("class_based", C02, {"softmax": '''class Softmax:
    """The row-wise softmax as a callable object."""

    def __call__(self, scores):
        s = np.asarray(scores, dtype=float)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


softmax = Softmax()
'''}),
    Student("early_returns", C02, {"cross_entropy_loss": '''\
def cross_entropy_loss(scores, y, reduction="mean"):
    scores, y = np.asarray(scores, dtype=float), np.asarray(y, dtype=int)
    shifted = scores - scores.max(axis=1, keepdims=True)
    losses = np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y]
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(losses.sum())
    return float(losses.mean())
'''}),
    Student("logging_stderr", C02, {"l1_regularization": '''import logging


def l1_regularization(W):
    logging.warning("l1_regularization called")
    return float(np.abs(np.asarray(W, dtype=float)).sum())
'''}),
    Student("defined_twice", C02, {"l2_regularization": '''def l2_regularization(W):
    return 0.0  # a first try


def l2_regularization(W):
    W = np.asarray(W, dtype=float)
    return float(np.dot(W.ravel(), W.ravel()))
'''}),
    Student("lambda_and_constant", C02, {"binary_cross_entropy_with_logits": '''ZERO = 0.0
binary_cross_entropy_with_logits = lambda s, y: float(np.mean(
    np.logaddexp(ZERO, np.asarray(s, dtype=float))
    - np.asarray(y, dtype=float) * np.asarray(s, dtype=float)))
'''}),
    Student("plots_in_a_cell", C02, {}, after={"sigmoid": '''import matplotlib.pyplot as plt
grid = np.linspace(-6, 6, 101)
plt.plot(grid, sigmoid(grid))
plt.xlabel("s")
plt.show()
'''}),
    Student("mutates_own_copy", C02, {"hinge_grad": '''def hinge_grad(scores, y, margin=1.0):
    scores = np.array(scores, dtype=float)  # a copy: changing it is fine
    y = np.asarray(y, dtype=int)
    rows = np.arange(len(y))
    scores -= scores[rows, y][:, None]
    active = (scores + margin > 0).astype(float)
    active[rows, y] = 0.0
    active[rows, y] = -active.sum(axis=1)
    return active / len(y)
'''}),
]

STYLES_04 = [
    Student("loops_and_prints", C04, {
        "forward_activations": '''def forward_activations(x, weights, activation):
    outputs = []
    h = np.asarray(x, dtype=float)
    for index in range(len(weights)):
        h = activation(np.dot(h, np.asarray(weights[index], dtype=float)))
        outputs = outputs + [h]
    print("forward pass through", len(weights), "layers")
    return outputs
''',
        "init_xavier": '''%%time
def init_xavier(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
''',
        "activation_stats": '''def activation_stats(activations):
    means, stds = [], []
    for a in activations:
        a = np.asarray(a, dtype=float)
        means.append(a.mean())
        stds.append(a.std())
    return np.array(means), np.array(stds)
'''}),
    Student("class_based_and_display", C04, {
        "init_kaiming": '''from IPython.display import display


class Kaiming:
    def __call__(self, n_in, n_out, rng):
        display(f"Kaiming {n_in} x {n_out}")
        return rng.normal(scale=np.sqrt(2.0 / n_in), size=(n_in, n_out))


init_kaiming = Kaiming()
''',
        "init_normal": '''def init_normal(n_in, n_out, std, rng):
    return std * rng.standard_normal(size=(n_in, n_out))
''',
        "backward_weights": '''def backward_weights(x, weights, outputs, upstream, activation_grad):
    layers = [np.asarray(x, dtype=float), *[np.asarray(h, dtype=float) for h in outputs]]
    grad_h = np.asarray(upstream, dtype=float)
    grads = []
    for l in range(len(weights) - 1, -1, -1):
        grad_s = grad_h * activation_grad(layers[l + 1])
        grads.append(layers[l].T @ grad_s)
        grad_h = grad_s @ np.asarray(weights[l], dtype=float).T
    grads.reverse()
    return grads
'''}),
    Student("helpers_timeit_and_float32", C04, {
        "init_zeros": '''def init_zeros(n_in, n_out):
    return np.zeros((n_in, n_out), dtype=np.float32)
''',
        "activation_stats": '''def activation_stats(activations):
    stacked = [_flat(a) for a in activations]
    return np.array([v.mean() for v in stacked]), np.array([v.std() for v in stacked])
'''}, before={"activation_stats": '''def _flat(a):
    return np.asarray(a, dtype=float).ravel()
'''}, after={"init_normal": "t = %timeit -o -n 2 -r 1 init_normal(50, 40, 0.1, "
                          "np.random.default_rng(0))"}),
    Student("early_returns_and_warnings", C04, {
        "forward_activations": '''import warnings


def forward_activations(x, weights, activation):
    if len(weights) == 0:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h = np.asarray(x, dtype=float)
        outputs = []
        for W in weights:
            h = activation(h @ np.asarray(W, dtype=float))
            outputs.append(h)
    return outputs
''',
        "init_xavier": '''def init_xavier(n_in, n_out, rng):
    if n_in <= 0:
        raise ValueError("n_in must be positive")
    return rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))
'''}),
    Student("vectorize_lambda_long_cell", C04, {
        "init_kaiming": '''\
init_kaiming = lambda n_in, n_out, rng: rng.normal(0.0, (2.0 / n_in) ** 0.5, (n_in, n_out))
''',
        "init_zeros": '''def init_zeros(n_in, n_out):
    return np.vectorize(lambda _: 0.0)(np.empty((n_in, n_out)))
'''}, after={"init_kaiming": '''import time
started = time.time()
while time.time() - started < 4:
    np.linalg.norm(init_kaiming(64, 64, np.random.default_rng(1)))
print("long experiment done")
'''}),
]
