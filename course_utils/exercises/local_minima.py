"""03 · Local minima and random initialisation: the exercises of notebooks/03_local_minima.ipynb.

- ex1, restarts for 99 %: a whole number of random starts, judged against this module's own share and target.
- ex2, an initialiser for a deep stack: the learner's ``initializer_for(activation)``, run through Keras stacks of
  sizes the learner has not seen, tanh and ReLU.
- ex3, a Hessian with TensorFlow and the kind of a critical point: the learner's ``tf_hessian(function, point)``,
  called on functions the learner has not seen, and ``kind_of_point(hessian_matrix)``, on Hessians the learner has
  not seen.
"""

import random
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from course_utils.checks import Exercise, Reply, as_numbers, call, passed, wrong

# --- Exercise 1: how many restarts for 99 %? ------------------------------------------------------------

#: The task's data: one random start lands in the global basin with this probability (section 2) ...
p_global = 0.25
#: ... and the chance wanted that at least one start does.
target = 0.99


def _chance(starts, share=p_global):
    return 1 - (1 - share) ** starts


def _fewest_starts(goal, share=p_global):
    starts = 1
    while _chance(starts, share) < goal:
        starts += 1
    return starts


def _check_restarts(starts_needed):
    name = "starts_needed"
    value = as_numbers(starts_needed, name)
    if value.size != 1:
        raise Reply(wrong(f"`{name}` should be one whole number, but it has shape {value.shape}."))
    value = float(value.reshape(()))
    if not value.is_integer():
        return wrong(f"`{name}` = {value:.10g} is not a whole number. Starts come whole: which whole number of "
                     "starts is the smallest that reaches the target?")
    starts, needed = int(value), _fewest_starts(target)
    if starts > 10**6:
        return wrong(f"`{name}` = {value:.3g} starts reach the target, but far fewer would too: the question asks "
                     "for the smallest number that does.")
    if starts <= 0:
        return wrong(f"`{name}` = {starts}: without a start, nothing is found. Count the starts, at least one.")
    chance = _chance(starts)
    if starts == needed:
        return passed(f"{name} = {starts}. With {starts} starts the chance is {chance:.5f}; with {starts - 1} it is "
                      f"{_chance(starts - 1):.5f}, just short of {target}: the last percent costs the most starts.")
    if starts == needed - 1:
        return wrong(f"`{name}` = {starts} falls just short: with {starts} starts the chance is {chance:.5f}, "
                     f"still below {target}. The question asks for the smallest number that reaches the target.")
    if starts == 1:
        return wrong(f"`{name}` = 1: one start succeeds only with the chance of a single start, {p_global}.")
    if starts == round(1 / p_global):
        return wrong(f"`{name}` = {starts}: with {starts} starts the chance is only {chance:.3f}. {starts} is what "
                     f"adding the starts' chances gives ({starts} × {p_global} ≈ 1), or the average number of "
                     "starts until the first success. But the chances of starts that can succeed together do not "
                     "add up, and an average wait is not a 99 % guarantee.")
    if starts == _fewest_starts(0.9):
        return wrong(f"`{name}` = {starts}: with {starts} starts the chance is {chance:.3f}. That is enough for "
                     f"90 %; the target is {target}.")
    if starts < needed:
        return wrong(f"`{name}` = {starts}: too few. With {starts} starts the chance is {chance:.3f}, below "
                     f"{target}.")
    return wrong(f"`{name}` = {starts} starts reach the target, but fewer would too: the question asks for the "
                 "smallest number that does.")


ex1 = Exercise(
    "ex1", "local_minima", _check_restarts,
    hints=[
        "Turn the question around: instead of the chance that at least one start succeeds, think about the chance "
        "that every start fails. How small must that be?",
        "The starts are independent, so the chance that all k fail is the chance that one fails, to the power k. "
        "Find the smallest whole k for which it is at most 1 − target: with logarithms (then think about which way "
        "to round), or by trying k = 1, 2, 3, ... in a loop.",
    ],
)

# --- Exercise 2: an initialiser that keeps a deep stack alive -----------------------------------------

#: The check's stacks, (activation, width, depth): sizes the learner did not see (section 6 used 10 layers of 256).
STACKS = (("tanh", 96, 14), ("tanh", 320, 10), ("relu", 128, 14), ("relu", 288, 10))
BATCH = 128
#: The healthy band: the spread of the last layer's activations (the inputs have spread 1) ...
SPREAD_BAND = {"tanh": (0.08, 1.0), "relu": (0.1, 10.0)}
#: ... at most this share of tanh units saturated (beyond ±0.99) ...
SATURATED_AT_MOST = 0.3
#: ... and the first layer's weight gradient within this factor of the last layer's.
GRADIENT_RATIO_BAND = (0.1, 10.0)
ACTIVATION_NAMES = {"tanh", "relu", "sigmoid", "linear", "softmax", "elu", "selu", "gelu", "swish", "silu"}


@dataclass
class StackReading:
    """What one deep stack shows: the spread and saturation of its last layer's activations, and the gradient sizes
    of its first and last kernels, for a stand-in loss whose error signal at the output has a fixed size (as in
    section 6)."""

    activation: str
    width: int
    depth: int
    spread: float
    saturated: float
    first_gradient: float
    last_gradient: float

    @property
    def gradient_ratio(self):
        return self.first_gradient / self.last_gradient if self.last_gradient > 0 else float("nan")


def through_stack(make_initializer, activation, width, depth, batch=BATCH):
    """Push a fixed batch of normal inputs through ``depth`` Keras Dense layers of ``width`` units whose kernels
    come from ``make_initializer()``; return a :class:`StackReading`."""
    rng = np.random.default_rng([width, depth])
    inputs = tf.constant(rng.normal(size=(batch, width)).astype("float32"))
    output_signal = tf.constant(rng.normal(size=(batch, width)).astype("float32"))  # d loss / d output, fixed
    layers = [keras.layers.Dense(width, activation=activation, kernel_initializer=make_initializer())
              for _ in range(depth)]
    with tf.GradientTape() as tape:
        signal = inputs
        for layer in layers:
            signal = layer(signal)
        loss = tf.reduce_mean(signal * output_signal)
    first, last = (float(tf.norm(g)) if g is not None else 0.0
                   for g in tape.gradient(loss, [layers[0].kernel, layers[-1].kernel]))
    return StackReading(activation, width, depth, spread=float(tf.math.reduce_std(signal)),
                        saturated=float(tf.reduce_mean(tf.cast(tf.abs(signal) > 0.99, tf.float32))),
                        first_gradient=first, last_gradient=last)


def _returned(initializer_for, activation):
    initializer = call(initializer_for, activation, name="initializer_for")
    label = f'initializer_for("{activation}")'
    if initializer is None:
        raise Reply(wrong(f"`{label}` returned None. A function without `return` gives None (and Keras would then "
                          "quietly use its default): return the initializer."))
    if isinstance(initializer, str) and initializer.strip().lower() in ACTIVATION_NAMES:
        raise Reply(wrong(f"`{label}` returned {initializer!r}, the name of an activation. The function should "
                          "return an initializer: the rule that draws a layer's first weights."))
    if isinstance(initializer, (bool, int, float, complex, np.number)):
        raise Reply(wrong(f"`{label}` returned the number {initializer!r}. Keras needs an initializer (a name, or "
                          "an object from keras.initializers); a scale is an argument of one."))
    return initializer


def _kernel(initializer_for, activation, width):
    """A kernel of a width x width Dense layer, drawn as Dense draws it from what the learner returned."""
    initializer = _returned(initializer_for, activation)
    try:
        layer = keras.layers.Dense(width, kernel_initializer=initializer)
        layer.build((None, width))
        return layer.kernel.numpy().astype(np.float64)
    except Exception as error:
        raise Reply(wrong(f'Keras could not build a Dense layer with kernel_initializer = what `initializer_for'
                          f'("{activation}")` returned ({initializer!r:.60}): {type(error).__name__}: '
                          f"{str(error)[:200]}")) from None


def _symmetry_problem(kernel):
    if np.all(kernel == 0):
        return ("every weight starts at 0: no signal passes (the spread is 0 after the first layer), no gradient "
                "reaches the earlier layers, and the units of a layer stay copies of one another (section 5)")
    if np.all(kernel == kernel[:, :1]):
        return ("every unit of a layer starts with the same weights: the units compute the same thing, get the same "
                "gradient and stay copies of one another (section 5); the weights must differ")
    if np.allclose(kernel, np.eye(len(kernel)) * kernel[0, 0]):
        return ("the weights form an identity matrix: nothing random, each unit just passes on one input; "
                "the units of a layer must start different and random (section 5)")
    return None


def _gain(kernel):
    """The kernel's standard deviation times the square root of its fan-in: about 1 for Glorot's scale on a square
    layer, about 1.4 for He's, whatever the width; a fixed standard deviation gives a gain that grows with the width."""
    return float(np.std(kernel) * np.sqrt(kernel.shape[0]))


def _times(factor):
    return f"{factor:.2g}" if 0.01 <= factor < 1000 else f"{factor:.0e}"


def _reading_problem(reading, fixed_scale):
    """What is wrong with one stack, in words (None if it is healthy)."""
    low, high = SPREAD_BAND[reading.activation]
    ratio = reading.gradient_ratio
    where = f"after {reading.depth} {reading.activation} layers of {reading.width} units"
    if reading.activation == "tanh" and reading.saturated > SATURATED_AT_MOST:
        return (f"the weights are too large: {reading.saturated:.0%} of the units are saturated (beyond ±0.99) "
                f"{where}, and the first layer's gradient is {_times(ratio)} times the last layer's")
    if reading.spread > high:
        return (f"the signal explodes: its spread grows from 1 to {reading.spread:.1e} {where}: the weights are too "
                "large")
    if reading.spread < low:
        if reading.activation == "relu" and not fixed_scale:
            return (f"the signal fades: its spread falls from 1 to {reading.spread:.1e} {where}. ReLU sets about "
                    "half of its inputs to zero, so it loses part of the signal at every layer unless the weights "
                    "make up for it")
        return (f"the signal vanishes: its spread falls from 1 to {reading.spread:.1e} {where}: the weights are too "
                "small for layers of this width")
    if not GRADIENT_RATIO_BAND[0] <= ratio <= GRADIENT_RATIO_BAND[1]:
        kind = "exploding" if ratio > 1 else "vanishing"
        return (f"the first layer's weight gradient is {_times(ratio)} times the last layer's {where} ({kind} "
                "gradients): the weights are too " + ("large" if ratio > 1 else "small"))
    return None


def _check_initializer(initializer_for):
    for activation in ("tanh", "relu"):
        _returned(initializer_for, activation)
    state = random.getstate()  # unseeded Keras initializers draw their seeds from Python's random
    random.seed(3)
    problems, fixed, gains = {}, [], {}
    try:
        for activation in ("tanh", "relu"):
            stacks = [stack for stack in STACKS if stack[0] == activation]
            kernels = [_kernel(initializer_for, activation, width) for _, width, _ in stacks]
            gains[activation] = [_gain(kernel) for kernel in kernels]
            problem = _symmetry_problem(kernels[0])
            if problem is None and max(gains[activation]) > 1.35 * min(gains[activation]):
                fixed.append(activation)  # the same weights' size at every width
            for _, width, depth in stacks if problem is None else ():
                reading = through_stack(lambda: call(initializer_for, activation, name="initializer_for"),
                                        activation, width, depth)
                problem = _reading_problem(reading, activation in fixed)
                if problem:
                    break
            if problem:
                problems[activation] = problem
    except Reply:
        raise
    except Exception as error:
        raise Reply(wrong(f"Keras could not build the check's deep stacks with what `initializer_for` returned: "
                          f"{type(error).__name__}: {str(error)[:200]}")) from None
    finally:
        random.setstate(state)
    if problems or fixed:
        texts = list(problems.values())
        if len(texts) == 2 and texts[0].replace("tanh", "relu") == texts[1]:
            message = f"tanh and relu: {texts[1].replace(' relu layers', ' layers')}."
        else:
            message = " ".join(f"{activation}: {text}." for activation, text in problems.items())
        if fixed:
            message += (f" Your {' and '.join(fixed)} weights have the same size whatever the layer's width: they do "
                        "not follow the number of inputs each unit adds up, so no single size suits layers of every "
                        "width.")
        return wrong(message.strip())
    note = (" For tanh your weights are larger than Glorot's, the usual choice for tanh: the spread stays alive, but "
            "the gradient already grows on its way back to the first layer, and more so in deeper stacks."
            if min(gains["tanh"]) > 1.25 else "")
    return passed("initializer_for keeps the signal alive through the check's own stacks (10 to 14 Dense layers of "
                  "96 to 320 units, tanh and ReLU): the spread at the last layer stays in the healthy band, and the "
                  "first layer's gradient is within a factor of 10 of the last layer's." + note)


ex2 = Exercise(
    "ex2", "local_minima", _check_initializer,
    hints=[
        "Look again at section 6: which initialiser kept the spread alive for tanh, and which for ReLU? And your "
        "function must suit layers of any width, not only 256.",
        "Return an initializer whose variance follows the number of inputs of the layer (its fan-in): the Glorot "
        "family for tanh, the He family, with twice the variance, for ReLU, because ReLU zeroes half of its "
        "inputs. A name (a string) or an object from keras.initializers both work as kernel_initializer.",
    ],
)

# --- Exercise 3: a Hessian with TensorFlow, and the kind of a critical point -----------------------------


def camel_tf(x):
    """The six-hump camel of section 4, written so that TensorFlow can differentiate it: x is a vector (x0, x1)."""
    return (4 - 2.1 * x[0] ** 2 + x[0] ** 4 / 3) * x[0] ** 2 + x[0] * x[1] + (-4 + 4 * x[1] ** 2) * x[1] ** 2


def bump_tf(x):
    """A bump in three variables: cos(x0) cos(x1) - x2²."""
    return tf.cos(x[0]) * tf.cos(x[1]) - x[2] ** 2


#: Functions to try your code on, each with a critical point (its gradient is zero there). The check uses others.
examples = {
    "the camel's centre (section 4)": (camel_tf, np.array([0.0, 0.0])),
    "a global minimum of the camel": (camel_tf, np.array([0.0898420131, -0.7126564030])),
    "the top of a 3-D bump": (bump_tf, np.array([0.0, 0.0, 0.0])),
}

#: The check's functions for tf_hessian: (description, function, critical point).
HESSIAN_CASES = (
    ("f(x) = x0² + 3 x0 x1 + x1² at (0, 0)", lambda x: x[0] ** 2 + 3 * x[0] * x[1] + x[1] ** 2, (0.0, 0.0)),
    ("f(x) = −x0² − x1² + x2² + sin(x0 x2) at (0, 0, 0)",
     lambda x: -x[0] ** 2 - x[1] ** 2 + x[2] ** 2 + tf.sin(x[0] * x[2]), (0.0, 0.0, 0.0)),
    ("the camel at (1.230229876517, 0.162334584459)", camel_tf, (1.230229876517, 0.162334584459)),
)

#: The check's Hessians for kind_of_point: symmetric matrices, each the Hessian at a critical point.
KIND_CASES = tuple(np.array(matrix, dtype=np.float64) for matrix in (
    [[2, 3], [3, 2]],
    [[-2, -1, 0], [-1, -2, -1], [0, -1, -2]],
    [[-2, 0, 1], [0, -2, 0], [1, 0, 2]],
    [[1, 0], [0, 2]],
    [[802, -400], [-400, 200]],  # Rosenbrock's valley at its minimum (1, 1)
    [[-2, -1], [-1, -4]],
    [[2.2, 0.8, 1.3, -0.3], [0.8, 2.2, -0.3, 1.3], [1.3, -0.3, 2.2, 0.8], [-0.3, 1.3, 0.8, 2.2]],  # 4, 3, 2, -0.2
    [[-7.2336, 1], [1, -6.7351]],  # the camel at one of its two maxima
    [[1, 0.5], [0.5, -3]],
))
KINDS = ("minimum", "maximum", "saddle")


def reference_hessian(function, point):
    """The check's own Hessian: two nested tapes in float64, one gradient per row."""
    x = tf.Variable(np.asarray(point, dtype=np.float64))
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        rows = tf.unstack(inner.gradient(value, x))
    return np.stack([outer.gradient(row, x).numpy() for row in rows])


def _kind(eigenvalues):
    return "minimum" if np.all(eigenvalues > 0) else "maximum" if np.all(eigenvalues < 0) else "saddle"


def true_kind(matrix):
    """The kind of critical point whose Hessian is ``matrix``: the signs of its eigenvalues."""
    return _kind(np.linalg.eigvalsh(matrix))


#: Rules that learners use instead of the eigenvalues, each as a function of the Hessian.
WRONG_RULES = {
    "diagonal": lambda h: _kind(np.diag(h)),
    "determinant": lambda h: "saddle" if np.linalg.det(h) < 0 else "minimum" if h[0, 0] > 0 else "maximum",
    "determinant sign": lambda h: "saddle" if np.linalg.det(h) < 0 else "minimum",
    "trace": lambda h: "minimum" if np.trace(h) > 0 else "maximum",
    "first entry": lambda h: "minimum" if h[0, 0] > 0 else "maximum",
    "swapped": lambda h: {"minimum": "maximum", "maximum": "minimum", "saddle": "saddle"}[true_kind(h)],
}


class _Watched:
    """The check's function, counting how the learner's code calls it, and where (finite differences move away from
    the point; a tape does not)."""

    def __init__(self, function, point):
        self.function, self.point = function, np.asarray(point, dtype=np.float64)
        self.calls, self.tensor_calls, self.moved = 0, 0, 0

    def __call__(self, x):
        self.calls += 1
        if tf.is_tensor(x) or isinstance(x, tf.Variable):
            self.tensor_calls += 1
        try:
            where = np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=np.float64)
            at_point = (np.allclose(where, self.point, rtol=0, atol=1e-12)
                        or np.array_equal(where, self.point.astype(np.float32)))  # the point in float32 is fine
            if where.shape == self.point.shape and not at_point:
                self.moved += 1
        except Exception:  # a symbolic tensor (inside tf.function) has no value to compare
            pass
        return self.function(x)


_REFERENCE = {}


def _reference(index):
    if index not in _REFERENCE:
        _, function, point = HESSIAN_CASES[index]
        _REFERENCE[index] = reference_hessian(function, point)
    return _REFERENCE[index]


_NONE = ("`tf_hessian` returned None. Either the function has no `return`, or a tape recorded nothing: "
         "`tape.gradient` and `tape.jacobian` give None when the outer tape did not record how the first gradient "
         "(and any slice of it) was computed from the point (compute them inside the outer `with` block), or when no "
         "tape watched the point (make it a `tf.Variable`, or call `tape.watch`).")


def _show(matrix):
    return np.array2string(np.asarray(matrix), separator=", ", precision=4, suppress_small=True).replace("\n", "")


def _learner_hessian(tf_hessian, index):
    description, function, point = HESSIAN_CASES[index]
    watched = _Watched(function, point)
    try:
        result = call(tf_hessian, watched, np.array(point), name="tf_hessian")
    except Reply as reply:
        message = reply.feedback.message
        said = message.split(": ", 1)[1] if message.startswith("❌") else None
        if said and ("None" in message or "NoneType" in message):
            raise Reply(wrong(f"{said} A None inside the tape usually means that no tape watched the point (make it "
                              "a `tf.Variable`, or `tape.watch` it), or that the first gradient was computed outside "
                              "the outer tape's `with` block.")) from None
        if said and "non-persistent" in message:
            raise Reply(wrong(f"{said} A tape gives one set of gradients unless it is created with persistent=True: "
                              "take the first gradient with an inner tape and the second with an outer one, and "
                              "make a tape persistent if it must give several gradients (or use its jacobian)."))
        if said and ("tf.gradients" in message or "eager" in message):
            raise Reply(wrong(f"{said} tf.gradients and tf.hessians belong to TensorFlow 1's graphs; in eager "
                              "TensorFlow use GradientTape.")) from None
        raise
    if result is None:
        raise Reply(wrong(_NONE))
    if callable(result) and not hasattr(result, "numpy"):
        raise Reply(wrong("`tf_hessian` returned a function; it should return the matrix of second derivatives."))
    if isinstance(result, (list, tuple)) and any(row is None for row in result):
        raise Reply(wrong(_NONE.replace("returned None.", "returned rows that are None.")))
    values = as_numbers(result, "tf_hessian(...)")
    if watched.calls == 0:
        raise Reply(wrong("`tf_hessian` never called the function it was given: it must differentiate its "
                          "argument `function`, whatever that is, not a function of the notebook."))
    expected, n = _reference(index), len(point)
    squeezed = values.squeeze() if values.size > 1 else values.reshape(-1)
    scale = max(1.0, float(np.abs(expected).max()))

    def close(a, b):
        return bool(np.allclose(a, b, rtol=1e-4, atol=1e-4 * scale))

    where = f"for {description}"
    if squeezed.shape == (n,):
        if close(squeezed, 0):
            raise Reply(wrong(f"`tf_hessian` gives {n} numbers, all about 0, {where}: that looks like the gradient "
                              "(the first derivatives, zero at a critical point). The Hessian holds the second "
                              f"derivatives: {n} × {n} of them."))
        if close(squeezed, expected.sum(axis=0)):
            raise Reply(wrong(f"`tf_hessian` gives {n} numbers {where}, the sums of the Hessian's rows: "
                              "`tape.gradient` of a vector returns the gradient of the *sum* of its entries. Use "
                              "`tape.jacobian`, or one gradient per entry."))
    if squeezed.shape != (n, n):
        raise Reply(wrong(f"`tf_hessian` returned shape {values.shape} {where}; a function of {n} variables has "
                          f"{n} × {n} second derivatives."))
    if not close(squeezed, expected):
        if close(squeezed, np.diag(np.diag(expected))):
            raise Reply(wrong(f"`tf_hessian` has only the diagonal right {where}: the mixed second derivatives "
                              "(row i, column j ≠ i) are missing."))
        if close(squeezed, -expected):
            raise Reply(wrong(f"`tf_hessian` has the wrong sign {where}."))
        differ = int(np.sum(~np.isclose(squeezed, expected, rtol=1e-4, atol=1e-4 * scale)))
        raise Reply(wrong(f"`tf_hessian` is not the matrix of second derivatives {where}: {differ} of its {n * n} "
                          "entries differ."))
    if watched.moved or watched.tensor_calls == 0:
        how = ("evaluates the function at points near `point`" if watched.moved
               else "never passes a TensorFlow tensor to the function")
        raise Reply(wrong(f"`tf_hessian` gives the right numbers, but it {how}: that is finite differences, as in "
                          "section 7. The exercise asks for two nested GradientTapes, which differentiate exactly at "
                          "the point itself."))


def _kind_word(answer, matrix):
    if not isinstance(answer, str):
        if answer is None:
            raise Reply(wrong("`kind_of_point` returned None: a function without `return` gives None."))
        raise Reply(wrong(f"`kind_of_point` returned a {type(answer).__name__} for the Hessian {_show(matrix)}; it "
                          "should return one of the words 'minimum', 'maximum' or 'saddle'."))
    word = answer.strip().lower().replace("local ", "").replace(" point", "")
    word = {"min": "minimum", "max": "maximum"}.get(word, word)
    if word not in KINDS:
        raise Reply(wrong(f"`kind_of_point` returned {answer!r:.40} for the Hessian {_show(matrix)}; it should "
                          "return one of the words 'minimum', 'maximum' or 'saddle'."))
    return word


def _rule_message(rule, kinds, truth):
    first = next(i for i in range(len(kinds)) if kinds[i] != truth[i])
    matrix = _show(KIND_CASES[first])
    if rule == "diagonal":
        return ("your kinds follow the signs of the diagonal entries alone. The mixed second derivatives count too: "
                f"for the Hessian {matrix} the diagonal says {kinds[first]!r}, but the function curves the other way "
                "along a slanted direction. The curvatures along the eigenvectors decide.")
    if rule in ("determinant", "determinant sign"):
        return ("your kinds follow the sign of the determinant (the product of the curvatures). That test works for "
                f"two variables only: for the Hessian {matrix} the product's sign does not tell the kind.")
    if rule == "first entry":
        return ("your kinds follow the sign of the first entry alone, the curvature along the first axis. The other "
                f"directions count too: for the Hessian {matrix} another direction curves the other way. The "
                "curvatures along the eigenvectors decide.")
    if rule == "trace":
        return ("your kinds follow the sign of the trace (the sum of the curvatures), so a saddle goes unnoticed: "
                f"for the Hessian {matrix} one direction curves the other way.")
    return ("minimum and maximum are swapped: at a minimum the function curves *up* in every direction, so every "
            "curvature is positive.")


def _check_hessian(tf_hessian, kind_of_point=None):
    if kind_of_point is None and tf_hessian is not Ellipsis:
        raise Reply(wrong("give both functions: `ex3.check(tf_hessian, kind_of_point)`."))
    for index in range(len(HESSIAN_CASES)):
        _learner_hessian(tf_hessian, index)
    kinds = [_kind_word(call(kind_of_point, matrix.copy(), name="kind_of_point"), matrix) for matrix in KIND_CASES]
    truth = [true_kind(matrix) for matrix in KIND_CASES]
    if kinds == truth:
        return passed(f"tf_hessian matches the check's own Hessians of {len(HESSIAN_CASES)} functions, and "
                      f"kind_of_point names the kind of {len(KIND_CASES)} critical points from their Hessians "
                      f"(2 to 4 variables): {truth.count('minimum')} minima, {truth.count('maximum')} maxima, "
                      f"{truth.count('saddle')} saddles.")
    if len(set(kinds)) == 1:
        return wrong(f"`kind_of_point` says {kinds[0]!r} for every one of the check's {len(KIND_CASES)} Hessians; it "
                     "must read each matrix.")
    for rule, kind_by_rule in WRONG_RULES.items():
        if kinds == [kind_by_rule(matrix) for matrix in KIND_CASES]:
            return wrong(_rule_message(rule, kinds, truth))
    first = next(i for i in range(len(kinds)) if kinds[i] != truth[i])
    count = sum(k != t for k, t in zip(kinds, truth))
    return wrong(f"`kind_of_point` names {count} of the check's {len(KIND_CASES)} critical points wrongly; for the "
                 f"Hessian {_show(KIND_CASES[first])} it says {kinds[first]!r}, but its curvatures say otherwise.")


ex3 = Exercise(
    "ex3", "local_minima", _check_hessian,
    hints=[
        "The Hessian is the derivative of the gradient. TensorFlow can differentiate a computation that itself "
        "contains a gradient, as long as a tape is recording while that gradient is computed. For the kind: what "
        "did section 7 read off the Hessian?",
        "Make the point a tf.Variable. Open an outer GradientTape, and inside it an inner one; compute the "
        "function's value in the inner block and its gradient with the inner tape (still inside the outer block); "
        "the outer tape's jacobian of that gradient is the n × n matrix (or, with a persistent outer tape, one "
        "gradient per entry of it, each a row). For the kind: the signs of the "
        "eigenvalues (np.linalg.eigvalsh): all positive, all negative, or both.",
    ],
)

__all__ = ["ex1", "ex2", "ex3", "p_global", "target", "examples", "camel_tf", "bump_tf"]
