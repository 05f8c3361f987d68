"""The exercises of 03 · Local minima (course_utils.exercises.local_minima): the shipped solutions pass, plausible
mistakes are rejected with their diagnosis, other right forms pass, and nothing gives the answer away."""

import json
import math
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected)

from course_utils.basins import curvature_kind
from course_utils.checks import stored_solution
from course_utils.exercises import local_minima as M
from course_utils.exercises.local_minima import ex1, ex2, ex3

init = keras.initializers
NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "03_local_minima.ipynb"


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


@pytest.fixture(scope="module")
def fast_hessian(ex3_solution):
    """The solution's tf_hessian, remembered per point, for the tests of kind_of_point (it still calls the function
    at the point with a tensor, as the check requires)."""
    remembered = {}

    def tf_hessian(function, point):
        function(tf.constant(point))
        key = tuple(np.asarray(point).tolist())
        if key not in remembered:
            remembered[key] = ex3_solution[0](function, point)
        return remembered[key]

    return tf_hessian


def stub(*args, **kwargs):
    return ...


# --- Exercise 1: starts_needed(p, target) --------------------------------------------------------------------


def ratio(p, t):
    return np.log(1 - t) / np.log(1 - p)


def by_loop(p, t):
    k = 1
    while 1 - (1 - p) ** k < t:
        k += 1
    return k


def test_ex1_the_solution_passes():
    assert_passed(ex1.check(solution("ex1")["starts_needed"]))


def test_ex1_the_cases_keep_away_from_boundaries():
    """Rounding errors of floats cannot tip the check's answers: no ratio lies near a whole number."""
    for p, t in M.RESTART_CASES:
        assert 0.005 < ratio(p, t) % 1 < 0.995, (p, t)
        assert M._fewest_starts(p, t) == math.ceil(ratio(p, t))
    assert M._fewest_starts(M.p_global, M.target) == 17
    for name, rule, _ in M.RESTART_SLIPS:  # every slip gives a wrong answer for some pair
        assert [rule(p, t) for p, t in M.RESTART_CASES] != [M._fewest_starts(p, t) for p, t in M.RESTART_CASES], name


@pytest.mark.parametrize("starts_needed, words", [
    (lambda p, t: int(ratio(p, t)), ["rounds down", "just short", "whole extra start"]),  # int() or floor
    (lambda p, t: by_loop(p, t) - 1, ["rounds down"]),  # a loop that returns one too early
    (lambda p, t: round(ratio(p, t)), ["nearest whole number", "just short"]),
    (lambda p, t: int(np.ceil(ratio(p, t))) + 1, ["one start more", "round up twice"]),
    (lambda p, t: int(np.ceil(np.log(1 - t) / np.log(p))), ["p^k", "chance that every start fails"]),  # review: 4
    (lambda p, t: int(np.ceil(t / p)), ["adding the starts' chances"]),
    (lambda p, t: round(1 / p), ["average number of starts", "whatever the target"]),
    (lambda p, t: int(np.ceil(np.log(t) / np.log(1 - p))), ["at most the target", "leaves over"]),
    (lambda p, t: int(np.ceil(ratio(t, p))), ["other order"]),  # def starts_needed(target, p)
    (lambda p, t: int(np.ceil(np.log(t) / np.log(p))), ["too few", "below the target"]),  # review 2: "other order"
    (lambda p, t: int(np.ceil(np.log(1 - t) / (1 - p))), ["negative", "signs of the logarithms"]),  # review: -6
    (lambda p, t: -math.ceil(ratio(p, t)), ["negative"]),
    (lambda p, t: ratio(p, t), ["16.0078455593", "not a whole number"]),  # not rounded
    (lambda p, t: 17, ["for every one of the check's 11 pairs", "its arguments"]),  # typed in
    (lambda p, t: math.ceil(math.log(1 - 0.99) / math.log(1 - 0.25)), ["for every one", "p_global"]),  # globals
    (lambda p, t: 0, ["for every one"]),
    (lambda p, t: 2 * by_loop(p, t), ["fewer would too"]),
    (lambda p, t: by_loop(p, t) if p > 0.5 else by_loop(p, t) - 2, ["too few", "below the target"]),
    (lambda p, t: by_loop(p, t) if p != 0.7 else 0, ["= 0", "without a start"]),
    (lambda p, t: [by_loop(p, t), by_loop(p, t)], ["one whole number", "shape (2,)"]),
    (lambda p, t: str(by_loop(p, t)), ["not str"]),
    (lambda p: 17, ["raised TypeError"]),
    (17, ["should be a function"]),  # the old exercise's answer, a number
])
def test_ex1_mistakes_are_named(starts_needed, words):
    feedback = ex1.check(starts_needed)
    assert_rejected(feedback, *words)
    assert "log(" not in feedback.message and "ceil" not in feedback.message  # no formula
    for p, t in M.RESTART_CASES:  # the fewest starts of a pair never appears next to that pair
        assert f"starts_needed({p}, {t})` = {M._fewest_starts(p, t)}:" not in feedback.message


@pytest.mark.parametrize("starts_needed", [
    lambda p, t: int(np.ceil(ratio(p, t))),
    lambda p, t: np.ceil(ratio(p, t)),  # a NumPy float, whole
    lambda p, t: float(int(ratio(p, t)) + 1),
    by_loop,
    lambda p, t: next(k for k in range(1, 10**4) if 1 - (1 - p) ** k > t),  # > instead of >=: no boundary is hit
    lambda p, t: math.ceil(math.log(1 - t, 1 - p)),
    lambda p, t: math.ceil(np.log10(1 - t) / np.log10(1 - p)),
    lambda p, t: tf.math.ceil(tf.math.log(1 - t) / tf.math.log(1 - p)),  # a tensor
    lambda p, t: np.array([by_loop(p, t)]),
    lambda p, t: by_loop(p, t) - 1e-10,  # review: 16.999999999 was "not a whole number"
    lambda p, t: np.int64(by_loop(p, t)),
])
def test_ex1_right_forms_pass(starts_needed):
    assert_passed(ex1.check(starts_needed))


# --- Exercise 2: relu_uniform(shape, dtype), He's variance drawn uniformly -----------------------------------


def uniform_with(variance):
    """A learner's initializer: uniform on (-a, a) with a chosen for ``variance(inputs, units)``."""
    def initializer(shape, dtype=None):
        limit = np.sqrt(3 * variance(shape[0], shape[1]))
        return tf.random.uniform(shape, -limit, limit, dtype=dtype)
    return initializer


def he_limit(shape):
    return np.sqrt(6 / shape[0])


def test_ex2_the_solution_passes():
    assert_passed(ex2.check(solution("ex2")["relu_uniform"]))


EX2_MISTAKES = [
    (uniform_with(lambda i, o: 2 / o), ["number of units", "each unit adds up 512"]),  # shape[1]
    (lambda shape, dtype=None: tf.random.uniform(shape, -np.sqrt(6 / shape[-1]), np.sqrt(6 / shape[-1]), dtype=dtype),
     ["number of units"]),
    (uniform_with(lambda i, o: 4 / (i + o)), ["average", "Glorot"]),  # fan_avg with He's factor 2
    (uniform_with(lambda i, o: 2 / (i + o)), ["sum of the numbers of inputs and of units", "too small for ReLU"]),
    (uniform_with(lambda i, o: 1 / i), ["half of He's", "half of its inputs to zero"]),  # LeCun
    (uniform_with(lambda i, o: 4 / i), ["twice He's"]),
    (lambda shape, dtype=None: tf.random.uniform(shape, -np.sqrt(2 / shape[0]), np.sqrt(2 / shape[0]), dtype=dtype),
     ["limit a were the standard deviation", "mean of w²"]),  # the standard deviation used as the limit
    (lambda shape, dtype=None: tf.random.uniform(shape, -2 / shape[0], 2 / shape[0], dtype=dtype),
     ["limit follows 1 / fan_in", "square root"]),  # the variance used as the limit
    (lambda shape, dtype=None: tf.random.uniform(shape, -6 / shape[0], 6 / shape[0], dtype=dtype),
     ["limit follows 1 / fan_in"]),  # the root forgotten
    (uniform_with(lambda i, o: 2 / (i * o)), ["times the number of units"]),
    (lambda shape, dtype=None: tf.random.uniform(shape, -0.1, 0.1, dtype=dtype),
     ["same variance for every shape"]),  # review: a fixed scale (RandomNormal(0.1) for tanh) must be named
    (lambda shape, dtype=None: tf.random.uniform(shape, -np.sqrt(6 / 256), np.sqrt(6 / 256), dtype=dtype),
     ["same variance for every shape"]),  # tuned to section 6's 256
    (lambda shape, dtype=None: tf.random.uniform(shape, -np.sqrt(6 / len(shape)), np.sqrt(6 / len(shape))),
     ["same variance for every shape"]),  # len(shape) for the fan-in
    (uniform_with(lambda i, o: 3 / i), ["too large for a kernel of shape (512, 64)"]),
    (uniform_with(lambda i, o: 1.6 / i), ["too small for a kernel of shape (512, 64)"]),
    (lambda shape, dtype=None: tf.random.normal(shape, stddev=np.sqrt(2 / shape[0]), dtype=dtype),
     ["not spread evenly", "bell curve"]),  # He normal, written by hand
    (lambda shape, dtype=None: tf.random.truncated_normal(shape, stddev=np.sqrt(2 / shape[0]), dtype=dtype),
     ["not spread evenly"]),
    (lambda shape, dtype=None: tf.random.uniform(shape, 0, he_limit(shape), dtype=dtype),
     ["not centred on 0", "(−a, a)"]),
    (lambda shape, dtype=None: tf.random.uniform(shape, dtype=dtype), ["not centred on 0"]),  # the default (0, 1)
    (lambda shape, dtype=None: tf.zeros(shape, dtype=dtype), ["every weight is 0", "copies"]),
    (lambda shape, dtype=None: 0.1 * tf.ones(shape, dtype=dtype), ["same weights", "copies"]),
    (lambda shape, dtype=None: tf.repeat(tf.random.uniform((shape[0], 1), -1, 1), shape[1], axis=1), ["same weights"]),
    (lambda shape, dtype=None: tf.repeat(tf.random.uniform((1, shape[1]), -1, 1), shape[0], axis=0),
     ["same weight", "only their sum"]),
    (lambda shape, dtype=None: tf.eye(shape[0], shape[1], dtype=dtype), ["nothing random", "identity"]),  # review
    (lambda shape, dtype=None: tf.fill(shape, float("nan")), ["contains NaN", "finite"]),  # review: "vanishing"
    (lambda shape, dtype=None: np.random.uniform(-1, 1, shape) * 1e300, ["far too large"]),  # review 2: "bell curve"
    (lambda shape, dtype=None: tf.random.uniform(shape, -1e30, 1e30, dtype=dtype), ["far too large"]),
    (lambda shape, dtype=None: tf.random.stateless_uniform(shape, [1, 2], -he_limit(shape), he_limit(shape)),
     ["same weights at every call", "fixed seed"]),
    (init.HeUniform(), ["Keras's own HeUniform"]),  # a lookup of section 6's answer
    (init.RandomUniform(-0.1, 0.1), ["RandomUniform with one fixed scale", "a for each kernel"]),  # review 2
    (init.RandomNormal(stddev=0.05), ["RandomNormal with one fixed scale"]),
    (lambda shape, dtype=None: init.HeUniform()(shape, dtype), ["Keras's own initializers"]),
    (lambda shape, dtype=None: init.get("he_uniform")(shape, dtype), ["Keras's own initializers"]),
    (lambda shape, dtype=None: init.VarianceScaling(2.0, "fan_in", "uniform")(shape, dtype),
     ["Keras's own initializers"]),
    (lambda shape, dtype=None: "he_uniform", ["returned 'he_uniform'", "the weights themselves"]),
    (lambda shape, dtype=None: init.HeUniform(), ["returned a HeUniform", "not an initializer"]),
    (lambda shape, dtype=None: None, ["returned None", "return"]),
    (lambda shape, dtype=None: 0.05, ["returned 0.05"]),
    (lambda shape: tf.random.uniform(shape, -he_limit(shape), he_limit(shape)), ["raised TypeError", "dtype"]),
    (lambda shape, dtype=None: tf.transpose(tf.random.uniform(shape, -he_limit(shape), he_limit(shape))),
     ["has shape (64, 512)", "(512, 64)"]),
    (lambda shape, dtype=None: tf.random.uniform(shape, -he_limit(shape), he_limit(shape), dtype="float64"),
     ["dtype float64", "pass the `dtype` argument on"]),  # review 2: the message printed the whole tensor
    ("he_uniform", ["should be a function"]),
]


@pytest.mark.parametrize("relu_uniform, words", EX2_MISTAKES)
def test_ex2_mistakes_are_named(relu_uniform, words):
    feedback = ex2.check(relu_uniform)
    assert_rejected(feedback, *words)
    assert "[[nan" not in feedback.message and "\n" not in feedback.message  # review 2: a 6-line NaN array
    for answer in ("sqrt(6", "6 / fan_in", "a² / 3", "a²/3", "shape[0]", "tf.random.uniform"):
        assert answer not in feedback.message


class ReluUniform(keras.initializers.Initializer):  # review 2: Keras's documented way, refused as "Keras's own"
    def __call__(self, shape, dtype=None):
        return tf.random.uniform(shape, -he_limit(shape), he_limit(shape), dtype=dtype)


class ReluUniformWithConfig(ReluUniform):
    def get_config(self):
        return {}


def test_ex2_a_learners_initializer_class_passes():
    assert_passed(ex2.check(ReluUniform()))
    assert_passed(ex2.check(ReluUniformWithConfig()))
    assert_rejected(ex2.check(ReluUniform), "is a class", "`ReluUniform()`")  # the class, not an instance


@pytest.mark.parametrize("relu_uniform", [
    lambda shape, dtype=None: tf.random.uniform(shape, -he_limit(shape), he_limit(shape)),  # dtype left out
    lambda shape, dtype=None: keras.random.uniform(shape, -he_limit(shape), he_limit(shape), dtype=dtype),
    lambda shape, dtype=None: np.random.uniform(-he_limit(shape), he_limit(shape), size=shape),  # NumPy, float64
    lambda shape, dtype=None: tf.Variable(tf.random.uniform(shape, -he_limit(shape), he_limit(shape))),
    lambda shape, dtype=None: init.RandomUniform(-he_limit(shape), he_limit(shape))(shape, dtype),  # a computed a
    lambda shape, dtype=None: tf.random.uniform(shape, -1, 1, dtype=dtype) * np.sqrt(6 / shape[0]),
    lambda shape, dtype=None: tf.random.uniform(shape, -he_limit(shape), he_limit(shape), seed=7),  # stateful seed
    lambda shape, dtype: tf.random.uniform(shape, -he_limit(shape), he_limit(shape), dtype=dtype),  # no default
])
def test_ex2_right_forms_pass(relu_uniform):
    assert_passed(ex2.check(relu_uniform))


def test_ex2_right_for_keras_too():
    """The solution works as Keras uses it, in a model, and section 6's measurement agrees with the check's."""
    relu_uniform = solution("ex2")["relu_uniform"]
    layer = keras.layers.Dense(64, kernel_initializer=relu_uniform)
    layer.build((None, 512))
    assert layer.kernel.shape == (512, 64) and abs(np.var(layer.kernel.numpy()) * 512 / 2 - 1) < 0.05
    square = (256,) * 11  # section 6's stack: ten layers of 256
    assert 0.5 < M._through_stack(relu_uniform, square) < 2
    assert 0.5 < M._through_stack("he_normal", square) < 2  # as section 6's he_normal row (0.91)
    assert M._through_stack("glorot_uniform", square) < 0.1  # as section 6's fading glorot row (0.028)


def test_ex2_the_stack_tells_fan_average_from_fan_in():
    """On the check's alternating stack, the fan-average fades the signal out of the band; the fan-in does not."""
    low, high = M.SPREAD_BAND
    assert M._through_stack(uniform_with(lambda i, o: 4 / (i + o))) < low
    assert low < M._through_stack(uniform_with(lambda i, o: 2 / i)) < high


# --- Exercise 3: a Hessian with nested tapes, and the kind of a critical point -----------------------------


def test_ex3_the_solution_passes(ex3_solution):
    assert_passed(ex3.check(*ex3_solution))


def test_ex3_the_examples_are_what_the_notebook_says(ex3_solution):
    tf_hessian, kind_of_point = ex3_solution
    kinds = [kind_of_point(np.asarray(tf_hessian(function, point))) for function, point in M.examples.values()]
    assert kinds == ["saddle", "minimum", "maximum", "flat"]
    for function, point in M.examples.values():
        with tf.GradientTape() as tape:
            x = tf.Variable(point)
            value = function(x)
        assert np.abs(tape.gradient(value, x).numpy()).max() < 1e-8  # each example point is critical


def test_every_name_in_all_exists():  # review 2: __all__ listed renamed names
    for name in M.__all__:
        assert hasattr(M, name), name
    exec("from course_utils.exercises.local_minima import *", {})  # fails if a name is missing


def test_ex3_the_checks_own_hessians_and_kinds_are_right():
    assert np.allclose(M._reference(0), [[2, 3], [3, 2]])
    assert np.allclose(M._reference(1), [[-2, 0, 1], [0, -2, 0], [1, 0, 2]])
    assert np.allclose(M._reference(2), M.KIND_CASES[7][0], atol=1e-4)
    for matrix, kind in M.KIND_CASES:
        assert np.allclose(matrix, matrix.T) and M._true_kind(matrix) == kind
        for tolerance in (1e-6, 1e-4):  # any relative tolerance from a few float32 roundings to Rosenbrock's ratio
            values = np.linalg.eigvalsh(matrix)
            assert curvature_kind(values, tolerance * np.abs(values).max()).split()[0] == kind
    assert not hasattr(M, "reference_hessian") and not hasattr(M, "true_kind")  # review: the public names leaked
    assert "_true_kind" not in M.__all__ and "_reference_hessian" not in M.__all__


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


def tf1_hessians_in_a_graph(function, point):  # review: passed, since tf.hessians works inside tf.function
    @tf.function
    def hessian_of(x):
        return tf.hessians(function(x), x)[0]
    return hessian_of(tf.constant(point))


def diagonal_only(function, point):
    x = tf.Variable(point)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        rows = tf.unstack(inner.gradient(value, x))
    return tf.linalg.diag(tf.stack([outer.gradient(row, x)[i] for i, row in enumerate(rows)]))


def the_notebooks_camel(function, point):
    return nested(M._camel_tf, point)


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
    (gradient_of_gradient, ["sums of the Hessian's rows", "jacobian"]),  # review: row sums
    (only_the_gradient, ["looks like the gradient", "second derivatives"]),
    (one_tape_twice, ["non-persistent", "persistent=True"]),
    (rows_without_persistent, ["non-persistent", "persistent=True"]),
    (tf1_hessians, ["tf.hessians", "asks for two nested GradientTapes"]),  # review: not "TensorFlow 1"
    (tf1_hessians_in_a_graph, ["asks for two nested GradientTapes", "tf.hessians"]),  # review 2: no eager reasoning
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


def by_eigenvalues(zero=0.0, relative=None):
    """kind_of_point from the eigenvalues' signs, with an absolute or a relative tolerance for zero."""
    def kind_of_point(matrix):
        values = np.linalg.eigvalsh(matrix)
        limit = zero if relative is None else relative * np.abs(values).max()
        up, down = np.any(values > limit), np.any(values < -limit)
        if up and down:
            return "saddle"
        return "minimum" if np.all(values > limit) else "maximum" if np.all(values < -limit) else "flat"
    return kind_of_point


def without_flat(matrix):  # the solution of the first version of this exercise
    values = np.linalg.eigvalsh(matrix)
    return "minimum" if np.all(values > 0) else "maximum" if np.all(values < 0) else "saddle"


def by_rule(name):
    return lambda matrix: M.WRONG_RULES[name](np.asarray(matrix))


def by_diagonal(matrix):
    diagonal = np.diag(matrix)
    return "minimum" if np.all(diagonal > 0) else "maximum" if np.all(diagonal < 0) else "saddle"


def by_determinant(matrix):  # the 2-D textbook test, used in any dimension
    if np.linalg.det(matrix) < 0:
        return "saddle"
    return "minimum" if matrix[0, 0] > 0 else "maximum"


def swapped(matrix):
    return {"minimum": "maximum", "maximum": "minimum"}.get(by_eigenvalues(relative=1e-6)(matrix),
                                                            by_eigenvalues(relative=1e-6)(matrix))


def by_smallest_only(matrix):  # forgets the maximum
    return "minimum" if np.linalg.eigvalsh(matrix).min() > 0 else "saddle"


def signs_with_equality(matrix):  # ">= 0": no tolerance either
    values = np.linalg.eigvalsh(matrix)
    return "minimum" if np.all(values >= 0) else "maximum" if np.all(values <= 0) else "saddle"


def flat_whenever_a_curvature_is_zero(matrix):
    values = np.linalg.eigvalsh(matrix)
    if np.abs(values).min() <= 1e-6 * np.abs(values).max():
        return "flat"
    return by_eigenvalues(relative=1e-6)(matrix)


@pytest.mark.parametrize("kind_of_point, words", [
    (lambda matrix: curvature_kind(np.linalg.eigvalsh(matrix), tolerance=1e-5),  # review: section 7's call passed
     ["times 2**-20", "not on a fixed number"]),
    (lambda matrix: curvature_kind(np.linalg.eigvalsh(matrix)), ["times 2**", "fixed number"]),
    (by_eigenvalues(zero=1e-3), ["times 2**", "fixed number"]),
    (lambda matrix: "flat" if np.any(np.isclose(np.linalg.eigvalsh(matrix), 0)) else without_flat(matrix),
     ["fixed number"]),
    (without_flat, ["never says 'flat'", "decides by chance"]),
    (signs_with_equality, ["never says 'flat'"]),
    (flat_whenever_a_curvature_is_zero, ["says 'flat' for the Hessian [[1, 1, 0], [1, 1, 0], [0, 0, -3]]",
                                         "up in one direction and down in another"]),
    (by_eigenvalues(relative=1e-2), ["[[802, -400], [-400, 200]]", "tolerance for a zero curvature is too large"]),
    (by_eigenvalues(relative=1e-9), ["signs alone", "one far too small"]),
    (by_eigenvalues(relative=1e-8), ["signs alone", "one far too small"]),  # review 2: 1e-8 and 2e-8 passed
    (by_eigenvalues(relative=2e-8), ["signs alone", "one far too small"]),
    (by_eigenvalues(relative=0.0), ["signs alone", "decides by chance"]),  # review 2: was "too large or too small?"
    (by_eigenvalues(relative=1e-7), ["signs alone"]),  # float32's own rounding, no margin for a few roundings
    (by_diagonal, ["diagonal entries alone", "eigenvectors"]),
    (by_determinant, ["determinant", "two variables only"]),
    (by_rule("determinant sign"), ["determinant"]),
    (by_rule("trace"), ["trace", "saddle goes unnoticed"]),
    (lambda matrix: "minimum" if matrix[0, 0] > 0 else "maximum", ["first entry alone", "eigenvectors"]),
    (swapped, ["swapped", "curves *up*"]),
    (lambda matrix: "minimum", ["for every one of the check's 13 Hessians"]),
    (by_smallest_only, ["even where no curvature is near zero", "'saddle'"]),
    (lambda matrix: by_eigenvalues(relative=1e-6)(matrix.numpy()), ["AttributeError", "numpy"]),  # a tensor assumed
    (lambda matrix: np.linalg.eigvalsh(matrix), ["returned a ndarray", "'minimum', 'maximum', 'saddle' or 'flat'"]),
    (lambda matrix: np.all(np.linalg.eigvalsh(matrix) > 0), ["returned a bool"]),
    (lambda matrix: None, ["returned None"]),
    (lambda matrix: "inflection", ["returned 'inflection'"]),
    (lambda function, point: "saddle", ["raised TypeError"]),  # the old signature
])
def test_ex3_kind_mistakes_are_named(kind_of_point, words, fast_hessian):
    feedback = ex3.check(fast_hessian, kind_of_point)
    assert_rejected(feedback, *words)
    for kind in M.KINDS:  # the check's own kinds are never told
        assert f"is a {kind}" not in feedback.message and f"should be {kind!r}" not in feedback.message


@pytest.mark.parametrize("tf_hessian", [
    nested,
    lambda function, point: nested(function, point, dtype="float32"),
    lambda function, point: nested(function, point, jacobian=True).numpy().tolist(),
    lambda function, point: tf.Variable(tf.stack(nested(function, point))),
])
def test_ex3_right_hessian_forms_pass(tf_hessian, ex3_solution):
    assert_passed(ex3.check(tf_hessian, ex3_solution[1]))


@pytest.mark.parametrize("kind_of_point", [
    by_eigenvalues(relative=1e-6),
    by_eigenvalues(relative=1e-4),
    lambda matrix: curvature_kind(np.linalg.eigvalsh(matrix),
                                  tolerance=1e-6 * np.abs(np.linalg.eigvalsh(matrix)).max()),
    lambda matrix: curvature_kind(np.linalg.eigvalsh(matrix), tolerance=1e-6 * np.abs(matrix).max()),  # entries
    lambda matrix: curvature_kind(np.linalg.eigvalsh(matrix), tolerance=1e-5 * np.linalg.norm(matrix)),
    lambda matrix: by_eigenvalues(relative=1e-6)(matrix.astype("float32")),
    lambda matrix: by_eigenvalues(relative=1e-6)(tf.constant(matrix)),
    lambda matrix: {"minimum": "Local minimum", "maximum": "MAX", "saddle": "saddle_point", "flat": "Flat"}[
        by_eigenvalues(relative=1e-6)(matrix)],  # review: "saddle_point" was refused
    lambda matrix: np.str_(by_eigenvalues(relative=1e-6)(matrix).upper()),
])
def test_ex3_right_kind_forms_pass(kind_of_point, fast_hessian):
    assert_passed(ex3.check(fast_hessian, kind_of_point))


def test_ex3_needs_both_functions(ex3_solution):
    assert_rejected(ex3.check(ex3_solution[0]), "both functions")


def test_ex3_leaves_tensorflow_as_it_was(ex3_solution):
    gradients, hessians = tf.gradients, tf.hessians
    ex3.check(tf1_hessians, ex3_solution[1])
    ex3.check(*ex3_solution)
    assert tf.gradients is gradients and tf.hessians is hessians


def test_ex3_the_demo_runs_after_the_check_on_arrays():
    """Review: the demo loop sat in the exercise cell, so a wrong kind_of_point stopped Run All before the check; and
    it passed a tensor where the check passes an array."""
    cells = [cell for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    sources = ["".join(cell["source"]) for cell in cells]
    exercise = next(i for i, source in enumerate(sources) if "def kind_of_point" in source)
    assert "examples.items()" not in sources[exercise]
    assert sources[exercise + 1].strip() == "ex3.check(tf_hessian, kind_of_point)"
    assert "np.asarray(tf_hessian(" in sources[exercise + 2]


# --- Every exercise: not solved yet, junk, hints ------------------------------------------------------------


@pytest.mark.parametrize("check", [
    lambda: ex1.check(...),
    lambda: ex1.check(stub),
    lambda: ex2.check(...),
    lambda: ex2.check(stub),
    lambda: ex3.check(..., ...),
    lambda: ex3.check(stub, stub),
    lambda: ex3.check(...),
])
def test_not_solved_yet_is_only_the_template(check):
    assert_not_solved(check())


def test_not_solved_yet_for_the_second_function(fast_hessian):
    assert_not_solved(ex3.check(fast_hessian, stub))
    assert_not_solved(ex3.check(fast_hessian, ...))


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: f"{type(junk).__name__}:{junk!r:.20}")
def test_junk_is_rejected_without_a_traceback(junk, ex3_solution, fast_hessian):
    checks = [lambda: ex1.check(junk), lambda: ex1.check(lambda p, t: junk), lambda: ex2.check(junk),
              lambda: ex2.check(lambda shape, dtype=None: junk),
              lambda: ex3.check(junk, ex3_solution[1]), lambda: ex3.check(fast_hessian, junk),
              lambda: ex3.check(lambda function, point: junk, ex3_solution[1]),
              lambda: ex3.check(fast_hessian, lambda matrix: junk)]
    for check in checks:
        feedback = check()
        assert not feedback.passed, feedback.message
        assert feedback.message.startswith("❌ Not yet"), feedback.message
        assert "could not be checked" not in feedback.message, feedback.message


@pytest.mark.parametrize("exercise, parts", [
    (ex1, ["log", "ceil", "17", "(1 -", "**", "16"]),
    (ex2, ["shape[0]", "sqrt", "6 /", "2 /", "a² / 3", "/ 3", "tf.random", "fan_in", "He"]),
    (ex3, ["jacobian", "persistent", "eigvalsh", "tf.Variable", "outer", "inner", "unstack", "1e-6", "largest"]),
])
def test_first_hints_hold_no_part_of_the_solution(exercise, parts):
    first = exercise.hints[0]
    for part in parts:
        assert part not in first, part
    assert len(exercise.hints) >= 2


def test_no_hint_before_asking():
    for feedback in (ex1.check(lambda p, t: 16), ex2.check(lambda shape, dtype=None: tf.zeros(shape)), ex1.check(...)):
        for exercise in (ex1, ex2, ex3):
            for hint in exercise.hints:
                assert hint not in feedback.message


# --- In Chinese (setup(language="zh")) -----------------------------------------------------------------------

@pytest.mark.parametrize("check, emoji, parts", [
    (lambda ex3_solution: ex1.check(...), "📝", []),
    (lambda ex3_solution: ex1.check(lambda p, t: int(ratio(p, t))), "❌",
     ["`starts_needed` 向下取整了：当 p = 0.25、target = 0.99 时，它给出 16 个起点", "额外的一整个起点"]),
    (lambda ex3_solution: ex1.check(lambda p, t: 17), "❌", ["对检查所用的全部 11 对参数都给出 17"]),
    (lambda ex3_solution: ex1.check(lambda p, t: by_loop(p, t) if p > 0.5 else by_loop(p, t) - 2), "❌",
     ["= 15：太少了。用 15 个起点时，成功概率为 0.98664"]),
    (lambda ex3_solution: ex1.check(solution("ex1")["starts_needed"]), "✅",
     ["对检查所用的 11 对参数都给出了最少的起点数（p 从 0.01 到 0.9，目标概率从 0.2 到 0.9999）"]),
    (lambda ex3_solution: ex2.check(...), "📝", []),
    (lambda ex3_solution: ex2.check(lambda shape, dtype=None: tf.zeros(shape, dtype=dtype)), "❌",
     ["对于形状为 (512, 64) 的核，每个权重都是 0", "（第 5 节）"]),
    (lambda ex3_solution: ex2.check(uniform_with(lambda i, o: 3 / i)), "❌",
     ["对于形状为 (512, 64) 的核，你的权重方差太大（检查所用的 4 种形状中有 4 种偏差超过 10%）"]),
    (lambda ex3_solution: ex2.check(uniform_with(lambda i, o: 2 / o)), "❌", ["每个单元要加总 512 个输入"]),
    (lambda ex3_solution: ex2.check(solution("ex2")["relu_uniform"]), "✅",
     ["(512, 64), (64, 512), (300, 300), (90, 700)", "它由 12 个 ReLU 层组成", "0.1 到 10 之间"]),
    (lambda ex3_solution: ex3.check(..., ...), "📝", []),
    (lambda ex3_solution: ex3.check(negated, ex3_solution[1]), "❌",
     ["对于点 (0, 0) 处的 f(x) = x0² + 3 x0 x1 + x1²，`tf_hessian` 的符号反了。"]),
    (lambda ex3_solution: ex3.check(ex3_solution[0], swapped), "❌", ["极小值和极大值弄反了"]),
    (lambda ex3_solution: ex3.check(ex3_solution[0], lambda matrix: "minimum"), "❌",
     ["对检查所用的全部 13 个黑塞矩阵都回答 'minimum'"]),
    (lambda ex3_solution: ex3.check(*ex3_solution), "✅",
     ["13 个临界点的类型", "3 个极小值、3 个极大值、5 个鞍点和 2 个平坦点"]),
], ids=["ex1-blank", "ex1-rounded-down", "ex1-typed-in", "ex1-too-few", "ex1-right", "ex2-blank", "ex2-zeros",
        "ex2-too-large", "ex2-fan-out", "ex2-right", "ex3-blank", "ex3-sign", "ex3-swapped",
        "ex3-one-kind", "ex3-right"])
def test_the_checks_answer_in_chinese(check, emoji, parts, ex3_solution, chinese):
    feedback = check(ex3_solution)
    assert_in_chinese(feedback, emoji, *parts)
    message = feedback.message
    assert "Not yet" not in message and "Correct" not in message and "Not solved" not in message


def test_a_python_error_is_quoted_as_python_wrote_it_in_the_chinese_reply(ex3_solution, chinese):
    assert_in_chinese(ex3.check(one_tape_twice, ex3_solution[1]), "❌", "一个梯度带只能给出一组梯度",
                      error="A non-persistent GradientTape can only be used to compute one set of gradients")


@pytest.mark.parametrize("exercise", [ex1, ex2, ex3])
def test_hints_and_help_titles_in_chinese(exercise, chinese):
    assert_help_in_chinese(exercise)


def test_the_examples_are_named_in_chinese(chinese):
    names = list(M.examples)
    assert names == ["六峰驼背函数的中心（第 4 节）", "六峰驼背函数的一个全局最小值", "3D 隆起的顶部", "一道沟槽的底部"]
    assert M.examples["3D 隆起的顶部"] is M.examples["the top of a 3-D bump"]  # either name finds an entry
    assert [point.size for _function, point in M.examples.values()] == [2, 2, 3, 2]
