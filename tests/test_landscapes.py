"""Test functions: analytic gradients agree with central differences; stated minima are minima."""

import numpy as np
import pytest

from course_utils import landscapes
from course_utils.landscapes import Landscape

ALL = {
    "quadratic 1-D": landscapes.quadratic(3.0),
    "quadratic 2-D": landscapes.quadratic(1.0, 25.0),
    "Rosenbrock": landscapes.rosenbrock(),
    "Himmelblau": landscapes.himmelblau(),
    "six-hump camel": landscapes.six_hump_camel(),
    "several minima": landscapes.several_minima(),
    "MSE of a line": landscapes.mse_of_line([0.0, 1.0, 2.0, 3.5], [1.0, 2.5, 4.0, 9.0]),
}


def central_difference(f, points, h=1e-6):
    if f.dim == 1:
        return (f(points + h) - f(points - h)) / (2 * h)
    steps = np.eye(f.dim) * h
    return np.stack([(f(points + e) - f(points - e)) / (2 * h) for e in steps], axis=-1)


@pytest.mark.parametrize("name", ALL)
def test_gradient_matches_central_differences_over_the_whole_region(name):
    f = ALL[name]
    rng = np.random.default_rng(0)
    low, high = np.array(f.bounds).T
    points = rng.uniform(low, high, size=(500, f.dim))
    points = points[:, 0] if f.dim == 1 else points
    analytic, numeric = f.gradient(points), central_difference(f, points)
    assert analytic.shape == points.shape
    scale = np.maximum(1.0, np.abs(numeric))
    assert np.max(np.abs(analytic - numeric) / scale) < 1e-5


@pytest.mark.parametrize("name", ALL)
def test_stated_minima_are_minima_with_the_stated_values(name):
    f = ALL[name]
    for minimum in f.minima:
        assert np.allclose(f(minimum.location), minimum.value, atol=1e-7), (minimum, f(minimum.location))
        assert np.allclose(f.gradient(minimum.location), 0, atol=1e-5)
        rng = np.random.default_rng(1)
        nearby = minimum.location + rng.normal(scale=1e-3, size=(200, *f.point_shape))
        assert np.all(f(nearby) >= minimum.value - 1e-12), "not a local minimum"


@pytest.mark.parametrize("name", ALL)
def test_the_global_minimum_is_the_lowest_point_of_the_region(name):
    f = ALL[name]
    grid = f.grid(801)
    values = f(grid) if f.dim == 1 else f(np.stack(grid, axis=-1))
    assert f.global_minimum.value <= values.min() + 1e-9


def test_literature_values():
    assert ALL["Rosenbrock"].global_minimum.location.tolist() == [1.0, 1.0]
    assert len(ALL["Himmelblau"].minima) == 4 and all(m.value == 0 for m in ALL["Himmelblau"].minima)
    assert ALL["six-hump camel"].global_minimum.value == pytest.approx(-1.0316, abs=1e-4)
    assert len(ALL["six-hump camel"].minima) == 6


def test_mse_of_line_has_the_least_squares_minimum_and_the_stated_hessian():
    x, y = np.array([0.0, 1.0, 2.0, 3.5]), np.array([1.0, 2.5, 4.0, 9.0])
    f = ALL["MSE of a line"]
    design = np.stack([x, np.ones_like(x)], axis=1)
    np.testing.assert_allclose(f.global_minimum.location, np.linalg.lstsq(design, y, rcond=None)[0])
    hessian = np.stack([central_difference(f, e) - central_difference(f, 0 * e) for e in np.eye(2)]) / 1.0
    np.testing.assert_allclose(hessian, 2 * design.T @ design / len(x), rtol=1e-5)
    assert f.axis_labels == ("w", "b")


def test_several_minima_basins_lie_between_its_maxima():
    f = ALL["several minima"]
    assert len(f.minima) == 3 and len(f.maxima) == 2
    locations = [float(m.location) for m in f.minima]
    assert locations[0] < f.maxima[0] < locations[1] < f.maxima[1] < locations[2]
    assert np.allclose(f.gradient(np.array(f.maxima)), 0, atol=1e-12)
    assert f.global_minimum is f.minima[2], "the global minimum has the narrow basin on the right"


def test_vectorised_over_any_batch_shape():
    f = ALL["Himmelblau"]
    points = np.zeros((4, 5, 2))
    assert f(points).shape == (4, 5) and f.gradient(points).shape == (4, 5, 2)
    X, Y = f.grid(11)
    assert X.shape == Y.shape == (11, 11)
    assert ALL["quadratic 1-D"](np.ones((3, 2))).shape == (3, 2)


def test_non_finite_points_give_nan_or_inf_without_warnings():
    f = ALL["Rosenbrock"]
    with np.errstate(all="raise"):
        values = f(np.array([[np.nan, 0.0], [1e200, 1e200]]))
    assert np.isnan(values[0]) and np.isinf(values[1])
    assert isinstance(f, Landscape) and "Rosenbrock" in repr(f)


def test_in_chinese_a_landscape_made_then_is_named_in_chinese(chinese):
    names = [landscapes.quadratic(4.0).name, landscapes.quadratic(1.0, 20.0).name, landscapes.rosenbrock().name,
             landscapes.six_hump_camel().name, landscapes.several_minima().name]
    assert names == ["二次函数，a = 4", "二次函数，a = (1, 20)", "Rosenbrock 函数", "六峰驼背函数", "多个极小值"]
    assert landscapes.mse_of_line([0.0, 1.0], [1.0, 3.0]).name == "直线 w x + b 的均方误差"
