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


# --- The checks of notebooks 01 and 02 --------------------------------------------------------------

from course_utils.exercises import KINDS, mystery_kinds, mystery_loss_curves  # noqa: E402


def test_mystery_curves_really_are_what_their_hidden_labels_say():
    curves, kinds = mystery_loss_curves(), mystery_kinds()
    assert sorted(kinds.values()) == sorted(KINDS) and set(curves) == set(kinds)
    by_kind = {kind: np.asarray(curves[name]) for name, kind in kinds.items()}
    finite = {kind: c[np.isfinite(c)] for kind, c in by_kind.items()}
    assert not np.all(np.isfinite(by_kind["diverging"])) or by_kind["diverging"][-1] > 1e6 * by_kind["diverging"][0]
    floor = finite["good"][-20:].mean()
    assert finite["good"][-1] < 0.1 * finite["good"][0], "good reaches its floor"
    assert finite["slow"][-1] > 3 * floor, "slow is still far above the floor"
    assert np.all(np.diff(finite["slow"]) < 0), "slow falls steadily"
    late = finite["oscillating"][30:]
    assert late.max() > 5 * floor and np.sum(np.diff(late) > 0) > 20, "oscillating jumps up and down"
    np.testing.assert_array_equal(mystery_loss_curves()["A"], curves["A"])  # deterministic


def test_curve_labels_check_explains_each_wrong_label():
    truth = mystery_kinds()
    assert checks.check_curve_labels(dict(truth)).passed
    assert checks.check_curve_labels({k: v.upper() + " " for k, v in truth.items()}).passed
    swapped = {**truth, "A": truth["B"], "B": truth["A"]}
    message = checks.check_curve_labels(swapped).message
    assert "(2 of 4 right)" in message and f"curve A is not {truth['B']}" in message
    assert "keeps jumping up and down" in message or "falls steadily" in message
    assert "is not one of" in checks.check_curve_labels({**truth, "C": "bad"}).message
    assert "curve D has no label" in checks.check_curve_labels({k: v for k, v in truth.items() if k != "D"}).message
    assert "there is no curve E" in checks.check_curve_labels({**truth, "E": "good"}).message
    assert "should be a dict" in checks.check_curve_labels(list(truth.values())).message
    assert checks.check_curve_labels(...).message.startswith("📝")


_rng = np.random.default_rng(3)
HIDDEN = (_rng.normal(size=(5, 2)), np.tanh(_rng.normal(size=(5, 3))), _rng.normal(size=(5, 3)))  # X, A, d_A


@pytest.mark.parametrize(
    "check, right, mistakes",
    [
        (lambda a: checks.check_central_difference(a), 2 * np.sin(1) + np.cos(1),
         {(np.sin(1 + 1e-5) * (1 + 1e-5) ** 2 - np.sin(1)) / 1e-5: "forward difference"}),
        (lambda a: checks.check_mse_gradient(a, [0.0, 1.0, 2.0], [1.0, 3.0, 4.0], 1.0, 0.0), [-4.0, -10 / 3],
         {(-12.0, -10.0): "*sum*", (-2.0, -5 / 3): "without the factor 2", (-10 / 3, -4.0): "the order"}),
        (lambda a: checks.check_descent_steps(a), 3 * 0.8**5,
         {3 * 1.2**5: "uphill", 3 * 0.8**4: "4 steps", 3 * 0.9**5: "a derivative of x"}),
        (lambda a: checks.check_largest_stable_rate(a, (3.0, 12.0)), 2 / 12,
         {2 / 3: "smallest curvature", 1 / 12: "twice as large", 2 / 15: "sum"}),
        (lambda a: checks.check_steps_needed(a, (1.0, 50.0), 1 / 50, 0.01), 228,
         {227: "round the number of steps *up*", 1: "steep direction"}),
        (lambda a: checks.check_restart_success(a, 0.25, 6), 1 - 0.75**6,
         {1.5: "share x restarts", 0.75**6: "*every* start fails", 1 - 0.25**6: "1 - p^k"}),
        (lambda a: checks.check_restarts_needed(a, 0.25, 0.99), 17, {16: "round *up*"}),
        (lambda a: checks.check_basin_guess(a, 1.0), 0.5, {2.4: "the global minimum"}),
        (lambda a: checks.check_basin_guess(a, -2.0), -2.4, {2.4: "the global minimum"}),
        (lambda a: checks.check_local_gradient(a, 3.0, -2.0, 0.5), 1.5,
         {0.5: "the arriving gradient alone", -1.0: "that is dL/dx", -6.0: "forward value"}),
        (lambda a: checks.check_hidden_weight_gradient(a, *HIDDEN), HIDDEN[0].T @ (HIDDEN[2] * (1 - HIDDEN[1] ** 2)),
         {tuple(map(tuple, HIDDEN[0].T @ HIDDEN[2])): "must first pass through tanh"}),
        (lambda a: checks.check_decayed_rate(a, 0.1, 0.01, 100), 0.05,
         {0.1 * np.exp(-1.0): "exponential", 0.1 / 2.01: "one step later"}),
        (lambda a: checks.check_decayed_rate(a, 0.1, 0.001, 100), 0.1 / 1.1, {0.09: "the decay divides"}),
        (lambda a: checks.check_momentum_steps(a, 1.0, [2.0, 2.0, -1.0], 0.1, 0.9), 0.178,
         {0.7: "without momentum", 1.822: "uphill"}),
        (lambda a: checks.check_rmsprop_window(a, 0.95), 20, {1 / 0.95: "1 / rho", 0.05: "newest"}),
        (lambda a: checks.check_uncorrected_first_step(a, 0.001, 0.9, 0.999), 0.001 * 0.1 / np.sqrt(0.001),
         {0.001: "*with* the bias correction", 0.001 * 0.1 / 0.001: "square root"}),
    ],
)
def test_exercise_checks_pass_the_answer_and_name_typical_mistakes(check, right, mistakes):
    assert check(right).passed
    for answer, words in mistakes.items():
        feedback = check(np.array(answer) if isinstance(answer, tuple) else answer)
        assert not feedback.passed and words in feedback.message, (answer, feedback.message)
    assert check(...).message.startswith("📝 Not solved yet")
    assert "not str" in check("0.5").message
