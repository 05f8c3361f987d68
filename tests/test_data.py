"""The tf.data pipeline the notebooks feed Keras with: every sample once per epoch, a new seeded order every
epoch, and, in a fixed order, exactly the batches Keras makes from arrays (the same training to the last digit)."""

import warnings

import keras
import numpy as np

from course_utils.data import batches

X = np.arange(20, dtype="float64").reshape(10, 2)
Y = np.arange(10)


def epoch(dataset):
    parts = [(x.numpy(), y.numpy()) for x, y in dataset]
    return [len(y) for _, y in parts], np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])


def test_every_sample_once_per_epoch_in_batches_of_the_size_the_last_smaller():
    sizes, x, y = epoch(batches(X, Y, batch_size=4))
    assert sizes == [4, 4, 2]
    assert sorted(y.tolist()) == list(range(10))
    np.testing.assert_array_equal(x, X[y])  # rows stay with their labels
    assert x.dtype == np.float32  # floats go in as float32, the dtype of Keras's weights


def test_a_new_order_every_epoch_and_the_same_orders_for_the_same_seeds():
    def orders(seed):
        keras.utils.set_random_seed(1)
        dataset = batches(X, Y, batch_size=3, seed=seed)
        return [epoch(dataset)[2].tolist() for _ in range(3)]

    first = orders(seed=0)
    assert first == orders(seed=0)
    assert first[0] != first[1] != first[2]
    assert first != orders(seed=1)


def test_in_a_fixed_order_keras_trains_exactly_as_it_does_on_arrays():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(48, 3)).astype("float32"), rng.normal(size=48).astype("float32")

    def trained(data, **fit_options):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), loss="mse")
        history = model.fit(*data, epochs=3, shuffle=False, verbose=0, **fit_options)
        return history.history["loss"], model.get_weights()

    losses, weights = trained((x, y), batch_size=10)
    pipeline_losses, pipeline_weights = trained((batches(x, y, batch_size=10, shuffle=False),))
    assert losses == pipeline_losses
    for a, b in zip(weights, pipeline_weights):
        np.testing.assert_array_equal(a, b)


def test_fit_on_the_pipeline_warns_about_nothing():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(batches(X, Y.astype("float32"), batch_size=5), epochs=2, shuffle=False, verbose=0)


def test_without_autotuning_fit_trains_exactly_as_on_the_plain_pipeline():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(48, 3)).astype("float32"), rng.normal(size=48).astype("float32")

    def trained(dataset):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), loss="mse")
        history = model.fit(dataset(), epochs=4, shuffle=False, verbose=0)  # a new order every epoch
        return history.history["loss"], model.get_weights()

    plain = trained(lambda: tf.data.Dataset.from_tensor_slices((x, y)).shuffle(48, seed=3).batch(10))
    ours = trained(lambda: batches(x, y, batch_size=10, seed=3))
    assert batches(x, y).options().autotune.enabled is False
    assert ours[0] == plain[0]
    for a, b in zip(ours[1], plain[1]):
        np.testing.assert_array_equal(a, b)
