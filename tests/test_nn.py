"""The tiny NumPy network: gradients equal tf.GradientTape's (float64) for random shapes and every activation."""

import numpy as np
import pytest
import tensorflow as tf

from course_utils.gradcheck import gradient_check
from course_utils.nn import ACTIVATIONS, Dense, Network, mse, softmax_cross_entropy

TF_ACTIVATIONS = {"linear": lambda z: z, "relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid}


def tape_gradients(network, x, targets, loss):
    """The same network written with TensorFlow operations, differentiated by the tape."""
    variables = [tf.Variable(p) for p in network.parameters()]
    with tf.GradientTape() as tape:
        a = tf.constant(x)
        for i, layer in enumerate(network.layers):
            a = TF_ACTIVATIONS[layer.activation](a @ variables[2 * i] + variables[2 * i + 1])
        if loss == "mse":
            value = tf.reduce_mean((a - targets) ** 2)
        else:
            value = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=a))
    return value.numpy(), [g.numpy() for g in tape.gradient(value, variables)]


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss", ["mse", "softmax_cross_entropy"])
@pytest.mark.parametrize("seed", range(4))
def test_gradients_match_gradient_tape(activation, loss, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(1, 8, size=rng.integers(2, 5))]
    sizes[-1] = max(sizes[-1], 2) if loss != "mse" else sizes[-1]
    network = Network.random(sizes, activation=activation, output_activation="linear" if loss != "mse" else activation,
                             rng=rng)
    for layer in network.layers:
        layer.bias[:] = rng.normal(size=layer.bias.shape)
    x = rng.normal(size=(int(rng.integers(1, 9)), sizes[0]))
    targets = rng.normal(size=(len(x), sizes[-1])) if loss == "mse" else rng.integers(0, sizes[-1], size=len(x))
    value, gradients = network.gradients(x, targets, loss)
    tape_value, tape = tape_gradients(network, x, targets, loss)
    assert value == pytest.approx(tape_value, rel=1e-12)
    for ours, theirs in zip(gradients, tape):
        assert ours.shape == theirs.shape
        assert np.max(np.abs(ours - theirs) / np.maximum(np.abs(ours) + np.abs(theirs), 1e-300)) < 1e-8


def test_backward_reuses_the_cached_forward_values():
    rng = np.random.default_rng(0)
    layer = Dense.random(3, 2, "tanh", rng)
    x = rng.normal(size=(4, 3))
    layer.forward(x)
    np.testing.assert_array_equal(layer.x, x)
    np.testing.assert_array_equal(layer.z, x @ layer.weights + layer.bias)
    delta = np.ones((4, 2)) * (1 - np.tanh(layer.z) ** 2)
    grad_x = layer.backward(np.ones((4, 2)))
    np.testing.assert_allclose(layer.grad_weights, x.T @ delta)  # error x this layer's input
    np.testing.assert_allclose(grad_x, delta @ layer.weights.T)


def test_gradient_check_passes_the_network_and_catches_a_wrong_backward_pass(monkeypatch):
    rng = np.random.default_rng(1)
    network = Network.random((3, 4, 2), activation="tanh", rng=rng)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    _, gradients = network.gradients(x, y)
    good = gradient_check(lambda: network.loss(x, y), network.parameters(), gradients)
    assert good.max_relative_error < 1e-6 and "passed" in repr(good)
    assert good.loss_evaluations == 2 * sum(p.size for p in network.parameters())

    def forgot_the_activation_derivative(self, grad_output):  # a classic bug
        self.grad_weights = self.x.T @ grad_output
        self.grad_bias = grad_output.sum(axis=0)
        return grad_output @ self.weights.T

    monkeypatch.setattr(Dense, "backward", forgot_the_activation_derivative)
    _, wrong = network.gradients(x, y)
    bad = gradient_check(lambda: network.loss(x, y), network.parameters(), wrong)
    assert bad.max_relative_error > 1e-2 and "FAILED" in repr(bad)
    assert bad.worst[0] == 0, "the first layer's weights are where the missing derivative shows"


def test_losses_and_their_gradients():
    value, gradient = mse([[1.0], [3.0]], [0.0, 1.0])
    assert value == pytest.approx(2.5) and gradient.tolist() == [[1.0], [2.0]]
    value, gradient = softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
    assert value == pytest.approx(np.log(2)) and gradient.tolist() == [[0.5, -0.5]]
    big, _ = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert big == pytest.approx(1000.0), "no overflow"


def test_backward_before_forward_is_refused():
    with pytest.raises(RuntimeError, match="call forward before backward"):
        Dense(np.ones((2, 3)), np.zeros(3)).backward(np.ones((1, 3)))
