"""Gradient checks and their costs: relative errors, CS231n's bands, counted loss evaluations, timings' shape."""

import math

import numpy as np
import pytest

from course_utils.gradcheck import (CS231N_THRESHOLDS, gradient_check, gradient_costs, numerical_gradients,
                                    relative_error, relative_error_verdict)
from course_utils.nn import Dense, Network


def test_central_differences_of_a_quadratic_are_exact_up_to_rounding():
    w = np.array([1.0, -2.0, 0.5])
    (gradient,) = numerical_gradients(lambda: float(np.sum(w**2)), [w])
    np.testing.assert_allclose(gradient, 2 * w, rtol=1e-8)
    assert w.tolist() == [1.0, -2.0, 0.5], "the parameters are restored"


def test_relative_error_is_scale_free_and_between_half_and_all_of_cs231ns():
    a, b = np.array([1.0, 1e-6, 0.0, -3.0]), np.array([1.1, 1.1e-6, 0.0, 3.0])
    ours = relative_error(a, b)
    np.testing.assert_allclose(ours[:2], [0.1 / 2.1, 0.1 / 2.1])
    assert ours[2] == 0.0 and ours[3] == 1.0
    cs231n = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)
    assert np.all(ours[:2] <= cs231n[:2]) and np.all(ours[:2] >= cs231n[:2] / 2)


@pytest.mark.parametrize("error, words", [
    (0.0, "happy"), (1e-9, "happy"), (1e-7, "usually okay with kinks"), (5e-5, "usually okay with kinks"),
    (1e-4, "uncomfortable"), (3e-3, "uncomfortable"), (1e-2, "probably wrong"), (0.8, "probably wrong"),
])
def test_relative_error_verdict_follows_cs231ns_bands(error, words):
    assert words in relative_error_verdict(error)


def test_the_bands_rise_and_cover_every_error():
    bounds = [bound for bound, _ in CS231N_THRESHOLDS]
    assert bounds == sorted(bounds) and bounds[-1] == math.inf


def test_gradient_check_counts_its_loss_evaluations_and_reads_its_verdict():
    rng = np.random.default_rng(0)
    network = Network.random((2, 3, 1), rng=rng)
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    calls = []

    def loss():
        calls.append(1)
        return network.loss(x, y)

    check = gradient_check(loss, network.parameters(), network.gradients(x, y)[1])
    assert check.loss_evaluations == len(calls) == 2 * 13
    assert check.max_relative_error < 1e-7 and check.verdict == "below 1e-7: happy"


def test_a_relu_kink_within_h_fails_the_check_though_the_gradient_is_right():
    z = np.array([0.4e-6])  # ReLU(z) for z a little above 0: the derivative is 1
    check = gradient_check(lambda: float(np.maximum(z, 0).sum()), [z], [np.ones(1)])
    assert check.max_relative_error == pytest.approx(0.3 / 1.7, rel=1e-6)  # the secant's slope is 0.7
    assert "probably wrong" in check.verdict
    z[0] = 5e-6
    assert gradient_check(lambda: float(np.maximum(z, 0).sum()), [z], [np.ones(1)]).max_relative_error < 1e-7


def test_gradient_costs_counts_and_times_each_network():
    costs = gradient_costs([2, 4, 40], repeats=2, finite_difference_repeats=1, finite_differences_up_to=100)
    parameters = [c["parameters"] for c in costs]
    assert parameters == [10 * 2 + 2 + 2 * 2 + 2 + 2 + 1, 10 * 4 + 4 + 4 * 4 + 4 + 4 + 1,
                          10 * 40 + 40 + 40 * 40 + 40 + 40 + 1]
    for c in costs:
        assert c["loss_evaluations"] == 2 * c["parameters"]
        assert c["backward_multiply_adds"] == 2 * c["forward_multiply_adds"]  # dW and dx for every layer
        assert all(c[f"{kind}_seconds"] > 0 for kind in ("forward", "loss", "backward", "backprop"))
    assert [math.isnan(c["finite_difference_seconds"]) for c in costs] == [False, False, True]
    assert costs[0]["forward_multiply_adds"] == 32 * (10 * 2 + 2 * 2 + 2 * 1)
    for c, width in zip(costs, [2, 4, 40]):  # without the first layer's dx: 32 samples x 10 inputs x width fewer
        assert c["backward_multiply_adds_without_input_gradient"] == c["backward_multiply_adds"] - 32 * 10 * width


def test_the_layers_count_the_multiply_adds_of_the_products_they_run(monkeypatch):
    layer = Dense(np.ones((3, 2)), np.zeros(2), "tanh")
    layer.forward(np.ones((5, 3)))
    layer.backward(np.ones((5, 2)))
    assert layer.multiply_adds == {"forward": 5 * 3 * 2, "dW": 3 * 5 * 2, "dx": 5 * 2 * 3}
    def backward_without_dx(self, grad_output):
        self.grad_weights = self._product(self.x.T, grad_output, "dW")

    monkeypatch.setattr(Dense, "backward", backward_without_dx)
    layer.forward(np.ones((5, 3)))
    layer.backward(np.ones((5, 2)))  # a backward pass without the dx product: nothing counted for it
    assert layer.multiply_adds == {"forward": 30, "dW": 30}


def test_in_chinese_the_verdicts_are_chinese_and_the_bands_stay_data(chinese):
    assert relative_error_verdict(1e-8) == "低于 1e-7：满意"
    assert relative_error_verdict(0.1) == "高于 1e-2：梯度很可能是错的"
    assert CS231N_THRESHOLDS[0][1] == "below 1e-7: happy"  # the table is data; the verdict is what is shown
    rng = np.random.default_rng(0)
    network = Network.random((2, 3, 1), rng=rng)
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    check = gradient_check(lambda: network.loss(x, y), network.parameters(), network.gradients(x, y)[1])
    assert repr(check).startswith("梯度检验通过：最大相对误差 ") and check.verdict == "低于 1e-7：满意"
