"""05 · SGD, momentum, Nesterov and decay: the shipped solutions pass, plausible mistakes are named, nothing leaks."""

import warnings
from decimal import Decimal
from fractions import Fraction

import keras
import numpy as np
import pytest
import tensorflow as tf
from tables import JUNK, assert_not_solved, assert_passed, assert_rejected

from course_utils import optimizers as course_optimizers
from course_utils.checks import stored_solution
from course_utils.exercises import sgd_momentum
from course_utils.exercises.sgd_momentum import ex1, ex2, ex3

schedules = keras.optimizers.schedules


def solution(label):
    namespace = {"np": np, "tf": tf, "keras": keras}
    exec(stored_solution("sgd_momentum", label), namespace)
    return namespace


# --- Exercise 1: momentum_step next to keras.optimizers.SGD -----------------------------------------------


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["momentum_step"]))


def test_ex1_the_reference_is_keras_and_is_keras_s_documented_rule():
    for index, run in enumerate(sgd_momentum.RUNS):
        weights, velocities = sgd_momentum.keras_reference(index)
        simulated = sgd_momentum._simulate(sgd_momentum._keras_form, run)
        assert np.allclose(weights, simulated[0], rtol=0, atol=1e-5)
        assert np.allclose(velocities, simulated[1], rtol=0, atol=1e-5)


# Right answers written differently: each must pass.
def in_float64(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    w, velocity, gradient = (np.asarray(a, dtype=np.float64) for a in (w, velocity, gradient))
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def cs231n_nesterov(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    previous = velocity
    velocity = momentum * velocity - learning_rate * gradient
    if nesterov:
        return w - momentum * previous + (1 + momentum) * velocity, velocity
    return w + velocity, velocity


def with_tf_ops(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    w, velocity, gradient = (tf.convert_to_tensor(a, dtype=tf.float32) for a in (w, velocity, gradient))
    velocity = tf.subtract(tf.multiply(velocity, momentum), tf.multiply(gradient, learning_rate))
    step = tf.multiply(velocity, momentum) - gradient * learning_rate if nesterov else velocity
    return tf.add(w, step), velocity


def with_keras_ops(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    ops = keras.ops
    velocity = ops.subtract(ops.multiply(velocity, momentum), ops.multiply(gradient, learning_rate))
    if nesterov:
        step = ops.subtract(ops.multiply(velocity, momentum), ops.multiply(gradient, learning_rate))
        return ops.add(w, step), velocity
    return ops.add(w, velocity), velocity


def as_a_list(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    w = w + (momentum * velocity - learning_rate * gradient if nesterov else velocity)
    return [w, velocity]


def augmented(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = velocity * momentum
    velocity -= learning_rate * gradient  # a new array (NumPy) or a rebinding (tf): the input is not changed
    w = w + velocity
    if nesterov:
        w = w + momentum * velocity - learning_rate * gradient - velocity
    return w, velocity


def numpy_float32_everywhere(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    w, velocity, gradient = (np.asarray(a, dtype=np.float32) for a in (w, velocity, gradient))
    velocity = np.float32(momentum) * velocity - np.float32(learning_rate) * gradient
    if nesterov:
        return w + np.float32(momentum) * velocity - np.float32(learning_rate) * gradient, velocity
    return w + velocity, velocity


@pytest.mark.parametrize("function", [in_float64, cs231n_nesterov, with_tf_ops, with_keras_ops, as_a_list, augmented,
                                      numpy_float32_everywhere], ids=lambda f: f.__name__)
def test_ex1_right_forms_pass(function):
    assert_passed(ex1.check(function))


# Plausible mistakes, written as a learner would: each must be rejected and named.
def plain_sgd(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    return w - learning_rate * gradient, velocity


def old_velocity_returned(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    new_velocity = momentum * velocity - learning_rate * gradient
    return w + new_velocity, velocity


def dampened(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - (1 - momentum) * learning_rate * gradient
    return (w + momentum * velocity - (1 - momentum) * learning_rate * gradient if nesterov else w + velocity), velocity


def gradient_average(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity + (1 - momentum) * gradient  # an average of the gradients, as in Adam
    return w - learning_rate * velocity, velocity


def nesterov_ignored(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return w + velocity, velocity


def nesterov_by_default(w, velocity, gradient, learning_rate, momentum, nesterov=True):
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def weights_first(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    w = w + velocity
    velocity = momentum * velocity - learning_rate * gradient
    return w, velocity


def nesterov_with_the_old_velocity(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    new_velocity = momentum * velocity - learning_rate * gradient
    if nesterov:
        return w + momentum * velocity - learning_rate * gradient, new_velocity
    return w + new_velocity, new_velocity


def uphill(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity + learning_rate * gradient
    return (w + momentum * velocity + learning_rate * gradient if nesterov else w + velocity), velocity


def minus_the_velocity(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return (w - momentum * velocity + learning_rate * gradient if nesterov else w - velocity), velocity


def swapped_return(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return velocity, (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity)


def parameters_swapped(w, velocity, gradient, momentum, learning_rate, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def hard_coded(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = 0.9 * velocity - 0.01 * gradient
    return (w + 0.9 * velocity - 0.01 * gradient if nesterov else w + velocity), velocity


def pytorch_form(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity + gradient
    step = learning_rate * (gradient + momentum * velocity) if nesterov else learning_rate * velocity
    return w - step, velocity


def weights_only(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return w + velocity


def no_return(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    w = w + velocity


def numpy_only(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    w = w.copy()
    w += momentum * velocity - learning_rate * gradient if nesterov else velocity
    return w, velocity


def variables_only(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    w.assign_add(velocity)  # as if w were a tf.Variable
    return w, velocity


def flattened(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return tf.reshape(w + velocity, [-1]), velocity


def twice_the_gradient(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return w + velocity - learning_rate * gradient, velocity


def unscaled_velocity(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    new = momentum * velocity - learning_rate * gradient
    return (w + momentum * new - learning_rate * gradient if nesterov else w + new), new / 2


def global_velocity(w, velocity, gradient, learning_rate, momentum, nesterov=False):
    global _kept
    _kept = momentum * _kept - learning_rate * np.asarray(gradient)
    return (w + momentum * _kept - learning_rate * gradient if nesterov else w + _kept), velocity


EX1_MISTAKES = [
    (plain_sgd, ["Run 1", "step 2", "plain SGD"]),
    (old_velocity_returned, ["plain SGD", "not carried"]),
    (dampened, ["dampened", "(1 − momentum)"]),
    (gradient_average, ["dampened"]),
    (nesterov_ignored, ["Run 2", "the plain momentum step", "asked for nesterov=True"]),
    (nesterov_by_default, ["Run 1", "Nesterov's step", "default nesterov=False"]),
    (weights_first, ["*before*", "update the velocity first"]),
    (nesterov_with_the_old_velocity, ["Run 2", "the plain momentum step", "*before* its update"]),
    (uphill, ["uphill"]),
    (minus_the_velocity, ["uphill"]),
    (swapped_return, ["velocity returned in place of the weights"]),
    (parameters_swapped, ["swapped", "order of your function's parameters"]),
    (hard_coded, ["fixed numbers"]),
    (pytorch_form, ["PyTorch's", "velocity"]),
    (weights_only, ["two values"]),
    (no_return, ["returned None"]),
    (numpy_only, ["Run 2", "tf.Tensor", "raised AttributeError", "gives your function tf tensors"]),
    (variables_only, ["Run 1", "raised AttributeError", "NumPy arrays (not tf.Variables)"]),
    (flattened, ["weights you returned have shape (6,)", "have shape (3, 2)"]),
    (twice_the_gradient, ["step 1", "Already the first step"]),
    (lambda w, v, g, lr, mu: (w + (mu * v - lr * g), mu * v - lr * g), ["Run 2", "unexpected keyword argument",
                                                                          "keep the task's parameters"]),
    (unscaled_velocity, ["step 2", "the velocity it receives and the one it returns"]),
]


@pytest.mark.parametrize("function, words", EX1_MISTAKES, ids=lambda value: getattr(value, "__name__", ""))
def test_ex1_plausible_mistakes_are_named(function, words):
    feedback = ex1.check(function)
    assert_rejected(feedback, *words)
    for index in range(len(sgd_momentum.RUNS)):  # Keras's numbers never appear in a message
        for reference in sgd_momentum.keras_reference(index):
            for value in reference[:3].ravel():
                assert f"{value:.5g}" not in feedback.message


def test_ex1_state_kept_outside_the_function_is_caught():
    global _kept
    _kept = np.zeros(4)
    assert_rejected(ex1.check(global_velocity), "Run")


def test_ex1_the_check_does_not_trust_the_inputs_it_hands_out():
    def mutates_its_inputs(w, velocity, gradient, learning_rate, momentum, nesterov=False):
        if isinstance(gradient, np.ndarray):
            gradient *= 1000.0  # a learner's in-place change reaches only the copy it was given
        return w, velocity

    assert_rejected(ex1.check(mutates_its_inputs))
    assert_passed(ex1.check(solution("ex1")["momentum_step"]))


def test_ex1_not_solved_says_only_that():
    assert_not_solved(ex1.check(...))
    stub = {}
    exec("def momentum_step(w, velocity, gradient, learning_rate, momentum, nesterov=False):\n"
         "    # YOUR CODE HERE\n    velocity = ...\n    w = ...\n    return ...\n", stub)
    assert_not_solved(ex1.check(stub["momentum_step"]))


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex1_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex1.check(answer))


def test_ex1_the_first_hint_holds_no_part_of_the_solution():
    for part in ("momentum *", "learning_rate", "- ", "velocity =", "w +", "section"):
        assert part not in ex1.hints[0]


# --- Exercise 2: the fall of a Keras 2 decay -------------------------------------------------------------

FALL = 1.015  # 30 epochs of 500 steps at decay=1e-6


def test_ex2_the_shipped_solution_passes():
    assert_passed(ex2.check(solution("ex2")["fall"]))


def keras_schedule_ratio(steps):
    schedule = schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6)
    return schedule(0) / schedule(steps)


@pytest.mark.parametrize("answer", [
    1.015, np.float32(1.015), np.array(1.015), [1.015], tf.constant(1.015), Fraction(203, 200), Decimal("1.015"),
    1 + 1e-6 * 14_999, 1 + 1e-6 * 15_001, keras_schedule_ratio(15_000), keras_schedule_ratio(14_999),
    tf.Variable(1.015), np.float64(1.015),
])
def test_ex2_right_forms_pass(answer):
    assert_passed(ex2.check(answer))


@pytest.mark.parametrize("answer, words", [
    (1 + 1e-6 * 30, "epochs"),
    (1 + 1e-6 * 29, "epochs"),
    (1 + 1e-6 * 500, "one epoch's steps"),
    (1 + 1e-6 * 1_500_000, "images (samples)"),
    (float(np.exp(0.015)), "compounded"),
    (float(1 / (1 - 1e-6) ** 15_000), "compounded"),
    (1 / 1.015, "the last rate over the first"),
    (float(np.exp(-0.015)), "the last rate over the first"),
    (0.015, "relative change (fall − 1)"),
    (1 - 1 / 1.015, "relative change of the rate"),
    (0.01 / 1.015, "a learning rate, not a factor"),
    (100 * (1 - 1 / 1.015), "percentage"),
    (1.5, "percentage"),
    (1.0, "did not fall at all"),
    (0.98, "below 1"),
    (0.5, "below 1"),
    (-1.015, "above 0"),
    (0.0, "above 0"),
    (1.0151, "not the fall"),
    (1.01, "not the fall"),  # 20 epochs: the numbers of another recipe
    (1.03, "not the fall"),
    (2.0, "not the fall"),
    ([1.015, 1.015], "single number"),
])
def test_ex2_plausible_mistakes_are_named(answer, words):
    feedback = ex2.check(answer)
    assert_rejected(feedback, words)
    own = f"{float(np.ravel(answer)[0]):.10g}"
    assert "1.015" not in feedback.message.replace(own, "") and "1.5 %" not in feedback.message


def test_ex2_not_solved_says_only_that():
    assert_not_solved(ex2.check(...))


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex2_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex2.check(answer))


def test_ex2_the_first_hint_holds_no_part_of_the_solution():
    for part in ("InverseTimeDecay", "×", "/", "10", "500", "1e-6", "schedule"):
        assert part not in ex2.hints[0]


# --- Exercise 3: the Keras 2 line, migrated ------------------------------------------------------------------


def sgd(learning_rate=None, **options):
    if learning_rate is None:
        learning_rate = schedules.InverseTimeDecay(0.05, decay_steps=1, decay_rate=5e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # decay= kept: Keras 3 warns and ignores it
        return keras.optimizers.SGD(learning_rate=learning_rate, **options)


class Keras2Decay(schedules.LearningRateSchedule):  # a learner's own schedule, exactly Keras 2's decay
    def __call__(self, step):
        return 0.05 / (1 + 5e-4 * tf.cast(step, tf.float32))


def test_ex3_the_shipped_solution_passes():
    assert_passed(ex3.check(solution("ex3")["optimizer"]))


@pytest.mark.parametrize("make", [
    lambda: sgd(momentum=0.95),
    lambda: sgd(schedules.InverseTimeDecay(0.05, 1, 5e-4), momentum=0.95),
    lambda: sgd(schedules.InverseTimeDecay(0.05, decay_steps=2000, decay_rate=1.0), momentum=0.95),
    lambda: sgd(schedules.InverseTimeDecay(0.05, decay_steps=1000, decay_rate=0.5), momentum=0.95),
    lambda: sgd(schedules.InverseTimeDecay(0.05, decay_steps=1.0, decay_rate=5e-4), momentum=0.95),
    lambda: sgd(schedules.InverseTimeDecay(0.05, 1, 5e-4, staircase=True), momentum=0.95),  # steps of 1: no jumps
    lambda: sgd(Keras2Decay(), momentum=0.95),
    lambda: tf.keras.optimizers.SGD(learning_rate=schedules.InverseTimeDecay(0.05, 1, 5e-4), momentum=0.95),
    lambda: sgd(momentum=0.95, nesterov=False, name="migrated"),
    lambda: sgd(momentum=np.float64(0.95)),
    lambda: sgd(momentum=0.95, decay=5e-4),
    lambda: sgd(momentum=0.95, weight_decay=0.0),
    lambda: sgd(momentum=0.95, clipnorm=None, use_ema=False, ema_momentum=0.5),  # without EMA, its momentum is unused
])
def test_ex3_right_forms_pass(make):
    assert_passed(ex3.check(make()))


def test_ex3_an_optimizer_already_used_passes_and_keeps_its_step_count():
    optimizer, variable = sgd(momentum=0.95), keras.Variable([1.0])
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([1.0]), variable)])
    assert_passed(ex3.check(optimizer))
    assert int(optimizer.iterations.numpy()) == 3


@pytest.mark.parametrize("make, words", [
    (lambda: sgd(0.05, momentum=0.95), ["stays 0.05", "ignores decay="]),
    (lambda: sgd(0.05, momentum=0.95, decay=5e-4), ["stays 0.05", "ignores decay="]),
    (lambda: sgd(0.05, momentum=0.95, weight_decay=5e-4),
     ["2 things", "`weight_decay=0.0005` is not Keras 2's `decay=`", "shrinks the weights", "stays 0.05"]),
    (lambda: sgd(momentum=0.95, weight_decay=5e-4), ["`weight_decay=0.0005` is not"]),
    (lambda: sgd(schedules.ExponentialDecay(0.05, 1, 1 - 5e-4), momentum=0.95), ["compounded", "ExponentialDecay"]),
    (lambda: sgd(schedules.ExponentialDecay(0.05, 1, 5e-4), momentum=0.95), ["decay_rate=5e-4"]),
    (lambda: sgd(schedules.PolynomialDecay(0.05, 2000, 0.0), momentum=0.95), ["linearly"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.05, 2000, 1.0, staircase=True), momentum=0.95), ["staircase"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.05, 1000, 5e-4), momentum=0.95), ["falls too slowly"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.05, 1, 5e-3), momentum=0.95), ["falls too fast"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.01, 1, 5e-4), momentum=0.95), ["at step 0 is 0.01"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.05, 1, 1e-4), momentum=0.95), ["falls too slowly"]),
    (lambda: sgd(schedules.CosineDecay(0.05, 10_000), momentum=0.95), ["falls too fast", "at step 20,000 it is 0,"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.05, 1000, 5e-4), momentum=0.95), ["falls too slowly", "step 1,000,000"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([2000], [0.05, 0.025]), momentum=0.95), ["drops in a jump"]),
    (lambda: sgd(), ["no momentum", "plain SGD"]),
    (lambda: sgd(momentum=0.9), ["momentum=0.9 is not"]),
    (lambda: sgd(momentum=0.95, nesterov=True), ["`nesterov=True` was not in the Keras 2 line"]),
    (lambda: sgd(momentum=0.95, clipnorm=1.0), ["`clipnorm=1.0`"]),
    (lambda: sgd(momentum=0.95, clipvalue=0.5), ["`clipvalue=0.5`"]),
    (lambda: sgd(momentum=0.95, global_clipnorm=1.0), ["`global_clipnorm=1.0`"]),
    (lambda: sgd(momentum=0.95, use_ema=True), ["`use_ema=True`"]),
    (lambda: sgd(momentum=0.95, gradient_accumulation_steps=2), ["`gradient_accumulation_steps=2`"]),
    (lambda: sgd(momentum=0.95, loss_scale_factor=128.0), ["`loss_scale_factor=128.0`"]),
    (lambda: sgd(0.05, momentum=0.9, nesterov=True), ["3 things", "stays 0.05", "momentum=0.9", "nesterov"]),
    (lambda: keras.optimizers.Adam(learning_rate=schedules.InverseTimeDecay(0.05, 1, 5e-4)), ["Adam"]),
    (lambda: keras.optimizers.AdamW(), ["AdamW"]),
    (lambda: "sgd", ["string", "defaults"]),
    (lambda: keras.optimizers.SGD, ["the class SGD itself"]),
    (lambda: schedules.InverseTimeDecay(0.05, 1, 5e-4), ["a schedule alone"]),
    (lambda: course_optimizers.SGD(learning_rate=0.05, decay=5e-4, momentum=0.95), ["from-scratch", "course_utils"]),
    (lambda: type("MySGD", (keras.optimizers.SGD,), {})(momentum=0.95), ["a subclass of SGD"]),
])
def test_ex3_plausible_mistakes_are_named(make, words):
    answer = make()
    feedback = ex3.check(answer)
    assert_rejected(feedback, *words)
    message = feedback.message
    if isinstance(answer, keras.optimizers.Optimizer) and not answer.gradient_accumulation_steps:  # own rates shown
        for rate in sgd_momentum._rates(answer):
            message = message.replace(f"{rate:.6g}", "")
    for t in sgd_momentum.SCHEDULE_STEPS[1:]:  # Keras 2's rates never appear in a message
        assert f"{0.05 / (1 + 5e-4 * t):.6g}" not in message
    assert "InverseTimeDecay" not in feedback.message and "decay_steps=1" not in feedback.message


def test_ex3_not_solved_says_only_that():
    assert_not_solved(ex3.check(...))


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex3_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex3.check(answer))


def test_ex3_the_first_hint_holds_no_part_of_the_solution():
    for part in ("InverseTimeDecay", "learning_rate", "decay_steps", "5e-4", "0.95", "schedule", "weight_decay"):
        assert part not in ex3.hints[0]


def test_every_exercise_has_a_nudge_then_a_method():
    for exercise in (ex1, ex2, ex3):
        assert len(exercise.hints) == 2
        assert "Hint 1 of 2" in repr(exercise.hint(1)) and "Hint 2 of 2" in repr(exercise.hint(2))


def test_every_solution_is_the_notebook_s(monkeypatch):
    for exercise in (ex1, ex2, ex3):
        assert stored_solution("sgd_momentum", exercise.label) in repr(exercise.solution())
    monkeypatch.setenv("COURSE_SOLUTIONS", "off")
    assert "switched off" in repr(ex1.solution())
