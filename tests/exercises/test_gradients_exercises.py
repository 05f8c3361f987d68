"""The exercises of 01 · Gradients: the shipped solutions pass, a learner's slips are named, junk is refused.

Learners' attempts are written as they would write them (code in strings), executed, and given to the checks.
"""

import re
import textwrap
import time
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected)

from course_utils import checks
from course_utils.checks import stored_solution
from course_utils.exercises import gradients
from course_utils.exercises.gradients import ex1, ex2
from tools.solutions import solutions
from tools.student import stub_solutions

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_gradients.ipynb"
SHIPPED = solutions(nbformat.read(NOTEBOOK, as_version=4))


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def notebook_namespace():
    """What the notebook has defined when the learner reaches the exercises (the names an attempt may use)."""
    rng = np.random.default_rng(1)
    x_data = rng.uniform(0, 3, size=30)
    y_data = 2 * x_data - 1 + 0.3 * rng.normal(size=30)
    return {"np": np, "tf": tf, "keras": keras, "x_data": x_data, "y_data": y_data,
            "f": lambda x: x**3 - 2 * x + 1, "himmelblau": himmelblau}


def define(code, name):
    namespace = notebook_namespace()
    exec(textwrap.dedent(code), namespace)
    return namespace[name]


def solution(label):
    """The notebook's namespace after the shipped solution of ``label`` ran."""
    namespace = notebook_namespace()
    exec(textwrap.dedent(SHIPPED[label]), namespace)
    return namespace


def test_the_shipped_solutions_are_the_stored_ones_and_pass():
    assert set(SHIPPED) == {"ex1", "ex2"}
    for label, exercise, name in (("ex1", ex1, "numerical_gradient"), ("ex2", ex2, "train_line")):
        assert stored_solution("gradients", label) == SHIPPED[label]
        assert_passed(exercise.check(solution(label)[name]))


def test_the_student_stubs_get_exactly_the_not_solved_reply():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    for exercise, name in ((ex1, "numerical_gradient"), (ex2, "train_line")):
        cell = next(c.source for c in cells if c.cell_type == "code" and f"def {name}(" in c.source)
        stub = stub_solutions(cell)
        assert "return ..." in stub
        assert_not_solved(exercise.check(define(stub, name)))
        assert_not_solved(exercise.check(...))


def test_a_check_called_without_the_answer_says_how_to_call_it():
    assert_rejected(ex1.check(), "`ex1.check(numerical_gradient)`")
    assert_rejected(ex2.check(), "`ex2.check(train_line)`")


# --- Exercise 1: numerical_gradient ---------------------------------------------------------------------------

GRADIENT = '''
def numerical_gradient(f, params, h):
    gradient = np.zeros(len(params))
    for i in range(len(params)):
        plus, minus = params.copy(), params.copy()
        plus[i] += h
        minus[i] -= h
        gradient[i] = (f(plus) - f(minus)) / (2 * h)
    return gradient
'''
DIFFERENCE = "(f(plus) - f(minus)) / (2 * h)"
STEPS = "        plus[i] += h\n        minus[i] -= h"


def gradient_with(*replacements):
    code = GRADIENT
    for old, new in replacements:
        assert old in code, old
        code = code.replace(old, new)
    return define(code, "numerical_gradient")


RIGHT_GRADIENTS = {
    "/ 2 / h": [(DIFFERENCE, "(f(plus) - f(minus)) / 2 / h")],
    "0.5 * ... / h": [(DIFFERENCE, "0.5 * (f(plus) - f(minus)) / h")],
    "the mean of forward and backward": [(DIFFERENCE, "((f(plus) - f(params)) / h + (f(params) - f(minus)) / h) / 2")],
    "np.copy": [("params.copy(), params.copy()", "np.copy(params), np.copy(params)")],
    "np.array(params)": [("params.copy(), params.copy()", "np.array(params), np.array(params)")],
    "a unit vector": [("params.copy(), params.copy()", "params + h * np.eye(len(params))[i], "
                                                        "params - h * np.eye(len(params))[i]"), (STEPS, "        pass")],
    "np.zeros_like": [("np.zeros(len(params))", "np.zeros_like(params)")],
    "a list": [("    gradient = np.zeros(len(params))", "    gradient = [0.0] * len(params)")],
    "float32 arithmetic": [("params.copy(), params.copy()", "params.astype(np.float32), params.astype(np.float32)")],
}


@pytest.mark.parametrize("form", RIGHT_GRADIENTS, ids=list(RIGHT_GRADIENTS))
def test_right_numerical_gradients_pass(form):
    assert_passed(ex1.check(gradient_with(*RIGHT_GRADIENTS[form])))


def test_other_right_forms_of_the_function_pass():
    assert_passed(ex1.check(lambda f, params, h: np.array([(f(params + h * e) - f(params - h * e)) / (2 * h)
                                                           for e in np.eye(len(params))])))
    assert_passed(ex1.check(define("""
        def numerical_gradient(f, params, h):  # CS231n's way: move the entry in place, then put it back
            gradient = np.zeros_like(params)
            for i in range(params.size):
                old = params[i]
                params[i] = old + h
                above = f(params)
                params[i] = old - h
                below = f(params)
                params[i] = old
                gradient[i] = (above - below) / (2 * h)
            return gradient
        """, "numerical_gradient")))
    assert_passed(ex1.check(define("""
        def numerical_gradient(f, params, h):  # in place, put back by arithmetic (rounding may differ by 1e-16)
            gradient = []
            for i in range(len(params)):
                params[i] += h
                above = f(params)
                params[i] -= 2 * h
                below = f(params)
                params[i] += h
                gradient.append((above - below) / (2 * h))
            return gradient
        """, "numerical_gradient")))
    assert_passed(ex1.check(define("""
        def numerical_gradient(f, params, h):  # in TensorFlow
            p = tf.constant(params)
            slopes = []
            for i in range(len(params)):
                step = h * tf.one_hot(i, len(params), dtype=tf.float64)
                slopes.append((f(p + step) - f(p - step)) / (2 * h))
            return tf.stack(slopes)
        """, "numerical_gradient")))
    assert_passed(ex1.check(define("""
        def numerical_gradient(func, point, step):
            return np.array([(func(point + d) - func(point - d)) / (2 * step) for d in step * np.eye(point.size)])
        """, "numerical_gradient")))


GRADIENT_SLIPS = {
    "forward": ([(DIFFERENCE, "(f(plus) - f(params)) / h")], ("forward difference",)),
    "backward": ([(DIFFERENCE, "(f(params) - f(minus)) / h")], ("backward difference",)),
    "p_plus = params (one array)": ([("params.copy(), params.copy()", "params, params")], ("zeros in every entry", "copy")),
    "params[:] (a view)": ([("params.copy(), params.copy()", "params[:], params[:]")],
                           ("zeros in every entry", "`params[:]`", "view")),
    "p = params[:], moved in place": ([("        plus, minus = params.copy(), params.copy()\n", "        p = params[:]\n"),
                                       (STEPS, "        p[i] += h\n        above = f(p)\n        p[i] -= 2 * h\n"
                                               "        below = f(p)"), (DIFFERENCE, "(above - below) / (2 * h)")],
                                      ("changed the `params` array", "`params[:]` is a view")),
    "a return inside the loop": ([("    return gradient", "        return gradient")],
                                 ("entries at 0", "a `return` inside the loop")),
    "+= h then -= h on one array": ([("        plus, minus = params.copy(), params.copy()\n", "        p = params\n"),
                                     (STEPS, "        p[i] += h\n        above = f(p)\n        p[i] -= h\n"
                                             "        below = f(p)"), (DIFFERENCE, "(above - below) / (2 * h)")],
                                    ("params itself", "params - h e_i")),
    "in place, not put back": ([("        plus, minus = params.copy(), params.copy()\n", "        p = params\n"),
                                (STEPS, "        p[i] += h\n        above = f(p)\n        p[i] -= 2 * h\n"
                                        "        below = f(p)"), (DIFFERENCE, "(above - below) / (2 * h)")],
                               ("changed the `params` array", "params.copy()")),
    "params + h": ([(STEPS, "        pass"), (DIFFERENCE, "(f(params + h) - f(params - h)) / (2 * h)")],
                   ("same number in every entry", "*every*")),
    "/ h": ([(DIFFERENCE, "(f(plus) - f(minus)) / h")], ("divided by h", "how far apart")),
    "/ 2 * h": ([(DIFFERENCE, "(f(plus) - f(minus)) / 2 * h")], ("`a / 2 * h`", "parentheses")),
    "no parentheses round the difference": ([(DIFFERENCE, "f(plus) - f(minus) / (2 * h)")],
                                            ("divides before it subtracts",)),
    "not divided": ([(DIFFERENCE, "f(plus) - f(minus)")], ("not divided",)),
    "wrong sign": ([(DIFFERENCE, "(f(minus) - f(plus)) / (2 * h)")], ("wrong sign",)),
    "half steps": ([(STEPS, "        plus[i] += h / 2\n        minus[i] -= h / 2"), (DIFFERENCE, "(f(plus) - f(minus)) / h")],
                   ("half a step", "divides by 2h")),
    "2h steps over 4h": ([(STEPS, "        plus[i] += 2 * h\n        minus[i] -= 2 * h"),
                          (DIFFERENCE, "(f(plus) - f(minus)) / (4 * h)")], ("2h from params",)),
    "a tiny step of its own": ([(STEPS, "        plus[i] += 1e-6\n        minus[i] -= 1e-6"),
                                (DIFFERENCE, "(f(plus) - f(minus)) / 2e-6")], ("exact gradient", "use h")),
    "f's value": ([(DIFFERENCE, "f(params)")], ("f's value",)),
    "himmelblau instead of f": ([(DIFFERENCE, "(himmelblau(plus[0], plus[1]) - himmelblau(minus[0], minus[1])) "
                                              "/ (2 * h)")], ("notebook's `himmelblau`", "passed in")),
    "rounded": ([(DIFFERENCE, "round((f(plus) - f(minus)) / (2 * h), 2)")], ("rounds its results", "without `round`")),
    "the absolute value": ([(DIFFERENCE, "abs(f(plus) - f(minus)) / (2 * h)")], ("wrong sign", "`abs`")),
    "the last parameter left out": ([("range(len(params))", "range(len(params) - 1)")],
                                    ("entries at 0", "visit every parameter")),
    "parameter 0 moved in every entry": ([(STEPS, "        plus[0] += h\n        minus[0] -= h")],
                                         ("right", "entry i moves parameter i only")),
    "f of one number": ([(DIFFERENCE, "(f(plus[i]) - f(minus[i])) / (2 * h)")], ("called with one number", "whole array")),
    "f(*p)": ([(DIFFERENCE, "(f(*plus) - f(*minus)) / (2 * h)")], ("`f(p)`, not `f(*p)`",)),
    "the sum returned": ([("return gradient", "return gradient.sum()")], ("returned 1 number", "one partial derivative")),
    "no return": ([("    return gradient", "    gradient")], ("returned None",)),
    "an integer array": ([("np.zeros(len(params))", "np.zeros(len(params), dtype=int)")], ("integers", "float array")),
}


def assert_no_gradient_given_away(message):
    """No expected entry of the check's calls appears (their own points and steps, in their texts, are not answers)."""
    for case in gradients.CASES:
        message = message.replace(case.text, "")
    for case in gradients.CASES:
        for value in case.central():
            text = f"{value:.6g}"
            assert not re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", message), (text, message)


@pytest.mark.parametrize("slip", GRADIENT_SLIPS, ids=list(GRADIENT_SLIPS))
def test_slips_in_a_numerical_gradient_are_named(slip):
    replacements, words = GRADIENT_SLIPS[slip]
    feedback = ex1.check(gradient_with(*replacements))
    assert_rejected(feedback, *words)
    assert_no_gradient_given_away(feedback.message)


def test_more_slips_in_a_numerical_gradient_are_named():
    copied_from_section_2 = define("""
        def numerical_gradient(f, params, h):
            return np.array([(f(params + np.array([h, 0])) - f(params - np.array([h, 0]))) / (2 * h),
                             (f(params + np.array([0, h])) - f(params - np.array([0, h]))) / (2 * h)])
        """, "numerical_gradient")
    assert_rejected(ex1.check(copied_from_section_2), "right for the check's function of 2 parameters",
                    "range(len(params))")
    by_tape = define("""
        def numerical_gradient(f, params, h):
            p = tf.Variable(params)
            with tf.GradientTape() as tape:
                value = f(p)
            return tape.gradient(value, p)
        """, "numerical_gradient")
    assert_rejected(ex1.check(by_tape), "exact gradient", "tf.GradientTape")
    five_point = define("""
        def numerical_gradient(f, params, h):
            e = np.eye(len(params))
            return np.array([(-f(params + 2 * h * e[i]) + 8 * f(params + h * e[i]) - 8 * f(params - h * e[i])
                              + f(params - 2 * h * e[i])) / (12 * h) for i in range(len(params))])
        """, "numerical_gradient")
    assert_rejected(ex1.check(five_point), "five-point")
    helper = define("""
        from course_utils.gradcheck import numerical_gradients

        def numerical_gradient(f, params, h):
            p = params.copy()
            return numerical_gradients(lambda: f(p), [p], h)[0]
        """, "numerical_gradient")
    assert_rejected(ex1.check(helper), "gradcheck.numerical_gradients")
    assert_rejected(ex1.check(define("def numerical_gradient(f, params):\n    return f(params)", "numerical_gradient")),
                    "TypeError")
    assert_rejected(ex1.check(lambda f, params, h: 1 / 0), "ZeroDivisionError")
    assert_rejected(ex1.check(lambda f, params, h: f), "returned a function")
    assert_rejected(ex1.check(np.array([-10.1, 9.5])), "should be a function")


def test_params_are_restored_and_the_checks_data_untouched():
    def scribbles(f, params, h):
        params[:] = 99.0
        return np.zeros(len(params))

    assert_rejected(ex1.check(scribbles), "changed the `params` array", "99")
    assert [case.params for case in gradients.CASES][0] == (0.5, 1.2)


def test_every_slip_of_ex1_differs_from_the_central_difference_and_from_the_others():
    mistakes = list(gradients.GRADIENT_MISTAKES.items())
    for i, (description, mistake) in enumerate(mistakes):
        gaps = [np.max(np.abs(mistake(c) - c.central()) / (gradients._GRADIENT_RTOL * np.abs(c.central())
                                                            + gradients._GRADIENT_ATOL)) for c in gradients.CASES]
        assert max(gaps) > 1000, description
        for other, other_mistake in mistakes[i + 1:]:
            assert not all(np.allclose(mistake(c), other_mistake(c), rtol=1e-4, atol=1e-5)
                           for c in gradients.CASES), (description, other)
    assert all(case.h not in (0.5, 1.0) for case in gradients.CASES)  # 2h = 1 or h = 1 would hide a slip


# --- Exercise 2: train_line ---------------------------------------------------------------------------------

LOOP = '''
def train_line(x, y, learning_rate, steps):
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((w * x + b - y) ** 2)
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(learning_rate * dw)
        b.assign_sub(learning_rate * db)
    return w, b
'''
UPDATE = "        w.assign_sub(learning_rate * dw)\n        b.assign_sub(learning_rate * db)"
START = "    w = tf.Variable(0.0)\n    b = tf.Variable(0.0)"
LOSS = "tf.reduce_mean((w * x + b - y) ** 2)"
TAPE = "        with tf.GradientTape() as tape:\n            loss = tf.reduce_mean((w * x + b - y) ** 2)"


def line(*replacements):
    code = LOOP
    for old, new in replacements:
        assert old in code, old
        code = code.replace(old, new)
    return define(code, "train_line")


RIGHT_LINES = {
    "the Variables' values": [("return w, b", "return w.numpy(), b.numpy()")],
    "Python floats": [("return w, b", "return float(w), float(b)")],
    "a list": [("return w, b", "return [w, b]")],
    "an array": [("return w, b", "return np.array([w.numpy(), b.numpy()])")],
    "assign": [(UPDATE, "        w.assign(w - learning_rate * dw)\n        b.assign(b - learning_rate * db)")],
    "tf.square": [(LOSS, "tf.reduce_mean(tf.square(y - (w * x + b)))")],
    "Keras's MSE": [(LOSS, "keras.losses.MeanSquaredError()(y, w * x + b)")],
    "keras.ops": [(LOSS, "keras.ops.mean(keras.ops.square(w * x + b - y))")],
    "sum over n": [(LOSS, "tf.reduce_sum((w * x + b - y) ** 2) / len(x)")],
    "keras.Variable": [(START, "    w = keras.Variable(0.0)\n    b = keras.Variable(0.0)")],
    "the gradient inside the with block": [("        dw, db = tape", "            dw, db = tape")],
    "a persistent tape asked twice": [
        ("tf.GradientTape()", "tf.GradientTape(persistent=True)"),
        ("        dw, db = tape.gradient(loss, [w, b])",
         "        dw = tape.gradient(loss, w)\n        db = tape.gradient(loss, b)")],
    "Keras's SGD": [("    for _ in", "    optimizer = keras.optimizers.SGD(learning_rate)\n    for _ in"),
                    (UPDATE, "        optimizer.apply_gradients(zip([dw, db], [w, b]))")],
    "a (2, 1) array": [("return w, b", "return np.array([[w.numpy()], [b.numpy()]])")],
    "SGD with momentum=0.0": [("    for _ in", "    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, "
                                             "momentum=0.0)\n    for _ in"),
                              (UPDATE, "        optimizer.apply([dw, db], [w, b])")],
    "Variables watched by hand": [("tf.GradientTape()", "tf.GradientTape(watch_accessed_variables=False)"),
                                  ("            loss =", "            tape.watch([w, b])\n            loss =")],
    "float64 throughout": [(START, "    x, y = tf.cast(x, tf.float64), tf.cast(y, tf.float64)\n"
                                   "    w = tf.Variable(0.0, dtype=tf.float64)\n    b = tf.Variable(0.0, dtype=tf.float64)")],
}


@pytest.mark.parametrize("form", RIGHT_LINES, ids=list(RIGHT_LINES))
def test_right_training_loops_pass(form):
    assert_passed(ex2.check(line(*RIGHT_LINES[form])))


def test_a_vector_variable_and_a_tf_function_step_pass():
    assert_passed(ex2.check(define("""
        def train_line(x, y, learning_rate, steps):
            params = tf.Variable([0.0, 0.0])
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((params[0] * x + params[1] - y) ** 2)
                params.assign_sub(learning_rate * tape.gradient(loss, params))
            return params
        """, "train_line")))
    assert_passed(ex2.check(define("""
        def train_line(x, y, learning_rate, steps):
            w, b = tf.Variable(0.0), tf.Variable(0.0)

            @tf.function
            def step():
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((w * x + b - y) ** 2)
                dw, db = tape.gradient(loss, [w, b])
                w.assign_sub(learning_rate * dw)
                b.assign_sub(learning_rate * db)

            for _ in range(steps):
                step()
            return w, b
        """, "train_line")))


CLASSIC = ("no longer a `tf.Variable`", "w = w - learning_rate * dw", "assign_sub", "None")
LINE_MISTAKES = {
    "w = w - lr * dw": ([(UPDATE, "        w = w - learning_rate * dw\n        b = b - learning_rate * db")],
                        CLASSIC + ("TypeError",)),
    "only w rebound": ([("        w.assign_sub(learning_rate * dw)", "        w = w - learning_rate * dw")], CLASSIC),
    "rebound, with tf constants": ([(UPDATE, "        w = w - tf.constant(learning_rate) * dw\n"
                                             "        b = b - tf.constant(learning_rate) * db")], CLASSIC),
    "rebound, then assign_sub": ([(UPDATE, "        w = w - learning_rate * dw\n        w.assign_sub(0.0 * dw)\n"
                                           "        b.assign_sub(learning_rate * db)")], CLASSIC + ("AttributeError",)),
    "rebound and watched by hand": ([("            loss =", "            tape.watch([w, b])\n            loss ="),
                                     (UPDATE, "        w = w - learning_rate * dw\n        b = b - learning_rate * db")],
                                    CLASSIC[:3] + ("watches only because you call `tape.watch`",)),
    "rebound, None gradients skipped": ([(UPDATE, "        if dw is not None:\n            w = w - learning_rate * dw\n"
                                                  "        if db is not None:\n            b = b - learning_rate * db")],
                                        CLASSIC),
    "w = w.assign_sub(...)": ([(UPDATE, "        w = w.assign_sub(learning_rate * dw)\n"
                                        "        b = b.assign_sub(learning_rate * db)")], ("without `w =`", "None")),
    "w -= ...": ([(UPDATE, "        w -= learning_rate * dw\n        b -= learning_rate * db")], ("`w -= ...`", "assign_sub")),
    "assign_add": ([(UPDATE, UPDATE.replace("assign_sub", "assign_add"))], ("uphill",)),
    "a minus sign too many": ([(UPDATE, UPDATE.replace("(learning_rate", "(-learning_rate"))], ("uphill",)),
    "tf.Variable(0)": ([(START, "    w = tf.Variable(0)\n    b = tf.Variable(0)")], ("integer", "tf.Variable(0.0)")),
    "tf.Variable(0), cast": ([(START, "    w = tf.Variable(0)\n    b = tf.Variable(0)"),
                              (LOSS, "tf.reduce_mean((tf.cast(w, tf.float32) * x + tf.cast(b, tf.float32) - y) ** 2)")],
                             ("integer",)),
    "float64 Variables": ([(START, "    w = tf.Variable(0.0, dtype=tf.float64)\n    b = tf.Variable(0.0, dtype=tf.float64)")],
                          ("different float types", "float32")),
    "float16 Variables": ([(START, "    w = tf.Variable(0.0, dtype=tf.float16)\n    b = tf.Variable(0.0, dtype=tf.float16)")],
                          ("different float types",)),
    "tf.Variable(0), data first": ([(START, "    w = tf.Variable(0)\n    b = tf.Variable(0)"),
                                    ("w * x + b - y", "x * w + b - y")], ("integer",)),
    "trainable=False": ([("    w = tf.Variable(0.0)", "    w = tf.Variable(0.0, trainable=False)")], ("trainable=False",)),
    "constants": ([(START, "    w = tf.constant(0.0)\n    b = tf.constant(0.0)")], ("watches trainable `tf.Variable`s",)),
    "np.mean": ([(LOSS, "np.mean((w * x + b - y) ** 2)")], ("NumPy", "tf.reduce_mean")),
    "w.numpy() in the loss": ([(LOSS, "tf.reduce_mean((w.numpy() * x + b.numpy() - y) ** 2)")], ("None", "w.numpy()")),
    "the loss outside the tape": ([(TAPE, "        with tf.GradientTape() as tape:\n            prediction = w * x + b\n"
                                          "        loss = tf.reduce_mean((prediction - y) ** 2)")],
                                  ("None", "inside the `with")),
    "the gradient of the predictions": ([(TAPE, "        with tf.GradientTape() as tape:\n"
                                                "            prediction = w * x + b\n"
                                                "            loss = tf.reduce_mean((prediction - y) ** 2)"),
                                         ("tape.gradient(loss, [w, b])", "tape.gradient(prediction, [w, b])")],
                                        ("vector with 12 values", "sum")),
    "the gradient of the data": ([("tape.gradient(loss, [w, b])", "tape.gradient(loss, [x, y])")],
                                 ("a Tensor of 12 values", "the Variables w and b")),
    "the data watched, its gradient used for w": ([("            loss =", "            tape.watch(x)\n            loss ="),
                                                   ("dw, db = tape.gradient(loss, [w, b])",
                                                    "dx, db = tape.gradient(loss, [x, b])\n        dw = tf.reduce_mean(dx)")],
                                                  ("a Tensor of 12 values",)),
    "a new Variable every step": ([(UPDATE, "        w = tf.Variable(w - learning_rate * dw)\n"
                                            "        b = tf.Variable(b - learning_rate * db)")],
                                  ("new Variables at every step", "50 different Variables in 25 steps", "once")),
    "Variables created inside the loop": ([(START, ""), ("        with tf", START.replace("    ", "        ") + "\n        with tf")],
                                          ("new Variables at every step",)),
    "constants watched by hand": ([(START, "    w = tf.constant(0.0)\n    b = tf.constant(0.0)"),
                                   ("            loss =", "            tape.watch([w, b])\n            loss ="),
                                   (UPDATE, "        w = w - learning_rate * dw\n        b = b - learning_rate * db")],
                                  ("watches only because you call `tape.watch`", "created once")),
    "b left out of the prediction": ([(LOSS, "tf.reduce_mean((w * x - y) ** 2)")],
                                     ("second parameter", "(b?)", "`w * x + b`")),
    "only w's gradient from the tape": ([("dw, db = tape.gradient(loss, [w, b])",
                                          "dw = tape.gradient(loss, w)\n        db = 2 * tf.reduce_mean(w * x + b - y)")],
                                        ("only for the gradient of one parameter",)),
    "a return inside the loop": ([("    return w, b", "        return w, b")], ("only one step", "`return` inside")),
    "x[:, None] from section 3": ([(LOSS, "tf.reduce_mean((w * x[:, None] + b - y) ** 2)")],
                                  ("every x against every y", "n × n")),
    "b moved by dw": ([("b.assign_sub(learning_rate * db)", "b.assign_sub(learning_rate * dw)")],
                      ("b moved by the gradient of w",)),
    "the sum, at a rate of its own": ([(LOSS, "tf.reduce_sum((w * x + b - y) ** 2)"),
                                       (UPDATE, UPDATE.replace("learning_rate", "0.001"))],
                                      ("the first step", "*sum*")),
    "float16 throughout": ([(START, "    x, y = tf.cast(x, tf.float16), tf.cast(y, tf.float16)\n"
                                    "    w = tf.Variable(0.0, dtype=tf.float16)\n    b = tf.Variable(0.0, dtype=tf.float16)")],
                           ("float16", "3 significant digits")),
    "the sum": ([(LOSS, "tf.reduce_sum((w * x + b - y) ** 2)")], ("*sum*", "mean")),
    "half the MSE": ([(LOSS, "0.5 * " + LOSS)], ("half",)),
    "no square": ([(LOSS, "tf.reduce_mean(w * x + b - y)")], ("mean error", "not squared")),
    "the square of the mean": ([(LOSS, "tf.reduce_mean(w * x + b - y) ** 2")], ("square of the mean error",)),
    "the mean absolute error": ([(LOSS, "keras.losses.MeanAbsoluteError()(y, w * x + b)")], ("absolute",)),
    "the RMSE": ([(LOSS, f"tf.sqrt({LOSS})")], ("RMSE",)),
    "one step too many": ([("range(steps)", "range(steps + 1)")], ("one step too many",)),
    "one step too few": ([("range(steps)", "range(1, steps)")], ("one step too few",)),
    "100 steps": ([("range(steps)", "range(100)")], ("fixed number of steps",)),
    "25 steps": ([("range(steps)", "range(25)")], ("the same w and b as for 12 points", "`steps` steps")),
    "a rate of 0.1": ([(UPDATE, UPDATE.replace("learning_rate", "0.1"))], ("learning rate of its own",)),
    "(b, w)": ([("return w, b", "return b, w")], ("wrong way round",)),
    "gradients swapped": ([("dw, db = tape", "db, dw = tape")], ("order of the list",)),
    "b never moves": ([("        b.assign_sub(learning_rate * db)", "")], ("b never updated",)),
    "section 4's start": ([(START, "    w = tf.Variable(-1.0)\n    b = tf.Variable(2.0)")], ("section 4",)),
    "another start": ([(START, "    w = tf.Variable(1.0)\n    b = tf.Variable(1.0)")],
                      ("With steps = 0 it returns w = 1, b = 1", "w = 0 and b = 0")),
    "a random start": ([("    w = tf.Variable(0.0)", "    w = tf.Variable(tf.random.normal([]))")],
                       ("starts afresh", "random")),
    "the notebook's data": ([("w * x + b - y", "w * x_data + b - y_data")], ("x_data",)),
    "the tape outside the loop": ([(TAPE, "        pass"), ("    for _ in range(steps):",
                                   "    with tf.GradientTape() as tape:\n        loss = " + LOSS + "\n"
                                   "    for _ in range(steps):")], ("used up", "inside the loop")),
    "two calls on one tape": ([("        dw, db = tape.gradient(loss, [w, b])",
                                "        dw = tape.gradient(loss, w)\n        db = tape.gradient(loss, b)")],
                              ("used up",)),
    "no return": ([("    return w, b", "")], ("returned None", "return w, b")),
    "the loss returned too": ([("return w, b", "return w, b, loss")], ("3 values",)),
    "a dict": ([("return w, b", "return {'w': w, 'b': b}")], ("dict",)),
    "watch_accessed_variables=False": ([("tf.GradientTape()", "tf.GradientTape(watch_accessed_variables=False)")],
                                       ("`watch_accessed_variables=False`", "tape.watch")),
    "only w watched by hand": ([("tf.GradientTape()", "tf.GradientTape(watch_accessed_variables=False)"),
                                ("            loss =", "            tape.watch(w)\n            loss =")],
                               ("`watch_accessed_variables=False`",)),
    "twice the rate": ([(UPDATE, UPDATE.replace("learning_rate", "2 * learning_rate"))], ("twice `learning_rate`",)),
    "half the rate": ([(UPDATE, UPDATE.replace("learning_rate", "learning_rate / 2"))], ("half `learning_rate`",)),
    "half the MSE at twice the rate": ([(LOSS, "0.5 * " + LOSS), (UPDATE, UPDATE.replace("learning_rate", "2 * learning_rate"))],
                                       ("not by the tape's gradient",)),
    "SGD with momentum": ([("    for _ in", "    optimizer = keras.optimizers.SGD(learning_rate, momentum=0.9)\n    for _ in"),
                           (UPDATE, "        optimizer.apply_gradients(zip([dw, db], [w, b]))")],
                          ("`momentum=0.9`", "earlier steps", "SGD(learning_rate)")),
    "SGD with Nesterov momentum": ([("    for _ in", "    optimizer = keras.optimizers.SGD(learning_rate, momentum=0.5, "
                                                   "nesterov=True)\n    for _ in"),
                                    (UPDATE, "        optimizer.apply_gradients(zip([dw, db], [w, b]))")],
                                   ("`momentum=0.5`", "`nesterov=True`")),
    "Adam": ([("    for _ in", "    optimizer = keras.optimizers.Adam(learning_rate)\n    for _ in"),
              (UPDATE, "        optimizer.apply_gradients(zip([dw, db], [w, b]))")], ("Keras's `Adam`", "plain")),
    "SGD with its default rate": ([("    for _ in", "    optimizer = keras.optimizers.SGD()\n    for _ in"),
                                   (UPDATE, "        optimizer.apply_gradients(zip([dw, db], [w, b]))")],
                                  ("learning rate of 0.01", "`learning_rate` argument")),
    "SGD clipping its steps": ([("    for _ in", "    optimizer = keras.optimizers.SGD(learning_rate, clipvalue=0.1)\n"
                                               "    for _ in"),
                                (UPDATE, "        optimizer.apply_gradients(zip([dw, db], [w, b]))")],
                               ("`clipvalue=0.1`",)),
}


def assert_no_line_given_away(message):
    for value in [value for run in gradients.LINES for value in gradients._descend(run) if value]:
        text = f"{value:.6g}"
        assert not re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", message), (text, message)


@pytest.mark.parametrize("mistake", LINE_MISTAKES, ids=list(LINE_MISTAKES))
def test_slips_in_the_training_loop_are_named(mistake):
    replacements, words = LINE_MISTAKES[mistake]
    feedback = ex2.check(line(*replacements))
    assert_rejected(feedback, *words)
    assert_no_line_given_away(feedback.message)


def test_variables_kept_between_calls_are_named():
    kept = define("""
        w_kept, b_kept = tf.Variable(0.0), tf.Variable(0.0)

        def train_line(x, y, learning_rate, steps):
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((w_kept * x + b_kept - y) ** 2)
                dw, db = tape.gradient(loss, [w_kept, b_kept])
                w_kept.assign_sub(learning_rate * dw)
                b_kept.assign_sub(learning_rate * db)
            return w_kept, b_kept
        """, "train_line")
    assert_rejected(ex2.check(kept), "starts afresh", "outside `train_line`")


def test_loops_without_the_tape_are_refused_even_when_right():
    by_hand = define("""
        def train_line(x, y, learning_rate, steps):
            w = b = 0.0
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            for _ in range(steps):
                error = w * x + b - y
                w, b = w - learning_rate * 2 * np.mean(error * x), b - learning_rate * 2 * np.mean(error)
            return w, b
        """, "train_line")
    assert_rejected(ex2.check(by_hand), "never asked a `tf.GradientTape`")
    keras_fit = define("""
        def train_line(x, y, learning_rate, steps):
            model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
            model.fit(tf.reshape(x, (-1, 1)), y, epochs=steps, batch_size=len(x), verbose=0, shuffle=False)
            kernel, bias = model.get_weights()
            return float(kernel[0, 0]), float(bias[0])
        """, "train_line")
    assert_rejected(ex2.check(keras_fit), "lets Keras take the gradient")


def test_other_failures_of_the_learners_function_are_reported_not_raised():
    assert_rejected(ex2.check(define("def train_line(x, y):\n    return 0.0, 0.0", "train_line")), "TypeError")
    assert_rejected(ex2.check(define("def train_line(x, y, learning_rate, steps):\n    raise ValueError('oops')",
                                     "train_line")), "ValueError", "oops")
    assert_rejected(ex2.check(lambda x, y, learning_rate, steps: (float("nan"), 0.0)), "NaN")
    assert_rejected(ex2.check((1.0, 2.0)), "should be a function")


def test_the_spy_leaves_the_tape_as_it_was():
    original, apply = tf.GradientTape.gradient, keras.optimizers.SGD.apply
    ex2.check(line((UPDATE, "        w = w - learning_rate * dw\n        b = b - learning_rate * db")))
    ex2.check(define("def train_line(x, y, learning_rate, steps):\n    raise ValueError", "train_line"))
    ex2.check(line(*LINE_MISTAKES["Adam"][0]))
    assert tf.GradientTape.gradient is original and not tf.config.functions_run_eagerly()
    assert keras.optimizers.SGD.apply is apply


def test_a_whole_train_line_under_tf_function_is_refused():
    whole = define("""
        @tf.function
        def train_line(x, y, learning_rate, steps):
            w, b = tf.Variable(0.0), tf.Variable(0.0)
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((w * x + b - y) ** 2)
                dw, db = tape.gradient(loss, [w, b])
                w.assign_sub(learning_rate * dw)
                b.assign_sub(learning_rate * db)
            return w, b
        """, "train_line")
    with pytest.raises(ValueError, match="singleton tf.Variables"):  # what the learner meets outside the check
        whole(tf.constant([1.0, 2.0]), tf.constant([1.0, 3.0]), 0.1, 2)
    assert_rejected(ex2.check(whole), "`@tf.function` as a whole", "singleton tf.Variables", "step function")
    by_hand_in_a_graph = define("""
        @tf.function
        def train_line(x, y, learning_rate, steps):  # no Variables: the eager diagnosis applies
            w = b = tf.constant(0.0)
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    tape.watch([w, b])
                    loss = tf.reduce_mean((w * x + b - y) ** 2)
                dw, db = tape.gradient(loss, [w, b])
                w, b = w - learning_rate * dw, b - learning_rate * db
            return w, b
        """, "train_line")
    assert_rejected(ex2.check(by_hand_in_a_graph), "watches only because you call `tape.watch`")
    floats_in_a_graph = define("""
        @tf.function
        def train_line(x, y, learning_rate, steps):
            w = b = tf.constant(0.0)
            return float(w), float(b)
        """, "train_line")
    assert_rejected(ex2.check(floats_in_a_graph), "decorated with `@tf.function`", "in a graph")


def forever(*args):
    while True:
        time.sleep(0.05)


def leaves(*args):
    raise SystemExit(0)


@pytest.mark.parametrize("exercise", [ex1, ex2], ids=["ex1", "ex2"])
def test_a_function_that_never_ends_or_exits_gets_a_verdict(exercise, monkeypatch):
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.5)
    name = "`numerical_gradient`" if exercise is ex1 else "`train_line`"
    started = time.perf_counter()
    assert_rejected(exercise.check(forever), name, "did not finish within 0.5 s", "loop that never ends")
    assert time.perf_counter() - started < 5
    assert_rejected(exercise.check(leaves), "SystemExit")
    assert tf.GradientTape.gradient.__name__ == "gradient" and not tf.config.functions_run_eagerly()


def test_a_step_traced_by_tf_function_passes_every_time_it_is_checked():
    step = define("""
        @tf.function
        def train_step(w, b, x, y, learning_rate):  # at module level, as Keras writes it
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((w * x + b - y) ** 2)
            dw, db = tape.gradient(loss, [w, b])
            w.assign_sub(learning_rate * dw)
            b.assign_sub(learning_rate * db)

        def train_line(x, y, learning_rate, steps):
            w, b = tf.Variable(0.0), tf.Variable(0.0)
            for _ in range(steps):
                train_step(w, b, x, y, learning_rate)
            return w, b
        """, "train_line")
    step(tf.range(12, dtype=tf.float32), tf.range(12, dtype=tf.float32), 0.01, 3)  # traced before the check
    for _ in range(3):
        assert_passed(ex2.check(step))


def test_a_tape_asked_for_something_else_does_not_pass_a_line_computed_by_hand():
    dummy = define("""
        def train_line(x, y, learning_rate, steps):
            w, b = tf.Variable(0.0), tf.Variable(0.0)
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    product = w * b
                tape.gradient(product, [w, b])
                error = w * x + b - y
                w.assign_sub(learning_rate * 2 * tf.reduce_mean(error * x))
                b.assign_sub(learning_rate * 2 * tf.reduce_mean(error))
            return w, b
        """, "train_line")
    assert_rejected(ex2.check(dummy), "not by the tape's gradient", "mean squared error")
    returned_by_hand = define("""
        def train_line(x, y, learning_rate, steps):
            w, b = tf.Variable(0.0), tf.Variable(0.0)
            w_hand = b_hand = 0.0
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((w * x + b - y) ** 2)
                tape.gradient(loss, [w, b])
                error = w_hand * x + b_hand - y
                w_hand, b_hand = (w_hand - learning_rate * 2 * tf.reduce_mean(error * x),
                                  b_hand - learning_rate * 2 * tf.reduce_mean(error))
            return w_hand, b_hand
        """, "train_line")
    assert_rejected(ex2.check(returned_by_hand), "not the values of the Variables")


def test_every_slip_of_ex2_is_told_apart_on_the_first_run():
    run = gradients.LINE_A
    right = gradients._descend(run)
    mistakes = list(gradients._line_mistakes(run).items())
    scale = gradients._LINE_RTOL * np.abs(right) + gradients._LINE_ATOL
    for i, (description, values) in enumerate(mistakes):
        assert np.max(np.abs(values - right) / scale) > 100, description
        for other, other_values in mistakes[i + 1:]:
            assert not gradients._close(values, other_values), (description, other)


# --- Both: junk, leaks, hints ----------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", [ex1, ex2], ids=["ex1", "ex2"])
@pytest.mark.parametrize("junk", JUNK, ids=[f"{type(j).__name__}{i}" for i, j in enumerate(JUNK)])
def test_junk_is_rejected_without_a_traceback(exercise, junk):
    assert_rejected(exercise.check(junk))
    returns_junk = (lambda f, params, h: junk) if exercise is ex1 else (lambda x, y, learning_rate, steps: junk)
    assert_rejected(exercise.check(returns_junk))


def test_hints_come_in_levels_and_the_first_gives_no_code():
    for exercise, code_words in ((ex1, ["f(plus)", "copy()", "2 * h", "(2h)", "/ 2", "np.zeros", "range("]),
                                 (ex2, ["assign_sub", "reduce_mean", "tape.gradient", "GradientTape()", "Variable(0"])):
        assert 2 <= len(exercise.hints) <= 3
        first = exercise.hint(1).text
        assert not any(word in first for word in code_words), first
        for _ in exercise.hints:
            exercise.hint()
        assert exercise.hint().title == "No more hints."
    assert "2h" in ex1.hints[-1] and "assign_sub" in ex2.hints[-1]  # the method, in the last level


def test_solutions_can_be_switched_off(monkeypatch):
    assert "assign_sub" in ex2.solution().code
    monkeypatch.setenv("COURSE_SOLUTIONS", "off")
    assert ex2.solution().code == "" and "switched off" in ex2.solution().title


# --- In Chinese -----------------------------------------------------------------------------------------------


def test_in_chinese_ex1_answers_blank_wrong_and_right(chinese):
    assert_in_chinese(ex1.check(...), "📝", "`numerical_gradient`")
    assert_in_chinese(ex1.check(lambda f, params, h: ...), "📝", "`numerical_gradient` 仍然返回 `...`")
    assert_in_chinese(ex1.check(gradient_with((DIFFERENCE, "(f(plus) - f(params)) / h"))), "❌",
                      "`numerical_gradient` 计算的是各项上的前向差分")
    assert_in_chinese(ex1.check(gradient_with((DIFFERENCE, "(f(plus) - f(minus)) / h"))), "❌",
                      "除以 h 的差分：f 求值的两个点相距多远？")  # a slip that asks: no full stop after it
    in_place = gradient_with(("        plus, minus = params.copy(), params.copy()\n", "        p = params\n"),
                             (STEPS, "        p[i] += h\n        above = f(p)\n        p[i] -= 2 * h\n"
                                     "        below = f(p)"), (DIFFERENCE, "(above - below) / (2 * h)"))
    assert_in_chinese(ex1.check(in_place), "❌", "（在 p = (0.5, 1.2) 处，h = 0.2），第 0 项在调用前是 0.5，调用后变成了 0.3")
    assert_in_chinese(ex1.check(gradient_with((DIFFERENCE, "(f(*plus) - f(*minus)) / (2 * h)"))), "❌",
                      "请调用 `f(p)`，而不是 `f(*p)`")
    assert_in_chinese(ex1.check(gradient_with(("return gradient", "return gradient.sum()"))), "❌",
                      "返回了 1 个数：每个参数应对应一个偏导数。")
    assert_in_chinese(ex1.check(define(SHIPPED["ex1"], "numerical_gradient")), "✅",
                      "对于检查中的全部 4 个函数（含 1 到 4 个参数")


def test_in_chinese_ex1_a_gradient_right_for_two_parameters_only(chinese):
    two_only = define("""
        def numerical_gradient(f, params, h):
            def moved(i, step):
                p = params.copy()
                p[i] += step
                return f(p)
            return np.array([(moved(0, h) - moved(0, -h)) / (2 * h), (moved(1, h) - moved(1, -h)) / (2 * h)])
        """, "numerical_gradient")
    assert_in_chinese(ex1.check(two_only), "❌", "对检查中含 2 个参数的函数是正确的，但对 f(p) = ",
                      "在那里它对一个含 3 个参数的函数返回了 2 个数：每个参数应对应一个偏导数。第 2 节")


def test_in_chinese_ex2_answers_blank_wrong_and_right(chinese):
    assert_in_chinese(ex2.check(...), "📝", "`train_line`")
    assert_in_chinese(ex2.check(lambda x, y, learning_rate, steps: ...), "📝", "`train_line` 仍然返回 `...`")
    rebound = line((UPDATE, "        w = w - learning_rate * dw\n        b = b - learning_rate * db"))
    assert_in_chinese(ex2.check(rebound), "❌", "不再是 `tf.Variable`，而成了普通的张量",
                      "所以下一次的梯度是 None（因此出现了关于 None 的 TypeError）。")
    assert_in_chinese(ex2.check(line((UPDATE, UPDATE.replace("assign_sub", "assign_add")))), "❌",
                      "对于 12 个点、学习率 0.06、25 步，`train_line` 返回了 w = ", "。这看起来像是*向上坡*走")
    assert_in_chinese(ex2.check(line((LOSS, "tf.reduce_mean(w * x + b - y)"))), "❌",
                      "误差均值（或预测均值）的梯度")
    assert_in_chinese(ex2.check(line((START, "    w = tf.constant(0.0)\n    b = tf.constant(0.0)"))), "❌",
                      "向梯度带求的是相对一个张量（常量，或数据 x 或 y）的梯度")
    assert_in_chinese(ex2.check(define(SHIPPED["ex2"], "train_line")), "✅",
                      "在检查的全部 3 次运行中（它从未见过的数据，12 到 25 步，以及 steps = 0）")


@pytest.mark.parametrize("exercise", [ex1, ex2], ids=["ex1", "ex2"])
def test_in_chinese_the_hints(exercise, chinese):
    assert_help_in_chinese(exercise)
