"""07 · Optimizers in Keras: the shipped solutions pass, plausible mistakes are named, nothing leaks, a learner's
schedule cannot hang the check, and the band check agrees with its stored measurements and with the bands that
right-method sweeps find on other seeds."""

import re
import time
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from tables import (JUNK, assert_help_in_chinese, assert_in_chinese, assert_not_solved, assert_passed,
                    assert_rejected, untranslated)

from course_utils import checks, digits
from course_utils import optimizers as course_optimizers
from course_utils.checks import _format, stored_solution
from course_utils.exercises import optimizers_in_keras as module
from course_utils.exercises.optimizers_in_keras import SGD_GRID, ex1, ex2

schedules = keras.optimizers.schedules


def solution(label):
    namespace = {"np": np, "tf": tf, "keras": keras, "digits": digits, "SGD_GRID": SGD_GRID}
    exec(stored_solution("optimizers_in_keras", label), namespace)
    return namespace


def adam(learning_rate=None, **options):
    """The old line's Adam in Keras 3, with ``options`` changed (``drop``: leave the option out)."""
    if learning_rate is None:
        learning_rate = schedules.InverseTimeDecay(0.003, decay_steps=1, decay_rate=1e-4)
    arguments = {"amsgrad": True, "global_clipnorm": 1.0}
    arguments.update(options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # decay= warns
        return keras.optimizers.Adam(learning_rate=learning_rate,
                                     **{k: v for k, v in arguments.items() if v is not drop})


drop = object()

# --- Exercise 1: the Keras 2.2.4 Adam line, migrated -----------------------------------------------------------


def test_ex1_the_shipped_solution_passes():
    assert_passed(ex1.check(solution("ex1")["migrated"]))


def test_ex1_the_expected_rates_are_keras_2_2_4_decay():
    """The reference is Keras 2.2.4's Adam.get_updates: lr * 1 / (1 + decay * iterations)."""
    assert np.allclose(module._rates(adam()), [0.003 / (1 + 1e-4 * t) for t in module.SCHEDULE_STEPS], rtol=1e-6)


def test_ex1_the_expected_options_are_keras_2_2_4_s():
    """epsilon=None was K.epsilon() = 1e-7, Keras 3's default too; clipnorm was a global norm: global_clipnorm."""
    expected = module._expected_config()
    assert expected["epsilon"] == keras.optimizers.Adam().epsilon == keras.config.epsilon() == 1e-7
    assert expected["global_clipnorm"] == 1.0 and expected["clipnorm"] is None and expected["amsgrad"] is True


class InverseTime(schedules.LearningRateSchedule):
    """A learner's own schedule with Keras 2's formula."""

    def __call__(self, step):
        return 0.003 / (1 + 1e-4 * tf.cast(step, tf.float32))


def compiled(optimizer):
    model = digits.build_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


RIGHT_FORMS = {
    "tf.keras spelling": lambda: tf.keras.optimizers.Adam(
        learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay(0.003, decay_steps=1, decay_rate=1e-4),
        amsgrad=True, global_clipnorm=1.0),
    "positional schedule": lambda: adam(schedules.InverseTimeDecay(0.003, 1, 1e-4)),
    "decay_steps=10000, decay_rate=1": lambda: adam(schedules.InverseTimeDecay(0.003, 10_000, 1.0)),
    "decay_steps=100, decay_rate=0.01": lambda: adam(schedules.InverseTimeDecay(0.003, 100, 0.01)),
    "staircase with one step per decay": lambda: adam(schedules.InverseTimeDecay(0.003, 1, 1e-4, staircase=True)),
    "own schedule class": lambda: adam(InverseTime()),
    "defaults written out": lambda: adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7, use_ema=False, weight_decay=None),
    "epsilon as keras.config.epsilon()": lambda: adam(epsilon=keras.config.epsilon()),
    "weight_decay=0.0 (no decay)": lambda: adam(weight_decay=0.0),
    "ema_momentum without use_ema": lambda: adam(ema_momentum=0.5),
    "global_clipnorm as an int": lambda: adam(global_clipnorm=1),
    "amsgrad as NumPy's True": lambda: adam(amsgrad=np.True_),
    "amsgrad=1": lambda: adam(amsgrad=1),
    "loss_scale_factor=1.0": lambda: adam(loss_scale_factor=1.0),
    "decay=None (silent)": lambda: adam(decay=None),
    "a compiled model": lambda: compiled(adam()),
    "a config dict": lambda: keras.optimizers.serialize(adam()),
    "from_config": lambda: keras.optimizers.Adam.from_config(adam().get_config()),
}


@pytest.mark.parametrize("make", RIGHT_FORMS.values(), ids=RIGHT_FORMS.keys())
def test_ex1_right_forms_pass(make):
    assert_passed(ex1.check(make()))


def too_slow_per_epoch():  # one decay step per epoch of 90 batches
    return adam(schedules.InverseTimeDecay(0.003, decay_steps=90, decay_rate=1e-4))


class RightOnlyAtRoundSteps(schedules.LearningRateSchedule):
    """The reviewer's crafted schedule: Keras 2's rate at the check's former steps, 0.003 elsewhere (was ✅)."""

    def __call__(self, step):
        step = int(step)
        former = (0, 1, 2, 10, 100, 1_000, 3_000, 10_000, 100_000, 1_000_000)
        return 0.003 / (1 + 1e-4 * step) if step in former else 0.003


MISTAKES = {
    # the rate
    "lr renamed, decay dropped": (lambda: adam(0.003), ["stays", "schedule", "ignores `decay=`"]),
    "decay= kept (ignored by Keras 3)": (lambda: adam(0.003, decay=1e-4), ["stays", "ignores `decay=`"]),
    "weight_decay instead of a schedule": (lambda: adam(0.003, weight_decay=1e-4),
                                           ["2 things", "stays", "`weight_decay=0.0001`", "decoupled weight decay"]),
    "weight_decay next to the schedule": (lambda: adam(weight_decay=1e-4), ["decoupled weight decay", "regulariser"]),
    "decay counted per epoch": (too_slow_per_epoch, ["too slowly", "one step per batch"]),
    "decay rate ten times too large": (lambda: adam(schedules.InverseTimeDecay(0.003, 1, 1e-3)), ["too fast"]),
    "exponential decay with the same speed": (lambda: adam(schedules.ExponentialDecay(0.003, 1, 1 - 1e-4)),
                                              ["exponential", "inverse-time"]),
    "ExponentialDecay with decay_rate=1e-4": (lambda: adam(schedules.ExponentialDecay(0.003, 1, 1e-4)),
                                              ["ExponentialDecay with decay_rate=1e-4"]),
    "staircase every 1000 steps": (lambda: adam(schedules.InverseTimeDecay(0.003, 1000, 0.1, staircase=True)),
                                   ["does not change over steps 1 to 10", "staircase"]),
    "Adam's default rate": (lambda: adam(schedules.InverseTimeDecay(0.001, 1, 1e-4)), ["step 0", "starting rate"]),
    "a constant function as the rate": (lambda: adam(lambda: 0.003), ["stays"]),
    "right only at round steps": (lambda: adam(RightOnlyAtRoundSteps()), ["too slowly", "at step 333"]),
    # the options whose meaning changed between Keras 2.2.4 and Keras 3
    "epsilon=None kept": (lambda: adam(epsilon=None), ["`epsilon=None`", "first training step fails"]),
    "epsilon=1e-8 (PyTorch's; old Keras docstrings printed 1e-08)": (lambda: adam(epsilon=1e-8),
                                                                     ["`epsilon=1e-08`", "K.epsilon()"]),
    "clipnorm kept (per weight in Keras 3)": (lambda: adam(global_clipnorm=drop, clipnorm=1.0),
                                              ["`clipnorm=1.0`", "each weight on its own", "joint norm"]),
    "clipvalue for clipnorm": (lambda: adam(global_clipnorm=drop, clipvalue=1.0), ["`clipvalue=1.0`", "every entry"]),
    "clipping dropped": (lambda: adam(global_clipnorm=drop), ["nothing clips"]),
    "global_clipnorm mistyped": (lambda: adam(global_clipnorm=0.1), ["`global_clipnorm=0.1`"]),
    "every Keras 2 habit at once": (lambda: adam(0.003, decay=1e-4, epsilon=None, global_clipnorm=drop, clipnorm=1.0),
                                    ["3 things differ", "(1) the learning rate stays", "(2) `epsilon=None`",
                                     "(3) `clipnorm=1.0`"]),
    # the other arguments
    "amsgrad dropped": (lambda: adam(amsgrad=drop), ["amsgrad is off", "AMSGrad"]),
    "amsgrad as the string 'True'": (lambda: adam(amsgrad="True"), ["`amsgrad='True'`", "string", "without quotes"]),
    "amsgrad as the string 'False'": (lambda: adam(amsgrad="False"), ["string", "counts as True"]),
    "amsgrad=2.0": (lambda: adam(amsgrad=2.0), ["`amsgrad=2.0`", "flag"]),
    "beta_2 as a string": (lambda: adam(beta_2="0.999"), ["`beta_2='0.999'`", "string", "first training step fails"]),
    "beta_2 from another tutorial": (lambda: adam(beta_2=0.99), ["`beta_2=0.99`", "default"]),
    "beta_1 given beta_2's value": (lambda: adam(beta_1=0.999), ["`beta_1=0.999`", "default"]),
    "use_ema added": (lambda: adam(use_ema=True), ["`use_ema=True`", "not in the old line"]),
    "gradient accumulation added": (lambda: adam(gradient_accumulation_steps=2), ["gradient_accumulation_steps"]),
    "global_clipnorm beyond a float": (lambda: adam(global_clipnorm=10**400), ["too large for a float"]),
    # the object
    "AdamW": (lambda: keras.optimizers.AdamW(learning_rate=0.003, amsgrad=True, global_clipnorm=1.0),
              ["AdamW", "decoupled weight decay"]),
    "Nadam": (lambda: keras.optimizers.Nadam(learning_rate=0.003), ["Nadam", "another update rule"]),
    "SGD": (lambda: keras.optimizers.SGD(learning_rate=0.003), ["of class SGD", "another update rule"]),
    "the string": (lambda: "adam", ["string", "defaults"]),
    "the class": (lambda: keras.optimizers.Adam, ["the class Adam"]),
    "the schedule alone": (lambda: schedules.InverseTimeDecay(0.003, 1, 1e-4), ["schedule alone"]),
    "a model never compiled": (lambda: digits.build_model(), ["not compiled"]),
    "a config dict with lr": (lambda: {"class_name": "Adam", "config": {"lr": 0.003}}, ["dict", "not recognized"]),
    "the course's from-scratch Adam": (lambda: course_optimizers.Adam(0.003), ["from-scratch"]),
}


@pytest.mark.parametrize("make, words", MISTAKES.values(), ids=MISTAKES.keys())
def test_ex1_plausible_mistakes_are_named(make, words):
    assert_rejected(ex1.check(make()), *words)


def test_ex1_messages_give_nothing_away():
    """No wrong answer's message holds the solution's code, Keras 3's name for the old clipnorm (unless the learner
    wrote it), the epsilon, or the old line's rate at a reported step."""
    expected = {t: _format(module._legacy_rate(t)) for t in module.SCHEDULE_STEPS[1:]}
    for label, (make, _) in MISTAKES.items():
        answer = make()
        message = ex1.check(answer).message
        assert "decay_steps=1" not in message and "InverseTimeDecay(" not in message, message
        assert "1e-07" not in message and "1e-7" not in message, message
        if label not in ("global_clipnorm mistyped", "global_clipnorm beyond a float"):
            assert "global_clipnorm" not in message, message
        for step, rate in expected.items():
            if f"at step {step:,} it is" in message:
                assert rate not in message, message


def test_ex1_reading_the_rate_leaves_the_optimizer_as_it_was():
    optimizer = adam()
    optimizer.iterations.assign(17)
    ex1.check(optimizer)
    assert int(optimizer.iterations) == 17


def test_ex1_a_schedule_that_fails_is_reported_not_raised():
    class Broken(schedules.LearningRateSchedule):
        def __call__(self, step):
            raise RuntimeError("my bug")

    assert_rejected(ex1.check(adam(Broken())), "step 0", "RuntimeError", "my bug")


def test_ex1_a_schedule_that_never_returns_is_stopped(monkeypatch):
    """The reviewer's hang: a schedule whose __call__ loops forever is stopped by the framework's time limit."""

    class Endless(schedules.LearningRateSchedule):
        def __call__(self, step):
            while True:
                pass

    class EndlessConfig(InverseTime):
        def get_config(self):
            while True:
                pass

    monkeypatch.setattr(checks, "TIME_LIMIT", 0.5)
    start = time.perf_counter()
    assert_rejected(ex1.check(adam(Endless())), "at step 0", "did not finish within 0.5 s", "loop forever")
    assert_rejected(ex1.check(adam(EndlessConfig())), "configuration", "did not finish")
    assert time.perf_counter() - start < 5


def test_ex1_not_solved_and_junk():
    assert_not_solved(ex1.check(...))
    for answer in JUNK:
        feedback = ex1.check(answer)
        assert_rejected(feedback)
        assert "could not be checked" not in feedback.message, (answer, feedback.message)


# --- Exercise 2: the band of rates that reach a target -------------------------------------------------------


def test_ex2_the_shipped_solution_sweeps_and_finds_the_check_s_band():
    namespace = solution("ex2")
    assert_passed(ex2.check(namespace["sgd_band"]))
    first, last = module._band(module._TABLES[16, 3])
    assert namespace["sgd_band"] == (SGD_GRID[first], SGD_GRID[last])  # the notebook's seeds agree exactly


def test_ex2_the_stored_band_has_clear_edges():
    """The check's band is one run of the grid, and no rate next to an edge is a near tie with the target."""
    table = module._TABLES[16, 3]
    assert list(table) == list(SGD_GRID) and all(list(t) == list(SGD_GRID) for t in module._TABLES.values())
    inside = [module._reaches(table[rate]) for rate in SGD_GRID]
    first, last = module._band(table)
    assert all(inside[first:last + 1]) and not any(inside[:first] + inside[last + 1:])
    for i in (first - 1, first, last, last + 1):
        assert abs(table[SGD_GRID[i]][0] - module.TARGET) > 0.008, (SGD_GRID[i], table[SGD_GRID[i]])


def test_ex2_the_stored_edges_are_measured_again():
    """The four rates at the edges of the task's band, measured again (32 runs, a few seconds)."""
    table = module._TABLES[16, 3]
    first, last = module._band(table)
    rates = [SGD_GRID[i] for i in (first - 1, first, last, last + 1)]
    again = module.measure(rates=rates)
    for rate in rates[:3]:
        assert abs(again[rate][0] - table[rate][0]) < 0.003 and again[rate][1] == table[rate][1], (rate, again[rate])
    # above the band the runs are chaotic: the last bit of a sum (another BLAS kernel) may move them, not the verdict
    assert again[rates[3]][0] < module.TARGET - module.NEAR and again[rates[3]][1] > 0, again[rates[3]]


RIGHT_BANDS = {  # made when the test runs: no TensorFlow object at import
    "tuple": lambda: (0.06, 0.64), "list": lambda: [0.06, 0.64], "array": lambda: np.array([0.06, 0.64]),
    "float32 array": lambda: np.array([0.06, 0.64], "float32"), "tf.constant": lambda: tf.constant([0.06, 0.64]),
    "NumPy scalars": lambda: (np.float32(0.06), np.float64(0.64)),
    "Fractions": lambda: (Fraction(3, 50), Fraction(16, 25)), "Decimals": lambda: (Decimal("0.06"), Decimal("0.64")),
    "a rate that went through float32": lambda: (float(np.float32(0.06)), 0.64),
    # bands that right-method sweeps found with other seeds (seeds 5 and 6: 0.04 to 0.64), and cautious ones
    "one step lower at the bottom, where the check's runs come close": lambda: (0.04, 0.64),
    "one step inside at the bottom": lambda: (0.08, 0.64), "one step inside at the top": lambda: (0.06, 0.48),
    "one step inside at both ends": lambda: (0.08, 0.48),
}


@pytest.mark.parametrize("make", RIGHT_BANDS.values(), ids=RIGHT_BANDS.keys())
def test_ex2_right_forms_and_bands_within_a_step_pass(make):
    assert_passed(ex2.check(make()))


MISTAKES_2 = {
    # slips of the protocol (the defaults of digits.Trainer, digits.train and digits.sweep)
    "batches of 64 (Trainer's default)": ((0.32, 0.96), ["starts too high", "batches of 64", "batch_size=16"]),
    "batches of 32 (train's default)": ((0.12, 0.64), ["starts too high", "batches of 32"]),
    "10 epochs (sweep's default)": ((0.03, 0.64), ["starts too low", "at 0.03", "0.850", "10 epochs"]),
    # edges
    "the bottom edge two steps too low": ((0.03, 0.48), ["starts too low"]),
    "a band that ends too early": ((0.06, 0.32), ["ends too early", "larger rate"]),
    "a band that starts too late": ((0.16, 0.64), ["starts too high", "smaller rate", "close to the one"]),
    "the capstone's working rates": ((0.3, 1.0), ["0.3", "not a rate of SGD_GRID"]),
    "the whole grid": ((0.03, 1.28), ["(1) your band starts too low", "(2) your band ends too high", "7 of 8"]),
    "one rate twice": ((0.24, 0.24), ["starts too high", "ends too early"]),
    # the form
    "the old exercise's answer, one rate": (0.3, ["one number", "(lowest, highest)"]),
    "highest first": ((0.64, 0.06), ["starts with the larger rate"]),
    "every rate of the band": (list(SGD_GRID[2:10]), ["shape (8,)", "only the lowest and the highest"]),
    "a zero edge": ((0.0, 0.64), ["positive"]),
    "a negative edge": ((-0.06, 0.64), ["positive"]),
    "strings": (("0.06", "0.64"), ["number"]),
    "a dict": ({"low": 0.06, "high": 0.64}, ["pair of rates"]),
    "percent": ((6, 64), ["not a rate of SGD_GRID"]),
    "indices into the grid": ((2, 9), ["not a rate of SGD_GRID"]),
    "the accuracies at the edges": ((0.912, 0.964), ["0.912", "not a rate of SGD_GRID"]),
    "a date (the reviewer's as_numbers case)": (np.datetime64("2020"), ["datetime64"]),
}


@pytest.mark.parametrize("answer, words", MISTAKES_2.values(), ids=MISTAKES_2.keys())
def test_ex2_mistakes_are_named(answer, words):
    assert_rejected(ex2.check(answer), *words)


def test_ex2_messages_of_wrong_bands_do_not_reveal_the_check_s_edges():
    first, last = module._band(module._TABLES[16, 3])
    for answer, _ in MISTAKES_2.values():
        try:  # the learner's own numbers may be quoted back (a sign included)
            given = {abs(float(v)) for v in np.atleast_1d(np.asarray(answer, dtype=float))}
        except (TypeError, ValueError):
            given = set()
        message = ex2.check(answer).message
        for edge in (SGD_GRID[first], SGD_GRID[last]):
            if edge not in given:
                assert not re.search(rf"(?<![\d.]){re.escape(f'{edge:g}')}(?!\d)", message), (answer, message)


def test_ex2_does_not_depend_on_the_learner_s_global_keras_settings():
    """The reviewer's float64 and mixed_float16 cases: the check trains nothing, so its verdicts stay the same."""
    answer = (0.06, 0.64)  # the shipped solution's band (its test runs the sweep)
    for floatx, policy in (("float64", "float32"), ("float32", "mixed_float16")):
        keras.backend.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)
        try:
            assert_passed(ex2.check(answer))
            assert_rejected(ex2.check((0.06, 1.28)), "ends too high")
            assert_passed(ex1.check(solution("ex1")["migrated"]))
        finally:
            keras.backend.set_floatx("float32")
            keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("band", [(0.06, 0.96), (0.04, 0.96)])
def test_ex2_an_honest_sweep_may_end_on_the_cliff(band):
    """The second review: seeds (4, 5) with the task's protocol give 0.96 -> 0.912 and no failed run, so a right
    sweep ends at 0.96, where 2 of the check's 8 runs fail. It passes, and the reply says the edge is a cliff."""
    feedback = ex2.check(band)
    assert_passed(feedback)
    assert "a cliff" in feedback.message and "2 of the check's 8 runs failed" in feedback.message


def test_ex2_is_instant():
    start = time.perf_counter()
    for answer in [(0.06, 0.64), (0.03, 1.28), (0.32, 0.96)]:
        ex2.check(answer)
    assert time.perf_counter() - start < 0.1


def test_ex2_not_solved_and_junk():
    assert_not_solved(ex2.check(...))
    for answer in JUNK:
        feedback = ex2.check(answer)
        assert_rejected(feedback)
        assert "could not be checked" not in feedback.message, (answer, feedback.message)


# --- Hints and task text -----------------------------------------------------------------------------------


def test_first_hints_hold_no_part_of_the_solutions():
    first = ex1.hints[0]
    for part in ("InverseTimeDecay", "learning_rate", "0.003", "decay_steps", "clipnorm", "schedule", "epsilon",
                 "1e-7"):
        assert part not in first
    first = ex2.hints[0]
    assert not re.search(r"\d", first)


def test_the_notebook_states_the_tasks_the_checks_own():
    import nbformat

    root = Path(__file__).resolve().parents[2]
    notebook = nbformat.read(root / "notebooks" / "07_optimizers_in_keras.ipynb", as_version=4)
    text = " ".join(" ".join(cell.source.split()) for cell in notebook.cells if cell.cell_type == "markdown")
    assert module.LEGACY_LINE in text and module.LEGACY_EPSILON == 1e-7
    x_train, _, x_held, _ = digits.load(module.SEEDS[0])
    for fact in (f"batches of **{module.BATCH_SIZE}**", f"for **{module.EPOCHS}** epochs",
                 f"at least {module.TARGET:.0%}".replace("%", " %"),
                 f"{len(SGD_GRID)} rates from {SGD_GRID[0]:g} to {SGD_GRID[-1]:g}",
                 f"on {len(module.SEEDS)} splits", f"{len(x_train)} training and {len(x_held)} held-out images",
                 f"within {module.NEAR:g} of the target", "_EPSILON = 1e-7"):
        assert fact in text, fact


# --- In Chinese: setup(language="zh") -----------------------------------------------------------------------------


def test_every_message_of_the_module_is_translated(chinese):
    assert untranslated(module) == []


def test_ex1_answers_in_chinese(chinese):
    feedback = ex1.check(adam(0.003, decay=1e-4, epsilon=None, global_clipnorm=drop, clipnorm=1.0))
    assert_in_chinese(feedback, "❌", "有 3 处与原来那行代码不同：（1）学习率在每一步都保持为 0.003，但原来那行代码的 "
                      "`decay=` 会一步步降低它", "学习率调度。（2）`epsilon=None`：Keras 3 接受它",
                      "。（3）`clipnorm=1.0` 在 Keras 3 中会单独裁剪每个权重的梯度")
    assert_in_chinese(ex1.check(adam(schedules.ExponentialDecay(0.003, 1, 1e-4))), "❌",
                      "学习率的下降方式像是使用 decay_rate=1e-4 的 ExponentialDecay")
    assert_in_chinese(ex1.check(adam(global_clipnorm=10**400)), "❌", "（超出了 float 的范围）")
    assert_in_chinese(ex1.check(adam(amsgrad="False")), "❌", "`amsgrad='False'` 是一个字符串")
    assert_in_chinese(ex1.check(keras.optimizers.Nadam(learning_rate=0.003)), "❌", "`migrated` 属于类 Nadam：")
    assert_in_chinese(ex1.check(solution("ex1")["migrated"]), "✅", "第 0 到第 1,000,000 步",
                      "这与原来那行代码是同一个优化器")


def test_ex1_a_schedule_that_never_returns_is_stopped_in_chinese(chinese, monkeypatch):
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.5)

    class Endless(schedules.LearningRateSchedule):
        def __call__(self, step):
            while True:
                pass

    assert_in_chinese(ex1.check(adam(Endless())), "❌", "在第 0 步读取优化器的学习率没有在 0.5 秒内完成")


def test_ex2_answers_in_chinese(chinese):
    assert_in_chinese(ex2.check((0.03, 1.28)), "❌", "（1）你的区间起点太低：在 0.03 处，检查的运行在留出集上的平均"
                      "准确率为 0.850，低于目标 0.90；（2）你的区间终点太高：", "（8 次运行中有 7 次失败")
    assert_in_chinese(ex2.check((0.32, 0.96)), "❌", "你的区间起点太高：", "。你的区间与检查在批量大小为 64"
                      "（digits.Trainer 默认的 batch_size）时测得的区间接近：", "batch_size=16 和 epochs=3")
    assert_in_chinese(ex2.check((0.64, 0.06)), "❌", "`sgd_band` = (0.64, 0.06) 以较大的学习率开头")
    assert_in_chinese(ex2.check((0.06, 0.64)), "✅", "你的区间（0.06 到 0.64）与检查的一致：在任何单元格都没有用过的 8 个划分上")
    assert_in_chinese(ex2.check((0.06, 0.96)), "✅", "）。在 0.96 处，检查的 8 次运行中有 2 次失败", "一道悬崖")


@pytest.mark.parametrize("exercise", [ex1, ex2], ids=lambda exercise: exercise.label)
def test_not_solved_hints_and_help_titles_are_in_chinese(chinese, exercise):
    assert_in_chinese(exercise.check(...), "📝")
    assert_help_in_chinese(exercise)
