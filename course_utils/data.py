"""Feeding Keras: a tf.data pipeline of mini-batches, the fast way to train the course's small models.

``model.fit(x, y, batch_size=16)`` with NumPy arrays builds Keras's own input pipeline and starts it afresh
every epoch, which costs about 40 ms per epoch on two CPU cores: as much as the training steps of a tiny model,
or more.
A pipeline built once costs about 1 ms per epoch::

    model.fit(batches(x, y, batch_size=16), epochs=40, shuffle=False, verbose=0)

``shuffle=False`` because the pipeline reshuffles itself every epoch (Keras's own ``shuffle`` applies only to
arrays, and Keras warns when it is left on for a pipeline).
"""

import numpy as np

from course_utils._validate import flag, whole


def batches(x, y, batch_size=32, *, shuffle=True, seed=0):
    """A ``tf.data.Dataset`` of (x, y) mini-batches, reshuffled every epoch in an order fixed by ``seed``.

    The same as ``Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)``, with
    tf.data's autotuning off (faster for data this small); the last batch may be smaller. The orders depend on
    ``seed`` and on TensorFlow's global seed (which ``keras.utils.set_random_seed`` sets). Build a new pipeline for
    every training run: each pass over a pipeline draws the next order, so two runs that share one see different
    orders.
    """
    import tensorflow as tf

    x, y = _array("x", x), _array("y", y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of samples, got {len(x)} and {len(y)}")
    batch_size, seed = whole("batch_size", batch_size, 1), whole("seed", seed, 0)
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if flag("shuffle", shuffle):
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).with_options(_without_autotune(tf))


def _without_autotune(tf):
    """tf.data options for a small pipeline in memory: no autotuning, hence no prefetch thread to hand batches over.

    The batches are the same, in the same order; ``fit`` starts the pipeline twice an epoch, and without autotuning
    each epoch of a small model costs about 4 ms less (a third of the time of a 16-step epoch).
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def _array(name, value):
    """``value`` as a NumPy array of at least one sample, float32 for floats, with finite values."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be an array of samples (NumPy array or list), got {type(value).__name__}")
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got an array of dtype {array.dtype}")
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {array.shape}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite, got NaN or inf")
        array = array.astype("float32")
    return array
