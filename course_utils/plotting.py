"""The course's plot style: a colour-blind-safe palette and sizes that read well in JupyterLab."""

import logging

import numpy as np
from cycler import cycler

from course_utils._validate import as_array, as_bool, as_int, as_landscape
from course_utils.i18n import N_, _, current_language

#: Okabe & Ito's palette, distinguishable with every common form of colour blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

STYLE = {
    "axes.prop_cycle": cycler(color=list(PALETTE.values())),
    "image.cmap": "viridis",
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": "figure",
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "lines.linewidth": 2.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


#: Fonts with Chinese glyphs, tried in order after the default font when the course speaks Chinese (Linux, Windows,
#: macOS); only the installed ones are used.
CHINESE_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
                 "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")


def apply_style():
    """Make the course's style the default for every figure drawn after this call (in Chinese: with the fonts that
    have Chinese glyphs after the default one, for the labels)."""
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)
    if current_language() == "zh":
        _add_chinese_fonts(mpl)


class _NearWeightIsFine:
    """Drops Matplotlib's log line about a Chinese font that has no regular weight (WenQuanYi Zen Hei is medium
    only): its nearest weight draws the labels well, and the line would land in the notebooks' outputs."""

    def filter(self, record):
        return not (str(record.msg).startswith("findfont: Failed to find font weight")
                    and isinstance(record.args, tuple) and len(record.args) > 1 and record.args[1] in CHINESE_FONTS)


_NEAR_WEIGHT_IS_FINE = _NearWeightIsFine()


class NoChineseFont(UserWarning):
    """Warned when the course speaks Chinese and no installed font has Chinese glyphs (the labels show boxes)."""


def _chinese_fonts(manager):
    installed = {font.name for font in manager.ttflist}
    return [name for name in CHINESE_FONTS if name in installed]


def _add_chinese_fonts(mpl):
    import warnings

    from matplotlib import font_manager

    chinese = _chinese_fonts(font_manager.fontManager)
    if not chinese:  # perhaps installed after Matplotlib listed the fonts (it keeps the list in a cache)
        known = {font.fname for font in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    font_manager.fontManager.addfont(path)
                except (RuntimeError, OSError, ValueError):  # a font Matplotlib cannot draw with (bitmap emoji)
                    pass
        chinese = _chinese_fonts(font_manager.fontManager)
    if not chinese:
        warnings.warn(_("No font with Chinese glyphs is installed, so the figures' Chinese labels show as boxes. "
                        "Install one (e.g. `sudo apt install fonts-noto-cjk`), then restart the kernel."),
                      NoChineseFont, stacklevel=3)
        return
    # Matplotlib takes each glyph from the first family of font.family that has it: Latin ones as in English
    mpl.rcParams["font.family"] = [name for name in mpl.rcParams["font.family"] if name not in chinese] + chinese
    logging.getLogger("matplotlib.font_manager").addFilter(_NEAR_WEIGHT_IS_FINE)  # added once, however often called


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _figure, ax = plt.subplots()
    elif not isinstance(ax, plt.Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure), got {type(ax).__name__}")
    return ax


def _shown(text):
    """A label as shown: the course's own texts (the defaults, "epoch") translated, a learner's own as it is."""
    return _(text) if isinstance(text, str) and text else text  # _("") would be the catalogue's header


def _curve(values, label):
    """Values as a 1-D float array, and the index of the last finite one before any NaN/inf (None: all finite)."""
    values = as_array(f"runs[{label!r}], a DescentRun or a list of losses (one per step),", values, ndim=1,
                      finite=False)
    bad = ~np.isfinite(values)
    if not bad.any():
        return values, None
    return values, int(np.argmax(bad)) - 1  # -1: not one finite loss


def _single_run(run, label):
    """``run`` if it is a DescentRun of one run; None if it is not a DescentRun (a list of losses, perhaps)."""
    from course_utils.descent import DescentRun

    if isinstance(run, DescentRun):
        if run.diverged_at.shape != ():
            raise ValueError(f"runs[{label!r}] must be one run (one per label), got a batch of shape "
                             f"{run.diverged_at.shape}")
        return run
    return None


def _labelled(runs, name):
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"{name} must be a non-empty dict of label -> run, got {type(runs).__name__}")
    return runs


def plot_losses(runs, ax=None, *, log=True, minimum=0.0, title=N_("Loss during training"), xlabel=N_("step")):
    """Loss against step, one line per run; a run that diverged ends in an x at its last finite loss.

    runs: {label: DescentRun of one run, or a sequence of losses}. minimum: subtracted from every
    loss so that a log scale shows the distance to the optimum.
    """
    ax = _axes(ax)
    for label, run in _labelled(runs, "runs").items():
        single = _single_run(run, label)
        losses, last = _curve(single.losses if single is not None else run, label)
        gap = losses - minimum
        if single is not None and single.diverged_at >= 0:
            label = _("{label} (diverged at step {step})").format(label=label, step=single.diverged_at)
            last = int(np.flatnonzero(np.isfinite(losses))[-1])
        elif last is not None:
            label = (_("{label} (diverged: NaN after step {step})").format(label=label, step=last) if last >= 0
                     else _("{label} (diverged: NaN from the start)").format(label=label))
        (line,) = ax.plot(np.arange(len(gap)), gap, label=label)
        if last is not None and last >= 0:
            ax.plot([last], [gap[last]], "x", color=line.get_color(), markersize=12, markeredgewidth=3)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(_shown(xlabel))
    if minimum == 0:
        ax.set_ylabel(_("loss (log scale)") if log else _("loss"))
    else:
        ax.set_ylabel(_("loss − minimum (log scale)") if log else _("loss − minimum"))
    ax.set_title(_shown(title))
    ax.legend()
    return ax


def plot_landscape(landscape, runs=None, ax=None, *, levels=30, log_levels=False, n=201):
    """The landscape (a curve in 1-D, contours in 2-D), its minima, and the path of each run.

    runs: {label: DescentRun of one run}; a path that diverged ends in an x.
    log_levels: space the contours logarithmically (for valleys such as Rosenbrock's).
    """
    landscape = as_landscape("landscape", landscape)
    levels = as_int("levels", levels, 2)
    n = as_int("n", n, 2)
    if not isinstance(runs, (dict, type(None))):
        raise TypeError(f"runs must be a dict of label -> DescentRun, got {type(runs).__name__}")
    ax = _axes(ax)
    if landscape.dim == 1:
        x = landscape.grid(n)
        y = landscape(x)
        ax.plot(x, y, color="0.3", linewidth=1.5, label="f(x)")
        margin = 0.08 * (y.max() - y.min())
        ax.set_xlim(*landscape.bounds[0])
        ax.set_ylim(y.min() - margin, y.max() + margin)  # a path that leaves the plot has diverged
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
    else:
        X, Y = landscape.grid(n)
        Z = landscape(np.stack([X, Y], axis=-1))
        if log_levels:
            low = landscape.global_minimum.value
            levels = low + np.logspace(-2, np.log10(Z.max() - low), levels)
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
        ax.set_xlabel(landscape.axis_labels[0])
        ax.set_ylabel(landscape.axis_labels[1])
        ax.set_aspect("equal", adjustable="box")
        ax.grid(False)
    locations = np.array([m.location for m in landscape.minima])
    label = _("minimum") if len(landscape.minima) == 1 else _("minima")
    if landscape.dim == 1:
        ax.plot(locations, [m.value for m in landscape.minima], "*", color="black", markersize=12, label=label)
    else:
        ax.plot(locations[:, 0], locations[:, 1], "*", color="black", markersize=12, label=label)
    for label, run in (runs or {}).items():
        if _single_run(run, label) is None:
            raise TypeError(f"runs[{label!r}] must be a DescentRun of one run, got {type(run).__name__}")
        _plot_path(ax, landscape, run, label)
    ax.set_title(f"{landscape.name}\n{landscape.formula}")  # the name is in the language it was made in
    ax.legend(loc="best")
    return ax


def _plot_path(ax, landscape, run, label):
    finite = np.isfinite(run.losses)
    if run.diverged_at >= 0:
        label = _("{label} (diverged at step {step})").format(label=label, step=run.diverged_at)
    if landscape.dim == 1:
        x, y = run.path[finite], run.losses[finite]
    else:
        x, y = run.path[finite, 0], run.path[finite, 1]
    (line,) = ax.plot(x, y, "o-", markersize=3, linewidth=1.2, label=label)
    ax.plot(x[:1], y[:1], "s", color=line.get_color(), markersize=7)
    if run.diverged_at >= 0:
        ax.plot(x[-1:], y[-1:], "x", color=line.get_color(), markersize=12, markeredgewidth=3)


def plot_gradient_field(landscape, ax=None, *, n=17):
    """Arrows of the gradient's direction over a 2-D landscape, coloured by its size (log scale).

    The gradient points uphill, across the contour lines; gradient descent steps the opposite way.
    """
    from matplotlib.colors import LogNorm

    if as_landscape("landscape", landscape).dim != 2:
        raise ValueError(f"landscape must be 2-D for a gradient field, got {landscape.name!r} of dim {landscape.dim}")
    n = as_int("n", n, 2)
    ax = _axes(ax)
    X, Y = landscape.grid(n)
    G = landscape.gradient(np.stack([X, Y], axis=-1))
    size = np.linalg.norm(G, axis=-1)
    safe = np.where(size > 0, size, 1.0)
    arrows = ax.quiver(X, Y, G[..., 0] / safe, G[..., 1] / safe, np.maximum(size, 1e-3),
                       norm=LogNorm(), cmap="magma", pivot="mid", scale=n * 1.4)
    ax.figure.colorbar(arrows, ax=ax, label=_("gradient size |∇f| (log scale)"))
    ax.set_title(_("Gradient of {name}\ndirection (arrows) and size (colour)").format(name=landscape.name))
    return ax


def plot_lr_finder(finder, ax=None, *, bound=None, candidates=False, log=False):
    """The LR range test: loss against learning rate (log scale), smoothed, with the suggested rate.

    bound: a known stability limit to draw for comparison (e.g. 2 / largest Hessian eigenvalue), in black.
    candidates: draw every rate of ``finder.candidates()`` instead of the suggestion, legend beside the axes.
    log: a log loss axis that shows every batch loss (the default linear axis starts near the lowest smoothed
    loss, so it cuts off the batch losses below it).
    """
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

    as_bool("candidates", candidates)
    as_bool("log", log)
    rates, losses, smoothed = (np.asarray(getattr(finder, name, []), dtype=float)
                               for name in ("rates", "losses", "smoothed"))
    if rates.size == 0 or rates.size != smoothed.size:
        raise ValueError("finder must be an LRFinder that has run (see course_utils.callbacks.lr_range_test)")
    ax = _axes(ax)
    ax.plot(rates, losses, color=PALETTE["sky"], linewidth=1, alpha=0.6, antialiased=False,  # crisp: smaller files
            label=_("loss of each batch"))
    ax.plot(rates, smoothed, color=PALETTE["blue"], label=_("smoothed"))
    if candidates:
        styles = {"steepest": (PALETTE["orange"], "-."), "minimum / 10": (PALETTE["green"], "--"),
                  "minimum": (PALETTE["purple"], "-")}
        for name, rate in finder.candidates().items():
            color, style = styles.get(name, (PALETTE["black"], ":"))
            ax.axvline(rate, color=color, linestyle=style, linewidth=1.5,
                       label=_("{candidate}: {rate}").format(candidate=_(name), rate=f"{rate:.3g}"))
    else:
        suggestion = finder.suggestion()
        ax.axvline(suggestion, color=PALETTE["green"], linestyle="--",
                   label=_("suggested rate {rate}").format(rate=f"{suggestion:.3g}"))
    if bound is not None:
        ax.axvline(bound, color=PALETTE["black"], linestyle=":",
                   label=_("stability limit {rate}").format(rate=f"{bound:.3g}"))
    finite = smoothed[np.isfinite(smoothed)]
    if log:
        positive = losses[np.isfinite(losses) & (losses > 0)]
        ax.set_yscale("log")
        ax.set_ylim(0.8 * positive.min(), 1.5 * smoothed[0])
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # 0.2, 0.5, 1, 2 rather than 2×10⁻¹
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_ylim(0.8 * finite.min() if finite.min() > 0 else None, 1.5 * smoothed[0])
    ax.set_xscale("log")
    ax.set_xlabel(_("learning rate (log scale)"))
    ax.set_ylabel(_("loss (log scale)") if log else _("loss"))
    ax.set_title(_("Learning-rate range test"))
    if candidates:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.legend()
    return ax
