"""Gradient descent on a landscape: one run, or many at once (several starts or learning rates).

A run that blows up (a loss that is not finite, or that grows past ``blowup`` times its start) is
reported as diverged, with the step at which it happened; its path and losses are NaN after that
step, so that plots end where the run stopped meaning anything.
"""

from dataclasses import dataclass

import numpy as np

from course_utils._validate import as_array, as_float, as_int, as_landscape, as_learning_rates
from course_utils.i18n import N_, _
from course_utils.landscapes import Landscape


@dataclass(frozen=True, eq=False)
class DescentRun:
    """The result of :func:`descend`: every point visited and every loss, for each run of a batch."""

    landscape: Landscape
    path: np.ndarray  # (steps + 1, *batch, *point_shape)
    losses: np.ndarray  # (steps + 1, *batch)
    diverged_at: np.ndarray  # (*batch): the step at which the run diverged, -1 if it did not

    @property
    def steps(self):
        return self.losses.shape[0] - 1

    @property
    def diverged(self):
        return self.diverged_at >= 0

    @property
    def final_point(self):
        return self.path[-1]

    @property
    def final_loss(self):
        return self.losses[-1]

    def describe(self):
        """One line per run: where it ended, or where it diverged."""
        lines = []
        for index in np.ndindex(self.diverged_at.shape):
            if self.diverged_at[index] >= 0:
                lines.append(_("diverged at step {step}").format(step=self.diverged_at[index]))
            else:
                point = np.round(self.path[(-1, *index)], 4).tolist()
                lines.append(_("after {steps} steps: point {point}, loss {loss}").format(
                    steps=self.steps, point=point, loss=f"{self.losses[(-1, *index)]:.4g}"))
        return "\n".join(lines)


def _checked(landscape, start, steps, blowup):
    """The arguments every runner shares, checked: (landscape, start as a float array, steps, blowup)."""
    landscape = as_landscape("landscape", landscape)
    start = landscape.as_points(as_array("start", start), name="start")
    return landscape, start, as_int("steps", steps, 1), as_float("blowup", blowup, low=1, low_open=True)


def descend(landscape, start, steps, update, *, blowup=1e6):
    """Apply ``params = update(params, gradient)`` ``steps`` times, starting from ``start``.

    start: one point, or a batch of points of shape (*batch, *landscape.point_shape).
    update: any callable of (params, grads) returning new params of the same shape, e.g. a plain
        gradient step or an optimizer's ``step`` method.
    blowup: a run diverges when its loss is not finite or exceeds blowup * (1 + |its start loss|).
    """
    if not callable(update):
        raise TypeError(f"update must be a function of (params, grads), got {type(update).__name__}")
    return _descend(*_checked(landscape, start, steps, blowup), update)


def _descend(landscape, start, steps, blowup, update):
    """:func:`descend` on arguments already checked."""
    params = start.copy()
    batch_shape = params.shape[: params.ndim - len(landscape.point_shape)]
    point_axes = tuple(range(len(batch_shape), params.ndim))

    path = np.empty((steps + 1, *params.shape))  # every row is written below
    losses = np.empty((steps + 1, *batch_shape))
    diverged_at = np.full(batch_shape, -1, dtype=int)
    path[0], losses[0] = params, landscape(params)
    limit = blowup * (1 + np.abs(losses[0]))
    any_diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            params = np.asarray(update(params, landscape.gradient(params)), dtype=np.float64)
            if params.shape != path.shape[1:]:
                raise ValueError(f"update returned shape {params.shape}; expected {path.shape[1:]}")
            loss = landscape(params)
            finite = np.isfinite(loss) & np.all(np.isfinite(params), axis=point_axes)
            if not any_diverged and np.all(finite & (loss <= limit)):  # the usual step: every run goes on
                path[step], losses[step] = params, loss
                params = params.copy()  # as below: update gets an array of its own
                continue
            blown = (~finite | (loss > limit)) & (diverged_at < 0)
            diverged_at[blown] = step
            gone = (diverged_at >= 0) & (diverged_at < step)  # keep the step of divergence itself
            keep = finite & ~gone
            path[step] = np.where(np.expand_dims(keep, point_axes), params, np.nan)
            losses[step] = np.where(keep, loss, np.nan)
            params = np.where(np.expand_dims(diverged_at >= 0, point_axes), np.nan, params)
            any_diverged = bool(np.any(diverged_at >= 0))
    return DescentRun(landscape, path, losses, diverged_at)


def gradient_descent(landscape, start, learning_rate, steps, *, blowup=1e6):
    """Plain gradient descent, x <- x - learning_rate * gradient, from ``start`` for ``steps`` steps.

    learning_rate: a number, or an array of rates: one run per rate (the start is shared, or one
    start per rate), all computed at once.
    """
    rates = as_learning_rates("learning_rate", learning_rate)
    landscape, start, steps, blowup = _checked(landscape, start, steps, blowup)
    point_ndim = len(landscape.point_shape)
    batch_shape = np.broadcast_shapes(start.shape[: start.ndim - point_ndim], rates.shape)
    start = np.broadcast_to(start, batch_shape + landscape.point_shape)
    rates = rates.reshape(rates.shape + (1,) * point_ndim)
    return _descend(landscape, start, steps, blowup, lambda params, grads: params - rates * grads)


def sweep_learning_rates(landscape, start, steps, make_optimizer, rates, *, blowup=1e6):
    """One run from ``start`` per learning rate in ``rates``, all computed at once; a batch DescentRun.

    make_optimizer(rate) returns a fresh optimizer of course_utils.optimizers. Their update rules are
    linear in the learning rate (the state does not depend on it, or grows in proportion to it), so the
    step at rate r is r times the step at rate 1: one optimizer at rate 1 steps a copy of ``start`` per
    rate, and each row's step is scaled by its rate. Equal to separate runs up to rounding.
    """
    from course_utils.optimizers import Optimizer

    rates = as_learning_rates("rates", rates)
    if rates.ndim != 1:
        raise ValueError(f"rates must be a 1-D list of learning rates, got shape {rates.shape}")
    landscape, start, steps, blowup = _checked(landscape, start, steps, blowup)
    if start.shape != landscape.point_shape:
        raise ValueError(f"start must be one point of shape {landscape.point_shape}, got shape {start.shape}")
    if not callable(make_optimizer):
        raise TypeError(f"make_optimizer must be a function of the rate, got {type(make_optimizer).__name__}")
    optimizer = make_optimizer(1.0)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"make_optimizer must return an optimizer of course_utils.optimizers, got {optimizer!r}")
    scale = rates.reshape(rates.shape + (1,) * start.ndim)
    starts = np.broadcast_to(start, rates.shape + start.shape).copy()

    def update(params, grads):
        return params + scale * (optimizer.step(params, grads) - params)

    return _descend(landscape, starts, steps, blowup, update)


#: What :func:`classify_run` answers: data, English in every language (``_(regime)`` shows one translated).
REGIMES = (N_("converges monotonically"), N_("converges in one step"), N_("oscillates and converges"),
           N_("bounces forever"), N_("diverges"))


def classify_run(run):
    """Name what one 1-D run did around the minimum it ends nearest to: one of :data:`REGIMES`."""
    if not isinstance(run, DescentRun) or run.landscape.dim != 1 or run.diverged_at.shape != ():
        raise ValueError(f"run must be a DescentRun of a single 1-D run (one start, one rate), got {run!r:.80}")
    if run.diverged:
        return "diverges"
    minima = np.array([float(m.location) for m in run.landscape.minima])
    distance = run.path - minima[np.argmin(np.abs(minima - run.path[-1]))]
    start, end = abs(distance[0]), abs(distance[-1])
    if start == 0:
        raise ValueError("the run starts at a minimum: there is nothing to classify")
    if end > start * (1 + 1e-9):
        return "diverges"
    if np.isclose(end, start, rtol=1e-9):
        return "bounces forever"
    if abs(distance[1]) <= 1e-12 * start:
        return "converges in one step"
    signs = np.sign(distance[distance != 0])
    return "oscillates and converges" if np.any(signs[1:] != signs[:-1]) else "converges monotonically"
