"""The exercise framework: verdicts that never leak the answer, help in levels, never a traceback."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from conftest import assert_chinese
from course_utils import checks
from course_utils.checks import Exercise, Feedback, Reply, compare_numbers


def test_right_answers_in_any_numeric_form_pass():
    for answer in (0.3, np.float32(0.3), np.array(0.3), [0.3], Fraction(3, 10), Decimal("0.3"), np.float64(0.3)):
        assert compare_numbers(answer, 0.3).passed, answer


def test_tensors_and_variables_are_read_as_numbers():
    tf = pytest.importorskip("tensorflow")
    assert compare_numbers(tf.constant(0.3, tf.float64), 0.3).passed
    assert compare_numbers(tf.Variable([1.0, 2.0]), [1.0, 2.0]).passed


@pytest.mark.parametrize("probe", [1e6, 1e-6, 123456.0, 1e300, -7e5])
def test_a_probe_never_reveals_the_answer(probe):
    """checks.md X2: the ratio of a large probe used to be printed, so probe / ratio was the answer."""
    expected = 0.1234567
    message = compare_numbers(probe, expected).message
    assert "factor" not in message and "0.123" not in message and "1234" not in message.replace(f"{probe:.10g}", "")


def test_only_real_slips_are_called_a_factor():
    assert "off by a factor of 2" in compare_numbers(2.0, 1.0).message
    assert "off by a factor of 1/2" in compare_numbers(0.5, 1.0).message
    assert "factor" not in compare_numbers(3.0, 1.0).message  # 3x is not a slip anyone makes
    assert "factor" not in compare_numbers(144.0, 1.0).message
    assert "factor of 100" in compare_numbers(100.0, 1.0, factors=(100.0,)).message
    assert "factor" not in compare_numbers(2.0, 1.0, factors=()).message


def test_mistakes_are_named_and_win_over_the_generic_diagnoses():
    feedback = compare_numbers(2.0, 1.0, mistakes={"the sum, not the mean": 2.0})
    assert not feedback.passed and "looks like the sum, not the mean" in feedback.message
    assert "wrong sign" in compare_numbers(-1.5, 1.5).message


def test_a_near_miss_is_called_close_with_all_its_digits():
    message = compare_numbers(0.16667, 1 / 6).message
    assert "is close" in message and "0.16667" in message and "0.1666666" not in message
    assert "is close" not in compare_numbers(0.18, 1 / 6).message


def test_arrays_diagnose_shape_transpose_and_partly_right():
    expected = np.arange(1.0, 7.0).reshape(2, 3)
    assert compare_numbers(expected.copy(), expected).passed
    assert "the transpose of the expected (2, 3)" in compare_numbers(expected.T, expected).message
    assert "should have shape (2, 3) (reshape it?)" in compare_numbers(expected.ravel(), expected).message
    assert "should have shape (2, 3)" in compare_numbers(np.ones(4), expected).message
    assert "off by a factor of 1/2" in compare_numbers(expected / 2, expected).message
    partly = expected.copy()
    partly[0, 0] = 9.0
    assert "5 of 6 entries are right" in compare_numbers(partly, expected).message


@pytest.mark.parametrize(
    "answer, words",
    [
        (..., "📝 Not solved yet: `x` is still `...`."),
        (None, "`x` is None. A function without `return` gives None"),
        ("0.3", "not str '0.3'"),
        (True, "not bool True"),
        (1 + 2j, "complex"),
        (np.complex128(0.3), "complex"),
        (np.array([0.3 + 0j]), "complex"),
        (10**400, "too large for a float"),
        ([[1.0], [2.0, 3.0]], "this list cannot be read as one"),
        (float("nan"), "NaN or infinity"),
        ({"x": 0.3}, "this dict cannot be read as one"),
        (lambda: 0.3, "is a function. Call it"),
        ([0.3, 0.3], "should be a single number, but it has shape (2,)"),
        (np.datetime64("2020"), "not an array of datetime64[Y]"),
        (np.array([True]), "not an array of bool"),
        (np.array(["0.3"], dtype=object), "holds text or True/False"),
    ],
)
def test_junk_gets_a_clear_reply_not_a_traceback(answer, words):
    with _no_warnings():
        feedback = compare_numbers(answer, 0.3, name="x")
    assert not feedback.passed and words in feedback.message


class _no_warnings:
    """No ComplexWarning or RuntimeWarning may leak out of a check (checks.md X5)."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


def test_huge_and_tiny_answers_are_judged_without_warnings():
    with _no_warnings():
        for answer in (1e308, -1e308, 5e-324):
            assert not compare_numbers(answer, 0.3).passed


def test_call_reports_errors_inside_the_learners_function_as_a_verdict():
    def broken(x):
        return x + None

    with pytest.raises(Reply) as caught:
        checks.call(broken, 1, name="step")
    assert "calling `step` raised TypeError" in caught.value.feedback.message
    with pytest.raises(Reply) as caught:
        checks.call(lambda x: ..., 1, name="step")
    assert caught.value.feedback.message == "📝 Not solved yet: `step` still returns `...`."
    with pytest.raises(Reply) as caught:
        checks.call(3.0, name="step")
    assert "should be a function" in caught.value.feedback.message
    assert checks.call(lambda x: 2 * x, 2, name="step") == 4

    def exits(x):
        raise SystemExit(1)

    with pytest.raises(Reply, match="calling `step` raised SystemExit"):
        checks.call(exits, 1, name="step")


def test_call_stops_an_endless_loop_with_a_verdict(monkeypatch):
    def endless(x):
        while True:
            try:
                pass
            except Exception:  # a learner's broad except cannot swallow the time limit
                pass

    monkeypatch.setattr(checks, "TIME_LIMIT", 0.2)
    with pytest.raises(Reply) as caught:
        checks.call(endless, 1, name="step")
    assert "`step` did not finish within 0.2 s" in caught.value.feedback.message
    assert checks.call(lambda x: x, 1, name="step") == 1  # and the alarm is off again


def test_a_whole_check_is_time_limited_and_nested_limits_keep_the_outer_one(monkeypatch):
    def endless_schedule():
        while True:
            pass

    def checker(answer):
        checks.call(lambda: 1, name="quick")  # an inner limit must not cancel the check's own
        answer()

    monkeypatch.setattr(checks, "TIME_LIMIT", 0.3)
    feedback = _exercise(checker).check(endless_schedule)
    assert "the check stopped your code after 0.3 s" in feedback.message


def test_refusing_makes_methods_raise_inside_the_block_only():
    class Stop(BaseException):
        pass

    class Optimizer:
        def step(self):
            return "stepped"

    with checks.refusing([(Optimizer, "step"), (Optimizer, "absent")], Stop):
        with pytest.raises(Stop):
            Optimizer().step()
    assert Optimizer().step() == "stepped" and not hasattr(Optimizer, "absent")


def _exercise(checker, hints=("Think about the sign.", "Subtract the gradient.")):
    return Exercise("ex7", "start_here", checker, hints)


def test_exercise_adds_how_to_get_help_to_every_reply_that_is_not_a_pass():
    exercise = _exercise(lambda x: compare_numbers(x, 1.0, name="x"))
    assert exercise.check(1.0).message == "✅ Correct: x = 1."
    assert exercise.check(...).message == (
        "📝 Not solved yet: `x` is still `...`. Write your answer in the exercise cell, run it, then run this cell. "
        "Stuck? `ex7.hint()` gives a hint.")
    assert exercise.check(-1.0).message.endswith("has the wrong sign. (`ex7.hint()` for help.)")


def test_a_check_called_with_the_wrong_arguments_says_how_to_call_it():
    exercise = _exercise(lambda slope: compare_numbers(slope, 1.0))
    for arguments in ((), (1.0, 2.0)):
        assert exercise.check(*arguments).message == (
            "❌ Not yet: pass your answer to the check: `ex7.check(slope)`, as the check cell does.")


def test_exercise_turns_a_reply_or_any_error_into_feedback():
    def checker(x):
        if x == "reply":
            raise Reply(checks.wrong("a named mistake."))
        raise KeyError("weights")

    exercise = _exercise(checker)
    assert exercise.check("reply").message.startswith("❌ Not yet: a named mistake.")
    assert "could not be checked (KeyError" in exercise.check(1).message
    assert "could not be checked (TypeError" in _exercise(lambda x: "not feedback").check(1).message


def test_hints_come_in_levels_then_point_to_the_solution():
    exercise = _exercise(lambda x: compare_numbers(x, 1.0))
    first, second, after = exercise.hint(), exercise.hint(), exercise.hint()
    assert first.title == "Hint 1 of 2" and "Think about the sign." in first.text and "again for more" in first.text
    assert second.title == "Hint 2 of 2" and "the last hint. `ex7.solution()` shows a solution" in second.text
    assert after.title == "No more hints."
    assert exercise.hint(1).text == first.text
    assert "**Hint 1 of 2**" in first._repr_markdown_() and repr(first).startswith("Hint 1 of 2\n")
    for bad in (0, 3, 4, 1.0, True, "1"):
        with pytest.raises(ValueError, match="level must be"):
            exercise.hint(bad)


def test_the_solution_is_the_notebooks_and_can_be_switched_off(monkeypatch):
    exercise = Exercise("ex1", "start_here", lambda x: compare_numbers(x, 1.0), ["nudge"])
    shown = exercise.solution()
    assert "mse = np.mean(errors**2)" in shown.code and "```python" in shown._repr_markdown_()
    monkeypatch.setenv("COURSE_SOLUTIONS", "off")
    assert "switched off" in exercise.hint(1).text and "solution()" not in exercise.hint(1).text
    hidden = exercise.solution()
    assert hidden.code == "" and "switched off" in hidden.title and "errors" not in repr(hidden)


# --- In Chinese (setup(language="zh")): the verdicts, diagnoses and help ------------------------------------------


def test_in_chinese_a_check_answers_blank_wrong_and_right_in_chinese(chinese):
    exercise = _exercise(lambda x: compare_numbers(x, 1.0, name="x"))
    assert exercise.check(1.0).message == "✅ 正确：x = 1。"
    assert exercise.check(...).message == (
        "📝 尚未作答：`x` 仍然是 `...`。请在练习单元格中写下你的答案并运行，然后运行本单元格。卡住了？`ex7.hint()` 会给出提示。")
    assert exercise.check(-1.0).message == "❌ 还不对：`x` = -1，符号反了。（调用 `ex7.hint()` 获取帮助。）"
    assert exercise.check().message == "❌ 还不对：请把你的答案传给检查：`ex7.check(x)`，就像检查单元格中那样。"
    assert exercise.check(1.0).passed and not exercise.check(-1.0).passed and not exercise.check(...).passed


@pytest.mark.parametrize("answer", [None, "0.3", 1 + 2j, 10**400, [[1.0], [2.0, 3.0]], float("nan"), lambda: 0.3,
                                    [0.3, 0.3], np.array([True]), np.array(["0.3"], dtype=object), 2.0, 0.6, 0.30001,
                                    -0.3])
def test_in_chinese_every_diagnosis_of_compare_numbers_is_chinese(chinese, answer):
    feedback = compare_numbers(answer, 0.3, name="x", mistakes={"the sum, not the mean": 2.0})
    assert feedback.message.startswith("❌ 还不对：`x` ")
    assert_chinese(feedback.message)


def test_in_chinese_the_shapes_and_the_partly_right_entries_are_said_in_chinese(chinese):
    expected = np.arange(6.0).reshape(2, 3)
    partly = expected.copy()
    partly[0, 0] = 9.0
    assert compare_numbers(expected.T, expected).message.endswith("正好是预期形状 (2, 3) 的转置。")
    assert compare_numbers(expected.ravel(), expected).message.endswith("但应当是 (2, 3)（需要 reshape 一下吗？）。")
    assert "6 个元素中有 5 个正确" in compare_numbers(partly, expected).message


def test_in_chinese_call_reports_errors_and_unwritten_functions_in_chinese(chinese):
    with pytest.raises(Reply) as caught:
        checks.call(lambda x: x + None, 1, name="step")
    assert caught.value.feedback.message.startswith("❌ 还不对：调用 `step` 时引发了 TypeError：")
    with pytest.raises(Reply) as caught:
        checks.call(lambda x: ..., 1, name="step")
    assert caught.value.feedback.message == "📝 尚未作答：`step` 仍然返回 `...`。"
    with pytest.raises(Reply) as caught:
        checks.call(3.0, name="step")
    assert caught.value.feedback.message == "❌ 还不对：`step` 应当是一个函数（def step(...): ...），而不是 float。"


def test_in_chinese_a_function_that_still_returns_dots_is_not_solved_yet(chinese):
    """The 📝 verdict in Chinese, and how to go on."""
    def checker(x):
        raise Reply(checks.still_returns_dots("step"))

    feedback = _exercise(checker).check(1)
    assert feedback.message.startswith("📝 尚未作答：`step` 仍然返回 `...`。请在练习单元格中写下你的答案")
    assert checks.is_not_yet(feedback) and not checks.is_not_yet(checks.wrong("x"))
    assert "could not be checked" not in _exercise(lambda x: 1 / 0).check(1).message
    assert_chinese(_exercise(lambda x: 1 / 0).check(1).message)


def test_in_chinese_hints_and_solutions_have_chinese_titles_and_texts(chinese, monkeypatch):
    exercise = _exercise(lambda x: compare_numbers(x, 1.0))
    first, second, after = exercise.hint(), exercise.hint(), exercise.hint()
    assert first.title == "第 1 条提示（共 2 条）"
    assert first.text == "Think about the sign.\n\n还是卡住了？再次调用 `ex7.hint()` 获取更多提示。"
    assert second.text.endswith("这是最后一条提示。`ex7.solution()` 会展示一个解答。")
    assert after.title == "没有更多提示了。" and after.text == "上一条已是最后一条提示。`ex7.solution()` 会展示一个解答。"
    solution = Exercise("ex1", "start_here", lambda x: compare_numbers(x, 1.0), ["nudge"]).solution()
    assert solution.title == "ex1 的一个解答" and solution.text == "先读懂它，然后不看解答自己写一遍。"
    monkeypatch.setenv("COURSE_SOLUTIONS", "off")
    assert exercise.hint(2).text.endswith("这是最后一条提示。本课程已关闭解答：请向你的教师求助。")
    hidden = exercise.solution()
    assert hidden.title == "本课程已关闭解答。" and hidden.text.endswith("`ex7.hint()` 仍然可以帮助你。")


def test_a_hint_marked_for_translation_is_shown_translated(chinese):
    """Exercise.hint translates each hint (the exercises modules mark theirs with N_)."""
    exercise = _exercise(lambda x: compare_numbers(x, 1.0), hints=("Learning-rate range test", "epoch"))
    assert exercise.hint(1).text.startswith("学习率范围测试\n\n") and exercise.hint(2).text.startswith("轮次\n\n")


def test_feedback_is_truthy_only_when_passed():
    assert Feedback(True, "ok") and not Feedback(False, "no")
    assert repr(Feedback(False, "no")) == "no"


# --- grade(): the strict mode for an autograder (nbgrader's hidden tests) ------------------------------------------


def test_grade_passes_silently_and_raises_the_learners_message_otherwise():
    exercise = _exercise(lambda x: compare_numbers(x, 1.0, name="x"))
    assert exercise.grade(1.0) is None
    for answer, words in ((-1.0, "❌ Not yet: `x` = -1 has the wrong sign"), (..., "📝 Not solved yet: `x` is still")):
        with pytest.raises(AssertionError) as raised:
            exercise.grade(answer)
        assert str(raised.value) == exercise.check(answer).message and str(raised.value).startswith(words)


def _noisy_checker(x):
    """A check that writes to stderr in every way TensorFlow and Keras do, then judges."""
    import logging
    import os
    import sys
    import warnings

    os.write(2, b"E0000 a C++ log line on file descriptor 2\n")
    print("a line on sys.stderr", file=sys.stderr)
    warnings.warn("a Python warning")
    logging.getLogger("absl").warning("an absl log record")
    return compare_numbers(x, 1.0, name="x")


def test_grade_writes_nothing_to_stderr_even_when_the_check_does(capfd):
    exercise = _exercise(_noisy_checker)
    exercise.grade(1.0)
    with pytest.raises(AssertionError, match="wrong sign"):
        exercise.grade(-1.0)
    assert capfd.readouterr().err == ""
    with pytest.warns(UserWarning, match="a Python warning"):
        exercise.check(1.0)  # the control: the same check, not silenced, does write to stderr
    assert "E0000" in capfd.readouterr().err


@pytest.mark.slow
def test_a_graded_cell_in_a_real_kernel_has_no_stderr_output():
    """ipykernel copies file descriptor 2 into the cell's stderr (unless PYTEST_CURRENT_TEST is set): grade() must
    leave nothing there, while the same check not silenced, in the next cell, shows that the kernel captures it."""
    import inspect
    import os

    import nbformat
    from nbclient import NotebookClient

    setup = ("from course_utils.checks import Exercise, compare_numbers\n\n" + inspect.getsource(_noisy_checker)
             + "\nex = Exercise('ex1', 'start_here', _noisy_checker, ['nudge'])")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        setup, "ex.grade(1.0)", "ex.check(1.0);")])
    environment = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute(env=environment)
    graded, control = notebook.cells[1], notebook.cells[2]
    assert graded.outputs == []
    assert any(output.get("name") == "stderr" and "E0000" in output.get("text", "") for output in control.outputs)
