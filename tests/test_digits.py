"""The capstone's dataset and model, and the checks of notebook 07 (which train a real model)."""

import numpy as np
import pytest

import course_utils

course_utils.setup(quiet=True)
import keras  # noqa: E402

from course_utils import checks, digits  # noqa: E402


def test_digits_load_offline_scaled_and_split_deterministically():
    x_train, y_train, x_val, y_val = digits.load()
    assert x_train.shape == (1438, 64) and x_val.shape == (359, 64)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and set(np.unique(y_train)) == set(range(10))
    again = digits.load()
    np.testing.assert_array_equal(again[1], y_train)
    with pytest.raises(ValueError, match=r"validation must be in \(0, 1\)"):
        digits.load(validation=1.5)


def test_build_model_is_seeded():
    a, b = digits.build_model(seed=3), digits.build_model(seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    assert [layer.name for layer in a.layers] == ["hidden", "output"]


def test_adam_fix_check():
    assert checks.check_adam_fix(keras.optimizers.Adam(learning_rate=0.01)).passed
    assert "default rate 0.001" in checks.check_adam_fix("adam").message
    assert "0.001; the old code asked for 0.01" in checks.check_adam_fix(keras.optimizers.Adam()).message
    assert "not a SGD" in checks.check_adam_fix(keras.optimizers.SGD()).message
    assert checks.check_adam_fix(...).message.startswith("📝")


def test_rate_for_target_check_trains_and_judges():
    assert checks.check_rate_for_target(0.3).passed
    slow = checks.check_rate_for_target(0.001)
    assert not slow.passed and "try a larger rate" in slow.message
    assert "positive number" in checks.check_rate_for_target(-1.0).message
    assert checks.check_rate_for_target(...).message.startswith("📝")
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        digits.train(keras.optimizers.SGD(), epochs=0)


def test_rate_for_target_check_recognises_a_rate_that_is_too_large():
    feedback = checks.check_rate_for_target(50.0)
    assert not feedback.passed and "too large" in feedback.message


def test_a_diverging_training_run_stops_at_nan_and_is_drawn_as_diverged():
    from course_utils.plotting import plot_losses

    history = digits.train(keras.optimizers.SGD(learning_rate=1e30), epochs=5, batch_size=64)
    losses = history.history["loss"]
    assert len(losses) < 5 and np.isnan(losses[-1]), losses  # stopped early, at the NaN
    ax = plot_losses({"lr 1e30": losses}, xlabel="epoch")
    assert "diverged" in ax.get_legend().get_texts()[0].get_text()
