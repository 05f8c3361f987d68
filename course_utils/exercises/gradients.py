"""01 · Gradients: the exercises of ``notebooks/01_gradients.ipynb``.

ex1: the learner writes ``numerical_gradient(f, params, h)``, one central difference per parameter; the check calls
it on functions of its own with 1 to 4 parameters, at steps large enough that the central difference, the forward
difference and the exact gradient (``tf.GradientTape``) all differ, and makes sure ``params`` is left as it was.

ex2: the learner writes ``train_line(x, y, learning_rate, steps)`` with ``tf.Variable``, ``tf.GradientTape`` and
``assign_sub``; the check runs it on data of its own and compares with a reference loop, while it watches what the
learner's code asks the tape (the same two Variables at every step, the gradient of the mean squared error), so
that ``w = w - learning_rate * dw`` and other classic slips are named.
"""

import functools
import re
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from course_utils import checks
from course_utils.checks import Exercise, Reply, as_numbers, not_yet, passed, still_returns_dots, wrong
from course_utils.i18n import N_, _



def _time_limited(name):
    """Give a checker the time limit of ``checks.call``: a learner's function that does not end gets a verdict.

    The limit covers every call the checker makes, so an endless loop is stopped after ``checks.TIME_LIMIT`` s.
    """
    def decorate(checker):
        @functools.wraps(checker)
        def limited(answer):
            try:
                with checks._time_limit(checks.TIME_LIMIT):
                    return checker(answer)
            except checks._TooSlow:
                return wrong(_("`{name}` did not finish within {seconds} s, so the check stopped it: is there a "
                               "loop that never ends?").format(name=name, seconds=checks.TIME_LIMIT))

        return limited

    return decorate


# --- Exercise 1: the gradient by central differences, one parameter at a time ---------------------------------


class _WrongInput(TypeError):
    """Raised by the check's f when the learner's code calls it with something other than the parameter array."""


class _AboutF(str):
    """The text of a problem with how the learner's code called the check's f (a str, marked as such)."""


class _CourseHelper(Exception):
    """Raised by the check's f when the course's own ``gradcheck.numerical_gradients`` calls it."""


def _helper_on_stack(frame):
    from course_utils import gradcheck

    while frame is not None:
        if frame.f_code is gradcheck.numerical_gradients.__code__:
            return True
        frame = frame.f_back
    return False


@dataclass(frozen=True)
class _Case:
    """One call the check makes: ``numerical_gradient(f, params, h)`` with a function, a point and a step of its own.

    ``formula`` uses only arithmetic on ``p[0]``, ``p[1]``, ...: it runs on NumPy arrays and on TensorFlow tensors
    alike, so that ``tf.GradientTape`` gives its exact gradient.
    """

    text: str
    formula: object
    params: tuple
    h: float

    @property
    def n(self):
        return len(self.params)

    @property
    def shown(self):
        """The call, in the learner's language."""
        return _(self.text)

    def function(self):
        """The f handed to the learner: the formula, refusing anything but one array of n parameters."""
        n = self.n

        def f(*args, **kwargs):
            if _helper_on_stack(sys._getframe(1)):
                raise _CourseHelper()
            if kwargs or len(args) != 1:
                given = len(args) + len(kwargs)
                raise _WrongInput(_("the check's f takes one argument, the array of all {n} parameters, but it "
                                    "was called with {given} arguments: call `f(p)`, not `f(*p)`.").format(
                                        n=n, given=given))
            p = args[0]
            if not hasattr(p, "shape"):
                try:
                    p = np.asarray(p, dtype=np.float64)
                except (TypeError, ValueError):
                    raise _WrongInput(_("the check's f takes the array of all {n} parameters, but it was called "
                                        "with a {type}.").format(n=n, type=type(args[0]).__name__)) from None
            shape = tuple(p.shape)
            if shape != (n,):
                if shape in ((), (1,)):
                    raise _WrongInput(_("the check's f takes the array of all the parameters (for {text}: shape "
                                        "({n},)), but it was called with one number. Pass f the whole array, with "
                                        "only entry i moved.").format(text=self.shown, n=n))
                raise _WrongInput(_("the check's f takes the array of all the parameters (for {text}: shape ({n},)), "
                                    "but it was called with an array of shape {shape}. Pass f the whole array, with "
                                    "only entry i moved.").format(text=self.shown, n=n, shape=shape))
            return self.formula(p)

        return f

    def at(self, shift):
        """f at params + shift, in float64."""
        return self.formula(np.asarray(self.params, dtype=np.float64) + shift)

    def each(self, slope):
        """The array of ``slope(at, e, h)`` for every unit vector e (the learner's loop, one entry per parameter)."""
        return np.array([slope(self.at, unit, self.h) for unit in np.eye(self.n)])

    def central(self):
        return self.each(lambda at, e, h: (at(h * e) - at(-h * e)) / (2 * h))

    def exact(self):
        """The exact gradient, by tf.GradientTape (float64)."""
        import tensorflow as tf

        p = tf.Variable(np.asarray(self.params, dtype=np.float64))
        with tf.GradientTape() as tape:
            value = self.formula(p)
        return tape.gradient(value, p).numpy()


#: The check's calls: never shown in the notebook. Steps are large, so that the central difference, the forward
#: difference and the exact gradient all differ; no step is 0.5 or 1 (where 2h = 1 or h = 1 hides a slip).
CASES = (
    _Case(N_("f(p) = (1 - p[0])**2 + 5 * (p[1] - p[0]**2)**2 at p = (0.5, 1.2) with h = 0.2"),
          lambda p: (1 - p[0]) ** 2 + 5 * (p[1] - p[0] ** 2) ** 2, (0.5, 1.2), 0.2),
    _Case(N_("f(p) = p[0] * p[1] * p[2] + p[0]**3 - p[1] * p[2]**2 at p = (0.4, -1.1, 0.7) with h = 0.15"),
          lambda p: p[0] * p[1] * p[2] + p[0] ** 3 - p[1] * p[2] ** 2, (0.4, -1.1, 0.7), 0.15),
    _Case(N_("f(p) = 1 / (1 + p[0]**2) at p = (0.2,) with h = 0.3"),
          lambda p: 1 / (1 + p[0] ** 2), (0.2,), 0.3),
    _Case(N_("f(p) = (p[0]**4 + p[1]**4 + p[2]**4 + p[3]**4) / 4 + p[0] * p[3] - p[1] * p[2] at "
             "p = (0.8, -0.6, 1.3, -1.0) with h = 0.1"),
          lambda p: (p[0] ** 4 + p[1] ** 4 + p[2] ** 4 + p[3] ** 4) / 4 + p[0] * p[3] - p[1] * p[2],
          (0.8, -0.6, 1.3, -1.0), 0.1),
)


def _himmelblau_central(case):
    """The central differences of the notebook's Himmelblau function (of p[0] and p[1]), not of the f given."""
    def at(shift):
        p = np.zeros(max(case.n, 2))
        p[:case.n] = np.asarray(case.params) + shift
        return (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2

    return np.array([(at(case.h * e) - at(-case.h * e)) / (2 * case.h) for e in np.eye(case.n)])


SAME_ARRAY = N_("zeros in every entry: f was evaluated twice at the same point. `p_plus = params` does not copy an "
                "array, it gives the same array a second name, so `p_plus` and `p_minus` are one array (and so is "
                "`params`). Nor does `params[:]` copy: slicing a NumPy array gives a view of the same numbers. Make "
                "copies, `params.copy()`, and move entry i of each")

#: Slips a learner makes, each as a function of the check's call, with what to say (translated where it is said).
GRADIENT_MISTAKES = {
    N_("a forward difference in each entry, (f(p + h e_i) - f(p)) / h: a central difference takes one point on "
       "each side"): lambda c: c.each(lambda at, e, h: (at(h * e) - at(0 * e)) / h),
    N_("a backward difference in each entry, (f(p) - f(p - h e_i)) / h: a central difference takes one point on "
       "each side"): lambda c: c.each(lambda at, e, h: (at(0 * e) - at(-h * e)) / h),
    N_("f at params + h e_i and at params itself, divided by 2h: the second point should be params - h e_i. "
       "(After `p[i] += h`, `p[i] -= h` brings p back to params; move it by 2h, or start again from a copy)"):
        lambda c: c.each(lambda at, e, h: (at(h * e) - at(0 * e)) / (2 * h)),
    SAME_ARRAY: lambda c: np.zeros(c.n),
    N_("the same number in every entry: `params + h` moves *every* parameter at once. Move only parameter i, "
       "by adding h to entry i of a copy"): lambda c: np.full(c.n, (c.at(c.h) - c.at(-c.h)) / (2 * c.h)),
    N_("differences divided by h: how far apart are the two points where f is evaluated?"):
        lambda c: c.each(lambda at, e, h: (at(h * e) - at(-h * e)) / h),
    N_("`... / 2 * h`: Python reads `a / 2 * h` as `(a / 2) * h`, so h multiplies instead of dividing; put the "
       "whole denominator in parentheses"): lambda c: c.each(lambda at, e, h: (at(h * e) - at(-h * e)) / 2 * h),
    N_("`f(...) - f(...) / (2 * h)`: Python divides before it subtracts, so only the second value is divided; put "
       "the difference in parentheses"): lambda c: c.each(lambda at, e, h: at(h * e) - at(-h * e) / (2 * h)),
    N_("differences of two values of f, not divided by the distance between the points"):
        lambda c: c.each(lambda at, e, h: at(h * e) - at(-h * e)),
    N_("differences with the wrong sign: which value is subtracted from which?"):
        lambda c: c.each(lambda at, e, h: (at(-h * e) - at(h * e)) / (2 * h)),
    N_("points half a step from params, (f(p + h/2 e_i) - f(p - h/2 e_i)) / h: this notebook's central difference "
       "moves by the whole step, to params ± h e_i, and divides by 2h"):
        lambda c: c.each(lambda at, e, h: (at(h / 2 * e) - at(-h / 2 * e)) / h),
    N_("points 2h from params, divided by 4h: the central difference with the step h moves by h"):
        lambda c: c.each(lambda at, e, h: (at(2 * h * e) - at(-2 * h * e)) / (4 * h)),
    N_("a five-point formula: it is more accurate, but this exercise asks for the plain central difference with the "
       "step h"): lambda c: c.each(lambda at, e, h: (-at(2 * h * e) + 8 * at(h * e) - 8 * at(-h * e)
                                                     + at(-2 * h * e)) / (12 * h)),
    N_("the exact gradient (what calculus or `tf.GradientTape` gives), not central differences with the step h it "
       "is given. Does your function use h, or a tiny step of its own?"): lambda c: c.exact(),
    N_("f's value in every entry, not slopes"): lambda c: np.full(c.n, c.at(0.0)),
    N_("the central differences of the notebook's `himmelblau`, not of the function `f` passed in (the first "
       "argument)"): _himmelblau_central,
}

_GRADIENT_RTOL, _GRADIENT_ATOL = 1e-5, 1e-6  # float32 arithmetic passes; every slip above is over 1e-3 away

CHANGED = N_("`numerical_gradient` changed the `params` array it was given (for {text}, entry {i} was "
             "{before:.6g} and is {after:.6g} after the call). `p = params` does not copy an array, it gives the same "
             "array a second name (and `params[:]` is a view of the same numbers, not a copy either), so `p[i] += h` "
             "moves the caller's parameters, and every later entry is computed at the wrong point. Work on a copy, "
             "`params.copy()`, or put entry i back as it was after each difference.")
HELPER = N_("`numerical_gradient` calls the course's `gradcheck.numerical_gradients`. That is the function you are "
            "writing: loop over the parameters yourself.")
TWO_ONLY = N_("`numerical_gradient` is right for the check's function of 2 parameters, but not for {text}: there it "
              "{problem}. Section 2 wrote out one difference per parameter; a loop over `range(len(params))` works "
              "for any number of them.")


def _gradient_values(result, case):
    """The learner's result for ``case`` as a float64 array of n numbers; otherwise raise Reply."""
    name = "numerical_gradient"
    if result is Ellipsis:
        raise Reply(still_returns_dots(name))
    if result is None:
        raise Reply(wrong(_("`{name}` returned None. A function without `return` gives None: end it with `return` "
                            "and the array of partial derivatives.").format(name=name)))
    if callable(result) and not hasattr(result, "numpy"):
        raise Reply(wrong(_("`{name}` returned a function, not numbers: return the array of partial "
                            "derivatives.").format(name=name)))
    values = as_numbers(result, f"{name}(f, params, h)")
    if str(getattr(getattr(result, "dtype", None), "kind", "")) in ("i", "u", "b"):
        raise Reply(wrong(_("`{name}` returned an array of integers ({dtype}), which cannot hold the decimals of a "
                            "slope: create the result as a float array, e.g. `np.zeros(len(params))`.").format(
                                name=name, dtype=result.dtype)))
    if values.size != case.n:
        size_problems = {  # (one number returned, one parameter)
            (True, True): N_("returned {size} number for a function of {n} parameter: one partial derivative per "
                             "parameter."),
            (True, False): N_("returned {size} number for a function of {n} parameters: one partial derivative per "
                              "parameter."),
            (False, True): N_("returned {size} numbers for a function of {n} parameter: one partial derivative per "
                              "parameter."),
            (False, False): N_("returned {size} numbers for a function of {n} parameters: one partial derivative "
                               "per parameter."),
        }
        raise _SizeProblem(_(size_problems[values.size == 1, case.n == 1]).format(size=values.size, n=case.n))
    return values.reshape(-1)


class _SizeProblem(Exception):
    """The learner's result has the wrong number of entries (said in the message)."""


@_time_limited("numerical_gradient")
def _check_numerical_gradient(numerical_gradient):
    """Call the learner's function on each of CASES; name a slip that explains every result."""
    if numerical_gradient is Ellipsis:
        raise Reply(not_yet("numerical_gradient"))
    if not callable(numerical_gradient):
        raise Reply(wrong(_("`numerical_gradient` should be a function (def numerical_gradient(f, params, h): ...), "
                            "not a {type}.").format(type=type(numerical_gradient).__name__)))
    results = []  # per case: the array, or the text of what went wrong
    for case in CASES:
        params = np.array(case.params, dtype=np.float64)
        try:
            result = numerical_gradient(case.function(), params, case.h)
        except _WrongInput as error:  # said as it is: what f was called with
            results.append(_AboutF(error))
            continue
        except _CourseHelper:
            raise Reply(wrong(_(HELPER))) from None
        except (Exception, SystemExit) as error:  # the learner's code failed: said below, unless a pattern explains it
            results.append(_("raised {error}: {message}").format(error=type(error).__name__,
                                                                  message=str(error)[:300].strip()))
            continue
        changed = ~np.isclose(params, case.params, rtol=1e-12, atol=1e-12)
        if changed.any():
            i = int(np.argmax(changed))
            raise Reply(wrong(_(CHANGED).format(text=case.shown, i=i, before=case.params[i], after=params[i])))
        try:
            results.append(_gradient_values(result, case))
        except _SizeProblem as problem:
            results.append(str(problem))
    return _gradient_verdict(results)


def _gradient_verdict(results):
    def close(values, target):
        return np.isclose(values, target, rtol=_GRADIENT_RTOL, atol=_GRADIENT_ATOL)

    right = [not isinstance(r, str) and bool(close(r, case.central()).all()) for r, case in zip(results, CASES)]
    if all(right):
        return passed(_("`numerical_gradient` gives the central differences for all {count} of the check's "
                        "functions (1 to {most} parameters, steps of their own), and leaves `params` as it "
                        "was.").format(count=len(CASES), most=max(c.n for c in CASES)))
    problems = [(case, r) for r, case, ok in zip(results, CASES, right) if isinstance(r, str)]
    if problems:
        two = [r for r, case in zip(right, CASES) if case.n == 2]
        case, problem = next((c, r) for c, r in problems)
        if two and all(two) and all(c.n != 2 for c, _ in problems):
            return wrong(_(TWO_ONLY).format(text=case.shown, problem=problem.rstrip(".。")))
        answered = [(r, c) for r, c in zip(results, CASES) if not isinstance(r, str)]
        slip = _named_slip(answered, close) if len(answered) >= 2 else None  # one that explains every answer given
        if slip:
            return wrong(slip)
        if isinstance(problem, _AboutF):
            return wrong(problem)
        return wrong(_("for {text}, `numerical_gradient` {problem}").format(text=case.shown, problem=problem))
    slip = _named_slip(list(zip(results, CASES)), close)
    if slip:
        return wrong(slip)
    entries = [close(r, c.central()) for r, c in zip(results, CASES)]
    if all(_rounded(value, target) for r, c, e in zip(results, CASES, entries)
           for value, target in zip(r[~e], c.central()[~e])):
        return wrong(_("`numerical_gradient` rounds its results: the entries that are wrong are the central "
                       "differences rounded to a few decimals. Return them as computed, without `round`."))
    wrong_pairs = [(value, target) for r, c, e in zip(results, CASES, entries)
                   for value, target in zip(r[~e], c.central()[~e])]
    first = right.index(False)
    case, entry = CASES[first], int(np.argmin(entries[first]))
    shown = _("for {text}, entry {entry} is not the central difference").format(text=case.shown, entry=entry)
    good, total = sum(int(e.sum()) for e in entries), sum(e.size for e in entries)
    if good and all(value == 0 for value, _target in wrong_pairs):
        return wrong(_("`numerical_gradient` leaves some entries at 0 ({wrong} of the check's {total}): does the "
                       "loop visit every parameter, from 0 to len(params) - 1, or does a `return` inside the loop end "
                       "it early?").format(wrong=total - good, total=total))
    if good and all(np.isclose(value, -target, rtol=_GRADIENT_RTOL, atol=_GRADIENT_ATOL) for value, target in
                    wrong_pairs):
        return wrong(_("`numerical_gradient` gives some entries with the wrong sign ({wrong} of the check's "
                       "{total}): is there an `abs`, or a difference taken the other way round?").format(
                           wrong=total - good, total=total))
    if good:
        return wrong(_("`numerical_gradient` gets {good} of the check's {total} partial derivatives right, but "
                       "{shown}. Check the order of operations, the sign, and any rounding, and that entry i moves "
                       "parameter i only.").format(good=good, total=total, shown=shown))
    return wrong(_("`numerical_gradient` does not compute central differences: {shown}. Check the order of "
                   "operations, the sign, and any rounding.").format(shown=shown))


def _named_slip(answers, close):
    """The text naming the slip of GRADIENT_MISTAKES that explains every (result, case) in ``answers``, or None."""
    for description, mistake in GRADIENT_MISTAKES.items():
        with np.errstate(all="ignore"):
            if all(close(result, mistake(case)).all() for result, case in answers):
                if description.endswith("?"):  # a question ends the sentence itself
                    return _("`numerical_gradient` computes {description}").format(description=_(description))
                return _("`numerical_gradient` computes {description}.").format(description=_(description))
    return None


def _rounded(value, target):
    """True when ``value`` is ``target`` rounded to 0 to 4 decimals."""
    return any(value == round(float(target), digits) for digits in range(5))


ex1 = Exercise(
    "ex1", "gradients", _check_numerical_gradient,
    hints=[
        N_("A partial derivative is a slope along one parameter while all the others stay where they are. How do "
           "you move one entry of an array without touching the array the caller gave you?"),
        N_("Work on copies, in one loop over i. `params.copy()` gives a new array whose entry i you can move "
           "without touching `params`: make two per i, one with entry i up by h and one with it down by h. Keep the "
           "results in a float array made before the loop (`np.zeros`), one entry per i (the change in f over 2h), "
           "and return it after the loop has ended."),
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

    @property
    def shown(self):
        """The run, in the learner's language."""
        return _(self.text)

    def data(self):
        """The data as float32 (what the learner's function receives), widened to float64 for the reference."""
        return (np.asarray(self.x, dtype=np.float32).astype(np.float64),
                np.asarray(self.y, dtype=np.float32).astype(np.float64))


#: The check's data: never shown in the notebook. 12 points of y = 1.5 x - 0.5 plus noise, and 7 of -0.8 x + 2.
LINE_A = _Run(
    N_("12 points, learning rate 0.06, 25 steps"),
    (-1.0, -0.7, -0.3, 0.0, 0.2, 0.5, 0.9, 1.1, 1.4, 1.6, 1.8, 2.0),
    (-2.3, -1.4, -0.9, -0.4, -0.4, 0.4, 0.7, 1.4, 1.5, 2.0, 2.3, 2.6),
    0.06, 25,
)
LINE_START = _Run(N_("the same 12 points with steps = 0"), LINE_A.x, LINE_A.y, 0.06, 0)
LINE_B = _Run(
    N_("7 other points, learning rate 0.02, 12 steps"),
    (0.5, 1.0, 1.5, 2.5, 3.0, 3.5, 4.0),
    (1.7, 1.1, 0.9, 0.1, -0.5, -0.8, -1.1),
    0.02, 12,
)
LINES = (LINE_A, LINE_START, LINE_B)

_LINE_RTOL, _LINE_ATOL = 1e-5, 1e-6  # float32 rounding over a few dozen steps: about 1e-7


def _mse_gradient(w, b, x, y):
    error = w * x + b - y
    return np.array([2 * np.mean(error * x), 2 * np.mean(error)])


def _descend(run, *, gradient=_mse_gradient, learning_rate=None, steps=None, sign=-1.0, start=(0.0, 0.0),
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


def _every_pair(w, b, x, y):  # x[:, None] - y: the (n, n) table of every prediction minus every target
    error = w * x[:, None] + b - y[None, :]
    return np.array([2 * np.mean(error * x[:, None]), 2 * np.mean(error)])


def _root_of_mean(w, b, x, y):
    error = w * x + b - y
    return _mse_gradient(w, b, x, y) / (2 * np.sqrt(np.mean(error**2)))


#: Wrong losses, {description: gradient(w, b, x, y)}: named from the whole run, and from the tape's first gradient.
SUM_LOSS = N_("the gradient of the *sum* of the squared errors (`tf.reduce_sum`): the loss is their mean")
HALF_LOSS = N_("the gradient of half the mean squared error: the loss is the mean of the squared errors, without 1/2")
LOSS_MISTAKES = {
    SUM_LOSS: lambda w, b, x, y: _mse_gradient(w, b, x, y) * x.size,
    HALF_LOSS: lambda w, b, x, y: _mse_gradient(w, b, x, y) / 2,
    N_("the gradient of the mean error (or of the mean prediction), not squared: the loss squares each error"):
        lambda w, b, x, y: np.array([np.mean(x), 1.0]),
    N_("the gradient of the square of the mean error: square each error first, then take the mean"):
        lambda w, b, x, y: 2 * np.mean(w * x + b - y) * np.array([np.mean(x), 1.0]),
    N_("the gradient of the mean *absolute* error: the loss is the mean of the *squared* errors"):
        lambda w, b, x, y: np.array([np.mean(np.sign(w * x + b - y) * x), np.mean(np.sign(w * x + b - y))]),
    N_("the gradient of the root of the mean squared error (RMSE): the loss is the MSE itself"): _root_of_mean,
    N_("the errors of every x against every y: a column of shape (n, 1) (`x[:, None]`, as in section 3's Keras "
       "cell) and a vector of shape (n,) broadcast to an n × n table. Keep x and y 1-D here, or give both the same "
       "shape"): _every_pair,
}


def _line_mistakes(run, wrong_size_steps=True):
    """{description: (w, b)} of the slips a learner makes, for the check's call ``run`` (descriptions in the learner's
    language); without the steps of the wrong size unless ``wrong_size_steps`` (named only when the tape's first
    gradient is right: else a loss that rescales the gradient, which ends in the same place, is named)."""
    def swapped_gradients(w, b, x, y):
        return _mse_gradient(w, b, x, y)[::-1]

    def one_after_the_other():  # w moves first; b's gradient is then taken at the new w
        x, y = run.data()
        w = b = 0.0
        for _ in range(run.steps):
            w -= run.learning_rate * _mse_gradient(w, b, x, y)[0]
            b -= run.learning_rate * _mse_gradient(w, b, x, y)[1]
        return np.array([w, b])

    # A loss of the list is named from the tape's first gradient; one that only rescales the gradient (the sum, half
    # the MSE) is, when the tape's gradient is right, a step of the wrong size instead.
    wrong_size = {
        _("steps of twice `learning_rate` (a factor 2 in the update?): each step is `learning_rate` times the tape's "
          "gradient, which already holds the 2 of the square"): _descend(run, learning_rate=2 * run.learning_rate),
        _("steps of half `learning_rate` (a `/ 2` in the update?): each step is `learning_rate` times the tape's "
          "gradient, as it is"): _descend(run, learning_rate=run.learning_rate / 2),
    }
    mistakes = {
        _("one step too many: the loop should take exactly `steps` steps"): _descend(run, steps=run.steps + 1),
        _("one step too few: the loop should take exactly `steps` steps"): _descend(run, steps=max(run.steps - 1, 0)),
        _("steps *uphill*: gradient descent subtracts the gradient (`assign_sub`, not `assign_add`, and a minus sign "
          "if you write the step yourself)"): _descend(run, sign=+1.0),
        **{_(description): _descend(run, gradient=gradient) for description, gradient in LOSS_MISTAKES.items()
           if description not in (SUM_LOSS, HALF_LOSS)},
        **(wrong_size if wrong_size_steps else {}),
        _("only one step: a `return` inside the loop (indented too far) stops the function after the first step"):
            _descend(run, steps=1),
        _("b's gradient taken after w has moved: take both gradients from one tape, then update both"):
            one_after_the_other(),
        _("w updated with the gradient of b and b with that of w: `tape.gradient(loss, [w, b])` returns the "
          "gradients in the order of the list"): _descend(run, gradient=swapped_gradients),
        _("b moved by the gradient of w (`b.assign_sub(learning_rate * dw)`): each Variable moves by its own "
          "gradient"): _descend(run, gradient=lambda *a: _mse_gradient(*a)[[0, 0]]),
        _("w moved by the gradient of b (`w.assign_sub(learning_rate * db)`): each Variable moves by its own "
          "gradient"): _descend(run, gradient=lambda *a: _mse_gradient(*a)[[1, 1]]),
        _("w never updated (only b moves)"): _descend(run, update=(False, True)),
        _("b never updated (only w moves)"): _descend(run, update=(True, False)),
        _("a start at section 4's w0 = -1, b0 = 2: the task starts from w = 0 and b = 0"):
            _descend(run, start=(-1.0, 2.0)),
        _("a run on the notebook's `x_data` and `y_data`, not on the `x` and `y` passed in"):
            _descend(run, data=_notebook_data()),
    }
    for rate in (0.1, 0.01, 0.001, 0.5, 1.0):
        if not any(np.isclose(rate, run.learning_rate * factor) for factor in (0.5, 1.0, 2.0)):
            mistakes[_("a learning rate of its own ({rate:g}?), not the `learning_rate` argument").format(rate=rate)] \
                = _descend(run, learning_rate=rate)
    if run.steps and run.steps != 100:
        mistakes[_("a fixed number of steps (100?), not the `steps` argument")] = _descend(run, steps=100)
    if run.steps:
        mistakes[_("the least-squares line itself: the result of far more steps than `steps` (or solved "
                   "exactly)")] = _least_squares(run)
    return mistakes


@dataclass
class _Call:
    """What the learner's code asked one ``tape.gradient`` call: the target and the sources, and what came back."""

    target: str  # "tensor", or the type's name
    target_size: int
    sources: list = field(default_factory=list)  # (kind: "variable", "tensor" or a type's name, dtype, trainable)
    objects: list = field(default_factory=list)  # the sources themselves, compared by identity
    by_keras: bool = False  # made by Keras (model.fit), not by the learner's own code
    watches_all: bool = True  # False for a tape opened with watch_accessed_variables=False
    gradients: list = field(default_factory=list)  # per source: its gradient as a float64 array, or None

    @property
    def nones(self):
        """True when the tape gave None for some source."""
        return any(gradient is None for gradient in self.gradients)


def _as_array(gradient):
    """A gradient the tape returned, as a float64 array (NaN when it cannot be read), or None."""
    import tensorflow as tf

    if gradient is None:
        return None
    try:
        return np.asarray(tf.convert_to_tensor(gradient), dtype=np.float64)
    except (TypeError, ValueError, AttributeError):
        return np.array(np.nan)


def _size(source):
    try:
        return int(np.prod([int(d) for d in source.shape]))
    except (TypeError, ValueError, AttributeError):
        return 1


def _value(source):
    """The current value of a Variable the tape was asked about, flattened."""
    import tensorflow as tf

    try:
        return np.asarray(tf.convert_to_tensor(source), dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, AttributeError):
        return np.full(_size(source), np.nan)


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
    """While active, record every ``tf.GradientTape.gradient`` call (the learner's tape works as usual).

    The learner's code runs eagerly, ``tf.function`` included: a function traced at an earlier call would otherwise
    not run its Python code again, and the spy would see no gradient at all.
    """

    def __enter__(self):
        import tensorflow as tf

        self.calls, self._original = [], tf.GradientTape.gradient
        self._eager = tf.config.functions_run_eagerly()
        tf.config.run_functions_eagerly(True)
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.filterwarnings("ignore", message="Even though the `tf.config.experimental_run_functions_eagerly`")
        original, calls = self._original, self.calls

        def gradient(tape, target, sources, *args, **kwargs):
            shape = getattr(target, "shape", ())
            try:
                size = int(np.prod([int(d) for d in shape]))
            except (TypeError, ValueError):
                size = -1
            flat = tf.nest.flatten(sources)
            call = _Call("tensor" if tf.is_tensor(target) else type(target).__name__, size,
                         [_describe(s) for s in flat], list(flat), _called_by_keras(sys._getframe(1)),
                         bool(getattr(tape, "_watch_accessed_variables", True)))
            calls.append(call)
            if call.by_keras:
                raise _KerasGradient()
            result = original(tape, target, sources, *args, **kwargs)
            call.gradients = [_as_array(g) for g in tf.nest.flatten(result)]
            return result

        tf.GradientTape.gradient = gradient

        import keras

        self.optimizers = []
        self._owner = next(c for c in keras.optimizers.Optimizer.__mro__ if "apply" in vars(c))
        self._apply = vars(self._owner)["apply"]
        apply, optimizers = self._apply, self.optimizers

        def apply_spied(optimizer, *args, **kwargs):  # the optimizers the learner's code steps with
            if not any(optimizer is seen for seen in optimizers):
                optimizers.append(optimizer)
            return apply(optimizer, *args, **kwargs)

        self._owner.apply = apply_spied
        return self

    def __exit__(self, *exc):
        import tensorflow as tf

        tf.GradientTape.gradient = self._original
        self._owner.apply = self._apply
        tf.config.run_functions_eagerly(self._eager)
        self._warnings.__exit__(None, None, None)
        return False


CLASSIC = N_("after the first step, `w` (or `b`) is no longer a `tf.Variable` but a plain Tensor. The tape does not "
             "watch a Tensor, so the next gradient is None{consequence}. That is what `w = w - learning_rate * dw` "
             "does: it computes a new Tensor and gives it the name `w`, and the Variable is lost. "
             "`w.assign_sub(learning_rate * dw)` changes the Variable in place, so it stays a Variable.")
WATCHED = N_("`w` (or `b`) is a Tensor that the tape watches only because you call `tape.watch`. The numbers can "
             "come out right, but this exercise asks for what Keras does: the parameters are `tf.Variable`s, created "
             "once before the loop, which the tape watches by itself, and each step changes them in place with "
             "`assign_sub`.")
WATCHED_REBOUND = N_("after the first step, `w` (or `b`) is no longer a `tf.Variable` but a Tensor that the tape "
                     "watches only because you call `tape.watch`. The numbers can come out right, but this exercise "
                     "asks for what Keras does: the parameters are `tf.Variable`s, created once before the loop, "
                     "which the tape watches by itself, and each step changes them in place with `assign_sub` "
                     "(`w = w - learning_rate * dw` gives the name `w` to a new Tensor, and the Variable is lost).")
DATA_SOURCE = N_("the tape was asked for the gradient with respect to a Tensor of {size} values (the data x or y?), "
                 "not with respect to the parameters. Ask for the gradient with respect to the Variables w and b.")
HALF = N_("`w` and `b` are {dtype} Variables: {dtype} keeps only about 3 significant digits, and the rounding of "
          "every step moves the line visibly. Keep float32: `tf.Variable(0.0)`, and the float32 data as they are.")
#: The gradient of one of the two parameters is None: the first (w?) or the second (b?).
NONE_FOR_ONE = (
    N_("at the first step the tape's gradient for the first parameter you asked about (w?) is None, and the other "
       "is not: the loss does not depend on it. Is the prediction `w * x + b`?"),
    N_("at the first step the tape's gradient for the second parameter you asked about (b?) is None, and the other "
       "is not: the loss does not depend on it. Is the prediction `w * x + b`?"),
)
NEW_VARIABLES = N_("`train_line` asks the tape about new Variables at every step (`tf.Variable(...)` inside the "
                   "loop): the tape is asked about {count} different Variables in {steps} steps. Create `w` and `b` "
                   "once, before the loop, and change those two in place with `assign_sub`.")
TOO_MANY = N_("the tape was asked for the gradient with respect to {count} numbers at once; the line has two "
              "parameters, w and b, each a single number: `tf.Variable(0.0)`.")
ONE_PARAMETER = N_("the tape was asked only for the gradient of one parameter (`tape.gradient(loss, w)`): the other "
                   "one moves by a formula of your own, or not at all. Ask the tape for the gradients of both, and "
                   "move each Variable by its own.")
NOT_RETURNED = N_("`train_line` returns numbers that are not the values of the Variables the tape was asked about "
                  "(after the loop those hold other numbers). Return the Variables you trained: `return w, b`.")
BYPASS = N_("the line ends in the right place, but not by the tape's gradient: at the first step, the gradient the "
            "tape returned is not that of the mean squared error of w * x + b at w = b = 0. Ask the tape for the "
            "gradient of the loss itself, and move the Variables by it.")
FIRST_GRADIENT = N_("at the first step, the gradient the tape returned is {description}.")
NOT_RECORDED = N_("at the first step the tape's gradient is None: the tape did not record how the loss depends on w "
                  "and b. Compute the predictions and the loss inside the `with tf.GradientTape() as tape:` block, "
                  "from the Variables themselves (not from `w.numpy()`), with TensorFlow operations.")
NUMPY_LOSS = N_("the loss handed to `tape.gradient` is a NumPy number ({kind}), not a Tensor: NumPy functions "
                "(`np.mean`, `np.square`, ...) and `.numpy()` leave TensorFlow, and the tape records only TensorFlow "
                "operations. Use `tf.reduce_mean` and `tf.square` (or `**`) on the Tensors.")
NOT_VARIABLES = N_("the tape was asked for the gradient with respect to {what}, which it does not watch: a tape "
                   "watches trainable `tf.Variable`s. Create `w` and `b` as `tf.Variable(0.0)` and ask for "
                   "`tape.gradient(loss, [w, b])`.")
INTEGER = N_("`w` and `b` are integer Variables: `tf.Variable(0)` holds an int32, and integers have no gradient "
             "(TensorFlow also refuses to multiply them by float data). Write `tf.Variable(0.0)`.")
FLOAT_TYPES = N_("the Variables and the data have different float types, and TensorFlow does not mix them (it "
                 "refused to multiply them): the data are float32, so create `tf.Variable(0.0)` without a `dtype` "
                 "such as tf.float64 or tf.float16.")
FROZEN = N_("`w` or `b` was made with `trainable=False`, so the tape does not watch it and its gradient is None. "
            "Leave `trainable` at its default.")
USED_UP = N_("a tape (not persistent) answers one `tape.gradient` call and is then used up. Open a new "
             "`with tf.GradientTape() as tape:` in every step, inside the loop, and ask it once for both: "
             "`tape.gradient(loss, [w, b])`.")
ASSIGNED = N_("after the first step the tape's gradient is None: `w = w.assign_sub(...)` changes the Variable in "
              "place, but then gives the name `w` to what `assign_sub` returns, which is not the Variable (the tape "
              "does not watch it). Call `w.assign_sub(learning_rate * dw)` on its own, without `w =`.")
IN_PLACE_MINUS = N_("`w -= ...` is not allowed on a `tf.Variable` (TensorFlow refuses it, so that nobody replaces a "
                    "Variable by a Tensor by accident). `w.assign_sub(learning_rate * dw)` changes it in place.")
VECTOR_LOSS = N_("the tape was asked for the gradient of a vector with {size} values (one per point: the "
                 "predictions or the errors), not of one number. For a vector TensorFlow differentiates the *sum*. "
                 "Take the gradient of the loss: the mean of the squared errors, a single number.")
WHOLE_TF_FUNCTION = N_(
    "`train_line` is decorated with `@tf.function` as a whole. A tf.function may create its `tf.Variable`s only "
    "once, at its first trace, so outside the check a call raises \"ValueError: tf.function only supports "
    "singleton tf.Variables created on the first call\" (the check runs functions eagerly, which hides it). "
    "Leave `@tf.function` off `train_line`; to speed up the loop, decorate a step function inside it instead.")
UNWATCHED = N_("at the first step the tape's gradient is None: the tape was opened with "
               "`watch_accessed_variables=False`, so it watches only what is passed to `tape.watch`. Leave that "
               "option out: a tape then watches the trainable Variables by itself.")
OTHER_OPTIMIZER = N_("`train_line` moves the Variables with Keras's `{name}`, which does not take plain "
                     "gradient-descent steps (each step `learning_rate` times the gradient): it shapes every step by "
                     "rules of its own. Use `keras.optimizers.SGD(learning_rate)`, or `assign_sub`.")
MOMENTUM = N_("`train_line` moves the Variables with `SGD` and {options}: momentum adds part of the earlier steps "
              "to each step, which is no longer plain gradient descent. Leave every option but the learning rate "
              "out: `keras.optimizers.SGD(learning_rate)`.")
SGD_OPTIONS = N_("`train_line` moves the Variables with `SGD` and {options}, an option that changes the steps: this "
                 "exercise is plain gradient descent. Leave every option but the learning rate out: "
                 "`keras.optimizers.SGD(learning_rate)`.")
OPTIMIZER_RATE = N_("`train_line`'s optimizer has a learning rate of {rate:g}, not the `learning_rate` argument: "
                    "pass it on, `keras.optimizers.SGD(learning_rate)`.")
NO_TAPE = N_("`train_line` never asked a `tf.GradientTape` for a gradient (`tape.gradient` was not called). This "
             "exercise is about letting TensorFlow differentiate: record the loss on a tape and ask it for the "
             "gradient, rather than a formula by hand.")
STATEFUL = N_("not every call of `train_line` starts afresh from w = 0 and b = 0: it gave the result of an earlier "
              "call again, or two results for the same call. Variables created outside `train_line` continue where "
              "the previous call stopped, and a random start differs every time: create `w` and `b` inside the "
              "function, as `tf.Variable(0.0)`.")
KERAS = N_("`train_line` lets Keras take the gradient (`model.fit` or another Keras loop). This exercise is to "
           "write that loop yourself: record the loss on a `tf.GradientTape`, ask it for the gradient of w and b, "
           "and move the Variables.")


def _optimizer_problem(optimizers, run):
    """What is wrong with the Keras optimizer the learner's code stepped with, if anything: a text, or None."""
    import keras

    for optimizer in optimizers:
        name = type(optimizer).__name__
        if not isinstance(optimizer, keras.optimizers.SGD):
            return _(OTHER_OPTIMIZER).format(name=name)
        try:
            config, default = optimizer.get_config(), keras.optimizers.SGD().get_config()
            options = [f"`{key}={config[key]!r}`" for key in config if key not in ("name", "learning_rate")
                       and config[key] != default.get(key)]
            rate = float(np.asarray(optimizer.learning_rate))
        except (TypeError, ValueError, AttributeError, KeyError):
            continue
        if config.get("momentum") != default.get("momentum"):
            return _(MOMENTUM).format(options=", ".join(options))
        if options:
            return _(SGD_OPTIONS).format(options=", ".join(options))
        if not np.isclose(rate, run.learning_rate, rtol=1e-6, atol=0):
            return _(OPTIMIZER_RATE).format(rate=rate)
    return None


def _first_call_problem(calls):
    """What is wrong at the very first tape.gradient call, if anything: a text, or None."""
    if not calls:
        return None
    first = calls[0]
    if first.target != "tensor":
        return _(NUMPY_LOSS).format(kind=first.target)
    kinds = [kind for kind, _, _ in first.sources]
    data = [_size(source) for (kind, _, _), source in zip(first.sources, first.objects)
            if kind == "tensor" and _size(source) > 1]
    if data:
        return _(DATA_SOURCE).format(size=data[0])
    if any(kind != "variable" for kind in kinds):
        other = next(kind for kind in kinds if kind != "variable")
        if other == "tensor" and not first.nones:  # Tensors watched by hand (tape.watch)
            return _(WATCHED)
        what = (_("a Tensor (a constant, or the data x or y)") if other == "tensor"
                else _("a {type}").format(type=other))
        return _(NOT_VARIABLES).format(what=what)
    if any(dtype.startswith(("int", "uint")) for _, dtype, _ in first.sources):
        return _(INTEGER)
    if not all(trainable for _, _, trainable in first.sources):
        return _(FROZEN)
    if first.nones and not first.watches_all:
        return _(UNWATCHED)
    if first.nones:
        missing = [gradient is None for gradient in first.gradients]
        if len(missing) == 2 and sum(missing) == 1:
            position = missing.index(True)
            return _(NONE_FOR_ONE[position])
        return _(NOT_RECORDED)
    return None


def _parameters(calls):
    """The distinct objects the tape was asked about, in the order first asked, each with its first gradient."""
    objects, gradients = [], []
    for call in calls:
        for source, gradient in zip(call.objects, call.gradients or [None] * len(call.objects)):
            if not any(source is seen for seen in objects):
                objects.append(source)
                gradients.append(gradient)
    return objects, gradients


def _either_order(values, target, close):
    return close(values, target) or close(values[::-1], target)


def _structure_problem(run, values, calls):
    """What the learner's loop does other than the task asks (same two Variables, returned, moved by the tape).

    Returns (text, first_gradient_is_right); text is None when the structure is right.
    """
    if not calls:
        return None, True
    objects, firsts = _parameters(calls)
    count = sum(_size(source) for source in objects)
    if count > 2:
        if sum(_size(source) for source in calls[0].objects) <= 2:
            return _(NEW_VARIABLES).format(count=len(objects), steps=run.steps), True
        return _(TOO_MANY).format(count=count), True
    if count < 2:
        return _(ONE_PARAMETER), True
    finals = np.concatenate([_value(source) for source in objects])
    if not _either_order(finals, values, _close):
        return _(NOT_RETURNED), True
    if any(gradient is None for gradient in firsts):
        return None, True  # said elsewhere
    first = np.concatenate([gradient.reshape(-1) for gradient in firsts])
    x, y = run.data()
    return None, first.size == 2 and _either_order(first, _mse_gradient(0.0, 0.0, x, y), _close_gradient)


def _first_gradient_named(run, calls):
    """The wrong loss whose gradient at w = b = 0 the tape returned at the first step, or None."""
    firsts = _parameters(calls)[1]
    if not firsts or any(gradient is None for gradient in firsts):
        return None
    first = np.concatenate([gradient.reshape(-1) for gradient in firsts])
    if first.size != 2:
        return None
    x, y = run.data()
    for description, gradient in LOSS_MISTAKES.items():
        if _either_order(first, gradient(0.0, 0.0, x, y), _close_gradient):
            return _(FIRST_GRADIENT).format(description=_(description))
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
        return _(ASSIGNED)
    return _(CLASSIC).format(consequence=consequence)


def _run_learner(function, run):
    """Call ``function`` on ``run``'s data under the spy: (result, error, the learner's own tape.gradient calls)."""
    import tensorflow as tf

    x, y = (tf.constant(np.asarray(values, dtype=np.float32)) for values in (run.x, run.y))
    with _TapeSpy() as spy:
        try:
            result, error = function(x, y, run.learning_rate, run.steps), None
        except _KerasGradient:
            raise Reply(wrong(_(KERAS))) from None
        except (Exception, SystemExit) as exception:  # the learner's code failed: diagnosed by the caller
            if any(call.by_keras for call in spy.calls):  # Keras wrapped the spy's stop in an error of its own
                raise Reply(wrong(_(KERAS))) from None
            result, error = None, exception
    return result, error, spy.calls, spy.optimizers


def _diagnose_error(error, calls):
    text = str(error)
    problem = _first_call_problem(calls)
    if problem:
        return problem
    if _lost_variable(calls) or "has no attribute 'assign_sub'" in text:
        consequence = (_(" (hence the {error} about None)") if "None" in text
                       else _(" (hence the {error}: a Tensor has no `assign_sub`)") if "assign_sub" in text
                       else _(" (hence the {error})"))
        return _classic(calls, consequence.format(error=type(error).__name__))
    if "variable -= value" in text or "variable += value" in text:
        return _(IN_PLACE_MINUS)
    if "non-persistent GradientTape" in text:
        return _(USED_UP)
    mixed = re.search(r"expected to be an? (\w+) tensor but is an? (\w+) tensor", text)
    types = set(mixed.groups()) if mixed else set()
    if any(name.startswith(("int", "uint")) for name in types):
        return _(INTEGER)
    if types & {"double", "half", "bfloat16"}:
        return _(FLOAT_TYPES)
    return _("calling `train_line` raised {error}: {message}").format(error=type(error).__name__, message=text[:300])


def _as_line(result):
    """The learner's result as the array [w, b]; otherwise raise Reply saying what it is instead."""
    if result is Ellipsis:
        raise Reply(still_returns_dots("train_line"))
    if result is None:
        raise Reply(wrong(_("`train_line` returned None. A function without `return` gives None: end it with "
                            "`return w, b`.")))
    if isinstance(result, (dict, set, str, bytes)) or (callable(result) and not hasattr(result, "numpy")):
        raise Reply(wrong(_("`train_line` returned a {type}; return the two parameters, `return w, b` (the "
                            "Variables, or their values).").format(type=type(result).__name__)))
    if isinstance(result, (tuple, list)) and len(result) != 2:
        size = len(result)
        returned = (_("`train_line` returned {size} value; return the two parameters, `return w, b` (the Variables, "
                      "or their values).") if size == 1 else
                    _("`train_line` returned {size} values; return the two parameters, `return w, b` (the "
                      "Variables, or their values)."))
        raise Reply(wrong(returned.format(size=size)))
    parts = result if isinstance(result, (tuple, list)) else [result]
    values = [as_numbers(part, "train_line(...)") for part in parts]
    if len(values) == 2 and all(value.size == 1 for value in values):
        return np.array([float(value.reshape(())) for value in values])
    if len(values) == 1 and values[0].size == 2:
        return values[0].reshape(2)
    shapes = ", ".join(str(value.shape) for value in values)
    raise Reply(wrong(_("`train_line` should return the two numbers w and b (`return w, b`); it returned shape(s) "
                        "{shapes}.").format(shapes=shapes)))


def _close(values, target):
    with np.errstate(all="ignore"):
        return bool(np.shape(values) == np.shape(target) and np.allclose(values, target, rtol=_LINE_RTOL,
                                                                          atol=_LINE_ATOL))


def _close_gradient(values, target):  # one float32 gradient against the float64 one
    with np.errstate(all="ignore"):
        return bool(np.shape(values) == np.shape(target) and np.allclose(values, target, rtol=1e-5, atol=1e-6))


def _wrong_line(train_line, run, values, calls, earlier, first_gradient_right):
    """The diagnosis of a wrong result ``values`` of ``run`` (the learner's code ran without an error)."""
    shown = _("For {run}, `train_line` returned w = {w:.6g}, b = {b:.6g}").format(run=run.shown, w=values[0],
                                                                                   b=values[1])
    if not np.all(np.isfinite(values)):
        return _("{shown}: the line ran away. Do the steps go uphill, or is the loss a sum?").format(shown=shown)
    problem = _first_call_problem(calls)
    if problem:
        return problem
    if any(_close(values, before) for before in earlier):  # state kept between calls, or `steps` ignored?
        first, error = _run_learner(train_line, LINES[0])[:2]
        try:
            first = None if error else _as_line(first)
        except Reply:
            first = None
        if first is not None and _close(first, earlier[0]):
            return _("For {run}, `train_line` returned the same w and b as for {first}: does its loop take `steps` "
                     "steps?").format(run=run.shown, first=LINES[0].shown)
        return _(STATEFUL)
    sizes = [call.target_size for call in calls if call.target_size > 1]
    if sizes:
        return _(VECTOR_LOSS).format(size=sizes[0])
    if _close(values, _descend(run)[::-1]):  # the learner's own numbers are then the answer: not shown
        return _("For {run}, `train_line` returned w and b the wrong way round: return w first, then b.").format(
            run=run.shown)
    for description, mistake in _line_mistakes(run, wrong_size_steps=first_gradient_right).items():
        if _close(values, mistake):
            return _("{shown}. That looks like {description}.").format(shown=shown, description=description)
    named = _first_gradient_named(run, calls)
    if named:
        return named[0].upper() + named[1:]
    half = [dtype for call in calls[:1] for _, dtype, _ in call.sources if dtype in ("float16", "bfloat16")]
    if half:
        return _(HALF).format(dtype=half[0])
    again, error = _run_learner(train_line, run)[:2]
    try:
        repeated = None if error else _as_line(again)
    except Reply:
        repeated = None
    if repeated is not None and not np.array_equal(repeated, values):
        return _(STATEFUL)
    if run.steps:
        start, error = _run_learner(train_line, LINE_START)[:2]
        try:
            start = None if error else _as_line(start)
        except Reply:
            start = None
        if start is not None and not _close(start, _descend(LINE_START)):
            return _("{shown}. With steps = 0 it returns w = {w:.6g}, b = {b:.6g}: no step is taken then, so it "
                     "should return the start, w = 0 and b = 0.").format(shown=shown, w=start[0], b=start[1])
        return _("{shown}, which is not where {steps} steps of gradient descent on the mean squared error, from "
                 "w = 0 and b = 0, end.").format(shown=shown, steps=run.steps)
    return _("{shown}. With steps = 0 no step is taken: it should return the start, w = 0 and b = 0.").format(
        shown=shown)


def _graph_problem(train_line):
    """What a ``@tf.function`` train_line raises when called as TensorFlow calls it, in a graph: a text, or None."""
    import tensorflow as tf

    x, y = (tf.constant(np.asarray(values, dtype=np.float32)) for values in (LINE_B.x, LINE_B.y))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            train_line(x, y, LINE_B.learning_rate, LINE_B.steps)
    except (Exception, SystemExit) as error:
        text = str(error)
        if "singleton tf.Variables" in text:
            return _(WHOLE_TF_FUNCTION)
        last = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
        return _("`train_line` is decorated with `@tf.function`, and called as TensorFlow calls it (in a graph; the "
                 "check runs it eagerly) it raised {error}: {message}").format(error=type(error).__name__,
                                                                               message=last[:300])
    return None


@_time_limited("train_line")
def _check_train_line(train_line):
    """Run the learner's train_line on LINES; name the mistake that explains a wrong result."""
    if train_line is Ellipsis:
        raise Reply(not_yet("train_line"))
    if not callable(train_line):
        raise Reply(wrong(_("`train_line` should be a function (def train_line(x, y, learning_rate, steps): ...), "
                            "not a {type}.").format(type=type(train_line).__name__)))
    if hasattr(train_line, "python_function"):  # the check runs it eagerly, which would hide a graph's error
        problem = _graph_problem(train_line)
        if problem:
            return wrong(problem)
    earlier = []
    for run in LINES:
        result, error, calls, optimizers = _run_learner(train_line, run)
        if error is not None:
            return wrong(_diagnose_error(error, calls))
        values = _as_line(result)
        if run.steps and not calls:
            return wrong(_(NO_TAPE))
        lost = _lost_variable(calls)
        if lost == "tensor" and not any(call.nones for call in calls):  # rebound, and watched by hand
            return wrong(_(WATCHED_REBOUND))
        if lost:
            return wrong(_classic(calls, ""))
        problem = _first_call_problem(calls)
        if problem:
            return wrong(problem)
        structure, first_gradient_right = _structure_problem(run, values, calls)
        if structure:
            return wrong(structure)
        if not _close(values, _descend(run)):
            return wrong(_optimizer_problem(optimizers, run)
                         or _wrong_line(train_line, run, values, calls, earlier, first_gradient_right))
        if not first_gradient_right:
            return wrong(_(BYPASS))
        earlier.append(values)
    return passed(_("`train_line` matches the reference loop on the check's {runs} runs (data it never saw, "
                    "{fewest} to {most} steps, and steps = 0).").format(runs=len(LINES), fewest=LINE_B.steps,
                                                                        most=LINE_A.steps))


ex2 = Exercise(
    "ex2", "gradients", _check_train_line,
    hints=[
        N_("Three things make the tape work: parameters it watches (trainable float Variables), a loss it saw "
           "being computed from them, and parameters that are still the same Variables at the next step."),
        N_("Create the two Variables once, before the loop. Then, at each of the `steps` steps: record the loss, the "
           "mean squared error of w * x + b, on a new tf.GradientTape; ask the tape for the gradients of the loss "
           "with respect to the Variables; move each Variable in place (assign_sub) against its own gradient, "
           "scaled by the learning rate. Return w and b."),
    ],
)
