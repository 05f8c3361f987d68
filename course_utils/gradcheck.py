"""Checking gradients by finite differences, and what that costs compared with backpropagation.

A central difference needs two evaluations of the loss per parameter; backpropagation gets every
partial derivative from one forward and one backward pass. :func:`gradient_check` compares the two
and reports the largest relative error, which :func:`relative_error_verdict` reads with CS231n's
thresholds; :func:`gradient_costs` times a forward pass, a backward pass and both kinds of gradient
as the network grows.
"""

import contextlib
import math
import time
from dataclasses import dataclass

import numpy as np

from course_utils._validate import as_array, as_float, as_int
from course_utils.i18n import N_, _

#: CS231n's rule of thumb for the relative error of a gradient check (cs231n.github.io/neural-networks-3,
#: "Gradient checks"): (upper bound, what it means), from the smallest errors to the largest.
CS231N_THRESHOLDS = (
    (1e-7, N_("below 1e-7: happy")),
    (1e-4, N_("between 1e-7 and 1e-4: usually okay with kinks, too high without them")),
    (1e-2, N_("between 1e-4 and 1e-2: uncomfortable")),
    (math.inf, N_("above 1e-2: the gradient is probably wrong")),
)


def relative_error_verdict(error):
    """What CS231n's thresholds say about a gradient check's max relative ``error`` (a number >= 0), in the course's
    language."""
    error = as_float("error", error, low=0)
    meaning = next(meaning for bound, meaning in CS231N_THRESHOLDS if error < bound)
    return _(meaning)


@dataclass(frozen=True)
class GradientCheck:
    """The result of :func:`gradient_check`."""

    max_relative_error: float
    worst: tuple  # (parameter index, element index) of the largest error
    loss_evaluations: int  # counted: two per parameter element

    def __repr__(self):
        template = (_("gradient check passed: max relative error {error} at parameter {parameter}, element {element} "
                      "({evaluations} loss evaluations)") if self.max_relative_error < 1e-6 else
                    _("gradient check FAILED: max relative error {error} at parameter {parameter}, element {element} "
                      "({evaluations} loss evaluations)"))
        return template.format(error=f"{self.max_relative_error:.1e}", parameter=self.worst[0], element=self.worst[1],
                               evaluations=self.loss_evaluations)

    @property
    def verdict(self):
        """CS231n's reading of the max relative error (see :func:`relative_error_verdict`)."""
        return relative_error_verdict(self.max_relative_error)


def _parameters(parameters):
    if not isinstance(parameters, (list, tuple)) or not parameters:
        raise TypeError("parameters must be a non-empty list of NumPy arrays (the model's own, not copies)")
    for index, array in enumerate(parameters):
        if not isinstance(array, np.ndarray) or array.dtype != np.float64:
            raise TypeError(f"parameters[{index}] must be a float64 NumPy array (finite differences need float64), "
                            f"got {type(array).__name__} {getattr(array, 'dtype', '')}")
    return parameters


def numerical_gradients(loss, parameters, h=1e-6):
    """Central differences (loss(p + h) - loss(p - h)) / 2h for every element of every parameter.

    loss: a function of no arguments that reads the parameters, which are changed in place and restored.
    """
    return _central_differences(_loss_function(loss), _parameters(parameters), _step(h))


def _loss_function(loss):
    if not callable(loss):
        raise TypeError(f"loss must be a function of no arguments, got {type(loss).__name__}")
    return loss


def _step(h):
    return as_float("h", h, low=0, high=1, low_open=True, high_open=True)


def _central_differences(loss, parameters, h):
    """:func:`numerical_gradients` on arguments already checked."""
    gradients = []
    for array in parameters:
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + h
            above = loss()
            array[index] = original - h
            below = loss()
            array[index] = original
            gradient[index] = (above - below) / (2 * h)
        gradients.append(gradient)
    return gradients


def relative_error(a, b):
    """|a - b| / max(|a| + |b|, 1e-12), elementwise: scale-free, and 0 when both are 0."""
    a = as_array("a", a, finite=False, empty=True)
    b = as_array("b", b, finite=False, empty=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)


def gradient_check(loss, parameters, gradients, h=1e-6):
    """Compare analytic ``gradients`` with central differences of ``loss``; report the largest relative error
    (and how many times ``loss`` was evaluated, counted)."""
    parameters = _parameters(parameters)
    if not isinstance(gradients, (list, tuple)) or len(gradients) != len(parameters):
        raise ValueError(f"gradients must be a list of {len(parameters)} arrays, one per parameter")
    for index, (p, g) in enumerate(zip(parameters, gradients)):
        if np.shape(g) != p.shape:
            raise ValueError(f"gradients[{index}] must have the shape of parameters[{index}], {p.shape}; "
                             f"got {np.shape(g)}")
    loss, h = _loss_function(loss), _step(h)
    evaluations = 0

    def counted_loss():
        nonlocal evaluations
        evaluations += 1
        return loss()

    numerical = _central_differences(counted_loss, parameters, h)
    errors = [relative_error(g, n) for g, n in zip(gradients, numerical)]
    worst_parameter = int(np.argmax([e.max() for e in errors]))
    worst_element = np.unravel_index(int(np.argmax(errors[worst_parameter])), errors[worst_parameter].shape)
    return GradientCheck(float(errors[worst_parameter].max()), (worst_parameter, tuple(map(int, worst_element))),
                         evaluations)


def _one_blas_thread():
    """NumPy's matrix products on one thread while timing (if threadpoolctl is installed): steadier ratios."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(1)


def _best_times(functions, repeats):
    """The best of ``repeats`` CPU times of each function, run in turn (CPU time: other programs do not count)."""
    seconds = [math.inf] * len(functions)
    for _repeat in range(repeats):
        for index, function in enumerate(functions):
            start = time.process_time()
            function()
            seconds[index] = min(seconds[index], time.process_time() - start)
    return seconds


def gradient_costs(widths, inputs=10, samples=32, repeats=5, seed=0, finite_differences_up_to=2000,
                   finite_difference_repeats=None):
    """Time a forward pass, a backward pass and a whole gradient (backprop and finite differences) as width grows.

    The network is inputs -> width -> width -> 1 (tanh), with an MSE loss on ``samples`` rows. Each time is the
    best of ``repeats`` runs in CPU time (``finite_difference_repeats`` for finite differences, the slow part;
    default ``repeats``), with NumPy on one thread. Finite differences are timed only up to
    ``finite_differences_up_to`` parameters (NaN above). Returns one dict per width: ``parameters``;
    ``loss_evaluations`` of finite differences (two per parameter); the multiply-adds of the matrix products,
    counted by the layers of :mod:`course_utils.nn` as they run them (``forward_multiply_adds``;
    ``backward_multiply_adds``: dW and dx of every layer; ``backward_multiply_adds_without_input_gradient``: the
    same without the first layer's dx, the gradient with respect to the data, which training never uses and
    frameworks skip); and the CPU seconds of ``forward``, ``loss`` (forward and loss: one evaluation),
    ``backward`` (alone, after a forward), ``backprop`` (forward, loss and backward) and ``finite_difference``.
    """
    from course_utils.nn import Network, mse

    widths = [as_int("widths", width, 1) for width in widths]
    if not widths:
        raise ValueError("widths must hold at least one whole number >= 1, got none")
    inputs, samples, repeats = as_int("inputs", inputs, 1), as_int("samples", samples, 1), as_int("repeats", repeats, 1)
    finite_differences_up_to = as_int("finite_differences_up_to", finite_differences_up_to, 0)
    finite_difference_repeats = repeats if finite_difference_repeats is None else as_int(
        "finite_difference_repeats", finite_difference_repeats, 1)
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(samples, inputs)), rng.normal(size=(samples, 1))
    results = []
    with _one_blas_thread():
        for width in widths:
            network = Network.random((inputs, width, width, 1), rng=rng)
            parameters = network.parameters()
            count = sum(p.size for p in parameters)
            grad_output = mse(network.forward(x), y)[1]  # the forward pass leaves the cache the backward reads
            forward, loss, backward, backprop = _best_times(
                [lambda: network.forward(x), lambda: network.loss(x, y), lambda: network.backward(grad_output),
                 lambda: network.gradients(x, y)], repeats)
            finite_difference = math.nan
            if count <= finite_differences_up_to:
                (finite_difference,) = _best_times(
                    [lambda: numerical_gradients(lambda: network.loss(x, y), parameters)], finite_difference_repeats)
            network.gradients(x, y)  # once more, to read the multiply-adds each layer counted on this pass
            counted = [layer.multiply_adds for layer in network.layers]
            backward_multiply_adds = sum(c["dW"] + c["dx"] for c in counted)
            results.append({
                "parameters": count,
                "loss_evaluations": 2 * count,
                "forward_multiply_adds": sum(c["forward"] for c in counted),
                "backward_multiply_adds": backward_multiply_adds,
                "backward_multiply_adds_without_input_gradient": backward_multiply_adds - counted[0]["dx"],
                "forward_seconds": forward,
                "loss_seconds": loss,
                "backward_seconds": backward,
                "backprop_seconds": backprop,
                "finite_difference_seconds": finite_difference,
            })
    return results
