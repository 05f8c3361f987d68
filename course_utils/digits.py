"""The capstone's data and model: scikit-learn's handwritten digits (8x8 images), bundled, no download.

1797 images of the digits 0-9, split into 1438 for training and 359 for validation (``load``: 80 % / 20 %).
The images are scikit-learn's ``load_digits()`` (pixels 0-16, labels 0-9), stored in ``digits.npz`` beside this
module: the same numbers, without importing scikit-learn in the notebook.
"""

import math
from dataclasses import dataclass

import numpy as np

from course_utils._validate import as_bool, as_float, as_int, one_of
from course_utils.data import batches
from course_utils.i18n import _


def load(seed=0, validation=0.2):
    """(x_train, y_train, x_val, y_val): pixels scaled to [0, 1], integer labels 0-9."""
    seed = as_int("seed", seed, 0)
    as_float("validation", validation, low=0, high=1, low_open=True, high_open=True)
    pixels, labels = _bundled_digits()
    x, y = (pixels / 16.0).astype("float32"), labels.astype("int64")
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(round(len(x) * (1 - validation)))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def _bundled_digits():
    """scikit-learn's ``load_digits()`` as stored in ``digits.npz``: (pixels 0-16 as uint8, labels as uint8)."""
    from importlib import resources

    with resources.files(__package__).joinpath("digits.npz").open("rb") as file, np.load(file) as stored:
        return stored["pixels"], stored["labels"]


def build_model(seed=0):
    """A small classifier: 64 pixels -> 32 ReLU units -> 10 softmax outputs, with seeded initial weights."""
    import keras

    keras.utils.set_random_seed(as_int("seed", seed, 0))
    return _network()


def _network():
    import keras

    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation="relu", name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="digits")


def train(optimizer, epochs=15, batch_size=32, seed=0):
    """Compile a fresh model with ``optimizer`` and train it on :func:`course_utils.data.batches`; return the History.

    Each epoch runs as one TensorFlow call (``steps_per_execution``: the same steps and the same numbers, less
    Python between batches). A run that blows up stops at the end of the epoch of its first NaN loss
    (TerminateOnNaN): its loss history then ends in NaN, which ``plot_losses`` marks as diverged.
    """
    import keras

    epochs, batch_size = as_int("epochs", epochs, 1), as_int("batch_size", batch_size, 1)
    if not isinstance(optimizer, (str, keras.optimizers.Optimizer)):
        raise TypeError(f"optimizer must be a keras optimizer or its name such as 'adam', got {optimizer!r}")
    x_train, y_train, x_val, y_val = load(seed)
    model = build_model(seed)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=math.ceil(len(x_train) / batch_size))
    keras.utils.set_random_seed(seed)  # the same mini-batch order for every optimizer
    return model.fit(batches(x_train, y_train, batch_size, seed=seed), epochs=epochs, shuffle=False,
                     validation_data=batches(x_val, y_val, len(x_val), shuffle=False), verbose=0,
                     callbacks=[keras.callbacks.TerminateOnNaN()])


class Trainer:
    """One compiled model for one optimizer, reset between runs: a grid of rates and seeds traced only once.

    ``run(rate, seed)`` trains as ``train(optimizer at that rate, seed=seed, batch_size=...)`` does, to the last
    bit: it restores the seed's initial weights and the optimizer's initial state (its moments and its iterations
    counter), assigns the rate to the optimizer's rate variable and builds the seed's mini-batches, but reuses the
    traced training step instead of compiling and tracing again. It measures the validation set once per epoch
    with one traced call (``val_loss`` and ``val_accuracy`` in the History, and ``val_accuracy_a``, ``val_accuracy_b``
    on the first and the second half of the validation images), cheaper than ``fit``'s own validation
    pass. ``traces`` counts how often TensorFlow traced the training step.
    """

    def __init__(self, optimizer, batch_size=64):
        import keras
        import tensorflow as tf

        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise TypeError(f"optimizer must be a keras optimizer instance such as keras.optimizers.Adam(), "
                            f"got {optimizer!r:.80}")
        if not isinstance(optimizer.learning_rate, keras.Variable):
            raise ValueError("optimizer must have a float learning rate (a variable the Trainer can assign), "
                             f"not a schedule; got {optimizer.learning_rate!r:.80}")
        if optimizer.built:
            raise ValueError("optimizer must be new: this one was built for another model's variables")
        self.optimizer, self.batch_size = optimizer, as_int("batch_size", batch_size, 1)
        self.model = _network()  # its weights are replaced by a seed's initial weights before each run
        self.model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                           steps_per_execution=math.ceil(len(_start(0)[1][0]) / self.batch_size))
        optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [variable.numpy() for variable in optimizer.variables]
        self.traces = 0
        step, loss = self.model.train_step, keras.losses.SparseCategoricalCrossentropy()

        def counted_step(data):  # Python runs this only while TensorFlow traces the step
            self.traces += 1
            return step(data)

        self.model.train_step = counted_step

        @tf.function
        def validate(x, y):
            probabilities = self.model(x, training=False)
            return loss(y, probabilities), tf.equal(tf.argmax(probabilities, axis=1), y)  # the loss, each image right

        self._validate = validate

    def reset(self, learning_rate, seed=0):
        """Start again: the seed's initial weights, the optimizer as new, ``learning_rate`` in its rate variable."""
        learning_rate, seed = as_float("learning_rate", learning_rate, low=0, low_open=True), as_int("seed", seed, 0)
        self.model.set_weights(_start(seed)[0])
        for variable, start in zip(self.optimizer.variables, self._optimizer_start):
            variable.assign(start)
        self.optimizer.learning_rate.assign(learning_rate)

    def run(self, learning_rate, seed=0, epochs=10, callbacks=()):
        """Train from the seed's start at ``learning_rate`` for ``epochs``; return the History.

        ``callbacks``: more Keras callbacks; they see ``val_loss`` and ``val_accuracy`` at the end of each epoch.
        A run whose loss turns NaN stops at the end of that epoch, as in :func:`train`.
        """
        import keras

        epochs = as_int("epochs", epochs, 1)
        if not isinstance(callbacks, (list, tuple)) or not all(isinstance(c, keras.callbacks.Callback)
                                                               for c in callbacks):
            raise TypeError(f"callbacks must be a list of keras callbacks, got {callbacks!r:.80}")
        return self._run(learning_rate, seed, epochs, callbacks, self._pipeline(seed))

    def _pipeline(self, seed):
        """The seed's mini-batches, in the order ``train`` draws them."""
        import keras

        if _global_seed() != seed:  # set only when it changes: setting a seed clears TensorFlow's kernel cache,
            keras.utils.set_random_seed(seed)  # and every traced step is then rebuilt (about as long as a run)
        x_train, y_train = _start(seed)[1][:2]
        return batches(x_train, y_train, self.batch_size, seed=seed)

    def _run(self, learning_rate, seed, epochs, callbacks, pipeline):
        import keras

        self.reset(learning_rate, seed)
        validation = _validation_callback(self._validate, *_start(seed)[1][2:])
        return self.model.fit(pipeline, epochs=epochs, shuffle=False, verbose=0,
                              callbacks=[validation, *callbacks, keras.callbacks.TerminateOnNaN()])


_STARTS = {}  # seed -> (initial weights, data), computed once per process


def _start(seed):
    if seed not in _STARTS:
        _STARTS[seed] = (build_model(seed).get_weights(), load(seed))
    return _STARTS[seed]


def _global_seed():
    """TensorFlow's global seed (None if unset)."""
    import tensorflow as tf

    return tf.compat.v1.get_seed(None)[0]


def _validation_callback(validate, x, y):
    """A callback that writes ``val_loss`` and ``val_accuracy`` into each epoch's logs, and the accuracy on each
    half of the validation images: ``val_accuracy_a`` (the first half) and ``val_accuracy_b`` (the rest)."""
    import keras
    import tensorflow as tf

    def accuracy(hits):  # float32 division, as Keras's accuracy metric divides (a traced division may be rewritten)
        return float(np.float32(np.count_nonzero(hits)) / np.float32(len(hits)))

    class Validation(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            loss, hits = validate(x_tensor, y_tensor)
            hits = hits.numpy()
            logs["val_loss"], logs["val_accuracy"] = float(loss), accuracy(hits)
            logs["val_accuracy_a"], logs["val_accuracy_b"] = accuracy(hits[:half]), accuracy(hits[half:])

    x_tensor, y_tensor, half = tf.constant(x), tf.constant(y), len(y) // 2
    return Validation()


def sweep(trainer, rates, seeds=(0, 1), epochs=10, stop_at_failure=False, broken=0.5):
    """Train with every rate and every seed on one :class:`Trainer`: {rate: [History.history of each seed]}.

    stop_at_failure: once a seed of a rate fails (its loss turns NaN or its final validation accuracy is below
    ``broken``), skip that rate's other seeds. :func:`summarise` calls a rate failed when any seed fails, so the
    verdict is the same; the failed rate just has fewer histories, and the time of the skipped runs is saved.
    """
    stop_at_failure, broken = as_bool("stop_at_failure", stop_at_failure), as_float("broken", broken, low=0, high=1)
    if not isinstance(trainer, Trainer):
        raise TypeError(f"trainer must be a course_utils.digits.Trainer, got {type(trainer).__name__}")
    rates, seeds = _sequence("rates", rates), _sequence("seeds", seeds)
    for rate in rates:
        as_float("rates", rate, low=0, low_open=True)
    for seed in seeds:
        as_int("seeds", seed, 0)
    epochs = as_int("epochs", epochs, 1)
    # Every pipeline is built first, so that no change of seed (which clears TensorFlow's kernel cache) comes
    # between the runs and forces the traced step to be rebuilt.
    pipelines = {(rate, i): trainer._pipeline(seed) for i, seed in enumerate(seeds) for rate in rates}
    runs = {}
    for rate in rates:
        runs[rate] = []
        for i, seed in enumerate(seeds):
            runs[rate].append(trainer._run(rate, seed, epochs, (), pipelines[rate, i]).history)
            if stop_at_failure and _failed(runs[rate][-1], "val_accuracy", broken):
                break
    return runs


def _failed(history, key, broken):
    """A run fails when its loss turns NaN or its final accuracy (``history[key]``) is below ``broken``."""
    return not np.all(np.isfinite(history["loss"])) or history[key][-1] < broken


def epochs_to(accuracies, target=0.95):
    """The first epoch (counting from 1) whose accuracy reaches ``target``, or None if none does."""
    accuracies = _sequence("accuracies", accuracies)
    target = as_float("target", target, low=0, high=1)
    return next((epoch for epoch, accuracy in enumerate(accuracies, start=1) if accuracy >= target), None)


@dataclass(frozen=True)
class Result:
    """One rate of a sweep over seeds: the final validation accuracy and the epochs to the target, per seed."""

    rate: float
    final: tuple  # final validation accuracy of each seed
    reached: tuple  # first epoch at the target accuracy of each seed (None: not reached)
    failed: bool  # a seed's loss turned NaN, or its final accuracy is below the summary's ``broken``

    @property
    def mean(self):
        return float(np.mean(self.final))

    @property
    def low(self):
        return float(np.min(self.final))

    @property
    def high(self):
        return float(np.max(self.final))

    def ties(self, other):
        """True if the two ranges over seeds overlap: the difference does not exceed the seed spread."""
        if not isinstance(other, Result):
            raise TypeError(f"other must be a Result, got {type(other).__name__}")
        return self.low <= other.high and other.low <= self.high


ACCURACIES = ("val_accuracy", "val_accuracy_a", "val_accuracy_b")


def summarise(runs, target=0.95, broken=0.5, key="val_accuracy"):
    """A :class:`Result` per rate of ``sweep``'s output, in the order of the rates.

    key: the accuracy to summarise, on all validation images (``"val_accuracy"``) or on one half of them
    (``"val_accuracy_a"``, ``"val_accuracy_b"``: the :class:`Trainer` logs both).
    """
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs must be the dict that sweep returns ({{rate: [history, ...]}}), got {runs!r:.80}")
    target, broken = as_float("target", target, low=0, high=1), as_float("broken", broken, low=0, high=1)
    key = one_of("key", key, ACCURACIES)
    results = []
    for rate, histories in runs.items():
        if not isinstance(histories, (list, tuple)) or not all(isinstance(h, dict) and key in h for h in histories):
            raise TypeError(f"runs[{rate!r}] must be a list of History.history dicts with {key!r}")
        final = tuple(float(h[key][-1]) for h in histories)
        failed = any(_failed(h, key, broken) for h in histories)
        results.append(Result(float(rate), final, tuple(epochs_to(h[key], target) for h in histories), failed))
    return results


def best(results):
    """The Result with the most correct validation images over the seeds (the highest mean final accuracy);
    between equal counts, the one that reached the target sooner on average. None if every rate failed."""
    if not isinstance(results, (list, tuple)) or not all(isinstance(r, Result) for r in results):
        raise TypeError(f"results must be a list of Result (from summarise), got {results!r:.80}")
    working = [result for result in results if not result.failed]
    if not working:
        return None
    top = max(result.mean for result in working)
    tied = [result for result in working if result.mean > top - 1e-6]  # the same count of correct images
    late = 1 + max((e for r in tied for e in r.reached if e is not None), default=0)  # for "not reached"
    return min(tied, key=lambda result: np.mean([e or late for e in result.reached]))


def _sequence(name, values):
    if isinstance(values, (str, bytes, dict, set)) or not hasattr(values, "__len__") or len(values) == 0:
        raise TypeError(f"{name} must be a non-empty list of numbers, got {values!r:.80}")
    return list(values)


MARKERS = ("o", "s", "D", "^", "P", "v", "*")  # one per optimizer, the same in both plots (× means diverged)


def plot_rates(results, ax=None):
    """Final validation accuracy against the learning rate (log scale), one line per optimizer.

    results: {optimizer name: summarise(...)}. Each point is the mean over the seeds, its bar the seeds' range; a
    rate at which a seed failed is drawn as the optimizer's marker, hollow and larger, on the bottom edge (its
    accuracy would squash the scale). The optimizers are shifted a little sideways (4 % per optimizer) so that
    marks at the same rate do not hide each other.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if not isinstance(results, dict) or not results:
        raise TypeError(f"results must be a non-empty dict of name -> summarise(...), got {results!r:.80}")
    for name, rows in results.items():
        if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, Result) for r in rows):
            raise TypeError(f"results[{name!r}] must be a list of Result (from summarise)")
    if ax is None:
        _figure, ax = plt.subplots(figsize=(9, 4.5))
    working = [r for rows in results.values() for r in rows if not r.failed]
    bottom = min(r.low for r in working) - 0.02 if working else 0.0
    handles = []
    for index, (name, rows) in enumerate(results.items()):
        shift, marker = 1.04 ** (index - (len(results) - 1) / 2), MARKERS[index % len(MARKERS)]
        good = [r for r in rows if not r.failed]
        bars = ax.errorbar([r.rate * shift for r in good], [r.mean for r in good],
                           yerr=[[r.mean - r.low for r in good], [r.high - r.mean for r in good]],
                           fmt=f"{marker}-", markersize=6, capsize=3, label=name)
        handles.append(bars)
        for result in (r for r in rows if r.failed):  # the optimizers failing at one rate sit side by side
            group = [other for other, others in results.items() if any(o.failed and o.rate == result.rate
                                                                      for o in others)]
            x = result.rate * 1.3 ** (group.index(name) - (len(group) - 1) / 2)
            ax.plot([x], [bottom], marker, color=bars[0].get_color(), markerfacecolor="none", markersize=11,
                    markeredgewidth=2, clip_on=False)
    if any(r.failed for rows in results.values() for r in rows):
        handles.append(Line2D([], [], marker="o", color="grey", markerfacecolor="none", linestyle="",
                              markersize=11, markeredgewidth=2, label=_("hollow, on the bottom edge:\n"
                                                                        "a seed fails (accuracy < 50 %)")))
    ax.set_xscale("log")
    ax.set_ylim(bottom, 1.0)
    ax.set(xlabel=_("learning rate (log scale; optimizers shifted apart a little)"),
           ylabel=_("final validation accuracy"), title=_("Final validation accuracy (mean; bar: the seeds' range)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return ax


def plot_curves(runs, axes=None):
    """Training loss (log scale) and validation accuracy per epoch (1, 2, ...): the mean over the seeds as a line,
    the seeds' range as a band.

    runs: {label: [History.history of each seed]}; axes: two Axes (loss, accuracy), or None for a new figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> [History.history, ...], got {runs!r:.80}")
    if axes is None:
        _figure, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    if not isinstance(axes, (list, tuple, np.ndarray)) or len(axes) != 2:
        raise TypeError(f"axes must be two matplotlib Axes (loss, accuracy), got {axes!r:.80}")
    left, right = axes
    for index, (label, histories) in enumerate(runs.items()):
        if not isinstance(histories, (list, tuple)) or not histories or not all(
                isinstance(h, dict) and "loss" in h and "val_accuracy" in h for h in histories):
            raise TypeError(f"runs[{label!r}] must be a list of History.history dicts with 'loss', 'val_accuracy'")
        if len({len(h["loss"]) for h in histories}) != 1:
            raise ValueError(f"runs[{label!r}]: every seed must have run the same number of epochs (none stopped)")
        color = None
        for ax, key in ((left, "loss"), (right, "val_accuracy")):
            values = np.array([h[key] for h in histories], dtype=float)
            epochs = np.arange(1, values.shape[1] + 1)
            (line,) = ax.plot(epochs, values.mean(axis=0), f"{MARKERS[index % len(MARKERS)]}-", markersize=5,
                              color=color, label=label)
            color = line.get_color()
            ax.fill_between(epochs, values.min(axis=0), values.max(axis=0), color=color, alpha=0.2, linewidth=0)
    left.set(yscale="log", xlabel=_("epoch"), ylabel=_("training loss, epoch mean (log scale)"),
             title=_("Training loss"))
    right.set(xlabel=_("epoch"), ylabel=_("validation accuracy"), title=_("Validation accuracy"))
    for ax in axes:
        ax.set_xticks(epochs)
    right.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return axes
