"""04 · the exercises: a new engine operation, and a planted bug located and fixed with tf.GradientTape.

The shipped solutions pass; the mistakes learners make are named; right answers in other forms pass; junk gets a
clear ❌; the 📝 reply is the bare template; no reply to a wrong answer holds the expected values.
"""

import functools
import math
import textwrap
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from tables import JUNK, assert_not_solved, assert_passed, assert_rejected

from course_utils.autodiff import Value
from course_utils.checks import stored_solution
from course_utils.exercises import backprop
from course_utils.exercises.backprop import PARAMETER_NAMES, ex1, ex2, ex3, network
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
    """What the exercise cells see in the notebook's kernel."""
    given = given_cell()
    return {"np": np, "tf": tf, "keras": keras, "math": math, "Value": Value, "relative_error": relative_error,
            "relative_error_verdict": relative_error_verdict, "numerical_gradients": numerical_gradients,
            "print": lambda *args, **kwargs: None,
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


def sigmoid(forward="1 / (1 + math.exp(-v.data))", parents="(v,)", backward="v.grad += s * (1 - s) * out.grad",
            attach="out._backward = _backward", returned="out"):
    """A learner's sigmoid with one part changed."""
    return defined(SIGMOID.format(forward=forward, parents=parents, backward=backward, attach=attach,
                                  returned=returned), "sigmoid")


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["sigmoid"]))


RIGHT_SIGMOIDS = {
    "np.exp": lambda: sigmoid(forward="1 / (1 + np.exp(-v.data))"),
    "tf.sigmoid for the value": lambda: sigmoid(forward="float(tf.sigmoid(v.data))"),
    "e^x / (1 + e^x)": lambda: sigmoid(forward="math.exp(v.data) / (1 + math.exp(v.data))"),
    "derivative written with e^-x": lambda: sigmoid(
        backward="v.grad += math.exp(-v.data) / (1 + math.exp(-v.data)) ** 2 * out.grad"),
    "s - s**2": lambda: sigmoid(backward="v.grad += (s - s**2) * out.grad"),
    "v.grad = v.grad + ...": lambda: sigmoid(backward="v.grad = v.grad + s * (1 - s) * out.grad"),
    "reads out.data when called": lambda: sigmoid(backward="v.grad += out.data * (1 - out.data) * out.grad"),
    "parents as a list": lambda: sigmoid(parents="[v]"),
    "the engine's _unary": lambda: defined("""
        def sigmoid(v):
            s = 1 / (1 + math.exp(-v.data))
            return v._unary(s, "sigmoid", s * (1 - s))""", "sigmoid"),
    "a method patched onto Value": lambda: defined("""
        def sigmoid_method(self):
            s = 1 / (1 + math.exp(-self.data))
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
    "a Value subclass": lambda: defined("""
        class Sigmoid(Value):
            def __init__(self, v):
                s = 1 / (1 + math.exp(-v.data))
                super().__init__(s, (v,), "sigmoid")
                def _backward():
                    v.grad += s * (1 - s) * self.grad
                self._backward = _backward""", "Sigmoid"),
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
    "the rule not attached": (lambda: sigmoid(attach="pass"), ["not attached"]),
    "the rule called, not attached": (lambda: sigmoid(attach="out._backward = _backward()"), ["not a function"]),
    "adds to out.grad": (lambda: sigmoid(backward="out.grad += s * (1 - s) * out.grad"), ["adds nothing"]),
    "built from the engine's operations": (lambda: defined("def sigmoid(v):\n    return 1 / (1 + (-v).exp())",
                                                           "sigmoid"), ["engine's own operations"]),
    "changed in place": (lambda: defined("def sigmoid(v):\n    v.data = 1 / (1 + math.exp(-v.data))\n    return v",
                                         "sigmoid"), ["itself"]),
    "math.exp of a Value": (lambda: defined("def sigmoid(v):\n    return Value(1 / (1 + math.exp(-v)), (v,))",
                                            "sigmoid"), ["v.data"]),
    "two inputs": (lambda: sigmoid(parents="(v, v)"), ["2 inputs"]),
    "state shared between nodes": (lambda: defined("""
        S = [0.0]
        def sigmoid(v):
            S[0] = 1 / (1 + math.exp(-v.data))
            out = Value(S[0], (v,), "sigmoid")
            def _backward():
                v.grad += S[0] * (1 - S[0]) * out.grad
            out._backward = _backward
            return out""", "sigmoid"), ["sigmoid(3 * sigmoid(x))", "disagrees"]),
    "an error in the rule": (lambda: sigmoid(backward="v.grad += s * (1 - s) * out.gradient"),
                             ["`backward()` raised AttributeError", "_backward"]),
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


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex1_junk_is_rejected_without_a_traceback(answer):
    feedback = ex1.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


# --- ex2: gradients_by_tape and wrong_gradients ------------------------------------------------------------

TAPE = """
def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):
    variables = [{make}(p) for p in (W1, b1, W2, b2, W3, b3)]
    V1, c1, V2, c2, V3, c3 = variables
    with tf.GradientTape() as tape:
        {watch}
        loss = {loss}
    return {returned}
"""
LOSS = "tf.reduce_mean((tf.tanh(tf.tanh(X @ V1 + c1) @ V2 + c2) @ V3 + c3 - Y) ** 2)"
WRONG = ["W1", "b1"]


def tape(make="tf.Variable", watch="pass", loss=LOSS, returned="[g.numpy() for g in tape.gradient(loss, variables)]"):
    """A learner's gradients_by_tape with one part changed."""
    return defined(TAPE.format(make=make, watch=watch, loss=loss, returned=returned), "gradients_by_tape")


def test_ex2_the_shipped_solution_passes():
    namespace = solution("ex2")
    assert_passed(ex2.check(namespace["gradients_by_tape"], namespace["wrong_gradients"]))


def test_ex2_the_planted_bug_spoils_exactly_the_gradients_the_solution_names():
    X, Y, parameters = network()
    spoiled = backprop._disagreeing(backprop._planted_backward(X, Y, *parameters), backprop._tape_network(X, Y,
                                                                                                       parameters))
    assert spoiled == WRONG == solution("ex2")["wrong_gradients"]


RIGHT_TAPES = {
    "tensors, not arrays": (lambda: tape(returned="tape.gradient(loss, variables)"), WRONG),
    "a tuple": (lambda: tape(returned="tuple(tape.gradient(loss, variables))"), WRONG),
    "a dict by name": (lambda: tape(returned="dict(zip(['dW1', 'db1', 'dW2', 'db2', 'dW3', 'db3'], "
                                             "tape.gradient(loss, variables)))"), WRONG),
    "constants watched": (lambda: tape(make="tf.constant", watch="tape.watch(variables)"), WRONG),
    "keras.ops": (lambda: tape(loss=LOSS.replace("tf.reduce_mean", "keras.ops.mean").replace("tf.tanh",
                                                                                             "keras.ops.tanh")), WRONG),
    "float32": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            variables = [tf.Variable(p, dtype=tf.float32) for p in parameters]
            X, Y = tf.constant(X, tf.float32), tf.constant(Y, tf.float32)
            with tf.GradientTape() as tape:
                A = X
                for W, b in zip(variables[::2], variables[1::2]):
                    A = A @ W + b
                    if W is not variables[-2]:
                        A = tf.tanh(A)
                loss = tf.reduce_mean(tf.square(A - Y))
            return [g.numpy() for g in tape.gradient(loss, variables)]""", "gradients_by_tape"), WRONG),
    "a string of names": (tape, "W1, b1"),
    "'W1 and b1'": (tape, "W1 and b1"),
    "gradient names": (tape, ["dW1", "db1"]),
    "a set": (tape, {"b1", "W1"}),
    "lower and upper case": (tape, ("w1", "B1")),
}


@pytest.mark.parametrize("name", RIGHT_TAPES)
def test_ex2_right_forms_pass(name):
    make, names = RIGHT_TAPES[name]
    assert_passed(ex2.check(make(), names))


TAPE_MISTAKES = {
    "network_loss (NumPy) inside the tape": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            variables = [tf.Variable(p) for p in parameters]
            with tf.GradientTape() as tape:
                loss = network_loss(X, Y, *variables)
            return tape.gradient(loss, variables)""", "gradients_by_tape"),
        ["NumPy number", "TensorFlow's operations"]),
    "constants not watched": (lambda: tape(make="tf.constant"), ["gave None", "does not watch"]),
    "the loss after the with block": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            V1, c1, V2, c2, V3, c3 = variables = [tf.Variable(p) for p in parameters]
            with tf.GradientTape() as tape:
                pass
            loss = tf.reduce_mean((tf.tanh(tf.tanh(X @ V1 + c1) @ V2 + c2) @ V3 + c3 - Y) ** 2)
            return list(tape.gradient(loss, variables))""", "gradients_by_tape"), ["None for `W1`", "`with` block"]),
    "a sum for the mean": (lambda: tape(loss=LOSS.replace("reduce_mean", "reduce_sum")), ["6 times", "sums"]),
    "a per-sample Keras loss": (lambda: tape(loss="keras.losses.mean_squared_error(Y, tf.tanh(tf.tanh(X @ V1 + c1) "
                                                  "@ V2 + c2) @ V3 + c3)"), ["sums"]),
    "the bias b3 left out": (lambda: tape(loss=LOSS.replace(" + c3", "")), ["None", "left out of the loss"]),
    "tanh on the output too": (lambda: tape(loss=LOSS.replace("tf.tanh(tf.tanh(X @ V1 + c1) @ V2 + c2) @ V3 + c3",
                                                              "tf.tanh(tf.tanh(tf.tanh(X @ V1 + c1) @ V2 + c2) @ V3 "
                                                              "+ c3)")), ["disagree", "network_loss"]),
    "the wrong order": (lambda: tape(returned="[g.numpy() for g in tape.gradient(loss, [V1, V2, V3, c1, c2, c3])]"),
                        ["order must be"]),
    "backward_buggy as the reference": (lambda: environment()["backward_buggy"], ["backward_buggy's gradients"]),
    "finite differences, not the tape": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            parameters = [p.copy() for p in parameters]
            return numerical_gradients(lambda: network_loss(X, Y, *parameters), parameters)""", "gradients_by_tape"),
        ["not with tf.GradientTape"]),
    "the notebook's data, not the arguments": (lambda: defined("""
        def gradients_by_tape(X, Y, *parameters):
            variables = [tf.Variable(p) for p in bug_parameters]
            V1, c1, V2, c2, V3, c3 = variables
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((tf.tanh(tf.tanh(X_bug @ V1 + c1) @ V2 + c2) @ V3 + c3 - Y_bug) ** 2)
            return [g.numpy() for g in tape.gradient(loss, variables)]""", "gradients_by_tape"), ["disagree"]),
    "a mean over the samples only": (lambda: tape(loss=LOSS.replace("** 2)", "** 2, axis=0)")),
                                     ["network of other sizes"]),
    "the loss returned": (lambda: tape(returned="loss"), ["list of the six gradients"]),
    "five gradients": (lambda: tape(returned="tape.gradient(loss, variables)[:5]"), ["5 items"]),
}


@pytest.mark.parametrize("name", TAPE_MISTAKES)
def test_ex2_tape_mistakes_are_named(name):
    make, words = TAPE_MISTAKES[name]
    assert_rejected(ex2.check(make(), WRONG), *words)


NAME_MISTAKES = {
    "the parameter on the line with the bug": (["W2"], ["`W2`", "not wrong", "misses"]),
    "only the worst one": (["W1"], ["misses", "only the worst entry"]),
    "only the bias": (["b1"], ["misses"]),
    "one too many": (["W1", "b1", "W2"], ["`W2`", "not wrong"]),
    "all six": (list(PARAMETER_NAMES), ["`W2`, `b2`, `W3` and `b3`", "not wrong"]),
    "the layer above": (["W2", "b2"], ["not wrong", "misses"]),
    "none": ([], ["empty"]),
    "a name that is not a parameter": (["W4"], ["not a parameter"]),
    "indices": ([0, 1], ["strings"]),
    "arrays": ([np.zeros(2)], ["strings"]),
    "a number": (3, ["list of parameter names"]),
}


@pytest.mark.parametrize("name", NAME_MISTAKES)
def test_ex2_wrong_names_are_named_without_the_answer(name):
    answer, words = NAME_MISTAKES[name]
    feedback = ex2.check(tape(), answer)
    assert_rejected(feedback, *words)
    named = {backprop._normalised(a) for a in answer} if isinstance(answer, list) else set()
    for hidden in set(WRONG) - named:  # a wrong gradient the learner did not name is never revealed
        assert f"`{hidden}`" not in feedback.message and f"'{hidden}'" not in feedback.message


def test_ex2_not_solved_says_only_that():
    assert_not_solved(ex2.check(..., ...))
    assert_not_solved(ex2.check(defined("def gradients_by_tape(X, Y, W1, b1, W2, b2, W3, b3):\n    return ...",
                                        "gradients_by_tape"), ...))
    assert_not_solved(ex2.check(tape(), ...))


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex2_junk_is_rejected_without_a_traceback(answer):
    for feedback in (ex2.check(answer, WRONG), ex2.check(tape(), answer)):
        assert_rejected(feedback)
        assert "could not be checked" not in feedback.message


# --- ex3: backward_fixed ---------------------------------------------------------------------------------

FIX = ("d_Z2 @ W2)", "d_Z2 @ W2.T)")


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
        for a, b in zip(given["backward_buggy"](X, Y, *parameters), backprop._planted_backward(X, Y, *parameters)):
            np.testing.assert_array_equal(a, b)
    assert [p.shape for p in given["bug_parameters"]] == [(2, 4), (4,), (4, 4), (4,), (4, 1), (1,)]


RIGHT_FIXES = {
    "(W2 @ d_Z2.T).T": (("d_Z2 @ W2)", "(W2 @ d_Z2.T).T)"),),
    "einsum": (("d_Z2 @ W2)", "np.einsum('nj,ij->ni', d_Z2, W2))"),),
    "a tuple": (FIX, ("return [dW1, db1, dW2, db2, dW3, db3]", "return dW1, db1, dW2, db2, dW3, db3")),
    "in float32": (FIX, ("A1 = np.tanh(X @ W1 + b1)",
                         "X, Y, W1, b1, W2, b2, W3, b3 = (np.float32(a) for a in (X, Y, W1, b1, W2, b2, W3, b3))\n"
                         "    A1 = np.tanh(X @ W1 + b1)")),
    "np.prod(Y.shape)": (FIX, ("/ Y.size", "/ np.prod(Y.shape)")),
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
            return [X.T @ d_Z1, d_Z1.sum(axis=0), dW2, db2, dW3, db3]""", "backward_fixed")))


TAPE_SOURCE = TAPE.format(make="tf.Variable", watch="pass", loss=LOSS,
                          returned="[g.numpy() for g in tape.gradient(loss, variables)]")
FIX_MISTAKES = {
    "unchanged": (lambda: fixed(), ["the gradients of `W1` and `b1` still disagree", "bug is still there"]),
    "backward_buggy itself": (lambda: environment()["backward_buggy"], ["still disagree"]),
    "the wrong line changed": (lambda: fixed(("A1.T @ d_Z2", "d_Z2.T @ A1")),
                               ["gradients of `W1`, `b1` and `W2` disagree", "`b2`, `W3` and `b3` agree"]),
    "tanh's derivative dropped": (lambda: fixed(("(d_Z2 @ W2) * (1 - A1**2)", "d_Z2 @ W2.T")),
                                  ["gradients of `W1` and `b1` disagree"]),
    "a mean for the bias": (lambda: fixed(FIX, ("d_Z1.sum(axis=0)", "d_Z1.mean(axis=0)")),
                            ["the gradient of `b1` disagrees"]),
    "len(Y) for Y.size": (lambda: fixed(FIX, ("/ Y.size", "/ len(Y)")), ["network of other sizes", "same factor"]),
    "the 6 samples hard-coded": (lambda: fixed(FIX, ("/ Y.size", "/ 6")), ["network of other sizes"]),
    "no mean": (lambda: fixed(FIX, ("/ Y.size", "")), ["same factor"]),
    "the error's sign": (lambda: fixed(FIX, ("2 * (Y_hat - Y)", "2 * (Y - Y_hat)")), ["wrong sign"]),
    "dW1 transposed": (lambda: fixed(FIX, ("X.T @ d_Z1", "d_Z1.T @ X")), ["the transpose of W1's (2, 4)"]),
    "the order changed": (lambda: fixed(FIX, ("return [dW1, db1, dW2, db2, dW3, db3]",
                                              "return [dW1, dW2, dW3, db1, db2, db3]")), ["order must be"]),
    "four gradients": (lambda: fixed(FIX, ("return [dW1, db1, dW2, db2, dW3, db3]", "return [dW1, db1, dW2, db2]")),
                       ["4 items"]),
    "a None": (lambda: fixed(FIX, ("return [dW1, db1, dW2, db2, dW3, db3]", "return [dW1, None, dW2, db2, dW3, db3]")),
               ["None for `b1`"]),
    "no return": (lambda: fixed(FIX, ("return [dW1, db1, dW2, db2, dW3, db3]", "pass")), ["returned None"]),
    "the tape instead": (lambda: defined(TAPE_SOURCE.replace("gradients_by_tape", "backward_fixed"), "backward_fixed"),
                         ["tf.GradientTape", "by hand"]),
    "a call to gradients_by_tape": (lambda: defined(
        TAPE_SOURCE + "\nbackward_fixed = lambda *a: gradients_by_tape(*a)\n", "backward_fixed"), ["tf.GradientTape"]),
    "finite differences instead": (lambda: defined("""
        def backward_fixed(X, Y, *parameters):
            parameters = [p.copy() for p in parameters]
            return numerical_gradients(lambda: network_loss(X, Y, *parameters), parameters)""", "backward_fixed"),
        ["finite differences"]),
    "course_utils.nn instead": (lambda: defined("""
        def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):
            from course_utils import nn
            network = nn.Network([nn.Dense(W1, b1, "tanh"), nn.Dense(W2, b2, "tanh"), nn.Dense(W3, b3, "linear")])
            return network.gradients(X, Y)[1]""", "backward_fixed"), ["course_utils.nn"]),
    "a shape error": (lambda: fixed(("d_Y_hat @ W3.T", "d_Y_hat @ W3")), ["raised ValueError"]),
}


@pytest.mark.parametrize("name", FIX_MISTAKES)
def test_ex3_mistakes_name_the_gradients_that_are_off(name):
    make, words = FIX_MISTAKES[name]
    assert_rejected(ex3.check(make()), *words)


def test_no_reply_to_a_wrong_network_function_holds_a_right_gradient():
    references = []
    for _, (X, Y, parameters) in backprop._cases():
        references += [entry for g in backprop._tape_network(X, Y, parameters) for entry in g.ravel()]
    messages = [ex3.check(make()).message for make, _ in FIX_MISTAKES.values()]
    messages += [ex2.check(make(), WRONG).message for make, _ in TAPE_MISTAKES.values()]
    for message in messages:
        for entry in references:
            assert f"{entry:.4f}" not in message and f"{entry:.6g}" not in message


def test_ex3_not_solved_says_only_that():
    assert_not_solved(ex3.check(...))
    assert_not_solved(ex3.check(defined("def backward_fixed(X, Y, W1, b1, W2, b2, W3, b3):\n    return ...",
                                        "backward_fixed")))


@pytest.mark.parametrize("answer", JUNK, ids=repr)
def test_ex3_junk_is_rejected_without_a_traceback(answer):
    feedback = ex3.check(answer)
    assert_rejected(feedback)
    assert "could not be checked" not in feedback.message


# --- help -----------------------------------------------------------------------------------------------


def test_the_first_hints_hold_no_part_of_the_solutions():
    assert not any(part in ex1.hints[0] for part in ("1 - s", "s * (1", "out.grad", "+=", "(v,)", "e^(-z)"))
    assert not any(part in ex2.hints[0] for part in ("W1", "b1", "GradientTape", "tf."))
    assert not any(part in ex3.hints[0] for part in ("W2", ".T", "transpose", "d_Z1"))


def test_no_hint_is_printed_unless_asked():
    messages = [ex1.check(make()).message for make, _ in SIGMOID_MISTAKES.values()]
    messages += [ex3.check(make()).message for make, _ in FIX_MISTAKES.values()]
    for hint in ex1.hints + ex2.hints + ex3.hints:
        assert not any(hint[:60] in message for message in messages)
