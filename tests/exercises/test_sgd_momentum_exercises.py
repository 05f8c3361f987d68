"""05 · SGD, momentum, Nesterov and decay: the shipped solutions pass, plausible mistakes are named, nothing leaks."""

import warnings
from decimal import Decimal
from fractions import Fraction

import keras
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected, stable_id, untranslated)

from course_utils import optimizers as course_optimizers
from course_utils.checks import stored_solution
from course_utils.exercises import sgd_momentum
from course_utils.exercises.sgd_momentum import ex1, ex2, ex3

schedules = keras.optimizers.schedules


def solution(label):
    namespace = {"np": np, "tf": tf, "keras": keras}
    exec(stored_solution("sgd_momentum", label), namespace)
    return namespace


# --- Exercise 1: sgd_step next to keras.optimizers.SGD(..., weight_decay=...) -----------------------------------


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["sgd_step"]))


def test_ex1_the_reference_is_keras_and_keras_s_decay_is_decoupled_and_first():
    keras_rule = sgd_momentum._decayed_first(sgd_momentum._momentum)
    for index, run in enumerate(sgd_momentum.RUNS):
        weights, velocities = sgd_momentum.keras_reference(index)
        simulated = sgd_momentum._simulate(keras_rule, run)
        assert np.allclose(weights, simulated[0], rtol=0, atol=1e-5)
        assert np.allclose(velocities, simulated[1], rtol=0, atol=1e-5)


def test_ex1_every_named_mistake_is_far_from_keras_in_every_run():
    for index, run in enumerate(sgd_momentum.RUNS):
        keras_weights = sgd_momentum.keras_reference(index)[0]
        for description, rule in sgd_momentum.STEP_MISTAKES:
            assert not sgd_momentum._agree(sgd_momentum._simulate(rule, run)[0], keras_weights, rtol=1e-4).all(), \
                (index, description)


# Right answers written differently: each must pass.
def keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - w * weight_decay * learning_rate
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def shrink_factor(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient  # the velocity does not depend on w: any order
    w = (1 - learning_rate * weight_decay) * w
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def in_float64(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity, gradient = (np.asarray(a, dtype=np.float64) for a in (w, velocity, gradient))
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)


def cs231n_nesterov(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w
    previous = velocity
    velocity = momentum * velocity - learning_rate * gradient
    if nesterov:
        return w - momentum * previous + (1 + momentum) * velocity, velocity
    return w + velocity, velocity


def with_tf_ops(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity, gradient = (tf.convert_to_tensor(a, dtype=tf.float32) for a in (w, velocity, gradient))
    w = tf.subtract(w, tf.multiply(w, weight_decay * learning_rate))
    velocity = tf.subtract(tf.multiply(velocity, momentum), tf.multiply(gradient, learning_rate))
    step = tf.multiply(velocity, momentum) - gradient * learning_rate if nesterov else velocity
    return tf.add(w, step), velocity


def with_keras_ops(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    ops = keras.ops
    w = ops.subtract(w, ops.multiply(ops.multiply(w, weight_decay), learning_rate))
    velocity = ops.subtract(ops.multiply(velocity, momentum), ops.multiply(gradient, learning_rate))
    if nesterov:
        step = ops.subtract(ops.multiply(velocity, momentum), ops.multiply(gradient, learning_rate))
        return ops.add(w, step), velocity
    return ops.add(w, velocity), velocity


def as_a_list(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return list(keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov))


def augmented(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w * 1.0
    w -= learning_rate * weight_decay * w  # a new array (the copy above) or a rebinding (tf)
    velocity = velocity * momentum
    velocity -= learning_rate * gradient
    w = w + velocity
    if nesterov:
        w = w + momentum * velocity - learning_rate * gradient - velocity
    return w, velocity


def numpy_float32_everywhere(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity, gradient = (np.asarray(a, dtype=np.float32) for a in (w, velocity, gradient))
    lr, mu, wd = np.float32(learning_rate), np.float32(momentum), np.float32(weight_decay)
    w = w - w * wd * lr
    velocity = mu * velocity - lr * gradient
    return (w + mu * velocity - lr * gradient if nesterov else w + velocity), velocity


def keyword_only_nesterov(w, velocity, gradient, learning_rate, momentum, weight_decay, *, nesterov=False):
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)


def returns_variables(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity = keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)
    return tf.Variable(w), tf.Variable(velocity)


@pytest.mark.parametrize("function", [keras_order, shrink_factor, in_float64, cs231n_nesterov, with_tf_ops,
                                      with_keras_ops, as_a_list, augmented, numpy_float32_everywhere,
                                      keyword_only_nesterov, returns_variables], ids=lambda f: f.__name__)
def test_ex1_right_forms_pass(function):
    assert_passed(ex1.check(function))


# Plausible mistakes, written as a learner would: each must be rejected and named.
def momentum_only(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def torch_style(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    gradient = gradient + weight_decay * w  # torch.optim.SGD: weight_decay joins the gradient
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def l2_penalty_gradient(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return torch_style(w, velocity, gradient + weight_decay * w, learning_rate, momentum, weight_decay, nesterov)


def decay_in_the_velocity(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient - learning_rate * weight_decay * w
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def decay_without_the_rate(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return momentum_only(w * (1 - weight_decay), velocity, gradient, learning_rate, momentum, weight_decay, nesterov)


def decay_after_the_step(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity = momentum_only(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)
    return w - learning_rate * weight_decay * w, velocity


def decay_with_a_plus(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return momentum_only(w + learning_rate * weight_decay * w, velocity, gradient, learning_rate, momentum,
                         weight_decay, nesterov)


def plain_sgd(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return w - learning_rate * weight_decay * w - learning_rate * gradient, velocity


def old_velocity_returned(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    new_velocity = momentum * velocity - learning_rate * gradient
    return w - learning_rate * weight_decay * w + new_velocity, velocity


def dampened(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w
    velocity = momentum * velocity - (1 - momentum) * learning_rate * gradient
    return (w + momentum * velocity - (1 - momentum) * learning_rate * gradient if nesterov else w + velocity), velocity


def nesterov_ignored(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay)


def nesterov_by_default(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=True):
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)


def weights_first(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w + velocity
    velocity = momentum * velocity - learning_rate * gradient
    return w, velocity


def uphill(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return keras_order(w, velocity, -gradient, learning_rate, momentum, weight_decay, nesterov)


def minus_the_velocity(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w
    velocity = momentum * velocity - learning_rate * gradient
    return (w - momentum * velocity + learning_rate * gradient if nesterov else w - velocity), velocity


def swapped_return(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity = keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)
    return velocity, w


def rate_and_momentum_swapped(w, velocity, gradient, momentum, learning_rate, weight_decay, nesterov=False):
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)


def decay_first_in_the_signature(w, velocity, gradient, weight_decay, learning_rate, momentum, nesterov=False):
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)


def hard_coded(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return keras_order(w, velocity, gradient, 0.01, 0.9, 0.01, nesterov)


def velocity_with_a_plus(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w  # the usual first attempt: v = mu v + lr g; w = w - v
    velocity = momentum * velocity + learning_rate * gradient
    return (w - momentum * velocity - learning_rate * gradient if nesterov else w - velocity), velocity


def velocity_without_the_rate(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w
    velocity = momentum * velocity - gradient
    step = learning_rate * (momentum * velocity - gradient) if nesterov else learning_rate * velocity
    return w + step, velocity


def pytorch_form(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w
    velocity = momentum * velocity + gradient
    step = learning_rate * (gradient + momentum * velocity) if nesterov else learning_rate * velocity
    return w - step, velocity


def weights_only(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)[0]


def no_return(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    velocity = momentum * velocity - learning_rate * gradient
    w = w + velocity


def numpy_only(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w.copy()
    w -= learning_rate * weight_decay * w
    velocity = momentum * velocity - learning_rate * gradient
    w += momentum * velocity - learning_rate * gradient if nesterov else velocity
    return w, velocity


def variables_only(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w.assign_sub(w * weight_decay * learning_rate)  # as if w were a tf.Variable
    velocity = momentum * velocity - learning_rate * gradient
    w.assign_add(velocity)
    return w, velocity


def flattened(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity = keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)
    return tf.reshape(w, [-1]), velocity


def twice_the_gradient(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, velocity = keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)
    return w - learning_rate * gradient, velocity


def unscaled_velocity(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w, new = keras_order(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov)
    return w, new / 2


def torch_style_without_momentum_right(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    gradient = gradient + weight_decay * w
    return w - learning_rate * gradient, velocity  # two mistakes at once: L2, and no momentum


def decay_right_momentum_wrong(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - learning_rate * weight_decay * w
    velocity = momentum * velocity - learning_rate * gradient
    return w + velocity + 0.1 * learning_rate * gradient, velocity


def undefined_name(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return w - lr * gradient, velocity  # noqa: F821


def calls_keras(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum, weight_decay=weight_decay,
                                     nesterov=nesterov)
    variable = tf.Variable(tf.cast(w, tf.float32))
    optimizer.build([variable])
    optimizer.momentums[0].assign(tf.cast(velocity, tf.float32))
    optimizer.apply_gradients([(tf.cast(gradient, tf.float32), variable)])
    return variable.numpy(), optimizer.momentums[0].numpy()


def keras_weight_decay_then_momentum(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, weight_decay=weight_decay)
    variable = tf.Variable(tf.cast(w, tf.float32))
    optimizer.build([variable])
    optimizer._apply_weight_decay([variable])  # Keras's own decay, then a momentum step by hand
    w = variable.numpy()
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def decay_of_the_velocity(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    velocity = (momentum * velocity - learning_rate * gradient) * (1 - learning_rate * weight_decay)
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


def momentum_in_the_decay(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    w = w - momentum * weight_decay * w  # the momentum typed where the rate belongs
    velocity = momentum * velocity - learning_rate * gradient
    return (w + momentum * velocity - learning_rate * gradient if nesterov else w + velocity), velocity


# Bodies typed as in section 3, where the notebook defines lr, mu = 0.05, 0.8: they pick up those globals.
NOTEBOOK_GLOBALS = {"lr": float(np.float32(0.05)), "mu": float(np.float32(0.8))}
GLOBAL_BODIES = {
    "globals_lr_and_mu": "w = w - lr * weight_decay * w\n"
                         "    velocity = mu * velocity - lr * gradient\n"
                         "    return (w + mu * velocity - lr * gradient if nesterov else w + velocity), velocity",
    "global_mu": "w = w - learning_rate * weight_decay * w\n"
                 "    velocity = mu * velocity - learning_rate * gradient\n"
                 "    return (w + mu * velocity - learning_rate * gradient if nesterov else w + velocity), velocity",
    "global_lr_in_the_decay": "w = w - lr * weight_decay * w\n"
                              "    velocity = momentum * velocity - learning_rate * gradient\n"
                              "    return (w + momentum * velocity - learning_rate * gradient if nesterov else "
                              "w + velocity), velocity",
    "run_1_settings_typed_in": "learning_rate, momentum, weight_decay = 0.05, 0.9, 0.2\n"
                               "    w = w - learning_rate * weight_decay * w\n"
                               "    velocity = momentum * velocity - learning_rate * gradient\n"
                               "    return (w + momentum * velocity - learning_rate * gradient if nesterov else "
                               "w + velocity), velocity",
}


def with_notebook_globals(name):
    namespace = dict(NOTEBOOK_GLOBALS)
    exec(f"def {name}(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):\n"
         f"    {GLOBAL_BODIES[name]}\n", namespace)
    return namespace[name]


EX1_MISTAKES = [
    (with_notebook_globals("globals_lr_and_mu"), ["Run 1", "ignores the `learning_rate` and `momentum` it receives",
                                                  "section 3 defines `lr` and `mu`"]),
    (with_notebook_globals("global_mu"), ["Run 1", "ignores the `momentum` it receives", "global variable"]),
    (with_notebook_globals("global_lr_in_the_decay"), ["Run 2", "In the weight decay, your step ignores the "
                                                       "`learning_rate`", "global variable"]),
    (with_notebook_globals("run_1_settings_typed_in"), ["Run 2", "ignores the `learning_rate`, `momentum` and "
                                                        "`weight_decay`", "fixed number"]),
    (keras_weight_decay_then_momentum, ["runs a Keras optimizer's step", "`_apply_weight_decay`"]),
    (decay_of_the_velocity, ["Run 1", "With weight_decay=0.0 your steps do follow Keras's"]),
    (momentum_in_the_decay, ["In the weight decay", "another parameter in place of `learning_rate`"]),
    (momentum_only, ["Run 1", "step 1", "without any weight decay", "find where in Keras's source"]),
    (torch_style, ["step 2", "added to the gradient", "torch.optim.SGD", "*decoupled*"]),
    (l2_penalty_gradient, ["L2 penalty", "*decoupled*"]),
    (decay_in_the_velocity, ["added to the gradient", "*decoupled*"]),
    (decay_without_the_rate, ["without the learning rate", "how Keras scales the decay"]),
    (decay_after_the_step, ["*after* the momentum step", "order of the calls"]),
    (decay_with_a_plus, ["*grow*", "sign of the decay"]),
    (plain_sgd, ["Run 1", "step 2", "plain SGD"]),
    (old_velocity_returned, ["plain SGD", "not carried"]),
    (dampened, ["dampened", "(1 − momentum)"]),
    (nesterov_ignored, ["Run 2", "the plain momentum step", "asked for nesterov=True"]),
    (nesterov_by_default, ["Run 1", "Nesterov's step", "default nesterov=False"]),
    (weights_first, ["*before*", "update the velocity first"]),
    (uphill, ["uphill", "a sign is flipped, in the gradient term or where the weights add the velocity"]),
    (minus_the_velocity, ["uphill", "a sign is flipped"]),
    (swapped_return, ["velocity returned in place of the weights"]),
    (rate_and_momentum_swapped, ["another order", "order of your function's parameters"]),
    (decay_first_in_the_signature, ["another order"]),
    (hard_coded, ["fixed numbers"]),
    (velocity_with_a_plus, ["weights follow Keras", "opposite sign", "points downhill"]),
    (velocity_without_the_rate, ["weights follow Keras", "lacks the learning rate"]),
    (pytorch_form, ["PyTorch's", "without the learning rate"]),
    (weights_only, ["two values"]),
    (no_return, ["returned None"]),
    (numpy_only, ["Run 2", "tf.Tensor", "raised AttributeError", "gives your function tf tensors"]),
    (variables_only, ["Run 1", "raised AttributeError", "NumPy arrays (not tf.Variables)"]),
    (flattened, ["weights you returned have shape (6,)", "have shape (3, 2)"]),
    (twice_the_gradient, ["step 1", "Even with weight_decay=0.0 your first step", "uses the gradient"]),
    (unscaled_velocity, ["step 2", "the velocity it receives and the one it returns"]),
    (torch_style_without_momentum_right, ["plain SGD"]),  # without momentum, L2 and Keras's decay coincide
    (decay_right_momentum_wrong, ["Even with weight_decay=0.0"]),
    (undefined_name, ["raised NameError", "'lr' is not defined"]),
    (calls_keras, ["runs a Keras optimizer's step", "write the step yourself"]),
    (lambda w, v, g, lr, mu, wd: keras_order(w, v, g, lr, mu, wd), ["cannot be called as the check calls it",
                                                                    "unexpected keyword argument 'nesterov'",
                                                                    "Keep the task's parameters"]),
    (lambda w, v, g, lr, mu, nesterov=False: keras_order(w, v, g, lr, mu, 0.0, nesterov),
     ["cannot be called", "multiple values for argument 'nesterov'", "Keep the task's parameters"]),
]



@pytest.mark.parametrize("function, words", EX1_MISTAKES, ids=lambda value: getattr(value, "__name__", ""))
def test_ex1_plausible_mistakes_are_named(function, words):
    feedback = ex1.check(function)
    assert_rejected(feedback, *words)
    for index in range(len(sgd_momentum.RUNS)):  # Keras's numbers never appear in a message
        for reference in sgd_momentum.keras_reference(index):
            for value in reference[:3].ravel():
                assert f"{value:.5g}" not in feedback.message


def test_ex1_a_wrong_answer_does_not_message_about_nesterov_or_tensors_for_an_unrelated_error():
    feedback = ex1.check(undefined_name)
    assert "NumPy arrays" not in feedback.message and "tf tensors" not in feedback.message


def test_ex1_the_guard_against_keras_is_lifted_after_the_check():
    ex1.check(calls_keras)
    optimizer, variable = keras.optimizers.SGD(learning_rate=0.1), tf.Variable([1.0])
    optimizer.apply_gradients([(tf.constant([1.0]), variable)])
    assert np.isclose(variable.numpy()[0], 0.9)


def test_ex1_state_kept_outside_the_function_is_caught():
    kept = {"velocity": np.zeros(4)}

    def global_velocity(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
        kept["velocity"] = momentum * kept["velocity"] - learning_rate * np.asarray(gradient)
        return w - learning_rate * weight_decay * w + kept["velocity"], velocity

    assert_rejected(ex1.check(global_velocity), "Run 1")


def test_ex1_the_check_does_not_trust_the_inputs_it_hands_out():
    def mutates_its_inputs(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
        if isinstance(gradient, np.ndarray):
            gradient *= 1000.0  # a learner's in-place change reaches only the copy it was given
        return w, velocity

    assert_rejected(ex1.check(mutates_its_inputs))
    assert_passed(ex1.check(solution("ex1")["sgd_step"]))


def test_ex1_not_solved_says_only_that():
    assert_not_solved(ex1.check(...))
    stub = {}
    exec("def sgd_step(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):\n"
         "    return ...\n", stub)
    assert_not_solved(ex1.check(stub["sgd_step"]))


@pytest.mark.parametrize("answer, words", [(3.0, "should be a function"), (None, "should be a function"),
                                           (print, "cannot be called as the check calls it")])
def test_ex1_what_is_not_a_step_function_is_named(answer, words):
    assert_rejected(ex1.check(answer), words)


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex1_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex1.check(answer))


def test_ex1_the_second_hint_names_no_private_method_the_third_does():
    assert "_apply_weight_decay" not in ex1.hints[1] and "_apply_weight_decay" in ex1.hints[2]


def test_ex1_the_first_hint_holds_no_part_of_the_solution():
    for part in ("momentum *", "learning_rate", "- ", "velocity =", "w +", "section", "_apply_weight_decay",
                 "before", "first", "*"):
        assert part not in ex1.hints[0]


# --- Exercise 2: the fall of a Keras 2 decay -------------------------------------------------------------

FALL = 1.015  # 30 epochs of 500 steps at decay=1e-6


def test_ex2_the_shipped_solution_passes():
    assert_passed(ex2.check(solution("ex2")["fall"]))


def ratio(schedule, steps):
    return schedule(0) / schedule(steps)


def keras_schedule_ratio(steps):
    return ratio(schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6), steps)


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
    (ratio(schedules.ExponentialDecay(0.01, 1, 1 - 1e-6), 15_000), "compounded"),  # float32: 1.0153153
    (ratio(schedules.ExponentialDecay(0.01, 1, 1 - 1e-6), 14_999), "compounded"),
    (ratio(schedules.ExponentialDecay(0.01, 1, float(np.exp(-1e-6))), 15_000), "compounded"),
    (1 / ratio(schedules.ExponentialDecay(0.01, 1, 1 - 1e-6), 15_000), "the last rate over the first one, and"),
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
    (1.0151, "close, but not within the tolerance"),
    (1.02, "close, but not within the tolerance"),  # rounded by hand
    (1.01, "close, but not within the tolerance"),
    (1 / (1 - 0.015), "falls *linearly*"),
    (1.03, "more than the fall"),
    (2.0, "more than the fall"),
    (ratio(schedules.InverseTimeDecay(0.01, decay_steps=100, decay_rate=1e-6), 15_000),
     ["less than the fall", "a decay_steps other than 1"]),
    (ratio(schedules.ExponentialDecay(0.01, 1, 1e-6), 15_000), "infinite"),  # decay_rate read as Keras 2's decay
    (float("inf"), "infinite"),
    ([1.015, 1.015], "single number"),
])
def test_ex2_plausible_mistakes_are_named(answer, words):
    feedback = ex2.check(answer)
    assert_rejected(feedback, *([words] if isinstance(words, str) else words))
    own = f"{float(np.ravel(answer)[0]):.10g}"
    assert "1.015" not in feedback.message.replace(own, "") and "1.5 %" not in feedback.message


def test_ex2_not_solved_says_only_that():
    assert_not_solved(ex2.check(...))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex2_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex2.check(answer))


def test_ex2_the_first_hint_holds_no_part_of_the_solution():
    for part in ("InverseTimeDecay", "×", "/", "10", "500", "1e-6", "schedule", "step", "batch", "iteration",
                 "update"):
        assert part not in ex2.hints[0]


# --- Exercise 3: the per-epoch callback, as a schedule --------------------------------------------------------

RIGHT_DECAY = schedules.ExponentialDecay(0.1, decay_steps=3910, decay_rate=0.5, staircase=True)


def sgd(learning_rate=None, **options):
    options = {"momentum": 0.9, "nesterov": True, **options}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # decay= kept: Keras 3 warns and ignores it
        return keras.optimizers.SGD(learning_rate=RIGHT_DECAY if learning_rate is None else learning_rate, **options)


class HalvingEvery10Epochs(schedules.LearningRateSchedule):  # a learner's own schedule, exactly the callback's
    def __call__(self, step):
        epoch = step // 391
        return 0.1 * 0.5 ** tf.cast(epoch // 10, tf.float32)


class Raises(schedules.LearningRateSchedule):  # a learner's schedule that fails
    def __call__(self, step):
        raise ValueError("no step")


class TwoRates(schedules.LearningRateSchedule):
    def __call__(self, step):
        return tf.constant([0.1, 0.1])


class Endless(schedules.LearningRateSchedule):
    def __call__(self, step):
        while True:
            pass


def test_ex3_a_schedule_that_never_returns_is_stopped(monkeypatch):
    monkeypatch.setattr(sgd_momentum.checks, "TIME_LIMIT", 1)
    assert_rejected(ex3.check(sgd(Endless())), "took more than 1 s", "never ends")


def test_ex3_the_shipped_solution_passes():
    assert_passed(ex3.check(solution("ex3")["optimizer"]))


def test_ex3_the_reference_is_the_callback_in_a_keras_3_fit():
    """Keras 3's LearningRateScheduler in a real fit sets, for each step, the rate the check expects."""
    import math

    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(self.model.optimizer.learning_rate))

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    images, batch = 1_000, 128  # a short fit with the same epoch arithmetic: a last, smaller batch
    halve = keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** (epoch // 2))
    model.fit(np.zeros((images, 1)), np.zeros((images, 1)), batch_size=batch, epochs=5, callbacks=[halve, Record()],
              verbose=0, shuffle=False)
    per_epoch = math.ceil(images / batch)
    assert len(seen) == 5 * per_epoch
    assert np.allclose(seen, [0.1 * 0.5 ** (t // per_epoch // 2) for t in range(len(seen))])
    assert sgd_momentum.STEPS_PER_EPOCH == math.ceil(50_000 / 128)


@pytest.mark.parametrize("make", [
    lambda: sgd(),
    lambda: sgd(schedules.ExponentialDecay(0.1, 3910, 0.5, True)),
    lambda: sgd(schedules.ExponentialDecay(0.1, 3910.0, 0.5, staircase=True)),
    lambda: sgd(schedules.PiecewiseConstantDecay([3909, 7819], [0.1, 0.05, 0.025])),
    lambda: sgd(schedules.PiecewiseConstantDecay([3909, 7819, 11729], [0.1, 0.05, 0.025, 0.0125])),
    lambda: sgd(HalvingEvery10Epochs()),
    lambda: tf.keras.optimizers.SGD(learning_rate=RIGHT_DECAY, momentum=0.9, nesterov=True),
    lambda: sgd(name="migrated"),
    lambda: sgd(momentum=np.float64(0.9)),
    lambda: sgd(weight_decay=0.0),
    lambda: sgd(decay=None),
    lambda: sgd(clipnorm=None, use_ema=False, ema_momentum=0.5),  # without EMA, its momentum is unused
])
def test_ex3_right_forms_pass(make):
    assert_passed(ex3.check(make()))


def test_ex3_a_zero_argument_function_that_reads_the_step_passes():
    holder = {}
    optimizer = sgd(lambda: 0.1 * 0.5 ** (int(holder["optimizer"].iterations) // 3910))
    holder["optimizer"] = optimizer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns that a lambda is serialised
        assert_passed(ex3.check(optimizer))


def test_ex3_an_optimizer_already_used_passes_and_keeps_its_step_count():
    optimizer, variable = sgd(), keras.Variable([1.0])
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([1.0]), variable)])
    assert_passed(ex3.check(optimizer))
    assert int(optimizer.iterations.numpy()) == 3


@pytest.mark.parametrize("make, words", [
    (lambda: sgd(0.1), ["stays 0.1", "no callback lowers it"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)), ["every 10 *steps*", "counted epochs"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 10, 0.5)), ["at every step, by half every 10 steps"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.025])), ["after 10 and 20 steps"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 391, 0.5, staircase=True)), ["halves at every epoch"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 391, 0.5)), ["by half every epoch"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 3900, 0.5, staircase=True)), ["one step short", "smaller batch"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([3899, 7799], [0.1, 0.05, 0.025])), ["one step short"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([3900, 7800], [0.1, 0.05, 0.025])), ["one step short"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 3906.25, 0.5, staircase=True)), ["middle of an epoch"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 3910, 0.5)), ["instead of halving at once", "an option"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([3910, 7820], [0.1, 0.05, 0.025])),
     ["one step late", "*at* the boundary", "documentation"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 3909, 0.5, staircase=True)), ["one step early", "counted from 0"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 500_000, 0.5, staircase=True)),
     ["your schedule keeps the rate at 0.1", "drops too late, or never", "What does a schedule count"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([500_000, 1_000_000], [0.1, 0.05, 0.025])),
     ["your schedule keeps the rate at 0.1", "drops too late"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 11_730, 0.5, staircase=True)), ["drops too late, or never"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 3910, 2.0, staircase=True)), ["rises", "at step 3,910 it is 0.2"]),
    (lambda: sgd(schedules.ExponentialDecay(0.1, 3910, 2.0)), ["rises", "at step 1 it is"]),
    (lambda: sgd(Raises()), ["calling your schedule at step 0 raised ValueError: no step"]),
    (lambda: sgd(TwoRates()), ["returned 2 values (shape (2,))", "one rate, a scalar"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.1, 3910, 1.0, staircase=True)),
     ["falls too late or too little", "at step 7,820 it is 0.0333333"]),
    (lambda: sgd(schedules.InverseTimeDecay(0.1, 1, 0.5)), ["falls too early or too far", "at step 1 it is"]),
    (lambda: sgd(schedules.PiecewiseConstantDecay([3909, 7819], [0.1, 0.05, 0.01])),
     ["falls too early or too far", "at step 7,820"]),
    (lambda: sgd(schedules.ExponentialDecay(0.01, 3910, 0.5, staircase=True)), ["at step 0 is 0.01"]),
    (lambda: sgd(schedules.CosineDecay(0.1, 11_730)), ["falls too early or too far"]),
    (lambda: sgd(schedules.CosineDecay(0.1, 1_000_000)), ["falls too early or too far"]),  # no "jump" said
    (lambda: sgd(lambda step: 0.1 * 0.5 ** (step // 3910)),
     ["Keras calls a callable `learning_rate` with no argument", "LearningRateSchedule"]),
    (lambda: sgd(momentum=0.0), ["no momentum", "plain SGD"]),
    (lambda: sgd(momentum=0.95), ["momentum=0.95 is not"]),
    (lambda: sgd(nesterov=False), ["`nesterov=True`, and yours does not"]),
    (lambda: sgd(weight_decay=0.5), ["`weight_decay=0.5` was not in the Keras 2 code", "exercise 1"]),
    (lambda: sgd(clipnorm=1.0), ["`clipnorm=1.0`"]),
    (lambda: sgd(use_ema=True), ["`use_ema=True`"]),
    (lambda: sgd(gradient_accumulation_steps=2), ["`gradient_accumulation_steps=2`"]),
    (lambda: sgd(loss_scale_factor=128.0), ["`loss_scale_factor=128.0`"]),
    (lambda: sgd(0.1, momentum=0.95, nesterov=False), ["3 things", "stays 0.1", "momentum=0.95", "nesterov"]),
    (lambda: keras.optimizers.Adam(learning_rate=RIGHT_DECAY), ["Adam"]),
    (lambda: keras.optimizers.SGD, ["the class SGD itself"]),
    (lambda: "sgd", ["string", "defaults"]),
    (lambda: RIGHT_DECAY, ["a schedule alone"]),
    (lambda: keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** (epoch // 10)),
     ["a callback", "runs no callbacks"]),
    (lambda: course_optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True), ["from-scratch", "bare `SGD`"]),
    (lambda: type("MySGD", (keras.optimizers.SGD,), {})(momentum=0.9), ["a subclass of SGD"]),
])
def test_ex3_plausible_mistakes_are_named(make, words):
    answer = make()
    feedback = ex3.check(answer)
    assert_rejected(feedback, *words)
    message = feedback.message
    if isinstance(answer, keras.optimizers.Optimizer) and not answer.gradient_accumulation_steps:  # own rates shown
        try:
            for rate in sgd_momentum._rates(answer):
                message = message.replace(f"{rate:.6g}", "")
        except sgd_momentum.Reply:
            pass
    for value in ("0.05", "0.025", "391", "3910", "3909"):  # the callback's rates and steps never appear
        assert value not in message.replace("7,820", "").replace("128", "")
    assert "ExponentialDecay(" not in feedback.message and "staircase=True" not in feedback.message


def test_ex3_not_solved_says_only_that():
    assert_not_solved(ex3.check(...))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex3_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex3.check(answer))


def test_ex3_the_first_hint_holds_no_part_of_the_solution():
    for part in ("ExponentialDecay", "Piecewise", "staircase", "decay_steps", "391", "3910", "128", "0.5", "ceil"):
        assert part not in ex3.hints[0]


def test_the_course_sgd_points_a_schedule_to_keras():
    with pytest.raises(TypeError, match="use keras.optimizers.SGD"):
        course_optimizers.SGD(learning_rate=RIGHT_DECAY, momentum=0.9)


def test_every_exercise_has_a_nudge_then_a_method():
    for exercise, levels in ((ex1, 3), (ex2, 2), (ex3, 2)):
        assert len(exercise.hints) == levels
        assert f"Hint 1 of {levels}" in repr(exercise.hint(1)) and f"Hint 2 of {levels}" in repr(exercise.hint(2))


def test_every_solution_is_the_notebook_s(monkeypatch):
    for exercise in (ex1, ex2, ex3):
        assert stored_solution("sgd_momentum", exercise.label) in repr(exercise.solution())
    monkeypatch.setenv("COURSE_SOLUTIONS", "off")
    assert "switched off" in repr(ex1.solution())


# --- In Chinese: setup(language="zh") -----------------------------------------------------------------------------


def test_every_message_of_the_module_is_translated(chinese):
    assert untranslated(sgd_momentum) == []


def misses_an_argument(w, velocity, gradient, learning_rate, momentum, weight_decay, nesterov=False):
    return keras_order(w, velocity, gradient, learning_rate, momentum)  # TypeError: a missing argument


EX1_IN_CHINESE = [
    (momentum_only, ["第 1 次运行（形状为 (4,) 的 NumPy float32 权重，learning_rate=0.05，momentum=0.9，"
                     "weight_decay=0.2）：你的权重在第 1 步偏离了 Keras 的轨迹。它们看起来像是不带任何权重衰减的 "
                     "Keras 动量步骤"]),
    (nesterov_by_default, ["它们看起来像是执行了 Nesterov 的步骤", "普通步骤是否没有做前瞻？"]),
    (rate_and_momentum_swapped, ["把 `learning_rate`、`momentum` 和 `weight_decay` 的顺序弄混了"]),
    (with_notebook_globals("globals_lr_and_mu"), ["你的步骤忽略了它收到的 `learning_rate` 和 `momentum`：把它们减半"]),
    (with_notebook_globals("run_1_settings_typed_in"), ["`learning_rate`、`momentum` 和 `weight_decay`"]),
    (with_notebook_globals("global_lr_in_the_decay"), ["在权重衰减中，你的步骤忽略了它收到的 `learning_rate`"]),
    (twice_the_gradient, ["。即使在 weight_decay=0.0 时，你从零速度出发的第一步也与 Keras 的不同"]),
    (velocity_without_the_rate, ["你的权重每一步都与 Keras 一致，但你返回的速度缺少学习率"]),
    (no_return, ["第 1 次运行，第 1 步：`sgd_step` 返回了 None"]),
    (flattened, ["你返回的权重形状为 (6,)，但传给函数的权重形状为 (3, 2)"]),
    (lambda w, velocity, *rest, nesterov=False: (None, velocity), ["第 1 次运行，第 1 步："]),  # as_numbers's words
    (calls_keras, ["`sgd_step` 运行了 Keras 优化器的步骤"]),
]

#: The diagnoses that quote the error the learner's step raised, in Python's own words (the last item).
EX1_QUOTING_PYTHON_IN_CHINESE = [
    (numpy_only, ["第 2 次运行（形状为 (3, 2) 的 tf.Tensor float32 权重", "AttributeError",
                  "。这次运行传给你的函数的是 tf 张量（不是 tf.Variable）", "并返回新的值。"],
     "object has no attribute 'copy'"),
    (misses_an_argument, ["'weight_decay'。检查以 sgd_step(w, velocity, gradient, learning_rate, momentum, "
                          "weight_decay) 的形式调用它：请保留任务给定的参数。"],
     "missing 1 required positional argument: 'weight_decay'"),
    (lambda w, v, g, lr, mu, wd: keras_order(w, v, g, lr, mu, wd), ["的形式调用 `sgd_step`，但它无法这样调用"],
     "got an unexpected keyword argument 'nesterov'"),
]


@pytest.mark.parametrize("function, words, error",
                         [(function, words, "") for function, words in EX1_IN_CHINESE] + EX1_QUOTING_PYTHON_IN_CHINESE,
                         ids=lambda value: getattr(value, "__name__", ""))
def test_ex1_diagnoses_are_in_chinese(chinese, function, words, error):
    feedback = ex1.check(function)
    assert_in_chinese(feedback, "❌", *words, error=error)
    assert "。。" not in feedback.message and "？。" not in feedback.message


def test_ex1_a_right_step_is_confirmed_in_chinese(chinese):
    assert_in_chinese(ex1.check(solution("ex1")["sgd_step"]), "✅", "在 3 次运行（每次 20 步）的每一步上都与带权重衰减的 "
                      "keras.optimizers.SGD 一致")


def test_ex2_answers_in_chinese(chinese):
    assert_in_chinese(ex2.check(1 + 1e-6 * 30), "❌", "`fall` = 1.00003 看起来像是按轮数计算的：")
    assert_in_chinese(ex2.check(0.5), "❌", "`fall` = 0.5 小于 1。")
    assert_in_chinese(ex2.check(float("inf")), "❌", "`fall` 是无穷大")
    assert_in_chinese(ex2.check(solution("ex2")["fall"]), "✅", "fall = 1.015。", "最多只把学习率降低了 1.5%")


def test_ex3_answers_in_chinese(chinese):
    feedback = ex3.check(sgd(0.1, momentum=0.95, nesterov=False))
    assert_in_chinese(feedback, "❌", "有 3 处与 Keras 2 的代码不同：（1）学习率在每一步都保持为 0.1。在自定义训练循环中",
                      "的学习率调度。（2）momentum=0.95 不是 Keras 2 那行代码的动量。（3）Keras 2 那行代码有 `nesterov=True`")
    assert_in_chinese(ex3.check(sgd(schedules.ExponentialDecay(0.1, 500_000, 0.5, staircase=True))), "❌",
                      "回调的 10 轮相当于多少个这样的单位？")
    assert_in_chinese(ex3.check(sgd(schedules.ExponentialDecay(0.1, 3909, 0.5, staircase=True))), "❌",
                      "学习率早了一步下降：")
    assert_in_chinese(ex3.check(sgd(TwoRates())), "❌", "返回了 2 个值（形状为 (2,)）")
    assert_in_chinese(ex3.check(keras.optimizers.SGD), "❌", "`optimizer` 是类 SGD 本身：请带上参数调用它，`SGD(...)`。")
    assert_in_chinese(ex3.check(solution("ex3")["optimizer"]), "✅", "在自定义循环中也是如此。")


@pytest.mark.parametrize("exercise", [ex1, ex2, ex3], ids=lambda exercise: exercise.label)
def test_not_solved_hints_and_help_titles_are_in_chinese(chinese, exercise):
    assert_in_chinese(exercise.check(...), "📝")
    assert_help_in_chinese(exercise)
