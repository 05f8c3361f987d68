"""course_utils.optimizers against Keras itself: golden values, step-for-step parity, and bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.optimizers import SGD, Adam, RMSprop, keras_cast

OURS = {"SGD": SGD, "RMSprop": RMSprop, "Adam": Adam}


# --- Keras's own golden values (keras/src/optimizers/{sgd,rmsprop,adam}_test.py) ----------------------

GOLDEN = {
    # test_correctness_with_golden: one step with gradients 0.01, then five with 0.1, 0.2, ..., 1.0
    "SGD": (dict(nesterov=True), [
        [0.9999] * 10,
        [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
        [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
        [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
        [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599]]),
    "RMSprop": (dict(centered=True), [[v] * 10 for v in (0.9967, 0.9933, 0.9908, 0.9885, 0.9864)]),
    "Adam": (dict(amsgrad=True), [[v] * 10 for v in (0.999, 0.9982, 0.9974, 0.9965, 0.9955)]),
}


@pytest.mark.parametrize("name", GOLDEN)
def test_correctness_with_keras_golden_values(name):
    kwargs, golden = GOLDEN[name]
    optimizer = OURS[name](**kwargs)
    x = np.ones(10, dtype=np.float32)
    grads = np.arange(0.1, 1.1, 0.1, dtype=np.float32)[:10]
    x = optimizer.step(x, np.full(10, 0.01, dtype=np.float32))
    for row in golden:
        np.testing.assert_allclose(x, row, rtol=5e-4, atol=5e-4)
        x = optimizer.step(x, grads)


@pytest.mark.parametrize(
    "name, expected",
    [("SGD", [0.5, -1.0, -0.5, 3.0]), ("RMSprop", [-0.5811, 0.4189, 1.4189, 2.4189]), ("Adam", [0.5, 1.5, 2.5, 3.5])],
)
def test_single_step_with_keras_golden_values(name, expected):
    optimizer = OURS[name](learning_rate=0.5)
    x = optimizer.step(np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32), np.array([1.0, 6.0, 7.0, 2.0], np.float32))
    np.testing.assert_allclose(x, expected, rtol=1e-4, atol=1e-4)
    assert optimizer.iterations == 1


# --- Step-for-step parity with keras.optimizers ----------------------------------------------------


def random_config(name, rng):
    if name == "SGD":
        momentum = float(rng.choice([0.0, rng.uniform(0.5, 0.99)]))
        return dict(learning_rate=float(rng.uniform(0.001, 0.1)), momentum=momentum, nesterov=bool(rng.integers(2)))
    if name == "RMSprop":
        return dict(learning_rate=float(rng.uniform(1e-4, 0.05)), rho=float(rng.uniform(0.5, 0.99)),
                    momentum=float(rng.choice([0.0, rng.uniform(0.1, 0.9)])), centered=bool(rng.integers(2)),
                    epsilon=float(rng.choice([1e-7, 1e-4])))
    return dict(learning_rate=float(rng.uniform(1e-4, 0.05)), beta_1=float(rng.uniform(0.5, 0.95)),
                beta_2=float(rng.uniform(0.9, 0.9999)), amsgrad=bool(rng.integers(2)),
                epsilon=float(rng.choice([1e-7, 1e-3])))


def run_both(name, config, dtype, scale, steps=100, seed=0):
    """Run ours and Keras's on the same noisy quadratic problem; return both final parameter lists."""
    rng = np.random.default_rng(seed)
    target = rng.normal(size=(3, 4))
    start = [rng.normal(size=(3, 4)).astype(dtype), rng.normal(size=4).astype(dtype)]

    def gradients(step, params):
        noise = np.random.default_rng(step).normal(size=(3, 4))
        return [((params[0] - target + 0.3 * noise) * scale).astype(dtype), (params[1] * scale).astype(dtype)]

    ours, theirs = OURS[name](**config), getattr(keras.optimizers, name)(**config)
    params = [p.copy() for p in start]
    variables = [keras.Variable(p.copy(), dtype=dtype) for p in start]
    for step in range(steps):
        params = ours.step(params, gradients(step, params))
        grads = gradients(step, [v.numpy() for v in variables])
        theirs.apply_gradients(zip([tf.constant(g) for g in grads], variables))
    assert ours.iterations == int(theirs.iterations.numpy()) == steps
    return params, [v.numpy() for v in variables]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(OURS))
@pytest.mark.parametrize("seed", range(3))
def test_parity_with_keras_over_100_steps(name, dtype, seed):
    rng = np.random.default_rng(100 + seed)
    config = random_config(name, rng)
    scale = 1e-7 if seed == 2 else 1.0  # tiny gradients: where epsilon's placement decides the step
    ours, theirs = run_both(name, config, dtype, scale, seed=seed)
    tolerance = 1e-12 if dtype == "float64" else 1e-6
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance * 1e-3, err_msg=f"{name} {config}")


def test_tiny_gradients_show_where_epsilon_goes():
    g = np.array([1e-7])
    # The paper's Adam at step 1: m_hat / (sqrt(v_hat) + eps) = g / (|g| + eps) = 0.5 for g = eps = 1e-7.
    # Keras adds eps to sqrt(v) *before* the bias correction: in the paper's terms its epsilon is
    # eps_hat = eps / sqrt(1 - beta_2^t), 3.2e-6 at step 1, so the step is 1e-7 / (1e-7 + 3.2e-6) = 0.031.
    adam = Adam(learning_rate=1.0).step(np.array([0.0]), g)
    assert adam[0] == pytest.approx(-1e-7 / (1e-7 + 1e-7 / np.sqrt(1 - 0.999)), rel=1e-5)
    assert abs(adam[0]) < 0.1 * 0.5, "far from the paper's 0.5"
    # RMSprop: eps inside the square root; v = 0.1 g^2 = 1e-15, sqrt(1e-15 + 1e-7) ~ 3.16e-4.
    rms = RMSprop(learning_rate=1.0).step(np.array([0.0]), g)
    assert rms[0] == pytest.approx(-1e-7 / np.sqrt(0.1 * 1e-14 + 1e-7), rel=1e-6)


def test_keras_cast_rounds_python_floats_through_float32():
    assert keras_cast(0.999, np.float64) == np.float64(np.float32(0.999)) != 0.999
    assert keras.ops.cast(0.999, "float64").numpy() == keras_cast(0.999, np.float64)


@pytest.mark.parametrize("decay", [0.01, 0.5, 3.0])
def test_keras2_decay_equals_inverse_time_decay_step_for_step(decay):
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=decay)
    ours, theirs = SGD(learning_rate=0.1, momentum=0.9, decay=decay), keras.optimizers.SGD(schedule, momentum=0.9)
    params, variable = np.ones(3, np.float32), keras.Variable(np.ones(3, np.float32))
    for step in range(50):
        grads = np.array([0.5, -1.0, 2.0], np.float32) * (1 + step % 3)
        params = ours.step(params, grads)
        theirs.apply_gradients([(tf.constant(grads), variable)])
        np.testing.assert_array_equal(params, variable.numpy())


# --- The interface ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OURS))
def test_step_returns_new_arrays_of_the_same_dtype_and_keeps_state_per_position(name):
    optimizer = OURS[name]()
    w, b = np.ones((2, 3), np.float32), np.zeros(3, np.float64)
    w_before, b_before = w.copy(), b.copy()
    new_w, new_b = optimizer.step([w, b], [np.ones((2, 3)), np.ones(3)])
    assert new_w.dtype == np.float32 and new_b.dtype == np.float64
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(b, b_before)
    single = OURS[name]().step(np.ones((2, 3), np.float32), np.ones((2, 3)))
    np.testing.assert_array_equal(single, new_w)
    assert optimizer.iterations == 1


def test_a_parameter_that_changes_shape_is_rejected():
    optimizer = Adam()
    optimizer.step(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="parameter 0 changed"):
        optimizer.step(np.ones(3), np.ones(3))
