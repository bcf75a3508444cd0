"""The registry of course functions that tests may pass to students' functions.

An activation such as ``relu`` or a derivative such as ``tanh_grad_from_output`` is an
argument of some exercises (``forward_activations(x, weights, relu)``). Students' notebooks
import these functions from here (``from autograder.student.callables import relu``; ``relu??``
shows the code), and so do the tests. When grading, a test's call of a student's function
crosses into the student's sandboxed kernel as plain data: a function of this module
crosses by its name in ``REGISTRY`` and is looked up there on the other side (NumPy ufuncs
such as ``np.tanh`` cross by their NumPy name). Any other callable cannot be passed to a
student's function in a test.

Every function takes an array (or anything ``np.asarray`` accepts) and works elementwise.
"""

import numpy as np

__all__ = ["REGISTRY", "relu", "relu_grad_from_output", "sigmoid", "sigmoid_grad_from_output",
           "tanh_grad_from_output", "twice"]


def relu(z):
    """The rectified linear unit max(0, z), elementwise."""
    return np.maximum(z, 0.0)


def tanh_grad_from_output(h):
    """tanh's derivative written with its output h = tanh(s): 1 - h^2."""
    return 1.0 - np.asarray(h, dtype=float) ** 2


def relu_grad_from_output(h):
    """ReLU's derivative written with its output h = max(0, s): 1 where h > 0, else 0."""
    return (np.asarray(h, dtype=float) > 0).astype(float)


def sigmoid(s):
    """The logistic sigmoid 1 / (1 + e^-s), without overflow for large |s|."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(s, dtype=float)))


def sigmoid_grad_from_output(h):
    """The sigmoid's derivative written with its output h = sigmoid(s): h (1 - h)."""
    h = np.asarray(h, dtype=float)
    return h * (1.0 - h)


def twice(z):
    """The linear "activation" 2 z."""
    return 2.0 * np.asarray(z, dtype=float)


REGISTRY = {function.__name__: function for function in (
    relu, tanh_grad_from_output, relu_grad_from_output, sigmoid, sigmoid_grad_from_output,
    twice)}
"""Name -> function: what a name received from the other side of the sandbox stands for."""
