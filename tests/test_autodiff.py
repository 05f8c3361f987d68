"""The scalar autodiff engine: its gradients equal tf.GradientTape's; backward twice does not double-count."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf

from course_utils.autodiff import Value, draw_graph

UNARY = {"tanh": (Value.tanh, tf.tanh), "exp": (Value.exp, tf.exp), "relu": (Value.relu, tf.nn.relu)}
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b}


def random_expression(rng, leaves, depth):
    """The same random expression built twice: on Values and on TensorFlow variables."""
    if depth == 0:
        i = int(rng.integers(len(leaves)))
        return leaves[i]
    kind = rng.choice(["unary", "binary", "power", "constant"])
    if kind == "unary":
        name = str(rng.choice(sorted(UNARY)))
        ours, theirs = random_expression(rng, leaves, depth - 1)
        if name == "exp":  # keep exp's input moderate
            ours, theirs = ours * 0.3, theirs * 0.3
        return UNARY[name][0](ours), UNARY[name][1](theirs)
    if kind == "power":
        a = random_expression(rng, leaves, depth - 1)
        return a[0] ** 2, a[1] ** 2
    if kind == "constant":
        c = float(rng.uniform(0.5, 2.0))
        a = random_expression(rng, leaves, depth - 1)
        return c * a[0] - c, c * a[1] - c
    op = BINARY[rng.choice(sorted(BINARY))]
    a, b = random_expression(rng, leaves, depth - 1), random_expression(rng, leaves, depth - 1)
    if op is BINARY["/"]:
        return a[0] / (b[0] * b[0] + 1.0), a[1] / (b[1] * b[1] + 1.0)  # never divide by zero
    return op(a[0], b[0]), op(a[1], b[1])


@pytest.mark.parametrize("seed", range(25))
def test_gradients_equal_gradient_tape_on_random_expressions(seed):
    rng = np.random.default_rng(seed)
    numbers = rng.uniform(-1.5, 1.5, size=3)
    values = [Value(float(v), label=name) for v, name in zip(numbers, "abc")]
    variables = [tf.Variable(float(v), dtype=tf.float64) for v in numbers]
    with tf.GradientTape() as tape:
        ours, theirs = random_expression(rng, list(zip(values, variables)), depth=4)
    ours = ours if isinstance(ours, Value) else Value(float(ours))
    ours.backward()
    assert ours.data == pytest.approx(float(theirs), rel=1e-12, abs=1e-12)
    for value, gradient in zip(values, tape.gradient(theirs, variables)):
        expected = 0.0 if gradient is None else float(gradient)
        assert value.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_backward_twice_gives_the_same_gradients():
    x = Value(0.7)
    y = x * x + x.tanh()
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == first == pytest.approx(2 * 0.7 + 1 - math.tanh(0.7) ** 2)


def test_a_value_used_twice_collects_both_contributions():
    x = Value(3.0)
    y = x * x  # dy/dx = 2x
    y.backward()
    assert x.grad == 6.0


def test_draw_graph_draws_every_node_with_its_value_and_gradient():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    loss = (x * w).tanh()
    loss.label = "loss"
    loss.backward()
    ax = draw_graph(loss)
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # arrows are empty texts
    assert len(texts) == 4
    assert any(t.startswith("x\ndata 2\ngrad") for t in texts) and any(t.startswith("loss (tanh)") for t in texts)
    plt.close("all")


def test_each_node_keeps_its_local_derivatives_and_the_graph_can_show_them():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    product = x * w
    loss = product.tanh() - w**2
    loss.backward()
    assert product.local == (-3.0, 2.0)  # d(xw)/dx = w, d(xw)/dw = x
    assert loss.parents[0].local == (1 - math.tanh(-6.0) ** 2,) and loss.parents[1].local == (-6.0,)
    assert loss.local == (1.0, -1.0) and x.local == ()
    ax = draw_graph(loss, local_derivatives=True, parameters=[w])
    texts = [t.get_text() for t in ax.texts if t.get_text()]
    assert "×−3" in texts and "×2" in texts and "×−6" in texts  # one label per edge
    assert [t.get_text() for t in ax.get_legend().get_texts()][1] == "parameter (trained)"
    plt.close("all")


def test_in_chinese_the_graph_has_a_chinese_title_and_legend(chinese):
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    loss = x * w - 1.0
    loss.backward()
    ax = draw_graph(loss, local_derivatives=True, parameters=[w])
    assert ax.get_title().startswith("数据流图：前向传播的值（data）与反向传播的梯度（grad）；\n每条边上")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["数据（输入、目标）", "参数（被训练）", "由运算计算得到"]
    assert any(t.get_text().startswith("const\ndata ") for t in ax.texts)  # a node's box: code names, monospace
    plt.close("all")
