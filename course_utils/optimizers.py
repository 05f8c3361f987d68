"""SGD, RMSprop and Adam from scratch in NumPy, computing exactly what Keras 3.15 computes.

Each update rule is Keras's own (``keras/src/optimizers/{sgd,rmsprop,adam}.py``), in the same order of
operations, so that the results agree to the last digit. Three details matter for that:

- Keras keeps the learning rate in a float32 variable and casts it to each parameter's dtype, so even
  float64 parameters step with a float32-rounded rate;
- the rate is read before the step counter ``iterations`` is incremented;
- where Keras writes ``ops.cast(python_float, dtype)`` (SGD's momentum, Adam's betas in the bias
  correction), the number goes through float32 first, even for float64 parameters; where it uses a
  Python float directly in an operation (RMSprop's rho, Adam's moment updates) it stays exact.
  :func:`keras_cast` reproduces the former.

Usage::

    opt = Adam(learning_rate=0.001)
    params = opt.step(params, grads)   # new arrays; the inputs are not modified
"""

import numpy as np

from course_utils._validate import as_array, as_bool, as_float


def keras_cast(value, dtype):
    """What ``keras.ops.cast(value, dtype)`` gives for a Python float: the value rounded to float32 first."""
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    return np.float32(value).astype(dtype)


class Optimizer:
    """What the optimizers share: validation, per-parameter state, the step counter and the rate."""

    def __init__(self, learning_rate):
        if callable(learning_rate):  # a Keras schedule, or a function: this from-scratch optimizer takes a number
            name = type(self).__name__
            raise TypeError(f"learning_rate must be a number, got {type(learning_rate).__name__}: this from-scratch "
                            f"{name} (course_utils.optimizers) takes no schedule; for one, use keras.optimizers.{name}")
        self.learning_rate = as_float("learning_rate", learning_rate, low=0)
        self.iterations = 0  # steps taken so far
        self._state = {}  # (slot name, parameter position) -> array

    def step(self, params, grads):
        """Return the parameters after one update; ``params`` and ``grads`` are arrays or lists of arrays."""
        single = not isinstance(params, (list, tuple))
        params_list, grads_list = ([params], [grads]) if single else (list(params), grads)
        if not single and (not isinstance(grads, (list, tuple)) or len(grads) != len(params_list)):
            raise ValueError(f"grads must be a list of {len(params_list)} arrays, like params")
        new = []
        for index, (param, grad) in enumerate(zip(params_list, grads_list)):
            param, grad = self._checked(index, param, grad)
            new.append(self._update(index, param, grad, self._rate(param.dtype)))
        self.iterations += 1
        return new[0] if single else new

    def _checked(self, index, param, grad):
        """One parameter array (float32 or float64) and its gradient, cast to the parameter's dtype. Values may be
        infinite or NaN: a diverged run in a sweep keeps stepping beside the others."""
        param = as_array(f"params[{index}]", param, finite=False, empty=True, dtype=None)
        if param.dtype not in (np.float32, np.float64):
            raise TypeError(f"params[{index}] must be a float32 or float64 array, got dtype {param.dtype}")
        grad = as_array(f"grads[{index}]", grad, finite=False, empty=True, dtype=param.dtype)
        if grad.shape != param.shape:
            raise ValueError(f"grads[{index}] must have the shape of params[{index}], {param.shape}; got {grad.shape}")
        return param, grad

    def _rate(self, dtype):
        """The learning rate as Keras uses it: a float32 value cast to the parameter's dtype."""
        return keras_cast(self.learning_rate, dtype)

    def _slot(self, name, index, like):
        """Per-parameter state (momentum, moments...), zero at the first step."""
        slot = self._state.setdefault((name, index), np.zeros_like(like))
        if slot.shape != like.shape or slot.dtype != like.dtype:
            raise ValueError(f"parameter {index} changed from {slot.shape} {slot.dtype} to {like.shape} {like.dtype}")
        return slot

    def _update(self, index, w, g, lr):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, Nesterov momentum and Keras 2's ``decay``.

    decay: the learning rate of step t (t = steps already taken) is learning_rate / (1 + decay * t),
    as in Keras 2; Keras 3 expresses it as InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, decay=0.0):
        super().__init__(learning_rate)
        self.momentum = as_float("momentum", momentum, low=0, high=1)
        self.nesterov = as_bool("nesterov", nesterov)
        self.decay = as_float("decay", decay, low=0)

    def _rate(self, dtype):
        if self.decay == 0:
            return super()._rate(dtype)
        lr, decay, t = np.float32(self.learning_rate), np.float32(self.decay), np.float32(self.iterations)
        return (lr / (np.float32(1) + decay * t)).astype(dtype)  # float32, as Keras's schedule computes it

    def _update(self, index, w, g, lr):
        if self.momentum == 0:
            return w - g * lr  # w <- w - lr g
        m = self._slot("momentum", index, w)
        momentum = keras_cast(self.momentum, w.dtype)
        m[...] = m * momentum - g * lr  # m <- momentum m - lr g   (a velocity)
        if self.nesterov:
            return w + (m * momentum - g * lr)  # look ahead: one more momentum step
        return w + m


class RMSprop(Optimizer):
    """Divide each step by a running root-mean-square of recent gradients (per parameter).

    rho: how much history is kept; the average spans about 1 / (1 - rho) steps.
    Keras adds epsilon *inside* the square root: step = lr g / sqrt(v + epsilon).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
        super().__init__(learning_rate)
        self.rho = as_float("rho", rho, low=0, high=1, high_open=True)
        self.momentum = as_float("momentum", momentum, low=0, high=1)
        self.epsilon = as_float("epsilon", epsilon, low=0)
        self.centered = as_bool("centered", centered)

    def _update(self, index, w, g, lr):
        v = self._slot("velocity", index, w)
        v[...] = self.rho * v + (1 - self.rho) * np.square(g)  # v <- rho v + (1 - rho) g^2
        if self.centered:
            a = self._slot("average_gradient", index, w)
            a[...] = self.rho * a + (1 - self.rho) * g  # a <- rho a + (1 - rho) g
            denominator = v - np.square(a) + self.epsilon  # a running variance instead of a mean square
        else:
            denominator = v + self.epsilon
        increment = lr * g / np.sqrt(denominator)
        if self.momentum > 0:
            m = self._slot("momentum", index, w)
            m[...] = self.momentum * m + increment
            return w - m
        return w - increment


class Adam(Optimizer):
    """Momentum (first moment m) and RMSprop (second moment v) with bias correction, per parameter.

    Keras folds the bias correction into the step size and adds epsilon outside the square root:
    alpha_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t), step = alpha_t m / (sqrt(v) + epsilon).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
        super().__init__(learning_rate)
        self.beta_1 = as_float("beta_1", beta_1, low=0, high=1, high_open=True)
        self.beta_2 = as_float("beta_2", beta_2, low=0, high=1, high_open=True)
        self.epsilon = as_float("epsilon", epsilon, low=0)
        self.amsgrad = as_bool("amsgrad", amsgrad)

    def _update(self, index, w, g, lr):
        t = w.dtype.type(self.iterations + 1)
        beta_1_power = keras_cast(self.beta_1, w.dtype) ** t
        beta_2_power = keras_cast(self.beta_2, w.dtype) ** t
        alpha = lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)  # the bias correction, folded into the step
        m = self._slot("m", index, w)
        v = self._slot("v", index, w)
        m[...] = m + (g - m) * (1 - self.beta_1)  # m <- beta_1 m + (1 - beta_1) g
        v[...] = v + (np.square(g) - v) * (1 - self.beta_2)  # v <- beta_2 v + (1 - beta_2) g^2
        if self.amsgrad:
            v_hat = self._slot("v_hat", index, w)
            v_hat[...] = np.maximum(v_hat, v)  # never let the denominator shrink
            v = v_hat
        return w - m * alpha / (np.sqrt(v) + self.epsilon)
