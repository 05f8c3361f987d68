"""Bad input to any public function of course_utils gets a clear ValueError or TypeError, never a deep traceback.

One table: each row calls one public function with one bad argument (wrong type, wrong shape, NaN/inf, empty,
out of range, unknown name). The error must be a ValueError or TypeError whose message names the argument and
says what is allowed. A second test keeps the table complete: every public function or class of the package is
in it, or in EXEMPT with the reason.
"""

import importlib
import inspect
import pkgutil
import re
import types

import numpy as np
import pytest

from course_utils import (autodiff, basins, callbacks, checks, course, data, descent, digits, environment,
                          gradcheck, landscapes, nn, optimizers, plotting, widgets)

import course_utils.exercises  # noqa: E402

environment.setup(quiet=True)  # before the exercise modules create TensorFlow objects
EXERCISES = [importlib.import_module(f"course_utils.exercises.{module.name}")
             for module in pkgutil.iter_modules(course_utils.exercises.__path__)]
MODULES = [autodiff, basins, callbacks, checks, course, data, descent, digits, environment, gradcheck, landscapes,
           nn, optimizers, plotting, widgets, course_utils.exercises, *EXERCISES]

NAN, INF = float("nan"), float("inf")
# What a good message says about what is allowed.
ALLOWED = re.compile(r"must|expected|choose|needs|need |only|one of|should|allowed|>=|<=|between|in \[|in \(")

bowl = landscapes.quadratic(1.0, 4.0)
line = landscapes.quadratic(1.0)
rng = np.random.default_rng(0)
weights = [np.ones((2, 3)), np.zeros(3)]
small_net = nn.Network([nn.Dense(np.ones((1, 2)), np.zeros(2), "tanh"), nn.Dense(np.ones((2, 1)), np.zeros(1))])
wide_net = nn.Network([nn.Dense(np.ones((1, 3)), np.zeros(3), "tanh"), nn.Dense(np.ones((3, 1)), np.zeros(1))])


def dense(**changes):
    arguments = {"weights": np.ones((2, 3)), "bias": np.zeros(3), "activation": "tanh"} | changes
    return nn.Dense(**arguments)


def network():
    return nn.Network([dense(), nn.Dense(np.ones((3, 1)), np.zeros(1))])


def compiled_model():
    import keras

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


# (public function, the call with one bad argument, the argument's name as the message must give it)
CASES = [
    # environment
    ("environment.installed_version", lambda: environment.installed_version(3), "distribution"),
    ("environment.check_versions", lambda: environment.check_versions(["tensorflow"]), "versions"),
    ("environment.check_versions", lambda: environment.check_versions({"torch": "2.0"}), "versions"),
    ("environment.check_versions", lambda: environment.check_versions({}, python="3.11"), "python"),
    ("environment.environment_summary", lambda: environment.environment_summary(seed="zero"), "seed"),
    ("environment.setup", lambda: environment.setup(seed="zero"), "seed"),
    ("environment.setup", lambda: environment.setup(seed=-1), "seed"),
    ("environment.setup", lambda: environment.setup(seed=1.5), "seed"),
    # landscapes
    ("landscapes.quadratic", lambda: landscapes.quadratic(), "curvatures"),
    ("landscapes.quadratic", lambda: landscapes.quadratic(-1.0), "curvatures"),
    ("landscapes.quadratic", lambda: landscapes.quadratic("steep"), "curvatures"),
    ("landscapes.quadratic", lambda: landscapes.quadratic(NAN), "curvatures"),
    ("landscapes.quadratic", lambda: landscapes.quadratic(1, 2, 3), "curvature"),
    ("landscapes.quadratic", lambda: landscapes.quadratic(1.0, bound=0), "bound"),
    ("landscapes.rosenbrock", lambda: landscapes.rosenbrock(a="one"), "a"),
    ("landscapes.rosenbrock", lambda: landscapes.rosenbrock(b=-100.0), "b"),
    ("landscapes.rosenbrock", lambda: landscapes.rosenbrock(a=INF), "a"),
    ("landscapes.several_minima", lambda: landscapes.several_minima((1.0, 2.0)), "critical_points"),
    ("landscapes.several_minima", lambda: landscapes.several_minima(()), "critical_points"),
    ("landscapes.several_minima", lambda: landscapes.several_minima(scale=0), "scale"),
    ("landscapes.several_minima", lambda: landscapes.several_minima(bound=-3.0), "bound"),
    ("landscapes.mse_of_line", lambda: landscapes.mse_of_line([1.0], [2.0]), "x and y"),
    ("landscapes.mse_of_line", lambda: landscapes.mse_of_line([1.0, 2.0], [1.0, NAN]), "y"),
    ("landscapes.mse_of_line", lambda: landscapes.mse_of_line([1.0, 2.0], [1.0, 2.0], margin=-1), "margin"),
    ("landscapes.Landscape", lambda: bowl("here"), "points"),
    ("landscapes.Landscape", lambda: bowl(np.ones(3)), "points"),
    ("landscapes.Landscape", lambda: bowl.gradient([[1.0, 2.0, 3.0]]), "points"),
    ("landscapes.Landscape", lambda: bowl.grid(n=1), "n"),
    ("landscapes.beale", lambda: landscapes.beale()([NAN, "x"]), "points"),
    ("landscapes.himmelblau", lambda: landscapes.himmelblau()(None), "points"),
    ("landscapes.six_hump_camel", lambda: landscapes.six_hump_camel().gradient({}), "points"),
    # descent
    ("descent.check_learning_rate", lambda: descent.check_learning_rate(-0.1), "learning_rate"),
    ("descent.check_learning_rate", lambda: descent.check_learning_rate(NAN), "learning_rate"),
    ("descent.check_learning_rate", lambda: descent.check_learning_rate(INF), "learning_rate"),
    ("descent.check_learning_rate", lambda: descent.check_learning_rate("0.1"), "learning_rate"),
    ("descent.check_learning_rate", lambda: descent.check_learning_rate(None), "learning_rate"),
    ("descent.check_learning_rate", lambda: descent.check_learning_rate([]), "learning_rate"),
    ("descent.gradient_descent", lambda: descent.gradient_descent(line, 1.0, -0.1, 10), "learning_rate"),
    ("descent.gradient_descent", lambda: descent.gradient_descent(line, 1.0, 0.1, 0), "steps"),
    ("descent.gradient_descent", lambda: descent.gradient_descent(line, 1.0, 0.1, 2.5), "steps"),
    ("descent.gradient_descent", lambda: descent.gradient_descent("parabola", 1.0, 0.1, 10), "landscape"),
    ("descent.gradient_descent", lambda: descent.gradient_descent(bowl, [1.0, 2.0, 3.0], 0.1, 10), "start"),
    ("descent.gradient_descent", lambda: descent.gradient_descent(line, NAN, 0.1, 10), "start"),
    ("descent.gradient_descent", lambda: descent.gradient_descent(line, 1.0, 0.1, 10, blowup=-1), "blowup"),
    ("descent.descend", lambda: descent.descend(line, 1.0, 10, "sgd"), "update"),
    ("descent.descend", lambda: descent.descend(line, "one", 10, lambda p, g: p), "start"),
    ("descent.descend", lambda: descent.descend(line, 1.0, -5, lambda p, g: p), "steps"),
    ("descent.sweep_learning_rates",
     lambda: descent.sweep_learning_rates(bowl, [1.0, 1.0], 10, optimizers.SGD, [0.1, -0.1]), "rates"),
    ("descent.sweep_learning_rates",
     lambda: descent.sweep_learning_rates(bowl, [1.0, 1.0], 10, optimizers.SGD, [[0.1]]), "rates"),
    ("descent.sweep_learning_rates",
     lambda: descent.sweep_learning_rates(bowl, [1.0, 1.0], 10, "adam", [0.1]), "make_optimizer"),
    ("descent.sweep_learning_rates",
     lambda: descent.sweep_learning_rates(bowl, [1.0, 1.0], 10, lambda rate: rate, [0.1]), "make_optimizer"),
    ("descent.sweep_learning_rates",
     lambda: descent.sweep_learning_rates(bowl, [[1.0, 1.0]], 10, optimizers.SGD, [0.1]), "start"),
    ("descent.sweep_learning_rates",
     lambda: descent.sweep_learning_rates(bowl, [1.0, 1.0], 0, optimizers.SGD, [0.1]), "steps"),
    ("descent.classify_run", lambda: descent.classify_run([1.0, 0.5]), "run"),
    ("descent.DescentRun", lambda: descent.DescentRun("line", np.zeros((2, 1)), np.zeros(2), np.array(-1)),
     "landscape"),
    # plotting
    ("plotting.plot_losses", lambda: plotting.plot_losses([1.0, 0.5]), "runs"),
    ("plotting.plot_losses", lambda: plotting.plot_losses({}), "runs"),
    ("plotting.plot_losses", lambda: plotting.plot_losses({"run": np.ones((3, 3))}), "loss curve"),
    ("plotting.plot_losses", lambda: plotting.plot_losses({"run": "falling"}), "run"),
    ("plotting.plot_losses", lambda: plotting.plot_losses({"run": []}), "run"),
    ("plotting.plot_losses", lambda: plotting.plot_losses({"run": [1.0]}, ax="left"), "ax"),
    ("plotting.plot_landscape", lambda: plotting.plot_landscape("bowl"), "landscape"),
    ("plotting.plot_landscape", lambda: plotting.plot_landscape(bowl, {"run": [1, 2]}), "runs"),
    ("plotting.plot_landscape", lambda: plotting.plot_landscape(bowl, n=1), "n"),
    ("plotting.plot_landscape", lambda: plotting.plot_landscape(bowl, levels=0), "levels"),
    ("plotting.plot_gradient_field", lambda: plotting.plot_gradient_field(line), "landscape"),
    ("plotting.plot_gradient_field", lambda: plotting.plot_gradient_field(bowl, n=1), "n"),
    ("plotting.plot_lr_finder", lambda: plotting.plot_lr_finder(callbacks.LRFinder()), "finder"),
    ("plotting.plot_lr_finder", lambda: plotting.plot_lr_finder(callbacks.LRFinder(), candidates="yes"), "candidates"),
    ("plotting.plot_lr_finder", lambda: plotting.plot_lr_finder(callbacks.LRFinder(), log="yes"), "log"),
    ("plotting.plot_lr_finder", lambda: plotting.plot_lr_finder("finder"), "finder"),
    # data
    ("data.batches", lambda: data.batches("pixels", [1, 2]), "x"),
    ("data.batches", lambda: data.batches([[1.0], [2.0]], ["a", "b"]), "y"),
    ("data.batches", lambda: data.batches(np.zeros((0, 2)), np.zeros(0)), "x"),
    ("data.batches", lambda: data.batches([[1.0], [NAN]], [1, 2]), "x"),
    ("data.batches", lambda: data.batches([[1.0], [2.0]], [1.0, INF]), "y"),
    ("data.batches", lambda: data.batches(np.zeros((4, 2)), np.zeros(3)), "x and y"),
    ("data.batches", lambda: data.batches(np.zeros((4, 2)), np.zeros(4), batch_size=0), "batch_size"),
    ("data.batches", lambda: data.batches(np.zeros((4, 2)), np.zeros(4), batch_size=2.5), "batch_size"),
    ("data.batches", lambda: data.batches(np.zeros((4, 2)), np.zeros(4), shuffle="yes"), "shuffle"),
    ("data.batches", lambda: data.batches(np.zeros((4, 2)), np.zeros(4), seed=-1), "seed"),
    # callbacks
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(min_lr=0), "min_lr"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(min_lr="small"), "min_lr"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(min_lr=1.0, max_lr=0.1), "max_lr"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(max_lr=INF), "max_lr"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(steps=2), "steps"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(stop_factor=-1), "stop_factor"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(beta=1.0), "beta"),
    ("callbacks.LRFinder", lambda: callbacks.LRFinder(beta="0.9"), "beta"),
    ("callbacks.lr_range_test", lambda: callbacks.lr_range_test("model", np.ones((8, 2)), np.ones(8)), "model"),
    ("callbacks.lr_range_test",
     lambda: callbacks.lr_range_test(compiled_model(), np.ones((8, 2)), np.ones(8), batch_size=0), "batch_size"),
    ("callbacks.lr_range_test",
     lambda: callbacks.lr_range_test(compiled_model(), np.ones((8, 2)), np.ones(8), batch_size=16), "batch_size"),
    ("callbacks.lr_range_test",
     lambda: callbacks.lr_range_test(compiled_model(), np.ones((8, 2)), np.ones(7)), "x and y"),
    # basins
    ("basins.nearest_minimum", lambda: basins.nearest_minimum("bowl", [0.0, 0.0]), "landscape"),
    ("basins.nearest_minimum", lambda: basins.nearest_minimum(bowl, [0.0, 0.0], tolerance=-1), "tolerance"),
    ("basins.nearest_minimum", lambda: basins.nearest_minimum(bowl, [0.0, 0.0, 0.0]), "points"),
    ("basins.basins", lambda: basins.basins(line, [0.5], -0.1, 10), "learning_rate"),
    ("basins.basins", lambda: basins.basins(line, [0.5], 0.1, 0), "steps"),
    ("basins.basins", lambda: basins.basins(line, [], 0.1, 10), "starts"),
    ("basins.basin_map", lambda: basins.basin_map(line, 0.1, 10, n=1), "n"),
    ("basins.basin_map", lambda: basins.basin_map(line, NAN, 10), "learning_rate"),
    ("basins.random_starts", lambda: basins.random_starts(line, 5, 0), "rng"),
    ("basins.random_starts", lambda: basins.random_starts(line, -5, rng), "shape"),
    ("basins.restart_success_rate", lambda: basins.restart_success_rate(line, 0, 10, 0.1, 10, rng), "restarts"),
    ("basins.restart_success_rate", lambda: basins.restart_success_rate(line, 2, 1.5, 0.1, 10, rng), "trials"),
    ("basins.predicted_success_rate", lambda: basins.predicted_success_rate(1.5, [1, 2]), "share"),
    ("basins.predicted_success_rate", lambda: basins.predicted_success_rate("half", [1, 2]), "share"),
    ("basins.predicted_success_rate", lambda: basins.predicted_success_rate(0.5, [0, 2]), "restarts"),
    ("basins.plot_basins", lambda: basins.plot_basins("bowl", np.zeros(3), np.zeros(3)), "landscape"),
    ("basins.plot_basins", lambda: basins.plot_basins(line), "grid_and_labels"),
    ("basins.hessian", lambda: basins.hessian("gradients", [np.zeros((1, 1))]), "gradients must be a function"),
    ("basins.hessian", lambda: basins.hessian(lambda: [np.zeros(2)], [np.zeros((1, 1))]), "shape of parameter 0"),
    ("basins.hessian", lambda: basins.hessian(lambda: np.zeros(1), [np.zeros((1, 1))]), "list of 1 arrays"),
    ("basins.hessian", lambda: basins.hessian(lambda: [np.zeros((1, 1))], [np.zeros((1, 1))], h=2.0), "h must be"),
    ("basins.curvature_kind", lambda: basins.curvature_kind([]), "eigenvalues"),
    ("basins.curvature_kind", lambda: basins.curvature_kind([1.0, NAN]), "eigenvalues"),
    ("basins.curvature_kind", lambda: basins.curvature_kind(["a", None]), "eigenvalues"),
    ("basins.curvature_kind", lambda: basins.curvature_kind([1.0], tolerance=-1), "tolerance"),
    ("basins.train_networks", lambda: basins.train_networks([], np.zeros((2, 1)), np.zeros(2), 0.1, 1), "networks"),
    ("basins.train_networks", lambda: basins.train_networks(["net"], np.zeros((2, 1)), np.zeros(2), 0.1, 1), "networks"),
    ("basins.train_networks", lambda: basins.train_networks([small_net], np.zeros((2, 1)), np.zeros(3), 0.1, 1), "targets"),
    ("basins.train_networks", lambda: basins.train_networks([small_net], np.zeros((2, 1)), np.zeros(2), -0.1, 1), "learning_rate"),
    ("basins.train_networks", lambda: basins.train_networks([small_net], np.zeros((2, 1)), np.zeros(2), 0.1, 0), "steps"),
    ("basins.train_networks", lambda: basins.train_networks([small_net, wide_net], np.zeros((2, 1)), np.zeros(2), 0.1, 1),
     "same layer sizes"),
    # nn
    ("nn.Dense", lambda: dense(activation="swishy"), "activation"),
    ("nn.Dense", lambda: dense(weights="ones"), "weights"),
    ("nn.Dense", lambda: dense(weights=np.ones(3)), "weights"),
    ("nn.Dense", lambda: dense(weights=np.full((2, 3), NAN)), "weights"),
    ("nn.Dense", lambda: dense(bias=np.zeros(4)), "bias"),
    ("nn.Dense", lambda: dense(weights=np.ones((0, 3))), "weights"),
    ("nn.Dense", lambda: dense().forward(np.ones((4, 5))), "x"),
    ("nn.Dense", lambda: dense().forward(np.full((4, 2), INF)), "x"),
    ("nn.Dense", lambda: (lambda layer: (layer.forward(np.ones((4, 2))), layer.backward(np.ones((4, 2)))))(dense()),
     "grad_output"),
    ("nn.mse", lambda: nn.mse(np.ones((4, 1)), np.ones(5)), "targets"),
    ("nn.mse", lambda: nn.mse(np.full((4, 1), NAN), np.ones(4)), "predictions"),
    ("nn.softmax_cross_entropy", lambda: nn.softmax_cross_entropy(np.ones((2, 3)), np.array([0.5, 1.0])), "labels"),
    ("nn.softmax_cross_entropy", lambda: nn.softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3])), "labels"),
    ("nn.softmax_cross_entropy", lambda: nn.softmax_cross_entropy("logits", np.array([0, 1])), "logits"),
    ("nn.Network", lambda: nn.Network([]), "layers"),
    ("nn.Network", lambda: nn.Network([dense(), dense()]), "layer"),
    ("nn.Network", lambda: nn.Network.random((2,), rng=rng), "sizes"),
    ("nn.Network", lambda: nn.Network.random((2, 0, 1), rng=rng), "sizes"),
    ("nn.Network", lambda: nn.Network.random((2, 3, 1), activation="gelu9", rng=rng), "activation"),
    ("nn.Network", lambda: network().loss(np.ones((4, 2)), np.ones((4, 1)), loss="hinge"), "loss"),
    ("nn.Network", lambda: network().gradients(np.ones((4, 3)), np.ones((4, 1))), "x"),
    # autodiff
    ("autodiff.Value", lambda: autodiff.Value("two"), "data"),
    ("autodiff.Value", lambda: autodiff.Value(NAN), "data"),
    ("autodiff.Value", lambda: autodiff.Value(2.0) ** autodiff.Value(3.0), "exponent"),
    ("autodiff.Value", lambda: autodiff.Value(2.0) + "three", "other"),
    ("autodiff.draw_graph", lambda: autodiff.draw_graph(3.0), "output"),
    ("autodiff.draw_graph", lambda: autodiff.draw_graph(autodiff.Value(1.0) * 2, parameters=[1.0]), "parameters"),
    ("autodiff.draw_graph", lambda: autodiff.draw_graph(autodiff.Value(1.0) * 2, local_derivatives=1),
     "local_derivatives"),
    # gradcheck
    ("gradcheck.numerical_gradients", lambda: gradcheck.numerical_gradients(3.0, weights), "loss"),
    ("gradcheck.numerical_gradients", lambda: gradcheck.numerical_gradients(lambda: 0.0, []), "parameters"),
    ("gradcheck.numerical_gradients",
     lambda: gradcheck.numerical_gradients(lambda: 0.0, [np.ones(2, dtype="float32")]), "parameter"),
    ("gradcheck.numerical_gradients", lambda: gradcheck.numerical_gradients(lambda: 0.0, weights, h=0.0), "h"),
    ("gradcheck.gradient_check", lambda: gradcheck.gradient_check(lambda: 0.0, weights, [np.ones(2)]), "gradients"),
    ("gradcheck.gradient_check",
     lambda: gradcheck.gradient_check(lambda: 0.0, weights, [np.ones((3, 2)), np.ones(3)]), "gradient"),
    ("gradcheck.relative_error", lambda: gradcheck.relative_error(np.ones(2), np.ones(3)), "a and b"),
    ("gradcheck.relative_error", lambda: gradcheck.relative_error("a", np.ones(3)), "a"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([0, 2]), "widths"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([]), "widths"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([2], inputs=0), "inputs"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([2], samples=-1), "samples"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([2], repeats=0), "repeats"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([2], finite_differences_up_to=-1),
     "finite_differences_up_to"),
    ("gradcheck.gradient_costs", lambda: gradcheck.gradient_costs([2], finite_difference_repeats=0),
     "finite_difference_repeats"),
    ("gradcheck.gradient_check", lambda: gradcheck.gradient_check("loss", weights, weights), "loss"),
    ("gradcheck.relative_error_verdict", lambda: gradcheck.relative_error_verdict(-1e-3), "error"),
    ("gradcheck.relative_error_verdict", lambda: gradcheck.relative_error_verdict("small"), "error"),
    ("gradcheck.relative_error_verdict", lambda: gradcheck.relative_error_verdict(NAN), "error"),
    # optimizers
    ("optimizers.SGD", lambda: optimizers.SGD(learning_rate=-0.01), "learning_rate"),
    ("optimizers.SGD", lambda: optimizers.SGD(learning_rate="0.01"), "learning_rate"),
    ("optimizers.SGD", lambda: optimizers.SGD(learning_rate=NAN), "learning_rate"),
    ("optimizers.SGD", lambda: optimizers.SGD(momentum=1.5), "momentum"),
    ("optimizers.SGD", lambda: optimizers.SGD(nesterov="yes"), "nesterov"),
    ("optimizers.SGD", lambda: optimizers.SGD(decay=-1e-3), "decay"),
    ("optimizers.RMSprop", lambda: optimizers.RMSprop(rho=1.0), "rho"),
    ("optimizers.RMSprop", lambda: optimizers.RMSprop(epsilon=-1e-7), "epsilon"),
    ("optimizers.RMSprop", lambda: optimizers.RMSprop(momentum=-0.1), "momentum"),
    ("optimizers.RMSprop", lambda: optimizers.RMSprop(centered=1), "centered"),
    ("optimizers.Adam", lambda: optimizers.Adam(beta_1=1.0), "beta_1"),
    ("optimizers.Adam", lambda: optimizers.Adam(beta_2=-0.1), "beta_2"),
    ("optimizers.Adam", lambda: optimizers.Adam(epsilon=INF), "epsilon"),
    ("optimizers.Adam", lambda: optimizers.Adam(amsgrad="no"), "amsgrad"),
    ("optimizers.Optimizer", lambda: optimizers.Adam().step(np.ones(3), np.ones(4)), "grads[0]"),
    ("optimizers.Optimizer", lambda: optimizers.Adam().step(np.ones(3), ["a", "b", "c"]), "grads[0]"),
    ("optimizers.Optimizer", lambda: optimizers.Adam().step([np.ones(3)], [np.ones(3)] * 2), "grads"),
    ("optimizers.Optimizer", lambda: optimizers.SGD().step(np.arange(3), np.ones(3)), "params[0]"),
    ("optimizers.keras_cast", lambda: optimizers.keras_cast(0.1, "int32"), "dtype"),
    # widgets
    ("widgets.PathFigure", lambda: widgets.PathFigure("bowl", [1.0, 1.0], 10), "landscape"),
    ("widgets.LearningRateExplorer", lambda: widgets.LearningRateExplorer(line, 1.0, 0), "steps"),
    ("widgets.OptimizerExplorer", lambda: widgets.OptimizerExplorer(bowl, [1.0, 2.0, 3.0], 10), "start"),
    ("widgets.OptimizerExplorer", lambda: widgets.OptimizerExplorer(bowl, [1.0, 2.0], 10).render("adam"), "optimizer"),
    ("widgets.learning_rate_explorer", lambda: widgets.learning_rate_explorer(rates=(1.0, 0.1)), "rates"),
    ("widgets.learning_rate_explorer", lambda: widgets.learning_rate_explorer(value=5.0), "value"),
    ("widgets.learning_rate_explorer", lambda: widgets.learning_rate_explorer(landscape="bowl"), "landscape"),
    ("widgets.make_optimizer", lambda: widgets.make_optimizer("adagrad", 0.1), "name"),
    ("widgets.make_optimizer", lambda: widgets.make_optimizer("Adam", -0.1), "learning_rate"),
    ("widgets.make_optimizer", lambda: widgets.make_optimizer("momentum", 0.1, momentum=2.0), "momentum"),
    ("widgets.optimizer_playground", lambda: widgets.optimizer_playground(steps=0), "steps"),
    ("widgets.optimizer_playground", lambda: widgets.optimizer_playground(landscape="rosenbrock"), "landscape"),
    # course (the maintainer's tools/ are not the learner's boundary: tests/test_tools.py)
    ("course.next_notebook", lambda: course.next_notebook("99_extra"), "stem"),
    # checks: the arguments an author passes (a learner's wrong answer gets Feedback instead, see test_checks)
    ("checks.compare_numbers", lambda: checks.compare_numbers(1.0, 1.0, rtol=-1), "rtol"),
    ("checks.compare_numbers", lambda: checks.compare_numbers(1.0, 1.0, name=3), "name"),
    ("checks.compare_numbers", lambda: checks.compare_numbers(1.0, "one"), "expected"),
    ("checks.Feedback", lambda: checks.Feedback("yes", "fine"), "passed"),
    ("checks.Exercise", lambda: checks.Exercise("ex 1", "gradients", print, ["nudge"]), "label"),
    ("checks.Exercise", lambda: checks.Exercise("ex1", "", print, ["nudge"]), "module"),
    ("checks.Exercise", lambda: checks.Exercise("ex1", "gradients", "check", ["nudge"]), "checker"),
    ("checks.Exercise", lambda: checks.Exercise("ex1", "gradients", print, "nudge"), "hints"),
    ("checks.Exercise", lambda: checks.Exercise("ex1", "gradients", print, []), "hints"),
    ("checks.Reply", lambda: checks.Reply("wrong"), "feedback"),
    ("checks.stored_solution", lambda: checks.stored_solution("no_such_notebook", "ex1"), "module"),
    ("checks.stored_solution", lambda: checks.stored_solution("start_here", "ex9"), "label"),
    ("exercises.learning_rate.make_model",
     lambda: importlib.import_module("course_utils.exercises.learning_rate").make_model(-1), "seed"),
    ("exercises.learning_rate.make_model",
     lambda: importlib.import_module("course_utils.exercises.learning_rate").make_model("0"), "seed"),
    ("exercises.optimizers_in_keras.measure",
     lambda: importlib.import_module("course_utils.exercises.optimizers_in_keras").measure(batch_size=0), "batch_size"),
    # digits
    ("digits.load", lambda: digits.load(validation=1.5), "validation"),
    ("digits.load", lambda: digits.load(seed="zero"), "seed"),
    ("digits.build_model", lambda: digits.build_model(seed=None), "seed"),
    ("digits.train", lambda: digits.train("adam", epochs=0), "epochs"),
    ("digits.train", lambda: digits.train("adam", epochs=1, batch_size=0), "batch_size"),
    ("digits.train", lambda: digits.train(3.0, epochs=1), "optimizer"),
    ("digits.Trainer", lambda: digits.Trainer("adam"), "optimizer"),
    ("digits.sweep", lambda: digits.sweep("a trainer", [0.1]), "trainer"),
    ("digits.sweep", lambda: digits.sweep("a trainer", [0.1], stop_at_failure="yes"), "stop_at_failure"),
    ("digits.sweep", lambda: digits.sweep("a trainer", [0.1], broken=2), "broken"),
    ("digits.epochs_to", lambda: digits.epochs_to([0.9], target=2), "target"),
    ("digits.epochs_to", lambda: digits.epochs_to("0.9"), "accuracies"),
    ("digits.summarise", lambda: digits.summarise([]), "runs"),
    ("digits.summarise", lambda: digits.summarise({0.1: [{"val_accuracy": [0.9], "loss": [1.0]}]}, key="acc"), "key"),
    ("digits.best", lambda: digits.best("results"), "results"),
    ("digits.plot_rates", lambda: digits.plot_rates({}), "results"),
    ("digits.plot_curves", lambda: digits.plot_curves({"SGD": "not histories"}), "runs"),
]

# Public names without a row, and why.
EXEMPT = {
    "environment.CourseEnvironmentError": "an exception class",
    "plotting.apply_style": "takes no arguments",
    "callbacks.BatchLossHistory": "takes no arguments",
    "landscapes.Minimum": "a record built only by the landscapes themselves",
    "gradcheck.GradientCheck": "a record built only by gradient_check",
    "digits.Result": "a record built only by digits.summarise",
    "course.PlannedNotebook": "a record of the course plan, written in the source",
    "course.course_map": "takes no arguments",
    "checks.Help": "a record built only by Exercise.hint and Exercise.solution",
    "checks.passed": "builds a verdict from a check's own text; any text will do",
    "checks.wrong": "builds a verdict from a check's own text; any text will do",
    "checks.not_yet": "builds a verdict from a check's own text; any text will do",
    "checks.as_numbers": "turns any learner answer into numbers or a verdict (Reply): bad input is its job",
    "checks.call": "calls the learner's function; anything it gets becomes a verdict (Reply)",
    "checks.refusing": "a context manager for the checks' own code, given the methods it names in the source",
    "checks.solutions_enabled": "takes no arguments",
    "exercises.learning_rate.mystery_curves": "takes no arguments",
    "exercises.learning_rate.lowest_loss": "takes no arguments",
}


def public_names():
    names = set()
    for module in MODULES:
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if isinstance(value, (types.FunctionType, type)):
                names.add(f"{module.__name__.removeprefix('course_utils.')}.{name}")
    return names


def test_the_table_covers_every_public_function():
    missing = public_names() - {name for name, _, _ in CASES} - set(EXEMPT)
    assert not missing, f"public functions without a bad-input row: {sorted(missing)}"
    assert len(CASES) >= 150


@pytest.mark.parametrize("name, call, argument", CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)])
def test_bad_input_gets_a_clear_error(name, call, argument):
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    message = str(caught.value)
    assert argument in message, f"the message should name {argument!r}: {message!r}"
    assert ALLOWED.search(message), f"the message should say what is allowed: {message!r}"
