"""06 · RMSprop and Adam: the exercises. Write Keras's Adam step as a function; choose RMSprop's ``rho``.

Each check owns its data: ex1 runs the learner's function on its own gradients next to
``keras.optimizers.Adam``; ex2 runs ``keras.optimizers.RMSprop`` with the learner's ``rho`` on its own copy of
the problem. Neither reads the notebook's variables.
"""

import inspect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_utils.checks import Exercise, Reply, as_numbers, call, not_yet, passed, wrong

# --- Exercise 1: Adam's step, written as a function, against Keras --------------------------------------


@dataclass(frozen=True)
class AdamRun:
    """One run of the check: the settings, the starting weight and the gradient of every step."""

    name: str
    settings: dict
    start: np.ndarray
    gradients: np.ndarray  # one row per step


def _gradients():
    rng = np.random.default_rng(606)
    # Run 1, four weights: an ordinary gradient with a drift, a large one, one as small as epsilon, and one
    # that stays 0 for 5 steps (m = v = 0 there: 0/0 unless epsilon is in the denominator).
    scales = np.array([1.0, 100.0, 1e-6, 0.01])
    first = (rng.standard_normal((40, 4)) + np.array([0.8, 0.0, -0.5, 0.3])) * scales
    first[:5, 3] = 0.0
    # Run 2, a 2 x 3 weight with other settings: every hyperparameter must come from the arguments.
    second = (rng.standard_normal((25, 2, 3)) + 0.4) * np.array([[0.01, 0.1, 1.0], [3.0, 0.03, 0.3]])
    return first.astype(np.float32), second.astype(np.float32)


_FIRST, _SECOND = _gradients()
KERAS_DEFAULTS = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
ADAM_RUNS = (
    AdamRun("Keras's defaults", dict(KERAS_DEFAULTS), np.array([0.5, -1.0, 0.0, 2.0], np.float32), _FIRST),
    AdamRun("learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-4",
            {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4},
            np.array([[0.1, -0.2, 0.3], [1.0, 0.0, -1.0]], np.float32), _SECOND),
)


@lru_cache(maxsize=None)
def keras_adam_path(index):
    """Keras's Adam on a float32 ``tf.Variable`` along run ``index``: w after each step, and its m and v."""
    import keras
    import tensorflow as tf

    run = ADAM_RUNS[index]
    variable = tf.Variable(run.start, name="w")
    optimizer = keras.optimizers.Adam(**run.settings)
    optimizer.build([variable])
    slots = {v.name.rsplit("_", 1)[-1]: v for v in optimizer.variables if v.name.endswith(("momentum", "velocity"))}
    ws, ms, vs = [run.start.copy()], [], []
    for gradient in run.gradients:
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        ws.append(variable.numpy())
        ms.append(slots["momentum"].numpy())
        vs.append(slots["velocity"].numpy())
    return np.array(ws), np.array(ms), np.array(vs)


def _adam(w, g, m, v, t, learning_rate, beta_1, beta_2, epsilon, **variant):
    """Adam's step in float64, as Keras computes it, or with one named mistake (``variant``)."""
    with np.errstate(all="ignore"):
        return _adam_variant(w, g, m, v, t, learning_rate, beta_1, beta_2, epsilon, **variant)


def _adam_variant(w, g, m, v, t, learning_rate, beta_1, beta_2, epsilon, **variant):
    w, g, m, v = (np.asarray(a, np.float64) for a in (w, g, m, v))
    b1, b2 = (beta_2, beta_1) if variant.get("swap") else (beta_1, beta_2)
    power = variant.get("other_t", t) + variant.get("t_shift", 0)
    if variant.get("m_plain"):
        m_new = b1 * m + g
    elif variant.get("m_weights_swapped"):
        m_new = (1 - b1) * m + b1 * g
    else:
        m_new = b1 * m + (1 - b1) * g
    square = {"g": g, "abs": np.abs(g)}.get(variant.get("v_of"), g**2)
    v_new = (1 - b2) * v + b2 * square if variant.get("v_weights_swapped") else b2 * v + (1 - b2) * square
    if variant.get("amsgrad"):
        v_new = np.maximum(v, v_new)
    m_used, v_used = (m, v) if variant.get("old_moments") else (m_new, v_new)
    c1, c2 = 1 - b1**power, 1 - b2**power
    c1, c2 = (1.0 if variant.get("no_c1") else c1), (1.0 if variant.get("no_c2") else c2)
    form = variant.get("form", "keras")
    if form == "keras":  # Keras: alpha = lr sqrt(1 - b2^t) / (1 - b1^t), eps added to the uncorrected sqrt(v)
        step = learning_rate * np.sqrt(c2) / c1 * m_used / (np.sqrt(v_used) + epsilon)
    elif form == "no_sqrt_in_alpha":
        step = learning_rate * c2 / c1 * m_used / (np.sqrt(v_used) + epsilon)
    elif form == "alpha_inverted":
        step = learning_rate * c1 / np.sqrt(c2) * m_used / (np.sqrt(v_used) + epsilon)
    elif form == "paper":  # Algorithm 1: eps added to the corrected sqrt(v_hat)
        step = learning_rate * (m_used / c1) / (np.sqrt(v_used / c2) + variant.get("paper_epsilon", epsilon))
    elif form == "eps_scaled_wrong":
        step = learning_rate * (m_used / c1) / (np.sqrt(v_used / c2) + epsilon * np.sqrt(c2))
    elif form == "eps_in_root":
        step = learning_rate * np.sqrt(c2) / c1 * m_used / np.sqrt(v_used + epsilon)
    elif form == "eps_in_root_paper":
        step = learning_rate * (m_used / c1) / np.sqrt(v_used / c2 + epsilon)
    elif form == "no_eps":
        step = learning_rate * (m_used / c1) / np.sqrt(v_used / c2)
    elif form == "no_root":
        step = learning_rate * (m_used / c1) / (v_used / c2 + epsilon)
    else:
        raise ValueError(f"unknown form {form!r}")
    w_new = w + step if variant.get("uphill") else w - step
    return w_new, m_new, v_new


#: Mistakes of the moments (m, v), each with what it looks like; checked when the returned m or v is wrong.
MOMENT_MISTAKES = [
    ({"swap": True}, "beta_1 and beta_2 swapped: beta_1 belongs to m, the average of g; beta_2 to v, the "
                     "average of g²"),
    ({"m_plain": True}, "m ← beta_1·m + g, SGD's momentum: Adam's m is an average, so g gets the weight "
                        "1 − beta_1"),
    ({"m_weights_swapped": True}, "m with its two weights swapped: the old m keeps beta_1, the new g gets "
                                  "1 − beta_1"),
    ({"v_weights_swapped": True}, "v with its two weights swapped: the old v keeps beta_2, the new g² gets "
                                  "1 − beta_2"),
    ({"v_of": "g"}, "v averaging g instead of g²: v is the mean of the *squared* gradients"),
    ({"v_of": "abs"}, "v averaging |g| instead of g²: v is the mean of the *squared* gradients"),
    ({"amsgrad": True}, "AMSGrad's running maximum of v: Keras's Adam (amsgrad=False) keeps the plain average"),
]

#: Mistakes of the step on w, with m and v right.
STEP_MISTAKES = [
    ({"uphill": True}, "a step uphill: subtract the step from w, do not add it"),
    ({"uphill": True, "form": "paper"}, "a step uphill: subtract the step from w, do not add it"),
    ({"no_c1": True, "no_c2": True}, "Adam without the bias correction: at the first steps m and v are still "
                                     "close to their start at 0 (section 3)"),
    ({"no_c1": True, "no_c2": True, "form": "paper"}, "Adam without the bias correction: at the first steps m and "
                                                      "v are still close to their start at 0 (section 3)"),
    ({"no_c1": True}, "only v bias-corrected: m needs its correction 1 − beta_1^t too"),
    ({"no_c1": True, "form": "paper"}, "only v bias-corrected: m needs its correction 1 − beta_1^t too"),
    ({"no_c2": True}, "only m bias-corrected: v needs its correction 1 − beta_2^t too"),
    ({"no_c2": True, "form": "paper"}, "only m bias-corrected: v needs its correction 1 − beta_2^t too"),
    ({"t_shift": 1}, "a bias correction with beta^(t + 1): `t` is already the number of this step, 1 for the first"),
    ({"t_shift": 1, "form": "paper"}, "a bias correction with beta^(t + 1): `t` is already the number of this "
                                      "step, 1 for the first"),
    ({"t_shift": -1}, "a bias correction with beta^(t − 1): `t` is the number of this step, 1 for the first, "
                      "and the correction uses beta^t"),
    ({"t_shift": -1, "form": "paper"}, "a bias correction with beta^(t − 1): `t` is the number of this step, 1 for "
                                       "the first, and the correction uses beta^t"),
    ({"form": "paper"}, "Algorithm 1 of the paper, epsilon added to the *corrected* √v̂. Keras adds its epsilon "
                        "(the paper's ε̂) to the uncorrected √v, with the correction folded into the step "
                        "size (section 4)"),
    ({"form": "paper", "paper_epsilon": 1e-8}, "PyTorch's Adam: epsilon = 1e-8, added to the corrected √v̂ as in "
                                               "Algorithm 1. Keras adds the epsilon it is given to the uncorrected "
                                               "√v (section 4)"),
    ({"form": "eps_scaled_wrong"}, "epsilon converted the wrong way: in the form with m̂ and √v̂, Keras's "
                                   "epsilon becomes epsilon / √(1 − beta_2^t), not epsilon · √(1 − beta_2^t)"),
    ({"form": "eps_in_root"}, "epsilon inside the square root, as in Keras's RMSprop; Keras's Adam adds it "
                              "after the root"),
    ({"form": "eps_in_root_paper"}, "epsilon inside the square root, as in Keras's RMSprop; Keras's Adam adds it "
                                    "after the root"),
    ({"form": "no_eps"}, "no epsilon in the denominator: where the gradient has been 0, m and v are 0, and "
                         "0/0 gives NaN"),
    ({"form": "no_root"}, "no square root of v: the step divides by the *root* mean square of the gradient"),
    ({"form": "no_sqrt_in_alpha"}, "the bias correction of v without its square root: v̂ is divided by "
                                   "1 − beta_2^t, so √v̂ by √(1 − beta_2^t)"),
    ({"form": "alpha_inverted"}, "the two bias corrections upside down: m̂ = m / (1 − beta_1^t) and "
                                 "v̂ = v / (1 − beta_2^t)"),
    ({"old_moments": True}, "the step taken with the old m and v: update them with g first, then step"),
]

def _tolerances(run, keras_w):
    """(rtol, atol) for w, m and v: float32 precision. w's atol: a few float32 roundings of the weight's size
    in this run, plus 0.01 % of a step; m's and v's: 1e-5 relative, plus 1e-6 of the gradient's size (squared)."""
    g_scale = np.max(np.abs(run.gradients), axis=0)
    w_atol = 1e-4 * run.settings["learning_rate"] + 4e-6 * np.max(np.abs(keras_w), axis=0)
    return (0.0, w_atol), (1e-5, 1e-6 * g_scale), (1e-5, 1e-6 * g_scale**2)


def _close(a, b, tolerance):
    rtol, atol = tolerance
    with np.errstate(all="ignore"):
        return bool(np.all(np.isfinite(a))) and bool(np.all(np.abs(a - b) <= rtol * np.abs(b) + atol))


def _matches(a, b, tolerance):
    """Ten times looser, and NaN-aware: does the learner's output look like this (mistaken) computation?"""
    rtol, atol = tolerance
    with np.errstate(all="ignore"):
        same = (np.abs(a - b) <= 10 * (rtol * np.abs(b) + atol)) | (np.isnan(a) & np.isnan(b)) | (a == b)
    return bool(np.all(same))


def _returned(result, shape, t):
    """The learner's (w, m, v) as float64 arrays of the weight's shape, or a Reply saying what is wrong."""
    if result is None:
        raise Reply(wrong("`adam_step` returned None: is the `return w, m, v` line missing?"))
    if not isinstance(result, (tuple, list)):
        raise Reply(wrong(f"`adam_step` returned one {type(result).__name__}; return three things, the new w, m "
                          "and v: `return w, m, v`."))
    if len(result) != 3:
        raise Reply(wrong(f"`adam_step` returned {len(result)} values; return three, the new w, m and v, in "
                          "that order."))
    arrays = []
    for name, value in zip(("w", "m", "v"), result):
        if value is Ellipsis or value is None:
            shown = "still `...`" if value is Ellipsis else "None"
            raise Reply(wrong(f"the {name} that `adam_step` returns is {shown}."))
        if isinstance(value, (str, bytes, bool, dict)) or callable(value) and not hasattr(value, "numpy"):
            raise Reply(wrong(f"the {name} that `adam_step` returns is a {type(value).__name__}, not an array."))
        try:
            raw = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
            if np.iscomplexobj(raw):
                raise Reply(wrong(f"the {name} that `adam_step` returns is complex; Adam's numbers are real."))
            with np.errstate(all="ignore"):
                array = raw.astype(np.float64)
        except (TypeError, ValueError, OverflowError, AttributeError):
            raise Reply(wrong(f"the {name} that `adam_step` returns cannot be read as an array of numbers "
                              f"({type(value).__name__}).")) from None
        if array.shape != shape:
            raise Reply(wrong(f"at step {t}, the {name} that `adam_step` returns has shape {array.shape}; it should "
                              f"have the weight's shape {shape}: Adam works element by element."))
        arrays.append(array)
    return arrays


def _ignored_settings(run):
    """Every way of ignoring some of the run's settings (using Keras's defaults instead): [(names, settings)]."""
    changed = [name for name in KERAS_DEFAULTS if run.settings[name] != KERAS_DEFAULTS[name]]
    ways = []
    for mask in range(1, 2 ** len(changed)):
        names = [name for i, name in enumerate(changed) if mask >> i & 1]
        ways.append((names, {**run.settings, **{name: KERAS_DEFAULTS[name] for name in names}}))
    return sorted(ways, key=lambda way: len(way[0]))


def _explains(outputs, candidate, expected, tolerances, parts):
    """Does ``candidate`` explain the learner's ``outputs``? Each part in ``parts`` (0 w, 1 m, 2 v) that is
    wrong must be wrong the candidate's way; each part that is right must be left unchanged by the candidate."""
    for i in parts:
        if _close(outputs[i], expected[i], tolerances[i]):
            if not _close(candidate[i], expected[i], tolerances[i]):
                return False
        elif _close(candidate[i], expected[i], tolerances[i]) or not _matches(outputs[i], candidate[i], tolerances[i]):
            return False
    return True


def _diagnose(run, t, inputs, outputs, expected, tolerances):
    """Why the learner's step ``t`` differs from Keras's: a named mistake, or which of w, m, v is off."""
    where = f"In the run with {run.name}, step {t}"
    for order, label in [((0, 2, 1), "w, v, m"), ((1, 2, 0), "m, v, w"), ((2, 1, 0), "v, m, w"),
                         ((1, 0, 2), "m, w, v"), ((2, 0, 1), "v, w, m")]:
        if all(_close(outputs[i], expected[j], tolerances[j]) for i, j in enumerate(order)):
            raise Reply(wrong(f"{where}: the right values come back in the order {label}. Return w, m, v."))

    def explained(settings, variant, parts):
        return _explains(outputs, _adam(*inputs, t, **settings, **variant), expected, tolerances, parts)

    m_ok, v_ok = (_close(outputs[i], expected[i], tolerances[i]) for i in (1, 2))
    if not (m_ok and v_ok):
        for names, settings in _ignored_settings(run):
            if explained(settings, {}, (1, 2)):
                raise Reply(wrong(f"{where}: your m and v are those for {_defaults_text(names)}, not the "
                                  "values passed in. Use the arguments."))
        for variant, description in MOMENT_MISTAKES:
            if explained(run.settings, variant, (1, 2)):
                raise Reply(wrong(f"{where}: your m and v look like {description}."))
        beta_1, beta_2 = run.settings["beta_1"], run.settings["beta_2"]
        corrected = (expected[0], expected[1] / (1 - beta_1**t), expected[2] / (1 - beta_2**t))
        if _explains(outputs, corrected, expected, tolerances, (1, 2)) or any(
                _explains(outputs, corrected[:i] + expected[i:i + 1] + corrected[i + 1:], expected, tolerances, (1, 2))
                for i in (1, 2)):
            raise Reply(wrong(f"{where}: you return the bias-corrected m̂ or v̂. Return the plain averages m and "
                              "v, as Keras stores them; the correction is computed afresh at each step."))
        wrong_ones = " and ".join(name for name, ok in (("m", m_ok), ("v", v_ok)) if not ok)
        raise Reply(wrong(f"{where}: the {wrong_ones} you return {'are' if ' and ' in wrong_ones else 'is'} not "
                          "Keras's. Both are exponential averages, updated before the step on w; compare yours "
                          "with section 3's formulas."))

    prefix = f"{where}: m and v are right, but"
    if t == 1 and np.array_equal(outputs[0], np.asarray(inputs[0], np.float64)):
        raise Reply(wrong(f"{prefix} w does not move. Does the step use the old m and v (0 at the start: update "
                          "them with g first), or do you return the old w?"))
    for names, settings in _ignored_settings(run):
        if explained(settings, {}, (0,)):
            raise Reply(wrong(f"{prefix} the step on w is the one for {_defaults_text(names)}, not the values "
                              "passed in. Use the arguments."))
    for variant, description in STEP_MISTAKES:
        if explained(run.settings, variant, (0,)):
            raise Reply(wrong(f"{prefix} the step on w looks like {description}."))
    for other_t in range(1, 1001):
        if abs(other_t - t) > 1 and explained(run.settings, {"other_t": other_t}, (0,)):
            raise Reply(wrong(f"{prefix} the bias correction is the one of step {other_t}. Use the argument `t`, "
                              "the number of this step (1 for the first): it starts again at 1 for a new run."))
    if not np.all(np.isfinite(outputs[0])):
        raise Reply(wrong(f"{prefix} your w contains NaN or infinity: a division by 0, or the root of a negative "
                          "number?"))
    raise Reply(wrong(f"{prefix} the step on w is not Keras's. Look at the bias correction (which power of the "
                      "betas at step t) and at where epsilon goes (section 4)."))


def _defaults_text(names):
    return ", ".join(f"{name} = {KERAS_DEFAULTS[name]:g}" for name in names) + " (Keras's default" + (
        "s)" if len(names) > 1 else ")")


def _check_adam_step(adam_step):
    if adam_step is Ellipsis:
        raise Reply(not_yet("adam_step"))
    if not callable(adam_step):
        raise Reply(wrong(f"`adam_step` should be a function (def adam_step(w, g, m, v, t, ...): ...), not a "
                          f"{type(adam_step).__name__}."))
    try:
        inspect.signature(adam_step).bind(0, 0, 0, 0, 1, **KERAS_DEFAULTS)
    except TypeError as error:
        raise Reply(wrong(f"the check calls adam_step(w, g, m, v, t, learning_rate=..., beta_1=..., beta_2=..., "
                          f"epsilon=...), and your function does not accept that: {error}.")) from None
    except ValueError:  # no signature to read (a builtin): calling it will tell
        pass
    for index, run in enumerate(ADAM_RUNS):
        keras_w, keras_m, keras_v = keras_adam_path(index)
        tolerances = _tolerances(run, keras_w)
        w, m, v = run.start.copy(), np.zeros_like(run.start), np.zeros_like(run.start)
        for step, g in enumerate(run.gradients):
            t = step + 1
            inputs = (w, g, m, v)
            result = call(adam_step, w.copy(), g.copy(), m.copy(), v.copy(), t, **run.settings, name="adam_step")
            outputs = _returned(result, run.start.shape, t)
            expected = (keras_w[t], keras_m[step], keras_v[step])
            if not all(_close(out, exp, tolerance) for out, exp, tolerance in zip(outputs, expected, tolerances)):
                _diagnose(run, t, inputs, outputs, expected, tolerances)
            w, m, v = (out.astype(np.float32) for out in outputs)  # Keras keeps w, m and v in float32
    steps = " and ".join(f"{len(run.gradients)} steps with {run.name} ({'×'.join(map(str, run.start.shape))} "
                         "weights)" for run in ADAM_RUNS)
    return passed(f"`adam_step` follows keras.optimizers.Adam at every step, to float32 precision: {steps}.")


ex1 = Exercise(
    "ex1", "rmsprop_adam", _check_adam_step,
    hints=[
        "Adam's state is two running averages. Which one does Keras update first, the averages or the weight? "
        "And what does the bias correction look like at the very first step, t = 1?",
        "Update m and v from the old ones and g (section 3's two averages). Then move w by Keras's form from "
        "section 4: the step size alpha_t folds both bias corrections, and epsilon is added to the uncorrected "
        "√v. Use the arguments (learning_rate, beta_1, beta_2, epsilon), and return w, m, v.",
        "To see where you differ, run keras.optimizers.Adam on a tf.Variable next to your function: "
        "`optimizer.apply_gradients([(tf.constant(g), variable)])`, then compare variable.numpy() with your w "
        "after each step.",
    ],
)

# --- Exercise 2: choose rho ------------------------------------------------------------------------------

#: The task: section 1's problem, f(x, y) = (x² + 100 y²)/2 from (-2.5, 0.25), with RMSprop at this rate.
CURVATURES = (1.0, 100.0)
START = (-2.5, 0.25)
RATE = 0.02
STEPS = 500
TARGET = 1e-6
HOLD_FROM = 300  # the loss must be below TARGET at every step from HOLD_FROM to STEPS
_TARGET = f"{TARGET:.0e}".replace("e-0", "e-")  # 1e-6, as the notebook writes it


@lru_cache(maxsize=64)
def keras_rmsprop_losses(rho):
    """The loss at steps 0..STEPS of keras.optimizers.RMSprop(RATE, rho) on a float64 tf.Variable (read-only)."""
    import keras
    import tensorflow as tf

    curvatures = tf.constant(CURVATURES, "float64")
    variable = tf.Variable(np.array(START, np.float64))
    optimizer = keras.optimizers.RMSprop(learning_rate=RATE, rho=rho)
    optimizer.build([variable])

    @tf.function
    def train():
        losses = tf.TensorArray("float64", size=STEPS + 1)
        losses = losses.write(0, 0.5 * tf.reduce_sum(curvatures * variable**2))
        for step in tf.range(STEPS):
            optimizer.apply([curvatures * variable], [variable])  # the gradient of f
            losses = losses.write(step + 1, 0.5 * tf.reduce_sum(curvatures * variable**2))
        return losses.stack()

    losses = train().numpy()
    losses.setflags(write=False)  # cached: shared by every check of the same rho
    return losses


def _check_rho(chosen_rho):
    if hasattr(chosen_rho, "get_config") and not hasattr(chosen_rho, "numpy"):
        raise Reply(wrong("`chosen_rho` is an object with a configuration (an optimizer?); store the number rho "
                          "itself in `chosen_rho`."))
    value = as_numbers(chosen_rho, "chosen_rho")
    if value.size != 1:
        raise Reply(wrong(f"`chosen_rho` should be one number, but it has shape {value.shape}."))
    rho = float(value.reshape(()))
    if rho > 1:
        raise Reply(wrong(f"`chosen_rho` = {rho:.6g} is not between 0 and 1. rho is the decay factor of the "
                          "average, not the memory in steps."))
    if rho == 1:
        raise Reply(wrong("with `chosen_rho` = 1 the average v never moves from 0: RMSprop would divide by "
                          "√epsilon for ever. rho must be below 1."))
    if rho < 0:
        raise Reply(wrong(f"`chosen_rho` = {rho:.6g} is negative; rho is a decay factor from 0 to 1."))
    losses = keras_rmsprop_losses(rho)
    shown = f"`chosen_rho` = {rho!r}"
    start_loss = losses[0]
    finite = np.isfinite(losses)
    above = np.nonzero(~finite | (losses > start_loss))[0]
    if above.size:
        peak = np.max(np.where(finite, losses, np.inf)[: above[0] + 20])
        raise Reply(wrong(f"with {shown}, the loss rises above its start ({start_loss:g}) at step {above[0]}, "
                          f"up to {peak:.3g}. v starts at 0, so RMSprop's first steps are about "
                          "η/√(1 − rho) long: the longer the memory, the longer they are. A shorter memory "
                          "(a smaller rho) keeps them in bounds."))
    if np.all(losses[HOLD_FROM:] < TARGET):
        return passed(f"with rho = {rho:.6g}, Keras's RMSprop at η = {RATE} never rises above its starting loss "
                      f"{start_loss:g}, and its loss stays below {_TARGET} from step {HOLD_FROM} to step {STEPS}.")
    below = np.nonzero(losses < TARGET)[0]
    if not below.size:
        stall = np.median(losses[-50:])
        raise Reply(wrong(f"with {shown}, the loss never gets below {_TARGET} in {STEPS} steps: it ends near "
                          f"{stall:.1e}, RMSprop's jitter (section 2). A short memory forgets the large early "
                          "gradients, and the effective rate climbs past the stable limit. A longer memory (a "
                          "larger rho) postpones that."))
    first_above = HOLD_FROM + int(np.argmax(losses[HOLD_FROM:] >= TARGET))
    if below[0] > first_above:
        raise Reply(wrong(f"with {shown}, the loss first gets below {_TARGET} at step {below[0]}, too late: it "
                          f"should be below from step {HOLD_FROM} on."))
    back = below[0] + int(np.argmax(losses[below[0]:] >= TARGET))
    raise Reply(wrong(f"with {shown}, the loss gets below {_TARGET} at step {below[0]}, but the jitter brings it "
                      f"back above at step {back}, before step {STEPS}: v has forgotten the large early "
                      "gradients, and the effective rate has climbed past the stable limit. A longer memory (a "
                      "larger rho) postpones that."))


ex2 = Exercise(
    "ex2", "rmsprop_adam", _check_rho,
    hints=[
        "Two things can go wrong, in opposite directions. Section 2 shows one of them (what happens once a "
        "gradient becomes tiny), and its note on the longest memory shows the other (the very first steps). Try a "
        "few values and look at both ends of each run.",
        "For several rho between 0.9 and 0.9999, run descend(scaled, start, 500, RMSprop(learning_rate=0.02, "
        "rho=rho).step) and print the largest loss after step 0, the first step below 1e-6 and whether the loss "
        "is below 1e-6 from step 300 on. Keep a rho well inside the range that works, not at its edge.",
    ],
)
