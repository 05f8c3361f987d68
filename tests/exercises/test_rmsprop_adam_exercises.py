"""06 · RMSprop and Adam: the shipped solutions pass, plausible mistakes are named, nothing leaks."""

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected, stable_id)

from course_utils import landscapes
from course_utils.checks import stored_solution
from course_utils.descent import descend
from course_utils.exercises import rmsprop_adam
from course_utils.exercises.rmsprop_adam import ex1, ex2
from course_utils.optimizers import Adam, RMSprop
from tools.solutions import BEGIN_SOLUTION
from tools.student import stub_solutions

ROOT = Path(__file__).resolve().parents[2]

NOTEBOOK = ROOT / "notebooks" / "06_rmsprop_adam.ipynb"
DEFAULTS = rmsprop_adam.ADAMW_DEFAULTS


def solution(label):
    namespace = {"np": np, "tf": tf, "keras": keras, "descend": descend, "RMSprop": RMSprop,
                 "scaled": landscapes.quadratic(1.0, 100.0), "start": np.array([-2.5, 0.25])}
    exec(stored_solution("rmsprop_adam", label), namespace)
    return namespace


def student_stub(label):
    """The exercise cell as the student edition has it, run."""
    cells = [cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells
             if cell.cell_type == "code" and BEGIN_SOLUTION in cell.source]
    namespace = {"np": np}
    exec(stub_solutions(cells[int(label[-1]) - 1]), namespace)
    return namespace


def keras_numbers(message):
    """Does a message hold any of Keras's w, m or v (formatted as a check would print them)?"""
    for index in range(len(rmsprop_adam.ADAMW_RUNS)):
        for path in rmsprop_adam.keras_adamw_path(index):
            for value in path[1:6].ravel():  # the first steps' values, where a diagnosis is made
                for shown in (f"{value:.4g}", f"{value:.6g}"):
                    if len(shown.lstrip("-0.").replace(".", "")) >= 3 and shown in message:  # not "1", "0.5"
                        return True
    return False


# --- Exercise 1: adamw_step next to keras.optimizers.AdamW ------------------------------------------------


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["adamw_step"]))


def test_ex1_the_reference_is_keras_and_is_the_documented_rule():
    """Keras's AdamW path is what the float64 rule gives (decay of the old w, then section 4's Adam step), with the
    state kept in float32 as Keras and the check keep it: well inside the check's tolerance."""
    for index, run in enumerate(rmsprop_adam.ADAMW_RUNS):
        keras_w, keras_m, keras_v = rmsprop_adam.keras_adamw_path(index)
        tolerances = rmsprop_adam._tolerances(run, keras_w)
        w, m, v = run.start, np.zeros_like(run.start), np.zeros_like(run.start)
        for step, g in enumerate(run.gradients):
            w, m, v = (a.astype(np.float32) for a in rmsprop_adam._adamw(w, g, m, v, step + 1, run.settings))
            for ours, theirs, tolerance in zip((w, m, v), (keras_w[step + 1], keras_m[step], keras_v[step]),
                                               tolerances):
                assert rmsprop_adam._close(ours, theirs, tolerance, factor=0.5)


def test_ex1_keras_decays_the_old_weight_before_adam_s_step():
    """The exercise's question, answered by Keras itself: with a large rate and decay, one step of AdamW from w = 1
    with a gradient of 1 is 1 - lr wd - step (decay first), not (1 - step)(1 - lr wd) (decay after)."""
    variable = tf.Variable([1.0])
    keras.optimizers.AdamW(learning_rate=0.5, weight_decay=0.5).apply_gradients([(tf.constant([1.0]), variable)])
    step = 0.5 * np.sqrt(0.001) / (np.sqrt(0.001) + 1e-7)  # Adam's first step: about the rate, whatever g
    first, after = 1 - 0.25 - step, (1 - step) * (1 - 0.25)
    assert abs(variable.numpy()[0] - first) < 1e-5 and abs(variable.numpy()[0] - after) > 0.1


def test_ex1_the_keywords_run_shows_the_order_and_the_defaults_run_uses_the_defaults():
    first, defaults = rmsprop_adam.ADAMW_RUNS
    assert first.keywords and not defaults.keywords and defaults.settings == DEFAULTS
    order_gap = first.settings["learning_rate"] * first.settings["weight_decay"] * first.settings["learning_rate"]
    keras_w = rmsprop_adam.keras_adamw_path(0)[0]
    assert order_gap > 10 * np.max(rmsprop_adam._tolerances(first, keras_w)[0][1])  # decay after: seen at step 1
    assert np.any(defaults.gradients[19:24, 3] == 0) and np.all(defaults.gradients[19:24, 3] == 0)  # lazy Adam


def test_ex1_every_named_mistake_changes_the_first_steps():
    """Each mistake the check names is visible in its runs: it changes w, m or v beyond the tolerance early on."""
    named = (rmsprop_adam.RETURNED_HAT + rmsprop_adam.MOMENT_MISTAKES + rmsprop_adam.DECAY_MISTAKES
             + rmsprop_adam.ADAM_STEP_MISTAKES)
    for variant, _ in named:
        seen = False
        for index, run in enumerate(rmsprop_adam.ADAMW_RUNS):
            keras_w, keras_m, keras_v = rmsprop_adam.keras_adamw_path(index)
            tolerances = rmsprop_adam._tolerances(run, keras_w)
            w, m, v = run.start, np.zeros_like(run.start), np.zeros_like(run.start)
            for step in range(len(run.gradients)):
                out = rmsprop_adam._adamw(w, run.gradients[step], m, v, step + 1, run.settings, variant)
                expected = (keras_w[step + 1], keras_m[step], keras_v[step])
                if not all(rmsprop_adam._close(a, b, tol) for a, b, tol in zip(out, expected, tolerances)):
                    seen = True
                    break
                w, m, v = (a.astype(np.float32) for a in out)
            if seen:
                break
        assert seen, variant


# Right answers written differently: each must pass.
def numpy_simple(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def adamw_paper_form(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-7):
    """Loshchilov & Hutter's Algorithm 2 (decay of the old w, inside one update), with Keras's epsilon converted."""
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    eps_hat = epsilon / np.sqrt(1 - beta_2**t)
    return w - learning_rate * (m_hat / (np.sqrt(v_hat) + eps_hat) + weight_decay * w), m, v


def tf_ops(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - w * weight_decay * learning_rate  # Keras's own order of the factors
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * tf.square(g)
    alpha = learning_rate * tf.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (tf.sqrt(v) + epsilon), m, v


def tf_variables_assigned(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                          epsilon=1e-7):
    w, m, v = tf.Variable(w), tf.Variable(m), tf.Variable(v)
    w.assign_sub(w * weight_decay * learning_rate)
    m.assign(beta_1 * m + (1 - beta_1) * g)
    v.assign(beta_2 * v + (1 - beta_2) * g**2)
    w.assign_sub(learning_rate * (1 - beta_2**t) ** 0.5 / (1 - beta_1**t) * m / (tf.sqrt(v) + epsilon))
    return w, m, v


def float64_everything(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                       epsilon=1e-7):
    w, g, m, v = (np.asarray(x, dtype=np.float64) for x in (w, g, m, v))
    m = m + (g - m) * (1 - beta_1)
    v = v + (g**2 - v) * (1 - beta_2)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w * (1 - learning_rate * weight_decay) - m * alpha / (np.sqrt(v) + epsilon), m, v


def inplace_lists(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w -= learning_rate * weight_decay * w
    m *= beta_1
    m += (1 - beta_1) * g
    v *= beta_2
    v += (1 - beta_2) * np.square(g)
    w -= learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return [w, m, v]


def float32_powers(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    b1t = np.float32(beta_1) ** np.float32(t)
    b2t = np.float32(beta_2) ** np.float32(t)
    w = w - np.float32(learning_rate) * np.float32(weight_decay) * w
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - np.float32(learning_rate) * np.sqrt(1 - b2t) / (1 - b1t) * m / (np.sqrt(v) + epsilon), m, v


def mixed_keras_ops(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    ops = keras.ops
    w = ops.subtract(w, ops.multiply(ops.multiply(w, weight_decay), learning_rate))
    m = ops.add(m, ops.multiply(ops.subtract(g, m), 1 - beta_1))
    v = ops.add(v, ops.multiply(ops.subtract(ops.square(g), v), 1 - beta_2))
    alpha = learning_rate * (1 - beta_2**t) ** 0.5 / (1 - beta_1**t)
    return ops.subtract(w, ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), epsilon))), m, v


def keyword_settings(w, g, m, v, t, **settings):
    """Every setting from **settings, with AdamW's defaults."""
    settings = {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                **settings}
    return numpy_simple(w, g, m, v, t, **settings)


def stacked(w, g, m, v, t, **settings):
    return np.array(numpy_simple(w, g, m, v, t, **settings))  # one array of shape (3, ...): w, m, v


@pytest.mark.parametrize("function", [numpy_simple, adamw_paper_form, tf_ops, tf_variables_assigned,
                                      float64_everything, inplace_lists, float32_powers, mixed_keras_ops,
                                      keyword_settings, stacked], ids=lambda f: f.__name__)
def test_ex1_right_forms_pass(function):
    assert_passed(ex1.check(function))


# Plausible mistakes, written as a learner would: each must be rejected and named, never misnamed.
def adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    """Keras's Adam step on w from the new m and v: what the mistakes below share."""
    return w - learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)


def moments(g, m, v, beta_1, beta_2):
    return beta_1 * m + (1 - beta_1) * g, beta_2 * v + (1 - beta_2) * g**2


def decay_after_step(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v = moments(g, m, v, beta_1, beta_2)
    w = adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon)
    w = w - learning_rate * weight_decay * w
    return w, m, v


def no_decay(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v = moments(g, m, v, beta_1, beta_2)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def decay_without_rate(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                       epsilon=1e-7):
    w = w - weight_decay * w
    m, v = moments(g, m, v, beta_1, beta_2)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def l2_in_gradient(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    g = g + weight_decay * w  # L2 in the gradient, Keras's Adam step otherwise
    m, v = moments(g, m, v, beta_1, beta_2)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def pytorch_adam_weight_decay(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                              epsilon=1e-7):
    g = g + weight_decay * w  # PyTorch's Adam(weight_decay=...): L2 in the gradient, epsilon as in Algorithm 1
    m, v = moments(g, m, v, beta_1, beta_2)
    return w - learning_rate * (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t)) + epsilon), m, v


def l2_and_decoupled(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-7):
    w_decayed = w - learning_rate * weight_decay * w  # the decoupled decay, and the L2 term in the gradient too
    m, v = moments(g + weight_decay * w, m, v, beta_1, beta_2)
    return adam_part(w_decayed, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def float16(w, g, m, v, t, **settings):
    result = numpy_simple(*(np.asarray(a, np.float16) for a in (w, g, m, v)), t, **settings)
    return tuple(np.asarray(a, np.float16) for a in result)


def returns_input_moments(w, g, m, v, t, **settings):
    return numpy_simple(w, g, m, v, t, **settings)[0], m, v  # the new w, and m and v as they came in


def huge_w(w, g, m, v, t, **settings):
    return (10**400, *numpy_simple(w, g, m, v, t, **settings)[1:])


def tensorflow_adam_kernel(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                           epsilon=1e-7):
    from tensorflow.python.ops import gen_training_ops  # the kernel behind tf.raw_ops.ResourceApplyAdam

    variables = [tf.Variable(w * (1 - learning_rate * weight_decay)), tf.Variable(m), tf.Variable(v)]
    gen_training_ops.resource_apply_adam(*(variable.handle for variable in variables), np.float32(beta_1**t),
                                         np.float32(beta_2**t), np.float32(learning_rate), np.float32(beta_1),
                                         np.float32(beta_2), np.float32(epsilon), tf.constant(g))
    return tuple(variable.numpy() for variable in variables)


def decay_grows(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w + learning_rate * weight_decay * w
    m, v = moments(g, m, v, beta_1, beta_2)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def keras2_decay(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    learning_rate = learning_rate / (1 + weight_decay * (t - 1))  # Keras 2's decay= of the rate
    m, v = moments(g, m, v, beta_1, beta_2)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def decay_by_alpha(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v = moments(g, m, v, beta_1, beta_2)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * (m / (np.sqrt(v) + epsilon) + weight_decay * w), m, v


def decay_hard_coded(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * 0.004 * w
    m, v = moments(g, m, v, beta_1, beta_2)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def lazy(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, v = (np.array(x, dtype=np.float64) for x in (w, m, v))
    w = w - learning_rate * weight_decay * w
    seen = g != 0  # only the entries that got a gradient (a "lazy", sparse Adam)
    m[seen], v[seen] = moments(g[seen], m[seen], v[seen], beta_1, beta_2)
    w[seen] = adam_part(w[seen], m[seen], v[seen], t, learning_rate, beta_1, beta_2, epsilon)
    return w, m, v


def lazy_everything(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, v = (np.array(x, dtype=np.float64) for x in (w, m, v))
    seen = g != 0
    w[seen] = w[seen] - learning_rate * weight_decay * w[seen]
    m[seen], v[seen] = moments(g[seen], m[seen], v[seen], beta_1, beta_2)
    w[seen] = adam_part(w[seen], m[seen], v[seen], t, learning_rate, beta_1, beta_2, epsilon)
    return w, m, v


def step_factor(factor):
    def adamw_step(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        w = w - learning_rate * weight_decay * w
        m, v = moments(g, m, v, beta_1, beta_2)
        return w - factor * (w - adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon)), m, v

    adamw_step.__name__ = f"step_times_{factor}"
    return adamw_step


def with_step(step):
    """AdamW with the decay and the moments right, and ``step(w, g, m, v, t, lr, b1, b2, eps)`` for Adam's part."""
    def adamw_step(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        w = w - learning_rate * weight_decay * w
        m, v = moments(g, m, v, beta_1, beta_2)
        return step(w, g, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v

    return adamw_step


def with_t(shape_t):
    def adamw_step(w, g, m, v, t, **settings):
        return numpy_simple(w, g, m, v, shape_t(t), **settings)

    return adamw_step


def with_settings(**changes):
    def adamw_step(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        settings = dict(learning_rate=learning_rate, weight_decay=weight_decay, beta_1=beta_1, beta_2=beta_2,
                        epsilon=epsilon)
        settings.update({name: change(settings) for name, change in changes.items()})
        return numpy_simple(w, g, m, v, t, **settings)

    return adamw_step


def returns_m_hat(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m, v = moments(g, m, v, beta_1, beta_2)
    m_hat = m / (1 - beta_1**t)
    return w - learning_rate * np.sqrt(1 - beta_2**t) * m_hat / (np.sqrt(v) + epsilon), m_hat, v


def returns_both_hats(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                      epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m, v = moments(g, m, v, beta_1, beta_2)
    m, v = m / (1 - beta_1**t), v / (1 - beta_2**t)
    return w - learning_rate * m / (np.sqrt(v) + epsilon / np.sqrt(1 - beta_2**t)), m, v


def old_moments(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    w = adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon)
    m, v = moments(g, m, v, beta_1, beta_2)
    return w, m, v


def betas_swapped(w, g, m, v, t, beta_1=0.9, beta_2=0.999, **settings):
    return numpy_simple(w, g, m, v, t, beta_1=beta_2, beta_2=beta_1, **settings)


def sgd_style_m(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m = beta_1 * m + g
    v = beta_2 * v + (1 - beta_2) * g**2
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def v_of_abs_g(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * abs(g)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def amsgrad(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m, v_new = moments(g, m, v, beta_1, beta_2)
    v = np.maximum(v, v_new)
    return adam_part(w, m, v, t, learning_rate, beta_1, beta_2, epsilon), m, v


def wrong_order(w, g, m, v, t, **settings):
    w, m, v = numpy_simple(w, g, m, v, t, **settings)
    return m, v, w


def hardcoded_betas(w, g, m, v, t, beta_1=0.9, beta_2=0.999, **settings):
    return numpy_simple(w, g, m, v, t, beta_1=0.9, beta_2=0.999, **settings)


def wrong_epsilon_default(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                          epsilon=1e-8):
    return numpy_simple(w, g, m, v, t, learning_rate, weight_decay, beta_1, beta_2, epsilon)


def all_defaults_wrong(w, g, m, v, t, learning_rate=0.01, weight_decay=0.004, beta_1=0.99, beta_2=0.9, epsilon=1e-3):
    return numpy_simple(w, g, m, v, t, learning_rate, weight_decay, beta_1, beta_2, epsilon)


def hidden_wrong_default(w, g, m, v, t, **settings):
    settings = {**DEFAULTS, "weight_decay": 0.01, **settings}  # PyTorch's AdamW default, behind **settings
    return numpy_simple(w, g, m, v, t, **settings)


def no_defaults(w, g, m, v, t, learning_rate, weight_decay, beta_1, beta_2, epsilon):
    return numpy_simple(w, g, m, v, t, learning_rate, weight_decay, beta_1, beta_2, epsilon)


def adam_signature(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return numpy_simple(w, g, m, v, t, learning_rate, 0.004, beta_1, beta_2, epsilon)


def lr_name(w, g, m, v, t, lr=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return numpy_simple(w, g, m, v, t, lr, weight_decay, beta_1, beta_2, epsilon)


def keras_adamw_inside(w, g, m, v, t, **settings):
    """Keras's own step, with the learner's m and v put into its slots: calls the optimizer it should write."""
    variable = tf.Variable(np.asarray(w, np.float32))
    optimizer = keras.optimizers.AdamW(**{**DEFAULTS, **settings})
    optimizer.build([variable])
    optimizer.iterations.assign(t - 1)
    optimizer._momentums[0].assign(m)
    optimizer._velocities[0].assign(v)
    optimizer.apply_gradients([(tf.constant(g), variable)])
    return variable.numpy(), optimizer._momentums[0].numpy(), optimizer._velocities[0].numpy()


_keras_state = {}


def keras_adamw_kept(w, g, m, v, t, **settings):
    """Keras's AdamW kept between calls, reset at step 1."""
    if t == 1:
        _keras_state["variable"] = tf.Variable(np.asarray(w, np.float32))
        _keras_state["optimizer"] = keras.optimizers.AdamW(**{**DEFAULTS, **settings})
    variable, optimizer = _keras_state["variable"], _keras_state["optimizer"]
    optimizer.apply_gradients([(tf.constant(g), variable)])
    slots = {slot.name.rsplit("_", 1)[-1]: slot.numpy() for slot in optimizer.variables}
    return variable.numpy(), slots["momentum"], slots["velocity"]


def course_adam_inside(w, g, m, v, t, **settings):
    settings = {**DEFAULTS, **settings}
    decay = settings.pop("weight_decay")
    optimizer = Adam(**settings)
    optimizer.iterations = t - 1
    optimizer._state[("m", 0)], optimizer._state[("v", 0)] = np.array(m, np.float32), np.array(v, np.float32)
    w = optimizer.step(np.asarray(w, np.float32) * np.float32(1 - settings["learning_rate"] * decay), g)
    return w, optimizer._state[("m", 0)], optimizer._state[("v", 0)]


def raises_system_exit(w, g, m, v, t, **settings):
    raise SystemExit(1)


def nones(w, g, m, v, t, **settings):
    return None, None, None


def complex_w(w, g, m, v, t, **settings):
    w, m, v = numpy_simple(w, g, m, v, t, **settings)
    return w + 0j, m, v


def returns_dict(w, g, m, v, t, **settings):
    return dict(zip("wmv", numpy_simple(w, g, m, v, t, **settings)))


def returns_only_w(w, g, m, v, t, **settings):
    return numpy_simple(w, g, m, v, t, **settings)[0]


def no_return(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = numpy_simple(w, g, m, v, t, learning_rate, weight_decay, beta_1, beta_2, epsilon)[0]


def scalar_w(w, g, m, v, t, **settings):
    w, m, v = numpy_simple(w, g, m, v, t, **settings)
    return float(np.mean(w)), m, v


def math_sqrt(w, g, m, v, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w = w - learning_rate * weight_decay * w
    m, v = moments(g, m, v, beta_1, beta_2)
    return w - learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (math.sqrt(v) + epsilon), m, v


def returns_old_w(w, g, m, v, t, **settings):
    return (w, *numpy_simple(w, g, m, v, t, **settings)[1:])


_count = {"steps": 0}


def global_counter(w, g, m, v, t, **settings):
    _count["steps"] += 1  # its own step count, instead of the argument t: it runs on into the second run
    return numpy_simple(w, g, m, v, _count["steps"], **settings)


def paper_step(w, g, m, v, t, lr, b1, b2, eps):
    return w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


MISTAKES = [
    # the weight decay: the new part
    (decay_after_step, ["after Adam's step", "_backend_apply_gradients"], []),
    (no_decay, ["without the weight decay"], []),
    (decay_without_rate, ["without the learning rate"], []),
    (l2_in_gradient, ["L2 regularisation", "decoupled"], []),
    (pytorch_adam_weight_decay, ["L2 regularisation", "PyTorch's Adam(weight_decay=...)"], []),
    (l2_and_decoupled, ["L2 regularisation"], []),  # the second review: it got "not Keras's" before
    (decay_grows, ["wrong sign"], []),
    (keras2_decay, ["Keras 2's `decay=`"], []),
    (decay_by_alpha, ["alpha_t"], []),
    (decay_hard_coded, ["weight_decay = 0.004 (AdamW's default)", "Use the arguments"], []),
    (lazy, ["step 20", "lazy"], []),  # the zero gradients of steps 20-24: m and v must decay
    (lazy_everything, ["gradient is 0"], []),
    # the defaults, and the signature
    (wrong_epsilon_default, ["`epsilon` the default 1e-08"], []),
    (all_defaults_wrong, ["`learning_rate` the default 0.01"], []),
    (hidden_wrong_default, ["defaults your function uses are not AdamW's"], []),
    (no_defaults, ["adamw_step(w, g, m, v, t)", "missing a required argument"], []),
    (adam_signature, ["unexpected keyword argument 'weight_decay'"], []),
    (lr_name, ["does not accept"], []),
    (hardcoded_betas, ["beta_1 = 0.9, beta_2 = 0.999 (AdamW's defaults)", "Use the arguments"], []),
    # an optimizer called instead of the rule written
    (keras_adamw_inside, ["runs an optimizer's step"], []),
    (keras_adamw_kept, ["runs an optimizer's step"], []),
    (course_adam_inside, ["runs an optimizer's step"], []),
    (tensorflow_adam_kernel, ["runs an optimizer's step"], []),  # passed before the second review
    # Adam's part: misnamed by the review of the Adam version, now named right or left unnamed
    (step_factor(0.5), ["constant multiple"], ["of step", "bias correction"]),
    (step_factor(2.0), ["constant multiple"], ["of step", "bias correction"]),
    (step_factor(1.01), ["constant multiple"], ["of step", "bias correction"]),
    (with_settings(learning_rate=lambda s: s["learning_rate"] * 1.001), ["constant multiple"], ["of step"]),
    (with_settings(learning_rate=lambda s: s["learning_rate"] * 2), ["whole change", "constant multiple",
                                                                     "learning rate"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: adam_part(w, m, v, t, lr * lr, b1, b2, eps)),
     ["constant multiple"], ["old m"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: adam_part(w, m, v, t, 0.1 * lr, b1, b2, eps)),
     ["constant multiple"], ["only v"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m
               / np.maximum(np.sqrt(v), eps)), ["without epsilon"], ["of step"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m
               / np.sqrt(v + eps**2)), ["not Keras's AdamW"], ["of step"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(1 - b2 ** (t + 1)) / (1 - b1**t) * m
               / (np.sqrt(v) + eps)), ["not Keras's AdamW"], ["of step", "t + 1"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(1 - b2**t) * g / (np.sqrt(v) + eps)),
     ["not Keras's AdamW"], ["upside down"]),
    (returns_m_hat, ["bias-corrected m̂"], ["SGD"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(1 - b2**t) / (1 - 0.9**t) * m
               / (np.sqrt(v) + eps)), ["not Keras's AdamW"], ["without the bias correction"]),
    (with_t(lambda t: 2 * t), ["not Keras's AdamW"], ["t + 1"]),
    (with_t(lambda t: 1), ["step 1 at every step"], ["t − 1"]),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(np.abs(b2**t - 1)) / (b1**t - 1) * m
               / (np.sqrt(v) + eps)), ["uphill", "beta^t − 1"], []),
    # Adam's part: the classic mistakes, named
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * m / (np.sqrt(v) + eps)),
     ["without the bias correction"], []),
    (with_t(lambda t: t + 1), ["t + 1"], []),
    (with_t(lambda t: t - 1), ["t − 1", "1 − beta^0 = 0"], []),
    (with_step(paper_step), ["Algorithm 1", "uncorrected"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: paper_step(w, g, m, v, t, lr, b1, b2, 1e-8)),
     ["PyTorch's 1e-8"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t))
                                                                                    + eps * np.sqrt(1 - b2**t))),
     ["converted the wrong way"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m
               / np.sqrt(v + eps)), ["inside the square root"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: 2 * w - adam_part(w, m, v, t, lr, b1, b2, eps)), ["uphill"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * (m / (1 - b1**t)) / (v / (1 - b2**t) + eps)),
     ["no square root"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * m / (1 - b1**t) / (np.sqrt(v) + eps)),
     ["only m bias-corrected"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * (1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)),
     ["without its square root"], []),
    (with_step(lambda w, g, m, v, t, lr, b1, b2, eps: w - lr * (1 - b1**t) / np.sqrt(1 - b2**t) * m
               / (np.sqrt(v) + eps)), ["upside down"], []),
    (old_moments, ["old m and v"], []),
    (global_counter, ["later step", "argument `t`"], []),
    (returns_both_hats, ["bias-corrected m̂ and v̂"], []),
    (betas_swapped, ["swapped"], []),
    (sgd_style_m, ["SGD's momentum"], []),
    (v_of_abs_g, ["|g|"], []),
    (amsgrad, ["AMSGrad"], []),
    (wrong_order, ["order"], []),
    (returns_old_w, ["does not move"], []),
    (returns_input_moments, ["the ones your function was given"], []),
    (float16, ["close to Keras's", "not to float32 precision"], []),
    # what comes back, and errors
    (raises_system_exit, ["raised SystemExit"], []),
    (nones, ["w that `adamw_step` returns is None"], []),
    (complex_w, ["complex"], []),
    (returns_dict, ["return three things"], []),
    (returns_only_w, ["return three things"], []),
    (no_return, ["None"], []),
    (scalar_w, ["shape"], []),
    (huge_w, ["too large for a float"], []),
    (math_sqrt, ["raised TypeError"], []),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the learner's own 0/0, as in a notebook
@pytest.mark.parametrize("function, words, absent", MISTAKES,
                         ids=[f"{i}-{f.__name__}" for i, (f, _, _) in enumerate(MISTAKES)])
def test_ex1_plausible_mistakes_are_named(function, words, absent):
    _count["steps"] = 0
    feedback = ex1.check(function)
    assert_rejected(feedback, *words)
    for word in absent:
        assert word not in feedback.message, feedback.message
    assert not keras_numbers(feedback.message)


def test_ex1_no_optimizer_stays_switched_off():
    """The check refuses optimizers only while the learner's function runs."""
    ex1.check(keras_adamw_inside)
    variable = tf.Variable([1.0])
    keras.optimizers.AdamW(learning_rate=0.1).apply_gradients([(tf.constant([1.0]), variable)])
    assert variable.numpy()[0] < 1.0
    assert Adam().step(np.array([1.0]), np.array([1.0]))[0] < 1.0


def test_ex1_the_check_does_not_trust_the_inputs_it_hands_out():
    def mutates_its_inputs(w, g, m, v, t, **settings):
        g *= 1000.0  # a learner's in-place change reaches only the copy it was given
        w[...] = 0.0
        return w, m, v

    assert_rejected(ex1.check(mutates_its_inputs))
    assert_passed(ex1.check(solution("ex1")["adamw_step"]))


def test_ex1_not_solved_says_only_that():
    assert_not_solved(ex1.check(...))
    assert_not_solved(ex1.check(student_stub("ex1")["adamw_step"]))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex1_junk_is_rejected_without_a_traceback(answer):
    feedback = ex1.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


def test_ex1_the_notebook_prints_no_adam_step_above_the_exercise():
    """Section 4 gives Keras's Adam as a formula; printing course_utils's Adam._update would print the solution."""
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    exercises = next(i for i, cell in enumerate(cells) if cell.source.startswith("## Exercises"))
    for cell in cells[:exercises]:
        if cell.cell_type == "code":
            assert "Adam._update" not in cell.source and "Adam.update_step" not in cell.source


def test_ex1_the_first_hint_holds_no_part_of_the_solution():
    for part in ("sqrt", "√", "beta_1 *", "1 - beta", "1 − beta", "epsilon", "alpha", "g**2", "g²", "section 4",
                 "return", "learning_rate", "_apply", "getsource", "first shrinks", "decays first"):
        assert part not in ex1.hints[0]


# --- Exercise 2: choose rho ------------------------------------------------------------------------------

SCALED = landscapes.quadratic(*rmsprop_adam.CURVATURES)


def numpy_losses(rho):
    return descend(SCALED, np.array(rmsprop_adam.START), rmsprop_adam.STEPS,
                   RMSprop(learning_rate=rmsprop_adam.RATE, rho=rho).step).losses


def works(losses):
    return losses.max() <= losses[0] and np.all(losses[rmsprop_adam.HOLD_FROM:] < rmsprop_adam.TARGET)


def test_ex2_the_shipped_solution_passes():
    assert_passed(ex2.check(solution("ex2")["chosen_rho"]))


def test_ex2_the_task_s_problem_is_section_1_s_and_descend_computes_keras_s_run():
    """What the task says: `scaled` from `start` is the check's problem, and descend gives Keras's float64 run."""
    assert rmsprop_adam.CURVATURES == (1.0, 100.0) and rmsprop_adam.START == (-2.5, 0.25)
    for rho in (0.9, 0.99, 0.995, 0.999):
        keras_losses, numpy_run = rmsprop_adam.keras_rmsprop_losses(rho), numpy_losses(rho)
        assert np.allclose(keras_losses, numpy_run, rtol=1e-12, atol=0)
        assert works(keras_losses) == works(numpy_run) == (rho == 0.995)


def test_ex2_in_float32_the_steep_coordinate_underflows_to_zero_and_stays():
    """The task's reason for float64: in float32, y becomes exactly 0 early and can no longer jitter."""
    variable = tf.Variable(np.array(rmsprop_adam.START, np.float32))
    curvatures = tf.constant(rmsprop_adam.CURVATURES, "float32")
    optimizer = keras.optimizers.RMSprop(learning_rate=rmsprop_adam.RATE, rho=0.99)
    ys = []
    for _ in range(150):
        optimizer.apply([curvatures * variable], [variable])
        ys.append(variable.numpy()[1])
    first_zero = ys.index(0.0)
    assert first_zero < 100 and all(y == 0.0 for y in ys[first_zero:])
    assert not works(rmsprop_adam.keras_rmsprop_losses(0.99))  # while in float64 the jitter returns


@pytest.mark.parametrize("answer", [0.995, np.float32(0.995), np.float64(0.995), np.array(0.995), np.array([0.995]),
                                    [0.995], tf.constant(0.995), tf.Variable(0.995), 1 - 1 / 200, Fraction(199, 200),
                                    Decimal("0.995"), 0.993, 0.997], ids=stable_id)
def test_ex2_right_forms_pass(answer):
    assert_passed(ex2.check(answer))


LONGER = ("A longer memory", "larger rho")
SHORTER = ("A shorter memory", "smaller rho")


@pytest.mark.parametrize("answer, words", [
    (0.9, ("never gets below", "jitter", *LONGER)),  # Keras's default
    (0.5, ("never gets below", *LONGER)),
    (0.0, ("never gets below", *LONGER)),
    (0.95, ("never gets below", *LONGER)),  # the notebook's own exercise value of old
    (0.98, ("back above", *LONGER)),
    (0.99, ("back above", *LONGER)),  # CS231n's and fastbook's typical value
    (0.999, ("rises above its start", *SHORTER)),  # Adam's beta_2
    (0.9999, ("rises above its start", *SHORTER)),
    (0.9995, ("rises above its start", *SHORTER)),
    (1.0, ("never moves from 0", "below 1")),
    (200, ("not between 0 and 1", "not the memory in steps")),  # the memory, 1 / (1 - rho), instead of rho
    (1.5, ("not between 0 and 1",)),
    (1.0000001, ("`chosen_rho` = 1.0000001 is not between 0 and 1",)),  # shown as itself, not rounded to 1
    (-0.995, ("negative",)),
    (0.005, ("never gets below", *LONGER)),  # 1 - rho instead of rho
    ("0.995", ("should be a number",)),
    ([0.99, 0.995], ("one number",)),
    (keras.optimizers.RMSprop(rho=0.995), ("optimizer", "number rho")),
    (1 - 1e-12, ("`chosen_rho` = 0.999999999999,", *SHORTER)),  # shown as itself, not rounded to 1
    ([[1.0], [2.0, 3.0]], ("cannot be read",)),
], ids=stable_id)
def test_ex2_plausible_mistakes_are_named(answer, words):
    feedback = ex2.check(answer)
    assert_rejected(feedback, *words)


@pytest.mark.parametrize("rho", [0.3, 0.8, 0.96, 0.985, 0.991, 0.9987, 0.9989, 0.99925])
def test_ex2_the_advice_points_the_right_way(rho):
    feedback = ex2.check(rho)
    assert_rejected(feedback)
    if rho < 0.995:
        assert "larger rho" in feedback.message and "smaller rho" not in feedback.message
    else:
        assert "smaller rho" in feedback.message and "larger rho" not in feedback.message


@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99, 0.999, 0.9999, 200, 1.0])
def test_ex2_a_wrong_answer_s_message_names_no_rho_but_its_own(rho):
    message = ex2.check(rho).message.replace(f"{rho:.10g}", "").replace(f"{rho:.6g}", "")
    for other in ("0.99", "0.991", "0.992", "0.993", "0.995", "0.997", "0.998"):
        assert other not in message


def test_ex2_not_solved_says_only_that():
    assert_not_solved(ex2.check(...))
    assert_not_solved(ex2.check(student_stub("ex2")["chosen_rho"]))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex2_junk_is_rejected_without_a_traceback(answer):
    feedback = ex2.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


def test_ex2_the_first_hint_holds_no_part_of_the_solution():
    for part in ("0.99", "0.995", "0.998", "1e-6", "descend", "larger", "smaller"):
        assert part not in ex2.hints[0]


def test_every_exercise_gives_a_nudge_before_the_method():
    for exercise in (ex1, ex2):
        assert 2 <= len(exercise.hints) <= 3
        assert "Hint 1 of" in repr(exercise.hint(1))
        for _ in exercise.hints:
            exercise.hint()
        assert "No more hints" in repr(exercise.hint())


# --- In Chinese (setup(language="zh")): each verdict, diagnosis and hint of this module ------------------------------

def test_in_chinese_ex1_answers_a_blank_a_right_and_a_wrong_answer_in_chinese(chinese):
    assert_in_chinese(ex1.check(...), "📝", "`adamw_step`")
    assert_in_chinese(ex1.check(solution("ex1")["adamw_step"]), "✅",
                      "`adamw_step` 在每一步都与 keras.optimizers.AdamW 一致，精确到 float32 精度：25 步，使用 "
                      "learning_rate=0.05, weight_decay=0.1, beta_1=0.8, beta_2=0.99, epsilon=1e-4（2×3 个权重）；"
                      "40 步，使用 AdamW 的默认值（4 个权重）。")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("function, parts", [
    (decay_after_step, ["第 1 步：m 和 v 是对的，但 w 上的这一步看起来像是在 Adam 的一步之后，把衰减作用在新的 w 上。",
                        "_backend_apply_gradients"]),
    (lazy, ["在使用“AdamW 的默认值（以 adamw_step(w, g, m, v, t) 调用，不传入任何设置）”的运行中，第 20 步：",
            "你的 m 和 v 看起来像是用了“惰性”Adam"]),
    (hardcoded_betas, ["对应的是 beta_1 = 0.9, beta_2 = 0.999（AdamW 的默认值），而不是传入的值"]),
    (with_t(lambda t: t - 1), ["你的 w 是 NaN：在第 1 步，你的偏差修正除以了 1 − beta^0 = 0"]),
    (step_factor(2.0), ["你在 w 上的 Adam 步都是 Keras 的常数倍"]),
    (wrong_epsilon_default, ["你的函数签名给 `epsilon` 的默认值是 1e-08；本题要求的（AdamW 的默认值）是 "
                             "adamw_step(w, g, m, v, t, learning_rate=0.001"]),
    (nones, ["`adamw_step` 返回的 w 是 None。"]),
    (returns_only_w, ["只返回了一个", "应当返回三个值"]),
    (keras_adamw_inside, ["调用了某个优化器的一步"]),
], ids=lambda value: getattr(value, "__name__", None))
def test_in_chinese_ex1_names_the_mistakes_in_chinese(chinese, function, parts):
    assert_in_chinese(ex1.check(function), "❌", *parts)


def test_in_chinese_ex1_quotes_python_s_own_error_as_python_wrote_it(chinese):
    assert_in_chinese(ex1.check(no_defaults), "❌", "检查的第一次运行以 adamw_step(w, g, m, v, t) 的形式调用它",
                      error="missing a required argument: 'learning_rate'")


def test_in_chinese_ex2_answers_a_blank_a_right_and_a_wrong_answer_in_chinese(chinese):
    assert_in_chinese(ex2.check(...), "📝", "`chosen_rho`")
    assert_in_chinese(ex2.check(0.995), "✅", "当 rho = 0.995 时，学习率 η = 0.02 的 Keras RMSprop 从未超过它的初始损失 "
                                             "6.25，并且从第 300 步到第 500 步，损失始终低于 1e-6。")
    for rho, part in [(0.9, "当 `chosen_rho` = 0.9 时，损失在 500 步内从未降到 1e-6 以下"),
                      (0.99, "抖动在第 "), (0.999, "超过了它的初始值（6.25）"), (200, "不在 0 和 1 之间"),
                      (1.0, "rho 必须小于 1"), (-0.5, "是负数"), ([0.99, 0.995], "它的形状是 (2,)"),
                      (keras.optimizers.RMSprop(rho=0.995), "带配置的对象")]:
        assert_in_chinese(ex2.check(rho), "❌", part)


@pytest.mark.parametrize("exercise", [ex1, ex2], ids=["ex1", "ex2"])
def test_in_chinese_the_hints_and_their_titles_are_chinese(chinese, exercise):
    assert_help_in_chinese(exercise)
