"""05 · SGD, momentum, Nesterov and decay: the exercises of notebooks/05_sgd_momentum.ipynb.

- ``ex1``: the learner's ``momentum_step`` runs next to ``keras.optimizers.SGD`` on a ``tf.Variable``;
- ``ex2``: how far a Keras 2 recipe's ``decay=`` lowered its rate;
- ``ex3``: a Keras 2 optimizer line, migrated to Keras 3.
"""

import functools
from dataclasses import dataclass

import numpy as np

from course_utils.checks import Exercise, Reply, as_numbers, call, not_yet, passed, wrong

# --- Exercise 1: one step of Keras's SGD with momentum ------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One run of the learner's function next to Keras: its inputs, the rate and momentum, Nesterov or not."""

    label: str
    tensors: bool  # pass tf tensors (True) or NumPy arrays (False)
    shape: tuple
    learning_rate: float
    momentum: float
    nesterov: bool
    seed: int


#: The runs of exercise 1 (20 steps each, float32, on the check's own gradients). A shape never starts with 2,
#: so that a function returning one array instead of a pair cannot be unpacked into two by accident.
RUNS = (
    Run("NumPy float32 weights of shape (4,), learning_rate=0.05, momentum=0.9", False, (4,), 0.05, 0.9, False, 51),
    Run("tf.Tensor float32 weights of shape (3, 2), learning_rate=0.02, momentum=0.95, nesterov=True",
        True, (3, 2), 0.02, 0.95, True, 52),
    Run("tf.Tensor float32 weights of shape (5,), learning_rate=0.1, momentum=0.5", True, (5,), 0.1, 0.5, False, 53),
)
STEPS = 20


def _run_data(run):
    rng = np.random.default_rng(run.seed)
    start = rng.normal(size=run.shape).astype("float32")
    gradients = rng.normal(size=(STEPS, *run.shape)).astype("float32")
    return start, gradients


@functools.lru_cache(maxsize=None)
def keras_reference(index):
    """Keras's weights and velocity after every step of run ``index``: SGD applied to a tf.Variable."""
    import keras
    import tensorflow as tf

    run = RUNS[index]
    start, gradients = _run_data(run)
    optimizer = keras.optimizers.SGD(learning_rate=run.learning_rate, momentum=run.momentum, nesterov=run.nesterov)
    variable = tf.Variable(start)
    weights, velocities = [], []
    for gradient in gradients:
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        weights.append(variable.numpy().astype(np.float64))
        velocities.append(optimizer.momentums[0].numpy().astype(np.float64))
    return np.array(weights), np.array(velocities)


# The mistakes learners make, each as a step function like theirs (float64). Named when the learner's weights follow
# one at every step. Each takes (w, velocity, g, lr, mu, nesterov) and returns (w, velocity).


def _plain_sgd(w, v, g, lr, mu, nesterov):
    return w - lr * g, v


def _dampened(w, v, g, lr, mu, nesterov):
    v = mu * v - (1 - mu) * lr * g
    return (w + mu * v - (1 - mu) * lr * g if nesterov else w + v), v


def _other_form(w, v, g, lr, mu, nesterov):
    return _keras_form(w, v, g, lr, mu, not nesterov)


def _keras_form(w, v, g, lr, mu, nesterov):  # only to build the mistakes below (the reference is Keras itself)
    v_new = mu * v - lr * g
    return (w + mu * v_new - lr * g if nesterov else w + v_new), v_new


def _weights_first(w, v, g, lr, mu, nesterov):
    return w + v, mu * v - lr * g


def _uphill(w, v, g, lr, mu, nesterov):
    return _keras_form(w, v, -g, lr, mu, nesterov)


def _swapped_return(w, v, g, lr, mu, nesterov):
    w, v = _keras_form(w, v, g, lr, mu, nesterov)
    return v, w


def _rate_and_momentum_swapped(w, v, g, lr, mu, nesterov):
    return _keras_form(w, v, g, mu, lr, nesterov)


def _fixed(lr, mu):
    def step(w, v, g, _lr, _mu, nesterov):
        return _keras_form(w, v, g, lr, mu, nesterov)
    return step


STEP_MISTAKES = (
    ("plain SGD: the velocity is not carried from one step to the next, so the momentum does nothing", _plain_sgd),
    ("the dampened form, with a factor (1 − momentum) on the gradient (PyTorch's `dampening`, or an average of "
     "the gradients): Keras's velocity adds the whole step −learning_rate·g", _dampened),
    (("Nesterov's step, but this run did not ask for it: is your default nesterov=False, and does the plain step "
      "ignore the look-ahead?",
      "the plain momentum step, but this run asked for nesterov=True (a look-ahead from the velocity *before* its "
      "update gives the same: look ahead from the new one)"), _other_form),
    ("the weights moved by the velocity *before* it was updated with this step's gradient: update the velocity "
     "first, then the weights", _weights_first),
    ("steps uphill: the sign of the gradient term is flipped", _uphill),
    ("the velocity returned in place of the weights: return `(w, velocity)`, in that order", _swapped_return),
    ("`learning_rate` and `momentum` swapped: check the order of your function's parameters",
     _rate_and_momentum_swapped),
    ("fixed numbers in place of the arguments: use the `learning_rate` and `momentum` the function receives",
     _fixed(0.01, 0.9)),
    ("fixed numbers in place of the arguments: use the `learning_rate` and `momentum` the function receives",
     _fixed(0.1, 0.9)),
)


def _pair(result, run_number, step):
    where = f"Run {run_number}, step {step}"
    if result is None:
        raise Reply(wrong(f"{where}: `momentum_step` returned None (a function without `return` gives None). "
                          "Return the new weights and the new velocity: `return w, velocity`."))
    if isinstance(result, (str, bytes, dict, set)):
        raise Reply(wrong(f"{where}: `momentum_step` returned a {type(result).__name__}; return the pair "
                          "`(w, velocity)`."))
    count = len(result) if isinstance(result, (tuple, list)) else 1
    try:
        w, velocity = result
    except (TypeError, ValueError):
        what = f"{count} values" if count != 1 else f"one {type(result).__name__}"
        raise Reply(wrong(f"{where}: `momentum_step` should return two values, the new weights and the new velocity "
                          f"(`return w, velocity`), not {what}.")) from None
    return w, velocity


def _values(value, what, shape, run_number, step):
    verb = "have" if what == "weights" else "has"
    try:
        values = as_numbers(value, what)
    except Reply as reply:
        raise Reply(wrong(f"Run {run_number}, step {step}: {reply.feedback.message.split(': ', 1)[1]}")) from None
    if values.shape != shape:
        raise Reply(wrong(f"Run {run_number}, step {step}: the {what} you returned {verb} shape {values.shape}, but "
                          f"the weights given to the function have shape {shape}: return arrays of that shape."))
    return values.copy()


def _learner_run(function, run, run_number):
    import tensorflow as tf

    start, gradients = _run_data(run)
    convert = (lambda a: tf.constant(a)) if run.tensors else (lambda a: a.copy())
    w, velocity = convert(start), convert(np.zeros_like(start))
    extra = {"nesterov": True} if run.nesterov else {}  # a plain run relies on the default, nesterov=False
    weights, velocities = [], []
    for step, gradient in enumerate(gradients, start=1):
        try:
            result = call(function, w, velocity, convert(gradient), run.learning_rate, run.momentum,
                          name="momentum_step", **extra)
        except Reply as reply:
            if reply.feedback.message.startswith("❌"):
                message = reply.feedback.message.split(": ", 1)[1].rstrip(".")
                if "raised TypeError" in message and "argument" in message:
                    message += (". The check calls it as momentum_step(w, velocity, gradient, learning_rate, momentum)"
                                + (", nesterov=True" if run.nesterov else "") + ": keep the task's parameters")
                elif "raised" in message:
                    given = "tf tensors" if run.tensors else "NumPy arrays"
                    message += (f". This run gives your function {given} (not tf.Variables): write the step with "
                                "+, − and *, and return new values")
                raise Reply(wrong(f"Run {run_number} ({run.label}), step {step}: {message}.")) from None
            raise
        w, velocity = _pair(result, run_number, step)
        weights.append(_values(w, "weights", run.shape, run_number, step))
        velocities.append(_values(velocity, "velocity", run.shape, run_number, step))
    return np.array(weights), np.array(velocities)


def _simulate(rule, run):
    start, gradients = _run_data(run)
    w, v = start.astype(np.float64), np.zeros(run.shape)
    weights, velocities = [], []
    with np.errstate(all="ignore"):
        for gradient in gradients.astype(np.float64):
            w, v = rule(w, v, gradient, run.learning_rate, run.momentum, run.nesterov)
            weights.append(w)
            velocities.append(v)
    return np.array(weights), np.array(velocities)


def _agree(mine, reference, rtol=1e-5):
    """Per step: equal to float32 precision, relative to the size of the reference over the run."""
    scale = max(1.0, float(np.abs(reference).max()))
    with np.errstate(all="ignore"):
        return np.all(np.abs(mine - reference) <= rtol * scale, axis=tuple(range(1, reference.ndim)))


def _check_momentum_step(momentum_step):
    if momentum_step is Ellipsis:
        raise Reply(not_yet("momentum_step"))
    for number, run in enumerate(RUNS, start=1):
        weights, velocities = _learner_run(momentum_step, run, number)
        keras_weights, keras_velocities = keras_reference(number - 1)
        right_weights = _agree(weights, keras_weights)
        where = f"Run {number} ({run.label})"
        if not right_weights.all():
            first = int(np.argmin(right_weights)) + 1
            for description, rule in STEP_MISTAKES:
                if isinstance(description, tuple):  # (said in a plain run, said in a Nesterov run)
                    description = description[run.nesterov]
                if _agree(weights, _simulate(rule, run)[0], rtol=1e-4).all():
                    end = "" if description.endswith("?") else "."
                    raise Reply(wrong(f"{where}: your weights leave Keras's path at step {first}. They look like "
                                      f"{description}{end}"))
            advice = ("The first step agrees with Keras and a later one does not: look at what your function does "
                      "with the velocity it receives and the one it returns." if first > 1 else
                      "Already the first step, from a zero velocity, differs: look at how one step uses the gradient.")
            raise Reply(wrong(f"{where}: your weights leave Keras's path at step {first}. {advice}"))
        right_velocities = _agree(velocities, keras_velocities)
        if not right_velocities.all():
            first = int(np.argmin(right_velocities)) + 1
            if _agree(velocities, -keras_velocities / np.float32(run.learning_rate), rtol=1e-4).all():
                raise Reply(wrong(f"{where}: your weights follow Keras at every step, but the velocity you return is "
                                  "PyTorch's, a sum of gradients without the learning rate. Keras's velocity "
                                  "(`optimizer.momentums`) already contains −learning_rate, as section 2 writes it: "
                                  "return that one."))
            raise Reply(wrong(f"{where}: your weights follow Keras, but the velocity you return differs from Keras's "
                              f"from step {first} on. Return the updated velocity, the one Keras stores."))
    return passed(f"`momentum_step` matches keras.optimizers.SGD at every step of {len(RUNS)} runs of {STEPS} steps "
                  "(NumPy and tf tensors, with and without Nesterov), weights and velocity, to float32 precision.")


ex1 = Exercise(
    "ex1", "sgd_momentum", _check_momentum_step,
    hints=[
        "One step changes two things, the velocity and the weights. Which one must be updated first, and which "
        "value of it does the other one use? With nesterov=True only the weights' update changes.",
        "Section 2 has both of Keras's forms. Compute the new velocity from the old one, the momentum, the rate and "
        "the gradient; then move the weights by it, or, with nesterov=True, by one more momentum step taken from "
        "the new velocity. Use only +, − and *, so that NumPy arrays and tf tensors both work, and return the pair.",
    ],
)


# --- Exercise 2: what a Keras 2 decay did ---------------------------------------------------------------

#: The Keras 2 recipe: SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True), 50 000 images in batches of 100,
#: 30 epochs. (With 20 epochs, a fall of 1.01, several misreadings give the same number by coincidence.)
RECIPE_RATE, RECIPE_DECAY = 0.01, 1e-6
IMAGES, BATCH_SIZE, EPOCHS = 50_000, 100, 30


def _fall_after(steps):
    return 1 + RECIPE_DECAY * steps


#: The steps the recipe made, and the ways learners miscount them or misread the question.
STEPS_TRAINED = EPOCHS * IMAGES // BATCH_SIZE
FALL_MISTAKES = (
    ("a count of epochs: Keras 2's decay counted steps (batches), not epochs", _fall_after(EPOCHS)),
    ("a count of epochs: Keras 2's decay counted steps (batches), not epochs", _fall_after(EPOCHS - 1)),
    ("one epoch's steps: the recipe trained for more than one epoch", _fall_after(IMAGES // BATCH_SIZE)),
    ("a count of images (samples): Keras 2's decay counted steps, one per batch", _fall_after(EPOCHS * IMAGES)),
    ("a decay compounded at every step (like ExponentialDecay): Keras 2's decay was inverse-time, not exponential",
     np.exp(RECIPE_DECAY * STEPS_TRAINED)),
    ("the last rate over the first one: the fall is the first rate divided by the last one, a factor above 1",
     1 / _fall_after(STEPS_TRAINED)),
    ("the last rate over the first one, and a decay compounded like ExponentialDecay: Keras 2's decay was "
     "inverse-time, and the fall is the first rate divided by the last one", np.exp(-RECIPE_DECAY * STEPS_TRAINED)),
    ("the relative change (fall − 1): store the factor itself, the first rate divided by the last",
     _fall_after(STEPS_TRAINED) - 1),
    ("the relative change of the rate: store the factor, the first rate divided by the last",
     1 - 1 / _fall_after(STEPS_TRAINED)),
    ("a learning rate, not a factor: divide the first rate by the last", RECIPE_RATE / _fall_after(STEPS_TRAINED)),
    ("a percentage: store the factor, the first rate divided by the last", 100 * (1 - 1 / _fall_after(STEPS_TRAINED))),
    ("a percentage: store the factor, the first rate divided by the last", 100 * RECIPE_DECAY * STEPS_TRAINED),
)


def _check_fall(fall):
    value = as_numbers(fall, "fall")
    if value.size != 1:
        raise Reply(wrong(f"`fall` should be a single number, but it has shape {value.shape}."))
    value = float(value.reshape(()))
    shown = f"`fall` = {value:.10g}"
    # Right: the rate of the last step or the one after it (14 999 or 15 000 steps taken), in float32 or float64.
    if abs(value - _fall_after(STEPS_TRAINED)) <= 2.5e-6:
        return passed(f"fall = {value:.4g}. In the whole training this decay= lowered the rate by "
                      f"{100 * (1 - 1 / _fall_after(STEPS_TRAINED)):.1f} % at most: a Keras 3 line that simply "
                      "drops it trains with almost the same rates. Check a recipe's numbers before you copy its "
                      "decay.")
    for description, mistake in FALL_MISTAKES:
        if np.isclose(value, mistake, rtol=1e-6, atol=0):
            raise Reply(wrong(f"{shown} looks like {description}."))
    if value == 1.0:
        raise Reply(wrong(f"{shown} says the rate did not fall at all. Keras 2 did lower it. (If you measured "
                          "Keras 3's SGD with decay=, Keras 3 ignored the decay: use the schedule that stands for "
                          "Keras 2's decay.)"))
    if value <= 0:
        raise Reply(wrong(f"{shown}: a ratio of two learning rates is above 0."))
    if value < 1:
        raise Reply(wrong(f"{shown} is below 1. The rate fell, so the first rate divided by the last one is above "
                          "1: is this the last rate over the first, or a fraction of the rate?"))
    raise Reply(wrong(f"{shown} is not the fall Keras 2's decay gave. Count what Keras 2's decay counted, and "
                      "compute the two rates with a schedule instead of by hand."))


ex2 = Exercise(
    "ex2", "sgd_momentum", _check_fall,
    hints=[
        "Keras 2's decay counted something at every update of the weights. How many updates did this training "
        "make? Then ask what the rate was after that many.",
        "Steps = epochs × (images / batch size). Build the Keras 3 schedule that stands for Keras 2's decay "
        "(section 4), call it at step 0 and after the last step, and divide the first rate by the second.",
    ],
)


# --- Exercise 3: migrate a Keras 2 optimizer line -----------------------------------------------------------

#: The Keras 2 line: keras.optimizers.SGD(lr=0.05, decay=5e-4, momentum=0.95).
LEGACY_RATE, LEGACY_DECAY, LEGACY_MOMENTUM = 0.05, 5e-4, 0.95
#: The steps at which the learner's rate is compared with Keras 2's.
SCHEDULE_STEPS = (0, 1, 2, 10, 100, 1_000, 2_000, 5_000, 20_000, 1_000_000)


def _keras2_rate(t):
    return LEGACY_RATE / (1 + LEGACY_DECAY * t)


#: Other ways a rate falls that learners write for decay=: named when the learner's rates follow one.
SCHEDULE_MISTAKES = (
    ("a decay compounded at every step (an ExponentialDecay): Keras 2's decay was inverse-time, not exponential",
     lambda t: LEGACY_RATE * (1 - LEGACY_DECAY) ** t),
    ("a decay compounded at every step (an ExponentialDecay): Keras 2's decay was inverse-time, not exponential",
     lambda t: LEGACY_RATE * np.exp(-LEGACY_DECAY * t)),
    ("ExponentialDecay with decay_rate=5e-4, which multiplies the rate by 5e-4 at every step: Keras 2's decay was "
     "inverse-time", lambda t: LEGACY_RATE * LEGACY_DECAY ** t),
    ("a rate that falls *linearly*: Keras 2 divided the rate, it did not subtract from it",
     lambda t: max(LEGACY_RATE * (1 - LEGACY_DECAY * t), 0.0)),
)

#: Options of the config that only matter when use_ema=True.
_EMA_ONLY = ("ema_momentum", "ema_overwrite_frequency")


def _optimizer_type(optimizer):
    import keras

    if optimizer is Ellipsis:
        raise Reply(not_yet("optimizer"))
    if optimizer is None:
        raise Reply(wrong("`optimizer` is None: store the optimizer object itself, `optimizer = keras.optimizers...`."))
    if isinstance(optimizer, str):
        raise Reply(wrong(f"`optimizer` is the string {optimizer!r:.30}: a string builds an optimizer with its "
                          "defaults, without the rate, momentum or decay of the Keras 2 line. Build the object."))
    if isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Optimizer):
        raise Reply(wrong(f"`optimizer` is the class {optimizer.__name__} itself: call it with the arguments, "
                          f"`{optimizer.__name__}(...)`."))
    if isinstance(optimizer, keras.optimizers.schedules.LearningRateSchedule):
        raise Reply(wrong("`optimizer` is a schedule alone: a schedule is what you give the optimizer as its "
                          "`learning_rate=`; store the optimizer."))
    if type(optimizer).__module__.startswith("course_utils"):
        raise Reply(wrong(f"`optimizer` is the course's from-scratch {type(optimizer).__name__} "
                          "(course_utils.optimizers), which keeps Keras 2's decay only to show it. The task is "
                          "Keras 3 code: keras.optimizers.SGD."))
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise Reply(wrong(f"`optimizer` should be a Keras optimizer object, not a {type(optimizer).__name__}."))
    if type(optimizer) is not keras.optimizers.SGD:
        kind = "a subclass of SGD" if isinstance(optimizer, keras.optimizers.SGD) else type(optimizer).__name__
        raise Reply(wrong(f"`optimizer` is {kind}; the Keras 2 line builds keras.optimizers.SGD itself."))


def _config(optimizer):
    """The optimizer's config; a callable rate that cannot be serialised is left out."""
    try:
        return optimizer.get_config()
    except Exception:  # e.g. a lambda as learning_rate: the other options are plain attributes
        import keras

        keys = keras.optimizers.SGD(learning_rate=LEGACY_RATE).get_config()
        return {key: getattr(optimizer, key) for key in keys if key not in ("name", "learning_rate")}


def _same(a, b):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or a == b
    try:
        return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=0))
    except (TypeError, ValueError):
        return a == b


def _option_problems(config, expected):
    problems = []
    weight_decay = config.get("weight_decay")
    if weight_decay not in (None, 0, 0.0):
        problems.append(f"`weight_decay={weight_decay!r}` is not Keras 2's `decay=`: it is decoupled weight decay, "
                        "which shrinks the weights themselves at every step (a regulariser, section 4) and leaves "
                        "the rate as it is. Leave it out")
    momentum = config.get("momentum")
    if not _same(momentum, expected["momentum"]):
        problems.append("there is no momentum, so this is plain SGD: keep the Keras 2 line's momentum"
                        if not momentum else f"momentum={momentum!r} is not the Keras 2 line's momentum")
    if config.get("nesterov"):
        problems.append("`nesterov=True` was not in the Keras 2 line: it changes every step; leave it out")
    for key, value in config.items():
        if key in ("name", "learning_rate", "weight_decay", "momentum", "nesterov") or key not in expected:
            continue
        if key in _EMA_ONLY and not config.get("use_ema"):
            continue  # without use_ema these change nothing
        if not _same(value, expected[key]):
            problems.append(f"`{key}={value!r}` was not in the Keras 2 line: it changes training; leave it out")
    return problems


def _rates(optimizer):
    """The optimizer's rate at each of SCHEDULE_STEPS, read through its public `iterations` and `learning_rate`."""
    iterations = optimizer.iterations
    kept = iterations.numpy()
    rates = []
    try:
        for t in SCHEDULE_STEPS:
            iterations.assign(t)
            rates.append(float(optimizer.learning_rate))
    finally:
        iterations.assign(kept)
    return np.array(rates)


def _schedule_problem(rates):
    expected = np.array([_keras2_rate(t) for t in SCHEDULE_STEPS])
    if not np.all(np.isfinite(rates)):
        return "the learning rate is NaN or infinite at some step"
    if np.allclose(rates, expected, rtol=1e-5, atol=0):
        return None
    if np.all(rates == rates[0]):
        start = ("" if np.isclose(rates[0], expected[0], rtol=1e-5) else
                 ", and it does not start at the Keras 2 line's rate either")
        return (f"the learning rate stays {rates[0]:.6g} at every step{start}. Keras 2's decay= lowered it step "
                "by step, and Keras 3 ignores decay= (with only a warning): give `learning_rate=` a schedule")
    if np.allclose(rates, [_keras2_rate(t + 1) for t in SCHEDULE_STEPS], rtol=1e-5, atol=0):
        return ("the learning rate is one step ahead of Keras 2's: Keras 2's decay counted the steps already taken, "
                "none at the first step")
    if not np.isclose(rates[0], expected[0], rtol=1e-5):
        return (f"the learning rate at step 0 is {rates[0]:.6g}, not the Keras 2 line's starting rate")
    if rates[1] == rates[2] == rates[3] == rates[0] and rates[-1] < rates[0]:  # flat for steps 1, 2 and 10
        return ("the learning rate stays flat for a while, then drops in a jump (staircase=True, or a piecewise "
                "schedule); Keras 2's decay lowered the rate at every step")
    for description, rule in SCHEDULE_MISTAKES:
        if np.allclose(rates, [rule(t) for t in SCHEDULE_STEPS], rtol=1e-2, atol=1e-9):  # float32 powers: 1 %
            return f"the learning rates look like {description}"
    with np.errstate(all="ignore"):  # shown: the step where the learner's rate is furthest from Keras 2's
        worst = int(np.nanargmax(np.abs(np.log(np.maximum(rates, 1e-300) / expected))))
    higher = rates[worst] > expected[worst]
    return (f"the learning rate {'falls too slowly' if higher else 'falls too fast'}: at step "
            f"{SCHEDULE_STEPS[worst]:,} it is {rates[worst]:.6g}, {'higher' if higher else 'lower'} than Keras 2's "
            "decay made it")


def _check_legacy_fix(optimizer):
    import keras

    _optimizer_type(optimizer)
    expected = keras.optimizers.SGD(
        learning_rate=keras.optimizers.schedules.InverseTimeDecay(LEGACY_RATE, decay_steps=1,
                                                                  decay_rate=LEGACY_DECAY),
        momentum=LEGACY_MOMENTUM).get_config()
    config = _config(optimizer)
    problems = _option_problems(config, expected)
    if config.get("gradient_accumulation_steps") is None:  # otherwise `iterations` counts differently
        schedule_problem = _schedule_problem(_rates(optimizer))
        if schedule_problem:  # after the weight_decay trap, which explains it, before the other options
            first = 1 if problems and problems[0].startswith("`weight_decay=") else 0
            problems.insert(first, schedule_problem)
    if len(problems) == 1:
        raise Reply(wrong(f"{problems[0]}."))
    if problems:
        raise Reply(wrong(f"{len(problems)} things differ from the Keras 2 line: "
                          + " ".join(f"({k}) {p}." for k, p in enumerate(problems, start=1))))
    return passed("keras.optimizers.SGD with the Keras 2 line's momentum and no other option, and a rate that falls "
                  f"as Keras 2's decay= made it fall (checked at steps 0 to {SCHEDULE_STEPS[-1]:,}): it trains as the "
                  "Keras 2 line did.")


ex3 = Exercise(
    "ex3", "sgd_momentum", _check_legacy_fix,
    hints=[
        "Two arguments of this line no longer work in Keras 3: one fails loudly, the other is silently ignored. "
        "Everything else must stay as it was, and nothing may be added.",
        "Rename the argument that fails. For the ignored one, give `learning_rate=` the schedule that section 4 "
        "shows to be Keras 2's decay, with the number of steps per decay that Keras 2 used. `weight_decay=` is "
        "something else.",
    ],
)
