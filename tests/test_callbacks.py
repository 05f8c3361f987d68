"""Batch losses from Keras 3's running means, and the LR range test on linear regression, whose
largest stable rate is known in closed form."""

import numpy as np
import pytest

import course_utils

course_utils.setup(quiet=True)
import keras  # noqa: E402

from course_utils.callbacks import BatchLossHistory, LRFinder, lr_range_test  # noqa: E402

N = 128


def regression_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, 3)) * [1.0, 3.0, 0.5] + [1.0, 0.0, 0.0]
    y = X @ [1.5, -0.7, 2.0] + 0.3 + 0.1 * rng.normal(size=N)
    augmented = np.hstack([X, np.ones((N, 1))])  # the bias is a weight on a constant input
    hessian = 2 / N * augmented.T @ augmented  # of the mean squared error
    return X.astype("float32"), y.astype("float32"), 2 / np.linalg.eigvalsh(hessian).max()


def linear_model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="linear")])
    model.compile(optimizer=optimizer, loss="mse")
    return model


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_suggestion_is_stable_and_within_a_factor_10_of_the_largest_stable_rate(seed):
    X, y, bound = regression_problem(seed)
    model = linear_model(keras.optimizers.SGD(learning_rate=0.01))
    # Full-batch gradient descent, where the bound is exact: every batch is the whole data set.
    finder = lr_range_test(model, np.tile(X, (100, 1)), np.tile(y, 100), min_lr=1e-4, max_lr=10.0,
                           steps=100, batch_size=N)
    assert finder.exploded, "the range must reach the unstable rates"
    suggestion = finder.suggestion()
    assert bound / 10 < suggestion < bound, (suggestion, bound)
    assert finder.minimum_rate() == pytest.approx(10 * suggestion)
    assert finder.minimum_rate() > bound, "the lowest smoothed loss lies past the edge: why the rule steps back"
    # ... and the suggested rate really trains: full-batch descent converges with it.
    model.optimizer.learning_rate.assign(suggestion)
    history = model.fit(X, y, batch_size=N, epochs=60, verbose=0, shuffle=False)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]


def test_batch_losses_are_recovered_from_keras_running_means():
    X, y, _ = regression_problem()
    model = linear_model(keras.optimizers.SGD(learning_rate=0.0))  # rate 0: the weights never move
    start = model.get_weights()
    predictions = X @ start[0][:, 0] + start[1][0]
    per_batch = [np.mean((predictions[i:i + 32] - y[i:i + 32]) ** 2) for i in range(0, N, 32)]
    history = BatchLossHistory()
    model.fit(X, y, batch_size=32, epochs=3, shuffle=False, verbose=0, callbacks=[history])
    assert len(history.losses) == 3 * 4
    np.testing.assert_allclose(history.losses, per_batch * 3, rtol=1e-5)
    assert np.ptp(per_batch) > 0.1 * np.mean(per_batch), "the batches must differ for this test to mean anything"


def test_the_model_and_its_optimizer_come_back_unchanged():
    X, y, _ = regression_problem()
    model = linear_model(keras.optimizers.Adam(learning_rate=0.003))
    before = [w.copy() for w in model.get_weights()]
    lr_range_test(model, X, y, min_lr=1e-4, max_lr=10.0, steps=40, batch_size=16)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert float(model.optimizer.learning_rate) == pytest.approx(0.003)
    assert int(model.optimizer.iterations) == 0
    assert all(not np.any(v.numpy()) for v in model.optimizer.variables if "momentum" in v.path or "velocity" in v.path)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"min_lr": 0.0}, ValueError, "min_lr must be a positive finite number"),
        ({"min_lr": "1e-5"}, TypeError, "min_lr must be a number"),
        ({"max_lr": float("inf")}, ValueError, "max_lr must be a positive finite number"),
        ({"min_lr": 1.0, "max_lr": 0.1}, ValueError, "max_lr must be larger than min_lr"),
        ({"steps": 2}, ValueError, "steps must be a whole number >= 5"),
        ({"beta": 1.0}, ValueError, r"beta must be in \[0, 1\)"),
        ({"stop_factor": -1.0}, ValueError, "stop_factor must be a positive"),
    ],
)
def test_bad_settings_get_a_clear_error(kwargs, error, words):
    with pytest.raises(error, match=words):
        LRFinder(**kwargs)


def test_bad_models_and_schedules_get_a_clear_error():
    X, y, _ = regression_problem()
    with pytest.raises(TypeError, match="must be a compiled keras.Model"):
        lr_range_test(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]), X, y)
    with pytest.raises(ValueError, match="need at least one full batch"):
        lr_range_test(linear_model("sgd"), X[:10], y[:10], batch_size=32)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    with pytest.raises(TypeError, match="not a schedule"):
        lr_range_test(linear_model(keras.optimizers.SGD(learning_rate=schedule)), X, y)
    assert LRFinder().suggestion() is None and LRFinder().minimum_rate() is None
