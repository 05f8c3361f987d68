"""05 · SGD, momentum, Nesterov and decay: the exercises of notebooks/05_sgd_momentum.ipynb.

- ``ex1``: the learner's ``sgd_step``, SGD with momentum and Keras's weight decay, runs next to
  ``keras.optimizers.SGD(..., weight_decay=...)`` on a ``tf.Variable``;
- ``ex2``: how far a Keras 2 recipe's ``decay=`` lowered its rate;
- ``ex3``: a Keras 2 training's per-epoch ``LearningRateScheduler``, turned into one Keras 3 optimizer with a schedule.
"""

import contextlib
import functools
import inspect
import re
from dataclasses import dataclass

import numpy as np

from course_utils import checks
from course_utils.checks import Exercise, Reply, as_numbers, call, not_yet, passed, refusing, wrong
from course_utils.i18n import N_, _

# --- Exercise 1: one step of Keras's SGD with momentum and weight decay ------------------------------------


@dataclass(frozen=True)
class _Run:
    """One run of the learner's function next to Keras: its inputs, the settings, Nesterov or not."""

    label: str
    tensors: bool  # pass tf tensors (True) or NumPy arrays (False)
    shape: tuple
    learning_rate: float
    momentum: float
    weight_decay: float
    nesterov: bool
    seed: int


#: The runs of exercise 1 (20 steps each, float32, on the check's own gradients). A shape never starts with 2,
#: so that a function returning one array instead of a pair cannot be unpacked into two by accident.
RUNS = (
    _Run(N_("NumPy float32 weights of shape (4,), learning_rate=0.05, momentum=0.9, weight_decay=0.2"),
        False, (4,), 0.05, 0.9, 0.2, False, 51),
    _Run(N_("tf.Tensor float32 weights of shape (3, 2), learning_rate=0.02, momentum=0.95, weight_decay=0.5, "
            "nesterov=True"), True, (3, 2), 0.02, 0.95, 0.5, True, 52),
    _Run(N_("tf.Tensor float32 weights of shape (5,), learning_rate=0.1, momentum=0.5, weight_decay=0.04"),
        True, (5,), 0.1, 0.5, 0.04, False, 53),
)
STEPS = 20


def _run_data(run):
    rng = np.random.default_rng(run.seed)
    start = rng.normal(size=run.shape).astype("float32")
    gradients = rng.normal(size=(STEPS, *run.shape)).astype("float32")
    return start, gradients


@functools.lru_cache(maxsize=None)
def keras_reference(index, weight_decay=None):
    """Keras's weights and velocity after every step of run ``index``: SGD applied to a tf.Variable.

    weight_decay: the run's own (None), or another one (0.0: the probe that tells a wrong momentum step from a
    wrong weight decay).
    """
    import keras
    import tensorflow as tf

    run = RUNS[index]
    start, gradients = _run_data(run)
    optimizer = keras.optimizers.SGD(
        learning_rate=run.learning_rate, momentum=run.momentum, nesterov=run.nesterov,
        weight_decay=run.weight_decay if weight_decay is None else weight_decay)
    variable = tf.Variable(start)
    weights, velocities = [], []
    for gradient in gradients:
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        weights.append(variable.numpy().astype(np.float64))
        velocities.append(optimizer.momentums[0].numpy().astype(np.float64))
    return np.array(weights), np.array(velocities)


# The mistakes learners make, each as a step function like theirs (float64). Named when the learner's weights follow
# one at every step. Each takes (w, velocity, g, lr, mu, wd, nesterov) and returns (w, velocity).


def _momentum(w, v, g, lr, mu, nesterov):  # only to build the mistakes below (the reference is Keras itself)
    v_new = mu * v - lr * g
    return (w + mu * v_new - lr * g if nesterov else w + v_new), v_new


def _decayed_first(momentum_rule):
    """Keras's weight decay (the weights shrink by lr·wd·w before the step), then ``momentum_rule``."""
    def step(w, v, g, lr, mu, wd, nesterov):
        return momentum_rule(w - lr * wd * w, v, g, lr, mu, nesterov)
    return step


def _no_decay(w, v, g, lr, mu, wd, nesterov):
    return _momentum(w, v, g, lr, mu, nesterov)


def _coupled(factor):
    def step(w, v, g, lr, mu, wd, nesterov):  # L2: the decay joins the gradient, and so the velocity
        return _momentum(w, v, g + factor * wd * w, lr, mu, nesterov)
    return step


def _decay_without_rate(w, v, g, lr, mu, wd, nesterov):
    return _momentum(w - wd * w, v, g, lr, mu, nesterov)


def _decay_after(w, v, g, lr, mu, wd, nesterov):
    w, v = _momentum(w, v, g, lr, mu, nesterov)
    return w - lr * wd * w, v


def _decay_growing(w, v, g, lr, mu, wd, nesterov):
    return _momentum(w + lr * wd * w, v, g, lr, mu, nesterov)


def _plain_sgd(w, v, g, lr, mu, nesterov):
    return w - lr * g, v


def _dampened(w, v, g, lr, mu, nesterov):
    v = mu * v - (1 - mu) * lr * g
    return (w + mu * v - (1 - mu) * lr * g if nesterov else w + v), v


def _other_form(w, v, g, lr, mu, nesterov):
    return _momentum(w, v, g, lr, mu, not nesterov)


def _weights_first(w, v, g, lr, mu, nesterov):
    return w + v, mu * v - lr * g


def _uphill(w, v, g, lr, mu, nesterov):
    return _momentum(w, v, -g, lr, mu, nesterov)


def _swapped_return(w, v, g, lr, mu, nesterov):
    w, v = _momentum(w, v, g, lr, mu, nesterov)
    return v, w


def _reordered(order):
    """The learner's parameters (learning_rate, momentum, weight_decay) in another order."""
    def step(w, v, g, lr, mu, wd, nesterov):
        values = dict(zip(order, (lr, mu, wd)))
        return _decayed_first(_momentum)(w, v, g, values["lr"], values["mu"], values["wd"], nesterov)
    return step


def _fixed(lr, mu, wd):
    def step(w, v, g, _lr, _mu, _wd, nesterov):
        return _decayed_first(_momentum)(w, v, g, lr, mu, wd, nesterov)
    return step


_REORDERED = N_("`learning_rate`, `momentum` and `weight_decay` in another order: check the order of your function's "
                "parameters: (w, velocity, gradient, learning_rate, momentum, weight_decay)")
_FIXED = N_("fixed numbers in place of the arguments: use the `learning_rate`, `momentum` and `weight_decay` the "
            "function receives")

#: Each mistake's description completes "They look like ...": marked here, translated where it is shown.
STEP_MISTAKES = (
    (N_("Keras's momentum step without any weight decay: `weight_decay` changes nothing in your step. Keras's SGD "
        "does apply it: find where in Keras's source"), _no_decay),
    (N_("weight decay added to the gradient, so that it goes through the velocity: that is an L2 penalty's gradient "
        "(and what `torch.optim.SGD(weight_decay=...)` does). Keras's weight decay is *decoupled*: it shrinks the "
        "weights themselves, and the velocity never sees it"), _coupled(1.0)),
    (N_("weight decay as the gradient of an L2 penalty weight_decay·‖w‖², added to the gradient: Keras's weight "
        "decay is *decoupled*: it shrinks the weights themselves, and the velocity never sees it"), _coupled(2.0)),
    (N_("weights that shrink by weight_decay·w at every step, without the learning rate (as in Loshchilov & "
        "Hutter's SGDW with a constant schedule): read how Keras scales the decay"), _decay_without_rate),
    (N_("weights that shrink *after* the momentum step: Keras applies its weight decay at another moment of the "
        "step: read the order of the calls in the optimizer's `apply`"), _decay_after),
    (N_("weights that *grow* with weight decay: the sign of the decay is flipped"), _decay_growing),
    (N_("plain SGD: the velocity is not carried from one step to the next, so the momentum does nothing"),
     _decayed_first(_plain_sgd)),
    (N_("the dampened form, with a factor (1 − momentum) on the gradient (PyTorch's `dampening`, or an average of "
        "the gradients): Keras's velocity adds the whole step −learning_rate·g"), _decayed_first(_dampened)),
    ((N_("Nesterov's step, but this run did not ask for it: is your default nesterov=False, and does the plain "
         "step ignore the look-ahead?"),
      N_("the plain momentum step, but this run asked for nesterov=True (a look-ahead from the velocity *before* "
         "its update gives the same: look ahead from the new one)")), _decayed_first(_other_form)),
    (N_("the weights moved by the velocity *before* it was updated with this step's gradient: update the velocity "
        "first, then the weights"), _decayed_first(_weights_first)),
    (N_("steps uphill: a sign is flipped, in the gradient term or where the weights add the velocity"),
     _decayed_first(_uphill)),
    (N_("the velocity returned in place of the weights: return `(w, velocity)`, in that order"),
     _decayed_first(_swapped_return)),
    *((_REORDERED, _reordered(order))
      for order in (("mu", "lr", "wd"), ("lr", "wd", "mu"), ("wd", "mu", "lr"), ("mu", "wd", "lr"),
                    ("wd", "lr", "mu"))),
    (_FIXED, _fixed(0.01, 0.9, 0.01)),
    (_FIXED, _fixed(0.1, 0.9, 0.5)),
)


def _then(first, second):
    """Two sentences, one after the other."""
    # TRANSLATORS: two sentences in a row; Chinese puts no space after the full stop 。 of the first.
    return _("{first} {second}").format(first=first, second=second)


def _at(run_number, step, problem):
    """A diagnosis of one step of one run."""
    return _("Run {run}, step {step}: {problem}").format(run=run_number, step=step, problem=problem)


def _diagnosis(reply):
    """A ❌ or 📝 reply's diagnosis, without its verdict (``wrong("...")`` gives back the "...")."""
    message, verdict = reply.feedback.message, wrong("").message
    if message.startswith(verdict):
        return message[len(verdict):]
    return re.split(r": |：", message, maxsplit=1)[-1]


def _pair(result, run_number, step):
    if result is None:
        raise Reply(wrong(_at(run_number, step, _(
            "`sgd_step` returned None (a function without `return` gives None). Return the new weights and the new "
            "velocity: `return w, velocity`."))))
    if isinstance(result, (str, bytes, dict, set)):
        raise Reply(wrong(_at(run_number, step, _("`sgd_step` returned a {kind}; return the pair `(w, velocity)`.")
                              .format(kind=type(result).__name__))))
    count = len(result) if isinstance(result, (tuple, list)) else 1
    try:
        w, velocity = result
    except (TypeError, ValueError):
        problem = (_("`sgd_step` should return two values, the new weights and the new velocity "
                     "(`return w, velocity`), not {count} values.") if count != 1 else
                   _("`sgd_step` should return two values, the new weights and the new velocity "
                     "(`return w, velocity`), not one {kind}."))
        raise Reply(wrong(_at(run_number, step, problem.format(count=count, kind=type(result).__name__)))) from None
    return w, velocity


def _values(value, what, shape, run_number, step):
    try:
        values = as_numbers(value, what)
    except Reply as reply:
        raise Reply(wrong(_at(run_number, step, _diagnosis(reply)))) from None
    if values.shape != shape:
        problem = (_("the weights you returned have shape {shape}, but the weights given to the function have shape "
                     "{expected}: return arrays of that shape.") if what == "weights" else
                   _("the velocity you returned has shape {shape}, but the weights given to the function have shape "
                     "{expected}: return arrays of that shape."))
        raise Reply(wrong(_at(run_number, step, problem.format(shape=values.shape, expected=shape))))
    return values.copy()


class _KerasCalled(BaseException):  # not an Exception: `call` must not turn it into "raised ..."
    """Raised when the learner's function runs a Keras optimizer's step instead of writing it."""


@contextlib.contextmanager
def _no_keras_optimizer():
    """While the learner's function runs, a Keras optimizer's step raises _KerasCalled (and changes nothing)."""
    from keras.src.backend.tensorflow import optimizer as tf_optimizer
    from keras.src.optimizers import base_optimizer, sgd

    guarded = ((base_optimizer.BaseOptimizer, "apply"), (base_optimizer.BaseOptimizer, "_apply_weight_decay"),
               (tf_optimizer.TFOptimizer, "_apply_weight_decay"), (sgd.SGD, "update_step"))
    with refusing(guarded, _KerasCalled):
        yield


def _call_step(function, run, run_number, step, args, extra):
    try:
        with _no_keras_optimizer():
            return call(function, *args, name="sgd_step", **extra)
    except _KerasCalled:
        raise Reply(wrong(_("`sgd_step` runs a Keras optimizer's step (`apply_gradients`, `apply`, `update_step` or "
                            "`_apply_weight_decay`): the task is to write the step yourself, with +, − and *. Keras "
                            "is what the check compares your step with.")))
    except Reply as reply:
        if not reply.feedback.message.startswith("❌"):
            raise
        message = _diagnosis(reply).rstrip(".。")  # `call`'s "raised <error>: ..." keeps the error's English name
        if re.search(r"\bTypeError\b", message) and "argument" in message:
            message = _("{problem}. The check calls it as sgd_step(w, velocity, gradient, learning_rate, momentum, "
                        "weight_decay{nesterov}): keep the task's parameters").format(
                problem=message, nesterov=", nesterov=True" if run.nesterov else "")
        elif re.search(r"\bAttributeError\b", message) and any(name in message for name in (
                "assign", "numpy", "copy", "astype", "_id")):
            message = (_("{problem}. This run gives your function tf tensors (not tf.Variables): write the step with "
                         "+, − and *, which both NumPy arrays and tf tensors have, and return new values")
                       if run.tensors else
                       _("{problem}. This run gives your function NumPy arrays (not tf.Variables): write the step "
                         "with +, − and *, which both NumPy arrays and tf tensors have, and return new values")
                       ).format(problem=message)
        raise Reply(wrong(_("Run {run} ({label}), step {step}: {problem}.").format(
            run=run_number, label=_(run.label), step=step, problem=message))) from None


def _learner_run(function, run, run_number, weight_decay=None):
    import tensorflow as tf

    start, gradients = _run_data(run)
    convert = (lambda a: tf.constant(a)) if run.tensors else (lambda a: a.copy())
    w, velocity = convert(start), convert(np.zeros_like(start))
    extra = {"nesterov": True} if run.nesterov else {}  # a plain run relies on the default, nesterov=False
    decay = run.weight_decay if weight_decay is None else weight_decay
    weights, velocities = [], []
    for step, gradient in enumerate(gradients, start=1):
        args = (w, velocity, convert(gradient), run.learning_rate, run.momentum, decay)
        result = _call_step(function, run, run_number, step, args, extra)
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
            w, v = rule(w, v, gradient, run.learning_rate, run.momentum, run.weight_decay, run.nesterov)
            weights.append(w)
            velocities.append(v)
    return np.array(weights), np.array(velocities)


def _agree(mine, reference, rtol=1e-5):
    """Per step: equal to float32 precision, relative to the size of the reference over the run."""
    scale = max(1.0, float(np.abs(reference).max()))
    with np.errstate(all="ignore"):
        return np.all(np.abs(mine - reference) <= rtol * scale, axis=tuple(range(1, reference.ndim)))


_PARAMETERS = ("learning_rate", "momentum", "weight_decay")
#: The parts of one step that _ignored_parameters probes, as its messages name them ("In the weight decay, ...").
_WHOLE_STEP, _WEIGHT_DECAY_PART = N_("the whole step"), N_("the weight decay")


def _ignored_parameters(function, run, number):
    """A parameter the learner's step does not use where Keras's step does (a global or a fixed number), or None.

    One step from fixed inputs: the whole step, then three settings that each leave one part of Keras's step: the
    weight decay alone (zero velocity and gradient), the velocity alone (zero gradient, no decay), the gradient alone
    (zero velocity, no decay). In each, every parameter Keras's step uses there is halved: if the learner's output
    stays the same, the step ignores it there.
    """
    import tensorflow as tf

    start, gradients = _run_data(run)
    zeros = np.zeros_like(start)
    settings = ((_WHOLE_STEP, gradients[1], gradients[0], True), (_WEIGHT_DECAY_PART, zeros, zeros, True),
                (N_("the velocity's part of the step"), gradients[1], zeros, False),
                (N_("the gradient's part of the step"), zeros, gradients[0], False))
    convert = (lambda a: tf.constant(a)) if run.tensors else (lambda a: a.copy())
    extra = {"nesterov": True} if run.nesterov else {}
    reference = _decayed_first(_momentum)
    used, missed = {name: [] for name in _PARAMETERS}, {name: [] for name in _PARAMETERS}

    def learner(velocity, gradient, values):
        args = (convert(start), convert(velocity.astype("float32")), convert(gradient), *values)
        w, v = _pair(_call_step(function, run, number, 1, args, extra), number, 1)
        return (_values(w, "weights", run.shape, number, 1), _values(v, "velocity", run.shape, number, 1))

    try:
        for part, velocity, gradient, decay in settings:
            values = [run.learning_rate, run.momentum, run.weight_decay if decay else 0.0]
            keras_base = reference(start.astype(np.float64), velocity, gradient, *values, run.nesterov)
            mine_base = learner(velocity, gradient, values)
            if part == _WEIGHT_DECAY_PART and np.array_equal(mine_base[0], start):
                continue  # no decay of the weights at all: nothing there to ignore (the probe without decay says more)
            for index, name in enumerate(_PARAMETERS):
                halved = list(values)
                halved[index] /= 2
                keras_halved = reference(start.astype(np.float64), velocity, gradient, *halved, run.nesterov)
                if all(np.allclose(a, b, rtol=1e-6, atol=0) for a, b in zip(keras_base, keras_halved)):
                    continue  # Keras's step does not use it here either
                used[name].append(part)
                if all(np.array_equal(a, b) for a, b in zip(mine_base, learner(velocity, gradient, halved))):
                    missed[name].append(part)
    except Reply:  # the function fails on these inputs: the other diagnoses say more
        return None
    everywhere = [name for name in _PARAMETERS if missed[name] and missed[name] == used[name]]
    if everywhere:
        problem = (_("Your step ignores the {names} it receives: halved, it changes nothing in your step. Does it use "
                     "a global variable (section 3 defines `lr` and `mu`) or a fixed number instead of its "
                     "parameter?") if len(everywhere) == 1 else
                   _("Your step ignores the {names} it receives: halved, they change nothing in your step. Does it "
                     "use a global variable (section 3 defines `lr` and `mu`) or a fixed number instead of its "
                     "parameter?"))
        return problem.format(names=_listed(everywhere))
    for name in ("learning_rate", "momentum"):  # a weight decay used elsewhere: the probe without decay says more
        parts = [part for part in missed[name] if part != _WHOLE_STEP]
        if parts:
            return _("In {part}, your step ignores the `{name}` it receives: halved, it changes nothing there, but it "
                     "changes Keras's step. Does that part use a global variable (section 3 defines `lr` and `mu`), "
                     "a fixed number or another parameter in place of `{name}`, or leave it out?").format(
                part=_(parts[0]), name=name)
    return None


def _listed(names):
    """One to three parameter names in a sentence, in code: `a`; `a` and `b`; `a`, `b` and `c`."""
    quoted = [f"`{name}`" for name in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return _("{first} and {second}").format(first=quoted[0], second=quoted[1])
    return _("{first}, {second} and {third}").format(first=quoted[0], second=quoted[1], third=quoted[2])


def _weights_problem(function, weights, run, number):
    """Why the learner's weights left Keras's path: a named mistake, or which half of the step is wrong."""
    keras_weights = keras_reference(number - 1)[0]
    first = int(np.argmin(_agree(weights, keras_weights))) + 1
    where = _("Run {run} ({label}): your weights leave Keras's path at step {step}.").format(
        run=number, label=_(run.label), step=first)
    for description, rule in STEP_MISTAKES:
        if isinstance(description, tuple):  # (said in a plain run, said in a Nesterov run)
            description = description[run.nesterov]
        if _agree(weights, _simulate(rule, run)[0], rtol=1e-4).all():
            looks = (_("{where} They look like {description}") if description.endswith("?") else
                     _("{where} They look like {description}."))
            return looks.format(where=where, description=_(description))
    ignored = _ignored_parameters(function, run, number)
    if ignored:
        return _then(where, ignored)
    try:  # the same run without weight decay tells the momentum step from the weight decay
        probe = _learner_run(function, run, number, weight_decay=0.0)[0]
        probe_right = _agree(probe, keras_reference(number - 1, 0.0)[0])
    except Reply:
        probe_right = np.zeros(STEPS, dtype=bool)
    if probe_right.all():
        return _("{where} With weight_decay=0.0 your steps do follow Keras's: the momentum step is right, and the "
                 "weight decay is not applied as Keras applies it. Read where and how Keras's optimizer applies "
                 "it.").format(where=where)
    if probe_right[0]:
        return _("{where} Even with weight_decay=0.0 your steps leave Keras's path, after a first step that agrees: "
                 "look at what your function does with the velocity it receives and the one it returns.").format(
            where=where)
    return _("{where} Even with weight_decay=0.0 your first step, from a zero velocity, differs from Keras's: look "
             "at how one step uses the gradient (section 2 writes Keras's momentum step), then add the weight "
             "decay.").format(where=where)


def _velocity_problem(velocities, run, number):
    keras_velocities = keras_reference(number - 1)[1]
    right = _agree(velocities, keras_velocities)
    if right.all():
        return None
    rate = np.float32(run.learning_rate)
    if _agree(velocities, -keras_velocities, rtol=1e-4).all():
        problem = _("Run {run} ({label}): your weights follow Keras at every step, but the velocity you return has "
                    "the opposite sign of Keras's. Keras's velocity is the step itself, the weights add it: it points "
                    "downhill. Return that one.")
    elif _agree(velocities, -keras_velocities / rate, rtol=1e-4).all():
        problem = _("Run {run} ({label}): your weights follow Keras at every step, but the velocity you return is "
                    "PyTorch's, a sum of gradients without the learning rate. Keras's velocity "
                    "(`optimizer.momentums`) already contains −learning_rate, as section 2 writes it: return that "
                    "one.")
    elif _agree(velocities, keras_velocities / rate, rtol=1e-4).all():
        problem = _("Run {run} ({label}): your weights follow Keras at every step, but the velocity you return lacks "
                    "the learning rate: Keras's velocity (`optimizer.momentums`) already contains it, as section 2 "
                    "writes it: return that one.")
    else:
        problem = _("Run {run} ({label}): your weights follow Keras at every step, but the velocity you return "
                    "differs from Keras's from step {step} on. Return the updated velocity, the one Keras stores in "
                    "`optimizer.momentums`.")
    return problem.format(run=number, label=_(run.label), step=int(np.argmin(right)) + 1)


def _check_sgd_step(sgd_step):
    if sgd_step is Ellipsis:
        raise Reply(not_yet("sgd_step"))
    try:  # a signature that cannot take the check's call: say so before any run
        if callable(sgd_step):  # otherwise `call` says what it is instead
            inspect.signature(sgd_step).bind(*range(6), nesterov=True)
    except TypeError as error:
        raise Reply(wrong(_("`sgd_step` cannot be called as the check calls it, sgd_step(w, velocity, gradient, "
                            "learning_rate, momentum, weight_decay, nesterov=True): {error}. Keep the task's "
                            "parameters, in that order.").format(error=error))) from None
    except ValueError:  # no signature to read (a builtin): the call itself will tell
        pass
    for number, run in enumerate(RUNS, start=1):
        keras_reference(number - 1)  # Keras's own run, before the learner's function runs
        weights, velocities = _learner_run(sgd_step, run, number)
        if not _agree(weights, keras_reference(number - 1)[0]).all():
            raise Reply(wrong(_weights_problem(sgd_step, weights, run, number)))
        problem = _velocity_problem(velocities, run, number)
        if problem:
            raise Reply(wrong(problem))
    return passed(_("`sgd_step` matches keras.optimizers.SGD with weight decay at every step of {runs} runs of "
                    "{steps} steps (NumPy and tf tensors, with and without Nesterov), weights and velocity, to "
                    "float32 precision. Keras's weight decay is decoupled: it never enters the velocity, unlike an L2 "
                    "penalty or torch.optim.SGD's weight_decay.").format(runs=len(RUNS), steps=STEPS))


ex1 = Exercise(
    "ex1", "sgd_momentum", _check_sgd_step,
    hints=[
        N_("Two questions decide the step: at which moment of the step does Keras apply the weight decay, and to "
           "what: to the gradient, or to something else? The docstring does not say; the optimizer's source does, "
           "and so does an experiment with a zero gradient."),
        N_("`print(inspect.getsource(keras.optimizers.SGD.apply))` shows one step of a Keras optimizer. Follow what "
           "it calls before the update step itself: read that method's source too (the TensorFlow backend's "
           "version), and note what it changes and with which numbers. Then write the momentum step of section 2 "
           "with the gradient you are given. Use only +, − and *, and return the pair."),
        N_("`apply` calls `self._apply_weight_decay(trainable_variables)` before `self._backend_update_step(...)`; "
           "`inspect.getsource(keras.optimizers.SGD._apply_weight_decay)` shows what it does to each variable. "
           "`inspect.getsource(keras.optimizers.SGD.update_step)` then shows the momentum step (with and without "
           "Nesterov), which sees only the gradient."),
    ],
)


# --- Exercise 2: what a Keras 2 decay did ---------------------------------------------------------------

#: The Keras 2 recipe: SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True), 50 000 images in batches of 100,
#: 30 epochs. (With 20 epochs, a fall of 1.01, several misreadings give the same number by coincidence.)
RECIPE_RATE, RECIPE_DECAY = 0.01, 1e-6
IMAGES, BATCH_SIZE, EPOCHS = 50_000, 100, 30


def _fall_after(steps):
    return 1 + RECIPE_DECAY * steps


def _float32_compounded(steps):
    """The fall of ExponentialDecay(rate, 1, 1 − decay) as Keras computes it, in float32 (a factor per step)."""
    return float(np.float32(1) / np.float32(1 - RECIPE_DECAY) ** np.float32(steps))


#: The steps the recipe made, and the ways learners miscount them or misread the question.
STEPS_TRAINED = EPOCHS * IMAGES // BATCH_SIZE
_COMPOUNDED = N_("a decay compounded at every step (like ExponentialDecay): Keras 2's decay was inverse-time, not "
                 "exponential")
_EPOCHS_COUNTED = N_("a count of epochs: Keras 2's decay counted steps (batches), not epochs")
_INVERTED_COMPOUNDED = N_("the last rate over the first one, and a decay compounded like ExponentialDecay: Keras 2's "
                          "decay was inverse-time, and the fall is the first rate divided by the last one")
_PERCENTAGE = N_("a percentage: store the factor, the first rate divided by the last")
#: Each description completes "`fall` = ... looks like ...": marked here, translated where it is shown.
FALL_MISTAKES = (
    (_EPOCHS_COUNTED, _fall_after(EPOCHS)),
    (_EPOCHS_COUNTED, _fall_after(EPOCHS - 1)),
    (N_("one epoch's steps: the recipe trained for more than one epoch"), _fall_after(IMAGES // BATCH_SIZE)),
    (N_("a count of images (samples): Keras 2's decay counted steps, one per batch"), _fall_after(EPOCHS * IMAGES)),
    (_COMPOUNDED, np.exp(RECIPE_DECAY * STEPS_TRAINED)),
    (_COMPOUNDED, _float32_compounded(STEPS_TRAINED)),
    (_COMPOUNDED, _float32_compounded(STEPS_TRAINED - 1)),
    (N_("the last rate over the first one: the fall is the first rate divided by the last one, a factor above 1"),
     1 / _fall_after(STEPS_TRAINED)),
    (_INVERTED_COMPOUNDED, np.exp(-RECIPE_DECAY * STEPS_TRAINED)),
    (_INVERTED_COMPOUNDED, 1 / _float32_compounded(STEPS_TRAINED)),
    (N_("a rate that falls *linearly*, rate·(1 − decay·t): Keras 2's decay divided the rate by (1 + decay·t)"),
     1 / (1 - RECIPE_DECAY * STEPS_TRAINED)),
    (N_("the relative change (fall − 1): store the factor itself, the first rate divided by the last"),
     _fall_after(STEPS_TRAINED) - 1),
    (N_("the relative change of the rate: store the factor, the first rate divided by the last"),
     1 - 1 / _fall_after(STEPS_TRAINED)),
    (N_("a learning rate, not a factor: divide the first rate by the last"),
     RECIPE_RATE / _fall_after(STEPS_TRAINED)),
    (_PERCENTAGE, 100 * (1 - 1 / _fall_after(STEPS_TRAINED))),
    (_PERCENTAGE, 100 * RECIPE_DECAY * STEPS_TRAINED),
)


def _infinite(answer):
    try:
        raw = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer)
        if raw.dtype.kind not in "biuf":  # complex, text, objects: as_numbers says what they are
            return False
        with np.errstate(all="ignore"):
            return bool(np.isinf(raw.astype(np.float64)).any())
    except Exception:  # not numbers at all: as_numbers says what it is
        return False


def _check_fall(fall):
    if _infinite(fall):
        raise Reply(wrong(_("`fall` is infinite: the last rate you divided by is 0. Keras 2's decay divided the rate "
                            "by a number that grows with the steps, so the rate never reached 0. (With "
                            "ExponentialDecay, decay_rate is the factor that multiplies the rate every decay_steps "
                            "steps, not Keras 2's decay: a small decay_rate sends the rate to 0 at once.)")))
    value = as_numbers(fall, "fall")
    if value.size != 1:
        raise Reply(wrong(_("`fall` should be a single number, but it has shape {shape}.").format(shape=value.shape)))
    value = float(value.reshape(()))
    shown = f"`fall` = {value:.10g}"
    # Right: the rate of the last step or the one after it (14 999 or 15 000 steps taken), in float32 or float64.
    if abs(value - _fall_after(STEPS_TRAINED)) <= 2.5e-6:
        return passed(_("fall = {value:.4g}. In the whole training this decay= lowered the rate by {percent:.1f} % "
                        "at most: a Keras 3 line that simply drops it trains with almost the same rates. Check a "
                        "recipe's numbers before you copy its decay.").format(
            value=value, percent=100 * (1 - 1 / _fall_after(STEPS_TRAINED))))
    for description, mistake in FALL_MISTAKES:
        if np.isclose(value, mistake, rtol=1e-6, atol=0):
            raise Reply(wrong(_("{shown} looks like {description}.").format(shown=shown, description=_(description))))
    if value == 1.0:
        raise Reply(wrong(_("{shown} says the rate did not fall at all. Keras 2 did lower it. (If you measured Keras "
                            "3's SGD with decay=, Keras 3 ignored the decay: use the schedule that stands for Keras "
                            "2's decay.)").format(shown=shown)))
    if value <= 0:
        raise Reply(wrong(_("{shown}: a ratio of two learning rates is above 0.").format(shown=shown)))
    if value < 1:
        raise Reply(wrong(_("{shown} is below 1. The rate fell, so the first rate divided by the last one is above "
                            "1: is this the last rate over the first, or a fraction of the rate?").format(shown=shown)))
    if abs(value / _fall_after(STEPS_TRAINED) - 1) <= 0.01:
        raise Reply(wrong(_("{shown} is close, but not within the tolerance: compute it in code, with the schedule, "
                            "instead of rounding or copying digits.").format(shown=shown)))
    if value < _fall_after(STEPS_TRAINED):
        raise Reply(wrong(_("{shown} is less than the fall Keras 2's decay gave. Count what Keras 2's decay "
                            "counted; the divisor of the schedule that stands for it grows at every one of those "
                            "(a decay_steps other than 1 makes it grow more slowly).").format(shown=shown)))
    raise Reply(wrong(_("{shown} is more than the fall Keras 2's decay gave. Count what Keras 2's decay counted, "
                        "and compute the two rates with the schedule that stands for it.").format(shown=shown)))


ex2 = Exercise(
    "ex2", "sgd_momentum", _check_fall,
    hints=[
        N_("Keras 2's decay divided the rate by a number that grew during training. What made it grow, and how "
           "large had it grown by the end of this recipe?"),
        N_("Keras 2's decay counted the optimizer's iterations: one per batch. Build the Keras 3 schedule that "
           "stands for Keras 2's decay (section 4), call it at step 0 and after the last step, and divide the first "
           "rate by the second."),
    ],
)


# --- Exercise 3: a per-epoch callback, turned into a schedule -------------------------------------------------

#: The Keras 2 training: SGD(lr=0.1, momentum=0.9, nesterov=True), and a LearningRateScheduler that sets the rate at
#: the start of every epoch to 0.1 · 0.5 ** (epoch // 10); 50 000 images in batches of 128, for 30 epochs.
START_RATE, HALVING_EPOCHS, LINE_MOMENTUM = 0.1, 10, 0.9
TRAIN_IMAGES, TRAIN_BATCH, TRAIN_EPOCHS = 50_000, 128, 30
STEPS_PER_EPOCH = -(-TRAIN_IMAGES // TRAIN_BATCH)  # the last, smaller batch is a step too
TRAIN_STEPS = TRAIN_EPOCHS * STEPS_PER_EPOCH


def _callback_rate(step):
    return START_RATE * 0.5 ** (step // STEPS_PER_EPOCH // HALVING_EPOCHS)


def _steps_to_compare():
    """Each epoch's first, second, middle and last step, and the steps where the usual miscounts drop the rate."""
    steps = {10, 11, 20, 100}
    for epoch in range(TRAIN_EPOCHS):
        first = epoch * STEPS_PER_EPOCH
        steps |= {first, first + 1, first + STEPS_PER_EPOCH // 2, first + STEPS_PER_EPOCH - 1}
    for drop in range(1, TRAIN_EPOCHS // HALVING_EPOCHS):
        whole = drop * HALVING_EPOCHS * STEPS_PER_EPOCH
        steps |= {whole - 10, whole - 9, whole - 4, whole + 1}  # 390 or 390.625 steps an epoch drop early
    return tuple(sorted(step for step in steps if step < TRAIN_STEPS))


#: The steps at which the learner's rate is compared with the callback's (all within the 30 epochs).
SCHEDULE_STEPS = _steps_to_compare()

_SHORT_EPOCHS = N_("the rate drops a few steps early: your epochs are one step short. 50 000 images are not a whole "
                   "number of batches of 128, and the last, smaller batch is a step too")
#: Ways learners turn the callback into a schedule, wrong: named when the learner's rates follow one (the
#: descriptions are marked here and translated where they are shown).
SCHEDULE_MISTAKES = (
    (N_("the rate halves every 10 *steps*: the callback counted epochs, and a schedule counts steps (batches)"),
     lambda t: START_RATE * 0.5 ** (t // HALVING_EPOCHS)),
    (N_("the rate falls at every step, by half every 10 steps: the callback counted epochs, and a schedule counts "
        "steps (batches)"), lambda t: START_RATE * 0.5 ** (t / HALVING_EPOCHS)),
    (N_("the rate drops after 10 and 20 steps: the boundaries count epochs, and a schedule counts steps (batches)"),
     lambda t: START_RATE * 0.5 ** ((t > HALVING_EPOCHS) + (t > 2 * HALVING_EPOCHS))),
    (N_("the rate halves at every epoch: the callback halves it every 10 epochs"),
     lambda t: START_RATE * 0.5 ** (t // STEPS_PER_EPOCH)),
    (N_("the rate falls at every step, by half every epoch: the callback halves it every 10 epochs, and keeps it "
        "fixed in between"), lambda t: START_RATE * 0.5 ** (t / STEPS_PER_EPOCH)),
    (_SHORT_EPOCHS, lambda t: START_RATE * 0.5 ** (t // ((STEPS_PER_EPOCH - 1) * HALVING_EPOCHS))),
    (_SHORT_EPOCHS, lambda t: START_RATE * 0.5 ** ((t >= (STEPS_PER_EPOCH - 1) * HALVING_EPOCHS)
                                                  + (t >= 2 * (STEPS_PER_EPOCH - 1) * HALVING_EPOCHS))),
    (_SHORT_EPOCHS, lambda t: START_RATE * 0.5 ** ((t > (STEPS_PER_EPOCH - 1) * HALVING_EPOCHS)
                                                  + (t > 2 * (STEPS_PER_EPOCH - 1) * HALVING_EPOCHS))),
    (N_("the rate drops in the middle of an epoch: an epoch is a whole number of steps (the last, smaller batch is "
        "a step too)"), lambda t: START_RATE * 0.5 ** np.floor(t / (TRAIN_IMAGES / TRAIN_BATCH * HALVING_EPOCHS))),
    (N_("the rate falls a little at every step instead of halving at once: the callback kept it fixed for 10 "
        "epochs, then halved it (ExponentialDecay has an option for that)"),
     lambda t: START_RATE * 0.5 ** (t / (STEPS_PER_EPOCH * HALVING_EPOCHS))),
    (N_("the rate drops one step late: PiecewiseConstantDecay gives the value before a boundary *at* the boundary "
        "step itself (read its documentation); the first step of an epoch must already have the new rate"),
     lambda t: START_RATE * 0.5 ** (max(t - 1, 0) // (STEPS_PER_EPOCH * HALVING_EPOCHS))),
    (N_("the rate drops one step early: the steps are counted from 0, so the first step of an epoch is a multiple "
        "of its steps"), lambda t: START_RATE * 0.5 ** ((t + 1) // (STEPS_PER_EPOCH * HALVING_EPOCHS))),
)

#: Options of the config that only matter when use_ema=True.
_EMA_ONLY = ("ema_momentum", "ema_overwrite_frequency")


def _optimizer_type(optimizer):
    import keras

    if optimizer is Ellipsis:
        raise Reply(not_yet("optimizer"))
    if optimizer is None:
        raise Reply(wrong(_("`optimizer` is None: store the optimizer object itself, "
                            "`optimizer = keras.optimizers...`.")))
    if isinstance(optimizer, str):
        raise Reply(wrong(_("`optimizer` is the string {text}: a string builds an optimizer with its defaults, "
                            "without the Keras 2 line's momentum or the callback's rates. Build the object.").format(
            text=f"{optimizer!r:.30}")))
    if isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Optimizer):
        raise Reply(wrong(_("`optimizer` is the class {name} itself: call it with the arguments, `{name}(...)`.")
                          .format(name=optimizer.__name__)))
    if isinstance(optimizer, keras.optimizers.schedules.LearningRateSchedule):
        raise Reply(wrong(_("`optimizer` is a schedule alone: a schedule is what you give the optimizer as its "
                            "`learning_rate=`; store the optimizer.")))
    if isinstance(optimizer, keras.callbacks.Callback):
        raise Reply(wrong(_("`optimizer` is a callback: a custom training loop runs no callbacks. Store a Keras "
                            "optimizer whose `learning_rate=` does what the callback did.")))
    if type(optimizer).__module__.startswith("course_utils"):
        raise Reply(wrong(_("`optimizer` is the course's from-scratch {name} (course_utils.optimizers, the bare `SGD` "
                            "of this notebook), which takes no schedule. The task is Keras 3 code: "
                            "keras.optimizers.SGD.").format(name=type(optimizer).__name__)))
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise Reply(wrong(_("`optimizer` should be a Keras optimizer object, not a {name}.").format(
            name=type(optimizer).__name__)))
    if type(optimizer) is not keras.optimizers.SGD:
        problem = (_("`optimizer` is a subclass of SGD; the Keras 2 line builds keras.optimizers.SGD itself.")
                   if isinstance(optimizer, keras.optimizers.SGD) else
                   _("`optimizer` is {name}; the Keras 2 line builds keras.optimizers.SGD itself."))
        raise Reply(wrong(problem.format(name=type(optimizer).__name__)))


def _config(optimizer):
    """The optimizer's config; a callable rate that cannot be serialised is left out."""
    try:
        return optimizer.get_config()
    except Exception:  # e.g. a lambda as learning_rate: the other options are plain attributes
        import keras

        keys = keras.optimizers.SGD(learning_rate=START_RATE).get_config()
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
        problems.append(_("`weight_decay={value}` was not in the Keras 2 code: it shrinks the weights at every step "
                          "(exercise 1) and leaves the rate as it is. Leave it out").format(value=repr(weight_decay)))
    momentum = config.get("momentum")
    if not _same(momentum, expected["momentum"]):
        problems.append(_("there is no momentum, so this is plain SGD: keep the Keras 2 line's momentum")
                        if not momentum else
                        _("momentum={value} is not the Keras 2 line's momentum").format(value=repr(momentum)))
    if not config.get("nesterov"):
        problems.append(_("the Keras 2 line has `nesterov=True`, and yours does not: keep it, it changes every step"))
    for key, value in config.items():
        if key in ("name", "learning_rate", "weight_decay", "momentum", "nesterov") or key not in expected:
            continue
        if key in _EMA_ONLY and not config.get("use_ema"):
            continue  # without use_ema these change nothing
        if not _same(value, expected[key]):
            problems.append(_("`{key}={value}` was not in the Keras 2 code: it changes training; leave it out")
                            .format(key=key, value=repr(value)))
    return problems


def _rates(optimizer):
    """The optimizer's rate at each of SCHEDULE_STEPS, read through its public `iterations` and `learning_rate`.

    A schedule is first called on all the steps at once (fast); those rates are kept only if they agree with the
    rates the optimizer itself reads at a few of the steps.
    """
    import keras

    iterations = optimizer.iterations
    kept = iterations.numpy()

    def read(t):
        iterations.assign(t)
        try:
            rate = optimizer.learning_rate
        except TypeError as error:
            rate = getattr(optimizer, "_learning_rate", None)
            if callable(rate) and not isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
                raise Reply(wrong(_("Keras could not read your learning rate (TypeError: {error}). Keras calls a "
                                    "callable `learning_rate` with no argument: it does not pass the step. Give it a "
                                    "LearningRateSchedule, whose __call__ receives the step.").format(
                    error=str(error)[:120]))) from None
            raise Reply(wrong(_("calling your schedule at step {step:,} raised TypeError: {error}").format(
                step=t, error=str(error)[:200]))) from None
        except Exception as error:  # the learner's schedule failed
            raise Reply(wrong(_("calling your schedule at step {step:,} raised {kind}: {error}.").format(
                step=t, kind=type(error).__name__, error=str(error)[:200]))) from None
        try:
            values = np.asarray(rate.numpy() if hasattr(rate, "numpy") else rate, dtype=np.float64)
        except (TypeError, ValueError):
            raise Reply(wrong(_("at step {step:,} your learning rate is a {kind}, not a number: a schedule returns "
                                "one rate for each step.").format(step=t, kind=type(rate).__name__))) from None
        if values.size != 1:
            raise Reply(wrong(_("at step {step:,} your schedule returned {count} values (shape {shape}): a schedule "
                                "returns one rate, a scalar, for each step.").format(
                step=t, count=values.size, shape=values.shape)))
        return float(values.reshape(()))

    try:
        with checks._time_limit(checks.TIME_LIMIT):
            return _read_all(optimizer, read)
    except checks._TooSlow:
        raise Reply(wrong(_("reading your learning rate at the {count} steps the check compares took more than "
                            "{seconds} s, so the check stopped it: is there a loop that never ends in your "
                            "schedule?").format(count=len(SCHEDULE_STEPS), seconds=checks.TIME_LIMIT))) from None
    finally:
        iterations.assign(kept)


def _read_all(optimizer, read):
    """The rates at SCHEDULE_STEPS: the schedule called on all of them at once if it agrees with `read`, else `read`."""
    import keras
    import tensorflow as tf

    iterations = optimizer.iterations
    schedule = getattr(optimizer, "_learning_rate", None)
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        try:
            at_once = schedule(tf.constant(SCHEDULE_STEPS, dtype=iterations.dtype))
            at_once = np.asarray(at_once.numpy() if hasattr(at_once, "numpy") else at_once, dtype=np.float64)
        except Exception:  # a schedule written for one step at a time
            at_once = None
        if at_once is not None and at_once.shape == (len(SCHEDULE_STEPS),):
            probes = range(0, len(SCHEDULE_STEPS), 11)
            if all(at_once[k] == read(SCHEDULE_STEPS[k]) for k in probes):
                return at_once
    return np.array([read(t) for t in SCHEDULE_STEPS])


def _schedule_problem(rates, scheduled):
    """What is wrong with the rates at SCHEDULE_STEPS, or None (scheduled: the learning rate is a schedule)."""
    expected = np.array([_callback_rate(t) for t in SCHEDULE_STEPS])
    if not np.all(np.isfinite(rates)):
        return _("the learning rate is NaN or infinite at some step")
    if np.allclose(rates, expected, rtol=1e-5, atol=0):
        return None
    if np.all(rates == rates[0]):
        right_start = np.isclose(rates[0], expected[0], rtol=1e-5)
        if scheduled:
            problem = (_("your schedule keeps the rate at {rate:.6g} at every step of the {epochs} epochs: it drops "
                         "too late, or never. What does a schedule count, and how many of those make the callback's "
                         "{halving} epochs?") if right_start else
                       _("your schedule keeps the rate at {rate:.6g} at every step of the {epochs} epochs, and it "
                         "does not start at the Keras 2 line's rate either: it drops too late, or never. What does a "
                         "schedule count, and how many of those make the callback's {halving} epochs?"))
        else:
            problem = (_("the learning rate stays {rate:.6g} at every step. In a custom training loop no callback "
                         "lowers it: give `learning_rate=` a schedule that does what the callback did")
                       if right_start else
                       _("the learning rate stays {rate:.6g} at every step, and it does not start at the Keras 2 "
                         "line's rate either. In a custom training loop no callback lowers it: give `learning_rate=` "
                         "a schedule that does what the callback did"))
        return problem.format(rate=rates[0], epochs=TRAIN_EPOCHS, halving=HALVING_EPOCHS)
    if not np.isclose(rates[0], expected[0], rtol=1e-5):
        return _("the learning rate at step 0 is {rate:.6g}, not the Keras 2 line's starting rate").format(
            rate=rates[0])
    for description, rule in SCHEDULE_MISTAKES:
        if np.allclose(rates, [rule(t) for t in SCHEDULE_STEPS], rtol=1e-4, atol=1e-12):  # float32 underflows
            return _(description)
    rises = np.flatnonzero(np.diff(rates) > 1e-6 * rates[:-1])
    if rises.size:
        step, rate = SCHEDULE_STEPS[rises[0] + 1], rates[rises[0] + 1]
        return _("the learning rate rises: at step {step:,} it is {rate:.6g}, above the rate before it. The callback "
                 "only lowers it (a factor that multiplies the rate is below 1 for a decay)").format(step=step,
                                                                                                     rate=rate)
    first = int(np.argmax(~np.isclose(rates, expected, rtol=1e-5, atol=0)))
    step, rate = SCHEDULE_STEPS[first], rates[first]
    if rate < expected[first]:
        return _("the learning rate falls too early or too far: at step {step:,} it is {rate:.6g}, lower than the "
                 "callback made it").format(step=step, rate=rate)
    return _("the learning rate falls too late or too little: at step {step:,} it is {rate:.6g}, higher than the "
             "callback made it").format(step=step, rate=rate)


def _sentence(problem):
    """A problem of a list as a sentence: a full stop, unless it is a question."""
    return problem if problem.endswith(("?", "？")) else _("{problem}.").format(problem=problem)


def _check_schedule(optimizer):
    import keras

    _optimizer_type(optimizer)
    expected = keras.optimizers.SGD(learning_rate=START_RATE, momentum=LINE_MOMENTUM, nesterov=True).get_config()
    config = _config(optimizer)
    problems = _option_problems(config, expected)
    if config.get("gradient_accumulation_steps") is None:  # otherwise `iterations` counts differently
        scheduled = callable(getattr(optimizer, "_learning_rate", None))
        schedule_problem = _schedule_problem(_rates(optimizer), scheduled)
        if schedule_problem:
            problems.insert(0, schedule_problem)
    problems = [_sentence(problem) for problem in problems]
    if len(problems) == 1:
        raise Reply(wrong(problems[0]))
    if problems:
        numbered = [_("({number}) {problem}").format(number=k, problem=p) for k, p in enumerate(problems, start=1)]
        raise Reply(wrong(_("{count} things differ from the Keras 2 code: {problems}").format(
            count=len(problems), problems=functools.reduce(_then, numbered))))
    return passed(_("keras.optimizers.SGD with the Keras 2 line's momentum and Nesterov, no other option, and a rate "
                    "that follows the callback's at every step checked ({count} steps, among them the first, middle "
                    "and last of each of the {epochs} epochs): it trains as the Keras 2 code did, in a custom loop "
                    "too.").format(count=len(SCHEDULE_STEPS), epochs=TRAIN_EPOCHS))


ex3 = Exercise(
    "ex3", "sgd_momentum", _check_schedule,
    hints=[
        N_("The callback thinks in epochs; a schedule receives only the optimizer's step count. How many steps is "
           "one epoch here, exactly, and what does the rate do between two of the callback's changes?"),
        N_("Steps per epoch: the batches of one epoch, the last, smaller one included. Section 5 lists Keras's "
           "schedules: one of them multiplies the rate by a factor every `decay_steps` steps, and has an option "
           "to do it in jumps; another takes the boundaries (in steps) and the values. Read its docstring "
           "(`help(...)`) for what it does *at* a boundary. Keep the rest of the Keras 2 line, with `lr=` renamed."),
    ],
)
