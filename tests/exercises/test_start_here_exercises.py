"""00 · the worked exercise: the shipped solution passes, named mistakes are named, nothing leaks."""

import numpy as np
import pytest
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected, stable_id)

from course_utils.checks import stored_solution
from course_utils.exercises.start_here import ex1, y_pred, y_true

errors = y_pred - y_true


def solution(label):
    """The notebook's namespace after the shipped solution of ``label`` ran."""
    namespace = {"np": np, "y_true": y_true.copy(), "y_pred": y_pred.copy()}
    exec(stored_solution("start_here", label), namespace)
    return namespace


def test_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["mse"]))


@pytest.mark.parametrize("answer", [0.875, np.float32(0.875), [0.875], np.array([[0.875]]), 7 / 8])
def test_right_forms_pass(answer):
    assert_passed(ex1.check(answer))


@pytest.mark.parametrize("answer, words", [
    (np.sum(errors**2), "the sum of the squared errors"),
    (np.mean(errors), "the mean error, not squared"),
    (np.mean(np.abs(errors)), "the mean absolute error"),
    (np.sqrt(np.mean(errors**2)), "(RMSE)"),
    (np.sum(errors**2) / 3, "divided by n - 1"),
    (np.mean(errors) ** 2, "the square of the mean error"),
    (-0.875, "wrong sign"),
    (1.75, "factor of 2"),
    (0.88, "is close"),
    (0.7, "is not the expected value"),
    (errors**2, "should be a single number"),
])
def test_plausible_mistakes_are_named(answer, words):
    feedback = ex1.check(answer)
    assert_rejected(feedback, words)
    shown = f"{np.asarray(answer).item():.10g}" if np.size(answer) == 1 else ""
    assert "0.875" not in feedback.message.replace(shown, "")  # only the learner's own value is shown


def test_the_data_belongs_to_the_check():
    from course_utils.exercises.start_here import y_pred, y_true

    errors = y_pred  # a learner's in-place answer meets a clear error instead of changing the check's data
    with pytest.raises(ValueError, match="read-only"):
        errors -= y_true
    assert_passed(ex1.check(0.875))
    assert_rejected(ex1.check(0.0))


def test_not_solved_says_only_that():
    assert_not_solved(ex1.check(...))


@pytest.mark.parametrize("answer", JUNK, ids=stable_id)
def test_junk_is_rejected_without_a_traceback(answer):
    assert_rejected(ex1.check(answer))


def test_the_first_hint_holds_no_part_of_the_solution():
    assert "mean" not in ex1.hints[0] and "**" not in ex1.hints[0]


# --- In Chinese -----------------------------------------------------------------------------------------------


def test_in_chinese_the_check_answers_blank_wrong_and_right(chinese):
    assert_in_chinese(ex1.check(...), "📝", "`mse`")
    assert_in_chinese(ex1.check(np.sum(errors**2)), "❌", "平方误差之和，而不是它们的均值", "3.5")
    assert_in_chinese(ex1.check(np.sqrt(np.mean(errors**2))), "❌", "均方误差的平方根（RMSE）")
    assert_in_chinese(ex1.check(0.875), "✅", "0.875")


def test_in_chinese_the_hints(chinese):
    assert_help_in_chinese(ex1)
    assert "NumPy 可以一次对整个数组做减法" in ex1.hint(1).text
