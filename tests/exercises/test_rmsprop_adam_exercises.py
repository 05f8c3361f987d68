"""06 · RMSprop and Adam: the shipped solutions pass, plausible mistakes are named, nothing leaks."""

from decimal import Decimal
from fractions import Fraction

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from tables import JUNK, assert_not_solved, assert_passed, assert_rejected

from conftest import ROOT
from course_utils import landscapes
from course_utils.checks import stored_solution
from course_utils.descent import descend
from course_utils.exercises import rmsprop_adam
from course_utils.exercises.rmsprop_adam import ex1, ex2
from course_utils.optimizers import RMSprop
from course_utils.workbook import BEGIN_SOLUTION, stub_solutions

NOTEBOOK = ROOT / "notebooks" / "06_rmsprop_adam.ipynb"


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
    for index in range(len(rmsprop_adam.ADAM_RUNS)):
        for path in rmsprop_adam.keras_adam_path(index):
            for value in path[1:6].ravel():  # the first steps' values, where a diagnosis is made
                for shown in (f"{value:.4g}", f"{value:.6g}"):
                    if len(shown.lstrip("-0.").replace(".", "")) >= 3 and shown in message:  # not "1", "0.5"
                        return True
    return False


# --- Exercise 1: adam_step next to keras.optimizers.Adam --------------------------------------------------


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["adam_step"]))


def test_ex1_the_reference_is_keras_and_is_the_documented_rule():
    """Keras's path is what the float64 form of section 4 gives, to float32 precision."""
    for index, run in enumerate(rmsprop_adam.ADAM_RUNS):
        keras_w, keras_m, keras_v = rmsprop_adam.keras_adam_path(index)
        g_scale = np.max(np.abs(run.gradients), axis=0)
        w, m, v = run.start.astype(np.float64), np.zeros(run.start.shape), np.zeros(run.start.shape)
        for step, g in enumerate(run.gradients):
            w, m, v = rmsprop_adam._adam(w, g, m, v, step + 1, **run.settings)
            assert np.all(np.abs(m - keras_m[step]) <= 1e-5 * np.abs(m) + 1e-6 * g_scale)
            assert np.all(np.abs(v - keras_v[step]) <= 1e-5 * v + 1e-6 * g_scale**2)
            assert np.all(np.abs(w - keras_w[step + 1]) <= 1e-3 * run.settings["learning_rate"])


def test_ex1_every_named_mistake_changes_the_first_steps():
    """Each mistake the check names is visible in its runs: it changes w, m or v beyond the tolerance early on."""
    for variant, _ in rmsprop_adam.MOMENT_MISTAKES + rmsprop_adam.STEP_MISTAKES:
        seen = False
        for index, run in enumerate(rmsprop_adam.ADAM_RUNS):
            keras_w, keras_m, keras_v = rmsprop_adam.keras_adam_path(index)
            tolerances = rmsprop_adam._tolerances(run, keras_w)
            w, m, v = run.start, np.zeros_like(run.start), np.zeros_like(run.start)
            for step in range(8):
                out = rmsprop_adam._adam(w, run.gradients[step], m, v, step + 1, **run.settings, **variant)
                expected = (keras_w[step + 1], keras_m[step], keras_v[step])
                if not all(rmsprop_adam._close(a, b, tol) for a, b, tol in zip(out, expected, tolerances)):
                    seen = True
                    break
                w, m, v = (a.astype(np.float32) for a in out)
        assert seen, variant


# Right answers written differently: each must pass.
def numpy_simple(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def paper_converted_eps(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    eps_hat = epsilon / np.sqrt(1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps_hat), m, v


def tf_ops(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * tf.square(g)
    alpha = learning_rate * tf.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    w = w - alpha * m / (tf.sqrt(v) + epsilon)
    return w, m, v


def tf_variables_returned(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = tf.Variable(beta_1 * m + (1 - beta_1) * g)
    v = tf.Variable(beta_2 * v + (1 - beta_2) * g**2)
    alpha = learning_rate * (1 - beta_2**t) ** 0.5 / (1 - beta_1**t)
    return tf.Variable(w - alpha * m / (tf.sqrt(v) + epsilon)), m, v


def float64_everything(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, g, m, v = (np.asarray(x, dtype=np.float64) for x in (w, g, m, v))
    m = m + (g - m) * (1 - beta_1)
    v = v + (g**2 - v) * (1 - beta_2)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - m * alpha / (np.sqrt(v) + epsilon), m, v


def inplace_lists(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m *= beta_1
    m += (1 - beta_1) * g
    v *= beta_2
    v += (1 - beta_2) * np.square(g)
    w -= learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return [w, m, v]


def float32_powers(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    b1t = np.float32(beta_1) ** np.float32(t)
    b2t = np.float32(beta_2) ** np.float32(t)
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - np.float32(learning_rate) * np.sqrt(1 - b2t) / (1 - b1t) * m / (np.sqrt(v) + epsilon), m, v


def mixed_keras_ops(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    ops = keras.ops
    m = ops.add(m, ops.multiply(ops.subtract(g, m), 1 - beta_1))
    v = ops.add(v, ops.multiply(ops.subtract(ops.square(g), v), 1 - beta_2))
    alpha = learning_rate * (1 - beta_2**t) ** 0.5 / (1 - beta_1**t)
    return ops.subtract(w, ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), epsilon))), m, v


@pytest.mark.parametrize("function", [numpy_simple, paper_converted_eps, tf_ops, tf_variables_returned,
                                      float64_everything, inplace_lists, float32_powers, mixed_keras_ops],
                         ids=lambda f: f.__name__)
def test_ex1_right_forms_pass(function):
    assert_passed(ex1.check(function))


# Plausible mistakes, written as a learner would: each must be rejected and named.
def no_bias_correction(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * m / (np.sqrt(v) + epsilon), m, v


def t_plus_1(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m / (1 - beta_1 ** (t + 1))
    v_hat = v / (1 - beta_2 ** (t + 1))
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon / np.sqrt(1 - beta_2 ** (t + 1))), m, v


def t_plus_1_keras_form(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    t = t + 1  # Keras's iterations + 1
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def t_minus_1(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**(t - 1)) / (1 - beta_1**(t - 1))
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def paper_eps(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def eps_scaled_wrong(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon * np.sqrt(1 - beta_2**t)), m, v


def eps_in_root(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / np.sqrt(v + epsilon), m, v


def betas_swapped(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_2 * m + (1 - beta_2) * g
    v = beta_1 * v + (1 - beta_1) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_1**t) / (1 - beta_2**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def v_of_g(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(np.abs(v)) + epsilon), m, v


def v_of_abs_g(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * abs(g)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def uphill(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w + alpha * m / (np.sqrt(v) + epsilon), m, v


def sgd_style_m(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def m_weights_swapped(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = (1 - beta_1) * m + beta_1 * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def returns_corrected_state(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m = m / (1 - beta_1**t)
    v = v / (1 - beta_2**t)
    return w - learning_rate * m / (np.sqrt(v) + epsilon / np.sqrt(1 - beta_2**t)), m, v


def wrong_order(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return m, v, w - alpha * m / (np.sqrt(v) + epsilon)


def returns_only_w(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon)


def no_return(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    w = w - learning_rate * m / np.sqrt(v)


def hardcoded_defaults(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g**2
    alpha = learning_rate * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def hardcoded_lr(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = 0.001 * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def hardcoded_eps(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + 1e-7), m, v


def no_eps(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / np.sqrt(v), m, v


def no_root(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * (m / (1 - beta_1**t)) / (v / (1 - beta_2**t) + epsilon), m, v


def old_moments(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    w = w - alpha * m / (np.sqrt(v) + epsilon)
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w, m, v


def only_m_corrected(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * m / (1 - beta_1**t) / (np.sqrt(v) + epsilon), m, v


def alpha_without_root(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * (1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def alpha_inverted(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * (1 - beta_1**t) / np.sqrt(1 - beta_2**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def lr_name(w, g, m, v, t, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def keras2_style_iterations(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    lr_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - lr_t * m / (np.sqrt(v) + epsilon * np.sqrt(1 - beta_2**t)), m, v


def scalar_w_returned(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return float(np.mean(w - alpha * m / (np.sqrt(v) + epsilon))), m, v


def raises(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * m_hat / np.sqrt(v_hat), m, v


def no_args_hyper(w, g, m, v, t):
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g**2
    alpha = 0.001 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
    return w - alpha * m / (np.sqrt(v) + 1e-7), m, v


def mutates_w_keeps_old(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    w_new = w - alpha * m / (np.sqrt(v) + epsilon)
    return w, m, v


def returns_dict(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return {"w": w - alpha * m / (np.sqrt(v) + epsilon), "m": m, "v": v}


def sqrt_of_v_stored(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    v = np.sqrt(v)
    return w - alpha * m / (v + epsilon), m, v


def amsgrad(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = np.maximum(v, beta_2 * v + (1 - beta_2) * g**2)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def rmsprop_instead(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * g / np.sqrt(v + epsilon), m, v


def tf_t_int_power(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * tf.square(g)
    alpha = learning_rate * tf.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w + alpha * m / (tf.sqrt(v) + epsilon), m, v


def pytorch_eps(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    return w - learning_rate * (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t)) + 1e-8), m, v


def complex_w(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - alpha * m / (np.sqrt(v) + epsilon) + 0j, m, v


def nones(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return None, None, None


MISTAKES = [
    (pytorch_eps, ["PyTorch", "1e-8"]),
    (complex_w, ["complex"]),
    (nones, ["w that `adam_step` returns is None"]),
    (no_bias_correction, ['without the bias correction']),
    (t_plus_1, ['t + 1']),
    (t_plus_1_keras_form, ['t + 1']),
    (t_minus_1, ['t − 1']),
    (paper_eps, ['Algorithm 1', 'uncorrected']),
    (eps_scaled_wrong, ['converted the wrong way']),
    (eps_in_root, ['inside the square root']),
    (betas_swapped, ['swapped']),
    (v_of_g, ['instead of g²']),
    (v_of_abs_g, ['|g|']),
    (uphill, ['uphill']),
    (sgd_style_m, ["SGD's momentum"]),
    (m_weights_swapped, ['weights swapped']),
    (returns_corrected_state, ['bias-corrected']),
    (wrong_order, ['order']),
    (returns_only_w, ['return three things']),
    (no_return, ['None']),
    (hardcoded_defaults, ["beta_1 = 0.9, beta_2 = 0.999 (Keras's defaults)", 'Use the arguments']),
    (hardcoded_lr, ["learning_rate = 0.001 (Keras's default)", 'Use the arguments']),
    (hardcoded_eps, ["epsilon = 1e-07 (Keras's default)", 'Use the arguments']),
    (no_eps, ['no epsilon']),
    (no_root, ['no square root']),
    (old_moments, ['old m and v']),
    (only_m_corrected, ['only m bias-corrected']),
    (alpha_without_root, ['without its square root']),
    (alpha_inverted, ['upside down']),
    (lr_name, ['learning_rate', 'does not accept']),
    (keras2_style_iterations, ['Algorithm 1']),
    (scalar_w_returned, ['shape']),
    (raises, ['raised NameError', 'm_hat']),
    (no_args_hyper, ['does not accept']),
    (mutates_w_keeps_old, ['does not move']),
    (returns_dict, ['return three things']),
    (sqrt_of_v_stored, ['v you return']),
    (amsgrad, ['AMSGrad']),
    (rmsprop_instead, ['m you return']),
    (tf_t_int_power, ['uphill']),
]


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # the learner's own 0/0, as in a notebook
@pytest.mark.parametrize("function, words", MISTAKES, ids=[f.__name__ for f, _ in MISTAKES])
def test_ex1_plausible_mistakes_are_named(function, words):
    feedback = ex1.check(function)
    assert_rejected(feedback, *words)
    assert not keras_numbers(feedback.message)


_count = 0


def global_counter(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    global _count
    _count += 1  # its own step count, instead of the argument t
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = learning_rate * np.sqrt(1 - beta_2**_count) / (1 - beta_1**_count)
    return w - alpha * m / (np.sqrt(v) + epsilon), m, v


def test_ex1_a_step_count_kept_outside_the_function_is_caught():
    global _count
    _count = 0
    assert_rejected(ex1.check(global_counter), "step 1", "of step 41", "argument `t`")


def test_ex1_the_check_does_not_trust_the_inputs_it_hands_out():
    def mutates_its_inputs(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        g *= 1000.0  # a learner's in-place change reaches only the copy it was given
        w[...] = 0.0
        return w, m, v

    assert_rejected(ex1.check(mutates_its_inputs))
    assert_passed(ex1.check(solution("ex1")["adam_step"]))


def test_ex1_not_solved_says_only_that():
    assert_not_solved(ex1.check(...))
    assert_not_solved(ex1.check(student_stub("ex1")["adam_step"]))


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex1_junk_is_rejected_without_a_traceback(answer):
    feedback = ex1.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


def test_ex1_the_first_hint_holds_no_part_of_the_solution():
    for part in ("sqrt", "√", "beta_1 *", "1 - beta", "1 − beta", "epsilon", "alpha", "g**2", "g²", "section 4",
                 "return"):
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
                                    Decimal("0.995"), 0.993, 0.997], ids=repr)
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
    (-0.995, ("negative",)),
    (0.005, ("never gets below", *LONGER)),  # 1 - rho instead of rho
    ("0.995", ("should be a number",)),
    ([0.99, 0.995], ("one number",)),
    (keras.optimizers.RMSprop(rho=0.995), ("optimizer", "number rho")),
    (1 - 1e-12, ("`chosen_rho` = 0.999999999999,", *SHORTER)),  # shown as itself, not rounded to 1
    ([[1.0], [2.0, 3.0]], ("cannot be read",)),
], ids=repr)
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


@pytest.mark.parametrize("answer", JUNK, ids=repr)
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
        assert "No more hints" in repr(exercise.hint(len(exercise.hints) + 1))
