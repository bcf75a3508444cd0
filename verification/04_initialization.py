"""Secret verification cases for 04_initialization (instructors only, never released).

Random initializers are judged statistically ("gaussian": >= 1e5 entries, non-square, the
rng from a Seed, reproducible from the seed and different for another seed). Layers for
activation_stats have >= 2e4 entries and the check an rtol of 1e-4, so that ddof=0 and
ddof=1 standard deviations both pass (they differ by a factor sqrt(n / (n - 1)), below
3e-5 here), while every catalogued mistake is off by far more; larger layers would make
every work unit carry megabytes of inputs. backward_weights gets networks whose outputs are
computed by the reference forward pass, and the activation's derivative as a named function
of the output h (Func("tanh_grad_from_output"), Func("relu_grad_from_output")).
"""

import numpy as np

from autograder.grading.verification import FUNCTIONS, AsList, Case, Func, Seed


def _init_zeros():
    return [Case("init_zeros", (n_in, n_out), label=label) for n_in, n_out, label in [
        (3, 8, "a (3, 8) layer"), (np.int64(9), np.int64(2), "NumPy integer sizes (9, 2)"),
        (1, 1, "a (1, 1) layer"), (40, 7, "a (40, 7) layer"), (1, 130, "a (1, 130) layer")]]


def _init_normal():
    found = []
    # Two large cases each (the arrays of three calls travel back from the sandbox).
    for n_in, n_out, std, seed in [(250, 480, 0.5, 61),
                                   (np.int64(1200), np.int64(90), np.float64(2.5e-3), 64)]:
        found.append(Case("init_normal", (n_in, n_out, std, Seed(seed)), check="gaussian",
                          std=float(std), label=f"a ({n_in}, {n_out}) layer"))
    found.append(Case("init_normal", (3, 4, 0.0, Seed(65)), label="a (3, 4) layer and std zero"))
    return found


def _scaled(function, variance):
    """Two large cases of a Gaussian initializer whose variance is variance(n_in, n_out)."""
    found = []
    for n_in, n_out, seed in [(250, 480, 71), (np.int64(1500), np.int64(70), 74)]:
        found.append(Case(function, (n_in, n_out, Seed(seed)), check="gaussian",
                          std=float(np.sqrt(variance(n_in, n_out))),
                          label=f"a ({n_in}, {n_out}) layer"))
    return found


def _scale_sweep(rng):
    """Non-square networks, tanh, ReLU and sin, a scale 0, inputs once as nested lists; at
    least two scales each, so that a list of rows reads as one (S, L) result. Every layer has
    >= 2e4 entries and the check an rtol of 1e-4, as for activation_stats: a scale_sweep built
    on an activation_stats with ddof=1 passes."""
    found = []
    for widths, name, scales, as_list, label in [
            ([100, 120, 100, 110], "tanh", [0.01, 0.1, 1.0], False, "three tanh layers"),
            ([100, 150, 100], "relu", [0.0, 0.15, 0.5], False, "two ReLU layers, a scale zero"),
            ([100, 100, 100, 100], "sin", [0.07, 0.13], False, "three sin layers, two scales"),
            ([100, 100, 120], "tanh", [0.02, 0.2], True, "x and the weights as nested lists"),
            ([100] * 6, "relu", [0.1, 0.3], False, "five square ReLU layers")]:
        x = rng.normal(size=(200, widths[0]))
        unit = [rng.standard_normal((a, b)) for a, b in zip(widths[:-1], widths[1:], strict=True)]
        if as_list:
            x, unit = AsList(x), [AsList(W) for W in unit]
        found.append(Case("scale_sweep", (x, unit, scales, Func(name)), rtol=1e-4, atol=1e-12,
                          label=label))
    return found


def _forward_activations(rng):
    found = []
    for widths, name, scale in [([5, 7, 3, 4], "tanh", 1.0), ([4, 8, 8, 2], "relu", 1.0),
                                ([6, 6, 6, 6, 6], "sin", 1.0), ([3, 5, 2], "abs", 1.0),
                                ([10] * 13, "relu", 1.0), ([4, 4, 4, 3], "tanh", 1e3)]:
        x = scale * rng.normal(size=(9, widths[0]))
        weights = [rng.normal(size=(a, b)) * np.sqrt(2 / a)
                   for a, b in zip(widths[:-1], widths[1:], strict=True)]
        found.append(Case("forward_activations", (x, weights, Func(name)), atol=1e-12,
                          label=f"{name}, widths {widths}" + (", huge x" if scale > 1 else "")))
    x, weights = rng.normal(size=(5, 3)), [rng.normal(size=(3, 6)), rng.normal(size=(6, 2))]
    found.append(Case("forward_activations", (AsList(x), [AsList(w) for w in weights],
                                              Func("sigmoid")),
                      atol=1e-12, label="sigmoid, x and weights as nested lists, widths [3, 6, 2]"))
    return found


def _stats_case(layers, label, as_lists=False):
    """activation_stats on layers: rtol 1e-4 (see above), atol 1e-12 times the largest mean."""
    scale = max(1.0, max(abs(float(np.mean(a))) for a in layers))
    arg = [AsList(a) for a in layers] if as_lists else layers
    return Case("activation_stats", (arg,), rtol=1e-4, atol=1e-12 * scale, label=label)


def _activation_stats(rng):
    def shifted(n, m, spread, offset=0.0):
        """A layer whose units have different means (spread) around offset."""
        return offset + rng.normal(size=(n, m)) + spread * rng.normal(size=m)

    return [
        _stats_case([shifted(200, 100, 2.0, 3.0), np.tanh(3 * rng.normal(size=(250, 80))),
                     np.maximum(shifted(80, 300, 1.0), 0.0)],
                    "three layers of different widths"),
        _stats_case([shifted(400, 60, 0.5, -1.0)], "a single layer"),
        _stats_case([1e-7 * shifted(110, 200, 1.0), 1e4 + 1e3 * shifted(200, 110, 0.3)],
                    "a tiny and a huge layer"),
        _stats_case([rng.integers(-5, 20, size=(100, 201)), rng.integers(0, 3, size=(110, 190)),
                     rng.integers(-9, 0, size=(101, 200))],
                    "three layers of integers as nested lists", as_lists=True),
        _stats_case([shifted(200, 100, 0.5 ** k, 0.1 * k) * 0.6 ** k for k in range(3)],
                    "three shrinking layers"),
    ]


def _backward_weights(rng):
    """Non-square and square networks, tanh and ReLU, one to twelve layers, x once as lists."""
    found = []
    for widths, name, as_list, label in [
            ([5, 7, 3, 4], "tanh", False, "three tanh layers of different widths"),
            ([4, 8, 8, 2], "relu", False, "three ReLU layers of different widths"),
            ([6, 3], "tanh", True, "one tanh layer, x as nested lists"),
            ([10] * 13, "relu", False, "twelve square ReLU layers"),
            ([6] * 5, "tanh", False, "four square tanh layers")]:
        x = rng.normal(size=(9, widths[0]))
        weights = [rng.normal(size=(a, b)) * np.sqrt(2 / a)
                   for a, b in zip(widths[:-1], widths[1:], strict=True)]
        outputs, h = [], x
        for W in weights:
            h = FUNCTIONS[name](h @ W)
            outputs.append(h)
        upstream = rng.normal(size=(9, widths[-1]))
        found.append(Case("backward_weights",
                          (AsList(x) if as_list else x, weights, outputs, upstream,
                           Func(f"{name}_grad_from_output")), label=label))
    return found


def cases(rng):
    """The cases of every contract function of 04_initialization."""
    return [*_init_zeros(), *_init_normal(),
            *_scaled("init_xavier", lambda n_in, n_out: 1 / n_in),
            *_scaled("init_kaiming", lambda n_in, n_out: 2 / n_in),
            *_scaled("init_glorot", lambda n_in, n_out: 2 / (n_in + n_out)),
            *_forward_activations(rng), *_activation_stats(rng), *_backward_weights(rng),
            *_scale_sweep(rng)]
