"""Test functions ("loss landscapes") with analytic gradients and known minima, vectorised over points.

A point of a 1-D landscape is a number, so ``f(x)`` takes an array of any shape. A point of a 2-D
landscape is a pair, so ``f(points)`` takes an array of shape ``(..., 2)``; ``f.grid()`` gives the
meshgrid for contour plots. ``f.gradient`` returns an array of the same shape as its input.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from course_utils._validate import as_array, as_float, as_int
from course_utils.i18n import _


@dataclass(frozen=True)
class Minimum:
    """A local minimum: where it is and the value there."""

    location: np.ndarray
    value: float


@dataclass(frozen=True, eq=False)
class Landscape:
    """A function to minimise, its gradient, its known minima and a region to plot."""

    name: str  # in the course's language when it was made (plot titles show it)
    formula: str  # LaTeX, for titles
    dim: int
    value_function: Callable
    gradient_function: Callable
    minima: tuple
    bounds: tuple  # ((low, high),) per coordinate
    maxima: tuple = ()  # locations of the local maxima, where they are known exactly (1-D)
    axis_labels: tuple = ("x", "y")

    @property
    def point_shape(self):
        """The shape of one point: () in 1-D, (2,) in 2-D."""
        return () if self.dim == 1 else (self.dim,)

    @property
    def global_minimum(self):
        return min(self.minima, key=lambda minimum: minimum.value)

    def as_points(self, points, name="points"):
        """``points`` as a float array, checked against the landscape's dimension (NaN and inf are allowed: the
        value there is NaN or inf)."""
        points = as_array(name, points, finite=False, empty=True)
        if self.dim > 1 and (points.ndim == 0 or points.shape[-1] != self.dim):
            raise ValueError(
                f"{self.name} is a function of {self.dim} variables: {name} must have shape (..., {self.dim}), "
                f"got shape {points.shape}"
            )
        return points

    def __call__(self, points):
        """The function's value at each point (NaN or inf where the point is not finite)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.value_function(self.as_points(points))

    def gradient(self, points):
        """The analytic gradient at each point, of the same shape as ``points``."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.gradient_function(self.as_points(points))

    def grid(self, n=201):
        """Sample points over ``bounds``: x of shape (n,) in 1-D; X, Y of shape (n, n) in 2-D."""
        n = as_int("n", n, 2)
        axes = [np.linspace(low, high, n) for low, high in self.bounds]
        return axes[0] if self.dim == 1 else np.meshgrid(*axes)

    def __repr__(self):
        return f"Landscape({self.name!r}, dim={self.dim}, {len(self.minima)} minima)"


def _xy(points):
    return points[..., 0], points[..., 1]


def _stack(gx, gy):
    return np.stack([gx, gy], axis=-1)


def quadratic(*curvatures, bound=3.0):
    """f(x) = a x^2 / 2 in 1-D, or f(x, y) = (a1 x^2 + a2 y^2) / 2 in 2-D: curvature a per axis.

    Its Hessian is diag(a): gradient descent is stable for 0 < lr < 2 / max(a), and the condition
    number max(a) / min(a) says how much slower the flattest direction converges.
    """
    a = as_array("curvatures", curvatures, ndim=1)
    if np.any(a <= 0) or a.size > 2:
        raise ValueError(f"curvatures must be one positive number (1-D) or two (2-D), got {a.tolist()}")
    as_float("bound", bound, low=0, low_open=True)
    if a.size == 1:
        (a1,) = a
        return Landscape(
            name=_("quadratic, a = {a}").format(a=f"{a1:g}"),
            formula=r"$f(x) = a\,x^2/2$",
            dim=1,
            value_function=lambda x: 0.5 * a1 * x**2,
            gradient_function=lambda x: a1 * x,
            minima=(Minimum(np.array(0.0), 0.0),),
            bounds=((-bound, bound),),
        )
    return Landscape(
        name=_("quadratic, a = ({a1}, {a2})").format(a1=f"{a[0]:g}", a2=f"{a[1]:g}"),
        formula=r"$f(x, y) = (a_1 x^2 + a_2 y^2)/2$",
        dim=2,
        value_function=lambda p: 0.5 * (a[0] * p[..., 0] ** 2 + a[1] * p[..., 1] ** 2),
        gradient_function=lambda p: p * a,
        minima=(Minimum(np.zeros(2), 0.0),),
        bounds=((-bound, bound), (-bound, bound)),
    )


def rosenbrock(a=1.0, b=100.0):
    """Rosenbrock's banana valley, f = (a - x)^2 + b (y - x^2)^2: one minimum at (a, a^2), value 0."""
    a, b = as_float("a", a), as_float("b", b, low=0, low_open=True)
    return Landscape(
        name=_("Rosenbrock"),
        formula=rf"$f(x, y) = ({a:g} - x)^2 + {b:g}\,(y - x^2)^2$",
        dim=2,
        value_function=lambda p: (a - p[..., 0]) ** 2 + b * (p[..., 1] - p[..., 0] ** 2) ** 2,
        gradient_function=lambda p: _stack(
            -2 * (a - p[..., 0]) - 4 * b * p[..., 0] * (p[..., 1] - p[..., 0] ** 2),
            2 * b * (p[..., 1] - p[..., 0] ** 2),
        ),
        minima=(Minimum(np.array([a, a**2]), 0.0),),
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
    )


def himmelblau():
    """Himmelblau's function, f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2: four minima, all of value 0."""
    locations = [
        (3.0, 2.0),
        (-2.8051180870, 3.1313125183),
        (-3.7793102534, -3.2831859913),
        (3.5844283403, -1.8481265270),
    ]
    return Landscape(
        name=_("Himmelblau"),
        formula=r"$f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2$",
        dim=2,
        value_function=lambda p: (p[..., 0] ** 2 + p[..., 1] - 11) ** 2 + (p[..., 0] + p[..., 1] ** 2 - 7) ** 2,
        gradient_function=lambda p: _stack(
            4 * p[..., 0] * (p[..., 0] ** 2 + p[..., 1] - 11) + 2 * (p[..., 0] + p[..., 1] ** 2 - 7),
            2 * (p[..., 0] ** 2 + p[..., 1] - 11) + 4 * p[..., 1] * (p[..., 0] + p[..., 1] ** 2 - 7),
        ),
        minima=tuple(Minimum(np.array(loc), 0.0) for loc in locations),
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
    )


def six_hump_camel():
    """The six-hump camel: two global minima of value -1.0316 and four local ones."""
    minima = [
        ((0.0898420131, -0.7126564030), -1.0316284535),
        ((-0.0898420131, 0.7126564030), -1.0316284535),
        ((-1.7036067133, 0.7960835658), -0.2154638244),
        ((1.7036067133, -0.7960835658), -0.2154638244),
        ((-1.6071047529, -0.5686514549), 2.1042503103),
        ((1.6071047529, 0.5686514549), 2.1042503103),
    ]

    def value(p):
        x, y = _xy(p)
        return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2

    def gradient(p):
        x, y = _xy(p)
        return _stack(8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3)

    return Landscape(
        name=_("six-hump camel"),
        formula=r"$f = (4 - 2.1x^2 + x^4/3)\,x^2 + xy + (4y^2 - 4)\,y^2$",
        dim=2,
        value_function=value,
        gradient_function=gradient,
        minima=tuple(Minimum(np.array(loc), val) for loc, val in minima),
        bounds=((-2.0, 2.0), (-1.1, 1.1)),
    )


def several_minima(critical_points=(-2.4, -1.4, 0.5, 1.5, 2.4), scale=0.5, bound=3.0):
    """A 1-D polynomial whose slope is scale * prod(x - c) over the critical points c.

    With five critical points the 1st, 3rd and 5th are minima and the others maxima, so the basin
    of each minimum is exactly the interval between its neighbouring maxima.
    """
    c = np.sort(as_array("critical_points", critical_points, ndim=1))
    if c.size % 2 == 0 or np.any(np.diff(c) <= 0):
        raise ValueError(f"critical_points must be an odd number of distinct values, got {critical_points!r}")
    as_float("bound", bound, low=0, low_open=True)
    scale = as_float("scale", scale, low=0, low_open=True)
    slope = np.polynomial.Polynomial.fromroots(c) * scale
    poly = slope.integ()
    minima = tuple(Minimum(np.array(x), float(poly(x))) for x in c[::2])
    return Landscape(
        name=_("several minima"),
        formula=r"$f'(x) = " + f"{scale:g}" + "".join(f"(x {'-' if v >= 0 else '+'} {abs(v):g})" for v in c) + "$",
        dim=1,
        value_function=lambda x: poly(x),
        gradient_function=lambda x: slope(x),
        minima=minima,
        bounds=((-bound, bound),),
        maxima=tuple(float(x) for x in c[1::2]),
    )


def mse_of_line(x, y, margin=3.0):
    """The mean squared error of the line w x + b on data (x, y), as a landscape over (w, b).

    Its minimum is the least-squares line; its Hessian is 2 [[mean x^2, mean x], [mean x, 1]].
    """
    x, y = as_array("x", x, ndim=1), as_array("y", y, ndim=1)
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must have the same length >= 2, got {x.size} and {y.size}")
    as_float("margin", margin, low=0, low_open=True)

    def errors(p):
        return p[..., 0, None] * x + p[..., 1, None] - y

    def value(p):
        return np.mean(errors(p) ** 2, axis=-1)

    def gradient(p):
        error = errors(p)
        return _stack(2 * np.mean(error * x, axis=-1), 2 * np.mean(error, axis=-1))

    w, b = np.polyfit(x, y, 1)
    best = np.array([w, b])
    return Landscape(
        name=_("MSE of the line w x + b"),
        formula=r"$L(w, b) = \frac{1}{n}\sum_i (w\,x_i + b - y_i)^2$",
        dim=2,
        value_function=value,
        gradient_function=gradient,
        minima=(Minimum(best, float(value(best))),),
        bounds=((w - margin, w + margin), (b - margin, b + margin)),
        axis_labels=("w", "b"),
    )
