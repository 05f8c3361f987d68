"""Where gradient descent ends: basins of attraction, the success rate of random restarts, and what kind of
point a run has stopped at.

Every start point ends in one minimum (or nowhere, if the run diverged or has not arrived yet). The
set of starts that end in a minimum is its *basin of attraction*. With k independent random starts,
the chance that at least one lands in the global minimum's basin, of share p, is 1 - (1 - p)^k.

A run that stops moving has reached a point where the gradient is (nearly) zero. The Hessian, the matrix of
second derivatives, tells which kind of point it is: all eigenvalues positive, a minimum; some negative, a
saddle, which curves down along their eigenvectors. :func:`hessian` measures it by finite differences of the
gradient, :func:`curvature_kind` reads its eigenvalues, and :func:`train_networks` runs gradient descent on many small
networks at once (for the success rate of random initialisation).
"""

import numpy as np

from course_utils._validate import as_array, as_float, as_int, as_landscape, as_learning_rates
from course_utils.descent import gradient_descent
from course_utils.i18n import _

NOWHERE = -1  # the label of a run that diverged or did not settle near any known minimum


def nearest_minimum(landscape, points, tolerance=1e-2):
    """Index (into landscape.minima) of the minimum within ``tolerance`` of each point, else NOWHERE."""
    landscape = as_landscape("landscape", landscape)
    return _nearest(landscape, landscape.as_points(points), as_float("tolerance", tolerance, low=0))


def _nearest(landscape, points, tolerance=1e-2):
    """:func:`nearest_minimum` on arguments already checked."""
    locations = np.array([m.location for m in landscape.minima])
    if landscape.dim == 1:
        distances = np.abs(points[..., None] - locations)
    else:
        distances = np.linalg.norm(points[..., None, :] - locations, axis=-1)
    with np.errstate(invalid="ignore"):
        labels = np.argmin(np.where(np.isnan(distances), np.inf, distances), axis=-1)
        near = np.take_along_axis(distances, labels[..., None], axis=-1)[..., 0] <= tolerance
    return np.where(near, labels, NOWHERE)


def basins(landscape, starts, learning_rate, steps):
    """Run gradient descent from every start at once and label the minimum each one ends in."""
    if np.size(starts) == 0:
        raise ValueError("starts must hold at least one start point, got none")
    run = gradient_descent(landscape, starts, learning_rate, steps)
    return _nearest(landscape, run.final_point)


def basin_map(landscape, learning_rate, steps, n=201):
    """Labels over a grid of starts covering the landscape's bounds: (x, labels) in 1-D, (X, Y, labels) in 2-D."""
    landscape = as_landscape("landscape", landscape)
    grid = landscape.grid(n)
    if landscape.dim == 1:
        return grid, basins(landscape, grid, learning_rate, steps)
    X, Y = grid
    return X, Y, basins(landscape, np.stack([X, Y], axis=-1), learning_rate, steps)


def random_starts(landscape, shape, rng):
    """Start points drawn uniformly over the landscape's bounds, of batch shape ``shape``."""
    landscape = as_landscape("landscape", landscape)
    shape = tuple(as_int("shape", s) for s in (shape if isinstance(shape, tuple) else (shape,)))
    return _uniform_starts(landscape, shape, _as_generator(rng))


def _as_generator(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng


def _uniform_starts(landscape, shape, rng):
    """:func:`random_starts` on arguments already checked."""
    low, high = np.array(landscape.bounds, dtype=float).T
    points = rng.uniform(low, high, size=(*shape, landscape.dim))
    return points[..., 0] if landscape.dim == 1 else points


def restart_success_rate(landscape, restarts, trials, learning_rate, steps, rng):
    """Fraction of trials in which the best of ``restarts`` random starts ends in the global minimum.

    All trials x restarts runs are computed at once. Each trial keeps the run with the lowest final loss.
    """
    landscape = as_landscape("landscape", landscape)
    restarts, trials = as_int("restarts", restarts, 1), as_int("trials", trials, 1)
    as_learning_rates("learning_rate", learning_rate)  # before the random starts are drawn from rng
    run = gradient_descent(landscape, _uniform_starts(landscape, (trials, restarts), _as_generator(rng)),
                           learning_rate, steps)
    final_loss = np.where(np.isfinite(run.final_loss), run.final_loss, np.inf)
    best = np.argmin(final_loss, axis=1)
    best_points = np.take_along_axis(run.final_point, best.reshape((trials, 1) + (1,) * (landscape.dim > 1)), axis=1)
    labels = _nearest(landscape, best_points[:, 0])
    global_index = landscape.minima.index(landscape.global_minimum)
    return float(np.mean(labels == global_index))


def predicted_success_rate(share, restarts):
    """1 - (1 - share)^restarts: the chance that at least one of ``restarts`` independent starts succeeds."""
    share = as_float("share", share, low=0, high=1)
    restarts = as_array("restarts", restarts, dtype=None)
    if restarts.dtype.kind not in "iu":
        raise TypeError(f"restarts must be a whole number >= 1 or an array of them, got dtype {restarts.dtype}")
    if np.any(restarts < 1):
        raise ValueError(f"restarts must be a whole number >= 1 or an array of them, got {restarts.tolist()!r:.80}")
    return 1 - (1 - share) ** restarts


def plot_basins(landscape, *grid_and_labels, ax=None):
    """Colour each start by the minimum it ends in (grey: nowhere), over the landscape."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from course_utils.plotting import PALETTE, plot_landscape

    landscape = as_landscape("landscape", landscape)
    colours = list(PALETTE.values())[: len(landscape.minima)]
    if len(colours) < len(landscape.minima):
        raise ValueError("more minima than colours in the palette")
    if len(grid_and_labels) != 2 + (landscape.dim == 2):
        raise ValueError("grid_and_labels must be what basin_map returns: (x, labels) in 1-D, (X, Y, labels) in 2-D; "
                         f"got {len(grid_and_labels)} arrays")
    cmap = ListedColormap(["0.85", *colours])
    if ax is None:
        _figure, ax = plt.subplots()
    if landscape.dim == 1:
        x, labels = grid_and_labels
        ax.scatter(x, np.full_like(x, 0.0), c=labels + 1, cmap=cmap, vmin=0, vmax=len(colours), marker="|", s=400,
                   transform=ax.get_xaxis_transform(), clip_on=False)
        plot_landscape(landscape, ax=ax)
    else:
        X, Y, labels = grid_and_labels
        ax.pcolormesh(X, Y, labels + 1, cmap=cmap, vmin=0, vmax=len(colours), shading="auto", alpha=0.8)
        plot_landscape(landscape, ax=ax, levels=20)
    for index, (colour, minimum) in enumerate(zip(colours, landscape.minima)):
        where = np.round(minimum.location, 2).tolist()
        ax.plot([], [], "s", color=colour, alpha=0.8, markersize=10,
                label=_("basin of {where} (f = {value}): {share} of starts").format(
                    where=where, value=f"{minimum.value:.3g}", share=f"{np.mean(labels == index):.0%}"))
    if np.any(labels == NOWHERE):
        ax.plot([], [], "s", color="0.85", markersize=10,
                label=_("nowhere yet (on a ridge or saddle): {share}").format(
                    share=f"{np.mean(labels == NOWHERE):.1%}"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    return ax


def _gradient_function(gradients):
    if not callable(gradients):
        raise TypeError("gradients must be a function of no arguments that returns the gradient of each parameter, "
                        f"e.g. lambda: network.gradients(x, y)[1]; got {type(gradients).__name__}")
    return gradients


def _flat_gradient(gradients, parameters):
    values = gradients()
    if not isinstance(values, (list, tuple)) or len(values) != len(parameters):
        raise ValueError(f"gradients() must return a list of {len(parameters)} arrays, one per parameter; "
                         f"got {type(values).__name__}")
    for index, (value, array) in enumerate(zip(values, parameters)):
        if np.shape(value) != array.shape:
            raise ValueError(f"gradients()[{index}] must have the shape of parameter {index}, {array.shape}; "
                             f"got {np.shape(value)}")
    return np.concatenate([np.ravel(value) for value in values]).astype(np.float64)


def hessian(gradients, parameters, h=1e-5):
    """The Hessian (second derivatives) of a loss, by central differences of its gradient.

    gradients: a function of no arguments returning the gradient of every parameter (like
    ``lambda: network.gradients(x, y)[1]``); parameters: the float64 arrays it reads, nudged in place and restored.
    Entry (i, j) is d²L / dθ_i dθ_j over all parameters flattened in order; the result is made exactly symmetric.
    """
    from course_utils.gradcheck import _parameters

    gradients = _gradient_function(gradients)
    parameters = _parameters(parameters)
    h = as_float("h", h, low=0, high=1, low_open=True, high_open=True)
    columns = []
    for array in parameters:
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + h
            above = _flat_gradient(gradients, parameters)
            array[index] = original - h
            below = _flat_gradient(gradients, parameters)
            array[index] = original
            columns.append((above - below) / (2 * h))
    matrix = np.stack(columns, axis=1)
    return (matrix + matrix.T) / 2


def curvature_kind(eigenvalues, tolerance=1e-8):
    """What the Hessian's eigenvalues say about a critical point: "minimum" (all > tolerance), "maximum" (all <
    -tolerance), "saddle" (some of each sign), else "flat in some direction" (second derivatives cannot tell)."""
    eigenvalues = as_array("eigenvalues", eigenvalues, ndim=1)
    tolerance = as_float("tolerance", tolerance, low=0)
    up, down = np.any(eigenvalues > tolerance), np.any(eigenvalues < -tolerance)
    if up and down:
        return "saddle"
    if up and np.all(eigenvalues > tolerance):
        return "minimum"
    if down and np.all(eigenvalues < -tolerance):
        return "maximum"
    return "flat in some direction"


def train_networks(networks, x, targets, learning_rate, steps):
    """Full-batch gradient descent on the mean squared error for many networks of one shape at once (vectorised).

    The same update as ``parameter -= learning_rate * gradient`` with ``Network.gradients`` in a loop, for every
    network, written back into each network's own arrays. Returns the losses, shape (steps, networks): row t is
    the loss before update t.
    """
    from course_utils.nn import ACTIVATIONS, DERIVATIVES_FROM_OUTPUT, Network, _matrix

    if not isinstance(networks, (list, tuple)) or not networks or not all(isinstance(n, Network) for n in networks):
        raise TypeError(f"networks must be a non-empty list of course_utils.nn.Network, got {networks!r:.80}")
    shape = [(layer.weights.shape, layer.activation) for layer in networks[0].layers]
    if any([(layer.weights.shape, layer.activation) for layer in network.layers] != shape for network in networks):
        raise ValueError("networks must all have the same layer sizes and activations")
    x = _matrix("x", x, columns=shape[0][0][0])
    outputs = shape[-1][0][1]
    if np.size(targets) != len(x) * outputs:
        raise ValueError(f"targets must hold {len(x) * outputs} values ({len(x)} samples x {outputs} outputs), "
                         f"got {np.size(targets)}")
    targets = _matrix("targets", np.reshape(targets, (len(x), outputs)))
    learning_rate = as_float("learning_rate", learning_rate, low=0)
    steps = as_int("steps", steps, 1)
    weights = [np.stack([network.layers[i].weights for network in networks]) for i in range(len(shape))]
    biases = [np.stack([network.layers[i].bias for network in networks])[:, None, :] for i in range(len(shape))]
    losses = np.empty((steps, len(networks)))
    for step in range(steps):
        outputs = [x]  # each layer's input, then the network's output
        for W, b, (_, activation) in zip(weights, biases, shape):  # forward, keeping every activation
            outputs.append(ACTIVATIONS[activation][0](outputs[-1] @ W + b))
        error = outputs[-1] - targets
        losses[step] = np.mean(error**2, axis=(1, 2))
        grad = 2 * error / error[0].size
        for i in reversed(range(len(shape))):  # backward, as Dense.backward, for all networks at once
            delta = grad * DERIVATIVES_FROM_OUTPUT[shape[i][1]](outputs[i + 1])
            layer_input = outputs[i] if outputs[i].ndim == 3 else outputs[i][None]
            grad = delta @ np.swapaxes(weights[i], 1, 2)
            weights[i] -= learning_rate * (np.swapaxes(layer_input, 1, 2) @ delta)
            biases[i] -= learning_rate * delta.sum(axis=1, keepdims=True)
    for index, network in enumerate(networks):
        for i, layer in enumerate(network.layers):
            layer.weights[...] = weights[i][index]
            layer.bias[...] = biases[i][index, 0]
    return losses
