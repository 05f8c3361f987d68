"""The explorers: sliders that redraw the picture (as PNG) for each learning rate, and the optimizer playground."""

import numpy as np

from conftest import assert_chinese
from course_utils import landscapes
from course_utils.optimizers import SGD, Adam, RMSprop
from course_utils.widgets import (PLAYGROUND_OPTIMIZERS, LearningRateExplorer, OptimizerExplorer, learning_rate_explorer,
                                  make_optimizer, optimizer_playground)

PNG = b"\x89PNG\r\n\x1a\n"


def test_render_returns_a_png_that_changes_with_the_rate():
    explorer = LearningRateExplorer(landscapes.quadratic(4.0), 2.5, 30)
    slow, diverging = explorer.render(0.02), explorer.render(0.55)
    assert slow.startswith(PNG) and diverging.startswith(PNG) and slow != diverging
    assert explorer.verdict.get_text() == "learning rate 0.55: diverges"
    assert explorer.render(0.02) == slow, "the same rate must draw the same picture"
    assert explorer.verdict.get_text() == "learning rate 0.02: converges monotonically"


def test_a_2d_landscape_works_too():
    explorer = LearningRateExplorer(landscapes.quadratic(1.0, 20.0), [2.0, 1.0], 40)
    assert explorer.render(0.05).startswith(PNG)
    assert explorer.verdict.get_text() == "learning rate 0.05: converges"
    explorer.render(0.2)
    assert explorer.verdict.get_text() == "learning rate 0.2: diverges"


def test_moving_the_slider_redraws_the_image():
    box = learning_rate_explorer(value=0.1)
    slider, image = box.children
    before = image.value
    slider.value = 0.45
    assert bytes(image.value) != bytes(before) and bytes(image.value).startswith(PNG)
    assert "learning-rate explorer" in repr(box)


# --- The optimizer playground -----------------------------------------------------------------------


def test_make_optimizer_builds_each_choice_from_the_sliders():
    built = {name: make_optimizer(name, 0.01, momentum=0.8, rho=0.95, beta_1=0.85, beta_2=0.99)
             for name in PLAYGROUND_OPTIMIZERS}
    assert type(built["SGD"]) is SGD and built["SGD"].momentum == 0
    assert built["momentum"].momentum == 0.8 and not built["momentum"].nesterov and built["Nesterov"].nesterov
    assert isinstance(built["RMSprop"], RMSprop) and built["RMSprop"].rho == 0.95
    assert isinstance(built["Adam"], Adam) and (built["Adam"].beta_1, built["Adam"].beta_2) == (0.85, 0.99)


def test_optimizer_explorer_draws_each_optimizer_and_reports_divergence():
    explorer = OptimizerExplorer(landscapes.rosenbrock(), np.array([-1.5, 2.0]), 100, log_levels=True)
    adam = explorer.render(Adam(0.05))
    assert adam.startswith(PNG) and explorer.verdict.get_text().startswith("Adam, lr 0.05: loss − minimum")
    explorer.render(SGD(0.1), label="SGD")
    assert "diverged at step" in explorer.verdict.get_text()


def test_playground_redraws_when_any_control_changes():
    box = optimizer_playground(steps=50)
    controls = box.children[0].children[0].children + box.children[0].children[1].children
    image = box.children[1]
    before = bytes(image.value)
    controls[0].value = "SGD"  # the optimizer dropdown
    after_name = bytes(image.value)
    controls[1].value = 0.001  # the learning rate
    assert before != after_name != bytes(image.value)
    assert "optimizer playground" in repr(box)


def test_in_chinese_the_explorers_say_their_verdicts_in_chinese(chinese):
    explorer = LearningRateExplorer(landscapes.quadratic(4.0), 2.5, 30)
    explorer.render(0.55)
    assert explorer.verdict.get_text() == "学习率 0.55：发散"
    explorer.render(0.02)
    assert explorer.verdict.get_text() == "学习率 0.02：单调收敛"
    optimizers = OptimizerExplorer(landscapes.rosenbrock(), np.array([-1.5, 2.0]), 100, log_levels=True)
    optimizers.render(make_optimizer("momentum", 0.05), label="momentum")
    assert optimizers.verdict.get_text().startswith("动量法，学习率 0.05：")
    optimizers.render(SGD(0.1), label="SGD")
    assert optimizers.verdict.get_text().startswith("SGD，学习率 0.1：在第 ")
    box = optimizer_playground(steps=5)
    dropdown = box.children[0].children[0].children[0]
    assert (dropdown.value, dropdown.label) == ("Adam", "Adam")
    dropdown.value = "momentum"  # the value stays the name make_optimizer takes; the label is translated
    assert dropdown.label == "动量法"
    assert_chinese(repr(box))
