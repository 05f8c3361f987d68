"""A tiny neural network in NumPy, written so that its backward pass can be read line by line.

A :class:`Dense` layer computes ``z = x @ W + b`` and ``a = activation(z)``. Its forward pass keeps
(caches) its input ``x`` and its output ``a``; its backward pass reuses them instead of computing them again.
Given the gradient of the loss with respect to its output, the backward pass computes

    delta = grad_a * activation'(z)      # the error of this layer; activation'(z) is read off the cached a
    dW    = x.T @ delta                  # the error times this layer's input: the weight gradient
    db    = delta summed over the batch
    grad_x = delta @ W.T                 # the error handed to the layer before

which is the chain rule, applied layer after layer from the output back to the input. In a :class:`Network`
a layer's output *is* the next layer's input (the same array), so each activation is kept once. Every layer
also counts the multiply-adds of its matrix products (``multiply_adds``).
"""

import numpy as np

from course_utils._validate import as_array, as_int, one_of


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


#: name -> (activation(z), its derivative as a function of z)
ACTIVATIONS = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(z.dtype)),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
}

#: name -> the same derivative as a function of the activation's output a = activation(z), so that the backward
#: pass reuses the cached output instead of computing the activation again. The numbers are identical:
#: 1 - a**2 is 1 - tanh(z)**2, a * (1 - a) is sigmoid(z) * (1 - sigmoid(z)), and a > 0 exactly where z > 0.
DERIVATIVES_FROM_OUTPUT = {
    "linear": lambda a: np.ones_like(a),
    "relu": lambda a: (a > 0).astype(a.dtype),
    "tanh": lambda a: 1 - a**2,
    "sigmoid": lambda a: a * (1 - a),
}


def _matrix(name, values, columns=None):
    """``values`` as a finite 2-D float array (rows x columns), with ``columns`` columns if given."""
    values = as_array(name, values, ndim=2)
    if columns is not None and values.shape[1] != columns:
        raise ValueError(f"{name} must have {columns} columns (the layer's inputs), got {values.shape[1]}")
    return values


class Dense:
    """A fully connected layer: a = activation(x @ weights + bias)."""

    def __init__(self, weights, bias, activation="linear"):
        one_of("activation", activation, ACTIVATIONS)
        self.weights = _matrix("weights", weights)
        bias = as_array("bias", bias).ravel()
        if bias.shape != (self.weights.shape[1],):
            raise ValueError(f"bias must have {self.weights.shape[1]} values (one per output), got {bias.size}")
        self.bias, self.activation = bias, activation

    @classmethod
    def random(cls, inputs, outputs, activation="linear", rng=None):
        """A layer with Glorot-uniform weights (Keras's default) and zero biases."""
        rng = np.random.default_rng() if rng is None else rng
        limit = np.sqrt(6 / (inputs + outputs))
        return cls(rng.uniform(-limit, limit, size=(inputs, outputs)), np.zeros(outputs), activation)

    def forward(self, x):
        x = _matrix("x", x, columns=self.weights.shape[0])
        self.multiply_adds = {}
        self.x = x  # cached: the backward pass needs this layer's input ...
        self.a = ACTIVATIONS[self.activation][0](self._product(x, self.weights, "forward") + self.bias)
        return self.a  # ... and its output (which, in a Network, is the next layer's input: the same array)

    @property
    def z(self):
        """The pre-activation ``x @ weights + bias`` of the last forward pass, recomputed when asked: it is not
        cached, since the backward pass needs only the cached input ``x`` and output ``a``."""
        if not hasattr(self, "x"):
            raise AttributeError("z: call forward first")
        return self.x @ self.weights + self.bias

    def _product(self, left, right, name):
        """left @ right, its multiply-adds (rows x inner x columns) counted in ``multiply_adds[name]``."""
        self.multiply_adds[name] = left.shape[0] * left.shape[1] * right.shape[1]
        return left @ right

    def backward(self, grad_output):
        if not hasattr(self, "a"):
            raise RuntimeError("call forward before backward: the backward pass reuses the forward pass's values")
        grad_output = np.asarray(grad_output, dtype=np.float64)
        if grad_output.shape != self.a.shape:
            raise ValueError(f"grad_output must have the shape of the layer's output, {self.a.shape}; "
                             f"got {grad_output.shape}")
        delta = grad_output * DERIVATIVES_FROM_OUTPUT[self.activation](self.a)  # this layer's error, reusing a
        self.grad_weights = self._product(self.x.T, delta, "dW")  # error x this layer's input
        self.grad_bias = delta.sum(axis=0)
        return self._product(delta, self.weights.T, "dx")  # the error handed to the previous layer

def mse(predictions, targets):
    """Mean squared error over all entries (as Keras's "mse"), and its gradient w.r.t. the predictions."""
    predictions = _matrix("predictions", predictions)
    if np.size(targets) != predictions.size:
        raise ValueError(f"targets must have one value per prediction ({predictions.size}), got {np.size(targets)}")
    targets = _matrix("targets", np.reshape(targets, predictions.shape))
    error = predictions - targets
    return np.mean(error**2), 2 * error / error.size


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) against integer class labels, and its gradient w.r.t. the logits."""
    logits = _matrix("logits", logits)
    labels = np.asarray(labels)
    if labels.shape != (logits.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be {logits.shape[0]} whole numbers (one class per sample), got {labels!r}")
    if np.any((labels < 0) | (labels >= logits.shape[1])):
        raise ValueError(f"labels must lie in 0 .. {logits.shape[1] - 1}")
    shifted = logits - logits.max(axis=1, keepdims=True)  # the same softmax, without overflow
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    gradient = np.exp(log_probabilities)
    gradient[rows, labels] -= 1
    return -np.mean(log_probabilities[rows, labels]), gradient / len(labels)


LOSSES = {"mse": mse, "softmax_cross_entropy": softmax_cross_entropy}


class Network:
    """Layers applied in order; ``gradients`` runs the forward pass, the loss, then the backward pass."""

    def __init__(self, layers):
        layers = list(layers)
        if not layers or not all(isinstance(layer, Dense) for layer in layers):
            raise TypeError("layers must be a non-empty list of Dense layers")
        for before, after in zip(layers, layers[1:]):
            if before.weights.shape[1] != after.weights.shape[0]:
                raise ValueError(f"layers must each take the previous layer's outputs as inputs: a layer with "
                                 f"{before.weights.shape[1]} outputs cannot feed one with {after.weights.shape[0]} "
                                 "inputs")
        self.layers = layers

    @classmethod
    def random(cls, sizes, activation="tanh", output_activation="linear", rng=None):
        """Layers of the given sizes, e.g. (2, 8, 1): hidden layers use ``activation``."""
        rng = np.random.default_rng() if rng is None else rng
        sizes = tuple(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes must be two or more whole numbers >= 1 (inputs, ..., outputs), got {sizes!r}")
        sizes = [as_int("sizes", size, 1) for size in sizes]
        count = len(sizes) - 1
        return cls(Dense.random(n_in, n_out, activation if i < count - 1 else output_activation, rng)
                   for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])))

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_output):
        for layer in reversed(self.layers):  # from the output layer back to the first
            grad_output = layer.backward(grad_output)
        return grad_output

    def parameters(self):
        """The weight arrays themselves (not copies), in order: W1, b1, W2, b2, ..."""
        return [array for layer in self.layers for array in (layer.weights, layer.bias)]

    def loss(self, x, targets, loss="mse"):
        return LOSSES[one_of("loss", loss, LOSSES)](self.forward(x), targets)[0]

    def gradients(self, x, targets, loss="mse"):
        """The loss and its gradient with respect to every parameter (same order as ``parameters``)."""
        value, grad_output = LOSSES[one_of("loss", loss, LOSSES)](self.forward(x), targets)
        self.backward(grad_output)
        return value, [g for layer in self.layers for g in (layer.grad_weights, layer.grad_bias)]
