"""04 · the exercises: a new engine operation, and planted bugs located with a float64 Keras model and
tf.GradientTape, then fixed.

The shipped solutions pass; the mistakes learners make are named; right answers in other forms pass; junk gets a
clear ❌; the 📝 reply is the bare template; no reply to a wrong answer holds the expected values, and no reply
names the wrong gradients before the learner's errors (the evidence for them) match the check's own.
"""

import functools
import math
import re
import textwrap
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected, stable_id)

from course_utils import nn
from course_utils.autodiff import Value
from course_utils.checks import stored_solution
from course_utils.exercises import backprop
from course_utils.exercises.backprop import PARAMETER_NAMES, ex1, ex2, ex3
from course_utils.exercises.backprop import _network as network
from course_utils.gradcheck import numerical_gradients, relative_error, relative_error_verdict

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_backprop.ipynb"


@functools.lru_cache(maxsize=1)
def given_cell():
    """The notebook's cell with network_loss, backward_buggy and the data, run in a fresh namespace."""
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    source = next(c.source for c in cells if "def backward_buggy" in c.source)
    namespace = {"np": np}
    exec(source, namespace)
    return namespace


def environment():
    """What the exercise cells see in the notebook's kernel (Dense is course_utils.nn's, imported at the top)."""
    given = given_cell()
    return {"np": np, "tf": tf, "keras": keras, "math": math, "Value": Value, "relative_error": relative_error,
            "relative_error_verdict": relative_error_verdict, "numerical_gradients": numerical_gradients,
            "Dense": nn.Dense, "Network": nn.Network, "print": lambda *args, **kwargs: None,
            **{name: given[name] for name in ("network_loss", "backward_buggy", "X_bug", "Y_bug", "bug_parameters")}}


def defined(source, name):
    namespace = environment()
    exec(textwrap.dedent(source), namespace)
    return namespace[name]


def solution(label):
    namespace = environment()
    exec(stored_solution("backprop", label), namespace)
    return namespace


# --- ex1: sigmoid ----------------------------------------------------------------------------------------

SIGMOID = """
def sigmoid(v):
    s = {forward}
    out = Value(s, {parents}, "sigmoid")

    def _backward():
        {backward}

    {attach}
    return {returned}
"""
STABLE = "1 / (1 + math.exp(-v.data)) if v.data >= 0 else math.exp(v.data) / (1 + math.exp(v.data))"


def sigmoid(forward=STABLE, parents="(v,)", backward="v.grad += s * (1 - s) * out.grad",
            attach="out._backward = _backward", returned="out"):
    """A learner's sigmoid with one part changed."""
    return defined(SIGMOID.format(forward=forward, parents=parents, backward=backward, attach=attach,
                                  returned=returned), "sigmoid")


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["sigmoid"]))


RIGHT_SIGMOIDS = {
    "np.exp (inf at -800, and 1 / (1 + inf) is 0)": lambda: sigmoid(forward="float(1 / (1 + np.exp(-v.data)))"),
    "tf.sigmoid for the value": lambda: sigmoid(forward="float(tf.sigmoid(v.data))"),
    "the tanh identity": lambda: sigmoid(forward="0.5 * (1 + math.tanh(v.data / 2))"),
    "min and max in the exponent": lambda: sigmoid(
        forward="math.exp(min(v.data, 0)) / (math.exp(min(v.data, 0)) + math.exp(-max(v.data, 0)))"),
    "s - s**2": lambda: sigmoid(backward="v.grad += (s - s**2) * out.grad"),
    "v.grad = v.grad + ...": lambda: sigmoid(backward="v.grad = v.grad + s * (1 - s) * out.grad"),
    "reads out.data when called": lambda: sigmoid(backward="v.grad += out.data * (1 - out.data) * out.grad"),
    "parents as a list": lambda: sigmoid(parents="[v]"),
    "the engine's _unary": lambda: defined(f"""
        def sigmoid(v):
            s = {STABLE}
            return v._unary(s, "sigmoid", s * (1 - s))""", "sigmoid"),
    "a method patched onto Value": lambda: defined("""
        def sigmoid_method(self):
            s = 1 / (1 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (1 + math.exp(self.data))
            out = Value(s, (self,), "sigmoid")
            def _backward():
                self.grad += s * (1 - s) * out.grad
            out._backward = _backward
            return out
        sigmoid = sigmoid_method  # Value.sigmoid = sigmoid_method would make v.sigmoid() work too""", "sigmoid"),
    "a stable two-branch forward, lambda backward": lambda: defined("""
        def sigmoid(v):
            if v.data >= 0:
                s = 1 / (1 + math.exp(-v.data))
            else:
                e = math.exp(v.data)
                s = e / (1 + e)
            out = Value(s, (v,), "sigmoid")
            out._backward = lambda: setattr(v, "grad", v.grad + s * (1 - s) * out.grad)
            return out""", "sigmoid"),
    "a Value subclass": lambda: defined(f"""
        class Sigmoid(Value):
            def __init__(self, v):
                s = {STABLE}
                super().__init__(s, (v,), "sigmoid")
                def _backward():
                    v.grad += s * (1 - s) * self.grad
                self._backward = _backward""", "Sigmoid"),
    "the derivative at -z (the same number: s(-z) = 1 - s(z))": lambda: sigmoid(
        backward="v.grad += (1 - s) * s * out.grad if v.data else 0.25 * out.grad"),
}


@pytest.mark.parametrize("name", RIGHT_SIGMOIDS)
def test_ex1_right_forms_pass(name):
    assert_passed(ex1.check(RIGHT_SIGMOIDS[name]()))


SIGMOID_MISTAKES = {
    "tanh's derivative": (lambda: sigmoid(backward="v.grad += (1 - s**2) * out.grad"), ["derivative of tanh"]),
    "exp's derivative": (lambda: sigmoid(backward="v.grad += s * out.grad"), ["derivative of exp"]),
    "the rule on the input": (lambda: sigmoid(backward="v.grad += v.data * (1 - v.data) * out.grad"),
                              ["with the input v.data"]),
    "the wrong sign": (lambda: sigmoid(backward="v.grad += -s * (1 - s) * out.grad"), ["wrong sign"]),
    "a factor 2": (lambda: sigmoid(backward="v.grad += 2 * s * (1 - s) * out.grad"), ["factor of 2"]),
    "1 - s alone": (lambda: sigmoid(backward="v.grad += (1 - s) * out.grad"),
                    ["local derivative", "not the sigmoid's"]),
    "no out.grad (the chain rule's other factor)": (lambda: sigmoid(backward="v.grad += s * (1 - s)"),
                                                    ["out.grad", "(sigmoid(w * x + b) - y) ** 2"]),
    "= instead of +=": (lambda: sigmoid(backward="v.grad = s * (1 - s) * out.grad"),
                        ["x * sigmoid(x)", "used twice", "overwrites"]),
    "the forward's sign": (lambda: sigmoid(forward="1 / (1 + math.exp(v.data))"), ["forward value", "sign"]),
    "tanh as the forward": (lambda: defined("def sigmoid(v):\n    return v.tanh()", "sigmoid"), ["tanh"]),
    "1 + e^-z as the forward": (lambda: sigmoid(forward="1 + math.exp(-v.data)"), ["divided by that"]),
    "returns the number": (lambda: sigmoid(returned="s"), ["float", "not a Value"]),
    "no return": (lambda: sigmoid(returned="None"), ["returned None"]),
    "no parents": (lambda: sigmoid(parents="()"), ["does not record `v`"]),
    # the reviewer's attack: `(v)` without the comma was "could not be checked"
    "(v) without the comma": (lambda: sigmoid(parents="(v)"), ["`v` itself", "(v,)", "with the comma"]),
    "parents a string": (lambda: sigmoid(parents='"v"'), ["a str", "(v,)"]),
    "the rule not attached": (lambda: sigmoid(attach="pass"), ["not attached"]),
    "the rule called, not attached": (lambda: sigmoid(attach="out._backward = _backward()"), ["not a function"]),
    "adds to out.grad": (lambda: sigmoid(backward="out.grad += s * (1 - s) * out.grad"), ["adds 0", "input, `v`"]),
    # the second review's L2: out.grad for the output (1 when alone) was told "adds nothing"
    "the rule with out.grad for the output": (lambda: sigmoid(backward="v.grad += out.grad * (1 - out.grad)"),
                                              ["adds 0", "`out.data`", "not with its gradient `out.grad`"]),
    "built from the engine's operations": (lambda: defined("def sigmoid(v):\n    return 1 / (1 + (-v).exp())",
                                                           "sigmoid"), ["engine's own operations"]),
    "changed in place": (lambda: defined("def sigmoid(v):\n    v.data = 1 / (1 + math.exp(-v.data))\n    return v",
                                         "sigmoid"), ["itself"]),
    "math.exp of a Value": (lambda: defined("def sigmoid(v):\n    return Value(1 / (1 + math.exp(-v)), (v,))",
                                            "sigmoid"), ["v.data"]),
    # the reviewer's attack: float() of an engine expression was told "math.exp needs a plain number"
    "float() of an engine expression": (lambda: sigmoid(forward="float(1 / (1 + np.exp(-v)))"),
                                        ["float()", "`v.data`"]),
    "the Value of an engine expression": (lambda: sigmoid(forward="1 / (1 + (-v).exp())"),
                                          ["itself a Value", "`v.data`"]),
    "two inputs": (lambda: sigmoid(parents="(v, v)"), ["2 inputs"]),
    "state shared between nodes": (lambda: defined(f"""
        S = [0.0]
        def sigmoid(v):
            S[0] = {STABLE}
            out = Value(S[0], (v,), "sigmoid")
            def _backward():
                v.grad += S[0] * (1 - S[0]) * out.grad
            out._backward = _backward
            return out""", "sigmoid"), ["sigmoid(3 * sigmoid(x))", "disagrees"]),
    "an error in the rule": (lambda: sigmoid(backward="v.grad += s * (1 - s) * out.gradient"),
                             ["`backward()` raised AttributeError", "_backward"]),
    # the review's L-P4: the formula as written overflows at -800 (math.exp(800))
    "e^(-z) for every z": (lambda: sigmoid(forward="1 / (1 + math.exp(-v.data))"),
                           ["Value(-800)", "OverflowError", "never raises e to a large positive power"]),
    "e^z / (1 + e^z) for every z": (lambda: sigmoid(forward="math.exp(v.data) / (1 + math.exp(v.data))"),
                                    ["Value(800)", "OverflowError"]),
    "np.exp in e^z / (1 + e^z): inf / inf": (lambda: sigmoid(
        forward="float(np.exp(v.data) / (1 + np.exp(v.data)))"), ["Value(800)", "data must be finite"]),
    "the derivative with e^(-z)": (lambda: sigmoid(
        backward="v.grad += math.exp(-v.data) / (1 + math.exp(-v.data)) ** 2 * out.grad"),
        ["x = -800", "backward() raised OverflowError", "node's output"]),
    "the derivative with np.exp(-z): inf / inf": (lambda: sigmoid(
        backward="v.grad += float(np.exp(-v.data) / (1 + np.exp(-v.data)) ** 2) * out.grad"),
        ["x = -800", "nan", "node's output"]),
    # the reviewer's bypasses
    "the check's own model answer": (lambda: backprop._model(), ["check's own code"]),
    "a partial of the check's model answer": (lambda: functools.partial(backprop._model()), ["check's own code"]),
    "a call to the check's model answer": (lambda: defined(
        "from course_utils.exercises.backprop import _model\nsigmoid = lambda v: _model()(v)", "sigmoid"),
        ["check's own code"]),
    "the derivative from tf.GradientTape": (lambda: defined(f"""
        def sigmoid(v):
            s = {STABLE}
            out = Value(s, (v,), "sigmoid")
            def _backward():
                z = tf.Variable(v.data, dtype=tf.float64)
                with tf.GradientTape() as tape:
                    y = tf.sigmoid(z)
                v.grad += float(tape.gradient(y, z)) * out.grad
            out._backward = _backward
            return out""", "sigmoid"), ["tf.GradientTape", "yourself"]),
}


@pytest.mark.parametrize("name", SIGMOID_MISTAKES)
def test_ex1_mistakes_are_named_without_the_answer(name):
    make, words = SIGMOID_MISTAKES[name]
    feedback = ex1.check(make())
    assert_rejected(feedback, *words)
    right = math.exp(-0.3) / (1 + math.exp(-0.3)) ** 2  # d sigmoid / dx at the check's x = 0.3
    message = feedback.message
    for shown in message.split("x.grad = ")[1:]:  # the learner's own value may be shown
        message = message.replace(shown.split(" ")[0], "")
    assert f"{right:.6g}" not in message and f"{right:.4f}" not in message


def test_ex1_not_solved_says_only_that():
    assert_not_solved(ex1.check(...))
    assert_not_solved(ex1.check(defined("def sigmoid(v):\n    return ...", "sigmoid")))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex1_junk_is_rejected_without_a_traceback(answer):
    feedback = ex1.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


# --- ex2: gradients_by_tape (a Keras model) and wrong_gradients -----------------------------------------

KERAS = """
def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
    model = keras.Sequential([
        {first}
        keras.layers.Dense(W1.shape[1], activation={hidden}{dtype}),
        keras.layers.Dense(W2.shape[1], activation={hidden}{dtype}),
        keras.layers.Dense(W3.shape[1], activation={last}{dtype}),
    ])
    {weights}
    with tf.GradientTape() as tape:
        {inside}
        loss = {loss}
    {after}
    return {returned}
"""
WRONG = ["W1", "b1", "W2", "b2"]
F64 = ', dtype="float64"'


def tape(first=f"keras.Input(shape=(W1.shape[0],){F64}),", hidden='"tanh"', last="None", dtype=F64,
         weights="model.set_weights([W1, b1, W2, b2, W3, b3])", inside="prediction = model(X)",
         loss="keras.ops.mean((prediction - Y) ** 2)", after="",
         returned="[g.numpy() for g in tape.gradient(loss, model.trainable_variables)]"):
    """A learner's gradients_by_tape, built on a Keras model, with one part changed."""
    return defined(KERAS.format(first=first, hidden=hidden, last=last, dtype=dtype, weights=weights, inside=inside,
                                loss=loss, after=after, returned=returned), "gradients_by_tape")


@functools.lru_cache(maxsize=1)
def quick_tape():
    """A right gradients_by_tape that keeps one model per network size: quick, for the tests of the list of names."""
    return defined("""
        models = {}
        def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
            sizes = (W1.shape[0], W1.shape[1], W2.shape[1], W3.shape[1])
            if sizes not in models:
                models[sizes] = keras.Sequential([keras.Input(shape=(sizes[0],), dtype="float64")] + [
                    keras.layers.Dense(n, activation=a, dtype="float64")
                    for n, a in zip(sizes[1:], ("tanh", "tanh", None))])
            model = models[sizes]
            model.set_weights([W1, b1, W2, b2, W3, b3])
            with tf.GradientTape() as tape:
                loss = keras.ops.mean((model(X) - Y) ** 2)
            return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]""", "gradients_by_tape")


def errors_of(by_tape=None, reduce=lambda e: e.max(), names=PARAMETER_NAMES, data=None):
    """A learner's errors: backward_buggy against ``by_tape`` (the check's tape) on the notebook's data."""
    given = given_cell()
    X, Y, parameters = data or (given["X_bug"], given["Y_bug"], given["bug_parameters"])
    tape_gradients = (by_tape or (lambda X, Y, *p: backprop._tape_network(X, Y, p)))(X, Y, *parameters)
    return {n: reduce(relative_error(h, t)) for n, h, t in zip(names, given["backward_buggy"](X, Y, *parameters),
                                                                tape_gradients)}


@functools.lru_cache(maxsize=1)
def ERRORS():
    return errors_of()


RAW_TAPE = """
def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
    variables = [tf.Variable(p) for p in (W1, b1, W2, b2, W3, b3)]
    V1, c1, V2, c2, V3, c3 = variables
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((tf.tanh(tf.tanh(X @ V1 + c1) @ V2 + c2) @ V3 + c3 - Y) ** 2)
    return [g.numpy() for g in tape.gradient(loss, variables)]
"""


def test_ex2_the_shipped_solution_passes():
    namespace = solution("ex2")
    feedback = ex2.check(namespace["gradients_by_tape"], namespace["errors"], namespace["wrong_gradients"])
    assert_passed(feedback)
    assert "float32" not in feedback.message


def test_ex2_the_planted_bugs_spoil_exactly_the_gradients_the_solution_names():
    for X, Y, parameters in backprop._cases():
        reference = backprop._tape_network(X, Y, parameters)
        spoiled = backprop._disagreeing(backprop._planted_backward(X, Y, *parameters), reference)
        assert spoiled == WRONG
        # each bug alone: the first spoils W2, b2 and every layer below; the second only W2, hidden behind the first
        assert backprop._disagreeing(backprop._backward_with(X, Y, parameters, backprop.BUGS[:1]), reference) == WRONG
        assert backprop._disagreeing(backprop._backward_with(X, Y, parameters, backprop.BUGS[1:]), reference) == ["W2"]
        assert backprop._disagreeing(backprop._backward_with(X, Y, parameters, ()), reference, 1e-13) == []
    assert solution("ex2")["wrong_gradients"] == WRONG
    given = given_cell()
    by_hand = given["backward_buggy"](given["X_bug"], given["Y_bug"], *given["bug_parameters"])
    by_tape = backprop._tape_network(given["X_bug"], given["Y_bug"], given["bug_parameters"])
    errors = {n: relative_error(h, t).max() for n, h, t in zip(PARAMETER_NAMES, by_hand, by_tape)}
    assert all(errors[n] > 1e-2 for n in WRONG) and all(errors[n] < 1e-12 for n in ("W3", "b3")), errors
    # the check's own copy of the data is the notebook's, and its errors are the solution's
    X, Y, parameters = network(backprop.TASK_SIZES, backprop.TASK_SAMPLES, backprop.BUG_SEED)
    for mine, theirs in zip([X, Y, *parameters], [given["X_bug"], given["Y_bug"], *given["bug_parameters"]]):
        np.testing.assert_array_equal(mine, theirs)
    assert backprop._same_errors(errors, backprop._bug_errors()["max"])
    assert backprop._same_errors(solution("ex2")["errors"], errors)
    # the errors cannot be guessed: one of them is neither about 0 nor exactly 1 (relative_error's two extremes)
    assert any(1e-7 < e < 1 - 1e-3 for e in errors.values()), errors


RIGHT_TAPES = {
    "tensors, not arrays": (lambda: tape(returned="tape.gradient(loss, model.trainable_variables)"), WRONG),
    "a tuple": (lambda: tape(returned="tuple(tape.gradient(loss, model.trainable_variables))"), WRONG),
    "a dict by name": (lambda: tape(returned="dict(zip(['dW1', 'db1', 'dW2', 'db2', 'dW3', 'db3'], "
                                             "tape.gradient(loss, model.trainable_variables)))"), WRONG),
    "model.weights": (lambda: tape(returned="[g.numpy() for g in tape.gradient(loss, model.weights)]"), WRONG),
    "tf.reduce_mean": (lambda: tape(loss="tf.reduce_mean(tf.square(prediction - Y))"), WRONG),
    "a float64 Keras loss object": (lambda: tape(
        loss='keras.losses.MeanSquaredError(dtype="float64")(Y, prediction)'), WRONG),
    "model.build instead of keras.Input": (lambda: tape(
        first="", weights="model.build((None, W1.shape[0]))\n    model.set_weights([W1, b1, W2, b2, W3, b3])"), WRONG),
    "the kernels assigned": (lambda: tape(
        weights="for layer, (W, b) in zip(model.layers, [(W1, b1), (W2, b2), (W3, b3)]):\n"
                "        layer.kernel.assign(W)\n        layer.bias.assign(b)"), WRONG),
    "the functional API, star arguments": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            inputs = keras.Input(shape=(parameters[0].shape[0],), dtype="float64")
            outputs = inputs
            for k in range(0, len(parameters), 2):
                last = k == len(parameters) - 2
                outputs = keras.layers.Dense(parameters[k].shape[1], activation=None if last else "tanh",
                                             dtype="float64")(outputs)
            model = keras.Model(inputs, outputs)
            model.set_weights(list(parameters))
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((model(X) - Y) ** 2)
            return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]""", "gradients_by_tape"),
        WRONG),
    "Constant initialisers": (lambda: defined("""
        def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
            C = keras.initializers.Constant
            model = keras.Sequential([keras.Input(shape=(W1.shape[0],), dtype="float64")] + [
                keras.layers.Dense(W.shape[1], activation=a, kernel_initializer=C(W), bias_initializer=C(b),
                                   dtype="float64")
                for W, b, a in ((W1, b1, "tanh"), (W2, b2, "tanh"), (W3, b3, None))])
            with tf.GradientTape() as tape:
                loss = keras.ops.mean(keras.ops.square(model(X) - Y))
            return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]""", "gradients_by_tape"),
        WRONG),
    "one model per size, built once": (quick_tape, WRONG),
    "a string of names": (quick_tape, "W1, b1, W2 and b2"),
    "gradient names": (quick_tape, ["dW1", "db1", "dW2", "db2"]),
    "a set": (quick_tape, {"b1", "W1", "b2", "W2"}),
    "lower and upper case": (quick_tape, ("w1", "B1", "w2", "b2")),
    # the reviewer's attack: an array of strings was "not a ndarray"
    "an array of names": (quick_tape, np.array(WRONG)),
    # the second review's L4: one string inside the list
    "one string inside a list": (quick_tape, ["W1,b1,W2,b2"]),
}


@pytest.mark.parametrize("name", RIGHT_TAPES)
def test_ex2_right_forms_pass(name):
    make, names = RIGHT_TAPES[name]
    feedback = ex2.check(make(), ERRORS(), names)
    assert_passed(feedback)
    assert "float32" not in feedback.message


#: The second review's M2: float32 passed with a note, then misled the learner's own list (W3's 1e-7 looks high).
FLOAT32_TAPES = {
    "Keras's default dtype (float32)": (lambda: tape(first="keras.Input(shape=(W1.shape[0],)),", dtype=""),
                                        ["float32", "keras.Input without dtype=\"float64\""]),
    "a Keras loss object, float32 by default": (lambda: tape(loss="keras.losses.MeanSquaredError()(Y, prediction)"),
                                                ["only to about 1e-", "Keras loss object", "keras.ops"]),
    "a float32 input": (lambda: tape(first="keras.Input(shape=(W1.shape[0],)),"), ["float32", "keras.Input"]),
    "float64 model, cast to float32 at the end": (lambda: tape(
        returned="[g.numpy().astype(np.float32) for g in tape.gradient(loss, model.trainable_variables)]"),
        ["returns float32 arrays", "keep float64 to the end", "a cast of the result"]),
    # floatx set to float64 once layers exist: Keras has cached its global dtype policy (float32), so the layers
    # stay float32 (dtype_policy.py, dtype_policy()); only the loss object follows floatx
    "keras.config.set_floatx('float64') in a running kernel": (lambda: defined("""
        def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
            before = keras.config.floatx()
            keras.config.set_floatx("float64")
            try:
                model = keras.Sequential([keras.Input(shape=(W1.shape[0],))] + [
                    keras.layers.Dense(W.shape[1], activation=a) for W, a in ((W1, "tanh"), (W2, "tanh"), (W3, None))])
                model.set_weights([W1, b1, W2, b2, W3, b3])
                with tf.GradientTape() as tape:
                    loss = keras.losses.MeanSquaredError()(Y, model(X))
                return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
            finally:
                keras.config.set_floatx(before)""", "gradients_by_tape"),
        ["float32", "a layer or keras.Input without dtype"]),
}


@pytest.mark.parametrize("name", FLOAT32_TAPES)
def test_ex2_float32_is_rejected_with_the_likely_places(name):
    make, words = FLOAT32_TAPES[name]
    assert_rejected(ex2.check(make(), ERRORS(), WRONG), *words)


TAPE_MISTAKES = {
    "the raw tape of section 3, no Keras model": (lambda: defined(RAW_TAPE, "gradients_by_tape"),
                                                  ["does not build a Keras model", "keras.Sequential"]),
    "Keras's random weights kept": (lambda: tape(weights="pass"), ["random weights"]),
    "no keras.Input": (lambda: tape(first=""), ["expecting 0 weights", "keras.Input"]),
    "set_weights in the wrong order": (lambda: tape(weights="model.set_weights([W1, W2, W3, b1, b2, b3])"),
                                       ["order of model.weights", "kernel", "then the bias"]),
    "fixed sizes": (lambda: defined(KERAS.format(
        first=f"keras.Input(shape=(2,){F64}),", hidden='"tanh"', last="None", dtype=F64,
        weights="model.set_weights([W1, b1, W2, b2, W3, b3])", inside="prediction = model(X)",
        loss="keras.ops.mean((prediction - Y) ** 2)", after="",
        returned="[g.numpy() for g in tape.gradient(loss, model.trainable_variables)]"), "gradients_by_tape"),
        ["other sizes", "W1.shape"]),
    "model.predict inside the tape": (lambda: tape(inside="prediction = model.predict(X, verbose=0)"),
                                      ["model.predict"]),
    "the model called after the with block": (lambda: tape(inside="pass", loss="0.0",
                                                           after="loss = keras.ops.mean((model(X) - Y) ** 2)"),
                                              ["None", "after the `with` block"]),
    "a per-sample Keras loss": (lambda: tape(loss="keras.losses.mean_squared_error(Y, prediction)"),
                                ["6 times too large", "one value per sample"]),
    "a sum for the mean": (lambda: tape(loss="tf.reduce_sum((prediction - Y) ** 2)"), ["6 times", "sum"]),
    "tanh on the output too": (lambda: tape(last='"tanh"'), ["disagree", "activations"]),
    "no tanh on the hidden layers": (lambda: tape(hidden="None"), ["disagree", "activations"]),
    "gradients for the arrays, not the variables": (lambda: tape(
        returned="[g.numpy() for g in tape.gradient(loss, [W1, b1, W2, b2, W3, b3])]"),
        ["NumPy arrays", "model.trainable_variables"]),
    "gradients for the layers, not their variables": (lambda: tape(
        returned="[g.numpy() for g in tape.gradient(loss, model.layers)]"), ["model.trainable_variables"]),
    "network_loss on the model's variables": (lambda: tape(
        inside="pass", loss="network_loss(X, Y, *model.trainable_variables)"), ["NumPy number", "model(X)"]),
    "course_utils.nn's Dense, not Keras's": (lambda: defined("""
        def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
            model = keras.Sequential([keras.Input(shape=(2,)), Dense(4, activation="tanh"), Dense(4, activation="tanh"),
                                      Dense(1)])
            model.set_weights([W1, b1, W2, b2, W3, b3])
            with tf.GradientTape() as tape:
                loss = keras.ops.mean((model(X) - Y) ** 2)
            return tape.gradient(loss, model.trainable_variables)""", "gradients_by_tape"),
        ["course_utils.nn.Dense", "keras.layers.Dense"]),
    "backward_buggy as the reference": (lambda: environment()["backward_buggy"], ["backward_buggy's gradients"]),
    "finite differences, not the tape": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            parameters = [p.copy() for p in parameters]
            return numerical_gradients(lambda: network_loss(X, Y, *parameters), parameters)""", "gradients_by_tape"),
        ["does not build a Keras model"]),
    "the notebook's data, not the arguments": (lambda: tape(inside="prediction = model(X_bug)",
                                                            loss="keras.ops.mean((prediction - Y_bug) ** 2)"),
                                               ["disagree"]),
    "the loss returned": (lambda: tape(returned="loss"), ["list of the six gradients"]),
    "five gradients": (lambda: tape(returned="tape.gradient(loss, model.trainable_variables)[:5]"), ["5 items"]),
    # the reviewer's bypass through the check's own reference tape
    "the check's own tape": (lambda: defined(
        "from course_utils.exercises.backprop import _tape_network\n"
        "gradients_by_tape = lambda X, Y, *p: _tape_network(X, Y, p)", "gradients_by_tape"), ["check's own code"]),
}


@pytest.mark.parametrize("name", TAPE_MISTAKES)
def test_ex2_tape_mistakes_are_named(name):
    make, words = TAPE_MISTAKES[name]
    assert_rejected(ex2.check(make(), ERRORS(), WRONG), *words)


#: Wrong errors: each reply says what the numbers are instead, never which entries are off, nor how many.
ERROR_MISTAKES = {
    "all zeros": (lambda: dict.fromkeys(PARAMETER_NAMES, 0.0), ["all six", "below 1e-7", "backward_buggy has bugs"]),
    "backward_buggy against itself": (lambda: errors_of(by_tape=given_cell()["backward_buggy"]),
                                      ["all six", "below 1e-7"]),
    "the mean, not the max": (lambda: errors_of(reduce=np.mean), ["mean", "`.max()`"]),
    "the whole arrays' relative error": (lambda: {n: backprop._relative(h, t) for n, h, t in zip(
        PARAMETER_NAMES, given_cell()["backward_buggy"](given_cell()["X_bug"], given_cell()["Y_bug"],
                                                        *given_cell()["bug_parameters"]),
        backprop._tape_network(given_cell()["X_bug"], given_cell()["Y_bug"], given_cell()["bug_parameters"]))},
        ["whole arrays", "entry by entry"]),
    "arrays, no .max()": (lambda: errors_of(reduce=lambda e: e), ['errors["W1"]', "8 numbers", "`.max()`"]),
    "the verdicts": (lambda: errors_of(reduce=lambda e: relative_error_verdict(e.max())), ["the text", "number"]),
    "the names zipped in another order": (lambda: errors_of(names=("W1", "W2", "W3", "b1", "b2", "b3")),
                                          ["right numbers", "wrong names", "order"]),
    "on other data": (lambda: errors_of(data=network(backprop.TASK_SIZES, 6, 5)), ["do not match", "run it again"]),
    "ones, guessed": (lambda: dict.fromkeys(PARAMETER_NAMES, 1.0), ["do not match"]),
    "rounded by hand": (lambda: {n: round(e, 2) for n, e in ERRORS().items()}, ["do not match", "not copies"]),
    # the round-2 attack: four digits copied from a printout passed at rtol 1e-4
    "four digits copied": (lambda: {n: float(f"{e:.4g}") for n, e in ERRORS().items()}, ["close", "by hand"]),
    "only the four wrong ones": (lambda: {n: ERRORS()[n] for n in WRONG}, ["no entry for `W3` and `b3`"]),
    "a key that is not a parameter": (lambda: {**ERRORS(), "W4": 0.0}, ["'W4'", "not a parameter"]),
    "a negative error": (lambda: {**ERRORS(), "b3": -1.0}, ["negative"]),
    "the list of names for the dict": (lambda: WRONG, ["a dict by parameter name"]),
    "keys by index": (lambda: dict(enumerate(ERRORS().values())), ["keys", "names as strings"]),
}


@pytest.mark.parametrize("name", ERROR_MISTAKES)
def test_ex2_wrong_errors_are_named_without_naming_any_gradient(name):
    answer, words = ERROR_MISTAKES[name]
    feedback = ex2.check(quick_tape(), answer(), WRONG)
    assert_rejected(feedback, *words)
    b2 = ERRORS()["b2"]  # the one error that is neither about 0 nor 1
    for shown in (f"{b2:.2f}", f"{b2:.4f}", f"{b2:.1e}", f"{b2:.6g}"):
        assert shown not in feedback.message


RIGHT_ERRORS = {
    "a list in the order of the gradients": lambda: list(ERRORS().values()),
    "an array in the order of the gradients": lambda: np.array(list(ERRORS().values())),
    "gradient names as keys": lambda: {f"d{n}": e for n, e in ERRORS().items()},
    "the arguments swapped": lambda: {n: relative_error(t, h).max() for n, h, t in zip(
        PARAMETER_NAMES, backprop._tape_network(given_cell()["X_bug"], given_cell()["Y_bug"],
                                                given_cell()["bug_parameters"]),
        given_cell()["backward_buggy"](given_cell()["X_bug"], given_cell()["Y_bug"], *given_cell()["bug_parameters"]))},
    "tensors": lambda: {n: tf.constant(e) for n, e in ERRORS().items()},
    "against finite differences (the same verdicts)": lambda: errors_of(
        by_tape=lambda X, Y, *p: numerical_gradients(lambda: given_cell()["network_loss"](X, Y, *p), list(p))),
    "against a float32 tape (the same verdicts)": lambda: errors_of(
        by_tape=lambda X, Y, *p: [g.astype(np.float32) for g in backprop._tape_network(
            np.float32(X), np.float32(Y), [np.float32(q) for q in p])]),
}


@pytest.mark.parametrize("name", RIGHT_ERRORS)
def test_ex2_right_forms_of_the_errors_pass(name):
    assert_passed(ex2.check(quick_tape(), RIGHT_ERRORS[name](), WRONG))


#: Wrong lists, once the errors are right: the reply names gradients, since the learner holds their errors.
NAME_MISTAKES = {
    "all six": (list(PARAMETER_NAMES), ["your list holds `W3` and `b3`", "below 1e-7", "they agree"]),
    "only the layer with the missing derivative": (["W2", "b2"], ["`W1` and `b1` above 1e-2", "leaves them out"]),
    "only the weights": (["W1", "W2"], ["`b1` and `b2` above 1e-2"]),
    "one too many": (WRONG + ["W3"], ["your list holds `W3`", "it agrees"]),
    "one right, one wrong, one missing": (["W1", "b1", "W2", "W3"], ["holds `W3`", "`b2` above 1e-2", "leaves it out"]),
    "only W2": (["W2"], ["leaves them out"]),
    "none": ([], ["leaves them out"]),
    "a name that is not a parameter": (["W4"], ["not a parameter"]),
    "indices": ([0, 1], ["strings", '"Wk"']),
    "arrays": ([np.zeros(2)], ["strings"]),
    "a number": (3, ["list of parameter names", '"Wk"']),
    "the errors for the list": ({"W1": 1.0, "b1": 1.0}, ["a dict", "`errors`"]),
}


@pytest.mark.parametrize("name", NAME_MISTAKES)
def test_ex2_wrong_lists_are_judged_against_the_learners_errors(name):
    answer, words = NAME_MISTAKES[name]
    feedback = ex2.check(quick_tape(), ERRORS(), answer)
    assert_rejected(feedback, *words)
    assert '"W3"' not in feedback.message  # the second review's L1: no parameter as the format's example


def test_ex2_the_list_cannot_be_probed():
    """The second review's M1: ["W1"] and ["W3"] got different replies, so six tries gave the list away. Now the
    list is read only once the errors match the check's, and a reply about the errors is the same whatever the list,
    and names no gradient."""
    guesses = [..., dict.fromkeys(PARAMETER_NAMES, 0.0), dict.fromkeys(PARAMETER_NAMES, 1.0),
               {**dict.fromkeys(WRONG, 1.0), "W3": 0.0, "b3": 0.0}, {**ERRORS(), "b2": 1.0}]
    guesses.append({**ERRORS(), "b2": round(ERRORS()["b2"], 2)})  # "close" is said only within 1e-3: no oracle
    for errors in guesses:
        replies = {ex2.check(quick_tape(), errors, names).message
                   for names in [[p] for p in PARAMETER_NAMES] + [WRONG, list(PARAMETER_NAMES), []]}
        assert len(replies) == 1, replies
        reply = replies.pop()
        assert not any(f"`{p}`" in reply for p in PARAMETER_NAMES), reply


def test_ex2_not_solved_says_only_that():
    assert_not_solved(ex2.check(..., ..., ...))
    assert_not_solved(ex2.check(defined("def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):\n    return ...",
                                        "gradients_by_tape"), ..., ...))
    assert_not_solved(ex2.check(quick_tape(), ..., ...))
    assert_not_solved(ex2.check(quick_tape(), ..., WRONG))
    assert_not_solved(ex2.check(quick_tape(), ERRORS(), ...))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex2_junk_is_rejected_without_a_traceback(answer):
    for feedback in (ex2.check(answer, ERRORS(), WRONG), ex2.check(quick_tape(), answer, WRONG),
                     ex2.check(quick_tape(), ERRORS(), answer)):
        assert_rejected(feedback)
        assert "could not be checked" not in feedback.message


# --- ex3: backward_fixed ---------------------------------------------------------------------------------

FIX_TANH = ("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - A2**2)")
FIX_INPUT = ("A2.T @ d_Z2", "A1.T @ d_Z2")
FIX = (FIX_TANH, FIX_INPUT)


def fixed(*changes):
    """backward_buggy as the notebook gives it, renamed, with the given (old, new) changes."""
    import inspect

    source = inspect.getsource(backprop._planted_backward).replace("_planted_backward", "backward_fixed")
    for old, new in changes:
        assert old in source, old
        source = source.replace(old, new)
    return defined(source, "backward_fixed")


def test_ex3_the_shipped_solution_passes():
    assert_passed(ex3.check(solution("ex3")["backward_fixed"]))


def test_the_notebooks_backward_buggy_is_the_checks_copy():
    given = given_cell()
    for sizes, samples, seed in ((backprop.TASK_SIZES, 6, 1), (backprop.OTHER_SIZES, 7, 2)):
        X, Y, parameters = network(sizes, samples, seed)
        for a, b, c in zip(given["backward_buggy"](X, Y, *parameters), backprop._planted_backward(X, Y, *parameters),
                           backprop._backward_with(X, Y, parameters, backprop.BUGS)):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_allclose(b, c, rtol=1e-12, atol=1e-15)
    assert [p.shape for p in given["bug_parameters"]] == [(2, 4), (4,), (4, 4), (4,), (4, 1), (1,)]


RIGHT_FIXES = {
    "the two lines fixed": FIX,
    "tanh's derivative written 1 - tanh(Z2)**2": (("d_Z2 = d_Y_hat @ W3.T",
                                                   "d_Z2 = (d_Y_hat @ W3.T) * (1 - np.tanh(A1 @ W2 + b2)**2)"),
                                                  FIX_INPUT),
    "einsum": (FIX_TANH, ("A2.T @ d_Z2", "np.einsum('ni,nj->ij', A1, d_Z2)")),
    "(d_Z2.T @ A1).T": (FIX_TANH, ("A2.T @ d_Z2", "(d_Z2.T @ A1).T")),
    "a tuple": FIX + (("return [dW1, db1, dW2, db2, dW3, db3]", "return dW1, db1, dW2, db2, dW3, db3"),),
    "np.prod(Y.shape)": FIX + (("/ Y.size", "/ np.prod(Y.shape)"),),
    # the second review's M3: the loss computed for a debug print was taken for finite differences
    "network_loss for a debug print": FIX + (("Y_hat = A2 @ W3 + b3",
                                              "Y_hat = A2 @ W3 + b3\n    loss = network_loss(X, Y, W1, b1, W2, b2, W3, b3)"
                                              "\n    print(f'loss {loss:.4f}')"),),
}


@pytest.mark.parametrize("name", RIGHT_FIXES)
def test_ex3_right_forms_pass(name):
    assert_passed(ex3.check(fixed(*RIGHT_FIXES[name])))


def test_ex3_a_fix_that_reuses_backward_buggy_passes():
    assert_passed(ex3.check(defined("""
        def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):
            dW1, db1, dW2, db2, dW3, db3 = backward_buggy(X, Y, W1, b1, W2, b2, W3, b3)
            A1 = np.tanh(X @ W1 + b1)
            A2 = np.tanh(A1 @ W2 + b2)
            d_Z2 = (2 * (A2 @ W3 + b3 - Y) / Y.size @ W3.T) * (1 - A2**2)
            d_Z1 = (d_Z2 @ W2.T) * (1 - A1**2)
            return [X.T @ d_Z1, d_Z1.sum(axis=0), A1.T @ d_Z2, d_Z2.sum(axis=0), dW3, db3]""", "backward_fixed")))


TAPE_SOURCE = KERAS.format(first=f"keras.Input(shape=(W1.shape[0],){F64}),", hidden='"tanh"', last="None", dtype=F64,
                           weights="model.set_weights([W1, b1, W2, b2, W3, b3])", inside="prediction = model(X)",
                           loss="keras.ops.mean((prediction - Y) ** 2)", after="",
                           returned="[g.numpy() for g in tape.gradient(loss, model.trainable_variables)]")
CENTRAL_DIFFERENCES = """
def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):
    parameters = [p.copy() for p in (W1, b1, W2, b2, W3, b3)]
    def loss():
        A1 = np.tanh(X @ parameters[0] + parameters[1])
        return np.mean((np.tanh(A1 @ parameters[2] + parameters[3]) @ parameters[4] + parameters[5] - Y) ** 2)
    gradients = []
    for p in parameters:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + {h}
            up = loss()
            p[i] = old - {h}
            down = loss()
            p[i] = old
            g[i] = (up - down) / (2 * {h})
        gradients.append(g)
    return gradients
"""
FLOAT32 = ("A1 = np.tanh(X @ W1 + b1)", "X, Y, W1, b1, W2, b2, W3, b3 = (np.float32(a) for a in (X, Y, W1, b1, W2, "
                                       "b2, W3, b3))\n    A1 = np.tanh(X @ W1 + b1)")
FIX_MISTAKES = {
    # the second review's H1: these named W1, b1, W2 and b2, exercise 2's answer
    "unchanged": (lambda: fixed(), ["exactly backward_buggy's gradients", "bugs are still there", "exercise 2"]),
    "backward_buggy itself": (lambda: environment()["backward_buggy"], ["exactly backward_buggy's gradients"]),
    "only tanh's derivative put back": (lambda: fixed(FIX_TANH), ["the gradient of `W2` disagrees",
                                                                  "another is left"]),
    "only the layer's input put right": (lambda: fixed(FIX_INPUT), ["the very ones of backward_buggy",
                                                                    "another is left"]),
    # the second review's L-P2: a factor for tanh that is not its derivative
    "tanh's derivative with A1": (lambda: fixed(("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - A1**2)"),
                                                FIX_INPUT), ["the very ones", "written with A1", "its own output"]),
    "tanh's derivative as 1 - A2": (lambda: fixed(("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - A2)"),
                                                  FIX_INPUT), ["not tanh's derivative", "A2, squared"]),
    "tanh's derivative as 1 - np.tanh(Z2)": (lambda: fixed(
        ("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - np.tanh(A1 @ W2 + b2))"), FIX_INPUT),
        ["not tanh's derivative", "A2, squared"]),
    "tanh's derivative with the pre-activation": (lambda: fixed(
        ("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - (A1 @ W2 + b2)**2)"), FIX_INPUT),
        ["pre-activation Z2", "A2, squared"]),
    "the pre-activation, and the layer's input still A2": (lambda: fixed(
        ("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - (A1 @ W2 + b2)**2)")),
        ["pre-activation Z2", "Another of backward_buggy's bugs is left"]),
    # the second review's H2: float32 hid finite differences behind the 1e-5 tolerance
    "in float32": (lambda: fixed(*FIX, FLOAT32), ["float32 arrays", "keep their float64"]),
    "finite differences cast to float32": (lambda: defined(
        CENTRAL_DIFFERENCES.format(h="1e-6").replace("return gradients", "return [g.astype(np.float32) for g in "
                                                     "gradients]"), "backward_fixed"), ["float32 arrays"]),
    "one gradient in float32": (lambda: fixed(*FIX, ("dW3, db3 = A2.T @ d_Y_hat,", "dW3, db3 = np.float32(A2.T @ "
                                                     "d_Y_hat),")), ["the gradient of `W3` in float32"]),
    "complex-step differentiation": (lambda: defined("""
        def backward_fixed(X, Y, *parameters):
            parameters = [p.astype(complex) for p in parameters]
            gradients = []
            for p in parameters:
                g = np.zeros(p.shape)
                for i in np.ndindex(p.shape):
                    p[i] += 1e-30j
                    g[i] = network_loss(X, Y, *parameters).imag / 1e-30
                    p[i] -= 1e-30j
                gradients.append(g)
            return gradients""", "backward_fixed"), ["complex-step"]),
    "a mean for the bias": (lambda: fixed(*FIX, ("d_Z1.sum(axis=0)", "d_Z1.mean(axis=0)")),
                            ["the gradient of `b1` disagrees"]),
    "len(Y) for Y.size": (lambda: fixed(*FIX, ("/ Y.size", "/ len(Y)")), ["network of other sizes", "same factor"]),
    "the 6 samples hard-coded": (lambda: fixed(*FIX, ("/ Y.size", "/ 6")), ["network of other sizes"]),
    "no mean": (lambda: fixed(*FIX, ("/ Y.size", "")), ["same factor"]),
    "the error's sign": (lambda: fixed(*FIX, ("2 * (Y_hat - Y)", "2 * (Y - Y_hat)")), ["wrong sign"]),
    "dW1 transposed": (lambda: fixed(*FIX, ("X.T @ d_Z1", "d_Z1.T @ X")), ["the transpose of W1's (2, 4)"]),
    "the order changed": (lambda: fixed(*FIX, ("return [dW1, db1, dW2, db2, dW3, db3]",
                                               "return [dW1, dW2, dW3, db1, db2, db3]")), ["order must be"]),
    "four gradients": (lambda: fixed(*FIX, ("return [dW1, db1, dW2, db2, dW3, db3]", "return [dW1, db1, dW2, db2]")),
                       ["4 items"]),
    "a None": (lambda: fixed(*FIX, ("return [dW1, db1, dW2, db2, dW3, db3]",
                                    "return [dW1, None, dW2, db2, dW3, db3]")), ["None for `b1`"]),
    "no return": (lambda: fixed(*FIX, ("return [dW1, db1, dW2, db2, dW3, db3]", "pass")), ["returned None"]),
    # the review's L3: all-zero gradients were "off by the same factor"
    "all zeros": (lambda: defined("def backward_fixed(X, Y, *parameters):\n    return [np.zeros_like(p) for p in "
                                  "parameters]", "backward_fixed"), ["is zero"]),
    "the tape instead": (lambda: defined(TAPE_SOURCE.replace("gradients_by_tape", "backward_fixed"), "backward_fixed"),
                         ["tf.GradientTape", "by hand"]),
    "a call to gradients_by_tape": (lambda: defined(
        TAPE_SOURCE + "\nbackward_fixed = lambda *a: gradients_by_tape(*a)\n", "backward_fixed"), ["tf.GradientTape"]),
    "finite differences instead": (lambda: defined("""
        def backward_fixed(X, Y, *parameters):
            parameters = [p.copy() for p in parameters]
            return numerical_gradients(lambda: network_loss(X, Y, *parameters), parameters)""", "backward_fixed"),
        ["finite differences"]),
    # the review's M1: finite differences written by hand passed the 1e-5 tolerance
    "central differences by hand, h = 1e-6": (lambda: defined(CENTRAL_DIFFERENCES.format(h="1e-6"), "backward_fixed"),
                                              ["up to rounding", "Finite differences"]),
    "central differences by hand, h = 1e-5": (lambda: defined(CENTRAL_DIFFERENCES.format(h="1e-5"), "backward_fixed"),
                                              ["up to rounding", "Finite differences"]),
    # network_loss is no longer a blocked name (review 2, M3): the tolerance still tells finite differences
    "central differences over network_loss": (lambda: defined(
        CENTRAL_DIFFERENCES.format(h="1e-6").replace("up = loss()", "up = network_loss(X, Y, *parameters)"),
        "backward_fixed"), ["Finite differences", "about 1e-16"]),
    "scipy's approx_fprime": (lambda: defined("""
        def backward_fixed(X, Y, *parameters):
            from scipy.optimize import approx_fprime
            gradients = []
            for k, p in enumerate(parameters):
                def f(flat):
                    changed = list(parameters)
                    changed[k] = flat.reshape(p.shape)
                    return network_loss(X, Y, *changed)
                gradients.append(approx_fprime(p.ravel(), f, 1e-7).reshape(p.shape))
            return gradients""", "backward_fixed"), ["finite differences"]),
    "course_utils.nn instead": (lambda: defined("""
        def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):
            from course_utils import nn
            network = nn.Network([nn.Dense(W1, b1, "tanh"), nn.Dense(W2, b2, "tanh"), nn.Dense(W3, b3, "linear")])
            return network.gradients(X, Y)[1]""", "backward_fixed"), ["course_utils.nn"]),
    "course_utils.nn's layers chained by hand": (lambda: defined("""
        def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):
            import course_utils.nn as layers
            stack = [layers.Dense(W1, b1, "tanh"), layers.Dense(W2, b2, "tanh"), layers.Dense(W3, b3, "linear")]
            A = X
            for layer in stack:
                A = layer.forward(A)
            grad = 2 * (A - Y) / Y.size
            for layer in reversed(stack):
                grad = layer.backward(grad)
            return [g for layer in stack for g in (layer.grad_weights, layer.grad_bias)]""", "backward_fixed"),
        ["course_utils.nn"]),
    "the check's own copy": (lambda: defined(
        "from course_utils.exercises.backprop import _backward_with\n"
        "backward_fixed = lambda X, Y, *p: _backward_with(X, Y, p, ())", "backward_fixed"), ["check's own code"]),
    "a shape error": (lambda: fixed(("d_Y_hat @ W3.T", "d_Y_hat @ W3")), ["raised ValueError"]),
}


@pytest.mark.parametrize("name", FIX_MISTAKES)
def test_ex3_mistakes_name_the_gradients_that_are_off(name):
    make, words = FIX_MISTAKES[name]
    feedback = ex3.check(make())
    assert_rejected(feedback, *words)
    # never exercise 2's answer: the gradients of backward_buggy that disagree are not named as a set
    for named in re.findall(r"gradients of ((?:`\w+`(?:, | and )?)+) (?:still )?disagree", feedback.message):
        assert set(re.findall(r"`(\w+)`", named)) != set(WRONG), feedback.message
    if "the very ones" in feedback.message or "exactly backward_buggy's" in feedback.message:
        assert not any(f"`{n}`" in feedback.message for n in WRONG), feedback.message


def test_no_reply_to_a_wrong_network_function_holds_a_right_gradient():
    references = []
    for X, Y, parameters in backprop._cases():
        references += [entry for g in backprop._tape_network(X, Y, parameters) for entry in g.ravel()]
    messages = [ex3.check(make()).message for make, _ in FIX_MISTAKES.values()]
    messages += [ex2.check(make(), ERRORS(), WRONG).message for make, _ in TAPE_MISTAKES.values()]
    for message in messages:
        for entry in references:
            assert f"{entry:.4f}" not in message and f"{entry:.6g}" not in message


def test_ex3_not_solved_says_only_that():
    assert_not_solved(ex3.check(...))
    assert_not_solved(ex3.check(defined("def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):\n    return ...",
                                        "backward_fixed")))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_ex3_junk_is_rejected_without_a_traceback(answer):
    feedback = ex3.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


# --- help -----------------------------------------------------------------------------------------------


def test_the_first_hints_hold_no_part_of_the_solutions():
    assert not any(part in ex1.hints[0] for part in ("1 - s", "s * (1", "out.grad", "+=", "(v,)", "e^(-z)", "e^z"))
    assert not any(part in ex2.hints[0] for part in ("W1", "b1", "W2", "GradientTape", "tf.", "set_weights",
                                                     "float64", "Sequential"))
    assert not any(part in ex3.hints[0] for part in ("A1", "A2", "1 - ", "tanh", "d_Z", "input"))


def test_no_hint_is_printed_unless_asked():
    messages = [ex1.check(make()).message for make, _ in SIGMOID_MISTAKES.values()]
    messages += [ex3.check(make()).message for make, _ in FIX_MISTAKES.values()]
    messages += [ex2.check(make(), ERRORS(), WRONG).message for make, _ in TAPE_MISTAKES.values()]
    for hint in ex1.hints + ex2.hints + ex3.hints:
        assert not any(hint[:60] in message for message in messages)


# --- in Chinese (setup(language="zh")) ------------------------------------------------------------------

def test_ex1_answers_in_chinese(chinese):
    assert_in_chinese(ex1.check(...), "📝", "`sigmoid`")
    assert_in_chinese(ex1.check(sigmoid(backward="v.grad += (1 - s**2) * out.grad")), "❌",
                      "单独计算 sigmoid(x) 时，在 x = 0.3 处 x.grad = ", "：局部导数是 tanh 的导数（1 - t**2，")
    assert_in_chinese(ex1.check(sigmoid(forward="1 / (1 + math.exp(-v.data))")), "❌",
                      "`sigmoid(Value(-800))` 引发了 OverflowError：", "。sigmoid 在那里是有定义的", "正数次幂？",
                      error="math range error")
    assert_in_chinese(ex1.check(solution("ex1")["sigmoid"]), "✅", "检查的 6 个表达式中的 13 个梯度",
                      "在 -800 和 800 处也能正常工作。")


def test_ex2_answers_in_chinese(chinese):
    assert_in_chinese(ex2.check(..., ..., ...), "📝", "`gradients_by_tape`")
    assert_in_chinese(ex2.check(tape(loss="keras.losses.mean_squared_error(Y, prediction)"), ERRORS(), WRONG), "❌",
                      "在本题的网络上，`gradients_by_tape` 的每个梯度都是应有值的 6 倍，这正是样本数")
    assert_in_chinese(ex2.check(quick_tape(), ERRORS(), list(PARAMETER_NAMES)), "❌",
                      "你的列表里有 `W3` 和 `b3`，但你的误差表明它们的梯度低于 1e-7", "：它们与梯度带一致。")
    assert_in_chinese(ex2.check(quick_tape(), ERRORS(), ["W2", "b2"]), "❌",
                      "你的误差表明 `W1` 和 `b1` 的梯度高于 1e-2", "漏掉了它们。")
    assert_in_chinese(ex2.check(quick_tape(), ERRORS(), WRONG), "✅", "而出错的正是 `W1`、`b1`、`W2` 和 `b2` 的梯度")


def test_ex3_answers_in_chinese(chinese):
    assert_in_chinese(ex3.check(...), "📝", "`backward_fixed`")
    assert_in_chinese(ex3.check(fixed(FIX_TANH)), "❌", "`W2` 的梯度与 tf.GradientTape 不一致；`W1`、`b1`、`b2`、`W3` 和 "
                      "`b3` 的梯度一致。你修复了 backward_buggy 的一个 bug，还剩下一个。")
    assert_in_chinese(ex3.check(fixed(*FIX, ("/ Y.size", "/ len(Y)"))), "❌",
                      "在另一种大小的网络（3 个输入，两个各有 5 个单元的隐藏层，2 个输出，7 个样本）上，`backward_fixed` "
                      "的每个梯度都与正确值相差同一个倍数")
    assert_in_chinese(ex3.check(fixed(("d_Z2 = d_Y_hat @ W3.T", "d_Z2 = (d_Y_hat @ W3.T) * (1 - A2)"), FIX_INPUT)),
                      "❌", "与 tf.GradientTape 不一致的梯度，恰好就是 backward_buggy 中出错的那些。你的 d_Z2 现在有了 tanh 的因子")
    assert_in_chinese(ex3.check(solution("ex3")["backward_fixed"]), "✅", "的全部六个梯度在两种大小的网络上都与")


@pytest.mark.parametrize("exercise", [ex1, ex2, ex3], ids=["ex1", "ex2", "ex3"])
def test_the_hints_are_in_chinese(exercise, chinese):
    assert_help_in_chinese(exercise)
