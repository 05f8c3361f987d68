"""Where gradient descent ends: basins of attraction, and the success rate of random restarts.

Every start point ends in one minimum (or nowhere, if the run diverged or has not arrived yet). The
set of starts that end in a minimum is its *basin of attraction*. With k independent random starts,
the chance that at least one lands in the global minimum's basin, of share p, is 1 - (1 - p)^k.
"""

import numpy as np

from course_utils._validate import number

from course_utils.descent import check_learning_rate, gradient_descent
from course_utils.landscapes import Landscape

NOWHERE = -1  # the label of a run that diverged or did not settle near any known minimum


def _landscape(landscape):
    if not isinstance(landscape, Landscape):
        raise TypeError(f"landscape must be a Landscape (see course_utils.landscapes), got {type(landscape).__name__}")
    return landscape


def nearest_minimum(landscape, points, tolerance=1e-2):
    """Index (into landscape.minima) of the minimum within ``tolerance`` of each point, else NOWHERE."""
    landscape = _landscape(landscape)
    points = landscape.points(points)
    number("tolerance", tolerance, low=0)
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
    run = gradient_descent(_landscape(landscape), starts, learning_rate, steps)
    return nearest_minimum(landscape, run.final_point)


def basin_map(landscape, learning_rate, steps, n=201):
    """Labels over a grid of starts covering the landscape's bounds: (x, labels) in 1-D, (X, Y, labels) in 2-D."""
    landscape = _landscape(landscape)
    grid = landscape.grid(n)
    if landscape.dim == 1:
        return grid, basins(landscape, grid, learning_rate, steps)
    X, Y = grid
    return X, Y, basins(landscape, np.stack([X, Y], axis=-1), learning_rate, steps)


def random_starts(landscape, shape, rng):
    """Start points drawn uniformly over the landscape's bounds, of batch shape ``shape``."""
    landscape = _landscape(landscape)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple) or not all(isinstance(s, (int, np.integer)) and s >= 0 for s in shape):
        raise ValueError(f"shape must be a whole number >= 0 or a tuple of them, got {shape!r}")
    low, high = np.array(landscape.bounds, dtype=float).T
    points = rng.uniform(low, high, size=(*shape, landscape.dim))
    return points[..., 0] if landscape.dim == 1 else points


def restart_success_rate(landscape, restarts, trials, learning_rate, steps, rng):
    """Fraction of trials in which the best of ``restarts`` random starts ends in the global minimum.

    All trials x restarts runs are computed at once. Each trial keeps the run with the lowest final loss.
    """
    landscape = _landscape(landscape)
    for name, value in (("restarts", restarts), ("trials", trials)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    check_learning_rate(learning_rate)
    run = gradient_descent(landscape, random_starts(landscape, (trials, restarts), rng), learning_rate, steps)
    final_loss = np.where(np.isfinite(run.final_loss), run.final_loss, np.inf)
    best = np.argmin(final_loss, axis=1)
    best_points = np.take_along_axis(run.final_point, best.reshape((trials, 1) + (1,) * (landscape.dim > 1)), axis=1)
    labels = nearest_minimum(landscape, best_points[:, 0])
    global_index = landscape.minima.index(landscape.global_minimum)
    return float(np.mean(labels == global_index))


def predicted_success_rate(share, restarts):
    """1 - (1 - share)^restarts: the chance that at least one of ``restarts`` independent starts succeeds."""
    share = number("share", share, low=0, high=1)
    restarts = np.asarray(restarts)
    if restarts.dtype.kind not in "iu" or np.any(restarts < 1):
        raise ValueError(f"restarts must be whole numbers >= 1, got {restarts.tolist()!r}")
    return 1 - (1 - share) ** restarts


def plot_basins(landscape, *grid_and_labels, ax=None):
    """Colour each start by the minimum it ends in (grey: nowhere), over the landscape."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from course_utils.plotting import PALETTE, plot_landscape

    landscape = _landscape(landscape)
    colours = list(PALETTE.values())[: len(landscape.minima)]
    if len(colours) < len(landscape.minima):
        raise ValueError("more minima than colours in the palette")
    if len(grid_and_labels) != 2 + (landscape.dim == 2):
        raise ValueError("grid_and_labels must be what basin_map returns: (x, labels) in 1-D, (X, Y, labels) in 2-D; "
                         f"got {len(grid_and_labels)} arrays")
    cmap = ListedColormap(["0.85", *colours])
    if ax is None:
        _, ax = plt.subplots()
    if landscape.dim == 1:
        x, labels = grid_and_labels
        ax.scatter(x, np.full_like(x, 0.0), c=labels + 1, cmap=cmap, vmin=0, vmax=len(colours), marker="|", s=400,
                   transform=ax.get_xaxis_transform(), clip_on=False)
        plot_landscape(landscape, ax=ax)
    else:
        X, Y, labels = grid_and_labels
        ax.pcolormesh(X, Y, labels + 1, cmap=cmap, vmin=0, vmax=len(colours), shading="auto", alpha=0.55)
        plot_landscape(landscape, ax=ax, levels=20)
    for index, (colour, minimum) in enumerate(zip(colours, landscape.minima)):
        where = np.round(minimum.location, 2).tolist()
        ax.plot([], [], "s", color=colour, markersize=10,
                label=f"basin of {where} (f = {minimum.value:.3g}): {np.mean(labels == index):.0%} of starts")
    if np.any(labels == NOWHERE):
        ax.plot([], [], "s", color="0.85", markersize=10, label=f"nowhere yet (on a ridge or saddle): {np.mean(labels == NOWHERE):.1%}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    return ax
