"""07 · Optimizers in Keras: the exercises of notebooks/07_optimizers_in_keras.ipynb.

- ``ex1``: a standalone Keras 2.2.4 Adam line, migrated to Keras 3. The check reads the learner's optimizer: its
  class, its whole config, and its rate at steps from 0 to a million (under the framework's time limit).
- ``ex2``: the band of SGD rates of a stated grid that reach a target, found by the learner's own sweep. The check
  compares it with the band it measured on splits of the digits that the notebook never uses (stored in
  ``_TABLES``; ``measure`` measures it again, as the tests do), so a check trains nothing.
"""

import functools
import math
import warnings
from decimal import Decimal

import numpy as np

from course_utils import checks
from course_utils.checks import Exercise, Reply, _format, as_numbers, not_yet, passed, wrong
from course_utils.i18n import N_, _

# --- Exercise 1: migrate a Keras 2.2.4 Adam line to Keras 3 ------------------------------------------------

#: The legacy line (standalone Keras 2.2.4): Adam(lr=0.003, decay=1e-4, epsilon=None, amsgrad=True, clipnorm=1.0).
#: In Keras 2.2.4 (keras/optimizers.py), epsilon=None meant K.epsilon(), 1e-7 (keras/backend/common.py), and
#: clipnorm rescaled all the gradients together by their joint norm (Optimizer.get_gradients): Keras 3's
#: global_clipnorm. Keras 3's clipnorm clips each weight's gradient on its own.
LEGACY_RATE, LEGACY_DECAY, LEGACY_CLIPNORM, LEGACY_EPSILON = 0.003, 1e-4, 1.0, 1e-7
LEGACY_LINE = "keras.optimizers.Adam(lr=0.003, decay=1e-4, epsilon=None, amsgrad=True, clipnorm=1.0)"
#: The steps at which the learner's rate is compared with the legacy rate lr / (1 + decay * step): round ones and
#: irregular ones (a schedule right only at round steps is caught).
SCHEDULE_STEPS = (0, 1, 2, 7, 10, 100, 333, 1_000, 3_000, 10_000, 12_345, 77_777, 100_000, 1_000_000)


def _legacy_rate(step):
    return LEGACY_RATE / (1 + LEGACY_DECAY * step)


#: Other ways a rate falls that learners write for decay=: named when the learner's rates follow one. Each
#: description completes "the learning rate falls as ...": marked here, translated where it is shown.
_SCHEDULE_MISTAKES = (
    (N_("an exponential decay (each step multiplies the rate by the same factor); Keras 2.2.4's decay= divided the "
        "starting rate by 1 + decay × iterations, an inverse-time decay"),
     (lambda t: LEGACY_RATE * (1 - LEGACY_DECAY) ** t, lambda t: LEGACY_RATE * math.exp(-LEGACY_DECAY * t))),
    (N_("ExponentialDecay with decay_rate=1e-4, which multiplies the rate by 1e-4 every decay_steps; Keras 2.2.4's "
        "decay= was an inverse-time decay"), (lambda t: LEGACY_RATE * LEGACY_DECAY ** t,)),
    (N_("a rate that falls linearly; Keras 2.2.4's decay= divided the rate, it did not subtract from it"),
     (lambda t: max(LEGACY_RATE * (1 - LEGACY_DECAY * t), 0.0),)),
)

#: Values of an option that change nothing (ema_momentum and ema_overwrite_frequency matter only with use_ema).
_NEUTRAL = {"weight_decay": (0, 0.0), "clipvalue": (0, 0.0), "clipnorm": (0, 0.0), "loss_scale_factor": (1.0,)}


def _expected_config():
    import keras

    schedule = keras.optimizers.schedules.InverseTimeDecay(LEGACY_RATE, decay_steps=1, decay_rate=LEGACY_DECAY)
    return keras.optimizers.Adam(learning_rate=schedule, epsilon=LEGACY_EPSILON, amsgrad=True,
                                 global_clipnorm=LEGACY_CLIPNORM).get_config()


def _as_optimizer(answer):
    """The learner's answer as a Keras optimizer: an optimizer, a compiled model, or a config dict."""
    import keras

    if answer is Ellipsis:
        raise Reply(not_yet("migrated"))
    if answer is None:
        raise Reply(wrong(_("`migrated` is None: store the optimizer object itself, "
                            "`migrated = keras.optimizers...(...)` (a function without `return` gives None).")))
    if isinstance(answer, str):
        raise Reply(wrong(_("`migrated` is the string {text}: a string builds the optimizer with all its defaults, "
                            "without the rate, decay, AMSGrad or clipping of the old line. Build the object.").format(
            text=f"{answer!r:.30}")))
    if isinstance(answer, type):
        raise Reply(wrong(_("`migrated` is the class {name} itself: call it with the arguments, `{name}(...)`.")
                          .format(name=answer.__name__)))
    if isinstance(answer, keras.optimizers.schedules.LearningRateSchedule):
        raise Reply(wrong(_("`migrated` is a schedule alone: a schedule is what the optimizer gets as its "
                            "`learning_rate=`. Store the optimizer.")))
    if isinstance(answer, keras.Model):
        if getattr(answer, "optimizer", None) is None:
            raise Reply(wrong(_("`migrated` is a model that was not compiled: compile it with the optimizer, or "
                                "store the optimizer itself.")))
        answer = answer.optimizer
    elif isinstance(answer, dict):
        try:
            answer = keras.optimizers.get(answer)
        except Exception as error:
            raise Reply(wrong(_("`migrated` is a dict that Keras cannot turn into an optimizer ({kind}: {error}). "
                                "Build the optimizer object.").format(
                kind=type(error).__name__, error=str(error)[:120]))) from None
    if type(answer).__module__.startswith("course_utils"):
        raise Reply(wrong(_("`migrated` is the course's from-scratch {name} (course_utils), not Keras: the task is "
                            "Keras 3 code.").format(name=type(answer).__name__)))
    if not isinstance(answer, keras.optimizers.Optimizer):
        raise Reply(wrong(_("`migrated` should be a Keras optimizer object, not a {name}.").format(
            name=type(answer).__name__)))
    kind = type(answer)
    if kind is keras.optimizers.AdamW:
        raise Reply(wrong(_("`migrated` is an AdamW: Adam plus decoupled weight decay (0.004 unless you set another "
                            "value), which shrinks the weights at every step. The old line had no weight decay: it is "
                            "plain Adam.")))
    if hasattr(answer, "inner_optimizer"):
        raise Reply(wrong(_("`migrated` is a {name} wrapped around another optimizer; the old line had no wrapper. "
                            "Store the Adam itself.").format(name=kind.__name__)))
    if kind is not keras.optimizers.Adam:
        problem = (_("`migrated` is of class {name} (a subclass of Adam): another update rule. The old line builds "
                     "Adam, and `keras.optimizers.Adam` is still Adam in Keras 3.")
                   if isinstance(answer, keras.optimizers.Adam) else
                   _("`migrated` is of class {name}: another update rule. The old line builds Adam, and "
                     "`keras.optimizers.Adam` is still Adam in Keras 3."))
        raise Reply(wrong(problem.format(name=kind.__name__)))
    return answer


def _within_time_limit(what, read, *args):
    """``read(*args)`` under the framework's time limit: a learner's schedule may loop forever.

    what: what ``read`` does, as the message names it (a text, or a function that gives it).
    """
    try:
        with checks._time_limit(checks.TIME_LIMIT):
            return read(*args)
    except checks._TooSlow:
        raise Reply(wrong(_("{what} did not finish within {seconds} s, so the check stopped it: does your schedule "
                            "(or function) loop forever?").format(what=what() if callable(what) else what,
                                                                  seconds=checks.TIME_LIMIT))) from None


def _config(optimizer):
    """The optimizer's config; a callable rate that Keras cannot serialise is left out."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns when it serialises a lambda
            return optimizer.get_config()
    except Exception:  # e.g. a lambda as learning_rate: the other options are plain attributes
        return {key: getattr(optimizer, key, None) for key in _expected_config() if key != "learning_rate"}


def _is_text(value):
    return isinstance(value, (str, bytes))


def _same(a, b):
    if _is_text(a) or _is_text(b):
        return False
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or a == b
    try:
        return bool(np.isclose(float(a), float(b), rtol=1e-6, atol=0))
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond float, e.g. 10**400
        return False


def _shown(value):
    """An option's value as the learner would read it, short (an int beyond float range included)."""
    if value is None or _is_text(value) or isinstance(value, (bool, np.bool_)):
        return f"{value!r:.40}"
    if isinstance(value, (int, np.integer)):
        number = int(value)
        return str(number) if abs(number) < 10**15 else _too_large(number)
    try:
        number = float(value)
        return repr(number) if len(repr(number)) <= 10 else _format(number)
    except OverflowError:
        return _too_large(int(value))
    except (TypeError, ValueError):
        return f"{value!r:.40}"


def _too_large(number):
    return _("{number} (too large for a float)").format(number=f"{Decimal(number):.3g}")


def _neutral(key, value):
    return value is None or any(_same(value, n) for n in _NEUTRAL.get(key, ()))


def _is_true(value):
    """True as Keras 3 reads a flag, written as a flag: True, NumPy's True, or 1 (not a string, not 2.0)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return isinstance(value, (int, np.integer)) and value == 1


def _option_problems(config, expected):
    """Every option that differs from the old line, named with what it does; none of them prints the answer."""
    problems = []
    texts = {key for key, value in config.items() if key != "name" and _is_text(value)}
    for key in sorted(texts):
        problem = (_("`{key}={value}` is a string: Keras 3 stores it as it is, and any non-empty string counts as "
                     "True, \"False\" too; write the value without quotes") if key == "amsgrad" else
                   _("`{key}={value}` is a string: Keras 3 stores it as it is, and the first training step fails; "
                     "write the value without quotes"))
        problems.append(problem.format(key=key, value=f"{config[key]!r:.30}"))
    config = {key: value for key, value in config.items() if key not in texts}
    weight_decay = config.get("weight_decay")
    if not _neutral("weight_decay", weight_decay):
        problems.append(_("`weight_decay={value}` is not Keras 2's `decay=`: it is decoupled weight decay, which "
                          "shrinks the weights themselves at every step (a regulariser) and leaves the rate as it "
                          "is. Leave it out").format(value=_shown(weight_decay)))
    for key in ("beta_1", "beta_2"):
        if key in config and not _same(config[key], expected[key]):
            problems.append(_("`{key}={value}`: the old line kept {key} at its default, the same in Keras 2.2.4 and "
                              "Keras 3. Leave it out").format(key=key, value=_shown(config[key])))
    if "epsilon" not in texts:  # a string was named above; here None means the learner wrote None
        if config.get("epsilon") is None:
            problems.append(_("`epsilon=None`: Keras 3 accepts it, but the first training step fails, because Keras 3 "
                              "needs a number. In Keras 2.2.4, None stood for a number: the quoted source says "
                              "which"))
        elif not _same(config["epsilon"], expected["epsilon"]):
            problems.append(_("`epsilon={value}` is not the number Keras 2.2.4 used for `epsilon=None` (its "
                              "`K.epsilon()`)").format(value=_shown(config["epsilon"])))
    amsgrad = config.get("amsgrad")
    if "amsgrad" not in texts:
        if not amsgrad:
            problems.append(_("amsgrad is off: the old line used the AMSGrad variant of Adam; keep it"))
        elif not _is_true(amsgrad):
            problems.append(_("`amsgrad={value}`: amsgrad is a flag; write True").format(value=_shown(amsgrad)))
    clipnorm, global_clipnorm, clipvalue = (config.get(key) for key in ("clipnorm", "global_clipnorm", "clipvalue"))
    if not _neutral("clipnorm", clipnorm):
        problems.append(_("`clipnorm={value}` in Keras 3 clips the gradient of each weight on its own. Keras 2.2.4's "
                          "`clipnorm` rescaled all the gradients together, by their joint norm (the quoted `norm` "
                          "sums over every gradient); Keras 3 gives that another name, see "
                          "`help(keras.optimizers.Adam)`").format(value=_shown(clipnorm)))
    elif not _neutral("clipvalue", clipvalue):
        problems.append(_("`clipvalue={value}` clips every entry of a gradient on its own; the old line rescaled all "
                          "the gradients together when their joint norm was too large").format(
            value=_shown(clipvalue)))
    elif texts & {"clipnorm", "global_clipnorm", "clipvalue"}:
        pass  # a clipping option written as a string: named above
    elif global_clipnorm is None or _same(global_clipnorm, 0.0):
        problems.append(_("nothing clips the gradients: the old line's `clipnorm=` rescaled all of them together "
                          "when their joint norm was too large; keep that"))
    elif not _same(global_clipnorm, expected["global_clipnorm"]):
        problems.append(_("`global_clipnorm={value}` is not the old line's clipnorm value").format(
            value=_shown(global_clipnorm)))
    if config.get("use_ema"):
        problems.append(_("`use_ema=True` was not in the old line: it keeps a moving average of the weights and "
                          "writes it into the model; leave it out"))
    loss_scale_factor = config.get("loss_scale_factor")
    if not _neutral("loss_scale_factor", loss_scale_factor):
        problems.append(_("`loss_scale_factor={value}` was not in the old line; leave it out").format(
            value=_shown(loss_scale_factor)))
    if config.get("gradient_accumulation_steps"):
        problems.append(_("`gradient_accumulation_steps={value}` was not in the old line: it updates the weights "
                          "only every few batches; leave it out").format(
            value=_shown(config.get("gradient_accumulation_steps"))))
    return problems


def _rates(optimizer):
    """The optimizer's rate at each of SCHEDULE_STEPS, read through its own `iterations` and `learning_rate`."""
    iterations = optimizer.iterations
    kept = iterations.numpy()
    rates = []

    def read():
        for step in SCHEDULE_STEPS:
            iterations.assign(step)
            try:
                rates.append(float(optimizer.learning_rate))
            except Exception as error:  # the learner's own schedule or function failed
                raise Reply(wrong(_("reading the optimizer's learning rate at step {step:,} raised {kind}: {error}")
                                  .format(step=step, kind=type(error).__name__, error=str(error)[:200]))) from None

    def reading():
        return _("reading the optimizer's learning rate at step {step:,}").format(
            step=SCHEDULE_STEPS[min(len(rates), len(SCHEDULE_STEPS) - 1)])

    try:
        _within_time_limit(reading, read)
    finally:
        iterations.assign(kept)
    return np.array(rates)


def _schedule_problem(rates):
    expected = np.array([_legacy_rate(t) for t in SCHEDULE_STEPS])
    if not np.all(np.isfinite(rates)):
        return _("the learning rate is NaN or infinite at some step")
    if np.allclose(rates, expected, rtol=1e-5, atol=0):
        return None
    if np.all(rates == rates[0]):
        return _("the learning rate stays {rate} at every step, but the old line's `decay=` lowered it step by step, "
                 "and Keras 3 ignores `decay=` (with only a warning): give `learning_rate=` a schedule").format(
            rate=_format(rates[0]))
    if not np.isclose(rates[0], expected[0], rtol=1e-5):
        return _("the learning rate at step 0 is {rate}, not the old line's starting rate").format(
            rate=_format(rates[0]))
    early = [rate for step, rate in zip(SCHEDULE_STEPS, rates) if step <= 10]
    if all(rate == rates[0] for rate in early):  # flat up to step 10, then lower
        return _("the learning rate does not change over steps 1 to 10, and falls later; Keras 2.2.4's decay= "
                 "lowered it from the first step on, at every step (a staircase, a piecewise schedule, or one that "
                 "starts slowly?)")
    for description, rules in _SCHEDULE_MISTAKES:
        if any(np.allclose(rates, [rule(t) for t in SCHEDULE_STEPS], rtol=1e-2, atol=1e-12) for rule in rules):
            return _("the learning rate falls as {description}").format(description=_(description))
    differs = ~np.isclose(rates, expected, rtol=1e-2, atol=0)  # report a step where the difference shows
    first = int(np.argmax(differs if differs.any() else ~np.isclose(rates, expected, rtol=1e-5, atol=0)))
    problem = (_("the learning rate falls too slowly: at step {step:,} it is {rate}, higher than the old line's "
                 "`decay=` made it. Keras 2.2.4 counted one step per batch") if rates[first] > expected[first] else
               _("the learning rate falls too fast: at step {step:,} it is {rate}, lower than the old line's `decay=` "
                 "made it. Keras 2.2.4 counted one step per batch"))
    return problem.format(step=SCHEDULE_STEPS[first], rate=_format(rates[first]))


def _then(first, second):
    """Two sentences, one after the other."""
    # TRANSLATORS: two sentences in a row; Chinese puts no space after the full stop 。 of the first.
    return _("{first} {second}").format(first=first, second=second)


def _check_migration(migrated):
    optimizer = _as_optimizer(migrated)
    expected = _expected_config()
    config = _within_time_limit(_("reading the optimizer's configuration"), _config, optimizer)
    problems = _option_problems(config, expected)
    if not config.get("gradient_accumulation_steps"):  # otherwise `iterations` counts differently
        schedule_problem = _schedule_problem(_rates(optimizer))
        if schedule_problem:  # after the weight_decay trap, which explains it, before the other options
            # (the translations of the option problems start with the option too: "`weight_decay=...` ...")
            first = 1 if problems and problems[0].startswith("`weight_decay=") else 0
            problems.insert(first, schedule_problem)
    sentences = [_("{problem}.").format(problem=problem) for problem in problems]
    if len(sentences) == 1:
        raise Reply(wrong(sentences[0]))
    if sentences:
        numbered = [_("({number}) {problem}").format(number=k, problem=p) for k, p in enumerate(sentences, start=1)]
        raise Reply(wrong(_("{count} things differ from the old line: {problems}").format(
            count=len(sentences), problems=functools.reduce(_then, numbered))))
    return passed(_("Keras 3's Adam with AMSGrad, Keras 2.2.4's epsilon, its clipping of all the gradients together, "
                    "no other option, and a rate that falls as Keras 2.2.4's decay= made it fall at steps 0 to "
                    "{last:,}: the same optimizer as the old line. (A `decay=` left in the line would be dropped with "
                    "a warning: remove it.)").format(last=SCHEDULE_STEPS[-1]))


ex1 = Exercise(
    "ex1", "optimizers_in_keras", _check_migration,
    hints=[
        N_("Go through the old line argument by argument. Which one does Keras 3 refuse, which one does it accept "
           "and then ignore, and which ones does it accept but read differently from Keras 2.2.4? The quoted "
           "source says what Keras 2.2.4 did with each. Nothing may be added."),
        N_("`lr=` is renamed. For `decay=`, give `learning_rate=` an `InverseTimeDecay` schedule: read in its "
           "docstring what `decay_steps` counts, and choose it and `decay_rate` so that the rate is divided by "
           "1 + decay × iterations, with Keras 2.2.4's one iteration per batch. For `epsilon=None`, find the number "
           "`K.epsilon()` gave and compare it with Keras 3's default. For `clipnorm`, look at what the quoted "
           "`norm` sums over, then find the Keras 3 argument that clips that way in `help(keras.optimizers.Adam)`."),
    ],
)

# --- Exercise 2: the band of rates that reach a target -----------------------------------------------------

#: The rates the learner sweeps: 0.03 × 2^k and 0.04 × 2^k, each about 1.4 times the one before.
SGD_GRID = (0.03, 0.04, 0.06, 0.08, 0.12, 0.16, 0.24, 0.32, 0.48, 0.64, 0.96, 1.28)
#: The task's protocol: plain SGD on the capstone's network, batches of 16, 3 epochs; a rate reaches the target
#: when the mean final held-out accuracy over the runs is at least TARGET (and no run failed).
BATCH_SIZE, EPOCHS, TARGET = 16, 3, 0.90
#: The check's seeds (digits.load(seed) splits, initial weights, batch order): not the notebook's 0-2.
SEEDS = tuple(range(700, 708))
#: An edge one grid step outside the check's band passes if the check's mean there is at least TARGET - NEAR.
NEAR = 0.03
#: What the check measured with ``measure(batch_size, epochs)``: {rate: (mean final held-out accuracy over SEEDS,
#: runs that failed: a NaN loss or a final accuracy below 0.5)}. (16, 3) is the task's protocol; the others are
#: the defaults a learner's sweep slips into: digits.Trainer's batch_size=64, digits.train's batch_size=32,
#: digits.sweep's epochs=10.
_TABLES = {
    (16, 3): {0.03: (0.8499, 0), 0.04: (0.8827, 0), 0.06: (0.9109, 0), 0.08: (0.9241, 0), 0.12: (0.937, 0),
              0.16: (0.9412, 0), 0.24: (0.9467, 0), 0.32: (0.945, 0), 0.48: (0.9412, 0), 0.64: (0.9244, 0),
              0.96: (0.7117, 2), 1.28: (0.2455, 7)},
    (64, 3): {0.03: (0.4676, 6), 0.04: (0.5658, 2), 0.06: (0.7086, 0), 0.08: (0.7782, 0), 0.12: (0.8402, 0),
              0.16: (0.8698, 0), 0.24: (0.8948, 0), 0.32: (0.9074, 0), 0.48: (0.9164, 0), 0.64: (0.9161, 0),
              0.96: (0.9084, 0), 1.28: (0.5192, 4)},
    (32, 3): {0.03: (0.6967, 0), 0.04: (0.7803, 0), 0.06: (0.8506, 0), 0.08: (0.8816, 0), 0.12: (0.9084, 0),
              0.16: (0.9192, 0), 0.24: (0.9352, 0), 0.32: (0.9408, 0), 0.48: (0.9419, 0), 0.64: (0.9415, 0),
              0.96: (0.8795, 0), 1.28: (0.4164, 6)},
    (16, 10): {0.03: (0.9387, 0), 0.04: (0.9453, 0), 0.06: (0.9533, 0), 0.08: (0.9589, 0), 0.12: (0.9641, 0),
               0.16: (0.9655, 0), 0.24: (0.9673, 0), 0.32: (0.9708, 0), 0.48: (0.9721, 0), 0.64: (0.9732, 0),
               0.96: (0.7688, 1), 1.28: (0.1173, 8)},
    (64, 10): {0.03: (0.8294, 0), 0.04: (0.875, 0), 0.06: (0.9032, 0), 0.08: (0.9234, 0), 0.12: (0.9384, 0),
               0.16: (0.9457, 0), 0.24: (0.9547, 0), 0.32: (0.9575, 0), 0.48: (0.9614, 0), 0.64: (0.9568, 0),
               0.96: (0.9565, 0), 1.28: (0.7503, 2)},
}
#: The slips those tables stand for, as the check names them ("the one the check measures with ...").
_SLIPS = {
    (64, 3): N_("batches of 64, digits.Trainer's default batch_size"),
    (32, 3): N_("batches of 32, digits.train's default batch_size"),
    (16, 10): N_("10 epochs, digits.sweep's default"),
    (64, 10): N_("batches of 64 and 10 epochs, the defaults of digits.Trainer and digits.sweep"),
}


def measure(batch_size=BATCH_SIZE, epochs=EPOCHS, rates=SGD_GRID, seeds=SEEDS):
    """A table as in ``_TABLES``, measured with digits.Trainer and digits.sweep (about 15 s for the task's
    protocol on 2 cores). It sets Keras's global seed, as digits.sweep does."""
    import keras

    from course_utils import digits

    trainer = digits.Trainer(keras.optimizers.SGD(), batch_size=batch_size)
    runs = digits.sweep(trainer, list(rates), list(seeds), epochs)
    return {rate: (round(float(np.mean([h["val_accuracy"][-1] for h in histories])), 4),
                   sum(digits._failed(h, "val_accuracy", 0.5) for h in histories))
            for rate, histories in runs.items()}


def _reaches(entry):
    mean, failed = entry
    return mean >= TARGET and not failed


def _band(table):
    """The indices in SGD_GRID of the lowest and the highest rate that reach the target."""
    inside = [i for i, rate in enumerate(SGD_GRID) if _reaches(table[rate])]
    return inside[0], inside[-1]


def _edge_problems(low, high, table):
    """What is wrong with the learner's edges (indices in SGD_GRID) against ``table``: [] if both pass."""
    first, last = _band(table)
    problems = []

    def near(i):  # one step outside the band, where the check's runs come close to the target
        mean, failed = table[SGD_GRID[i]]
        return mean >= TARGET - NEAR and not failed

    def at_the_cliff(i):  # runs start failing here: a few seeds can all succeed, so an honest sweep may say so
        mean, failed = table[SGD_GRID[i]]
        return 0 < failed < len(SEEDS) / 2

    def measured(i):
        mean, failed = table[SGD_GRID[i]]
        if failed:
            return _("at {rate:g} the check's runs reach a mean held-out accuracy of {mean:.3f}, below the target "
                     "{target:.2f} ({failed} of {runs} runs failed: a NaN loss, or a final accuracy below "
                     "50 %)").format(rate=SGD_GRID[i], mean=mean, target=TARGET, failed=failed, runs=len(SEEDS))
        return _("at {rate:g} the check's runs reach a mean held-out accuracy of {mean:.3f}, below the target "
                 "{target:.2f}").format(rate=SGD_GRID[i], mean=mean, target=TARGET)

    if low < first - 1 or (low == first - 1 and not near(low)):
        problems.append(_("your band starts too low: {measured}").format(measured=measured(low)))
    elif low > first + 1:
        problems.append(_("your band starts too high: in the check's runs, a smaller rate of the grid also reaches "
                          "the target"))
    if high > last + 1 or (high == last + 1 and not (near(high) or at_the_cliff(high))):
        problems.append(_("your band ends too high: {measured}").format(measured=measured(high)))
    elif high < last - 1:
        problems.append(_("your band ends too early: in the check's runs, a larger rate of the grid also reaches "
                          "the target"))
    return problems


def _grid_index(value):
    matches = [i for i, rate in enumerate(SGD_GRID) if math.isclose(value, rate, rel_tol=1e-5)]
    if not matches:
        raise Reply(wrong(_("`sgd_band` holds {value:g}, which is not a rate of SGD_GRID: sweep the grid's rates and "
                            "report two of them.").format(value=value)))
    return matches[0]


def _edges(band):
    """The learner's (lowest, highest) as indices in SGD_GRID, or a Reply saying what the answer is instead."""
    if band is Ellipsis:
        raise Reply(not_yet("sgd_band"))
    if isinstance(band, (dict, set, frozenset)):
        raise Reply(wrong(_("`sgd_band` is a {kind}: store a pair of rates, `(lowest, highest)`.").format(
            kind=type(band).__name__)))
    values = as_numbers(band, "sgd_band")
    if values.size == 1:
        raise Reply(wrong(_("`sgd_band` is one number: the task asks for the band's two edges, "
                            "`sgd_band = (lowest, highest)`, the smallest and the largest rate of SGD_GRID that "
                            "reach the target.")))
    if values.ndim != 1 or values.size != 2:
        problem = (_("`sgd_band` should be two numbers, `(lowest, highest)`, but it has shape {shape}. Store only the "
                     "lowest and the highest rate of your band, not all of them.")
                   if values.ndim == 1 and values.size > 2 else
                   _("`sgd_band` should be two numbers, `(lowest, highest)`, but it has shape {shape}."))
        raise Reply(wrong(problem.format(shape=values.shape)))
    low, high = (float(v) for v in values)
    if low > high:
        raise Reply(wrong(_("`sgd_band` = ({low:g}, {high:g}) starts with the larger rate: write "
                            "`(lowest, highest)`.").format(low=low, high=high)))
    for value in (low, high):
        if value <= 0:
            raise Reply(wrong(_("`sgd_band` holds {value:g}: a learning rate is positive, and SGD_GRID's rates are "
                                "all positive.").format(value=value)))
    return _grid_index(low), _grid_index(high)


def _check_band(sgd_band):
    low, high = _edges(sgd_band)
    table = _TABLES[BATCH_SIZE, EPOCHS]
    problems = _edge_problems(low, high, table)
    if not problems:
        first, last = _band(table)
        mean, failed = table[SGD_GRID[high]]
        agreement = _("your band, {low:g} to {high:g}, agrees with the check's: on {runs} splits that no cell used, "
                      "the rates from {first:g} to {last:g} reach a mean held-out accuracy of {target:.2f} after "
                      "{epochs} epochs (each edge may differ by one grid step).").format(
            low=SGD_GRID[low], high=SGD_GRID[high], runs=len(SEEDS), first=SGD_GRID[first], last=SGD_GRID[last],
            target=TARGET, epochs=EPOCHS)
        if failed:
            agreement = _("{agreement} At {rate:g}, {failed} of the check's {runs} runs failed (mean {mean:.3f}): the "
                          "top of the band is a cliff, where some seeds train and others break. Your seeds were on "
                          "the lucky side; more seeds would have moved your edge down.").format(
                agreement=agreement, rate=SGD_GRID[high], failed=failed, runs=len(SEEDS), mean=mean)
        return passed(agreement)
    slips = [text for protocol, text in _SLIPS.items() if protocol in _TABLES
             and not _edge_problems(low, high, _TABLES[protocol])]
    text = (problems[0] if len(problems) == 1 else
            _("(1) {first}; (2) {second}").format(first=problems[0], second=problems[1]))
    if slips:
        return wrong(_("{problems}. Your band is close to the one the check measures with {slip}: did your sweep set "
                       "batch_size={batch_size} and epochs={epochs}, and average over at least two seeds?").format(
            problems=text, slip=_(slips[0]), batch_size=BATCH_SIZE, epochs=EPOCHS))
    return wrong(_("{problem}.").format(problem=text))


ex2 = Exercise(
    "ex2", "optimizers_in_keras", _check_band,
    hints=[
        N_("The capstone's table does not answer this: its batches were four times larger, so each of its epochs "
           "made about a quarter as many steps, and it trained for more epochs. Which edge of the band should move, "
           "and which way? Then measure it: the band comes from a sweep, not from a guess."),
        N_("Build `digits.Trainer(keras.optimizers.SGD(), batch_size=16)` (its default batch size is 64), run "
           "`digits.sweep(trainer, SGD_GRID, seeds=(0, 1), epochs=3)` (its default is 10 epochs), then keep the "
           "rates of `digits.summarise(...)` that did not fail and whose mean is at least 0.90: the band runs from "
           "the smallest of them to the largest."),
    ],
)
