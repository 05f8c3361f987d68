"""Bad input to a function that notebooks call gets a clear ValueError or TypeError, never a deep traceback.

The one table of bad inputs: each row calls one function with one bad argument (wrong type, wrong shape, NaN/inf,
empty, out of range, unknown name). The error must be a ValueError or TypeError whose message names the argument
as a word, says what is allowed and shows what came. A second test keeps the table complete: every public function
and class of the learner-facing modules (course_utils, without the maintainer tooling) has a row that calls it, or
an entry in EXEMPT with the reason.
"""

import importlib
import inspect
import pkgutil
import re
import types
from typing import NamedTuple

import numpy as np
import pytest

import course_utils
from course_utils import (autodiff, basins, callbacks, checks, course, data, descent, digits, environment,
                          gradcheck, i18n, landscapes, nn, optimizers, plotting, widgets)
from course_utils.exercises import learning_rate, optimizers_in_keras

NAN, INF = float("nan"), float("inf")

#: A message says what is allowed: "must be ...", "must all have ...", "one of ...". Python's and NumPy's own
#: messages do not (see test_the_wording_check_can_fail).
ALLOWED = re.compile(r"\b(must|should|needs?)( \w+)? (be|have|hold|lie|match|return|take)\b|\bone of\b|\bexpected\b")


class Later:
    """An argument made when its row runs (a Keras model, a figure), not when the table is built."""

    def __init__(self, make):
        self.make = make

    def __repr__(self):
        return f"Later({getattr(self.make, '__name__', 'make')})"


class Case(NamedTuple):
    func: object  # the function, class or method the row calls
    args: tuple
    kwargs: dict
    argument: str  # the argument the message must name, as a word
    says: str  # a pattern the message must also match ("" for none)
    error: tuple  # the errors allowed: TypeError for a wrong kind of value, ValueError for a wrong value


def bad(func, *args, argument, says="", error=(ValueError, TypeError), **kwargs):
    """A row: ``func(*args, **kwargs)`` must refuse ``argument`` (with ``error``, if the row names one)."""
    return Case(func, args, kwargs, argument, says, error)


bowl = landscapes.quadratic(1.0, 4.0)
line = landscapes.quadratic(1.0)
rng = np.random.default_rng(0)
weights = [np.ones((2, 3)), np.zeros(3)]
small_net = nn.Network([nn.Dense(np.ones((1, 2)), np.zeros(2), "tanh"), nn.Dense(np.ones((2, 1)), np.zeros(1))])
wide_net = nn.Network([nn.Dense(np.ones((1, 3)), np.zeros(3), "tanh"), nn.Dense(np.ones((3, 1)), np.zeros(1))])
batch_run = descent.gradient_descent(line, [1.0, 2.0], 0.1, 3)
exercise = checks.Exercise("ex1", "start_here", print, ["nudge"])


def dense(**changes):
    arguments = {"weights": np.ones((2, 3)), "bias": np.zeros(3), "activation": "tanh"} | changes
    return nn.Dense(**arguments)


def forwarded():
    layer = dense()
    layer.forward(np.ones((4, 2)))
    return layer


def network():
    return nn.Network([dense(), nn.Dense(np.ones((3, 1)), np.zeros(1))])


def compiled_model(optimizer="sgd"):
    import keras

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def uncompiled_model():
    import keras

    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])


def model_with_a_schedule():
    import keras

    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    return compiled_model(keras.optimizers.SGD(learning_rate=schedule))


def keras_schedule():
    import keras

    return keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)


CASES = [
    bad(course.next_notebook, "99_extra", argument="stem"),
    # environment
    bad(environment.require_versions, ["tensorflow"], argument="versions"),
    bad(environment.require_versions, {"torch": "2.0"}, argument="versions", says="expected names among"),
    bad(environment.setup, seed="zero", argument="seed"),
    bad(environment.setup, seed=-1, argument="seed"),
    bad(environment.setup, seed=2**32, argument="seed", says=r"in \[0, 4294967295\]"),
    bad(environment.setup, seed=1.5, argument="seed"),
    bad(environment.setup, seed=True, argument="seed"),
    bad(environment.setup, tensorflow="yes", argument="tensorflow", says="True or False"),
    bad(environment.setup, language="fr", argument="language", says=r"one of \['en', 'zh'\]"),
    bad(i18n.set_language, "zh_TW", argument="language", says=r"one of \['en', 'zh'\]"),
    bad(i18n.set_language, None, argument="language"),
    bad(i18n._, None, argument="message"),
    # landscapes
    bad(landscapes.quadratic, argument="curvatures"),
    bad(landscapes.quadratic, -1.0, argument="curvatures", says="positive"),
    bad(landscapes.quadratic, "steep", argument="curvatures"),
    bad(landscapes.quadratic, NAN, argument="curvatures", says="finite"),
    bad(landscapes.quadratic, 1.0, 2.0, 3.0, argument="curvatures", says=r"one .* or two"),
    bad(landscapes.quadratic, 1.0, bound=0, argument="bound"),
    bad(landscapes.rosenbrock, a="one", argument="a"),
    bad(landscapes.rosenbrock, b=-100.0, argument="b"),
    bad(landscapes.rosenbrock, a=INF, argument="a"),
    bad(landscapes.several_minima, (1.0, 2.0), argument="critical_points", says="odd number of distinct"),
    bad(landscapes.several_minima, (), argument="critical_points"),
    bad(landscapes.several_minima, scale=0, argument="scale"),
    bad(landscapes.several_minima, scale=-1.0, argument="scale"),
    bad(landscapes.several_minima, bound=-3.0, argument="bound"),
    bad(landscapes.mse_of_line, [1.0], [2.0], argument="x and y"),
    bad(landscapes.mse_of_line, [1.0, 2.0], [1.0], argument="x and y", says="same length"),
    bad(landscapes.mse_of_line, [1.0, 2.0], [1.0, NAN], argument="y"),
    bad(landscapes.mse_of_line, [1.0, 2.0], [1.0, 2.0], margin=-1, argument="margin"),
    bad(landscapes.Landscape.__call__, bowl, "here", argument="points"),
    bad(landscapes.Landscape.__call__, line, {"x": 1}, argument="points"),
    bad(landscapes.Landscape.__call__, bowl, np.ones(3), argument="points", says=r"must have shape \(\.\.\., 2\)"),
    bad(landscapes.Landscape.__call__, bowl, 1.0, argument="points", says=r"must have shape \(\.\.\., 2\)"),
    bad(landscapes.Landscape.gradient, bowl, [[1.0, 2.0, 3.0]], argument="points"),
    bad(landscapes.Landscape.grid, bowl, n=1, argument="n", says="whole number >= 2"),
    # descent
    bad(descent.gradient_descent, line, 1.0, -0.1, 10, argument="learning_rate", says=">= 0"),
    bad(descent.gradient_descent, line, 1.0, NAN, 10, argument="learning_rate", says="finite"),
    bad(descent.gradient_descent, line, 1.0, INF, 10, argument="learning_rate"),
    bad(descent.gradient_descent, line, 1.0, "0.1", 10, argument="learning_rate"),
    bad(descent.gradient_descent, line, 1.0, None, 10, argument="learning_rate"),
    bad(descent.gradient_descent, line, 1.0, True, 10, argument="learning_rate"),
    bad(descent.gradient_descent, line, 1.0, [], 10, argument="learning_rate", says="at least one number"),
    bad(descent.gradient_descent, line, 1.0, 0.1, 0, argument="steps", says="whole number >= 1"),
    bad(descent.gradient_descent, line, 1.0, 0.1, 2.5, argument="steps"),
    bad(descent.gradient_descent, "parabola", 1.0, 0.1, 10, argument="landscape", says="Landscape"),
    bad(descent.gradient_descent, lambda x: x**2, 1.0, 0.1, 10, argument="landscape"),
    bad(descent.gradient_descent, bowl, [1.0, 2.0, 3.0], 0.1, 10, argument="start"),
    bad(descent.gradient_descent, line, NAN, 0.1, 10, argument="start", says="finite"),
    bad(descent.gradient_descent, line, "origin", 0.1, 10, argument="start"),
    bad(descent.gradient_descent, line, 1.0, 0.1, 10, blowup=-1, argument="blowup"),
    bad(descent.gradient_descent, line, 1.0, 0.1, 10, blowup=0.5, argument="blowup", says="> 1"),
    bad(descent.descend, line, 1.0, 10, "sgd", argument="update"),
    bad(descent.descend, line, "one", 10, lambda p, g: p, argument="start"),
    bad(descent.descend, line, INF, 10, lambda p, g: p, argument="start"),
    bad(descent.descend, line, 1.0, -5, lambda p, g: p, argument="steps"),
    bad(descent.descend, "parabola", 1.0, 10, lambda p, g: p, argument="landscape"),
    bad(descent.descend, line, 1.0, 10, lambda p, g: p, blowup=0.5, argument="blowup"),
    bad(descent.sweep_learning_rates, bowl, [1.0, 1.0], 10, optimizers.SGD, [0.1, -0.1], argument="rates"),
    bad(descent.sweep_learning_rates, bowl, [1.0, 1.0], 10, optimizers.SGD, [[0.1]], argument="rates"),
    bad(descent.sweep_learning_rates, bowl, [1.0, 1.0], 10, "adam", [0.1], argument="make_optimizer"),
    bad(descent.sweep_learning_rates, bowl, [1.0, 1.0], 10, lambda rate: rate, [0.1], argument="make_optimizer"),
    bad(descent.sweep_learning_rates, bowl, [[1.0, 1.0]], 10, optimizers.SGD, [0.1], argument="start"),
    bad(descent.sweep_learning_rates, bowl, [1.0, 1.0], 0, optimizers.SGD, [0.1], argument="steps"),
    bad(descent.classify_run, [1.0, 0.5], argument="run"),
    # plotting
    bad(plotting.plot_losses, [1.0, 0.5], argument="runs", says="non-empty dict"),
    bad(plotting.plot_losses, {}, argument="runs"),
    bad(plotting.plot_losses, {"run": np.ones((3, 3))}, argument="runs", says="1-D"),
    bad(plotting.plot_losses, {"run": "falling"}, argument="runs"),
    bad(plotting.plot_losses, {"run": []}, argument="runs"),
    bad(plotting.plot_losses, {"run": batch_run}, argument="runs", says="one run"),
    bad(plotting.plot_losses, {"run": [1.0]}, ax="left", argument="ax"),
    bad(plotting.plot_landscape, "bowl", argument="landscape"),
    bad(plotting.plot_landscape, bowl, {"run": [1, 2]}, argument="runs", says="DescentRun"),
    bad(plotting.plot_landscape, bowl, [1, 2], argument="runs"),
    bad(plotting.plot_landscape, bowl, n=1, argument="n"),
    bad(plotting.plot_landscape, bowl, levels=0, argument="levels"),
    bad(plotting.plot_gradient_field, line, argument="landscape", says="2-D"),
    bad(plotting.plot_gradient_field, "bowl", argument="landscape"),
    bad(plotting.plot_gradient_field, bowl, n=1, argument="n"),
    bad(plotting.plot_lr_finder, Later(callbacks.LRFinder), argument="finder", says="has run"),
    bad(plotting.plot_lr_finder, "finder", argument="finder"),
    bad(plotting.plot_lr_finder, Later(callbacks.LRFinder), candidates="yes", argument="candidates"),
    bad(plotting.plot_lr_finder, Later(callbacks.LRFinder), log="yes", argument="log"),
    # data
    bad(data.batches, "pixels", [1, 2], argument="x"),
    bad(data.batches, [[1.0], [2.0]], ["a", "b"], argument="y"),
    bad(data.batches, np.zeros((0, 2)), np.zeros(0), argument="x"),
    bad(data.batches, 3.0, [1.0], argument="x", says="array of samples"),
    bad(data.batches, [[1.0], [NAN]], [1, 2], argument="x"),
    bad(data.batches, [[1.0], [2.0]], [1.0, INF], argument="y"),
    bad(data.batches, np.zeros((4, 2)), np.zeros(3), argument="x and y"),
    bad(data.batches, np.zeros((4, 2)), np.zeros(4), batch_size=0, argument="batch_size"),
    bad(data.batches, np.zeros((4, 2)), np.zeros(4), batch_size=2.5, argument="batch_size"),
    bad(data.batches, np.zeros((4, 2)), np.zeros(4), shuffle="yes", argument="shuffle"),
    bad(data.batches, np.zeros((4, 2)), np.zeros(4), seed=-1, argument="seed"),
    # callbacks
    bad(callbacks.LRFinder, min_lr=0, argument="min_lr", says="> 0"),
    bad(callbacks.LRFinder, min_lr="small", argument="min_lr"),
    bad(callbacks.LRFinder, min_lr=1.0, max_lr=0.1, argument="max_lr", says="larger than min_lr"),
    bad(callbacks.LRFinder, max_lr=INF, argument="max_lr"),
    bad(callbacks.LRFinder, steps=2, argument="steps", says="whole number >= 5"),
    bad(callbacks.LRFinder, stop_factor=-1, argument="stop_factor"),
    bad(callbacks.LRFinder, beta=1.0, argument="beta", says=r"in \[0, 1\)"),
    bad(callbacks.LRFinder, beta="0.9", argument="beta"),
    bad(callbacks.lr_range_test, "model", np.ones((8, 2)), np.ones(8), argument="model"),
    bad(callbacks.lr_range_test, Later(uncompiled_model), np.ones((8, 2)), np.ones(8), argument="model",
        says="compiled"),
    bad(callbacks.lr_range_test, Later(model_with_a_schedule), np.ones((8, 2)), np.ones(8), batch_size=4,
        argument="model", says="not a schedule"),
    bad(callbacks.lr_range_test, Later(compiled_model), np.ones((8, 2)), np.ones(8), batch_size=0,
        argument="batch_size"),
    bad(callbacks.lr_range_test, Later(compiled_model), np.ones((8, 2)), np.ones(8), batch_size=16,
        argument="batch_size", says="one full batch"),
    bad(callbacks.lr_range_test, Later(compiled_model), np.ones((8, 2)), np.ones(7), argument="x and y"),
    # basins
    bad(basins.nearest_minimum, "bowl", [0.0, 0.0], argument="landscape"),
    bad(basins.nearest_minimum, bowl, [0.0, 0.0], tolerance=-1, argument="tolerance"),
    bad(basins.nearest_minimum, bowl, [0.0, 0.0, 0.0], argument="points"),
    bad(basins.basins, "f", [0.0], 0.1, 10, argument="landscape"),
    bad(basins.basins, line, [0.5], -0.1, 10, argument="learning_rate"),
    bad(basins.basins, line, [0.5], 0.1, 0, argument="steps"),
    bad(basins.basins, line, [], 0.1, 10, argument="starts"),
    bad(basins.basin_map, line, 0.1, 10, n=1, argument="n"),
    bad(basins.basin_map, line, NAN, 10, argument="learning_rate"),
    bad(basins.basin_map, "line", 0.1, 10, argument="landscape"),
    bad(basins.random_starts, line, 5, 0, argument="rng", says="Generator"),
    bad(basins.random_starts, line, -5, rng, argument="shape"),
    bad(basins.random_starts, line, 2.5, rng, argument="shape"),
    bad(basins.restart_success_rate, line, 0, 10, 0.1, 10, rng, argument="restarts", says="whole number >= 1"),
    bad(basins.restart_success_rate, line, 2, 1.5, 0.1, 10, rng, argument="trials"),
    bad(basins.restart_success_rate, line, 2, 10, -0.1, 10, rng, argument="learning_rate"),
    bad(basins.restart_success_rate, line, 2, 10, 0.1, 10, 42, argument="rng"),
    bad(basins.predicted_success_rate, 1.5, [1, 2], argument="share", says=r"in \[0, 1\]"),
    bad(basins.predicted_success_rate, "half", [1, 2], argument="share"),
    bad(basins.predicted_success_rate, 0.5, [0, 2], argument="restarts", error=ValueError),
    bad(basins.predicted_success_rate, 0.5, "x", argument="restarts", error=TypeError),
    bad(basins.predicted_success_rate, 0.5, [1.0, 2.0], argument="restarts", says="whole number", error=TypeError),
    bad(basins.plot_basins, "bowl", np.zeros(3), np.zeros(3), argument="landscape"),
    bad(basins.plot_basins, line, argument="grid_and_labels"),
    bad(basins.hessian, "gradients", [np.zeros((1, 1))], argument="gradients", says="function"),
    bad(basins.hessian, lambda: [np.zeros(2)], [np.zeros((1, 1))], argument="gradients", says="shape of parameter 0"),
    bad(basins.hessian, lambda: np.zeros(1), [np.zeros((1, 1))], argument="gradients", says="list of 1 arrays"),
    bad(basins.hessian, lambda: [np.zeros((1, 1))], [], argument="parameters"),
    bad(basins.hessian, lambda: [np.zeros((1, 1))], [np.zeros((1, 1))], h=2.0, argument="h"),
    bad(basins.curvature_kind, [], argument="eigenvalues"),
    bad(basins.curvature_kind, [1.0, NAN], argument="eigenvalues"),
    bad(basins.curvature_kind, ["a", None], argument="eigenvalues"),
    bad(basins.curvature_kind, [[1.0, 2.0]], argument="eigenvalues", says="1-D"),
    bad(basins.curvature_kind, [1.0], tolerance=-1, argument="tolerance"),
    bad(basins.train_networks, [], np.zeros((2, 1)), np.zeros(2), 0.1, 1, argument="networks"),
    bad(basins.train_networks, ["net"], np.zeros((2, 1)), np.zeros(2), 0.1, 1, argument="networks"),
    bad(basins.train_networks, [small_net], np.zeros((2, 1)), np.zeros(3), 0.1, 1, argument="targets"),
    bad(basins.train_networks, [small_net], np.zeros((2, 2)), np.zeros(2), 0.1, 1, argument="x"),
    bad(basins.train_networks, [small_net], np.zeros((2, 1)), np.zeros(2), -0.1, 1, argument="learning_rate"),
    bad(basins.train_networks, [small_net], np.zeros((2, 1)), np.zeros(2), 0.1, 0, argument="steps"),
    bad(basins.train_networks, [small_net, wide_net], np.zeros((2, 1)), np.zeros(2), 0.1, 1, argument="networks",
        says="same layer sizes"),
    # nn
    bad(nn.Dense, np.ones((2, 3)), np.zeros(3), "swishy", argument="activation", says="one of"),
    bad(nn.Dense, "ones", np.zeros(3), argument="weights"),
    bad(nn.Dense, np.ones(3), np.zeros(3), argument="weights", says="2-D"),
    bad(nn.Dense, np.full((2, 3), NAN), np.zeros(3), argument="weights", says="finite"),
    bad(nn.Dense, np.ones((0, 3)), np.zeros(3), argument="weights"),
    bad(nn.Dense, np.ones((2, 3)), np.zeros(4), argument="bias", says="3 values"),
    bad(nn.Dense.forward, dense(), np.ones((4, 5)), argument="x", says="2 columns"),
    bad(nn.Dense.forward, dense(), np.full((4, 2), INF), argument="x"),
    bad(nn.Dense.forward, dense(), "data", argument="x"),
    bad(nn.Dense.backward, Later(forwarded), np.ones((4, 2)), argument="grad_output", says=r"\(4, 3\); got \(4, 2\)"),
    bad(nn.mse, np.ones((4, 1)), np.ones(5), argument="targets", says="one value per prediction"),
    bad(nn.mse, np.full((4, 1), NAN), np.ones(4), argument="predictions"),
    bad(nn.softmax_cross_entropy, np.ones((2, 3)), np.array([0.5, 1.0]), argument="labels", says="whole numbers"),
    bad(nn.softmax_cross_entropy, np.ones((2, 3)), np.array([0, 3]), argument="labels", says=r"lie in 0 \.\. 2"),
    bad(nn.softmax_cross_entropy, "logits", np.array([0, 1]), argument="logits"),
    bad(nn.Network, [], argument="layers"),
    bad(nn.Network, [dense(), dense()], argument="layers", says="3 outputs cannot feed one with 2 inputs"),
    bad(nn.Network.random, (2,), rng=rng, argument="sizes"),
    bad(nn.Network.random, (2, 0, 1), rng=rng, argument="sizes"),
    bad(nn.Network.random, (2, 3, 1), activation="gelu9", rng=rng, argument="activation"),
    bad(nn.Network.loss, network(), np.ones((4, 2)), np.ones((4, 1)), loss="hinge", argument="loss"),
    bad(nn.Network.gradients, network(), np.ones((4, 3)), np.ones((4, 1)), argument="x"),
    bad(nn.Network.gradients, network(), np.ones((4, 2)), np.ones((4, 1)), loss="mae", argument="loss"),
    # autodiff
    bad(autodiff.Value, "two", argument="data", error=TypeError),
    bad(autodiff.Value, NAN, argument="data", says="finite", error=ValueError),
    bad(autodiff.Value, True, argument="data", error=TypeError),
    bad(autodiff.Value.__pow__, autodiff.Value(2.0), autodiff.Value(3.0), argument="exponent"),
    bad(autodiff.Value.__add__, autodiff.Value(2.0), "three", argument="other"),
    bad(autodiff.draw_graph, 3.0, argument="output"),
    bad(autodiff.draw_graph, autodiff.Value(1.0) * 2, parameters=[1.0], argument="parameters"),
    bad(autodiff.draw_graph, autodiff.Value(1.0) * 2, parameters=[autodiff.Value(3.0)], argument="parameters",
        says="input Values"),
    bad(autodiff.draw_graph, autodiff.Value(1.0) * 2, local_derivatives=1, argument="local_derivatives",
        error=TypeError),
    # gradcheck
    bad(gradcheck.numerical_gradients, 3.0, weights, argument="loss"),
    bad(gradcheck.numerical_gradients, lambda: 0.0, [], argument="parameters"),
    bad(gradcheck.numerical_gradients, lambda: 0.0, [np.ones(2, dtype="float32")], argument="parameters",
        says="float64"),
    bad(gradcheck.numerical_gradients, lambda: 0.0, weights, h=0.0, argument="h"),
    bad(gradcheck.gradient_check, lambda: 0.0, weights, [np.ones(2)], argument="gradients"),
    bad(gradcheck.gradient_check, lambda: 0.0, weights, [np.ones((3, 2)), np.ones(3)], argument="gradients",
        says="shape of parameters"),
    bad(gradcheck.gradient_check, "loss", weights, weights, argument="loss"),
    bad(gradcheck.gradient_check, lambda: 0.0, weights, weights, h=2, argument="h"),
    bad(gradcheck.relative_error, np.ones(2), np.ones(3), argument="a and b"),
    bad(gradcheck.relative_error, "a", np.ones(3), argument="a"),
    bad(gradcheck.gradient_costs, [0, 2], argument="widths"),
    bad(gradcheck.gradient_costs, [], argument="widths"),
    bad(gradcheck.gradient_costs, [2], inputs=0, argument="inputs"),
    bad(gradcheck.gradient_costs, [2], samples=-1, argument="samples"),
    bad(gradcheck.gradient_costs, [2], repeats=0, argument="repeats"),
    bad(gradcheck.gradient_costs, [2], finite_differences_up_to=-1, argument="finite_differences_up_to"),
    bad(gradcheck.gradient_costs, [2], finite_difference_repeats=0, argument="finite_difference_repeats"),
    bad(gradcheck.relative_error_verdict, -1e-3, argument="error"),
    bad(gradcheck.relative_error_verdict, "small", argument="error"),
    bad(gradcheck.relative_error_verdict, NAN, argument="error"),
    # optimizers
    bad(optimizers.SGD, learning_rate=-0.01, argument="learning_rate", says=">= 0, got -0.01"),
    bad(optimizers.SGD, learning_rate="0.01", argument="learning_rate", says="got str"),
    bad(optimizers.SGD, learning_rate=NAN, argument="learning_rate", says="finite"),
    bad(optimizers.SGD, learning_rate=lambda step: 0.1, argument="learning_rate",
        says="takes no schedule; for one, use keras.optimizers.SGD"),
    bad(optimizers.Adam, learning_rate=Later(keras_schedule), argument="learning_rate",
        says="got InverseTimeDecay: this from-scratch Adam .* use keras.optimizers.Adam"),
    bad(optimizers.SGD, momentum=1.5, argument="momentum", says=r"in \[0, 1\], got 1.5"),
    bad(optimizers.SGD, momentum=-0.1, argument="momentum"),
    bad(optimizers.SGD, nesterov="yes", argument="nesterov", says="True or False"),
    bad(optimizers.SGD, decay=-1e-3, argument="decay"),
    bad(optimizers.RMSprop, rho=1.0, argument="rho", says=r"in \[0, 1\), got 1.0"),
    bad(optimizers.RMSprop, epsilon=-1e-7, argument="epsilon"),
    bad(optimizers.RMSprop, momentum=2.0, argument="momentum"),
    bad(optimizers.RMSprop, centered=1, argument="centered"),
    bad(optimizers.Adam, beta_1=1.0, argument="beta_1"),
    bad(optimizers.Adam, beta_2=-0.1, argument="beta_2"),
    bad(optimizers.Adam, epsilon=INF, argument="epsilon"),
    bad(optimizers.Adam, amsgrad=None, argument="amsgrad"),
    bad(optimizers.Optimizer.step, optimizers.Adam(), np.ones(3), np.ones(4), argument="grads[0]",
        says=r"shape of params\[0\], \(3,\); got \(4,\)"),
    bad(optimizers.Optimizer.step, optimizers.Adam(), np.ones(3), ["a", "b", "c"], argument="grads[0]"),
    bad(optimizers.Optimizer.step, optimizers.Adam(), np.ones(2), "0.5", argument="grads[0]", error=TypeError),
    bad(optimizers.Optimizer.step, optimizers.Adam(), "weights", np.ones(2), argument="params[0]", error=TypeError),
    bad(optimizers.Optimizer.step, optimizers.Adam(), [np.ones(3)], [np.ones(3)] * 2, argument="grads",
        says="list of 1 arrays"),
    bad(optimizers.Optimizer.step, optimizers.Adam(), [np.ones(2)], np.ones(2), argument="grads"),
    bad(optimizers.Optimizer.step, optimizers.SGD(), np.arange(3), np.ones(3), argument="params[0]",
        says="float32 or float64 array, got dtype int64"),
    bad(optimizers.keras_cast, 0.1, "int32", argument="dtype"),
    # widgets
    bad(widgets.PathFigure, "bowl", [1.0, 1.0], 10, argument="landscape"),
    bad(widgets.LearningRateExplorer, line, 1.0, 0, argument="steps"),
    bad(widgets.OptimizerExplorer, bowl, [1.0, 2.0, 3.0], 10, argument="start"),
    bad(widgets.OptimizerExplorer, line, NAN, 10, argument="start"),
    bad(widgets.LearningRateExplorer.render, Later(lambda: widgets.LearningRateExplorer(line, 2.5, 5)), -0.1,
        argument="learning_rate", says=">= 0"),
    bad(widgets.OptimizerExplorer.render, Later(lambda: widgets.OptimizerExplorer(bowl, [1.0, 2.0], 10)), "adam",
        argument="optimizer", says="course_utils.optimizers"),
    bad(widgets.learning_rate_explorer, rates=(1.0, 0.1), argument="rates", says="0 < lowest < highest"),
    bad(widgets.learning_rate_explorer, rates=(0.1,), argument="rates"),
    bad(widgets.learning_rate_explorer, rates=(-1.0, 1.0), argument="rates", says=">= 0"),
    bad(widgets.learning_rate_explorer, value=5.0, argument="value", says="within rates"),
    bad(widgets.learning_rate_explorer, landscape="bowl", argument="landscape"),
    bad(widgets.make_optimizer, "adagrad", 0.1, argument="name", says="one of"),
    bad(widgets.make_optimizer, "Adam", -0.1, argument="learning_rate"),
    bad(widgets.make_optimizer, "momentum", 0.1, momentum=2.0, argument="momentum"),
    bad(widgets.optimizer_playground, steps=0, argument="steps"),
    bad(widgets.optimizer_playground, landscape="rosenbrock", argument="landscape"),
    # checks: the arguments an author passes (a learner's wrong answer gets Feedback instead, see test_checks)
    bad(checks.compare_numbers, 1.0, 1.0, rtol=-1, argument="rtol"),
    bad(checks.compare_numbers, 1.0, 1.0, atol=NAN, argument="atol"),
    bad(checks.compare_numbers, 1.0, 1.0, name=3, argument="name"),
    bad(checks.compare_numbers, 1.0, "one", argument="expected"),
    bad(checks.Exercise, "ex 1", "gradients", print, ["nudge"], argument="label"),
    bad(checks.Exercise, "ex1", "", print, ["nudge"], argument="module"),
    bad(checks.Exercise, "ex1", "gradients", "check", ["nudge"], argument="checker"),
    bad(checks.Exercise, "ex1", "gradients", print, "nudge", argument="hints"),
    bad(checks.Exercise, "ex1", "gradients", print, [], argument="hints"),
    bad(checks.Exercise.hint, exercise, 3, argument="level", says="from 1 to 1"),
    bad(checks.stored_solution, "no_such_notebook", "ex1", argument="module"),
    bad(checks.stored_solution, "start_here", "ex9", argument="label"),
    # exercises
    bad(learning_rate.make_model, -1, argument="seed"),
    bad(learning_rate.make_model, "0", argument="seed"),
    bad(optimizers_in_keras.measure, batch_size=0, argument="batch_size"),
    # digits
    bad(digits.load, validation=1.5, argument="validation", says=r"in \(0, 1\)"),
    bad(digits.load, seed="zero", argument="seed"),
    bad(digits.build_model, seed=None, argument="seed"),
    bad(digits.train, "adam", epochs=0, argument="epochs", says="whole number >= 1"),
    bad(digits.train, "adam", epochs=1, batch_size=0, argument="batch_size"),
    bad(digits.train, 3.0, epochs=1, argument="optimizer"),
    bad(digits.Trainer, "adam", argument="optimizer"),
    bad(digits.sweep, "a trainer", [0.1], argument="trainer"),
    bad(digits.sweep, "a trainer", [0.1], stop_at_failure="yes", argument="stop_at_failure"),
    bad(digits.sweep, "a trainer", [0.1], broken=2, argument="broken"),
    bad(digits.epochs_to, [0.9], target=2, argument="target"),
    bad(digits.epochs_to, "0.9", argument="accuracies"),
    bad(digits.summarise, [], argument="runs"),
    bad(digits.summarise, {0.1: [{"val_accuracy": [0.9], "loss": [1.0]}]}, key="acc", argument="key", says="one of"),
    bad(digits.best, "results", argument="results"),
    bad(digits.plot_rates, {}, argument="results"),
    bad(digits.plot_curves, {"SGD": "not histories"}, argument="runs"),
]

#: Public names without a row, and why.
EXEMPT = {
    "course.PlannedNotebook": "a record of the course plan, written in the source",
    "course.course_map": "takes no arguments",
    "environment.CourseEnvironmentError": "an exception class",
    "environment.installed_version": "setup calls it with distribution names written in its source",
    "environment.environment_summary": "setup calls it with the seed it has checked; no notebook calls it",
    "plotting.apply_style": "takes no arguments",
    "callbacks.BatchLossHistory": "takes no arguments",
    "landscapes.himmelblau": "takes no arguments (the points its landscape is given: rows of landscapes.Landscape)",
    "landscapes.six_hump_camel": "takes no arguments (the points its landscape is given: rows of landscapes.Landscape)",
    "landscapes.Minimum": "a record built only by the landscapes themselves",
    "descent.DescentRun": "a record built only by descend, gradient_descent and sweep_learning_rates",
    "gradcheck.GradientCheck": "a record built only by gradient_check",
    "digits.Result": "a record built only by digits.summarise",
    "checks.Help": "a record built only by Exercise.hint and Exercise.solution",
    "checks.Feedback": "a record built only by the checks (passed, wrong, not_yet and the exercises modules)",
    "checks.Reply": "an exception the checks raise with a Feedback they built",
    "checks.still_returns_dots": "builds a verdict from the name of the learner's function; any text will do",
    "plotting.NoChineseFont": "a warning category, raised only by the style",
    "checks.passed": "builds a verdict from a check's own text; any text will do",
    "checks.wrong": "builds a verdict from a check's own text; any text will do",
    "checks.not_yet": "builds a verdict from a check's own text; any text will do",
    "checks.is_not_yet": "reads a Feedback the checks built (any Feedback will do)",
    "i18n.N_": "marks a text for translation and returns it as it is: any text will do",
    "i18n.current_language": "takes no arguments",
    "i18n.listing": "joins the texts a check built; any texts will do",
    "checks.as_numbers": "turns any learner answer into numbers or a verdict (Reply): bad input is its job",
    "checks.call": "calls the learner's function; anything it gets becomes a verdict (Reply)",
    "checks.refusing": "a context manager for the checks' own code, given the methods it names in the source",
    "checks.solutions_enabled": "takes no arguments",
    "exercises.learning_rate.mystery_curves": "takes no arguments",
    "exercises.learning_rate.lowest_loss": "takes no arguments",
}


def learner_modules():
    """Every module of course_utils but the private ones (the maintainer's tools/ are not in the package)."""
    names = [module.name for module in pkgutil.walk_packages(course_utils.__path__, "course_utils.")]
    return [importlib.import_module(name) for name in names
            if not any(part.startswith("_") for part in name.split("."))]


def public_names():
    """``module.name`` (without ``course_utils.``) of every public function and class the modules define."""
    names = set()
    for module in learner_modules():
        for name in dir(module):
            value = getattr(module, name)
            if (not name.startswith("_") and isinstance(value, (types.FunctionType, type))
                    and value.__module__ == module.__name__):
                names.add(f"{module.__name__.removeprefix('course_utils.')}.{name}")
    return names


def called_name(func):
    """The public name a row's callable belongs to: a function, a class, or (for a method) its class."""
    function = getattr(func, "__func__", func)  # a bound method: the function behind it
    return f"{function.__module__.removeprefix('course_utils.')}.{function.__qualname__.split('.')[0]}"


def test_the_table_covers_every_public_function():
    public, covered = public_names(), {called_name(case.func) for case in CASES}
    missing = public - covered - set(EXEMPT)
    assert not missing, f"public functions without a bad-input row: {sorted(missing)}"
    assert not set(EXEMPT) - public, f"EXEMPT names that are not public functions: {sorted(set(EXEMPT) - public)}"
    assert not set(EXEMPT) & covered, f"EXEMPT names that have rows: {sorted(set(EXEMPT) & covered)}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: called_name(case.func))
def test_each_row_names_an_argument_of_the_function_it_calls(case):
    parameters = inspect.signature(case.func).parameters
    assert re.match(r"\w+", case.argument)[0] in parameters, f"{case.argument!r} is not an argument of {case.func}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: called_name(case.func))
def test_bad_input_gets_a_clear_error(case):
    args = [value.make() if isinstance(value, Later) else value for value in case.args]
    kwargs = {key: value.make() if isinstance(value, Later) else value for key, value in case.kwargs.items()}
    with pytest.raises(case.error) as caught:
        case.func(*args, **kwargs)
    message = str(caught.value)
    assert re.search(rf"(?<!\w){re.escape(case.argument)}(?!\w)", message), \
        f"the message should name {case.argument!r}: {message!r}"
    assert ALLOWED.search(message), f"the message should say what is allowed: {message!r}"
    assert re.search(case.says, message), f"the message should say {case.says!r}: {message!r}"


@pytest.mark.parametrize("message", [
    "could not convert string to float: 'here'",  # NumPy's own
    "'int' object is not iterable",  # Python's own
    "unsupported operand type(s) for -: 'str' and 'float'",
    "invalid value",
])
def test_the_wording_check_can_fail(message):
    assert not ALLOWED.search(message)
