"""The exercises of 01 · Gradients: the shipped solutions pass, a learner's slips are named, junk is refused.

Learners' attempts are written as they would write them (code in strings), executed, and given to the checks.
"""

import re
import textwrap
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from tables import JUNK, assert_not_solved, assert_passed, assert_rejected

from course_utils import workbook
from course_utils.checks import stored_solution
from course_utils.exercises import gradients
from course_utils.exercises.gradients import ex1, ex2

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_gradients.ipynb"
SHIPPED = workbook.solutions(nbformat.read(NOTEBOOK, as_version=4))


def notebook_namespace():
    """What the notebook has defined when the learner reaches the exercises (the names an attempt may use)."""
    rng = np.random.default_rng(1)
    x_data = rng.uniform(0, 3, size=30)
    y_data = 2 * x_data - 1 + 0.3 * rng.normal(size=30)
    return {"np": np, "tf": tf, "keras": keras, "x_data": x_data, "y_data": y_data,
            "f": lambda x: x**3 - 2 * x + 1}


def define(code, name):
    namespace = notebook_namespace()
    exec(textwrap.dedent(code), namespace)
    return namespace[name]


def test_the_shipped_solutions_are_the_stored_ones_and_pass():
    assert set(SHIPPED) == {"ex1", "ex2"}
    for label, exercise, name in (("ex1", ex1, "central_difference"), ("ex2", ex2, "train_line")):
        assert stored_solution("gradients", label) == SHIPPED[label]
        assert_passed(exercise.check(define(SHIPPED[label], name)))


def test_the_student_stubs_get_exactly_the_not_solved_reply():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    for exercise, name in ((ex1, "central_difference"), (ex2, "train_line")):
        cell = next(c.source for c in cells if c.cell_type == "code" and f"def {name}(" in c.source)
        stub = workbook.stub_solutions(cell)
        assert "return ..." in stub
        assert_not_solved(exercise.check(define(stub, name)))
        assert_not_solved(exercise.check(...))


# --- Exercise 1: central_difference ----------------------------------------------------------------------

CENTRAL = "def central_difference(f, x, h):\n    return {}\n"

RIGHT_SLOPES = [
    "(f(x + h) - f(x - h)) / (2 * h)",
    "(f(x + h) - f(x - h)) / 2 / h",
    "0.5 * (f(x + h) - f(x - h)) / h",
    "((f(x + h) - f(x)) / h + (f(x) - f(x - h)) / h) / 2",  # the mean of the forward and backward differences
    "np.float32((f(np.float32(x) + np.float32(h)) - f(np.float32(x) - np.float32(h))) / (2 * np.float32(h)))",
    "(f(tf.constant(x, tf.float32) + h) - f(tf.constant(x, tf.float32) - h)) / (2 * h)",
    "(f(tf.constant(x, tf.float64) + h) - f(tf.constant(x, tf.float64) - h)) / (2 * h)",
    "np.array((f(x + h) - f(x - h)) / (2 * h))",
    "[(f(x + h) - f(x - h)) / (2 * h)]",
    "tf.Variable((f(x + h) - f(x - h)) / (2 * h))",
    "np.gradient(f(np.array([x - h, x, x + h])), h)[1]",  # NumPy's central difference at the middle point
]


@pytest.mark.parametrize("expression", RIGHT_SLOPES)
def test_right_central_differences_pass(expression):
    assert_passed(ex1.check(define(CENTRAL.format(expression), "central_difference")))


def test_other_right_forms_of_the_function_pass():
    assert_passed(ex1.check(lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)))
    assert_passed(ex1.check(define("""
        def central_difference(func, point, step):
            right, left = func(point + step), func(point - step)
            return (right - left) / (2 * step)
        """, "central_difference")))


SLOPE_MISTAKES = [
    ("(f(x + h) - f(x)) / h", ("forward difference",)),
    ("(f(x) - f(x - h)) / h", ("backward difference",)),
    ("(f(x + 2 * h) - f(x)) / (2 * h)", ("one-sided",)),
    ("(f(x + h) - f(x - h)) / h", ("divided by h", "how far apart")),
    ("(f(x + h) - f(x - h)) / 2 * h", ("`a / 2 * h`", "parentheses")),
    ("f(x + h) - f(x - h)", ("not divided",)),
    ("(f(x - h) - f(x + h)) / (2 * h)", ("wrong sign",)),
    ("f(x)", ("f(x) itself",)),
    ("(f(x + 1e-5) - f(x - 1e-5)) / (2 * 1e-5)", ("exact derivative", "use h")),  # a step of its own
    ("(f(1.0 + h) - f(1.0 - h)) / (2 * h)", ("right for 1 of", "f, x and h it is given")),  # x hard-coded
    ("(f(x + h / 2) - f(x - h / 2)) / h", ("does not compute a central difference",)),
    ("round((f(x + h) - f(x - h)) / (2 * h))", ("does not compute a central difference",)),
    ("(f(x + h), f(x - h))", ("one number", "shape (2,)")),
    ("None", ("returned None", "return")),
    ("float('nan')", ("NaN",)),
    ("str((f(x + h) - f(x - h)) / (2 * h))", ("number",)),
    ("1 / 0", ("ZeroDivisionError",)),
]


def assert_no_slope_given_away(message):
    """No expected value of the check's calls appears (their own x and h, in their descriptions, are not answers)."""
    for point in gradients.POINTS:
        message = message.replace(point.text, "")
    for point in gradients.POINTS:
        value = f"{point.central():.6g}"
        assert not re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", message), (value, message)


@pytest.mark.parametrize("expression, words", SLOPE_MISTAKES, ids=[m[0] for m in SLOPE_MISTAKES])
def test_slips_in_a_central_difference_are_named(expression, words):
    feedback = ex1.check(define(CENTRAL.format(expression), "central_difference"))
    assert_rejected(feedback, *words)
    if not expression.startswith("str("):  # that one shows the learner's own string back
        assert_no_slope_given_away(feedback.message)


def test_the_exact_derivative_by_the_tape_and_the_notebooks_f_are_named():
    by_tape = define("""
        def central_difference(f, x, h):
            x = tf.Variable(x, dtype=tf.float64)
            with tf.GradientTape() as tape:
                y = f(x)
            return tape.gradient(y, x)
        """, "central_difference")
    assert_rejected(ex1.check(by_tape), "exact derivative", "tf.GradientTape")
    global_f = define("""
        def central_difference(g, x, h):
            return (f(x + h) - f(x - h)) / (2 * h)
        """, "central_difference")
    assert_rejected(ex1.check(global_f), "notebook's f", "passed in")
    assert_rejected(ex1.check(define("def central_difference(f, x):\n    return f(x)", "central_difference")),
                    "TypeError")
    assert_rejected(ex1.check(3.25), "should be a function")


def test_every_slip_of_ex1_differs_from_the_central_difference_somewhere():
    for description, mistake in gradients.SLOPE_MISTAKES.items():
        gaps = [abs(mistake(p) - p.central()) / abs(p.central()) for p in gradients.POINTS]
        assert max(gaps) > 1000 * gradients._SLOPE_RTOL, description


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
    "a new Variable every step": [(UPDATE, "        w = tf.Variable(w - learning_rate * dw)\n"
                                           "        b = tf.Variable(b - learning_rate * db)")],
    "a (2, 1) array": [("return w, b", "return np.array([[w.numpy()], [b.numpy()]])")],
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
                                    CLASSIC[:3]),
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
                                 ("a Tensor", "does not watch")),
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
}


def assert_no_line_given_away(message):
    for value in [value for run in gradients.LINES for value in gradients.descend(run) if value]:
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
    original = tf.GradientTape.gradient
    ex2.check(line((UPDATE, "        w = w - learning_rate * dw\n        b = b - learning_rate * db")))
    ex2.check(define("def train_line(x, y, learning_rate, steps):\n    raise ValueError", "train_line"))
    assert tf.GradientTape.gradient is original


def test_every_slip_of_ex2_is_told_apart_on_the_first_run():
    run = gradients.LINE_A
    right = gradients.descend(run)
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
    returns_junk = (lambda f, x, h: junk) if exercise is ex1 else (lambda x, y, learning_rate, steps: junk)
    assert_rejected(exercise.check(returns_junk))


def test_hints_come_in_levels_and_the_first_gives_no_code():
    for exercise, code_words in ((ex1, ["f(x + h)", "f(x - h)", "2 * h", "(2h)", "/ 2"]),
                                 (ex2, ["assign_sub", "reduce_mean", "tape.gradient", "GradientTape()", "Variable(0"])):
        assert 2 <= len(exercise.hints) <= 3
        first = exercise.hint(1).text
        assert not any(word in first for word in code_words), first
        assert exercise.hint(len(exercise.hints) + 1).title == "No more hints."
    assert "2h" in ex1.hints[-1] and "assign_sub" in ex2.hints[-1]  # the method, in the last level


def test_solutions_can_be_switched_off(monkeypatch):
    assert "assign_sub" in ex2.solution().code
    monkeypatch.setenv("COURSE_SOLUTIONS", "off")
    assert ex2.solution().code == "" and "switched off" in ex2.solution().title
