"""Batch losses from Keras 3's running means, and the LR range test on linear regression, whose
largest stable rate is known in closed form."""

import keras
import numpy as np
import pytest

from course_utils.callbacks import BatchLossHistory, LRFinder, lr_range_test

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
    # Full-batch gradient descent, where the bound is exact: every batch is the whole data set (repeated by the
    # range test itself, 100 times: no tiling needed).
    finder = lr_range_test(model, X, y, min_lr=1e-4, max_lr=10.0, steps=100, batch_size=N)
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


def test_the_range_test_records_its_batch_size():
    X, y, _ = regression_problem()
    finder = lr_range_test(linear_model("sgd"), X, y, min_lr=1e-4, max_lr=10.0, steps=10, batch_size=16)
    assert finder.batch_size == 16 and LRFinder().batch_size is None


def test_a_diverging_run_keeps_its_first_infinite_batch_loss():
    # Keras's running means of a run that overflows: finite, then inf (the sum overflowed), then NaN.
    history = BatchLossHistory()
    history.on_train_begin()
    history.on_epoch_begin(0)
    for mean in [1.0, 2.0, float("inf"), float("inf"), float("nan")]:
        history.on_train_batch_end(0, {"loss": mean})
    assert history.losses[:2] == [1.0, 3.0]
    assert history.losses[2:4] == [float("inf")] * 2, "inf - inf must not turn the first overflow into NaN"
    assert np.isnan(history.losses[4])


def test_a_real_overflow_is_recorded_as_inf_where_keras_reports_inf():
    X, y, _ = regression_problem()

    class Means(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.means = []

        def on_train_batch_end(self, batch, logs=None):
            self.means.append(float(logs["loss"]))

    model = linear_model(keras.optimizers.SGD(learning_rate=10.0))  # 100x the limit: overflows in a few steps
    history, means = BatchLossHistory(), Means()
    model.fit(np.tile(X, (30, 1)), np.tile(y, 30), batch_size=N, epochs=1, shuffle=False, verbose=0,
              callbacks=[history, means])
    first = int(np.argmax(~np.isfinite(history.losses)))
    assert not np.isfinite(history.losses[first]) and np.all(np.isfinite(history.losses[:first]))
    assert history.losses[first] == means.means[first] == float("inf")


def synthetic_finder(smoothed, beta=0.9):
    finder = LRFinder(min_lr=1e-4, max_lr=10.0, steps=len(smoothed), beta=beta)
    finder.rates = list(1e-4 * finder.factor ** np.arange(len(smoothed)))
    finder.smoothed = list(smoothed)
    return finder


def test_the_steepest_rate_skips_the_smoothing_transient_and_stops_at_the_minimum():
    log_rates = np.linspace(np.log(1e-4), np.log(10.0), 100)
    curve = 1 + 2 / (1 + np.exp(2 * (log_rates - np.log(1e-2))))  # falls fastest at 1e-2
    curve[:3] += [3.0, 1.5, 0.5]  # the first averages rest on a few batches: a steep, meaningless drop
    curve[80:] += np.exp(log_rates[80:] - log_rates[80]) ** 3  # the explosion
    finder = synthetic_finder(curve)
    rates = np.array(finder.rates)
    naive = rates[np.argmin(np.diff(curve) / np.diff(np.log(rates)))]
    assert naive == rates[0], "the naive pick must fall for the transient, or this test means nothing"
    assert 1e-2 / 1.5 < finder.steepest_rate() < 1e-2 * 1.5
    assert finder.steepest_rate() < finder.minimum_rate()
    assert set(finder.candidates()) == {"steepest", "minimum / 10", "minimum"}
    assert finder.candidates()["minimum / 10"] == pytest.approx(finder.minimum_rate() / 10)


def test_a_curve_that_never_falls_has_no_steepest_rate():
    finder = synthetic_finder(np.linspace(1.0, 5.0, 60))
    assert finder.steepest_rate() is None
    assert set(finder.candidates()) == {"minimum / 10", "minimum"}
    assert LRFinder().steepest_rate() is None and LRFinder().candidates() is None
    assert LRFinder().suggestion() is None and LRFinder().minimum_rate() is None


@pytest.mark.parametrize("seed", [0, 1])
def test_on_linear_regression_the_minimum_lies_past_the_limit_and_the_steep_point_below_it(seed):
    X, y, bound = regression_problem(seed)
    model = linear_model(keras.optimizers.SGD(learning_rate=0.01))
    finder = lr_range_test(model, X, y, min_lr=1e-4, max_lr=10.0, steps=100, batch_size=N)
    candidates = finder.candidates()
    assert candidates["steepest"] < bound < candidates["minimum"]
    assert finder.rates[-1] > 3 * bound, "the explosion comes steps after the limit"


def test_plot_marks_every_candidate_beside_the_axes():
    import matplotlib

    matplotlib.use("Agg")
    from course_utils.plotting import plot_lr_finder

    log_rates = np.linspace(np.log(1e-4), np.log(10.0), 100)
    finder = synthetic_finder(1 + 2 / (1 + np.exp(2 * (log_rates - np.log(1e-2)))) + (log_rates > 0) * 5)
    finder.losses = list(finder.smoothed)
    ax = plot_lr_finder(finder, bound=0.5, candidates=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [label.split(":")[0] for label in labels[2:5]] == ["steepest", "minimum / 10", "minimum"]
    assert labels[-1].startswith("stability limit")


def test_plot_on_a_log_axis_shows_every_batch_loss():
    import matplotlib

    matplotlib.use("Agg")
    from course_utils.plotting import plot_lr_finder

    log_rates = np.linspace(np.log(1e-4), np.log(10.0), 100)
    finder = synthetic_finder(1 + 2 / (1 + np.exp(2 * (log_rates - np.log(1e-2)))) + (log_rates > 0) * 5)
    finder.losses = [loss / 10 if i == 60 else loss for i, loss in enumerate(finder.smoothed)]  # one low batch
    linear = plot_lr_finder(finder)
    assert linear.get_yscale() == "linear" and linear.get_ylim()[0] > min(finder.losses)
    ax = plot_lr_finder(finder, bound=0.5, log=True)
    assert ax.get_yscale() == "log" and ax.get_ylim()[0] < min(finder.losses) and "log scale" in ax.get_ylabel()
    assert ax.lines[-1].get_color() == "#000000", "the stability limit is drawn in black"


def test_in_chinese_the_range_test_plot_names_its_candidates_in_chinese(chinese):
    import matplotlib

    matplotlib.use("Agg")
    from course_utils.plotting import plot_lr_finder

    log_rates = np.linspace(np.log(1e-4), np.log(10.0), 100)
    finder = synthetic_finder(1 + 2 / (1 + np.exp(2 * (log_rates - np.log(1e-2)))) + (log_rates > 0) * 5)
    finder.losses = list(finder.smoothed)
    assert list(finder.candidates()) == ["steepest", "minimum / 10", "minimum"]  # data: the same in any language
    ax = plot_lr_finder(finder, bound=0.5, candidates=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["每个批量的损失", "平滑后"]
    assert [label.split("：")[0] for label in labels[2:5]] == ["最陡处", "最小值 / 10", "最小值"]
    assert labels[-1] == "稳定性上限 0.5" and ax.get_title() == "学习率范围测试"
    assert plot_lr_finder(finder).get_legend().get_texts()[-1].get_text().startswith("建议的学习率 ")
