"""Checks for the exercises: a clear pass, or a hint that says what is wrong.

A check returns a :class:`Feedback`; as the last line of a cell it shows its message. A check never
ends in a traceback: an answer of the wrong type, of the wrong shape, or not written yet (the ``...``
of the student edition) gets a message that says so.
"""

import functools
from dataclasses import dataclass

import numpy as np

PASSED = "✅ Correct"
NOT_YET = "📝 Not solved yet"
WRONG = "❌ Not yet"


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: ``passed`` and a ``message`` for the learner (shown as the repr)."""

    passed: bool
    message: str

    def __post_init__(self):
        if not isinstance(self.passed, bool) or not isinstance(self.message, str):
            raise TypeError(f"passed must be True or False and message a string, got {self.passed!r}, "
                            f"{type(self.message).__name__}")

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message


def exercise_check(function):
    """Decorate a check so that any error inside it becomes feedback instead of a traceback."""
    if not callable(function):
        raise TypeError(f"function must be a check function to decorate, got {type(function).__name__}")

    @functools.wraps(function)
    def checked(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:  # a check must always answer, whatever it was given
            return Feedback(
                False,
                f"{WRONG}: your answer could not be checked ({type(error).__name__}: {error}). "
                "Run the exercise cell again, and make sure it assigns the variables the check uses.",
            )

    return checked


def _format(values):
    values = np.asarray(values)
    if values.ndim == 0:
        return f"{values.item():.6g}"
    return np.array2string(values, precision=4, separator=", ", threshold=12)


def _unwritten(answer, name, hint=""):
    """Feedback for an answer the learner has not written yet (still ``...`` or None), else None."""
    if answer is not Ellipsis and answer is not None:
        return None
    shown = "..." if answer is Ellipsis else "None"
    hint = f" Hint: {hint}" if hint else ""
    return Feedback(False, f"{NOT_YET}: `{name}` is still `{shown}`. Replace it with your code.{hint}")


def _as_numbers(answer, name):
    """Return (array, None), or (None, Feedback) saying why ``answer`` is not a number or an array."""
    unwritten = _unwritten(answer, name)
    if unwritten is not None:
        return None, unwritten
    if callable(answer):
        return None, Feedback(
            False, f"{WRONG}: `{name}` is a function. Call it and pass the result, e.g. `{name}(...)`."
        )
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        return None, Feedback(
            False, f"{WRONG}: `{name}` should be a number or an array of numbers, not {type(answer).__name__} {answer!r}."
        )
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None, Feedback(
            False,
            f"{WRONG}: `{name}` should be a number or an array of numbers; "
            f"a {type(answer).__name__} cannot be read as one.",
        )
    if not np.all(np.isfinite(values)):
        return None, Feedback(False, f"{WRONG}: `{name}` contains NaN or infinity: {_format(values)}.")
    return values, None


def _shape_problem(values, expected, name):
    if values.shape == expected.shape or (expected.ndim == 0 and values.size == 1):
        return None
    if expected.ndim == 0:
        return f"`{name}` should be a single number, but it has shape {values.shape}."
    if values.T.shape == expected.shape:
        return f"`{name}` has shape {values.shape}, the transpose of the expected {expected.shape}."
    if values.size == expected.size:
        return f"`{name}` has shape {values.shape} but should have shape {expected.shape} (reshape it?)."
    return f"`{name}` has shape {values.shape} but should have shape {expected.shape}."


def _is_simple(ratio, tol=1e-3):
    """True for factors a learner slips in by mistake: whole numbers and their reciprocals (2, 1/2, 10...)."""
    return any(abs(x - round(x)) <= tol * abs(x) and round(x) != 0 for x in (ratio, 1 / ratio))


def _constant_ratio(values, expected, rtol):
    """The factor r with values = r * expected, if there is one (not 0, 1 or -1).

    For a single number every wrong answer is some multiple, so only simple factors count there.
    """
    nonzero = expected != 0
    if not np.any(nonzero) or np.any(values[~nonzero] != 0):
        return None
    ratios = values[nonzero] / expected[nonzero]
    ratio = ratios.flat[0]
    if ratio == 0 or not np.allclose(ratios, ratio, rtol=rtol) or np.isclose(abs(ratio), 1, rtol=rtol):
        return None
    if expected.size == 1 and not _is_simple(ratio):
        return None
    return float(ratio)


def compare_numbers(answer, expected, *, name="answer", rtol=1e-6, atol=1e-9, mistakes=None, hint=""):
    """Compare a learner's number or array with the expected one and explain any difference.

    mistakes: optional {description: value} of typical wrong answers, recognised and named.
    hint: appended to every message that is not a pass.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    try:
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"expected must be a number or an array of numbers, got {expected!r:.60}") from None
    hint = f" Hint: {hint}" if hint else ""

    values, problem = _as_numbers(answer, name)
    if problem is not None:
        return Feedback(False, problem.message + hint)
    shape_problem = _shape_problem(values, expected, name)
    if shape_problem:
        return Feedback(False, f"{WRONG}: {shape_problem}{hint}")
    values = values.reshape(expected.shape)

    def close(a, b):
        return np.allclose(a, b, rtol=rtol, atol=atol)

    if close(values, expected):
        return Feedback(True, f"{PASSED}: {name} = {_format(values)}.")
    for description, value in (mistakes or {}).items():
        if close(values, np.broadcast_to(np.asarray(value, dtype=np.float64), expected.shape)):
            return Feedback(False, f"{WRONG}: `{name}` = {_format(values)} looks like {description}.{hint}")
    if close(-values, expected):
        return Feedback(False, f"{WRONG}: `{name}` = {_format(values)} has the wrong sign.{hint}")
    ratio = _constant_ratio(values, expected, rtol=1e-3)
    if ratio is not None:
        return Feedback(
            False, f"{WRONG}: `{name}` = {_format(values)} is off by a constant factor of {ratio:.4g}.{hint}"
        )
    return Feedback(False, f"{WRONG}: `{name}` = {_format(values)} is not the expected value.{hint}")


# --- The exercises' checks, notebook by notebook -------------------------------------------------


@exercise_check
def check_mse(mse, y_true, y_pred):
    """00, worked exercise: the mean squared error of ``y_pred`` against ``y_true``."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    errors = y_pred - y_true
    return compare_numbers(
        mse,
        np.mean(errors**2),
        name="mse",
        mistakes={
            "the sum of the squared errors, not their mean": np.sum(errors**2),
            "the mean error, not squared (positive and negative errors cancel)": np.mean(errors),
            "the mean absolute error": np.mean(np.abs(errors)),
            "the root of the mean squared error (RMSE), not the MSE": np.sqrt(np.mean(errors**2)),
        },
        hint="square each error y_pred - y_true, then average the squares over the samples (np.mean).",
    )


@exercise_check
def check_central_difference(slope):
    """01, exercise 1: the slope of g(x) = x^2 sin(x) at x = 1 by a central difference with h = 1e-5."""
    x, h = 1.0, 1e-5

    def g(x):
        return x**2 * np.sin(x)

    exact = 2 * x * np.sin(x) + x**2 * np.cos(x)
    return compare_numbers(
        slope,
        exact,
        name="slope",
        rtol=1e-8,
        mistakes={
            "a forward difference (g(x + h) - g(x)) / h: its error is about h, not h^2": (g(x + h) - g(x)) / h,
            "the central difference without the 2 in 2h": (g(x + h) - g(x - h)) / h,
            "g(1) itself, not its slope": g(x),
        },
        hint="(g(x + h) - g(x - h)) / (2 * h) with x = 1.0 and h = 1e-5.",
    )


@exercise_check
def check_mse_gradient(gradient, x, y, w, b):
    """01, exercise 2: [dL/dw, dL/db] of L = mean((w x + b - y)^2) at (w, b)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    error = w * x + b - y
    expected = np.array([2 * np.mean(error * x), 2 * np.mean(error)])
    return compare_numbers(
        gradient,
        expected,
        name="gradient",
        mistakes={
            "the gradient of the *sum* of squared errors: divide by the number of samples (the mean)": expected * len(x),
            "the gradient without the factor 2 from the square": expected / 2,
            "[dL/db, dL/dw]: the order is [dL/dw, dL/db]": expected[::-1],
        },
        hint="dL/dw = 2 mean((w x + b - y) x) and dL/db = 2 mean(w x + b - y); give np.array([dL_dw, dL_db]).",
    )


@exercise_check
def check_descent_steps(x_after):
    """01, exercise 3: x after 5 gradient-descent steps on f(x) = x^2 from x = 3 with learning rate 0.1."""
    x0, rate, steps = 3.0, 0.1, 5
    factor = 1 - rate * 2  # f'(x) = 2x, so each step multiplies x by (1 - 2 lr)
    return compare_numbers(
        x_after,
        x0 * factor**steps,
        name="x_after",
        mistakes={
            "steps *uphill*: subtract the gradient, x - lr * f'(x), do not add it": x0 * (1 + rate * 2) ** steps,
            "4 steps instead of 5": x0 * factor**4,
            "6 steps instead of 5": x0 * factor**6,
            "a derivative of x instead of 2x: f(x) = x^2 has f'(x) = 2x": x0 * (1 - rate) ** steps,
        },
        hint="repeat x = x - 0.1 * (2 * x) five times, starting from x = 3.0.",
    )


@exercise_check
def check_curve_labels(labels):
    """02, exercise 1: the kind of each mystery loss curve (slow, good, oscillating, diverging)."""
    from course_utils.exercises import KIND_EXPLANATIONS, KINDS, mystery_kinds

    truth = mystery_kinds()
    unwritten = _unwritten(labels, "labels", f"a dict such as {{'A': 'slow', 'B': 'good', ...}} with one of "
                                             f"{list(KINDS)} per curve.")
    if unwritten is not None:
        return unwritten
    if not isinstance(labels, dict):
        return Feedback(False, f"{WRONG}: `labels` should be a dict from curve name to kind, "
                               f"e.g. {{'A': 'slow', ...}}, not a {type(labels).__name__}.")
    problems = []
    for name, kind in truth.items():
        given = labels.get(name)
        if given is None:
            problems.append(f"curve {name} has no label")
        elif not isinstance(given, str) or given.strip().lower() not in KINDS:
            problems.append(f"curve {name}: {given!r} is not one of {list(KINDS)}")
        elif given.strip().lower() != kind:
            problems.append(f"curve {name} is not {given.strip().lower()}: {KIND_EXPLANATIONS[kind]}")
    extra = sorted(set(labels) - set(truth), key=str)
    if extra:
        problems.append(f"there is no curve {', '.join(map(str, extra))} (the curves are {', '.join(truth)})")
    if problems:
        right = sum(str(labels.get(name, "")).strip().lower() == kind for name, kind in truth.items())
        return Feedback(False, f"{WRONG} ({right} of {len(truth)} right): " + "; ".join(problems) + ".")
    return Feedback(True, f"{PASSED}: " + ", ".join(f"{n} {k}" for n, k in truth.items()) + ".")


@exercise_check
def check_largest_stable_rate(lr_max, curvatures):
    """02, exercise 2: the stability limit on f = (a1 x^2 + a2 y^2) / 2, the rate below which every rate converges."""
    a = np.asarray(curvatures, dtype=np.float64)
    return compare_numbers(
        lr_max,
        2 / a.max(),
        name="lr_max",
        mistakes={
            "2 / (the smallest curvature): rates just below it make the steep direction diverge": 2 / a.min(),
            "1 / (the largest curvature): that rate is the fastest one for the steep direction; "
            "the stability limit is twice as large": 1 / a.max(),
            "2 / (the sum of the curvatures)": 2 / a.sum(),
        },
        hint="every rate below the limit needs |1 - lr a| < 1 in each direction; the steepest one (largest a) "
             "decides. At the limit itself the steep direction bounces forever.",
    )


@exercise_check
def check_steps_needed(steps, curvatures, rate, shrink):
    """02, exercise 3: steps until the flat direction shrinks to ``shrink`` of its start with ``rate``."""
    def steps_for(curvature):  # (1 - lr a)^k <= shrink; a factor of 0 gets there in one step
        factor = abs(1 - rate * curvature)
        return 1 if factor == 0 else int(np.ceil(np.log(shrink) / np.log(factor)))

    expected = steps_for(float(np.min(curvatures)))
    if isinstance(steps, (float, np.floating)) and float(steps).is_integer():
        steps = int(steps)
    if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool) and steps == expected - 1:
        return Feedback(False, f"{WRONG}: after {steps} steps the flat direction is still above {shrink:g} "
                               "of its start: round the number of steps *up* (np.ceil).")
    return compare_numbers(
        steps,
        expected,
        name="steps",
        mistakes={
            "the count for the steep direction: the flat one (smallest curvature) is the slow one":
                steps_for(float(np.max(curvatures))),
        },
        hint="each step multiplies the flat coordinate by (1 - lr a_min); solve (1 - lr a_min)^k <= shrink for k.",
    )


@exercise_check
def check_restart_success(success, share, restarts):
    """03, exercise 1: the chance that at least one of ``restarts`` random starts lands in a basin of ``share``."""
    return compare_numbers(
        success,
        1 - (1 - share) ** restarts,
        name="success",
        mistakes={
            "share x restarts: that adds chances as if they could not overlap (it can exceed 1)": share * restarts,
            "the chance that *every* start fails, (1 - p)^k: success is 1 minus that": (1 - share) ** restarts,
            "1 - p^k: p^k is the chance that *all* starts succeed, not that all fail": 1 - share**restarts,
        },
        hint="a start fails with probability 1 - p; all k fail with (1 - p)^k; success is the opposite.",
    )


@exercise_check
def check_restarts_needed(restarts, share, target):
    """03, exercise 2: the fewest random starts that reach the global basin with probability >= ``target``."""
    expected = int(np.ceil(np.log(1 - target) / np.log(1 - share)))
    if isinstance(restarts, (int, np.integer, float)) and not isinstance(restarts, bool) and restarts == expected - 1:
        return Feedback(False, f"{WRONG}: with {restarts} starts the chance is "
                               f"{1 - (1 - share) ** restarts:.5f}, just below {target}: round *up*.")
    return compare_numbers(
        restarts,
        expected,
        name="restarts",
        mistakes={"the answer for a basin share of 1 - p instead of p": np.ceil(np.log(1 - target) / np.log(share))},
        hint="solve 1 - (1 - p)^k >= target for k: k >= log(1 - target) / log(1 - p), then round up.",
    )


@exercise_check
def check_basin_guess(minimum, start):
    """03, exercise 3: the location of the minimum that gradient descent from ``start`` reaches on several_minima."""
    from course_utils.landscapes import several_minima

    f = several_minima()
    edges = [-np.inf, *f.maxima, np.inf]
    index = next(i for i, (low, high) in enumerate(zip(edges[:-1], edges[1:])) if low < start < high)
    return compare_numbers(
        minimum,
        float(f.minima[index].location),
        name="minimum",
        rtol=1e-3,
        mistakes={
            "the global minimum: gradient descent does not search for it, it only goes downhill from the start":
                float(f.global_minimum.location),
        },
        hint="the basin of each minimum reaches to the maxima on either side (f.maxima); find the start's interval.",
    )


@exercise_check
def check_local_gradient(dL_dw, x, w, upstream):
    """04, exercise 1: dL/dw at the node z = x * w, given the gradient ``upstream`` = dL/dz arriving from above."""
    return compare_numbers(
        dL_dw,
        x * upstream,
        name="dL_dw",
        mistakes={
            "the arriving gradient alone: multiply it by the local derivative dz/dw = x": upstream,
            "w * upstream: that is dL/dx; the derivative of x * w with respect to w is x": w * upstream,
            "x * w, the forward value of z, not a gradient": x * w,
        },
        hint="the chain rule: dL/dw = dL/dz * dz/dw, and dz/dw = x, a value the forward pass stored.",
    )


@exercise_check
def check_hidden_weight_gradient(dW, X, A, d_A):
    """04, exercise 2: the weight gradient of a tanh layer, from its input X, its output A and the arriving d_A."""
    X, A, d_A = (np.asarray(v, dtype=np.float64) for v in (X, A, d_A))
    return compare_numbers(
        dW,
        X.T @ (d_A * (1 - A**2)),
        name="dW",
        mistakes={
            "X.T @ d_A: the error must first pass through tanh, d_Z = d_A * (1 - A**2)": X.T @ d_A,
            "tanh applied to A again: A is already tanh(Z), so tanh'(Z) = 1 - A**2": X.T @ (d_A * (1 - np.tanh(A) ** 2)),
        },
        hint="d_Z = d_A * (1 - A**2) (the error of the layer), then dW = X.T @ d_Z (its input times its error).",
    )


@exercise_check
def check_decayed_rate(rate, learning_rate, decay, step):
    """05, exercise 1: Keras 2's learning rate at ``step`` with ``decay``: lr / (1 + decay * step)."""
    return compare_numbers(
        rate,
        learning_rate / (1 + decay * step),
        name="rate",
        mistakes={
            "lr * (1 - decay * step): the decay divides, lr / (1 + decay * step)": learning_rate * (1 - decay * step),
            "lr * exp(-decay * step), an exponential decay; Keras 2's was inverse-time":
                learning_rate * np.exp(-decay * step),
            "the rate one step later (t counts the steps already taken)": learning_rate / (1 + decay * (step + 1)),
        },
        hint="Keras 2: lr_t = lr / (1 + decay * t), with t the number of steps already taken.",
    )


@exercise_check
def check_momentum_steps(w, w0, gradients, learning_rate, momentum):
    """05, exercise 2: the weight after SGD-with-momentum steps (Keras's form: m = mu m - lr g; w = w + m)."""
    m, expected, plain = 0.0, float(w0), float(w0)
    for g in gradients:
        m = momentum * m - learning_rate * g
        expected += m
        plain -= learning_rate * g
    return compare_numbers(
        w,
        expected,
        name="w",
        mistakes={
            "plain SGD without momentum: the velocity m must carry over from step to step": plain,
            "a step uphill: m = momentum * m - lr * g (minus), then w = w + m": 2 * float(w0) - expected,
        },
        hint="start with m = 0; for each gradient g: m = momentum * m - lr * g, then w = w + m.",
    )


@exercise_check
def check_legacy_fix(optimizer):
    """05, exercise 3: Keras 3 code for the Keras 2 line SGD(lr=0.01, decay=1e-4, momentum=0.9)."""
    import keras

    unwritten = _unwritten(optimizer, "optimizer", "keras.optimizers.SGD(learning_rate=<a schedule>, momentum=0.9).")
    if unwritten is not None:
        return unwritten
    if not isinstance(optimizer, keras.optimizers.SGD):
        return Feedback(False, f"{WRONG}: `optimizer` should be a keras.optimizers.SGD, not a "
                               f"{type(optimizer).__name__}. Hint: keras.optimizers.SGD(learning_rate=..., momentum=...).")
    schedule = optimizer._learning_rate
    if not isinstance(schedule, keras.optimizers.schedules.InverseTimeDecay):
        return Feedback(False, f"{WRONG}: the learning rate is a {type(schedule).__name__}, so it does not decay like "
                               "Keras 2's decay=. Hint: keras.optimizers.schedules.InverseTimeDecay(...).")
    problems = []
    if not np.isclose(schedule.initial_learning_rate, 0.01):
        problems.append(f"the initial rate is {schedule.initial_learning_rate}, not 0.01")
    if schedule.decay_steps != 1:
        problems.append(f"decay_steps is {schedule.decay_steps}: Keras 2 decayed every step, so use decay_steps=1")
    if not np.isclose(schedule.decay_rate, 1e-4):
        problems.append(f"decay_rate is {schedule.decay_rate}, not the old decay 1e-4")
    if schedule.staircase:
        problems.append("staircase=True makes the rate drop in jumps; Keras 2's decay was smooth")
    if not np.isclose(optimizer.momentum, 0.9):
        problems.append(f"momentum is {optimizer.momentum}, not 0.9")
    if problems:
        return Feedback(False, f"{WRONG}: " + "; ".join(problems) + ".")
    return Feedback(True, f"{PASSED}: SGD(learning_rate=InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-4), "
                          "momentum=0.9) trains exactly as the Keras 2 line did.")


@exercise_check
def check_rmsprop_window(window, rho):
    """06, exercise 1: the memory of RMSprop's average, about 1 / (1 - rho) steps."""
    return compare_numbers(
        window,
        1 / (1 - rho),
        name="window",
        rtol=0.05,
        mistakes={
            "1 / rho: the weight that decays per step is rho, the memory is 1 / (1 - rho)": 1 / rho,
            "1 - rho, the weight of the newest squared gradient": 1 - rho,
        },
        hint="each step multiplies older weights by rho; the memory is about 1 / (1 - rho) steps.",
    )


@exercise_check
def check_uncorrected_first_step(first_step, learning_rate, beta_1, beta_2):
    """06, exercise 2: Adam's first step without bias correction: lr (1 - beta_1) / sqrt(1 - beta_2)."""
    return compare_numbers(
        first_step,
        learning_rate * (1 - beta_1) / np.sqrt(1 - beta_2),
        name="first_step",
        mistakes={
            "the learning rate itself: that is the step *with* the bias correction": learning_rate,
            "lr (1 - beta_1) / (1 - beta_2): the second moment enters through its square root":
                learning_rate * (1 - beta_1) / (1 - beta_2),
        },
        hint="after one step m = (1 - beta_1) g and v = (1 - beta_2) g^2; the step is lr m / sqrt(v).",
    )


@exercise_check
def check_adam_fix(optimizer):
    """07, exercise 1: the Keras 3 version of the Keras 2 line Adam(lr=0.01)."""
    import keras

    unwritten = _unwritten(optimizer, "optimizer", "the argument is called learning_rate in Keras 3.")
    if unwritten is not None:
        return unwritten
    if isinstance(optimizer, str):
        return Feedback(False, f"{WRONG}: the string {optimizer!r} gives the default rate 0.001; the old code "
                               "used 0.01. Hint: create the optimizer object: keras.optimizers.Adam(learning_rate=...).")
    if not isinstance(optimizer, keras.optimizers.Adam):
        return Feedback(False, f"{WRONG}: `optimizer` should be a keras.optimizers.Adam, not a "
                               f"{type(optimizer).__name__}.")
    rate = float(optimizer.learning_rate)
    if not np.isclose(rate, 0.01):
        return Feedback(False, f"{WRONG}: the learning rate is {rate:.3g}; the old code asked for 0.01.")
    return Feedback(True, f"{PASSED}: keras.optimizers.Adam(learning_rate=0.01).")


@exercise_check
def check_rate_for_target(rate, target=0.95, epochs=5):
    """07, exercise 2: a plain-SGD learning rate that reaches ``target`` validation accuracy within ``epochs``."""
    import keras

    from course_utils.digits import train

    unwritten = _unwritten(rate, "rate", "use the results table of the capstone; plain SGD needs a larger rate than Adam.")
    if unwritten is not None:
        return unwritten
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not np.isfinite(rate) or rate <= 0:
        return Feedback(False, f"{WRONG}: `rate` should be a positive number such as 0.1, not {rate!r}.")
    history = train(keras.optimizers.SGD(learning_rate=float(rate)), epochs=epochs).history
    accuracy, losses = history["val_accuracy"], history["loss"]
    best = max(accuracy)
    if best >= target:
        epoch = next(i for i, a in enumerate(accuracy, start=1) if a >= target)
        return Feedback(True, f"{PASSED}: with SGD(learning_rate={rate:g}) the validation accuracy reaches "
                              f"{accuracy[epoch - 1]:.3f} at epoch {epoch}.")
    chance = np.log(10)  # the cross-entropy of guessing uniformly among 10 classes
    if not np.all(np.isfinite(losses)) or losses[-1] > 1.2 * chance:
        advice = (f"the training broke (final loss {losses[-1]:.3g}, worse than guessing's {chance:.2f}): "
                  "the rate is too large, try about 10x smaller")
    else:
        advice = f"the best validation accuracy in {epochs} epochs was {best:.3f}: try a larger rate"
    return Feedback(False, f"{WRONG}: {advice}. Hint: the capstone's table shows how fast plain SGD learns at 0.3 "
                           "and at 1 (batches of 64).")
