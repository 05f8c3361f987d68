"""Exercises and their checks: a clear verdict, a diagnosis that gives nothing away, help on demand.

An :class:`Exercise` is what a notebook's exercise section imports (``from course_utils.exercises.gradients
import ex1``). ``ex1.check(answer)`` returns a :class:`Feedback`: ✅ right, 📝 not written yet (and only how to
ask for help), or ❌ with what looks wrong, without the right value. ``ex1.hint()`` gives help in levels, a
nudge first, then the method; ``ex1.solution()`` shows a solution, unless the instructor switched solutions
off (environment variable ``COURSE_SOLUTIONS=off``). ``ex1.grade(answer)`` is the strict mode for an
autograder (nbgrader's hidden tests): the same check, silent, raising AssertionError unless it passes.

A check never ends in a traceback: inside a check, :class:`Reply` stops with a verdict, and any other error
becomes a message that says the check could not read the answer.

Every message is in the course's language (``setup(language="zh")``, :mod:`course_utils.i18n`): a gettext template
filled after translation, ``wrong(_("`{name}` has the wrong sign.").format(name=name))``. A verdict is told apart by
its emoji (✅, 📝, ❌), whatever the language; hints are marked ``N_`` by the exercises modules and translated here.
"""

import contextlib
import inspect
import io
import json
import logging
import os
import signal
import sys
import threading
import warnings
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources

import numpy as np

from course_utils._validate import as_array, as_float
from course_utils.i18n import N_, _, current_language

#: The verdicts' English prefixes (a message starts with one, then ": "); shown in the course's language.
PASSED = "✅ Correct"
NOT_YET = "📝 Not solved yet"
WRONG = "❌ Not yet"

#: Each verdict's emoji (what tells the verdicts apart in any language) and its template, translated when shown.
_VERDICTS = {
    PASSED: ("✅", N_("Correct: {message}")),
    NOT_YET: ("📝", N_("Not solved yet: {message}")),
    WRONG: ("❌", N_("Not yet: {message}")),
}

#: Factors a learner really slips in (a forgotten 2 of a square, a mean for a sum of two), named when exact.
SLIP_FACTORS = (2.0, 0.5)


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: ``passed`` and a ``message`` for the learner (shown as the repr)."""

    passed: bool
    message: str

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message


class Reply(Exception):
    """Raised inside a check to stop with a verdict: ``raise Reply(wrong("..."))``. Never a pass: a check passes
    only by returning one, so a learner's code that raises ``Reply(passed(...))`` inside a check is told it is wrong."""

    def __init__(self, feedback):
        if not isinstance(feedback, Feedback):
            raise TypeError(f"Reply takes a Feedback (wrong(...) or not_yet(...)), got {type(feedback).__name__}")
        super().__init__(feedback.message)
        self._feedback = feedback

    @property
    def feedback(self):
        feedback = vars(self).get("_feedback")
        if type(feedback) is Feedback and feedback.passed is False:
            return feedback
        return wrong(_("your code raised a verdict of its own inside the check; the check decides, so write the "
                       "answer itself."))


def _stopped(reply):
    """The verdict a :class:`Reply` stopped a check with, read so that no subclass can turn it into a pass."""
    return Reply.feedback.fget(reply)


def _verdict(prefix, message):
    """``message`` after the verdict ``prefix`` (PASSED, NOT_YET or WRONG), in the course's language."""
    emoji, template = _VERDICTS[prefix]
    return f"{emoji} {_(template).format(message=message)}"


def passed(message):
    """A ✅ verdict."""
    return Feedback(True, _verdict(PASSED, message))


def wrong(message):
    """A ❌ verdict: what looks wrong, never the right value."""
    return Feedback(False, _verdict(WRONG, message))


def not_yet(name, shown="..."):
    """The 📝 verdict for an answer not written yet: it says that, and nothing about the answer."""
    return Feedback(False, _verdict(NOT_YET, _("`{name}` is still `{shown}`.").format(name=name, shown=shown)))


def still_returns_dots(name):
    """The 📝 verdict for a function that still returns the template's ``...``."""
    return Feedback(False, _verdict(NOT_YET, _("`{name}` still returns `...`.").format(name=name)))


def is_not_yet(feedback):
    """True for a 📝 verdict (an answer not written yet), in any language."""
    return feedback.message.startswith(_VERDICTS[NOT_YET][0])


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
        raise Reply(wrong(_("`{name}` is None. A function without `return` gives None, and so does "
                            "`x = print(...)`: store the value itself.").format(name=name)))
    if callable(answer) and not hasattr(answer, "numpy"):
        raise Reply(wrong(_("`{name}` is a function. Call it and store its result, e.g. `{name}(...)`.").format(
            name=name)))
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        raise Reply(wrong(_("`{name}` should be a number or an array of numbers, not {type} {value}.").format(
            name=name, type=type(answer).__name__, value=f"{answer!r:.40}")))
    try:
        raw = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer)
        if isinstance(answer, complex) or np.iscomplexobj(raw):
            raise Reply(wrong(_("`{name}` is a complex number; the answer is real.").format(name=name)))
        if raw.dtype.kind not in "iufO":  # booleans, dates, strings and bytes are not numbers
            raise Reply(wrong(_("`{name}` should be a number or an array of numbers, not an array of {dtype}.").format(
                name=name, dtype=raw.dtype)))
        if raw.dtype.kind == "O" and any(isinstance(x, (str, bytes, bool, np.bool_)) for x in raw.flat):
            raise Reply(wrong(_("`{name}` holds text or True/False; it should hold numbers.").format(name=name)))
        with np.errstate(over="raise"):
            values = raw.astype(np.float64)
    except (OverflowError, FloatingPointError):
        raise Reply(wrong(_("`{name}` is too large for a float (beyond 1.8e308).").format(name=name))) from None
    except (TypeError, ValueError, AttributeError):
        raise Reply(wrong(_("`{name}` should be a number or an array of numbers; this {type} cannot be read as "
                            "one.").format(name=name, type=type(answer).__name__))) from None
    if values.dtype == object or not np.all(np.isfinite(values)):
        raise Reply(wrong(_("`{name}` contains NaN or infinity: {values}.").format(name=name, values=_format(values))))
    return values


def _shape_problem(values, expected, name):
    if values.shape == expected.shape or (expected.ndim == 0 and values.size == 1):
        return None
    shapes = {"name": name, "shape": values.shape, "expected": expected.shape}
    if expected.ndim == 0:
        return _("`{name}` should be a single number, but it has shape {shape}.").format(**shapes)
    if values.T.shape == expected.shape and values.ndim > 1:
        return _("`{name}` has shape {shape}, the transpose of the expected {expected}.").format(**shapes)
    if values.size == expected.size:
        return _("`{name}` has shape {shape} but should have shape {expected} (reshape it?).").format(**shapes)
    return _("`{name}` has shape {shape} but should have shape {expected}.").format(**shapes)


def compare_numbers(answer, expected, *, name="answer", rtol=1e-6, atol=1e-9, mistakes=None, factors=SLIP_FACTORS):
    """Compare a learner's number or array with the expected one; a wrong answer is diagnosed, never revealed.

    mistakes: {description: value} of typical wrong answers, recognised and named (checked in order).
    factors: whole-answer factors to name when the answer is exactly that multiple (default 2 and 1/2).
    A near miss (within 1 %) is called close, with a reminder not to round by hand.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    rtol, atol = as_float("rtol", rtol, low=0), as_float("atol", atol, low=0)
    expected = as_array("expected", expected)
    try:
        return _compare(answer, expected, name, rtol, atol, mistakes or {}, factors)
    except Reply as reply:
        return _stopped(reply)


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
        return passed(_("{name} = {value}.").format(name=name, value=_format(values)))
    shown = {"name": name, "value": _format(values, digits=10)}
    for description, value in mistakes.items():
        if close(np.broadcast_to(np.asarray(value, dtype=np.float64), expected.shape)):
            # the exercises module marks its descriptions with N_ (or translates them itself)
            return wrong(_("`{name}` = {value} looks like {description}.").format(description=_(description),
                                                                                  **shown))
    if close(-expected):
        return wrong(_("`{name}` = {value} has the wrong sign.").format(**shown))
    for factor in factors:
        if close(factor * expected, rtol=max(rtol, 1e-9)):
            return wrong(_("`{name}` = {value} is off by a factor of {factor}.").format(
                factor=Fraction(factor).limit_denominator(1000), **shown))
    if close(expected, rtol=1e-2):
        return wrong(_("`{name}` = {value} is close, but not within the tolerance: compute it in code (float64) "
                       "instead of rounding or copying digits.").format(**shown))
    if expected.size > 1:
        with np.errstate(all="ignore"):
            right = np.isclose(values, expected, rtol=rtol, atol=atol)
        if right.any():
            return wrong(_("`{name}` = {value}: {right} of {size} entries are right, the others are not.").format(
                right=int(right.sum()), size=right.size, **shown))
    return wrong(_("`{name}` = {value} is not the expected value.").format(**shown))


#: Seconds a learner's function may run inside a check before it is stopped as an endless loop.
TIME_LIMIT = 60


_limit_active = False


class _TooSlow(BaseException):
    """Raised by the alarm inside the learner's function (a BaseException: `except Exception` cannot swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Stop the code inside after ``seconds`` (Unix, main thread, as in Jupyter; elsewhere no limit)."""
    global _limit_active
    if _limit_active or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield  # inside another limit (a check's), or no alarms here
        return

    def stop(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _limit_active = True
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _limit_active = False


@contextlib.contextmanager
def refusing(methods, error):
    """While the block runs, each ``(owner, name)`` of ``methods`` raises ``error`` instead (the learner's code may
    not call it); the originals come back afterwards. ``error`` should be a BaseException, so `call` lets it by."""
    def refuse(*args, **kwargs):
        raise error()

    saved = [(owner, name, vars(owner)[name]) for owner, name in methods if name in vars(owner)]
    for owner, name, _original in saved:
        setattr(owner, name, refuse)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def call(function, *args, name, **kwargs):
    """Call the learner's function; on an error inside it, an endless loop, or ``...``, raise :class:`Reply`."""
    if function is Ellipsis:
        raise Reply(not_yet(name))
    if not callable(function):
        raise Reply(wrong(_("`{name}` should be a function (def {name}(...): ...), not a {type}.").format(
            name=name, type=type(function).__name__)))
    try:
        with _time_limit(TIME_LIMIT):
            result = function(*args, **kwargs)
    except _TooSlow:
        raise Reply(wrong(_("`{name}` did not finish within {seconds} s, so the check stopped it: is there a loop "
                            "that never ends?").format(name=name, seconds=TIME_LIMIT))) from None
    except (Exception, SystemExit) as error:  # the learner's code failed: say where and how, as a verdict
        raise Reply(wrong(_("calling `{name}` raised {error}: {detail}").format(
            name=name, error=type(error).__name__, detail=str(error)[:300]))) from None
    if result is Ellipsis:
        raise Reply(still_returns_dots(name))
    return result


@contextlib.contextmanager
def _silenced_stderr():
    """Nothing reaches stderr inside: Python warnings, log records, ``sys.stderr`` and file descriptor 2 (where
    TensorFlow's C++ logs go). An autograder scores a cell that writes to stderr as failed."""
    sys.stderr.flush()
    saved_fd = null_fd = None
    try:
        saved_fd, null_fd = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        os.dup2(null_fd, 2)
    except OSError:  # no file descriptor 2 here: Python's stderr is silenced all the same
        pass
    previous_disable = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous_disable)
        if null_fd is not None:
            os.dup2(saved_fd, 2)
            os.close(null_fd)
        if saved_fd is not None:
            os.close(saved_fd)


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
    """One exercise: ``check`` the learner's answer, ``hint()`` in levels, ``solution()`` on request; ``grade``,
    the strict check for an autograder.

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
            return wrong(_("pass your answer to the check: `{label}.check({wanted})`, as the check cell does.").format(
                label=self.label, wanted=wanted))
        try:
            with _time_limit(TIME_LIMIT):  # the learner's code inside the check cannot hang it
                feedback = self._checker(*answers, **named)
            if not isinstance(feedback, Feedback):
                raise TypeError(f"the checker returned {type(feedback).__name__}, not a Feedback")
        except Reply as reply:
            feedback = _stopped(reply)
        except _TooSlow:
            feedback = wrong(_("the check stopped your code after {seconds} s: is there a loop that never "
                               "ends?").format(seconds=TIME_LIMIT))
        except Exception as error:  # a check must always answer, whatever it was given
            feedback = wrong(_("your answer could not be checked ({error}: {detail}). Run the exercise cell again, "
                               "then this cell; if it persists, restart the kernel.").format(
                error=type(error).__name__, detail=str(error)[:200]))
        if feedback.passed:
            return feedback
        message = feedback.message
        if is_not_yet(feedback):
            return Feedback(False, _("{message} Write your answer in the exercise cell, run it, then run this cell. "
                                     "Stuck? `{label}.hint()` gives a hint.").format(message=message, label=self.label))
        return Feedback(False, _("{message} (`{label}.hint()` for help.)").format(message=message, label=self.label))

    def grade(self, *answers, **named):
        """The strict check, for an autograder: None when the answer passes; otherwise AssertionError with the
        learner's message (📝, an answer not written yet, fails too). Writes nothing to stderr."""
        with _silenced_stderr():
            feedback = self.check(*answers, **named)
        if type(feedback) is not Feedback or feedback.passed is not True:
            raise AssertionError(feedback.message)

    def hint(self, level=None):
        """The next level of help (or ``level`` 1, 2, ...): a nudge first, then the method."""
        if level is None:
            level = min(self._hints_seen + 1, len(self.hints) + 1)
        elif isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(self.hints):
            raise ValueError(f"level must be a whole number from 1 to {len(self.hints)}, or left out for the "
                             f"next hint; got {level!r}")
        self._hints_seen = max(self._hints_seen, level)
        after = (_("`{label}.solution()` shows a solution.").format(label=self.label) if solutions_enabled()
                 else _("Solutions are switched off for this class: ask your instructor."))
        if level > len(self.hints):
            return Help(_("No more hints."), _("That was the last one. {after}").format(after=after))
        more = (_("Still stuck? `{label}.hint()` again for more.").format(label=self.label) if level < len(self.hints)
                else _("That was the last hint. {after}").format(after=after))
        # the exercises module marks its hints with N_: each is translated here, where it is shown
        return Help(_("Hint {level} of {count}").format(level=level, count=len(self.hints)),
                    f"{_(self.hints[level - 1])}\n\n{more}")

    def solution(self):
        """A solution (the instructor's), unless solutions are switched off for this class."""
        if not solutions_enabled():
            return Help(_("Solutions are switched off for this class."),
                        _("Your instructor set COURSE_SOLUTIONS=off. `{label}.hint()` still helps.").format(
                            label=self.label))
        return Help(_("A solution to {label}").format(label=self.label),
                    _("Read it, then write it yourself without looking."), stored_solution(self.module, self.label))
