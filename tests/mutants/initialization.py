"""Mistakes and valid alternatives for 04_initialization."""

import numpy as np

from .catalogue import mutant, valid

ASSIGNMENT = "04_initialization"


# init_zeros ------------------------------------------------------------------------------
@mutant("init_zeros")
def init_zeros_ones(n_in, n_out):
    """Ones instead of zeros."""
    return np.ones((n_in, n_out))


@mutant("init_zeros")
def init_zeros_transposed(n_in, n_out):
    """Shape (n_out, n_in): the matrix is transposed."""
    return np.zeros((n_out, n_in))


@mutant("init_zeros")
def init_zeros_integers(n_in, n_out):
    """Integer zeros: a gradient step cannot change them in place."""
    return np.zeros((n_in, n_out), dtype=int)


@mutant("init_zeros")
def init_zeros_shared(n_in, n_out, _cache={}):  # noqa: B006 - the mistake itself
    """Returns the same cached array on every call: training one network changes the next."""
    return _cache.setdefault((int(n_in), int(n_out)), np.zeros((n_in, n_out)))


@valid("init_zeros")
def init_zeros_full(n_in, n_out):
    """np.full with 0.0 and a list as the shape."""
    return np.full([n_in, n_out], 0.0)


@valid("init_zeros")
def init_zeros_times_ones(n_in, n_out):
    """0.0 times ones, float32."""
    return 0.0 * np.ones((n_in, n_out), dtype=np.float32)


# init_normal -----------------------------------------------------------------------------
@mutant("init_normal")
def init_normal_std_as_variance(n_in, n_out, std, rng):
    """Treats std as the variance: standard deviation sqrt(std)."""
    return rng.normal(0.0, np.sqrt(std), size=(n_in, n_out))


@mutant("init_normal")
def init_normal_variance_as_std(n_in, n_out, std, rng):
    """Passes std squared as the standard deviation."""
    return rng.normal(0.0, std ** 2, size=(n_in, n_out))


@mutant("init_normal")
def init_normal_global_random(n_in, n_out, std, rng):
    """Draws from np.random instead of rng: the same seed gives different weights."""
    return np.random.normal(0.0, std, size=(n_in, n_out))


@mutant("init_normal")
def init_normal_own_generator(n_in, n_out, std, rng):
    """Creates its own seeded generator: different seeds give the same weights."""
    return np.random.default_rng(0).normal(0.0, std, size=(n_in, n_out))


@mutant("init_normal")
def init_normal_uniform(n_in, n_out, std, rng):
    """A uniform distribution with the right standard deviation instead of a Gaussian."""
    half_width = std * np.sqrt(3.0)
    return rng.uniform(-half_width, half_width, size=(n_in, n_out))


@mutant("init_normal")
def init_normal_random01(n_in, n_out, std, rng):
    """rng.random (uniform on [0, 1)) scaled by std: mean std/2, not 0."""
    return rng.random((n_in, n_out)) * std


@mutant("init_normal")
def init_normal_transposed(n_in, n_out, std, rng):
    """Shape (n_out, n_in)."""
    return rng.normal(0.0, std, size=(n_out, n_in))

@mutant("init_normal")
def init_normal_std_as_mean(n_in, n_out, std, rng):
    """rng.normal(std, size=...): std passed as loc, the mean, with the default scale 1."""
    return rng.normal(std, size=(n_in, n_out))


@valid("init_normal")
def init_normal_standard_normal(n_in, n_out, std, rng):
    """rng.standard_normal times std."""
    return rng.standard_normal((n_in, n_out)) * std


@valid("init_normal")
def init_normal_rows(n_in, n_out, std, rng):
    """One row at a time, stacked."""
    return np.array([rng.normal(0, std, n_out) for _ in range(n_in)])


@valid("init_normal")
def init_normal_keywords_transposed_draw(n_in, n_out, std, rng):
    """Draws (n_out, n_in) with keyword arguments and transposes."""
    return rng.normal(loc=0.0, scale=std, size=(n_out, n_in)).T


# init_xavier -----------------------------------------------------------------------------
@mutant("init_xavier")
def init_xavier_std_one_over_n(n_in, n_out, rng):
    """Standard deviation 1/n (variance 1/n^2)."""
    return rng.normal(0.0, 1.0 / n_in, size=(n_in, n_out))


@mutant("init_xavier")
def init_xavier_n_out(n_in, n_out, rng):
    """Variance 1/n_out: the number of outputs instead of inputs."""
    return rng.normal(0.0, np.sqrt(1.0 / n_out), size=(n_in, n_out))


@mutant("init_xavier")
def init_xavier_glorot(n_in, n_out, rng):
    """Glorot's 2/(n_in + n_out), not the lecture's 1/n_in."""
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))


@mutant("init_xavier")
def init_xavier_uniform_wrong_variance(n_in, n_out, rng):
    """Uniform on [-1/sqrt(n), 1/sqrt(n)]: variance 1/(3n) and not a Gaussian."""
    bound = 1.0 / np.sqrt(n_in)
    return rng.uniform(-bound, bound, size=(n_in, n_out))


@mutant("init_xavier")
def init_xavier_uniform_right_variance(n_in, n_out, rng):
    """Uniform with variance 1/n: right variance, not a Gaussian."""
    bound = np.sqrt(3.0 / n_in)
    return rng.uniform(-bound, bound, size=(n_in, n_out))


@mutant("init_xavier")
def init_xavier_transposed(n_in, n_out, rng):
    """Shape (n_out, n_in)."""
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_out, n_in))


@mutant("init_xavier")
def init_xavier_global_random(n_in, n_out, rng):
    """np.random instead of rng: not reproducible from the seed."""
    return np.random.randn(n_in, n_out) / np.sqrt(n_in)


@mutant("init_xavier")
def init_xavier_kaiming(n_in, n_out, rng):
    """Variance 2/n_in: Kaiming's, meant for ReLU."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


@valid("init_xavier")
def init_xavier_standard_normal(n_in, n_out, rng):
    """rng.standard_normal divided by sqrt(n_in)."""
    return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)


@valid("init_xavier")
def init_xavier_via_init_normal(n_in, n_out, rng):
    """Reuses init_normal with std (1/n_in) ** 0.5."""
    return init_normal(n_in, n_out, (1.0 / n_in) ** 0.5, rng)


# init_kaiming ----------------------------------------------------------------------------
@mutant("init_kaiming")
def init_kaiming_xavier(n_in, n_out, rng):
    """Variance 1/n_in: Xavier's, without ReLU's factor 2."""
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))


@mutant("init_kaiming")
def init_kaiming_n_out(n_in, n_out, rng):
    """Variance 2/n_out."""
    return rng.normal(0.0, np.sqrt(2.0 / n_out), size=(n_in, n_out))


@mutant("init_kaiming")
def init_kaiming_std_two_over_n(n_in, n_out, rng):
    """Standard deviation 2/n (variance 4/n^2)."""
    return rng.normal(0.0, 2.0 / n_in, size=(n_in, n_out))


@mutant("init_kaiming")
def init_kaiming_half(n_in, n_out, rng):
    """Variance 1/(2n): Var(w) = 1/(n/2) read as 1/n/2."""
    return rng.normal(0.0, np.sqrt(1.0 / n_in / 2), size=(n_in, n_out))


@mutant("init_kaiming")
def init_kaiming_uniform(n_in, n_out, rng):
    """Uniform with variance 2/n: right variance, not a Gaussian."""
    bound = np.sqrt(6.0 / n_in)
    return rng.uniform(-bound, bound, size=(n_in, n_out))


@mutant("init_kaiming")
def init_kaiming_global_random(n_in, n_out, rng):
    """A fresh unseeded generator instead of rng."""
    return np.random.default_rng().normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


@valid("init_kaiming")
def init_kaiming_standard_normal(n_in, n_out, rng):
    """sqrt(2 / n_in) times rng.standard_normal."""
    return np.sqrt(2.0 / n_in) * rng.standard_normal(size=(n_in, n_out))


@valid("init_kaiming")
def init_kaiming_from_xavier(n_in, n_out, rng):
    """sqrt(2) times the notebook's init_xavier."""
    return np.sqrt(2) * init_xavier(n_in, n_out, rng)


# init_glorot -----------------------------------------------------------------------------
@mutant("init_glorot")
def init_glorot_forward_only(n_in, n_out, rng):
    """Variance 1/n_in: the forward condition alone (init_xavier)."""
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))


@mutant("init_glorot")
def init_glorot_backward_only(n_in, n_out, rng):
    """Variance 1/n_out: the backward condition alone."""
    return rng.normal(0.0, np.sqrt(1.0 / n_out), size=(n_in, n_out))


@mutant("init_glorot")
def init_glorot_no_two(n_in, n_out, rng):
    """Variance 1/(n_in + n_out): the factor 2 of the average width is missing."""
    return rng.normal(0.0, np.sqrt(1.0 / (n_in + n_out)), size=(n_in, n_out))


@mutant("init_glorot")
def init_glorot_variance_as_std(n_in, n_out, rng):
    """Passes the variance 2/(n_in + n_out) as rng.normal's scale."""
    return rng.normal(0.0, 2.0 / (n_in + n_out), size=(n_in, n_out))


@mutant("init_glorot")
def init_glorot_product(n_in, n_out, rng):
    """Variance 2/(n_in n_out): a product where the average of the widths belongs."""
    return rng.normal(0.0, np.sqrt(2.0 / (n_in * n_out)), size=(n_in, n_out))


@mutant("init_glorot")
def init_glorot_uniform(n_in, n_out, rng):
    """Glorot's uniform form U(-sqrt(6/(n_in+n_out)), +...): right variance, not a Gaussian."""
    bound = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-bound, bound, size=(n_in, n_out))


@mutant("init_glorot")
def init_glorot_transposed(n_in, n_out, rng):
    """Shape (n_out, n_in)."""
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))


@mutant("init_glorot")
def init_glorot_global_random(n_in, n_out, rng):
    """np.random instead of rng: not reproducible from the seed."""
    return np.random.randn(n_in, n_out) * np.sqrt(2.0 / (n_in + n_out))


@valid("init_glorot")
def init_glorot_standard_normal(n_in, n_out, rng):
    """rng.standard_normal times sqrt(2 / (n_in + n_out)), computed from the mean width."""
    mean_width = (n_in + n_out) / 2
    return rng.standard_normal((n_in, n_out)) / np.sqrt(mean_width)


@valid("init_glorot")
def init_glorot_via_init_normal(n_in, n_out, rng):
    """Reuses init_normal."""
    return init_normal(n_in, n_out, (2 / (n_in + n_out)) ** 0.5, rng)


# forward_activations ---------------------------------------------------------------------
@mutant("forward_activations")
def forward_activations_pre_activations(x, weights, activation):
    """Returns the pre-activations h @ W (feeding the activations forward)."""
    h, out = np.asarray(x, dtype=float), []
    for W in weights:
        s = h @ W
        out.append(s)
        h = activation(s)
    return out


@mutant("forward_activations")
def forward_activations_twice(x, weights, activation):
    """Applies the activation twice."""
    h, out = np.asarray(x, dtype=float), []
    for W in weights:
        h = activation(activation(h @ W))
        out.append(h)
    return out


@mutant("forward_activations")
def forward_activations_last_only(x, weights, activation):
    """Returns only the last layer's output."""
    h = np.asarray(x, dtype=float)
    for W in weights:
        h = activation(h @ W)
    return h


@mutant("forward_activations")
def forward_activations_with_input(x, weights, activation):
    """Includes the input x as the first layer."""
    h = np.asarray(x, dtype=float)
    out = [h]
    for W in weights:
        h = activation(h @ W)
        out.append(h)
    return out


@mutant("forward_activations")
def forward_activations_layer_inputs(x, weights, activation):
    """Returns each layer's input (x, h_1, ..., h_{L-1}) instead of its output."""
    h, out = np.asarray(x, dtype=float), []
    for W in weights:
        out.append(h)
        h = activation(h @ W)
    return out


@mutant("forward_activations")
def forward_activations_not_fed(x, weights, activation):
    """Applies every layer to x instead of the previous layer's output."""
    x = np.asarray(x, dtype=float)
    return [activation(x @ W) for W in weights]


@mutant("forward_activations")
def forward_activations_linear(x, weights, activation):
    """Forgets the activation: a linear network."""
    h, out = np.asarray(x, dtype=float), []
    for W in weights:
        h = h @ W
        out.append(h)
    return out


@valid("forward_activations")
def forward_activations_accumulate(x, weights, activation):
    """itertools.accumulate, returned as a tuple."""
    import itertools
    steps = itertools.accumulate(weights, lambda h, W: activation(np.dot(h, W)),
                                 initial=np.asarray(x, dtype=float))
    return tuple(steps)[1:]


@valid("forward_activations")
def forward_activations_recursive(x, weights, activation):
    """Recursion on the list of weights, without converting x."""
    if len(weights) == 0:
        return []
    first = activation(np.matmul(x, weights[0]))
    return [first] + forward_activations(first, list(weights[1:]), activation)


# activation_stats ------------------------------------------------------------------------
@mutant("activation_stats")
def activation_stats_per_unit(activations):
    """Statistics per unit (axis=0) instead of over the whole layer."""
    means = [np.mean(np.asarray(a, dtype=float), axis=0) for a in activations]
    stds = [np.std(np.asarray(a, dtype=float), axis=0) for a in activations]
    return means, stds


@mutant("activation_stats")
def activation_stats_variance(activations):
    """The variance instead of the standard deviation."""
    arrays = [np.asarray(a, dtype=float) for a in activations]
    return np.array([a.mean() for a in arrays]), np.array([a.var() for a in arrays])


@mutant("activation_stats")
def activation_stats_skips_last(activations):
    """Lists of the wrong length: the last layer is left out."""
    arrays = [np.asarray(a, dtype=float) for a in activations]
    return [a.mean() for a in arrays[:-1]], [a.std() for a in arrays[:-1]]


@mutant("activation_stats")
def activation_stats_swapped(activations):
    """Returns (stds, means)."""
    arrays = [np.asarray(a, dtype=float) for a in activations]
    return np.array([a.std() for a in arrays]), np.array([a.mean() for a in arrays])


@mutant("activation_stats")
def activation_stats_rms(activations):
    """sqrt(mean(a^2)) as the standard deviation: the mean is not subtracted."""
    arrays = [np.asarray(a, dtype=float) for a in activations]
    return np.array([a.mean() for a in arrays]), np.array([np.sqrt(np.mean(a ** 2)) for a in arrays])


@mutant("activation_stats")
def activation_stats_mean_of_unit_stds(activations):
    """The mean of the per-unit standard deviations instead of the layer's standard deviation."""
    arrays = [np.asarray(a, dtype=float) for a in activations]
    return np.array([a.mean() for a in arrays]), np.array([a.std(axis=0).mean() for a in arrays])


@mutant("activation_stats")
def activation_stats_stacked(activations):
    """One (L, 2) array of (mean, std) rows instead of the pair (means, stds)."""
    arrays = [np.asarray(a, dtype=float) for a in activations]
    return np.array([[a.mean(), a.std()] for a in arrays])


@valid("activation_stats")
def activation_stats_formula_lists(activations):
    """sqrt(E[a^2] - E[a]^2) by hand, returned as a tuple of lists."""
    means, stds = [], []
    for layer in activations:
        a = np.asarray(layer, dtype=float)
        m = a.sum() / a.size
        means.append(m)
        stds.append(max(np.mean(a * a) - m * m, 0.0) ** 0.5)
    return means, stds


@valid("activation_stats")
def activation_stats_ddof1(activations):
    """Sample standard deviations (ddof=1), returned as one (2, L) array."""
    arrays = [np.ravel(np.asarray(a, dtype=float)) for a in activations]
    return np.array([[a.mean() for a in arrays], [a.std(ddof=1) for a in arrays]])


# backward_weights ------------------------------------------------------------------------
@mutant("backward_weights")
def backward_weights_no_derivative(x, weights, outputs, upstream, activation_grad):
    """Leaves out the activation's derivative: dL/ds_l = dL/dh_l."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grads[k] = inputs[k].T @ grad_h
        grad_h = grad_h @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_pre_activation(x, weights, outputs, upstream, activation_grad):
    """Evaluates activation_grad at the pre-activation s_l = h_(l-1) W_l, not at the output h_l."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(inputs[k] @ weights[k])
        grads[k] = inputs[k].T @ grad_s
        grad_h = grad_s @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_transposed(x, weights, outputs, upstream, activation_grad):
    """dL/ds_l.T @ h_(l-1): the transpose of each weight gradient."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(outputs[k])
        grads[k] = grad_s.T @ inputs[k]
        grad_h = grad_s @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_not_through_weights(x, weights, outputs, upstream, activation_grad):
    """Passes dL/ds_l down unchanged instead of dL/ds_l @ W_l.T (runs only on square layers)."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(outputs[k])
        grads[k] = inputs[k].T @ grad_s
        grad_h = grad_s
    return grads


@mutant("backward_weights")
def backward_weights_reversed(x, weights, outputs, upstream, activation_grad):
    """Appends the gradients from the last layer down and returns them in that order."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), []
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(outputs[k])
        grads.append(inputs[k].T @ grad_s)
        grad_h = grad_s @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_derivative_not_passed_down(x, weights, outputs, upstream, activation_grad):
    """Uses f' for dL/dW_l but passes dL/dh_l @ W_l.T (without f') to the layer below."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grads[k] = inputs[k].T @ (grad_h * activation_grad(outputs[k]))
        grad_h = grad_h @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_layer_output(x, weights, outputs, upstream, activation_grad):
    """h_l.T @ dL/ds_l: the layer's output in place of its input h_(l-1)."""
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(outputs[k])
        grads[k] = outputs[k].T @ grad_s
        grad_h = grad_s @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_mean_again(x, weights, outputs, upstream, activation_grad):
    """Divides every gradient by the number of examples, although upstream already holds any 1/N."""
    inputs = [np.asarray(x, dtype=float)] + list(outputs[:-1])
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(outputs[k])
        grads[k] = inputs[k].T @ grad_s / len(inputs[k])
        grad_h = grad_s @ weights[k].T
    return grads


@mutant("backward_weights")
def backward_weights_changes_outputs(x, weights, outputs, upstream, activation_grad):
    """Puts x at the front of the caller's outputs list to index the layers' inputs: the
    gradients are right, but the caller's list grows by one array."""
    outputs.insert(0, np.asarray(x, dtype=float))
    grad_h, grads = np.asarray(upstream, dtype=float), [None] * len(weights)
    for k in reversed(range(len(weights))):
        grad_s = grad_h * activation_grad(outputs[k + 1])
        grads[k] = outputs[k].T @ grad_s
        grad_h = grad_s @ weights[k].T
    return grads


@valid("backward_weights")
def backward_weights_einsum_prepend(x, weights, outputs, upstream, activation_grad):
    """np.einsum for both products over reversed lists; the result list grows at the front."""
    layer_inputs = [np.array(x, dtype=float), *outputs[:-1]]
    delta, result = np.asarray(upstream, dtype=float), []
    for W, h_in, h_out in zip(weights[::-1], layer_inputs[::-1], outputs[::-1]):
        delta = delta * activation_grad(h_out)
        result.insert(0, np.einsum("ni,nj->ij", h_in, delta))
        delta = np.einsum("nj,ij->ni", delta, W)
    return result


@valid("backward_weights")
def backward_weights_per_example(x, weights, outputs, upstream, activation_grad):
    """One example at a time: sums the outer products h_(l-1)[n] x dL/ds_l[n]; returns a tuple."""
    x = np.asarray(x, dtype=float)
    totals = [np.zeros(np.shape(W)) for W in weights]
    for n in range(len(x)):
        grad_h = np.asarray(upstream[n], dtype=float)
        for k in range(len(weights) - 1, -1, -1):
            grad_s = grad_h * activation_grad(outputs[k][n])
            totals[k] += np.outer(x[n] if k == 0 else outputs[k - 1][n], grad_s)
            grad_h = np.dot(weights[k], grad_s)
    return tuple(totals)


# scale_sweep -----------------------------------------------------------------------------
@mutant("scale_sweep")
def scale_sweep_squared(x, unit_weights, scales, activation):
    """Multiplies the weights by scale ** 2, as if the scale were a variance."""
    rows = []
    for scale in scales:
        weights = [scale ** 2 * np.asarray(W, dtype=float) for W in unit_weights]
        rows.append(activation_stats(forward_activations(x, weights, activation))[1])
    return np.array(rows)


@mutant("scale_sweep")
def scale_sweep_transposed(x, unit_weights, scales, activation):
    """One row per layer and one column per scale."""
    rows = []
    for scale in scales:
        weights = [scale * np.asarray(W, dtype=float) for W in unit_weights]
        rows.append(activation_stats(forward_activations(x, weights, activation))[1])
    return np.array(rows).T


@mutant("scale_sweep")
def scale_sweep_in_place(x, unit_weights, scales, activation):
    """Scales the caller's weights in place, so the scales multiply up."""
    weights = [np.asarray(W, dtype=float) for W in unit_weights]
    rows = []
    for scale in scales:
        for W in weights:
            W *= scale
        rows.append(activation_stats(forward_activations(x, weights, activation))[1])
    return np.array(rows)


@mutant("scale_sweep")
def scale_sweep_last_layer(x, unit_weights, scales, activation):
    """Only the last layer's standard deviation per scale."""
    return np.array([np.std(forward_activations(x, [s * np.asarray(W, dtype=float)
                                                     for W in unit_weights], activation)[-1])
                     for s in scales])


@mutant("scale_sweep")
def scale_sweep_pre_activations(x, unit_weights, scales, activation):
    """The standard deviations of the pre-activations h @ W."""
    rows = []
    for scale in scales:
        h, row = np.asarray(x, dtype=float), []
        for W in unit_weights:
            s = h @ (scale * np.asarray(W, dtype=float))
            row.append(np.std(s))
            h = activation(s)
        rows.append(row)
    return np.array(rows)


@mutant("scale_sweep")
def scale_sweep_first_layer_only(x, unit_weights, scales, activation):
    """Scales only the first layer's weights."""
    rows = []
    for scale in scales:
        weights = [np.asarray(W, dtype=float) for W in unit_weights]
        weights[0] = scale * weights[0]
        rows.append(activation_stats(forward_activations(x, weights, activation))[1])
    return np.array(rows)


@mutant("scale_sweep")
def scale_sweep_means(x, unit_weights, scales, activation):
    """The layers' means instead of their standard deviations."""
    rows = []
    for scale in scales:
        weights = [scale * np.asarray(W, dtype=float) for W in unit_weights]
        rows.append(activation_stats(forward_activations(x, weights, activation))[0])
    return np.array(rows)


@valid("scale_sweep")
def scale_sweep_by_hand(x, unit_weights, scales, activation):
    """Its own forward pass and np.std, returned as a list of lists."""
    table = []
    for scale in scales:
        h, row = np.array(x, dtype=float), []
        for W in unit_weights:
            h = activation(np.dot(h, np.multiply(W, scale)))
            row.append(float(h.std()))
        table.append(row)
    return table


@valid("scale_sweep")
def scale_sweep_scales_activations(x, unit_weights, scales, activation):
    """Scales the layer's input instead of the weights: (s h) @ W = h @ (s W)."""
    out = np.empty((len(scales), len(unit_weights)))
    for k, scale in enumerate(scales):
        h = np.asarray(x, dtype=float)
        for layer, W in enumerate(unit_weights):
            h = activation((scale * h) @ np.asarray(W, dtype=float))
            out[k, layer] = np.sqrt(np.mean((h - h.mean()) ** 2))
    return out
