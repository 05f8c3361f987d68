"""Basins of attraction and random restarts: measured against exact intervals and 1 - (1 - p)^k."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import basins, landscapes

F = landscapes.several_minima()


def test_1d_basins_are_the_intervals_between_the_maxima():
    x, labels = basins.basin_map(F, learning_rate=0.02, steps=1500, n=601)
    edges = [F.bounds[0][0], *F.maxima, F.bounds[0][1]]
    for index, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        inside = (x > low + 0.02) & (x < high - 0.02)  # away from the maxima, where descent is slowest
        assert np.all(labels[inside] == index), index
    exact = np.diff(edges) / (edges[-1] - edges[0])
    measured = [np.mean(labels == i) for i in range(3)]
    np.testing.assert_allclose(measured, exact, atol=0.01)


def test_2d_basin_map_labels_every_minimum_and_is_symmetric():
    camel = landscapes.six_hump_camel()
    X, Y, labels = basins.basin_map(camel, learning_rate=0.04, steps=300, n=61)
    assert labels.shape == (61, 61) and set(np.unique(labels)) - {basins.NOWHERE} == set(range(6))
    # Starts exactly on a saddle point, such as (0, 0), have a zero gradient and never move:
    assert labels[30, 30] == basins.NOWHERE and np.mean(labels == basins.NOWHERE) < 0.01
    shares = [np.mean(labels == i) for i in range(6)]
    assert shares[0] == pytest.approx(shares[1], abs=0.01), "the camel is symmetric under (x, y) -> (-x, -y)"
    assert min(shares) > 0.03


def test_nearest_minimum_labels_far_or_diverged_points_as_nowhere():
    camel = landscapes.six_hump_camel()
    points = np.array([m.location for m in camel.minima] + [[0.0, 0.0], [np.nan, 1.0]])
    assert basins.nearest_minimum(camel, points).tolist() == [0, 1, 2, 3, 4, 5, basins.NOWHERE, basins.NOWHERE]


@pytest.mark.parametrize("restarts", [1, 3, 8])
def test_restart_success_rate_matches_one_minus_one_minus_p_to_the_k(restarts):
    p = (F.bounds[0][1] - F.maxima[1]) / (F.bounds[0][1] - F.bounds[0][0])  # the global minimum's basin share
    rng = np.random.default_rng(restarts)
    measured = basins.restart_success_rate(F, restarts, trials=4000, learning_rate=0.02, steps=800, rng=rng)
    predicted = float(basins.predicted_success_rate(p, restarts))
    assert measured == pytest.approx(predicted, abs=3 * np.sqrt(predicted * (1 - predicted) / 4000) + 0.005)


def test_plot_basins_draws_one_legend_entry_per_minimum_with_its_share():
    x, labels = basins.basin_map(F, 0.02, 1500, n=301)
    ax = basins.plot_basins(F, x, labels)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum("basin of" in t for t in texts) == 3 and any("25% of starts" in t for t in texts)
    plt.close("all")


def test_hessian_of_a_quadratic_is_its_matrix_and_parameters_are_restored():
    from course_utils.nn import Network

    A = np.array([[3.0, 1.0], [1.0, -2.0]])
    w = np.array([[0.4], [-0.3]])
    matrix = basins.hessian(lambda: [A @ w], [w])  # the gradient of w.T A w / 2
    np.testing.assert_allclose(matrix, A, atol=1e-8)
    assert w.ravel().tolist() == [0.4, -0.3]
    assert basins.curvature_kind(np.linalg.eigvalsh(matrix)) == "saddle"
    network = Network.random((1, 2, 1), rng=np.random.default_rng(0))
    x, y = np.linspace(-1, 1, 8)[:, None], np.linspace(-1, 1, 8)[:, None] ** 2
    before = [p.copy() for p in network.parameters()]
    H = basins.hessian(lambda: network.gradients(x, y)[1], network.parameters())
    assert H.shape == (7, 7) and np.array_equal(H, H.T)
    assert all(np.array_equal(a, b) for a, b in zip(before, network.parameters()))


@pytest.mark.parametrize("values, kind", [([1.0, 2.0], "minimum"), ([-1.0, -2.0], "maximum"), ([-1.0, 2.0], "saddle"),
                                          ([0.0, 2.0], "flat in some direction"), ([1e-9, 1.0], "flat in some direction")])
def test_curvature_kind_reads_the_signs_of_the_eigenvalues(values, kind):
    assert basins.curvature_kind(values) == kind


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_train_networks_is_the_in_place_loop_vectorised_to_the_last_bit(activation):
    from course_utils.nn import Network

    x = np.linspace(-1, 1, 16)[:, None]
    y = np.sin(3 * x)
    looped = [Network.random((1, 3, 2, 1), activation, rng=np.random.default_rng(seed)) for seed in range(3)]
    together = [Network.random((1, 3, 2, 1), activation, rng=np.random.default_rng(seed)) for seed in range(3)]
    losses = basins.train_networks(together, x, y, learning_rate=0.1, steps=50)
    for index, network in enumerate(looped):
        for step in range(50):
            loss, gradients = network.gradients(x, y)
            assert losses[step, index] == loss
            for parameter, gradient in zip(network.parameters(), gradients):
                parameter -= 0.1 * gradient
        assert all(np.array_equal(a, b) for a, b in zip(network.parameters(), together[index].parameters()))


def test_in_chinese_the_basins_legend_is_chinese(chinese):
    x, labels = basins.basin_map(F, 0.02, 1500, n=301)
    texts = [t.get_text() for t in basins.plot_basins(F, x, labels).get_legend().get_texts()]
    assert sum("的吸引域（f = " in t for t in texts) == 3 and any(t.endswith("：占起点的 25%") for t in texts)
    plt.close("all")
