"""01 · Gradients: the exercises of ``notebooks/01_gradients.ipynb``.

ex1: the learner writes ``central_difference(f, x, h)``; the check calls it on functions, points and steps of its
own, at steps large enough that a forward, a backward and a central difference, and the exact derivative, all differ.

ex2: the learner writes ``train_line(x, y, learning_rate, steps)`` with ``tf.Variable``, ``tf.GradientTape`` and
``assign_sub``; the check runs it on data of its own and compares with a reference loop, while it watches what the
learner's code asks the tape (so that ``w = w - learning_rate * dw`` and other classic slips are named).
"""

import re
import sys
from dataclasses import dataclass, field

import numpy as np

from course_utils.checks import NOT_YET, Exercise, Feedback, Reply, as_numbers, call, not_yet, passed, wrong

# --- Exercise 1: a central difference, as a function -------------------------------------------------------


@dataclass(frozen=True)
class _Point:
    """A function, its derivative, a point and a step: one call the check makes."""

    text: str
    f: object
    derivative: object
    x: float
    h: float

    def central(self):
        return (self.f(self.x + self.h) - self.f(self.x - self.h)) / (2 * self.h)


#: The check's calls. Their steps are large, so that every method gives a clearly different number.
POINTS = (
    _Point("f(x) = x**3 at x = 1.0 with h = 0.5", lambda x: x**3, lambda x: 3 * x**2, 1.0, 0.5),
    _Point("f(x) = 1 / x at x = 2.0 with h = 0.4", lambda x: 1 / x, lambda x: -1 / x**2, 2.0, 0.4),
    _Point("f(x) = 2 * x**3 - x**2 + 3 at x = 0.5 with h = 0.25", lambda x: 2 * x**3 - x**2 + 3,
           lambda x: 6 * x**2 - 2 * x, 0.5, 0.25),
    _Point("f(x) = x**4 - x at x = 0.7 with h = 0.1", lambda x: x**4 - x, lambda x: 4 * x**3 - 1, 0.7, 0.1),
)

#: Slips a learner makes in a central difference, each as a function of the call, with what to say.
SLOPE_MISTAKES = {
    "a forward difference, (f(x + h) - f(x)) / h: a central difference takes one point on each side of x":
        lambda p: (p.f(p.x + p.h) - p.f(p.x)) / p.h,
    "a backward difference, (f(x) - f(x - h)) / h: a central difference takes one point on each side of x":
        lambda p: (p.f(p.x) - p.f(p.x - p.h)) / p.h,
    "a one-sided difference over 2h, (f(x + 2h) - f(x)) / (2h): a central difference takes one point on each "
    "side of x": lambda p: (p.f(p.x + 2 * p.h) - p.f(p.x)) / (2 * p.h),
    "the difference divided by h: how far apart are the two points where f is evaluated?":
        lambda p: (p.f(p.x + p.h) - p.f(p.x - p.h)) / p.h,
    "`... / 2 * h`: Python reads `a / 2 * h` as `(a / 2) * h`, so h multiplies instead of dividing; "
    "put the whole denominator in parentheses": lambda p: (p.f(p.x + p.h) - p.f(p.x - p.h)) / 2 * p.h,
    "the difference of the two values, not divided by the distance between the points":
        lambda p: p.f(p.x + p.h) - p.f(p.x - p.h),
    "the exact derivative (what calculus or `tf.GradientTape` gives), not a central difference with the step h "
    "it is given. Does your function use h, or a tiny step of its own?": lambda p: p.derivative(p.x),
    "f(x) itself, not a slope": lambda p: p.f(p.x),
    "a difference with the wrong sign: which value is subtracted from which?":
        lambda p: (p.f(p.x - p.h) - p.f(p.x + p.h)) / (2 * p.h),
    "the central difference of the notebook's f(x) = x**3 - 2x + 1, not of the function `f` passed in (the "
    "first argument)": lambda p: ((p.x + p.h) ** 3 - 2 * (p.x + p.h) - (p.x - p.h) ** 3 + 2 * (p.x - p.h)) / (2 * p.h),
}

_SLOPE_RTOL, _SLOPE_ATOL = 1e-5, 1e-8  # float32 arithmetic passes; every slip above is over 1e-3 away


def _slope(function, point):
    result = call(function, point.f, point.x, point.h, name="central_difference")
    if result is None:
        raise Reply(wrong("`central_difference` returned None. A function without `return` gives None: end it "
                          "with `return` and the slope."))
    if callable(result) and not hasattr(result, "numpy"):
        raise Reply(wrong("`central_difference` returned a function, not a number: return the slope itself."))
    value = as_numbers(result, "central_difference(f, x, h)")
    if value.size != 1:
        raise Reply(wrong(f"`central_difference` should return one number for one point x; for "
                          f"{point.text} it returned an array of shape {value.shape}."))
    return float(value.reshape(()))


def _check_central_difference(central_difference):
    """Call the learner's function at each of POINTS; name a slip that explains every result."""
    values = np.array([_slope(central_difference, point) for point in POINTS])

    def matches(targets):
        return np.isclose(values, targets, rtol=_SLOPE_RTOL, atol=_SLOPE_ATOL)

    right = matches([point.central() for point in POINTS])
    if right.all():
        return passed(f"`central_difference` gives the central difference for all {len(POINTS)} of the "
                      "check's functions, points and steps.")
    for description, mistake in SLOPE_MISTAKES.items():
        if matches([mistake(point) for point in POINTS]).all():
            return wrong(f"`central_difference` computes {description}" + ("" if description.endswith("?") else "."))
    first = int(np.argmin(right))
    shown = f"it returned {values[first]:.6g} for {POINTS[first].text}"
    if right.any():
        return wrong(f"`central_difference` is right for {int(right.sum())} of the check's {len(POINTS)} calls, "
                     f"but {shown}, which is not the central difference there. Use the f, x and h it is given, "
                     "and nothing else.")
    return wrong(f"`central_difference` does not compute a central difference: {shown}.")


ex1 = Exercise(
    "ex1", "gradients", _check_central_difference,
    hints=[
        "A slope is a change in f divided by a change in x. Look at f a little to the left of x and a little to "
        "the right, by the step h the function receives: how far apart are those two places?",
        "Evaluate f at x + h and at x - h, take the first value minus the second, and divide by the distance "
        "between the two points, 2h (parentheses!). Use only the arguments f, x and h: the check passes its own "
        "functions and large steps, where forward and central differences, and the exact derivative, all differ.",
    ],
)


# --- Exercise 2: train a line with tf.Variable, tf.GradientTape and assign_sub ------------------------------


@dataclass(frozen=True)
class _Run:
    """Data and settings of one call ``train_line(x, y, learning_rate, steps)``."""

    text: str
    x: tuple
    y: tuple
    learning_rate: float
    steps: int

    def data(self):
        """The data as float32 (what the learner's function receives), widened to float64 for the reference."""
        return (np.asarray(self.x, dtype=np.float32).astype(np.float64),
                np.asarray(self.y, dtype=np.float32).astype(np.float64))


#: The check's data: never shown in the notebook. 12 points of y = 1.5 x - 0.5 plus noise, and 7 of -0.8 x + 2.
LINE_A = _Run(
    "12 points, learning rate 0.06, 25 steps",
    (-1.0, -0.7, -0.3, 0.0, 0.2, 0.5, 0.9, 1.1, 1.4, 1.6, 1.8, 2.0),
    (-2.3, -1.4, -0.9, -0.4, -0.4, 0.4, 0.7, 1.4, 1.5, 2.0, 2.3, 2.6),
    0.06, 25,
)
LINE_START = _Run("the same 12 points with steps = 0", LINE_A.x, LINE_A.y, 0.06, 0)
LINE_B = _Run(
    "7 other points, learning rate 0.02, 12 steps",
    (0.5, 1.0, 1.5, 2.5, 3.0, 3.5, 4.0),
    (1.7, 1.1, 0.9, 0.1, -0.5, -0.8, -1.1),
    0.02, 12,
)
LINES = (LINE_A, LINE_START, LINE_B)

_LINE_RTOL, _LINE_ATOL = 1e-5, 1e-6  # float32 rounding over a few dozen steps: about 1e-7


def _mse_gradient(w, b, x, y):
    error = w * x + b - y
    return np.array([2 * np.mean(error * x), 2 * np.mean(error)])


def descend(run, *, gradient=_mse_gradient, learning_rate=None, steps=None, sign=-1.0, start=(0.0, 0.0),
            update=(True, True), data=None):
    """The reference loop (float64), and with other arguments the loops of the slips a learner makes."""
    x, y = run.data() if data is None else data
    learning_rate = run.learning_rate if learning_rate is None else learning_rate
    steps = run.steps if steps is None else steps
    parameters = np.array(start, dtype=np.float64)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            parameters = parameters + sign * learning_rate * gradient(*parameters, x, y) * np.array(update)
    return parameters


def _notebook_data():
    """The notebook's x_data and y_data (section 3): a function that uses them instead of x and y is named."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 3, size=30)
    return x, 2 * x - 1 + 0.3 * rng.normal(size=30)


def _least_squares(run):
    x, y = run.data()
    return np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]


def _line_mistakes(run):
    """{description: (w, b)} of the slips a learner makes, for the check's call ``run``."""
    def sum_of_squares(w, b, x, y):
        return _mse_gradient(w, b, x, y) * x.size

    def mean_error(w, b, x, y):
        return np.array([np.mean(x), 1.0])

    def square_of_mean(w, b, x, y):
        return 2 * np.mean(w * x + b - y) * np.array([np.mean(x), 1.0])

    def absolute(w, b, x, y):
        sign = np.sign(w * x + b - y)
        return np.array([np.mean(sign * x), np.mean(sign)])

    def swapped_gradients(w, b, x, y):
        return _mse_gradient(w, b, x, y)[::-1]

    def root_of_mean(w, b, x, y):
        error = w * x + b - y
        return _mse_gradient(w, b, x, y) / (2 * np.sqrt(np.mean(error**2)))

    def one_after_the_other():  # w moves first; b's gradient is then taken at the new w
        x, y = run.data()
        w = b = 0.0
        for _ in range(run.steps):
            w -= run.learning_rate * _mse_gradient(w, b, x, y)[0]
            b -= run.learning_rate * _mse_gradient(w, b, x, y)[1]
        return np.array([w, b])

    right = descend(run)
    mistakes = {
        "one step too many: the loop should take exactly `steps` steps": descend(run, steps=run.steps + 1),
        "one step too few: the loop should take exactly `steps` steps": descend(run, steps=max(run.steps - 1, 0)),
        "steps *uphill*: gradient descent subtracts the gradient (`assign_sub`, not `assign_add`, and a minus "
        "sign if you write the step yourself)": descend(run, sign=+1.0),
        "the gradient of the *sum* of the squared errors (`tf.reduce_sum`): the loss is their mean":
            descend(run, gradient=sum_of_squares),
        "the gradient of half the mean squared error: the loss is the mean of the squared errors, without 1/2":
            descend(run, gradient=lambda *a: _mse_gradient(*a) / 2),
        "the gradient of the mean error (or of the mean prediction), not squared: the loss squares each error":
            descend(run, gradient=mean_error),
        "the gradient of the square of the mean error: square each error first, then take the mean":
            descend(run, gradient=square_of_mean),
        "the gradient of the mean *absolute* error: the loss is the mean of the *squared* errors":
            descend(run, gradient=absolute),
        "the gradient of the root of the mean squared error (RMSE): the loss is the MSE itself":
            descend(run, gradient=root_of_mean),
        "b's gradient taken after w has moved: take both gradients from one tape, then update both":
            one_after_the_other(),
        "w updated with the gradient of b and b with that of w: `tape.gradient(loss, [w, b])` returns the "
        "gradients in the order of the list": descend(run, gradient=swapped_gradients),
        "w never updated (only b moves)": descend(run, update=(False, True)),
        "b never updated (only w moves)": descend(run, update=(True, False)),
        "a start at section 4's w0 = -1, b0 = 2: the task starts from w = 0 and b = 0": descend(run, start=(-1.0, 2.0)),
        "a run on the notebook's `x_data` and `y_data`, not on the `x` and `y` passed in":
            descend(run, data=_notebook_data()),
    }
    for rate in (0.1, 0.01, 0.001, 0.5, 1.0):
        if not any(np.isclose(rate, run.learning_rate * factor) for factor in (0.5, 1.0, 2.0)):
            mistakes[f"a learning rate of its own ({rate:g}?), not the `learning_rate` argument"] = \
                descend(run, learning_rate=rate)
    if run.steps and run.steps != 100:
        mistakes["a fixed number of steps (100?), not the `steps` argument"] = descend(run, steps=100)
    if run.steps:
        mistakes["the least-squares line itself: the result of far more steps than `steps` (or solved exactly)"] = \
            _least_squares(run)
    return mistakes


@dataclass
class _Call:
    """What the learner's code asked one ``tape.gradient`` call: the target and the sources, and what came back."""

    target: str  # "tensor", or the type's name
    target_size: int
    sources: list = field(default_factory=list)  # (kind: "variable", "tensor" or a type's name, dtype, trainable)
    by_keras: bool = False  # made by Keras (model.fit), not by the learner's own code
    nones: bool = False


def _describe(source):
    import tensorflow as tf

    kind = ("assigned" if type(source).__name__ == "_UnreadVariable"  # what `w = w.assign_sub(...)` leaves in w
            else "variable" if isinstance(source, tf.Variable) or hasattr(source, "assign_sub")
            else "tensor" if tf.is_tensor(source) else type(source).__name__)
    dtype = getattr(getattr(source, "dtype", None), "name", str(getattr(source, "dtype", "")))
    return kind, dtype, bool(getattr(source, "trainable", True))


def _called_by_keras(frame):
    """True when a Keras module is on the call stack between the learner's call and ``tape.gradient``."""
    while frame is not None and frame.f_code is not _run_learner.__code__:
        if str(frame.f_globals.get("__name__", "")).startswith("keras"):
            return True
        frame = frame.f_back
    return False


class _KerasGradient(Exception):
    """Raised by the spy to stop a Keras loop (``model.fit``) at its first gradient: the check has seen enough."""


class _TapeSpy:
    """While active, record every ``tf.GradientTape.gradient`` call (the learner's tape works as usual)."""

    def __enter__(self):
        import tensorflow as tf

        self.calls, self._original = [], tf.GradientTape.gradient
        original, calls = self._original, self.calls

        def gradient(tape, target, sources, *args, **kwargs):
            shape = getattr(target, "shape", ())
            try:
                size = int(np.prod([int(d) for d in shape]))
            except (TypeError, ValueError):
                size = -1
            call = _Call("tensor" if tf.is_tensor(target) else type(target).__name__, size,
                         [_describe(s) for s in tf.nest.flatten(sources)], _called_by_keras(sys._getframe(1)))
            calls.append(call)
            if call.by_keras:
                raise _KerasGradient()
            result = original(tape, target, sources, *args, **kwargs)
            call.nones = any(g is None for g in tf.nest.flatten(result))
            return result

        tf.GradientTape.gradient = gradient
        return self

    def __exit__(self, *exc):
        import tensorflow as tf

        tf.GradientTape.gradient = self._original
        return False


CLASSIC = ("after the first step, `w` (or `b`) is no longer a `tf.Variable` but a plain Tensor. The tape does "
           "not watch a Tensor, so the next gradient is None{consequence}. That is what `w = w - learning_rate * dw` "
           "does: it computes a new Tensor and gives it the name `w`, and the Variable is lost. "
           "`w.assign_sub(learning_rate * dw)` changes the Variable in place, so it stays a Variable.")
NOT_RECORDED = ("at the first step the tape's gradient is None: the tape did not record how the loss depends on w "
                "and b. Compute the predictions and the loss inside the `with tf.GradientTape() as tape:` block, "
                "from the Variables themselves (not from `w.numpy()`), with TensorFlow operations.")
NUMPY_LOSS = ("the loss handed to `tape.gradient` is a NumPy number ({kind}), not a Tensor: NumPy functions "
              "(`np.mean`, `np.square`, ...) and `.numpy()` leave TensorFlow, and the tape records only TensorFlow "
              "operations. Use `tf.reduce_mean` and `tf.square` (or `**`) on the Tensors.")
NOT_VARIABLES = ("the tape was asked for the gradient with respect to {what}, which it does not watch: a tape "
                 "watches trainable `tf.Variable`s. Create `w` and `b` as `tf.Variable(0.0)` and ask for "
                 "`tape.gradient(loss, [w, b])`.")
INTEGER = ("`w` and `b` are integer Variables: `tf.Variable(0)` holds an int32, and integers have no gradient "
           "(TensorFlow also refuses to multiply them by float data). Write `tf.Variable(0.0)`.")
FLOAT_TYPES = ("the Variables and the data have different float types, and TensorFlow does not mix them (it "
               "refused to multiply them): the data are float32, so create `tf.Variable(0.0)` without a `dtype` "
               "such as tf.float64 or tf.float16.")
FROZEN = ("`w` or `b` was made with `trainable=False`, so the tape does not watch it and its gradient is None. "
          "Leave `trainable` at its default.")
USED_UP = ("a tape (not persistent) answers one `tape.gradient` call and is then used up. Open a new "
           "`with tf.GradientTape() as tape:` in every step, inside the loop, and ask it once for both: "
           "`tape.gradient(loss, [w, b])`.")
ASSIGNED = ("after the first step the tape's gradient is None: `w = w.assign_sub(...)` changes the Variable in "
            "place, but then gives the name `w` to what `assign_sub` returns, which is not the Variable (the tape "
            "does not watch it). Call `w.assign_sub(learning_rate * dw)` on its own, without `w =`.")
IN_PLACE_MINUS = ("`w -= ...` is not allowed on a `tf.Variable` (TensorFlow refuses it, so that nobody replaces a "
                  "Variable by a Tensor by accident). `w.assign_sub(learning_rate * dw)` changes it in place.")
VECTOR_LOSS = ("the tape was asked for the gradient of a vector with {size} values (one per point: the "
               "predictions or the errors), not of one number. For a vector TensorFlow differentiates the *sum*. "
               "Take the gradient of the loss: the mean of the squared errors, a single number.")
NO_TAPE = ("`train_line` never asked a `tf.GradientTape` for a gradient (`tape.gradient` was not called). This "
           "exercise is about letting TensorFlow differentiate: record the loss on a tape and ask it for the "
           "gradient, rather than a formula by hand.")
STATEFUL = ("not every call of `train_line` starts afresh from w = 0 and b = 0: it gave the result of an earlier "
            "call again, or two results for the same call. Variables created outside `train_line` continue where "
            "the previous call stopped, and a random start differs every time: create `w` and `b` inside the "
            "function, as `tf.Variable(0.0)`.")
KERAS = ("`train_line` lets Keras take the gradient (`model.fit` or another Keras loop). This exercise is to "
         "write that loop yourself: record the loss on a `tf.GradientTape`, ask it for the gradient of w and b, "
         "and move the Variables.")


def _first_call_problem(calls):
    """What is wrong at the very first tape.gradient call, if anything: a text, or None."""
    if not calls:
        return None
    first = calls[0]
    if first.target != "tensor":
        return NUMPY_LOSS.format(kind=first.target)
    kinds = [kind for kind, _, _ in first.sources]
    if any(kind != "variable" for kind in kinds):
        other = next(kind for kind in kinds if kind != "variable")
        what = "a Tensor (a constant, or the data x or y)" if other == "tensor" else f"a {other}"
        return NOT_VARIABLES.format(what=what)
    if any(dtype.startswith(("int", "uint")) for _, dtype, _ in first.sources):
        return INTEGER
    if not all(trainable for _, _, trainable in first.sources):
        return FROZEN
    if first.nones:
        return NOT_RECORDED
    return None


def _lost_variable(calls):
    """What replaced the Variables after the first step ("tensor", "assigned" or "other"), or None if nothing did.

    The classic bug: a later tape.gradient call gets a Tensor (or a None gradient) where the first had Variables.
    """
    if len(calls) < 2 or calls[0].nones or not all(kind == "variable" for kind, _, _ in calls[0].sources):
        return None
    kinds = {kind for call in calls[1:] for kind, _, _ in call.sources}
    if "tensor" in kinds:
        return "tensor"
    if "assigned" in kinds:
        return "assigned"
    return "other" if any(call.nones for call in calls[1:]) else None


def _classic(calls, consequence):
    if _lost_variable(calls) == "assigned":
        return ASSIGNED
    return CLASSIC.format(consequence=consequence)


def _run_learner(function, run):
    """Call ``function`` on ``run``'s data under the spy: (result, error, the learner's own tape.gradient calls)."""
    import tensorflow as tf

    x, y = (tf.constant(np.asarray(values, dtype=np.float32)) for values in (run.x, run.y))
    with _TapeSpy() as spy:
        try:
            result, error = function(x, y, run.learning_rate, run.steps), None
        except _KerasGradient:
            raise Reply(wrong(KERAS)) from None
        except Exception as exception:  # the learner's code failed: diagnosed by the caller
            if any(call.by_keras for call in spy.calls):  # Keras wrapped the spy's stop in an error of its own
                raise Reply(wrong(KERAS)) from None
            result, error = None, exception
    return result, error, spy.calls


def _diagnose_error(error, calls):
    text = str(error)
    problem = _first_call_problem(calls)
    if problem:
        return problem
    if _lost_variable(calls) or "has no attribute 'assign_sub'" in text:
        consequence = (f" (hence the {type(error).__name__} about None)" if "None" in text
                       else f" (hence the {type(error).__name__}: a Tensor has no `assign_sub`)"
                       if "assign_sub" in text else f" (hence the {type(error).__name__})")
        return _classic(calls, consequence)
    if "variable -= value" in text or "variable += value" in text:
        return IN_PLACE_MINUS
    if "non-persistent GradientTape" in text:
        return USED_UP
    mixed = re.search(r"expected to be an? (\w+) tensor but is an? (\w+) tensor", text)
    types = set(mixed.groups()) if mixed else set()
    if any(name.startswith(("int", "uint")) for name in types):
        return INTEGER
    if types & {"double", "half", "bfloat16"}:
        return FLOAT_TYPES
    return f"calling `train_line` raised {type(error).__name__}: {text[:300]}"


def _as_line(result):
    """The learner's result as the array [w, b]; otherwise raise Reply saying what it is instead."""
    if result is Ellipsis:
        raise Reply(Feedback(False, f"{NOT_YET}: `train_line` still returns `...`."))
    if result is None:
        raise Reply(wrong("`train_line` returned None. A function without `return` gives None: end it with "
                          "`return w, b`."))
    if isinstance(result, (dict, set, str, bytes)) or (callable(result) and not hasattr(result, "numpy")):
        raise Reply(wrong(f"`train_line` returned a {type(result).__name__}; return the two parameters, "
                          "`return w, b` (the Variables, or their values)."))
    if isinstance(result, (tuple, list)) and len(result) != 2:
        size = len(result)
        raise Reply(wrong(f"`train_line` returned {size} value{'s' if size != 1 else ''}; return the two "
                          "parameters, `return w, b` (the Variables, or their values)."))
    parts = result if isinstance(result, (tuple, list)) else [result]
    values = [as_numbers(part, "train_line(...)") for part in parts]
    if len(values) == 2 and all(value.size == 1 for value in values):
        return np.array([float(value.reshape(())) for value in values])
    if len(values) == 1 and values[0].size == 2:
        return values[0].reshape(2)
    shapes = ", ".join(str(value.shape) for value in values)
    raise Reply(wrong(f"`train_line` should return the two numbers w and b (`return w, b`); it returned "
                      f"shape(s) {shapes}."))


def _close(values, target):
    with np.errstate(all="ignore"):
        return bool(np.allclose(values, target, rtol=_LINE_RTOL, atol=_LINE_ATOL))


def _wrong_line(train_line, run, values, calls, earlier):
    """The diagnosis of a wrong result ``values`` of ``run`` (the learner's code ran without an error)."""
    shown = f"For {run.text}, `train_line` returned w = {values[0]:.6g}, b = {values[1]:.6g}"
    if not np.all(np.isfinite(values)):
        return f"{shown}: the line ran away. Do the steps go uphill, or is the loss a sum?"
    problem = _first_call_problem(calls)
    if problem:
        return problem
    if any(_close(values, before) for before in earlier):  # state kept between calls, or `steps` ignored?
        first, error, _ = _run_learner(train_line, LINES[0])
        try:
            first = None if error else _as_line(first)
        except Reply:
            first = None
        if first is not None and _close(first, earlier[0]):
            return (f"For {run.text}, `train_line` returned the same w and b as for {LINES[0].text}: does its loop "
                    "take `steps` steps?")
        return STATEFUL
    sizes = [call.target_size for call in calls if call.target_size > 1]
    if sizes:
        return VECTOR_LOSS.format(size=sizes[0])
    if _close(values, descend(run)[::-1]):  # the learner's own numbers are then the answer: not shown
        return f"For {run.text}, `train_line` returned w and b the wrong way round: return w first, then b."
    for description, mistake in _line_mistakes(run).items():
        if _close(values, mistake):
            return f"{shown}. That looks like {description}."
    again, error, _ = _run_learner(train_line, run)
    try:
        repeated = None if error else _as_line(again)
    except Reply:
        repeated = None
    if repeated is not None and not np.array_equal(repeated, values):
        return STATEFUL
    if run.steps:
        start, error, _ = _run_learner(train_line, LINE_START)
        try:
            start = None if error else _as_line(start)
        except Reply:
            start = None
        if start is not None and not _close(start, descend(LINE_START)):
            return (f"{shown}. With steps = 0 it returns w = {start[0]:.6g}, b = {start[1]:.6g}: no step is "
                    "taken then, so it should return the start, w = 0 and b = 0.")
        return (f"{shown}, which is not where {run.steps} steps of gradient descent on the mean squared error, "
                "from w = 0 and b = 0, end.")
    return f"{shown}. With steps = 0 no step is taken: it should return the start, w = 0 and b = 0."


def _check_train_line(train_line):
    """Run the learner's train_line on LINES; name the mistake that explains a wrong result."""
    if train_line is Ellipsis:
        raise Reply(not_yet("train_line"))
    if not callable(train_line):
        raise Reply(wrong(f"`train_line` should be a function (def train_line(x, y, learning_rate, steps): ...), "
                          f"not a {type(train_line).__name__}."))
    earlier = []
    for run in LINES:
        result, error, calls = _run_learner(train_line, run)
        if error is not None:
            return wrong(_diagnose_error(error, calls))
        values = _as_line(result)
        if run.steps and not calls:
            return wrong(NO_TAPE)
        if _lost_variable(calls):
            return wrong(_classic(calls, " (unless it is watched by hand)"))
        if not _close(values, descend(run)):
            return wrong(_wrong_line(train_line, run, values, calls, earlier))
        earlier.append(values)
    return passed(f"`train_line` matches the reference loop on the check's {len(LINES)} runs "
                  f"(data it never saw, {LINE_B.steps} to {LINE_A.steps} steps, and steps = 0).")


ex2 = Exercise(
    "ex2", "gradients", _check_train_line,
    hints=[
        "Three things make the tape work: parameters it watches (trainable float Variables), a loss it saw being "
        "computed from them, and parameters that are still the same Variables at the next step.",
        "Create w and b as float tf.Variables at 0. Then, `steps` times: open a new tf.GradientTape and, inside "
        "its block, compute the predictions w * x + b and their mean squared error (tf.reduce_mean); after the "
        "block, ask the tape for the gradients of that loss with respect to [w, b], in one call; move each Variable "
        "in place with its assign_sub method, by the learning rate times its gradient. Return w and b.",
    ],
)
