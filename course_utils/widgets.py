"""Interactive explorers (ipywidgets): move a slider, watch gradient descent change.

The picture is redrawn by blitting: the axes, curve, labels and legend are drawn once; a slider move
redraws only the path, the loss line and the verdict over that background (about 20 ms instead of
about 400 ms for a full redraw), and the frame is shown as a PNG in an ``Image`` widget.
"""

import functools
import io

import numpy as np

from course_utils._validate import as_array, as_float, as_int, as_landscape, as_learning_rates, one_of
from course_utils.descent import classify_run, descend, gradient_descent
from course_utils.i18n import N_, _
from course_utils.landscapes import quadratic, rosenbrock
from course_utils.optimizers import SGD, Adam, Optimizer, RMSprop
from course_utils.plotting import PALETTE, plot_landscape


@functools.cache
def _described_box():
    """An ipywidgets VBox whose repr is a sentence: what a reader without a running kernel sees instead of the
    widget. Made on first use, so that importing this module does not import ipywidgets."""
    import ipywidgets

    class DescribedBox(ipywidgets.VBox):
        def __init__(self, children, description):
            super().__init__(children)
            self._description = description

        def __repr__(self):
            return self._description

    return DescribedBox


class PathFigure:
    """A path on a landscape and its loss curve, redrawn by blitting (fast enough for a slider)."""

    def __init__(self, landscape, start, steps, log_levels=False):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        landscape = as_landscape("landscape", landscape)
        start = landscape.as_points(as_array("start", start), name="start")
        if start.shape != landscape.point_shape:
            raise ValueError(f"start must be one point of shape {landscape.point_shape}, got {start.tolist()!r}")
        steps = as_int("steps", steps, 1)
        self.landscape, self.start, self.steps = landscape, start, steps
        self.figure = Figure(figsize=(10, 3.8), dpi=72)
        self.canvas = FigureCanvasAgg(self.figure)
        left, right = self.figure.subplots(1, 2)
        plot_landscape(landscape, ax=left, n=101, log_levels=log_levels)
        start_loss = float(landscape(start)) - landscape.global_minimum.value
        right.set(yscale="log", xlim=(0, steps), ylim=(start_loss * 1e-12, start_loss * 1e6),
                  xlabel=_("step"), ylabel=_("loss − minimum (log scale)"), title=_("Loss during training"))
        color = PALETTE["vermillion"]
        self.path, = left.plot([], [], "o-", color=color, markersize=3, linewidth=1.2, animated=True)
        self.loss, = right.plot([], [], color=color, animated=True)
        self.crosses = [ax.plot([], [], "x", color=color, markersize=12, markeredgewidth=3, animated=True)[0]
                        for ax in (left, right)]
        self.verdict = self.figure.text(0.5, 0.97, "", ha="center", va="top", fontsize=13,
                                        fontweight="bold", animated=True)
        self.figure.tight_layout(rect=(0, 0, 1, 0.9))
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def draw(self, run, verdict):
        """The picture of one run (a DescentRun of one run), with a one-line verdict, as PNG bytes."""
        from PIL import Image

        finite = np.isfinite(run.losses)
        gap = run.losses - self.landscape.global_minimum.value
        if self.landscape.dim == 1:
            self.path.set_data(run.path[finite], run.losses[finite])
        else:
            self.path.set_data(run.path[finite, 0], run.path[finite, 1])
        self.loss.set_data(np.arange(run.steps + 1)[finite], gap[finite])
        last = int(np.flatnonzero(finite)[-1])
        ends = [self.path.get_data(), ([last], [gap[last]])]
        for cross, (x, y) in zip(self.crosses, ends):
            if run.diverged:
                cross.set_data(np.asarray(x)[-1:], np.asarray(y)[-1:])
            else:
                cross.set_data([], [])
        self.verdict.set_text(verdict)

        self.canvas.restore_region(self.background)
        for artist in (self.path, self.loss, *self.crosses):
            artist.axes.draw_artist(artist)
        self.figure.draw_artist(self.verdict)
        width, height = self.canvas.get_width_height()
        frame = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        frame.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


class LearningRateExplorer(PathFigure):
    """Plain gradient descent for one learning rate at a time."""

    def render(self, learning_rate):
        """The picture for one learning rate, as PNG bytes."""
        rate = as_float("learning_rate", learning_rate, low=0)
        run = gradient_descent(self.landscape, self.start, rate, self.steps)
        verdict = classify_run(run) if self.landscape.dim == 1 else N_("diverges") if run.diverged else N_("converges")
        return self.draw(run, _("learning rate {rate}: {verdict}").format(rate=f"{rate:.3g}", verdict=_(verdict)))


class OptimizerExplorer(PathFigure):
    """Any optimizer of course_utils.optimizers on a landscape, one configuration at a time."""

    def render(self, optimizer, label=None):
        """The picture for one optimizer (a fresh instance: its state starts at zero), as PNG bytes."""
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be one of course_utils.optimizers, got {type(optimizer).__name__}")
        run = descend(self.landscape, self.start, self.steps, optimizer.step)
        gap = run.final_loss - self.landscape.global_minimum.value
        name, rate = label or type(optimizer).__name__, f"{optimizer.learning_rate:.3g}"
        if run.diverged:
            verdict = _("{name}, lr {rate}: diverged at step {step} after {steps} steps").format(
                name=_(name), rate=rate, step=run.diverged_at, steps=self.steps)
        else:
            verdict = _("{name}, lr {rate}: loss − minimum {gap} after {steps} steps").format(
                name=_(name), rate=rate, gap=f"{gap:.2g}", steps=self.steps)
        return self.draw(run, verdict)


def learning_rate_explorer(landscape=None, start=2.5, steps=30, rates=(0.01, 1.0), value=0.1):
    """A slider for the learning rate (log scale) that redraws the path and the loss curve."""
    import ipywidgets as widgets

    landscape = quadratic(4.0) if landscape is None else as_landscape("landscape", landscape)
    low, high = as_learning_rates("rates", rates).tolist() if np.size(rates) == 2 else (None, None)
    if low is None or not 0 < low < high:
        raise ValueError(f"rates must be (lowest, highest) with 0 < lowest < highest, got {rates!r}")
    if not low <= as_float("value", value) <= high:
        raise ValueError(f"value must lie within rates {tuple(rates)}, got {value!r}")
    explorer = LearningRateExplorer(landscape, start, steps)
    slider = widgets.FloatLogSlider(
        value=value, base=10, min=np.log10(low), max=np.log10(high), step=0.01,
        description=_("learning rate"), readout_format=".3f", continuous_update=True,
        style={"description_width": "initial"}, layout={"width": "500px"},
    )
    image = widgets.Image(value=explorer.render(value), format="png")
    slider.observe(lambda change: setattr(image, "value", explorer.render(change["new"])), names="value")
    return _described_box()(
        [slider, image],
        _("[learning-rate explorer: run this cell in JupyterLab and move the slider ({low} to {high})]").format(
            low=f"{low:g}", high=f"{high:g}"))


#: The names are data; the dropdown shows them translated ("momentum", the optimizer). The sliders keep the
#: hyperparameters' own names (momentum, rho, beta_1, beta_2), as the optimizers' arguments say them.
PLAYGROUND_OPTIMIZERS = ("SGD", N_("momentum"), "Nesterov", "RMSprop", "Adam")


def make_optimizer(name, learning_rate, momentum=0.9, rho=0.9, beta_1=0.9, beta_2=0.999):
    """One of PLAYGROUND_OPTIMIZERS, configured from the playground's sliders."""
    if one_of("name", name, PLAYGROUND_OPTIMIZERS) == "SGD":
        return SGD(learning_rate)
    if name in ("momentum", "Nesterov"):
        return SGD(learning_rate, momentum=momentum, nesterov=name == "Nesterov")
    if name == "RMSprop":
        return RMSprop(learning_rate, rho=rho)
    return Adam(learning_rate, beta_1=beta_1, beta_2=beta_2)


def optimizer_playground(landscape=None, start=(-1.5, 2.0), steps=300):
    """Choose an optimizer and its settings; the path on the landscape redraws at once."""
    import ipywidgets as widgets

    landscape = rosenbrock() if landscape is None else as_landscape("landscape", landscape)
    explorer = OptimizerExplorer(landscape, start, steps, log_levels=landscape.dim == 2)
    style, layout = {"description_width": "initial"}, {"width": "420px"}
    controls = {
        "name": widgets.Dropdown(options=[(_(name), name) for name in PLAYGROUND_OPTIMIZERS], value="Adam",
                                 description=_("optimizer")),
        "learning_rate": widgets.FloatLogSlider(value=0.01, base=10, min=-5, max=0, step=0.05,
                                                description=_("learning rate"), readout_format=".2g",
                                                style=style, layout=layout),
        "momentum": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum",
                                        style=style, layout=layout),
        "rho": widgets.FloatSlider(value=0.9, min=0.5, max=0.999, step=0.001, description="rho (RMSprop)",
                                   readout_format=".3f", style=style, layout=layout),
        "beta_1": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="beta_1 (Adam)",
                                      style=style, layout=layout),
        "beta_2": widgets.FloatSlider(value=0.999, min=0.9, max=0.9999, step=0.0001, description="beta_2 (Adam)",
                                      readout_format=".4f", style=style, layout=layout),
    }

    def current():
        settings = {key: control.value for key, control in controls.items()}
        return explorer.render(make_optimizer(**settings), label=settings["name"])

    image = widgets.Image(value=current(), format="png")
    for control in controls.values():
        control.observe(lambda change: setattr(image, "value", current()), names="value")
    return _described_box()(
        [widgets.HBox([widgets.VBox(list(controls.values())[:3]), widgets.VBox(list(controls.values())[3:])]), image],
        _("[optimizer playground: run this cell in JupyterLab and change the optimizer and its settings]"))
