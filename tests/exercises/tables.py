"""What every exercise's tests share: the not-solved reply, junk answers, and the verdict helpers."""

import copy
import re

import numpy as np

from conftest import NOT_SOLVED, assert_chinese
from course_utils import i18n
from course_utils.checks import Reply, passed
from tools.translate import CHINESE


class SelfDeclaredPass:
    """An answer that tries to pass by raising the check's own ✅ verdict, whatever the check asks of it."""

    def __init__(self, reply=Reply):
        self._reply = reply

    def _declare(self, *args, **kwargs):
        raise self._reply(passed("self-declared"))

    __array__ = __float__ = __int__ = __index__ = __call__ = __iter__ = __len__ = __bool__ = __getitem__ = _declare

    def __getattr__(self, name):
        self._declare()

    def __repr__(self):
        return f"SelfDeclaredPass({self._reply.__name__})"


class ForgedReply(Reply):
    """A Reply whose verdict is overridden to a pass."""

    feedback = property(lambda self: passed("forged"))


#: Answers no exercise accepts; each must get a clear ❌ (never ✅, never a traceback).
JUNK = [SelfDeclaredPass(), SelfDeclaredPass(ForgedReply), None, "0.5", b"0.5", True, np.bool_(False), 1 + 2j, np.complex128(0.5), 10**400, float("nan"),
        float("inf"), -float("inf"), 1e308, 5e-324, {"a": 1}, object(), [], [[1.0], [2.0, 3.0]],
        np.array([np.nan]), print, Ellipsis.__class__]


def stable_id(value):
    """A test id without object addresses: pytest-xdist needs the same ids in every worker."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def assert_not_solved(feedback):
    """The 📝 reply: exactly the template, so it holds no part of any answer."""
    assert not feedback.passed
    assert NOT_SOLVED.fullmatch(feedback.message), feedback.message


def assert_rejected(feedback, *words):
    """A ❌ reply that names the diagnosis (every word in ``words``)."""
    assert not feedback.passed, feedback.message
    assert feedback.message.startswith("❌ Not yet"), feedback.message
    assert "could not be checked" not in feedback.message, feedback.message  # a verdict, not a failure to read
    for word in words:
        assert word in feedback.message, f"{word!r} not in {feedback.message!r}"


def assert_passed(feedback):
    assert feedback.passed, feedback.message
    assert feedback.message.startswith("✅ Correct"), feedback.message


# --- The messages in Chinese (setup(language="zh"); the `chinese` fixture is conftest.py's) ---------------------

#: Three English words in a row: a sentence left in English.
ENGLISH_WORDS = re.compile(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+")


def assert_in_chinese(feedback, verdict, *phrases, error=""):
    """A check's reply in Chinese: ``verdict`` (✅, 📝 or ❌) once, at the start, matching ``feedback.passed``, and
    Chinese after it; each of ``phrases``; no placeholder left unfilled; and no English sentence (three English
    words in a row) outside code spans and outside ``error``, Python's own text of what the learner's code raised
    (quoted in the reply as Python wrote it)."""
    message = feedback.message
    assert feedback.passed == (verdict == "✅"), message
    assert message.startswith(f"{verdict} ") and message.count(verdict) == 1, message
    assert CHINESE.match(message, len(verdict) + 1), f"the verdict is not said in Chinese: {message!r}"
    assert_chinese(message, *phrases, error)
    prose = re.sub(r"`[^`]*`", "", message.replace(error, "") if error else message)
    english = ENGLISH_WORDS.search(prose)
    assert not english, f"English left outside code: {english.group()!r} in {message!r}"


def assert_help_in_chinese(exercise):
    """Every level of help in Chinese: each hint translated and shown first, its English gone, under a Chinese
    title; the solution's title Chinese too. A copy of ``exercise`` is asked: its count of hints seen stays."""
    exercise = copy.copy(exercise)
    for level, hint in enumerate(exercise.hints, start=1):
        shown, translated = exercise.hint(level), i18n._(hint)
        assert translated != hint, f"hint {level} has no translation: {hint!r}"
        assert_chinese(translated)
        assert_chinese(shown.title)
        assert_chinese(shown.text)
        assert shown.text.startswith(translated) and hint not in shown.text, shown.text
    assert_chinese(exercise.solution().title)


def untranslated(module):
    """The texts that ``module`` marks for translation (``_`` or ``N_``) and that have no translation in the
    current language (the ``chinese`` fixture)."""
    from babel.messages.extract import extract_from_file

    found = extract_from_file("python", module.__file__, keywords={"_": None, "N_": None})
    return [text for _, text, _, _ in found if i18n._(text) == text]
