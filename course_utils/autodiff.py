"""Backpropagation in one screen: a number that remembers how it was computed (after micrograd).

Every operation on a :class:`Value` records its inputs and a rule for passing the gradient back to them.
``backward()`` visits the recorded dataflow graph from the output back to the inputs (reverse
topological order), so each node's gradient is complete before it is passed on, and each local rule
reuses the values the forward computation stored.
"""

import math

from course_utils._validate import as_bool, as_float
from course_utils.i18n import _


class Value:
    """A scalar, the operation that made it, and (after ``backward``) d(output)/d(this)."""

    def __init__(self, data, parents=(), op="", label=""):
        self.data, self.grad, self.label = as_float("data", data), 0.0, label
        self.parents, self.op = parents, op
        self.local = ()  # d(self)/d(parent) for each parent: the local derivatives the backward pass multiplies by
        self._backward = lambda: None  # passes self.grad on to the parents

    def _binary(self, other, data, op, d_self, d_other):
        out = Value(data, (self, other), op)
        out.local = (d_self, d_other)

        def _backward():  # the chain rule: local derivative x the gradient arriving from the output
            self.grad += d_self * out.grad
            other.grad += d_other * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = _value(other)
        return self._binary(other, self.data + other.data, "+", 1.0, 1.0)

    def __sub__(self, other):
        other = _value(other)
        return self._binary(other, self.data - other.data, "-", 1.0, -1.0)

    def __mul__(self, other):  # d(a b)/da = b: the value stored by the forward pass
        other = _value(other)
        return self._binary(other, self.data * other.data, "*", other.data, self.data)

    def __pow__(self, exponent):
        if not isinstance(exponent, (int, float)):
            raise TypeError(f"exponent must be a constant number (Value ** 2), got {type(exponent).__name__}")
        out = Value(self.data**exponent, (self,), f"**{exponent:g}")
        out.local = (exponent * self.data ** (exponent - 1),)

        def _backward():
            self.grad += out.local[0] * out.grad

        out._backward = _backward
        return out

    def _unary(self, data, op, local_derivative):
        out = Value(data, (self,), op)
        out.local = (local_derivative,)

        def _backward():
            self.grad += local_derivative * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, "tanh", 1 - t**2)  # reuses the output t

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, "exp", e)

    def relu(self):
        return self._unary(max(self.data, 0.0), "relu", float(self.data > 0))

    def backward(self):
        """Fill in ``grad`` of every node this value depends on (calling it again gives the same result)."""
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)  # after all its inputs: a topological order

        visit(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # from the output back to the inputs
            node._backward()

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self._unary(-self.data, "neg", -1.0)

    def __rsub__(self, other):
        return _value(other) - self

    def __truediv__(self, other):
        return self * _value(other) ** -1

    def __rtruediv__(self, other):
        return _value(other) * self**-1

    def __repr__(self):
        return f"Value({self.data:.4g}, grad={self.grad:.4g}{', ' + self.label if self.label else ''})"


def _value(other):
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, (int, float)):
        raise TypeError(f"other must be a Value or a number, got {type(other).__name__} {other!r}")
    return Value(other)


def draw_graph(output, ax=None, local_derivatives=False, parameters=()):
    """Draw the dataflow graph that produced ``output``: each node with its value and gradient.

    local_derivatives: also write on each edge the local derivative d(node)/d(input), the factor the backward
    pass multiplies by along that edge. parameters: the input Values to draw as parameters (the others are data).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if not isinstance(output, Value):
        raise TypeError(f"output must be a Value (the result of an expression), got {type(output).__name__}")
    local_derivatives = as_bool("local_derivatives", local_derivatives)
    if not isinstance(parameters, (list, tuple)) or not all(isinstance(p, Value) for p in parameters):
        raise TypeError(f"parameters must be a list of the graph's input Values, got {parameters!r}")
    depth, order = {}, []

    def visit(node):
        if node not in depth:
            for parent in node.parents:
                visit(parent)
            depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
            order.append(node)

    visit(output)
    if any(p not in depth or p.parents for p in parameters):
        raise ValueError("parameters must be input Values (leaves) of the graph that produced output")
    height, leaves = {}, 0
    for node in order:  # inputs one below the other; every other node level with the mean of its inputs
        if node.parents:
            height[node] = sum(height[p] for p in node.parents) / len(node.parents)
        else:
            height[node], leaves = leaves, leaves + 1
    position = {}
    for level in sorted(set(depth.values())):
        last = -math.inf
        for node in sorted((n for n in order if depth[n] == level), key=height.get):
            last = max(height[node], last + 1)  # keep boxes of one column apart
            position[node] = (level, last)
    rows = max(y for _, y in position.values()) + 1
    if ax is None:
        _figure, ax = plt.subplots(figsize=(2.4 * (max(depth.values()) + 1), 1.3 * rows + 1))
    colours = {"data": "#FDF2E0", "parameter": "#D9EFD9", "computed": "#E6F0FA"}
    for node in order:
        x, y = position[node]
        for parent, local in zip(node.parents, node.local or (None,) * len(node.parents)):
            px, py = position[parent]
            ax.annotate("", xy=(x - 0.33, -y), xytext=(px + 0.33, -py),
                        arrowprops=dict(arrowstyle="->", color="0.5", shrinkA=2, shrinkB=2))
            if local_derivatives and local is not None:
                ax.text((x + px) / 2, -(y + py) / 2, f"×{local:.3g}".replace("-", "\u2212"), ha="center", va="center",
                        fontsize=8, style="italic",
                        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        name = " ".join(filter(None, [node.label, f"({node.op})" if node.op else ""])) or "const"
        kind = "computed" if node.parents else "parameter" if node in parameters else "data"
        ax.text(x, -y, f"{name}\ndata {node.data:.3g}\ngrad {node.grad:.3g}", ha="center", va="center",
                fontsize=9, family="monospace", bbox=dict(boxstyle="round,pad=0.4", facecolor=colours[kind],
                                                          edgecolor="0.4", linewidth=2 if kind == "parameter" else 1))
    ax.set_xlim(-0.6, max(depth.values()) + 0.6)
    ax.set_ylim(-rows + 0.4, 0.6)
    ax.axis("off")
    title = _("Dataflow graph: forward values (data) and backward gradients (grad)")
    if local_derivatives:
        title = _("Dataflow graph: forward values (data) and backward gradients (grad);\non each edge, the local "
                  "derivative the backward pass multiplies by")
    if parameters:
        handles = [Patch(facecolor=colours[kind], edgecolor="0.4", linewidth=2 if kind == "parameter" else 1,
                         label=label) for kind, label in (("data", _("data (input, target)")),
                                                          ("parameter", _("parameter (trained)")),
                                                          ("computed", _("computed by an operation")))]
        ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=False)
    ax.set_title(title)
    return ax
