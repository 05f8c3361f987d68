"""The exercises of 03 · Local minima (course_utils.exercises.local_minima): the shipped solutions pass, plausible
mistakes are rejected with their diagnosis, other right forms pass, and nothing gives the answer away."""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from tables import JUNK, assert_not_solved, assert_passed, assert_rejected

from course_utils.checks import stored_solution
from course_utils.exercises import local_minima as M
from course_utils.exercises.local_minima import ex1, ex2, ex3

init = keras.initializers


def solution(label):
    """Run the notebook's solution of ``label`` (as stored from the notebook) and return its namespace."""
    namespace = {"np": np, "tf": tf, "keras": keras, "p_global": M.p_global, "target": M.target,
                 "examples": M.examples}
    exec(stored_solution("local_minima", label), namespace)
    return namespace


@pytest.fixture(scope="module")
def ex3_solution():
    namespace = solution("ex3")
    return namespace["tf_hessian"], namespace["kind_of_point"]


def stub(*args):
    return ...


# --- Exercise 1: restarts for 99 % -------------------------------------------------------------------------


def test_ex1_the_solution_passes():
    assert_passed(ex1.check(solution("ex1")["starts_needed"]))


@pytest.mark.parametrize("answer, words", [
    (16, ["just short", "0.98998", "smallest"]),  # int() or floor instead of rounding up
    (int(np.log(0.01) / np.log(0.75)), ["just short"]),
    (np.log(0.01) / np.log(0.75), ["not a whole number"]),  # not rounded at all
    (16.5, ["not a whole number"]),
    (4, ["adding", "average"]),  # k p >= 0.99, or 1 / p, or the success chance where the failure chance belongs
    (int(np.ceil(np.log(0.01) / np.log(0.25))), ["adding"]),
    (1, ["single start"]),  # log(0.99) / log(0.75) rounded up: the target where 1 - target belongs
    (9, ["90 %"]),  # the target read as 0.9
    (18, ["fewer would too"]),  # rounded up twice (int(x) + 1 after ceil)
    (100, ["fewer would too"]),
    (10, ["too few", "below"]),
    (0, ["without a start"]),
    (-3, ["without a start"]),
    ([16, 17], ["one whole number"]),
    ("17", ["not str"]),
])
def test_ex1_mistakes_are_named(answer, words):
    feedback = ex1.check(answer)
    assert_rejected(feedback, *words)
    if not isinstance(answer, str):  # a text is quoted back as it was given
        assert not re.search(r"\b17\b", feedback.message), feedback.message  # the answer is never printed
    assert "log" not in feedback.message and "(1 -" not in feedback.message  # nor the formula


@pytest.mark.parametrize("answer", [17, 17.0, np.int64(17), np.float32(17), np.array(17), tf.constant(17),
                                    tf.Variable(17.0), [17], np.array([[17.0]])])
def test_ex1_right_forms_pass(answer):
    assert_passed(ex1.check(answer))


def test_ex1_loop_over_the_chance_passes():
    k = 1
    while 1 - (1 - M.p_global) ** k < M.target:
        k += 1
    assert_passed(ex1.check(k))


def test_ex1_owns_its_data():
    assert M.p_global == 0.25 and M.target == 0.99 and M._fewest_starts(M.target) == 17


# --- Exercise 2: an initialiser for a deep stack ---------------------------------------------------------


def test_ex2_the_solution_passes():
    assert_passed(ex2.check(solution("ex2")["initializer_for"]))


def by_activation(tanh, relu):
    return lambda activation: relu if activation == "relu" else tanh


EX2_MISTAKES = [
    (lambda a: "zeros", ["tanh and relu", "every weight starts at 0", "copies"]),
    (lambda a: "ones", ["same weights", "copies"]),
    (lambda a: init.Constant(0.5), ["same weights", "copies"]),
    (lambda a: init.RandomNormal(stddev=1.0), ["tanh: the weights are too large", "saturated", "relu: the signal "
                                               "explodes", "same size whatever the layer's width"]),
    (lambda a: init.RandomNormal(stddev=0.01), ["tanh: the signal vanishes", "relu: the signal vanishes",
                                                "too small"]),
    (lambda a: "random_normal", ["vanishes", "same size whatever"]),  # Keras's RandomNormal: stddev 0.05
    (lambda a: "glorot_uniform", ["relu: the signal fades", "half of its inputs"]),  # Keras's default everywhere
    (by_activation("he_normal", "glorot_uniform"), ["relu: the signal fades"]),  # the two swapped
    (by_activation("glorot_uniform", init.Orthogonal()), ["relu: the signal fades"]),
    (lambda a: init.RandomNormal(stddev=np.sqrt(2 / 256)), ["same size whatever the layer's width"]),  # tuned to 256
    (lambda a: init.TruncatedNormal(stddev=0.1), ["same size whatever the layer's width"]),
    (lambda a: init.VarianceScaling(scale=20.0), ["tanh: the weights are too large", "relu: the signal explodes"]),
    (lambda a: init.VarianceScaling(scale=0.2), ["tanh: the signal vanishes", "relu: the signal fades"]),
    (lambda a: "identity", ["identity matrix", "random"]),
    (lambda a: "relu", ["name of an activation"]),
    (lambda a: a, ["name of an activation"]),
    (lambda a: None, ["returned None", "return"]),
    (lambda a: 0.05, ["the number 0.05"]),
    (lambda a: "he", ["could not build", "ValueError"]),
    (lambda a: keras.layers.Dense(4), ["could not build"]),
    (lambda: "he_normal", ["calling `initializer_for` raised TypeError"]),
    (lambda a: {"tanh": "glorot_uniform"}[a], ["raised KeyError"]),
]


@pytest.mark.parametrize("initializer_for, words", EX2_MISTAKES)
def test_ex2_mistakes_are_named(initializer_for, words):
    feedback = ex2.check(initializer_for)
    assert_rejected(feedback, *words)
    for answer in ("he_normal", "HeNormal", "he_uniform", "glorot", "Glorot", "lecun", "2 / fan_in", "sqrt(2"):
        assert answer not in feedback.message


@pytest.mark.parametrize("initializer_for", [
    by_activation(init.GlorotNormal, init.HeUniform),  # classes: Keras makes the object
    by_activation(init.VarianceScaling(1.0, "fan_avg", "uniform"),
                  init.VarianceScaling(2.0, "fan_in", "truncated_normal")),
    by_activation(init.Orthogonal(), init.Orthogonal(gain=np.sqrt(2))),
    by_activation(init.glorot_uniform(seed=1), init.he_normal(seed=2)),  # Keras 2's lower-case names, seeded
    lambda a: (lambda shape, dtype=None: tf.random.normal(shape, stddev=np.sqrt((2 if a == "relu" else 1) / shape[0]),
                                                          dtype=dtype)),
])
def test_ex2_right_forms_pass(initializer_for):
    assert_passed(ex2.check(initializer_for))


def test_ex2_he_for_tanh_passes_with_a_note():
    feedback = ex2.check(lambda activation: "he_normal")
    assert_passed(feedback)
    assert "larger than Glorot's" in feedback.message


def test_ex2_leaves_pythons_random_state_alone():
    import random

    random.seed(11)
    expected = random.random()
    random.seed(11)
    ex2.check(lambda activation: "zeros")
    ex2.check(solution("ex2")["initializer_for"])
    assert random.random() == expected


def test_ex2_the_solution_passes_whatever_the_seed():
    """Unseeded initializers get their seeds from Python's random: the verdict holds for other seeds too."""
    from course_utils.exercises.local_minima import STACKS, _reading_problem, through_stack
    import random

    for seed in range(2):
        random.seed(100 + seed)
        for activation, width, depth in STACKS:
            reading = through_stack(lambda: "he_normal" if activation == "relu" else "glorot_uniform",
                                    activation, width, depth)
            assert _reading_problem(reading, fixed_scale=False) is None, reading


# --- Exercise 3: a Hessian with nested tapes, and the kind of a critical point -----------------------------


def test_ex3_the_solution_passes(ex3_solution):
    assert_passed(ex3.check(*ex3_solution))


def test_ex3_the_examples_are_what_the_notebook_says(ex3_solution):
    tf_hessian, kind_of_point = ex3_solution
    kinds = [kind_of_point(tf_hessian(function, point)) for function, point in M.examples.values()]
    assert kinds == ["saddle", "minimum", "maximum"]
    for function, point in M.examples.values():
        with tf.GradientTape() as tape:
            x = tf.Variable(point)
            value = function(x)
        assert np.abs(tape.gradient(value, x).numpy()).max() < 1e-8  # each example point is critical


def test_ex3_the_checks_own_hessians_are_right():
    assert np.allclose(M._reference(0), [[2, 3], [3, 2]])
    assert np.allclose(M._reference(1), [[-2, 0, 1], [0, -2, 0], [1, 0, 2]])
    assert np.allclose(M._reference(2), M.KIND_CASES[7], atol=1e-4)
    assert [M.true_kind(m) for m in M.KIND_CASES] == ["saddle", "maximum", "saddle", "minimum", "minimum", "maximum",
                                                      "saddle", "maximum", "saddle"]
    for name, rule in M.WRONG_RULES.items():  # every wrong rule is caught by some case
        assert [rule(m) for m in M.KIND_CASES] != [M.true_kind(m) for m in M.KIND_CASES], name


def nested(function, point, *, dtype=None, jacobian=False):
    """A right tf_hessian, in other forms."""
    x = tf.Variable(point if dtype is None else point.astype(dtype))
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        gradient = inner.gradient(value, x)
        entries = [gradient[i] for i in range(len(point))]  # sliced while the outer tape records
    if jacobian:
        return outer.jacobian(gradient, x)
    return [outer.gradient(entry, x) for entry in entries]


def first_gradient_outside(function, point):
    x = tf.Variable(point)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = function(x)
    gradient = inner.gradient(value, x)  # the outer tape has stopped recording
    return outer.jacobian(gradient, x)


def slicing_outside(function, point):
    x = tf.Variable(point)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        gradient = inner.gradient(value, x)
    return tf.stack([outer.gradient(gradient[i], x) for i in range(len(point))])


def slicing_outside_as_a_list(function, point):
    x = tf.Variable(point)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        gradient = inner.gradient(value, x)
    return [outer.gradient(gradient[i], x) for i in range(len(point))]


def unwatched_constant(function, point):
    x = tf.constant(point)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        gradient = inner.gradient(value, x)
    return outer.jacobian(gradient, x)


def gradient_of_gradient(function, point):
    x = tf.Variable(point)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        gradient = inner.gradient(value, x)
    return outer.gradient(gradient, x)  # the gradient of the sum of the entries


def only_the_gradient(function, point):
    x = tf.Variable(point)
    with tf.GradientTape() as tape:
        value = function(x)
    return tape.gradient(value, x)


def one_tape_twice(function, point):
    x = tf.Variable(point)
    with tf.GradientTape() as tape:
        value = function(x)
        gradient = tape.gradient(value, x)
    return tape.jacobian(gradient, x)


def rows_without_persistent(function, point):
    x = tf.Variable(point)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        rows = tf.unstack(inner.gradient(value, x))
    return tf.stack([outer.gradient(row, x) for row in rows])


def tf1_hessians(function, point):
    x = tf.Variable(point)
    return tf.hessians(function(x), x)


def diagonal_only(function, point):
    x = tf.Variable(point)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        rows = tf.unstack(inner.gradient(value, x))
    return tf.linalg.diag(tf.stack([outer.gradient(row, x)[i] for i, row in enumerate(rows)]))


def the_notebooks_camel(function, point):
    return nested(M.camel_tf, point)


def no_return(function, point):
    nested(function, point)


def finite_differences(function, point, h=1e-4):
    n = len(point)
    values = lambda p: float(function(p))  # noqa: E731
    steps = np.eye(n) * h
    return np.array([[(values(point + steps[i] + steps[j]) - values(point + steps[i] - steps[j])
                       - values(point - steps[i] + steps[j]) + values(point - steps[i] - steps[j])) / (4 * h * h)
                      for j in range(n)] for i in range(n)])


def finite_differences_of_the_tape_gradient(function, point, h=1e-5):  # section 7's method, with a tape inside
    def gradient_at(where):
        x = tf.Variable(where)
        with tf.GradientTape() as tape:
            value = function(x)
        return tape.gradient(value, x).numpy()

    steps = np.eye(len(point)) * h
    return np.array([(gradient_at(point + step) - gradient_at(point - step)) / (2 * h) for step in steps])


def negated(function, point):
    return -tf.stack(nested(function, point))


def at_zero(function, point):
    return nested(function, np.zeros_like(point))  # the point ignored: right at (0, 0), wrong at the camel's maximum


@pytest.mark.parametrize("tf_hessian, words", [
    (first_gradient_outside, ["returned None", "outer `with` block"]),
    (slicing_outside, ["None", "outside the outer tape's `with` block"]),
    (slicing_outside_as_a_list, ["None", "outer `with` block"]),
    (unwatched_constant, ["None", "tf.Variable"]),
    (gradient_of_gradient, ["sums of the Hessian's rows", "jacobian"]),
    (only_the_gradient, ["looks like the gradient", "second derivatives"]),
    (one_tape_twice, ["non-persistent", "persistent=True"]),
    (rows_without_persistent, ["non-persistent", "persistent=True"]),
    (tf1_hessians, ["TensorFlow 1", "GradientTape"]),
    (diagonal_only, ["only the diagonal", "mixed"]),
    (the_notebooks_camel, ["never called the function"]),
    (no_return, ["returned None"]),
    (finite_differences, ["finite differences", "near `point`", "GradientTapes"]),
    (finite_differences_of_the_tape_gradient, ["finite differences", "near `point`"]),
    (lambda function, point: nested, ["returned a function"]),
    (negated, ["wrong sign"]),
    (at_zero, ["camel", "entries differ"]),
    (lambda function, point: "H", ["should be a number"]),
    (lambda function, point: np.eye(len(point)), ["never called the function"]),
])
def test_ex3_hessian_mistakes_are_named(tf_hessian, words, ex3_solution):
    feedback = ex3.check(tf_hessian, ex3_solution[1])
    assert_rejected(feedback, *words)
    for index in range(len(M.HESSIAN_CASES)):  # the check's own Hessians are never shown
        assert M._show(M._reference(index)) not in feedback.message
        assert M._show(np.round(M._reference(index), 3)) not in feedback.message


def by_rule(name):
    return lambda matrix: M.WRONG_RULES[name](np.asarray(matrix))


def by_diagonal(matrix):
    diagonal = np.diag(matrix)
    return "minimum" if np.all(diagonal > 0) else "maximum" if np.all(diagonal < 0) else "saddle"


def by_determinant(matrix):  # the 2-D textbook test, used in any dimension
    if np.linalg.det(matrix) < 0:
        return "saddle"
    return "minimum" if matrix[0, 0] > 0 else "maximum"


def by_trace(matrix):
    return "minimum" if np.trace(matrix) > 0 else "maximum"


def swapped(matrix):
    values = np.linalg.eigvalsh(matrix)
    return "maximum" if np.all(values > 0) else "minimum" if np.all(values < 0) else "saddle"


def by_smallest_only(matrix):  # forgets the maximum
    return "minimum" if np.linalg.eigvalsh(matrix).min() > 0 else "saddle"


@pytest.mark.parametrize("kind_of_point, words", [
    (by_diagonal, ["diagonal entries alone", "eigenvectors"]),
    (by_determinant, ["determinant", "two variables only"]),
    (by_rule("determinant sign"), ["determinant"]),
    (by_trace, ["trace", "saddle goes unnoticed"]),
    (lambda matrix: "minimum" if matrix[0, 0] > 0 else "maximum", ["first entry alone", "eigenvectors"]),
    (swapped, ["swapped", "curves *up*"]),
    (lambda matrix: "minimum", ["for every one of the check's 9 Hessians"]),
    (by_smallest_only, ["3 of the check's 9", "'saddle'"]),
    (lambda matrix: np.linalg.eigvalsh(matrix), ["returned a ndarray", "'minimum', 'maximum' or 'saddle'"]),
    (lambda matrix: np.all(np.linalg.eigvalsh(matrix) > 0), ["returned a bool"]),
    (lambda matrix: None, ["returned None"]),
    (lambda matrix: "flat", ["returned 'flat'"]),
    (lambda function, point: "saddle", ["raised TypeError"]),  # the old signature
])
def test_ex3_kind_mistakes_are_named(kind_of_point, words, ex3_solution):
    feedback = ex3.check(ex3_solution[0], kind_of_point)
    assert_rejected(feedback, *words)


@pytest.mark.parametrize("tf_hessian", [
    nested,
    lambda function, point: nested(function, point, dtype="float32"),
    lambda function, point: nested(function, point, jacobian=True).numpy().tolist(),
    lambda function, point: tf.Variable(tf.stack(nested(function, point))),
])
def test_ex3_right_hessian_forms_pass(tf_hessian, ex3_solution):
    assert_passed(ex3.check(tf_hessian, ex3_solution[1]))


def test_ex3_right_kind_forms_pass(ex3_solution):
    from course_utils.basins import curvature_kind

    tf_hessian, kind_of_point = ex3_solution
    for kinds in (lambda matrix: curvature_kind(np.linalg.eigvalsh(matrix)),
                  lambda matrix: {"minimum": "Local minimum", "maximum": "MAX", "saddle": "saddle point"}[
                      kind_of_point(matrix)],
                  lambda matrix: np.str_(kind_of_point(tf.constant(matrix)))):
        assert_passed(ex3.check(tf_hessian, kinds))


def test_ex3_needs_both_functions(ex3_solution):
    assert_rejected(ex3.check(ex3_solution[0]), "both functions")


# --- Every exercise: not solved yet, junk, hints ------------------------------------------------------------


@pytest.mark.parametrize("check", [
    lambda: ex1.check(...),
    lambda: ex2.check(...),
    lambda: ex2.check(stub),
    lambda: ex3.check(..., ...),
    lambda: ex3.check(stub, stub),
    lambda: ex3.check(...),
])
def test_not_solved_yet_is_only_the_template(check):
    assert_not_solved(check())


def test_not_solved_yet_for_the_second_function(ex3_solution):
    assert_not_solved(ex3.check(ex3_solution[0], stub))
    assert_not_solved(ex3.check(ex3_solution[0], ...))


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: f"{type(junk).__name__}:{junk!r:.20}")
def test_junk_is_rejected_without_a_traceback(junk, ex3_solution):
    checks = [lambda: ex1.check(junk), lambda: ex2.check(junk), lambda: ex2.check(lambda activation: junk),
              lambda: ex3.check(junk, ex3_solution[1]), lambda: ex3.check(ex3_solution[0], junk),
              lambda: ex3.check(lambda function, point: junk, ex3_solution[1]),
              lambda: ex3.check(ex3_solution[0], lambda matrix: junk)]
    for check in checks:
        feedback = check()
        assert not feedback.passed, feedback.message
        assert feedback.message.startswith("❌ Not yet"), feedback.message
        assert "could not be checked" not in feedback.message, feedback.message


@pytest.mark.parametrize("exercise, parts", [
    (ex1, ["log", "ceil", "17", "(1 -", "**", "16"]),
    (ex2, ["he_normal", "HeNormal", "glorot_uniform", "He ", "Glorot", "2 /", "fan"]),
    (ex3, ["jacobian", "persistent", "eigvalsh", "tf.Variable", "outer", "inner", "unstack"]),
])
def test_first_hints_hold_no_part_of_the_solution(exercise, parts):
    first = exercise.hints[0]
    for part in parts:
        assert part not in first, part
    assert len(exercise.hints) >= 2


def test_no_hint_before_asking():
    for feedback in (ex1.check(16), ex2.check(lambda activation: "zeros"), ex1.check(...)):
        for exercise in (ex1, ex2, ex3):
            for hint in exercise.hints:
                assert hint not in feedback.message
