"""Keras callbacks for the course: the loss of every batch, and the learning-rate range test.

Keras 3 reports the epoch's running mean loss in ``logs["loss"]`` after each batch, not the batch's
own loss; :class:`BatchLossHistory` recovers each batch's loss from consecutive means (which assumes
batches of equal size).

The learning-rate range test ("LR finder"; Smith 2017 raised the rate linearly, fast.ai's popular version, used
here, exponentially): the rate grows by the same factor at every batch, from ``min_lr`` to ``max_lr``, and the loss
is recorded. The loss falls, then explodes, but only some steps after the rate has passed the stability limit (the
unstable direction, shrunk almost to nothing below the limit, needs steps to grow back; the smoothing adds only a
step or two). The callback stops there and restores the model's weights and its optimizer. It offers
candidate rates (the steepest fall, the minimum / 10, the minimum): which one trains best depends on the model,
so train each briefly and keep the best.

Importing this module does not import Keras (nor TensorFlow): :class:`BatchLossHistory` and :class:`LRFinder` are
Keras callbacks, so they subclass ``keras.callbacks.Callback``, and that class exists only once Keras is imported.
Their code is written below in plain classes (``_BatchLossHistory``, ``_LRFinder``); the Keras classes that combine
them with ``keras.callbacks.Callback`` are made on first use, when ``from course_utils.callbacks import LRFinder``
asks for them (a module ``__getattr__``, PEP 562).
"""

import functools
import math

import numpy as np

from course_utils import data
from course_utils._validate import as_float, as_int
from course_utils.i18n import N_


def __getattr__(name):
    """``BatchLossHistory`` and ``LRFinder``, made (once) when first asked for; see the module's docstring."""
    if name in ("BatchLossHistory", "LRFinder"):
        return _keras_callbacks()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    """The module's names, with the two that are made on first use."""
    return sorted([*globals(), "BatchLossHistory", "LRFinder"])


@functools.cache
def _keras_callbacks():
    """The Keras callback classes: the plain classes below with ``keras.callbacks.Callback`` as their base."""
    import keras

    history = type("BatchLossHistory", (_BatchLossHistory, keras.callbacks.Callback),
                   {"__module__": __name__, "__doc__": _BatchLossHistory.__doc__})
    finder = type("LRFinder", (_LRFinder, history), {"__module__": __name__, "__doc__": _LRFinder.__doc__})
    return {"BatchLossHistory": history, "LRFinder": finder}


class _BatchLossHistory:
    """Record the loss of every training batch in ``losses`` (a list, over all epochs).

    Once the epoch's running mean is infinite or NaN, that value is recorded: a batch's own loss can no longer be
    told apart in the sum.
    """

    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_begin(self, logs=None):
        self.losses = []

    def on_epoch_begin(self, epoch, logs=None):
        self._batches, self._previous_mean = 0, 0.0  # Keras resets its running mean every epoch

    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1
        mean = float(logs["loss"])
        if math.isfinite(mean):
            self.losses.append(self._batches * mean - (self._batches - 1) * self._previous_mean)
        else:  # inf or NaN: the batch's own loss is lost in the sum, and inf - inf would say NaN too early
            self.losses.append(mean)
        self._previous_mean = mean


class _LRFinder(_BatchLossHistory):
    """Record the loss of each batch while the learning rate grows from min_lr to max_lr in ``steps``.

    min_lr, max_lr: the range of rates (max_lr > min_lr > 0); steps: batches over that range.
    stop_factor: stop once the smoothed loss exceeds stop_factor x its lowest value (or is NaN).
    beta: smoothing of the loss curve (exponential moving average, bias-corrected).

    After training, ``rates``, ``losses`` and ``smoothed`` hold the curve; ``candidates()`` the rates to try.
    ``batch_size`` is the size of the batches the test ran on when :func:`lr_range_test` ran it (else None).
    """

    def __init__(self, min_lr=1e-6, max_lr=10.0, steps=100, stop_factor=4.0, beta=0.9):
        super().__init__()
        self.min_lr = as_float("min_lr", min_lr, low=0, low_open=True)
        self.max_lr = as_float("max_lr", max_lr, low=0, low_open=True)
        if self.max_lr <= self.min_lr:
            raise ValueError(f"max_lr must be larger than min_lr, got min_lr={min_lr}, max_lr={max_lr}")
        self.steps = as_int("steps", steps, 5)
        self.stop_factor = as_float("stop_factor", stop_factor, low=0, low_open=True)
        self.beta = as_float("beta", beta, low=0, high=1, high_open=True)
        self.factor = (self.max_lr / self.min_lr) ** (1 / (steps - 1))
        self.rates, self.smoothed = [], []
        self.batch_size = None

    def on_train_begin(self, logs=None):
        import keras

        optimizer = self.model.optimizer
        if not isinstance(optimizer._learning_rate, keras.Variable):
            raise TypeError("the model's optimizer must have a fixed learning rate (a number) for an LRFinder, not a "
                            f"schedule or a function; got {type(optimizer._learning_rate).__name__}")
        super().on_train_begin(logs)
        self._saved_weights = self.model.get_weights()
        self._saved_optimizer = {v.path: v.numpy() for v in optimizer.variables}
        self.rates, self.smoothed = [], []
        self._average = 0.0
        optimizer.learning_rate.assign(self.min_lr)

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        loss = self.losses[-1]
        self.rates.append(float(self.model.optimizer.learning_rate))
        self._average = self.beta * self._average + (1 - self.beta) * loss
        self.smoothed.append(self._average / (1 - self.beta ** len(self.losses)))
        exploded = not math.isfinite(loss) or self.smoothed[-1] > self.stop_factor * min(self.smoothed)
        if exploded or len(self.rates) >= self.steps:
            self.model.stop_training = True
        else:
            self.model.optimizer.learning_rate.assign(self.rates[-1] * self.factor)

    def on_train_end(self, logs=None):
        self.model.set_weights(self._saved_weights)
        for variable in self.model.optimizer.variables:  # slots the test created start again from zero
            variable.assign(self._saved_optimizer.get(variable.path, np.zeros(variable.shape)))

    # --- Results ---

    @property
    def exploded(self):
        """True if the test stopped because the loss blew up (so the range covered the edge)."""
        return bool(self.smoothed) and (
            not math.isfinite(self.losses[-1]) or self.smoothed[-1] > self.stop_factor * min(self.smoothed)
        )

    def minimum_rate(self):
        """The rate at the lowest smoothed loss (None before the test has run)."""
        if not self.smoothed:
            return None
        finite = [s if math.isfinite(s) else math.inf for s in self.smoothed]
        return self.rates[int(np.argmin(finite))]

    def suggestion(self):
        """The rate of the lowest smoothed loss divided by 10 (None before the test has run).

        fast.ai's classic rule. The lowest point can lie past the stability limit (the loss needs steps to
        explode), where the step back is needed; on other models the minimum itself trains best, and this rule
        is 10x too cautious. See :meth:`candidates`.
        """
        return None if not self.smoothed else self.minimum_rate() / 10

    def steepest_rate(self):
        """The rate where the smoothed loss falls fastest per factor of rate, before its lowest point.

        The slope is taken across the smoothing's memory, 1 / (1 - beta) steps (shorter wiggles of the smoothed
        curve are batch noise), and the first 1 / (1 - beta) steps are skipped: there the bias-corrected average
        still rests on a few batches, and a naive steepest pick returns the first point. None before the test
        has run, or if the curve never falls.
        """
        if not self.smoothed:
            return None
        span = max(1, round(1 / (1 - self.beta)))
        smoothed = np.array([s if math.isfinite(s) else math.inf for s in self.smoothed])
        log_rates = np.log(self.rates)
        starts = np.arange(span, int(np.argmin(smoothed)) - span + 1)
        if starts.size == 0:
            return None
        slopes = (smoothed[starts + span] - smoothed[starts]) / (log_rates[starts + span] - log_rates[starts])
        if slopes.min() >= 0:
            return None
        return self.rates[int(starts[np.argmin(slopes)]) + span // 2]

    def candidates(self):
        """The rates worth a short training run each: {"steepest", "minimum / 10", "minimum"} (None before a run).

        No single one is right for every model: on linear regression the minimum lies past the stability limit,
        on a small network it trains best. Train each for a few epochs and keep the best.
        """
        if not self.smoothed:
            return None
        # the names are data (English in every language); plot_lr_finder shows them translated
        found = {N_("steepest"): self.steepest_rate(), N_("minimum / 10"): self.suggestion(),
                 N_("minimum"): self.minimum_rate()}
        return {name: rate for name, rate in found.items() if rate is not None}


def lr_range_test(model, x, y, *, min_lr=1e-6, max_lr=10.0, steps=100, batch_size=32, **finder_options):
    """Run an :class:`LRFinder` on a compiled model and return it; the model comes back unchanged.

    The data are cut to a whole number of batches (the callback needs batches of equal size) and fed in
    order, repeated until ``steps`` batches have run, so a small data set needs no tiling.
    """
    import keras

    if not isinstance(model, keras.Model) or getattr(model, "optimizer", None) is None:
        raise TypeError("model must be a compiled keras.Model (call model.compile(optimizer, loss) first)")
    batch_size = as_int("batch_size", batch_size, 1)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of samples, got {len(x)} and {len(y)}")
    whole_batches = len(x) // batch_size
    if whole_batches < 1:
        raise ValueError(f"batch_size must be at most the number of samples (one full batch), got {batch_size} for "
                         f"{len(x)} samples")
    finder = _keras_callbacks()["LRFinder"](min_lr=min_lr, max_lr=max_lr, steps=steps, **finder_options)
    finder.batch_size = batch_size  # the rates found hold for this batch size
    n = whole_batches * batch_size  # the whole batches in order, again and again: one epoch of ``steps`` batches
    in_order = data.batches(x[:n], y[:n], batch_size, shuffle=False).repeat()
    model.fit(in_order, steps_per_epoch=steps, epochs=1, shuffle=False, callbacks=[finder], verbose=0)
    return finder
