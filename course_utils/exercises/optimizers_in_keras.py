"""07 · Optimizers in Keras: the exercises of notebooks/07_optimizers_in_keras.ipynb.

- ``ex1``: a tf.keras (Keras 2) Adam line, migrated to Keras 3. The check reads the learner's optimizer: its class,
  its whole config, and its rate at steps from 0 to a million.
- ``ex2``: a learning rate for plain SGD that reaches a target. The check trains the capstone's network on splits
  of the digits that the notebook never uses, with its own seeds (the learner's random generators are untouched).
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np

from course_utils.checks import Exercise, Reply, _format, as_numbers, not_yet, passed, wrong

# --- Exercise 1: migrate a tf.keras Adam line to Keras 3 ---------------------------------------------------

#: The legacy line (TensorFlow 2.3, tf.keras): Adam(lr=0.003, decay=1e-4, beta_2=0.99, amsgrad=True, clipnorm=1.0).
LEGACY_RATE, LEGACY_DECAY, LEGACY_BETA_2, LEGACY_CLIPNORM = 0.003, 1e-4, 0.99, 1.0
LEGACY_LINE = "tf.keras.optimizers.Adam(lr=0.003, decay=1e-4, beta_2=0.99, amsgrad=True, clipnorm=1.0)"
#: The steps at which the learner's rate is compared with the legacy rate lr / (1 + decay * step).
SCHEDULE_STEPS = (0, 1, 2, 10, 100, 1_000, 3_000, 10_000, 100_000, 1_000_000)


def _legacy_rate(step):
    return LEGACY_RATE / (1 + LEGACY_DECAY * step)


#: Other ways a rate falls that learners write for decay=: named when the learner's rates follow one.
_SCHEDULE_MISTAKES = (
    ("an exponential decay (each step multiplies the rate by the same factor); tf.keras's decay= divided the "
     "starting rate by 1 + decay × step, an inverse-time decay",
     (lambda t: LEGACY_RATE * (1 - LEGACY_DECAY) ** t, lambda t: LEGACY_RATE * math.exp(-LEGACY_DECAY * t))),
    ("ExponentialDecay with decay_rate=1e-4, which multiplies the rate by 1e-4 every decay_steps; tf.keras's "
     "decay= was an inverse-time decay", (lambda t: LEGACY_RATE * LEGACY_DECAY ** t,)),
    ("a rate that falls linearly; tf.keras's decay= divided the rate, it did not subtract from it",
     (lambda t: max(LEGACY_RATE * (1 - LEGACY_DECAY * t), 0.0),)),
)

#: Values of an option that change nothing (ema_momentum and ema_overwrite_frequency matter only with use_ema).
_NEUTRAL = {"weight_decay": (0, 0.0), "clipvalue": (0, 0.0), "global_clipnorm": (0, 0.0), "loss_scale_factor": (1.0,)}


def _expected_config():
    import keras

    schedule = keras.optimizers.schedules.InverseTimeDecay(LEGACY_RATE, decay_steps=1, decay_rate=LEGACY_DECAY)
    return keras.optimizers.Adam(learning_rate=schedule, beta_2=LEGACY_BETA_2, amsgrad=True,
                                 clipnorm=LEGACY_CLIPNORM).get_config()


def _as_optimizer(answer):
    """The learner's answer as a Keras optimizer: an optimizer, a compiled model, or a config dict."""
    import keras

    if answer is Ellipsis:
        raise Reply(not_yet("migrated"))
    if answer is None:
        raise Reply(wrong("`migrated` is None: store the optimizer object itself, "
                          "`migrated = keras.optimizers...(...)` (a function without `return` gives None)."))
    if isinstance(answer, str):
        raise Reply(wrong(f"`migrated` is the string {answer!r:.30}: a string builds the optimizer with all its "
                          "defaults, without the rate, decay, beta_2, AMSGrad or clipping of the old line. Build "
                          "the object."))
    if isinstance(answer, type):
        raise Reply(wrong(f"`migrated` is the class {answer.__name__} itself: call it with the arguments, "
                          f"`{answer.__name__}(...)`."))
    if isinstance(answer, keras.optimizers.schedules.LearningRateSchedule):
        raise Reply(wrong("`migrated` is a schedule alone: a schedule is what the optimizer gets as its "
                          "`learning_rate=`. Store the optimizer."))
    if isinstance(answer, keras.Model):
        if getattr(answer, "optimizer", None) is None:
            raise Reply(wrong("`migrated` is a model that was not compiled: compile it with the optimizer, or store "
                              "the optimizer itself."))
        answer = answer.optimizer
    elif isinstance(answer, dict):
        try:
            answer = keras.optimizers.get(answer)
        except Exception as error:
            raise Reply(wrong(f"`migrated` is a dict that Keras cannot turn into an optimizer "
                              f"({type(error).__name__}: {str(error)[:120]}). Build the optimizer object.")) from None
    if type(answer).__module__.startswith("course_utils"):
        raise Reply(wrong(f"`migrated` is the course's from-scratch {type(answer).__name__} (course_utils), not "
                          "Keras: the task is Keras 3 code."))
    if not isinstance(answer, keras.optimizers.Optimizer):
        raise Reply(wrong(f"`migrated` should be a Keras optimizer object, not a {type(answer).__name__}."))
    kind = type(answer)
    if kind is keras.optimizers.AdamW:
        raise Reply(wrong("`migrated` is an AdamW: Adam plus decoupled weight decay (0.004 unless you set another "
                          "value), which shrinks the weights at every step. The old line had no weight decay: it is "
                          "plain Adam."))
    if hasattr(answer, "inner_optimizer"):
        raise Reply(wrong(f"`migrated` is a {kind.__name__} wrapped around another optimizer; the old line had no "
                          "wrapper. Store the Adam itself."))
    if kind is not keras.optimizers.Adam:
        subclass = " (a subclass of Adam)" if isinstance(answer, keras.optimizers.Adam) else ""
        raise Reply(wrong(f"`migrated` is of class {kind.__name__}{subclass}: another update rule. The old line "
                          "builds Adam, and `tf.keras.optimizers.Adam` in TensorFlow 2.21 is Keras 3's Adam."))
    return answer


def _config(optimizer):
    """The optimizer's config; a callable rate that Keras cannot serialise is left out."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns when it serialises a lambda
            return optimizer.get_config()
    except Exception:  # e.g. a lambda as learning_rate: the other options are plain attributes
        return {key: getattr(optimizer, key, None) for key in _expected_config() if key != "learning_rate"}


def _same(a, b):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or a == b
    try:
        return bool(np.isclose(float(a), float(b), rtol=1e-6, atol=0))
    except (TypeError, ValueError):
        return a == b


def _neutral(key, value):
    return value is None or any(_same(value, n) for n in _NEUTRAL.get(key, ()))


def _option_problems(config, expected):
    """Every option that differs from the old line, named with what it does; none of them prints the answer."""
    problems = []
    weight_decay = config.get("weight_decay")
    if not _neutral("weight_decay", weight_decay):
        problems.append(f"`weight_decay={weight_decay!r}` is not tf.keras's `decay=`: it is decoupled weight decay, "
                        "which shrinks the weights themselves at every step (a regulariser) and leaves the rate as "
                        "it is. Leave it out")
    beta_1, beta_2, epsilon = config.get("beta_1"), config.get("beta_2"), config.get("epsilon")
    if not _same(beta_1, expected["beta_1"]):
        problems.append(f"`beta_1={beta_1!r}`: the old line kept beta_1 at its default, the same in tf.keras and "
                        "Keras 3. Leave it out")
    if not _same(beta_2, expected["beta_2"]):
        problems.append("beta_2 is at its default 0.999, but the old line set its own beta_2: keep it"
                        if _same(beta_2, 0.999) else f"`beta_2={beta_2!r}` is not the old line's beta_2")
    if epsilon is None:
        problems.append("`epsilon=None`: Keras 3 needs a number (the first training step fails). The old line kept "
                        "tf.keras's default epsilon, which Keras 3's default equals: leave it out")
    elif not _same(epsilon, expected["epsilon"]):
        problems.append(f"`epsilon={epsilon!r}`: the old line kept tf.keras's default epsilon, which Keras 3's "
                        "default equals. Leave it out")
    if not config.get("amsgrad"):
        problems.append("amsgrad is off: the old line used the AMSGrad variant of Adam; keep it")
    clipnorm, global_clipnorm, clipvalue = (config.get(k) for k in ("clipnorm", "global_clipnorm", "clipvalue"))
    if not _neutral("global_clipnorm", global_clipnorm):
        problems.append(f"`global_clipnorm={global_clipnorm!r}` rescales all gradients together, by their joint "
                        "norm; tf.keras's `clipnorm` clipped the norm of each weight's gradient on its own, as Keras "
                        "3's `clipnorm` does")
    elif not _neutral("clipvalue", clipvalue):
        problems.append(f"`clipvalue={clipvalue!r}` clips every entry of a gradient on its own; the old line clipped "
                        "each gradient's norm (`clipnorm`)")
    elif clipnorm is None or _same(clipnorm, 0.0):
        problems.append("nothing clips the gradients: the old line clipped the norm of each weight's gradient "
                        "(`clipnorm`); keep it")
    elif not _same(clipnorm, expected["clipnorm"]):
        problems.append(f"`clipnorm={clipnorm!r}` is not the old line's clipnorm")
    if config.get("use_ema"):
        problems.append("`use_ema=True` was not in the old line: it keeps a moving average of the weights and "
                        "writes it into the model; leave it out")
    loss_scale_factor = config.get("loss_scale_factor")
    if not _neutral("loss_scale_factor", loss_scale_factor):
        problems.append(f"`loss_scale_factor={loss_scale_factor!r}` was not in the old line; leave it out")
    if config.get("gradient_accumulation_steps"):
        problems.append(f"`gradient_accumulation_steps={config.get('gradient_accumulation_steps')!r}` was not in "
                        "the old line: it updates the weights only every few batches; leave it out")
    return problems


def _rates(optimizer):
    """The optimizer's rate at each of SCHEDULE_STEPS, read through its own `iterations` and `learning_rate`."""
    iterations = optimizer.iterations
    kept = iterations.numpy()
    rates = []
    try:
        for step in SCHEDULE_STEPS:
            iterations.assign(step)
            try:
                rates.append(float(optimizer.learning_rate))
            except Exception as error:  # the learner's own schedule or function failed
                raise Reply(wrong(f"reading the optimizer's learning rate at step {step:,} raised "
                                  f"{type(error).__name__}: {str(error)[:200]}")) from None
    finally:
        iterations.assign(kept)
    return np.array(rates)


def _schedule_problem(rates):
    expected = np.array([_legacy_rate(t) for t in SCHEDULE_STEPS])
    if not np.all(np.isfinite(rates)):
        return "the learning rate is NaN or infinite at some step"
    if np.allclose(rates, expected, rtol=1e-5, atol=0):
        return None
    if np.all(rates == rates[0]):
        return (f"the learning rate stays {_format(rates[0])} at every step, but the old line's `decay=` lowered it "
                "step by step, and Keras 3 ignores `decay=` (with only a warning): give `learning_rate=` a schedule")
    if not np.isclose(rates[0], expected[0], rtol=1e-5):
        return f"the learning rate at step 0 is {_format(rates[0])}, not the old line's starting rate"
    if rates[1] == rates[2] == rates[3] == rates[0]:  # flat for steps 1, 2 and 10, then lower
        return ("the learning rate does not change over steps 1, 2 and 10, and falls later; tf.keras's decay= "
                "lowered it from the first step on, at every step (a staircase, a piecewise schedule, or one that "
                "starts slowly?)")
    for description, rules in _SCHEDULE_MISTAKES:
        if any(np.allclose(rates, [rule(t) for t in SCHEDULE_STEPS], rtol=1e-2, atol=1e-12) for rule in rules):
            return f"the learning rate falls as {description}"
    differs = ~np.isclose(rates, expected, rtol=1e-2, atol=0)  # report a step where the difference shows
    first = int(np.argmax(differs if differs.any() else ~np.isclose(rates, expected, rtol=1e-5, atol=0)))
    slower = rates[first] > expected[first]
    return (f"the learning rate falls too {'slowly' if slower else 'fast'}: at step {SCHEDULE_STEPS[first]:,} it is "
            f"{_format(rates[first])}, {'higher' if slower else 'lower'} than the old line's `decay=` made it. "
            "tf.keras counted one step per batch")


def _check_migration(migrated):
    optimizer = _as_optimizer(migrated)
    expected = _expected_config()
    config = _config(optimizer)
    problems = _option_problems(config, expected)
    if not config.get("gradient_accumulation_steps"):  # otherwise `iterations` counts differently
        schedule_problem = _schedule_problem(_rates(optimizer))
        if schedule_problem:  # after the weight_decay trap, which explains it, before the other options
            first = 1 if problems and problems[0].startswith("`weight_decay=") else 0
            problems.insert(first, schedule_problem)
    if len(problems) == 1:
        raise Reply(wrong(f"{problems[0]}."))
    if problems:
        raise Reply(wrong(f"{len(problems)} things differ from the old line: "
                          + " ".join(f"({k}) {p}." for k, p in enumerate(problems, start=1))))
    return passed("Keras 3's Adam with the old line's beta_2, AMSGrad and clipnorm, no other option, and a rate "
                  f"that falls as tf.keras's decay= made it fall at steps 0 to {SCHEDULE_STEPS[-1]:,}: the same "
                  "optimizer as the old line.")


ex1 = Exercise(
    "ex1", "optimizers_in_keras", _check_migration,
    hints=[
        "Go through the old line argument by argument. Which ones does Keras 3 refuse, which one does it accept "
        "and then ignore, and which ones still mean what they meant? Nothing may be added.",
        "Rename the argument that fails. For the ignored one, give `learning_rate=` the schedule of section 2, "
        "with one decay step per batch, as tf.keras counted. Keep the three other arguments unchanged; "
        "`weight_decay=` and `AdamW` are something else.",
    ],
)

# --- Exercise 2: a rate for a target ----------------------------------------------------------------------

#: The check's protocol: plain SGD, batches of 16, 3 epochs, 8 runs; each run has its own seed for the split of the
#: digits (course_utils.digits.load), the initial weights and the order of the batches. Seeds 0-2 are the
#: notebook's: these are not. A rate passes when the mean accuracy on the runs' held-out images reaches TARGET.
SEEDS = tuple(range(700, 708))
BATCH_SIZE, EPOCHS, TARGET = 16, 3, 0.90
HIDDEN_UNITS = 32
#: A run learns nothing when its held-out accuracy stays below this (10 classes: chance is about 0.1).
NEAR_CHANCE = 0.2
#: How much better a rate 3 times smaller must do for the learner's rate to be called too large.
PROBE_FACTOR, PROBE_MARGIN = 3.0, 0.005


@dataclass(frozen=True)
class Run:
    """One training run of the check: what it measured."""

    losses: tuple  # the mean training loss of each epoch (the run stops after an epoch whose loss is not finite)
    start_loss: float  # the training loss at the initial weights
    accuracy: float  # the accuracy on the run's held-out images after the last epoch
    dead: int  # hidden ReLU units that output 0 for every training image after the last epoch

    @property
    def finite(self):
        return all(math.isfinite(v) for v in self.losses)

    @property
    def rose(self):
        """The training loss went up (by more than float32 noise): from one epoch to the next, or over the first
        epoch from its start."""
        losses = (self.start_loss, *self.losses)
        return any(b > a * (1 + 1e-3) for a, b in zip(losses, losses[1:]))


class _Runner:
    """The capstone's network (64 -> 32 ReLU -> 10 softmax) and plain SGD, traced once, reset for every run.

    Every random number comes from NumPy generators seeded by the run's seed: the split, the Glorot-uniform
    initial weights and the batch order. Nothing touches Python's, NumPy's, TensorFlow's or Keras's global
    generators, and every layer and the optimizer have names of their own (no automatic name is used up).
    """

    def __init__(self):
        import keras
        import tensorflow as tf

        self.model = keras.Sequential([
            keras.Input(shape=(64,), name="ex2_pixels"),
            keras.layers.Dense(HIDDEN_UNITS, activation="relu", kernel_initializer="zeros", name="ex2_hidden"),
            keras.layers.Dense(10, activation="softmax", kernel_initializer="zeros", name="ex2_output"),
        ], name="ex2_digits")
        self.optimizer = keras.optimizers.SGD(learning_rate=0.1, name="ex2_sgd")
        self.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [v.numpy() for v in self.optimizer.variables]
        self.traces = 0
        model, optimizer, loss_of = self.model, self.optimizer, keras.losses.SparseCategoricalCrossentropy()
        hidden, variables, batch = model.layers[0], model.trainable_variables, BATCH_SIZE
        spec = [tf.TensorSpec([None, 64], tf.float32), tf.TensorSpec([None], tf.int64)]

        @tf.function(input_signature=spec)
        def epoch(x, y):
            """One epoch of mini-batch SGD over (x, y) in this order; the mean training loss over the images."""
            self.traces += 1
            count = tf.shape(x)[0]
            total = tf.constant(0.0)
            for i in tf.range((count + batch - 1) // batch):
                images, labels = x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
                with tf.GradientTape() as tape:
                    loss = loss_of(labels, model(images, training=True))
                optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
                total += loss * tf.cast(tf.shape(images)[0], tf.float32)
            return total / tf.cast(count, tf.float32)

        @tf.function(input_signature=spec)
        def measure(x, y):
            """The loss and the accuracy on (x, y), and the number of hidden units that output 0 for every image."""
            probabilities = model(x, training=False)
            right = tf.equal(tf.argmax(probabilities, axis=1), y)
            dead = tf.reduce_sum(tf.cast(tf.reduce_max(hidden(x), axis=0) <= 0, tf.int32))
            return loss_of(y, probabilities), tf.reduce_mean(tf.cast(right, tf.float32)), dead

        self._epoch, self._measure = epoch, measure
        self._starts, self._done = {}, {}

    def _start(self, seed):
        """The run's split, initial weights (Glorot uniform, zero biases) and training loss at those weights."""
        import tensorflow as tf

        if seed not in self._starts:
            rng = np.random.default_rng([seed, 1])
            weights = []
            for fan_in, fan_out in ((64, HIDDEN_UNITS), (HIDDEN_UNITS, 10)):
                limit = math.sqrt(6 / (fan_in + fan_out))
                weights += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"),
                            np.zeros(fan_out, "float32")]
            x_train, y_train, x_held, y_held = _split(seed)
            self.model.set_weights(weights)
            train, held = (tf.constant(x_train), tf.constant(y_train)), (tf.constant(x_held), tf.constant(y_held))
            self._starts[seed] = (weights, x_train, y_train, train, held, float(self._measure(*train)[0]))
        return self._starts[seed]

    def run(self, rate, seed):
        """The :class:`Run` of ``seed`` at ``rate`` (remembered: the same rate is not trained twice)."""
        import tensorflow as tf

        with np.errstate(over="ignore"):
            key = (float(np.float32(rate)), seed)
        if key not in self._done:
            weights, x_train, y_train, train, held, start_loss = self._start(seed)
            self.model.set_weights(weights)
            for variable, start in zip(self.optimizer.variables, self._optimizer_start):
                variable.assign(start)
            self.optimizer.learning_rate.assign(key[0])
            order = np.random.default_rng([seed, 2])
            losses = []
            for _ in range(EPOCHS):
                shuffled = order.permutation(len(x_train))
                losses.append(float(self._epoch(tf.constant(x_train[shuffled]), tf.constant(y_train[shuffled]))))
                if not math.isfinite(losses[-1]):
                    break
            accuracy, dead = self._measure(*held)[1], self._measure(*train)[2]
            self._done[key] = Run(tuple(losses), start_loss, float(accuracy), int(dead))
        return self._done[key]


_DIGITS = []


def _split(seed):
    """The split that ``course_utils.digits.load(seed)`` makes (1438 training, 359 held-out images, pixels in
    [0, 1]), with the bundled digits read from disk only once."""
    if not _DIGITS:
        from sklearn.datasets import load_digits

        images = load_digits()
        _DIGITS.append(((images.data / 16.0).astype("float32"), images.target.astype("int64")))
    x, y = _DIGITS[0]
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(round(len(x) * 0.8))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


_RUNNER = []


def runs(rate):
    """The check's runs at ``rate``: a :class:`Run` for each seed of SEEDS."""
    if not _RUNNER:
        _RUNNER.append(_Runner())
    return [_RUNNER[0].run(rate, seed) for seed in SEEDS]


def _mean_accuracy(results):
    return float(np.mean([r.accuracy for r in results]))


def _rate_value(rate):
    import keras

    if isinstance(rate, keras.optimizers.Optimizer):
        raise Reply(wrong("`sgd_rate` is an optimizer object; store just the learning rate, a number."))
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
        raise Reply(wrong("`sgd_rate` is a schedule; the task asks for one constant learning rate, a number."))
    value = as_numbers(rate, "sgd_rate")
    if value.size != 1:
        raise Reply(wrong(f"`sgd_rate` should be one number, the learning rate, but it has shape {value.shape}."))
    value = float(value.reshape(()))
    if value < 0:
        raise Reply(wrong(f"`sgd_rate` = {value:g} is negative: SGD would step uphill, along the gradient. A learning "
                          "rate is positive."))
    with np.errstate(over="ignore"):
        in_float32 = np.float32(value)
    if in_float32 == 0:
        raise Reply(wrong(f"`sgd_rate` = {value:g} is zero in float32, the precision of Keras's rate: SGD would never "
                          "move the weights."))
    return value


def _check_rate(rate):
    value = _rate_value(rate)
    results = runs(value)
    count, mean = len(results), _mean_accuracy(results)
    shown = f"SGD(learning_rate={value:g})"
    broken = sum(not r.finite for r in results)
    if not broken and mean >= TARGET:
        return passed(f"with {shown} the mean held-out accuracy of the check's {count} runs is {mean:.2f}, at least "
                      f"the target {TARGET:.2f}.")
    if broken:
        raise Reply(wrong(f"too large: with {shown} the training loss turned NaN or infinite in {broken} of {count} "
                          "runs: the steps blew the weights up. Try a rate many times smaller."))
    accuracies = [r.accuracy for r in results]
    measured = (f"with {shown} the mean held-out accuracy after {EPOCHS} epochs is {mean:.3f} (runs from "
                f"{min(accuracies):.2f} to {max(accuracies):.2f}), below the target {TARGET:.2f}")
    rose, dead = sum(r.rose for r in results), int(np.median([r.dead for r in results]))
    dead_text = (f"in a typical run, {dead} of the {HIDDEN_UNITS} hidden ReLU units output 0 for every training "
                 "image: steps that large pushed their weights to where the unit never activates, and a unit that "
                 "outputs 0 gets no gradient, so it never comes back")
    rose_text = f"the training loss went up at least once (between epochs, or over the first) in {rose} of {count} runs"
    if mean < NEAR_CHANCE:
        if 2 * dead >= HIDDEN_UNITS or 2 * rose >= count:
            symptom = dead_text if 2 * dead >= HIDDEN_UNITS else rose_text
            raise Reply(wrong(f"too large: {measured}, near chance (one image in ten). {symptom[0].upper()}"
                              f"{symptom[1:]}. Try a rate several times smaller."))
        raise Reply(wrong(f"too small: {measured}, near chance (one image in ten), and the training loss "
                          f"barely moved. The steps are far too small for {EPOCHS} epochs: try a rate many "
                          "times larger."))
    probe = runs(value / PROBE_FACTOR)
    if all(r.finite for r in probe) and _mean_accuracy(probe) > mean + PROBE_MARGIN:
        symptoms = [text for text, shown_here in ((dead_text, 4 * dead >= HIDDEN_UNITS), (rose_text, rose > 0))
                    if shown_here]
        symptom = f" {symptoms[0][0].upper()}{symptoms[0][1:]}." if symptoms else ""
        raise Reply(wrong(f"too large: {measured}; a smaller rate learns better here.{symptom} Try a smaller rate."))
    steady = ("The training loss fell in every epoch of every run, but the steps are too small" if not rose
              else "The steps are too small")
    raise Reply(wrong(f"too small: {measured}. {steady} to reach the target in {EPOCHS} epochs: try a larger rate."))


ex2 = Exercise(
    "ex2", "optimizers_in_keras", _check_rate,
    hints=[
        "The batches here are smaller than the capstone's. Do smaller batches give steadier or noisier gradient "
        "steps, and what does that mean for the largest rate that still learns?",
        "Run a short sweep yourself: `digits.Trainer(keras.optimizers.SGD(), batch_size=16)` and "
        "`digits.sweep(trainer, rates, seeds=(0, 1), epochs=3)` over rates about a factor 3 apart, then "
        "`digits.summarise` and `digits.best`, as the capstone does. Choose a rate inside the band that works, "
        "not at its edge.",
    ],
)
