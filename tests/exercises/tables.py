"""What every exercise's tests share: the not-solved reply, junk answers, and the verdict helpers."""

import re

import numpy as np
import pytest

from conftest import NOT_SOLVED

#: Answers no exercise accepts; each must get a clear ❌ (never ✅, never a traceback).
JUNK = [None, "0.5", b"0.5", True, np.bool_(False), 1 + 2j, np.complex128(0.5), 10**400, float("nan"),
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


# --- In Chinese (setup(language="zh")): the verdicts, diagnoses and hints of an exercises module ---------------

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(monkeypatch):
    """The course's messages in Chinese during one test; the language chosen before comes back after it."""
    from course_utils import i18n

    monkeypatch.setattr(i18n, "_chosen", "zh")


def assert_in_chinese(feedback, emoji, *parts):
    """A verdict (its ``emoji``) in Chinese, every placeholder filled, that holds each of ``parts``."""
    message = feedback.message
    assert feedback.passed == (emoji == "✅") and message.startswith(emoji), message
    assert CHINESE.search(message) and "{" not in message and "}" not in message, message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def assert_hints_in_chinese(exercise):
    """Every level of help, and its title, in Chinese: the exercise's own hint first."""
    from course_utils.i18n import _

    for level, hint in enumerate(exercise.hints, start=1):
        shown = exercise.hint(level)
        assert CHINESE.search(shown.title) and CHINESE.search(_(hint)), (shown.title, hint)
        assert shown.text.startswith(_(hint)) and "{" not in shown.text, shown.text
