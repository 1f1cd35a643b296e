"""A tiny reverse-mode autograd engine on Python floats, in the style of micrograd.

Each ``Value`` holds one number (``data``), the derivative of the final result with
respect to it (``grad``), the values it was computed from (``_prev``), the name of that
operation (``_op``) and a ``_backward`` closure that applies the operation's local
derivative. ``backward()`` sorts the graph topologically once and calls every closure
from the result down to the leaves.

>>> a = Value(2.0)
>>> b = Value(3.0)
>>> c = a * b + a
>>> c.backward()
>>> c.data, a.grad, b.grad
(8.0, 4.0, 2.0)

Needs only Python: ``to_figure`` alone, which draws such a graph with the figure styles
of ``autograd_guide.draw_graph``, needs the guide's helper (a checkout:
``python -m pip install -e .``). Nothing runs when the file is executed: it only defines
things.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd_guide.graph import AutogradGraph


class Value:
    """One scalar in the graph, with its gradient and the recipe to pass gradients back.

    >>> x = Value(-1.5)
    >>> y = (x * x).relu() - x
    >>> y.backward()
    >>> y.data, x.grad
    (3.75, -4.0)
    """

    def __init__(self, data: float, _children: tuple[Value, ...] = (), _op: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = _children  # a tuple: the order (and every figure) is reproducible
        self._op = _op

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f})"

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        assert isinstance(k, (int, float)), "only a constant exponent"
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        out = Value(-self.data, (self,), "neg")

        def _backward():
            self.grad -= out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= self.data / other.data**2 * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad  # 0 at 0, as in PyTorch

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    # A number on the left: 2 * x calls x.__rmul__(2), 1 - x calls x.__rsub__(1), ...
    def __radd__(self, other: float) -> Value:
        return Value(other) + self

    def __rmul__(self, other: float) -> Value:
        return Value(other) * self

    def __rsub__(self, other: float) -> Value:
        return Value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return Value(other) / self

    def topological_order(self) -> list[Value]:
        """Every value this one depends on, each after the values it was computed from.

        >>> a = Value(1.0)
        >>> b = a + a
        >>> [v._op or "leaf" for v in (b * a).topological_order()]
        ['leaf', '+', '*']
        """
        order: list[Value] = []
        visited: set[int] = set()

        def visit(v: Value) -> None:
            if id(v) not in visited:
                visited.add(id(v))
                for child in v._prev:
                    visit(child)
                order.append(v)

        visit(self)
        return order

    def backward(self) -> None:
        """Fill ``grad`` of all the values below this one (adding up, as in PyTorch)."""
        self.grad = 1.0
        for v in reversed(self.topological_order()):
            v._backward()


def to_figure(
    root: Value, names: dict[str, Value] | None = None, lang: str | None = None
) -> AutogradGraph:
    """The graph under ``root`` as a figure styled like ``draw_graph``'s PyTorch graphs.

    Each value is a box (a leaf when no operation produced it) labelled with its name,
    if ``names`` gives one, and its data; below it hangs the operation node whose
    ``_backward`` passes the gradient on to the operands. Arrows point the way gradients
    flow.

    >>> a = Value(2.0)
    >>> b = a * 3
    >>> fig = to_figure(b, names={"a": a, "b": b})
    >>> [n.label for n in fig.nodes]
    ['b\\n6.0000', '*', 'a\\n2.0000', '3.0000']
    >>> [n.kind for n in fig.nodes]
    ['tensor', 'backward', 'leaf', 'leaf']
    >>> fig.edge_labels()[:2]
    [('b\\n6.0000', '*'), ('*', 'a\\n2.0000')]
    """
    # Only figures need the guide's helper.
    from autograd_guide.graph import AutogradGraph, Node, _default_language

    name_of = {id(v): name for name, v in (names or {}).items()}
    graph = AutogradGraph(lang=lang or _default_language)
    ids: dict[int, str] = {}

    def walk(v: Value) -> str:
        if id(v) in ids:
            return ids[id(v)]
        value_id = ids[id(v)] = f"n{len(graph.nodes)}"
        name = name_of.get(id(v))
        label = f"{name}\n{v.data:.4f}" if name else f"{v.data:.4f}"
        graph.nodes.append(Node(value_id, label, "tensor" if v._op else "leaf"))
        if v._op:
            op_id = f"n{len(graph.nodes)}"
            graph.nodes.append(Node(op_id, v._op, "backward"))
            graph.edges.append((value_id, op_id))
            for child in v._prev:
                graph.edges.append((op_id, walk(child)))
        return value_id

    walk(root)
    return graph
