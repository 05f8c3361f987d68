"""Exercises and their checks: a clear verdict, a diagnosis that gives nothing away, help on demand.

An :class:`Exercise` is what a notebook's exercise section imports (``from course_utils.exercises.gradients
import ex1``). ``ex1.check(answer)`` returns a :class:`Feedback`: ✅ right, 📝 not written yet (and only how to
ask for help), or ❌ with what looks wrong, without the right value. ``ex1.hint()`` gives help in levels, a
nudge first, then the method; ``ex1.solution()`` shows a solution, unless the instructor switched solutions
off (environment variable ``COURSE_SOLUTIONS=off``).

A check never ends in a traceback: inside a check, :class:`Reply` stops with a verdict, and any other error
becomes a message that says the check could not read the answer.
"""

import contextlib
import inspect
import json
import os
import signal
import threading
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources

import numpy as np

PASSED = "✅ Correct"
NOT_YET = "📝 Not solved yet"
WRONG = "❌ Not yet"

#: Factors a learner really slips in (a forgotten 2 of a square, a mean for a sum of two), named when exact.
SLIP_FACTORS = (2.0, 0.5)


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


class Reply(Exception):
    """Raised inside a check to stop with a verdict: ``raise Reply(wrong("..."))``."""

    def __init__(self, feedback):
        if not isinstance(feedback, Feedback):
            raise TypeError(f"feedback must be a Feedback, got {type(feedback).__name__}")
        super().__init__(feedback.message)
        self.feedback = feedback


def passed(message):
    """A ✅ verdict."""
    return Feedback(True, f"{PASSED}: {message}")


def wrong(message):
    """A ❌ verdict: what looks wrong, never the right value."""
    return Feedback(False, f"{WRONG}: {message}")


def not_yet(name, shown="..."):
    """The 📝 verdict for an answer not written yet: it says that, and nothing about the answer."""
    return Feedback(False, f"{NOT_YET}: `{name}` is still `{shown}`.")


def _format(values, digits=6):
    values = np.asarray(values)
    if values.ndim == 0:
        return f"{values.item():.{digits}g}"
    return np.array2string(values, precision=4, separator=", ", threshold=12)


def as_numbers(answer, name):
    """The learner's number or array as float64; otherwise raise :class:`Reply` saying what it is instead.

    Accepts Python and NumPy numbers, lists, arrays, TensorFlow tensors and variables, Fraction and Decimal.
    """
    if answer is Ellipsis:
        raise Reply(not_yet(name))
    if answer is None:
        raise Reply(wrong(f"`{name}` is None. A function without `return` gives None, and so does "
                          "`x = print(...)`: store the value itself."))
    if callable(answer) and not hasattr(answer, "numpy"):
        raise Reply(wrong(f"`{name}` is a function. Call it and store its result, e.g. `{name}(...)`."))
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        raise Reply(wrong(f"`{name}` should be a number or an array of numbers, not {type(answer).__name__} "
                          f"{answer!r:.40}."))
    try:
        raw = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer)
        if isinstance(answer, complex) or np.iscomplexobj(raw):
            raise Reply(wrong(f"`{name}` is a complex number; the answer is real."))
        with np.errstate(over="raise"):
            values = raw.astype(np.float64)
    except (OverflowError, FloatingPointError):
        raise Reply(wrong(f"`{name}` is too large for a float (beyond 1.8e308).")) from None
    except (TypeError, ValueError, AttributeError):
        raise Reply(wrong(f"`{name}` should be a number or an array of numbers; this {type(answer).__name__} "
                          "cannot be read as one.")) from None
    if values.dtype == object or not np.all(np.isfinite(values)):
        raise Reply(wrong(f"`{name}` contains NaN or infinity: {_format(values)}."))
    return values


def _shape_problem(values, expected, name):
    if values.shape == expected.shape or (expected.ndim == 0 and values.size == 1):
        return None
    if expected.ndim == 0:
        return f"`{name}` should be a single number, but it has shape {values.shape}."
    if values.T.shape == expected.shape and values.ndim > 1:
        return f"`{name}` has shape {values.shape}, the transpose of the expected {expected.shape}."
    if values.size == expected.size:
        return f"`{name}` has shape {values.shape} but should have shape {expected.shape} (reshape it?)."
    return f"`{name}` has shape {values.shape} but should have shape {expected.shape}."


def compare_numbers(answer, expected, *, name="answer", rtol=1e-6, atol=1e-9, mistakes=None, factors=SLIP_FACTORS):
    """Compare a learner's number or array with the expected one; a wrong answer is diagnosed, never revealed.

    mistakes: {description: value} of typical wrong answers, recognised and named (checked in order).
    factors: whole-answer factors to name when the answer is exactly that multiple (default 2 and 1/2).
    A near miss (within 1 %) is called close, with a reminder not to round by hand.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    try:
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"expected must be a number or an array of numbers, got {expected!r:.60}") from None
    try:
        return _compare(answer, expected, name, rtol, atol, mistakes or {}, factors)
    except Reply as reply:
        return reply.feedback


def _compare(answer, expected, name, rtol, atol, mistakes, factors):
    values = as_numbers(answer, name)
    shape_problem = _shape_problem(values, expected, name)
    if shape_problem:
        raise Reply(wrong(shape_problem))
    values = values.reshape(expected.shape)

    def close(target, rtol=rtol):
        with np.errstate(all="ignore"):
            return bool(np.allclose(values, target, rtol=rtol, atol=atol))

    if close(expected):
        return passed(f"{name} = {_format(values)}.")
    shown = f"`{name}` = {_format(values, digits=10)}"
    for description, value in mistakes.items():
        if close(np.broadcast_to(np.asarray(value, dtype=np.float64), expected.shape)):
            return wrong(f"{shown} looks like {description}.")
    if close(-expected):
        return wrong(f"{shown} has the wrong sign.")
    for factor in factors:
        if close(factor * expected, rtol=max(rtol, 1e-9)):
            return wrong(f"{shown} is off by a factor of {Fraction(factor).limit_denominator(1000)}.")
    if close(expected, rtol=1e-2):
        return wrong(f"{shown} is close, but not within the tolerance: compute it in code (float64) "
                     "instead of rounding or copying digits.")
    if expected.size > 1:
        with np.errstate(all="ignore"):
            right = np.isclose(values, expected, rtol=rtol, atol=atol)
        if right.any():
            return wrong(f"{shown}: {int(right.sum())} of {right.size} entries are right, the others are not.")
    return wrong(f"{shown} is not the expected value.")


#: Seconds a learner's function may run inside a check before it is stopped as an endless loop.
TIME_LIMIT = 60


class _TooSlow(BaseException):
    """Raised by the alarm inside the learner's function (a BaseException: `except Exception` cannot swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Stop the code inside after ``seconds`` (Unix, main thread, as in Jupyter; elsewhere no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call(function, *args, name, **kwargs):
    """Call the learner's function; on an error inside it, an endless loop, or ``...``, raise :class:`Reply`."""
    if function is Ellipsis:
        raise Reply(not_yet(name))
    if not callable(function):
        raise Reply(wrong(f"`{name}` should be a function (def {name}(...): ...), not a {type(function).__name__}."))
    try:
        with _time_limit(TIME_LIMIT):
            result = function(*args, **kwargs)
    except _TooSlow:
        raise Reply(wrong(f"`{name}` did not finish within {TIME_LIMIT} s, so the check stopped it: is there a loop "
                          "that never ends?")) from None
    except (Exception, SystemExit) as error:  # the learner's code failed: say where and how, as a verdict
        raise Reply(wrong(f"calling `{name}` raised {type(error).__name__}: {str(error)[:300]}")) from None
    if result is Ellipsis:
        raise Reply(Feedback(False, f"{NOT_YET}: `{name}` still returns `...`."))
    return result


# --- Help: hints in levels, and solutions -------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    """A hint or a solution: plain text for the console, Markdown in JupyterLab."""

    title: str
    text: str
    code: str = ""

    def __repr__(self):
        return f"{self.title}\n{self.text}" + (f"\n\n{self.code}" if self.code else "")

    def _repr_markdown_(self):
        code = f"\n\n```python\n{self.code}\n```" if self.code else ""
        return f"**{self.title}**\n\n{self.text}{code}"


def solutions_enabled():
    """False when the instructor switched solutions off (``COURSE_SOLUTIONS=off``, for a graded class)."""
    return os.environ.get("COURSE_SOLUTIONS", "on").strip().lower() not in {"off", "0", "false", "no"}


def stored_solution(module, label):
    """The solution code of exercise ``label`` of ``module``, as written in the instructor's notebook."""
    folder = resources.files("course_utils.exercises") / "solutions"
    modules = sorted(entry.name.removesuffix(".json") for entry in folder.iterdir() if entry.name.endswith(".json"))
    if module not in modules:
        raise ValueError(f"module must be one of the exercises modules {modules}, got {module!r}")
    stored = json.loads((folder / f"{module}.json").read_text(encoding="utf-8"))
    if label not in stored:
        raise ValueError(f"label must be one of {sorted(stored)} for {module}, got {label!r}")
    return stored[label]


class Exercise:
    """One exercise: ``check`` the learner's answer, ``hint()`` in levels, ``solution()`` on request.

    label: the name the notebook uses (``"ex1"``); module: the exercises module (``"gradients"``);
    checker: a function of the learner's answer(s) that returns a Feedback or raises :class:`Reply`;
    hints: the levels of help, from a nudge to the method (never the code itself).
    """

    def __init__(self, label, module, checker, hints):
        if not (isinstance(label, str) and label.isidentifier()):
            raise TypeError(f"label must be the exercise's variable name, such as 'ex1', got {label!r}")
        if not isinstance(module, str) or not module:
            raise TypeError(f"module must be the name of an exercises module, got {module!r}")
        if not callable(checker):
            raise TypeError(f"checker must be a function that returns a Feedback, got {type(checker).__name__}")
        if isinstance(hints, str) or not hints or not all(isinstance(h, str) and h for h in hints):
            raise ValueError(f"hints must be a non-empty list of texts (nudge first), got {hints!r:.80}")
        self.label, self.module, self._checker, self.hints = label, module, checker, tuple(hints)
        self._hints_seen = 0

    def __repr__(self):
        return f"<exercise {self.module}.{self.label}: {self.label}.check(...), {self.label}.hint(), " \
               f"{self.label}.solution()>"

    def check(self, *answers, **named):
        """Check the learner's answer: ✅, 📝 or ❌ with a diagnosis; never a traceback."""
        try:
            inspect.signature(self._checker).bind(*answers, **named)
        except TypeError:
            wanted = ", ".join(inspect.signature(self._checker).parameters)
            return Feedback(False, f"{WRONG}: pass your answer to the check: `{self.label}.check({wanted})`, as the "
                                   "check cell does.")
        try:
            feedback = self._checker(*answers, **named)
            if not isinstance(feedback, Feedback):
                raise TypeError(f"the checker returned {type(feedback).__name__}, not a Feedback")
        except Reply as reply:
            feedback = reply.feedback
        except Exception as error:  # a check must always answer, whatever it was given
            feedback = wrong(f"your answer could not be checked ({type(error).__name__}: {str(error)[:200]}). "
                             "Run the exercise cell again, then this cell; if it persists, restart the kernel.")
        if feedback.passed:
            return feedback
        if feedback.message.startswith(NOT_YET):
            return Feedback(False, f"{feedback.message} Write your answer in the exercise cell, run it, then "
                                   f"run this cell. Stuck? `{self.label}.hint()` gives a hint.")
        return Feedback(False, f"{feedback.message} (`{self.label}.hint()` for help.)")

    def hint(self, level=None):
        """The next level of help (or ``level`` 1, 2, ...): a nudge first, then the method."""
        if level is None:
            level = min(self._hints_seen + 1, len(self.hints) + 1)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(self.hints) + 1:
            raise ValueError(f"level must be a whole number from 1 to {len(self.hints)}, or left out for the "
                             f"next hint; got {level!r}")
        self._hints_seen = max(self._hints_seen, level)
        after = (f"`{self.label}.solution()` shows a solution." if solutions_enabled()
                 else "Solutions are switched off for this class: ask your instructor.")
        if level > len(self.hints):
            return Help("No more hints.", f"That was the last one. {after}")
        more = (f"Still stuck? `{self.label}.hint()` again for more." if level < len(self.hints)
                else f"That was the last hint. {after}")
        return Help(f"Hint {level} of {len(self.hints)}", f"{self.hints[level - 1]}\n\n{more}")

    def solution(self):
        """A solution (the instructor's), unless solutions are switched off for this class."""
        if not solutions_enabled():
            return Help("Solutions are switched off for this class.",
                        f"Your instructor set COURSE_SOLUTIONS=off. `{self.label}.hint()` still helps.")
        return Help(f"A solution to {self.label}", "Read it, then write it yourself without looking.",
                    stored_solution(self.module, self.label))


def _old_compare(*args, hint="", **kwargs):  # TEMPORARY: the old check_* functions below use it
    return compare_numbers(*args, **kwargs)


def exercise_check(function):
    """TEMPORARY (old checks): decorate a check so that any error inside it becomes feedback."""
    import functools

    if not callable(function):
        raise TypeError(f"function must be a check function to decorate, got {type(function).__name__}")

    @functools.wraps(function)
    def checked(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            return wrong(f"your answer could not be checked ({type(error).__name__}: {error}).")

    return checked


def _unwritten(answer, name, hint=""):
    if answer is not Ellipsis and answer is not None:
        return None
    return not_yet(name, "..." if answer is Ellipsis else "None")


# --- The exercises' checks, notebook by notebook -------------------------------------------------


@exercise_check
def check_mse(mse, y_true, y_pred):
    """00, worked exercise: the mean squared error of ``y_pred`` against ``y_true``."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    errors = y_pred - y_true
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
    return _old_compare(
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
