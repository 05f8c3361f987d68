"""04 · Backpropagation: the exercises of notebooks/04_backprop.ipynb.

- ex1: a new operation for the scalar engine (``sigmoid(v)``, a new ``Value`` node with its own backward rule), for
  every input, even where e^(-z) overflows;
- ex2: the reference gradients of a small network, from a float64 Keras model and ``tf.GradientTape``; the max
  relative error of each gradient of a supplied backward pass with planted bugs (recomputed by the check from its
  own copies), and which gradients are wrong;
- ex3: the backward pass, fixed.

The checks build their own expressions and their own random networks; tf.GradientTape (float64) is the reference.
"""

import contextlib
import dis
import functools
import math
import re
import types
import warnings

import numpy as np

from course_utils.checks import Exercise, Reply, as_numbers, call, not_yet, passed, wrong
from course_utils.i18n import N_, _

#: The parameters of the exercise's network, in the order the gradients are returned.
PARAMETER_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
#: The exercise's network: 2 inputs, two tanh layers of 4 units, 1 linear output; 6 samples.
TASK_SIZES, TASK_SAMPLES = (2, 4, 4, 1), 6
#: A network of other sizes, on which the functions must work too: they must read the sizes off their arguments.
OTHER_SIZES, OTHER_SAMPLES = (3, 5, 5, 2), 7
#: The seeds of the check's own networks (the notebook's data uses another one).
CHECK_SEEDS = (101, 202)

#: Relative error (in the norm of each gradient) below which two gradients agree: float32 work passes, a bug not.
AGREE = 1e-5
#: What a backward pass by hand in float64 achieves against the tape (about 1e-16); finite differences cannot.
EXACT = 1e-12


@contextlib.contextmanager
def _quiet():
    """No NumPy warnings (np.exp(800) is inf, with a warning) in the middle of a check's reply."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# --- reading the learner's code -----------------------------------------------------------------------

_LOADS = {"LOAD_GLOBAL", "LOAD_NAME"}


def _code_names(function, depth=3, seen=None):
    """The names (global names and attributes) a function's code uses, and the global objects it loads, following
    the functions it calls."""
    seen = set() if seen is None else seen
    code = getattr(function, "__code__", None)
    if not isinstance(code, types.CodeType) or code in seen or depth < 0:
        return set(), {}
    seen.add(code)
    names, loaded = set(), set()
    stack = [code]
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        loaded.update(i.argval for i in dis.get_instructions(current) if i.opname in _LOADS)
        stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
    space = getattr(function, "__globals__", {})
    objects = {}
    for name in loaded:
        if name in space:
            value = space[name]
            objects[id(value)] = value
            if isinstance(value, types.FunctionType):
                more_names, more_objects = _code_names(value, depth - 1, seen)
                names |= more_names
                objects.update(more_objects)
    for cell in getattr(function, "__closure__", None) or ():
        with contextlib.suppress(ValueError):
            value = cell.cell_contents
            objects[id(value)] = value
            if isinstance(value, types.FunctionType):
                more_names, more_objects = _code_names(value, depth - 1, seen)
                names |= more_names
                objects.update(more_objects)
    return names, objects


def _uses(function, *things):
    """Whether the function (or a function it calls) names any of ``things`` (objects or attribute names);
    None if its code cannot be read (not a plain Python function)."""
    if not isinstance(getattr(function, "__code__", None), types.CodeType):
        return None
    names, objects = _code_names(function)
    return any((isinstance(t, str) and t in names) or (not isinstance(t, str) and id(t) in objects) for t in things)


def _borrows_the_check(answer):
    """Whether the answer is, or calls, this module's own code (its model answers and its reference tape)."""
    while isinstance(answer, functools.partial) or hasattr(answer, "__func__"):
        answer = getattr(answer, "func", None) or answer.__func__
    if getattr(answer, "__module__", None) == __name__:
        return True
    objects = _code_names(answer)[1]
    module = __import__(__name__, fromlist=["ex1"])
    return any(value is module or (callable(value) and getattr(value, "__module__", None) == __name__)
               for value in objects.values())


def _reject_the_checks_own_code(answer, name):
    if _borrows_the_check(answer):
        raise Reply(wrong(_("`{name}` is, or calls, the check's own code in course_utils.exercises.backprop: the "
                            "exercise is to write it yourself.").format(name=name)))


# --- ex1: the sigmoid as a new operation of the engine ------------------------------------------------


def _sigmoid(z):
    """The sigmoid, for every float z (e is never raised to a positive power)."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
#: The check's own expressions: (text, inputs, the expression with a sigmoid f, the same in TensorFlow).
#: The first is the sigmoid alone; the later ones are composite, and x * sigmoid(x) and sigmoid(x) + sigmoid(2x)
#: use x twice.
PROBES = (
    ("sigmoid(x)", {"x": 0.3}, lambda f, v: f(v["x"]), lambda tf, v: tf.sigmoid(v["x"])),
    ("(sigmoid(w * x + b) - y) ** 2", {"w": -1.3, "x": 0.6, "b": 0.4, "y": 0.9},
     lambda f, v: (f(v["w"] * v["x"] + v["b"]) - v["y"]) ** 2,
     lambda tf, v: (tf.sigmoid(v["w"] * v["x"] + v["b"]) - v["y"]) ** 2),
    ("sigmoid(3 * sigmoid(x))", {"x": -0.8}, lambda f, v: f(3 * f(v["x"])),
     lambda tf, v: tf.sigmoid(3 * tf.sigmoid(v["x"]))),
    ("x * sigmoid(x)", {"x": -0.7}, lambda f, v: v["x"] * f(v["x"]), lambda tf, v: v["x"] * tf.sigmoid(v["x"])),
    ("sigmoid(x) + sigmoid(2 * x)", {"x": 1.1}, lambda f, v: f(v["x"]) + f(2 * v["x"]),
     lambda tf, v: tf.sigmoid(v["x"]) + tf.sigmoid(2 * v["x"])),
    ("sigmoid(w1 * x1 + w2 * x2 + b).tanh() * 2", {"w1": 0.5, "x1": -1.2, "w2": 1.7, "x2": 0.4, "b": -0.2},
     lambda f, v: f(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"]).tanh() * 2,
     lambda tf, v: tf.tanh(tf.sigmoid(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"])) * 2),
)
#: Where the forward value and the local derivative are tried.
POINTS = (-2.5, -0.4, 0.0, 0.9, 3.0)

_tape_cache = {}


def _tape_probe(index):
    """The value and gradients of probe ``index`` by tf.GradientTape, in float64 (computed once)."""
    if index not in _tape_cache:
        import tensorflow as tf

        inputs, expression = PROBES[index][1], PROBES[index][3]
        variables = {name: tf.Variable(value, dtype=tf.float64) for name, value in inputs.items()}
        with tf.GradientTape() as tape:
            out = expression(tf, variables)
        gradients = tape.gradient(out, list(variables.values()))
        _tape_cache[index] = (float(out), {name: float(g) for name, g in zip(variables, gradients)})
    return _tape_cache[index]


def _model(*, out_grad=True, accumulate=True):
    """A sigmoid node with the right forward value and local derivative, and a backward rule with a learner's slip:
    without the arriving gradient (``out_grad=False``) or overwriting its input's gradient (``accumulate=False``)."""
    from course_utils.autodiff import Value

    def sigmoid(v):
        s = _sigmoid(v.data)
        out = Value(s, (v,), "sigmoid")
        d = s * (1 - s)

        def _backward():
            step = d * out.grad if out_grad else d
            v.grad = v.grad + step if accumulate else step

        out._backward = _backward
        return out

    return sigmoid


def _wrong_derivatives():
    """Local derivatives a learner writes instead of the sigmoid's, in terms of (input z, output s), by what the
    reply calls them."""
    return {
        _("the derivative of tanh (1 - t**2, the rule of the engine's tanh), not of the sigmoid"):
            lambda z, s: 1 - s**2,
        _("the derivative of exp (its own output), not of the sigmoid"): lambda z, s: s,
        _("the sigmoid's rule written with the input v.data where it needs the node's output (the forward value)"):
            lambda z, s: z * (1 - z),
    }


class _Run:
    """The learner's sigmoid inside one of the check's expressions: the output and the inputs' gradients."""

    def __init__(self, sigmoid, index):
        from course_utils.autodiff import Value

        self.text, inputs, expression = PROBES[index][:3]
        self.inputs = {name: Value(value, label=name) for name, value in inputs.items()}
        try:
            out = expression(sigmoid, self.inputs)
        except Reply:
            raise
        except Exception as error:
            raise Reply(wrong(_("in the check's expression {expression}, calling `sigmoid` raised {kind}: {error}")
                              .format(expression=self.text, kind=type(error).__name__,
                                      error=str(error)[:200]))) from None
        try:
            out.backward()
        except Exception as error:
            raise Reply(wrong(_("in {expression}, `backward()` raised {kind}: {error}. The error is in your "
                                "`_backward` function, which backward() calls.")
                              .format(expression=self.text, kind=type(error).__name__,
                                      error=str(error)[:200]))) from None
        self.gradients = {name: v.grad for name, v in self.inputs.items()}


def _close(a, b, rtol=1e-6, atol=1e-9):
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


#: What a learner's code says when a math or NumPy function, or float(), is handed the Value instead of its number.
_VALUE_AS_NUMBER = ("real number, not 'Value'", "must be real number, not Value", "not 'Value'")


def _call_sigmoid(sigmoid, z):
    from course_utils.autodiff import Value

    v = Value(z)
    try:
        with _quiet():
            out = call(sigmoid, v, name="sigmoid")
    except Reply as reply:
        message = reply.feedback.message
        if any(text in message for text in _VALUE_AS_NUMBER):
            raise Reply(wrong(_("calling `sigmoid` raised a TypeError: a math or NumPy function, or float(), was "
                                "handed the Value `v` itself. Its number is `v.data`."))) from None
        if "data must be a number, got Value Value(" in message:  # Value(v): the message of as_float
            raise Reply(wrong(_("calling `sigmoid` raised a TypeError: the number you gave the new Value is itself "
                                "a Value (an expression of `v` in the engine's operations). Compute the sigmoid's "
                                "number from `v.data`."))) from None
        raise
    if out is None:
        raise Reply(wrong(_("`sigmoid(v)` returned None: the function needs a `return` of the new node.")))
    if not isinstance(out, Value):
        raise Reply(wrong(_("`sigmoid(v)` returned a {kind}, not a Value (course_utils.autodiff): only a Value is a "
                            "node of the graph, through which backward() can pass a gradient.")
                          .format(kind=type(out).__name__)))
    if out is v:
        raise Reply(wrong(_("`sigmoid(v)` returned its input `v` itself (changed in place): the sigmoid must be a "
                            "new node, with `v` as its input, so that `v` keeps its own value and gradient.")))
    if not isinstance(out.parents, (tuple, list)):
        if out.parents is v:
            raise Reply(wrong(_("the new node's parents are `v` itself, not a tuple of Values: write `(v,)`, with "
                                "the comma. `(v)` is just `v`.")))
        raise Reply(wrong(_("the new node's parents are a {kind}, not a tuple of Values: write `(v,)`, a tuple "
                            "holding the input `v`.").format(kind=type(out.parents).__name__)))
    if not callable(out._backward):
        raise Reply(wrong(_("the new node's `_backward` is a {kind}, not a function: attach the function itself, "
                            "for backward() to call later.").format(kind=type(out._backward).__name__)))
    if v.data != z:
        raise Reply(wrong(_("`sigmoid(v)` changed the value of its input `v`: leave `v` as it is and put the "
                            "sigmoid in a new Value.")))
    return v, out


def _ancestors(node):
    seen, stack = set(), [node]
    while stack:
        parents = getattr(stack.pop(), "parents", ())
        for parent in parents if isinstance(parents, (tuple, list)) else ():
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


#: Inputs where e^(-z) or e^z is far beyond the largest float (about 1.8e308), and the sigmoid is still defined.
EXTREMES = (-800.0, 800.0)

def _overflow():
    """Why the sigmoid must be written with care at the EXTREMES."""
    return _("The sigmoid is defined there (almost 0 at -800, almost 1 at 800), but e^800 is far beyond the largest "
             "float, about 1.8e308: math.exp raises OverflowError, np.exp gives inf. Which way of writing the sigmoid "
             "never raises e to a large positive power, for a z of either sign?")


def _check_sigmoid(sigmoid):
    """ex1: the learner's ``sigmoid(v)``, a new Value node, tried in the check's own expressions."""
    import tensorflow as tf

    if sigmoid is Ellipsis:
        raise Reply(not_yet("sigmoid"))
    if callable(sigmoid):
        _reject_the_checks_own_code(sigmoid, "sigmoid")
        if _uses(sigmoid, tf.GradientTape, "GradientTape", "ForwardAccumulator"):
            raise Reply(wrong(_("`sigmoid` asks TensorFlow for the derivative (tf.GradientTape): work out the "
                                "local derivative yourself and write it in `_backward`.")))
    forward = {}
    for z in POINTS:
        v, out = _call_sigmoid(sigmoid, z)
        forward[z] = (v, out)
    values = np.array([out.data for v, out in forward.values()])
    truth = np.array([_sigmoid(z) for z in POINTS])
    if not _close(values, truth):
        z = next(z for z, value, right in zip(POINTS, values, truth) if not _close(value, right))
        shown = f"`sigmoid(Value({z})).data` = {forward[z][1].data:.6g}"
        for description, model in ((_("the sigmoid of -z: the sign in the exponent"), lambda z: _sigmoid(-z)),
                                   (_("tanh, not the sigmoid"), math.tanh),
                                   (_("1 + e^(-z): the sigmoid is 1 divided by that"), lambda z: 1 + math.exp(-z)),
                                   (_("e^(-z) alone"), lambda z: math.exp(-z))):
            if _close(values, [model(z) for z in POINTS]):
                raise Reply(wrong(_("the forward value is wrong: {shown}, and your sigmoid computes {description}.")
                                  .format(shown=shown, description=description)))
        raise Reply(wrong(_("the forward value is wrong: {shown}. The sigmoid is 1 / (1 + e^(-z)), a number between 0 "
                            "and 1.").format(shown=shown)))

    v, out = forward[POINTS[1]]
    parents = tuple(out.parents)
    if parents != (v,):
        if v in parents:
            raise Reply(wrong(_("the new node records {count} inputs; a sigmoid has one, `v`.")
                              .format(count=len(parents))))
        if v in _ancestors(out):
            raise Reply(wrong(_("your sigmoid is built from the engine's own operations (its output comes from "
                                "'{operation}', not from one sigmoid node), so the engine works out the gradient, not "
                                "you. Write it as one new operation: one new Value whose only input is `v`, with your "
                                "own backward rule.").format(operation=out.op or "?")))
        raise Reply(wrong(_("the new node does not record `v` as its input (its parents), so backward() never "
                            "reaches `v`: its gradient stays 0.")))

    runs = [_Run(sigmoid, index) for index in range(len(PROBES))]
    alone = runs[0]
    expected_alone = _tape_probe(0)[1]["x"]
    if not _close(alone.gradients["x"], expected_alone):
        _diagnose_local_derivative(sigmoid, alone, out)
    for index, run in enumerate(runs):
        value, gradients = _tape_probe(index)
        wrong_inputs = [name for name in gradients if not _close(run.gradients[name], gradients[name])]
        if not wrong_inputs:
            continue
        for description, model in (
            (_("your backward rule passes on the local derivative alone: it leaves out the gradient arriving at the "
               "node from above (out.grad), the chain rule's other factor. Alone, sigmoid(x) has out.grad = 1, which "
               "hides it"), _model(out_grad=False)),
            (_("`{name}` is used twice here, and your backward rule overwrites its gradient (=) instead of adding to "
               "it: the contribution of the other use is lost").format(name=wrong_inputs[0]),
             _model(accumulate=False)),
        ):
            slip = _Run(model, index)
            if _close([run.gradients[n] for n in gradients], [slip.gradients[n] for n in gradients]):
                raise Reply(wrong(_("in {expression}: {description}.").format(expression=run.text,
                                                                              description=description)))
        raise Reply(wrong(_("in {expression} the gradient of {names} disagrees with tf.GradientTape, while "
                            "sigmoid(x) alone is right. Follow the gradient through your `_backward`: what does it "
                            "add, and to what?")
                          .format(expression=run.text, names=_listed(wrong_inputs, conjunction=False))))

    _check_extremes(sigmoid)
    cases = sum(len(run.gradients) for run in runs)
    return passed(_("`sigmoid` is one new node with its own backward rule. Its values and the {cases} gradients of "
                    "the check's {expressions} expressions (among them x * sigmoid(x), which uses x twice) agree with "
                    "tf.GradientTape, and it works at {low} and {high} too.")
                  .format(cases=cases, expressions=len(PROBES), low=f"{EXTREMES[0]:g}", high=f"{EXTREMES[1]:g}"))


def _check_extremes(sigmoid):
    """The learner's sigmoid at inputs where a naive e^(-z) or e^z overflows: value and slope, without an error."""
    from course_utils.autodiff import Value

    for z in EXTREMES:
        x = Value(z)
        try:
            with _quiet():
                out = sigmoid(x)
        except Exception as error:
            raise Reply(wrong(_("`sigmoid(Value({z}))` raised {kind}: {error}. {overflow}")
                              .format(z=f"{z:g}", kind=type(error).__name__, error=str(error)[:120],
                                      overflow=_overflow()))) from None
        if not isinstance(out, Value) or not _close(out.data, _sigmoid(z)):
            shown = out.data if isinstance(out, Value) else out
            raise Reply(wrong(_("`sigmoid(Value({z}))` gives {shown}, not the sigmoid of {z}. {overflow}")
                              .format(z=f"{z:g}", shown=f"{shown!r:.40}", overflow=_overflow())))
        try:
            with _quiet():
                out.backward()
        except Exception as error:
            raise Reply(wrong(_("at x = {z}, backward() raised {kind} in your `_backward`: {error}. The local "
                                "derivative overflows there: write it with the node's output, which is a number "
                                "between 0 and 1.").format(z=f"{z:g}", kind=type(error).__name__,
                                                           error=str(error)[:120]))) from None
        if not (isinstance(x.grad, (int, float)) and _close(x.grad, _sigmoid(z) * (1 - _sigmoid(z)))):
            raise Reply(wrong(_("at x = {z}, where the sigmoid is flat, your `_backward` gives x.grad = {grad}. The "
                                "local derivative overflows there: write it with the node's output, which is a "
                                "number between 0 and 1.").format(z=f"{z:g}", grad=f"{x.grad!r:.40}")))
def _slope(sigmoid, z):
    """x.grad for sigmoid(x) alone at x = z: the learner's local derivative there."""
    from course_utils.autodiff import Value

    x = Value(z)
    sigmoid(x).backward()
    return x.grad


@functools.lru_cache(maxsize=1)
def _default_backward():
    """The code of the engine's default ``_backward``, which passes nothing on."""
    from course_utils.autodiff import Value

    return Value(0.0)._backward.__code__


def _diagnose_local_derivative(sigmoid, alone, out):
    """sigmoid(x) alone is wrong: name the local derivative the learner wrote, if it is a known slip."""
    try:
        slopes = np.array([_slope(sigmoid, z) for z in POINTS], dtype=np.float64)
    except Exception:  # the learner's sigmoid fails elsewhere: no known slip to name
        slopes = np.full(len(POINTS), np.nan)
    right = np.array([_sigmoid(z) * (1 - _sigmoid(z)) for z in POINTS])
    shown = _("for sigmoid(x) alone, x.grad = {grad} at x = {x}").format(grad=f"{alone.gradients['x']:.6g}",
                                                                          x=PROBES[0][1]["x"])
    if _close(slopes, np.zeros(len(POINTS)), atol=1e-12):
        if getattr(out._backward, "__code__", None) is _default_backward():
            raise Reply(wrong(_("{shown}: backward() passed nothing to `v`. The new node's `_backward` is still the "
                                "engine's default, which does nothing: your backward rule is not attached to the "
                                "node.").format(shown=shown)))
        raise Reply(wrong(_("{shown}: your `_backward` adds 0 to `v.grad`, at every point the check tried. It must "
                            "pass the gradient on to the node's input, `v`: the local derivative times the gradient "
                            "arriving at the node. Is your local derivative written with the node's output, "
                            "`out.data` (a number between 0 and 1), and not with its gradient `out.grad`?")
                          .format(shown=shown)))
    for description, local in _wrong_derivatives().items():
        if _close(slopes, [local(z, _sigmoid(z)) for z in POINTS]):
            raise Reply(wrong(_("{shown}: the local derivative is {description}.")
                              .format(shown=shown, description=description)))
    if _close(slopes, -right):
        raise Reply(wrong(_("{shown}: the local derivative has the wrong sign (the sigmoid rises everywhere).")
                          .format(shown=shown)))
    for factor in (2.0, 0.5):
        if _close(slopes, factor * right):
            raise Reply(wrong(_("{shown}: the local derivative is off by a factor of {factor}.")
                              .format(shown=shown, factor=f"{factor:g}")))
    raise Reply(wrong(_("{shown}, which disagrees with tf.GradientTape: the local derivative (the factor your "
                        "`_backward` multiplies by) is not the sigmoid's. Differentiate 1 / (1 + e^(-z)) and write the "
                        "result with the node's output.").format(shown=shown)))


# --- ex2 and ex3: the planted bugs --------------------------------------------------------------------


def _network(sizes=TASK_SIZES, samples=TASK_SAMPLES, seed=CHECK_SEEDS[0]):
    """Random data X, Y and parameters [W1, b1, W2, b2, W3, b3] of a network with layer ``sizes``."""
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(samples, sizes[0])), rng.normal(size=(samples, sizes[-1]))
    parameters = []
    for inputs, outputs in zip(sizes[:-1], sizes[1:]):
        parameters += [rng.normal(size=(inputs, outputs)), rng.normal(size=outputs)]
    return X, Y, parameters


def _planted_backward(X, Y, W1, b1, W2, b2, W3, b3):
    """The check's own copy of the notebook's backward_buggy (the tests keep the two the same)."""
    A1 = np.tanh(X @ W1 + b1)
    A2 = np.tanh(A1 @ W2 + b2)
    Y_hat = A2 @ W3 + b3
    d_Y_hat = 2 * (Y_hat - Y) / Y.size
    dW3, db3 = A2.T @ d_Y_hat, d_Y_hat.sum(axis=0)
    d_Z2 = d_Y_hat @ W3.T
    dW2, db2 = A2.T @ d_Z2, d_Z2.sum(axis=0)
    d_Z1 = (d_Z2 @ W2.T) * (1 - A1**2)
    dW1, db1 = X.T @ d_Z1, d_Z1.sum(axis=0)
    return [dW1, db1, dW2, db2, dW3, db3]


#: The planted bugs, by name: what each leaves out or mixes up.
BUGS = ("no tanh derivative in d_Z2", "A2 for A1 in dW2")

def _tanh_slips():
    """Factors for tanh put back into d_Z2 that are not tanh's derivative, in terms of (Z2, A1, A2), and what the
    reply says of each."""
    return (
        (lambda Z2, A1, A2: 1 - Z2**2, _("your d_Z2 has a factor for tanh now, but written with the pre-activation "
                                         "Z2: tanh's derivative is written with the layer's output, A2, squared, as "
                                         "d_Z1's is with A1")),
        (lambda Z2, A1, A2: 1 - A2, _("your d_Z2 has a factor for tanh now, but not tanh's derivative: like d_Z1's, "
                                      "it is written with the layer's output, A2, squared")),
        (lambda Z2, A1, A2: 1 - A1**2, _("your d_Z2 has a factor for tanh now, but written with A1, the output of the "
                                         "layer below: each layer's factor is written with its own output")),
    )


def _backward_with(X, Y, parameters, bugs, tanh_factor=None):
    """The backward pass with some of the planted ``bugs`` (none: the right one), or with a wrong ``tanh_factor``
    of (Z2, A1, A2) in d_Z2."""
    W1, b1, W2, b2, W3, b3 = parameters
    A1 = np.tanh(X @ W1 + b1)
    Z2 = A1 @ W2 + b2
    A2 = np.tanh(Z2)
    d_Y_hat = 2 * (A2 @ W3 + b3 - Y) / Y.size
    factor = 1 - A2**2 if tanh_factor is None else tanh_factor(Z2, A1, A2)
    d_Z2 = d_Y_hat @ W3.T if BUGS[0] in bugs else (d_Y_hat @ W3.T) * factor
    d_Z1 = (d_Z2 @ W2.T) * (1 - A1**2)
    dW2 = (A2 if BUGS[1] in bugs else A1).T @ d_Z2
    return [X.T @ d_Z1, d_Z1.sum(axis=0), dW2, d_Z2.sum(axis=0), A2.T @ d_Y_hat, d_Y_hat.sum(axis=0)]


def _tape_network(X, Y, parameters):
    """The six gradients of the network's mean squared error by tf.GradientTape, in float64."""
    import tensorflow as tf

    variables = [tf.Variable(p, dtype=tf.float64) for p in parameters]
    W1, b1, W2, b2, W3, b3 = variables
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((tf.tanh(tf.tanh(X @ W1 + b1) @ W2 + b2) @ W3 + b3 - Y) ** 2)
    return [g.numpy() for g in tape.gradient(loss, variables)]


@functools.lru_cache(maxsize=1)
def _cases():
    """The check's networks, each (X, Y, parameters): two of the task's sizes, then one of other sizes."""
    return tuple([_network(TASK_SIZES, TASK_SAMPLES, seed) for seed in CHECK_SEEDS]
                 + [_network(OTHER_SIZES, OTHER_SAMPLES, CHECK_SEEDS[0] + 1)])


def _case(number):
    """What the check's network ``number`` is, for a reply."""
    if number < len(CHECK_SEEDS):
        return _("the task's network")
    return _("a network of other sizes ({inputs} inputs, two hidden layers of {units} units, {outputs} outputs, "
             "{samples} samples)").format(inputs=OTHER_SIZES[0], units=OTHER_SIZES[1], outputs=OTHER_SIZES[3],
                                          samples=OTHER_SAMPLES)


def _on(number, problem):
    """The reply ``problem``, said of the check's network ``number``."""
    # TRANSLATORS: {problem} is a whole reply, such as "every gradient of `backward_fixed` has the wrong sign."
    return _("on {case}, {problem}").format(case=_case(number), problem=problem)


def _only_on_other_sizes(number, reply):
    """The learner's function failed on the network of other sizes, after the task's: the reply says so."""
    problem = reply.feedback.message.removeprefix(wrong("").message)
    return wrong(_("right on the task's network, but on {case}: {problem}. Does your function use fixed sizes instead "
                   "of its arguments' shapes?").format(case=_case(number), problem=problem))


@functools.lru_cache(maxsize=None)
def _reference(number):
    """tf.GradientTape's gradients on the check's network ``number`` (computed once; copies are handed out)."""
    X, Y, parameters = _cases()[number]
    return tuple(_tape_network(X, Y, parameters))


def _relative(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


class _NoneGradients(Exception):
    """Some gradients are None: the caller says what that means for its function."""

    def __init__(self, names):
        super().__init__(names)
        self.names = names


def _gradients(result, shapes, name):
    """The six gradients a learner's function returned, as float64 arrays of the parameters' shapes, and the names
    of those that were in a lower precision (float32 or float16) before the conversion."""
    if result is None:
        raise Reply(wrong(_("`{name}` returned None: the function needs `return [dW1, db1, dW2, db2, dW3, db3]`.")
                          .format(name=name)))
    if isinstance(result, dict):
        keys = {str(k).lstrip("d") if str(k)[:2] in ("dW", "db") else str(k): v for k, v in result.items()}
        if set(keys) == set(PARAMETER_NAMES):
            result = [keys[n] for n in PARAMETER_NAMES]
        else:
            raise Reply(wrong(_("`{name}` returned a dict with keys {keys}; return a list of the six gradients, in "
                                "the order W1, b1, W2, b2, W3, b3.").format(name=name,
                                                                            keys=sorted(map(str, result))[:8])))
    if isinstance(result, types.GeneratorType):
        result = list(result)
    if not isinstance(result, (list, tuple)):
        raise Reply(wrong(_("`{name}` returned an object of type {kind}; it should return a list of the six "
                            "gradients, in the order W1, b1, W2, b2, W3, b3.")
                          .format(name=name, kind=type(result).__name__)))
    if len(result) != len(PARAMETER_NAMES):
        raise Reply(wrong(_("`{name}` returned {count} items; it should return the six gradients, in the order W1, "
                            "b1, W2, b2, W3, b3.").format(name=name, count=len(result))))
    missing = [n for n, g in zip(PARAMETER_NAMES, result) if g is None]
    if missing:
        raise _NoneGradients(missing)
    arrays, low_precision = [], []
    for parameter, gradient, shape in zip(PARAMETER_NAMES, result, shapes):
        values = as_numbers(gradient, f"d{parameter}")
        with contextlib.suppress(Exception):
            raw = gradient.numpy() if hasattr(gradient, "numpy") else gradient
            if np.asarray(raw).dtype in (np.float32, np.float16):
                low_precision.append(parameter)
        if values.shape != shape:
            if values.ndim == 2 and values.T.shape == shape:
                problem = _("the gradient of {parameter} that `{name}` returns has shape {shape}, the transpose of "
                            "{parameter}'s {expected}: a gradient has the shape of its parameter.")
            else:
                problem = _("the gradient of {parameter} that `{name}` returns has shape {shape}, but {parameter} has "
                            "shape {expected}: a gradient has the shape of its parameter.")
            problem = problem.format(parameter=parameter, name=name, shape=values.shape, expected=shape)
            if sorted(s for s in (np.shape(g) for g in result)) == sorted(shapes):
                problem = _("{problem} The order must be W1, b1, W2, b2, W3, b3.").format(problem=problem)
            raise Reply(wrong(problem))
        arrays.append(values)
    return arrays, low_precision


def _disagreeing(mine, reference, tolerance=AGREE):
    return [n for n, m, r in zip(PARAMETER_NAMES, mine, reference) if _relative(m, r) > tolerance]


def _bugs_left(mine, X, Y, parameters):
    """Which planted bugs the gradients still have, if they are exactly the planted ones (some or all), else None."""
    for bugs in (BUGS, BUGS[:1], BUGS[1:]):
        if not _disagreeing(mine, _backward_with(X, Y, parameters, bugs)):
            return bugs
    return None


def _listed(names, conjunction=True):
    """'`W1`, `b1` and `W2`' (without the ``conjunction``: '`W1`, `b1`, `W2`')."""
    names = [f"`{n}`" for n in names]
    listed = names[0]
    for name in names[1:-1] if conjunction else names[1:]:
        # TRANSLATORS: a list of names, one more added: "`W1`, `b1`" (a comma in English)
        listed = _("{first}, {second}").format(first=listed, second=name)
    if conjunction and len(names) > 1:
        # TRANSLATORS: a list of names, the last one added: "`W1`, `b1` and `W2`"
        listed = _("{first} and {last}").format(first=listed, last=names[-1])
    return listed


def _sentence(problem):
    """A reply's clause, ended as a sentence."""
    # TRANSLATORS: a clause of a reply, ended as a sentence (a full stop in English)
    return _("{problem}.").format(problem=problem)


def _in_float32(names):
    """'float32 arrays' or 'the gradient of `b1` in float32'."""
    if len(names) == len(PARAMETER_NAMES):
        return _("float32 arrays")
    one = len(names) == 1
    return (_("the gradient of {names} in float32") if one else _("the gradients of {names} in float32")).format(
        names=_listed(names))


def _which_disagree(off):
    """'the gradient of `W1` disagrees with tf.GradientTape; the gradients of `b1`, ... agree'."""
    one = len(off) == 1
    which = (_("the gradient of {names} disagrees with tf.GradientTape") if one
             else _("the gradients of {names} disagree with tf.GradientTape")).format(names=_listed(off))
    others = [n for n in PARAMETER_NAMES if n not in off]
    if not others:
        return which
    agree = (_("the gradient of {names} agrees") if len(others) == 1
             else _("the gradients of {names} agree")).format(names=_listed(others))
    return _("{disagree}; {agree}").format(disagree=which, agree=agree)


def _same_factor(mine, reference):
    """The factor c if every gradient is c times the reference (c not 1; 0 if every gradient is zero), else None."""
    if all(np.linalg.norm(m) <= 1e-12 * np.linalg.norm(r) for m, r in zip(mine, reference)):
        return 0.0
    ratios = [float(np.vdot(m, r) / np.vdot(r, r)) for m, r in zip(mine, reference)]
    c = ratios[0]
    if abs(c - 1) > 1e-6 and all(_relative(m, c * r) < AGREE for m, r in zip(mine, reference)):
        return c
    return None


def _run_network_function(function, name, X, Y, parameters):
    with _quiet():
        return call(function, X.copy(), Y.copy(), *[p.copy() for p in parameters], name=name)


def _order_of_magnitude(error):
    return f"1e{math.floor(math.log10(max(error, 1e-300))):d}"
# --- ex2: gradients_by_tape, from a Keras model, and wrong_gradients -----------------------------------

#: Names a function that builds or uses a Keras model cannot do without.
KERAS_MODEL_NAMES = ("Sequential", "Model", "Dense", "layers", "set_weights", "trainable_variables",
                     "trainable_weights")
#: Ways to put the given arrays into a model's weights.
SETS_WEIGHTS = ("set_weights", "assign", "Constant", "initializers", "set_value", "load_weights")

def _no_path():
    """Why tape.gradient gives None: the classic causes."""
    return _("tape.gradient gives None for a variable when the tape saw no path from it to the loss. The usual causes: "
             "the model called, or the loss computed, after the `with` block; model.predict or a NumPy function "
             "(np.mean, network_loss) inside it, which give NumPy arrays the tape cannot follow; or variables that "
             "are not the model's (ask for model.trainable_variables).")


def _in_float32_places():
    """Why float32 is not enough here, and where it comes from."""
    return _("some step runs in float32, Keras's default, where float64 agrees with the tape to about 1e-16 (and an "
             "error near 1e-7 would blur the reading of your gradient check). The arguments are float64: keep "
             "float64 to the end. The likely places: a layer or keras.Input without dtype=\"float64\"; a Keras loss "
             "object (or the one model.compile makes of loss=\"mse\"), which computes in float32 whatever the "
             "layers are unless it is given dtype=\"float64\" (or take the mean with keras.ops); or a cast of the "
             "result.")


def _builds_a_keras_model(function):
    """Whether the function builds or uses a Keras model; None if its code cannot be read."""
    import keras

    if not isinstance(getattr(function, "__code__", None), types.CodeType):
        return None
    names, objects = _code_names(function)
    return bool(names & set(KERAS_MODEL_NAMES)) or any(isinstance(o, keras.layers.Layer) for o in objects.values())


def _keras_error(message, function, number):
    """A learner's error while building or differentiating a Keras model: what it means."""
    from course_utils import nn

    text = message.removeprefix(wrong("").message).rstrip(".")
    if _uses(function, nn.Dense) and ("Dense" in text or "positional argument" in text or "keyword" in text):
        return _("{error}. `Dense` in this notebook is course_utils.nn.Dense (imported at the top), not Keras's "
                 "layer: write keras.layers.Dense.").format(error=text)
    if "'NoneType' object has no attribute 'numpy'" in text:
        return _("{error}, after tape.gradient gave None. {no_path}").format(error=text, no_path=_no_path())
    if "numpy.float64' object has no attribute '_id'" in text:
        return _("{error}. The loss handed to tape.gradient is a NumPy number, not a tensor: a NumPy function inside "
                 "the tape (np.mean, or network_loss, which uses NumPy) or model.predict (which returns NumPy) cuts "
                 "the tape's record. Call the model, model(X), and use TensorFlow's or keras.ops's operations.").format(
            error=text)
    if "numpy.ndarray' object has no attribute '_id'" in text:
        return _("{error}. tape.gradient was handed NumPy arrays: as the loss (a NumPy function or model.predict "
                 "inside the tape), or as what to differentiate with respect to. The tape follows the model's "
                 "variables, model.trainable_variables, not the arrays you copied into them.").format(error=text)
    if "object has no attribute '_id'" in text:
        return _("{error}. tape.gradient differentiates with respect to variables (tensors): ask for "
                 "model.trainable_variables.").format(error=text)
    if "expecting 0 weights" in text:
        return _("{error}. The model has no weights yet when set_weights runs: a Sequential without keras.Input "
                 "creates its weights only when it is first called or built.").format(error=text)
    if "not compatible with provided weight shape" in text:
        explained = _("{error}. set_weights takes the arrays in the order of model.weights: layer by layer, the "
                      "kernel (inputs x units, like W1), then the bias.").format(error=text)
        if number == len(CHECK_SEEDS):
            explained = _("{problem} It works on the task's network but not on one of other sizes: take the sizes "
                          "from the arrays passed in (W1.shape and so on), not fixed numbers.").format(
                problem=explained)
        return explained
    return None


def _check_gradients_by_tape(gradients_by_tape):
    import tensorflow as tf

    if gradients_by_tape is Ellipsis:
        raise Reply(not_yet("gradients_by_tape"))
    if callable(gradients_by_tape):
        _reject_the_checks_own_code(gradients_by_tape, "gradients_by_tape")
    keras_model = _builds_a_keras_model(gradients_by_tape) if callable(gradients_by_tape) else None
    worst = 0.0
    for number, (X, Y, parameters) in enumerate(_cases()):
        shapes = [p.shape for p in parameters]
        try:
            result = _run_network_function(gradients_by_tape, "gradients_by_tape", X, Y, parameters)
        except Reply as reply:
            if keras_model is False and not reply.feedback.message.startswith("📝"):
                break  # the learner's function is not the one asked for: say that first
            explained = _keras_error(reply.feedback.message, gradients_by_tape, number)
            if explained:
                raise Reply(wrong(explained)) from None
            if number == len(CHECK_SEEDS) and reply.feedback.message.startswith("❌"):
                raise Reply(_only_on_other_sizes(number, reply)) from None
            raise
        try:
            mine, low_precision = _gradients(result, shapes, "gradients_by_tape")
        except _NoneGradients as none:
            if keras_model is False:
                break
            problem = _("`gradients_by_tape` gives None for {names}. {no_path}").format(names=_listed(none.names),
                                                                                         no_path=_no_path())
            if _uses(gradients_by_tape, "predict"):
                problem = _("{problem} Here: model.predict returns NumPy; call the model itself.").format(
                    problem=problem)
            raise Reply(wrong(problem)) from None
        reference = _reference(number)
        if _bugs_left(mine, X, Y, parameters) == BUGS:
            raise Reply(wrong(_("`gradients_by_tape` gives backward_buggy's gradients, bugs included: compute them "
                                "with tf.GradientTape, on a Keras model.")))
        if keras_model is False:
            break
        off = _disagreeing(mine, reference)
        if not off:
            if low_precision:
                raise Reply(wrong(_("`gradients_by_tape` returns {what}: {why}").format(
                    what=_in_float32(low_precision), why=_in_float32_places())))
            worst = max([worst] + [_relative(m, r) for m, r in zip(mine, reference)])
            continue
        raise Reply(wrong(_on(number, _tape_disagrees(gradients_by_tape, mine, reference, off, Y))))
    if keras_model is False:
        raise Reply(wrong(_("`gradients_by_tape` does not build a Keras model. The exercise is to get the gradients "
                            "from a keras.Sequential holding the arrays passed in as its weights: the tape then "
                            "differentiates with respect to the model's variables, as Keras's train_step does.")))
    if _uses(gradients_by_tape, tf.GradientTape, "GradientTape") is False:
        raise Reply(wrong(_("`gradients_by_tape` gives the right gradients, but not with tf.GradientTape, which this "
                            "exercise is about: compute them with a tape.")))
    if worst > EXACT:
        raise Reply(wrong(_("`gradients_by_tape` agrees with the check's tf.GradientTape only to about {magnitude}: "
                            "{why}").format(magnitude=_order_of_magnitude(worst), why=_in_float32_places())))


def _tape_disagrees(gradients_by_tape, mine, reference, off, Y):
    """What is wrong with gradients that disagree with the check's tape (``off``: the names of those)."""
    factor = _same_factor(mine, reference)
    if factor == 0:
        return _("every gradient of `gradients_by_tape` is zero: the tape saw no path from the model's variables to "
                 "the loss.")
    if factor is not None and math.isclose(factor, len(Y), rel_tol=1e-4):
        return _("every gradient of `gradients_by_tape` is {factor} times too large, the number of samples: your loss "
                 "adds up the samples' errors (a sum, or a Keras loss with one value per sample, which tape.gradient "
                 "adds up), where network_loss takes their mean.").format(factor=len(Y))
    if factor is not None and math.isclose(factor, Y.size, rel_tol=1e-4):
        return _("every gradient of `gradients_by_tape` is {factor} times too large, the number of entries of Y: your "
                 "loss sums the squared errors, where network_loss takes their mean.").format(factor=Y.size)
    if factor is not None and math.isclose(factor, -1, rel_tol=1e-4):
        return _("every gradient of `gradients_by_tape` has the wrong sign.")
    if _uses(gradients_by_tape, *SETS_WEIGHTS) is False:
        return _("`gradients_by_tape` disagrees with the check's tf.GradientTape. Does your model hold the arrays "
                 "passed in? A new Keras model starts from random weights.")
    return (_("`gradients_by_tape` disagrees with the check's own tf.GradientTape on the gradient of {names}. Does "
              "your model compute exactly network_loss: the same layers, activations (tanh, tanh, none) and mean?")
            if len(off) == 1 else
            _("`gradients_by_tape` disagrees with the check's own tf.GradientTape on the gradients of {names}. Does "
              "your model compute exactly network_loss: the same layers, activations (tanh, tanh, none) and mean?")
            ).format(names=_listed(off))


#: The notebook's X_bug, Y_bug and bug_parameters come from this seed; the check keeps its own copy.
BUG_SEED = 4
#: CS231n's thresholds for a gradient check's relative error: below HAPPY the gradient agrees, above
#: PROBABLY_WRONG it is probably wrong (course_utils.gradcheck.CS231N_THRESHOLDS).
HAPPY, PROBABLY_WRONG = 1e-7, 1e-2


@functools.lru_cache(maxsize=1)
def _bug_errors():
    """The max relative errors of backward_buggy against the tape on the notebook's data, by name, and the numbers
    a learner gets by a known slip: the mean instead of the max, and the relative error of the whole arrays."""
    from course_utils.gradcheck import relative_error

    X, Y, parameters = _network(TASK_SIZES, TASK_SAMPLES, BUG_SEED)
    pairs = list(zip(PARAMETER_NAMES, _planted_backward(X, Y, *parameters), _tape_network(X, Y, parameters)))
    return {"max": {n: float(relative_error(h, t).max()) for n, h, t in pairs},
            "mean": {n: float(relative_error(h, t).mean()) for n, h, t in pairs},
            "whole": {n: _relative(h, t) for n, h, t in pairs}}


def _errors(errors):
    """The learner's errors as {name: number}, from a dict by name (or a list in the order W1, b1, ..., b3)."""
    if errors is Ellipsis:
        raise Reply(not_yet("errors"))
    if isinstance(errors, np.ndarray) and errors.shape == (len(PARAMETER_NAMES),) and errors.dtype.kind in "iuf":
        errors = errors.tolist()
    if isinstance(errors, (list, tuple)) and len(errors) == len(PARAMETER_NAMES) and not any(
            isinstance(e, str) for e in errors):
        errors = dict(zip(PARAMETER_NAMES, errors))
    if not isinstance(errors, dict):
        raise Reply(wrong(_("`errors` should be a dict by parameter name, {{\"W1\": ..., \"b1\": ..., ...}}, with the "
                            "max relative error of each gradient; not a {kind}.").format(kind=type(errors).__name__)))
    if not all(isinstance(key, str) for key in errors):
        raise Reply(wrong(_("the keys of `errors` should be the parameters' names as strings, \"W1\" to \"b3\".")))
    numbers = {}
    for key, value in errors.items():
        name = _normalised(key)
        if name not in PARAMETER_NAMES:
            raise Reply(wrong(_("`errors` has the key {key}, which is not a parameter of the network: the names are "
                                "{names}.").format(key=repr(key), names=", ".join(PARAMETER_NAMES))))
        shown = f'errors["{name}"]'
        if isinstance(value, str):
            raise Reply(wrong(_("`{shown}` is the text {value}: store the number itself, the max relative error, not "
                                "a verdict about it.").format(shown=shown, value=f"{value!r:.50}")))
        values = as_numbers(value, shown)
        if values.size != 1:
            raise Reply(wrong(_("`{shown}` holds {count} numbers, one per entry of the gradient: store the largest, "
                                "with `.max()`. One wrong entry is enough to make a gradient wrong.")
                              .format(shown=shown, count=values.size)))
        if values.item() < 0:
            raise Reply(wrong(_("`{shown}` is negative, but a relative error never is: |a - b| / (|a| + |b|).")
                              .format(shown=shown)))
        numbers[name] = values.item()
    missing = [n for n in PARAMETER_NAMES if n not in numbers]
    if missing:
        raise Reply(wrong(_("`errors` has no entry for {names}: give the max relative error of each of the six "
                            "gradients.").format(names=_listed(missing))))
    return numbers


def _same_errors(mine, theirs, rtol=1e-6):
    """Whether two sets of errors agree: both below 1e-7 (rounding, or a float32 or finite-difference reference) or
    within ``rtol`` (float64 and float32 work agree to about 1e-7; digits copied by hand do not)."""
    return all((mine[n] < HAPPY and theirs[n] < HAPPY) or math.isclose(mine[n], theirs[n], rel_tol=rtol)
               for n in PARAMETER_NAMES)


def _check_errors(errors):
    """The learner's errors against the check's own; a reply never says which entries are off, nor how many (that
    would tell the gradients that agree from those that do not)."""
    mine, computed = _errors(errors), _bug_errors()
    if _same_errors(mine, computed["max"]):
        return computed["max"]
    if all(e < HAPPY for e in mine.values()):
        raise Reply(wrong(_("all six of your errors are below 1e-7, as if both sides were the same gradients, but "
                            "backward_buggy has bugs. Compare backward_buggy's gradients with those of your "
                            "gradients_by_tape, both on X_bug, Y_bug and bug_parameters.")))
    if _same_errors(mine, computed["mean"]):
        raise Reply(wrong(_("your errors are the mean of each relative_error array: take the largest entry, "
                            "`.max()`. One wrong entry is enough to make a gradient wrong.")))
    if _same_errors(mine, computed["whole"]):
        raise Reply(wrong(_("your errors are relative errors of the whole arrays (their norms); the task asks for "
                            "`relative_error(by_hand, by_tape).max()`, entry by entry, as CS231n's thresholds "
                            "assume.")))
    if _same_errors(mine, computed["max"], rtol=1e-3):  # digits copied; narrow, or it would be an oracle
        raise Reply(wrong(_("your errors are close to the check's, but not within its tolerance: store the numbers "
                            "your code computes, not digits copied or rounded by hand.")))
    if np.allclose(sorted(mine.values()), sorted(computed["max"].values()), rtol=1e-6, atol=HAPPY):
        raise Reply(wrong(_("your errors are the right numbers, but under the wrong names: backward_buggy and "
                            "gradients_by_tape return the gradients in the order W1, b1, W2, b2, W3, b3.")))
    raise Reply(wrong(_("your errors do not match those the check computes with its own copies of backward_buggy, of "
                        "the tape and of X_bug, Y_bug and bug_parameters. Compute each as "
                        "`relative_error(by_hand, by_tape).max()`, with by_hand from backward_buggy and by_tape from "
                        "your gradients_by_tape, on the arrays of the cell above (run it again if you changed them), "
                        "and store the numbers your code computes, not copies.")))


def _names(wrong_gradients):
    """The parameter names in the learner's answer (a list, tuple, set, array of strings or one string)."""
    if wrong_gradients is Ellipsis:
        raise Reply(not_yet("wrong_gradients"))
    if isinstance(wrong_gradients, np.ndarray) and wrong_gradients.dtype.kind in "UO" and wrong_gradients.ndim == 1:
        wrong_gradients = wrong_gradients.tolist()
    if isinstance(wrong_gradients, str):
        wrong_gradients = [wrong_gradients]
    if isinstance(wrong_gradients, dict):
        raise Reply(wrong(_("`wrong_gradients` is a dict: give a list of names only, those of the parameters whose "
                            "gradients from backward_buggy are wrong (the dict of numbers is `errors`).")))
    if not isinstance(wrong_gradients, (list, tuple, set, frozenset)):
        raise Reply(wrong(_("`wrong_gradients` should be a list of parameter names, strings such as \"Wk\" or "
                            "\"bk\" (k the layer's number), not a {kind}.")
                          .format(kind=type(wrong_gradients).__name__)))
    if not all(isinstance(item, str) for item in wrong_gradients):
        raise Reply(wrong(_("`wrong_gradients` should hold the parameters' names as strings, such as \"Wk\" or "
                            "\"bk\" (k the layer's number).")))
    items = [part for item in wrong_gradients for part in re.split(r"[^A-Za-z0-9_]+", item)
             if part and part.lower() != "and"]  # "W1, b1" in one string, or inside the list
    names = {_normalised(item) for item in items}
    unknown = sorted(names - set(PARAMETER_NAMES))
    if unknown:
        raise Reply(wrong(_("{unknown} is not a parameter of the network: the names are {names}.")
                          .format(unknown=", ".join(map(repr, unknown)), names=", ".join(PARAMETER_NAMES))))
    return names


def _normalised(name):
    text = str(name).strip().strip("'\"")
    if len(text) == 3 and text[0] in "dD" and text[1] in "wWbB":
        text = text[1:]
    if len(text) == 2 and text[0] in "wWbB":
        text = {"w": "W", "b": "b"}[text[0].lower()] + text[1]
    return text


def _check_wrong_gradients(wrong_gradients, errors):
    """The names against the (verified) errors: the reply may name gradients, since the learner holds the numbers."""
    names = _names(wrong_gradients)
    agree = [n for n in PARAMETER_NAMES if n in names and errors[n] < HAPPY]
    missed = [n for n in PARAMETER_NAMES if n not in names and errors[n] > PROBABLY_WRONG]
    problems = []
    if agree:
        problems.append((_("your list holds {names}, but your errors put its gradient below 1e-7, CS231n's "
                           "\"happy\": it agrees with the tape") if len(agree) == 1 else
                         _("your list holds {names}, but your errors put their gradients below 1e-7, CS231n's "
                           "\"happy\": they agree with the tape")).format(names=_listed(agree)))
    if missed:
        problems.append((_("your errors put the gradient of {names} above 1e-2, \"probably wrong\", but your list "
                           "leaves it out") if len(missed) == 1 else
                         _("your errors put the gradients of {names} above 1e-2, \"probably wrong\", but your list "
                           "leaves them out")).format(names=_listed(missed)))
    if len(problems) == 2:
        raise Reply(wrong(_("{first}; and {second}.").format(first=problems[0], second=problems[1])))
    if problems:
        raise Reply(wrong(_sentence(problems[0])))


def _check_locate(gradients_by_tape, errors, wrong_gradients):
    """ex2: the learner's gradients_by_tape (run on the check's networks), the errors (against the check's own),
    then the names in wrong_gradients (against the errors). The list is read only once the errors are right."""
    _check_gradients_by_tape(gradients_by_tape)
    verified = _check_errors(errors)
    _check_wrong_gradients(wrong_gradients, verified)
    spoiled = [n for n in PARAMETER_NAMES if verified[n] > PROBABLY_WRONG]
    return passed(_("`gradients_by_tape` agrees with the check's tf.GradientTape on networks of two sizes, your "
                    "errors match the check's own, and the gradients of {names} are the wrong ones: a wrong error d_Z "
                    "spoils its own layer's gradients and, handed back, those of every layer below it.")
                  .format(names=_listed(spoiled)))
# --- ex3: backward_fixed --------------------------------------------------------------------------------


def _shortcut(backward_fixed):
    """What the learner's backward_fixed gets its gradients from instead of the backward pass by hand, if anything."""
    import tensorflow as tf

    from course_utils import gradcheck, nn

    shortcuts = (
        ("tf.GradientTape", (tf.GradientTape, "GradientTape", "ForwardAccumulator", "gradients_by_tape")),
        (_("finite differences"), (gradcheck.numerical_gradients, gradcheck.gradient_check, "numerical_gradients",
                                   "gradient_check", "approx_fprime")),
        (_("complex-step differentiation (the imaginary part of the loss)"), ("imag", "complex", "complex128")),
        ("course_utils.nn", (nn.Network, nn.Dense, "Network", "Dense")),
    )
    for description, things in shortcuts:
        if _uses(backward_fixed, *things):
            return description
    return None


def _check_fixed(backward_fixed):
    """ex3: the learner's backward_fixed, on the check's networks, against tf.GradientTape."""
    if backward_fixed is Ellipsis:
        raise Reply(not_yet("backward_fixed"))
    if callable(backward_fixed):
        _reject_the_checks_own_code(backward_fixed, "backward_fixed")
        shortcut = _shortcut(backward_fixed)
        if shortcut:
            raise Reply(wrong(_("`backward_fixed` gets its gradients from {shortcut}: the exercise is to fix the "
                                "backward pass written by hand, in NumPy.").format(shortcut=shortcut)))
    worst = 0.0
    for number, (X, Y, parameters) in enumerate(_cases()):
        shapes = [p.shape for p in parameters]
        try:
            result = _run_network_function(backward_fixed, "backward_fixed", X, Y, parameters)
        except Reply as reply:
            if number == len(CHECK_SEEDS) and reply.feedback.message.startswith("❌"):
                raise Reply(_only_on_other_sizes(number, reply)) from None
            raise
        try:
            mine, low_precision = _gradients(result, shapes, "backward_fixed")
        except _NoneGradients as none:
            raise Reply(wrong(_("`backward_fixed` returns None for {names}: return all six gradients as arrays.")
                              .format(names=_listed(none.names)))) from None
        reference = _reference(number)
        off = _disagreeing(mine, reference)
        if not off:
            if low_precision:
                raise Reply(wrong(_("`backward_fixed` returns {what}. The arguments are float64: keep their float64, "
                                    "in which a backward pass by hand agrees with the tape to about 1e-16.")
                                  .format(what=_in_float32(low_precision))))
            worst = max([worst] + [_relative(m, r) for m, r in zip(mine, reference)])
            continue
        problem = _fix_disagrees(mine, reference, off, X, Y, parameters)
        raise Reply(wrong(_on(number, problem) if number == len(CHECK_SEEDS) else problem))
    if worst > EXACT:
        raise Reply(wrong(_("`backward_fixed`'s gradients are close to tf.GradientTape's, with relative errors up to "
                            "about {magnitude}, but a backward pass by hand in float64 agrees with the tape up to "
                            "rounding, about 1e-16. Finite differences give errors like yours (they are not accepted "
                            "here), and so does a step computed in float32.")
                          .format(magnitude=_order_of_magnitude(worst))))
    return passed(_("`backward_fixed` agrees with tf.GradientTape for all six gradients, on networks of two sizes."))


def _fix_disagrees(mine, reference, off, X, Y, parameters):
    """What is wrong with backward_fixed's gradients that disagree with the tape (``off``: the names of those).

    The reply names the gradients that disagree only when they are not the very ones of backward_buggy: those are
    exercise 2's answer."""
    if set(off) == set(_disagreeing(_planted_backward(X, Y, *parameters), reference)):  # exercise 2's answer
        which = _("the gradients that disagree with tf.GradientTape are the very ones of backward_buggy")
    else:
        which = _which_disagree(off)
    bugs = _bugs_left(mine, X, Y, parameters)
    if bugs == BUGS:
        return _("`backward_fixed` returns exactly backward_buggy's gradients: the bugs are still there. Start from "
                 "the gradients you found wrong in exercise 2.")
    if bugs:
        return _("{which}. You fixed one of backward_buggy's bugs; another is left.").format(which=which)
    for tanh_factor, description in _tanh_slips():
        for bugs in ((), BUGS[1:]):
            if not _disagreeing(mine, _backward_with(X, Y, parameters, bugs, tanh_factor)):
                slip = description[:1].upper() + description[1:]
                return (_("{which}. {slip}. Another of backward_buggy's bugs is left, too.") if bugs
                        else _("{which}. {slip}.")).format(which=which, slip=slip)
    factor = _same_factor(mine, reference)
    if factor == 0:
        return _("every gradient `backward_fixed` returns is zero.")
    if factor is not None and math.isclose(factor, -1, rel_tol=1e-4):
        return _("every gradient of `backward_fixed` has the wrong sign.")
    if factor is not None:
        return _("every gradient of `backward_fixed` is off by the same factor: look at the error at the output, "
                 "which all of them share.")
    return _sentence(which)


ex1 = Exercise(
    "ex1", "backprop", _check_sigmoid,
    hints=[
        N_("A new operation is a new node of the graph. What does a node store in the forward pass, and what does "
           "its backward rule multiply together before passing a gradient on? The engine's tanh has a rule that "
           "reuses its own output: look for the same in the sigmoid's derivative. And think of z = -800: which "
           "intermediate number would be too large for a float?"),
        N_("Forward: compute the sigmoid's value from `v.data` with `math.exp`, and make a new Value of it whose "
           "parents are `(v,)`, a node with one input. For z < 0, write the sigmoid as e^z / (1 + e^z), the same "
           "number, so that e is never raised to a large positive power. Backward: define a function `_backward()` "
           "that adds the local derivative times the node's own gradient, `out.grad`, to `v.grad`, and attach it to "
           "the new node, as `_binary` does (section 1). For the local derivative, differentiate 1 / (1 + e^(-z)) and "
           "write the result with the sigmoid's value."),
        N_("The derivative of s = 1 / (1 + e^(-z)) is e^(-z) / (1 + e^(-z))^2, which equals s * (1 - s)."),
    ],
)

ex2 = Exercise(
    "ex2", "backprop", _check_locate,
    hints=[
        N_("What does a freshly built Keras model hold as its weights, and in which dtype does Keras compute unless "
           "told otherwise? Then compare the gradients parameter by parameter, not all at once: a wrong gradient on "
           "one line can spoil gradients computed on other lines."),
        N_("gradients_by_tape: a keras.Sequential of keras.Input and three keras.layers.Dense (tanh, tanh, no "
           "activation), each with dtype=\"float64\" and its size read off the arrays' shapes; model.set_weights with "
           "the six arrays; inside `with tf.GradientTape() as tape:` call model(X) and take the mean squared error "
           "with keras.ops or tf; then tape.gradient(loss, model.trainable_variables) and `.numpy()`. Then zip the "
           "six names with the gradients of backward_buggy and of gradients_by_tape on X_bug, Y_bug, bug_parameters, "
           "and build the dict `errors` of relative_error(by_hand, by_tape).max() by name; read each error with "
           "relative_error_verdict, and list the names whose error is above 1e-2."),
    ],
)

ex3 = Exercise(
    "ex3", "backprop", _check_fixed,
    hints=[
        N_("Start at the output and go back: find the first gradient that disagrees. A gradient that agrees almost "
           "certainly means that everything it is made of is right. And check all six again after every fix: one bug "
           "can hide another."),
        N_("A layer's error d_Z is the error handed back from the layer above, times the derivative of the layer's "
           "own activation; its weight gradient is its input times d_Z, and its bias gradient is d_Z summed over the "
           "samples. Where a layer's bias gradient agrees but its weight gradient does not, the error is right and "
           "the input is wrong. Compare each line of backward_buggy with section 2's backward pass, factor by factor."),
    ],
)
