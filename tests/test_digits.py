"""The capstone's dataset and model (notebook 07's exercises are tested in tests/exercises)."""

import keras
import numpy as np
import pytest

from course_utils import digits


def test_digits_load_offline_scaled_and_split_deterministically():
    x_train, y_train, x_val, y_val = digits.load()
    assert x_train.shape == (1438, 64) and x_val.shape == (359, 64)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and set(np.unique(y_train)) == set(range(10))
    again = digits.load()
    np.testing.assert_array_equal(again[1], y_train)
    with pytest.raises(ValueError, match=r"validation must be in \(0, 1\)"):
        digits.load(validation=1.5)


def test_bundled_digits_are_scikit_learns():
    """digits.npz holds load_digits()'s numbers exactly, so load() needs no scikit-learn."""
    datasets = pytest.importorskip("sklearn.datasets")
    pixels, labels = digits._bundled_digits()
    reference = datasets.load_digits()
    np.testing.assert_array_equal(pixels.astype(np.float64), reference.data)
    np.testing.assert_array_equal(labels.astype(np.int64), reference.target)


def test_build_model_is_seeded():
    a, b = digits.build_model(seed=3), digits.build_model(seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    assert [layer.name for layer in a.layers] == ["hidden", "output"]


def test_train_refuses_zero_epochs():
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        digits.train(keras.optimizers.SGD(), epochs=0)


def test_a_diverging_training_run_stops_at_nan_and_is_drawn_as_diverged():
    from course_utils.plotting import plot_losses

    history = digits.train(keras.optimizers.SGD(learning_rate=1e30), epochs=5, batch_size=64)
    losses = history.history["loss"]
    assert len(losses) < 5 and np.isnan(losses[-1]), losses  # stopped early, at the NaN
    ax = plot_losses({"lr 1e30": losses}, xlabel="epoch")
    assert "diverged" in ax.get_legend().get_texts()[0].get_text()


def test_a_reset_run_equals_a_fresh_run_bit_for_bit():
    fresh = digits.train(keras.optimizers.Adam(learning_rate=0.003), epochs=3, batch_size=64, seed=1)
    trainer = digits.Trainer(keras.optimizers.Adam())
    trainer.run(0.03, seed=0, epochs=2)  # moves the weights, the moments and the iterations counter
    reset = trainer.run(0.003, seed=1, epochs=3)
    for key in ("loss", "val_loss", "val_accuracy"):
        assert reset.history[key] == fresh.history[key], key
    assert all(np.array_equal(a, b) for a, b in zip(fresh.model.get_weights(), trainer.model.get_weights()))
    assert int(trainer.optimizer.iterations) == int(fresh.model.optimizer.iterations) == 3 * 23
    # and equal to a fresh Trainer's first run: the same numbers whatever ran before
    assert digits.Trainer(keras.optimizers.Adam()).run(0.003, seed=1, epochs=3).history == reset.history


def test_the_trainer_traces_its_step_once_for_all_rates_and_seeds():
    trainer = digits.Trainer(keras.optimizers.SGD(momentum=0.9))
    runs = digits.sweep(trainer, [0.05, 0.5], seeds=(1, 0), epochs=2)
    assert trainer.traces == 1
    assert list(runs) == [0.05, 0.5] and all(len(histories) == 2 for histories in runs.values())
    # the histories are in the order of the seeds given, whatever order they ran in
    assert runs[0.05][1] == digits.Trainer(keras.optimizers.SGD(momentum=0.9)).run(0.05, seed=0, epochs=2).history
    assert float(trainer.optimizer.learning_rate) == np.float32(0.5)


def test_a_sweep_can_skip_the_other_seeds_of_a_failed_rate():
    trainer = digits.Trainer(keras.optimizers.SGD())
    full = digits.sweep(trainer, [0.3, 30.0], seeds=(0, 1), epochs=2)
    short = digits.sweep(trainer, [0.3, 30.0], seeds=(0, 1), epochs=2, stop_at_failure=True)
    assert [len(h) for h in full.values()] == [2, 2] and [len(h) for h in short.values()] == [2, 1]
    assert short[0.3] == full[0.3] and short[30.0][0] == full[30.0][0]  # the same runs, bit for bit
    assert [r.failed for r in digits.summarise(short)] == [r.failed for r in digits.summarise(full)] == [False, True]


def test_the_trainer_refuses_schedules_and_used_optimizers():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    with pytest.raises(ValueError, match="float learning rate"):
        digits.Trainer(keras.optimizers.SGD(learning_rate=schedule))
    used = keras.optimizers.Adam()
    digits.Trainer(used)
    with pytest.raises(ValueError, match="must be new"):
        digits.Trainer(used)


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # inside Keras's callback
def test_the_trainer_passes_validation_logs_to_callbacks():
    trainer = digits.Trainer(keras.optimizers.SGD())
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=0, min_delta=10.0)
    history = trainer.run(0.1, epochs=3, callbacks=[plateau]).history
    assert history["learning_rate"] == [np.float32(0.1), np.float32(0.1), np.float32(0.05)]  # logged before the cut
    assert len(history["val_loss"]) == 3
    trainer.reset(0.1)
    assert float(trainer.optimizer.learning_rate) == np.float32(0.1)


def history(accuracies, losses=None):
    return {"val_accuracy": list(accuracies), "loss": list(losses or [1.0] * len(accuracies))}


def test_the_trainer_records_the_accuracy_on_each_half_of_the_validation_images():
    history = digits.Trainer(keras.optimizers.SGD()).run(0.3, seed=1, epochs=2).history
    n = len(digits.load(1)[3])
    half = n // 2
    for epoch in range(2):
        a, b, both = history["val_accuracy_a"][epoch], history["val_accuracy_b"][epoch], history["val_accuracy"][epoch]
        hits_a, hits_b = round(a * half), round(b * (n - half))
        assert np.isclose(a * half, hits_a) and np.isclose(b * (n - half), hits_b)
        assert both == float(np.float32(hits_a + hits_b) / np.float32(n))
    runs = {0.3: [history]}
    assert digits.summarise(runs, key="val_accuracy_b")[0].final == (history["val_accuracy_b"][-1],)
    with pytest.raises(ValueError, match="key must be one of"):
        digits.summarise(runs, key="accuracy")
    with pytest.raises(TypeError, match="'val_accuracy_a'"):
        digits.summarise({0.3: [{"val_accuracy": [0.9], "loss": [1.0]}]}, key="val_accuracy_a")


def test_epochs_to_summarise_and_best():
    assert digits.epochs_to([0.5, 0.96, 0.97]) == 2 and digits.epochs_to([0.5, 0.9]) is None
    assert digits.epochs_to([0.5, 0.9], target=0.9) == 2
    runs = {
        0.1: [history([0.90, 0.95]), history([0.96, 0.96])],  # mean 0.955, reached at 2 and 1
        0.3: [history([0.95, 0.96]), history([0.90, 0.95])],  # the same mean, reached at 1 and 2
        1.0: [history([0.97, 0.99]), history([0.2, 0.3])],  # a seed below 50 %: failed
        3.0: [history([0.9, 0.99], [1.0, float("nan")]), history([0.99, 0.99])],  # NaN loss: failed
    }
    results = digits.summarise(runs)
    assert [r.rate for r in results] == [0.1, 0.3, 1.0, 3.0]
    assert [r.failed for r in results] == [False, False, True, True]
    low = results[0]
    assert low.final == (0.95, 0.96) and low.reached == (2, 1) and np.isclose(low.mean, 0.955)
    assert (low.low, low.high) == (0.95, 0.96)
    assert low.ties(results[1]) and not low.ties(digits.Result(9.0, (0.97, 0.98), (1, 1), False))
    assert digits.best(results) is results[0]  # equal means and equal mean epochs: the first
    faster = digits.summarise({0.1: [history([0.90, 0.95])], 0.3: [history([0.95, 0.95])]})
    assert digits.best(faster).rate == 0.3  # equal means: the one that reached the target sooner
    assert digits.best(digits.summarise({1.0: runs[1.0]})) is None


def test_plot_rates_and_curves_draw_every_optimizer():
    import matplotlib.pyplot as plt

    results = {"SGD": digits.summarise({0.1: [history([0.9, 0.95])], 1.0: [history([0.1, 0.2])]}),
               "Adam": digits.summarise({0.01: [history([0.9, 0.97])]})}
    ax = digits.plot_rates(results)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["SGD", "Adam", "hollow, on the bottom edge:\na seed fails (accuracy < 50 %)"]
    markers = [line.get_marker() for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert markers[:2] == list(digits.MARKERS[:2])  # one marker per optimizer
    hollow = [line for line in ax.get_lines() if line.get_markerfacecolor() == "none"]
    assert len(hollow) == 1 and hollow[0].get_marker() == digits.MARKERS[0]  # SGD's failed rate, in SGD's marker
    assert ax.get_xscale() == "log" and ax.get_ylim()[1] == 1.0
    left, right = digits.plot_curves({"SGD (0.1)": [history([0.9, 0.95]), history([0.8, 0.96])]})
    assert list(right.get_lines()[0].get_xdata()) == [1, 2] and list(left.get_lines()[0].get_xdata()) == [1, 2]
    assert np.allclose(right.get_lines()[0].get_ydata(), [0.85, 0.955])
    plt.close("all")
    with pytest.raises(ValueError, match="same number of epochs"):
        digits.plot_curves({"x": [history([0.9, 0.95]), history([0.9])]})


def test_in_chinese_the_sweep_plots_are_labelled_in_chinese(chinese):
    import matplotlib.pyplot as plt

    results = {"SGD": digits.summarise({0.1: [history([0.9, 0.95])], 1.0: [history([0.1, 0.2])]})}
    ax = digits.plot_rates(results)
    assert (ax.get_ylabel(), ax.get_legend().get_texts()[-1].get_text()) == (
        "最终验证准确率", "空心标记，位于底边：\n某个随机种子训练失败（准确率 < 50%）")
    left, right = digits.plot_curves({"SGD (0.1)": [history([0.9, 0.95])]})
    assert (left.get_xlabel(), left.get_title(), right.get_title()) == ("轮次", "训练损失", "验证准确率")
    plt.close("all")
