"""Checking gradients by finite differences, and what that costs compared with backpropagation.

A central difference needs two evaluations of the loss per parameter; backpropagation gets every
partial derivative from one forward and one backward pass. :func:`gradient_check` compares the two
and reports the largest relative error; :func:`gradient_costs` measures both as the network grows.
"""

import time
from dataclasses import dataclass

import numpy as np

from course_utils._validate import whole


@dataclass(frozen=True)
class GradientCheck:
    """The result of :func:`gradient_check`."""

    max_relative_error: float
    worst: tuple  # (parameter index, element index) of the largest error
    loss_evaluations: int

    def __repr__(self):
        verdict = "passed" if self.max_relative_error < 1e-6 else "FAILED"
        return (f"gradient check {verdict}: max relative error {self.max_relative_error:.1e} at parameter "
                f"{self.worst[0]}, element {self.worst[1]} ({self.loss_evaluations} loss evaluations)")


def _parameters(parameters):
    if not isinstance(parameters, (list, tuple)) or not parameters:
        raise TypeError("parameters must be a non-empty list of NumPy arrays (the model's own, not copies)")
    for index, array in enumerate(parameters):
        if not isinstance(array, np.ndarray) or array.dtype != np.float64:
            raise TypeError(f"parameter {index} must be a float64 NumPy array (finite differences need float64)")
    return parameters


def numerical_gradients(loss, parameters, h=1e-6):
    """Central differences (loss(p + h) - loss(p - h)) / 2h for every element of every parameter.

    loss: a function of no arguments that reads the parameters, which are changed in place and restored.
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function of no arguments, got {type(loss).__name__}")
    if not (isinstance(h, float) and 0 < h < 1):
        raise ValueError(f"h must be a small positive float, got {h!r}")
    gradients = []
    for array in _parameters(parameters):
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
    for name, value in (("a", a), ("b", b)):
        if isinstance(value, (str, bytes)) or np.asarray(value).dtype.kind not in "biuf":
            raise TypeError(f"{name} must be numbers or an array of numbers, got {type(value).__name__}")
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)


def gradient_check(loss, parameters, gradients, h=1e-6):
    """Compare analytic ``gradients`` with central differences of ``loss``; report the largest relative error."""
    parameters = _parameters(parameters)
    if not isinstance(gradients, (list, tuple)) or len(gradients) != len(parameters):
        raise ValueError(f"gradients must be a list of {len(parameters)} arrays, one per parameter")
    for index, (p, g) in enumerate(zip(parameters, gradients)):
        if np.shape(g) != p.shape:
            raise ValueError(f"gradient {index} must have the shape of parameter {index}, {p.shape}; "
                             f"got {np.shape(g)}")
    numerical = numerical_gradients(loss, parameters, h)
    errors = [relative_error(g, n) for g, n in zip(gradients, numerical)]
    worst_parameter = int(np.argmax([e.max() for e in errors]))
    worst_element = np.unravel_index(int(np.argmax(errors[worst_parameter])), errors[worst_parameter].shape)
    evaluations = 2 * sum(p.size for p in parameters)
    return GradientCheck(float(errors[worst_parameter].max()), (worst_parameter, tuple(map(int, worst_element))),
                         evaluations)


def gradient_costs(widths, inputs=10, samples=32, repeats=3, seed=0):
    """Time a finite-difference gradient and a backpropagated one for networks of growing width.

    The network is inputs -> width -> width -> 1 (tanh), with an MSE loss. Returns one dict per width:
    parameters, forward passes of each method, and the best-of-``repeats`` seconds of each.
    """
    from course_utils.nn import Network

    widths = list(widths)
    if not widths or any(isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1 for w in widths):
        raise ValueError(f"widths must be whole numbers >= 1, got {widths!r}")
    inputs, samples, repeats = whole("inputs", inputs, 1), whole("samples", samples, 1), whole("repeats", repeats, 1)
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(samples, inputs)), rng.normal(size=(samples, 1))
    results = []
    for width in widths:
        network = Network.random((inputs, width, width, 1), rng=rng)
        parameters = network.parameters()
        count = sum(p.size for p in parameters)

        def best_time(function):
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                function()
                times.append(time.perf_counter() - start)
            return min(times)

        results.append({
            "parameters": count,
            "finite_difference_passes": 2 * count,
            "backprop_passes": 2,  # one forward, one backward (of about the same cost)
            "finite_difference_seconds": best_time(lambda: numerical_gradients(lambda: network.loss(x, y), parameters)),
            "backprop_seconds": best_time(lambda: network.gradients(x, y)),
        })
    return results
