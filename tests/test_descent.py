"""The gradient-descent runner: exact steps, vectorised batches, and divergence reported with its step."""

import numpy as np
import pytest

from course_utils import descent, landscapes
from course_utils.descent import classify_run, descend, gradient_descent

F = landscapes.quadratic(2.0)


def test_one_step_is_x_minus_rate_times_gradient():
    run = gradient_descent(F, 1.5, 0.1, steps=3)
    assert run.path.shape == (4,) and run.losses.shape == (4,)
    assert run.path.tolist() == pytest.approx([1.5, 1.2, 0.96, 0.768])  # x <- (1 - lr a) x
    assert run.losses[0] == pytest.approx(2.25) and run.diverged_at == -1


@pytest.mark.parametrize(
    "rate, behaviour",
    [(0.1, "monotone"), (0.5, "one step"), (0.9, "oscillating"), (1.0, "bouncing"), (1.1, "diverging")],
)
def test_the_four_regimes_of_a_quadratic(rate, behaviour):
    run = gradient_descent(F, 1.0, rate, steps=400)
    factor = 1 - rate * 2.0  # each step multiplies x by (1 - lr a)
    if behaviour == "diverging":
        assert run.diverged and run.diverged_at > 0
        assert np.isnan(run.path[-1]) and np.isnan(run.final_loss)
        assert "diverged at step" in run.describe()
    else:
        assert not run.diverged
        assert run.path[1] == pytest.approx(factor)
        if behaviour == "bouncing":
            assert run.path[-1] == pytest.approx(1.0)  # lr = 2/a: x flips sign forever
        else:
            assert abs(run.path[-1]) < 1e-12
        if behaviour == "oscillating":
            assert np.all(np.sign(run.path[:5]) == [1, -1, 1, -1, 1])


def test_many_rates_and_starts_at_once_equal_separate_runs():
    rates = np.array([0.05, 0.4, 0.95, 1.2])
    together = gradient_descent(F, 2.0, rates, steps=50)
    assert together.path.shape == (51, 4)
    for i, rate in enumerate(rates):
        alone = gradient_descent(F, 2.0, rate, steps=50)
        np.testing.assert_array_equal(together.path[:, i], alone.path)
        assert together.diverged_at[i] == alone.diverged_at
    f2 = landscapes.quadratic(1.0, 10.0)
    starts = np.random.default_rng(0).normal(size=(7, 2))
    batch = gradient_descent(f2, starts, 0.05, steps=20)
    assert batch.path.shape == (21, 7, 2) and batch.losses.shape == (21, 7)
    np.testing.assert_allclose(batch.path[:, 3], gradient_descent(f2, starts[3], 0.05, 20).path)


def test_divergence_by_overflow_is_caught_without_numpy_warnings():
    with np.errstate(all="raise"):  # a warning would be raised as an error here
        run = gradient_descent(landscapes.rosenbrock(), [[-1.5, 2.0]], 0.05, steps=100)
    assert run.diverged[0]
    k = run.diverged_at[0]
    assert np.all(np.isfinite(run.losses[:k])) and np.all(np.isnan(run.losses[k + 1:]))


def test_the_blowup_bound_decides_when_growth_counts_as_divergence():
    slow_growth = dict(landscape=F, start=1.0, learning_rate=1.05, steps=60)  # |x| grows 1.1x per step
    strict = gradient_descent(**slow_growth, blowup=10.0)
    lenient = gradient_descent(**slow_growth, blowup=1e12)
    assert 0 < strict.diverged_at < 20 and lenient.diverged_at == -1


def test_descend_accepts_any_update_rule():
    halfway = descend(F, 4.0, 3, lambda params, grads: params / 2)
    assert halfway.path.tolist() == [4.0, 2.0, 1.0, 0.5]
    with pytest.raises(ValueError, match="update returned shape"):
        descend(F, [1.0, 2.0], 2, lambda params, grads: params[:1])


@pytest.mark.parametrize(
    "rate_times_a, regime",
    [(0.5, "converges monotonically"), (1.0, "converges in one step"), (1.5, "oscillates and converges"),
     (2.0, "bounces forever"), (2.01, "diverges"), (3.0, "diverges")],
)
def test_classify_run_names_each_regime_of_the_parabola(rate_times_a, regime):
    assert classify_run(gradient_descent(F, 1.0, rate_times_a / 2.0, steps=100)) == regime


def test_classify_run_uses_the_nearest_minimum_and_rejects_what_it_cannot_classify():
    f = landscapes.several_minima()
    assert classify_run(gradient_descent(f, 2.0, 0.01, steps=500)) == "converges monotonically"
    with pytest.raises(ValueError, match="single 1-D run"):
        classify_run(gradient_descent(F, [1.0, 2.0], 0.1, 5))
    with pytest.raises(ValueError, match="single 1-D run"):
        classify_run(gradient_descent(landscapes.quadratic(1.0, 2.0), [1.0, 1.0], 0.1, 5))
    with pytest.raises(ValueError, match="starts at a minimum"):
        classify_run(gradient_descent(F, 0.0, 0.1, 5))


@pytest.mark.parametrize("name", ["SGD", "momentum", "Nesterov", "RMSprop", "Adam"])
def test_a_sweep_over_rates_equals_separate_runs(name):
    from course_utils.widgets import make_optimizer

    valley, rates = landscapes.rosenbrock(), 2.0 ** np.arange(-14, -6, 2)  # exact in float32, as Keras casts
    sweep = descent.sweep_learning_rates(valley, [-1.5, 2.0], 200, lambda rate: make_optimizer(name, rate), rates)
    for row, rate in enumerate(rates):
        alone = descent.descend(valley, [-1.5, 2.0], 200, make_optimizer(name, float(rate)).step)
        np.testing.assert_allclose(sweep.path[:, row], alone.path, rtol=1e-6, atol=1e-9)


def test_a_sweep_reports_each_diverging_rate_with_its_step():
    from course_utils.optimizers import SGD

    sweep = descent.sweep_learning_rates(landscapes.quadratic(4.0), 1.0, 50, lambda rate: SGD(rate), [0.1, 0.45, 0.6])
    assert sweep.diverged.tolist() == [False, False, True]
    alone = descent.gradient_descent(landscapes.quadratic(4.0), 1.0, 0.6, 50)
    assert sweep.diverged_at[2] == alone.diverged_at > 0


def test_in_chinese_a_run_is_described_in_chinese_and_classified_in_english(chinese):
    f = landscapes.quadratic(1.0)
    good, bad = gradient_descent(f, 1.0, 0.5, 20), gradient_descent(f, 1.0, 2.5, 20)
    assert good.describe() == "20 步之后：点 0.0，损失 4.547e-13"
    assert bad.describe() == f"在第 {bad.diverged_at} 步发散"
    assert classify_run(good) == "converges monotonically" and classify_run(bad) == "diverges"  # data, compared in code
