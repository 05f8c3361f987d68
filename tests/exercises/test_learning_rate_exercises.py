"""02 · Choosing a learning rate: the shipped solutions pass, plausible mistakes are named, nothing leaks, the four
curves are an honest test of reading, and the range-test check's verdict holds on other seeds."""

import copy
import itertools
from collections import OrderedDict
from decimal import Decimal
from fractions import Fraction

import keras
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected, stable_id)

from course_utils.callbacks import LRFinder, lr_range_test
from course_utils.checks import stored_solution
from course_utils.data import batches
from course_utils.exercises import learning_rate
from course_utils.exercises.learning_rate import (KINDS, ex1, ex2, ex3, make_model, mystery_curves, x_train,
                                                  y_train)


def solution(label):
    namespace = {"np": np, "tf": tf, "keras": keras, "make_model": make_model, "mystery_curves": mystery_curves,
                 "x_train": x_train, "y_train": y_train, "lr_range_test": lr_range_test, "batches": batches}
    exec(stored_solution("learning_rate", label), namespace)
    return namespace


# --- Exercise 1: read the curves ------------------------------------------------------------------------

LABELS = solution("ex1")["labels"]


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(LABELS))


def features(losses):
    rises = losses[1:] / losses[:-1]
    return {"end": losses[-1], "start": losses[0], "rises": rises, "late": losses[-40:]}


def test_ex1_each_curve_has_its_kind_s_defining_feature_and_the_good_one_ends_lowest():
    curves = {LABELS[name]: features(losses) for name, losses in mystery_curves().items()}
    slow, good, oscillating, diverging = (curves[kind] for kind in KINDS)
    assert np.all(np.isfinite(slow["rises"])) and slow["rises"].max() < 1  # falls at every step
    assert slow["late"][-1] < 0.9 * slow["late"][0]  # still falling over the last 40 steps
    assert slow["end"] > 1.5 * good["end"]  # well above the lowest curve
    assert good["end"] == min(c["end"] for c in curves.values())
    assert good["end"] < 1.02 * learning_rate.lowest_loss()  # at the lowest loss possible
    assert good["rises"][20:].max() < 1.5 and good["late"].max() < 1.5 * good["late"].min()  # levelled off
    assert np.all(np.isfinite(oscillating["rises"])) and np.sum(oscillating["rises"] > 2) >= 10  # jumps, often
    assert oscillating["end"] < oscillating["start"] and oscillating["late"].max() < 10  # did not blow up
    assert np.median(oscillating["late"]) > 1.3 * np.median(good["late"])  # never settles at the lowest loss
    assert oscillating["end"] > 1.5 * good["end"]
    assert np.sum(diverging["rises"] > 2) >= 10  # it jumps too, like the oscillating curve ...
    quarters = np.split(next(losses for name, losses in mystery_curves().items() if LABELS[name] == "diverging"), 4)
    assert np.all(np.diff([np.median(quarter) for quarter in quarters]) > 0)  # its trend is up, quarter by quarter
    assert diverging["end"] > 1e6 * diverging["start"]  # ... but grows without bound


def test_ex1_the_close_cases_are_close():
    """The review: the old curves could be matched at a glance. Now two jump, two fall smoothly."""
    rates = {LABELS[curve]: rate for curve, rate in learning_rate._RATES.items()}
    X, y, _ = learning_rate._curve_problem()
    limit = 2 / np.linalg.eigvalsh(2 / len(y) * X.T @ X).max()
    assert 0.7 * limit < rates["oscillating"] < limit < rates["diverging"] < 1.15 * limit
    curves = {LABELS[name]: losses for name, losses in mystery_curves().items()}
    assert curves["diverging"][:25].max() < 1e4  # it stays inside the panel (up to 1e4) for its first 25 steps
    assert curves["slow"][-1] < 0.1 * curves["slow"][0] and curves["oscillating"][-40:].min() < 1.2 * curves["good"][-1]


def test_ex1_the_answer_is_kept_as_salted_hashes_only():
    assert not any(name in dir(learning_rate) for name in ("mystery_kinds", "KIND_EXPLANATIONS", "_MYSTERY"))
    for value in vars(learning_rate).values():
        if isinstance(value, dict) and set(value) >= set("ABCD"):
            assert not set(map(str, value.values())) & set(KINDS), value
    assert all(kind not in str(learning_rate._TRUTH) for kind in KINDS)
    assert sum(learning_rate._is_kind(curve, kind) for curve in "ABCD" for kind in KINDS) == 4


RIGHT_FORMS = [
    OrderedDict(reversed(list(LABELS.items()))),
    {curve.lower(): kind for curve, kind in LABELS.items()},
    {f"curve {curve}": kind.upper() for curve, kind in LABELS.items()},
    {f" {curve} ": f"  {kind.title()} " for curve, kind in LABELS.items()},
    {curve: {"slow": "too small", "good": "just right", "oscillating": "oscillates", "diverging": "diverges"}[kind]
     for curve, kind in LABELS.items()},
    {curve: {"slow": "too-small", "good": "Good", "oscillating": "震荡", "diverging": "blows up"}[kind]
     for curve, kind in LABELS.items()},
    {curve: {"slow": "too_small", "good": "ok", "oscillating": "bouncing", "diverging": "exploding"}[kind]
     for curve, kind in LABELS.items()},
    {curve: {"slow": "太慢", "good": "合适", "oscillating": "振荡", "diverging": "发散"}[kind]
     for curve, kind in LABELS.items()},
]


@pytest.mark.parametrize("labels", RIGHT_FORMS, ids=range(len(RIGHT_FORMS)))
def test_ex1_right_answers_in_other_words_pass(labels):
    assert_passed(ex1.check(labels))


def relabel(**changes):
    return {**LABELS, **changes}


def swapped(a, b):
    return relabel(**{a: LABELS[b], b: LABELS[a]})


# (labels, words the diagnosis must name)
MISTAKES = [
    # one wrong label explained per attempt: the review's swap of two curves named both, which pinned the answer
    # the jumpy curve that comes down taken for the good one (it dips near the dashed line late on)
    (swapped("A", "D"), ["2 of 4 right", "Curve A is not good", "stays at the lowest loss", "other curves too"]),
    # the two jumpy curves confused
    (swapped("A", "C"), ["2 of 4 right", "Curve A is not diverging", "ends far above where it started"]),
    # the two smooth curves confused (the slow one is no longer a straight line)
    (swapped("B", "D"), ["2 of 4 right", "Curve B is not good", "levels off"]),
    ({"A": "good", "B": "slow", "C": "oscillating", "D": "diverging"}, ["1 of 4 right", "Curve A is not good"]),
    ({"A": "diverging", "B": "good", "C": "oscillating", "D": "slow"}, ["0 of 4 right", "Curve A is not diverging"]),
    ({curve: "good" for curve in "ABCD"}, ["each kind labels exactly one curve", "A, B, C, D are all good"]),
    (relabel(A="too large"), ["'too large' fits two kinds", "say which"]),
    (relabel(A="太大"), ["'太大' fits two kinds", "say which"]),
    (relabel(C="too high"), ["'too high' fits two kinds"]),
    (relabel(D="low"), ["'low' fits two kinds", "slow (a low rate) and good (a low loss)"]),  # was read as slow
    (relabel(B="..."), ["curve B still has no kind", "write one"]),
    (relabel(B=..., C="…"), ["curves B, C still have no kind"]),
    (relabel(A="converges"), ["'converges' is not one of the kinds"]),
    (relabel(D="medium"), ["'medium' is not one of the kinds"]),
    ({curve: LABELS[curve] for curve in "ABC"}, ["no label for curve D"]),
    (relabel(E="good"), ["there is no curve 'E'"]),
    ({0: "good", 1: "diverging", 2: "oscillating", 3: "slow"}, ["there is no curve 0", "no label for curves A, B, C, D"]),
    (dict(zip("ABCD", mystery_curves().values())), ["labels of curves A, B, C, D should be words", "not ndarray"]),
    (relabel(A=None), ["the label of curve A should be a word", "not NoneType"]),
    (relabel(A=1), ["should be a word", "not int"]),
]


@pytest.mark.parametrize("labels, words", MISTAKES, ids=range(len(MISTAKES)))
def test_ex1_plausible_mistakes_are_named(labels, words):
    feedback = ex1.check(labels)
    assert_rejected(feedback, *words)
    assert "all four" not in feedback.message
    assert len(feedback.message) < 700  # no arrays dumped into the reply
    assert feedback.message.count("Curve ") <= 1  # one wrong label explained per attempt


@pytest.mark.parametrize("labels", [{curve: "..." for curve in "ABCD"}, dict.fromkeys("ABCD", ...),
                                    {f"{curve}": " ... " for curve in "ABCD"}], ids=range(3))
def test_ex1_the_copied_template_is_not_written_yet(labels):
    assert_not_solved(ex1.check(labels))  # the review's copied template got four ❌


@pytest.mark.parametrize("labels, words", [
    (list(LABELS.values()), ["should be a dict", "not a list"]),
    (tuple(LABELS.items()), ["should be a dict", "not a tuple"]),
    ("good", ["should be a dict", "not a str"]),
])
def test_ex1_other_containers_are_refused_with_the_form_asked_for(labels, words):
    assert_rejected(ex1.check(labels), *words)


def test_ex1_one_wrong_label_is_explained_by_the_kind_given_never_by_the_true_one():
    for kinds in itertools.permutations(KINDS):
        labels = dict(zip("ABCD", kinds))
        feedback = ex1.check(labels)
        wrong = [curve for curve in "ABCD" if labels[curve] != LABELS[curve]]
        if not wrong:
            assert_passed(feedback)
            continue
        assert_rejected(feedback, f"{4 - len(wrong)} of 4 right")
        message = feedback.message.lower()
        curve, given = wrong[0], labels[wrong[0]]
        assert f"curve {curve.lower()} is not {given}: {learning_rate._NOT_THIS_KIND[given]}" in message
        for other in wrong[1:]:  # the others are not explained: that would pin the answer by elimination
            assert f"curve {other.lower()} is not" not in message
        for curve, true in LABELS.items():
            assert f"{curve} is {true}" not in feedback.message and f"{curve} {true}" not in feedback.message


def test_ex1_not_solved_and_junk():
    assert_not_solved(ex1.check(...))
    for junk in JUNK:
        assert_rejected(ex1.check(junk))


# --- Exercise 2: the price of a steep direction ---------------------------------------------------------------

EXPECTED_STEPS = 152


def test_ex2_the_shipped_solution_passes_and_is_the_count_a_loop_gives():
    assert_passed(ex2.check(solution("ex2")["steps"]))
    x, k = 1.0, 0
    while abs(x) > 0.01:
        x, k = x * (1 - 0.01 * 3.0), k + 1
    assert k == EXPECTED_STEPS


@pytest.mark.parametrize("steps", [152, 152.0, np.int64(152), np.float32(152), np.array(152), [152],
                                   tf.constant(152), tf.constant(152.0), tf.Variable(152.0), Fraction(152),
                                   Decimal("152")], ids=stable_id)
def test_ex2_right_answers_in_other_types_pass(steps):
    assert_passed(ex2.check(steps))


STEP_MISTAKES = [
    (151, ["rounded *up*", "still above 1 %"]),
    (np.float32(151), ["rounded *up*"]),
    (int(np.log(0.01) / np.log(0.97)), ["rounded *up*"]),  # int() truncates
    (round(np.log(0.01) / np.log(0.97)), ["rounded *up*"]),
    (153, ["one step more than needed", "the start is step 0"]),
    (np.log(0.01) / np.log(0.97), ["not a whole number", "round it *up*"]),
    (np.float32(np.log(0.01) / np.log(0.97)), ["not a whole number", "round it *up*"]),
    (1, ["steep y direction"]),
    (76, ["*loss*", "x itself"]),
    (459, ["1 − η a₁", "curvature"]),
    (458, ["1 − η a₁"]),
    (154, ["approximation"]),
    (np.log(100) / 0.03, ["approximation", "not a whole number"]),
    (66, ["mixes logarithms"]),
    (349, ["mixes logarithms"]),
    (34, ["factor e"]),
    (33, ["factor e"]),
    (75, ["stability limit", "1/a₂"]),
    (100, ["1/η"]),
    (0, ["no step at all"]),
    (-0.0, ["no step at all"]),  # np.ceil(np.log(0.01) / np.log(0)): the steep y's factor, 0
    (np.log(0.97) / np.log(0.01), ["upside down"]),
    (-152, ["negative"]),
    (228, ["not the number of steps"]),  # the old exercise's answer, for (1, 50)
    (151.5, ["not a whole number"]),
    ([151, 152], ["one whole number", "shape (2,)"]),
]


@pytest.mark.parametrize("steps, words", STEP_MISTAKES, ids=lambda v: repr(v)[:20])
def test_ex2_plausible_mistakes_are_named_without_the_answer(steps, words):
    feedback = ex2.check(steps)
    assert_rejected(feedback, *words)
    assert str(EXPECTED_STEPS) not in feedback.message


def test_ex2_not_solved_junk_and_hints():
    assert_not_solved(ex2.check(...))
    for junk in JUNK:
        assert_rejected(ex2.check(junk))
    nudge = ex2.hints[0]
    assert not any(part in nudge for part in ("152", "log", "ceil", "0.97", "1 − η", "round"))


# --- Exercise 3: a range test on a new model, then a rate ----------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return solution("ex3")


@pytest.fixture(scope="module")
def finder(shipped):
    return shipped["finder"]


def range_test(compile_with=None, **options):
    """A range test on make_model(); 40 steps are enough to reach the explosion (the test stops there)."""
    model = make_model()
    model.compile(**({"optimizer": keras.optimizers.SGD(), "loss": "mse"} | (compile_with or {})))
    return lr_range_test(model, x_train, y_train, **({"min_lr": 1e-4, "max_lr": 10.0, "steps": 40,
                                                      "batch_size": 16} | options))


def test_ex3_the_shipped_solution_passes(shipped):
    assert_passed(ex3.check(shipped["finder"], shipped["rate"]))


def test_ex3_the_model_and_its_fresh_copies_start_alike():
    model = make_model(5)
    for mine, check in zip(model.get_weights(), learning_rate._initial_weights(5)):
        assert np.array_equal(mine, check)
    assert not np.array_equal(make_model(1).get_weights()[0], make_model(2).get_weights()[0])


def test_ex3_the_check_measures_what_keras_reports():
    """The check's own loop gives Keras's history["loss"] for the same start and batch order."""
    seed, rate = 7, 0.05
    model = make_model(seed)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="mse")
    order = np.random.default_rng([seed, 2])
    rows = np.concatenate([order.permutation(len(x_train)) for _ in range(learning_rate.EPOCHS)])
    data = tf.data.Dataset.from_tensor_slices((x_train[rows], y_train[rows])).batch(16)
    history = model.fit(data, epochs=learning_rate.EPOCHS, steps_per_epoch=16, shuffle=False, verbose=0)
    _, losses = learning_rate._train_copies(rate, seeds=(seed,))[0]
    assert np.allclose(history.history["loss"], losses, rtol=1e-4)


SEED_TRIPLES = [learning_rate.CHECK_SEEDS, (1, 2, 3), (11, 12, 13), (31, 32, 33), (1001, 1002, 1003)]
ADVICE_RATES = np.geomspace(1e-3, 3.0, 19)


@pytest.mark.parametrize("seeds", SEED_TRIPLES)
def test_ex3_a_wide_band_of_rates_passes_with_a_margin_and_clear_misses_fail_on_every_seed(seeds, finder,
                                                                                         monkeypatch):
    monkeypatch.setattr(learning_rate, "CHECK_SEEDS", seeds)
    verdict = learning_rate._verdict  # the training part of the check, for any rate (candidates differ by test)
    for rate in np.geomspace(0.02, 0.1, 5):  # a factor 5
        assert learning_rate._worst(learning_rate._train_copies(rate)) < 0.93 * learning_rate.TARGET_LOSS, rate
        assert_passed(verdict(finder, float(rate)))
    for rate in (0.001, 0.003, 0.006, 0.01):  # half the band's edge and below
        assert learning_rate._worst(learning_rate._train_copies(rate)) > 1.3 * learning_rate.TARGET_LOSS, rate
        assert_rejected(_reply(verdict, finder, rate), "too small", "Try a larger rate")
    for rate in (0.4, 0.5, 1.0, 10.0, 1e3):  # four times the band's edge and above
        assert learning_rate._worst(learning_rate._train_copies(rate)) > 1.15 * learning_rate.TARGET_LOSS, rate
        assert_rejected(_reply(verdict, finder, rate), "too large", "Try a smaller rate")


def _reply(function, *arguments):
    """A checker's Feedback, whether it returns it or raises it as a Reply."""
    try:
        return function(*arguments)
    except learning_rate.Reply as reply:
        return reply.feedback


@pytest.mark.parametrize("seeds", SEED_TRIPLES[:3])
def test_ex3_advice_points_the_right_way_at_every_failing_rate(seeds, finder, monkeypatch):
    monkeypatch.setattr(learning_rate, "CHECK_SEEDS", seeds)
    for rate in ADVICE_RATES:
        feedback = _reply(learning_rate._verdict, finder, float(rate))
        if feedback.passed:
            assert 0.012 < rate < 0.3, rate
        elif rate < 0.05:
            assert_rejected(feedback, "too small", "larger")
        else:
            assert_rejected(feedback, "too large", "smaller")


def test_ex3_the_check_leaves_the_learner_s_generators_alone(finder):
    import random

    random.seed(5)
    np.random.seed(5)
    keras.utils.set_random_seed(5)
    expected = (random.random(), np.random.random(), float(tf.random.uniform(())))
    random.seed(5)
    np.random.seed(5)
    keras.utils.set_random_seed(5)
    ex3.check(finder, finder.candidates()["minimum"])
    assert (random.random(), np.random.random(), float(tf.random.uniform(()))) == expected


def test_ex3_the_candidates_of_the_default_range_test_get_the_verdicts_the_lesson_expects(finder):
    candidates = finder.candidates()
    assert_passed(ex3.check(finder, candidates["minimum / 10"]))
    assert_passed(ex3.check(finder, round(candidates["minimum / 10"], 3)))  # rounded
    # the review's case: on the hint's seeds 1 and 2 the minimum's worse run is below 0.1, on the check's above it
    assert learning_rate._worst(learning_rate._train_copies(candidates["minimum"], seeds=(1, 2))) < 0.1
    assert_rejected(ex3.check(finder, candidates["minimum"]), "too large", "minimum of your range-test curve",
                    "seeds are not yours", "leave a margin")
    assert_rejected(_reply(learning_rate._verdict, finder, finder.rates[-1]), "too large",
                    "stopped because the loss exploded")
    assert_rejected(_reply(learning_rate._verdict, finder, 0.01), "too small")  # Keras's default rate for SGD


@pytest.mark.parametrize("rate", [0.1, 0.05, 0.01, 0.02, 0.03, 1e-3, 3.0], ids=stable_id)
def test_ex3_a_rate_that_is_not_one_of_the_candidates_is_refused_before_training(rate, finder):
    """The review's guesses: any exploded range test plus 0.1 or 0.05 passed; "choose by evidence" went unchecked."""
    assert_rejected(ex3.check(finder, rate), "not one of your range test's candidates", "finder.candidates()")


@pytest.mark.parametrize("kind", [np.float32, np.float64, np.array, lambda r: np.array([r]), lambda r: [r],
                                  tf.constant, tf.Variable, lambda r: Fraction(r).limit_denominator(10**6),
                                  lambda r: Decimal(repr(r)), keras.Variable], ids=range(10))
def test_ex3_a_rate_of_any_numeric_type_passes(kind, finder):
    assert_passed(ex3.check(finder, kind(finder.candidates()["minimum / 10"])))


@pytest.mark.parametrize("compile_with", [{"optimizer": "sgd"}, {"loss": "mean_squared_error"},
                                          {"loss": keras.losses.MeanSquaredError()},
                                          {"optimizer": keras.optimizers.SGD(learning_rate=0.5)}], ids=stable_id)
def test_ex3_equivalent_range_tests_pass(compile_with):
    other = range_test(compile_with)
    assert_passed(ex3.check(other, other.candidates()["minimum / 10"]))


@pytest.mark.parametrize("make_finder", [
    lambda: lr_range_test(_compiled(make_model(3)), x_train, y_train, batch_size=16),
    lambda: lr_range_test(_compiled(make_model(1)), x_train, y_train, min_lr=1e-5, steps=200, batch_size=16),
    # nesterov=True with momentum 0 is plain SGD (it was refused as "momentum")
    lambda: range_test({"optimizer": keras.optimizers.SGD(nesterov=True)}),
    # the same network built by hand, with make_model()'s weights
    lambda: lr_range_test(_compiled(_by_hand(keras.layers.Dense(32), keras.layers.Activation("tanh"))), x_train,
                          y_train, min_lr=1e-4, batch_size=16),
], ids=range(4))
def test_ex3_other_range_test_settings_pass_with_one_of_their_candidates(make_finder):
    other = make_finder()
    assert_passed(ex3.check(other, other.candidates()["minimum / 10"]))


def _by_hand(*hidden):
    model = keras.Sequential([keras.Input(shape=(4,)), *hidden, keras.layers.Dense(1)])
    model.set_weights(make_model().get_weights())
    return model


def _compiled(model, **options):
    model.compile(**({"optimizer": keras.optimizers.SGD(), "loss": "mse"} | options))
    return model


def other_model():
    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)])


def _by_fit():
    """An LRFinder run by hand with model.fit: right in substance, but its batch size is not recorded."""
    model, finder = _compiled(make_model()), LRFinder(min_lr=1e-4, steps=10)
    model.fit(x_train, y_train, batch_size=16, epochs=1, callbacks=[finder], verbose=0)
    return finder


FINDER_MISTAKES = [
    # (these are named before the curve is looked at: a short test will do)
    (lambda: range_test({"optimizer": keras.optimizers.Adam()}, steps=10), ["ran with Adam", "plain SGD"]),
    (lambda: range_test({"optimizer": keras.optimizers.SGD(momentum=0.9)}, steps=10), ["momentum"]),
    (lambda: range_test({"optimizer": keras.optimizers.SGD(momentum=0.9, nesterov=True)}, steps=10), ["momentum"]),
    (lambda: range_test({"loss": "mae"}, steps=10), ["another loss", "mse"]),
    (lambda: range_test({"loss": keras.losses.Huber()}, steps=10), ["another loss"]),
    (lambda: range_test(max_lr=0.05), ["before the loss exploded", "Raise max_lr"]),
    # the second review's "plain SGD" that is not: weight decay, and clipping that hides the explosion
    (lambda: range_test({"optimizer": keras.optimizers.SGD(weight_decay=0.1)}, steps=10), ["weight_decay"]),
    (lambda: range_test({"optimizer": keras.optimizers.SGD(clipnorm=0.01)}, steps=10), ["clipnorm", "clipping"]),
    (lambda: range_test({"optimizer": keras.optimizers.SGD(clipvalue=0.5)}, steps=10), ["clipvalue", "clipping"]),
    (lambda: range_test({"optimizer": keras.optimizers.SGD(global_clipnorm=1.0)}, steps=10),
     ["global_clipnorm", "clipping"]),
    # the review's accepted range tests: other batch sizes, and a relu network of the same shapes
    (lambda: range_test(batch_size=32), ["batches of 32", "batch_size=16"]),
    (lambda: range_test(batch_size=256), ["batches of 256", "batch_size=16"]),
    (lambda: lr_range_test(_compiled(_by_hand(keras.layers.Dense(32, activation="relu"))), x_train, y_train,
                           batch_size=16, steps=10), ["another model", "another activation"]),
    (lambda: lr_range_test(_compiled(_by_hand(keras.layers.Dense(32))), x_train, y_train, batch_size=16, steps=10),
     ["another model"]),  # no activation: a linear model in disguise
    (_by_fit, ["does not record its batch size", "lr_range_test"]),
    (lambda: lr_range_test(_compiled(other_model()), np.ones((64, 2), "float32"), np.ones(64, "float32"),
                           batch_size=16, steps=10), ["another model", "make_model()"]),
    (lambda: LRFinder(), ["has not run"]),
    (lambda: None, ["None", "lr_range_test"]),
    (lambda: {"minimum": 0.27}, ["LRFinder", "not a dict"]),
    (lambda: 0.05, ["LRFinder", "not a float"]),
]


@pytest.mark.parametrize("make_finder, words", FINDER_MISTAKES, ids=range(len(FINDER_MISTAKES)))
def test_ex3_a_range_test_that_is_not_the_one_asked_for_is_named(make_finder, words):
    assert_rejected(ex3.check(make_finder(), 0.05), *words)


@pytest.mark.parametrize("options, rate, words", [
    # the second review's guesses made "candidates": a test started above the good rates explodes at once
    ({"min_lr": 1.0, "max_lr": 100.0}, 0.1, ["started above the good rates", "min_lr=1e-4"]),
    ({"min_lr": 0.5}, 0.05, ["started above the good rates", "min_lr=1e-4"]),
    ({"min_lr": 0.38, "max_lr": 1.0, "steps": 300}, 0.038, ["started above the good rates"]),
    # a coarse test whose "minimum / 10" is the guess 0.1, and one started high that explodes after 12 steps
    ({"min_lr": 0.01, "steps": 10}, 0.1, ["only 8 steps", "steps=100", "min_lr=1e-4"]),
    ({"min_lr": 0.35, "max_lr": 2.0, "steps": 300}, 0.0365, ["only 12 steps", "Start lower"]),
    # a stop_factor so small that batch noise "explodes" the test after 6 steps (min_lr=1e-4 is already low)
    ({"stop_factor": 1.05}, None, ["stop_factor", "batch noise"]),
], ids=range(6))
def test_ex3_a_range_test_whose_loss_never_fell_is_no_evidence(options, rate, words):
    other = range_test(**({"steps": 100} | options))
    rate = other.candidates()["minimum"] if rate is None else rate
    assert any(abs(rate - candidate) <= 0.1 * candidate for candidate in other.candidates().values())
    assert_rejected(ex3.check(other, rate), *words)


def test_ex3_a_curve_that_fell_less_than_half_is_no_evidence(finder):
    shallow = copy.copy(finder)  # the shipped test's model and settings, with a curve that fell only by a third
    shallow.smoothed = [1.5] * 5 + [1.0] * 20 + [9.0]
    shallow.losses, shallow.rates = list(shallow.smoothed), list(np.geomspace(1e-4, 1.0, 26))
    assert shallow.exploded and shallow.candidates()
    assert_rejected(ex3.check(shallow, shallow.candidates()["minimum / 10"]), "never fell to half its start",
                    "min_lr=1e-4", "steps=100")


def test_ex3_a_range_test_started_high_whose_loss_fell_is_evidence():
    other = range_test(min_lr=0.3, max_lr=1.0, steps=400)
    assert_passed(ex3.check(other, other.candidates()["minimum / 10"]))


def test_ex3_rate_mistakes_are_named(finder):
    assert_rejected(ex3.check(finder, finder.minimum_rate), "is a function", "Call it")
    assert_rejected(ex3.check(finder, finder.candidates()), "one learning rate", "not a dict", "choose one")
    assert_rejected(ex3.check(finder, list(finder.candidates().values())), "one number", "shape (3,)")
    assert_rejected(ex3.check(finder, 0), "not positive")
    assert_rejected(ex3.check(finder, -0.05), "not positive", "uphill")
    assert_rejected(ex3.check(finder, 1e-50), "zero in float32")
    assert_rejected(ex3.check(finder, keras.optimizers.SGD(0.05)), "not a Keras object")
    assert_rejected(ex3.check(finder, finder.model), "not a Keras object")


def test_ex3_not_solved_junk_and_hints(finder):
    assert_not_solved(ex3.check(..., 0.05))
    assert_not_solved(ex3.check(finder, ...))
    for junk in JUNK:
        assert_rejected(ex3.check(finder, junk))
        assert_rejected(ex3.check(junk, 0.05))
    assert "0.0" not in ex3.hints[0] and "minimum / 10" not in ex3.hints[0]


def test_ex3_wrong_rates_are_diagnosed_without_a_good_rate(finder):
    """A ❌ never prints a rate that would pass: only the learner's own rate, the losses and the target."""
    for rate in (0.001, 0.005, 0.3, 2.0):
        message = _reply(learning_rate._verdict, finder, rate).message
        assert not any(good in message for good in ("0.02", "0.03", "0.04", "0.05", "0.06", "0.07")), message


def test_hints_come_in_levels_and_a_nudge_gives_nothing_away():
    for exercise in (ex1, ex2, ex3):
        assert len(exercise.hints) >= 2
    assert not any(f'"{curve}": "{kind}"' in ex1.hints[0] for curve, kind in LABELS.items())


# --- In Chinese -----------------------------------------------------------------------------------------------


def test_in_chinese_ex1_answers_blank_wrong_and_right(chinese):
    assert_in_chinese(ex1.check(...), "📝", "`labels`")
    assert_in_chinese(ex1.check(swapped("A", "D")), "❌", "对了 2 条（共 4 条）。曲线 A 不是 good：",
                      "停留在四条曲线中最低的损失上，而曲线 A 并非如此。")
    assert_in_chinese(ex1.check(relabel(D="low")), "❌", "曲线 D：'low' 符合两种类型：slow（学习率低）和 good（损失低）")
    assert_in_chinese(ex1.check({0: "good", 1: "diverging", 2: "oscillating", 3: "slow"}), "❌",
                      "没有曲线 0, 1, 2, 3：键是曲线名", "；曲线 A、B、C、D 没有标签。")
    assert_in_chinese(ex1.check(LABELS), "✅", "四条全对：A ")


def test_in_chinese_ex2_answers_blank_wrong_and_right(chinese):
    assert_in_chinese(ex2.check(...), "📝", "`steps`")
    assert_in_chinese(ex2.check(EXPECTED_STEPS - 1), "❌", "走了 151 步之后，x 仍高于其起始值的 1%", "*向上*取整")
    assert_in_chinese(ex2.check(151.5), "❌", "`steps` = 151.5 不是整数步。")
    assert_in_chinese(ex2.check(EXPECTED_STEPS), "✅", "走了 152 步之后，平坦的 x 不超过其起始值的 1%")


def test_in_chinese_ex3_answers_blank_wrong_and_right(chinese, shipped, finder):
    assert_in_chinese(ex3.check(..., 0.05), "📝", "`finder`")
    assert_in_chinese(ex3.check(None, 0.05), "❌", "`finder` 是 None：请保存 `lr_range_test(...)` 的返回值")
    assert_in_chinese(ex3.check(finder, 1e-50), "❌", "`rate` = 1e-50 在 float32（Keras 学习率的精度）下为零")
    assert_in_chinese(ex3.check(finder, 1e-3), "❌", "`rate` = 0.001 不是你的范围测试给出的候选值之一", "容差 10%")
    assert_in_chinese(_reply(learning_rate._verdict, finder, 0.01), "❌",
                      "学习率过小：使用 SGD(learning_rate=0.01) 时，3 次运行中最差的一次在第 3 轮的平均损失为",
                      "请试一个更大的学习率。（检查使用的随机种子与你的不同")
    assert_in_chinese(_reply(learning_rate._verdict, finder, 2.0), "❌", "学习率过大：使用 SGD(learning_rate=2) 时",
                      "请试一个更小的学习率。")
    assert_in_chinese(ex3.check(shipped["finder"], shipped["rate"]), "✅",
                      "用你的学习率训练时，检查的 3 个全新模型副本在第 3 轮结束时损失都低于 0.1。")


@pytest.mark.parametrize("exercise", [ex1, ex2, ex3], ids=["ex1", "ex2", "ex3"])
def test_in_chinese_the_hints(exercise, chinese):
    assert_help_in_chinese(exercise)
