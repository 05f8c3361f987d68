"""What every exercise's tests share: the not-solved reply, junk answers, and the verdict helpers."""

import copy
import re

import numpy as np
import pytest

from conftest import NOT_SOLVED
from course_utils import i18n
from course_utils.checks import Reply, passed



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


# --- The messages in Chinese (setup(language="zh")) ------------------------------------------------------------

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(monkeypatch):
    """The course's messages in Chinese during one test; the language chosen before comes back afterwards."""
    monkeypatch.setattr(i18n, "_chosen", None)
    i18n.set_language("zh")


def assert_in_chinese(feedback, verdict, *phrases):
    """A check's reply in Chinese: ``verdict`` (✅, 📝 or ❌) once, Chinese text holding each of ``phrases``, and no
    placeholder left unfilled."""
    message = feedback.message
    assert feedback.passed == (verdict == "✅"), message
    assert message.startswith(verdict) and message.count(verdict) == 1, message
    assert CHINESE.search(message) and not re.search(r"\{\w*[}:!]", message), message
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"


def assert_help_in_chinese(exercise):
    """Every hint of ``exercise`` shown in Chinese (its translation) under a Chinese title, and the solution's title
    in Chinese; the exercise's count of hints seen stays as it was."""
    exercise = copy.copy(exercise)
    for level, hint in enumerate(exercise.hints, start=1):
        shown = exercise.hint(level)
        assert i18n._(hint) != hint and i18n._(hint) in shown.text, shown.text
        assert CHINESE.search(shown.title), shown.title
    assert CHINESE.search(exercise.solution().title)


def untranslated(module):
    """The texts that ``module`` marks for translation (``_`` or ``N_``) and that have no translation in the
    current language (the ``chinese`` fixture)."""
    from babel.messages.extract import extract_from_file

    found = extract_from_file("python", module.__file__, keywords={"_": None, "N_": None})
    return [text for _, text, _, _ in found if i18n._(text) == text]


def assert_hints_in_chinese(exercise):
    """Every level of help, and its title, in Chinese: the exercise's own hint first."""
    for level, hint in enumerate(exercise.hints, start=1):
        shown = exercise.hint(level)
        assert CHINESE.search(shown.title) and CHINESE.search(i18n._(hint)), (shown.title, hint)
        assert shown.text.startswith(i18n._(hint)) and "{" not in shown.text, shown.text
