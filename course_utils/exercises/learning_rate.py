"""02 · Choosing a learning rate: the exercises of ``notebooks/02_learning_rate.ipynb``.

- ``ex1``: read four loss curves (:func:`mystery_curves`) and name the kind of each. The check compares the labels
  with salted hashes (the rates behind the curves are in this file, so the answer is not secret, only not spelled
  out), counts the right labels, and explains one wrong label per attempt by what the *given* kind would look like.
- ``ex2``: the steps the flat direction of a valley needs when the rate suits the steep one (own data).
- ``ex3``: a range test (``lr_range_test``) on a new Keras model (:func:`make_model`, ``x_train``, ``y_train``),
  then one of its candidate rates, chosen by training them. The check reads the learner's range test (model,
  plain SGD, MSE, batches of 16, explosion reached) and requires a rate within 10 % of one of its candidates; then it
  trains three fresh copies of the model at that rate with its own seeds (no global generator is touched) and tells
  too small from too large.
"""

import hashlib
import math
import re
from collections.abc import Mapping

import numpy as np

from course_utils._validate import as_int
from course_utils.checks import Exercise, Reply, as_numbers, not_yet, passed, wrong
from course_utils.i18n import N_, _, listing

# --- Exercise 1: read the curves ---------------------------------------------------------------------------

#: The four kinds, in the notebook's words.
KINDS = ("slow", "good", "oscillating", "diverging")

#: Why a curve is *not* of the kind the learner gave: what that kind looks like. True of every other kind's curve.
_NOT_THIS_KIND = {
    "slow": N_("a rate that is too small gives a curve that falls smoothly, without jumps, and is still falling at "
               "the end, well above the lowest curve"),
    "good": N_("a good rate's curve falls fast, then levels off and stays at the lowest loss of the four"),
    "oscillating": N_("an oscillating curve keeps jumping up and down, often doubling or more within a step, "
                      "without settling at the lowest loss and without blowing up"),
    "diverging": N_("a diverging curve grows without bound and ends far above where it started"),
}

#: What learners write for each kind, in English or in Chinese; ambiguous words get a question instead of a verdict.
_WORDS = {
    "slow": ("slow", "too slow", "too small", "small", "too low", "slowly", "converges slowly",
             "slow convergence", "rate too small", "too small rate", "small rate",
             "慢", "太慢", "过慢", "缓慢", "收敛慢", "太小", "过小", "学习率太小", "学习率过小"),
    "good": ("good", "just right", "right", "fine", "ok", "okay", "optimal", "best", "good rate",
             "好", "合适", "正好", "良好", "最好", "最佳", "刚好"),
    "oscillating": ("oscillating", "oscillates", "oscillate", "oscillation", "oscillatory", "oscillated",
                    "bouncing", "bounces", "jumping", "jumps", "zigzag", "zigzagging", "震荡", "振荡", "来回跳"),
    "diverging": ("diverging", "diverges", "diverge", "diverged", "divergent", "divergence", "exploding",
                  "explodes", "exploded", "blows up", "blowing up", "blew up", "nan", "发散", "爆炸"),
}
_KIND_OF_WORD = {word: kind for kind, words in _WORDS.items() for word in words}
_AMBIGUOUS = dict.fromkeys(("too large", "too big", "too high", "large", "big", "high", "unstable", "too fast",
                            "large rate", "rate too large", "太大", "过大", "学习率太大", "学习率过大", "不稳定",
                            "太快"), N_("oscillating and diverging"))
_AMBIGUOUS.update(dict.fromkeys(("low", "lowest", "低", "最低"), N_("slow (a low rate) and good (a low loss)")))
#: What a template left as it was holds.
_PLACEHOLDERS = ("...", "…", "")

#: The runs behind the curves: mini-batch SGD on a least-squares problem, loss on all rows after every step.
_CURVE_ROWS, _CURVE_BATCH, _CURVE_STEPS = 200, 10, 120
#: Each curve's learning rate (the check never reads the kinds from here: see _TRUTH).
#: Full-batch limit 2/L ~ 0.973: the oscillating rate is below it (its spikes come from batches whose own limit is
#: lower), the diverging one 13 % above it (it jumps at first, then climbs; on 8 other row orders it grew too).
_RATES = {"A": 0.75, "B": 0.02, "C": 1.1, "D": 0.2}
_SALT = "02-learning-rate/read-the-curves"
_TRUTH = frozenset({
    "9117cdbaaab2f8d9", "931cf90bdf45b53f", "76a4d70f70466580", "c2a53151557748d4",
})


def _fingerprint(curve, kind):
    return hashlib.sha256(f"{_SALT}|{curve}|{kind}".encode()).hexdigest()[:16]


def _is_kind(curve, kind):
    return _fingerprint(curve, kind) in _TRUTH


def _curve_problem():
    """The least-squares problem behind the curves: inputs X (200 x 4), targets y, and the order of the rows."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(_CURVE_ROWS, 4)) * (1.0, 1.0, 0.7, 0.5)
    y = (X * (1.0, -2.0, 0.5, 3.0)).sum(axis=1) + 0.5 * rng.normal(size=_CURVE_ROWS)
    order = rng.permutation(np.tile(np.arange(_CURVE_ROWS), _CURVE_STEPS * _CURVE_BATCH // _CURVE_ROWS + 1))
    return X, y, order


def _sgd_losses(rate):
    X, y, order = _curve_problem()
    w, losses = np.zeros(4), []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(_CURVE_STEPS):
            losses.append(np.mean((X @ w - y) ** 2))
            rows = order[step * _CURVE_BATCH:(step + 1) * _CURVE_BATCH]
            w = w - rate * 2 / _CURVE_BATCH * X[rows].T @ (X[rows] @ w - y[rows])
    return np.array(losses)


def lowest_loss():
    """The lowest mean squared error any weights reach on the curves' problem (the least-squares fit)."""
    X, y, _ = _curve_problem()
    return float(np.mean((X @ np.linalg.lstsq(X, y, rcond=None)[0] - y) ** 2))


def mystery_curves():
    """Four loss curves, A to D: mini-batch SGD (batches of 10 rows) on one least-squares problem, at four
    learning rates you are not told. Each is the mean squared error on all 200 rows before each of 120 steps."""
    return {name: _sgd_losses(rate) for name, rate in _RATES.items()}


def _normalised(word):
    return re.sub(r"\s+", " ", re.sub(r"[_\-]+", " ", word)).strip().lower()


def _curve_name(key):
    if not isinstance(key, str):
        return None
    name = _normalised(key).upper()
    name = name.removeprefix("CURVE ").strip()
    return name if name in _RATES else None


def _read_labels(labels):
    """{curve: kind} from the learner's dict; any problem of form raises Reply, before anything is graded."""
    if labels is Ellipsis:
        raise Reply(not_yet("labels"))
    if labels is None:
        raise Reply(wrong(_("`labels` is None. A function without `return` gives None, and so does "
                            "`x = print(...)`: store the dict itself.")))
    example = '{"A": "...", "B": "...", "C": "...", "D": "..."}'
    if not isinstance(labels, Mapping):
        raise Reply(wrong(_("`labels` should be a dict from curve name to kind, such as {example}, not a "
                            "{type}.").format(example=example, type=type(labels).__name__)))
    values = list(labels.values())
    if values and all(value is Ellipsis or (isinstance(value, str) and value.strip() in _PLACEHOLDERS)
                      for value in values):
        raise Reply(not_yet("labels"))  # the template, left as it was
    problems, read, unknown, not_words, unwritten = [], {}, [], {}, []
    for key, value in labels.items():
        curve = _curve_name(key)
        if curve is None:
            unknown.append(key)
            continue
        if curve in read:
            problems.append(_("curve {curve} has two labels").format(curve=curve))
            continue
        if value is Ellipsis or (isinstance(value, str) and value.strip() in _PLACEHOLDERS):
            unwritten.append(curve)
            read[curve] = None
            continue
        if not isinstance(value, str):
            not_words.setdefault(type(value).__name__, []).append(curve)
            read[curve] = None
            continue
        word = _normalised(value)
        if word in _KIND_OF_WORD:
            read[curve] = _KIND_OF_WORD[word]
        elif word in _AMBIGUOUS:
            problems.append(_("curve {curve}: {value} fits two kinds, {kinds}; say which").format(
                curve=curve, value=f"{value!r:.40}", kinds=_(_AMBIGUOUS[word])))
            read[curve] = None
        else:
            problems.append(_("curve {curve}: {value} is not one of the kinds {kinds}").format(
                curve=curve, value=f"{value!r:.40}", kinds=", ".join(KINDS)))
            read[curve] = None
    for kind_of_value, curves in not_words.items():
        problems.append((_("the labels of curves {curves} should be words such as \"slow\", not {type}")
                         if len(curves) > 1 else
                         _("the label of curve {curves} should be a word such as \"slow\", not {type}")).format(
                             curves=listing(curves), type=kind_of_value))
    if unwritten:
        problems.append((_("curves {curves} still have no kind (\"...\"): write one") if len(unwritten) > 1 else
                         _("curve {curves} still has no kind (\"...\"): write one")).format(
                             curves=listing(unwritten)))
    if unknown:
        shown = ", ".join(f"{key!r:.20}" for key in unknown[:4])
        problems.append(_("there is no curve {keys}: the keys are the curve names \"A\", \"B\", \"C\" and "
                          "\"D\"").format(keys=shown))
    missing = [curve for curve in _RATES if curve not in read]
    if missing:
        problems.append((_("no label for curves {curves}") if len(missing) > 1 else
                         _("no label for curve {curves}")).format(curves=listing(missing)))
    for kind in KINDS:
        curves = [curve for curve, given in read.items() if given == kind]
        if len(curves) > 1:
            problems.append(_("each kind labels exactly one curve, but {curves} are all {kind}").format(
                curves=listing(curves), kind=kind))
    if problems:
        # TRANSLATORS: "{problems}." ends the list of problems, each separated from the next by "; ".
        raise Reply(wrong(_("{problems}.").format(problems=_("; ").join(problems))))
    return read


def _check_labels(labels):
    """Count the right labels; explain the first wrong one by what the given kind would look like.

    One per attempt: with each kind used once, explaining every wrong label would pin the answer by elimination.
    """
    read = _read_labels(labels)
    right = [curve for curve, kind in read.items() if _is_kind(curve, kind)]
    if len(right) == len(_RATES):
        return passed(_("all four: {labels}.").format(
            labels=listing(f"{curve} {read[curve]}" for curve in sorted(read))))
    curve = min(curve for curve in read if curve not in right)
    kind = read[curve]
    return wrong(_("{right} of {total} right. Curve {curve} is not {kind}: {looks}, and curve {curve} does not. Look "
                   "again at the other curves too.").format(right=len(right), total=len(_RATES), curve=curve,
                                                             kind=kind, looks=_(_NOT_THIS_KIND[kind])))


ex1 = Exercise(
    "ex1", "learning_rate", _check_labels,
    hints=[
        N_("Ask three questions of each curve: does it ever jump up, does it end above or below where it started, "
           "and has it levelled off by the end? The panels share one y-axis, so you can compare where they end."),
        N_("Two curves jump (a step that more than doubles the loss): tell them apart by where the jumps lead over "
           "the 120 steps (compare the end with the start). Two fall smoothly: compare their last 40 steps (still "
           "falling, or level?) and where each ends against the dashed line, the lowest loss possible. Read the end "
           "values off `mystery` if the plot is not clear enough."),
    ],
)


# --- Exercise 2: the price of a steep direction --------------------------------------------------------------

#: The valley f(x, y) = (3 x^2 + 100 y^2) / 2, the rate 1/100 (the best one for the steep y), and the target 1 %.
FLAT_CURVATURE, STEEP_CURVATURE, RATE, SHRINK = 3.0, 100.0, 1 / 100, 0.01


def _steps_until(factor, shrink=SHRINK):
    """The fewest whole steps k with |factor|^k <= shrink (0 for shrink >= 1; 1 for a factor of 0)."""
    factor = abs(factor)
    if factor == 0:
        return 1
    return math.ceil(math.log(shrink) / math.log(factor))


def _steps_facts():
    flat = 1 - RATE * FLAT_CURVATURE
    exact = math.log(SHRINK) / math.log(flat)
    without_curvature = _("that uses a factor of 1 − η per step; the flat coordinate is multiplied by 1 − η a₁, with "
                          "its curvature")
    factor_e = _("that is about 1/(η a₁), the steps that shrink x by a factor e (to 37 %), not to 1 %")
    return {
        "expected": _steps_until(flat),
        "exact": exact,
        # {whole number: diagnosis}
        "counts": {
            _steps_until(flat) - 1:
                _("after {count} steps x is still above 1 % of its start. A count that must reach 1 % is rounded "
                  "*up*, not down or to the nearest"),
            _steps_until(flat) + 1:
                _("one step more than needed: x is already at most 1 % of its start one step earlier. Count the steps "
                  "taken, not the points of the path (the start is step 0)"),
            _steps_until(1 - RATE * STEEP_CURVATURE):
                _("that is the count for the steep y direction (with η = 1/a₂ it reaches 0 in one step); the question "
                  "is about the flat x"),
            _steps_until(flat, math.sqrt(SHRINK)):
                _("that is when the *loss* of the flat direction, a₁x²/2, is at 1 % of its start (x is then at 10 %); "
                  "the question is about x itself"),
            _steps_until(1 - RATE): without_curvature,
            _steps_until(1 - RATE) - 1: without_curvature,
            math.ceil(math.log(1 / SHRINK) / (RATE * FLAT_CURVATURE)):
                _("that comes from the approximation ln(1 − η a₁) ≈ −η a₁, which is close but not exact: use the "
                  "logarithm itself"),
            math.ceil(math.log10(SHRINK) / math.log(flat)):
                _("that mixes logarithms, log10 on one side and the natural log on the other: use the same on both"),
            math.ceil(math.log(SHRINK) / math.log10(flat)):
                _("that mixes logarithms, the natural log on one side and log10 on the other: use the same on both"),
            math.ceil(1 / (RATE * FLAT_CURVATURE)): factor_e,
            math.floor(1 / (RATE * FLAT_CURVATURE)): factor_e,
            _steps_until(1 - 2 / STEEP_CURVATURE * FLAT_CURVATURE):
                _("that is the count for the rate 2/a₂, the stability limit; the task's rate is 1/a₂"),
            round(1 / RATE): _("that is 1/η, which is not a number of steps here"),
            0: _("no step at all leaves x at its start (log 0.01 / log 0 gives 0: a factor of 0 is the steep y's; and "
                 "1 % is 0.01, not 1)"),
        },
        # {non-whole value: diagnosis}
        "values": {
            exact: _("not a whole number. Steps come whole, and x must be at most 1 % after them, so round it *up*"),
            math.log(flat) / math.log(SHRINK): _("the ratio of the two logarithms turned upside down"),
            math.log(1 / SHRINK) / (RATE * FLAT_CURVATURE):
                _("the approximation ln(1 − η a₁) ≈ −η a₁, and not a whole number: use the logarithm itself"),
        },
    }


def _check_steps(steps):
    facts = _steps_facts()
    value = as_numbers(steps, "steps")
    if value.size != 1:
        raise Reply(wrong(_("`steps` should be one whole number, but it has shape {shape}.").format(
            shape=value.shape)))
    value = float(value.reshape(()))
    shown = f"`steps` = {value:.10g}"
    if not value.is_integer():
        for target, diagnosis in facts["values"].items():
            if math.isclose(value, target, rel_tol=1e-3):
                raise Reply(wrong(_("{shown}: {diagnosis}.").format(shown=shown, diagnosis=diagnosis)))
        raise Reply(wrong(_("{shown} is not a whole number of steps.").format(shown=shown)))
    if value < 0:
        raise Reply(wrong(_("`steps` is negative: a count of steps is at least 0. Look at the signs of the two "
                            "logarithms (both numbers are below 1, so both are negative).")))
    count = int(value)
    if count == facts["expected"]:
        return passed(_("after {count} steps the flat x is at most 1 % of its start, and not one step "
                        "sooner.").format(count=count))
    if count in facts["counts"]:
        raise Reply(wrong(_("{shown}: {diagnosis}.").format(shown=shown,
                                                            diagnosis=facts["counts"][count].format(count=count))))
    return wrong(_("{shown} is not the number of steps the flat x needs.").format(shown=shown))


ex2 = Exercise(
    "ex2", "learning_rate", _check_steps,
    hints=[
        N_("Only one of the two directions is slow: which one, with this rate? Follow that coordinate alone. What "
           "does a single step do to it, and what do k steps do?"),
        N_("One step multiplies x by 1 − η a₁, so k steps multiply it by (1 − η a₁)^k. Find the smallest whole k "
           "for which that is at most 0.01: solve with logarithms (np.log), or count the steps in a loop."),
    ],
)


# --- Exercise 3: a range test on a new model, then a rate that beats a target --------------------------------

ROWS, INPUTS, HIDDEN = 256, 4, 32
#: What the check trains: batches of 16 rows, 3 epochs, three fresh copies; each must end below TARGET_LOSS.
BATCH_SIZE, EPOCHS, TARGET_LOSS = 16, 3, 0.1
CHECK_SEEDS = (21, 22, 23)
#: A failing rate whose runs neither blew up nor rose is compared with a rate this many times smaller.
PROBE_FACTOR = 3.0
#: The rate must lie within this fraction of one of the range test's candidates (rounding is fine).
CANDIDATE_TOLERANCE = 0.1
#: A seed's fixed inputs, on which the learner's model must compute what make_model()'s does.
_PROBE_ROWS = 16
#: A range test is evidence only if it recorded this many steps and its smoothed loss fell to this fraction of its
#: start before it exploded (a test started above the good rates explodes at once and "finds" any rate).
_MIN_STEPS, _MIN_FALL = 20, 0.5


def _regression_data():
    """256 rows of 4 standardised inputs; the target is linear plus a small interaction, plus noise."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(ROWS, INPUTS)).astype("float32")
    wide = x.astype("float64")
    y = (wide * (0.8, -0.5, 1.0, 0.3)).sum(axis=1) + 0.5 * np.tanh(wide[:, 0] * wide[:, 2])
    y = y + 0.1 * rng.normal(size=ROWS)
    return x, y.astype("float32")


x_train, y_train = _regression_data()
x_train.setflags(write=False)
y_train.setflags(write=False)


def _initial_weights(seed=0):
    """The initial weights of the model with this seed: Glorot-uniform kernels, zero biases (NumPy only)."""
    rng = np.random.default_rng([as_int("seed", seed, 0), 1])
    weights = []
    for fan_in, fan_out in ((INPUTS, HIDDEN), (HIDDEN, 1)):
        limit = math.sqrt(6 / (fan_in + fan_out))
        weights += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"), np.zeros(fan_out, "float32")]
    return weights


def make_model(seed=0):
    """A new, uncompiled Keras model (4 inputs -> 32 tanh -> 1) with the initial weights of ``seed``.

    The check trains fresh copies of exactly this model, with seeds of its own.
    """
    import keras

    weights = _initial_weights(seed)
    model = keras.Sequential([
        keras.Input(shape=(INPUTS,), name="inputs"),
        keras.layers.Dense(HIDDEN, activation="tanh", kernel_initializer="zeros", name="hidden"),
        keras.layers.Dense(1, kernel_initializer="zeros", name="output"),
    ], name="regression_net")  # zeros first, then the seed's weights: no global random generator is used
    model.set_weights(weights)
    return model


class _Runner:
    """The check's copy of the model and plain SGD, traced once and reset for every run.

    The initial weights and the batch orders come from NumPy generators seeded by the run's seed; nothing touches
    Python's, NumPy's, TensorFlow's or Keras's global generators, and every layer has a name of its own.
    """

    def __init__(self):
        import keras
        import tensorflow as tf

        self.model = keras.Sequential([
            keras.Input(shape=(INPUTS,), name="ex3_inputs"),
            keras.layers.Dense(HIDDEN, activation="tanh", kernel_initializer="zeros", name="ex3_hidden"),
            keras.layers.Dense(1, kernel_initializer="zeros", name="ex3_output"),
        ], name="ex3_check")
        self.optimizer = keras.optimizers.SGD(learning_rate=0.1, name="ex3_sgd")
        self.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [v.numpy() for v in self.optimizer.variables]
        model, optimizer, variables = self.model, self.optimizer, self.model.trainable_variables
        spec = [tf.TensorSpec([ROWS, INPUTS], tf.float32), tf.TensorSpec([ROWS], tf.float32)]
        batches = ROWS // BATCH_SIZE

        @tf.function(input_signature=spec)
        def epoch(x, y):
            """One epoch of SGD over (x, y) in this order; the mean of its batch losses (Keras's history['loss'])."""
            total = tf.constant(0.0)
            for i in tf.range(batches):
                inputs, targets = x[i * BATCH_SIZE:(i + 1) * BATCH_SIZE], y[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(tf.square(model(inputs, training=True)[:, 0] - targets))
                optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
                total += loss
            return total / batches

        @tf.function(input_signature=spec)
        def measure(x, y):
            return tf.reduce_mean(tf.square(model(x)[:, 0] - y))

        self._epoch, self._measure = epoch, measure
        self._done = {}

    def run(self, rate, seed):
        """(loss at the start, [mean loss of each epoch]) of a fresh copy trained at ``rate``; stops at NaN/inf."""
        import tensorflow as tf

        key = (rate, seed)
        if key not in self._done:
            self.model.set_weights(_initial_weights(seed))
            for variable, start in zip(self.optimizer.variables, self._optimizer_start):
                variable.assign(start)
            self.optimizer.learning_rate.assign(rate)
            start = float(self._measure(x_train, y_train))
            order, losses = np.random.default_rng([seed, 2]), []
            for _ in range(EPOCHS):
                rows = order.permutation(ROWS)
                losses.append(float(self._epoch(tf.constant(x_train[rows]), tf.constant(y_train[rows]))))
                if not math.isfinite(losses[-1]):
                    break
            self._done[key] = (start, losses)
        return self._done[key]


_RUNNER = []


def _train_copies(rate, seeds=None):
    """What the check measures: for each seed (CHECK_SEEDS by default), (loss at the start, [mean loss of each
    epoch]) of a fresh copy of the model trained at ``rate``."""
    seeds = CHECK_SEEDS if seeds is None else seeds
    if not _RUNNER:
        _RUNNER.append(_Runner())
    with np.errstate(over="ignore"):
        rate = float(np.float32(rate))  # the precision of Keras's rate
    return [_RUNNER[0].run(rate, seed) for seed in seeds]


def _blew_up(run):
    return len(run[1]) < EPOCHS or not math.isfinite(run[1][-1])


def _rose(run):
    start, losses = run
    path = (start, *losses)
    return any(later > earlier for earlier, later in zip(path, path[1:]))


def _worst(runs):
    return max(math.inf if _blew_up(run) else run[1][-1] for run in runs)


def _read_finder(finder):
    """The learner's range test, checked for what the task asks; any problem raises Reply."""
    import keras

    from course_utils.callbacks import LRFinder

    if finder is Ellipsis:
        raise Reply(not_yet("finder"))
    if finder is None:
        raise Reply(wrong(_("`finder` is None: store what `lr_range_test(...)` returns, "
                            "`finder = lr_range_test(...)`.")))
    if not isinstance(finder, LRFinder):
        raise Reply(wrong(_("`finder` should be the LRFinder that `lr_range_test(...)` returns, not a {type}.").format(
            type=type(finder).__name__)))
    if not finder.smoothed:
        raise Reply(wrong(_("`finder` has not run: pass the one that `lr_range_test(...)` returned.")))
    model = finder.model
    shapes = [tuple(w.shape) for w in model.get_weights()] if isinstance(model, keras.Model) else None
    if shapes != [(INPUTS, HIDDEN), (HIDDEN,), (HIDDEN, 1), (1,)] or not _computes_like_make_model(model):
        raise Reply(wrong(_("your range test ran on another model: run it on a fresh `make_model()`, the model the "
                            "check trains (another model, even one with the same shapes and another activation, has "
                            "other curvatures, so other good rates).")))
    optimizer = model.optimizer
    if type(optimizer) is not keras.optimizers.SGD:
        raise Reply(wrong(_("your range test ran with {optimizer}; the check trains with plain SGD, and the good "
                            "rates of other optimizers differ. Compile with keras.optimizers.SGD().").format(
                                optimizer=type(optimizer).__name__)))
    if float(optimizer.momentum) != 0:  # nesterov=True without momentum is plain SGD
        raise Reply(wrong(_("your range test ran SGD with momentum; the check trains plain SGD (momentum 0), whose "
                            "good rates are larger. Leave momentum out.")))
    if optimizer.weight_decay:
        raise Reply(wrong(_("your range test ran SGD with weight_decay; the check trains plain SGD, without weight "
                            "decay. Leave weight_decay out.")))
    clipping = [name for name in ("clipnorm", "clipvalue", "global_clipnorm") if getattr(optimizer, name, None)]
    if clipping:
        raise Reply(wrong(_("your range test ran SGD with {option}; the check trains plain SGD, without gradient "
                            "clipping, and clipping hides where the loss explodes. Leave it out.").format(
                                option=clipping[0])))
    truth, guess = np.array([[1.0], [2.0], [0.5]], "float32"), np.array([[0.5], [1.0], [2.5]], "float32")
    try:
        probe = float(model.compute_loss(x=None, y=truth, y_pred=guess))
    except Exception:  # a loss that cannot even take these: not the MSE
        probe = math.nan
    if not math.isclose(probe, float(np.mean((truth - guess) ** 2)), rel_tol=1e-5):
        raise Reply(wrong(_("your range test's model was compiled with another loss; the check trains with the "
                            "mean squared error, loss=\"mse\", and judges that loss.")))
    batch_size = getattr(finder, "batch_size", None)
    if batch_size is None:
        raise Reply(wrong(_("`finder` does not record its batch size: run the test with `lr_range_test(..., "
                            "batch_size={batch_size})`, which does.").format(batch_size=BATCH_SIZE)))
    if batch_size != BATCH_SIZE:
        raise Reply(wrong(_("your range test ran with batches of {theirs}; the check trains with batches of "
                            "{batch_size}, and SGD's good rates change with the batch size. Pass "
                            "batch_size={batch_size}.").format(theirs=batch_size, batch_size=BATCH_SIZE)))
    if not finder.exploded:
        raise Reply(wrong(_("your range test stopped at the rate {rate:.3g} before the loss exploded, so its curve "
                            "does not show where the rate becomes too large. Raise max_lr (10.0 is safe: the test "
                            "stops by itself once the loss blows up).").format(rate=finder.rates[-1])))
    if finder.stop_factor < 2:
        raise Reply(wrong(_("your range test stopped once its loss rose to {factor:g} times its lowest: batch noise "
                            "alone does that, long before the real explosion. Keep the default stop_factor "
                            "(4).").format(factor=finder.stop_factor)))
    smoothed = [value if math.isfinite(value) else math.inf for value in finder.smoothed]
    if int(np.argmin(smoothed)) == 0:
        raise Reply(wrong(_("your range test started above the good rates: the loss never fell before it exploded "
                            "(at the rate {rate:.3g}), so its candidates are guesses. Start much lower, "
                            "min_lr=1e-4.").format(rate=finder.rates[-1])))
    if len(smoothed) < _MIN_STEPS:
        raise Reply(wrong(_("your range test recorded only {steps} steps before the loss exploded: too few for a "
                            "curve that shows where the loss falls fastest and where it is lowest. Start lower "
                            "(min_lr=1e-4) and give it enough steps (steps=100).").format(steps=len(smoothed))))
    if min(smoothed) > _MIN_FALL * smoothed[0]:
        raise Reply(wrong(_("your range test's loss never fell to half its start before it exploded, so its curve "
                            "shows no good rates. Start lower (min_lr=1e-4) and give it enough steps (steps=100).")))
    return finder


def _computes_like_make_model(model):
    """True if the model maps inputs as make_model()'s does with its own weights: tanh hidden layer, linear output."""
    try:
        kernel, bias, out_kernel, out_bias = (np.asarray(w, "float64") for w in model.get_weights())
        inputs = x_train[:_PROBE_ROWS]
        theirs = np.asarray(model(inputs), "float64").reshape(-1)
    except Exception:  # a model that cannot take these inputs
        return False
    ours = (np.tanh(inputs @ kernel + bias) @ out_kernel + out_bias).reshape(-1)
    return theirs.shape == ours.shape and bool(np.allclose(theirs, ours, rtol=1e-4, atol=1e-5))


def _read_rate(rate):
    import keras

    if isinstance(rate, (keras.optimizers.Optimizer, keras.Model)):
        raise Reply(wrong(_("`rate` should be the learning rate, a number, not a Keras object.")))
    if isinstance(rate, Mapping):
        raise Reply(wrong(_("`rate` should be one learning rate, a number, not a {type}: choose one rate "
                            "(`finder.candidates()` is a dict of three).").format(type=type(rate).__name__)))
    try:
        value = as_numbers(rate, "rate")
    except ValueError:  # a ragged list
        raise Reply(wrong(_("`rate` should be one number, the learning rate, not a ragged list."))) from None
    if value.size != 1:
        raise Reply(wrong(_("`rate` should be one number, the learning rate, but it has shape {shape}: choose "
                            "one.").format(shape=value.shape)))
    value = float(value.reshape(()))
    if value <= 0:
        raise Reply(wrong(_("`rate` = {rate:g} is not positive: a learning rate is a positive number (with 0 nothing "
                            "moves; a negative rate steps uphill).").format(rate=value)))
    with np.errstate(over="ignore"):
        if np.float32(value) == 0:
            raise Reply(wrong(_("`rate` = {rate:g} is zero in float32, the precision of Keras's rate: nothing would "
                                "move.").format(rate=value)))
    return value


def _require_candidate(finder, value):
    """The rate must be one of the learner's candidates (within CANDIDATE_TOLERANCE): the task is to choose by
    evidence among them, not to guess."""
    candidates = [rate for rate in finder.candidates().values() if rate]
    if any(abs(value - rate) <= CANDIDATE_TOLERANCE * rate for rate in candidates):
        return
    raise Reply(wrong(_("`rate` = {rate:.3g} is not one of your range test's candidates (`finder.candidates()`, "
                        "within {tolerance:.0%}): choose among them by evidence, training each briefly as the check "
                        "will, rather than by guess or a fixed rule.").format(rate=value,
                                                                              tolerance=CANDIDATE_TOLERANCE)))


def _check_range_test(finder, rate):
    finder = _read_finder(finder)
    value = _read_rate(rate)
    _require_candidate(finder, value)
    return _verdict(finder, value)


def _verdict(finder, value):
    """Train the check's copies at ``value``: ✅, or ❌ saying too small or too large (any rate, candidate or not)."""
    runs = _train_copies(value)
    shown = f"SGD(learning_rate={value:.3g})"
    worst = _worst(runs)
    if worst < TARGET_LOSS:
        return passed(_("trained at your rate, each of the check's {count} fresh copies of the model ends epoch "
                        "{epochs} below {target:g}.").format(count=len(runs), epochs=EPOCHS, target=TARGET_LOSS))
    count = len(runs)
    broken = sum(_blew_up(run) for run in runs)
    where = _where_on_curve(finder, value)
    if broken:
        raise Reply(wrong(_("too large: with {optimizer} the loss became NaN or infinite in {broken} of {count} runs: "
                            "the steps blew the weights up.{where} Try a smaller rate.").format(
                                optimizer=shown, broken=broken, count=count, where=where)))
    measured = _("with {optimizer} the mean loss of epoch {epochs} is {worst:.3g} in the worst of {count} runs, "
                 "above the target {target:g}").format(optimizer=shown, epochs=EPOCHS, worst=worst, count=count,
                                                      target=TARGET_LOSS)
    seeds = _(" (The check's seeds are not yours: near the edge of the good range, results vary a lot from seed to "
              "seed, so leave a margin.)")
    rose = sum(_rose(run) for run in runs)
    smaller = _worst(_train_copies(value / PROBE_FACTOR))
    if smaller < worst:
        symptom = (_(" The loss went up at least once (from the start or between epochs) in {rose} of {count} "
                     "runs.").format(rose=rose, count=count) if rose else "")
        raise Reply(wrong(_("too large: {measured}, and a rate {factor:g} times smaller does better: the steps "
                            "overshoot.{symptom}{where} Try a smaller rate.{seeds}").format(
                                measured=measured, factor=PROBE_FACTOR, symptom=symptom, where=where, seeds=seeds)))
    steady = _(" The loss fell in every epoch of every run, just too slowly.") if not rose else ""
    raise Reply(wrong(_("too small: {measured}.{steady}{where} Try a larger rate.{seeds}").format(
        measured=measured, steady=steady, where=where, seeds=seeds)))


def _where_on_curve(finder, value):
    """Where the rate lies on the learner's own range-test curve, as a sentence (or nothing)."""
    if value >= finder.rates[-1]:
        return _(" Your rate lies at or past the point where your range test stopped because the loss exploded.")
    minimum, steepest = finder.minimum_rate(), finder.steepest_rate()
    if value >= minimum:
        return _(" Your rate is at or past the minimum of your range-test curve: on this model the minimum sits "
                 "close to the edge.")
    if steepest is not None and value < steepest / 2:
        return _(" Your rate lies far down your range-test curve, well before its steepest fall.")
    return ""


ex3 = Exercise(
    "ex3", "learning_rate", _check_range_test,
    hints=[
        N_("A range-test curve shows where the loss starts to fall, where it falls fastest, where it is lowest and "
           "where it explodes. Which of those places is too timid, and which is too close to the edge? And how "
           "could you test a few candidates quickly before you commit to one?"),
        N_("Build `make_model()`, compile it with `keras.optimizers.SGD()` and `loss=\"mse\"`, and call "
           "`lr_range_test(...)` with `batch_size=16` and a `max_lr` high enough to reach the explosion; "
           "`finder.candidates()` lists three rates; `rate` must be one of them. Train each for 3 epochs from two "
           "seeds' starting weights (a fresh `make_model(seed)`, or its weights copied into one compiled model with "
           "`set_weights`), with `model.fit(batches(x_train, y_train, batch_size=16, seed=seed), epochs=3, "
           "shuffle=False)`, and keep the rate whose worse run ends lowest."),
    ],
)
