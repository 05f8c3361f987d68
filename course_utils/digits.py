"""The capstone's data and model: scikit-learn's bundled handwritten digits (8x8 images), no download.

1797 images of the digits 0-9, split into 1437 for training and 360 for validation.
"""

import math

import numpy as np

from course_utils._validate import number, whole
from course_utils.data import batches


def load(seed=0, validation=0.2):
    """(x_train, y_train, x_val, y_val): pixels scaled to [0, 1], integer labels 0-9."""
    from sklearn.datasets import load_digits

    seed = whole("seed", seed, 0)
    number("validation", validation, low=0, high=1, low_open=True, high_open=True)
    digits = load_digits()
    x, y = (digits.data / 16.0).astype("float32"), digits.target.astype("int64")
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(round(len(x) * (1 - validation)))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def build_model(seed=0):
    """A small classifier: 64 pixels -> 32 ReLU units -> 10 softmax outputs, with seeded initial weights."""
    import keras

    keras.utils.set_random_seed(whole("seed", seed, 0))
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

    epochs, batch_size = whole("epochs", epochs, 1), whole("batch_size", batch_size, 1)
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
