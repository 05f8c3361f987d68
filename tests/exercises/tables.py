"""What every exercise's tests share: the not-solved reply, junk answers, and the verdict helpers."""

import re

import numpy as np

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
