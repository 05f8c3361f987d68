"""Feeding Keras: a tf.data pipeline of mini-batches, the fast way to train the course's small models.

``model.fit(x, y, batch_size=16)`` with NumPy arrays builds Keras's own input pipeline and starts it afresh
every epoch, which costs about 40 ms per epoch on two CPU cores: as much as the training steps of a tiny model,
or more.
A pipeline built once costs about 1 ms per epoch::

    model.fit(batches(x, y, batch_size=16), epochs=40, shuffle=False, verbose=0)

``shuffle=False`` because the pipeline reshuffles itself every epoch (Keras's own ``shuffle`` applies only to
arrays, and Keras warns when it is left on for a pipeline).
"""

from course_utils._validate import as_array, as_bool, as_int


def batches(x, y, batch_size=32, *, shuffle=True, seed=0):
    """A ``tf.data.Dataset`` of (x, y) mini-batches, reshuffled every epoch in an order fixed by ``seed``.

    The same as ``Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)``, with
    tf.data's autotuning off (faster for data this small); the last batch may be smaller. The orders depend on
    ``seed`` and on TensorFlow's global seed (which ``keras.utils.set_random_seed`` sets). Build a new pipeline for
    every training run: each pass over a pipeline draws the next order, so two runs that share one see different
    orders.
    """
    import tensorflow as tf

    x, y = _samples("x", x), _samples("y", y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of samples, got {len(x)} and {len(y)}")
    batch_size, seed = as_int("batch_size", batch_size, 1), as_int("seed", seed, 0)
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if as_bool("shuffle", shuffle):
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


def _samples(name, value):
    """``value`` as a NumPy array of at least one sample, finite; floats as float32, integers (labels) as they are."""
    array = as_array(name, value, dtype=None)
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array of samples (one row per sample), got a single number")
    return array.astype("float32") if array.dtype.kind == "f" else array
