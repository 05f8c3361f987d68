"""The plot style (colour-blind-safe colours, readable sizes) and the course's figures."""

import ast
import inspect
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conftest import assert_chinese
from course_utils import basins, callbacks, data, descent, gradcheck, landscapes, nn, optimizers
from course_utils.descent import gradient_descent
from course_utils.plotting import (CHINESE_FONTS, PALETTE, NoChineseFont, apply_style, plot_gradient_field,
                                   plot_landscape, plot_losses)


def test_style_applies_the_okabe_ito_palette_in_order():
    apply_style()
    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1], [0, k])[0] for k in range(3)]
    assert [line.get_color() for line in lines] == ["#0072B2", "#E69F00", "#009E73"]
    assert list(PALETTE.values())[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert fig.get_size_inches().tolist() == [7.0, 4.2]
    plt.close(fig)

F = landscapes.quadratic(2.0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_loss_curves_on_a_log_scale_with_divergence_marked():
    runs = {"good": gradient_descent(F, 1.0, 0.3, 30), "too big": gradient_descent(F, 1.0, 1.6, 30)}
    ax = plot_losses(runs)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step" and ax.get_ylabel() == "loss (log scale)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    k = runs["too big"].diverged_at
    assert labels == ["good", f"too big (diverged at step {k})"]
    curves = [line for line in ax.lines if line.get_label() in labels]
    assert len(curves[0].get_xdata()) == 31
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert len(crosses) == 1 and crosses[0].get_xdata()[0] == k


def test_loss_curves_accept_plain_arrays_and_mark_nan():
    ax = plot_losses({"keras": [1.0, 0.5, float("inf"), float("nan")]}, log=False, minimum=0.1)
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "loss − minimum"
    assert ax.get_legend().get_texts()[0].get_text() == "keras (diverged: NaN after step 1)"
    assert [line.get_marker() for line in ax.lines].count("x") == 1


def test_landscape_1d_draws_the_curve_minima_and_paths_inside_its_bounds():
    f = landscapes.several_minima()
    ax = plot_landscape(f, {"start at -1": gradient_descent(f, -1.0, 0.05, 30)})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["f(x)", "minima", "start at -1"]
    single = plot_landscape(F, ax=plt.subplots()[1])
    assert [t.get_text() for t in single.get_legend().get_texts()] == ["f(x)", "minimum"]
    stars = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(stars[0].get_xdata()) == 3
    assert ax.get_xlim() == f.bounds[0]
    assert "several minima" in ax.get_title()


def test_landscape_2d_draws_contours_and_a_diverging_path_ending_in_a_cross():
    f = landscapes.quadratic(1.0, 10.0)
    ax = plot_landscape(f, {"lr = 0.25": gradient_descent(f, [2.0, 1.0], 0.25, 20)})
    assert ax.collections, "no contour lines"
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert any("diverged at step" in t.get_text() for t in ax.get_legend().get_texts())
    assert [line.get_marker() for line in ax.lines].count("x") == 1


def test_gradient_field_draws_one_arrow_per_grid_point():
    ax = plot_gradient_field(landscapes.himmelblau(), n=9)
    (quiver,) = [c for c in ax.collections if c.__class__.__name__ == "Quiver"]
    assert quiver.N == 81


def test_a_curve_that_is_nan_from_the_start_is_marked_as_diverged():
    ax = plot_losses({"blown": [float("nan")]})
    assert ax.get_legend().get_texts()[0].get_text() == "blown (diverged: NaN from the start)"



def imported_packages(module):
    """The top-level packages a module's source imports, inside functions too."""
    tree = ast.parse(inspect.getsource(module))
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("module", [landscapes, descent, optimizers, nn, gradcheck, callbacks, data],
                         ids=lambda module: module.__name__)
def test_the_general_tools_draw_nothing_their_figures_are_in_plotting(module):
    """CONTRIBUTING's rule: only a notebook's experiment module (basins, autodiff, digits) keeps its own figures."""
    assert "matplotlib" in imported_packages(basins)  # the check sees an import inside a function
    assert "matplotlib" not in imported_packages(module)


# --- In Chinese (setup(language="zh")) ----------------------------------------------------------------------------


def test_in_chinese_the_loss_plot_is_labelled_in_chinese(chinese):
    runs = {"good": gradient_descent(F, 1.0, 0.3, 30), "too big": gradient_descent(F, 1.0, 1.6, 30)}
    ax = plot_losses(runs)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("步数", "损失（对数刻度）", "训练过程中的损失")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["good", f"too big（在第 {runs['too big'].diverged_at} 步发散）"]
    ax = plot_losses({"keras": [1.0, float("nan")]}, log=False, minimum=0.1, title="Keras", xlabel="epoch")
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("轮次", "损失 − 最小值", "Keras")
    assert ax.get_legend().get_texts()[0].get_text() == "keras（发散：第 0 步之后为 NaN）"
    field = plot_gradient_field(landscapes.himmelblau(), n=5)
    assert field.get_title() == "Himmelblau 函数的梯度\n方向（箭头）与大小（颜色）"
    assert_chinese(field.figure.axes[1].get_ylabel())  # the colour bar's
    minima = plot_landscape(landscapes.himmelblau()).get_legend().get_texts()[0].get_text()
    assert (minima, plot_landscape(F).get_legend().get_texts()[1].get_text()) == ("极小值", "最小值")


def test_in_chinese_a_machine_without_a_chinese_font_is_told_how_to_get_one(chinese, monkeypatch):
    import matplotlib as mpl
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: [])
    with mpl.rc_context(), pytest.warns(NoChineseFont) as warned:
        apply_style()
    assert_chinese(str(warned[0].message))
    assert "fonts-noto-cjk" in str(warned[0].message)


def test_in_chinese_the_style_adds_a_font_with_chinese_glyphs(chinese, caplog):
    import matplotlib as mpl

    with mpl.rc_context(), warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        apply_style()
        if any(issubclass(warning.category, NoChineseFont) for warning in warned):
            pytest.skip("no font with Chinese glyphs is installed here")
        first, *chinese_fonts = mpl.rcParams["font.family"]
        assert first == "sans-serif" and chinese_fonts and set(chinese_fonts) <= set(CHINESE_FONTS)  # Latin as before
        figure, ax = plt.subplots()
        ax.set_title("训练过程中的损失")
        warnings.simplefilter("error")  # a glyph missing from every font would warn
        figure.canvas.draw()
    assert mpl.rcParams["font.family"] == ["sans-serif"], "the test leaves the style as it found it"
    assert not caplog.records, "no log line about the Chinese font's weight reaches the notebook"
