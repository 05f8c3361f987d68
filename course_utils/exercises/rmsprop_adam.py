"""06 · RMSprop and Adam: the exercises. Write Keras's AdamW step as a function; choose RMSprop's ``rho``.

Each check owns its data: ex1 runs the learner's function on its own gradients next to
``keras.optimizers.AdamW``; ex2 runs ``keras.optimizers.RMSprop`` with the learner's ``rho`` on its own copy of
the problem. Neither reads the notebook's variables.
"""

import contextlib
import dataclasses
import inspect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_utils.checks import Exercise, Reply, as_numbers, call, not_yet, passed, refusing, wrong
from course_utils.i18n import N_, _

# --- Exercise 1: AdamW's step, written as a function, against Keras -------------------------------------

#: AdamW's settings in the order of keras.optimizers.AdamW's signature, with its defaults (the task's).
ADAMW_DEFAULTS = {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
SIGNATURE = "adamw_step(w, g, m, v, t, " + ", ".join(f"{name}={value:g}" for name, value in ADAMW_DEFAULTS.items()) \
    + ")"
WINDOW = 4  # a mistake is named only if it explains the learner's first wrong step and the next three


@dataclass(frozen=True)
class _AdamWRun:
    """One run of the check: its names (translated where shown), the settings, whether they are passed as keywords,
    the start and every gradient."""

    name: str  # in the diagnoses: "In the run with {name}, step 3: ..."
    short: str  # in the verdict that passes: "25 steps with {short}"
    settings: dict
    keywords: bool  # False: the check calls adamw_step(w, g, m, v, t), and the function's defaults apply
    start: np.ndarray
    gradients: np.ndarray  # one row per step


def _gradients():
    rng = np.random.default_rng(606)
    # The defaults run, four weights: an ordinary gradient with a drift, a large one, one as small as epsilon, and one
    # that is 0 at steps 1-5 (m = v = 0 there: 0/0 unless epsilon is in the denominator) and 20-24 (m and v
    # decay and w still moves: a "lazy" Adam that skips zero gradients differs there).
    scales = np.array([1.0, 100.0, 1e-6, 0.01])
    first = (rng.standard_normal((40, 4)) + np.array([0.8, 0.0, -0.5, 0.3])) * scales
    first[:5, 3] = 0.0
    first[19:24, 3] = 0.0
    # The keywords run (the first), a 2 x 3 weight with other settings: every hyperparameter must come from the
    # arguments, and learning_rate * weight_decay is large enough for each decay mistake to show at once (with
    # the defaults, the decay is 4e-6 of w per step, at the tolerance, and the order of decay and step shows
    # only below float32's resolution).
    second = (rng.standard_normal((25, 2, 3)) + 0.4) * np.array([[0.01, 0.1, 1.0], [3.0, 0.03, 0.3]])
    return first.astype(np.float32), second.astype(np.float32)


_DEFAULTS_RUN, _KEYWORDS_RUN = _gradients()
_KEYWORDS_NAME = "learning_rate=0.05, weight_decay=0.1, beta_1=0.8, beta_2=0.99, epsilon=1e-4"
ADAMW_RUNS = (
    _AdamWRun(_KEYWORDS_NAME, _KEYWORDS_NAME,
             {"learning_rate": 0.05, "weight_decay": 0.1, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}, True,
             np.array([[0.1, -0.2, 0.3], [1.0, 0.0, -1.0]], np.float32), _KEYWORDS_RUN),
    _AdamWRun(N_("AdamW's defaults (adamw_step(w, g, m, v, t), no settings passed)"), N_("AdamW's defaults"),
             dict(ADAMW_DEFAULTS), False,
             np.array([0.5, -1.0, 0.0, 2.0], np.float32), _DEFAULTS_RUN),
)


@lru_cache(maxsize=None)
def keras_adamw_path(index):
    """Keras's AdamW on a float32 ``tf.Variable`` along run ``index``: w after each step, and its m and v."""
    import keras
    import tensorflow as tf

    run = ADAMW_RUNS[index]
    variable = tf.Variable(run.start, name="w")
    optimizer = keras.optimizers.AdamW(**run.settings)
    optimizer.build([variable])
    slots = {v.name.rsplit("_", 1)[-1]: v for v in optimizer.variables if v.name.endswith(("momentum", "velocity"))}
    ws, ms, vs = [run.start.copy()], [], []
    for gradient in run.gradients:
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        ws.append(variable.numpy())
        ms.append(slots["momentum"].numpy())
        vs.append(slots["velocity"].numpy())
    return np.array(ws), np.array(ms), np.array(vs)


def _adamw(w, g, m, v, t, settings, variant=None):
    """AdamW's step in float64, as Keras computes it, or with one named mistake (``variant``)."""
    with np.errstate(all="ignore"):
        return _adamw_variant(w, g, m, v, t, settings, variant or {})


def _adamw_variant(w, g, m, v, t, settings, variant):
    w, g, m, v = (np.asarray(a, np.float64) for a in (w, g, m, v))
    learning_rate, weight_decay, beta_1, beta_2, epsilon = (settings[name] for name in ADAMW_DEFAULTS)
    b1, b2 = (beta_2, beta_1) if variant.get("swap") else (beta_1, beta_2)
    decay = variant.get("decay", "keras")
    idle = g == 0  # where a "lazy" Adam skips the entry
    if decay == "l2":  # L2 regularisation: the decay term added to the gradient (PyTorch's Adam(weight_decay=))
        g = g + weight_decay * w
    if decay == "rate_schedule":  # Keras 2's decay=: a learning rate that decays with the step count
        learning_rate = learning_rate / (1 + weight_decay * (t - 1))
    power = variant.get("fixed_t", t + variant.get("t_shift", 0))
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
    lazy = variant.get("lazy")
    if lazy:
        m_new, v_new = np.where(idle, m, m_new), np.where(idle, v, v_new)
    m_used, v_used = (m, v) if variant.get("old_moments") else (m_new, v_new)
    c1, c2 = 1 - b1**power, 1 - b2**power
    c1, c2 = (1.0 if variant.get("no_c1") else c1), (1.0 if variant.get("no_c2") else c2)
    alpha = learning_rate * np.sqrt(c2) / c1
    form = variant.get("form", "keras")
    if form == "keras":  # Keras: alpha = lr sqrt(1 - b2^t) / (1 - b1^t), eps added to the uncorrected sqrt(v)
        step = alpha * m_used / (np.sqrt(v_used) + epsilon)
    elif form == "no_sqrt_in_alpha":
        step = learning_rate * c2 / c1 * m_used / (np.sqrt(v_used) + epsilon)
    elif form == "alpha_inverted":
        step = learning_rate * c1 / np.sqrt(c2) * m_used / (np.sqrt(v_used) + epsilon)
    elif form == "paper":  # Algorithm 1: eps added to the corrected sqrt(v_hat)
        step = learning_rate * (m_used / c1) / (np.sqrt(v_used / c2) + variant.get("paper_epsilon", epsilon))
    elif form == "eps_scaled_wrong":
        step = learning_rate * (m_used / c1) / (np.sqrt(v_used / c2) + epsilon * np.sqrt(c2))
    elif form == "eps_in_root":
        step = alpha * m_used / np.sqrt(v_used + epsilon)
    elif form == "eps_in_root_paper":
        step = learning_rate * (m_used / c1) / np.sqrt(v_used / c2 + epsilon)
    elif form == "no_eps":
        step = learning_rate * (m_used / c1) / np.sqrt(v_used / c2)
    elif form == "no_root":
        step = learning_rate * (m_used / c1) / (v_used / c2 + epsilon)
    else:
        raise ValueError(f"unknown form {form!r}")
    if variant.get("uphill"):
        step = -step
    if lazy:
        step = np.where(idle, 0.0, step)
    shrink = {"keras": learning_rate * weight_decay * w, "no_rate": weight_decay * w,
              "alpha_t": alpha * weight_decay * w, "grow": -learning_rate * weight_decay * w}.get(decay, 0.0)
    if decay == "after":  # the decay applied to the new w, after Adam's step
        w_new = (w - step) * (1 - learning_rate * weight_decay)
    else:
        w_new = w - shrink - step
    if lazy == "all":  # nothing at all happens to an entry whose gradient is 0, not even the decay
        w_new = np.where(idle, w, w_new)
    hat = variant.get("return_hat", "")
    return w_new, (m_new / c1 if "m" in hat else m_new), (v_new / c2 if "v" in hat else v_new)


#: The learner's m and v returned bias-corrected: checked first when the returned m or v is wrong. The descriptions
#: of this table and the next ones are marked with N_ and translated where a diagnosis shows them.
RETURNED_HAT = [
    ({"return_hat": "mv"}, N_("m̂ and v̂")),
    ({"return_hat": "m"}, "m̂"),
    ({"return_hat": "v"}, "v̂"),
]

#: Mistakes of the moments (m, v), each with what it looks like; checked when the returned m or v is wrong.
MOMENT_MISTAKES = [
    ({"decay": "l2"}, N_("L2 regularisation: the gradient g + weight_decay·w, as PyTorch's Adam(weight_decay=...) or "
                         "an L2 penalty in the loss computes it. AdamW's decay is *decoupled*: it shrinks w "
                         "directly and leaves g, m and v alone")),
    ({"swap": True}, N_("beta_1 and beta_2 swapped: beta_1 belongs to m, the average of g; beta_2 to v, the "
                        "average of g²")),
    ({"m_plain": True}, N_("m ← beta_1·m + g, SGD's momentum: Adam's m is an average, so g gets the weight "
                           "1 − beta_1")),
    ({"m_weights_swapped": True}, N_("m with its two weights swapped: the old m keeps beta_1, the new g gets "
                                     "1 − beta_1")),
    ({"v_weights_swapped": True}, N_("v with its two weights swapped: the old v keeps beta_2, the new g² gets "
                                     "1 − beta_2")),
    ({"v_of": "g"}, N_("v averaging g instead of g²: v is the mean of the *squared* gradients")),
    ({"v_of": "abs"}, N_("v averaging |g| instead of g²: v is the mean of the *squared* gradients")),
    ({"amsgrad": True}, N_("AMSGrad's running maximum of v: Keras's AdamW (amsgrad=False) keeps the plain average")),
    ({"lazy": "adam"}, N_("a \"lazy\" Adam that leaves m and v alone where the gradient is 0: Keras updates them at "
                          "every step, whatever the gradient (with g = 0, m and v decay)")),
]

_UPHILL = N_("a step uphill: Adam's step is subtracted from w, and its size alpha_t is positive (1 − beta^t, not "
             "beta^t − 1)")
_NO_CORRECTION = N_("Adam without the bias correction: at the first steps m and v are still close to their start at 0 "
                    "(section 3)")
_ONLY_V = N_("only v bias-corrected: m needs its correction 1 − beta_1^t too")
_ONLY_M = N_("only m bias-corrected: v needs its correction 1 − beta_2^t too")
_T_PLUS = N_("a bias correction with beta^(t + 1): `t` is already the number of this step, 1 for the first")
_T_MINUS = N_("a bias correction with beta^(t − 1): `t` is the number of this step, 1 for the first, and the "
              "correction uses beta^t")
_EPS_IN_ROOT = N_("epsilon inside the square root, as in Keras's RMSprop; Keras's Adam adds it after the root")

#: Mistakes of the weight decay (the new part), with m and v right.
DECAY_MISTAKES = [
    ({"decay": "none"}, N_("Adam without the weight decay: AdamW also shrinks every weight by learning_rate · "
                           "weight_decay · w at each step (section 4)")),
    ({"decay": "after"}, N_("the decay applied to the new w, after Adam's step. That is not the order Keras follows: "
                            "read `inspect.getsource(keras.optimizers.AdamW._backend_apply_gradients)`")),
    ({"decay": "no_rate"}, N_("a decay of weight_decay · w, without the learning rate: Keras shrinks w by "
                              "learning_rate · weight_decay · w (section 4's zero-gradient step shows it)")),
    ({"decay": "alpha_t"}, N_("a decay scaled by Adam's bias-corrected step size alpha_t: Keras scales it by the "
                              "plain learning rate")),
    ({"decay": "grow"}, N_("a decay with the wrong sign: the weights grow instead of shrinking")),
    ({"decay": "rate_schedule"}, N_("Keras 2's `decay=`, a learning rate that decays over the steps: `weight_decay` "
                                    "shrinks the weights, not the rate")),
    ({"lazy": "all"}, N_("nothing done to the entries whose gradient is 0: Keras moves them too, and AdamW's decay "
                         "shrinks every weight, whatever its gradient")),
]

#: Mistakes of Adam's step on w, with m and v right and the decay Keras's (or one of the decay mistakes).
ADAM_STEP_MISTAKES = [
    ({"uphill": True}, _UPHILL),
    ({"uphill": True, "form": "paper"}, _UPHILL),
    ({"no_c1": True, "no_c2": True}, _NO_CORRECTION),
    ({"no_c1": True, "no_c2": True, "form": "paper"}, _NO_CORRECTION),
    ({"no_c1": True}, _ONLY_V),
    ({"no_c1": True, "form": "paper"}, _ONLY_V),
    ({"no_c2": True}, _ONLY_M),
    ({"no_c2": True, "form": "paper"}, _ONLY_M),
    ({"t_shift": 1}, _T_PLUS),
    ({"t_shift": 1, "form": "paper"}, _T_PLUS),
    ({"t_shift": -1}, _T_MINUS),
    ({"t_shift": -1, "form": "paper"}, _T_MINUS),
    ({"fixed_t": 1}, N_("the bias correction of step 1 at every step: use the argument `t`, the number of this "
                        "step")),
    ({"form": "paper"}, N_("Algorithm 1 of the paper, epsilon added to the *corrected* √v̂. Keras adds its epsilon "
                           "(the paper's ε̂) to the uncorrected √v, with the correction folded into the step "
                           "size (section 4)")),
    ({"form": "paper", "paper_epsilon": 1e-8}, N_("PyTorch's Adam: epsilon = 1e-8, added to the corrected √v̂ as in "
                                                  "Algorithm 1. Keras adds the epsilon it is given to the "
                                                  "uncorrected √v (section 4)")),
    ({"form": "eps_scaled_wrong"}, N_("epsilon converted the wrong way: in the form with m̂ and √v̂, Keras's "
                                      "epsilon becomes epsilon / √(1 − beta_2^t), not epsilon · √(1 − beta_2^t)")),
    ({"form": "eps_in_root"}, _EPS_IN_ROOT),
    ({"form": "eps_in_root_paper"}, _EPS_IN_ROOT),
    ({"form": "no_eps"}, N_("no epsilon in the denominator: where the gradient has been 0, m and v are 0, and "
                            "0/0 gives NaN")),
    ({"form": "no_root"}, N_("no square root of v: the step divides by the *root* mean square of the gradient")),
    ({"form": "no_sqrt_in_alpha"}, N_("the bias correction of v without its square root: v̂ is divided by "
                                      "1 − beta_2^t, so √v̂ by √(1 − beta_2^t)")),
    ({"form": "alpha_inverted"}, N_("the two bias corrections upside down: m̂ = m / (1 − beta_1^t) and "
                                    "v̂ = v / (1 − beta_2^t)")),
    ({"old_moments": True}, N_("the step taken with the old m and v: update them with g first, then step")),
]

#: What a step count kept outside the function looks like.
_COUNTER = N_("the bias correction of a later step: does your function count the steps itself, in a variable that "
              "runs on from an earlier run? Use the argument `t`, the number of this step (1 for the first)")


def _counter_mistakes(index):
    """A step count kept outside the function, that runs on from the check's earlier runs (65 steps a call)."""
    earlier = sum(len(run.gradients) for run in ADAMW_RUNS[:index])
    total = sum(len(run.gradients) for run in ADAMW_RUNS)
    return [({"t_shift": earlier + calls * total}, _COUNTER) for calls in range(4) if earlier + calls * total > 1]


def _tolerances(run, keras_w):
    """(rtol, atol) for w, m and v: float32 precision. w's atol: a few float32 roundings of the weight's size
    in this run, plus 0.03 % of a step (Keras's betas are float32: 1 - beta_2^t is 1e-5 off, and a float64 answer
    uses up to half of this over the 40 steps); m's and v's: 1e-5 relative, plus 1e-6 of the gradient's size
    (squared)."""
    g_scale = np.max(np.abs(run.gradients), axis=0)
    w_atol = 3e-4 * run.settings["learning_rate"] + 4e-6 * np.max(np.abs(keras_w), axis=0)
    return (0.0, w_atol), (1e-5, 1e-6 * g_scale), (1e-5, 1e-6 * g_scale**2)


def _close(a, b, tolerance, factor=1.0, nan_ok=False):
    """Is ``a`` within ``factor`` times the tolerance of ``b``? With ``nan_ok``, NaN matches NaN and inf inf."""
    rtol, atol = tolerance
    with np.errstate(all="ignore"):
        near = np.abs(a - b) <= factor * (rtol * np.abs(b) + atol)
        if nan_ok:
            near |= (np.isnan(a) & np.isnan(b)) | (a == b)
        else:
            near &= np.isfinite(a)
    return bool(np.all(near))


def _returned(result, shape, t):
    """The learner's (w, m, v) as float64 arrays of the weight's shape, or a Reply saying what is wrong."""
    if result is None:
        raise Reply(wrong(_("`adamw_step` returned None: is the `return w, m, v` line missing?")))
    if isinstance(result, np.ndarray) or hasattr(result, "numpy") and not isinstance(result, (tuple, list)):
        stacked = np.asarray(result.numpy() if hasattr(result, "numpy") else result)
        if stacked.shape == (3, *shape):  # np.array([w, m, v]): three things, stacked
            result = tuple(stacked)
    if not isinstance(result, (tuple, list)):
        raise Reply(wrong(_("`adamw_step` returned one {type}; return three things, the new w, m and v: "
                            "`return w, m, v`.").format(type=type(result).__name__)))
    if len(result) != 3:
        raise Reply(wrong(_("`adamw_step` returned {count} values; return three, the new w, m and v, in that "
                            "order.").format(count=len(result))))
    arrays = []
    for name, value in zip(("w", "m", "v"), result):
        if value is Ellipsis:
            raise Reply(wrong(_("the {name} that `adamw_step` returns is still `...`.").format(name=name)))
        if value is None:
            raise Reply(wrong(_("the {name} that `adamw_step` returns is None.").format(name=name)))
        if isinstance(value, (str, bytes, bool, dict)) or callable(value) and not hasattr(value, "numpy"):
            raise Reply(wrong(_("the {name} that `adamw_step` returns is a {type}, not an array.").format(
                name=name, type=type(value).__name__)))
        try:
            raw = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
            if np.iscomplexobj(raw):
                raise Reply(wrong(_("the {name} that `adamw_step` returns is complex; Adam's numbers are "
                                    "real.").format(name=name)))
            with np.errstate(all="ignore"):
                array = raw.astype(np.float64)
        except OverflowError:
            raise Reply(wrong(_("the {name} that `adamw_step` returns is too large for a float (beyond "
                                "1.8e308).").format(name=name))) from None
        except (TypeError, ValueError, AttributeError):
            raise Reply(wrong(_("the {name} that `adamw_step` returns cannot be read as an array of numbers "
                                "({type}).").format(name=name, type=type(value).__name__))) from None
        if array.shape != shape:
            raise Reply(wrong(_("at step {step}, the {name} that `adamw_step` returns has shape {shape}; it should "
                                "have the weight's shape {expected}: AdamW works element by element.").format(
                step=t, name=name, shape=array.shape, expected=shape)))
        arrays.append(array)
    return arrays


class _OptimizerCalled(BaseException):  # not an Exception: `call` must not turn it into "raised ..."
    """Raised when the learner's function runs an optimizer's step instead of writing the rule."""


@contextlib.contextmanager
def _no_optimizers():
    """While the learner's function runs, Keras's optimizers, course_utils's and TensorFlow's Adam kernels refuse."""
    import tensorflow as tf
    from keras.src.optimizers import adam, base_optimizer
    from tensorflow.python.ops import gen_training_ops

    from course_utils import optimizers

    patched = [(base_optimizer.BaseOptimizer, "apply"), (base_optimizer.BaseOptimizer, "stateless_apply"),
               (adam.Adam, "update_step"), (optimizers.Optimizer, "step"), (optimizers.Adam, "_update"),
               (tf.raw_ops, "ApplyAdam"), (tf.raw_ops, "ResourceApplyAdam"), (gen_training_ops, "apply_adam"),
               (gen_training_ops, "resource_apply_adam")]
    with refusing(patched, _OptimizerCalled):
        yield


def _step(adamw_step, run, t, w, g, m, v):
    """The learner's (w, m, v) after step ``t`` from (w, m, v), as float64 arrays (a Reply if it fails)."""
    settings = run.settings if run.keywords else {}
    try:
        with _no_optimizers():
            result = call(adamw_step, w.copy(), g.copy(), m.copy(), v.copy(), t, **settings, name="adamw_step")
    except _OptimizerCalled:
        raise Reply(wrong(_("`adamw_step` runs an optimizer's step (keras.optimizers.AdamW or Adam, "
                            "course_utils.optimizers, or TensorFlow's Adam kernel): the task is to write the rule "
                            "itself, with NumPy or TensorFlow operations. Keras's AdamW is what the check compares "
                            "your function with; to compare it yourself, run it outside your function."))) from None
    return _returned(result, run.start.shape, t)


class _Window:
    """The learner's first wrong step and the next ones, each from the learner's own state: what a named
    mistake must explain, step after step."""

    def __init__(self, index, steps, tolerances):
        self.run, self.steps, self.tolerances = ADAMW_RUNS[index], steps, tolerances  # steps: [(t, inputs, outputs)]
        self.references = [_adamw(*inputs, t, self.run.settings) for t, inputs, _ in steps]
        keras_w, keras_m, keras_v = keras_adamw_path(index)
        self.keras = [(keras_w[t], keras_m[t - 1], keras_v[t - 1]) for t, _, _ in steps]

    def part_right(self, k, i):
        return _close(self.steps[k][2][i], self.references[k][i], self.tolerances[i])

    def _own_run(self, settings, variant):
        """The mistake's own run from the start, with its own state (kept in float32, as Keras keeps it)."""
        w, m, v = self.run.start, np.zeros_like(self.run.start), np.zeros_like(self.run.start)
        outputs = {}
        for t in range(1, self.steps[-1][0] + 1):
            w, m, v = (out.astype(np.float32) for out in _adamw(w, self.run.gradients[t - 1], m, v, t, settings,
                                                                   variant))
            outputs[t] = (w, m, v)
        return [outputs[t] for t, _, _ in self.steps]

    def explained(self, parts, settings=None, variant=None):
        """Does the mistake (``settings`` used instead of the run's, or ``variant``) explain the learner's ``parts``
        (0 w, 1 m, 2 v)? From the learner's own state, it must give the learner's values at every step of the
        window; for w, its own run from the start must give them too, and depart from Keras's run there. For m and
        v the learner's own state is enough: a second slip elsewhere (in w's step) changes the mistake's own run
        (L2's g + weight_decay·w depends on w), not what the mistake does to m and v."""
        settings = settings or self.run.settings
        tolerances = self.tolerances
        if not all(np.any(np.isfinite(self.steps[0][2][i])) for i in parts):
            return False  # nothing but NaN and infinity: every mistake that divides by 0 would match
        candidates = [_adamw(*inputs, t, settings, variant) for t, inputs, _ in self.steps]
        for (t, inputs, outputs), candidate in zip(self.steps, candidates):
            if not all(_close(outputs[i], candidate[i], tolerances[i], factor=2, nan_ok=True) for i in parts):
                return False
        if 0 not in parts:  # m and v: the mistake explains the window, and departs from Keras's rule there
            return any(not _close(candidate[i], reference[i], tolerances[i])
                       for candidate, reference in zip(candidates, self.references) for i in parts)
        own = self._own_run(settings, variant)
        if not all(_close(outputs[i], mine[i], tolerances[i], factor=2, nan_ok=True)
                   for (_, _, outputs), mine in zip(self.steps, own) for i in parts):
            return False
        return any(not _close(mine[i], keras[i], tolerances[i]) for mine, keras in zip(own, self.keras) for i in parts)

    def adam_part_is_a_multiple(self, whole=False):
        """Is the learner's Adam step (its change of w beyond Keras's decay) a constant multiple of Keras's? With
        ``whole``: is the learner's whole change of w (decay and Adam's step) a constant multiple of Keras's?"""
        shrink = 1.0 if whole else 1 - self.run.settings["learning_rate"] * self.run.settings["weight_decay"]
        with np.errstate(all="ignore"):
            ours = np.concatenate([(inputs[0] * shrink - outputs[0]).ravel() for _, inputs, outputs in self.steps])
            keras = np.concatenate([(inputs[0] * shrink - ref[0]).ravel()
                                    for (_, inputs, _), ref in zip(self.steps, self.references)])
            atol = np.concatenate([np.broadcast_to(self.tolerances[0][1], inputs[0].shape).ravel()
                                   for _, inputs, _ in self.steps])
            if not (np.all(np.isfinite(ours)) and np.any(keras != 0)):
                return False
            ratio = np.sum(ours * keras) / np.sum(keras * keras)
            left = np.abs(ours - ratio * keras)  # what the multiple leaves unexplained: little, and far less than 1 x
            return bool(ratio > 0 and np.all(left <= 2 * atol) and np.any(np.abs(ours - keras) > atol)
                        and np.max(left) <= 0.25 * np.max(np.abs(ours - keras)))


def _ignored_settings(run):
    """Every way of ignoring some of the run's settings (using AdamW's defaults instead): [(names, settings)]."""
    changed = [name for name in ADAMW_DEFAULTS if run.settings[name] != ADAMW_DEFAULTS[name]]
    ways = []
    for mask in range(1, 2 ** len(changed)):
        names = [name for i, name in enumerate(changed) if mask >> i & 1]
        ways.append((names, {**run.settings, **{name: ADAMW_DEFAULTS[name] for name in names}}))
    return sorted(ways, key=lambda way: len(way[0]))


def _defaults_text(names):
    """``beta_1 = 0.9, beta_2 = 0.999``: the settings ignored, with AdamW's defaults."""
    return ", ".join(f"{name} = {ADAMW_DEFAULTS[name]:g}" for name in names)


def _probe_t_minus_1(adamw_step, index):
    """A function whose step 1 is all NaN: from Keras's own state at steps 2 to 4, does it compute beta^(t - 1)?"""
    run = ADAMW_RUNS[index]
    keras_w, keras_m, keras_v = keras_adamw_path(index)
    tolerance = _tolerances(run, keras_w)[0]
    for t in range(2, 2 + WINDOW - 1):
        inputs = (keras_w[t - 1], run.gradients[t - 1], keras_m[t - 2], keras_v[t - 2])
        ours = _step(adamw_step, run, t, *inputs)[0]
        if not _close(ours, _adamw(*inputs, t, run.settings, {"t_shift": -1})[0], tolerance, factor=2):
            return False
    return True


def _diagnose(adamw_step, index, window, expected):
    """Why the learner's step differs from Keras's: a named mistake that explains every step of the window, or
    which of w, m, v is off."""
    run = ADAMW_RUNS[index]
    t, outputs = window.steps[0][0], window.steps[0][2]
    tolerances = window.tolerances
    where = {"run": _(run.name), "step": t}  # "In the run with {run}, step {step}: ..."
    for order, label in [((0, 2, 1), "w, v, m"), ((1, 2, 0), "m, v, w"), ((2, 1, 0), "v, m, w"),
                         ((1, 0, 2), "m, w, v"), ((2, 0, 1), "v, w, m")]:
        if all(_close(outputs[i], expected[j], tolerances[j]) for i, j in enumerate(order)):
            raise Reply(wrong(_("In the run with {run}, step {step}: the right values come back in the order "
                                "{order}. Return w, m, v.").format(**where, order=label)))
    ignored = _ignored_settings(run) if run.keywords else []

    moments_wrong = [k for k in range(len(window.steps)) if not (window.part_right(k, 1) and window.part_right(k, 2))]
    if moments_wrong:
        k = moments_wrong[0]
        where = {**where, "step": window.steps[k][0]}
        for variant, returned in RETURNED_HAT:
            if window.explained((1, 2), variant=variant):
                raise Reply(wrong(_("In the run with {run}, step {step}: you return the bias-corrected {returned}. "
                                    "Return the plain averages m and v, as Keras stores them; the correction is "
                                    "computed afresh at each step.").format(**where, returned=_(returned))))
        for names, settings in ignored:
            if window.explained((1, 2), settings=settings):
                shown = {**where, "defaults": _defaults_text(names)}
                if len(names) > 1:
                    raise Reply(wrong(_("In the run with {run}, step {step}: your m and v are those for {defaults} "
                                        "(AdamW's defaults), not the values passed in. Use the arguments.").format(
                        **shown)))
                raise Reply(wrong(_("In the run with {run}, step {step}: your m and v are those for {defaults} "
                                    "(AdamW's default), not the values passed in. Use the arguments.").format(**shown)))
        for variant, description in MOMENT_MISTAKES:
            if window.explained((1, 2), variant=variant):
                raise Reply(wrong(_("In the run with {run}, step {step}: your m and v look like {mistake}.").format(
                    **where, mistake=_(description))))
        inputs, returned = window.steps[k][1:]
        if all(np.array_equal(returned[i], np.asarray(inputs[i + 1], np.float64)) for i in (1, 2)):
            raise Reply(wrong(_("In the run with {run}, step {step}: the m and v you return are the ones your "
                                "function was given: update them with g, and return the new ones.").format(**where)))
        if all(_close(returned[i], reference[i], (1e-2, 100 * tolerances[i][1]))  # 1 %: float16 is about 0.1 %,
               for (_t, _inputs, returned), reference in zip(window.steps, window.references) for i in (1, 2)):
            # and more where its v is subnormal (below 6e-5)
            raise Reply(wrong(_("In the run with {run}, step {step}: your m and v are close to Keras's, but not to "
                                "float32 precision: arithmetic in less than float32 (float16?), or a constant "
                                "rounded?").format(**where)))
        wrong_ones = [name for name, i in (("m", 1), ("v", 2)) if not window.part_right(k, i)]
        if len(wrong_ones) == 1:
            raise Reply(wrong(_("In the run with {run}, step {step}: the {name} you return is not Keras's. Both are "
                                "exponential averages of the gradient g itself (its square for v), updated before "
                                "the step on w; compare yours with section 3's formulas.").format(
                **where, name=wrong_ones[0])))
        raise Reply(wrong(_("In the run with {run}, step {step}: the m and v you return are not Keras's. Both are "
                            "exponential averages of the gradient g itself (its square for v), updated before the "
                            "step on w; compare yours with section 3's formulas.").format(**where)))

    if np.array_equal(outputs[0], np.asarray(window.steps[0][1][0], np.float64)):
        raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but w does not move: do you "
                            "return the old w? (At step 1, a step taken with the old m and v, still 0, does not move "
                            "it either: update them with g first.)").format(**where)))
    without_epsilon = window.explained((0,), variant={"form": "no_eps"})
    for names, settings in ignored:
        if "epsilon" in names and without_epsilon:
            continue  # AdamW's default epsilon is indistinguishable from none here
        if window.explained((0,), settings=settings):
            shown = {**where, "defaults": _defaults_text(names)}
            if len(names) > 1:
                raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but the step on w is the "
                                    "one for {defaults} (AdamW's defaults), not the values passed in. Use the "
                                    "arguments.").format(**shown)))
            raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but the step on w is the one "
                                "for {defaults} (AdamW's default), not the values passed in. Use the "
                                "arguments.").format(**shown)))
    if without_epsilon and window.explained((0,), variant={"form": "paper", "paper_epsilon": 1e-8}):
        raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but the step on w is what it "
                            "would be without epsilon, or with one far smaller than the `epsilon` passed in "
                            "(PyTorch's 1e-8?). Keras adds the `epsilon` it is given to the uncorrected √v (section "
                            "4).").format(**where)))
    for variant, description in DECAY_MISTAKES + ADAM_STEP_MISTAKES + _counter_mistakes(index):
        if window.explained((0,), variant=variant):
            raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but the step on w looks like "
                                "{mistake}.").format(**where, mistake=_(description))))
    if run.keywords:  # two mistakes at once, where the decay is large enough to tell (not with the defaults)
        for decay, decay_description in DECAY_MISTAKES:
            for adam, adam_description in ADAM_STEP_MISTAKES + _counter_mistakes(index):
                if window.explained((0,), variant={**adam, **decay}):
                    raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but the step on w "
                                        "has two mistakes. It looks like {decay}; and like {adam}.").format(
                        **where, decay=_(decay_description), adam=_(adam_description))))
    if window.adam_part_is_a_multiple():
        raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but Adam's step on w is a "
                            "constant multiple of Keras's at every step: check the learning rate and the constant "
                            "factors of the step size alpha_t.").format(**where)))
    if window.adam_part_is_a_multiple(whole=True):
        raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but your whole change of w, the "
                            "decay and Adam's step together, is a constant multiple of Keras's at every step: check "
                            "the learning rate.").format(**where)))
    if not np.all(np.isfinite(outputs[0])):
        if t == 1 and not np.any(np.isfinite(outputs[0])) and _probe_t_minus_1(adamw_step, index):
            raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but your w is NaN: at step 1 "
                                "your bias correction divides by 1 − beta^0 = 0. Later steps look like a bias "
                                "correction with beta^(t − 1), too: `t` is the number of this step, 1 for the first, "
                                "and the correction uses beta^t.").format(**where)))
        raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but your w contains NaN or "
                            "infinity: a division by 0, or the root of a negative number?").format(**where)))
    if all(window.part_right(k, 0) for k in range(len(window.steps))):
        raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but w has drifted away from "
                            "Keras's: each of your steps is close to Keras's, but the small differences add up. A "
                            "constant slightly off (a rounded learning rate?), or arithmetic in less than "
                            "float32?").format(**where)))
    raise Reply(wrong(_("In the run with {run}, step {step}: m and v are right, but the step on w is not Keras's "
                        "AdamW. Look at the weight decay (by how much, and before or after Adam's step), the bias "
                        "correction (which power of the betas at step t) and where epsilon goes (section "
                        "4).").format(**where)))


def _check_signature(adamw_step):
    """The check calls adamw_step(w, g, m, v, t) in run 1 and with every setting as a keyword in run 2."""
    try:
        signature = inspect.signature(adamw_step)
    except (TypeError, ValueError):  # no signature to read (a builtin): calling it will tell
        return
    try:
        signature.bind(0, 0, 0, 0, 1, **ADAMW_DEFAULTS)
    except TypeError as error:
        raise Reply(wrong(_("the check calls adamw_step(w, g, m, v, t, learning_rate=..., weight_decay=..., "
                            "beta_1=..., beta_2=..., epsilon=...), and your function does not accept that: "
                            "{error}.").format(error=error))) from None
    try:
        signature.bind(0, 0, 0, 0, 1)
    except TypeError as error:
        raise Reply(wrong(_("the check's first run calls adamw_step(w, g, m, v, t), so that the defaults of your "
                            "signature apply, and your function does not accept that: {error}. Give every setting "
                            "its default: {signature}.").format(error=error, signature=SIGNATURE))) from None
    for name, default in ADAMW_DEFAULTS.items():
        parameter = signature.parameters.get(name)
        if parameter is None or parameter.default is inspect.Parameter.empty:
            continue
        try:
            same = bool(np.isclose(float(parameter.default), default, rtol=1e-6, atol=0))
        except (TypeError, ValueError, OverflowError):
            same = False
        if not same:
            raise Reply(wrong(_("your signature gives `{name}` the default {default}; the task's (AdamW's "
                                "defaults) is {signature}. The check's first run relies on the defaults.").format(
                name=name, default=repr(parameter.default), signature=SIGNATURE)))


def _check_own_defaults(adamw_step, run, t, inputs, outputs, tolerances):
    """In the run that relies on the function's defaults: does the same step with AdamW's defaults passed by name
    give Keras's step, and the call without them not? Then the function's own defaults are wrong."""
    named = _step(adamw_step, dataclasses.replace(run, keywords=True), t, *inputs)
    reference = _adamw(*inputs, t, run.settings)
    if all(_close(a, b, tolerance) for a, b, tolerance in zip(named, reference, tolerances)) and not all(
            _close(a, b, tolerance) for a, b, tolerance in zip(outputs, named, tolerances)):
        raise Reply(wrong(_("In the run with {run}, step {step}: called with AdamW's defaults passed by name, your "
                            "function gives Keras's step; called as adamw_step(w, g, m, v, t), it does not. The "
                            "defaults your function uses are not AdamW's: {signature}.").format(
            run=_(run.name), step=t, signature=SIGNATURE)))


def _check_adamw_step(adamw_step):
    if adamw_step is Ellipsis:
        raise Reply(not_yet("adamw_step"))
    if not callable(adamw_step):
        raise Reply(wrong(_("`adamw_step` should be a function (def {signature}: ...), not a {type}.").format(
            signature=SIGNATURE, type=type(adamw_step).__name__)))
    _check_signature(adamw_step)
    paths = [keras_adamw_path(index) for index in range(len(ADAMW_RUNS))]  # before any optimizer is refused
    for index, (run, (keras_w, keras_m, keras_v)) in enumerate(zip(ADAMW_RUNS, paths)):
        tolerances = _tolerances(run, keras_w)
        w, m, v = run.start.copy(), np.zeros_like(run.start), np.zeros_like(run.start)
        for step, g in enumerate(run.gradients):
            t = step + 1
            outputs = _step(adamw_step, run, t, w, g, m, v)
            expected = (keras_w[t], keras_m[step], keras_v[step])
            if not all(_close(out, exp, tolerance) for out, exp, tolerance in zip(outputs, expected, tolerances)):
                steps = [(t, (w, g, m, v), outputs)]
                while len(steps) < WINDOW and steps[-1][0] < len(run.gradients):  # the learner's next steps
                    later = steps[-1][0] + 1
                    state = tuple(out.astype(np.float32) for out in steps[-1][2])
                    inputs = (state[0], run.gradients[later - 1], state[1], state[2])
                    steps.append((later, inputs, _step(adamw_step, run, later, *inputs)))
                if not run.keywords:  # after the window: a function with a step counter of its own sees one more call
                    _check_own_defaults(adamw_step, run, t, (w, g, m, v), outputs, tolerances)
                _diagnose(adamw_step, index, _Window(index, steps, tolerances), expected)
            w, m, v = (out.astype(np.float32) for out in outputs)  # Keras keeps w, m and v in float32
    (steps_1, settings_1, shape_1), (steps_2, settings_2, shape_2) = (
        (len(run.gradients), _(run.short), "×".join(map(str, run.start.shape))) for run in ADAMW_RUNS)
    return passed(_("`adamw_step` follows keras.optimizers.AdamW at every step, to float32 precision: {steps_1} steps "
                    "with {settings_1} ({shape_1} weights) and {steps_2} steps with {settings_2} ({shape_2} "
                    "weights).").format(steps_1=steps_1, settings_1=settings_1, shape_1=shape_1, steps_2=steps_2,
                                        settings_2=settings_2, shape_2=shape_2))


ex1 = Exercise(
    "ex1", "rmsprop_adam", _check_adamw_step,
    hints=[
        N_("AdamW's step is Adam's step plus a shrink of the weight. Two questions decide the shrink. Is the decay "
           "applied to g, to m and v, or to w itself? And if to w: the w before Adam's step, or the one after it?"),
        N_("Ask Keras. Its source shows what an optimizer does around its update step: "
           "`print(inspect.getsource(keras.optimizers.AdamW._backend_apply_gradients))`, then the same for "
           "`_apply_weight_decay`. Or run keras.optimizers.AdamW on a tf.Variable for one step, with a learning rate "
           "and a weight decay large enough for the two orders to differ (with the defaults the difference is below "
           "float32 resolution), and compare. The Adam part is section 4's formula, written as a function of (w, g, "
           "m, v, t): update m and v first, then step with alpha_t and epsilon added to the uncorrected √v. Use the "
           "arguments, and return w, m, v."),
        N_("To see where you differ, run keras.optimizers.AdamW on a tf.Variable *outside* your function, step after "
           "step (`optimizer.apply_gradients([(tf.constant(g), variable)])`), feed your function the same g, and "
           "compare variable.numpy() with your w after each step. Inside adamw_step the check refuses any "
           "optimizer."),
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
        raise Reply(wrong(_("`chosen_rho` is an object with a configuration (an optimizer?); store the number rho "
                            "itself in `chosen_rho`.")))
    value = as_numbers(chosen_rho, "chosen_rho")
    if value.size != 1:
        raise Reply(wrong(_("`chosen_rho` should be one number, but it has shape {shape}.").format(shape=value.shape)))
    rho = float(value.reshape(()))
    if rho > 1:
        raise Reply(wrong(_("`chosen_rho` = {rho} is not between 0 and 1. rho is the decay factor of the average, not "
                            "the memory in steps.").format(rho=repr(rho))))
    if rho == 1:
        raise Reply(wrong(_("with `chosen_rho` = 1 the average v never moves from 0: RMSprop would divide by "
                            "√epsilon for ever. rho must be below 1.")))
    if rho < 0:
        raise Reply(wrong(_("`chosen_rho` = {rho} is negative; rho is a decay factor from 0 to 1.").format(
            rho=repr(rho))))
    losses = keras_rmsprop_losses(rho)
    start_loss = losses[0]
    shown = {"rho": repr(rho), "target": _TARGET, "steps": STEPS}
    finite = np.isfinite(losses)
    above = np.nonzero(~finite | (losses > start_loss))[0]
    if above.size:
        peak = np.max(np.where(finite, losses, np.inf)[: above[0] + 20])
        raise Reply(wrong(_("with `chosen_rho` = {rho}, the loss rises above its start ({start}) at step {step}, up "
                            "to {peak}. v starts at 0, so RMSprop's first steps are about η/√(1 − rho) long: the "
                            "longer the memory, the longer they are. A shorter memory (a smaller rho) keeps them in "
                            "bounds.").format(rho=repr(rho), start=f"{start_loss:g}", step=above[0],
                                               peak=f"{peak:.3g}")))
    if np.all(losses[HOLD_FROM:] < TARGET):
        return passed(_("with rho = {rho}, Keras's RMSprop at η = {rate} never rises above its starting loss {start}, "
                        "and its loss stays below {target} from step {hold} to step {steps}.").format(
            rho=f"{rho:.6g}", rate=RATE, start=f"{start_loss:g}", target=_TARGET, hold=HOLD_FROM, steps=STEPS))
    below = np.nonzero(losses < TARGET)[0]
    if not below.size:
        stall = np.median(losses[-50:])
        raise Reply(wrong(_("with `chosen_rho` = {rho}, the loss never gets below {target} in {steps} steps: it ends "
                            "near {stall}, RMSprop's jitter (section 2). A short memory forgets the large early "
                            "gradients, and the effective rate climbs past the stable limit. A longer memory (a "
                            "larger rho) postpones that.").format(**shown, stall=f"{stall:.1e}")))
    back = below[0] + int(np.argmax(losses[below[0]:] >= TARGET))  # the first step above again
    if back == below[0]:  # below only from a step after HOLD_FROM: no rho of a 500-value scan does this (kept so
        # that the message below, "back above at step ...", is never given where the loss does not come back)
        raise Reply(wrong(_("with `chosen_rho` = {rho}, the loss gets below {target} only at step {step}: it should "
                            "be below from step {hold} on. Compare a few values of rho on both sides of "
                            "yours.").format(**shown, step=below[0], hold=HOLD_FROM)))
    raise Reply(wrong(_("with `chosen_rho` = {rho}, the loss gets below {target} at step {step}, but the jitter "
                        "brings it back above at step {back}, before step {steps}: v has forgotten the large early "
                        "gradients, and the effective rate has climbed past the stable limit. A longer memory (a "
                        "larger rho) postpones that.").format(**shown, step=below[0], back=back)))


ex2 = Exercise(
    "ex2", "rmsprop_adam", _check_rho,
    hints=[
        N_("Two things can go wrong, in opposite directions. Section 2 shows one of them (what happens once a "
           "gradient becomes tiny), and its note on the longest memory shows the other (the very first steps). Try "
           "a few values and look at both ends of each run."),
        N_("For several rho between 0.9 and 0.9999, run descend(scaled, start, 500, RMSprop(learning_rate=0.02, "
           "rho=rho).step) and print the largest loss after step 0, the first step below 1e-6 and whether the loss "
           "is below 1e-6 from step 300 on. Keep a rho well inside the range that works, not at its edge."),
    ],
)
