"""03 · Local minima and random initialisation: the exercises of notebooks/03_local_minima.ipynb.

- ex1, restarts for a target: the learner's ``starts_needed(p, target)``, called on this module's own pairs of a
  single start's chance and a target (none of them on an exact boundary).
- ex2, He initialisation written by hand: the learner's Keras initializer ``relu_uniform(shape, dtype=None)``, drawn
  for kernels of this module's own shapes (square and not) and used in a deep Keras ReLU stack whose widths
  alternate.
- ex3, a Hessian with TensorFlow and the kind of a critical point: the learner's ``tf_hessian(function, point)``,
  called on functions the learner has not seen, and ``kind_of_point(hessian_matrix)``, on Hessians the learner has
  not seen, some with a curvature that is zero up to rounding errors.
"""

import contextlib
from collections.abc import Mapping

import numpy as np

from course_utils.checks import Exercise, Reply, as_numbers, call, passed, wrong
from course_utils.i18n import N_, _

# --- Exercise 1: how many restarts for a target? ---------------------------------------------------------

#: The notebook's example: one random start lands in the global basin with this probability (section 2) ...
p_global = 0.25
#: ... and the chance wanted that at least one start does.
target = 0.99

#: The check's pairs (p, target). For each, log(1 - target) / log(1 - p) lies at least 0.005 from a whole number, so
#: rounding errors of a float cannot move the answer.
RESTART_CASES = ((0.25, 0.99), (0.1, 0.95), (0.3, 0.999), (0.05, 0.5), (0.6, 0.9), (0.01, 0.99), (0.8, 0.99),
                 (0.7, 0.5), (0.02, 0.9), (0.4, 0.9999), (0.9, 0.2))


def _chance(starts, share):
    return 1 - (1 - share) ** starts


def _fewest_starts(share, goal):
    starts = 1
    while _chance(starts, share) < goal:
        starts += 1
    return starts


def _starts(count):
    return (_("{count} start") if count == 1 else _("{count} starts")).format(count=count)


def _ratio(share, goal):
    return np.log(1 - goal) / np.log(1 - share)


#: Rules that learners use instead, as functions of (p, target), with what each one shows (a template of p, target,
#: starts and chance). Checked in order.
RESTART_SLIPS = (
    ("rounded down", lambda p, t: int(_ratio(p, t)),
     N_("`starts_needed` rounds down: for p = {p} and target = {target} it gives {starts}, whose chance {chance:.5f} "
        "falls just short of the target. Any fraction of a start must become a whole extra start.")),
    ("rounded to the nearest", lambda p, t: round(_ratio(p, t)),
     N_("`starts_needed` rounds to the nearest whole number: for p = {p} and target = {target} it gives {starts}, "
        "whose chance {chance:.5f} falls just short of the target. Any fraction of a start must become a whole extra "
        "start.")),
    ("one too many", lambda p, t: int(np.ceil(_ratio(p, t))) + 1,
     N_("`starts_needed` gives one start more than needed for every pair: for p = {p} and target = {target}, "
        "{starts} reach the target, but one fewer would too. Did you round up twice, or add a start after rounding "
        "up?")),
    ("p^k fails", lambda p, t: int(np.ceil(np.log(1 - t) / np.log(p))),
     N_("`starts_needed` gives {starts} for p = {p} and target = {target}: the chance of success is only "
        "{chance:.3f}. It looks as if p^k were the chance that every start fails; but p is the chance that a start "
        "succeeds, and a start fails with the other part.")),
    ("adding chances", lambda p, t: int(np.ceil(t / p)),
     N_("`starts_needed` gives {starts} for p = {p} and target = {target}: the chance of success is {chance:.3f}. "
        "That is what adding the starts' chances gives (k × p ≥ target), but chances of starts that can succeed "
        "together do not add up.")),
    ("average wait", lambda p, t: round(1 / p),
     N_("`starts_needed` gives {starts} for p = {p} and target = {target}, whatever the target: about 1 / p, the "
        "average number of starts until the first success. An average wait is not a guarantee: the chance of success "
        "is {chance:.3f}.")),
    ("arguments swapped", lambda p, t: int(np.ceil(_ratio(t, p))),
     N_("`starts_needed` gives {starts} for p = {p} and target = {target}: it looks as if it took its arguments in "
        "the other order. The check calls it as `starts_needed(p, target)`, the chance of one start first.")),
    ("target for failure", lambda p, t: int(np.ceil(np.log(t) / np.log(1 - p))),
     N_("`starts_needed` gives {starts} for p = {p} and target = {target}: the chance of success is only "
        "{chance:.3f}. It looks as if the chance that every start fails had to be at most the target; it must be at "
        "most what the target leaves over.")),
)


def _restarts_for(starts_needed, share, goal):
    """The learner's answer for one pair, as an int; a Reply for anything else."""
    label = f"starts_needed({share}, {goal})"
    value = as_numbers(call(starts_needed, share, goal, name="starts_needed"), label)
    if value.size != 1:
        raise Reply(wrong(_("`{call}` should be one whole number, but it has shape {shape}.").format(
            call=label, shape=value.shape)))
    value = float(value.reshape(()))
    if abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
        raise Reply(wrong(_("`{call}` = {value:.12g} is not a whole number. Starts come whole: which whole number of "
                            "starts is the smallest that reaches the target?").format(call=label, value=value)))
    starts = int(round(value))
    if starts < 0:
        raise Reply(wrong(_("`{call}` = {answer} is negative: check the signs of the logarithms (the logarithm of a "
                            "number below 1 is negative).").format(call=label, answer=starts)))
    return starts


def _check_restarts(starts_needed):
    answers = [_restarts_for(starts_needed, share, goal) for share, goal in RESTART_CASES]
    truth = [_fewest_starts(share, goal) for share, goal in RESTART_CASES]
    shares, goals = [share for share, _goal in RESTART_CASES], [goal for _share, goal in RESTART_CASES]
    if answers == truth:
        return passed(_("starts_needed gives the fewest starts for each of the check's {pairs} pairs (p from {p_low} "
                        "to {p_high}, targets from {target_low} to {target_high}). The last percents cost the most "
                        "starts: for p = 0.25, 90 % needs 9 starts, 99 % needs 17.").format(
            pairs=len(RESTART_CASES), p_low=min(shares), p_high=max(shares), target_low=min(goals),
            target_high=max(goals)))
    first = next(i for i in range(len(truth)) if answers[i] != truth[i])
    (share, goal), starts = RESTART_CASES[first], answers[first]
    if len(set(answers)) == 1:
        return wrong(_("`starts_needed` gives {answer} for every one of the check's {pairs} pairs: it must compute the "
                       "answer from its arguments `p` and `target` (not from the notebook's `p_global` and `target`, "
                       "nor a number typed in).").format(answer=starts, pairs=len(RESTART_CASES)))
    for _name, rule, message in RESTART_SLIPS:
        if answers == [rule(p, t) for p, t in RESTART_CASES]:
            index = next(i for i in range(len(truth)) if answers[i] != truth[i])
            (p, t), k = RESTART_CASES[index], answers[index]
            return wrong(_(message).format(p=p, target=t, starts=_starts(k), chance=_chance(k, p)))
    label = f"starts_needed({share}, {goal})"
    if starts == 0:
        return wrong(_("`{call}` = 0: without a start, nothing is found. Count the starts, at least one.").format(
            call=label))
    chance = _chance(starts, share)
    if starts < truth[first]:
        return wrong(_("`{call}` = {answer}: too few. With {starts} the chance is {chance:.5f}, below the "
                       "target.").format(call=label, answer=starts, starts=_starts(starts), chance=chance))
    return wrong(_("`{call}` = {answer}: that many starts reach the target, but fewer would too: the question asks "
                   "for the smallest number that does.").format(call=label, answer=starts))


ex1 = Exercise(
    "ex1", "local_minima", _check_restarts,
    hints=[
        N_("Turn the question around: instead of the chance that at least one start succeeds, think about the chance "
           "that every start fails. How small must that be?"),
        N_("The starts are independent, so the chance that all k fail is the chance that one fails, to the power k. "
           "Find the smallest whole k for which it is at most 1 − target: with logarithms (then think about which "
           "way to round), or by trying k = 1, 2, 3, ... in a loop."),
    ],
)

# --- Exercise 2: He initialisation, written by hand ------------------------------------------------------

#: The kernel shapes the check asks for, (inputs, units) as Keras passes them for a Dense layer: square and not.
KERNEL_SHAPES = ((512, 64), (64, 512), (300, 300), (90, 700))
#: The check's deep ReLU stack: the width of its inputs, then of each Dense layer (they alternate, so a layer's
#: number of inputs and its number of units differ by a factor 8).
STACK_WIDTHS = (512,) + (64, 512) * 6
BATCH = 128
#: How far the variance may be from He's, 2 / fan_in (a fraction of it).
VARIANCE_TOLERANCE = 0.1
#: The healthy band for the spread (standard deviation) of the stack's last activations; its inputs have spread 1.
SPREAD_BAND = (0.1, 10.0)


def _through_stack(initializer, widths=STACK_WIDTHS, activation="relu", batch=BATCH):
    """The spread (standard deviation) of the last activations of a stack of Keras Dense layers.

    It mirrors section 6's measurement: a fixed batch of normal inputs (spread 1) of width ``widths[0]`` goes through
    one Dense layer per further width, each with ``kernel_initializer=initializer`` and ``activation``.
    """
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(list(widths))
    signal = tf.constant(rng.normal(size=(batch, widths[0])).astype("float32"))
    for width in widths[1:]:
        signal = keras.layers.Dense(width, activation=activation, kernel_initializer=initializer)(signal)
    return float(tf.math.reduce_std(signal))


#: Variances that learners' kernels follow instead of He's, as functions of (inputs, units), with what each shows (a
#: template of a kernel's shape and its number of inputs).
_LIMIT_FOLLOWS_FAN_IN = N_("Your limit follows 1 / fan_in, so the variance falls with the square of the number of "
                           "inputs. A variance is a square: the limit must follow its square root.")
VARIANCE_SLIPS = (
    ("fan-out", lambda i, o: 2 / o,
     N_("Your variance follows the layer's number of units (the kernel's second dimension). What a unit adds up are "
        "its inputs: for a kernel of shape {shape} each unit adds up {inputs} of them.")),
    ("fan-average", lambda i, o: 4 / (i + o),
     N_("Your variance follows the average of the numbers of inputs and of units, as Glorot's does. He's follows the "
        "number of inputs alone, which sets the size of each unit's sum: on a stack whose widths alternate, the "
        "average makes every pair of layers shrink the signal.")),
    ("Glorot", lambda i, o: 2 / (i + o),
     N_("Your variance follows the sum of the numbers of inputs and of units, as Glorot's does: that is too small "
        "for ReLU, and He's follows the number of inputs alone.")),
    ("LeCun", lambda i, o: 1 / i,
     N_("Your variance follows the number of inputs, but it is half of He's: ReLU sets about half of its inputs to "
        "zero, and He's variance makes up for that.")),
    ("twice", lambda i, o: 4 / i,
     N_("Your variance follows the number of inputs, but it is twice He's: the signal then grows at every layer.")),
    ("limit as standard deviation", lambda i, o: 2 / (3 * i),
     N_("Your variance is too small for every shape, by the same factor: it looks as if the limit a were the "
        "standard deviation you wanted. A uniform draw on (−a, a) spreads less than ±a: work out its variance (the "
        "mean of w² over the interval).")),
    ("limit as variance", lambda i, o: (2 / i) ** 2 / 3, _LIMIT_FOLLOWS_FAN_IN),
    ("limit without the root", lambda i, o: (6 / i) ** 2 / 3, _LIMIT_FOLLOWS_FAN_IN),
    ("size", lambda i, o: 2 / (i * o),
     N_("Your variance follows the number of inputs times the number of units, the kernel's size; each unit adds up "
        "only its own inputs.")),
)


@contextlib.contextmanager
def _watching_keras_initializers():
    """Count calls of Keras's VarianceScaling family (HeUniform, HeNormal, GlorotUniform, LeCunNormal, ...)."""
    from keras.src.initializers.random_initializers import VarianceScaling

    calls, original = [0], VarianceScaling.__call__

    def counted(self, shape, dtype=None):
        calls[0] += 1
        return original(self, shape, dtype=dtype)

    VarianceScaling.__call__ = counted
    try:
        yield calls
    finally:
        VarianceScaling.__call__ = original


def _kernel(relu_uniform, shape):
    """What the learner's initializer returns for ``shape``, called as Keras calls it, as a float64 array."""
    import tensorflow as tf

    label = f'relu_uniform({shape}, dtype="float32")'
    kernel = call(relu_uniform, shape, dtype="float32", name="relu_uniform")
    if kernel is None:
        raise Reply(wrong(_("`{call}` returned None: a function without `return` gives None. Return the "
                            "weights.").format(call=label)))
    if isinstance(kernel, (str, bool, int, float, complex, np.number)):
        raise Reply(wrong(_("`{call}` returned {value}. A Keras initializer returns the weights themselves: a tensor "
                            "of shape {shape}.").format(call=label, value=f"{kernel!r:.40}", shape=shape)))
    if callable(kernel) and not hasattr(kernel, "numpy"):
        raise Reply(wrong(_("`{call}` returned a {type}, something callable. Keras calls `relu_uniform` itself, with "
                            "the shape, and takes what it returns as the weights: return a tensor, not an "
                            "initializer.").format(call=label, type=type(kernel).__name__)))
    try:
        raw = np.asarray(kernel.numpy() if hasattr(kernel, "numpy") else kernel, dtype=np.float64)
    except Exception:  # as_numbers below says what is wrong
        raw = None
    if raw is not None and raw.size and not np.all(np.isfinite(raw)):
        raise Reply(wrong(_("`{call}` contains NaN or infinity: every weight must be a finite number.").format(
            call=label)))
    if (tf.is_tensor(kernel) or isinstance(kernel, tf.Variable)) and kernel.dtype != tf.float32:
        raise Reply(wrong(_("`{call}` returned a tensor of dtype {dtype}, but Keras asked for float32 and cannot use "
                            "another: pass the `dtype` argument on to the random function.").format(
            call=label, dtype=kernel.dtype.name)))
    values = as_numbers(kernel, label)
    if values.shape != shape:
        raise Reply(wrong(_("`{call}` has shape {shape}; Keras needs the shape it asked for, {expected}.").format(
            call=label, shape=values.shape, expected=shape)))
    return values


def _symmetry_problem(kernel, shape):
    """What keeps the units of the kernel's layer alike, in words; None if nothing."""
    if np.all(kernel == 0):
        message = _("For a kernel of shape {shape}, every weight is 0: no signal passes, no gradient reaches the "
                    "earlier layers, and the units of a layer stay copies of one another (section 5).")
    elif np.all(kernel == kernel[:, :1]):
        message = _("For a kernel of shape {shape}, every unit of the layer gets the same weights: the units compute "
                    "the same thing, get the same gradient and stay copies of one another (section 5). Draw every "
                    "weight at random.")
    elif np.all(kernel == kernel[:1, :]):
        message = _("For a kernel of shape {shape}, each unit gives all its inputs the same weight, so it sees only "
                    "their sum and the units differ only by a factor. Draw every weight at random.")
    elif np.allclose(kernel, np.eye(*kernel.shape) * kernel[0, 0]):
        message = _("For a kernel of shape {shape}, nothing random: the weights form an identity matrix, so each unit "
                    "just passes on one input. Draw every weight at random.")
    else:
        return None
    return message.format(shape=shape)


def _shape_problem(kernels):
    """What is wrong with the distribution of the kernels (not its size), in words; None if they look uniform."""
    for shape, kernel in kernels.items():
        size = float(np.abs(kernel).max()) if kernel.size else 0.0
        if size > 1e6 * np.sqrt(2 / shape[0]):  # before any variance is computed: it would overflow
            return _("The weights of a kernel of shape {shape} are far too large (up to {size:.0e}): the variance "
                     "should be He's, 2 / fan_in.").format(shape=shape, size=size)
        problem = _symmetry_problem(kernel, shape)
        if problem:
            return problem
        spread, centre = kernel.std(), kernel.mean()
        if abs(centre) > 0.1 * spread:
            message = (_("The weights of a kernel of shape {shape} are not centred on 0 (their mean is positive, "
                         "{ratio:.1f} times their spread): the interval must be (−a, a), symmetric about 0.")
                       if centre > 0 else
                       _("The weights of a kernel of shape {shape} are not centred on 0 (their mean is negative, "
                         "{ratio:.1f} times their spread): the interval must be (−a, a), symmetric about 0."))
            return message.format(shape=shape, ratio=abs(centre) / spread)
        edge = np.sqrt(3) * spread  # a uniform draw on (−a, a) has standard deviation a / √3
        inner = np.mean(np.abs(kernel - centre) < edge / 2)
        if np.abs(kernel - centre).max() > 1.02 * edge or not 0.45 < inner < 0.55:
            return _("The weights of a kernel of shape {shape} are not spread evenly over an interval: they look like "
                     "a bell curve (a normal draw?) or another shape. The exercise asks for a uniform draw on (−a, a), "
                     "with a computed from the variance.").format(shape=shape)
    return None


def _variance_problem(kernels):
    """Whether the kernels' variances are He's, 2 / fan_in; otherwise what they follow instead, in words."""
    variances = {shape: float(kernel.var()) for shape, kernel in kernels.items()}

    def follows(rule):
        return all(abs(variances[shape] / rule(*shape) - 1) <= VARIANCE_TOLERANCE for shape in variances)

    if follows(lambda i, o: 2 / i):
        return None
    for _name, rule, message in VARIANCE_SLIPS:
        if follows(rule):
            shape = KERNEL_SHAPES[0]
            return _(message).format(shape=shape, inputs=shape[0])
    if max(variances.values()) < 1.2 * min(variances.values()):
        return _("Your weights have about the same variance for every shape the check tried, so the same size "
                 "whatever the layer: they do not follow the number of inputs each unit adds up.")
    off = [shape for shape in variances if abs(variances[shape] * shape[0] / 2 - 1) > VARIANCE_TOLERANCE]
    shape = off[0]
    message = (_("The variance of your weights is too small for a kernel of shape {shape} ({off} of the check's "
                 "{shapes} shapes are off by more than {tolerance:.0%}): it should be He's, 2 / fan_in, for every "
                 "shape.")
               if variances[shape] * shape[0] / 2 < 1 else
               _("The variance of your weights is too large for a kernel of shape {shape} ({off} of the check's "
                 "{shapes} shapes are off by more than {tolerance:.0%}): it should be He's, 2 / fan_in, for every "
                 "shape."))
    return message.format(shape=shape, off=len(off), shapes=len(KERNEL_SHAPES), tolerance=VARIANCE_TOLERANCE)


def _check_initializer(relu_uniform):
    import keras

    if isinstance(relu_uniform, type):
        raise Reply(wrong(_("`relu_uniform` is a class, {name}; Keras needs an initializer it can call with a shape: "
                            "pass an instance, `{name}()`.").format(name=relu_uniform.__name__)))
    if (isinstance(relu_uniform, (keras.initializers.RandomUniform, keras.initializers.RandomNormal,
                                  keras.initializers.TruncatedNormal))
            and type(relu_uniform).__module__.startswith("keras")):
        raise Reply(wrong(_("`relu_uniform` is Keras's {name} with one fixed scale: every kernel would get the same "
                            "spread, whatever its number of inputs. Write a function of `shape` and `dtype` that works "
                            "out a for each kernel.").format(name=type(relu_uniform).__name__)))
    if (isinstance(relu_uniform, keras.initializers.Initializer)
            and type(relu_uniform).__module__.startswith("keras")):
        raise Reply(wrong(_("`relu_uniform` is Keras's own {name}. The exercise asks you to write the initializer "
                            "yourself: a function of `shape` and `dtype` that draws the weights.").format(
            name=type(relu_uniform).__name__)))
    with _watching_keras_initializers() as keras_calls:
        kernels = {shape: _kernel(relu_uniform, shape) for shape in KERNEL_SHAPES}
        again = _kernel(relu_uniform, KERNEL_SHAPES[0])
        if keras_calls[0]:
            raise Reply(wrong(_("`relu_uniform` draws its weights with one of Keras's own initializers (HeUniform, "
                                "GlorotUniform, VarianceScaling, ...). The exercise asks you to draw them yourself "
                                "from `shape`, with TensorFlow's random functions.")))
        problem = _shape_problem(kernels) or _variance_problem(kernels)
        if problem:
            return wrong(problem)
        if np.array_equal(again, kernels[KERNEL_SHAPES[0]]):
            return wrong(_("`relu_uniform` returns the same weights at every call (a fixed seed?): every layer of one "
                           "shape would start with the same kernel. Let each call draw new numbers."))
        try:
            spread = _through_stack(relu_uniform)
        except Reply:
            raise
        except Exception as error:
            raise Reply(wrong(_("Keras could not build the check's stack with kernel_initializer=relu_uniform: "
                                "{error}").format(
                error=f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}"))) from None
    low, high = SPREAD_BAND
    depth = len(STACK_WIDTHS) - 1
    if not low <= spread <= high:
        message = (_("Your weights have the right size, one kernel at a time, but through the check's stack of "
                     "{depth} ReLU layers the spread of the activations falls from 1 to {spread:.1e}: are the weights "
                     "of different layers independent draws?") if spread < low else
                   _("Your weights have the right size, one kernel at a time, but through the check's stack of "
                     "{depth} ReLU layers the spread of the activations grows from 1 to {spread:.1e}: are the weights "
                     "of different layers independent draws?"))
        return wrong(message.format(depth=depth, spread=spread))
    return passed(_("relu_uniform draws centred uniform weights with He's variance for each of the check's kernel "
                    "shapes, {shapes}, and keeps the signal alive through its stack of {depth} ReLU layers whose "
                    "widths alternate between 64 and 512 units (the spread of the last activations stays between "
                    "{low:g} and {high:g}): your variance follows each layer's own number of inputs.").format(
        shapes=", ".join(map(str, KERNEL_SHAPES)), depth=depth, low=low, high=high))


ex2 = Exercise(
    "ex2", "local_minima", _check_initializer,
    hints=[
        N_("Two questions. A Dense kernel has two dimensions: which one counts the inputs that each unit adds up? And "
           "a number drawn uniformly from (−a, a) is usually smaller than a: how large is its variance?"),
        N_("The fan-in is shape[0] (a Dense kernel has shape (inputs, units)), and He's variance is 2 / fan_in. A "
           "uniform draw on (−a, a) has variance a² / 3: solve a² / 3 = 2 / fan_in for a. Then draw with "
           "tf.random.uniform, from −a to a, with the shape and the dtype that Keras passes."),
    ],
)

# --- Exercise 3: a Hessian with TensorFlow, and the kind of a critical point -----------------------------


def _camel_tf(x):
    """The six-hump camel of section 4, written so that TensorFlow can differentiate it: x is a vector (x0, x1)."""
    return (4 - 2.1 * x[0] ** 2 + x[0] ** 4 / 3) * x[0] ** 2 + x[0] * x[1] + (-4 + 4 * x[1] ** 2) * x[1] ** 2


def _bump_tf(x):
    """A bump in three variables: cos(x0) cos(x1) - x2²."""
    import tensorflow as tf

    return tf.cos(x[0]) * tf.cos(x[1]) - x[2] ** 2


def _trough_tf(x):
    """A trough along the line x0 = -x1: (x0 + x1)²."""
    return (x[0] + x[1]) ** 2


def _wavy_saddle_tf(x):
    """-x0² - x1² + x2² + sin(x0 x2): a saddle in three variables, with a mixed second derivative."""
    import tensorflow as tf

    return -x[0] ** 2 - x[1] ** 2 + x[2] ** 2 + tf.sin(x[0] * x[2])


class _Named(Mapping):
    """A read-only dict whose names (keys) are read in the language of the messages: ``for name in ...`` gives
    them translated, and either the English or the translated name finds an entry."""

    def __init__(self, entries):
        self._entries = dict(entries)

    def _english(self, name):
        return next((english for english in self._entries if name in (english, _(english))), name)

    def __getitem__(self, name):
        return self._entries[self._english(name)]

    def __iter__(self):
        return (_(name) for name in self._entries)

    def __len__(self):
        return len(self._entries)

    def __repr__(self):
        return repr(dict(self.items()))


#: Functions to try your code on, each with a critical point (its gradient is zero there). The check uses others.
examples = _Named({
    N_("the camel's centre (section 4)"): (_camel_tf, np.array([0.0, 0.0])),
    N_("a global minimum of the camel"): (_camel_tf, np.array([0.0898420131, -0.7126564030])),
    N_("the top of a 3-D bump"): (_bump_tf, np.array([0.0, 0.0, 0.0])),
    N_("the floor of a trough"): (_trough_tf, np.array([0.5, -0.5])),
})

#: The check's functions for tf_hessian: (description, function, critical point).
HESSIAN_CASES = (
    (N_("f(x) = x0² + 3 x0 x1 + x1² at (0, 0)"), lambda x: x[0] ** 2 + 3 * x[0] * x[1] + x[1] ** 2, (0.0, 0.0)),
    (N_("f(x) = −x0² − x1² + x2² + sin(x0 x2) at (0, 0, 0)"), _wavy_saddle_tf, (0.0, 0.0, 0.0)),
    (N_("the camel at (1.230229876517, 0.162334584459)"), _camel_tf, (1.230229876517, 0.162334584459)),
)

#: The check's Hessians for kind_of_point: symmetric matrices, each the Hessian at a critical point, with its kind.
KIND_CASES = tuple((np.array(matrix, dtype=np.float64), kind) for matrix, kind in (
    ([[2, 3], [3, 2]], "saddle"),
    ([[-2, -1, 0], [-1, -2, -1], [0, -1, -2]], "maximum"),
    ([[-2, 0, 1], [0, -2, 0], [1, 0, 2]], "saddle"),
    ([[1, 0], [0, 2]], "minimum"),
    ([[802, -400], [-400, 200]], "minimum"),  # Rosenbrock's valley at its minimum (1, 1): curvatures 0.4 and 1002
    ([[-2, -1], [-1, -4]], "maximum"),
    ([[2.2, 0.8, 1.3, -0.3], [0.8, 2.2, -0.3, 1.3], [1.3, -0.3, 2.2, 0.8], [-0.3, 1.3, 0.8, 2.2]],
     "saddle"),  # curvatures 4, 3, 2 and -0.2
    ([[-7.2336, 1], [1, -6.7351]], "maximum"),  # the camel at one of its two maxima
    ([[1, 0.5], [0.5, -3]], "saddle"),
    ([[1000.0003, 999.9997], [999.9997, 1000.0003]], "flat"),  # 500 (x0 + x1)², with an error of 3e-7 of 1000
    ([[3e-6, 1e-6], [1e-6, 2e-6]], "minimum"),  # a very gentle bowl: curvatures 1.4e-6 and 3.6e-6
    ([[1, 1, 0], [1, 1, 0], [0, 0, -3]], "saddle"),  # curvatures -3, 0 and 2: a flat direction, but up and down too
    ([[-4, 2], [2, -1]], "flat"),  # curvatures -5 and 0
))
KINDS = ("minimum", "maximum", "saddle", "flat")
#: A curvature counts as zero when it is at most this fraction of the largest curvature in size (float32 rounds at
#: about 6e-8; the smallest true curvature above, Rosenbrock's, is 4e-4 of its largest).
RELATIVE_ZERO = 1e-6


def _reference_hessian(function, point):
    """The check's own Hessian: two nested tapes in float64, one gradient per row."""
    import tensorflow as tf

    x = tf.Variable(np.asarray(point, dtype=np.float64))
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            value = function(x)
        rows = tf.unstack(inner.gradient(value, x))
    return np.stack([outer.gradient(row, x).numpy() for row in rows])


def _kind(eigenvalues, zero=0.0):
    up, down = np.any(eigenvalues > zero), np.any(eigenvalues < -zero)
    if up and down:
        return "saddle"
    if np.all(eigenvalues > zero):
        return "minimum"
    if np.all(eigenvalues < -zero):
        return "maximum"
    return "flat"


def _true_kind(matrix):
    """The kind of critical point whose Hessian is ``matrix``: the signs of its eigenvalues, up to rounding errors."""
    eigenvalues = np.linalg.eigvalsh(matrix)
    return _kind(eigenvalues, RELATIVE_ZERO * np.abs(eigenvalues).max())


#: Rules that learners use instead of the eigenvalues, each as a function of the Hessian.
WRONG_RULES = {
    "diagonal": lambda h: _kind(np.diag(h)),
    "determinant": lambda h: "saddle" if np.linalg.det(h) < 0 else "minimum" if h[0, 0] > 0 else "maximum",
    "determinant sign": lambda h: "saddle" if np.linalg.det(h) < 0 else "minimum",
    "trace": lambda h: "minimum" if np.trace(h) > 0 else "maximum",
    "first entry": lambda h: "minimum" if h[0, 0] > 0 else "maximum",
    "swapped": lambda h: {"minimum": "maximum", "maximum": "minimum"}.get(_true_kind(h), _true_kind(h)),
}


class _Watched:
    """The check's function, counting how the learner's code calls it, and where (finite differences move away from
    the point; a tape does not)."""

    def __init__(self, function, point):
        self.function, self.point = function, np.asarray(point, dtype=np.float64)
        self.calls, self.tensor_calls, self.moved = 0, 0, 0

    def __call__(self, x):
        import tensorflow as tf

        self.calls += 1
        if tf.is_tensor(x) or isinstance(x, tf.Variable):
            self.tensor_calls += 1
        try:
            where = np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=np.float64)
            at_point = (np.allclose(where, self.point, rtol=0, atol=1e-12)
                        or np.array_equal(where, self.point.astype(np.float32)))  # the point in float32 is fine
            if where.shape == self.point.shape and not at_point:
                self.moved += 1
        except Exception:  # a symbolic tensor (inside tf.function) has no value to compare
            pass
        return self.function(x)


_REFERENCE = {}


def _reference(index):
    if index not in _REFERENCE:
        _description, function, point = HESSIAN_CASES[index]
        _REFERENCE[index] = _reference_hessian(function, point)
    return _REFERENCE[index]


def _show(matrix):
    """A matrix in a message, with every digit that matters (1000.00001 is not 1000, 3e-06 is not 0)."""
    return np.array2string(np.asarray(matrix, dtype=np.float64), separator=", ", max_line_width=10**6,
                           formatter={"float_kind": lambda value: f"{value:.10g}"}).replace("\n", "")


@contextlib.contextmanager
def _watching_graph_gradients():
    """Count calls of tf.gradients and tf.hessians, the graph-mode functions (they work only inside tf.function)."""
    import tensorflow as tf

    calls, originals = [0], {name: getattr(tf, name) for name in ("gradients", "hessians")}

    def counting(original):
        def counted(*args, **kwargs):
            calls[0] += 1
            return original(*args, **kwargs)
        return counted

    for name, original in originals.items():
        setattr(tf, name, counting(original))
    try:
        yield calls
    finally:
        for name, original in originals.items():
            setattr(tf, name, original)


_GRAPH_GRADIENTS = N_("The exercise asks for two nested GradientTapes, but `tf_hessian` uses tf.hessians or "
                      "tf.gradients: write the second derivatives with tapes.")


def _learner_hessian(tf_hessian, index):
    description, function, point = HESSIAN_CASES[index]
    watched = _Watched(function, point)
    try:
        with _watching_graph_gradients() as graph_calls:
            result = call(tf_hessian, watched, np.array(point), name="tf_hessian")
    except Reply as reply:
        message, wrong_prefix = reply.feedback.message, wrong("").message
        said = message[len(wrong_prefix):] if message.startswith(wrong_prefix) else None
        if graph_calls[0]:
            raise Reply(wrong(_(_GRAPH_GRADIENTS))) from None
        if said and ("None" in message or "NoneType" in message):
            raise Reply(wrong(_("{message} A None inside the tape usually means that no tape watched the point (make "
                                "it a `tf.Variable`, or `tape.watch` it), or that the first gradient was computed "
                                "outside the outer tape's `with` block.").format(message=said))) from None
        if said and "non-persistent" in message:
            raise Reply(wrong(_("{message} A tape gives one set of gradients unless it is created with "
                                "persistent=True: take the first gradient with an inner tape and the second with an "
                                "outer one, and make a tape persistent if it must give several gradients (or use its "
                                "jacobian).").format(message=said)))
        raise
    if graph_calls[0]:
        raise Reply(wrong(_(_GRAPH_GRADIENTS)))
    if result is None:
        raise Reply(wrong(_("`tf_hessian` returned None. Either the function has no `return`, or a tape recorded "
                            "nothing: `tape.gradient` and `tape.jacobian` give None when the outer tape did not record "
                            "how the first gradient (and any slice of it) was computed from the point (compute them "
                            "inside the outer `with` block), or when no tape watched the point (make it a "
                            "`tf.Variable`, or call `tape.watch`).")))
    if callable(result) and not hasattr(result, "numpy"):
        raise Reply(wrong(_("`tf_hessian` returned a function; it should return the matrix of second derivatives.")))
    if isinstance(result, (list, tuple)) and any(row is None for row in result):
        raise Reply(wrong(_("`tf_hessian` returned rows that are None. Either the function has no `return`, or a "
                            "tape recorded nothing: `tape.gradient` and `tape.jacobian` give None when the outer tape "
                            "did not record how the first gradient (and any slice of it) was computed from the point "
                            "(compute them inside the outer `with` block), or when no tape watched the point (make it "
                            "a `tf.Variable`, or call `tape.watch`).")))
    values = as_numbers(result, "tf_hessian(...)")
    if watched.calls == 0:
        raise Reply(wrong(_("`tf_hessian` never called the function it was given: it must differentiate its "
                            "argument `function`, whatever that is, not a function of the notebook.")))
    expected, n = _reference(index), len(point)
    squeezed = values.squeeze() if values.size > 1 else values.reshape(-1)
    scale = max(1.0, float(np.abs(expected).max()))

    def close(a, b):
        return bool(np.allclose(a, b, rtol=1e-4, atol=1e-4 * scale))

    case = _(description)
    if squeezed.shape == (n,):
        if close(squeezed, 0):
            raise Reply(wrong(_("`tf_hessian` gives {n} numbers, all about 0, for {case}: that looks like the gradient "
                                "(the first derivatives, zero at a critical point). The Hessian holds the second "
                                "derivatives: {n} × {n} of them.").format(n=n, case=case)))
        if close(squeezed, expected.sum(axis=0)):
            raise Reply(wrong(_("`tf_hessian` gives {n} numbers for {case}, the sums of the Hessian's rows: "
                                "`tape.gradient` of a vector returns the gradient of the *sum* of its entries. Use "
                                "`tape.jacobian`, or one gradient per entry.").format(n=n, case=case)))
    if squeezed.shape != (n, n):
        raise Reply(wrong(_("`tf_hessian` returned shape {shape} for {case}; a function of {n} variables has {n} × {n} "
                            "second derivatives.").format(shape=values.shape, case=case, n=n)))
    if not close(squeezed, expected):
        if close(squeezed, np.diag(np.diag(expected))):
            raise Reply(wrong(_("`tf_hessian` has only the diagonal right for {case}: the mixed second derivatives "
                                "(row i, column j ≠ i) are missing.").format(case=case)))
        if close(squeezed, -expected):
            raise Reply(wrong(_("`tf_hessian` has the wrong sign for {case}.").format(case=case)))
        differ = int(np.sum(~np.isclose(squeezed, expected, rtol=1e-4, atol=1e-4 * scale)))
        raise Reply(wrong(_("`tf_hessian` is not the matrix of second derivatives for {case}: {differ} of its "
                            "{entries} entries differ.").format(case=case, differ=differ, entries=n * n)))
    if watched.moved:
        raise Reply(wrong(_("`tf_hessian` gives the right numbers, but it evaluates the function at points near "
                            "`point`: that is finite differences, as in section 7. The exercise asks for two nested "
                            "GradientTapes, which differentiate exactly at the point itself.")))
    if watched.tensor_calls == 0:
        raise Reply(wrong(_("`tf_hessian` gives the right numbers, but it never passes a TensorFlow tensor to the "
                            "function: that is finite differences, as in section 7. The exercise asks for two nested "
                            "GradientTapes, which differentiate exactly at the point itself.")))


_SYNONYMS = {"min": "minimum", "max": "maximum", "flat in some direction": "flat", "undetermined": "flat",
             "degenerate": "flat", "inconclusive": "flat"}


def _kind_word(answer, matrix):
    if not isinstance(answer, str):
        if answer is None:
            raise Reply(wrong(_("`kind_of_point` returned None: a function without `return` gives None.")))
        raise Reply(wrong(_("`kind_of_point` returned a {type} for the Hessian {matrix}; it should return one of the "
                            "words 'minimum', 'maximum', 'saddle' or 'flat'.").format(type=type(answer).__name__,
                                                                                      matrix=_show(matrix))))
    word = " ".join(answer.strip().lower().replace("_", " ").replace("-", " ").split())
    word = word.removeprefix("local ").removesuffix(" point")
    word = _SYNONYMS.get(word, word)
    if word not in KINDS:
        raise Reply(wrong(_("`kind_of_point` returned {value} for the Hessian {matrix}; it should return one of the "
                            "words 'minimum', 'maximum', 'saddle' or 'flat'.").format(value=f"{answer!r:.40}",
                                                                                      matrix=_show(matrix))))
    return word


def _kinds(kind_of_point, matrices):
    return [_kind_word(call(kind_of_point, matrix.copy(), name="kind_of_point"), matrix) for matrix in matrices]


def _rule_message(rule, kinds, truth, cases):
    first = next(i for i in cases if kinds[i] != truth[i])
    matrix = _show(KIND_CASES[first][0])
    if rule == "diagonal":
        return _("your kinds follow the signs of the diagonal entries alone. The mixed second derivatives count too: "
                 "for the Hessian {matrix} the diagonal says {kind}, but the function curves the other way along a "
                 "slanted direction. The curvatures along the eigenvectors decide.").format(
            matrix=matrix, kind=repr(kinds[first]))
    if rule in ("determinant", "determinant sign"):
        return _("your kinds follow the sign of the determinant (the product of the curvatures). That test works for "
                 "two variables only: for the Hessian {matrix} the product's sign does not tell the kind.").format(
            matrix=matrix)
    if rule == "first entry":
        return _("your kinds follow the sign of the first entry alone, the curvature along the first axis. The other "
                 "directions count too: for the Hessian {matrix} another direction curves the other way. The "
                 "curvatures along the eigenvectors decide.").format(matrix=matrix)
    if rule == "trace":
        return _("your kinds follow the sign of the trace (the sum of the curvatures), so a saddle goes unnoticed: "
                 "for the Hessian {matrix} one direction curves the other way.").format(matrix=matrix)
    return _("minimum and maximum are swapped: at a minimum the function curves *up* in every direction, so every "
             "curvature is positive.")


#: Factors by which the check rescales its Hessians: a positive factor changes the sign of no curvature.
SCALES = (2.0**-20, 2.0**20)


def _check_hessian(tf_hessian, kind_of_point=None):
    if kind_of_point is None and tf_hessian is not Ellipsis:
        raise Reply(wrong(_("give both functions: `ex3.check(tf_hessian, kind_of_point)`.")))
    for index in range(len(HESSIAN_CASES)):
        _learner_hessian(tf_hessian, index)
    matrices = [matrix for matrix, _kind_name in KIND_CASES]
    kinds, truth = _kinds(kind_of_point, matrices), [kind for _matrix, kind in KIND_CASES]
    counts = {kind: truth.count(kind) for kind in KINDS}
    if kinds == truth:
        return passed(_("tf_hessian matches the check's own Hessians of {functions} functions, and kind_of_point names "
                        "the kind of {points} critical points from their Hessians (2 to 4 variables, curvatures from "
                        "1e-6 to 2000): {minima} minima, {maxima} maxima, {saddles} saddles and {flats} flat ones (a "
                        "zero curvature, computed as 0 or as a rounding error).").format(
            functions=len(HESSIAN_CASES), points=len(KIND_CASES), minima=counts["minimum"], maxima=counts["maximum"],
            saddles=counts["saddle"], flats=counts["flat"]))
    if len(set(kinds)) == 1:
        return wrong(_("`kind_of_point` says {kind} for every one of the check's {count} Hessians; it must read each "
                       "matrix.").format(kind=repr(kinds[0]), count=len(KIND_CASES)))
    # The plain cases: every curvature far from zero, whatever a reasonable tolerance.
    plain = [i for i, matrix in enumerate(matrices)
             if truth[i] != "flat" and np.abs(np.linalg.eigvalsh(matrix)).min() > 1e-3]
    if any(kinds[i] != truth[i] for i in plain):
        for rule, kind_by_rule in WRONG_RULES.items():
            if all(kinds[i] == kind_by_rule(matrices[i]) for i in plain):
                return wrong(_rule_message(rule, kinds, truth, plain))
        first = next(i for i in plain if kinds[i] != truth[i])
        if kinds[first] == "flat":
            return wrong(_("`kind_of_point` says 'flat' for the Hessian {matrix}, although none of its curvatures is "
                           "anywhere near a rounding error of its largest one: your tolerance for a zero curvature is "
                           "too large. Rounding errors in float32 are about 1e-7 of the largest curvature.").format(
                matrix=_show(matrices[first])))
        count = sum(kinds[i] != truth[i] for i in plain)
        return wrong(_("`kind_of_point` names {count} of the check's critical points wrongly, even where no curvature "
                       "is near zero; for the Hessian {matrix} it says {kind}, but its curvatures say "
                       "otherwise.").format(count=count, matrix=_show(matrices[first]), kind=repr(kinds[first])))
    for scale in SCALES:
        scaled = _kinds(kind_of_point, [matrix * scale for matrix in matrices])
        changed = next((i for i in range(len(matrices)) if scaled[i] != kinds[i]), None)
        if changed is not None:
            return wrong(_("`kind_of_point` says {kind} for the Hessian {matrix}, but {scaled_kind} for the same "
                           "matrix times 2**{power} (about {scale:.0e}). A positive factor changes the sign of no "
                           "curvature: whether a curvature counts as zero must depend on how it compares with the "
                           "matrix's other curvatures, not on a fixed number.").format(
                kind=repr(kinds[changed]), matrix=_show(matrices[changed]), scaled_kind=repr(scaled[changed]),
                power=int(np.log2(scale)), scale=scale))
    if "flat" not in kinds:
        return wrong(_("`kind_of_point` never says 'flat'. Some of the check's Hessians have a curvature that is zero; "
                       "computed with rounding errors, it comes out as 0 or as a tiny number of either sign, so a test "
                       "of its sign alone (> 0, >= 0) decides by chance. Treat a curvature as zero when it is tiny "
                       "compared with the largest one."))
    saddle_as_flat = [i for i in range(len(truth)) if truth[i] == "saddle" and kinds[i] == "flat"]
    if saddle_as_flat:
        return wrong(_("`kind_of_point` says 'flat' for the Hessian {matrix}. One of its curvatures is zero, but "
                       "others are clearly positive and clearly negative: the function curves up in one direction and "
                       "down in another, whatever the flat direction does.").format(
            matrix=_show(matrices[saddle_as_flat[0]])))
    if kinds == [_kind(np.linalg.eigvalsh(matrix)) for matrix in matrices]:
        return wrong(_("`kind_of_point` decides as a test of the curvatures' signs alone (> 0, < 0) would, with no "
                       "tolerance or one far too small. A curvature that is zero, computed with rounding errors, comes "
                       "out as 0 or as a tiny number of either sign, so a test of its sign alone decides by chance. "
                       "Treat a curvature as zero when it is tiny compared with the largest one."))
    first = next(i for i in range(len(truth)) if kinds[i] != truth[i])
    count = sum(k != t for k, t in zip(kinds, truth))
    return wrong(_("`kind_of_point` names {count} of the check's {total} critical points wrongly; for the Hessian "
                   "{matrix} it says {kind}. Is your tolerance for a zero curvature too large or too small? Rounding "
                   "errors in float32 are about 1e-7 of the largest curvature.").format(
        count=count, total=len(KIND_CASES), matrix=_show(matrices[first]), kind=repr(kinds[first])))


ex3 = Exercise(
    "ex3", "local_minima", _check_hessian,
    hints=[
        N_("The Hessian is the derivative of the gradient. TensorFlow can differentiate a computation that itself "
           "contains a gradient, as long as a tape is recording while that gradient is computed. For the kind: what "
           "did section 7 read off the Hessian, and when is a number computed with rounding errors 'zero'?"),
        N_("Make the point a tf.Variable. Open an outer GradientTape, and inside it an inner one; compute the "
           "function's value in the inner block and its gradient with the inner tape (still inside the outer block); "
           "the outer tape's jacobian of that gradient is the n × n matrix (or, with a persistent outer tape, one "
           "gradient per entry of it, each a row). For the kind: the signs of the eigenvalues (np.linalg.eigvalsh), "
           "where an eigenvalue counts as zero when its size is below a small fraction (say 1e-6) of the largest "
           "eigenvalue's size."),
    ],
)

__all__ = ["ex1", "ex2", "ex3", "p_global", "target", "examples"]
