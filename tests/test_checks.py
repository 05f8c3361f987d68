"""Exercise checks: a clear pass, a hint saying what is wrong, never a traceback."""

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import Feedback, compare_numbers, exercise_check

Y_TRUE = np.array([1.0, 2.0, 3.0, 4.0])
Y_PRED = np.array([1.5, 2.0, 2.0, 5.0])


def test_right_answer_passes_and_shows_its_value():
    feedback = checks.check_mse(0.5625, Y_TRUE, Y_PRED)
    assert feedback and feedback.passed
    assert repr(feedback) == "✅ Correct: mse = 0.5625."


@pytest.mark.parametrize(
    "answer, words",
    [
        (..., "Not solved yet: `mse` is still `...`"),
        (None, "Not solved yet: `mse` is still `None`"),
        (-0.5625, "wrong sign"),
        (2.25, "the sum of the squared errors, not their mean"),
        (0.125, "the mean error, not squared"),
        (0.75, "root of the mean squared error"),
        (0.625, "mean absolute error"),
        (1.125, "off by a constant factor of 2"),
        (0.7, "is not the expected value"),
        (float("nan"), "contains NaN or infinity"),
        ([0.5625, 0.5625], "should be a single number, but it has shape (2,)"),
    ],
)
def test_wrong_answers_get_a_hint_saying_what_is_wrong(answer, words):
    feedback = checks.check_mse(answer, Y_TRUE, Y_PRED)
    assert not feedback.passed
    assert words in feedback.message
    assert "Hint: square each error" in feedback.message


@pytest.mark.parametrize(
    "answer, words",
    [
        ("0.5625", "not str '0.5625'"),
        (True, "not bool True"),
        ({"mse": 0.5625}, "a dict cannot be read as one"),
        (object(), "a object cannot be read as one"),
        (lambda: 0.5625, "is a function. Call it"),
    ],
)
def test_answers_of_the_wrong_type_get_feedback_not_a_traceback(answer, words):
    feedback = checks.check_mse(answer, Y_TRUE, Y_PRED)
    assert isinstance(feedback, Feedback) and not feedback.passed
    assert words in feedback.message


def test_a_check_that_breaks_inside_still_answers():
    feedback = checks.check_mse(0.5, "abc", Y_PRED)  # the learner overwrote y_true
    assert not feedback.passed
    assert "could not be checked" in feedback.message and "ValueError" in feedback.message


def test_exercise_check_turns_any_error_into_feedback():
    @exercise_check
    def broken(answer):
        raise KeyError("weights")

    assert "could not be checked (KeyError" in broken(1).message


def test_arrays_diagnose_shape_transpose_and_factor():
    expected = np.arange(1.0, 7.0).reshape(2, 3)
    assert compare_numbers(expected.copy(), expected).passed
    assert "the transpose of the expected (2, 3)" in compare_numbers(expected.T, expected).message
    assert "should have shape (2, 3) (reshape it?)" in compare_numbers(expected.ravel(), expected).message
    assert "should have shape (2, 3)" in compare_numbers(np.ones(4), expected).message
    assert "constant factor of 0.5" in compare_numbers(expected / 2, expected).message
    assert "constant factor of 1.5" in compare_numbers(expected * 1.5, expected).message
    assert "wrong sign" in compare_numbers(-expected, expected).message


def test_tolerance_is_relative():
    assert compare_numbers(1e6 + 0.1, 1e6).passed
    assert not compare_numbers(1.01, 1.0).passed
    assert compare_numbers(1.01, 1.0, rtol=0.02).passed


def test_compare_numbers_rejects_bad_settings():
    with pytest.raises(ValueError, match="rtol and atol must be >= 0"):
        compare_numbers(1.0, 1.0, rtol=-1)
    with pytest.raises(TypeError, match="name must be a string"):
        compare_numbers(1.0, 1.0, name=3)
